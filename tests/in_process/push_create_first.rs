//! Sales invoices are created without looking them up first: Xero refuses a second sales invoice with the same
//! number, and only what it refuses is looked up. A first push reads nothing; an invoice typed into Xero by hand
//! is still updated in place, never duplicated.

use crate::support::push::{SimApi, connection, request};
use serde_json::json;
use xero_link::push::{self, schema::*};
use xero_link_fixtures::erp_day::{self, Scale};

fn prepared(tag: &str) -> (xero_link::registry::Connection, std::sync::Arc<SimApi>, erp_day::ErpDay) {
    let day = erp_day::generate(5, Scale { sales_invoices: 60, bills: 0, ..Scale::SMALL });
    let conn = connection(tag, |_| {});
    let api = SimApi::new();
    push::contacts(&conn, request(json!({"connection": "xero-hugeerp", "contacts": day.contacts()})), &*api).unwrap();
    push::items(&conn, request(json!({"connection": "xero-hugeerp", "items": day.items})), &*api).unwrap();
    (conn, api, day)
}

#[test]
fn a_first_push_of_sales_invoices_only_writes() {
    let (conn, api, day) = prepared("create-first");
    let (reads, writes) = (api.reads(), api.writes());
    let r =
        push::invoices(&conn, request(json!({"connection": "xero-hugeerp", "invoices": day.sales_invoices})), &*api)
            .unwrap();
    assert_eq!(r.summary.created, day.sales_invoices.len(), "{:?}", r.summary);
    assert_eq!(api.reads() - reads, 0, "no lookups before creating");
    assert_eq!(api.writes() - writes, day.sales_invoices.len().div_ceil(50));
}

#[test]
fn a_sales_invoice_typed_in_xero_under_the_same_number_is_updated_not_duplicated() {
    let (conn, api, day) = prepared("create-first-by-hand");
    let mine = day.sales_invoices[0].clone();
    let number = mine["number"].as_str().unwrap().to_owned();
    let typed = json!({"Invoices": [{
        "Type": "ACCREC", "InvoiceNumber": number, "Status": "DRAFT",
        "Contact": {"ContactNumber": mine["debtor"]},
        "LineItems": [{"Description": "typed in Xero", "Quantity": 1, "UnitAmount": 5, "AccountCode": "200"}],
    }]});
    api.by_hand(http::Method::PUT, "/Invoices", typed);

    let r =
        push::invoices(&conn, request(json!({"connection": "xero-hugeerp", "invoices": day.sales_invoices})), &*api)
            .unwrap();
    assert_eq!(r.results[0].outcome, Outcome::Updated, "{:?}", r.results[0]);
    assert_eq!(r.summary.created, day.sales_invoices.len() - 1, "{:?}", r.summary);
    let invoices = api.snapshot()["Invoices"].as_array().unwrap().clone();
    let same: Vec<_> = invoices.iter().filter(|i| i["InvoiceNumber"] == number.as_str()).collect();
    assert_eq!(same.len(), 1, "one invoice with the number");
    assert_eq!(invoices.len(), day.sales_invoices.len());
    let expected = day.expected[&number].total;
    assert_eq!(r.results[0].totals.as_ref().unwrap().total, Some(expected));
}
