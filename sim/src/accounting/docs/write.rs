//! Creating or updating a document from one request element, and storing it.

use super::build::build;
use super::contact_ref::{ContactRef, resolve_contact};
use super::{APPLIED_MESSAGE, Mode, invalid_status_message, not_found_message, receivable};
use crate::accounting::json::{self, bool_of, obj_of, str_of, uuid_of};
use crate::accounting::model::*;
use crate::accounting::{Ctx, ElementResult, Organisation, dates, money};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::{Map, Value, json};
use uuid::Uuid;

pub(super) fn process(
    org: &mut Organisation,
    ctx: &Ctx,
    kind: DocKind,
    elem: &Value,
    mode: Mode,
    path_id: Option<Uuid>,
) -> ElementResult {
    let Some(obj) = elem.as_object() else {
        return Err(vec![format!("A {} must be a JSON object.", kind.noun())]);
    };
    let id = uuid_of(obj, kind.id_field()).map_err(|e| vec![e])?;
    // PUT creates: an id naming an existing document is ignored and a new one is made ("We use PUT to create ...
    // POST to update", XeroAPI/Xero-NetStandard#226). An unknown id is still refused.
    let id = match id {
        Some(i) if mode == Mode::Create && org.docs.get(i).is_some_and(|d| d.kind == kind) => None,
        other => other,
    };
    let existing = if let Some(pid) = path_id.or(id) {
        match org.docs.get(pid).filter(|d| d.kind == kind) {
            Some(d) => Some(d.clone()),
            None => return Err(vec![not_found_message(kind)]),
        }
    } else if mode == Mode::Upsert {
        let typ = str_of(obj, "Type").map(|t| t.to_uppercase());
        match str_of(obj, kind.number_field()) {
            Some(n) if typ.as_deref().is_none_or(receivable) => {
                org.docs.with_number(kind, n.trim()).find(|d| receivable(&d.typ)).cloned()
            }
            _ => None,
        }
    } else {
        None
    };
    match existing {
        None => {
            let (doc, contact) = build(org, ctx, kind, obj, None, ctx.unitdp)?;
            Ok(store(org, doc, contact, true))
        }
        Some(old) => update(org, ctx, kind, obj, old),
    }
}

fn update(org: &mut Organisation, ctx: &Ctx, kind: DocKind, obj: &Map<String, Value>, old: Doc) -> ElementResult {
    let new_status = str_of(obj, "Status").map(|s| s.to_uppercase()).unwrap_or_else(|| old.status.clone());
    let applied = old.amount_paid != Decimal::ZERO || old.amount_credited != Decimal::ZERO;
    let status_only = |org: &mut Organisation, status: &str| {
        let d = org.doc_mut(old.id).expect("exists");
        d.status = status.to_string();
        d.updated_ms = ctx.now_ms;
        Ok(old.id)
    };
    match old.status.as_str() {
        "PAID" | "VOIDED" | "DELETED" => Err(vec![invalid_status_message(kind)]),
        "AUTHORISED" => match new_status.as_str() {
            "VOIDED" if applied => Err(vec![APPLIED_MESSAGE.into()]),
            "VOIDED" => status_only(org, "VOIDED"),
            "AUTHORISED" if applied => limited_update(org, ctx, kind, obj, old),
            "AUTHORISED" => {
                let unitdp = if json::has(obj, "LineItems") { ctx.unitdp } else { 4 };
                let (doc, contact) = build(org, ctx, kind, &merged(obj, &old), Some(&old), unitdp)?;
                Ok(store(org, doc, contact, false))
            }
            _ => Err(vec![invalid_status_message(kind)]),
        },
        _ => match new_status.as_str() {
            "DELETED" => status_only(org, "DELETED"),
            "VOIDED" => {
                Err(vec![format!("Only AUTHORISED documents can be VOIDED; this {} is {}.", kind.noun(), old.status)])
            }
            _ => {
                let unitdp = if json::has(obj, "LineItems") { ctx.unitdp } else { 4 };
                let (doc, contact) = build(org, ctx, kind, &merged(obj, &old), Some(&old), unitdp)?;
                Ok(store(org, doc, contact, false))
            }
        },
    }
}

/// Edits allowed once payments or credit are applied.
fn limited_update(
    org: &mut Organisation,
    ctx: &Ctx,
    kind: DocKind,
    obj: &Map<String, Value>,
    old: Doc,
) -> ElementResult {
    let mut errs = Vec::new();
    if json::has(obj, "LineItems") {
        errs.push(APPLIED_MESSAGE.to_string());
    }
    let same_str = |f: &str, cur: &str| str_of(obj, f).is_none_or(|v| v.eq_ignore_ascii_case(cur));
    if !same_str("CurrencyCode", &old.currency_code)
        || !same_str("LineAmountTypes", &old.line_amount_types)
        || !same_str(kind.number_field(), &old.number)
        || str_of(obj, "Date").is_some_and(|v| dates::parse_date(&v) != Some(old.date))
    {
        errs.push(APPLIED_MESSAGE.to_string());
    }
    if let Some(c) = obj_of(obj, "Contact") {
        match resolve_contact(org, Some(c)) {
            Ok(ContactRef::Existing(id)) if id == old.contact_id => {}
            _ => errs.push(APPLIED_MESSAGE.to_string()),
        }
    }
    errs.dedup();
    let mut d = old.clone();
    if json::has(obj, "Reference") {
        d.reference = str_of(obj, "Reference");
    }
    if json::has(obj, "Url") {
        d.url = str_of(obj, "Url");
    }
    if let Some(b) = bool_of(obj, "SentToContact") {
        d.sent_to_contact = b;
    }
    d.due_date = opt_date(obj, "DueDate", d.due_date, &mut errs);
    d.expected_payment_date = opt_date(obj, "ExpectedPaymentDate", d.expected_payment_date, &mut errs);
    d.planned_payment_date = opt_date(obj, "PlannedPaymentDate", d.planned_payment_date, &mut errs);
    if json::has(obj, "BrandingThemeID") {
        d.branding_theme_id = str_of(obj, "BrandingThemeID");
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    d.updated_ms = ctx.now_ms;
    let id = d.id;
    org.docs.replace(d);
    Ok(id)
}

pub(super) fn opt_date(
    obj: &Map<String, Value>,
    f: &str,
    cur: Option<NaiveDate>,
    errs: &mut Vec<String>,
) -> Option<NaiveDate> {
    if !json::has(obj, f) {
        return cur;
    }
    match str_of(obj, f) {
        None => None,
        Some(s) => match dates::parse_date(&s) {
            Some(d) => Some(d),
            None => {
                errs.push(format!("{f} '{s}' is not a valid date (expected YYYY-MM-DD)."));
                cur
            }
        },
    }
}

/// The stored document in request form, overlaid with the fields the update sends.
fn merged(obj: &Map<String, Value>, old: &Doc) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("Type".into(), json!(old.typ));
    m.insert("Contact".into(), json!({ "ContactID": old.contact_id.to_string() }));
    m.insert("Date".into(), json!(old.date.format("%Y-%m-%d").to_string()));
    if let Some(d) = old.due_date {
        m.insert("DueDate".into(), json!(d.format("%Y-%m-%d").to_string()));
    }
    m.insert("LineAmountTypes".into(), json!(old.line_amount_types));
    m.insert(old.kind.number_field().into(), json!(old.number));
    if let Some(r) = &old.reference {
        m.insert("Reference".into(), json!(r));
    }
    m.insert("CurrencyCode".into(), json!(old.currency_code));
    if !json::has(obj, "CurrencyCode") {
        m.insert("CurrencyRate".into(), money::num(old.currency_rate, 6));
    }
    m.insert("Status".into(), json!(old.status));
    if let Some(u) = &old.url {
        m.insert("Url".into(), json!(u));
    }
    if let Some(b) = &old.branding_theme_id {
        m.insert("BrandingThemeID".into(), json!(b));
    }
    m.insert("SentToContact".into(), json!(old.sent_to_contact));
    if let Some(x) = old.expected_payment_date {
        m.insert("ExpectedPaymentDate".into(), json!(x.format("%Y-%m-%d").to_string()));
    }
    if let Some(x) = old.planned_payment_date {
        m.insert("PlannedPaymentDate".into(), json!(x.format("%Y-%m-%d").to_string()));
    }
    let keep_tax = !json::has(obj, "LineAmountTypes");
    let lines: Vec<Value> = old.lines.iter().map(|l| line_in_request_form(l, keep_tax)).collect();
    m.insert("LineItems".into(), Value::Array(lines));
    for (k, v) in obj {
        json::set_ci(&mut m, k, v.clone());
    }
    m
}

fn store(org: &mut Organisation, mut doc: Doc, contact: Option<Contact>, is_new: bool) -> Uuid {
    if let Some(c) = contact {
        org.contacts.push(c);
    }
    if doc.number.is_empty() && receivable(&doc.typ) {
        let (prefix, counter) = match doc.kind {
            DocKind::Invoice => ("INV", &mut org.next_invoice_number),
            DocKind::CreditNote => ("CN", &mut org.next_credit_note_number),
        };
        let mut n = *counter;
        loop {
            let candidate = format!("{prefix}-{n:04}");
            if org.docs.with_number(doc.kind, &candidate).next().is_none() {
                doc.number = candidate;
                break;
            }
            n += 1;
        }
        match doc.kind {
            DocKind::Invoice => org.next_invoice_number = n + 1,
            DocKind::CreditNote => org.next_credit_note_number = n + 1,
        }
    }
    if let Some(c) = org.contacts.iter_mut().find(|c| c.id == doc.contact_id) {
        if receivable(&doc.typ) {
            c.is_customer = true;
        } else {
            c.is_supplier = true;
        }
    }
    let id = doc.id;
    if is_new {
        org.docs.push(doc);
    } else {
        org.docs.replace(doc);
    }
    id
}

/// A stored line in request form (`keep_tax`: with its TaxAmount).
fn line_in_request_form(l: &Line, keep_tax: bool) -> Value {
    let mut o = Map::new();
    o.insert("LineItemID".into(), json!(l.id.to_string()));
    json::put_opt(&mut o, "Description", l.description.clone().map(Value::from));
    json::put_opt(&mut o, "Quantity", l.quantity.map(|q| money::json_number(&q.to_string())));
    json::put_opt(&mut o, "UnitAmount", l.unit_amount.map(|u| money::json_number(&u.to_string())));
    json::put_opt(&mut o, "ItemCode", l.item_code.clone().map(Value::from));
    json::put_opt(&mut o, "AccountCode", l.account_code.clone().map(Value::from));
    json::put_opt(&mut o, "TaxType", l.tax_type.clone().map(Value::from));
    if keep_tax {
        o.insert("TaxAmount".into(), money::money(l.tax_amount));
    }
    json::put_opt(&mut o, "DiscountRate", l.discount_rate.map(money::money));
    json::put_opt(&mut o, "DiscountAmount", l.discount_amount.map(money::money));
    let tr: Vec<Value> = l
        .tracking
        .iter()
        .map(|(c, op)| json!({ "TrackingCategoryID": c.to_string(), "TrackingOptionID": op.to_string() }))
        .collect();
    o.insert("Tracking".into(), Value::Array(tr));
    Value::Object(o)
}
