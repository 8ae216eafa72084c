//! What must hold in the model-based push test, as the README documents it: after every push, each record reported in
//! Xero (`created`, `updated`, `unchanged`) is there with the ERP's latest values, once; each record not landed is
//! reported `failed` or `uncertain` with a code of the README's table, and without a fault only for a reason the model
//! knows (a document voided or deleted by hand, or with payments or credit applied: `conflict`; a contact, item or
//! invoice not in Xero: `dependency`; a payment on an invoice Xero does not take it on: `xero`; for credit notes'
//! allocations see [`super::allocations`]); Xero never holds anything twice. By-hand changes the library does not see
//! are tolerated only where the README says it answers from its ledger without reading Xero: a record it reports
//! `unchanged` whose values are the ones it last pushed.

use super::allocations;
use super::erp::{
    BILLS, CREDITORS, DEBTORS, Erp, ITEMS, Invoice, Kind, PAYMENTS, SALES_INVOICES, credit_note_numbers, dec,
};
use super::holds::{amount, find, in_xero_as_in_erp};
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// The codes of the README's error table.
pub const CODES: &[&str] = &[
    "bad_json",
    "bad_request",
    "unknown_operation",
    "not_implemented",
    "not_configured",
    "function_disabled",
    "not_authenticated",
    "reauth_required",
    "auth_failed",
    "tenant_not_set",
    "tenant_not_connected",
    "validation",
    "rate_limited",
    "xero_unavailable",
    "network",
    "timeout",
    "conflict",
    "not_found",
    "store",
    "internal",
    "xero",
    "dependency",
    "uncertain",
];

/// Codes a fault may leave on a record: the failure of a call Xero did not answer, or a record that needed one.
pub(super) const FAULT_CODES: &[&str] =
    &["xero_unavailable", "network", "timeout", "rate_limited", "uncertain", "dependency"];

/// What the model knows of the library's work so far.
#[derive(Default)]
pub struct Tracker {
    /// Each record's values (its request JSON) when the library last reported it in Xero, since the ledger was
    /// last lost: what the ledger holds as pushed, so what it may answer `unchanged` for without reading Xero.
    landed: HashMap<(Kind, String), Value>,
    /// Records a person changed in Xero (a contact renamed, an invoice's line edited) since the library last
    /// wrote them.
    pub edited: HashSet<(Kind, String)>,
}

impl Tracker {
    pub fn ledger_lost(&mut self) {
        self.landed.clear();
    }
}

/// One push call as made: what was sent, what came back, what Xero held before and after.
pub struct Call<'a> {
    /// The records sent, by kind, in request order: the call's own first, then the contacts and items it carried.
    pub sent: Vec<(Kind, Vec<Value>)>,
    pub answer: &'a Value,
    pub before: &'a Value,
    pub after: &'a Value,
    /// A fault fired during the call.
    pub fired: bool,
    pub verify: bool,
}

fn key_of(kind: Kind, record: &Value) -> String {
    let member = match kind {
        Kind::Invoice | Kind::CreditNote => "number",
        Kind::Payment => "id",
        Kind::Contact | Kind::Item => "code",
    };
    record[member].as_str().expect("a key").to_owned()
}

/// The answer's member with the results of records of `kind` the call carried for its documents.
fn carried_member(kind: Kind) -> &'static str {
    match kind {
        Kind::Contact => "contacts",
        Kind::Item => "items",
        Kind::Invoice | Kind::CreditNote | Kind::Payment => "none",
    }
}

/// Checks one push call; returns what it did, for the sequence's trace.
pub fn check_call(erp: &Erp, tracker: &mut Tracker, call: &Call<'_>) -> Result<String, String> {
    if call.answer["ok"] != true {
        let error = &call.answer["error"];
        let code = error["code"].as_str().unwrap_or_default();
        if !call.fired || !CODES.contains(&code) || error["retryable"] != true {
            return Err(format!("the call failed without a fault to explain it, or not retryably: {error}"));
        }
        return Ok(format!("call failed: {code}"));
    }
    let result = &call.answer["result"];
    let mut done = Vec::new();
    for (n, (kind, records)) in call.sent.iter().enumerate() {
        let member = if n == 0 { "results" } else { carried_member(*kind) };
        let results = result[member].as_array().cloned().unwrap_or_default();
        if results.len() != records.len() {
            return Err(format!("{} records sent, {} results: {result}", records.len(), results.len()));
        }
        for (record, r) in records.iter().zip(&results) {
            let key = key_of(*kind, record);
            if r["key"] != key.as_str() {
                return Err(format!("result for {key} out of order: {r}"));
            }
            // A credit note's allocations are records of their own: the ledger's credit note is the rest of it.
            let mut document = record.clone();
            document.as_object_mut().map(|o| o.remove("allocations"));
            check_record(erp, tracker, call, (*kind, &key, &document), r).map_err(|e| format!("{key}: {e}\n  {r}"))?;
            done.push(traced(&key, r));
            if *kind == Kind::CreditNote {
                let made = allocations::check(call, &key, record, r).map_err(|e| format!("{key}: {e}\n  {r}"))?;
                done.extend(made);
            }
        }
    }
    Ok(done.join(", "))
}

/// What a result says, for the trace: `KEY outcome`, with its error codes (`KEY failed:xero+network`).
pub(super) fn traced(key: &str, r: &Value) -> String {
    let mut codes: Vec<&str> =
        r["errors"].as_array().into_iter().flatten().filter_map(|e| e["code"].as_str()).collect();
    codes.dedup();
    let outcome = r["outcome"].as_str().unwrap_or_default();
    match codes.is_empty() {
        true => format!("{key} {outcome}"),
        false => format!("{key} {outcome}:{}", codes.join("+")),
    }
}

fn check_record(
    erp: &Erp,
    tracker: &mut Tracker,
    call: &Call<'_>,
    (kind, key, record): (Kind, &str, &Value),
    r: &Value,
) -> Result<(), String> {
    let errors: Vec<&Value> = r["errors"].as_array().into_iter().flatten().collect();
    if let Some(e) = errors.iter().find(|e| !CODES.contains(&e["code"].as_str().unwrap_or_default())) {
        return Err(format!("an error code outside the README's table: {e}"));
    }
    let landed = (kind, key.to_owned());
    match r["outcome"].as_str().unwrap_or_default() {
        outcome @ ("created" | "updated") => {
            if !errors.is_empty() {
                return Err(format!("{outcome} with errors"));
            }
            in_xero_as_in_erp(erp, call.after, kind, key).map_err(|e| format!("reported {outcome}, but {e}"))?;
            tracker.edited.remove(&landed);
            tracker.landed.insert(landed, record.clone());
        }
        "unchanged" => match in_xero_as_in_erp(erp, call.after, kind, key) {
            Ok(()) => {
                tracker.landed.insert(landed, record.clone());
            }
            // The ledger answered from what it pushed last, as documented: Xero was not read.
            Err(_) if tolerated(tracker, call, kind, key) && tracker.landed.get(&landed) == Some(record) => {}
            Err(e) => return Err(format!("reported unchanged, but {e}")),
        },
        "failed" if !errors.is_empty() => {
            let codes: Vec<&str> = errors.iter().filter_map(|e| e["code"].as_str()).collect();
            let faulted = |code: &str| call.fired && FAULT_CODES.contains(&code);
            for e in errors {
                let code = e["code"].as_str().unwrap_or_default();
                // Xero refused a record for a reason the library mends (a contact archived by hand, restored; a
                // number or code Xero holds, looked up and adopted), and mending it failed under the fault: said so.
                let mendable = match kind {
                    Kind::Invoice => {
                        contact_archived(erp, call.before, kind, key)
                            || held(call.before, "Invoices", "InvoiceNumber", key)
                    }
                    Kind::CreditNote => {
                        contact_archived(erp, call.before, kind, key)
                            || held(call.before, "CreditNotes", "CreditNoteNumber", key)
                    }
                    Kind::Item => held(call.before, "Items", "Code", key),
                    Kind::Contact | Kind::Payment => false,
                };
                let unmended = code == "xero" && mendable && codes.iter().any(|c| faulted(c));
                if !faulted(code) && !unmended && !explained(erp, call, kind, key, code) {
                    return Err(format!("failed ({code}) for no reason the model knows: {e}"));
                }
            }
        }
        "uncertain" if call.fired && !errors.is_empty() && errors.iter().all(|e| e["code"] == "uncertain") => {}
        other => return Err(format!("outcome {other:?} not allowed here")),
    }
    Ok(())
}

/// A difference from the ERP that the library is documented not to see on a push answered from its ledger.
fn tolerated(tracker: &Tracker, call: &Call<'_>, kind: Kind, key: &str) -> bool {
    let read_back = call.verify && matches!(kind, Kind::Invoice | Kind::CreditNote);
    changed_by_hand(tracker, call.after, kind, key) && !read_back
}

/// A person changed the record in Xero: renamed or archived a contact, edited, voided or deleted an invoice,
/// deleted a payment.
pub fn changed_by_hand(tracker: &Tracker, snapshot: &Value, kind: Kind, key: &str) -> bool {
    let edited = tracker.edited.contains(&(kind, key.to_owned()));
    edited
        || match kind {
            Kind::Contact => {
                find(snapshot, "Contacts", "ContactNumber", key).is_some_and(|c| c["ContactStatus"] == "ARCHIVED")
            }
            Kind::Invoice => gone_by_hand(snapshot, "Invoices", "InvoiceNumber", key),
            Kind::CreditNote => gone_by_hand(snapshot, "CreditNotes", "CreditNoteNumber", key),
            Kind::Payment => {
                let mut payments = snapshot["Payments"].as_array().into_iter().flatten();
                payments.any(|p| p["Reference"] == key && p["Status"] == "DELETED")
            }
            Kind::Item => false,
        }
}

/// A failure the model expects without any fault.
fn explained(erp: &Erp, call: &Call<'_>, kind: Kind, key: &str, code: &str) -> bool {
    match kind {
        Kind::Invoice => document_failure_explained(call, ("Invoices", "InvoiceNumber"), key, &erp.invoices[key], code),
        Kind::CreditNote => {
            let doc = &erp.credit_notes[key].doc;
            document_failure_explained(call, ("CreditNotes", "CreditNoteNumber"), key, doc, code)
        }
        Kind::Payment => payment_failure_explained(erp, call, key, code),
        Kind::Contact | Kind::Item => false,
    }
}

/// Why a document (an invoice or a credit note, in `collection` by `field`) may fail without a fault.
fn document_failure_explained(
    call: &Call<'_>,
    (collection, field): (&str, &str),
    number: &str,
    invoice: &Invoice,
    code: &str,
) -> bool {
    match code {
        // Xero keeps a voided or deleted document's number and allows no change to it, nor to the lines of one
        // with payments or credit applied (an invoice credited, a credit note allocated).
        // Nor an authorised one to go back to draft (the ERP deleted it and made a draft of that number).
        "conflict" => {
            let authorised = find(call.after, collection, field, number)
                .is_some_and(|i| matches!(i["Status"].as_str(), Some("AUTHORISED" | "PAID")));
            gone_by_hand(call.after, collection, field, number)
                || applied(call.after, collection, field, number)
                || (authorised && !invoice.authorised)
        }
        // A contact or item the document names is not in Xero, and this call did not carry it there.
        "dependency" => {
            let carried = |kind: Kind, code: &str| {
                let results = call.answer["result"][carried_member(kind)].as_array().cloned().unwrap_or_default();
                results.iter().any(|r| {
                    r["key"] == code && matches!(r["outcome"].as_str(), Some("created" | "updated" | "unchanged"))
                })
            };
            let missing = |kind: Kind, collection: &str, field: &str, code: &str| {
                find(call.before, collection, field, code).is_none() && !carried(kind, code)
            };
            missing(Kind::Contact, "Contacts", "ContactNumber", &invoice.contact)
                || invoice
                    .lines
                    .iter()
                    .filter_map(|l| l.item.as_deref())
                    .any(|i| missing(Kind::Item, "Items", "Code", i))
        }
        _ => false,
    }
}

fn payment_failure_explained(erp: &Erp, call: &Call<'_>, id: &str, code: &str) -> bool {
    let payment = &erp.payments[id];
    let invoice = find(call.before, "Invoices", "InvoiceNumber", &payment.invoice);
    let usable = invoice.filter(|i| !matches!(i["Status"].as_str(), Some("VOIDED" | "DELETED")));
    match (code, usable) {
        // The invoice is not in Xero, or only voided or deleted (found by number, which skips those).
        ("dependency", None) => true,
        // Xero takes payments on authorised invoices only, up to what is due: the ERP's invoice may be a draft
        // in Xero still, have other lines there (a change refused once it had payments), or be voided or deleted
        // by hand (known to the ledger, so sent, and refused in Xero's words).
        ("xero", _) => {
            invoice.is_some_and(|i| i["Status"] != "AUTHORISED" || amount(&i["AmountDue"]) < dec(&payment.amount))
        }
        _ => false,
    }
}

/// Xero holds a record under `key` (a number or code it keeps unique), whatever its status.
fn held(snapshot: &Value, collection: &str, field: &str, key: &str) -> bool {
    find(snapshot, collection, field, key).is_some()
}

/// The contact of the ERP's invoice or credit note `number` is ARCHIVED in Xero.
fn contact_archived(erp: &Erp, snapshot: &Value, kind: Kind, number: &str) -> bool {
    let contact = match kind {
        Kind::CreditNote => &erp.credit_notes[number].doc.contact,
        _ => &erp.invoices[number].contact,
    };
    find(snapshot, "Contacts", "ContactNumber", contact).is_some_and(|c| c["ContactStatus"] == "ARCHIVED")
}

/// The document `number` has payments or credit applied in Xero (an invoice paid or credited, a credit note
/// allocated).
fn applied(snapshot: &Value, collection: &str, field: &str, number: &str) -> bool {
    find(snapshot, collection, field, number).is_some_and(|i| {
        // A credit note has no AmountPaid nor AmountCredited, an invoice no RemainingCredit.
        let positive = |member: &str| i.get(member).is_some_and(|v| amount(v) > 0.into());
        i["Status"] == "PAID"
            || positive("AmountPaid")
            || positive("AmountCredited")
            || i.get("RemainingCredit").is_some_and(|v| amount(v) != amount(&i["Total"]))
    })
}

/// The document `number` is in Xero VOIDED or DELETED (only a person does that here).
pub fn gone_by_hand(snapshot: &Value, collection: &str, field: &str, number: &str) -> bool {
    find(snapshot, collection, field, number)
        .is_some_and(|i| matches!(i["Status"].as_str(), Some("VOIDED" | "DELETED")))
}

/// Nothing in Xero twice, nothing but the ERP's records: contacts by number (and active ones by name, ignoring
/// case, as Xero keeps them), items by code, invoices by type and number, whatever their status.
pub fn check_nothing_twice(snapshot: &Value) -> Result<(), String> {
    let pools: [(&str, &str, Vec<&str>); 5] = [
        ("Contacts", "ContactNumber", DEBTORS.iter().chain(CREDITORS.iter()).copied().collect()),
        ("Items", "Code", ITEMS.to_vec()),
        ("Invoices", "InvoiceNumber", SALES_INVOICES.iter().chain(BILLS.iter()).copied().collect()),
        ("CreditNotes", "CreditNoteNumber", credit_note_numbers().collect()),
        ("Payments", "Reference", PAYMENTS.to_vec()),
    ];
    for (collection, field, pool) in pools {
        let mut seen: HashMap<String, usize> = HashMap::new();
        // A deleted payment is gone (Xero keeps it, marked DELETED).
        for e in snapshot[collection]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|e| e["Status"] != "DELETED" || collection != "Payments")
        {
            let key = e[field].as_str().unwrap_or_default();
            if !pool.contains(&key) {
                return Err(format!("Xero holds a record the ERP never had: {collection} {e}"));
            }
            *seen.entry(format!("{}/{}", e["Type"], key.to_lowercase())).or_default() += 1;
        }
        if let Some((key, n)) = seen.iter().find(|(_, n)| **n > 1) {
            return Err(format!("Xero holds {collection} {key} {n} times"));
        }
    }
    let mut names = HashSet::new();
    for c in snapshot["Contacts"].as_array().into_iter().flatten().filter(|c| c["ContactStatus"] == "ACTIVE") {
        if !names.insert(c["Name"].as_str().unwrap_or_default().to_lowercase()) {
            return Err(format!("two active contacts named {}", c["Name"]));
        }
    }
    allocations::check_amounts(snapshot)
}

/// After the sequence and a push of everything without faults: every record the ERP has is in Xero with its
/// values, but those that push reported failed (for a reason the model knows: checked with its answers) and those
/// a person changed in Xero that the library is documented to leave as they are.
pub fn check_everything_landed(erp: &Erp, tracker: &Tracker, snapshot: &Value, failed: &[&str]) -> Result<(), String> {
    let keys = (erp.contacts.keys().map(|k| (Kind::Contact, k)))
        .chain(erp.items.keys().map(|k| (Kind::Item, k)))
        .chain(erp.invoices.keys().map(|k| (Kind::Invoice, k)))
        .chain(erp.credit_notes.keys().map(|k| (Kind::CreditNote, k)))
        .chain(erp.payments.keys().map(|k| (Kind::Payment, k)));
    for (kind, key) in keys.filter(|(_, k)| !failed.contains(&k.as_str())) {
        if let Err(e) = in_xero_as_in_erp(erp, snapshot, kind, key) {
            if !changed_by_hand(tracker, snapshot, kind, key) {
                return Err(format!("after the final push, {key}: {e}"));
            }
        }
    }
    allocations::check_landed(erp, snapshot, failed)
}
