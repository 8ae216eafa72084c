//! Exactly once under faults: error answers, lost answers before and after Xero commits, a crash mid-push
//! and a restart, a lost ledger, records entered in Xero by hand. No duplicate, no lost record.

use crate::support::push::{Fault, SimApi, connection, request};
use serde_json::{Value, json};
use std::collections::HashSet;
use xero_link::push::{self, schema::*};
use xero_link::registry::Connection;
use xero_link_fixtures::erp_day::{self, ErpDay, Scale};

fn push_invoices(conn: &Connection, api: &SimApi, invoices: Vec<Value>) -> PushResponse {
    push::invoices(conn, request(json!({"connection": "xero-hugeerp", "invoices": invoices})), api).unwrap()
}

/// Contacts and items in place, so the invoice tests exercise the invoice writes only.
fn prepared(tag: &str) -> (Connection, std::sync::Arc<SimApi>, ErpDay) {
    let day = erp_day::generate(11, Scale { sales_invoices: 120, ..Scale::SMALL });
    let conn = connection(tag, |_| {});
    let api = SimApi::new();
    let r = push::contacts(&conn, request(json!({"connection": "xero-hugeerp", "contacts": day.contacts()})), &*api)
        .unwrap();
    assert_eq!(r.summary.created, day.debtors.len() + day.creditors.len());
    let r = push::items(&conn, request(json!({"connection": "xero-hugeerp", "items": day.items})), &*api).unwrap();
    assert_eq!(r.summary.created, day.items.len());
    (conn, api, day)
}

/// Every ERP invoice is in Xero exactly once.
fn assert_exactly_once(api: &SimApi, day: &ErpDay) {
    let snap = api.snapshot();
    let numbers: Vec<&str> =
        snap["Invoices"].as_array().unwrap().iter().map(|d| d["InvoiceNumber"].as_str().unwrap()).collect();
    let unique: HashSet<&str> = numbers.iter().copied().collect();
    assert_eq!(unique.len(), numbers.len(), "no invoice twice in Xero");
    let want: HashSet<String> = day.invoices().iter().map(|d| d["number"].as_str().unwrap().to_owned()).collect();
    let have: HashSet<String> = unique.into_iter().map(str::to_owned).collect();
    assert_eq!(have, want, "every invoice in Xero");
}

fn outcomes(r: &PushResponse) -> Vec<Outcome> {
    r.results.iter().map(|x| x.outcome).collect()
}

#[test]
fn an_error_answer_fails_its_batch_only_and_a_second_push_completes_it() {
    let (conn, api, day) = prepared("err");
    api.fault_on_write(2, Fault::Status(500));
    let r = push_invoices(&conn, &api, day.invoices());
    let failed: Vec<&RecordResult> = r.results.iter().filter(|x| x.outcome == Outcome::Failed).collect();
    assert_eq!(failed.len(), 50, "the second batch of 50 failed, nothing else");
    assert!(failed.iter().all(|x| x.errors[0].message.contains("HTTP 500")), "{:?}", failed[0].errors);
    assert_eq!(r.summary.created, day.invoices().len() - 50);
    let again = push_invoices(&conn, &api, day.invoices());
    assert_eq!(again.summary.created, 50);
    assert_eq!(again.summary.unchanged, day.invoices().len() - 50);
    assert_exactly_once(&api, &day);
}

#[test]
fn a_refused_connection_fails_its_batch_as_retryable() {
    let (conn, api, day) = prepared("net");
    api.fault_on_write(1, Fault::NetworkBeforeSend);
    let r = push_invoices(&conn, &api, day.invoices());
    assert_eq!(r.summary.failed, 50);
    let e = &r.results[0].errors[0];
    assert_eq!(e.code, "network");
    assert!(e.message.contains("retryable"), "{}", e.message);
    push_invoices(&conn, &api, day.invoices());
    assert_exactly_once(&api, &day);
}

#[test]
fn a_lost_answer_after_commit_is_settled_by_a_lookup_not_a_second_create() {
    let (conn, api, day) = prepared("lost-after");
    api.fault_on_write(1, Fault::LostAfterCommit);
    let writes = api.writes();
    let r = push_invoices(&conn, &api, day.invoices());
    assert!(outcomes(&r).iter().all(|o| *o == Outcome::Created), "{:?}", r.summary);
    // Sales invoices and bills go in batches of their own.
    let batches = day.sales_invoices.len().div_ceil(50) + day.bills.len().div_ceil(50);
    assert_eq!(api.writes() - writes, batches, "the lost batch was not sent again");
    assert!(r.results.iter().all(|x| x.xero_id.is_some() && x.totals.is_some()));
    assert_exactly_once(&api, &day);
}

#[test]
fn a_lost_request_is_sent_again_once_it_is_known_not_to_have_landed() {
    let (conn, api, day) = prepared("lost-before");
    api.fault_on_write(1, Fault::LostBeforeCommit);
    let r = push_invoices(&conn, &api, day.invoices());
    assert!(outcomes(&r).iter().all(|o| *o == Outcome::Created), "{:?}", r.summary);
    assert_exactly_once(&api, &day);
}

#[test]
fn twice_lost_answers_end_uncertain_and_the_next_push_settles_them_without_duplicates() {
    let (conn, api, day) = prepared("uncertain");
    let invoices = day.invoices();
    let r = push_invoices(&conn, &api, invoices[..50].to_vec());
    assert_eq!(r.summary.created, 50);
    // A batch that never lands, and whose answer is lost twice: nobody can know, so it is reported uncertain.
    api.fault_on_write(1, Fault::LostBeforeCommit);
    api.fault_on_write(2, Fault::LostBeforeCommit);
    let r = push_invoices(&conn, &api, invoices[50..100].to_vec());
    assert_eq!(r.summary.uncertain, 50, "{:?}", r.summary);
    assert!(r.results[0].errors[0].message.contains("push it again"));
    let r = push_invoices(&conn, &api, invoices.clone());
    assert_eq!(r.summary.unchanged, 50);
    assert_eq!(r.summary.created, invoices.len() - 50);
    assert_exactly_once(&api, &day);
}

#[test]
fn a_crash_after_xero_committed_then_a_restart_creates_nothing_twice() {
    let (conn, api, day) = prepared("crash");
    api.fault_on_write(2, Fault::CrashAfterCommit);
    let invoices = day.invoices();
    let crashed =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| push_invoices(&conn, &api, invoices.clone())));
    assert!(crashed.is_err(), "the push died mid-way");
    let in_xero = api.snapshot()["Invoices"].as_array().unwrap().len();
    assert_eq!(in_xero, 100, "two batches reached Xero before the crash");
    // Restart: the same state directory, the same records.
    let writes = api.writes();
    let r = push_invoices(&conn, &api, invoices.clone());
    assert_eq!(r.summary.failed + r.summary.uncertain, 0, "{:?}", r.summary);
    assert_eq!(r.summary.unchanged, 50, "the batch settled before the crash");
    assert_eq!(r.summary.created, invoices.len() - 50, "the crashed batch is found in Xero, the rest created");
    let remaining_batches = (day.sales_invoices.len() - 100).div_ceil(50) + day.bills.len().div_ceil(50);
    assert_eq!(api.writes() - writes, remaining_batches, "the crashed batch is not written again");
    assert_exactly_once(&api, &day);
}

#[test]
fn a_lost_ledger_finds_everything_in_xero_and_writes_nothing() {
    let (conn, api, day) = prepared("ledger-lost");
    push_invoices(&conn, &api, day.invoices());
    // A new state directory: the ledger is gone, Xero still has everything.
    let fresh = connection("ledger-lost-fresh", |_| {});
    let before = api.snapshot();
    let contacts =
        push::contacts(&fresh, request(json!({"connection": "xero-hugeerp", "contacts": day.contacts()})), &*api)
            .unwrap();
    let items = push::items(&fresh, request(json!({"connection": "xero-hugeerp", "items": day.items})), &*api).unwrap();
    let invoices = push_invoices(&fresh, &api, day.invoices());
    for r in [&contacts, &items, &invoices] {
        assert_eq!(r.summary.unchanged, r.results.len(), "{:?}", r.summary);
    }
    // Creates Xero refuses (a sales invoice number or item code it holds) may be tried; nothing may change.
    assert_eq!(api.snapshot(), before, "nothing written: every record was found as pushed");
    assert_exactly_once(&api, &day);
}

#[test]
fn a_contact_entered_by_hand_in_xero_is_updated_not_duplicated() {
    let conn = connection("by-hand", |_| {});
    let api = SimApi::new();
    {
        use xero_link::deadline::Deadline;
        use xero_link::push::XeroApi;
        let call = xero_link::transport::ApiCall {
            method: http::Method::PUT,
            path: "/Contacts".into(),
            query: vec![],
            body: Some(br#"{"Contacts":[{"Name":"Acme (typed in Xero)","ContactNumber":"D0001"}]}"#.to_vec()),
            idempotency_key: None,
        };
        let r = api.send(&call, Deadline::after_ms(1000)).unwrap();
        assert_eq!(r.status, 200);
    }
    let r = push::contacts(
        &conn,
        request(json!({"connection": "xero-hugeerp", "contacts": [{"code": "D0001", "role": "debtor", "name": "Acme Pty Ltd"}]})),
        &*api,
    )
    .unwrap();
    assert_eq!(r.results[0].outcome, Outcome::Updated);
    let contacts = api.snapshot()["Contacts"].as_array().unwrap().clone();
    assert_eq!(contacts.len(), 1);
    assert_eq!(contacts[0]["Name"], "Acme Pty Ltd");
}
