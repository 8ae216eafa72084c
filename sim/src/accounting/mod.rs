//! The Accounting API's domain (`/api.xro/2.0/...`): organisations' data, Xero's rules, Xero's responses.
//!
//! Pure and synchronous: the server authenticates, checks the tenant, applies limits, idempotency and faults,
//! then calls [`handle`] with the organisation locked.
//!
//! Layout: `organisation` (one tenant: its seed, patches and lookups), `model` (what is stored), `seed` (the demo
//! company), `settings` (Organisation, Accounts, TaxRates, TrackingCategories, Currencies), `contacts`, `items`,
//! `docs` (invoices and credit notes, which share their rules), `payments` (payments and credit-note allocations),
//! `query` (where/order/paging), `money`, `dates`, `batch` (request elements, response envelopes, summarizeErrors),
//! `json`, `errors`.

mod batch;
mod contacts;
mod dates;
mod doc_store;
mod docs;
mod errors;
mod items;
mod json;
mod model;
mod money;
mod organisation;
mod payments;
mod query;
pub mod seed;
mod settings;
mod tracking;

use serde_json::{Value, json};

use model::*;

pub(crate) use batch::{ElementResult, envelope, parse_elements, run_batch};
pub use organisation::{DayRate, OrgPatch, OrgSeed, Organisation};

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
