//! Reference data: Organisation, Accounts, TaxRates, TrackingCategories, Currencies (read-only here).

use super::model::*;
use super::query::{self, ListSpec};
use super::{ApiResponse, Ctx, Organisation, dates, envelope, errors, money};
use rust_decimal::Decimal;
use serde_json::{Map, Value, json};
use uuid::Uuid;

pub fn render_org(org: &Organisation) -> Value {
    json!({
        "OrganisationID": org.org_id.to_string(),
        "APIKey": org.org_id.simple().to_string().to_uppercase(),
        "Name": org.name,
        "LegalName": org.legal_name,
        "PaysTax": true,
        "Version": if org.country_code == "AU" { "AU" } else { "GLOBAL" },
        "OrganisationType": "COMPANY",
        "BaseCurrency": org.base_currency,
        "CountryCode": org.country_code,
        "IsDemoCompany": false,
        "OrganisationStatus": "ACTIVE",
        "FinancialYearEndDay": 30,
        "FinancialYearEndMonth": 6,
        "SalesTaxBasis": "ACCRUALS",
        "SalesTaxPeriod": "QUARTERLY1",
        "DefaultSalesTax": "Tax Exclusive",
        "DefaultPurchasesTax": "Tax Inclusive",
        "CreatedDateUTC": dates::ms_datetime(org.created_ms),
        "OrganisationEntityType": "COMPANY",
        "Timezone": "AUSEASTERNSTANDARDTIME",
        "ShortCode": org.short_code,
        "Class": "PREMIUM",
        "Edition": "BUSINESS",
        "LineOfBusiness": "Simulation",
        "Addresses": [],
        "Phones": [],
        "ExternalLinks": [],
        "PaymentTerms": {}
    })
}

pub fn render_currencies(org: &Organisation) -> Vec<Value> {
    org.currencies.iter().map(|c| json!({ "Code": c.code, "Description": c.description })).collect()
}

pub fn render_account(a: &Account) -> Value {
    let mut m = Map::new();
    m.insert("AccountID".into(), json!(a.id.to_string()));
    m.insert("Code".into(), json!(a.code));
    m.insert("Name".into(), json!(a.name));
    m.insert("Status".into(), json!(a.status));
    m.insert("Type".into(), json!(a.typ));
    if let Some(t) = &a.tax_type {
        m.insert("TaxType".into(), json!(t));
    }
    if let Some(d) = &a.description {
        m.insert("Description".into(), json!(d));
    }
    m.insert("Class".into(), json!(a.class()));
    m.insert("SystemAccount".into(), json!(a.system_account.clone().unwrap_or_default()));
    m.insert("EnablePaymentsToAccount".into(), json!(a.enable_payments));
    m.insert("ShowInExpenseClaims".into(), json!(false));
    if a.typ == "BANK" {
        m.insert("BankAccountNumber".into(), json!(a.bank_account_number.clone().unwrap_or_default()));
        m.insert("BankAccountType".into(), json!("BANK"));
        if let Some(c) = &a.currency_code {
            m.insert("CurrencyCode".into(), json!(c));
        }
    } else {
        m.insert("BankAccountType".into(), json!(""));
    }
    m.insert("ReportingCode".into(), json!(format!("{}.{}", &a.class()[..3], a.code)));
    m.insert("HasAttachments".into(), json!(false));
    m.insert("UpdatedDateUTC".into(), json!(dates::ms_datetime(a.updated_ms)));
    m.insert("AddToWatchlist".into(), json!(false));
    Value::Object(m)
}

pub fn render_tax_rate(t: &TaxRate) -> Value {
    let rate = money::num(t.rate, 4);
    let mut m = Map::new();
    m.insert("Name".into(), json!(t.name));
    m.insert("TaxType".into(), json!(t.tax_type));
    if let Some(r) = &t.report_tax_type {
        m.insert("ReportTaxType".into(), json!(r));
    }
    m.insert("CanApplyToAssets".into(), json!(true));
    m.insert("CanApplyToEquity".into(), json!(true));
    m.insert("CanApplyToExpenses".into(), json!(true));
    m.insert("CanApplyToLiabilities".into(), json!(true));
    m.insert("CanApplyToRevenue".into(), json!(true));
    m.insert("DisplayTaxRate".into(), rate.clone());
    m.insert("EffectiveRate".into(), rate.clone());
    m.insert("Status".into(), json!(t.status));
    m.insert(
        "TaxComponents".into(),
        json!([{ "Name": "GST", "Rate": rate, "IsCompound": false, "IsNonRecoverable": false }]),
    );
    Value::Object(m)
}

pub fn render_tracking(t: &TrackingCategory, include_archived: bool) -> Value {
    let options: Vec<Value> = t
        .options
        .iter()
        .filter(|o| include_archived || o.status == "ACTIVE")
        .map(|o| {
            json!({
                "TrackingOptionID": o.id.to_string(),
                "Name": o.name,
                "Status": o.status,
                "TrackingCategoryID": t.id.to_string(),
            })
        })
        .collect();
    json!({
        "TrackingCategoryID": t.id.to_string(),
        "Name": t.name,
        "Status": t.status,
        "Options": options,
    })
}

fn only_get(method: &str) -> Option<ApiResponse> {
    if method != "GET" { Some(errors::method_not_allowed()) } else { None }
}

pub fn handle_org(org: &Organisation, ctx: &Ctx, method: &str, rest: &[&str]) -> ApiResponse {
    if let Some(r) = only_get(method) {
        return r;
    }
    if !rest.is_empty() {
        return errors::not_found();
    }
    envelope(ctx, "Organisations", vec![render_org(org)], None)
}

pub fn handle_currencies(org: &Organisation, ctx: &Ctx, method: &str, rest: &[&str]) -> ApiResponse {
    if let Some(r) = only_get(method) {
        return r;
    }
    if !rest.is_empty() {
        return errors::not_found();
    }
    let spec = ListSpec { fields: &["Code", "Description"], lists: &[], paged: false, modified_since: false };
    match query::apply(ctx, &spec, render_currencies(org)) {
        Ok((items, _)) => envelope(ctx, "Currencies", items, None),
        Err(e) => e,
    }
}

pub fn handle_accounts(org: &Organisation, ctx: &Ctx, method: &str, rest: &[&str]) -> ApiResponse {
    if let Some(r) = only_get(method) {
        return r;
    }
    match rest {
        [] => {
            let spec = ListSpec {
                fields: &[
                    "AccountID",
                    "Code",
                    "Name",
                    "Type",
                    "Status",
                    "Class",
                    "TaxType",
                    "SystemAccount",
                    "EnablePaymentsToAccount",
                    "BankAccountNumber",
                    "CurrencyCode",
                    "UpdatedDateUTC",
                ],
                lists: &[],
                paged: false,
                modified_since: true,
            };
            match query::apply(ctx, &spec, org.accounts.iter().map(render_account).collect()) {
                Ok((items, _)) => envelope(ctx, "Accounts", items, None),
                Err(e) => e,
            }
        }
        [id] => match Uuid::parse_str(id).ok().and_then(|u| org.account(u)) {
            Some(a) => envelope(ctx, "Accounts", vec![render_account(a)], None),
            None => errors::not_found(),
        },
        _ => errors::not_found(),
    }
}

pub fn handle_tax_rates(org: &Organisation, ctx: &Ctx, method: &str, rest: &[&str]) -> ApiResponse {
    if let Some(r) = only_get(method) {
        return r;
    }
    let records: Vec<Value> = match rest {
        [] => org.tax_rates.iter().map(render_tax_rate).collect(),
        [tt] => match org.tax_rate(tt) {
            Some(t) => vec![render_tax_rate(t)],
            None => return errors::not_found(),
        },
        _ => return errors::not_found(),
    };
    let spec = ListSpec {
        fields: &["TaxType", "Name", "Status", "ReportTaxType", "EffectiveRate"],
        lists: &[],
        paged: false,
        modified_since: false,
    };
    match query::apply(ctx, &spec, records) {
        Ok((items, _)) => envelope(ctx, "TaxRates", items, None),
        Err(e) => e,
    }
}

pub fn handle_tracking(org: &Organisation, ctx: &Ctx, method: &str, rest: &[&str]) -> ApiResponse {
    if let Some(r) = only_get(method) {
        return r;
    }
    let include_archived = ctx.flag("includeArchived");
    match rest {
        [] => {
            let records = org
                .tracking
                .iter()
                .filter(|t| include_archived || t.status == "ACTIVE")
                .map(|t| render_tracking(t, include_archived))
                .collect();
            let spec = ListSpec {
                fields: &["TrackingCategoryID", "Name", "Status"],
                lists: &[],
                paged: false,
                modified_since: false,
            };
            match query::apply(ctx, &spec, records) {
                Ok((items, _)) => envelope(ctx, "TrackingCategories", items, None),
                Err(e) => e,
            }
        }
        [id] => match Uuid::parse_str(id).ok().and_then(|u| org.tracking.iter().find(|t| t.id == u)) {
            Some(t) => envelope(ctx, "TrackingCategories", vec![render_tracking(t, true)], None),
            None => errors::not_found(),
        },
        _ => errors::not_found(),
    }
}

/// A tax rate as a fraction (10 % → 0.1).
pub fn fraction(t: &TaxRate) -> Decimal {
    t.rate / Decimal::ONE_HUNDRED
}
