//! Invoices, bills and credit notes: the head (contact, number, currency), the lines with the administrator's
//! default accounts and tracking, and the Xero elements; allocations of credit notes to invoices.

use super::*;

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
        check_line(d, l, &lp, p);
        let account = line_account(d, l, &lp, config, p, refs);
        if let Some(t) = &l.tax_code {
            refs.push(RefCheck::Tax { path: format!("{lp}.tax_code"), code: t.clone() });
        }
        let tracking = line_tracking(d, l, &lp, config, refs);
        out.push(xero::LineItem {
            description: some_text(&l.description),
            quantity: l.quantity.map(|a| norm(a.0)),
            unit_amount: l.unit_price.map(|a| norm(a.0)),
            item_code: l.item.clone(),
            account_code: account,
            tax_type: l.tax_code.clone(),
            discount_rate: l.discount.map(|a| norm(a.0)),
            tracking,
            ..Default::default()
        });
    }
    out
}

/// The checks of one line (at `lp`) that need neither Xero nor the configuration.
fn check_line(d: &DocumentInput<'_>, l: &ErpLine, lp: &str, p: &mut Problems) {
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
    check_discount(d, l, lp, p);
    p.opt_code(format_args!("{lp}.account"), &l.account, 10);
    p.opt_code(format_args!("{lp}.tax_code"), &l.tax_code, 50);
    p.opt_text(format_args!("{lp}.division"), &l.division, 100);
    p.opt_text(format_args!("{lp}.sales_rep"), &l.sales_rep, 100);
}

/// Xero's accounting spec (LineItem.DiscountRate): "only supported on ACCREC invoices – ACC PAY invoices and
/// credit notes in Xero do not support discounts". Whether Xero refuses the member or ignores it (saving the
/// document at full price) is not documented, so it never reaches Xero, from the ERP's fields or the host's
/// pass-through.
fn check_discount(d: &DocumentInput<'_>, l: &ErpLine, lp: &str, p: &mut Problems) {
    let sales_invoice = d.doc_type == DocumentType::Sales && !d.credit_note;
    let passed_discount =
        ["DiscountRate", "DiscountAmount"].into_iter().find(|m| l.xero.as_ref().is_some_and(|x| x.contains_key(*m)));
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
}

/// The line's account: its own, else none when it names an item (Xero takes the item's), else the
/// administrator's default for the document's side; checked against Xero's accounts later.
fn line_account(
    d: &DocumentInput<'_>,
    l: &ErpLine,
    lp: &str,
    config: &Config,
    p: &mut Problems,
    refs: &mut Vec<RefCheck>,
) -> Option<String> {
    let (default_account, default_name) = match d.doc_type {
        DocumentType::Sales => (&config.defaults.sales_account, "defaults.sales_account"),
        DocumentType::Purchase => (&config.defaults.cos_account, "defaults.cos_account"),
    };
    let account = match (&l.account, &l.item) {
        (Some(a), _) => Some(a.clone()),
        (None, Some(_)) => None,
        (None, None) => default_account.clone(),
    };
    if let Some(code) = &account {
        let what =
            if l.account.is_some() { "the line's account".into() } else { format!("the default ({default_name})") };
        refs.push(RefCheck::Account { path: format!("{lp}.account"), code: code.clone(), what });
    } else if l.item.is_none() && l.unit_price.is_some() {
        p.add(
            format!("{lp}.account"),
            format!("the line names no account and {default_name} is not set in the connection's configuration"),
        );
    }
    account
}

/// The line's tracking: division and sales rep (the administrator's defaults where the line names none; the
/// default sales rep only on sales documents), checked against Xero's tracking options later.
fn line_tracking(
    d: &DocumentInput<'_>,
    l: &ErpLine,
    lp: &str,
    config: &Config,
    refs: &mut Vec<RefCheck>,
) -> Vec<xero::LineItemTracking> {
    let division = l.division.clone().or_else(|| config.defaults.division.clone());
    let sales_rep = match d.doc_type {
        DocumentType::Sales => l.sales_rep.clone().or_else(|| config.defaults.sales_rep.clone()),
        DocumentType::Purchase => l.sales_rep.clone(),
    };
    let categories = [
        ("division", division, &config.tracking_categories.division, "defaults.division", l.division.is_some()),
        ("sales_rep", sales_rep, &config.tracking_categories.sales_rep, "defaults.sales_rep", l.sales_rep.is_some()),
    ];
    let mut tracking = Vec::new();
    for (field, option, category, default_name, own) in categories {
        let Some(option) = option.filter(|o| !o.trim().is_empty()) else { continue };
        refs.push(RefCheck::Tracking {
            path: format!("{lp}.{field}"),
            category: category.clone(),
            option: option.clone(),
            what: if own { "the line's option".into() } else { format!("the default ({default_name})") },
        });
        tracking.push(xero::LineItemTracking { name: category.clone(), option, ..Default::default() });
    }
    tracking
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

fn contact_ref(contact_id: &str) -> xero::Contact {
    xero::Contact { contact_id: Some(contact_id.to_owned()), ..Default::default() }
}

/// A document that passed the checks that need no Xero: its contact code, mapped lines and references.
pub struct CheckedDocument {
    pub contact: Option<String>,
    pub lines: Vec<xero::LineItem>,
    pub refs: Vec<RefCheck>,
}

fn checked_document(
    p: Problems,
    contact: Option<String>,
    lines: Vec<xero::LineItem>,
    refs: Vec<RefCheck>,
) -> Result<CheckedDocument, Problems> {
    if p.is_empty() { Ok(CheckedDocument { contact, lines, refs }) } else { Err(p) }
}

/// Everything of an invoice that can be checked without Xero; the contact code it needs.
pub fn check_invoice(i: &ErpInvoice, path: &str, config: &Config) -> Result<CheckedDocument, Problems> {
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
    checked_document(p, contact, lines, refs)
}

/// The Xero invoice for a checked ERP invoice.
pub fn invoice(i: &ErpInvoice, contact_id: &str, lines: Vec<xero::LineItem>) -> Element {
    let x = xero::Invoice {
        kind: i.doc_type.invoice_type().as_str().into(),
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

pub fn check_credit_note(c: &ErpCreditNote, path: &str, config: &Config) -> Result<CheckedDocument, Problems> {
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
    checked_document(p, contact, lines, refs)
}

pub fn credit_note(c: &ErpCreditNote, contact_id: &str, lines: Vec<xero::LineItem>) -> Element {
    let x = xero::CreditNote {
        kind: c.doc_type.credit_note_type().as_str().into(),
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
