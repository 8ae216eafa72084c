//! Reading from Xero: paged GETs of a collection, and finding records by natural key or id with the queries
//! their kind declares, chunked so every URL stays within Xero's limits.

use super::super::api::status_error;
use super::context::Ctx;
use super::spec::{Query, Spec};
use crate::error::Error;
use crate::xero::where_string;
use serde_json::Value;

/// Natural keys per lookup GET: at most a page of answers.
const LOOKUP_CHUNK: usize = 100;
/// URL-encoded bytes of keys (or filter parts) per lookup GET, so the URL stays under 4 KB.
const LOOKUP_BYTES: usize = 3_200;
const PAGE_SIZE: usize = 100;

/// Paged GET of a collection, as raw elements.
pub fn fetch_values(
    ctx: &Ctx<'_>,
    what: &str,
    path: &str,
    query: Vec<(String, String)>,
    collection: &str,
    paged: bool,
) -> std::result::Result<Vec<Value>, Error> {
    let mut out = Vec::new();
    let mut page = 1usize;
    loop {
        let mut q = query.clone();
        if paged {
            q.push(("page".into(), page.to_string()));
            q.push(("pageSize".into(), PAGE_SIZE.to_string()));
        }
        let call = super::super::api::get(path, q);
        let response = ctx.send(&call).map_err(|e| e.error)?;
        if response.status == 404 {
            return Ok(out);
        }
        if response.status != 200 {
            return Err(status_error(what, &response));
        }
        let body: Value = serde_json::from_slice(&response.body)
            .map_err(|e| Error::internal(format!("{what}: Xero's answer could not be read: {e}")))?;
        let items = match body.get(collection) {
            Some(Value::Array(a)) => a.clone(),
            _ => Vec::new(),
        };
        let n = items.len();
        out.extend(items);
        if !paged || n < PAGE_SIZE {
            return Ok(out);
        }
        page += 1;
    }
}

pub fn or_where(field: &str, values: &[&str]) -> String {
    values.iter().map(|v| format!("{field}=={}", where_string(v))).collect::<Vec<_>>().join(" OR ")
}

pub fn guid_where(field: &str, ids: &[&str]) -> String {
    ids.iter().map(|id| format!("{field}==Guid({})", where_string(id))).collect::<Vec<_>>().join(" OR ")
}

/// Finds records in Xero by natural key, with the GETs the kind declares: every element found, any order.
pub fn lookup(ctx: &Ctx<'_>, spec: &Spec, naturals: &[&str]) -> std::result::Result<Vec<Value>, Error> {
    let mut uniq: Vec<&str> = naturals.to_vec();
    uniq.sort_unstable();
    uniq.dedup();
    match run_queries(ctx, spec.lookup.queries(&uniq)) {
        Err(e) if high_volume(&e) => match spec.lookup.on_large_organisations(&uniq) {
            Some(queries) => run_queries(ctx, queries),
            None => Err(e),
        },
        found => found,
    }
}

/// Xero refused a filter it does not optimise, on an organisation with very many records
/// (developer.xero.com/documentation/api/efficient-data-retrieval; XeroAPI/xero-python#148).
fn high_volume(e: &Error) -> bool {
    e.details.get("xero_error_type").and_then(Value::as_str) == Some("HighVolumeException")
}

/// Runs `queries`; the elements found, in order.
fn run_queries(ctx: &Ctx<'_>, queries: Vec<Query>) -> std::result::Result<Vec<Value>, Error> {
    let mut out = Vec::new();
    for q in queries {
        let found = fetch_values(ctx, q.what, &q.path, q.params, q.collection, q.paged)?;
        match q.inner {
            Some(member) => {
                for f in found {
                    if let Some(Value::Array(inner)) = f.get(member) {
                        out.extend(inner.iter().cloned());
                    }
                }
            }
            None => out.extend(found),
        }
    }
    Ok(out)
}

pub fn encoded_len(s: &str) -> usize {
    url::form_urlencoded::byte_serialize(s.as_bytes()).map(str::len).sum()
}

/// Splits keys for lookup GETs: at most [`LOOKUP_CHUNK`] keys and [`LOOKUP_BYTES`] of `cost` per chunk.
pub fn lookup_chunks<'k>(keys: &[&'k str], cost: impl Fn(&str) -> usize) -> Vec<Vec<&'k str>> {
    let mut out: Vec<Vec<&'k str>> = Vec::new();
    let mut bytes = 0;
    for k in keys {
        let c = cost(k);
        match out.last_mut() {
            Some(chunk) if chunk.len() < LOOKUP_CHUNK && bytes + c <= LOOKUP_BYTES => chunk.push(k),
            _ => {
                out.push(vec![k]);
                bytes = 0;
            }
        }
        bytes += c;
    }
    out
}

/// Documents by Xero id, with their lines (to see their status and compare).
pub(super) fn fetch_by_id(ctx: &Ctx<'_>, spec: &Spec, ids: &[&str]) -> std::result::Result<Vec<Value>, Error> {
    run_queries(ctx, spec.lookup.by_ids(ids))
}
