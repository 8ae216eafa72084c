//! Allocations of a credit note to invoices: each made once, after its credit note is settled.

use super::documents::{DocumentId, Voided, invoice_spec, resolve_documents};
use super::engine::{self, Candidate, Ctx, Finder, Query, SEP, Spec};
use super::kinds;
use super::map::{self, member};
use super::records::ordered;
use super::schema::{DocumentType, ErpCreditNote, Outcome, RecordError, RecordResult};
use crate::error::{ErrorCode, Result};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;

/// The allocations of one credit note, read with it; natural key: the invoice's id. A credit note this push has
/// just created has none in Xero (`created_now`): nothing to look up before the first write (after a lost
/// answer there is).
#[derive(Debug)]
struct OfCreditNote {
    credit_note_id: String,
    created_now: bool,
}

impl Finder for OfCreditNote {
    fn queries(&self, _naturals: &[&str]) -> Vec<Query> {
        let path = format!("/CreditNotes/{}", self.credit_note_id);
        let mut q = Query::new("reading a credit note's allocations", path, "CreditNotes");
        q.inner = Some("Allocations");
        vec![q]
    }

    fn natural_of(&self, found: &Value) -> Option<String> {
        found.get("Invoice").and_then(|d| member(d, "InvoiceID")).map(str::to_lowercase)
    }

    fn nothing_before_first_write(&self) -> bool {
        self.created_now
    }

    /// An allocation of this credit note to the same invoice: the ERP allocates a credit note to an invoice at most
    /// once (`map::check_credit_note`), so it is this allocation changed after it was pushed (and the ledger lost
    /// since), or the same credit allocated in Xero by hand. Xero never changes an allocation (it can only be
    /// deleted: `DELETE /CreditNotes/{CreditNoteID}/Allocations/{AllocationID}`, developer.xero.com/documentation/
    /// api/accounting/creditnotes), so making this one too would credit the invoice twice.
    fn likely_same(&self, _sent: &Value, found: &Value) -> Option<String> {
        let amount = map::member_decimal(found, "Amount").map(|a| format!("{a:.2}")).unwrap_or_default();
        let id = member(found, "AllocationID").unwrap_or_default();
        Some(format!(
            "Xero already holds an allocation of {amount} of this credit note to this invoice (AllocationID {id}) \
             that xero-link has no record of: this allocation pushed before with another amount or date (and \
             xero-link's records of the push lost since), or the same credit allocated in Xero by hand. Xero never \
             changes an allocation, so this one was not made beside it: if the ERP's is right, delete that \
             allocation in Xero and push again"
        ))
    }
}

/// What an allocation of credit note `credit_note_id` is in Xero.
fn spec(t: DocumentType, credit_note_id: &str, created_now: bool) -> Spec {
    Spec {
        ledger_kind: match t {
            DocumentType::Sales => kinds::SALES_ALLOCATION,
            DocumentType::Purchase => kinds::PURCHASE_ALLOCATION,
        },
        endpoint: format!("/CreditNotes/{credit_note_id}/Allocations"),
        collection: "Allocations",
        id_field: "AllocationID",
        number_field: None,
        status_field: None,
        unitdp: false,
        create_only: true,
        create_first: false,
        document: false,
        xero_type: None,
        lookup: Arc::new(OfCreditNote { credit_note_id: credit_note_id.to_owned(), created_now }),
        unique_names: false,
        active_status: None,
        noun: "allocation",
    }
}

/// Every allocation of `cn` fails with `message`.
fn fail_all(cn: &ErpCreditNote, path: &str, message: &str, code: ErrorCode) -> Vec<RecordResult> {
    let error =
        |j: usize| RecordError { code, message: message.to_owned(), path: Some(format!("{path}.allocations[{j}]")) };
    cn.allocations.iter().enumerate().map(|(j, a)| RecordResult::failed(j, &a.invoice, vec![error(j)])).collect()
}

/// Pushes the allocations of credit note `cn` (at request path `path`), given its own result.
pub fn sync(
    ctx: &Ctx<'_>,
    cn: &ErpCreditNote,
    cn_result: &RecordResult,
    contact_id: &str,
    path: &str,
) -> Result<Vec<RecordResult>> {
    if matches!(cn_result.outcome, Outcome::Failed | Outcome::Uncertain) {
        let message = "not allocated: the credit note itself was not pushed";
        return Ok(fail_all(cn, path, message, ErrorCode::Dependency));
    }
    let Some(cn_id) = cn_result.xero_id.clone() else {
        // A dry run of a new credit note: its allocations would be made with it.
        return Ok(cn
            .allocations
            .iter()
            .enumerate()
            .map(|(j, a)| RecordResult::new(j, &a.invoice, Outcome::Created))
            .collect());
    };
    let invoice_numbers: Vec<String> = cn.allocations.iter().map(|a| a.invoice.clone()).collect();
    let narrow = (cn.doc_type == DocumentType::Purchase).then_some(contact_id);
    let ids = match resolve_documents(ctx, &invoice_spec(cn.doc_type), &invoice_numbers, narrow, Voided::Refuse) {
        Ok(ids) => ids,
        Err(e) => return Ok(fail_all(cn, path, &format!("looking up the invoices failed: {}", e.message), e.code)),
    };
    let (mut results, candidates) = candidates(cn, &ids, path);
    // Allocations are made only after their credit note is settled, so one created by this push has none yet.
    let spec = spec(cn.doc_type, &cn_id, cn_result.outcome == Outcome::Created);
    for mut r in engine::sync(ctx, &spec, &candidates)? {
        r.key = cn.allocations[r.index].invoice.clone();
        results.push(r);
    }
    Ok(ordered(cn.allocations.len(), results, |j| format!("{path}.allocations[{j}]")))
}

/// The allocations whose invoice was found, as candidates; the others fail, saying why.
fn candidates(
    cn: &ErpCreditNote,
    ids: &HashMap<String, DocumentId>,
    path: &str,
) -> (Vec<RecordResult>, Vec<Candidate>) {
    let mut failed = Vec::new();
    let mut candidates = Vec::new();
    for (j, a) in cn.allocations.iter().enumerate() {
        let message = match ids.get(&a.invoice.to_lowercase()) {
            Some(Ok(invoice_id)) => {
                let element = map::allocation(invoice_id, a.amount, a.date.unwrap_or(cn.date));
                candidates.push(Candidate {
                    index: j,
                    key: format!("{}{SEP}{}", cn.number, a.invoice),
                    hash: element.hash("allocation"),
                    element,
                    natural: invoice_id.to_lowercase(),
                    refs: Vec::new(),
                });
                continue;
            }
            Some(Err(message)) => message.clone(),
            None => format!("invoice \"{}\" is not in Xero: push it first (push_invoices)", a.invoice),
        };
        let error = RecordError {
            code: ErrorCode::Dependency,
            message,
            path: Some(format!("{path}.allocations[{j}].invoice")),
        };
        failed.push(RecordResult::failed(j, &a.invoice, vec![error]));
    }
    (failed, candidates)
}
