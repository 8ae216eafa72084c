//! The read-only operations (`get_*`): the organisation's accounts, tax rates and tracking categories (what the
//! administrator maps to), and the Xero state of pushed documents (status, totals, amount due).

use crate::error::Result;
use crate::push::api::{XeroApi, fetch, get};
use crate::push::documents::{Voided, credit_note_spec, invoice_spec, resolve_documents};
use crate::push::engine::{self, Ctx, Spec};
use crate::push::map::{member, member_decimal};
use crate::push::schema::DocumentType;
use crate::registry::Connection;
use crate::store::ledger;
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// `get_accounts`, `get_tax_rates`, `get_tracking_categories`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LookupRequest {
    pub connection: String,
    #[serde(default)]
    pub deadline_ms: Option<u64>,
    /// Include archived (and deleted) entries; by default only active ones.
    #[serde(default)]
    pub include_archived: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct AccountInfo {
    pub code: String,
    pub name: String,
    /// Xero account type: `REVENUE`, `EXPENSE`, `DIRECTCOSTS`, `BANK`, `INVENTORY`, ...
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub status: Option<String>,
    /// Default tax type of lines on this account.
    pub tax_type: Option<String>,
    pub class: Option<String>,
    /// Payments can be made from it (bank accounts and accounts with payments enabled).
    pub takes_payments: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub xero_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct AccountsResponse {
    pub accounts: Vec<AccountInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct TaxRateInfo {
    /// What lines name as `tax_code`.
    pub tax_type: String,
    pub name: Option<String>,
    pub status: Option<String>,
    /// Percent, exact (`"10.0000"`).
    #[serde(serialize_with = "crate::push::amount::as_string_option::serialize")]
    #[schemars(with = "Option<String>")]
    pub rate: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct TaxRatesResponse {
    pub tax_rates: Vec<TaxRateInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct TrackingOptionInfo {
    pub name: String,
    pub status: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct TrackingCategoryInfo {
    pub name: String,
    pub status: Option<String>,
    /// `division` or `sales_rep` when the connection's `tracking_categories` maps this category.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maps: Option<String>,
    pub options: Vec<TrackingOptionInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct TrackingCategoriesResponse {
    pub tracking_categories: Vec<TrackingCategoryInfo>,
}

fn active(status: &Option<String>, include_archived: bool) -> bool {
    include_archived || status.as_deref().is_none_or(|s| s == "ACTIVE")
}

fn lookup_deadline(connection: &Connection, ms: Option<u64>) -> crate::deadline::Deadline {
    crate::deadline::Deadline::from_request(ms, connection.config.timeouts.default_deadline_ms)
}

pub fn accounts(connection: &Connection, request: LookupRequest, api: &dyn XeroApi) -> Result<AccountsResponse> {
    let deadline = lookup_deadline(connection, request.deadline_ms);
    let accounts = fetch(api, "reading accounts", &get("/Accounts", vec![]), deadline)?.accounts;
    Ok(AccountsResponse {
        accounts: accounts
            .into_iter()
            .filter(|a| active(&a.status, request.include_archived))
            .filter_map(|a| {
                Some(AccountInfo {
                    code: a.code.clone()?,
                    name: a.name.clone().unwrap_or_default(),
                    takes_payments: a.kind.as_deref() == Some("BANK") || a.enable_payments_to_account == Some(true),
                    kind: a.kind,
                    status: a.status,
                    tax_type: a.tax_type,
                    class: a.class,
                    xero_id: a.account_id,
                })
            })
            .collect(),
    })
}

pub fn tax_rates(connection: &Connection, request: LookupRequest, api: &dyn XeroApi) -> Result<TaxRatesResponse> {
    let deadline = lookup_deadline(connection, request.deadline_ms);
    let rates = fetch(api, "reading tax rates", &get("/TaxRates", vec![]), deadline)?.tax_rates;
    Ok(TaxRatesResponse {
        tax_rates: rates
            .into_iter()
            .filter(|t| active(&t.status, request.include_archived))
            .filter_map(|t| {
                Some(TaxRateInfo {
                    tax_type: t.tax_type?,
                    name: t.name,
                    status: t.status,
                    rate: t.effective_rate.or(t.display_tax_rate),
                })
            })
            .collect(),
    })
}

pub fn tracking_categories(
    connection: &Connection,
    request: LookupRequest,
    api: &dyn XeroApi,
) -> Result<TrackingCategoriesResponse> {
    let deadline = lookup_deadline(connection, request.deadline_ms);
    let mut query = Vec::new();
    if request.include_archived {
        query.push(("includeArchived".to_string(), "true".to_string()));
    }
    let categories =
        fetch(api, "reading tracking categories", &get("/TrackingCategories", query), deadline)?.tracking_categories;
    let names = &connection.config.tracking_categories;
    Ok(TrackingCategoriesResponse {
        tracking_categories: categories
            .into_iter()
            .filter(|c| active(&c.status, request.include_archived))
            .map(|c| TrackingCategoryInfo {
                maps: if c.name == names.division {
                    Some("division".into())
                } else if c.name == names.sales_rep {
                    Some("sales_rep".into())
                } else {
                    None
                },
                options: c
                    .options
                    .into_iter()
                    .filter(|o| active(&o.status, request.include_archived))
                    .map(|o| TrackingOptionInfo { name: o.name, status: o.status })
                    .collect(),
                name: c.name,
                status: c.status,
            })
            .collect(),
    })
}

/// `get_documents`: the Xero state of documents pushed (or entered in Xero), by ERP number.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetDocumentsRequest {
    pub connection: String,
    #[serde(default)]
    pub deadline_ms: Option<u64>,
    pub documents: Vec<DocumentQuery>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    #[default]
    Invoice,
    CreditNote,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentQuery {
    /// `sales` or `purchase`.
    #[serde(rename = "type")]
    pub doc_type: DocumentType,
    /// `invoice` (default) or `credit_note`.
    #[serde(default)]
    pub kind: DocumentKind,
    pub number: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct DocumentState {
    pub index: usize,
    pub number: String,
    /// False when Xero has no such document.
    pub found: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub xero_id: Option<String>,
    /// `DRAFT`, `SUBMITTED`, `AUTHORISED`, `PAID`, `VOIDED`, `DELETED`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub xero_status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub totals: Option<crate::push::schema::DocumentTotals>,
    #[serde(serialize_with = "crate::push::amount::as_string_option::serialize")]
    #[schemars(with = "Option<String>")]
    pub amount_paid: Option<Decimal>,
    #[serde(serialize_with = "crate::push::amount::as_string_option::serialize")]
    #[schemars(with = "Option<String>")]
    pub amount_credited: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct GetDocumentsResponse {
    pub documents: Vec<DocumentState>,
}

pub fn documents(
    connection: &Connection,
    request: GetDocumentsRequest,
    api: &dyn XeroApi,
) -> Result<GetDocumentsResponse> {
    let config = &connection.config;
    let ctx = Ctx::new(config, api, lookup_deadline(connection, request.deadline_ms), true)?;
    let mut out: Vec<Option<DocumentState>> = vec![None; request.documents.len()];
    let mut groups: HashMap<(DocumentKind, DocumentType), Vec<usize>> = HashMap::new();
    for (i, q) in request.documents.iter().enumerate() {
        groups.entry((q.kind, q.doc_type)).or_default().push(i);
    }
    for ((kind, t), indices) in groups {
        let spec = match kind {
            DocumentKind::Invoice => invoice_spec(t),
            DocumentKind::CreditNote => credit_note_spec(t),
        };
        let numbers: Vec<String> = indices.iter().map(|&i| request.documents[i].number.clone()).collect();
        let ids = match resolve_documents(&ctx, &spec, &numbers, None, Voided::Take) {
            Ok(ids) => ids,
            Err(e) => {
                for &i in &indices {
                    out[i] = Some(state(i, &request.documents[i].number, None, Some(e.message.clone())));
                }
                continue;
            }
        };
        let wanted: Vec<String> = ids.values().filter_map(|r| r.as_ref().ok().cloned()).collect();
        let found = match fetch_by_ids(&ctx, &spec, &wanted) {
            Ok(found) => found,
            Err(e) => {
                for &i in &indices {
                    out[i] = Some(state(i, &request.documents[i].number, None, Some(e.message.clone())));
                }
                continue;
            }
        };
        for &i in &indices {
            if out[i].is_some() {
                continue;
            }
            let number = &request.documents[i].number;
            let doc = match ids.get(&number.to_lowercase()) {
                Some(Ok(id)) => found.get(&id.to_lowercase()),
                Some(Err(message)) => {
                    out[i] = Some(state(i, number, None, Some(message.clone())));
                    continue;
                }
                None => None,
            };
            if let Some(d) = doc {
                if let Some(status) = member(d, "Status") {
                    ledger::set_status(&ctx.store, &ctx.scope, spec.ledger_kind, number, status)?;
                }
            }
            out[i] = Some(state(i, number, doc, None));
        }
    }
    Ok(GetDocumentsResponse { documents: out.into_iter().map(|d| d.expect("every document answered")).collect() })
}

/// The documents of `spec`'s collection with these Xero IDs, by lower-cased ID, 40 to a request.
fn fetch_by_ids(ctx: &Ctx, spec: &Spec, ids: &[String]) -> Result<HashMap<String, serde_json::Value>> {
    let collection = spec.collection;
    let mut found = HashMap::new();
    for chunk in ids.chunks(40) {
        let query = if collection == "Invoices" {
            vec![("IDs".to_string(), chunk.join(","))]
        } else {
            let w = chunk
                .iter()
                .map(|id| format!("CreditNoteID==Guid({})", crate::xero::where_string(id)))
                .collect::<Vec<_>>()
                .join(" OR ");
            vec![("where".to_string(), w)]
        };
        for d in engine::fetch_values(ctx, "reading documents", &format!("/{collection}"), query, collection, true)? {
            if let Some(id) = member(&d, spec.id_field) {
                found.insert(id.to_lowercase(), d);
            }
        }
    }
    Ok(found)
}

fn state(index: usize, number: &str, doc: Option<&serde_json::Value>, error: Option<String>) -> DocumentState {
    let m = |k: &str| doc.and_then(|d| member_decimal(d, k));
    DocumentState {
        index,
        number: number.to_owned(),
        found: doc.is_some(),
        xero_id: doc.and_then(|d| member(d, "InvoiceID").or_else(|| member(d, "CreditNoteID"))).map(str::to_owned),
        xero_status: doc.and_then(|d| member(d, "Status")).map(str::to_owned),
        totals: doc.map(engine::totals_of),
        amount_paid: m("AmountPaid"),
        amount_credited: m("AmountCredited").or_else(|| m("AppliedAmount")),
        currency: doc.and_then(|d| member(d, "CurrencyCode")).map(str::to_owned),
        error,
    }
}
