//! What invoices, bills and credit notes share: how Xero finds them (number and type; a bill's number is the
//! supplier's, so its contact is part of its key), pushing resolved documents per type, restoring archived
//! contacts of refused documents, and finding documents by number for payments and allocations.

use super::engine::{self, Candidate, Ctx, Finder, Query, SEP, Spec, encoded_len, guid_where, lookup_chunks, or_where};
use super::map::member;
use super::schema::{DocumentType, ErpCreditNote, ErpInvoice, ErpLine, Outcome, Record, RecordResult};
use super::{archived, element, kinds};
use crate::error::{Error, ErrorCode, Result};
use crate::store::ledger;
use crate::xero::{DocType, where_string};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;

/// What invoices and credit notes share, for the steps that treat them alike.
pub trait ErpDocument {
    fn number(&self) -> &str;
    fn doc_type(&self) -> DocumentType;
    fn erp_lines(&self) -> &[ErpLine];
}

macro_rules! erp_document {
    ($($t:ty),*) => {$(
        impl ErpDocument for $t {
            fn number(&self) -> &str {
                &self.number
            }
            fn doc_type(&self) -> DocumentType {
                self.doc_type
            }
            fn erp_lines(&self) -> &[ErpLine] {
                &self.lines
            }
        }
    )*};
}
erp_document!(ErpInvoice, ErpCreditNote);

/// Invoices (or credit notes) of one Xero type, found by number; bills and supplier credit notes add the
/// contact to the natural key (`number SEP contactid`), since only the number is filtered on.
#[derive(Debug)]
struct ByNumber {
    xero_type: DocType,
    credit_notes: bool,
}

impl ByNumber {
    fn number_field(&self) -> &'static str {
        if self.credit_notes { "CreditNoteNumber" } else { "InvoiceNumber" }
    }

    fn collection(&self) -> &'static str {
        if self.credit_notes { "CreditNotes" } else { "Invoices" }
    }

    fn what(&self) -> &'static str {
        if self.credit_notes { "looking up credit notes" } else { "looking up invoices" }
    }

    /// A chunk of numbers: `InvoiceNumbers=` where Xero has it and no number holds a comma, else `where`.
    fn query(&self, chunk: &[&str]) -> Query {
        let kind = where_string(self.xero_type.as_str());
        let collection = self.collection();
        let q = Query::new(self.what(), format!("/{collection}"), collection).paged();
        let q = if self.credit_notes || chunk.iter().any(|n| n.contains(',')) {
            q.param("where", format!("Type=={kind} AND ({})", or_where(self.number_field(), chunk)))
        } else {
            q.param("where", format!("Type=={kind}")).param("InvoiceNumbers", chunk.join(","))
        };
        q.param("unitdp", "4")
    }
}

impl Finder for ByNumber {
    fn queries(&self, naturals: &[&str]) -> Vec<Query> {
        // The first part of a composite key is what Xero can filter on.
        let mut numbers: Vec<&str> = naturals.iter().map(|n| n.split(SEP).next().unwrap_or(n)).collect();
        numbers.dedup();
        // Sized for the larger form, a `where` filter (`Field=="value" OR `).
        lookup_chunks(&numbers, |n| encoded_len(n) + 30).into_iter().map(|chunk| self.query(&chunk)).collect()
    }

    fn natural_of(&self, found: &Value) -> Option<String> {
        let number = member(found, self.number_field())?.to_lowercase();
        if member(found, "Type") != Some(self.xero_type.as_str()) {
            return None;
        }
        if !self.xero_type.is_purchase() {
            return Some(number);
        }
        let contact_id = found.get("Contact").and_then(|c| member(c, "ContactID"))?.to_lowercase();
        Some(format!("{number}{SEP}{contact_id}"))
    }

    fn by_ids(&self, ids: &[&str]) -> Vec<Query> {
        let collection = self.collection();
        let what = if self.credit_notes { "reading credit notes" } else { "reading invoices" };
        lookup_chunks(ids, |id| encoded_len(id) + 40)
            .into_iter()
            .map(|chunk| {
                let q = Query::new(what, format!("/{collection}"), collection).paged();
                let q = if self.credit_notes {
                    q.param("where", guid_where("CreditNoteID", &chunk))
                } else {
                    q.param("IDs", chunk.join(","))
                };
                q.param("unitdp", "4")
            })
            .collect()
    }
}

/// What a sales invoice or bill is in Xero.
pub fn invoice_spec(t: DocumentType) -> Spec {
    let (ledger_kind, noun) = match t {
        DocumentType::Sales => (kinds::SALES_INVOICE, "invoice"),
        DocumentType::Purchase => (kinds::PURCHASE_INVOICE, "bill"),
    };
    Spec {
        ledger_kind,
        endpoint: "/Invoices".into(),
        collection: "Invoices",
        id_field: "InvoiceID",
        number_field: Some("InvoiceNumber"),
        status_field: Some("Status"),
        unitdp: true,
        create_only: false,
        create_first: t == DocumentType::Sales,
        document: true,
        xero_type: Some(t.invoice_type()),
        lookup: Arc::new(ByNumber { xero_type: t.invoice_type(), credit_notes: false }),
        unique_names: false,
        active_status: None,
        noun,
    }
}

/// What a credit note is in Xero.
pub fn credit_note_spec(t: DocumentType) -> Spec {
    let ledger_kind = match t {
        DocumentType::Sales => kinds::SALES_CREDIT_NOTE,
        DocumentType::Purchase => kinds::PURCHASE_CREDIT_NOTE,
    };
    Spec {
        ledger_kind,
        endpoint: "/CreditNotes".into(),
        collection: "CreditNotes",
        id_field: "CreditNoteID",
        number_field: Some("CreditNoteNumber"),
        status_field: Some("Status"),
        unitdp: true,
        create_only: false,
        create_first: t == DocumentType::Sales,
        document: true,
        xero_type: Some(t.credit_note_type()),
        lookup: Arc::new(ByNumber { xero_type: t.credit_note_type(), credit_notes: true }),
        unique_names: false,
        active_status: None,
        noun: "credit note",
    }
}

/// The natural key of a document: its number, and for purchase documents its contact.
fn natural_of_document(t: DocumentType, number: &str, contact_id: &str) -> String {
    match t {
        DocumentType::Sales => number.to_owned(),
        DocumentType::Purchase => format!("{number}{SEP}{}", contact_id.to_lowercase()),
    }
}

/// A document whose contact and items were found: ready to map and push.
pub struct Ready {
    pub doc: super::dependencies::Pending,
    pub contact_id: String,
}

/// The results of pushing resolved documents, and each document's contact id by record index.
pub struct Pushed {
    pub results: Vec<RecordResult>,
    pub contact_of: HashMap<usize, String>,
}

/// Pushes resolved documents, sales then purchase, each type under its own spec; `element_of` maps one
/// document for its contact.
pub fn sync_resolved<D: ErpDocument>(
    ctx: &Ctx<'_>,
    records: &[Record<D>],
    mut ready: Vec<Ready>,
    spec_of: fn(DocumentType) -> Spec,
    element_of: fn(&D, &str, Vec<crate::xero::LineItem>) -> element::Element,
) -> Result<Pushed> {
    let mut out = Pushed { results: Vec::new(), contact_of: HashMap::new() };
    for t in [DocumentType::Sales, DocumentType::Purchase] {
        let spec = spec_of(t);
        // Moved, not copied: each pending document becomes one candidate.
        let (this_type, rest): (Vec<_>, Vec<_>) =
            std::mem::take(&mut ready).into_iter().partition(|r| r.doc.doc_type == t);
        ready = rest;
        let candidates: Vec<Candidate> = this_type
            .into_iter()
            .map(|Ready { doc: p, contact_id }| {
                let Record::Valid(doc) = &records[p.index] else { unreachable!("pending records are valid") };
                let element = element_of(doc, &contact_id, p.lines);
                let natural = natural_of_document(t, &p.key, &contact_id);
                out.contact_of.insert(p.index, contact_id);
                Candidate {
                    index: p.index,
                    hash: element.hash(spec.ledger_kind),
                    element,
                    natural,
                    key: p.key,
                    refs: p.refs,
                }
            })
            .collect();
        if !candidates.is_empty() {
            let mut written = engine::sync(ctx, &spec, &candidates)?;
            if !ctx.dry_run {
                retry_archived_contacts(ctx, &spec, &candidates, &out.contact_of, &mut written)?;
            }
            out.results.extend(written);
        }
    }
    Ok(out)
}

/// Documents Xero refused whose contact turns out to be ARCHIVED: the contact is restored and they are sent once
/// more ([`archived`]). `results` are `candidates`' results, replaced where the second try tells more.
fn retry_archived_contacts(
    ctx: &Ctx<'_>,
    spec: &Spec,
    candidates: &[Candidate],
    contact_of: &HashMap<usize, String>,
    results: &mut [RecordResult],
) -> Result<()> {
    let refused: Vec<&Candidate> = candidates
        .iter()
        .zip(results.iter())
        .filter(|(_, r)| r.outcome == Outcome::Failed && r.errors.iter().any(|e| e.code == ErrorCode::Xero))
        .map(|(c, _)| c)
        .collect();
    let mut ids: Vec<&str> = refused.iter().filter_map(|c| contact_of.get(&c.index).map(String::as_str)).collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(());
    }
    let restored = match archived::restore(ctx, &ids) {
        Ok(restored) => restored,
        // Xero's refusals stand, and why they could not be mended is said beside them: a dropped connection is
        // worth pushing again for (the contact may even be ACTIVE by now), an archived contact needs a person.
        Err(e) => {
            let refused: Vec<usize> = refused.iter().map(|c| c.index).collect();
            for r in results.iter_mut().filter(|r| refused.contains(&r.index)) {
                let path = r.errors.first().and_then(|x| x.path.clone());
                r.errors.push(archived::restore_failed(&e, path));
            }
            return Ok(());
        }
    };
    let again: Vec<Candidate> = refused
        .into_iter()
        .filter(|c| contact_of.get(&c.index).is_some_and(|id| restored.contains(&id.to_lowercase())))
        .cloned()
        .collect();
    if again.is_empty() {
        return Ok(());
    }
    for mut r in engine::sync(ctx, spec, &again)? {
        r.warnings.push(
            "its contact was ARCHIVED in Xero; it was made ACTIVE again so that the ERP's document could be posted"
                .into(),
        );
        if let Some(slot) = results.iter_mut().find(|s| s.index == r.index) {
            *slot = r;
        }
    }
    Ok(())
}

/// A document found by number: its Xero id, or why it cannot be used.
pub type DocumentId = std::result::Result<String, String>;

/// What a lookup does with a number Xero holds only VOIDED or DELETED documents under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Voided {
    /// Says so: the number's document cannot take a payment or an allocation.
    Refuse,
    /// Takes its id, to report its state.
    Take,
}

/// Xero ids of documents by number (lower case), from the ledger, else from Xero (`contact_id` narrows bills).
pub fn resolve_documents(
    ctx: &Ctx<'_>,
    spec: &Spec,
    numbers: &[String],
    contact_id: Option<&str>,
    voided: Voided,
) -> std::result::Result<HashMap<String, DocumentId>, Error> {
    let keys: Vec<&str> = numbers.iter().map(String::as_str).collect();
    let entries = ledger::load(&ctx.store, &ctx.scope, spec.ledger_kind, &keys)?;
    let mut out: HashMap<String, DocumentId> = HashMap::new();
    for (k, e) in entries {
        if let Some(id) = e.xero_id {
            out.insert(k.to_lowercase(), Ok(id));
        }
    }
    let missing: Vec<&str> =
        numbers.iter().filter(|n| !out.contains_key(&n.to_lowercase())).map(String::as_str).collect();
    if missing.is_empty() {
        return Ok(out);
    }
    let mut found = found_by_number(ctx, spec, &missing, contact_id)?;
    for n in missing {
        let key = n.to_lowercase();
        let (usable, gone): (Vec<Held>, Vec<Held>) =
            found.remove(&key).unwrap_or_default().into_iter().partition(|h| !h.voided());
        let noun = spec.noun;
        let id = match (usable.as_slice(), gone.as_slice()) {
            ([], []) => continue,
            ([one], _) => Ok(one.id.clone()),
            ([], [first, ..]) if voided == Voided::Take => Ok(first.id.clone()),
            // Xero keeps a voided or deleted document's number (developer.xero.com/documentation/api/accounting/
            // invoices: "Deleting and voiding invoices"), and takes no payment or allocation against it.
            ([], [first, ..]) => Err(format!(
                "the {noun} \"{n}\" is {} in Xero, so nothing can be paid or allocated against it there: if the \
                 ERP still wants it, ask whoever {} it in Xero, or push the ERP's {noun} again under a new number",
                first.status,
                first.status.to_lowercase(),
            )),
            (several, _) => {
                Err(format!("Xero holds {} {noun}s numbered \"{n}\": push it through xero-link first", several.len()))
            }
        };
        out.insert(key, id);
    }
    Ok(out)
}

/// A document Xero holds under a number.
struct Held {
    id: String,
    status: String,
}

impl Held {
    fn voided(&self) -> bool {
        matches!(self.status.as_str(), "DELETED" | "VOIDED")
    }
}

/// The documents of `spec`'s type (and contact, when given) Xero holds under `numbers`, by number (lower case).
fn found_by_number(
    ctx: &Ctx<'_>,
    spec: &Spec,
    numbers: &[&str],
    contact_id: Option<&str>,
) -> std::result::Result<HashMap<String, Vec<Held>>, Error> {
    let number_field = spec.number_field.unwrap_or("InvoiceNumber");
    let kind = spec.xero_type.map(DocType::as_str);
    let mut found: HashMap<String, Vec<Held>> = HashMap::new();
    for f in engine::lookup(ctx, spec, numbers)? {
        if member(&f, "Type") != kind {
            continue;
        }
        if let Some(c) = contact_id {
            let fc = f.get("Contact").and_then(|x| member(x, "ContactID")).unwrap_or_default();
            if !fc.eq_ignore_ascii_case(c) {
                continue;
            }
        }
        if let (Some(n), Some(id)) = (member(&f, number_field), member(&f, spec.id_field)) {
            let status = member(&f, "Status").unwrap_or_default().to_owned();
            found.entry(n.to_lowercase()).or_default().push(Held { id: id.to_owned(), status });
        }
    }
    Ok(found)
}
