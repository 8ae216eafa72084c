//! Invoices (ACCREC/ACCPAY) and credit notes (ACCRECCREDIT/ACCPAYCREDIT): they share Xero's rules.
//!
//! Creation: Type, Contact (by ContactID, ContactNumber or Name; a Name that matches no contact creates one),
//! LineItems; Status DRAFT/SUBMITTED/AUTHORISED. Receivable numbers are unique and auto-generated
//! (`INV-0001`, `CN-0001`); payable numbers are free. Money per line, rounded half away from zero.
//!
//! PUT only creates: an existing document's ID in a PUT is ignored (a new document is made, its receivable number
//! checked for uniqueness as usual; XeroAPI/Xero-NetStandard#226).
//!
//! Updates (POST with the document's ID, or a receivable number that exists, or POST /{Kind}/{id}):
//! DRAFT/SUBMITTED → anything but VOIDED; AUTHORISED → edits while nothing is applied, VOIDED while nothing
//! is applied, and only Reference/DueDate/Url/SentToContact/ExpectedPaymentDate/PlannedPaymentDate/
//! BrandingThemeID once payments or credit are applied; PAID/VOIDED/DELETED → nothing. LineItems sent
//! replace all lines (a LineItemID keeps the line's id).

use super::contacts;
use super::json::{self, bool_of, get, obj_of, str_of, uuid_of};
use super::model::*;
use super::query::{self, ListSpec};
use super::settings::fraction;
use super::{ApiResponse, Ctx, ElementResult, Organisation, dates, envelope, errors, money, parse_elements, run_batch};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::{Map, Value, json};
use uuid::Uuid;

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Create,
    Upsert,
}

pub fn handle(
    org: &mut Organisation,
    ctx: &Ctx,
    kind: DocKind,
    method: &str,
    rest: &[&str],
    body: Option<&[u8]>,
) -> ApiResponse {
    let key = kind.collection();
    match (method, rest) {
        ("GET", []) => list(org, ctx, kind),
        ("GET", [k]) => match find(org, kind, k) {
            Some(id) => envelope(ctx, key, vec![render(org, ctx, org.doc(id).expect("found"), true)], None),
            None => errors::not_found(),
        },
        ("PUT", []) | ("POST", []) | ("POST", [_]) => {
            let path_id = match rest {
                [k] => match find(org, kind, k) {
                    Some(id) => Some(id),
                    None => return errors::not_found(),
                },
                _ => None,
            };
            let mode = if method == "PUT" { Mode::Create } else { Mode::Upsert };
            let elems = match parse_elements(body, key) {
                Ok(e) => e,
                Err(r) => return r,
            };
            run_batch(
                org,
                ctx,
                key,
                Some("HasErrors"),
                elems,
                |o, c, e| process(o, c, kind, e, mode, path_id),
                |o, c, id| {
                    let d = o.doc(id).expect("stored");
                    let mut v = render(o, c, d, true);
                    if !d.warnings.is_empty() {
                        v["Warnings"] = Value::Array(d.warnings.iter().map(|w| json!({ "Message": w })).collect());
                    }
                    v
                },
            )
        }
        _ => errors::method_not_allowed(),
    }
}

/// A document of `kind` by id, or by number.
pub fn find(org: &Organisation, kind: DocKind, key: &str) -> Option<Uuid> {
    match Uuid::parse_str(key) {
        Ok(u) => org.docs.get(u).filter(|d| d.kind == kind).map(|d| d.id),
        Err(_) => org.docs.with_number(kind, key).next().map(|d| d.id),
    }
}

fn list(org: &Organisation, ctx: &Ctx, kind: DocKind) -> ApiResponse {
    // Like Xero, a list without `page` leaves line items out.
    let with_lines = ctx.param("page").is_some();
    let search = ctx.param("searchTerm").map(|s| s.to_lowercase());
    let records: Vec<Value> = org
        .docs
        .iter()
        .filter(|d| d.kind == kind)
        .filter(|d| {
            search.as_ref().is_none_or(|s| {
                d.number.to_lowercase().contains(s.as_str())
                    || d.reference.as_ref().is_some_and(|r| r.to_lowercase().contains(s.as_str()))
            })
        })
        .map(|d| render(org, ctx, d, with_lines))
        .collect();
    let spec = match kind {
        DocKind::Invoice => ListSpec {
            fields: &[
                "InvoiceID",
                "InvoiceNumber",
                "Type",
                "Status",
                "Reference",
                "Date",
                "DueDate",
                "Contact",
                "CurrencyCode",
                "CurrencyRate",
                "SubTotal",
                "TotalTax",
                "Total",
                "AmountDue",
                "AmountPaid",
                "AmountCredited",
                "UpdatedDateUTC",
                "SentToContact",
                "FullyPaidOnDate",
                "LineAmountTypes",
                "IsDiscounted",
                "HasAttachments",
            ],
            lists: &[
                ("IDs", "InvoiceID"),
                ("InvoiceNumbers", "InvoiceNumber"),
                ("ContactIDs", "Contact.ContactID"),
                ("Statuses", "Status"),
            ],
            paged: true,
            modified_since: true,
        },
        DocKind::CreditNote => ListSpec {
            fields: &[
                "CreditNoteID",
                "CreditNoteNumber",
                "Type",
                "Status",
                "Reference",
                "Date",
                "DueDate",
                "Contact",
                "CurrencyCode",
                "CurrencyRate",
                "SubTotal",
                "TotalTax",
                "Total",
                "RemainingCredit",
                "UpdatedDateUTC",
                "SentToContact",
                "FullyPaidOnDate",
                "LineAmountTypes",
            ],
            lists: &[
                ("IDs", "CreditNoteID"),
                ("CreditNoteNumbers", "CreditNoteNumber"),
                ("ContactIDs", "Contact.ContactID"),
                ("Statuses", "Status"),
            ],
            paged: true,
            modified_since: true,
        },
    };
    if kind == DocKind::Invoice {
        // Optimised invoice filters (CData's Xero documentation, see query::check_optimised).
        let optimised = [
            "Status",
            "Contact.ContactID",
            "Contact.Name",
            "Contact.ContactNumber",
            "Reference",
            "Date",
            "Type",
            "AmountDue",
            "AmountPaid",
            "DueDate",
        ];
        let total = org.docs.iter().filter(|d| d.kind == kind).count();
        if let Err(refused) = query::check_optimised(ctx, "invoices", &spec, &optimised, total) {
            return refused;
        }
    }
    match query::apply(ctx, &spec, records) {
        Ok((items, p)) => envelope(ctx, kind.collection(), items, p),
        Err(e) => e,
    }
}

// ---------------------------------------------------------------- rendering

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
    let payments: Vec<Value> = org
        .payments
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
        .collect();
    m.insert("Payments".into(), Value::Array(payments));
    match d.kind {
        DocKind::Invoice => {
            let credit_notes: Vec<Value> = org
                .allocations
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
                .collect();
            m.insert("CreditNotes".into(), Value::Array(credit_notes));
            m.insert("Prepayments".into(), json!([]));
            m.insert("Overpayments".into(), json!([]));
            m.insert("AmountDue".into(), money::money(d.outstanding()));
            m.insert("AmountPaid".into(), money::money(d.amount_paid));
            m.insert("AmountCredited".into(), money::money(d.amount_credited));
        }
        DocKind::CreditNote => {
            let allocations: Vec<Value> = org
                .allocations
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
                .collect();
            m.insert("Allocations".into(), Value::Array(allocations));
            m.insert("RemainingCredit".into(), money::money(d.outstanding()));
            m.insert("AppliedAmount".into(), money::money(d.amount_credited));
            m.insert("ID".into(), json!(d.id.to_string()));
        }
    }
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

// ---------------------------------------------------------------- writing

enum ContactRef {
    Existing(Uuid),
    New { name: String, number: Option<String> },
}

const IDENTIFY_CONTACT: &str = "The Contact must contain at least 1 of the following elements to identify the contact: Name, ContactID, ContactNumber";

fn resolve_contact(org: &Organisation, c: Option<&Map<String, Value>>) -> Result<ContactRef, String> {
    let Some(c) = c else {
        return Err(IDENTIFY_CONTACT.into());
    };
    let id = uuid_of(c, "ContactID")?;
    let number = str_of(c, "ContactNumber").map(|s| s.trim().to_string());
    let name = str_of(c, "Name").map(|s| s.trim().to_string());
    let by_name = |n: &str| {
        org.contacts
            .iter()
            .find(|x| x.status == "ACTIVE" && x.name.eq_ignore_ascii_case(n))
            .or_else(|| org.contacts.iter().find(|x| x.name.eq_ignore_ascii_case(n)))
    };
    let found = if let Some(id) = id {
        Some(org.contact(id).ok_or_else(|| format!("The contact with ContactID {id} could not be found."))?)
    } else if let Some(n) = &number {
        match org.contacts.iter().find(|x| x.number.as_deref().is_some_and(|v| v.eq_ignore_ascii_case(n))) {
            Some(x) => Some(x),
            None => match &name {
                Some(nm) => by_name(nm),
                None => {
                    return Err(format!("The contact with ContactNumber {n} could not be found."));
                }
            },
        }
    } else if let Some(n) = &name {
        by_name(n)
    } else {
        return Err(IDENTIFY_CONTACT.into());
    };
    match found {
        Some(x) if x.status == "ARCHIVED" => Err(format!(
            "The contact {} is archived. Archived contacts cannot be used on new or updated transactions.",
            x.name
        )),
        Some(x) => Ok(ContactRef::Existing(x.id)),
        None => {
            let name = name.unwrap_or_default();
            contacts::check_new_name(&name)?;
            Ok(ContactRef::New { name, number })
        }
    }
}

fn not_found_message(kind: DocKind) -> String {
    format!("An existing {} with the specified {} could not be found", kind.noun(), kind.id_field())
}

fn invalid_status_message(kind: DocKind) -> String {
    format!("{} not of valid status for modification", kind.noun())
}

const APPLIED_MESSAGE: &str = "This document cannot be edited as it has a payment or credit note allocated to it.";

fn receivable(typ: &str) -> bool {
    typ == "ACCREC" || typ == "ACCRECCREDIT"
}

fn process(
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

fn opt_date(obj: &Map<String, Value>, f: &str, cur: Option<NaiveDate>, errs: &mut Vec<String>) -> Option<NaiveDate> {
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
    let lines: Vec<Value> = old
        .lines
        .iter()
        .map(|l| {
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
        })
        .collect();
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

/// Validates a whole document (new, or merged with the stored one) and computes its money.
/// The notice given with a document saved at a `CurrencyRate` more than 10 % away from the day rate (Xero gives
/// CurrencyRate warnings on saved elements, `StatusAttributeString: WARNING`; the threshold and wording are the
/// simulator's, see sim/README.md "Unknowns").
fn rate_notice(code: &str, rate: Decimal, day: Decimal, date: NaiveDate) -> Option<String> {
    let off = ((rate - day) / day).abs();
    (off > Decimal::new(10, 2))
        .then(|| format!("The CurrencyRate {rate} differs from the {code} day rate {day} for {date} by more than 10%."))
}

fn build(
    org: &Organisation,
    ctx: &Ctx,
    kind: DocKind,
    obj: &Map<String, Value>,
    old: Option<&Doc>,
    unitdp: u32,
) -> Result<(Doc, Option<Contact>), Vec<String>> {
    let mut errs: Vec<String> = Vec::new();
    let typ = match str_of(obj, "Type").map(|t| t.to_uppercase()) {
        Some(t) if kind.types().contains(&t.as_str()) => t,
        Some(t) => {
            errs.push(format!("'{t}' is not a valid {} Type; use {}.", kind.noun(), kind.types().join(" or ")));
            kind.types()[0].to_string()
        }
        None => {
            errs.push(format!("The {} Type must be specified ({}).", kind.noun(), kind.types().join(" or ")));
            kind.types()[0].to_string()
        }
    };
    if let Some(o) = old {
        if o.typ != typ {
            errs.push(format!("The Type of an existing {} cannot be changed.", kind.noun()));
        }
    }
    let contact = match resolve_contact(org, obj_of(obj, "Contact")) {
        Ok(c) => Some(c),
        Err(e) => {
            errs.push(e);
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
    // Xero refuses a document in a locked period: "The document date cannot be before the period lock date"
    // (a third-party integrator's note quoting Xero's message; Xero's help: transactions on or before the lock
    // date cannot be entered). The date itself is locked too, as Xero's help says "on or before".
    if let Some(lock) = org.period_lock_date.filter(|l| date <= *l) {
        errs.push(format!("The document date cannot be before the period lock date of {}.", lock.format("%d %b %Y")));
    }
    let due_date = opt_date(obj, "DueDate", None, &mut errs);
    let expected_payment_date = opt_date(obj, "ExpectedPaymentDate", None, &mut errs);
    let planned_payment_date = opt_date(obj, "PlannedPaymentDate", None, &mut errs);
    let lat = match str_of(obj, "LineAmountTypes") {
        None => "Exclusive".to_string(),
        Some(s) => match s.to_ascii_lowercase().as_str() {
            "exclusive" => "Exclusive".into(),
            "inclusive" => "Inclusive".into(),
            "notax" => "NoTax".into(),
            _ => {
                errs.push(format!("'{s}' is not a valid value for LineAmountTypes (Exclusive, Inclusive or NoTax)."));
                "Exclusive".into()
            }
        },
    };
    let status = str_of(obj, "Status").map(|s| s.to_uppercase()).unwrap_or_else(|| "DRAFT".into());
    let allowed: &[&str] = match old.map(|o| o.status.as_str()) {
        None => &["DRAFT", "SUBMITTED", "AUTHORISED"],
        Some("AUTHORISED") => &["AUTHORISED"],
        Some(_) => &["DRAFT", "SUBMITTED", "AUTHORISED"],
    };
    if !allowed.contains(&status.as_str()) {
        if old.is_none() {
            errs.push(format!(
                "A {} cannot be created with Status {status}; use DRAFT, SUBMITTED or AUTHORISED.",
                kind.noun()
            ));
        } else {
            errs.push(invalid_status_message(kind));
        }
    }
    let currency_code = match str_of(obj, "CurrencyCode") {
        None => org.base_currency.clone(),
        Some(c) => match org.currency(&c) {
            Some(cur) => cur.code.clone(),
            None => {
                errs.push(format!("Organisation is not subscribed to currency {c}"));
                org.base_currency.clone()
            }
        },
    };
    // Without a CurrencyRate Xero takes its (XE.com) day rate for the document's date (Xero's spec, Invoice and
    // CreditNote `CurrencyRate`: "If no rate is specified, the XE.com day rate is used").
    let mut rate_warning = None;
    let currency_rate = if currency_code == org.base_currency {
        Decimal::ONE
    } else {
        let day = org.day_rate(&currency_code, date);
        match get(obj, "CurrencyRate") {
            Some(v) => match money::parse(v) {
                Some(r) if r > Decimal::ZERO => {
                    let r = money::round(r, 6);
                    rate_warning = rate_notice(&currency_code, r, day, date);
                    r
                }
                _ => {
                    errs.push("CurrencyRate must be a number greater than zero.".into());
                    Decimal::ONE
                }
            },
            None => day,
        }
    };
    let number = str_of(obj, kind.number_field()).map(|s| s.trim().to_string()).unwrap_or_default();
    if number.chars().count() > 255 {
        errs.push(format!("{} must not be more than 255 characters long.", kind.number_field()));
    }
    if !number.is_empty()
        && receivable(&typ)
        && org.docs.with_number(kind, &number).any(|d| Some(d.id) != old.map(|o| o.id) && receivable(&d.typ))
    {
        errs.push(match kind {
            DocKind::Invoice => "Invoice # must be unique.".to_string(),
            DocKind::CreditNote => "Credit Note # must be unique.".to_string(),
        });
    }
    let old_lines: &[Line] = old.map(|o| o.lines.as_slice()).unwrap_or(&[]);
    let mut lines = Vec::new();
    match get(obj, "LineItems") {
        Some(Value::Array(a)) if !a.is_empty() => {
            for l in a {
                if let Some(line) = build_line(org, kind, &typ, &lat, l, old_lines, unitdp, &mut errs) {
                    lines.push(line);
                }
            }
        }
        Some(Value::Array(_)) | None => {
            errs.push(format!("A {} must have at least one line item.", kind.noun()));
        }
        Some(_) => errs.push("LineItems must be an array.".into()),
    }
    if status != "DRAFT" {
        for l in &lines {
            if l.account_code.is_none() && l.line_amount != Decimal::ZERO {
                errs.push("Account code must be specified".into());
                break;
            }
        }
    }
    let sum_la: Decimal = lines.iter().map(|l| l.line_amount).sum();
    let total_tax: Decimal = lines.iter().map(|l| l.tax_amount).sum();
    let sub_total = if lat == "Inclusive" { sum_la - total_tax } else { sum_la };
    let total = sub_total + total_tax;
    let total_discount: Decimal = lines
        .iter()
        .filter(|l| l.discount_rate.is_some() || l.discount_amount.is_some())
        .map(|l| {
            money::round(l.quantity.unwrap_or(Decimal::ONE) * l.unit_amount.unwrap_or_default(), 2) - l.line_amount
        })
        .sum();
    if total < Decimal::ZERO {
        errs.push(format!("The {} total cannot be negative.", kind.noun()));
    }
    if let Some(o) = old {
        if total < o.amount_paid + o.amount_credited {
            errs.push(APPLIED_MESSAGE.into());
        }
    }
    let branding_theme_id = match uuid_of(obj, "BrandingThemeID") {
        Ok(b) => b.map(|u| u.to_string()),
        Err(e) => {
            errs.push(e);
            None
        }
    };
    if !errs.is_empty() {
        return Err(errs);
    }
    let (contact_id, new_contact) = match contact.expect("no errors") {
        ContactRef::Existing(id) => (id, None),
        ContactRef::New { name, number } => {
            let c = Contact {
                id: Uuid::new_v4(),
                name,
                number,
                status: "ACTIVE".into(),
                is_supplier: false,
                is_customer: false,
                fields: Map::new(),
                updated_ms: ctx.now_ms,
            };
            (c.id, Some(c))
        }
    };
    let doc = Doc {
        kind,
        id: old.map(|o| o.id).unwrap_or_else(Uuid::new_v4),
        typ,
        contact_id,
        number,
        reference: str_of(obj, "Reference"),
        date,
        due_date,
        line_amount_types: lat,
        currency_code,
        currency_rate,
        status: status.clone(),
        lines,
        sub_total,
        total_tax,
        total,
        total_discount,
        amount_paid: old.map(|o| o.amount_paid).unwrap_or_default(),
        amount_credited: old.map(|o| o.amount_credited).unwrap_or_default(),
        url: str_of(obj, "Url"),
        branding_theme_id,
        sent_to_contact: status == "AUTHORISED" && bool_of(obj, "SentToContact").unwrap_or(false),
        expected_payment_date,
        planned_payment_date,
        fully_paid_on: None,
        updated_ms: ctx.now_ms,
        warnings: rate_warning.into_iter().collect(),
    };
    Ok((doc, new_contact))
}

fn dec_field(o: &Map<String, Value>, f: &str, errs: &mut Vec<String>) -> Option<Decimal> {
    let v = get(o, f)?;
    match money::parse(v) {
        Some(d) => Some(d),
        None => {
            errs.push(format!("{f} must be a number."));
            None
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn build_line(
    org: &Organisation,
    kind: DocKind,
    typ: &str,
    lat: &str,
    l: &Value,
    old_lines: &[Line],
    unitdp: u32,
    errs: &mut Vec<String>,
) -> Option<Line> {
    let Some(o) = l.as_object() else {
        errs.push("Each line item must be a JSON object.".into());
        return None;
    };
    let before = errs.len();
    let id = match uuid_of(o, "LineItemID") {
        Ok(Some(u)) if old_lines.iter().any(|x| x.id == u) => u,
        Ok(_) => Uuid::new_v4(),
        Err(e) => {
            errs.push(e);
            Uuid::new_v4()
        }
    };
    let is_receivable = receivable(typ);
    let item_code = str_of(o, "ItemCode").or_else(|| obj_of(o, "Item").and_then(|i| str_of(i, "Code")));
    let item = match &item_code {
        Some(c) => match org.item_by_code(c) {
            Some(i) => Some(i),
            None => {
                errs.push(format!("Item code '{c}' is not valid."));
                None
            }
        },
        None => None,
    };
    let details = item.and_then(|i| if is_receivable { i.sales.as_ref() } else { i.purchase.as_ref() });
    let description = str_of(o, "Description").or_else(|| {
        item.and_then(|i| if is_receivable { i.description.clone() } else { i.purchase_description.clone() })
            .or_else(|| item.and_then(|i| i.name.clone()))
    });
    let quantity = dec_field(o, "Quantity", errs).map(|q| money::round(q, 4));
    let unit = dec_field(o, "UnitAmount", errs)
        .or_else(|| details.and_then(|d| d.unit_price))
        .map(|u| money::round(u, unitdp));
    let la_in = dec_field(o, "LineAmount", errs);
    let dr = dec_field(o, "DiscountRate", errs);
    let da = dec_field(o, "DiscountAmount", errs);
    if (dr.is_some() || da.is_some()) && typ != "ACCREC" {
        errs.push(format!(
            "Discounts are only supported on ACCREC invoices; {} {} documents do not support DiscountRate or DiscountAmount.",
            typ,
            kind.noun().to_lowercase()
        ));
    }
    if dr.is_some() && da.is_some() {
        errs.push("Only one of DiscountRate or DiscountAmount can be specified on a line item.".into());
    }
    if let Some(r) = dr {
        if r < Decimal::ZERO || r > Decimal::ONE_HUNDRED {
            errs.push("DiscountRate must be between 0 and 100.".into());
        }
    }
    let (q, u) = match (quantity, unit, la_in) {
        (None, None, None) => (None, None),
        (q, Some(u), _) => (Some(q.unwrap_or(Decimal::ONE)), Some(u)),
        (Some(q), None, Some(la)) if q != Decimal::ZERO => (Some(q), Some(money::round(la / q, unitdp))),
        (None, None, Some(la)) => (Some(Decimal::ONE), Some(money::round(la, unitdp))),
        (q, None, _) => (q, Some(Decimal::ZERO)),
    };
    let gross = q.unwrap_or(Decimal::ZERO) * u.unwrap_or(Decimal::ZERO);
    let mut line_amount = if let Some(r) = dr {
        money::round_cents(gross * (Decimal::ONE_HUNDRED - r) / Decimal::ONE_HUNDRED, org.half_cent)
    } else if let Some(a) = da {
        money::round_cents(gross - a, org.half_cent)
    } else {
        money::round_cents(gross, org.half_cent)
    };
    if q.is_none() && u.is_none() {
        line_amount = Decimal::ZERO;
    }
    if let (Some(given), Some(_), Some(_)) = (la_in, quantity, unit) {
        if money::round(given, 2) != line_amount {
            errs.push(format!(
                "The LineAmount {} does not match Quantity x UnitAmount less discount ({}).",
                money::fixed(given, 2),
                money::fixed(line_amount, 2)
            ));
        }
    }
    if description.as_deref().is_none_or(|d| d.trim().is_empty()) {
        errs.push("The description field is mandatory for each line item.".into());
    }
    let account_code = match str_of(o, "AccountCode") {
        Some(c) => Some(c),
        None => match uuid_of(o, "AccountID") {
            Ok(Some(aid)) => match org.account(aid) {
                Some(a) => Some(a.code.clone()),
                None => {
                    errs.push(format!("Account with AccountID {aid} is not a valid account for this document."));
                    None
                }
            },
            // The item's account. A purchase (ACCPAY, ACCPAYCREDIT) of a TRACKED item goes to its inventory asset
            // account: PurchaseDetails.AccountCode is "not applicable to the purchase details of tracked items"
            // (Xero's OpenAPI spec, `Purchase.AccountCode`), and Xero's tracked-inventory guide
            // (developer.xero.com/documentation/api-guides/tracked-inventory-in-xero) buys one on account 630,
            // the inventory asset account. A sale uses SalesDetails.AccountCode, tracked or not.
            Ok(None) => match item {
                Some(i) if !is_receivable && i.inventory_asset_account_code.is_some() => {
                    i.inventory_asset_account_code.clone()
                }
                _ => details.and_then(|d| d.account_code.clone()),
            },
            Err(e) => {
                errs.push(e);
                None
            }
        },
    };
    let account = match &account_code {
        Some(c) => match org.account_by_code(c) {
            Some(a) if a.active() && a.system_account.is_none() && a.typ != "BANK" => Some(a),
            _ => {
                errs.push(format!("Account code '{c}' is not a valid code for this document."));
                None
            }
        },
        None => None,
    };
    let tax_type = match str_of(o, "TaxType") {
        Some(t) => match org.tax_rate(&t) {
            Some(r) if r.status == "ACTIVE" => Some(r.tax_type.clone()),
            _ => {
                errs.push(format!(
                    "The TaxType code '{t}' does not exist or cannot be used for this type of transaction."
                ));
                None
            }
        },
        None => account.and_then(|a| a.tax_type.clone()).or_else(|| details.and_then(|d| d.tax_type.clone())),
    };
    let rate = tax_type.as_deref().and_then(|t| org.tax_rate(t)).map(fraction).unwrap_or_default();
    let tax_amount = if lat == "NoTax" {
        Decimal::ZERO
    } else if let Some(t) = dec_field(o, "TaxAmount", errs) {
        money::round(t, 2)
    } else if lat == "Inclusive" {
        money::round_cents(line_amount * rate / (Decimal::ONE + rate), org.half_cent)
    } else {
        money::round_cents(line_amount * rate, org.half_cent)
    };
    let mut tracking = Vec::new();
    match get(o, "Tracking") {
        None => {}
        Some(Value::Array(a)) => {
            if a.len() > 2 {
                errs.push("A line item can have a maximum of 2 tracking categories.".into());
            }
            for t in a {
                let Some(t) = t.as_object() else {
                    errs.push("Each Tracking element must be an object.".into());
                    continue;
                };
                match resolve_tracking(org, t) {
                    Ok((c, op)) => {
                        if tracking.iter().any(|(x, _)| *x == c) {
                            errs.push("A tracking category can only be used once per line item.".into());
                        }
                        tracking.push((c, op));
                    }
                    Err(e) => errs.push(e),
                }
            }
        }
        Some(_) => errs.push("Tracking must be an array.".into()),
    }
    if errs.len() > before {
        return None;
    }
    Some(Line {
        id,
        description,
        quantity: q,
        unit_amount: u,
        item_code: item.map(|i| i.code.clone()),
        account_code: account.map(|a| a.code.clone()),
        tax_type,
        tax_amount,
        line_amount,
        tracking,
        discount_rate: dr,
        discount_amount: da,
    })
}

fn resolve_tracking(org: &Organisation, t: &Map<String, Value>) -> Result<(Uuid, Uuid), String> {
    let cat = match uuid_of(t, "TrackingCategoryID")? {
        Some(id) => {
            org.tracking.iter().find(|c| c.id == id).ok_or(format!("Tracking category with ID {id} does not exist."))?
        }
        None => {
            let name = str_of(t, "Name").ok_or("A tracking element must have a Name or a TrackingCategoryID.")?;
            org.tracking
                .iter()
                .find(|c| c.name.eq_ignore_ascii_case(name.trim()))
                .ok_or(format!("Tracking category '{name}' does not exist."))?
        }
    };
    if cat.status != "ACTIVE" {
        return Err(format!("Tracking category '{}' is not active.", cat.name));
    }
    let opt = match uuid_of(t, "TrackingOptionID")? {
        Some(id) => cat.options.iter().find(|o| o.id == id),
        None => {
            let name = str_of(t, "Option").ok_or("A tracking element must have an Option or a TrackingOptionID.")?;
            cat.options.iter().find(|o| o.name.eq_ignore_ascii_case(name.trim()))
        }
    };
    let opt = opt.ok_or(format!(
        "Tracking option '{}' does not exist in tracking category '{}'.",
        str_of(t, "Option").unwrap_or_default(),
        cat.name
    ))?;
    if opt.status != "ACTIVE" {
        return Err(format!("Tracking option '{}' of tracking category '{}' is not active.", opt.name, cat.name));
    }
    Ok((cat.id, opt.id))
}
