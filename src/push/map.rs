//! ERP records → Xero elements, with every check that needs no call to Xero: required fields, lengths as Xero
//! has them, decimal places, and the administrator's defaults. Checks against the organisation's reference data
//! (accounts, tax rates, tracking options) are collected as [`RefCheck`]s and run once that data is read.

use super::amount::Amount;
use super::element::Element;
use super::schema::*;
use crate::config::Config;
use crate::error::ErrorCode;
use crate::xero;
use rust_decimal::Decimal;
use serde_json::{Map, Value};
use std::fmt::Display;

/// A reference the organisation must hold for the record to be accepted.
#[derive(Debug, Clone, PartialEq)]
pub enum RefCheck {
    /// An active account usable on a line or item (`what` says where the code came from).
    Account {
        path: String,
        code: String,
        what: String,
    },
    Bank {
        path: String,
        code: String,
    },
    Inventory {
        path: String,
        code: String,
    },
    Tax {
        path: String,
        code: String,
    },
    Tracking {
        path: String,
        category: String,
        option: String,
        what: String,
    },
}

/// Problems found in one record.
#[derive(Debug, Default)]
pub struct Problems(pub Vec<RecordError>);

impl Problems {
    /// `path` is formatted only here, when there is a problem to report: checks of valid fields stay cheap.
    pub fn add(&mut self, path: impl Display, message: impl Into<String>) {
        self.0.push(RecordError { code: ErrorCode::Validation, message: message.into(), path: Some(path.to_string()) });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Required text of `min..=max` characters, not only blanks.
    pub fn text(&mut self, path: impl Display + Copy, value: &str, max: usize) {
        let len = value.chars().count();
        if value.trim().is_empty() {
            self.add(path, "is required and must not be blank");
        } else if len > max {
            self.add(path, format!("has {len} characters; Xero allows at most {max}"));
        }
    }

    pub fn opt_text(&mut self, path: impl Display + Copy, value: &Option<String>, max: usize) {
        if let Some(v) = value {
            let len = v.chars().count();
            if len > max {
                self.add(path, format!("has {len} characters; Xero allows at most {max}"));
            }
        }
    }

    /// A code (account, tax, item...) when present: not blank, at most `max`.
    pub fn opt_code(&mut self, path: impl Display + Copy, value: &Option<String>, max: usize) {
        if let Some(v) = value {
            self.text(path, v, max);
        }
    }

    pub fn places(&mut self, path: impl Display + Copy, value: Amount, max: u32) {
        if value.places() > max {
            self.add(path, format!("{} has {} decimal places; at most {max} are allowed", value.0, value.places()));
        }
    }

    pub fn currency(&mut self, path: impl Display + Copy, value: &Option<String>) {
        if let Some(c) = value {
            if c.len() != 3 || !c.bytes().all(|b| b.is_ascii_uppercase()) {
                self.add(path, format!("\"{c}\" is not an ISO 4217 currency code (three capital letters, e.g. NZD)"));
            }
        }
    }

    pub fn rate(&mut self, path: impl Display + Copy, value: Option<Amount>) {
        if let Some(r) = value {
            if r.0 <= Decimal::ZERO {
                self.add(path, "must be greater than zero");
            }
            self.places(path, r, 6);
        }
    }
}

/// Merges the host's `xero` pass-through into the element (its members win).
fn merge(element: &mut Value, pass: &XeroPassThrough) {
    if let (Some(obj), Some(pass)) = (element.as_object_mut(), pass) {
        for (k, v) in pass {
            obj.insert(k.clone(), v.clone());
        }
    }
}

fn to_value<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).expect("Xero wire types always serialise")
}

fn norm(d: Decimal) -> Decimal {
    d.normalize()
}

fn some_text(v: &Option<String>) -> Option<String> {
    v.as_ref().filter(|s| !s.trim().is_empty()).cloned()
}

/// A debtor or creditor → a Xero contact. The key is the code.
pub fn contact(c: &ErpContact, path: &str) -> Result<Element, Problems> {
    let mut p = Problems::default();
    p.text(&format!("{path}.code"), &c.code, 50);
    p.text(&format!("{path}.name"), &c.name, 255);
    p.opt_text(&format!("{path}.first_name"), &c.first_name, 255);
    p.opt_text(&format!("{path}.last_name"), &c.last_name, 255);
    p.opt_text(&format!("{path}.email"), &c.email, 255);
    if let Some(e) = &c.email {
        if !e.is_empty() && !e.contains('@') {
            p.add(format!("{path}.email"), format!("\"{e}\" is not an e-mail address"));
        }
    }
    for (field, v) in [("phone", &c.phone), ("mobile", &c.mobile), ("fax", &c.fax)] {
        p.opt_text(&format!("{path}.{field}"), v, 50);
    }
    p.opt_text(&format!("{path}.tax_number"), &c.tax_number, 50);
    p.opt_text(&format!("{path}.company_number"), &c.company_number, 50);
    p.opt_text(&format!("{path}.account_number"), &c.account_number, 50);
    p.currency(&format!("{path}.currency"), &c.currency);
    let mut addresses = Vec::new();
    for (field, kind, a) in [("address", "POBOX", &c.address), ("street_address", "STREET", &c.street_address)] {
        let Some(a) = a else { continue };
        let ap = format!("{path}.{field}");
        if a.lines.len() > 4 {
            p.add(format!("{ap}.lines"), format!("has {} lines; Xero allows at most 4", a.lines.len()));
        }
        for (i, l) in a.lines.iter().enumerate() {
            p.opt_text(&format!("{ap}.lines[{i}]"), &Some(l.clone()), 500);
        }
        p.opt_text(&format!("{ap}.city"), &a.city, 255);
        p.opt_text(&format!("{ap}.region"), &a.region, 255);
        p.opt_text(&format!("{ap}.postal_code"), &a.postal_code, 50);
        p.opt_text(&format!("{ap}.country"), &a.country, 50);
        p.opt_text(&format!("{ap}.attention_to"), &a.attention_to, 255);
        let line = |i: usize| a.lines.get(i).filter(|s| !s.is_empty()).cloned();
        addresses.push(xero::Address {
            address_type: kind.into(),
            address_line1: line(0),
            address_line2: line(1),
            address_line3: line(2),
            address_line4: line(3),
            city: some_text(&a.city),
            region: some_text(&a.region),
            postal_code: some_text(&a.postal_code),
            country: some_text(&a.country),
            attention_to: some_text(&a.attention_to),
        });
    }
    if !p.is_empty() {
        return Err(p);
    }
    let mut phones = Vec::new();
    for (kind, v) in [("DEFAULT", &c.phone), ("MOBILE", &c.mobile), ("FAX", &c.fax)] {
        if let Some(n) = some_text(v) {
            phones.push(xero::Phone { phone_type: kind.into(), phone_number: Some(n) });
        }
    }
    let x = xero::Contact {
        contact_number: Some(c.code.clone()),
        name: Some(c.name.clone()),
        first_name: some_text(&c.first_name),
        last_name: some_text(&c.last_name),
        email_address: some_text(&c.email),
        tax_number: some_text(&c.tax_number),
        company_number: some_text(&c.company_number),
        account_number: some_text(&c.account_number),
        default_currency: some_text(&c.currency),
        addresses: (!addresses.is_empty()).then_some(addresses),
        phones: (!phones.is_empty()).then_some(phones),
        ..Default::default()
    };
    let mut v = to_value(&x);
    merge(&mut v, &c.xero);
    Ok(Element::of(&v))
}

/// An inventory item → a Xero item, with the sales and cost-of-sales accounts.
pub fn item(i: &ErpItem, path: &str, config: &Config) -> Result<(Element, Vec<RefCheck>), Problems> {
    let mut p = Problems::default();
    let mut refs = Vec::new();
    p.text(&format!("{path}.code"), &i.code, 30);
    p.opt_text(&format!("{path}.name"), &i.name, 50);
    p.opt_text(&format!("{path}.description"), &i.description, 4000);
    p.opt_text(&format!("{path}.purchase_description"), &i.purchase_description, 4000);
    if i.name.is_none() && i.code.chars().count() > 50 {
        p.add(format!("{path}.name"), "is required when the code is longer than 50 characters");
    }
    for (field, a) in [("sales_price", i.sales_price), ("purchase_price", i.purchase_price)] {
        if let Some(a) = a {
            p.places(&format!("{path}.{field}"), a, 4);
        }
    }
    p.opt_code(&format!("{path}.sales_account"), &i.sales_account, 10);
    p.opt_code(&format!("{path}.cos_account"), &i.cos_account, 10);
    p.opt_code(&format!("{path}.sales_tax_code"), &i.sales_tax_code, 50);
    p.opt_code(&format!("{path}.purchase_tax_code"), &i.purchase_tax_code, 50);
    p.opt_code(&format!("{path}.inventory_account"), &i.inventory_account, 10);

    let sales_account = i.sales_account.clone().or_else(|| config.defaults.sales_account.clone());
    let cos_account = i.cos_account.clone().or_else(|| config.defaults.cos_account.clone());
    let account_ref = |field: &str, code: &str, own: bool, default: &str| RefCheck::Account {
        path: format!("{path}.{field}"),
        code: code.to_owned(),
        what: if own { "the item's account".into() } else { format!("the default ({default})") },
    };
    if let Some(code) = &sales_account {
        refs.push(account_ref("sales_account", code, i.sales_account.is_some(), "defaults.sales_account"));
    }
    if let Some(code) = &cos_account {
        refs.push(account_ref("cos_account", code, i.cos_account.is_some(), "defaults.cos_account"));
    }
    for (field, t) in [("sales_tax_code", &i.sales_tax_code), ("purchase_tax_code", &i.purchase_tax_code)] {
        if let Some(t) = t {
            refs.push(RefCheck::Tax { path: format!("{path}.{field}"), code: t.clone() });
        }
    }
    if i.tracked {
        match &i.inventory_account {
            None => p.add(format!("{path}.inventory_account"), "a tracked item needs its inventory asset account"),
            Some(code) => {
                refs.push(RefCheck::Inventory { path: format!("{path}.inventory_account"), code: code.clone() })
            }
        }
        if cos_account.is_none() {
            p.add(
                format!("{path}.cos_account"),
                "a tracked item needs a cost-of-sales account (here or in defaults.cos_account)",
            );
        }
    } else if i.inventory_account.is_some() {
        p.add(format!("{path}.inventory_account"), "only a tracked item (\"tracked\": true) has an inventory account");
    }
    if !p.is_empty() {
        return Err(p);
    }
    let sales = xero::ItemDetails {
        unit_price: i.sales_price.map(|a| norm(a.0)),
        account_code: sales_account,
        cogs_account_code: None,
        tax_type: i.sales_tax_code.clone(),
    };
    let purchase = xero::ItemDetails {
        unit_price: i.purchase_price.map(|a| norm(a.0)),
        account_code: if i.tracked { None } else { cos_account.clone() },
        cogs_account_code: if i.tracked { cos_account } else { None },
        tax_type: i.purchase_tax_code.clone(),
    };
    let empty = |d: &xero::ItemDetails| *d == xero::ItemDetails::default();
    let x = xero::Item {
        code: i.code.clone(),
        name: Some(i.name.clone().unwrap_or_else(|| i.code.clone())),
        description: some_text(&i.description),
        purchase_description: some_text(&i.purchase_description),
        sales_details: (!empty(&sales)).then_some(sales),
        purchase_details: (!empty(&purchase)).then_some(purchase),
        inventory_asset_account_code: if i.tracked { i.inventory_account.clone() } else { None },
        ..Default::default()
    };
    let mut v = to_value(&x);
    merge(&mut v, &i.xero);
    Ok((Element::of(&v), refs))
}

/// What a document has in common, invoice or credit note.
pub struct DocumentInput<'a> {
    pub path: &'a str,
    pub doc_type: DocumentType,
    /// A credit note: Xero takes no discounts on them.
    pub credit_note: bool,
    pub debtor: &'a Option<String>,
    pub creditor: &'a Option<String>,
    pub number: &'a str,
    pub reference: &'a Option<String>,
    pub currency: &'a Option<String>,
    pub currency_rate: Option<Amount>,
    pub lines: &'a [ErpLine],
}

/// Checks the header fields common to invoices and credit notes; the contact code when valid.
pub fn check_document_head(d: &DocumentInput<'_>, p: &mut Problems) -> Option<String> {
    let path = d.path;
    p.text(&format!("{path}.number"), d.number, 255);
    p.opt_text(&format!("{path}.reference"), d.reference, 255);
    p.currency(&format!("{path}.currency"), d.currency);
    p.rate(&format!("{path}.currency_rate"), d.currency_rate);
    if d.currency_rate.is_some() && d.currency.is_none() {
        p.add(format!("{path}.currency_rate"), "a currency rate needs the document's currency");
    }
    if d.lines.is_empty() {
        p.add(format!("{path}.lines"), "a document needs at least one line");
    }
    if d.lines.len() > 1000 {
        p.add(format!("{path}.lines"), format!("has {} lines; at most 1000 are accepted", d.lines.len()));
    }
    let (field, code, other_field, other) = match d.doc_type {
        DocumentType::Sales => ("debtor", d.debtor, "creditor", d.creditor),
        DocumentType::Purchase => ("creditor", d.creditor, "debtor", d.debtor),
    };
    if other.is_some() {
        p.add(
            format!("{path}.{other_field}"),
            format!("a {} document names a {field}, not a {other_field}", type_word(d.doc_type)),
        );
    }
    match code {
        None => {
            p.add(format!("{path}.{field}"), format!("a {} document needs its {field} code", type_word(d.doc_type)));
            None
        }
        Some(c) => {
            p.text(&format!("{path}.{field}"), c, 50);
            Some(c.clone())
        }
    }
}

pub fn type_word(t: DocumentType) -> &'static str {
    match t {
        DocumentType::Sales => "sales",
        DocumentType::Purchase => "purchase",
    }
}

/// Document lines → Xero line items, with the default account and tracking.
pub fn lines(
    d: &DocumentInput<'_>,
    config: &Config,
    p: &mut Problems,
    refs: &mut Vec<RefCheck>,
) -> Vec<xero::LineItem> {
    let mut out = Vec::with_capacity(d.lines.len());
    for (n, l) in d.lines.iter().enumerate() {
        let lp = format!("{}.lines[{n}]", d.path);
        p.opt_code(format_args!("{lp}.item"), &l.item, 30);
        p.opt_text(format_args!("{lp}.description"), &l.description, 4000);
        if l.item.is_none() && l.description.as_deref().is_none_or(|s| s.trim().is_empty()) {
            p.add(format_args!("{lp}.description"), "a line without an item needs a description");
        }
        if let Some(q) = l.quantity {
            p.places(format_args!("{lp}.quantity"), q, 4);
        }
        if let Some(u) = l.unit_price {
            p.places(format_args!("{lp}.unit_price"), u, 4);
        }
        if l.unit_price.is_some() && l.quantity.is_none() {
            p.add(format_args!("{lp}.quantity"), "a line with a unit price needs a quantity");
        }
        // Xero's accounting spec (LineItem.DiscountRate): "only supported on ACCREC invoices – ACC PAY invoices and
        // credit notes in Xero do not support discounts". Whether Xero refuses the member or ignores it (saving the document at full price)
        // is not documented, so it never reaches Xero, from the ERP's fields or the host's pass-through.
        let sales_invoice = d.doc_type == DocumentType::Sales && !d.credit_note;
        let passed_discount = ["DiscountRate", "DiscountAmount"]
            .into_iter()
            .find(|m| l.xero.as_ref().is_some_and(|x| x.contains_key(*m)));
        if let Some(member) = passed_discount.filter(|_| !sales_invoice) {
            p.add(format_args!("{lp}.xero.{member}"), "Xero allows discounts on sales invoices only");
        }
        if let Some(dsc) = l.discount {
            if !sales_invoice {
                p.add(format_args!("{lp}.discount"), "Xero allows discounts on sales invoices only");
            }
            if dsc.0 < Decimal::ZERO || dsc.0 > Decimal::ONE_HUNDRED {
                p.add(format_args!("{lp}.discount"), "a discount is a percentage from 0 to 100");
            }
            p.places(format_args!("{lp}.discount"), dsc, 2);
        }
        p.opt_code(format_args!("{lp}.account"), &l.account, 10);
        p.opt_code(format_args!("{lp}.tax_code"), &l.tax_code, 50);
        p.opt_text(format_args!("{lp}.division"), &l.division, 100);
        p.opt_text(format_args!("{lp}.sales_rep"), &l.sales_rep, 100);

        let (default_account, default_name) = match d.doc_type {
            DocumentType::Sales => (&config.defaults.sales_account, "defaults.sales_account"),
            DocumentType::Purchase => (&config.defaults.cos_account, "defaults.cos_account"),
        };
        // A line with an item takes the item's account when it names none; otherwise the default applies.
        let account = match (&l.account, &l.item) {
            (Some(a), _) => Some(a.clone()),
            (None, Some(_)) => None,
            (None, None) => default_account.clone(),
        };
        if let Some(code) = &account {
            refs.push(RefCheck::Account {
                path: format!("{lp}.account"),
                code: code.clone(),
                what: if l.account.is_some() {
                    "the line's account".into()
                } else {
                    format!("the default ({default_name})")
                },
            });
        } else if l.item.is_none() && l.unit_price.is_some() {
            p.add(
                format!("{lp}.account"),
                format!("the line names no account and {default_name} is not set in the connection's configuration"),
            );
        }
        if let Some(t) = &l.tax_code {
            refs.push(RefCheck::Tax { path: format!("{lp}.tax_code"), code: t.clone() });
        }
        let mut tracking = Vec::new();
        let division = l.division.clone().or_else(|| config.defaults.division.clone());
        let sales_rep = match d.doc_type {
            DocumentType::Sales => l.sales_rep.clone().or_else(|| config.defaults.sales_rep.clone()),
            DocumentType::Purchase => l.sales_rep.clone(),
        };
        for (field, option, category, default_name, own) in [
            ("division", division, &config.tracking_categories.division, "defaults.division", l.division.is_some()),
            (
                "sales_rep",
                sales_rep,
                &config.tracking_categories.sales_rep,
                "defaults.sales_rep",
                l.sales_rep.is_some(),
            ),
        ] {
            let Some(option) = option.filter(|o| !o.trim().is_empty()) else { continue };
            refs.push(RefCheck::Tracking {
                path: format!("{lp}.{field}"),
                category: category.clone(),
                option: option.clone(),
                what: if own { "the line's option".into() } else { format!("the default ({default_name})") },
            });
            tracking.push(xero::LineItemTracking { name: category.clone(), option, ..Default::default() });
        }
        let line = xero::LineItem {
            description: some_text(&l.description),
            quantity: l.quantity.map(|a| norm(a.0)),
            unit_amount: l.unit_price.map(|a| norm(a.0)),
            item_code: l.item.clone(),
            account_code: account,
            tax_type: l.tax_code.clone(),
            discount_rate: l.discount.map(|a| norm(a.0)),
            tracking,
            ..Default::default()
        };
        out.push(line);
    }
    out
}

/// A document with its lines as an element; the host's pass-through members (document and lines) merged in.
fn document_element<T: serde::Serialize>(doc: &T, pass: &XeroPassThrough, lines: &[ErpLine]) -> Element {
    if pass.is_none() && lines.iter().all(|l| l.xero.is_none()) {
        return Element::of(doc);
    }
    let mut v = to_value(doc);
    if let Some(Value::Array(items)) = v.get_mut("LineItems") {
        for (item, line) in items.iter_mut().zip(lines) {
            merge(item, &line.xero);
        }
    }
    merge(&mut v, pass);
    Element::of(&v)
}

fn amounts_word(a: AmountsAre) -> &'static str {
    match a {
        AmountsAre::Exclusive => "Exclusive",
        AmountsAre::Inclusive => "Inclusive",
        AmountsAre::NoTax => "NoTax",
    }
}

fn status_word(s: DocumentStatus) -> &'static str {
    match s {
        DocumentStatus::Draft => "DRAFT",
        DocumentStatus::Submitted => "SUBMITTED",
        DocumentStatus::Authorised => "AUTHORISED",
    }
}

fn date(d: chrono::NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn contact_ref(contact_id: &str) -> xero::Contact {
    xero::Contact { contact_id: Some(contact_id.to_owned()), ..Default::default() }
}

/// Everything of an invoice that can be checked without Xero; the contact code it needs.
pub fn check_invoice(
    i: &ErpInvoice,
    path: &str,
    config: &Config,
) -> (Problems, Option<String>, Vec<xero::LineItem>, Vec<RefCheck>) {
    let mut p = Problems::default();
    let mut refs = Vec::new();
    let input = DocumentInput {
        path,
        doc_type: i.doc_type,
        credit_note: false,
        debtor: &i.debtor,
        creditor: &i.creditor,
        number: &i.number,
        reference: &i.reference,
        currency: &i.currency,
        currency_rate: i.currency_rate,
        lines: &i.lines,
    };
    let contact = check_document_head(&input, &mut p);
    if let Some(due) = i.due_date {
        if due < i.date {
            p.add(format!("{path}.due_date"), format!("{due} is before the document date {}", i.date));
        }
    }
    let lines = lines(&input, config, &mut p, &mut refs);
    (p, contact, lines, refs)
}

/// The Xero invoice for a checked ERP invoice.
pub fn invoice(i: &ErpInvoice, contact_id: &str, lines: Vec<xero::LineItem>) -> Element {
    let x = xero::Invoice {
        kind: match i.doc_type {
            DocumentType::Sales => "ACCREC",
            DocumentType::Purchase => "ACCPAY",
        }
        .into(),
        invoice_number: Some(i.number.clone()),
        contact: Some(contact_ref(contact_id)),
        date: Some(date(i.date)),
        due_date: i.due_date.map(date),
        reference: some_text(&i.reference),
        currency_code: i.currency.clone(),
        currency_rate: i.currency_rate.map(|a| norm(a.0)),
        line_amount_types: Some(amounts_word(i.amounts).into()),
        status: Some(status_word(i.status).into()),
        line_items: lines,
        ..Default::default()
    };
    document_element(&x, &i.xero, &i.lines)
}

pub fn check_credit_note(
    c: &ErpCreditNote,
    path: &str,
    config: &Config,
) -> (Problems, Option<String>, Vec<xero::LineItem>, Vec<RefCheck>) {
    let mut p = Problems::default();
    let mut refs = Vec::new();
    let input = DocumentInput {
        path,
        doc_type: c.doc_type,
        credit_note: true,
        debtor: &c.debtor,
        creditor: &c.creditor,
        number: &c.number,
        reference: &c.reference,
        currency: &c.currency,
        currency_rate: c.currency_rate,
        lines: &c.lines,
    };
    let contact = check_document_head(&input, &mut p);
    let lines = lines(&input, config, &mut p, &mut refs);
    for (n, a) in c.allocations.iter().enumerate() {
        let ap = format!("{path}.allocations[{n}]");
        p.text(&format!("{ap}.invoice"), &a.invoice, 255);
        if a.amount.0 <= Decimal::ZERO {
            p.add(format!("{ap}.amount"), "must be greater than zero");
        }
        p.places(&format!("{ap}.amount"), a.amount, 2);
        if c.status != DocumentStatus::Authorised {
            p.add(ap.clone(), "only an authorised credit note can be allocated (\"status\": \"authorised\")");
        }
    }
    let mut seen = std::collections::HashSet::new();
    for (n, a) in c.allocations.iter().enumerate() {
        if !seen.insert(a.invoice.to_lowercase()) {
            p.add(
                format!("{path}.allocations[{n}].invoice"),
                format!("invoice \"{}\" is allocated twice: give one allocation per invoice", a.invoice),
            );
        }
    }
    (p, contact, lines, refs)
}

pub fn credit_note(c: &ErpCreditNote, contact_id: &str, lines: Vec<xero::LineItem>) -> Element {
    let x = xero::CreditNote {
        kind: match c.doc_type {
            DocumentType::Sales => "ACCRECCREDIT",
            DocumentType::Purchase => "ACCPAYCREDIT",
        }
        .into(),
        credit_note_number: Some(c.number.clone()),
        contact: Some(contact_ref(contact_id)),
        date: Some(date(c.date)),
        reference: some_text(&c.reference),
        currency_code: c.currency.clone(),
        currency_rate: c.currency_rate.map(|a| norm(a.0)),
        line_amount_types: Some(amounts_word(c.amounts).into()),
        status: Some(status_word(c.status).into()),
        line_items: lines,
        ..Default::default()
    };
    document_element(&x, &c.xero, &c.lines)
}

pub fn allocation(invoice_id: &str, amount: Amount, on: chrono::NaiveDate) -> Element {
    // Through a value (members in name order), as allocations were always hashed: a ledger that settled one
    // keeps its hash, and Xero never changes an allocation, so a new hash would read as a conflict.
    Element::of(&to_value(&xero::Allocation {
        invoice: Some(xero::DocumentRef { invoice_id: Some(invoice_id.to_owned()), ..Default::default() }),
        amount: Some(norm(amount.0)),
        date: Some(date(on)),
        ..Default::default()
    }))
}

pub fn check_payment(pay: &ErpPayment, path: &str) -> (Problems, Vec<RefCheck>) {
    let mut p = Problems::default();
    p.text(&format!("{path}.id"), &pay.id, 255);
    match (&pay.invoice, &pay.credit_note) {
        (Some(n), None) => p.text(&format!("{path}.invoice"), n, 255),
        (None, Some(n)) => p.text(&format!("{path}.credit_note"), n, 255),
        _ => p.add(format!("{path}.invoice"), "a payment names exactly one of invoice or credit_note"),
    }
    if pay.amount.0 <= Decimal::ZERO {
        p.add(format!("{path}.amount"), "must be greater than zero");
    }
    p.places(&format!("{path}.amount"), pay.amount, 2);
    p.text(&format!("{path}.bank_account"), &pay.bank_account, 10);
    p.opt_text(&format!("{path}.reference"), &pay.reference, 255);
    p.rate(&format!("{path}.currency_rate"), pay.currency_rate);
    let refs = vec![RefCheck::Bank { path: format!("{path}.bank_account"), code: pay.bank_account.clone() }];
    (p, refs)
}

pub fn payment(pay: &ErpPayment, document_id: &str) -> Element {
    let doc = xero::DocumentRef {
        invoice_id: pay.invoice.as_ref().map(|_| document_id.to_owned()),
        credit_note_id: pay.credit_note.as_ref().map(|_| document_id.to_owned()),
        ..Default::default()
    };
    let is_invoice = pay.invoice.is_some();
    let x = xero::Payment {
        invoice: is_invoice.then(|| doc.clone()),
        credit_note: (!is_invoice).then_some(doc),
        account: Some(xero::AccountRef { code: Some(pay.bank_account.clone()), ..Default::default() }),
        date: Some(date(pay.date)),
        amount: Some(norm(pay.amount.0)),
        currency_rate: pay.currency_rate.map(|a| norm(a.0)),
        reference: some_text(&pay.reference),
        ..Default::default()
    };
    let mut v = to_value(&x);
    merge(&mut v, &pay.xero);
    Element::of(&v)
}

/// Members a found Xero element must have equal to ours for the two to be the same record as pushed.
pub fn matches(found: &Value, sent: &Value) -> bool {
    match (found, sent) {
        (_, Value::Null) => true,
        (Value::Object(f), Value::Object(s)) => s.iter().all(|(k, sv)| {
            let fv = f.get(k).unwrap_or(&Value::Null);
            match k.as_str() {
                "Date" | "DueDate" => date_matches(fv, sv),
                "Status" => status_matches(fv, sv),
                "LineItems" | "Tracking" => match (fv, sv) {
                    (Value::Array(fa), Value::Array(sa)) => {
                        fa.len() == sa.len() && fa.iter().zip(sa).all(|(a, b)| matches(a, b))
                    }
                    (Value::Null, Value::Array(sa)) => sa.is_empty(),
                    _ => false,
                },
                _ => member_matches(k, fv, sv),
            }
        }),
        _ => false,
    }
}

fn member_matches(key: &str, found: &Value, sent: &Value) -> bool {
    match (found, sent) {
        (Value::Array(fa), Value::Array(sa)) => sa.iter().all(|s| fa.iter().any(|f| matches_any(key, f, s))),
        (Value::Null, Value::Array(sa)) => sa.is_empty(),
        _ => matches_any(key, found, sent),
    }
}

fn matches_any(key: &str, found: &Value, sent: &Value) -> bool {
    match (found, sent) {
        (Value::Object(_), Value::Object(_)) => matches(found, sent),
        (Value::Number(f), Value::Number(s)) => decimal(&f.to_string()) == decimal(&s.to_string()),
        (Value::String(f), Value::Number(s)) => decimal(f) == decimal(&s.to_string()),
        (Value::String(f), Value::String(s)) => {
            if key.ends_with("Code") || key.ends_with("Type") || key.ends_with("ID") {
                f.eq_ignore_ascii_case(s)
            } else {
                f == s
            }
        }
        (f, s) => f == s,
    }
}

fn decimal(text: &str) -> Option<Decimal> {
    super::amount::parse_decimal(text).ok().map(|d| d.normalize())
}

fn status_matches(found: &Value, sent: &Value) -> bool {
    match (found.as_str(), sent.as_str()) {
        (Some(f), Some(s)) => f.eq_ignore_ascii_case(s) || (s.eq_ignore_ascii_case("AUTHORISED") && f == "PAID"),
        _ => found == sent,
    }
}

/// `2026-01-05` against Xero's `/Date(1767571200000+0000)/` or `2026-01-05T00:00:00`.
fn date_matches(found: &Value, sent: &Value) -> bool {
    let (Some(f), Some(s)) = (found.as_str(), sent.as_str()) else { return found == sent };
    xero_date(f).is_some_and(|d| d.format("%Y-%m-%d").to_string() == s)
}

/// A date as Xero writes it, as a calendar date.
pub fn xero_date(text: &str) -> Option<chrono::NaiveDate> {
    if let Some(rest) = text.strip_prefix("/Date(") {
        let digits: String = rest.chars().take_while(|c| c.is_ascii_digit() || *c == '-').collect();
        let ms: i64 = digits.parse().ok()?;
        return chrono::DateTime::from_timestamp_millis(ms).map(|t| t.date_naive());
    }
    chrono::NaiveDate::parse_from_str(text.get(..10)?, "%Y-%m-%d").ok()
}

/// Object member access for found elements.
pub fn member<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// A decimal member as Xero wrote it (`"5.50"` stays `5.50`).
pub fn member_decimal(v: &Value, key: &str) -> Option<Decimal> {
    let text = match v.get(key)? {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        _ => return None,
    };
    super::amount::parse_decimal(&text).ok()
}

/// An object with one member, for bodies like `{"Invoices": [...]}`.
pub fn wrap(collection: &str, elements: Vec<Value>) -> Value {
    let mut m = Map::new();
    m.insert(collection.to_owned(), Value::Array(elements));
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn allocations_keep_the_text_their_ledger_hashes_were_made_of() {
        let on = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let a = allocation("8a1f", Amount(Decimal::new(1050, 2)), on);
        assert_eq!(a.json(), r#"{"Amount":10.5,"Date":"2026-11-26","Invoice":{"InvoiceID":"8a1f"}}"#);
    }

    #[test]
    fn found_elements_match_what_was_sent() {
        let sent = json!({"Type":"ACCREC","Date":"2026-01-05","Status":"AUTHORISED","Contact":{"ContactID":"ab"},
            "LineItems":[{"Quantity":1.5,"UnitAmount":2.25,"Tracking":[{"Name":"Division","Option":"North"}]}]});
        let found = json!({"Type":"ACCREC","Date":"/Date(1767571200000+0000)/","Status":"PAID",
            "Contact":{"ContactID":"AB","Name":"x"},
            "LineItems":[{"Quantity":1.5000,"UnitAmount":"2.2500","LineAmount":3.38,
                "Tracking":[{"Name":"Division","Option":"North","TrackingCategoryID":"1"}]}]});
        assert!(matches(&found, &sent));
        let mut other = found.clone();
        other["LineItems"][0]["Quantity"] = json!(2);
        assert!(!matches(&other, &sent));
        let mut extra = found.clone();
        extra["LineItems"].as_array_mut().unwrap().push(json!({}));
        assert!(!matches(&extra, &sent));
    }
}
