//! What Xero holds of each ERP record, compared with the ERP's current values: contacts by number, items by
//! code, invoices, bills and credit notes by number, payments by reference (the model's payments carry their id
//! there), allocations by credit note and invoice number.

use super::erp::{Contact, Erp, Invoice, Item, Kind, Payment, dec};
use serde_json::Value;

/// The one element of `collection` whose `field` is `key` as the ERP writes it.
pub fn find<'a>(snapshot: &'a Value, collection: &str, field: &str, key: &str) -> Option<&'a Value> {
    snapshot[collection].as_array()?.iter().find(|e| e[field] == key)
}

/// Xero holds the record exactly as the ERP has it now; `Err` says how it differs.
pub fn in_xero_as_in_erp(erp: &Erp, snapshot: &Value, kind: Kind, key: &str) -> Result<(), String> {
    match kind {
        Kind::Contact => contact_as_in_erp(snapshot, key, &erp.contacts[key]),
        Kind::Item => item_as_in_erp(snapshot, key, &erp.items[key]),
        Kind::Invoice => {
            let x = find(snapshot, "Invoices", "InvoiceNumber", key).ok_or("Xero has no such invoice")?;
            document_as_in_erp(snapshot, x, key, &erp.invoices[key], ["ACCREC", "ACCPAY"])
        }
        Kind::CreditNote => {
            let x = find(snapshot, "CreditNotes", "CreditNoteNumber", key).ok_or("Xero has no such credit note")?;
            document_as_in_erp(snapshot, x, key, &erp.credit_notes[key].doc, ["ACCRECCREDIT", "ACCPAYCREDIT"])
        }
        Kind::Payment => payment_as_in_erp(snapshot, key, &erp.payments[key]),
    }
}

fn contact_as_in_erp(snapshot: &Value, code: &str, c: &Contact) -> Result<(), String> {
    let x = find(snapshot, "Contacts", "ContactNumber", code).ok_or("Xero has no such contact")?;
    if x["Name"] != c.name.as_str() || x["ContactStatus"] != "ACTIVE" {
        return Err(format!("Xero holds {} {}, the ERP {:?}", x["Name"], x["ContactStatus"], c.name));
    }
    Ok(())
}

fn item_as_in_erp(snapshot: &Value, code: &str, it: &Item) -> Result<(), String> {
    let x = find(snapshot, "Items", "Code", code).ok_or("Xero has no such item")?;
    let price = x["SalesDetails"]["UnitPrice"].to_string();
    if x["Name"] != it.name.as_str() || dec(price.trim_matches('"')) != dec(it.price) {
        return Err(format!("Xero holds {} at {price}, the ERP {it:?}", x["Name"]));
    }
    Ok(())
}

/// A money or quantity member of Xero's JSON (a number, or a string in some answers).
pub fn amount(v: &Value) -> rust_decimal::Decimal {
    dec(v.to_string().trim_matches('"'))
}

/// Xero's document `x` (an invoice, a bill or a credit note: `types`, sales first) is the ERP's `inv`.
fn document_as_in_erp(
    snapshot: &Value,
    x: &Value,
    number: &str,
    inv: &Invoice,
    types: [&str; 2],
) -> Result<(), String> {
    let contact_id = x["Contact"]["ContactID"].as_str().unwrap_or_default();
    let contact = snapshot["Contacts"].as_array().into_iter().flatten().find(|c| c["ContactID"] == contact_id);
    let status = if inv.authorised { "AUTHORISED" } else { "DRAFT" };
    // Paid or credited in full, an authorised invoice is PAID in Xero, as is a credit note allocated in full.
    let status_matches = x["Status"] == status || (inv.authorised && x["Status"] == "PAID");
    let mut wrong = Vec::new();
    if x["Type"] != types[usize::from(!inv.sales)] || !status_matches {
        wrong.push(format!("type {} status {} (want {status})", x["Type"], x["Status"]));
    }
    if contact.map(|c| &c["ContactNumber"]) != Some(&Value::from(inv.contact.as_str())) {
        wrong.push(format!("contact {} (want {})", contact.map_or(&Value::Null, |c| &c["ContactNumber"]), inv.contact));
    }
    let lines = x["LineItems"].as_array().cloned().unwrap_or_default();
    let lines_match = lines.len() == inv.lines.len()
        && lines.iter().zip(&inv.lines).all(|(xl, l)| {
            xl["Description"] == l.description.as_str()
                && amount(&xl["Quantity"]) == dec(l.quantity)
                && amount(&xl["UnitAmount"]) == dec(l.unit_price)
                && amount(&xl["LineAmount"]) == l.amount()
                && xl["ItemCode"].as_str() == l.item.as_deref()
        });
    if !lines_match {
        wrong.push(format!("lines {}", Value::Array(lines)));
    }
    let total = inv.total();
    if amount(&x["SubTotal"]) != total || amount(&x["Total"]) != total || amount(&x["TotalTax"]) != 0.into() {
        wrong.push(format!("sub-total {} tax {} total {} (want {total})", x["SubTotal"], x["TotalTax"], x["Total"]));
    }
    match wrong.is_empty() {
        true => Ok(()),
        false => Err(format!("Xero's {number} differs: {}", wrong.join("; "))),
    }
}

fn payment_as_in_erp(snapshot: &Value, id: &str, p: &Payment) -> Result<(), String> {
    let x = live_payment(snapshot, id).ok_or("Xero has no such payment")?;
    if amount(&x["Amount"]) != dec(&p.amount) || x["Invoice"]["InvoiceNumber"] != p.invoice.as_str() {
        return Err(format!("Xero holds {} on {}, the ERP {p:?}", x["Amount"], x["Invoice"]["InvoiceNumber"]));
    }
    Ok(())
}

/// The payment Xero holds (not deleted) with reference `id`.
fn live_payment<'a>(snapshot: &'a Value, id: &str) -> Option<&'a Value> {
    snapshot["Payments"].as_array()?.iter().find(|p| p["Reference"] == id && p["Status"] != "DELETED")
}

/// The allocations Xero holds of credit note `credit_note` to invoice `invoice` (deleted ones are gone).
fn allocations_of<'a>(snapshot: &'a Value, credit_note: &str, invoice: &str) -> Vec<&'a Value> {
    let all = snapshot["Allocations"].as_array().into_iter().flatten();
    all.filter(|a| a["CreditNote"]["CreditNoteNumber"] == credit_note && a["Invoice"]["InvoiceNumber"] == invoice)
        .collect()
}

/// Xero holds the ERP's allocation of `credit_note` to `invoice`, once, of `amount`.
pub fn allocation_as_in_erp(snapshot: &Value, credit_note: &str, invoice: &str, wanted: &str) -> Result<(), String> {
    match allocations_of(snapshot, credit_note, invoice).as_slice() {
        [a] if amount(&a["Amount"]) == dec(wanted) => Ok(()),
        [] => Err(format!("Xero has no allocation of {credit_note} to {invoice}")),
        found => Err(format!(
            "Xero holds {} allocations of {credit_note} to {invoice}, the ERP one of {wanted}: {found:?}",
            found.len()
        )),
    }
}
