//! A document as Xero returns it: the full form of GET, and the short form embedded in payments.

use crate::accounting::contacts;
use crate::accounting::model::*;
use crate::accounting::{Ctx, Organisation, dates, money};
use rust_decimal::Decimal;
use serde_json::{Map, Value, json};

fn render_line(org: &Organisation, ctx: &Ctx, l: &Line) -> Value {
    let mut m = Map::new();
    m.insert("LineItemID".into(), json!(l.id.to_string()));
    if let Some(d) = &l.description {
        m.insert("Description".into(), json!(d));
    }
    if let Some(q) = l.quantity {
        m.insert("Quantity".into(), money::num(q, 4));
    }
    if let Some(u) = l.unit_amount {
        m.insert("UnitAmount".into(), money::num(u, ctx.unitdp));
    }
    if let Some(c) = &l.item_code {
        m.insert("ItemCode".into(), json!(c));
        if let Some(i) = org.item_by_code(c) {
            let mut it = Map::new();
            it.insert("ItemID".into(), json!(i.id.to_string()));
            it.insert("Code".into(), json!(i.code));
            if let Some(n) = &i.name {
                it.insert("Name".into(), json!(n));
            }
            m.insert("Item".into(), Value::Object(it));
        }
    }
    if let Some(c) = &l.account_code {
        m.insert("AccountCode".into(), json!(c));
        if let Some(a) = org.account_by_code(c) {
            m.insert("AccountID".into(), json!(a.id.to_string()));
        }
    }
    if let Some(t) = &l.tax_type {
        m.insert("TaxType".into(), json!(t));
    }
    m.insert("TaxAmount".into(), money::money(l.tax_amount));
    m.insert("LineAmount".into(), money::money(l.line_amount));
    if let Some(d) = l.discount_rate {
        m.insert("DiscountRate".into(), money::money(d));
    }
    if let Some(d) = l.discount_amount {
        m.insert("DiscountAmount".into(), money::money(d));
    }
    let tracking: Vec<Value> = l
        .tracking
        .iter()
        .filter_map(|(c, o)| {
            let cat = org.tracking.iter().find(|t| t.id == *c)?;
            let opt = cat.options.iter().find(|x| x.id == *o)?;
            Some(json!({
                "TrackingCategoryID": cat.id.to_string(),
                "TrackingOptionID": opt.id.to_string(),
                "Name": cat.name,
                "Option": opt.name,
            }))
        })
        .collect();
    m.insert("Tracking".into(), Value::Array(tracking));
    Value::Object(m)
}

/// A document as GET returns it (`with_lines`: include LineItems).
pub fn render(org: &Organisation, ctx: &Ctx, d: &Doc, with_lines: bool) -> Value {
    let mut m = Map::new();
    m.insert("Type".into(), json!(d.typ));
    m.insert(d.kind.id_field().into(), json!(d.id.to_string()));
    if !d.number.is_empty() {
        m.insert(d.kind.number_field().into(), json!(d.number));
    }
    if let Some(r) = &d.reference {
        m.insert("Reference".into(), json!(r));
    }
    m.insert("Payments".into(), payments(org, d));
    insert_applied(org, d, &mut m);
    m.insert("SentToContact".into(), json!(d.sent_to_contact));
    m.insert("CurrencyRate".into(), money::num(d.currency_rate, 6));
    m.insert("IsDiscounted".into(), json!(d.total_discount != Decimal::ZERO));
    m.insert("HasAttachments".into(), json!(false));
    m.insert("HasErrors".into(), json!(false));
    if let Some(c) = org.contact(d.contact_id) {
        m.insert("Contact".into(), contacts::summary(c));
    }
    m.insert("DateString".into(), json!(dates::date_string(d.date)));
    m.insert("Date".into(), json!(dates::ms_date(d.date)));
    if let Some(dd) = d.due_date {
        m.insert("DueDateString".into(), json!(dates::date_string(dd)));
        m.insert("DueDate".into(), json!(dates::ms_date(dd)));
    }
    if let Some(x) = d.expected_payment_date {
        m.insert("ExpectedPaymentDate".into(), json!(dates::ms_date(x)));
    }
    if let Some(x) = d.planned_payment_date {
        m.insert("PlannedPaymentDate".into(), json!(dates::ms_date(x)));
    }
    m.insert("Status".into(), json!(d.status));
    m.insert("LineAmountTypes".into(), json!(d.line_amount_types));
    if with_lines {
        m.insert("LineItems".into(), Value::Array(d.lines.iter().map(|l| render_line(org, ctx, l)).collect()));
    }
    m.insert("SubTotal".into(), money::money(d.sub_total));
    m.insert("TotalTax".into(), money::money(d.total_tax));
    m.insert("Total".into(), money::money(d.total));
    if d.total_discount != Decimal::ZERO {
        m.insert("TotalDiscount".into(), money::money(d.total_discount));
    }
    m.insert("UpdatedDateUTC".into(), json!(dates::ms_datetime(d.updated_ms)));
    m.insert("UpdatedDateUTCString".into(), json!(dates::iso_utc(d.updated_ms)));
    m.insert("CurrencyCode".into(), json!(d.currency_code));
    if let Some(f) = d.fully_paid_on {
        m.insert("FullyPaidOnDate".into(), json!(dates::ms_date(f)));
    }
    if let Some(u) = &d.url {
        m.insert("Url".into(), json!(u));
    }
    if let Some(b) = &d.branding_theme_id {
        m.insert("BrandingThemeID".into(), json!(b));
    }
    Value::Object(m)
}

/// The short form embedded in payments.
pub fn summary(org: &Organisation, d: &Doc) -> Value {
    let mut m = Map::new();
    m.insert("Type".into(), json!(d.typ));
    m.insert(d.kind.id_field().into(), json!(d.id.to_string()));
    m.insert(d.kind.number_field().into(), json!(d.number));
    if let Some(c) = org.contact(d.contact_id) {
        m.insert("Contact".into(), contacts::summary(c));
    }
    m.insert("Status".into(), json!(d.status));
    m.insert("CurrencyCode".into(), json!(d.currency_code));
    m.insert("Total".into(), money::money(d.total));
    m.insert("LineItems".into(), json!([]));
    m.insert("HasErrors".into(), json!(false));
    Value::Object(m)
}

/// The authorised payments on a document, as embedded in it.
fn payments(org: &Organisation, d: &Doc) -> Value {
    Value::Array(
        org.payments
            .iter()
            .filter(|p| p.doc_id == d.id && p.status == "AUTHORISED")
            .map(|p| {
                json!({
                    "PaymentID": p.id.to_string(),
                    "Date": dates::ms_date(p.date),
                    "Amount": money::money(p.amount),
                    "Reference": p.reference.clone().unwrap_or_default(),
                    "CurrencyRate": money::num(p.currency_rate, 6),
                    "HasAccount": false,
                    "HasValidationErrors": false,
                })
            })
            .collect(),
    )
}

/// The credit notes allocated to an invoice, as embedded in it.
fn applied_credit_notes(org: &Organisation, d: &Doc) -> Value {
    Value::Array(
        org.allocations
            .iter()
            .filter(|a| a.invoice_id == d.id)
            .filter_map(|a| {
                let cn = org.doc(a.credit_note_id)?;
                Some(json!({
                    "CreditNoteID": cn.id.to_string(),
                    "CreditNoteNumber": cn.number,
                    "ID": cn.id.to_string(),
                    "AppliedAmount": money::money(a.amount),
                    "DateString": dates::date_string(a.date),
                    "Date": dates::ms_date(a.date),
                    "LineItems": [],
                    "Total": money::money(cn.total),
                    "HasErrors": false,
                }))
            })
            .collect(),
    )
}

/// A credit note's allocations to invoices, as embedded in it.
fn allocations(org: &Organisation, d: &Doc) -> Value {
    Value::Array(
        org.allocations
            .iter()
            .filter(|a| a.credit_note_id == d.id)
            .map(|a| {
                let inv = org.doc(a.invoice_id);
                json!({
                    "AllocationID": a.id.to_string(),
                    "Amount": money::money(a.amount),
                    "Date": dates::ms_date(a.date),
                    "Invoice": {
                        "InvoiceID": a.invoice_id.to_string(),
                        "InvoiceNumber": inv.map(|i| i.number.clone()).unwrap_or_default(),
                        "Payments": [], "CreditNotes": [], "Prepayments": [], "Overpayments": [],
                        "HasErrors": false, "IsDiscounted": false, "LineItems": [],
                    },
                    "IsDeleted": false,
                })
            })
            .collect(),
    )
}

/// What is applied to the document: an invoice's credit notes and amounts, a credit note's allocations.
fn insert_applied(org: &Organisation, d: &Doc, m: &mut Map<String, Value>) {
    match d.kind {
        DocKind::Invoice => {
            m.insert("CreditNotes".into(), applied_credit_notes(org, d));
            m.insert("Prepayments".into(), json!([]));
            m.insert("Overpayments".into(), json!([]));
            m.insert("AmountDue".into(), money::money(d.outstanding()));
            m.insert("AmountPaid".into(), money::money(d.amount_paid));
            m.insert("AmountCredited".into(), money::money(d.amount_credited));
        }
        DocKind::CreditNote => {
            m.insert("Allocations".into(), allocations(org, d));
            m.insert("RemainingCredit".into(), money::money(d.outstanding()));
            m.insert("AppliedAmount".into(), money::money(d.amount_credited));
            m.insert("ID".into(), json!(d.id.to_string()));
        }
    }
}
