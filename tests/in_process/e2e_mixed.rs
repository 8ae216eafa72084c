//! Mixed batches through the C ABI over HTTP: some records invalid (caught by xero-link's own validation, and
//! one that only Xero catches) in the middle of valid ones. Every valid record lands, exactly once; each
//! invalid one is reported failed with its path (and Xero's own message for the one only Xero catches), and
//! nothing of it reaches Xero.

use crate::support::auth::ok;
use crate::support::common::call_c;
use crate::support::e2e::{self, dec, simulator, writes};
use erp_day::Scale;
use serde_json::{Value, json};
use std::collections::HashMap;
use xero_link::ffi::*;
use xero_link_fixtures::erp_day;

const SOME: Scale = Scale {
    debtors: 4,
    creditors: 2,
    items: 4,
    sales_invoices: 10,
    bills: 2,
    sales_credit_notes: 0,
    supplier_credit_notes: 0,
    max_lines: 3,
};

/// The result of the record at `index`, with its errors as (code, path, message).
fn failure(answer: &Value, index: usize) -> Vec<(String, String, String)> {
    let r = &answer["results"][index];
    assert_eq!(r["index"], index, "{r}");
    assert_eq!(r["outcome"], "failed", "record {index} fails: {r}");
    r["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["code"].as_str().unwrap().to_owned(),
                e["path"].as_str().unwrap_or_default().to_owned(),
                e["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn has(errors: &[(String, String, String)], code: &str, path: &str) -> bool {
    errors.iter().any(|(c, p, _)| c == code && p == path)
}

#[test]
fn a_mixed_batch_lands_every_valid_record_and_reports_each_invalid_one_with_its_path() {
    let (sim, tenant) = simulator(60.0, false);
    let name = "xero-e2e-mixed";
    e2e::ready(name, &sim, json!({}));
    let day = erp_day::generate(5, SOME);
    ok(call_c(xero_push_contacts, &json!({"connection": name, "contacts": day.contacts()}).to_string()));
    ok(call_c(xero_push_items, &json!({"connection": name, "items": day.items}).to_string()));

    // Valid documents with invalid ones between them; `bad` maps index → (code, path) expected.
    let valid = day.invoices();
    let mut batch: Vec<Value> = Vec::new();
    let mut bad: Vec<(usize, &str, String)> = Vec::new();
    let mut push_bad = |batch: &mut Vec<Value>, doc: Value, code: &'static str, field: &str| {
        let i = batch.len();
        bad.push((i, code, if field.is_empty() { format!("invoices[{i}]") } else { format!("invoices[{i}].{field}") }));
        batch.push(doc);
    };
    let template = |n: &str| {
        json!({"number": n, "type": "sales", "debtor": "D0001", "date": "2026-11-25", "due_date": "2026-12-25",
               "lines": [{"description": "Services", "quantity": "2", "unit_price": "50.00"}]})
    };
    for (k, doc) in valid.iter().enumerate() {
        batch.push(doc.clone());
        match k {
            1 => {
                let mut d = template("BAD-QTY");
                d["lines"][0]["quantity"] = json!("three");
                push_bad(&mut batch, d, "validation", "lines[0].quantity");
            }
            3 => {
                let mut d = template("BAD-ACCOUNT");
                d["lines"][0]["account"] = json!("9999");
                push_bad(&mut batch, d, "validation", "lines[0].account");
            }
            4 => push_bad(
                &mut batch,
                json!({"number": "BAD-DEBTOR", "type": "sales", "debtor": "D9999",
                                             "date": "2026-11-25", "lines": [{"description": "x", "quantity": "1",
                                             "unit_price": "1"}]}),
                "dependency",
                "debtor",
            ),
            5 => {
                let mut d = template("BAD-NO-LINES");
                d["lines"] = json!([]);
                push_bad(&mut batch, d, "validation", "lines");
            }
            6 => {
                let mut d = template("BAD-TAX");
                d["lines"][0]["tax_code"] = json!("NOSUCHTAX");
                push_bad(&mut batch, d, "validation", "lines[0].tax_code");
            }
            7 => {
                // Only Xero knows the organisation does not trade in yen.
                let mut d = template("XERO-REFUSES");
                d["currency"] = json!("JPY");
                d["currency_rate"] = json!("95.5");
                push_bad(&mut batch, d, "xero", "");
            }
            8 => push_bad(&mut batch, valid[0].clone(), "validation", ""),
            _ => {}
        }
    }
    let request = json!({"connection": name, "invoices": batch});
    let answer = ok(call_c(xero_push_invoices, &request.to_string()));
    assert_eq!(answer["results"].as_array().unwrap().len(), batch.len());
    let bad_index: HashMap<usize, (&str, String)> = bad.iter().map(|(i, c, p)| (*i, (*c, p.clone()))).collect();
    for (i, r) in answer["results"].as_array().unwrap().iter().enumerate() {
        match bad_index.get(&i) {
            Some((code, path)) => {
                let errors = failure(&answer, i);
                if *code == "xero" {
                    // Xero's own message, on the record Xero refused.
                    assert!(errors.iter().any(|(c, p, m)| c == "xero" && p == path && m.contains("JPY")), "{errors:?}");
                    assert_eq!(r["key"], "XERO-REFUSES");
                } else {
                    assert!(has(&errors, code, path), "record {i}: expected {code} at {path}, got {errors:?}");
                }
            }
            None => {
                assert_eq!(r["outcome"], "created", "valid record {i} lands: {r}");
                let number = r["key"].as_str().unwrap();
                assert_eq!(dec(&r["totals"]["total"]), day.expected[number].total, "{number}");
            }
        }
    }
    assert_eq!(answer["summary"]["created"], valid.len(), "{}", answer["summary"]);
    assert_eq!(answer["summary"]["failed"], bad.len(), "{}", answer["summary"]);

    // Xero holds each valid document once and none of the invalid ones.
    let snapshot = sim.snapshot(&tenant).unwrap();
    let mut held: HashMap<String, usize> = HashMap::new();
    for i in snapshot["Invoices"].as_array().unwrap() {
        *held.entry(i["InvoiceNumber"].as_str().unwrap().to_owned()).or_default() += 1;
    }
    for doc in &valid {
        let number = doc["number"].as_str().unwrap();
        assert_eq!(held.get(number), Some(&1), "{number} is in Xero once");
    }
    assert_eq!(held.len(), valid.len(), "nothing invalid reached Xero: {held:?}");

    // Pushed again: the valid ones are unchanged; the invalid ones fail the same way.
    let before = writes(&sim);
    let again = ok(call_c(xero_push_invoices, &request.to_string()));
    assert_eq!(again["summary"]["unchanged"], valid.len(), "{}", again["summary"]);
    assert_eq!(again["summary"]["failed"], bad.len(), "{}", again["summary"]);
    assert!(writes(&sim) - before <= 1, "only the document Xero refused is sent again");
}

#[test]
fn mixed_payments_and_contacts_land_the_valid_ones_and_point_at_the_invalid_ones() {
    let (sim, tenant) = simulator(60.0, false);
    let name = "xero-e2e-mixed-payments";
    e2e::ready(name, &sim, json!({}));
    let day = erp_day::generate(5, SOME);

    let mut contacts = day.contacts();
    contacts.insert(1, json!({"code": "D-NONAME", "role": "debtor", "name": ""}));
    contacts.insert(3, json!({"code": "D-ROLE", "role": "customer", "name": "Somebody"}));
    let answer = ok(call_c(xero_push_contacts, &json!({"connection": name, "contacts": contacts}).to_string()));
    assert!(has(&failure(&answer, 1), "validation", "contacts[1].name"), "{answer}");
    assert!(has(&failure(&answer, 3), "validation", "contacts[3].role"), "{answer}");
    assert_eq!(answer["summary"]["created"], day.contacts().len(), "{answer}");

    ok(call_c(xero_push_items, &json!({"connection": name, "items": day.items}).to_string()));
    ok(call_c(xero_push_invoices, &json!({"connection": name, "invoices": day.invoices()}).to_string()));

    let mut payments = day.payments.clone();
    assert!(payments.len() >= 2, "the day has payments");
    let first_invoice = payments[0]["invoice"].clone();
    // More than is owed: only Xero's check on the invoice's balance catches it.
    payments.insert(
        1,
        json!({"id": "PAY-TOO-MUCH", "type": "sales", "invoice": first_invoice, "amount": "999999.00",
                              "date": "2026-11-25", "bank_account": "090", "reference": "too much"}),
    );
    payments.insert(
        2,
        json!({"id": "PAY-NO-INVOICE", "type": "sales", "invoice": "INV-NONE", "amount": "10.00",
                              "date": "2026-11-25", "bank_account": "090"}),
    );
    payments.insert(
        3,
        json!({"id": "PAY-NOT-BANK", "type": "sales", "invoice": first_invoice, "amount": "1.00",
                              "date": "2026-11-25", "bank_account": "200"}),
    );
    let answer = ok(call_c(xero_push_payments, &json!({"connection": name, "payments": payments}).to_string()));
    let too_much = failure(&answer, 1);
    assert!(too_much.iter().any(|(c, p, _)| c == "xero" && p == "payments[1]"), "{too_much:?}");
    assert!(has(&failure(&answer, 2), "dependency", "payments[2].invoice"), "{answer}");
    assert!(has(&failure(&answer, 3), "validation", "payments[3].bank_account"), "{answer}");
    assert_eq!(answer["summary"]["created"], day.payments.len(), "{answer}");

    let snapshot = sim.snapshot(&tenant).unwrap();
    let refs: Vec<&str> =
        snapshot["Payments"].as_array().unwrap().iter().map(|p| p["Reference"].as_str().unwrap()).collect();
    assert_eq!(refs.len(), day.payments.len(), "only the valid payments reached Xero: {refs:?}");
    for p in &day.payments {
        assert_eq!(refs.iter().filter(|r| **r == p["reference"].as_str().unwrap()).count(), 1);
    }
}
