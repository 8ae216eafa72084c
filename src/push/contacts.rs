//! Contacts: debtors and creditors become Xero contacts keyed by their ERP code (`ContactNumber`).

use super::engine::{self, Candidate, Ctx, Finder, Query, Spec, lookup_chunks, or_where};
use super::map::{self, Problems, member};
use super::records::{ErpRecord, check_each, ordered, record_disabled, response};
use super::schema::{ContactRole, ErpContact, PushContactsRequest, PushResponse, Record, RecordResult};
use super::{Needs, XeroApi, kinds};
use crate::config::LinkFunction;
use crate::error::Result;
use crate::registry::Connection;
use serde_json::Value;
use std::sync::Arc;

/// `push_contacts` needs either function ticked; each record needs its own role's.
pub const NEEDS: Needs = Needs::any("pushing contacts", &[LinkFunction::Debtors, LinkFunction::Creditors]);

impl ErpRecord for ErpContact {
    const KEY_FIELD: &'static str = "code";
    fn key(&self) -> &str {
        &self.code
    }
}

/// Contacts are found by `ContactNumber`, archived ones included (a contact archived in Xero is restored).
#[derive(Debug)]
struct ByContactNumber;

impl Finder for ByContactNumber {
    fn queries(&self, naturals: &[&str]) -> Vec<Query> {
        lookup_chunks(naturals, |n| engine::encoded_len(n) + 30)
            .into_iter()
            .map(|chunk| {
                Query::new("looking up contacts", "/Contacts", "Contacts")
                    .param("where", or_where("ContactNumber", &chunk))
                    .param("includeArchived", "true")
                    .paged()
            })
            .collect()
    }

    fn natural_of(&self, found: &Value) -> Option<String> {
        member(found, "ContactNumber").map(str::to_lowercase)
    }

    /// `ContactNumber` is not among the filters Xero optimises, so on a large organisation Xero refuses it
    /// (XeroAPI/xero-python#148); `searchTerm`, which Xero recommends there and which searches `ContactNumber`
    /// among other fields ignoring case (Xero's accounting spec, GET /Contacts), finds each one instead: one
    /// GET per contact the ledger does not know.
    fn on_large_organisations(&self, naturals: &[&str]) -> Option<Vec<Query>> {
        let search = |n: &&str| {
            Query::new("looking up contacts", "/Contacts", "Contacts")
                .param("searchTerm", *n)
                .param("includeArchived", "true")
                .paged()
        };
        Some(naturals.iter().map(search).collect())
    }
}

/// What a contact is in Xero.
pub fn spec() -> Spec {
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
        xero_type: None,
        lookup: Arc::new(ByContactNumber),
        unique_names: true,
        active_status: Some(("ContactStatus", "ACTIVE")),
        noun: "contact",
    }
}

/// Pushes the contacts of a request member (`prefix`: `contacts`); one result per record, in order.
pub fn sync(ctx: &Ctx<'_>, records: &[Record<ErpContact>], prefix: &str) -> Result<Vec<RecordResult>> {
    let path_of = |i: usize| format!("{prefix}[{i}]");
    let checked = check_each(records, prefix, path_of, |_, c, path| {
        let function = match c.role {
            ContactRole::Debtor => LinkFunction::Debtors,
            ContactRole::Creditor => LinkFunction::Creditors,
        };
        if !ctx.config.function_enabled(function) {
            return Err(vec![record_disabled(function, &format!("{path}.role"))]);
        }
        map::contact(c, path).map_err(|Problems(errs)| errs)
    });
    let mut results = checked.failed;
    let candidates: Vec<Candidate> = checked
        .passed
        .into_iter()
        .map(|(i, element)| {
            let Record::Valid(c) = &records[i] else { unreachable!("passed records are valid") };
            Candidate {
                index: i,
                key: c.code.clone(),
                hash: element.hash(kinds::CONTACT),
                element,
                natural: c.code.clone(),
                refs: Vec::new(),
            }
        })
        .collect();
    results.extend(engine::sync(ctx, &spec(), &candidates)?);
    Ok(ordered(records.len(), results, path_of))
}

/// `push_contacts`; the caller has checked [`NEEDS`].
pub fn push(connection: &Connection, request: PushContactsRequest, api: &dyn XeroApi) -> Result<PushResponse> {
    let config = &connection.config;
    let ctx = Ctx::new(config, api, super::records::deadline(config, request.deadline_ms), request.dry_run)?;
    Ok(response(request.dry_run, sync(&ctx, &request.contacts, "contacts")?))
}
