//! What must hold of credit notes' allocations in the model-based push test. Each allocation the library reports
//! made (`created`, `unchanged`) is in Xero once, of the ERP's amount; one not made is reported with a code of the
//! README's table, and without a fault only for a reason the model knows: its credit note was not pushed, or its
//! invoice is not in Xero or voided or deleted there (`dependency`), or Xero refuses it as Xero documents
//! (`xero`: "credit notes can be allocated only when AUTHORISED", and an allocation never exceeds the credit
//! note's remaining credit nor the invoice's amount due: developer.xero.com/documentation/api/accounting/creditnotes).
//! And Xero's amounts agree with what it holds: an invoice's amount due is its total less its payments and the
//! credit allocated to it, a credit note's remaining credit its total less its allocations.

use super::checks::{CODES, Call, FAULT_CODES, gone_by_hand, traced};
use super::erp::{Erp, dec};
use super::holds::{allocation_as_in_erp, amount, find};
use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::HashMap;

/// Checks the allocations of credit note `number` (sent as `record`) in its result `r`; what each did, keyed
/// `CN/INVOICE`, for the trace.
pub fn check(call: &Call<'_>, number: &str, record: &Value, r: &Value) -> Result<Vec<String>, String> {
    let sent = record["allocations"].as_array().cloned().unwrap_or_default();
    let results = r["allocations"].as_array().cloned().unwrap_or_default();
    if sent.len() != results.len() {
        return Err(format!("{} allocations sent, {} results", sent.len(), results.len()));
    }
    let cn_landed = matches!(r["outcome"].as_str(), Some("created" | "updated" | "unchanged"));
    let mut done = Vec::new();
    for (a, ar) in sent.iter().zip(&results) {
        let invoice = a["invoice"].as_str().expect("an invoice");
        let amount = a["amount"].as_str().expect("an amount");
        if ar["key"] != invoice {
            return Err(format!("allocation result for {invoice} out of order: {ar}"));
        }
        let key = format!("{number}/{invoice}");
        check_one(call, (number, invoice, amount), cn_landed, ar).map_err(|e| format!("{key}: {e}\n  {ar}"))?;
        done.push(traced(&key, ar));
    }
    Ok(done)
}

fn check_one(
    call: &Call<'_>,
    (number, invoice, amount): (&str, &str, &str),
    cn_landed: bool,
    ar: &Value,
) -> Result<(), String> {
    let errors: Vec<&Value> = ar["errors"].as_array().into_iter().flatten().collect();
    if let Some(e) = errors.iter().find(|e| !CODES.contains(&e["code"].as_str().unwrap_or_default())) {
        return Err(format!("an error code outside the README's table: {e}"));
    }
    match ar["outcome"].as_str().unwrap_or_default() {
        outcome @ ("created" | "updated" | "unchanged") => {
            if !errors.is_empty() {
                return Err(format!("{outcome} with errors"));
            }
            allocation_as_in_erp(call.after, number, invoice, amount)
                .map_err(|e| format!("reported {outcome}, but {e}"))
        }
        "failed" if !errors.is_empty() => {
            for e in errors {
                let code = e["code"].as_str().unwrap_or_default();
                let faulted = call.fired && FAULT_CODES.contains(&code);
                if !faulted && !explained(call.after, (number, invoice, amount), cn_landed, code) {
                    return Err(format!("failed ({code}) for no reason the model knows: {e}"));
                }
            }
            Ok(())
        }
        "uncertain" if call.fired && !errors.is_empty() && errors.iter().all(|e| e["code"] == "uncertain") => Ok(()),
        other => Err(format!("outcome {other:?} not allowed here")),
    }
}

/// A failure of the allocation of `number` to `invoice` the model expects without any fault, given what Xero
/// holds after the call.
fn explained(after: &Value, (number, invoice, wanted): (&str, &str, &str), cn_landed: bool, code: &str) -> bool {
    let inv = find(after, "Invoices", "InvoiceNumber", invoice);
    let cn = find(after, "CreditNotes", "CreditNoteNumber", number);
    match code {
        // The credit note itself was not pushed; or the invoice is not in Xero, or only voided or deleted there.
        "dependency" => !cn_landed || inv.is_none() || gone_by_hand(after, "Invoices", "InvoiceNumber", invoice),
        // Xero refuses it: either document not AUTHORISED (a draft in Xero still, voided by hand, PAID), not
        // enough left on either (Xero holds other lines than the ERP: a change it refused), or another contact.
        "xero" => {
            let (Some(inv), Some(cn)) = (inv, cn) else { return true };
            let wanted = dec(wanted);
            inv["Status"] != "AUTHORISED"
                || cn["Status"] != "AUTHORISED"
                || amount(&inv["AmountDue"]) < wanted
                || amount(&cn["RemainingCredit"]) < wanted
                || inv["Contact"]["ContactID"] != cn["Contact"]["ContactID"]
        }
        _ => false,
    }
}

/// Xero's allocations each join a credit note and an invoice of one side and contact, one per pair (the model
/// makes one per pair), and its documents' amounts agree with the payments and allocations it holds.
pub fn check_amounts(snapshot: &Value) -> Result<(), String> {
    let docs = |collection: &str| snapshot[collection].as_array().cloned().unwrap_or_default();
    let mut pairs: HashMap<(String, String), usize> = HashMap::new();
    let (mut credited, mut allocated): (HashMap<String, Decimal>, HashMap<String, Decimal>) = Default::default();
    for a in snapshot["Allocations"].as_array().into_iter().flatten() {
        let (cn, inv) = (&a["CreditNote"], &a["Invoice"]);
        let side = (cn["Type"].as_str(), inv["Type"].as_str());
        if cn["Contact"]["ContactID"] != inv["Contact"]["ContactID"]
            || !matches!(side, (Some("ACCRECCREDIT"), Some("ACCREC")) | (Some("ACCPAYCREDIT"), Some("ACCPAY")))
        {
            return Err(format!("an allocation joins documents of other sides or contacts: {a}"));
        }
        let (cn_id, inv_id) = (cn["CreditNoteID"].to_string(), inv["InvoiceID"].to_string());
        *pairs.entry((cn_id.clone(), inv_id.clone())).or_default() += 1;
        *credited.entry(inv_id).or_default() += amount(&a["Amount"]);
        *allocated.entry(cn_id).or_default() += amount(&a["Amount"]);
    }
    if let Some(((cn, inv), n)) = pairs.iter().find(|(_, n)| **n > 1) {
        return Err(format!("Xero holds {n} allocations of credit note {cn} to invoice {inv}"));
    }
    let mut paid: HashMap<String, Decimal> = HashMap::new();
    for p in snapshot["Payments"].as_array().into_iter().flatten().filter(|p| p["Status"] != "DELETED") {
        *paid.entry(p["Invoice"]["InvoiceID"].to_string()).or_default() += amount(&p["Amount"]);
    }
    let open = |d: &Value| matches!(d["Status"].as_str(), Some("AUTHORISED" | "PAID"));
    for inv in docs("Invoices").iter().filter(|d| open(d)) {
        let id = inv["InvoiceID"].to_string();
        let (paid, credited) =
            (paid.get(&id).copied().unwrap_or_default(), credited.get(&id).copied().unwrap_or_default());
        if amount(&inv["AmountDue"]) != amount(&inv["Total"]) - paid - credited
            || amount(&inv["AmountCredited"]) != credited
        {
            return Err(format!(
                "{}'s amount due disagrees with its payments {paid} and credit {credited}: {inv}",
                inv["InvoiceNumber"]
            ));
        }
    }
    for cn in docs("CreditNotes").iter().filter(|d| open(d)) {
        let used = allocated.get(&cn["CreditNoteID"].to_string()).copied().unwrap_or_default();
        if amount(&cn["RemainingCredit"]) != amount(&cn["Total"]) - used {
            return Err(format!(
                "{}'s remaining credit disagrees with its allocations {used}: {cn}",
                cn["CreditNoteNumber"]
            ));
        }
    }
    Ok(())
}

/// After the final push: every allocation the ERP has is in Xero, once, but those that push reported failed.
pub fn check_landed(erp: &Erp, snapshot: &Value, failed: &[&str]) -> Result<(), String> {
    for (number, cn) in &erp.credit_notes {
        for (invoice, amount) in &cn.allocations {
            let key = format!("{number}/{invoice}");
            if !failed.contains(&key.as_str()) {
                allocation_as_in_erp(snapshot, number, invoice, amount)
                    .map_err(|e| format!("after the final push, {key}: {e}"))?;
            }
        }
    }
    Ok(())
}
