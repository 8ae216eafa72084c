//! Mixed batches: every valid record lands, every invalid one is reported precisely (document and field path),
//! before anything is sent where we can tell, from Xero's answer where only Xero can. Dry runs write nothing.
//! Xero's status rules are respected.

use crate::support::push::{SimApi, connection, request};
use serde_json::{Value, json};
use xero_link::error::ErrorCode;
use xero_link::push::{self, schema::*};

fn setup(tag: &str) -> (xero_link::registry::Connection, std::sync::Arc<SimApi>) {
    let conn = connection(tag, |_| {});
    let api = SimApi::new();
    let r = push::contacts(
        &conn,
        request(json!({"connection": "xero-hugeerp", "contacts": [
            {"code": "D1", "role": "debtor", "name": "Debtor One"},
            {"code": "S1", "role": "creditor", "name": "Supplier One"}
        ]})),
        &*api,
    )
    .unwrap();
    assert_eq!(r.summary.created, 2);
    (conn, api)
}

fn sale(number: &str, lines: Value) -> Value {
    json!({"number": number, "type": "sales", "debtor": "D1", "date": "2026-11-25", "lines": lines})
}

fn line() -> Value {
    json!({"description": "Consulting", "quantity": 2, "unit_price": "100.00"})
}

fn errors_of(r: &RecordResult) -> Vec<(String, Option<String>)> {
    r.errors.iter().map(|e| (e.code.to_string(), e.path.clone())).collect()
}

#[test]
fn a_mixed_batch_lands_every_valid_invoice_and_names_each_bad_field() {
    let (conn, api) = setup("mixed");
    let long = "X".repeat(256);
    let invoices = json!([
        sale("OK-1", json!([line()])),
        sale("BAD-TYPE", json!([line(), {"description": "x", "quantity": true, "unit_price": 1}])),
        sale("BAD-DP", json!([{"description": "x", "quantity": 1, "unit_price": "1.23456"}])),
        sale("BAD-ACCOUNT", json!([line(), {"description": "x", "quantity": 1, "unit_price": 1, "account": "999"}])),
        sale("BAD-OPTION", json!([{"description": "x", "quantity": 1, "unit_price": 1, "division": "Atlantis"}])),
        {"number": "BAD-DEBTOR", "type": "sales", "debtor": "D404", "date": "2026-11-25", "lines": [line()]},
        {"number": "BAD-DISCOUNT", "type": "purchase", "creditor": "S1", "date": "2026-11-25",
         "lines": [{"description": "x", "quantity": 1, "unit_price": 1, "discount": 10}]},
        sale(&long, json!([line()])),
        {"number": "BAD-CURRENCY", "type": "sales", "debtor": "D1", "date": "2026-11-25", "currency": "XYZ",
         "currency_rate": "1.5", "lines": [line()]},
        sale("OK-2", json!([line(), {"item": null, "description": "Travel", "quantity": "1.5", "unit_price": "12.3456"}])),
        {"number": "BAD-DATE", "type": "sales", "debtor": "D1", "date": "25/11/2026", "lines": [line()]},
        {"number": "BAD-FIELD", "type": "sales", "debtor": "D1", "date": "2026-11-25", "lines": [line()], "colour": "red"},
    ]);
    let r = push::invoices(&conn, request(json!({"connection": "xero-hugeerp", "invoices": invoices})), &*api).unwrap();
    let by_key = |k: &str| r.results.iter().find(|x| x.key == k).unwrap_or_else(|| panic!("no result for {k}"));
    assert_eq!(r.results.len(), 12, "one result per record, in input order");
    assert!(r.results.iter().enumerate().all(|(i, x)| x.index == i));
    assert_eq!(by_key("OK-1").outcome, Outcome::Created);
    assert_eq!(by_key("OK-2").outcome, Outcome::Created);
    assert_eq!(r.summary.created, 2);
    assert_eq!(r.summary.failed, 10);
    let expect = [
        (1, "validation", "invoices[1].lines[1].quantity"),
        (2, "validation", "invoices[2].lines[0].unit_price"),
        (3, "validation", "invoices[3].lines[1].account"),
        (4, "validation", "invoices[4].lines[0].division"),
        (5, "dependency", "invoices[5].debtor"),
        (6, "validation", "invoices[6].lines[0].discount"),
        (7, "validation", "invoices[7].number"),
        (10, "validation", "invoices[10].date"),
        (11, "validation", "invoices[11].colour"),
    ];
    for (i, code, path) in expect {
        let e = errors_of(&r.results[i]);
        assert!(e.contains(&(code.to_owned(), Some(path.to_owned()))), "invoices[{i}]: {:?}", r.results[i].errors);
    }
    // Only Xero knows the organisation's currencies: its message comes back on the record.
    let cur = &r.results[8];
    assert_eq!(cur.outcome, Outcome::Failed);
    assert_eq!(cur.errors[0].code, "xero");
    assert!(cur.errors[0].message.contains("XYZ"), "{:?}", cur.errors);
    // The messages say what is wrong.
    assert!(r.results[3].errors[0].message.contains("\"999\""));
    assert!(r.results[4].errors[0].message.contains("Atlantis") && r.results[4].errors[0].message.contains("North"));
    assert!(r.results[5].errors[0].message.contains("D404"));
    // Xero holds exactly the valid ones.
    let numbers: Vec<String> = api.snapshot()["Invoices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["InvoiceNumber"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(numbers, vec!["OK-1", "OK-2"]);
    // "XYZ" is not one of the spec's currency codes: the simulator recorded the request that carried it.
    let broke = api.org.lock().take_spec_violations();
    assert!(!broke.is_empty() && broke.iter().all(|v| v.contains("CurrencyCode")), "{broke:?}");
}

#[test]
fn a_missing_debtor_carried_in_the_request_is_pushed_first() {
    let (conn, api) = setup("deps");
    let r = push::invoices(
        &conn,
        request(json!({
            "connection": "xero-hugeerp",
            "contacts": [{"code": "D2", "role": "debtor", "name": "Debtor Two"}],
            "items": [{"code": "W1", "description": "Widget", "sales_price": "9.9900"}],
            "invoices": [{"number": "INV-D2", "type": "sales", "debtor": "D2", "date": "2026-11-25",
                          "lines": [{"item": "W1", "quantity": 3, "unit_price": "9.99"}]}]
        })),
        &*api,
    )
    .unwrap();
    assert_eq!(r.results[0].outcome, Outcome::Created, "{:?}", r.results[0].errors);
    assert_eq!(r.contacts.as_ref().unwrap()[0].outcome, Outcome::Created);
    assert_eq!(r.items.as_ref().unwrap()[0].outcome, Outcome::Created);
    let inv = &api.snapshot()["Invoices"][0];
    assert_eq!(inv["Contact"]["ContactNumber"], "D2");
    assert_eq!(inv["LineItems"][0]["ItemCode"], "W1");
    assert_eq!(inv["LineItems"][0]["AccountCode"], "200", "the item's sales account (the default)");
}

#[test]
fn a_dry_run_reports_what_would_happen_and_writes_nothing() {
    let (conn, api) = setup("dry");
    let first = json!([sale("DRY-1", json!([line()])), sale("DRY-2", json!([line()]))]);
    push::invoices(&conn, request(json!({"connection": "xero-hugeerp", "invoices": first})), &*api).unwrap();
    let writes = api.writes();
    let mut changed = sale("DRY-1", json!([line(), line()]));
    changed["status"] = json!("draft");
    let changed_ok = sale("DRY-2", json!([line(), line()]));
    let invoices = json!([
        sale("DRY-NEW", json!([line()])),
        changed,
        changed_ok,
        sale("DRY-BAD", json!([{"description": "x", "quantity": 1, "unit_price": 1, "tax_code": "NOPE"}])),
    ]);
    let r = push::invoices(
        &conn,
        request(json!({"connection": "xero-hugeerp", "dry_run": true, "invoices": invoices.clone(),
                       "contacts": [{"code": "D9", "role": "debtor", "name": "Debtor Nine"}]})),
        &*api,
    )
    .unwrap();
    assert!(r.dry_run);
    let o: Vec<Outcome> = r.results.iter().map(|x| x.outcome).collect();
    assert_eq!(o, vec![Outcome::Created, Outcome::Failed, Outcome::Updated, Outcome::Failed]);
    // An authorised invoice cannot go back to draft: said before anything is sent.
    assert_eq!(r.results[1].errors[0].code, "conflict");
    assert!(r.results[1].errors[0].message.contains("cannot go back to DRAFT"), "{:?}", r.results[1].errors);
    assert_eq!(r.results[3].errors[0].path.as_deref(), Some("invoices[3].lines[0].tax_code"));
    assert_eq!(r.contacts.as_ref().unwrap()[0].outcome, Outcome::Created);
    assert_eq!(api.writes(), writes, "a dry run writes nothing");
    // The same records pushed for real do what the dry run said.
    let real =
        push::invoices(&conn, request(json!({"connection": "xero-hugeerp", "invoices": invoices})), &*api).unwrap();
    let o2: Vec<Outcome> = real.results.iter().map(|x| x.outcome).collect();
    assert_eq!(o, o2);
}

#[test]
fn a_changed_draft_is_updated_in_place_with_its_lines_sent_whole() {
    let (conn, api) = setup("draft");
    let mut inv = sale("DR-1", json!([line(), line(), line()]));
    inv["status"] = json!("draft");
    push::invoices(&conn, request(json!({"connection": "xero-hugeerp", "invoices": [inv.clone()]})), &*api).unwrap();
    inv["lines"] = json!([{"description": "Only line", "quantity": 1, "unit_price": "5.00"}]);
    let r = push::invoices(&conn, request(json!({"connection": "xero-hugeerp", "invoices": [inv]})), &*api).unwrap();
    assert_eq!(r.results[0].outcome, Outcome::Updated);
    assert_eq!(r.results[0].totals.as_ref().unwrap().total.unwrap().to_string(), "5.50");
    let snap = api.snapshot();
    assert_eq!(snap["Invoices"].as_array().unwrap().len(), 1, "the same Xero invoice");
    assert_eq!(snap["Invoices"][0]["LineItems"].as_array().unwrap().len(), 1);
}

#[test]
fn a_paid_invoice_is_not_rewritten_and_the_result_says_what_to_do() {
    let (conn, api) = setup("paid");
    let inv = sale("PAID-1", json!([line()]));
    push::invoices(&conn, request(json!({"connection": "xero-hugeerp", "invoices": [inv.clone()]})), &*api).unwrap();
    let pay = push::payments(
        &conn,
        request(json!({"connection": "xero-hugeerp", "payments": [
            {"id": "R1", "type": "sales", "invoice": "PAID-1", "amount": "220.00", "date": "2026-11-25", "bank_account": "090"}
        ]})),
        &*api,
    )
    .unwrap();
    assert_eq!(pay.results[0].outcome, Outcome::Created, "{:?}", pay.results[0].errors);
    let mut changed = inv;
    changed["lines"][0]["unit_price"] = json!("120.00");
    let r =
        push::invoices(&conn, request(json!({"connection": "xero-hugeerp", "invoices": [changed]})), &*api).unwrap();
    let x = &r.results[0];
    assert_eq!(x.outcome, Outcome::Failed);
    assert_eq!(x.errors[0].code, "conflict");
    assert!(
        x.errors[0].message.contains("PAID") && x.errors[0].message.contains("credit note"),
        "{}",
        x.errors[0].message
    );
    assert_eq!(x.xero_status.as_deref(), Some("PAID"));
    assert_eq!(api.snapshot()["Invoices"][0]["Total"].to_string(), "220.00");
    // A payment changed after it was made is refused too: Xero never edits payments.
    let pay2 = push::payments(
        &conn,
        request(json!({"connection": "xero-hugeerp", "payments": [
            {"id": "R1", "type": "sales", "invoice": "PAID-1", "amount": "200.00", "date": "2026-11-25", "bank_account": "090"}
        ]})),
        &*api,
    )
    .unwrap();
    assert_eq!(pay2.results[0].errors[0].code, "conflict");
}

#[test]
fn functions_not_ticked_are_refused_per_operation_and_per_record() {
    let conn = connection("functions", |v| v["functions"] = json!(["debtors", "sales_invoices"]));
    let api = SimApi::new();
    // Each operation declares the functions it needs; the operation checks them before signing in.
    let err = push::payments::NEEDS.check(&conn.config).unwrap_err();
    assert_eq!(err.code, ErrorCode::FunctionDisabled);
    let err = push::items::NEEDS.check(&conn.config).unwrap_err();
    assert_eq!(err.code, ErrorCode::FunctionDisabled);
    assert!(push::contacts::NEEDS.check(&conn.config).is_ok());
    let r = push::contacts(
        &conn,
        request(json!({"connection": "xero-hugeerp", "contacts": [
            {"code": "D1", "role": "debtor", "name": "D"}, {"code": "S1", "role": "creditor", "name": "S"}]})),
        &*api,
    )
    .unwrap();
    assert_eq!(r.results[0].outcome, Outcome::Created);
    assert_eq!(r.results[1].errors[0].code, "function_disabled");
    assert_eq!(r.results[1].errors[0].path.as_deref(), Some("contacts[1].role"));
    let r = push::invoices(
        &conn,
        request(json!({"connection": "xero-hugeerp", "invoices": [
            {"number": "B1", "type": "purchase", "creditor": "S1", "date": "2026-11-25", "lines": [line()]}]})),
        &*api,
    )
    .unwrap();
    assert_eq!(r.results[0].errors[0].code, "function_disabled");
    assert_eq!(api.writes(), 1, "only the debtor was written");
}

#[test]
fn duplicate_records_in_one_request_are_refused_after_the_first() {
    let (conn, api) = setup("dup");
    let r = push::invoices(
        &conn,
        request(json!({"connection": "xero-hugeerp", "invoices": [sale("DUP", json!([line()])), sale("DUP", json!([line()]))]})),
        &*api,
    )
    .unwrap();
    assert_eq!(r.results[0].outcome, Outcome::Created);
    assert_eq!(r.results[1].outcome, Outcome::Failed);
    assert_eq!(r.results[1].errors[0].path.as_deref(), Some("invoices[1]"));
}

#[test]
fn bills_with_the_same_number_from_different_suppliers_are_different_bills() {
    let (conn, api) = setup("bills");
    push::contacts(
        &conn,
        request(json!({"connection": "xero-hugeerp", "contacts": [{"code": "S2", "role": "creditor", "name": "Supplier Two"}]})),
        &*api,
    )
    .unwrap();
    let bill = |n: &str, s: &str| {
        json!({"number": n, "type": "purchase", "creditor": s, "date": "2026-11-25",
                                         "lines": [{"description": "Parts", "quantity": 1, "unit_price": "10.00", "account": "310"}]})
    };
    push::invoices(&conn, request(json!({"connection": "xero-hugeerp", "invoices": [bill("777", "S1")]})), &*api)
        .unwrap();
    // With a fresh ledger, bill 777 of another supplier is not matched to S1's bill 777: it is created.
    let fresh = connection("bills-fresh", |_| {});
    let r =
        push::invoices(&fresh, request(json!({"connection": "xero-hugeerp", "invoices": [bill("777", "S2")]})), &*api)
            .unwrap();
    assert_eq!(r.results[0].outcome, Outcome::Created, "{:?}", r.results[0].errors);
    let r =
        push::invoices(&fresh, request(json!({"connection": "xero-hugeerp", "invoices": [bill("777", "S2")]})), &*api)
            .unwrap();
    assert_eq!(r.results[0].outcome, Outcome::Unchanged);
    assert_eq!(api.snapshot()["Invoices"].as_array().unwrap().len(), 2);
}
