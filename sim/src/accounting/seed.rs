//! The demo company a fresh organisation starts with; every list can be overridden by the seed.

use super::model::*;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::str::FromStr;
use uuid::Uuid;

/// An enabled currency. `rate`: units of this currency per one unit of base currency.
#[derive(Debug, Clone, Deserialize)]
pub struct CurrencySeed {
    pub code: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub rate: Option<Decimal>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct AccountSeed {
    pub code: String,
    pub name: String,
    #[serde(rename = "type")]
    pub typ: String,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub tax_type: Option<String>,
    #[serde(default)]
    pub bank_account_number: Option<String>,
    #[serde(default)]
    pub currency_code: Option<String>,
    #[serde(default)]
    pub enable_payments_to_account: bool,
    #[serde(default)]
    pub system_account: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TaxRateSeed {
    pub tax_type: String,
    pub name: String,
    /// Percent, e.g. 10.
    pub rate: Decimal,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub report_tax_type: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum OptionSeed {
    Name(String),
    Full { name: String, status: Option<String> },
}

#[derive(Debug, Clone, Deserialize)]
pub struct TrackingSeed {
    pub name: String,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub options: Vec<OptionSeed>,
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).expect("literal")
}

pub fn default_currencies(base: &str) -> Vec<Currency> {
    let all = [
        ("AUD", "Australian Dollar", "1"),
        ("USD", "United States Dollar", "0.650000"),
        ("EUR", "Euro", "0.600000"),
        ("GBP", "British Pound", "0.520000"),
        ("NZD", "New Zealand Dollar", "1.090000"),
    ];
    let mut out: Vec<Currency> =
        all.iter().map(|(c, n, r)| Currency { code: c.to_string(), description: n.to_string(), rate: d(r) }).collect();
    if !out.iter().any(|c| c.code == base) {
        out.insert(0, Currency { code: base.into(), description: base.into(), rate: Decimal::ONE });
    }
    // Rates are relative to AUD; re-base when the base currency differs.
    let base_rate = out.iter().find(|c| c.code == base).map(|c| c.rate).unwrap_or(Decimal::ONE);
    for c in &mut out {
        c.rate = super::money::round(c.rate / base_rate, 6);
    }
    out
}

pub fn currencies(seed: &Option<Vec<CurrencySeed>>, base: &str) -> Vec<Currency> {
    let Some(list) = seed else {
        return default_currencies(base);
    };
    let mut out: Vec<Currency> = list
        .iter()
        .map(|c| Currency {
            code: c.code.to_uppercase(),
            description: c.description.clone().unwrap_or_else(|| c.code.clone()),
            rate: if c.code.eq_ignore_ascii_case(base) { Decimal::ONE } else { c.rate.unwrap_or(Decimal::ONE) },
        })
        .collect();
    if !out.iter().any(|c| c.code == base) {
        out.insert(0, Currency { code: base.into(), description: base.into(), rate: Decimal::ONE });
    }
    out
}

pub fn default_accounts() -> Vec<AccountSeed> {
    let a = |code: &str, name: &str, typ: &str, tax: &str| AccountSeed {
        code: code.into(),
        name: name.into(),
        typ: typ.into(),
        status: None,
        tax_type: Some(tax.into()),
        bank_account_number: None,
        currency_code: None,
        enable_payments_to_account: false,
        system_account: None,
        description: None,
    };
    let mut bank = a("090", "Business Bank Account", "BANK", "BASEXCLUDED");
    bank.bank_account_number = Some("082147 12345678".into());
    bank.currency_code = Some("AUD".into());
    let mut savings = a("091", "Business Savings Account", "BANK", "BASEXCLUDED");
    savings.bank_account_number = Some("082147 87654321".into());
    savings.currency_code = Some("AUD".into());
    let mut ar = a("610", "Accounts Receivable", "CURRENT", "BASEXCLUDED");
    ar.system_account = Some("DEBTORS".into());
    let mut ap = a("800", "Accounts Payable", "CURRLIAB", "BASEXCLUDED");
    ap.system_account = Some("CREDITORS".into());
    let mut gst = a("820", "GST", "CURRLIAB", "BASEXCLUDED");
    gst.system_account = Some("GST".into());
    let mut clearing = a("855", "Payment Clearing", "CURRLIAB", "BASEXCLUDED");
    clearing.enable_payments_to_account = true;
    let mut archived = a("499", "Old Expenses (archived)", "EXPENSE", "INPUT");
    archived.status = Some("ARCHIVED".into());
    vec![
        bank,
        savings,
        a("200", "Sales", "REVENUE", "OUTPUT"),
        a("260", "Other Revenue", "REVENUE", "OUTPUT"),
        a("270", "Interest Income", "REVENUE", "EXEMPTOUTPUT"),
        a("310", "Cost of Goods Sold", "DIRECTCOSTS", "INPUT"),
        a("400", "Advertising", "EXPENSE", "INPUT"),
        a("404", "Bank Fees", "EXPENSE", "INPUTTAXED"),
        a("429", "General Expenses", "EXPENSE", "INPUT"),
        a("453", "Office Expenses", "EXPENSE", "INPUT"),
        a("461", "Printing & Stationery", "EXPENSE", "INPUT"),
        a("493", "Travel - National", "EXPENSE", "INPUT"),
        archived,
        ar,
        a("630", "Inventory", "INVENTORY", "BASEXCLUDED"),
        a("710", "Office Equipment", "FIXED", "INPUT"),
        ap,
        gst,
        clearing,
        a("960", "Retained Earnings", "EQUITY", "BASEXCLUDED"),
    ]
}

pub fn accounts(seed: &Option<Vec<AccountSeed>>, now_ms: i64) -> Vec<Account> {
    let list = seed.clone().unwrap_or_else(default_accounts);
    list.into_iter()
        .map(|s| Account {
            id: Uuid::new_v4(),
            code: s.code,
            name: s.name,
            typ: s.typ.to_uppercase(),
            status: s.status.unwrap_or_else(|| "ACTIVE".into()).to_uppercase(),
            tax_type: s.tax_type,
            description: s.description,
            bank_account_number: s.bank_account_number,
            currency_code: s.currency_code,
            enable_payments: s.enable_payments_to_account,
            system_account: s.system_account,
            updated_ms: now_ms,
        })
        .collect()
}

pub fn default_tax_rates() -> Vec<TaxRateSeed> {
    let t = |tt: &str, name: &str, rate: &str, status: &str, rep: &str| TaxRateSeed {
        tax_type: tt.into(),
        name: name.into(),
        rate: d(rate),
        status: Some(status.into()),
        report_tax_type: Some(rep.into()),
    };
    vec![
        t("OUTPUT", "GST on Income", "10", "ACTIVE", "OUTPUT"),
        t("INPUT", "GST on Expenses", "10", "ACTIVE", "INPUT"),
        t("EXEMPTOUTPUT", "GST Free Income", "0", "ACTIVE", "OUTPUT"),
        t("EXEMPTEXPENSES", "GST Free Expenses", "0", "ACTIVE", "INPUT"),
        t("EXEMPTEXPORT", "GST Free Exports", "0", "ACTIVE", "OUTPUT"),
        t("BASEXCLUDED", "BAS Excluded", "0", "ACTIVE", "BASEXCLUDED"),
        t("INPUTTAXED", "Input Taxed", "0", "ACTIVE", "INPUT"),
        t("GSTONIMPORTS", "GST on Imports", "0", "ACTIVE", "GSTONIMPORTS"),
        t("CAPEXINPUT", "GST on Capital", "10", "ACTIVE", "INPUT"),
        t("TAX001", "Old Sales Tax (deleted)", "12.5", "DELETED", "OUTPUT"),
    ]
}

pub fn tax_rates(seed: &Option<Vec<TaxRateSeed>>) -> Vec<TaxRate> {
    let list = seed.clone().unwrap_or_else(default_tax_rates);
    list.into_iter()
        .map(|s| TaxRate {
            tax_type: s.tax_type,
            name: s.name,
            rate: s.rate,
            status: s.status.unwrap_or_else(|| "ACTIVE".into()).to_uppercase(),
            report_tax_type: s.report_tax_type,
        })
        .collect()
}

pub fn default_tracking() -> Vec<TrackingSeed> {
    let o = |n: &str| OptionSeed::Name(n.into());
    vec![
        TrackingSeed {
            name: "Division".into(),
            status: None,
            options: vec![
                o("North"),
                o("South"),
                o("Head Office"),
                OptionSeed::Full { name: "West (closed)".into(), status: Some("ARCHIVED".into()) },
            ],
        },
        TrackingSeed {
            name: "Sales Rep".into(),
            status: None,
            options: vec![o("Alice Brown"), o("Bob Smith"), o("Carol White")],
        },
        TrackingSeed { name: "Region (old)".into(), status: Some("ARCHIVED".into()), options: vec![o("East")] },
    ]
}

pub fn tracking(seed: &Option<Vec<TrackingSeed>>) -> Vec<TrackingCategory> {
    let list = seed.clone().unwrap_or_else(default_tracking);
    list.into_iter()
        .map(|s| TrackingCategory {
            id: Uuid::new_v4(),
            name: s.name,
            status: s.status.unwrap_or_else(|| "ACTIVE".into()).to_uppercase(),
            options: s
                .options
                .into_iter()
                .map(|o| {
                    let (name, status) = match o {
                        OptionSeed::Name(n) => (n, None),
                        OptionSeed::Full { name, status } => (name, status),
                    };
                    TrackingOption {
                        id: Uuid::new_v4(),
                        name,
                        status: status.unwrap_or_else(|| "ACTIVE".into()).to_uppercase(),
                    }
                })
                .collect(),
        })
        .collect()
}
