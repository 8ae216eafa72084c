//! Payments, credit notes and allocations: AmountDue, Status, RemainingCredit.

use crate::support::accounting::*;
use serde_json::{Value, json};

fn pay(sim: &mut Sim, invoice_id: &Value, amount: &str) -> xero_sim::accounting::ApiResponse {
    sim.put(
        "/Payments",
        json!({ "Payments": [{ "Invoice": { "InvoiceID": invoice_id }, "Account": { "Code": "090" }, "Amount": num(amount), "Date": "2024-03-20", "Reference": "EFT" }] }),
    )
}

fn credit_note(sim: &mut Sim, contact: &str, status: &str, unit: &str) -> Value {
    sim.create(
        "/CreditNotes",
        "CreditNotes",
        json!({ "Type": "ACCRECCREDIT", "Contact": { "ContactID": contact }, "Date": "2024-03-05", "Status": status,
            "LineItems": [{ "Description": "Refund", "Quantity": 1, "UnitAmount": num(unit), "AccountCode": "200", "TaxType": "OUTPUT" }] }),
    )
}

#[test]
fn partial_then_full_payment_marks_paid_and_delete_restores() {
    let mut sim = Sim::new();
    let c = sim.contact("Payer");
    let i = sim.invoice(&c, "AUTHORISED", "1", "100");
    let r = pay(&mut sim, &i["InvoiceID"], "40");
    assert_eq!(r.status, 200, "{}", r.body);
    let p = &r.body["Payments"][0];
    assert_eq!(p["PaymentType"], "ACCRECPAYMENT");
    assert_eq!(p["Status"], "AUTHORISED");
    assert_eq!(t(&p["Amount"]), "40.00");
    assert_eq!(p["Invoice"]["InvoiceNumber"], "INV-0001");
    let id = i["InvoiceID"].as_str().unwrap().to_string();
    let got = sim.get(&format!("/Invoices/{id}"), &[]);
    assert_eq!(t(&got["Invoices"][0]["AmountDue"]), "70.00");
    assert_eq!(t(&got["Invoices"][0]["AmountPaid"]), "40.00");
    assert_eq!(got["Invoices"][0]["Payments"].as_array().unwrap().len(), 1);
    let r2 = pay(&mut sim, &i["InvoiceID"], "70");
    let got = sim.get(&format!("/Invoices/{id}"), &[]);
    assert_eq!(got["Invoices"][0]["Status"], "PAID");
    assert_eq!(t(&got["Invoices"][0]["AmountDue"]), "0.00");
    assert!(got["Invoices"][0]["FullyPaidOnDate"].is_string());
    // Delete the second payment: back to AUTHORISED with 70 due.
    let pid = r2.body["Payments"][0]["PaymentID"].as_str().unwrap().to_string();
    let r = sim.post(&format!("/Payments/{pid}"), json!({ "Status": "DELETED" }));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["Payments"][0]["Status"], "DELETED");
    let got = sim.get(&format!("/Invoices/{id}"), &[]);
    assert_eq!(got["Invoices"][0]["Status"], "AUTHORISED");
    assert_eq!(t(&got["Invoices"][0]["AmountDue"]), "70.00");
    assert!(got["Invoices"][0].get("FullyPaidOnDate").is_none());
    let r = sim.post(&format!("/Payments/{pid}"), json!({ "Payments": [{ "Status": "DELETED" }] }));
    assert_validation(&r, 0, "already been deleted");
}

#[test]
fn payment_amount_positive_and_at_most_amount_due() {
    let mut sim = Sim::new();
    let c = sim.contact("Payer");
    let i = sim.invoice(&c, "AUTHORISED", "1", "100");
    assert_validation(
        &pay(&mut sim, &i["InvoiceID"], "110.01"),
        0,
        "Payment amount exceeds the amount outstanding on this document",
    );
    assert_validation(&pay(&mut sim, &i["InvoiceID"], "0"), 0, "greater than zero");
    assert_eq!(pay(&mut sim, &i["InvoiceID"], "110.00").status, 200);
}

#[test]
fn payment_needs_an_authorised_document() {
    let mut sim = Sim::new();
    let c = sim.contact("Payer");
    let i = sim.invoice(&c, "DRAFT", "1", "100");
    assert_validation(&pay(&mut sim, &i["InvoiceID"], "1"), 0, "AUTHORISED");
    let r = sim.put("/Payments", json!({ "Payments": [{ "Account": { "Code": "090" }, "Amount": 1 }] }));
    assert_validation(&r, 0, "Invoice or CreditNote");
}

#[test]
fn payment_account_must_be_bank_or_payments_enabled() {
    let mut sim = Sim::new();
    let c = sim.contact("Payer");
    let i = sim.invoice(&c, "AUTHORISED", "1", "100");
    let mk = |acct: Value| json!({ "Payments": [{ "Invoice": { "InvoiceID": i["InvoiceID"] }, "Account": acct, "Amount": 1 }] });
    assert_validation(&sim.put("/Payments", mk(json!({ "Code": "200" }))), 0, "cannot be used for payments");
    assert_validation(
        &sim.put("/Payments", mk(json!({}))),
        0,
        "You must specify and Account code or Account ID for the payment",
    );
    assert_eq!(sim.put("/Payments", mk(json!({ "Code": "855" }))).status, 200, "payments enabled");
    let bank_id = sim.get("/Accounts", &[("where", "Code==\"090\"")])["Accounts"][0]["AccountID"].clone();
    assert_eq!(sim.put("/Payments", mk(json!({ "AccountID": bank_id }))).status, 200);
}

#[test]
fn post_payments_takes_a_single_payment_and_invoice_number() {
    let mut sim = Sim::new();
    let c = sim.contact("Payer");
    sim.invoice(&c, "AUTHORISED", "1", "10");
    let r = sim.post(
        "/Payments",
        json!({ "Invoice": { "InvoiceNumber": "INV-0001" }, "Account": { "Code": "090" }, "Amount": 11 }),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(sim.get("/Invoices/INV-0001", &[])["Invoices"][0]["Status"], "PAID");
}

#[test]
fn bill_payment_and_foreign_currency_bank_amount() {
    let mut sim = Sim::new();
    let c = sim.contact("Supplier");
    let b = sim.create(
        "/Invoices",
        "Invoices",
        json!({ "Type": "ACCPAY", "Contact": { "ContactID": c }, "CurrencyCode": "USD", "CurrencyRate": 0.5, "Status": "AUTHORISED",
            "LineItems": [{ "Description": "Parts", "Quantity": 1, "UnitAmount": 100, "AccountCode": "310", "TaxType": "INPUT" }] }),
    );
    let r = sim.put("/Payments", json!({ "Payments": [{ "Invoice": { "InvoiceID": b["InvoiceID"] }, "Account": { "Code": "090" }, "Amount": 110 }] }));
    let p = &r.body["Payments"][0];
    assert_eq!(p["PaymentType"], "ACCPAYPAYMENT");
    assert_eq!(t(&p["BankAmount"]), "220.00");
    assert_eq!(sim.get(&format!("/Contacts/{c}"), &[])["Contacts"][0]["IsSupplier"], true);
}

#[test]
fn credit_note_numbers_and_totals() {
    let mut sim = Sim::new();
    let c = sim.contact("Cust");
    let cn = credit_note(&mut sim, &c, "AUTHORISED", "20");
    assert_eq!(cn["CreditNoteNumber"], "CN-0001");
    assert_eq!(t(&cn["Total"]), "22.00");
    assert_eq!(t(&cn["RemainingCredit"]), "22.00");
    let r = sim.put(
        "/CreditNotes",
        json!({ "CreditNotes": [{ "Type": "ACCRECCREDIT", "CreditNoteNumber": "CN-0001", "Contact": { "ContactID": c },
            "LineItems": [{ "Description": "x", "Quantity": 1, "UnitAmount": 1, "AccountCode": "200" }] }] }),
    );
    assert_validation(&r, 0, "Credit Note # must be unique.");
    let r = sim.put(
        "/CreditNotes",
        json!({ "CreditNotes": [{ "Type": "ACCRECCREDIT", "Contact": { "ContactID": c },
            "LineItems": [{ "Description": "x", "Quantity": 1, "UnitAmount": 1, "AccountCode": "200", "DiscountRate": 10 }] }] }),
    );
    assert_validation(&r, 0, "Discounts are only supported on ACCREC");
    assert_eq!(sim.get("/CreditNotes/CN-0001", &[])["CreditNotes"][0]["Type"], "ACCRECCREDIT");
}

#[test]
fn allocation_reduces_amount_due_and_remaining_credit() {
    let mut sim = Sim::new();
    let c = sim.contact("Cust");
    let i = sim.invoice(&c, "AUTHORISED", "1", "100");
    let cn = credit_note(&mut sim, &c, "AUTHORISED", "20");
    let cn_id = cn["CreditNoteID"].as_str().unwrap().to_string();
    let r = sim.put(
        &format!("/CreditNotes/{cn_id}/Allocations"),
        json!({ "Allocations": [{ "Invoice": { "InvoiceID": i["InvoiceID"] }, "Amount": 12.5, "Date": "2024-03-06" }] }),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(t(&r.body["Allocations"][0]["Amount"]), "12.50");
    let inv = sim.get("/Invoices/INV-0001", &[]);
    assert_eq!(t(&inv["Invoices"][0]["AmountCredited"]), "12.50");
    assert_eq!(t(&inv["Invoices"][0]["AmountDue"]), "97.50");
    assert_eq!(t(&inv["Invoices"][0]["CreditNotes"][0]["AppliedAmount"]), "12.50");
    let got = sim.get(&format!("/CreditNotes/{cn_id}"), &[]);
    assert_eq!(t(&got["CreditNotes"][0]["RemainingCredit"]), "9.50");
    assert_eq!(got["CreditNotes"][0]["Allocations"].as_array().unwrap().len(), 1);
    // Allocate the rest: the credit note becomes PAID.
    let r = sim.put(
        &format!("/CreditNotes/{cn_id}/Allocations"),
        json!({ "Allocations": [{ "Invoice": { "InvoiceID": i["InvoiceID"] }, "Amount": 9.5 }] }),
    );
    assert_eq!(r.status, 200);
    assert_eq!(sim.get(&format!("/CreditNotes/{cn_id}"), &[])["CreditNotes"][0]["Status"], "PAID");
    assert_eq!(sim.org.snapshot()["Allocations"].as_array().unwrap().len(), 2);
}

#[test]
fn allocation_rules() {
    let mut sim = Sim::new();
    let c = sim.contact("Cust");
    let other = sim.contact("Other");
    let i = sim.invoice(&c, "AUTHORISED", "1", "10");
    let foreign = sim.invoice(&other, "AUTHORISED", "1", "10");
    let draft_inv = sim.invoice(&c, "DRAFT", "1", "10");
    let cn = credit_note(&mut sim, &c, "AUTHORISED", "50");
    let draft_cn = credit_note(&mut sim, &c, "DRAFT", "5");
    let path = format!("/CreditNotes/{}/Allocations", cn["CreditNoteID"].as_str().unwrap());
    let alloc = |inv: &Value, amt: &str| json!({ "Allocations": [{ "Invoice": { "InvoiceID": inv["InvoiceID"] }, "Amount": num(amt), "Date": "2024-03-06" }] });
    assert_validation(
        &sim.put(&path, alloc(&i, "11.01")),
        0,
        "Credit Note cannot be allocated as amount is greater than amount outstanding",
    );
    assert_validation(&sim.put(&path, alloc(&foreign, "1")), 0, "same contact");
    assert_validation(&sim.put(&path, alloc(&draft_inv, "1")), 0, "AUTHORISED invoices");
    let draft_path = format!("/CreditNotes/{}/Allocations", draft_cn["CreditNoteID"].as_str().unwrap());
    assert_validation(&sim.put(&draft_path, alloc(&i, "1")), 0, "Only AUTHORISED credit notes");
    // A bill cannot take a sales credit.
    let bill = sim.create(
        "/Invoices",
        "Invoices",
        json!({ "Type": "ACCPAY", "Contact": { "ContactID": c }, "Status": "AUTHORISED", "LineItems": [{ "Description": "x", "Quantity": 1, "UnitAmount": 5, "AccountCode": "429" }] }),
    );
    assert_validation(&sim.put(&path, alloc(&bill, "1")), 0, "incorrect invoice type");
    // Pay the invoice off, then allocating says so.
    pay(&mut sim, &i["InvoiceID"], "11");
    assert_validation(&sim.put(&path, alloc(&i, "1")), 0, "already been paid off");
    assert_eq!(
        sim.call("PUT", "/CreditNotes/00000000-0000-4000-8000-000000000009/Allocations", &[], Some(alloc(&i, "1")))
            .status,
        404
    );
}

#[test]
fn credit_note_refund_payment() {
    let mut sim = Sim::new();
    let c = sim.contact("Cust");
    let cn = credit_note(&mut sim, &c, "AUTHORISED", "10");
    let r = sim.put("/Payments", json!({ "Payments": [{ "CreditNote": { "CreditNoteID": cn["CreditNoteID"] }, "Account": { "Code": "090" }, "Amount": 11 }] }));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["Payments"][0]["PaymentType"], "ARCREDITPAYMENT");
    assert_eq!(sim.get("/CreditNotes/CN-0001", &[])["CreditNotes"][0]["Status"], "PAID");
}
