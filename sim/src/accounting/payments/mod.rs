//! Payments (GET, PUT many, POST one, POST /Payments/{id} `{"Status":"DELETED"}`) and credit-note
//! allocations (PUT /CreditNotes/{id}/Allocations).
//!
//! A payment applies to an AUTHORISED invoice or credit note, from a BANK account (or one with payments
//! enabled); 0 < Amount ≤ amount outstanding. A fully paid document becomes PAID; deleting the payment
//! restores AUTHORISED. An allocation moves credit from an AUTHORISED credit note to an AUTHORISED invoice of
//! the same contact, currency and side, up to both the remaining credit and the amount due.

mod allocations;
mod create;

use super::docs;
use super::json::{self, bool_of, get, obj_of, str_of, uuid_of};
use super::model::*;
use super::query::{self, ListSpec};
use super::{ApiResponse, Ctx, ElementResult, Organisation, dates, envelope, errors, money, parse_elements, run_batch};
pub use allocations::{delete_allocation, handle_allocations, render_allocation};
use create::{create, delete};
use rust_decimal::Decimal;
use serde_json::{Map, Value, json};
use uuid::Uuid;

const PAYMENTS: ListSpec<'static> = ListSpec {
    fields: &[
        "PaymentID",
        "Status",
        "PaymentType",
        "Date",
        "Amount",
        "BankAmount",
        "Reference",
        "Invoice",
        "CreditNote",
        "Account",
        "IsReconciled",
        "UpdatedDateUTC",
        "CurrencyRate",
    ],
    lists: &[("IDs", "PaymentID")],
    paged: true,
    modified_since: true,
};

pub fn handle(org: &mut Organisation, ctx: &Ctx, method: &str, rest: &[&str], body: Option<&[u8]>) -> ApiResponse {
    match (method, rest) {
        ("GET", []) => {
            let records = org.payments.iter().map(|p| render(org, p)).collect();
            match query::apply(ctx, &PAYMENTS, records) {
                Ok((items, p)) => envelope(ctx, "Payments", items, p),
                Err(e) => e,
            }
        }
        ("GET", [id]) => match Uuid::parse_str(id).ok().and_then(|u| org.payments.iter().find(|p| p.id == u)) {
            Some(p) => envelope(ctx, "Payments", vec![render(org, p)], None),
            None => errors::not_found(),
        },
        ("PUT", []) | ("POST", []) => {
            let elems = match parse_elements(body, "Payments") {
                Ok(e) => e,
                Err(r) => return r,
            };
            run_batch(org, ctx, "Payments", Some("HasValidationErrors"), elems, create, |o, _, id| {
                render(o, o.payments.iter().find(|p| p.id == id).expect("stored"))
            })
        }
        ("POST", [id]) => {
            let Some(pid) = Uuid::parse_str(id).ok().filter(|u| org.payments.iter().any(|p| p.id == *u)) else {
                return errors::not_found();
            };
            let elems = match parse_elements(body, "Payments") {
                Ok(e) => e,
                Err(r) => return r,
            };
            run_batch(
                org,
                ctx,
                "Payments",
                Some("HasValidationErrors"),
                elems,
                |o, c, e| delete(o, c, e, pid),
                |o, _, id| render(o, o.payments.iter().find(|p| p.id == id).expect("stored")),
            )
        }
        _ => errors::method_not_allowed(),
    }
}

pub fn render(org: &Organisation, p: &Payment) -> Value {
    let mut m = Map::new();
    m.insert("PaymentID".into(), json!(p.id.to_string()));
    m.insert("Date".into(), json!(dates::ms_date(p.date)));
    m.insert("BankAmount".into(), money::money(p.bank_amount));
    m.insert("Amount".into(), money::money(p.amount));
    m.insert("Reference".into(), json!(p.reference.clone().unwrap_or_default()));
    m.insert("CurrencyRate".into(), money::num(p.currency_rate, 6));
    m.insert("PaymentType".into(), json!(p.payment_type));
    m.insert("Status".into(), json!(p.status));
    m.insert("UpdatedDateUTC".into(), json!(dates::ms_datetime(p.updated_ms)));
    m.insert("UpdatedDateUTCString".into(), json!(dates::iso_utc(p.updated_ms)));
    m.insert("HasAccount".into(), json!(true));
    m.insert("IsReconciled".into(), json!(p.is_reconciled));
    if let Some(a) = org.account(p.account_id) {
        m.insert("Account".into(), json!({ "AccountID": a.id.to_string(), "Code": a.code, "Name": a.name }));
    }
    if let Some(d) = org.doc(p.doc_id) {
        let key = match p.doc_kind {
            DocKind::Invoice => "Invoice",
            DocKind::CreditNote => "CreditNote",
        };
        m.insert(key.into(), docs::summary(org, d));
    }
    m.insert("HasValidationErrors".into(), json!(false));
    Value::Object(m)
}

fn payment_type(typ: &str) -> &'static str {
    match typ {
        "ACCREC" => "ACCRECPAYMENT",
        "ACCPAY" => "ACCPAYPAYMENT",
        "ACCRECCREDIT" => "ARCREDITPAYMENT",
        _ => "APCREDITPAYMENT",
    }
}

/// Finds the document a payment or allocation names: `{InvoiceID}` / `{InvoiceNumber}` (or credit note).
fn find_doc(org: &Organisation, obj: &Map<String, Value>, kind: DocKind) -> Result<Option<Uuid>, String> {
    let (key, top_number) = match kind {
        DocKind::Invoice => ("Invoice", "InvoiceNumber"),
        DocKind::CreditNote => ("CreditNote", "CreditNoteNumber"),
    };
    let by_number = |n: &str| org.docs.with_number(kind, n.trim()).next().map(|d| d.id);
    if let Some(o) = obj_of(obj, key) {
        if let Some(id) = uuid_of(o, kind.id_field())? {
            return match org.doc(id).filter(|d| d.kind == kind) {
                Some(d) => Ok(Some(d.id)),
                None => Err(format!("{} with {} {id} could not be found.", kind.noun(), kind.id_field())),
            };
        }
        if let Some(n) = str_of(o, kind.number_field()) {
            return by_number(&n).map(Some).ok_or(format!("{} {n} could not be found.", kind.noun()));
        }
    }
    if let Some(n) = str_of(obj, top_number) {
        return by_number(&n).map(Some).ok_or(format!("{} {n} could not be found.", kind.noun()));
    }
    Ok(None)
}

/// An element's Date (today when absent).
fn element_date(obj: &Map<String, Value>, ctx: &Ctx, errs: &mut Vec<String>) -> chrono::NaiveDate {
    match str_of(obj, "Date") {
        None => dates::today(ctx.now_ms),
        Some(s) => dates::parse_date(&s).unwrap_or_else(|| {
            errs.push(format!("Date '{s}' is not a valid date (expected YYYY-MM-DD)."));
            dates::today(ctx.now_ms)
        }),
    }
}
