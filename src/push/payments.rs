//! Payments against invoices and refunds of credit notes: each made once (Xero never changes a payment).

use super::documents::{DocumentId, Voided, credit_note_spec, invoice_spec, resolve_documents};
use super::engine::{self, Candidate, Ctx, Finder, Query, Spec, encoded_len, guid_where, lookup_chunks};
use super::map::{self, Problems, RefCheck, member};
use super::records::{ErpRecord, check_each, ordered, response};
use super::schema::{DocumentType, ErpPayment, PushPaymentsRequest, PushResponse, Record, RecordError, RecordResult};
use super::{Needs, XeroApi, kinds};
use crate::config::LinkFunction;
use crate::error::{ErrorCode, Result};
use crate::registry::Connection;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// `push_payments` needs payments ticked.
pub const NEEDS: Needs = Needs::any("pushing payments", &[LinkFunction::Payments]);

impl ErpRecord for ErpPayment {
    const KEY_FIELD: &'static str = "id";
    fn key(&self) -> &str {
        &self.id
    }
}

/// Payments on a document, found by the document's id: natural `i:<InvoiceID>` or `c:<CreditNoteID>`.
#[derive(Debug)]
struct OnDocument;

impl Finder for OnDocument {
    fn queries(&self, naturals: &[&str]) -> Vec<Query> {
        let parts: Vec<String> = naturals
            .iter()
            .filter_map(|n| match (n.strip_prefix("i:"), n.strip_prefix("c:")) {
                (Some(id), _) => Some(guid_where("Invoice.InvoiceID", &[id])),
                (_, Some(id)) => Some(guid_where("CreditNote.CreditNoteID", &[id])),
                _ => None,
            })
            .collect();
        let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
        lookup_chunks(&parts, |p| encoded_len(p) + 4)
            .into_iter()
            .map(|chunk| {
                Query::new("looking up payments", "/Payments", "Payments").param("where", chunk.join(" OR ")).paged()
            })
            .collect()
    }

    fn natural_of(&self, found: &Value) -> Option<String> {
        if let Some(id) = found.get("Invoice").and_then(|d| member(d, "InvoiceID")) {
            return Some(format!("i:{}", id.to_lowercase()));
        }
        found.get("CreditNote").and_then(|d| member(d, "CreditNoteID")).map(|id| format!("c:{}", id.to_lowercase()))
    }

    /// A payment on the same document, of the same day into the same bank account, not told apart by its
    /// reference: the ERP's payment changed after it was pushed (and the ledger lost since), or the same money
    /// entered in Xero by hand. Xero never changes a payment (developer.xero.com/documentation/api/accounting/
    /// payments: payments can only be deleted), so making this one too would pay the document twice.
    fn likely_same(&self, sent: &Value, found: &Value) -> Option<String> {
        let day_and_account = serde_json::json!({"Date": sent.get("Date"), "Account": sent.get("Account")});
        let reference = |v: &Value| member(v, "Reference").unwrap_or_default().trim().to_owned();
        if !map::matches(found, &day_and_account) || reference(found) != reference(sent) {
            return None;
        }
        let amount = map::member_decimal(found, "Amount").map(|a| format!("{:.2}", a)).unwrap_or_default();
        let date = member(found, "Date").and_then(map::xero_date).map(|d| d.to_string()).unwrap_or_default();
        let account = found.get("Account").and_then(|a| member(a, "Code")).unwrap_or_default();
        let id = member(found, "PaymentID").unwrap_or_default();
        Some(format!(
            "Xero already holds a payment of {amount} on this document, dated {date} into bank account {account} \
             (PaymentID {id}), that xero-link has no record of: this payment pushed before with other values (and \
             xero-link's records of the push lost since), or the same money entered in Xero by hand. Xero never \
             changes a payment, so this one was not made beside it: if it is this payment, delete it in Xero and \
             push again; if it is another, push this one with a reference that tells them apart"
        ))
    }
}

/// What a payment is in Xero.
fn spec() -> Spec {
    Spec {
        ledger_kind: kinds::PAYMENT,
        endpoint: "/Payments".into(),
        collection: "Payments",
        id_field: "PaymentID",
        number_field: None,
        status_field: Some("Status"),
        unitdp: false,
        create_only: true,
        create_first: false,
        document: false,
        xero_type: None,
        lookup: Arc::new(OnDocument),
        unique_names: false,
        active_status: None,
        noun: "payment",
    }
}

/// The document a payment is for: an invoice or a credit note, of one side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct PaidKind {
    invoice: bool,
    doc_type: DocumentType,
}

impl PaidKind {
    fn of(pay: &ErpPayment) -> PaidKind {
        PaidKind { invoice: pay.invoice.is_some(), doc_type: pay.doc_type }
    }
}

fn paid_number(pay: &ErpPayment) -> String {
    pay.invoice.clone().or_else(|| pay.credit_note.clone()).unwrap_or_default()
}

/// Xero ids of the paid documents, per kind of document, by number (lower case).
fn paid_documents(ctx: &Ctx<'_>, valid: &[(usize, &ErpPayment)]) -> HashMap<PaidKind, HashMap<String, DocumentId>> {
    let mut out = HashMap::new();
    for invoice in [true, false] {
        for doc_type in [DocumentType::Sales, DocumentType::Purchase] {
            let kind = PaidKind { invoice, doc_type };
            let numbers: Vec<String> = valid
                .iter()
                .filter(|(_, p)| PaidKind::of(p) == kind)
                .map(|(_, p)| paid_number(p))
                .collect::<HashSet<_>>()
                .into_iter()
                .collect();
            if numbers.is_empty() {
                continue;
            }
            let spec = if invoice { invoice_spec(doc_type) } else { credit_note_spec(doc_type) };
            let ids = resolve_documents(ctx, &spec, &numbers, None, Voided::Refuse).unwrap_or_else(|e| {
                let why = format!("looking it up failed: {}", e.message);
                numbers.into_iter().map(|n| (n.to_lowercase(), Err(why.clone()))).collect()
            });
            out.insert(kind, ids);
        }
    }
    out
}

/// The paid document's Xero id, or why the payment cannot be made.
fn paid_document_id(
    docs: &HashMap<PaidKind, HashMap<String, DocumentId>>,
    pay: &ErpPayment,
    path: &str,
) -> std::result::Result<String, RecordError> {
    let kind = PaidKind::of(pay);
    let number = paid_number(pay);
    let field = if kind.invoice { "invoice" } else { "credit_note" };
    let message = match docs.get(&kind).and_then(|m| m.get(&number.to_lowercase())) {
        Some(Ok(id)) => return Ok(id.clone()),
        Some(Err(message)) => message.clone(),
        None => {
            let what = if kind.invoice { "invoice" } else { "credit note" };
            format!("{} {what} \"{number}\" is not in Xero: push it first", map::type_word(pay.doc_type))
        }
    };
    Err(RecordError { code: ErrorCode::Dependency, message, path: Some(format!("{path}.{field}")) })
}

/// `push_payments`. The caller has checked [`NEEDS`].
pub fn push(connection: &Connection, request: PushPaymentsRequest, api: &dyn XeroApi) -> Result<PushResponse> {
    let config = &connection.config;
    let ctx = Ctx::new(config, api, super::records::deadline(config, request.deadline_ms), request.dry_run)?;
    let prefix = "payments";
    let path_of = |i: usize| format!("{prefix}[{i}]");
    let checked = check_each(&request.payments, prefix, path_of, |_, pay, path| {
        map::check_payment(pay, path).map_err(|Problems(errs)| errs)
    });
    let mut results = checked.failed;
    let valid: Vec<(usize, &ErpPayment, Vec<RefCheck>)> = checked
        .passed
        .into_iter()
        .map(|(i, refs)| {
            let Record::Valid(pay) = &request.payments[i] else { unreachable!("passed records are valid") };
            (i, pay, refs)
        })
        .collect();
    let pairs: Vec<(usize, &ErpPayment)> = valid.iter().map(|(i, p, _)| (*i, *p)).collect();
    let docs = paid_documents(&ctx, &pairs);
    let mut candidates = Vec::new();
    for (i, pay, refs) in valid {
        let doc_id = match paid_document_id(&docs, pay, &path_of(i)) {
            Ok(id) => id,
            Err(e) => {
                results.push(RecordResult::failed(i, &pay.id, vec![e]));
                continue;
            }
        };
        let element = map::payment(pay, &doc_id);
        let side = if pay.invoice.is_some() { "i" } else { "c" };
        candidates.push(Candidate {
            index: i,
            key: pay.id.clone(),
            hash: element.hash(kinds::PAYMENT),
            element,
            natural: format!("{side}:{}", doc_id.to_lowercase()),
            refs,
        });
    }
    results.extend(engine::sync(&ctx, &spec(), &candidates)?);
    Ok(response(request.dry_run, ordered(request.payments.len(), results, path_of)))
}
