//! Payments and refunds → Xero payments on a document.

use super::*;

/// Everything of a payment that can be checked without Xero; the bank account is checked against Xero's.
pub fn check_payment(pay: &ErpPayment, path: &str) -> Result<Vec<RefCheck>, Problems> {
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
    if p.is_empty() { Ok(refs) } else { Err(p) }
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
