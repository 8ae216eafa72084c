//! Refunds: a payment against a credit note (money paid back to a customer, or received back from a supplier)
//! lands once, uses up the credit, and is never sent twice.

use crate::support::push::{SimApi, as_json, connection, request};
use serde_json::json;
use xero_link::push;
use xero_link::read as reference;

fn credit_state(conn: &xero_link::registry::Connection, api: &SimApi, t: &str, number: &str) -> (String, String) {
    let r = reference::documents(
        conn,
        request(json!({"connection": "xero-hugeerp",
            "documents": [{"type": t, "kind": "credit_note", "number": number}]})),
        api,
    )
    .unwrap();
    let d = &r.documents[0];
    assert!(d.found, "{number} is in Xero");
    (d.xero_status.clone().unwrap(), d.totals.as_ref().unwrap().amount_due.unwrap().to_string())
}

#[test]
fn refunds_use_up_a_credit_note_once_for_customers_and_suppliers() {
    let conn = connection("refunds", |_| {});
    let api = SimApi::new();
    let contacts = json!([
        {"code": "RD1", "role": "debtor", "name": "Refund Debtor"},
        {"code": "RC1", "role": "creditor", "name": "Refund Creditor"}]);
    let notes = push::credit_notes(
        &conn,
        request(json!({"connection": "xero-hugeerp", "contacts": contacts, "credit_notes": [
            {"number": "RCN-1", "type": "sales", "debtor": "RD1", "date": "2026-11-20", "status": "authorised",
             "lines": [{"description": "returned goods", "quantity": 1, "unit_price": "50.00"}]},
            {"number": "RCN-2", "type": "purchase", "creditor": "RC1", "date": "2026-11-20", "status": "authorised",
             "lines": [{"description": "supplier rebate", "quantity": 2, "unit_price": "10.00", "account": "400"}]}]})),
        &*api,
    )
    .unwrap();
    assert!(
        as_json(&notes)["results"].as_array().unwrap().iter().all(|r| r["outcome"] == "created"),
        "{}",
        as_json(&notes)
    );
    assert_eq!(credit_state(&conn, &api, "sales", "RCN-1"), ("AUTHORISED".into(), "55.00".into()));

    let refunds = json!({"connection": "xero-hugeerp", "payments": [
        {"id": "RF-1", "type": "sales", "credit_note": "RCN-1", "amount": "55.00", "date": "2026-11-25",
         "bank_account": "090", "reference": "refund to customer"},
        {"id": "RF-2", "type": "purchase", "credit_note": "RCN-2", "amount": "5.00", "date": "2026-11-25",
         "bank_account": "090"}]});
    let first = as_json(&push::payments(&conn, request(refunds.clone()), &*api).unwrap());
    let results = first["results"].as_array().unwrap();
    assert_eq!(
        results.iter().map(|r| r["outcome"].as_str().unwrap()).collect::<Vec<_>>(),
        ["created", "created"],
        "{first}"
    );
    assert!(results.iter().all(|r| r["xero_id"].is_string()));
    assert_eq!(credit_state(&conn, &api, "sales", "RCN-1"), ("PAID".into(), "0.00".into()));
    // Part of the supplier's credit: 22.00 less 5.00 received back.
    assert_eq!(credit_state(&conn, &api, "purchase", "RCN-2"), ("AUTHORISED".into(), "17.00".into()));

    let writes = api.writes();
    let again = as_json(&push::payments(&conn, request(refunds), &*api).unwrap());
    assert!(again["results"].as_array().unwrap().iter().all(|r| r["outcome"] == "unchanged"), "{again}");
    assert_eq!(api.writes(), writes, "a refund pushed again is not sent again");

    // More than the credit left is Xero's refusal, reported on the record.
    let over = as_json(
        &push::payments(
            &conn,
            request(json!({"connection": "xero-hugeerp", "payments": [
                {"id": "RF-3", "type": "purchase", "credit_note": "RCN-2", "amount": "17.01", "date": "2026-11-26",
                 "bank_account": "090"}]})),
            &*api,
        )
        .unwrap(),
    );
    let r = &over["results"][0];
    assert_eq!(r["outcome"], "failed", "{over}");
    assert!(r["errors"][0]["message"].as_str().unwrap().contains("exceeds the amount outstanding"), "{over}");
}
