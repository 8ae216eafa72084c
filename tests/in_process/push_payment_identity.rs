//! Which payment or allocation in Xero is which ERP one. Xero keeps no key of ours on either and never changes one
//! (developer.xero.com/documentation/api/accounting/payments, .../creditnotes), so one the ledger does not know is
//! matched by what it holds: none may be made twice, and none may be taken for another. And what the documents they
//! need are in Xero, when the ledger no longer knows them.

use crate::support::push::{SimApi, connection, request};
use serde_json::{Value, json};
use xero_link::push::{self, schema::*};
use xero_link::registry::Connection;

/// A debtor and a 110.00 sales invoice `INV-1`, pushed.
fn invoiced(tag: &str) -> (Connection, std::sync::Arc<SimApi>) {
    let conn = connection(tag, |_| {});
    let api = SimApi::new();
    let r = push::invoices(
        &conn,
        request(json!({"connection": "xero-hugeerp",
            "contacts": [{"code": "D1", "role": "debtor", "name": "Debtor One"}],
            "invoices": [{"number": "INV-1", "type": "sales", "debtor": "D1", "date": "2026-11-25",
                          "lines": [{"description": "x", "quantity": 1, "unit_price": "100.00"}]}]})),
        &*api,
    )
    .unwrap();
    assert_eq!(r.summary.failed, 0, "{:?}", r.results);
    (conn, api)
}

fn payment(id: &str, amount: &str, date: &str, reference: Option<&str>) -> Value {
    let mut p = json!({"id": id, "type": "sales", "invoice": "INV-1", "amount": amount, "date": date,
                       "bank_account": "090"});
    if let Some(r) = reference {
        p["reference"] = json!(r);
    }
    p
}

fn pay(conn: &Connection, api: &SimApi, payments: &[Value]) -> PushResponse {
    push::payments(conn, request(json!({"connection": "xero-hugeerp", "payments": payments})), api).unwrap()
}

/// The live payments on INV-1, as amounts in order.
fn amounts_in_xero(api: &SimApi) -> Vec<String> {
    let mut out: Vec<String> = api.snapshot()["Payments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["Status"] != "DELETED")
        .map(|p| p["Amount"].to_string().trim_matches('"').to_owned())
        .collect();
    out.sort();
    out
}

/// The state directory lost: the same sign-in (this suite's API stand-in needs none), an empty ledger.
fn ledger_lost(tag: &str) -> Connection {
    connection(&format!("{tag}-moved"), |_| {})
}

#[test]
fn a_payment_changed_in_the_erp_after_the_ledger_was_lost_is_refused_not_paid_twice() {
    let (conn, api) = invoiced("pay-changed-lost");
    assert_eq!(pay(&conn, &api, &[payment("P1", "50.00", "2026-11-26", None)]).summary.created, 1);
    let moved = ledger_lost("pay-changed-lost");
    // The ERP corrects the amount; Xero still holds the payment as first pushed.
    let r = pay(&moved, &api, &[payment("P1", "40.00", "2026-11-26", None)]);
    assert_eq!(r.results[0].outcome, Outcome::Failed, "{:?}", r.results);
    let error = &r.results[0].errors[0];
    assert_eq!(error.code, xero_link::error::ErrorCode::Conflict);
    assert!(error.message.contains("50.00") && error.message.contains("delete it in Xero"), "{}", error.message);
    assert_eq!(amounts_in_xero(&api), ["50.00"], "nothing paid twice");
}

#[test]
fn a_second_payment_after_the_ledger_was_lost_is_made_when_it_differs_in_date_or_reference() {
    let (conn, api) = invoiced("pay-second-lost");
    pay(&conn, &api, &[payment("P1", "50.00", "2026-11-26", Some("R1"))]);
    let moved = ledger_lost("pay-second-lost");
    let r = pay(&moved, &api, &[payment("P2", "20.00", "2026-11-27", None)]);
    assert_eq!(r.results[0].outcome, Outcome::Created, "{:?}", r.results);
    let r = pay(&moved, &api, &[payment("P3", "10.00", "2026-11-26", Some("R3"))]);
    assert_eq!(r.results[0].outcome, Outcome::Created, "{:?}", r.results);
    assert_eq!(amounts_in_xero(&api), ["10.00", "20.00", "50.00"]);
    // The first one, pushed again as it was, is found, not made again.
    let r = pay(&moved, &api, &[payment("P1", "50.00", "2026-11-26", Some("R1"))]);
    assert_eq!(r.results[0].outcome, Outcome::Unchanged, "{:?}", r.results);
    assert_eq!(amounts_in_xero(&api).len(), 3);
}

#[test]
fn two_equal_payments_are_two_payments() {
    let (conn, api) = invoiced("pay-equal");
    // A customer pays in two equal instalments on one day: the second is not the first found again.
    assert_eq!(pay(&conn, &api, &[payment("P1", "30.00", "2026-11-26", None)]).summary.created, 1);
    let r = pay(&conn, &api, &[payment("P2", "30.00", "2026-11-26", None)]);
    assert_eq!(r.results[0].outcome, Outcome::Created, "{:?}", r.results);
    assert_eq!(amounts_in_xero(&api), ["30.00", "30.00"]);
    // With the ledger lost, both pushed again are both found, one each.
    let moved = ledger_lost("pay-equal");
    let both = [payment("P1", "30.00", "2026-11-26", None), payment("P2", "30.00", "2026-11-26", None)];
    let r = pay(&moved, &api, &both);
    assert_eq!(r.summary.unchanged, 2, "{:?}", r.results);
    assert_ne!(r.results[0].xero_id, r.results[1].xero_id);
    assert_eq!(amounts_in_xero(&api).len(), 2);
}

#[test]
fn a_payment_typed_in_xero_on_the_same_day_is_not_paid_again_with_another_amount() {
    let (conn, api) = invoiced("pay-by-hand");
    api.by_hand(
        http::Method::PUT,
        "/Payments",
        json!({"Payments": [{"Invoice": {"InvoiceID": invoice_id(&api)}, "Account": {"Code": "090"},
                             "Date": "2026-11-26", "Amount": 45}]}),
    );
    let r = pay(&conn, &api, &[payment("P1", "50.00", "2026-11-26", None)]);
    assert_eq!(r.results[0].outcome, Outcome::Failed, "{:?}", r.results);
    assert_eq!(r.results[0].errors[0].code, xero_link::error::ErrorCode::Conflict);
    // Told apart by its reference, it is another payment.
    let r = pay(&conn, &api, &[payment("P1", "50.00", "2026-11-26", Some("Cheque 1002"))]);
    assert_eq!(r.results[0].outcome, Outcome::Created, "{:?}", r.results);
    assert_eq!(amounts_in_xero(&api), ["45.00", "50.00"]);
}

fn invoice_id(api: &SimApi) -> String {
    api.snapshot()["Invoices"][0]["InvoiceID"].as_str().unwrap().to_owned()
}

/// Xero deletes a payment with `POST /Payments/{PaymentID}` and `"Status": "DELETED"`
/// (developer.xero.com/documentation/api/accounting/payments#deleting-payments).
#[test]
fn a_payment_deleted_by_hand_stays_deleted_while_the_ledger_knows_it_and_is_made_again_after_a_loss() {
    let (conn, api) = invoiced("pay-deleted");
    let r = pay(&conn, &api, &[payment("P1", "30.00", "2026-11-26", None)]);
    let id = r.results[0].xero_id.clone().expect("the payment's id");
    api.by_hand(http::Method::POST, &format!("/Payments/{id}"), json!({"Status": "DELETED"}));
    assert_eq!(amounts_in_xero(&api), Vec::<String>::new());

    let reads = api.reads();
    let r = pay(&conn, &api, &[payment("P1", "30.00", "2026-11-26", None)]);
    assert_eq!(r.results[0].outcome, Outcome::Unchanged, "{:?}", r.results);
    assert_eq!((amounts_in_xero(&api), api.reads()), (vec![], reads), "not made again, not even read");

    let r = pay(&ledger_lost("pay-deleted"), &api, &[payment("P1", "30.00", "2026-11-26", None)]);
    assert_eq!(r.results[0].outcome, Outcome::Created, "{:?}", r.results);
    assert_eq!(amounts_in_xero(&api), ["30.00"], "after the ledger is lost, it is made again (README, Payments)");
}

/// Xero voids an authorised invoice with `POST /Invoices/{InvoiceID}` and `"Status": "VOIDED"`; a voided invoice
/// keeps its number (developer.xero.com/documentation/api/accounting/invoices).
#[test]
fn an_invoice_voided_by_hand_is_named_voided_after_a_ledger_loss_not_missing() {
    let (_, api) = invoiced("pay-voided");
    api.by_hand(http::Method::POST, &format!("/Invoices/{}", invoice_id(&api)), json!({"Status": "VOIDED"}));
    let moved = ledger_lost("pay-voided");

    let r = pay(&moved, &api, &[payment("P1", "30.00", "2026-11-26", None)]);
    assert_eq!(r.results[0].outcome, Outcome::Failed, "{:?}", r.results);
    let error = &r.results[0].errors[0];
    assert_eq!(error.code, xero_link::error::ErrorCode::Dependency);
    assert_eq!(error.path.as_deref(), Some("payments[0].invoice"));
    assert!(error.message.contains("\"INV-1\" is VOIDED in Xero"), "{}", error.message);
    assert!(!error.message.contains("push it first"), "{}", error.message);

    let r = push::credit_notes(
        &moved,
        request(json!({"connection": "xero-hugeerp", "credit_notes": [
            {"number": "CN-1", "type": "sales", "debtor": "D1", "date": "2026-11-26",
             "lines": [{"description": "x", "quantity": 1, "unit_price": "10.00"}],
             "allocations": [{"invoice": "INV-1", "amount": "11.00"}]}]})),
        &*api,
    )
    .unwrap();
    let allocation = &r.results[0].allocations.as_ref().expect("the allocation's result")[0];
    assert_eq!(allocation.outcome, Outcome::Failed, "{allocation:?}");
    assert!(allocation.errors[0].message.contains("is VOIDED in Xero"), "{:?}", allocation.errors);

    let r = xero_link::read::documents(
        &moved,
        request(json!({"connection": "xero-hugeerp", "documents": [{"type": "sales", "number": "INV-1"}]})),
        &*api,
    )
    .unwrap();
    assert!(r.documents[0].found, "{:?}", r.documents[0]);
    assert_eq!(r.documents[0].xero_status.as_deref(), Some("VOIDED"));
}

fn credit_note(amount: &str) -> Value {
    json!({"connection": "xero-hugeerp", "credit_notes": [
        {"number": "CN-1", "type": "sales", "debtor": "D1", "date": "2026-11-26",
         "lines": [{"description": "x", "quantity": 1, "unit_price": "20.00"}],
         "allocations": [{"invoice": "INV-1", "amount": amount}]}]})
}

/// The live allocations of CN-1, as amounts.
fn allocated_in_xero(api: &SimApi) -> Vec<String> {
    api.snapshot()["Allocations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["IsDeleted"] != true)
        .map(|a| a["Amount"].to_string().trim_matches('"').to_owned())
        .collect()
}

/// An ERP allocates a credit note to an invoice at most once (one allocation per invoice), and Xero never changes an
/// allocation (developer.xero.com/documentation/api/accounting/creditnotes#allocations: it can only be deleted,
/// `DELETE /CreditNotes/{CreditNoteID}/Allocations/{AllocationID}`). So after a ledger loss, an allocation of the
/// same credit note to the same invoice with another amount is this one changed: making it too would credit the
/// invoice twice.
#[test]
fn an_allocation_changed_in_the_erp_after_the_ledger_was_lost_is_refused_not_credited_twice() {
    let (conn, api) = invoiced("alloc-changed-lost");
    let r = push::credit_notes(&conn, request(credit_note("11.00")), &*api).unwrap();
    assert_eq!(r.results[0].allocations.as_ref().unwrap()[0].outcome, Outcome::Created, "{:?}", r.results);
    let moved = ledger_lost("alloc-changed-lost");

    let r = push::credit_notes(&moved, request(credit_note("5.00")), &*api).unwrap();
    let allocation = &r.results[0].allocations.as_ref().unwrap()[0];
    assert_eq!(allocation.outcome, Outcome::Failed, "{allocation:?}");
    assert_eq!(allocation.errors[0].code, xero_link::error::ErrorCode::Conflict);
    assert!(allocation.errors[0].message.contains("11.00"), "{}", allocation.errors[0].message);
    assert_eq!(allocated_in_xero(&api), ["11.00"], "the invoice is not credited twice");

    // Deleted in Xero as the message says, the changed allocation is made.
    let found = api.snapshot()["Allocations"][0].clone();
    let (cn, id) = (found["CreditNote"]["CreditNoteID"].as_str().unwrap(), found["AllocationID"].as_str().unwrap());
    api.by_hand(http::Method::DELETE, &format!("/CreditNotes/{cn}/Allocations/{id}"), Value::Null);
    let r = push::credit_notes(&moved, request(credit_note("5.00")), &*api).unwrap();
    assert_eq!(r.results[0].allocations.as_ref().unwrap()[0].outcome, Outcome::Created, "{:?}", r.results);
    assert_eq!(allocated_in_xero(&api), ["5.00"]);
}
