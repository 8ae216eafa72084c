//! Items: the ERP's inventory items become Xero items keyed by their code, with the sales and cost-of-sales
//! accounts.

use super::engine::{self, Candidate, Ctx, Finder, Query, Spec, lookup_chunks, or_where};
use super::map::{self, MappedItem, Problems, member};
use super::records::{ErpRecord, check_each, ordered, record_disabled, response};
use super::schema::{ErpItem, PushItemsRequest, PushResponse, Record, RecordResult};
use super::{Needs, XeroApi, kinds};
use crate::config::LinkFunction;
use crate::error::Result;
use crate::registry::Connection;
use serde_json::Value;
use std::sync::Arc;

/// `push_items` needs inventory ticked.
pub const NEEDS: Needs = Needs::any("pushing items", &[LinkFunction::Inventory]);

impl ErpRecord for ErpItem {
    const KEY_FIELD: &'static str = "code";
    fn key(&self) -> &str {
        &self.code
    }
}

/// Items are found by `Code`, compared lower-cased on both sides: Xero refuses an item code that exists in any
/// case (`devd` after `DevD`) while its `==` is case-sensitive (calcinai/xero-php#416), as Xero's support
/// advised there, so the item that refused a create is found whatever its case.
#[derive(Debug)]
struct ByCode;

impl Finder for ByCode {
    fn queries(&self, naturals: &[&str]) -> Vec<Query> {
        lookup_chunks(naturals, |n| engine::encoded_len(n) + 30)
            .into_iter()
            .map(|chunk| {
                let lowered: Vec<String> = chunk.iter().map(|c| c.to_lowercase()).collect();
                let lowered: Vec<&str> = lowered.iter().map(String::as_str).collect();
                Query::new("looking up items", "/Items", "Items")
                    .param("where", or_where("Code.ToLower()", &lowered))
                    .param("unitdp", "4")
            })
            .collect()
    }

    fn natural_of(&self, found: &Value) -> Option<String> {
        member(found, "Code").map(str::to_lowercase)
    }
}

/// What an item is in Xero.
pub fn spec() -> Spec {
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
        xero_type: None,
        lookup: Arc::new(ByCode),
        unique_names: false,
        active_status: None,
        noun: "item",
    }
}

/// Pushes the items of a request member (`prefix`: `items`); one result per record, in order.
pub fn sync(ctx: &Ctx<'_>, records: &[Record<ErpItem>], prefix: &str) -> Result<Vec<RecordResult>> {
    let path_of = |i: usize| format!("{prefix}[{i}]");
    let checked = check_each(records, prefix, path_of, |_, it, path| {
        if !ctx.config.function_enabled(LinkFunction::Inventory) {
            return Err(vec![record_disabled(LinkFunction::Inventory, path)]);
        }
        map::item(it, path, ctx.config).map_err(|Problems(errs)| errs)
    });
    let mut results = checked.failed;
    let candidates: Vec<Candidate> = checked
        .passed
        .into_iter()
        .map(|(i, MappedItem { element, refs })| {
            let Record::Valid(it) = &records[i] else { unreachable!("passed records are valid") };
            Candidate {
                index: i,
                key: it.code.clone(),
                hash: element.hash(kinds::ITEM),
                element,
                natural: it.code.clone(),
                refs,
            }
        })
        .collect();
    results.extend(engine::sync(ctx, &spec(), &candidates)?);
    Ok(ordered(records.len(), results, path_of))
}

/// `push_items`; the caller has checked [`NEEDS`].
pub fn push(connection: &Connection, request: PushItemsRequest, api: &dyn XeroApi) -> Result<PushResponse> {
    let config = &connection.config;
    let ctx = Ctx::new(config, api, super::records::deadline(config, request.deadline_ms), request.dry_run)?;
    Ok(response(request.dry_run, sync(&ctx, &request.items, "items")?))
}
