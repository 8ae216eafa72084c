//! Sales invoices and bills: checked, their contacts and items found (or pushed first when carried), then
//! pushed per type.

use super::dependencies::{self, Dependencies, Pending};
use super::documents::{self, invoice_spec};
use super::engine::{Ctx, SEP};
use super::map::{self, Problems};
use super::records::{ErpRecord, check_each, ordered, record_disabled, record_path, response};
use super::schema::{
    DocumentType, ErpInvoice, PushInvoiceRequest, PushInvoicesRequest, PushResponse, Record, RecordResult,
};
use super::{Needs, XeroApi};
use crate::config::LinkFunction;
use crate::error::Result;
use crate::registry::Connection;

/// `push_invoices` and `push_invoice` need sales or purchase invoices ticked; each record needs its own type's.
pub const NEEDS: Needs = Needs::any("pushing invoices", &[LinkFunction::SalesInvoices, LinkFunction::PurchaseInvoices]);

impl ErpRecord for ErpInvoice {
    const KEY_FIELD: &'static str = "number";
    fn key(&self) -> &str {
        &self.number
    }
    /// A sales invoice and a bill may share a number.
    fn identity(&self) -> (String, Option<String>) {
        let word = map::type_word(self.doc_type);
        (format!("{word}{SEP}{}", self.number), Some(format!("{word} {} appears twice in the request", self.number)))
    }
}

fn function_of(t: DocumentType) -> LinkFunction {
    match t {
        DocumentType::Sales => LinkFunction::SalesInvoices,
        DocumentType::Purchase => LinkFunction::PurchaseInvoices,
    }
}

/// Pushes the invoices of a request (`single`: the one-record operation, whose path is `invoice`).
fn sync(
    ctx: &Ctx<'_>,
    deps: &Dependencies,
    records: &[Record<ErpInvoice>],
    prefix: &str,
    single: bool,
) -> Result<Vec<RecordResult>> {
    let path_of = |i: usize| record_path(prefix, single, i);
    let checked = check_each(records, prefix, path_of, |_, inv, path| {
        let function = function_of(inv.doc_type);
        if !ctx.config.function_enabled(function) {
            return Err(vec![record_disabled(function, &format!("{path}.type"))]);
        }
        map::check_invoice(inv, path, ctx.config).map_err(|Problems(errs)| errs)
    });
    let mut results = checked.failed;
    let pending: Vec<Pending> = checked
        .passed
        .into_iter()
        .map(|(i, doc)| {
            let Record::Valid(inv) = &records[i] else { unreachable!("passed records are valid") };
            Pending::of(i, inv, path_of(i), doc)
        })
        .collect();
    let ready = dependencies::resolve_pending(ctx, deps, pending, &mut results);
    results.extend(documents::sync_resolved(ctx, records, ready, invoice_spec, map::invoice)?.results);
    Ok(ordered(records.len(), results, path_of))
}

fn with_dependencies(mut response: PushResponse, deps: Dependencies) -> PushResponse {
    response.contacts = deps.contacts;
    response.items = deps.items;
    response
}

/// `push_invoices`; carried contacts and items are pushed first. The caller has checked [`NEEDS`].
pub fn push(connection: &Connection, request: PushInvoicesRequest, api: &dyn XeroApi) -> Result<PushResponse> {
    let config = &connection.config;
    let mut ctx = Ctx::new(config, api, super::records::deadline(config, request.deadline_ms), request.dry_run)?;
    ctx.verify = request.verify;
    let deps = dependencies::push(&ctx, &request.contacts, &request.items)?;
    let results = sync(&ctx, &deps, &request.invoices, "invoices", false)?;
    Ok(with_dependencies(response(request.dry_run, results), deps))
}

/// `push_invoice`: one document; `results` has its one result. The caller has checked [`NEEDS`].
pub fn push_one(connection: &Connection, request: PushInvoiceRequest, api: &dyn XeroApi) -> Result<PushResponse> {
    let config = &connection.config;
    let mut ctx = Ctx::new(config, api, super::records::deadline(config, request.deadline_ms), request.dry_run)?;
    ctx.verify = request.verify;
    let deps = dependencies::push(&ctx, &request.contacts, &request.items)?;
    let results = sync(&ctx, &deps, std::slice::from_ref(&request.invoice), "invoice", true)?;
    Ok(with_dependencies(response(request.dry_run, results), deps))
}

/// Used by credit notes too: the carried contacts and items go in the answer beside the documents.
pub(super) fn answer(dry_run: bool, results: Vec<RecordResult>, deps: Dependencies) -> PushResponse {
    with_dependencies(response(dry_run, results), deps)
}
