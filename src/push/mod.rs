//! Pushing the ERP's records into Xero: the ERP-side schema, mapping with the administrator's defaults, the
//! ledger that makes every push exactly-once, batching, dry runs, and per-record results.
//!
//! Entry points take the connection, the typed request and a [`XeroApi`]; the operations in `ops/` pass
//! [`SessionApi`] (the signed-in session over the transport), tests pass an in-process simulator.

pub mod amount;
mod answer;
pub mod api;
mod archived;
pub mod element;
pub mod engine;
pub mod map;
mod names;
pub mod refdata;
pub mod reference;
pub mod schema;

pub use api::{SessionApi, XeroApi};

use crate::config::{Config, LinkFunction};
use crate::deadline::Deadline;
use crate::error::{Error, ErrorCode, Result};
use crate::registry::Connection;
use crate::store::ledger;
use engine::{Candidate, Ctx, Lookup, SEP, Spec};
use map::Problems;
use schema::*;
use std::collections::{HashMap, HashSet};

/// Ledger kinds (stable: they are stored).
pub mod kinds {
    pub const CONTACT: &str = "contact";
    pub const ITEM: &str = "item";
    pub const SALES_INVOICE: &str = "sales_invoice";
    pub const PURCHASE_INVOICE: &str = "purchase_invoice";
    pub const SALES_CREDIT_NOTE: &str = "sales_credit_note";
    pub const PURCHASE_CREDIT_NOTE: &str = "purchase_credit_note";
    pub const SALES_ALLOCATION: &str = "sales_allocation";
    pub const PURCHASE_ALLOCATION: &str = "purchase_allocation";
    pub const PAYMENT: &str = "payment";
}

fn deadline(config: &Config, deadline_ms: Option<u64>) -> Deadline {
    Deadline::from_request(deadline_ms, config.timeouts.default_deadline_ms)
}

/// The link functions an operation needs (at least one ticked), checked before signing in, so a connection
/// configured without them answers `function_disabled` whatever its sign-in state.
pub fn ensure_enabled(config: &Config, operation: &str) -> Result<()> {
    let (what, functions): (&str, &[LinkFunction]) = match operation {
        "push_contacts" => ("pushing contacts", &[LinkFunction::Debtors, LinkFunction::Creditors]),
        "push_items" => ("pushing items", &[LinkFunction::Inventory]),
        "push_invoice" | "push_invoices" => {
            ("pushing invoices", &[LinkFunction::SalesInvoices, LinkFunction::PurchaseInvoices])
        }
        "push_credit_notes" => ("pushing credit notes", &[LinkFunction::CreditNotes]),
        "push_payments" => ("pushing payments", &[LinkFunction::Payments]),
        _ => return Ok(()),
    };
    require_any(config, what, functions)
}

fn function_disabled(what: &str, functions: &[LinkFunction]) -> Error {
    let names: Vec<&str> = functions.iter().map(|f| f.as_str()).collect();
    Error::new(
        ErrorCode::FunctionDisabled,
        format!("{what} needs the link function {} ticked in the connection's functions", names.join(" or ")),
    )
    .with("functions", names)
}

fn require_any(config: &Config, what: &str, functions: &[LinkFunction]) -> Result<()> {
    if functions.iter().any(|f| config.function_enabled(*f)) { Ok(()) } else { Err(function_disabled(what, functions)) }
}

fn record_disabled(function: LinkFunction, path: &str) -> RecordError {
    RecordError {
        code: ErrorCode::FunctionDisabled,
        message: format!("the link function `{}` is not ticked in the connection's functions", function.as_str()),
        path: Some(path.to_owned()),
    }
}

fn decode_error(prefix: &str, message: &str, path: &str) -> RecordError {
    let full = if path.is_empty() { prefix.to_owned() } else { format!("{prefix}.{path}") };
    RecordError { code: ErrorCode::Validation, message: message.to_owned(), path: Some(full) }
}

/// The ERP key of a record that did not decode, when it has one.
fn raw_key(raw: &serde_json::Value, field: &str) -> String {
    raw.get(field).and_then(|v| v.as_str()).unwrap_or_default().to_owned()
}

fn response(dry_run: bool, results: Vec<RecordResult>) -> PushResponse {
    PushResponse { dry_run, summary: Summary::of(&results), results, contacts: None, items: None }
}

fn contact_spec() -> Spec {
    Spec {
        ledger_kind: kinds::CONTACT,
        endpoint: "/Contacts".into(),
        collection: "Contacts",
        id_field: "ContactID",
        number_field: Some("ContactNumber"),
        status_field: Some("ContactStatus"),
        unitdp: false,
        create_only: false,
        create_first: false,
        document: false,
        lookup: Lookup::Contacts,
        unique_names: true,
        active_status: Some(("ContactStatus", "ACTIVE")),
        noun: "contact",
    }
}

fn item_spec() -> Spec {
    Spec {
        ledger_kind: kinds::ITEM,
        endpoint: "/Items".into(),
        collection: "Items",
        id_field: "ItemID",
        number_field: Some("Code"),
        status_field: None,
        unitdp: true,
        create_only: false,
        create_first: true,
        document: false,
        lookup: Lookup::Items,
        unique_names: false,
        active_status: None,
        noun: "item",
    }
}

fn invoice_spec(t: DocumentType) -> Spec {
    let (ledger_kind, kind, noun) = match t {
        DocumentType::Sales => (kinds::SALES_INVOICE, "ACCREC", "invoice"),
        DocumentType::Purchase => (kinds::PURCHASE_INVOICE, "ACCPAY", "bill"),
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
        lookup: Lookup::Invoices { kind },
        unique_names: false,
        active_status: None,
        noun,
    }
}

fn credit_note_spec(t: DocumentType) -> Spec {
    let (ledger_kind, kind) = match t {
        DocumentType::Sales => (kinds::SALES_CREDIT_NOTE, "ACCRECCREDIT"),
        DocumentType::Purchase => (kinds::PURCHASE_CREDIT_NOTE, "ACCPAYCREDIT"),
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
        lookup: Lookup::CreditNotes { kind },
        unique_names: false,
        active_status: None,
        noun: "credit note",
    }
}

fn payment_spec() -> Spec {
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
        lookup: Lookup::Payments,
        unique_names: false,
        active_status: None,
        noun: "payment",
    }
}

fn allocation_spec(t: DocumentType, credit_note_id: &str, created_now: bool) -> Spec {
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
        lookup: Lookup::Allocations { credit_note_id: credit_note_id.to_owned(), created_now },
        unique_names: false,
        active_status: None,
        noun: "allocation",
    }
}

/// Places results by index into an array of `n` (every slot is filled by construction). An error that names no
/// field (Xero's own validation messages, failed calls) is given its record's request path, `path_of(index)`, so
/// the host can tell which record of the request it belongs to.
fn ordered(n: usize, parts: Vec<RecordResult>, path_of: impl Fn(usize) -> String) -> Vec<RecordResult> {
    let mut slots: Vec<Option<RecordResult>> = vec![None; n];
    for mut r in parts {
        let i = r.index;
        for e in r.errors.iter_mut().filter(|e| e.path.is_none()) {
            e.path = Some(path_of(i));
        }
        slots[i] = Some(r);
    }
    slots.into_iter().enumerate().map(|(i, r)| r.unwrap_or_else(|| RecordResult::new(i, "", Outcome::Failed))).collect()
}

/// Marks later records whose key repeats an earlier one as failed; returns whether `key` is new.
fn first_of_key(seen: &mut HashMap<String, usize>, key: &str, index: usize, prefix: &str) -> Option<RecordError> {
    match seen.get(&key.to_lowercase()) {
        Some(first) => Some(RecordError {
            code: ErrorCode::Validation,
            message: format!("\"{key}\" is also {prefix}[{first}]: each record appears once per request"),
            path: Some(format!("{prefix}[{index}]")),
        }),
        None => {
            seen.insert(key.to_lowercase(), index);
            None
        }
    }
}

// ------------------------------------------------------------------------------------------------- contacts

fn sync_contacts(ctx: &Ctx<'_>, records: &[Record<ErpContact>], prefix: &str) -> Result<Vec<RecordResult>> {
    let mut results = Vec::new();
    let mut candidates = Vec::new();
    let mut seen = HashMap::new();
    for (i, rec) in records.iter().enumerate() {
        let path = format!("{prefix}[{i}]");
        let c = match rec {
            Record::Invalid { message, path: p, raw } => {
                results.push(RecordResult::failed(i, raw_key(raw, "code"), vec![decode_error(&path, message, p)]));
                continue;
            }
            Record::Valid(c) => c,
        };
        let function = match c.role {
            ContactRole::Debtor => LinkFunction::Debtors,
            ContactRole::Creditor => LinkFunction::Creditors,
        };
        if !ctx.config.function_enabled(function) {
            results.push(RecordResult::failed(i, &c.code, vec![record_disabled(function, &format!("{path}.role"))]));
            continue;
        }
        match map::contact(c, &path) {
            Err(Problems(errs)) => results.push(RecordResult::failed(i, &c.code, errs)),
            Ok(element) => {
                if let Some(dup) = first_of_key(&mut seen, &c.code, i, prefix) {
                    results.push(RecordResult::failed(i, &c.code, vec![dup]));
                    continue;
                }
                candidates.push(Candidate {
                    index: i,
                    key: c.code.clone(),
                    hash: element.hash(kinds::CONTACT),
                    element,
                    natural: c.code.clone(),
                    refs: Vec::new(),
                });
            }
        }
    }
    results.extend(engine::sync(ctx, &contact_spec(), &candidates)?);
    Ok(ordered(records.len(), results, |i| format!("{prefix}[{i}]")))
}

/// `push_contacts`: debtors and creditors become Xero contacts keyed by their code.
pub fn contacts(connection: &Connection, request: PushContactsRequest, api: &dyn XeroApi) -> Result<PushResponse> {
    let config = &connection.config;
    require_any(config, "pushing contacts", &[LinkFunction::Debtors, LinkFunction::Creditors])?;
    let ctx = Ctx::new(config, api, deadline(config, request.deadline_ms), request.dry_run)?;
    Ok(response(request.dry_run, sync_contacts(&ctx, &request.contacts, "contacts")?))
}

// ------------------------------------------------------------------------------------------------- items

fn sync_items(ctx: &Ctx<'_>, records: &[Record<ErpItem>], prefix: &str) -> Result<Vec<RecordResult>> {
    let mut results = Vec::new();
    let mut candidates = Vec::new();
    let mut seen = HashMap::new();
    for (i, rec) in records.iter().enumerate() {
        let path = format!("{prefix}[{i}]");
        let it = match rec {
            Record::Invalid { message, path: p, raw } => {
                results.push(RecordResult::failed(i, raw_key(raw, "code"), vec![decode_error(&path, message, p)]));
                continue;
            }
            Record::Valid(it) => it,
        };
        if !ctx.config.function_enabled(LinkFunction::Inventory) {
            results.push(RecordResult::failed(i, &it.code, vec![record_disabled(LinkFunction::Inventory, &path)]));
            continue;
        }
        match map::item(it, &path, ctx.config) {
            Err(Problems(errs)) => results.push(RecordResult::failed(i, &it.code, errs)),
            Ok((element, refs)) => {
                if let Some(dup) = first_of_key(&mut seen, &it.code, i, prefix) {
                    results.push(RecordResult::failed(i, &it.code, vec![dup]));
                    continue;
                }
                candidates.push(Candidate {
                    index: i,
                    key: it.code.clone(),
                    hash: element.hash(kinds::ITEM),
                    element,
                    natural: it.code.clone(),
                    refs,
                });
            }
        }
    }
    results.extend(engine::sync(ctx, &item_spec(), &candidates)?);
    Ok(ordered(records.len(), results, |i| format!("{prefix}[{i}]")))
}

/// `push_items`: inventory items, with the sales and cost-of-sales accounts.
pub fn items(connection: &Connection, request: PushItemsRequest, api: &dyn XeroApi) -> Result<PushResponse> {
    let config = &connection.config;
    require_any(config, "pushing items", &[LinkFunction::Inventory])?;
    let ctx = Ctx::new(config, api, deadline(config, request.deadline_ms), request.dry_run)?;
    Ok(response(request.dry_run, sync_items(&ctx, &request.items, "items")?))
}

// ------------------------------------------------------------------------------------------------- dependencies

/// Xero ids of records of `kind` by ERP key (lower case): the ledger first, then Xero by natural key.
/// `carried` are the results of the same request's dependency records (a dry run has no id for new ones).
fn resolve(
    ctx: &Ctx<'_>,
    spec: &Spec,
    keys: &[String],
    carried: &HashMap<String, RecordResult>,
) -> std::result::Result<HashMap<String, String>, Error> {
    let mut keys: Vec<String> = keys.to_vec();
    keys.sort_unstable();
    keys.dedup();
    let mut out = HashMap::new();
    // The ledger stores keys as the ERP wrote them.
    let ledger_keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    let entries = ledger::load(&ctx.store, &ctx.scope, spec.ledger_kind, &ledger_keys)?;
    for (k, e) in &entries {
        if let Some(id) = &e.xero_id {
            out.insert(k.to_lowercase(), id.clone());
        }
    }
    for (k, r) in carried {
        if let Some(id) = &r.xero_id {
            out.entry(k.clone()).or_insert_with(|| id.clone());
        } else if ctx.dry_run && matches!(r.outcome, Outcome::Created) {
            out.entry(k.clone()).or_insert_with(|| "00000000-0000-0000-0000-000000000000".into());
        }
    }
    let missing: Vec<&str> = keys.iter().filter(|k| !out.contains_key(&k.to_lowercase())).map(String::as_str).collect();
    if !missing.is_empty() {
        for f in engine::lookup(ctx, spec, &missing)? {
            let key = match spec.lookup {
                Lookup::Contacts => map::member(&f, "ContactNumber"),
                Lookup::Items => map::member(&f, "Code"),
                _ => None,
            };
            if let (Some(k), Some(id)) = (key, map::member(&f, spec.id_field)) {
                out.entry(k.to_lowercase()).or_insert_with(|| id.to_owned());
            }
        }
    }
    Ok(out)
}

/// Why a dependency is missing, pointing at the carried record when it failed.
fn missing_dependency(
    what: &str,
    code: &str,
    path: &str,
    carried: &HashMap<String, RecordResult>,
    carried_prefix: &str,
    operation: &str,
) -> RecordError {
    let message = match carried.get(&code.to_lowercase()) {
        Some(r) => {
            format!("{what} \"{code}\" is not in Xero: its push ({carried_prefix}[{}]) ended {:?}", r.index, r.outcome)
                .to_lowercase()
                .replacen(&what.to_lowercase(), what, 1)
        }
        None => format!(
            "{what} \"{code}\" is not in Xero: push it first ({operation}) or carry it in this request's \"{carried_prefix}\""
        ),
    };
    RecordError { code: ErrorCode::Dependency, message, path: Some(path.to_owned()) }
}

fn carried_map(results: &Option<Vec<RecordResult>>) -> HashMap<String, RecordResult> {
    results
        .iter()
        .flatten()
        .filter(|r| r.outcome != Outcome::Failed && r.outcome != Outcome::Uncertain)
        .map(|r| (r.key.to_lowercase(), r.clone()))
        .collect()
}

fn carried_all(results: &Option<Vec<RecordResult>>) -> HashMap<String, RecordResult> {
    results.iter().flatten().map(|r| (r.key.to_lowercase(), r.clone())).collect()
}

/// A document ready but for its contact and items.
struct Pending {
    index: usize,
    key: String,
    /// Request path of the document, e.g. `invoices[3]`.
    path: String,
    doc_type: DocumentType,
    contact_field: &'static str,
    contact: String,
    lines: Vec<crate::xero::LineItem>,
    refs: Vec<map::RefCheck>,
    items: Vec<(String, String)>,
}

/// What invoices and credit notes share, for the steps that treat them alike.
trait ErpDocument {
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

impl Pending {
    /// A checked document (record `index` at `path`), its contact code, mapped lines and references.
    fn of(
        index: usize,
        doc: &impl ErpDocument,
        path: String,
        contact: Option<String>,
        lines: Vec<crate::xero::LineItem>,
        refs: Vec<map::RefCheck>,
    ) -> Pending {
        let doc_type = doc.doc_type();
        Pending {
            index,
            key: doc.number().to_owned(),
            items: item_paths(&path, doc.erp_lines()),
            path,
            doc_type,
            contact_field: if doc_type == DocumentType::Sales { "debtor" } else { "creditor" },
            contact: contact.expect("a checked document names its contact"),
            lines,
            refs,
        }
    }
}

/// Pushes resolved documents, sales then purchase, each type under its own spec; `element_of` maps one document
/// for its contact. Also returns each document's contact id by record index.
type ResolvedResults = (Vec<RecordResult>, HashMap<usize, String>);

fn sync_resolved<D: ErpDocument>(
    ctx: &Ctx<'_>,
    records: &[Record<D>],
    mut ready: Vec<(Pending, String)>,
    spec_of: fn(DocumentType) -> Spec,
    element_of: fn(&D, &str, Vec<crate::xero::LineItem>) -> element::Element,
) -> Result<ResolvedResults> {
    let mut results = Vec::new();
    let mut contact_of = HashMap::new();
    for t in [DocumentType::Sales, DocumentType::Purchase] {
        let spec = spec_of(t);
        // Moved, not copied: each pending document becomes one candidate.
        let (this_type, rest): (Vec<_>, Vec<_>) =
            std::mem::take(&mut ready).into_iter().partition(|(p, _)| p.doc_type == t);
        ready = rest;
        let candidates: Vec<Candidate> = this_type
            .into_iter()
            .map(|(p, contact_id)| {
                let Record::Valid(doc) = &records[p.index] else { unreachable!("pending records are valid") };
                let element = element_of(doc, &contact_id, p.lines);
                let natural = natural_of_document(t, &p.key, &contact_id);
                contact_of.insert(p.index, contact_id);
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
                retry_archived_contacts(ctx, &spec, &candidates, &contact_of, &mut written)?;
            }
            results.extend(written);
        }
    }
    Ok((results, contact_of))
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
    // Unreadable or unwritable: the refusals stand as Xero worded them.
    let Ok(restored) = archived::restore(ctx, &ids) else { return Ok(()) };
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

/// Runs the carried contacts and items first; resolves the contact and item each pending document needs.
struct Dependencies {
    contacts: Option<Vec<RecordResult>>,
    items: Option<Vec<RecordResult>>,
}

fn push_dependencies(
    ctx: &Ctx<'_>,
    contacts: &[Record<ErpContact>],
    items: &[Record<ErpItem>],
) -> Result<Dependencies> {
    let contacts = if contacts.is_empty() { None } else { Some(sync_contacts(ctx, contacts, "contacts")?) };
    let items = if items.is_empty() { None } else { Some(sync_items(ctx, items, "items")?) };
    Ok(Dependencies { contacts, items })
}

/// A lookup the pending documents depend on failed: each of them fails, saying which.
fn fail_lookup(pending: Vec<Pending>, results: &mut Vec<RecordResult>, what: &str, e: &Error) {
    for p in pending {
        let message = format!("looking up its {what} failed: {}", e.message);
        results.push(RecordResult::failed(p.index, p.key, vec![RecordError { code: e.code, message, path: None }]));
    }
}

/// Resolves contacts and items of pending documents; the ones that cannot be resolved fail.
fn resolve_pending(
    ctx: &Ctx<'_>,
    deps: &Dependencies,
    pending: Vec<Pending>,
    results: &mut Vec<RecordResult>,
) -> Vec<(Pending, String)> {
    let carried_contacts = carried_map(&deps.contacts);
    let carried_items = carried_map(&deps.items);
    let codes: Vec<String> = pending.iter().map(|p| p.contact.clone()).collect();
    let contact_ids = match resolve(ctx, &contact_spec(), &codes, &carried_contacts) {
        Ok(m) => m,
        Err(e) => {
            fail_lookup(pending, results, "contact", &e);
            return Vec::new();
        }
    };
    let item_codes: Vec<String> = pending.iter().flat_map(|p| p.items.iter().map(|(c, _)| c.clone())).collect();
    let item_ids = if item_codes.is_empty() {
        Ok(HashMap::new())
    } else {
        resolve(ctx, &item_spec(), &item_codes, &carried_items)
    };
    let item_ids = match item_ids {
        Ok(m) => m,
        Err(e) => {
            fail_lookup(pending, results, "items", &e);
            return Vec::new();
        }
    };
    let all_contacts = carried_all(&deps.contacts);
    let all_items = carried_all(&deps.items);
    let mut ready = Vec::new();
    for p in pending {
        let mut errs = Vec::new();
        let contact_id = contact_ids.get(&p.contact.to_lowercase()).cloned();
        if contact_id.is_none() {
            let what = if p.contact_field == "debtor" { "debtor" } else { "creditor" };
            errs.push(missing_dependency(
                what,
                &p.contact,
                &format!("{}.{}", p.path, p.contact_field),
                &all_contacts,
                "contacts",
                "push_contacts",
            ));
        }
        for (code, path) in &p.items {
            if !item_ids.contains_key(&code.to_lowercase()) {
                errs.push(missing_dependency("item", code, path, &all_items, "items", "push_items"));
            }
        }
        match contact_id {
            Some(id) if errs.is_empty() => ready.push((p, id)),
            _ => results.push(RecordResult::failed(p.index, p.key.clone(), errs)),
        }
    }
    ready
}

// ------------------------------------------------------------------------------------------------- documents

/// Request path of record `i`: `invoices[3]`, or `invoice` for the single-record operation.
fn record_path(prefix: &str, single: bool, i: usize) -> String {
    if single { prefix.to_owned() } else { format!("{prefix}[{i}]") }
}

fn document_function(kind_is_credit: bool, t: DocumentType) -> LinkFunction {
    match (kind_is_credit, t) {
        (true, _) => LinkFunction::CreditNotes,
        (false, DocumentType::Sales) => LinkFunction::SalesInvoices,
        (false, DocumentType::Purchase) => LinkFunction::PurchaseInvoices,
    }
}

fn item_paths(path: &str, lines: &[ErpLine]) -> Vec<(String, String)> {
    lines
        .iter()
        .enumerate()
        .filter_map(|(j, l)| l.item.clone().map(|c| (c, format!("{path}.lines[{j}].item"))))
        .collect()
}

fn natural_of_document(t: DocumentType, number: &str, contact_id: &str) -> String {
    match t {
        DocumentType::Sales => number.to_owned(),
        DocumentType::Purchase => format!("{number}{SEP}{}", contact_id.to_lowercase()),
    }
}

fn sync_invoices(
    ctx: &Ctx<'_>,
    deps: &Dependencies,
    records: &[Record<ErpInvoice>],
    prefix: &str,
    single: bool,
) -> Result<Vec<RecordResult>> {
    let mut results = Vec::new();
    let mut pending = Vec::new();
    let mut seen = HashMap::new();
    for (i, rec) in records.iter().enumerate() {
        let path = record_path(prefix, single, i);
        let inv = match rec {
            Record::Invalid { message, path: p, raw } => {
                results.push(RecordResult::failed(i, raw_key(raw, "number"), vec![decode_error(&path, message, p)]));
                continue;
            }
            Record::Valid(inv) => inv,
        };
        let function = document_function(false, inv.doc_type);
        if !ctx.config.function_enabled(function) {
            results.push(RecordResult::failed(
                i,
                &inv.number,
                vec![record_disabled(function, &format!("{path}.type"))],
            ));
            continue;
        }
        let (problems, contact, lines, refs) = map::check_invoice(inv, &path, ctx.config);
        if !problems.is_empty() {
            results.push(RecordResult::failed(i, &inv.number, problems.0));
            continue;
        }
        let dup_key = format!("{}{SEP}{}", map::type_word(inv.doc_type), inv.number);
        if let Some(mut dup) = first_of_key(&mut seen, &dup_key, i, prefix) {
            dup.message = format!("{} {} appears twice in the request", map::type_word(inv.doc_type), inv.number);
            results.push(RecordResult::failed(i, &inv.number, vec![dup]));
            continue;
        }
        pending.push(Pending::of(i, inv, path, contact, lines, refs));
    }
    let ready = resolve_pending(ctx, deps, pending, &mut results);
    let (written, _) = sync_resolved(ctx, records, ready, invoice_spec, map::invoice)?;
    results.extend(written);
    Ok(ordered(records.len(), results, |i| record_path(prefix, single, i)))
}

fn with_dependencies(mut response: PushResponse, deps: Dependencies) -> PushResponse {
    response.contacts = deps.contacts;
    response.items = deps.items;
    response
}

/// `push_invoices`: sales invoices and bills; carried contacts and items are pushed first.
pub fn invoices(connection: &Connection, request: PushInvoicesRequest, api: &dyn XeroApi) -> Result<PushResponse> {
    let config = &connection.config;
    require_any(config, "pushing invoices", &[LinkFunction::SalesInvoices, LinkFunction::PurchaseInvoices])?;
    let mut ctx = Ctx::new(config, api, deadline(config, request.deadline_ms), request.dry_run)?;
    ctx.verify = request.verify;
    let deps = push_dependencies(&ctx, &request.contacts, &request.items)?;
    let results = sync_invoices(&ctx, &deps, &request.invoices, "invoices", false)?;
    Ok(with_dependencies(response(request.dry_run, results), deps))
}

/// `push_invoice`: one document; `results` has its one result.
pub fn invoice(connection: &Connection, request: PushInvoiceRequest, api: &dyn XeroApi) -> Result<PushResponse> {
    let config = &connection.config;
    require_any(config, "pushing invoices", &[LinkFunction::SalesInvoices, LinkFunction::PurchaseInvoices])?;
    let mut ctx = Ctx::new(config, api, deadline(config, request.deadline_ms), request.dry_run)?;
    ctx.verify = request.verify;
    let deps = push_dependencies(&ctx, &request.contacts, &request.items)?;
    let results = sync_invoices(&ctx, &deps, std::slice::from_ref(&request.invoice), "invoice", true)?;
    Ok(with_dependencies(response(request.dry_run, results), deps))
}

// ------------------------------------------------------------------------------------------------- credit notes

fn sync_credit_notes(
    ctx: &Ctx<'_>,
    deps: &Dependencies,
    records: &[Record<ErpCreditNote>],
) -> Result<Vec<RecordResult>> {
    let prefix = "credit_notes";
    let mut results = Vec::new();
    let mut pending = Vec::new();
    let mut seen = HashMap::new();
    for (i, rec) in records.iter().enumerate() {
        let path = format!("{prefix}[{i}]");
        let cn = match rec {
            Record::Invalid { message, path: p, raw } => {
                results.push(RecordResult::failed(i, raw_key(raw, "number"), vec![decode_error(&path, message, p)]));
                continue;
            }
            Record::Valid(cn) => cn,
        };
        let (problems, contact, lines, refs) = map::check_credit_note(cn, &path, ctx.config);
        if !problems.is_empty() {
            results.push(RecordResult::failed(i, &cn.number, problems.0));
            continue;
        }
        let dup_key = format!("{}{SEP}{}", map::type_word(cn.doc_type), cn.number);
        if let Some(dup) = first_of_key(&mut seen, &dup_key, i, prefix) {
            results.push(RecordResult::failed(i, &cn.number, vec![dup]));
            continue;
        }
        pending.push(Pending::of(i, cn, path, contact, lines, refs));
    }
    let ready = resolve_pending(ctx, deps, pending, &mut results);
    let (written, contact_of) = sync_resolved(ctx, records, ready, credit_note_spec, map::credit_note)?;
    results.extend(written);
    let mut results = ordered(records.len(), results, |i| format!("{prefix}[{i}]"));
    for r in results.iter_mut() {
        let Record::Valid(cn) = &records[r.index] else { continue };
        if cn.allocations.is_empty() {
            continue;
        }
        let contact_id = contact_of.get(&r.index).cloned().unwrap_or_default();
        r.allocations = Some(sync_allocations(ctx, cn, r, &contact_id, &format!("{prefix}[{}]", r.index))?);
    }
    Ok(results)
}

/// Xero ids of documents by number (lower case), from the ledger, else from Xero (`contact_id` narrows bills).
fn resolve_documents(
    ctx: &Ctx<'_>,
    spec: &Spec,
    numbers: &[String],
    contact_id: Option<&str>,
) -> std::result::Result<HashMap<String, std::result::Result<String, String>>, Error> {
    let keys: Vec<&str> = numbers.iter().map(String::as_str).collect();
    let entries = ledger::load(&ctx.store, &ctx.scope, spec.ledger_kind, &keys)?;
    let mut out: HashMap<String, std::result::Result<String, String>> = HashMap::new();
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
    let number_field = spec.number_field.unwrap_or("InvoiceNumber");
    let kind = match spec.lookup {
        Lookup::Invoices { kind } | Lookup::CreditNotes { kind } => kind,
        _ => "",
    };
    let mut found: HashMap<String, Vec<String>> = HashMap::new();
    for f in engine::lookup(ctx, spec, &missing)? {
        if map::member(&f, "Type") != Some(kind) || matches!(map::member(&f, "Status"), Some("DELETED" | "VOIDED")) {
            continue;
        }
        if let Some(c) = contact_id {
            let fc = f.get("Contact").and_then(|x| map::member(x, "ContactID")).unwrap_or_default();
            if !fc.eq_ignore_ascii_case(c) {
                continue;
            }
        }
        if let (Some(n), Some(id)) = (map::member(&f, number_field), map::member(&f, spec.id_field)) {
            found.entry(n.to_lowercase()).or_default().push(id.to_owned());
        }
    }
    for n in missing {
        let key = n.to_lowercase();
        match found.remove(&key) {
            Some(ids) if ids.len() == 1 => {
                out.insert(key, Ok(ids.into_iter().next().expect("one")));
            }
            Some(ids) => {
                out.insert(
                    key,
                    Err(format!(
                        "Xero holds {} {}s numbered \"{n}\": push it through xero-link first",
                        ids.len(),
                        spec.noun
                    )),
                );
            }
            None => {}
        }
    }
    Ok(out)
}

fn sync_allocations(
    ctx: &Ctx<'_>,
    cn: &ErpCreditNote,
    cn_result: &RecordResult,
    contact_id: &str,
    path: &str,
) -> Result<Vec<RecordResult>> {
    let n = cn.allocations.len();
    let fail_all = |message: String, code: ErrorCode| -> Vec<RecordResult> {
        cn.allocations
            .iter()
            .enumerate()
            .map(|(j, a)| {
                RecordResult::failed(
                    j,
                    &a.invoice,
                    vec![RecordError {
                        code,
                        message: message.clone(),
                        path: Some(format!("{path}.allocations[{j}]")),
                    }],
                )
            })
            .collect()
    };
    if matches!(cn_result.outcome, Outcome::Failed | Outcome::Uncertain) {
        return Ok(fail_all("not allocated: the credit note itself was not pushed".into(), ErrorCode::Dependency));
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
    let inv_spec = invoice_spec(cn.doc_type);
    let narrow = (cn.doc_type == DocumentType::Purchase).then_some(contact_id);
    let ids = match resolve_documents(ctx, &inv_spec, &invoice_numbers, narrow) {
        Ok(ids) => ids,
        Err(e) => return Ok(fail_all(format!("looking up the invoices failed: {}", e.message), e.code)),
    };
    let mut results = Vec::new();
    let mut candidates = Vec::new();
    for (j, a) in cn.allocations.iter().enumerate() {
        match ids.get(&a.invoice.to_lowercase()) {
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
            }
            Some(Err(message)) => results.push(RecordResult::failed(
                j,
                &a.invoice,
                vec![RecordError {
                    code: ErrorCode::Dependency,
                    message: message.clone(),
                    path: Some(format!("{path}.allocations[{j}].invoice")),
                }],
            )),
            None => results.push(RecordResult::failed(
                j,
                &a.invoice,
                vec![RecordError {
                    code: ErrorCode::Dependency,
                    message: format!("invoice \"{}\" is not in Xero: push it first (push_invoices)", a.invoice),
                    path: Some(format!("{path}.allocations[{j}].invoice")),
                }],
            )),
        }
    }
    // Allocations are made only after their credit note is settled, so one created by this push has none yet.
    let spec = allocation_spec(cn.doc_type, &cn_id, cn_result.outcome == Outcome::Created);
    for mut r in engine::sync(ctx, &spec, &candidates)? {
        r.key = cn.allocations[r.index].invoice.clone();
        results.push(r);
    }
    Ok(ordered(n, results, |j| format!("{path}.allocations[{j}]")))
}

/// `push_credit_notes`: credit notes and their allocations to invoices.
pub fn credit_notes(
    connection: &Connection,
    request: PushCreditNotesRequest,
    api: &dyn XeroApi,
) -> Result<PushResponse> {
    let config = &connection.config;
    require_any(config, "pushing credit notes", &[LinkFunction::CreditNotes])?;
    let mut ctx = Ctx::new(config, api, deadline(config, request.deadline_ms), request.dry_run)?;
    ctx.verify = request.verify;
    let deps = push_dependencies(&ctx, &request.contacts, &request.items)?;
    let results = sync_credit_notes(&ctx, &deps, &request.credit_notes)?;
    Ok(with_dependencies(response(request.dry_run, results), deps))
}

// ------------------------------------------------------------------------------------------------- payments

/// `push_payments`: payments against invoices and refunds of credit notes, each made once.
pub fn payments(connection: &Connection, request: PushPaymentsRequest, api: &dyn XeroApi) -> Result<PushResponse> {
    let config = &connection.config;
    require_any(config, "pushing payments", &[LinkFunction::Payments])?;
    let ctx = Ctx::new(config, api, deadline(config, request.deadline_ms), request.dry_run)?;
    let prefix = "payments";
    let mut results = Vec::new();
    let mut valid: Vec<(usize, &ErpPayment, Vec<map::RefCheck>)> = Vec::new();
    let mut seen = HashMap::new();
    for (i, rec) in request.payments.iter().enumerate() {
        let path = format!("{prefix}[{i}]");
        let pay = match rec {
            Record::Invalid { message, path: p, raw } => {
                results.push(RecordResult::failed(i, raw_key(raw, "id"), vec![decode_error(&path, message, p)]));
                continue;
            }
            Record::Valid(pay) => pay,
        };
        let (problems, refs) = map::check_payment(pay, &path);
        if !problems.is_empty() {
            results.push(RecordResult::failed(i, &pay.id, problems.0));
            continue;
        }
        if let Some(dup) = first_of_key(&mut seen, &pay.id, i, prefix) {
            results.push(RecordResult::failed(i, &pay.id, vec![dup]));
            continue;
        }
        valid.push((i, pay, refs));
    }
    // The documents paid: per kind of document, by number.
    let mut doc_ids: HashMap<(bool, DocumentType), HashMap<String, std::result::Result<String, String>>> =
        HashMap::new();
    for is_invoice in [true, false] {
        for t in [DocumentType::Sales, DocumentType::Purchase] {
            let numbers: Vec<String> = valid
                .iter()
                .filter(|(_, p, _)| p.doc_type == t && p.invoice.is_some() == is_invoice)
                .map(|(_, p, _)| p.invoice.clone().or_else(|| p.credit_note.clone()).unwrap_or_default())
                .collect::<HashSet<_>>()
                .into_iter()
                .collect();
            if numbers.is_empty() {
                continue;
            }
            let spec = if is_invoice { invoice_spec(t) } else { credit_note_spec(t) };
            match resolve_documents(&ctx, &spec, &numbers, None) {
                Ok(m) => {
                    doc_ids.insert((is_invoice, t), m);
                }
                Err(e) => {
                    let m = numbers
                        .into_iter()
                        .map(|n| (n.to_lowercase(), Err(format!("looking it up failed: {}", e.message))))
                        .collect();
                    doc_ids.insert((is_invoice, t), m);
                }
            }
        }
    }
    let mut candidates = Vec::new();
    for (i, pay, refs) in valid {
        let is_invoice = pay.invoice.is_some();
        let number = pay.invoice.clone().or_else(|| pay.credit_note.clone()).unwrap_or_default();
        let field = if is_invoice { "invoice" } else { "credit_note" };
        let found = doc_ids.get(&(is_invoice, pay.doc_type)).and_then(|m| m.get(&number.to_lowercase()));
        let doc_id = match found {
            Some(Ok(id)) => id.clone(),
            Some(Err(message)) => {
                results.push(RecordResult::failed(
                    i,
                    &pay.id,
                    vec![RecordError {
                        code: ErrorCode::Dependency,
                        message: message.clone(),
                        path: Some(format!("{prefix}[{i}].{field}")),
                    }],
                ));
                continue;
            }
            None => {
                let what = if is_invoice { "invoice" } else { "credit note" };
                results.push(RecordResult::failed(
                    i,
                    &pay.id,
                    vec![RecordError {
                        code: ErrorCode::Dependency,
                        message: format!(
                            "{} {what} \"{number}\" is not in Xero: push it first",
                            map::type_word(pay.doc_type)
                        ),
                        path: Some(format!("{prefix}[{i}].{field}")),
                    }],
                ));
                continue;
            }
        };
        let element = map::payment(pay, &doc_id);
        candidates.push(Candidate {
            index: i,
            key: pay.id.clone(),
            hash: element.hash(kinds::PAYMENT),
            element,
            natural: format!("{}:{}", if is_invoice { "i" } else { "c" }, doc_id.to_lowercase()),
            refs,
        });
    }
    results.extend(engine::sync(&ctx, &payment_spec(), &candidates)?);
    Ok(response(request.dry_run, ordered(request.payments.len(), results, |i| format!("{prefix}[{i}]"))))
}

// ------------------------------------------------------------------------------------------------- schemas

/// Dates are decoded as `YYYY-MM-DD` only; `format: date` alone is an annotation most validators do not check, so
/// the pattern says it to every validator.
fn date_patterns(schema: &mut serde_json::Value) {
    match schema {
        serde_json::Value::Object(map) => {
            if map.get("format").and_then(serde_json::Value::as_str) == Some("date") {
                map.insert("pattern".into(), "^[0-9]{4}-[0-9]{2}-[0-9]{2}$".into());
            }
            map.values_mut().for_each(date_patterns);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(date_patterns),
        _ => {}
    }
}

/// The published JSON Schemas (`schemas/<name>.json`), generated from the Rust types.
pub fn json_schemas() -> Vec<(&'static str, serde_json::Value)> {
    fn s<T: schemars::JsonSchema>() -> serde_json::Value {
        serde_json::to_value(schemars::schema_for!(T)).expect("a schema serialises")
    }
    let mut schemas = vec![
        ("push_contacts.request", s::<PushContactsRequest>()),
        ("push_items.request", s::<PushItemsRequest>()),
        ("push_invoices.request", s::<PushInvoicesRequest>()),
        ("push_invoice.request", s::<PushInvoiceRequest>()),
        ("push_credit_notes.request", s::<PushCreditNotesRequest>()),
        ("push_payments.request", s::<PushPaymentsRequest>()),
        ("push.response", s::<PushResponse>()),
        ("lookup.request", s::<reference::LookupRequest>()),
        ("get_accounts.response", s::<reference::AccountsResponse>()),
        ("get_tax_rates.response", s::<reference::TaxRatesResponse>()),
        ("get_tracking_categories.response", s::<reference::TrackingCategoriesResponse>()),
        ("get_documents.request", s::<reference::GetDocumentsRequest>()),
        ("get_documents.response", s::<reference::GetDocumentsResponse>()),
    ];
    // Every request may carry `request_id`; the envelope takes it off before the operation decodes the rest.
    for (name, schema) in &mut schemas {
        date_patterns(schema);
        if let Some(props) = schema.get_mut("properties").and_then(serde_json::Value::as_object_mut)
            && name.ends_with(".request")
        {
            props.insert(
                "request_id".into(),
                serde_json::json!({"description": "Any JSON value; echoed as the answer's `request_id`."}),
            );
        }
    }
    schemas
}
