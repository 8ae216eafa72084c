//! Credit notes, sales and supplier, and their allocations to invoices.

use super::allocations;
use super::dependencies::{self, Dependencies, Pending};
use super::documents::{self, credit_note_spec};
use super::engine::{Ctx, SEP};
use super::map::{self, Problems};
use super::records::{ErpRecord, check_each, ordered};
use super::schema::{ErpCreditNote, PushCreditNotesRequest, PushResponse, Record, RecordResult};
use super::{Needs, XeroApi};
use crate::config::LinkFunction;
use crate::error::Result;
use crate::registry::Connection;

/// `push_credit_notes` needs credit notes ticked.
pub const NEEDS: Needs = Needs::any("pushing credit notes", &[LinkFunction::CreditNotes]);

impl ErpRecord for ErpCreditNote {
    const KEY_FIELD: &'static str = "number";
    fn key(&self) -> &str {
        &self.number
    }
    /// A sales and a supplier credit note may share a number.
    fn identity(&self) -> (String, Option<String>) {
        let word = map::type_word(self.doc_type);
        let message = format!("{word} credit note {} appears twice in the request", self.number);
        (format!("{word}{SEP}{}", self.number), Some(message))
    }
}

fn sync(ctx: &Ctx<'_>, deps: &Dependencies, records: &[Record<ErpCreditNote>]) -> Result<Vec<RecordResult>> {
    let prefix = "credit_notes";
    let path_of = |i: usize| format!("{prefix}[{i}]");
    let checked = check_each(records, prefix, path_of, |_, cn, path| {
        map::check_credit_note(cn, path, ctx.config).map_err(|Problems(errs)| errs)
    });
    let mut results = checked.failed;
    let pending: Vec<Pending> = checked
        .passed
        .into_iter()
        .map(|(i, doc)| {
            let Record::Valid(cn) = &records[i] else { unreachable!("passed records are valid") };
            Pending::of(i, cn, path_of(i), doc)
        })
        .collect();
    let ready = dependencies::resolve_pending(ctx, deps, pending, &mut results);
    let pushed = documents::sync_resolved(ctx, records, ready, credit_note_spec, map::credit_note)?;
    results.extend(pushed.results);
    let mut results = ordered(records.len(), results, path_of);
    for r in results.iter_mut() {
        let Record::Valid(cn) = &records[r.index] else { continue };
        if cn.allocations.is_empty() {
            continue;
        }
        let contact_id = pushed.contact_of.get(&r.index).cloned().unwrap_or_default();
        r.allocations = Some(allocations::sync(ctx, cn, r, &contact_id, &path_of(r.index))?);
    }
    Ok(results)
}

/// `push_credit_notes`; carried contacts and items are pushed first. The caller has checked [`NEEDS`].
pub fn push(connection: &Connection, request: PushCreditNotesRequest, api: &dyn XeroApi) -> Result<PushResponse> {
    let config = &connection.config;
    let mut ctx = Ctx::new(config, api, super::records::deadline(config, request.deadline_ms), request.dry_run)?;
    ctx.verify = request.verify;
    let deps = dependencies::push(&ctx, &request.contacts, &request.items)?;
    let results = sync(&ctx, &deps, &request.credit_notes)?;
    Ok(super::invoices::answer(request.dry_run, results, deps))
}
