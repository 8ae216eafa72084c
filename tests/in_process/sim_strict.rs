//! How the library reports and copes with Xero's stricter behaviours that the simulator models (issue 11), through
//! the C ABI against the simulator over HTTP: post data Xero cannot read, warnings on saved documents, day rates,
//! filters on large organisations, lock dates, organisation state, request limits, and token unknowns.

use crate::support::auth::ok;
use crate::support::common::call_c;
use crate::support::e2e::{self, ready, simulator};
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
        json!([
            sale("SI-OK-1", json!({})),
            sale("SI-BAD", json!({"LineAmountTypes": "Sideways"})),
            sale("SI-OK-2", json!({}))
        ]),
    );
    let outcomes: Vec<&str> = r["results"].as_array().unwrap().iter().map(|x| x["outcome"].as_str().unwrap()).collect();
    assert_eq!(outcomes, ["created", "failed", "created"], "{r}");
    let e = &r["results"][1]["errors"][0];
    assert_eq!(e["code"], "xero", "{e}");
    let m = e["message"].as_str().unwrap();
    assert!(m.contains("PostDataInvalidException") && m.contains("LineAmountTypes") && m.contains("Sideways"), "{m}");
    let numbers: Vec<Value> = sim.snapshot(&tenant).unwrap()["Invoices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["InvoiceNumber"].clone())
        .collect();
    assert_eq!(numbers, [json!("SI-OK-1"), json!("SI-OK-2")]);
    // The request that carried it broke Xero's spec: the simulator recorded it (taken here, it would fail the test).
    let broke = sim.take_spec_violations();
    assert!(!broke.is_empty() && broke.iter().all(|v| v.contains("LineAmountTypes")), "{broke:?}");
}

fn usd_sale(number: &str, rate: Option<&str>) -> Value {
    let mut s = sale(number, json!({}));
    s["currency"] = json!("USD");
    if let Some(r) = rate {
        s["currency_rate"] = json!(r);
    }
    s
}

fn set_day_rate(sim: &xero_sim::SimHandle, tenant: &str, date: &str, rate: &str) {
    let patch =
        serde_json::from_value(json!({"day_rates": [{"currency": "USD", "date": date, "rate": rate}]})).unwrap();
    sim.patch_org(tenant, &patch).expect("the organisation").expect("a valid day rate");
}

// §1.10: an invoice in a foreign currency without a rate is stored at Xero's day rate for its date (the library
// sends no rate of its own).
#[test]
fn a_foreign_invoice_without_a_rate_is_stored_at_the_day_rate() {
    let (sim, tenant) = simulator(60.0, false);
    let name = "xero-strict-day-rate";
    ready(name, &sim, json!({}));
    debtor(name);
    set_day_rate(&sim, &tenant, "2026-11-24", "0.601234");
    set_day_rate(&sim, &tenant, "2026-11-25", "0.612345");
    set_day_rate(&sim, &tenant, "2026-11-26", "0.623456");
    let r = push(xero_push_invoices, name, "invoices", json!([usd_sale("SI-USD-1", None)]));
    assert_eq!(r["results"][0]["outcome"], "created", "{r}");
    let stored = &sim.snapshot(&tenant).unwrap()["Invoices"][0];
    assert_eq!(stored["CurrencyCode"], "USD");
    assert_eq!(stored["CurrencyRate"].to_string(), "0.612345", "the rate of 2026-11-25, the invoice's date");
}

// §1.8: Xero's warnings on a saved document come back on its record, which is still created.
#[test]
fn warnings_on_a_saved_invoice_are_passed_on_per_record() {
    let (sim, tenant) = simulator(60.0, false);
    let name = "xero-strict-warnings";
    ready(name, &sim, json!({}));
    debtor(name);
    set_day_rate(&sim, &tenant, "2026-11-25", "0.612345");
    let r = push(
        xero_push_invoices,
        name,
        "invoices",
        json!([usd_sale("SI-USD-W", Some("1.5")), usd_sale("SI-USD-OK", Some("0.62"))]),
    );
    let (warned, plain) = (&r["results"][0], &r["results"][1]);
    assert_eq!(warned["outcome"], "created", "{r}");
    let w = warned["warnings"].as_array().expect("warnings on the record");
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].as_str().unwrap().contains("day rate 0.612345"), "{w:?}");
    assert_eq!(plain["outcome"], "created");
    assert!(plain.get("warnings").is_none(), "{plain}");
    assert_eq!(sim.snapshot(&tenant).unwrap()["Invoices"][0]["CurrencyRate"].to_string(), "1.500000");
}

fn set_threshold(sim: &xero_sim::SimHandle, tenant: &str, n: usize) {
    let patch = serde_json::from_value(json!({"unoptimised_filter_threshold": n})).unwrap();
    sim.patch_org(tenant, &patch).expect("the organisation").expect("a valid threshold");
}

// §1.7: on an organisation above Xero's high volume threshold, only optimised `where` filters are accepted. The
// library's lookups of records its ledger does not know must still work (or say clearly why not).
#[test]
fn contacts_are_found_on_an_organisation_too_large_for_the_contact_number_filter() {
    let (sim, tenant) = simulator(60.0, false);
    let name = "xero-strict-large";
    ready(name, &sim, json!({}));
    let contacts: Vec<Value> = (1..=4)
        .map(|n| json!({"code": format!("D{n}"), "role": "debtor", "name": format!("Debtor {n}"), "account_number": format!("AN-{n}")}))
        .collect();
    let r = push(xero_push_contacts, name, "contacts", json!(contacts));
    assert!(r["results"].as_array().unwrap().iter().all(|x| x["outcome"] == "created"), "{r}");
    set_threshold(&sim, &tenant, 3);
    // A ledger that knows nothing: every contact is looked up in Xero, on an organisation above the threshold.
    let again = "xero-strict-large-again";
    ready(again, &sim, json!({}));
    let mut more = contacts.clone();
    more.push(json!({"code": "D5", "role": "debtor", "name": "Debtor 5"}));
    let r = push(xero_push_contacts, again, "contacts", json!(more));
    // The contact lookup filters on ContactNumber, which Xero does not optimise: above the threshold Xero refuses it
    // (HighVolumeException, XeroAPI/xero-python#148) and the lookup searches each contact instead (`searchTerm`):
    // the four are found and adopted, the new one created, none twice.
    let outcomes: Vec<&str> = r["results"].as_array().unwrap().iter().map(|x| x["outcome"].as_str().unwrap()).collect();
    assert_eq!(outcomes, ["unchanged", "unchanged", "unchanged", "unchanged", "created"], "{r}");
    let numbers = sim.snapshot(&tenant).unwrap()["Contacts"].as_array().unwrap().len();
    assert_eq!(numbers, 5, "each contact once");
    // Pushed again: the ledger knows them all, no lookup at all.
    let r = push(xero_push_contacts, again, "contacts", json!(more));
    assert!(r["results"].as_array().unwrap().iter().all(|x| x["outcome"] == "unchanged"), "{r}");
}

// §5: a document dated in a locked period fails on its own record with Xero's message; the others land.
#[test]
fn an_invoice_in_a_locked_period_fails_with_xeros_message() {
    let (sim, tenant) = simulator(60.0, false);
    let name = "xero-strict-lock";
    ready(name, &sim, json!({}));
    debtor(name);
    let patch = serde_json::from_value(json!({"period_lock_date": "2026-11-24"})).unwrap();
    sim.patch_org(&tenant, &patch).expect("the organisation").expect("a valid lock date");
    let mut locked = sale("SI-LOCKED", json!({}));
    locked["date"] = json!("2026-11-24");
    let r = push(xero_push_invoices, name, "invoices", json!([locked, sale("SI-OPEN", json!({}))]));
    assert_eq!(r["results"][0]["outcome"], "failed", "{r}");
    assert_eq!(r["results"][0]["errors"][0]["code"], "xero");
    assert!(r["results"][0]["errors"][0]["message"].as_str().unwrap().contains("period lock date"), "{r}");
    assert_eq!(r["results"][1]["outcome"], "created", "{r}");
}
