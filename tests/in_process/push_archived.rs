//! A debtor the ledger does not know, archived in Xero by hand: the push finds it by its code, restores it, and
//! the ERP's invoice for it lands (Xero refuses documents for archived contacts).

use crate::support::push::{SimApi, as_json, connection, request};
use serde_json::json;
use xero_link::push;

#[test]
fn an_archived_contact_found_in_xero_is_restored_and_takes_the_invoice() {
    let conn = connection("archived-contact", |_| {});
    let api = SimApi::new();
    let typed = json!({"Contacts": [{"ContactNumber": "AR1", "Name": "Archived Debtor", "ContactStatus": "ARCHIVED"}]});
    api.by_hand(http::Method::PUT, "/Contacts", typed);

    let req = json!({"connection": "xero-hugeerp",
        "contacts": [{"code": "AR1", "role": "debtor", "name": "Archived Debtor"}],
        "invoices": [{"number": "AR-INV-1", "type": "sales", "debtor": "AR1", "date": "2026-11-25",
                      "lines": [{"description": "x", "quantity": 1, "unit_price": "10.00"}]}]});
    let first = as_json(&push::invoices(&conn, request(req.clone()), &*api).unwrap());
    let contact = &first["contacts"][0];
    assert_eq!(contact["outcome"], "updated", "{first}");
    assert!(contact["warnings"][0].as_str().unwrap().contains("ARCHIVED"), "{first}");
    assert_eq!(first["results"][0]["outcome"], "created", "{first}");

    let contacts = api.snapshot()["Contacts"].as_array().unwrap().clone();
    let ar1: Vec<_> = contacts.iter().filter(|c| c["ContactNumber"] == "AR1").collect();
    assert_eq!(ar1.len(), 1, "restored, not duplicated");
    assert_eq!(ar1[0]["ContactStatus"], "ACTIVE");

    let again = as_json(&push::invoices(&conn, request(req), &*api).unwrap());
    assert_eq!(again["contacts"][0]["outcome"], "unchanged", "{again}");
    assert_eq!(again["results"][0]["outcome"], "unchanged", "{again}");
}
