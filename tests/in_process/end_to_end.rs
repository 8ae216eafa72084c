//! The main job end to end, as a host runs it: through the C ABI, over HTTP, against the simulator with Xero's
//! rate limits on (its clock scaled so a Xero minute passes in one real second): configure, sign in, set the
//! tenant once, push the ERP's records, and push them again without a single write.

use crate::support::auth::{ok, op};
use crate::support::common::call_c;
use crate::support::e2e::{self, api_calls, dec, simulator, writes};
use crate::support::process::alone;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::ffi::{CStr, c_char, c_void};
use std::str::FromStr;
use std::sync::Mutex;
use xero_link::ffi::*;
use xero_link_fixtures::erp_day;

/// Xero seconds per real second: the minute window is one real second.
const SCALE: f64 = 60.0;

#[test]
fn one_invoice_goes_end_to_end_and_is_written_once() {
    let (sim, tenant) = simulator(SCALE, true);
    e2e::ready("xero-e2e-one", &sim, json!({}));
    let request = json!({
        "connection": "xero-e2e-one",
        "contacts": [{"code": "D0001", "role": "debtor", "name": "Acme Builders Ltd", "email": "ap@acme.example"}],
        "invoice": {
            "number": "SI-1001", "type": "sales", "debtor": "D0001", "date": "2026-11-26", "due_date": "2026-12-26",
            "reference": "PO 4471",
            "lines": [
                {"description": "Steel beams", "quantity": "3", "unit_price": "19.995", "tax_code": "OUTPUT"},
                {"description": "Delivery", "quantity": 1, "unit_price": "45.50", "discount": "10", "tax_code": "OUTPUT"}
            ]
        }
    });
    let answer = ok(call_c(xero_push_invoice, &request.to_string()));
    let result = &answer["results"][0];
    assert_eq!(result["outcome"], "created", "{answer}");
    // 3 × 19.995 = 59.985 → 59.99 (unitdp=4 keeps the price); 45.50 less 10 % = 40.95; tax per line 6.00 + 4.10.
    assert_eq!(dec(&result["totals"]["sub_total"]), Decimal::from_str("100.94").unwrap(), "{result}");
    assert_eq!(dec(&result["totals"]["total_tax"]), Decimal::from_str("10.10").unwrap(), "{result}");
    assert_eq!(dec(&result["totals"]["total"]), Decimal::from_str("111.04").unwrap(), "{result}");

    let stored = sim.snapshot(&tenant).expect("the organisation exists");
    let invoices: Vec<&Value> =
        stored["Invoices"].as_array().unwrap().iter().filter(|i| i["InvoiceNumber"] == "SI-1001").collect();
    assert_eq!(invoices.len(), 1, "exactly one invoice landed");
    let invoice = invoices[0];
    assert_eq!(dec(&invoice["Total"]), Decimal::from_str("111.04").unwrap());
    assert_eq!(invoice["Reference"], "PO 4471");
    let line = &invoice["LineItems"][0];
    assert_eq!(line["AccountCode"], "200", "the default sales account applies");
    let tracking: Vec<(String, String)> = line["Tracking"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["Name"].as_str().unwrap().to_owned(), t["Option"].as_str().unwrap().to_owned()))
        .collect();
    assert!(tracking.contains(&("Division".into(), "North".into())), "{tracking:?}");
    assert!(tracking.contains(&("Sales Rep".into(), "Alice Brown".into())), "{tracking:?}");

    let before = writes(&sim);
    let again = ok(call_c(xero_push_invoice, &request.to_string()));
    assert_eq!(again["results"][0]["outcome"], "unchanged", "{again}");
    assert_eq!(writes(&sim), before, "an unchanged invoice costs no write");
}

#[test]
fn a_small_erp_day_lands_to_the_cent_and_a_second_push_writes_nothing() {
    let (sim, tenant) = simulator(SCALE, true);
    let name = "xero-e2e-day";
    e2e::ready(name, &sim, json!({}));
    let day = erp_day::generate(11, erp_day::Scale::SMALL);
    let push = |f: unsafe extern "C" fn(*const c_char) -> *mut c_char, key: &str, records: Vec<Value>| {
        let answer = ok(call_c(f, &json!({"connection": name, key: records}).to_string()));
        answer["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["outcome"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    let all = |outcomes: &[String], want: &str| outcomes.iter().all(|o| o == want);

    assert!(all(&push(xero_push_contacts, "contacts", day.contacts()), "created"));
    assert!(all(&push(xero_push_items, "items", day.items.clone()), "created"));
    assert!(all(&push(xero_push_invoices, "invoices", day.invoices()), "created"));
    assert!(all(&push(xero_push_credit_notes, "credit_notes", day.credit_notes.clone()), "created"));
    assert!(all(&push(xero_push_payments, "payments", day.payments.clone()), "created"));

    let stored = sim.snapshot(&tenant).unwrap();
    for doc in stored["Invoices"].as_array().unwrap() {
        let number = doc["InvoiceNumber"].as_str().unwrap();
        let want = day.expected.get(number).unwrap_or_else(|| panic!("unexpected invoice {number}"));
        assert_eq!(dec(&doc["Total"]), want.total, "{number}: total");
        assert_eq!(dec(&doc["TotalTax"]), want.total_tax, "{number}: tax");
    }
    assert_eq!(stored["Invoices"].as_array().unwrap().len(), day.invoices().len());

    let before = api_calls(&sim);
    assert!(all(&push(xero_push_contacts, "contacts", day.contacts()), "unchanged"));
    assert!(all(&push(xero_push_items, "items", day.items.clone()), "unchanged"));
    assert!(all(&push(xero_push_invoices, "invoices", day.invoices()), "unchanged"));
    assert!(all(&push(xero_push_credit_notes, "credit_notes", day.credit_notes.clone()), "unchanged"));
    assert!(all(&push(xero_push_payments, "payments", day.payments.clone()), "unchanged"));
    assert_eq!(api_calls(&sim), before, "pushing the same day again makes no call at all");
    assert_eq!(sim.counters().rate_limited.values().sum::<u64>(), 0, "the pacing kept within Xero's limits");
}

static EVENTS: Mutex<Vec<Value>> = Mutex::new(Vec::new());

extern "C" fn on_progress(_user_data: *mut c_void, event_json: *const c_char) {
    let text = unsafe { CStr::from_ptr(event_json) }.to_str().unwrap();
    EVENTS.lock().unwrap().push(serde_json::from_str(text).unwrap());
}

#[test]
fn a_push_reports_progress_to_the_host() {
    let _alone = alone();
    let (sim, _) = simulator(SCALE, true);
    let name = "xero-e2e-progress";
    e2e::ready(name, &sim, json!({}));
    assert_eq!(unsafe { xero_set_progress_callback(Some(on_progress), std::ptr::null_mut()) }, 0);
    let contacts: Vec<Value> = (0..120)
        .map(|i| json!({"code": format!("P{i:04}"), "role": "debtor", "name": format!("Customer {i}")}))
        .collect();
    ok(op("push_contacts", json!({"connection": name, "contacts": contacts})));
    unsafe { xero_set_progress_callback(None, std::ptr::null_mut()) };
    let events = EVENTS.lock().unwrap();
    let ours: Vec<&Value> = events.iter().filter(|e| e["connection"] == name).collect();
    assert!(!ours.is_empty(), "progress was reported");
    assert!(ours.iter().all(|e| e["total"] == 120), "{ours:?}");
    assert_eq!(ours.last().unwrap()["done"], 120, "{ours:?}");
    let dones: Vec<u64> = ours.iter().map(|e| e["done"].as_u64().unwrap()).collect();
    assert!(dones.windows(2).all(|w| w[0] <= w[1]), "done never goes back: {dones:?}");
}
