//! What documents depend on: the contacts and items a request carries are pushed first, then each document's
//! contact and items are found (the ledger first, then Xero by natural key); a document whose dependency is
//! missing fails, saying which and why.

use super::documents::{ErpDocument, Ready};
use super::engine::{self, Ctx, Spec};
use super::map::{self, CheckedDocument, RefCheck};
use super::schema::{DocumentType, ErpContact, ErpItem, Outcome, Record, RecordError, RecordResult};
use super::{contacts, items};
use crate::error::{Error, ErrorCode, Result};
use crate::store::ledger;
use std::collections::HashMap;

/// The results of the contacts and items a request carried, pushed before its documents.
pub struct Dependencies {
    pub contacts: Option<Vec<RecordResult>>,
    pub items: Option<Vec<RecordResult>>,
}

/// Pushes the carried contacts and items.
pub fn push(ctx: &Ctx<'_>, contacts: &[Record<ErpContact>], items: &[Record<ErpItem>]) -> Result<Dependencies> {
    let contacts = if contacts.is_empty() { None } else { Some(contacts::sync(ctx, contacts, "contacts")?) };
    let items = if items.is_empty() { None } else { Some(items::sync(ctx, items, "items")?) };
    Ok(Dependencies { contacts, items })
}

/// An item a document line names, with the line's request path.
pub struct ItemRef {
    pub code: String,
    pub path: String,
}

/// A checked document waiting for its contact and items.
pub struct Pending {
    pub index: usize,
    pub key: String,
    /// Request path of the document, e.g. `invoices[3]`.
    pub path: String,
    pub doc_type: DocumentType,
    pub contact: String,
    pub lines: Vec<crate::xero::LineItem>,
    pub refs: Vec<RefCheck>,
    pub items: Vec<ItemRef>,
}

impl Pending {
    /// A checked document (record `index` at `path`).
    pub fn of(index: usize, doc: &impl ErpDocument, path: String, checked: CheckedDocument) -> Pending {
        let items = doc
            .erp_lines()
            .iter()
            .enumerate()
            .filter_map(|(j, l)| l.item.clone().map(|code| ItemRef { code, path: format!("{path}.lines[{j}].item") }))
            .collect();
        Pending {
            index,
            key: doc.number().to_owned(),
            items,
            path,
            doc_type: doc.doc_type(),
            contact: checked.contact.expect("a checked document names its contact"),
            lines: checked.lines,
            refs: checked.refs,
        }
    }

    /// The request member naming the contact.
    fn contact_field(&self) -> &'static str {
        if self.doc_type == DocumentType::Sales { "debtor" } else { "creditor" }
    }
}

/// Xero ids of records of `spec`'s kind by ERP key (lower case): the ledger first, then Xero by natural key
/// (the key is the number field: contact number, item code). `carried` are the results of the same request's
/// dependency records (a dry run has no id for new ones).
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
    for (k, e) in ledger::load(&ctx.store, &ctx.scope, spec.ledger_kind, &ledger_keys)? {
        if let Some(id) = e.xero_id {
            out.insert(k.to_lowercase(), id);
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
        let key_field = spec.number_field.unwrap_or_default();
        for f in engine::lookup(ctx, spec, &missing)? {
            if let (Some(k), Some(id)) = (map::member(&f, key_field), map::member(&f, spec.id_field)) {
                out.entry(k.to_lowercase()).or_insert_with(|| id.to_owned());
            }
        }
    }
    Ok(out)
}

/// Why a dependency is missing, pointing at the carried record when it failed.
fn missing_dependency(what: &str, code: &str, path: &str, carried: &Carried<'_>) -> RecordError {
    let message = match carried.all.get(&code.to_lowercase()) {
        Some(r) => format!(
            "{what} \"{code}\" is not in Xero: its push ({}[{}]) ended {:?}",
            carried.member, r.index, r.outcome
        )
        .to_lowercase()
        .replacen(&what.to_lowercase(), what, 1),
        None => format!(
            "{what} \"{code}\" is not in Xero: push it first ({}) or carry it in this request's \"{}\"",
            carried.operation, carried.member
        ),
    };
    RecordError { code: ErrorCode::Dependency, message, path: Some(path.to_owned()) }
}

/// The dependency records of one kind a request carried, by key (lower case).
struct Carried<'a> {
    /// Those that were pushed (or would be, in a dry run).
    pushed: HashMap<String, RecordResult>,
    /// All of them, to say why one is missing.
    all: HashMap<String, RecordResult>,
    /// The request member that carries them, e.g. `contacts`.
    member: &'a str,
    /// The operation that pushes them on their own.
    operation: &'a str,
}

impl<'a> Carried<'a> {
    fn of(results: &Option<Vec<RecordResult>>, member: &'a str, operation: &'a str) -> Carried<'a> {
        let all: HashMap<String, RecordResult> =
            results.iter().flatten().map(|r| (r.key.to_lowercase(), r.clone())).collect();
        let pushed = results
            .iter()
            .flatten()
            .filter(|r| r.outcome != Outcome::Failed && r.outcome != Outcome::Uncertain)
            .map(|r| (r.key.to_lowercase(), r.clone()))
            .collect();
        Carried { pushed, all, member, operation }
    }
}

/// A lookup the pending documents depend on failed: each of them fails, saying which.
fn fail_lookup(pending: Vec<Pending>, results: &mut Vec<RecordResult>, what: &str, e: &Error) {
    for p in pending {
        let message = format!("looking up its {what} failed: {}", e.message);
        results.push(RecordResult::failed(p.index, p.key, vec![RecordError { code: e.code, message, path: None }]));
    }
}

/// Resolves contacts and items of pending documents; the ones that cannot be resolved fail into `results`.
pub fn resolve_pending(
    ctx: &Ctx<'_>,
    deps: &Dependencies,
    pending: Vec<Pending>,
    results: &mut Vec<RecordResult>,
) -> Vec<Ready> {
    let contacts = Carried::of(&deps.contacts, "contacts", "push_contacts");
    let items = Carried::of(&deps.items, "items", "push_items");
    let codes: Vec<String> = pending.iter().map(|p| p.contact.clone()).collect();
    let contact_ids = match resolve(ctx, &contacts::spec(), &codes, &contacts.pushed) {
        Ok(m) => m,
        Err(e) => {
            fail_lookup(pending, results, "contact", &e);
            return Vec::new();
        }
    };
    let item_codes: Vec<String> = pending.iter().flat_map(|p| p.items.iter().map(|i| i.code.clone())).collect();
    let item_ids = if item_codes.is_empty() {
        Ok(HashMap::new())
    } else {
        resolve(ctx, &items::spec(), &item_codes, &items.pushed)
    };
    let item_ids = match item_ids {
        Ok(m) => m,
        Err(e) => {
            fail_lookup(pending, results, "items", &e);
            return Vec::new();
        }
    };
    let mut ready = Vec::new();
    for p in pending {
        let mut errs = Vec::new();
        let contact_id = contact_ids.get(&p.contact.to_lowercase()).cloned();
        if contact_id.is_none() {
            let field = p.contact_field();
            errs.push(missing_dependency(field, &p.contact, &format!("{}.{field}", p.path), &contacts));
        }
        for item in &p.items {
            if !item_ids.contains_key(&item.code.to_lowercase()) {
                errs.push(missing_dependency("item", &item.code, &item.path, &items));
            }
        }
        match contact_id {
            Some(contact_id) if errs.is_empty() => ready.push(Ready { doc: p, contact_id }),
            _ => results.push(RecordResult::failed(p.index, p.key.clone(), errs)),
        }
    }
    ready
}
