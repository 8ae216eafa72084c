//! How the library reports and copes with Xero's stricter behaviours that the simulator models (issue 11), through
//! the C ABI against the simulator over HTTP: post data Xero cannot read, warnings on saved documents, day rates,
//! filters on large organisations, lock dates, organisation state, request limits, and token unknowns.

#[path = "auth_support/mod.rs"]
mod auth_support;
mod common;
#[path = "e2e_support/mod.rs"]
mod e2e;
#[path = "push_support/erp_day.rs"]
mod erp_day;

use auth_support::ok;
use common::call_c;
use e2e::{ready, simulator};
use serde_json::{Value, json};
use xero_link::ffi::*;

fn push(f: e2e::PushFn, name: &str, member: &str, records: Value) -> Value {
    ok(call_c(f, &json!({"connection": name, member: records}).to_string()))
}

fn debtor(name: &str) {
    let r = push(xero_push_contacts, name, "contacts", json!([{"code": "D1", "role": "debtor", "name": "Debtor One"}]));
    assert_eq!(r["results"][0]["outcome"], "created", "{r}");
}

fn sale(number: &str, xero: Value) -> Value {
    json!({"number": number, "type": "sales", "debtor": "D1", "date": "2026-11-25",
           "lines": [{"description": "Work", "quantity": "1", "unit_price": "10.00", "account": "200"}], "xero": xero})
}

// §1.5: a pass-through member Xero cannot read makes Xero refuse the whole request (400 PostDataInvalidException,
// no element named); the library sends the batch's elements one by one, so the readable ones land and only the
// unreadable one fails, with Xero's message.
#[test]
fn an_unreadable_pass_through_fails_its_record_alone() {
    let (sim, tenant) = simulator(60.0, false);
    let name = "xero-strict-unreadable";
    ready(name, &sim, json!({}));
    debtor(name);
    let r = push(
        xero_push_invoices,
        name,
        "invoices",
        json!([sale("SI-OK-1", json!({})), sale("SI-BAD", json!({"LineAmountTypes": "Sideways"})), sale("SI-OK-2", json!({}))]),
    );
    let outcomes: Vec<&str> = r["results"].as_array().unwrap().iter().map(|x| x["outcome"].as_str().unwrap()).collect();
    assert_eq!(outcomes, ["created", "failed", "created"], "{r}");
    let e = &r["results"][1]["errors"][0];
    assert_eq!(e["code"], "xero", "{e}");
    let m = e["message"].as_str().unwrap();
    assert!(m.contains("PostDataInvalidException") && m.contains("LineAmountTypes") && m.contains("Sideways"), "{m}");
    let numbers: Vec<Value> =
        sim.snapshot(&tenant).unwrap()["Invoices"].as_array().unwrap().iter().map(|d| d["InvoiceNumber"].clone()).collect();
    assert_eq!(numbers, [json!("SI-OK-1"), json!("SI-OK-2")]);
    // The request that carried it broke Xero's spec: the simulator recorded it (taken here, it would fail the test).
    let broke = sim.take_spec_violations();
    assert!(!broke.is_empty() && broke.iter().all(|v| v.contains("LineAmountTypes")), "{broke:?}");
}
