//! Changes a person makes in Xero, through another app (the simulator's custom connection): a contact renamed or
//! archived, an invoice voided, deleted or its line edited, a credit note voided or deleted, a payment deleted. Each
//! picks the `slot`th of the records Xero holds that it can change, by key, and does nothing when there is none.

use super::checks::{self, Tracker};
use super::erp::Kind;
use super::holds::amount;
use super::world::tally;
use super::xero::Xero;
use serde_json::{Value, json};

/// The `slot`th (wrapping) of the elements of `collection` in Xero that `usable` accepts, sorted by `field`: what
/// a person changes; `None` when there is none.
fn pick(xero: &Xero, collection: &str, field: &str, slot: u8, usable: impl Fn(&Value) -> bool) -> Option<Value> {
    let snapshot = xero.snapshot();
    let mut found: Vec<Value> =
        snapshot[collection].as_array().into_iter().flatten().filter(|e| usable(e)).cloned().collect();
    found.sort_by(|a, b| a[field].as_str().cmp(&b[field].as_str()));
    found.get(slot as usize % found.len().max(1)).cloned()
}

/// After a change by hand: counted under `counted` when Xero took it, Xero checked for records held twice, and
/// what happened in words (`taken`, or `refused` with Xero's reason).
fn reported(
    xero: &Xero,
    counted: &str,
    done: &Result<Value, String>,
    taken: String,
    refused: String,
) -> Result<String, String> {
    tally(counted, u64::from(done.is_ok()));
    checks::check_nothing_twice(&xero.snapshot())?;
    Ok(match done {
        Ok(_) => taken,
        Err(e) => format!("{refused}: {e}"),
    })
}

/// A person renames (or archives) one of the contacts in Xero (the `slot`th, by number).
pub fn contact(xero: &Xero, tracker: &mut Tracker, slot: u8, rename: bool) -> Result<String, String> {
    let Some(found) = pick(xero, "Contacts", "ContactNumber", slot, |c| rename || c["ContactStatus"] == "ACTIVE")
    else {
        return Ok("no contact in Xero to change".into());
    };
    let code = found["ContactNumber"].as_str().unwrap_or_default().to_owned();
    let mut change = json!({"ContactID": found["ContactID"]});
    match rename {
        true => change["Name"] = json!(format!("{code} (edited in Xero)")),
        false => change["ContactStatus"] = json!("ARCHIVED"),
    }
    let done = xero.by_hand("POST", "/Contacts", json!({"Contacts": [change]}));
    if done.is_ok() && rename {
        tracker.edited.insert((Kind::Contact, code.clone()));
    }
    let counted = if rename { "renamed in Xero" } else { "archived in Xero" };
    reported(
        xero,
        counted,
        &done,
        format!("{code} changed in Xero: {change}"),
        format!("Xero refused the change to {code}"),
    )
}

/// A person voids one of the authorised invoices in Xero, or deletes a draft one (the `slot`th, by number).
pub fn void_or_delete(xero: &Xero, slot: u8) -> Result<String, String> {
    void_or_delete_document(xero, slot, ("Invoices", "InvoiceNumber", "InvoiceID"))
}

/// A person voids one of the authorised credit notes in Xero, or deletes a draft one (the `slot`th, by number).
/// Xero refuses to void one with allocations ("Allocations" on
/// developer.xero.com/documentation/api/accounting/creditnotes: remove them first).
pub fn void_or_delete_credit_note(xero: &Xero, slot: u8) -> Result<String, String> {
    void_or_delete_document(xero, slot, ("CreditNotes", "CreditNoteNumber", "CreditNoteID"))
}

fn void_or_delete_document(
    xero: &Xero,
    slot: u8,
    (collection, field, id): (&str, &str, &str),
) -> Result<String, String> {
    let open = |i: &Value| matches!(i["Status"].as_str(), Some("AUTHORISED" | "DRAFT" | "SUBMITTED"));
    let Some(found) = pick(xero, collection, field, slot, open) else {
        return Ok(format!("no document in Xero's {collection} to void or delete"));
    };
    let number = found[field].as_str().unwrap_or_default().to_owned();
    let status = if found["Status"] == "AUTHORISED" { "VOIDED" } else { "DELETED" };
    let change = json!({collection: [{id: found[id], "Status": status}]});
    let done = xero.by_hand("POST", &format!("/{collection}"), change);
    let counted = match collection {
        "CreditNotes" => format!("credit note {status} in Xero"),
        _ => format!("{status} in Xero"),
    };
    reported(
        xero,
        &counted,
        &done,
        format!("{number} {status} in Xero"),
        format!("Xero refused to make {number} {status}"),
    )
}

/// A person changes the description of the first line of an invoice in Xero (the `slot`th of those without
/// payments, by number); the other lines are sent as they are (Xero replaces all of them).
pub fn edit_line(xero: &Xero, tracker: &mut Tracker, slot: u8) -> Result<String, String> {
    let editable = |i: &Value| {
        matches!(i["Status"].as_str(), Some("AUTHORISED" | "DRAFT")) && amount(&i["AmountPaid"]) == 0.into()
    };
    let Some(found) = pick(xero, "Invoices", "InvoiceNumber", slot, editable) else {
        return Ok("no invoice in Xero to edit".into());
    };
    let number = found["InvoiceNumber"].as_str().unwrap_or_default().to_owned();
    let keep =
        ["LineItemID", "Description", "Quantity", "UnitAmount", "AccountCode", "TaxType", "ItemCode", "Tracking"];
    let mut lines: Vec<Value> = found["LineItems"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|l| Value::Object(keep.iter().filter_map(|k| l.get(*k).map(|v| ((*k).to_owned(), v.clone()))).collect()))
        .collect();
    lines[0]["Description"] = json!("Edited in Xero");
    let change = json!({"Invoices": [{"InvoiceID": found["InvoiceID"], "LineItems": lines}]});
    // Unit prices keep their 4 decimal places.
    let done = xero.by_hand("POST", "/Invoices?unitdp=4", change);
    if done.is_ok() {
        tracker.edited.insert((Kind::Invoice, number.clone()));
    }
    reported(
        xero,
        "edited in Xero",
        &done,
        format!("{number}'s first line edited in Xero"),
        format!("Xero refused the edit of {number}"),
    )
}

/// A person deletes one of the payments in Xero (the `slot`th, by reference).
pub fn delete_payment(xero: &Xero, slot: u8) -> Result<String, String> {
    let Some(found) = pick(xero, "Payments", "Reference", slot, |p| p["Status"] != "DELETED") else {
        return Ok("no payment in Xero to delete".into());
    };
    let (id, reference) = (found["PaymentID"].as_str().unwrap_or_default(), found["Reference"].clone());
    let done = xero.by_hand("POST", &format!("/Payments/{id}"), json!({"Status": "DELETED"}));
    let (taken, refused) =
        (format!("payment {reference} deleted in Xero"), format!("Xero refused to delete payment {reference}"));
    reported(xero, "payments deleted in Xero", &done, taken, refused)
}
