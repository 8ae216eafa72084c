//! The Accounting API's domain (`/api.xro/2.0/...`): organisations' data, Xero's rules, Xero's responses.
//!
//! Pure and synchronous: the server authenticates, checks the tenant, applies limits, idempotency and faults,
//! then calls [`handle`] with the organisation locked.
//!
//! Layout: `model` (what is stored), `seed` (the demo company), `settings` (Organisation, Accounts, TaxRates,
//! TrackingCategories, Currencies), `contacts`, `items`, `docs` (invoices and credit notes, which share their
//! rules), `payments` (payments and credit-note allocations), `query` (where/order/paging), `money`, `dates`,
//! `json`, `errors`.

mod contacts;
mod dates;
mod doc_store;
mod docs;
mod errors;
mod items;
mod json;
mod model;
mod money;
mod payments;
mod query;
pub mod seed;
mod settings;
mod tracking;

use serde::Deserialize;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use model::*;

/// How to build one organisation (tenant) at start-up. Defaults describe a fresh demo company.
///
/// JSON shape (every field but `name` optional):
/// `{"tenant_id": uuid, "name": "...", "legal_name": "...", "base_currency": "AUD", "country_code": "AU",
///   "currencies": [{"code":"USD","description":"...","rate":"0.65"}],
///   "accounts": [{"code":"200","name":"Sales","type":"REVENUE","status":"ACTIVE","tax_type":"OUTPUT",
///                 "bank_account_number":null,"currency_code":null,"enable_payments_to_account":false,
///                 "system_account":null,"description":null}],
///   "tax_rates": [{"tax_type":"OUTPUT","name":"GST on Income","rate":"10","status":"ACTIVE","report_tax_type":"OUTPUT"}],
///   "tracking_categories": [{"name":"Division","status":"ACTIVE","options":["North", {"name":"West","status":"ARCHIVED"}]}]}`
#[derive(Debug, Clone, Deserialize)]
pub struct OrgSeed {
    /// Xero tenant id (a UUID); generated when absent.
    #[serde(default)]
    pub tenant_id: Option<String>,
    pub name: String,
    #[serde(default)]
    pub legal_name: Option<String>,
    /// Default `AUD`.
    #[serde(default)]
    pub base_currency: Option<String>,
    /// Default `AU`.
    #[serde(default)]
    pub country_code: Option<String>,
    /// Enabled currencies (the base is always added). Default AUD, USD, EUR, GBP, NZD.
    #[serde(default)]
    pub currencies: Option<Vec<seed::CurrencySeed>>,
    /// Chart of accounts. Default: see [`seed::default_accounts`].
    #[serde(default)]
    pub accounts: Option<Vec<seed::AccountSeed>>,
    /// Tax rates. Default: see [`seed::default_tax_rates`].
    #[serde(default)]
    pub tax_rates: Option<Vec<seed::TaxRateSeed>>,
    /// Tracking categories. Default: see [`seed::default_tracking`].
    #[serde(default)]
    pub tracking_categories: Option<Vec<seed::TrackingSeed>>,
}

/// A change to an organisation's settings, as the control API takes it (`POST /_sim/orgs/{tenant_id}/settings`,
/// `SimHandle::patch_org`). Every member optional.
///
/// `{"day_rates": [{"currency": "USD", "date": "2026-11-25", "rate": "0.651234"}]}`
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgPatch {
    /// Xero's day rates: from `date` on (until a later one), a document in `currency` without a `CurrencyRate`
    /// takes `rate` (units per one unit of base currency, up to 6 decimal places).
    #[serde(default)]
    pub day_rates: Vec<DayRate>,
    /// Xero's "high volume threshold": with more records of a kind than this (Contacts, Invoices), a `where` on a
    /// field outside the kind's optimised filters is refused with a 400. `0` turns it off (the default).
    #[serde(default)]
    pub unoptimised_filter_threshold: Option<usize>,
    /// The period lock date: a document dated on or before it is refused (`null` or absent: unchanged).
    #[serde(default)]
    pub period_lock_date: Option<chrono::NaiveDate>,
    /// `false`: the organisation is no longer active (deleted, its trial ended, a demo company reset): every
    /// Accounting call for it is refused as Xero refuses a tenant it no longer serves (see `is_active`).
    #[serde(default)]
    pub active: Option<bool>,
    /// How an exact half cent is rounded in line amounts and tax (Xero does not say; `SimConfig::unknowns`).
    #[serde(default)]
    pub half_cent: Option<crate::config::HalfCent>,
}

/// One day rate (see [`OrgPatch::day_rates`]).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DayRate {
    pub currency: String,
    pub date: chrono::NaiveDate,
    #[serde(with = "rust_decimal::serde::str")]
    pub rate: rust_decimal::Decimal,
}

/// One organisation's state.
#[derive(Debug, Clone)]
pub struct Organisation {
    pub tenant_id: String,
    pub name: String,
    pub(crate) legal_name: String,
    pub(crate) org_id: Uuid,
    pub(crate) short_code: String,
    pub(crate) created_ms: i64,
    pub(crate) base_currency: String,
    pub(crate) country_code: String,
    pub(crate) currencies: Vec<Currency>,
    pub(crate) accounts: Vec<Account>,
    pub(crate) tax_rates: Vec<TaxRate>,
    pub(crate) tracking: Vec<TrackingCategory>,
    pub(crate) contacts: Vec<Contact>,
    pub(crate) items: Vec<Item>,
    pub(crate) docs: doc_store::DocStore,
    pub(crate) payments: Vec<Payment>,
    pub(crate) allocations: Vec<Allocation>,
    pub(crate) next_invoice_number: u32,
    pub(crate) next_credit_note_number: u32,
    /// Spec checks of this organisation's requests and responses, and what broke the spec (see [`crate::spec`]).
    pub(crate) spec: crate::spec::Checks,
    /// Xero's day rates (units per one unit of base currency) by currency and the date from which each holds.
    pub(crate) day_rates: std::collections::BTreeMap<(String, chrono::NaiveDate), rust_decimal::Decimal>,
    /// Xero's high volume threshold for `where` filters that are not optimised (None: off; see `query`).
    pub(crate) filter_threshold: Option<usize>,
    /// Documents dated on or before this are refused (Xero's period lock date; None: no lock).
    pub(crate) period_lock_date: Option<chrono::NaiveDate>,
    /// Whether Xero still serves the organisation (see [`Organisation::is_active`]).
    pub(crate) active: bool,
    /// How an exact half cent is rounded (see [`crate::config::HalfCent`]).
    pub(crate) half_cent: crate::config::HalfCent,
}

impl Organisation {
    pub fn new(seed: &OrgSeed) -> Self {
        let now_ms = chrono::Utc::now().timestamp_millis();
        let base = seed.base_currency.clone().unwrap_or_else(|| "AUD".into()).to_uppercase();
        let org_id = Uuid::new_v4();
        Organisation {
            tenant_id: seed.tenant_id.clone().unwrap_or_else(|| Uuid::new_v4().to_string()),
            name: seed.name.clone(),
            legal_name: seed.legal_name.clone().unwrap_or_else(|| seed.name.clone()),
            org_id,
            short_code: format!("!{}", &org_id.simple().to_string()[..5]),
            created_ms: now_ms,
            country_code: seed.country_code.clone().unwrap_or_else(|| "AU".into()).to_uppercase(),
            currencies: seed::currencies(&seed.currencies, &base),
            base_currency: base,
            accounts: seed::accounts(&seed.accounts, now_ms),
            tax_rates: seed::tax_rates(&seed.tax_rates),
            tracking: seed::tracking(&seed.tracking_categories),
            contacts: Vec::new(),
            items: Vec::new(),
            docs: Default::default(),
            payments: Vec::new(),
            allocations: Vec::new(),
            next_invoice_number: 1,
            next_credit_note_number: 1,
            spec: Default::default(),
            day_rates: Default::default(),
            filter_threshold: None,
            period_lock_date: None,
            active: true,
            half_cent: Default::default(),
        }
    }

    /// Sets Xero's day rate of `currency` (units per one unit of base currency) from `date` on, until a later
    /// date's rate. Documents dated before every set date take the currency's seeded rate.
    pub fn set_day_rate(&mut self, currency: &str, date: chrono::NaiveDate, rate: rust_decimal::Decimal) {
        self.day_rates.insert((currency.to_ascii_uppercase(), date), rate);
    }

    /// Applies a settings change.
    pub fn apply(&mut self, patch: &OrgPatch) -> Result<(), String> {
        for r in &patch.day_rates {
            if r.rate <= rust_decimal::Decimal::ZERO || self.currency(&r.currency).is_none() {
                return Err(format!(
                    "day rate {} {} for {}: a positive rate of an enabled currency",
                    r.currency, r.rate, r.date
                ));
            }
        }
        for r in &patch.day_rates {
            self.set_day_rate(&r.currency, r.date, r.rate.round_dp(6));
        }
        if patch.period_lock_date.is_some() {
            self.period_lock_date = patch.period_lock_date;
        }
        if let Some(half) = patch.half_cent {
            self.half_cent = half;
        }
        if let Some(active) = patch.active {
            self.active = active;
        }
        if let Some(n) = patch.unoptimised_filter_threshold {
            self.filter_threshold = (n > 0).then_some(n);
        }
        Ok(())
    }

    /// Whether Xero still serves the organisation. One that is not (deleted, its free trial ended, a demo company
    /// reset) answers every Accounting call with 403 `AuthenticationUnsuccessful`, as for a tenant the token may
    /// not reach ("The tenant is no longer active. This generally occurs when an organisation has been deleted,
    /// the free trial has ended or a demo organisation has been reset":
    /// developer.xero.com/documentation/oauth2/troubleshooting).
    pub fn is_active(&self) -> bool {
        self.active
    }

    /// The day rate Xero uses for a document in `currency` dated `date` that names no `CurrencyRate`.
    pub fn day_rate(&self, currency: &str, date: chrono::NaiveDate) -> rust_decimal::Decimal {
        let code = currency.to_ascii_uppercase();
        let from = (code.clone(), chrono::NaiveDate::MIN);
        match self.day_rates.range(from..=(code.clone(), date)).next_back() {
            Some((_, r)) => *r,
            None => self.currency(&code).map(|c| c.rate).unwrap_or(rust_decimal::Decimal::ONE),
        }
    }

    /// Turns the checking of response bodies against Xero's OpenAPI spec, and the recording of spec violations,
    /// on or off (default on, unless `XERO_SIM_VALIDATE_SPEC=0`). A request body the spec's schema cannot read
    /// is refused either way, as Xero refuses it (400 `PostDataInvalidException`).
    pub fn set_spec_validation(&mut self, on: bool) {
        self.spec.enabled = on;
    }

    /// The spec violations recorded so far (requests sent, responses given), oldest first, forgotten once
    /// taken. Whoever drops the organisation with violations left panics: a test that breaks the spec on
    /// purpose takes them.
    pub fn take_spec_violations(&mut self) -> Vec<String> {
        self.spec.take()
    }

    /// Everything stored, for inspection by tests, in Xero's shapes (unit amounts at 4 dp).
    pub fn snapshot(&self) -> Value {
        let ctx = Ctx::internal();
        let invoices: Vec<Value> = self
            .docs
            .iter()
            .filter(|d| d.kind == DocKind::Invoice)
            .map(|d| docs::render(self, &ctx, d, true))
            .collect();
        let credit_notes: Vec<Value> = self
            .docs
            .iter()
            .filter(|d| d.kind == DocKind::CreditNote)
            .map(|d| docs::render(self, &ctx, d, true))
            .collect();
        json!({
            "tenant_id": self.tenant_id,
            "name": self.name,
            "Organisation": settings::render_org(self),
            "Currencies": settings::render_currencies(self),
            "Accounts": self.accounts.iter().map(settings::render_account).collect::<Vec<_>>(),
            "TaxRates": self.tax_rates.iter().map(settings::render_tax_rate).collect::<Vec<_>>(),
            "TrackingCategories": self.tracking.iter().map(|t| settings::render_tracking(t, true)).collect::<Vec<_>>(),
            "Contacts": self.contacts.iter().map(|c| contacts::render(self, c)).collect::<Vec<_>>(),
            "Items": self.items.iter().map(|i| items::render(&ctx, i)).collect::<Vec<_>>(),
            "Invoices": invoices,
            "CreditNotes": credit_notes,
            "Payments": self.payments.iter().map(|p| payments::render(self, p)).collect::<Vec<_>>(),
            "Allocations": self.allocations.iter().map(|a| payments::render_allocation(self, a)).collect::<Vec<_>>(),
        })
    }

    pub(crate) fn contact(&self, id: Uuid) -> Option<&Contact> {
        self.contacts.iter().find(|c| c.id == id)
    }
    pub(crate) fn doc(&self, id: Uuid) -> Option<&Doc> {
        self.docs.get(id)
    }
    pub(crate) fn doc_mut(&mut self, id: Uuid) -> Option<&mut Doc> {
        self.docs.get_mut(id)
    }
    pub(crate) fn account_by_code(&self, code: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.code.eq_ignore_ascii_case(code))
    }
    pub(crate) fn account(&self, id: Uuid) -> Option<&Account> {
        self.accounts.iter().find(|a| a.id == id)
    }
    pub(crate) fn tax_rate(&self, tax_type: &str) -> Option<&TaxRate> {
        self.tax_rates.iter().find(|t| t.tax_type.eq_ignore_ascii_case(tax_type))
    }
    pub(crate) fn currency(&self, code: &str) -> Option<&Currency> {
        self.currencies.iter().find(|c| c.code.eq_ignore_ascii_case(code))
    }
    pub(crate) fn item_by_code(&self, code: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.code.eq_ignore_ascii_case(code))
    }
}

/// One Accounting API request, as the server hands it over.
pub struct ApiRequest<'a> {
    /// `GET`, `PUT`, `POST` or `DELETE`.
    pub method: &'a str,
    /// The path after `/api.xro/2.0`, e.g. `/Invoices` or `/Invoices/0f1e...`.
    pub path: &'a str,
    /// Decoded query parameters, in order.
    pub query: &'a [(String, String)],
    /// The raw request body, if any.
    pub body: Option<&'a [u8]>,
    /// The simulator's clock: milliseconds since the Unix epoch (scaled time).
    pub now_ms: i64,
}

/// The answer: HTTP status and JSON body.
#[derive(Debug, Clone)]
pub struct ApiResponse {
    pub status: u16,
    pub body: Value,
}

const SETTINGS_READ: &[&str] = &["accounting.settings", "accounting.settings.read"];
const SETTINGS_WRITE: &[&str] = &["accounting.settings"];
const CONTACTS_READ: &[&str] = &["accounting.contacts", "accounting.contacts.read"];
const CONTACTS_WRITE: &[&str] = &["accounting.contacts"];
const ITEMS_READ: &[&str] =
    &["accounting.invoices", "accounting.invoices.read", "accounting.settings", "accounting.settings.read"];
const ITEMS_WRITE: &[&str] = &["accounting.invoices", "accounting.settings"];
const INVOICES_READ: &[&str] =
    &["accounting.invoices", "accounting.invoices.read", "accounting.transactions", "accounting.transactions.read"];
const INVOICES_WRITE: &[&str] = &["accounting.invoices", "accounting.transactions"];
const PAYMENTS_READ: &[&str] =
    &["accounting.payments", "accounting.payments.read", "accounting.transactions", "accounting.transactions.read"];
const PAYMENTS_WRITE: &[&str] = &["accounting.payments", "accounting.transactions"];

/// Scopes of which the access token must hold at least one for this request (empty: none needed).
pub fn required_scopes(method: &str, path: &str) -> &'static [&'static str] {
    let read = method.eq_ignore_ascii_case("GET") || method.eq_ignore_ascii_case("HEAD");
    let first = path.trim_matches('/').split('/').next().unwrap_or("").to_ascii_lowercase();
    match first.as_str() {
        "organisation" | "organisations" | "accounts" | "taxrates" | "trackingcategories" | "currencies" => {
            if read {
                SETTINGS_READ
            } else {
                SETTINGS_WRITE
            }
        }
        "contacts" => {
            if read {
                CONTACTS_READ
            } else {
                CONTACTS_WRITE
            }
        }
        "items" => {
            if read {
                ITEMS_READ
            } else {
                ITEMS_WRITE
            }
        }
        "invoices" | "creditnotes" => {
            if read {
                INVOICES_READ
            } else {
                INVOICES_WRITE
            }
        }
        "payments" => {
            if read {
                PAYMENTS_READ
            } else {
                PAYMENTS_WRITE
            }
        }
        _ => &[],
    }
}

/// Per-request settings the handlers need.
pub(crate) struct Ctx<'a> {
    pub now_ms: i64,
    /// Decimal places for unit amounts in and out (2, or 4 with `unitdp=4`).
    pub unitdp: u32,
    pub summarize: bool,
    pub query: &'a [(String, String)],
    /// `If-Modified-Since`, in milliseconds (None: absent or not a date).
    pub modified_since: Option<i64>,
    /// The organisation's high volume threshold for unoptimised `where` filters (None: off).
    pub filter_threshold: Option<usize>,
}

impl<'a> Ctx<'a> {
    fn internal() -> Ctx<'static> {
        Ctx { now_ms: 0, unitdp: 4, summarize: true, query: &[], modified_since: None, filter_threshold: None }
    }
    pub fn param(&self, name: &str) -> Option<&'a str> {
        self.query.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
    pub fn flag(&self, name: &str) -> bool {
        self.param(name).is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
    }
}

/// Serves one request against `org`, as if it carried no header that matters (see [`handle_with_headers`]).
pub fn handle(org: &mut Organisation, req: &ApiRequest<'_>) -> ApiResponse {
    handle_with_headers(org, req, &[])
}

/// Serves one request against `org` with its headers (name, value; names ignore case). The Accounting API reads
/// `If-Modified-Since`: the list endpoints that declare it in Xero's spec (Accounts, Contacts, Invoices,
/// CreditNotes, Items, Payments) return only records whose `UpdatedDateUTC` is after it; a value that is not a
/// date is ignored, as HTTP says of this header.
///
/// Every write's body is first read as Xero's spec describes it: a member of the wrong type or outside its
/// enumeration (`"LineAmountTypes": "Sideways"`, `"Quantity": "one"`) makes the whole request a 400
/// `PostDataInvalidException` (ErrorNumber 14), as Xero answers post data it cannot deserialise (body shape:
/// freakboy3742/pyxero#214, XeroAPI/xero-php-oauth2#205 (with `summarizeErrors=false` too), pyxero#255). With
/// spec validation on (the default), every violation of the spec by a request or by the response is recorded
/// on the organisation (see [`Organisation::take_spec_violations`]).
pub fn handle_with_headers(org: &mut Organisation, req: &ApiRequest<'_>, headers: &[(&str, &str)]) -> ApiResponse {
    if let Some(refused) = check_request(org, req) {
        return refused;
    }
    let out = serve(org, req, headers);
    if org.spec.enabled {
        let found = crate::spec::spec().response_violations(req.method, req.path, out.status, &out.body);
        for v in found.unwrap_or_default() {
            org.spec.record(format!("response to {} {} ({}): {v}", req.method, req.path, out.status));
        }
    }
    out
}

/// A write whose body the spec's schema cannot read (wrong type, value outside an enumeration, malformed
/// UUID): Xero's 400 `PostDataInvalidException`. Other violations (a missing `required` member, a length over
/// `maxLength`) are only recorded: Xero checks those per element, as the handlers do.
fn check_request(org: &mut Organisation, req: &ApiRequest<'_>) -> Option<ApiResponse> {
    if !matches!(req.method.to_ascii_uppercase().as_str(), "PUT" | "POST") {
        return None;
    }
    let body: Value = serde_json::from_slice(req.body?).ok()?;
    let found = crate::spec::spec().request_violations(&req.method.to_ascii_uppercase(), req.path, &body)?;
    if org.spec.enabled {
        for v in &found {
            org.spec.record(format!("request {} {}: {v} (value {})", req.method, req.path, v.value));
        }
    }
    let bad = found.iter().find(|v| v.unreadable)?;
    // The wording is the simulator's, in the form of the .NET reader's messages Xero passes on.
    Some(errors::post_data_invalid(&format!(
        "JSON for post data was invalid,Error converting value {} at Path '{}': {}.",
        bad.value, bad.path, bad.message
    )))
}

fn serve(org: &mut Organisation, req: &ApiRequest<'_>, headers: &[(&str, &str)]) -> ApiResponse {
    let modified_since = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("If-Modified-Since"))
        .and_then(|(_, v)| dates::parse_instant(v));
    let ctx = Ctx {
        modified_since,
        filter_threshold: org.filter_threshold,
        now_ms: req.now_ms,
        unitdp: if req.query.iter().any(|(k, v)| k.eq_ignore_ascii_case("unitdp") && v.trim() == "4") { 4 } else { 2 },
        summarize: !req
            .query
            .iter()
            .any(|(k, v)| k.eq_ignore_ascii_case("summarizeErrors") && v.trim().eq_ignore_ascii_case("false")),
        query: req.query,
    };
    let segs: Vec<String> = req.path.split('/').filter(|s| !s.is_empty()).map(percent_decode).collect();
    let method = req.method.to_ascii_uppercase();
    let Some(first) = segs.first().map(|s| s.to_ascii_lowercase()) else {
        return errors::not_found();
    };
    let rest: Vec<&str> = segs[1..].iter().map(String::as_str).collect();
    match first.as_str() {
        "organisation" | "organisations" => settings::handle_org(org, &ctx, &method, &rest),
        "accounts" => settings::handle_accounts(org, &ctx, &method, &rest),
        "taxrates" => settings::handle_tax_rates(org, &ctx, &method, &rest),
        "trackingcategories" if method == "GET" => settings::handle_tracking(org, &ctx, &method, &rest),
        "trackingcategories" => tracking::handle_write(org, &ctx, &method, &rest, req.body),
        "currencies" => settings::handle_currencies(org, &ctx, &method, &rest),
        "contacts" => contacts::handle(org, &ctx, &method, &rest, req.body),
        "items" => items::handle(org, &ctx, &method, &rest, req.body),
        "invoices" => docs::handle(org, &ctx, DocKind::Invoice, &method, &rest, req.body),
        "creditnotes" => {
            if rest.len() == 3 && rest[1].eq_ignore_ascii_case("allocations") && method == "DELETE" {
                payments::delete_allocation(org, &ctx, rest[0], rest[2])
            } else if rest.len() == 2 && rest[1].eq_ignore_ascii_case("allocations") {
                if method != "PUT" {
                    return errors::method_not_allowed();
                }
                payments::handle_allocations(org, &ctx, rest[0], req.body)
            } else {
                docs::handle(org, &ctx, DocKind::CreditNote, &method, &rest, req.body)
            }
        }
        "payments" => payments::handle(org, &ctx, &method, &rest, req.body),
        _ => errors::not_found(),
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Some(b) = s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The standard success envelope.
pub(crate) fn envelope(ctx: &Ctx, key: &str, items: Vec<Value>, pagination: Option<Value>) -> ApiResponse {
    let mut m = Map::new();
    m.insert("Id".into(), json!(Uuid::new_v4().to_string()));
    m.insert("Status".into(), json!("OK"));
    m.insert("ProviderName".into(), json!("xero-sim"));
    m.insert("DateTimeUTC".into(), json!(format!("/Date({})/", ctx.now_ms)));
    if let Some(p) = pagination {
        m.insert("pagination".into(), p);
    }
    m.insert(key.into(), Value::Array(items));
    ApiResponse { status: 200, body: Value::Object(m) }
}

/// The elements of a request body: `{"Key": [...]}`, a single element object, or a bare array.
pub(crate) fn parse_elements(body: Option<&[u8]>, key: &str) -> Result<Vec<Value>, ApiResponse> {
    let body = body.unwrap_or(&[]);
    if body.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(errors::post_data_invalid(
            "No data has been received. Please ensure the request body is not empty.",
        ));
    }
    let v: Value = serde_json::from_slice(body)
        .map_err(|e| errors::post_data_invalid(&format!("JSON for post data was invalid,{e}")))?;
    match v {
        Value::Array(a) => Ok(a),
        Value::Object(m) => match json::get(&m, key) {
            Some(Value::Array(a)) => Ok(a.clone()),
            Some(Value::Object(o)) => Ok(vec![Value::Object(o.clone())]),
            Some(_) => {
                Err(errors::post_data_invalid(&format!("JSON for post data was invalid,'{key}' must be an array")))
            }
            None if json::has(&m, key) => Ok(Vec::new()),
            None => Ok(vec![Value::Object(m)]),
        },
        _ => Err(errors::post_data_invalid("JSON for post data was invalid,expected an object")),
    }
}

/// The outcome of one element's processing: the id of what was stored, or Xero's messages.
pub(crate) type ElementResult = Result<Uuid, Vec<String>>;

/// Runs a batch with Xero's summarizeErrors semantics.
///
/// * summarizeErrors (default): any failing element → 400 `ValidationException` listing every element in
///   input order (failing ones with their `ValidationErrors`), and nothing is stored.
/// * `summarizeErrors=false`: 200; valid elements are stored; every element carries
///   `StatusAttributeString` `OK`/`ERROR`.
///
/// Each `process` call must be atomic: validate first, then mutate.
pub(crate) fn run_batch(
    org: &mut Organisation,
    ctx: &Ctx,
    key: &str,
    err_flag: Option<&str>,
    elems: Vec<Value>,
    mut process: impl FnMut(&mut Organisation, &Ctx, &Value) -> ElementResult,
    render: impl Fn(&Organisation, &Ctx, Uuid) -> Value,
) -> ApiResponse {
    let backup = if ctx.summarize { Some(org.clone()) } else { None };
    let results: Vec<ElementResult> = elems.iter().map(|e| process(org, ctx, e)).collect();
    let any_err = results.iter().any(Result::is_err);
    let echo = |e: &Value, errs: &[String]| {
        let mut m = e.as_object().cloned().unwrap_or_default();
        m.insert("ValidationErrors".into(), Value::Array(errs.iter().map(|s| json!({ "Message": s })).collect()));
        if !errs.is_empty() {
            m.insert("StatusAttributeString".into(), json!("ERROR"));
            if let Some(f) = err_flag {
                m.insert(f.into(), json!(true));
            }
        }
        Value::Object(m)
    };
    if any_err && ctx.summarize {
        if let Some(b) = backup {
            *org = b;
        }
        let elements: Vec<Value> = elems
            .iter()
            .zip(&results)
            .map(|(e, r)| match r {
                Ok(_) => echo(e, &[]),
                Err(errs) => echo(e, errs),
            })
            .collect();
        return errors::validation_exception(elements);
    }
    let out: Vec<Value> = elems
        .iter()
        .zip(&results)
        .map(|(e, r)| match r {
            Ok(id) => {
                let mut v = render(org, ctx, *id);
                if let Some(m) = v.as_object_mut() {
                    // A saved element with notices says WARNING (Xero's spec: StatusAttributeString, Warnings).
                    let warned = m.get("Warnings").and_then(Value::as_array).is_some_and(|w| !w.is_empty());
                    m.insert("StatusAttributeString".into(), json!(if warned { "WARNING" } else { "OK" }));
                }
                v
            }
            Err(errs) => echo(e, errs),
        })
        .collect();
    envelope(ctx, key, out, None)
}
