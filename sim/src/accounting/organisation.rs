//! An organisation (tenant): how it is seeded and patched, what it holds, and the lookups the rules use.

use serde::Deserialize;
use serde_json::Value;
use uuid::Uuid;

use super::model::*;
use super::*;

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
