//! The full realistic day (200 debtors, 50 creditors, 500 items, 2,000 sales invoices with 1–20 lines,
//! 300 bills, credit notes with allocations, payments) through the C ABI over HTTP against the simulator with
//! Xero's rate limits on (its clock ×60, so Xero's minute is one real second): everything lands, Xero holds it
//! to the cent with every line's quantity, price and tracking, and pushing the day again makes no call at all.

use crate::support::auth::ok;
use crate::support::e2e::{
    self, all_results, assert_day_in_xero, assert_documents_as_in_erp, push, reads, ready, simulator, steps, writes,
};
use serde_json::json;
use xero_link_fixtures::erp_day;

#[test]
fn the_full_day_lands_exactly_once_to_the_cent_and_a_second_push_writes_nothing() {
    let (sim, tenant) = simulator(60.0, true);
    let name = "xero-e2e-full-day";
    ready(name, &sim, json!({}));
    let day = erp_day::generate(2026, erp_day::Scale::FULL);
    assert_eq!(day.sales_invoices.len(), 2000);
    assert_eq!(day.bills.len(), 300);
    assert!(day.credit_notes.iter().all(|c| !c["allocations"].as_array().unwrap().is_empty()));

    for step in steps(&day) {
        let answer = ok(push(name, &step));
        let results = all_results(&answer);
        let created = results.iter().filter(|r| r["outcome"] == "created").count();
        assert_eq!(created, results.len(), "{}: every record is created: {answer}", step.what);
        assert_eq!(answer["results"].as_array().unwrap().len(), step.records.len(), "{}: one result each", step.what);
        // What the host is told about each document is what Xero holds.
        for r in answer["results"].as_array().unwrap() {
            let key = r["key"].as_str().unwrap();
            if let Some(want) = day.expected.get(key) {
                assert_eq!(e2e::dec(&r["totals"]["total"]), want.total, "{key}: reported total");
                assert_eq!(e2e::dec(&r["totals"]["total_tax"]), want.total_tax, "{key}: reported tax");
            }
        }
    }
    let snapshot = sim.snapshot(&tenant).expect("the organisation exists");
    assert_day_in_xero(&snapshot, &day, "full day");
    assert_documents_as_in_erp(&snapshot, &day, "full day");

    let (writes_before, reads_before) = (writes(&sim), reads(&sim));
    for step in steps(&day) {
        let answer = ok(push(name, &step));
        let results = all_results(&answer);
        assert!(
            results.iter().all(|r| r["outcome"] == "unchanged"),
            "{}: the second push finds everything unchanged: {answer}",
            step.what
        );
    }
    assert_eq!(writes(&sim), writes_before, "pushing the same day again makes no write call");
    assert_eq!(reads(&sim), reads_before, "and, with the ledger, no read either");
    assert_day_in_xero(&sim.snapshot(&tenant).unwrap(), &day, "full day, pushed twice");
}
