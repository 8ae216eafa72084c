//! The lookups the ERP's setup screens and reconciliation use: accounts, tax rates, tracking categories with
//! their options, and the Xero state of pushed documents.

use crate::support::push::{SimApi, connection, request};
use serde_json::json;
use xero_link::push;
use xero_link::read as reference;

#[test]
fn reference_data_lists_active_entries_and_marks_the_mapped_categories() {
    let conn = connection("lookups", |_| {});
    let api = SimApi::new();
    let req = || request(json!({"connection": "xero-hugeerp"}));
    let accounts = reference::accounts(&conn, req(), &*api).unwrap().accounts;
    let sales = accounts.iter().find(|a| a.code == "200").unwrap();
    assert_eq!(sales.kind.as_deref(), Some("REVENUE"));
    assert_eq!(sales.tax_type.as_deref(), Some("OUTPUT"));
    assert!(accounts.iter().find(|a| a.code == "090").unwrap().takes_payments);
    assert!(accounts.iter().all(|a| a.code != "499"), "archived accounts only on request");
    let all =
        reference::accounts(&conn, request(json!({"connection": "xero-hugeerp", "include_archived": true})), &*api)
            .unwrap()
            .accounts;
    assert!(all.iter().any(|a| a.code == "499"));

    let rates = reference::tax_rates(&conn, req(), &*api).unwrap().tax_rates;
    let output = rates.iter().find(|t| t.tax_type == "OUTPUT").unwrap();
    assert_eq!(output.rate.unwrap(), rust_decimal::Decimal::TEN);
    assert!(rates.iter().all(|t| t.tax_type != "TAX001"), "deleted rates left out");

    let cats = reference::tracking_categories(&conn, req(), &*api).unwrap().tracking_categories;
    let division = cats.iter().find(|c| c.name == "Division").unwrap();
    assert_eq!(division.maps.as_deref(), Some("division"));
    let options: Vec<&str> = division.options.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(options, vec!["North", "South", "Head Office"]);
    assert_eq!(cats.iter().find(|c| c.name == "Sales Rep").unwrap().maps.as_deref(), Some("sales_rep"));
    assert!(cats.iter().all(|c| c.name != "Region (old)"));
}

#[test]
fn documents_report_their_xero_state() {
    let conn = connection("documents", |_| {});
    let api = SimApi::new();
    push::invoices(
        &conn,
        request(json!({"connection": "xero-hugeerp",
            "contacts": [{"code": "D1", "role": "debtor", "name": "Debtor One"}],
            "invoices": [{"number": "GD-1", "type": "sales", "debtor": "D1", "date": "2026-11-25",
                          "lines": [{"description": "x", "quantity": 1, "unit_price": "100.00"}]}]})),
        &*api,
    )
    .unwrap();
    push::payments(
        &conn,
        request(json!({"connection": "xero-hugeerp", "payments": [
            {"id": "P1", "type": "sales", "invoice": "GD-1", "amount": "40.00", "date": "2026-11-26", "bank_account": "090"}]})),
        &*api,
    )
    .unwrap();
    let r = reference::documents(
        &conn,
        request(json!({"connection": "xero-hugeerp", "documents": [
            {"type": "sales", "number": "GD-1"}, {"type": "sales", "number": "NOPE"}]})),
        &*api,
    )
    .unwrap();
    let d = &r.documents[0];
    assert!(d.found);
    assert_eq!(d.xero_status.as_deref(), Some("AUTHORISED"));
    let t = d.totals.as_ref().unwrap();
    assert_eq!(t.total.unwrap().to_string(), "110.00");
    assert_eq!(t.amount_due.unwrap().to_string(), "70.00");
    assert_eq!(d.amount_paid.unwrap().to_string(), "40.00");
    assert!(!r.documents[1].found);
}
