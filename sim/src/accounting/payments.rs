//! Payments (GET, PUT many, POST one, POST /Payments/{id} `{"Status":"DELETED"}`) and credit-note
//! allocations (PUT /CreditNotes/{id}/Allocations).
//!
//! A payment applies to an AUTHORISED invoice or credit note, from a BANK account (or one with payments
//! enabled); 0 < Amount ≤ amount outstanding. A fully paid document becomes PAID; deleting the payment
//! restores AUTHORISED. An allocation moves credit from an AUTHORISED credit note to an AUTHORISED invoice of
//! the same contact, currency and side, up to both the remaining credit and the amount due.

use super::docs;
use super::json::{self, bool_of, get, obj_of, str_of, uuid_of};
use super::model::*;
use super::query::{self, ListSpec};
use super::{ApiResponse, Ctx, ElementResult, Organisation, dates, envelope, errors, money, parse_elements, run_batch};
use rust_decimal::Decimal;
use serde_json::{Map, Value, json};
use uuid::Uuid;

pub fn handle(org: &mut Organisation, ctx: &Ctx, method: &str, rest: &[&str], body: Option<&[u8]>) -> ApiResponse {
    match (method, rest) {
        ("GET", []) => {
            let records = org.payments.iter().map(|p| render(org, p)).collect();
            let spec = ListSpec {
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
            match query::apply(ctx, &spec, records) {
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

pub fn render_allocation(org: &Organisation, a: &Allocation) -> Value {
    let mut m = Map::new();
    m.insert("AllocationID".into(), json!(a.id.to_string()));
    m.insert("Amount".into(), money::money(a.amount));
    m.insert("Date".into(), json!(dates::ms_date(a.date)));
    if let Some(i) = org.doc(a.invoice_id) {
        m.insert("Invoice".into(), docs::summary(org, i));
    }
    if let Some(c) = org.doc(a.credit_note_id) {
        m.insert("CreditNote".into(), docs::summary(org, c));
    }
    m.insert("IsDeleted".into(), json!(false));
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

fn create(org: &mut Organisation, ctx: &Ctx, elem: &Value) -> ElementResult {
    let Some(obj) = elem.as_object() else {
        return Err(vec!["A Payment must be a JSON object.".into()]);
    };
    let mut errs = Vec::new();
    let inv = find_doc(org, obj, DocKind::Invoice).map_err(|e| vec![e])?;
    let cn = find_doc(org, obj, DocKind::CreditNote).map_err(|e| vec![e])?;
    let doc = match (inv, cn) {
        (Some(i), _) => org.doc(i).cloned(),
        (None, Some(c)) => org.doc(c).cloned(),
        (None, None) => {
            errs.push("A payment must specify the Invoice or CreditNote it applies to (by ID or number).".into());
            None
        }
    };
    let account_ref = obj_of(obj, "Account");
    let account = match (
        account_ref.map(|a| uuid_of(a, "AccountID")).transpose().map_err(|e| vec![e])?.flatten(),
        account_ref.and_then(|a| str_of(a, "Code")).or_else(|| str_of(obj, "Code")),
    ) {
        (Some(id), _) => org.account(id).cloned().or_else(|| {
            errs.push(format!("Account with AccountID {id} could not be found."));
            None
        }),
        (None, Some(code)) => org.account_by_code(&code).cloned().or_else(|| {
            errs.push(format!("Account code '{code}' is not a valid code."));
            None
        }),
        (None, None) => {
            errs.push("You must specify and Account code or Account ID for the payment".into());
            None
        }
    };
    if let Some(a) = &account {
        if !a.active() || !(a.typ == "BANK" || a.enable_payments) {
            errs.push(format!(
                "Account {} cannot be used for payments: payments must be made from an active BANK account or an account with payments enabled.",
                a.code
            ));
        }
    }
    let amount = match get(obj, "Amount").and_then(money::parse) {
        Some(a) if a > Decimal::ZERO => Some(money::round(a, 2)),
        Some(_) => {
            errs.push("Payment amount must be greater than zero.".into());
            None
        }
        None => {
            errs.push("Payment Amount must be specified.".into());
            None
        }
    };
    let date = match str_of(obj, "Date") {
        None => dates::today(ctx.now_ms),
        Some(s) => dates::parse_date(&s).unwrap_or_else(|| {
            errs.push(format!("Date '{s}' is not a valid date (expected YYYY-MM-DD)."));
            dates::today(ctx.now_ms)
        }),
    };
    if let Some(d) = &doc {
        if d.status != "AUTHORISED" {
            if d.status == "PAID" {
                errs.push("Payment amount exceeds the amount outstanding on this document".into());
            } else {
                errs.push(format!(
                    "Payments can only be made against AUTHORISED documents; this {} is {}.",
                    d.kind.noun(),
                    d.status
                ));
            }
        } else if let Some(a) = amount {
            if a > d.outstanding() {
                errs.push("Payment amount exceeds the amount outstanding on this document".into());
            }
        }
    }
    if str_of(obj, "Status").is_some_and(|s| !s.eq_ignore_ascii_case("AUTHORISED")) {
        errs.push("A payment can only be created with Status AUTHORISED.".into());
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    let (doc, account, amount) = (doc.expect("checked"), account.expect("checked"), amount.expect("checked"));
    let currency_rate = if doc.currency_code == org.base_currency {
        Decimal::ONE
    } else {
        get(obj, "CurrencyRate")
            .and_then(money::parse)
            .filter(|r| *r > Decimal::ZERO)
            .map(|r| money::round(r, 6))
            .unwrap_or(doc.currency_rate)
    };
    let bank_currency = account.currency_code.clone().unwrap_or_else(|| org.base_currency.clone());
    let bank_amount = if bank_currency == doc.currency_code { amount } else { money::round(amount / currency_rate, 2) };
    let p = Payment {
        id: Uuid::new_v4(),
        doc_id: doc.id,
        doc_kind: doc.kind,
        account_id: account.id,
        date,
        amount,
        bank_amount,
        currency_rate,
        reference: str_of(obj, "Reference"),
        is_reconciled: bool_of(obj, "IsReconciled").unwrap_or(false),
        status: "AUTHORISED".into(),
        payment_type: payment_type(&doc.typ).into(),
        updated_ms: ctx.now_ms,
    };
    let id = p.id;
    let d = org.doc_mut(doc.id).expect("exists");
    d.amount_paid += amount;
    d.updated_ms = ctx.now_ms;
    if d.outstanding() == Decimal::ZERO {
        d.status = "PAID".into();
        d.fully_paid_on = Some(date);
    }
    org.payments.push(p);
    Ok(id)
}

fn delete(org: &mut Organisation, ctx: &Ctx, elem: &Value, pid: Uuid) -> ElementResult {
    let obj = elem.as_object().cloned().unwrap_or_default();
    if !str_of(&obj, "Status").is_some_and(|s| s.eq_ignore_ascii_case("DELETED")) {
        return Err(vec![
            "Payments can only be deleted (Status DELETED); delete the payment and create a new one to change it."
                .into(),
        ]);
    }
    if json::has(&obj, "PaymentID") {
        if let Ok(Some(id)) = uuid_of(&obj, "PaymentID") {
            if id != pid {
                return Err(vec!["The PaymentID in the body does not match the one in the URL.".into()]);
            }
        }
    }
    let p = org.payments.iter().find(|p| p.id == pid).cloned().expect("exists");
    if p.status == "DELETED" {
        return Err(vec!["This payment has already been deleted.".into()]);
    }
    if p.is_reconciled {
        return Err(vec!["A reconciled payment cannot be deleted.".into()]);
    }
    let d = org.doc_mut(p.doc_id).expect("exists");
    d.amount_paid -= p.amount;
    d.updated_ms = ctx.now_ms;
    if d.status == "PAID" && d.outstanding() > Decimal::ZERO {
        d.status = "AUTHORISED".into();
        d.fully_paid_on = None;
    }
    let pm = org.payments.iter_mut().find(|x| x.id == pid).expect("exists");
    pm.status = "DELETED".into();
    pm.updated_ms = ctx.now_ms;
    Ok(pid)
}

pub fn handle_allocations(org: &mut Organisation, ctx: &Ctx, cn_key: &str, body: Option<&[u8]>) -> ApiResponse {
    let Some(cn_id) = docs::find(org, DocKind::CreditNote, cn_key) else {
        return errors::not_found();
    };
    let elems = match parse_elements(body, "Allocations") {
        Ok(e) => e,
        Err(r) => return r,
    };
    run_batch(
        org,
        ctx,
        "Allocations",
        None,
        elems,
        |o, c, e| allocate(o, c, e, cn_id),
        |o, _, id| {
            let a = o.allocations.iter().find(|a| a.id == id).expect("stored");
            let mut v = render_allocation(o, a);
            if let Some(m) = v.as_object_mut() {
                m.insert("ValidationErrors".into(), json!([]));
            }
            v
        },
    )
}

/// `DELETE /CreditNotes/{id}/Allocations/{allocationId}` (Xero's spec, `deleteCreditNoteAllocations`): the credit
/// goes back to both documents (a PAID one is AUTHORISED again); the answer is the allocation with `IsDeleted`.
pub fn delete_allocation(org: &mut Organisation, ctx: &Ctx, cn_key: &str, allocation: &str) -> ApiResponse {
    let Some(cn_id) = docs::find(org, DocKind::CreditNote, cn_key) else {
        return errors::not_found();
    };
    let found = Uuid::parse_str(allocation)
        .ok()
        .and_then(|id| org.allocations.iter().position(|a| a.id == id && a.credit_note_id == cn_id));
    let Some(i) = found else {
        return errors::not_found();
    };
    let mut rendered = render_allocation(org, &org.allocations[i]);
    rendered["IsDeleted"] = json!(true);
    let a = org.allocations.remove(i);
    for doc_id in [a.invoice_id, a.credit_note_id] {
        let d = org.doc_mut(doc_id).expect("exists");
        d.amount_credited -= a.amount;
        d.updated_ms = ctx.now_ms;
        if d.status == "PAID" && d.outstanding() > Decimal::ZERO {
            d.status = "AUTHORISED".into();
            d.fully_paid_on = None;
        }
    }
    ApiResponse { status: 200, body: rendered }
}

fn allocate(org: &mut Organisation, ctx: &Ctx, elem: &Value, cn_id: Uuid) -> ElementResult {
    let Some(obj) = elem.as_object() else {
        return Err(vec!["An Allocation must be a JSON object.".into()]);
    };
    let mut errs = Vec::new();
    let cn = org.doc(cn_id).cloned().expect("exists");
    let inv = match find_doc(org, obj, DocKind::Invoice) {
        Ok(Some(id)) => org.doc(id).cloned(),
        Ok(None) => {
            errs.push("An allocation must specify the Invoice (by InvoiceID or InvoiceNumber).".into());
            None
        }
        Err(e) => {
            errs.push(e);
            None
        }
    };
    let amount = match get(obj, "Amount").and_then(money::parse) {
        Some(a) if a > Decimal::ZERO => Some(money::round(a, 2)),
        _ => {
            errs.push("Allocation Amount must be a number greater than zero.".into());
            None
        }
    };
    let date = match str_of(obj, "Date") {
        None => dates::today(ctx.now_ms),
        Some(s) => dates::parse_date(&s).unwrap_or_else(|| {
            errs.push(format!("Date '{s}' is not a valid date (expected YYYY-MM-DD)."));
            dates::today(ctx.now_ms)
        }),
    };
    if cn.status != "AUTHORISED" {
        if cn.status == "PAID" {
            errs.push("Credit Note cannot be allocated as amount is greater than amount outstanding".into());
        } else {
            errs.push(format!("Only AUTHORISED credit notes can be allocated; this credit note is {}.", cn.status));
        }
    }
    if let Some(inv) = &inv {
        if inv.status == "PAID" {
            errs.push("The invoice you are trying to allocate to has already been paid off".into());
        } else if inv.status != "AUTHORISED" {
            errs.push(format!(
                "Credit notes can only be allocated to AUTHORISED invoices; this invoice is {}.",
                inv.status
            ));
        }
        let expected = if cn.typ == "ACCRECCREDIT" { "ACCREC" } else { "ACCPAY" };
        if inv.typ != expected {
            errs.push("Credit Note cannot be allocated to an incorrect invoice type".into());
        }
        if inv.contact_id != cn.contact_id {
            errs.push("The credit note and the invoice must belong to the same contact.".into());
        }
        if inv.currency_code != cn.currency_code {
            errs.push("The credit note and the invoice must be in the same currency.".into());
        }
        if let Some(a) = amount {
            if cn.status == "AUTHORISED"
                && inv.status == "AUTHORISED"
                && (a > cn.outstanding() || a > inv.outstanding())
            {
                errs.push("Credit Note cannot be allocated as amount is greater than amount outstanding".into());
            }
        }
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    let (inv, amount) = (inv.expect("checked"), amount.expect("checked"));
    let a = Allocation { id: Uuid::new_v4(), credit_note_id: cn_id, invoice_id: inv.id, amount, date };
    let id = a.id;
    for doc_id in [inv.id, cn_id] {
        let d = org.doc_mut(doc_id).expect("exists");
        d.amount_credited += amount;
        d.updated_ms = ctx.now_ms;
        if d.outstanding() == Decimal::ZERO {
            d.status = "PAID".into();
            d.fully_paid_on = Some(date);
        }
    }
    org.allocations.push(a);
    Ok(id)
}
