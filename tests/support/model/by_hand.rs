//! Changes a person makes in Xero, through another app (the simulator's custom connection): a contact renamed or
//! archived, an invoice voided, deleted or its line edited, a payment deleted. Each picks the `slot`th of the
//! records Xero holds that it can change, by key, and does nothing when there is none.

use super::checks::{self, Tracker};
use super::erp::Kind;
use super::holds::amount;
use super::world::tally;
use super::xero::Xero;
use serde_json::{Value, json};

/// Elements of `collection` in Xero that `usable` accepts, sorted by `field`: what a person may change.
fn in_xero(xero: &Xero, collection: &str, field: &str, usable: impl Fn(&Value) -> bool) -> Vec<Value> {
    let snapshot = xero.snapshot();
    let mut found: Vec<Value> =
        snapshot[collection].as_array().into_iter().flatten().filter(|e| usable(e)).cloned().collect();
    found.sort_by(|a, b| a[field].as_str().cmp(&b[field].as_str()));
    found
}

/// A person renames (or archives) one of the contacts in Xero (the `slot`th, by number).
pub fn contact(xero: &Xero, tracker: &mut Tracker, slot: u8, rename: bool) -> Result<String, String> {
    let contacts = in_xero(xero, "Contacts", "ContactNumber", |c| rename || c["ContactStatus"] == "ACTIVE");
    let Some(found) = contacts.get(slot as usize % contacts.len().max(1)) else {
        return Ok("no contact in Xero to change".into());
    };
    let code = found["ContactNumber"].as_str().unwrap_or_default().to_owned();
    let mut change = json!({"ContactID": found["ContactID"]});
    match rename {
        true => change["Name"] = json!(format!("{code} (edited in Xero)")),
        false => change["ContactStatus"] = json!("ARCHIVED"),
    }
    let done = xero.by_hand("POST", "/Contacts", json!({"Contacts": [change]}));
    tally(if rename { "renamed in Xero" } else { "archived in Xero" }, u64::from(done.is_ok()));
    if done.is_ok() && rename {
        tracker.edited.insert((Kind::Contact, code.clone()));
    }
    checks::check_nothing_twice(&xero.snapshot())?;
    Ok(match done {
        Ok(_) => format!("{code} changed in Xero: {change}"),
        Err(e) => format!("Xero refused the change to {code}: {e}"),
    })
}

/// A person voids one of the authorised invoices in Xero, or deletes a draft one (the `slot`th, by number).
pub fn void_or_delete(xero: &Xero, slot: u8) -> Result<String, String> {
    let open = |i: &Value| matches!(i["Status"].as_str(), Some("AUTHORISED" | "DRAFT" | "SUBMITTED"));
    let invoices = in_xero(xero, "Invoices", "InvoiceNumber", open);
    let Some(found) = invoices.get(slot as usize % invoices.len().max(1)) else {
        return Ok("no invoice in Xero to void or delete".into());
    };
    let number = found["InvoiceNumber"].as_str().unwrap_or_default().to_owned();
    let status = if found["Status"] == "AUTHORISED" { "VOIDED" } else { "DELETED" };
    let change = json!({"Invoices": [{"InvoiceID": found["InvoiceID"], "Status": status}]});
    let done = xero.by_hand("POST", "/Invoices", change);
    tally(format!("{status} in Xero"), u64::from(done.is_ok()));
    checks::check_nothing_twice(&xero.snapshot())?;
    Ok(match done {
        Ok(_) => format!("{number} {status} in Xero"),
        Err(e) => format!("Xero refused to make {number} {status}: {e}"),
    })
}

/// A person changes the description of the first line of an invoice in Xero (the `slot`th of those without
/// payments, by number); the other lines are sent as they are (Xero replaces all of them).
pub fn edit_line(xero: &Xero, tracker: &mut Tracker, slot: u8) -> Result<String, String> {
    let editable = |i: &Value| {
        matches!(i["Status"].as_str(), Some("AUTHORISED" | "DRAFT")) && amount(&i["AmountPaid"]) == 0.into()
    };
    let invoices = in_xero(xero, "Invoices", "InvoiceNumber", editable);
    let Some(found) = invoices.get(slot as usize % invoices.len().max(1)) else {
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
    tally("edited in Xero", u64::from(done.is_ok()));
    if done.is_ok() {
        tracker.edited.insert((Kind::Invoice, number.clone()));
    }
    checks::check_nothing_twice(&xero.snapshot())?;
    Ok(match done {
        Ok(_) => format!("{number}'s first line edited in Xero"),
        Err(e) => format!("Xero refused the edit of {number}: {e}"),
    })
}

/// A person deletes one of the payments in Xero (the `slot`th, by reference).
pub fn delete_payment(xero: &Xero, slot: u8) -> Result<String, String> {
    let payments = in_xero(xero, "Payments", "Reference", |p| p["Status"] != "DELETED");
    let Some(found) = payments.get(slot as usize % payments.len().max(1)) else {
        return Ok("no payment in Xero to delete".into());
    };
    let (id, reference) = (found["PaymentID"].as_str().unwrap_or_default(), found["Reference"].clone());
    let done = xero.by_hand("POST", &format!("/Payments/{id}"), json!({"Status": "DELETED"}));
    tally("payments deleted in Xero", u64::from(done.is_ok()));
    checks::check_nothing_twice(&xero.snapshot())?;
    Ok(match done {
        Ok(_) => format!("payment {reference} deleted in Xero"),
        Err(e) => format!("Xero refused to delete payment {reference}: {e}"),
    })
}
