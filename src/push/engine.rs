//! Making Xero agree with a set of records of one kind, exactly once: the ledger says what was pushed; what
//! the ledger does not know is looked up in Xero by its natural key before anything is created; every write is
//! preceded by a durable intent and settled after Xero answers; writes go in batches with
//! `summarizeErrors=false`, so one bad record never blocks the others.

use super::api::{XeroApi, status_error};
use super::element::{Element, batch_body};
use super::map::{RefCheck, matches, member, member_decimal};
use super::names::{self, Planned, Verdict};
use super::refdata::RefData;
use super::schema::{DocumentTotals, Outcome, RecordError, RecordResult};
use crate::config::Config;
use crate::deadline::Deadline;
use crate::error::{Error, ErrorCode, Result};
use crate::store::Store;
use crate::store::ledger::{self, Entry, Scope, Settled};
use crate::transport::{ApiCall, CallError};
use crate::xero::where_string;
use once_cell::sync::Lazy;
use parking_lot::Mutex;
use serde_json::Value;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock, mpsc};
use std::time::Instant;

/// Xero's practical ceiling per request (xero-facts §7).
pub const MAX_BATCH: usize = 50;
/// Xero's request size guidance, with room for the envelope.
pub const MAX_BATCH_BYTES: usize = 3_400_000;
/// Natural keys per lookup GET: at most a page of answers.
const LOOKUP_CHUNK: usize = 100;
/// URL-encoded bytes of keys (or filter parts) per lookup GET, so the URL stays under 4 KB.
const LOOKUP_BYTES: usize = 3_200;
const PAGE_SIZE: usize = 100;
/// Batches of one kind in flight at once, at most (Xero allows 5 calls in progress per organisation).
const MAX_WORKERS: usize = 5;
/// Reference data read by an earlier push is reused this many of Xero's minutes (a record it finds a problem
/// with is checked again against a fresh read, so a new account is never refused for staleness).
const REFDATA_MINUTES: u64 = 5;
/// How often the calling thread hands the host the log and progress records of the batch workers.
const RELAY_POLL: std::time::Duration = std::time::Duration::from_millis(10);
/// Separates the parts of a composite natural key.
pub const SEP: char = '\u{1f}';

/// Everything one push call works with.
pub struct Ctx<'a> {
    pub config: &'a Config,
    pub scope: Scope,
    pub store: Arc<Store>,
    pub api: &'a dyn XeroApi,
    pub deadline: Deadline,
    pub dry_run: bool,
    /// Documents the ledger finds unchanged are read back from Xero all the same.
    pub verify: bool,
    /// The reference data used for checks, and whether it was read during this call.
    refdata: OnceLock<std::result::Result<(Arc<RefData>, bool), Error>>,
    /// A fresh read, made when cached reference data finds a problem.
    fresh: OnceLock<std::result::Result<Arc<RefData>, Error>>,
}

/// Reference data by organisation (state dir, API base, connection, tenant), with until when it may be reused.
/// Entries past that are dropped whenever one is stored: the cache holds only the organisations pushed to in the
/// last few minutes, however many connections the process has had.
static REFDATA: Lazy<Mutex<HashMap<String, CachedRefData>>> = Lazy::new(Default::default);
type CachedRefData = (Arc<RefData>, Instant);

impl<'a> Ctx<'a> {
    pub fn new(config: &'a Config, api: &'a dyn XeroApi, deadline: Deadline, dry_run: bool) -> Result<Ctx<'a>> {
        let store = crate::store::open(&config.state_dir)?;
        let scope = Scope { connection: config.connection.clone(), tenant_id: api.tenant_id().to_owned() };
        Ok(Ctx {
            config,
            scope,
            store,
            api,
            deadline,
            dry_run,
            verify: false,
            refdata: OnceLock::new(),
            fresh: OnceLock::new(),
        })
    }

    fn refdata_key(&self) -> String {
        format!(
            "{}{SEP}{}{SEP}{}{SEP}{}",
            self.config.state_dir.display(),
            self.config.endpoints.accounting,
            self.scope.connection,
            self.scope.tenant_id
        )
    }

    /// Reads the reference data from Xero and keeps it for later calls.
    fn load_refdata(&self) -> std::result::Result<Arc<RefData>, Error> {
        let rd = Arc::new(RefData::load(self.api, self.deadline)?);
        let now = Instant::now();
        let mut cache = REFDATA.lock();
        cache.retain(|_, (_, until)| *until > now);
        cache.insert(self.refdata_key(), (rd.clone(), now + self.refdata_ttl()));
        Ok(rd)
    }

    fn refdata_ttl(&self) -> std::time::Duration {
        std::time::Duration::from_millis(self.config.limits.minute_ms.saturating_mul(REFDATA_MINUTES))
    }

    /// The organisation's reference data: read on first use, or reused from a call a few minutes ago (it costs
    /// three of the 60 calls a minute, and a host pushes many small calls).
    fn refdata(&self) -> std::result::Result<&(Arc<RefData>, bool), Error> {
        self.refdata
            .get_or_init(|| {
                let cached = REFDATA.lock().get(&self.refdata_key()).cloned();
                match cached {
                    Some((rd, until)) if Instant::now() < until => Ok((rd, false)),
                    _ => self.load_refdata().map(|rd| (rd, true)),
                }
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Problems of `refs` against the reference data; problems found in reused data are confirmed by a fresh read.
    pub fn check_refs(&self, refs: &[RefCheck]) -> std::result::Result<Vec<RecordError>, Error> {
        if refs.is_empty() {
            return Ok(Vec::new());
        }
        let (rd, read_now) = self.refdata()?;
        let problems = Self::ref_problems(rd, refs);
        if problems.is_empty() || *read_now {
            return Ok(problems);
        }
        let fresh = self.fresh.get_or_init(|| self.load_refdata()).as_ref().map_err(Clone::clone)?;
        Ok(Self::ref_problems(fresh, refs))
    }

    fn ref_problems(rd: &RefData, refs: &[RefCheck]) -> Vec<RecordError> {
        let mut out = Vec::new();
        for r in refs {
            let (path, problem) = match r {
                RefCheck::Account { path, code, what } => {
                    (path, rd.account_problem(code).map(|m| format!("{what}: {m}")))
                }
                RefCheck::Bank { path, code } => (path, rd.bank_account_problem(code)),
                RefCheck::Inventory { path, code } => (path, rd.inventory_account_problem(code)),
                RefCheck::Tax { path, code } => (path, rd.tax_problem(code)),
                RefCheck::Tracking { path, category, option, what } => {
                    (path, rd.tracking_problem(category, option).map(|m| format!("{what}: {m}")))
                }
            };
            if let Some(message) = problem {
                out.push(RecordError { code: ErrorCode::Validation, message, path: Some(path.clone()) });
            }
        }
        out
    }

    pub fn send(&self, call: &ApiCall) -> std::result::Result<crate::transport::ApiResponse, CallError> {
        self.api.send(call, self.deadline)
    }
}

/// One record ready to push.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub index: usize,
    /// The ERP key (ledger key).
    pub key: String,
    /// The Xero element as it is to be sent, without its Xero id.
    pub element: Element,
    pub hash: String,
    /// How Xero finds it when the ledger does not know it, as the ERP wrote it (see [`Lookup`]): Xero's `where`
    /// equality is case-sensitive, so a lower-cased key would never find `D0001` (calcinai/xero-php#416,
    /// freakboy3742/pyxero#172). What is found is matched back by [`Candidate::matching`].
    pub natural: String,
    pub refs: Vec<RefCheck>,
}

impl Candidate {
    /// The natural key as found elements are matched against it ([`Spec::natural_of`]): lower case, since a
    /// lookup that ignores case (item codes) may find the record under another case.
    pub fn matching(&self) -> String {
        self.natural.to_lowercase()
    }
}

/// How records of a kind are found in Xero by natural key.
#[derive(Debug, Clone)]
pub enum Lookup {
    /// `ContactNumber`.
    Contacts,
    /// Item `Code`.
    Items,
    /// `InvoiceNumber` of the given type; bills (ACCPAY) add the contact: `number SEP contactid`.
    Invoices { kind: &'static str },
    /// `CreditNoteNumber` of the given type; supplier credit notes add the contact like bills.
    CreditNotes { kind: &'static str },
    /// Payments on a document: natural `i:<InvoiceID>` or `c:<CreditNoteID>`.
    Payments,
    /// Allocations of one credit note: natural `<InvoiceID>`. A credit note this push has just created has
    /// none in Xero (`created_now`): nothing to look up before the first write (after a lost answer there is).
    Allocations { credit_note_id: String, created_now: bool },
}

/// What a kind of record is in Xero.
#[derive(Debug, Clone)]
pub struct Spec {
    pub ledger_kind: &'static str,
    /// Write endpoint, e.g. `/Invoices`.
    pub endpoint: String,
    pub collection: &'static str,
    pub id_field: &'static str,
    pub number_field: Option<&'static str>,
    pub status_field: Option<&'static str>,
    /// Send `unitdp=4` (unit prices with 4 decimal places).
    pub unitdp: bool,
    /// Payments and allocations: Xero creates them and never changes them (PUT).
    pub create_only: bool,
    /// Xero refuses a second record with the same natural key (sales invoice numbers, item codes): records the
    /// ledger does not know are created with PUT without looking them up first, and only those Xero refuses are
    /// looked up (a first push needs no lookups; a lost ledger or a record typed in by hand still never
    /// leads to a duplicate).
    pub create_first: bool,
    /// Invoices and credit notes: totals, and Xero's status rules.
    pub document: bool,
    pub lookup: Lookup,
    /// Xero also matches writes of this kind by `Name`, which is not our key (contacts): names another record
    /// holds are checked before writing ([`super::names`]).
    pub unique_names: bool,
    /// The status member and value that make a record usable again (contacts: `ContactStatus` `ACTIVE`): every
    /// update sends it, and a record found archived is restored. The ERP pushing a record means it is in use.
    pub active_status: Option<(&'static str, &'static str)>,
    /// For messages: "contact", "item", "invoice", "bill" ...
    pub noun: &'static str,
}

enum Action {
    Done(Box<RecordResult>),
    Adopt { found: Value, outcome: Outcome },
    Create,
    Update { id: String, warning: Option<String> },
}

fn error_of(code: ErrorCode, message: impl Into<String>, path: Option<String>) -> RecordError {
    RecordError { code, message: message.into(), path }
}

fn call_error(e: &Error) -> RecordError {
    let mut message = e.message.clone();
    if e.retryable {
        message.push_str(" (retryable: push again later)");
    }
    error_of(e.code, message, e.path.clone())
}

/// Xero's totals of a document element.
pub fn totals_of(elem: &Value) -> DocumentTotals {
    DocumentTotals {
        sub_total: member_decimal(elem, "SubTotal"),
        total_tax: member_decimal(elem, "TotalTax"),
        total: member_decimal(elem, "Total"),
        amount_due: member_decimal(elem, "AmountDue").or_else(|| member_decimal(elem, "RemainingCredit")),
    }
}

fn totals_json(t: &DocumentTotals) -> String {
    serde_json::to_string(t).unwrap_or_default()
}

fn totals_from_json(text: &str) -> Option<DocumentTotals> {
    let v: Value = serde_json::from_str(text).ok()?;
    let d = |k: &str| v.get(k).and_then(Value::as_str).and_then(|s| s.parse().ok());
    Some(DocumentTotals {
        sub_total: d("sub_total"),
        total_tax: d("total_tax"),
        total: d("total"),
        amount_due: d("amount_due"),
    })
}

impl Spec {
    fn result_from(&self, c: &Candidate, outcome: Outcome, elem: &Value) -> RecordResult {
        let mut r = RecordResult::new(c.index, c.key.clone(), outcome);
        r.xero_id = member(elem, self.id_field).map(str::to_owned);
        r.number = self.number_field.and_then(|f| member(elem, f)).map(str::to_owned);
        r.xero_status = self.status_field.and_then(|f| member(elem, f)).map(str::to_owned);
        if self.document {
            r.totals = Some(totals_of(elem));
        }
        r
    }

    /// The members of Xero's answer to a write that [`Spec::result_from`] and the write's checks read; the rest
    /// of each element (its lines above all) is skipped unparsed.
    fn answer_members(&self) -> Vec<&'static str> {
        let mut keep = vec![self.id_field, "ValidationErrors", "Warnings", "StatusAttributeString"];
        keep.extend(self.number_field);
        keep.extend(self.status_field);
        if self.document {
            keep.extend(["SubTotal", "TotalTax", "Total", "AmountDue", "RemainingCredit"]);
        }
        keep
    }

    fn result_from_entry(&self, c: &Candidate, outcome: Outcome, e: &Entry) -> RecordResult {
        let mut r = RecordResult::new(c.index, c.key.clone(), outcome);
        r.xero_id = e.xero_id.clone();
        r.number = e.xero_number.clone();
        r.xero_status = e.xero_status.clone();
        if self.document {
            r.totals = e.totals.as_deref().and_then(totals_from_json);
        }
        r
    }

    /// The natural key of an element found in Xero (lower case), as [`Candidate::matching`] is built.
    fn natural_of(&self, found: &Value) -> Option<String> {
        let lower = |s: &str| s.to_lowercase();
        let contact_id = || found.get("Contact").and_then(|c| member(c, "ContactID")).map(lower);
        match &self.lookup {
            Lookup::Contacts => member(found, "ContactNumber").map(lower),
            Lookup::Items => member(found, "Code").map(lower),
            Lookup::Invoices { kind } | Lookup::CreditNotes { kind } => {
                let number_field =
                    if matches!(self.lookup, Lookup::Invoices { .. }) { "InvoiceNumber" } else { "CreditNoteNumber" };
                let number = member(found, number_field).map(lower)?;
                if member(found, "Type") != Some(kind) {
                    return None;
                }
                if kind.starts_with("ACCPAY") { Some(format!("{number}{SEP}{}", contact_id()?)) } else { Some(number) }
            }
            Lookup::Payments => {
                if let Some(id) = found.get("Invoice").and_then(|d| member(d, "InvoiceID")) {
                    Some(format!("i:{}", lower(id)))
                } else {
                    found.get("CreditNote").and_then(|d| member(d, "CreditNoteID")).map(|id| format!("c:{}", lower(id)))
                }
            }
            Lookup::Allocations { .. } => found.get("Invoice").and_then(|d| member(d, "InvoiceID")).map(lower),
        }
    }

    /// Whether Xero still lets us change a document as it stands, and why not.
    fn edit_refusal(&self, found: &Value, sent: &Value) -> Option<(String, Option<String>)> {
        if !self.document {
            return None;
        }
        let status = member(found, "Status").unwrap_or("");
        let sent_status = member(sent, "Status").unwrap_or("AUTHORISED");
        if status == "AUTHORISED" && sent_status != "AUTHORISED" {
            return Some((
                format!(
                    "the {} is AUTHORISED in Xero and cannot go back to {sent_status}: push it as authorised, or \
                     void it in Xero and push the corrected one under a new number",
                    self.noun
                ),
                None,
            ));
        }
        let noun = self.noun;
        let zero = rust_decimal::Decimal::ZERO;
        let paid = member_decimal(found, "AmountPaid").unwrap_or(zero) != zero
            || member_decimal(found, "AmountCredited").unwrap_or(zero) != zero
            || (member_decimal(found, "RemainingCredit").is_some()
                && member_decimal(found, "RemainingCredit") != member_decimal(found, "Total"));
        match status {
            "DELETED" | "VOIDED" => Some((
                format!(
                    "the {noun} is {status} in Xero, which keeps its number; push the corrected {noun} under a new number"
                ),
                None,
            )),
            "PAID" => Some((
                format!(
                    "the {noun} is PAID in Xero and Xero allows no changes to it: to correct it, push a credit note \
                     (or remove its payments in Xero, then push again)"
                ),
                None,
            )),
            "AUTHORISED" if paid => Some((
                format!(
                    "the {noun} is AUTHORISED in Xero with payments or credit applied, so Xero allows no changes to \
                     its lines or amounts: push a credit note for the difference, or remove the payments in Xero and \
                     push again"
                ),
                None,
            )),
            "AUTHORISED" => Some((
                String::new(),
                Some(format!(
                    "the {noun} was AUTHORISED in Xero; it was updated in place (Xero allows this while nothing is \
                     paid or credited)"
                )),
            )),
            _ => None,
        }
    }
}

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
        let call = super::api::get(path, q);
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

pub(super) fn or_where(field: &str, values: &[&str]) -> String {
    values.iter().map(|v| format!("{field}=={}", where_string(v))).collect::<Vec<_>>().join(" OR ")
}

fn guid_where(field: &str, ids: &[&str]) -> String {
    ids.iter().map(|id| format!("{field}==Guid({})", where_string(id))).collect::<Vec<_>>().join(" OR ")
}

/// Finds records in Xero by natural key: every element found, any order.
pub fn lookup(ctx: &Ctx<'_>, spec: &Spec, naturals: &[&str]) -> std::result::Result<Vec<Value>, Error> {
    let mut out = Vec::new();
    let mut uniq: Vec<&str> = naturals.to_vec();
    uniq.sort_unstable();
    uniq.dedup();
    match &spec.lookup {
        Lookup::Allocations { credit_note_id, .. } => {
            let path = format!("/CreditNotes/{credit_note_id}");
            for cn in fetch_values(ctx, "reading a credit note's allocations", &path, vec![], "CreditNotes", false)? {
                if let Some(Value::Array(a)) = cn.get("Allocations") {
                    out.extend(a.iter().cloned());
                }
            }
            return Ok(out);
        }
        Lookup::Payments => {
            let parts: Vec<String> = uniq
                .iter()
                .filter_map(|n| {
                    if let Some(id) = n.strip_prefix("i:") {
                        Some(guid_where("Invoice.InvoiceID", &[id]))
                    } else {
                        n.strip_prefix("c:").map(|id| guid_where("CreditNote.CreditNoteID", &[id]))
                    }
                })
                .collect();
            let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
            for chunk in lookup_chunks(&parts, |p| encoded_len(p) + 4) {
                let q = vec![("where".into(), chunk.join(" OR "))];
                out.extend(fetch_values(ctx, "looking up payments", "/Payments", q, "Payments", true)?);
            }
            return Ok(out);
        }
        _ => {}
    }
    // The first part of a composite key is what Xero can filter on.
    let mut firsts: Vec<&str> = uniq.iter().map(|n| n.split(SEP).next().unwrap_or(n)).collect();
    firsts.dedup();
    // Sized for the larger form, a `where` filter (`Field=="value" OR `).
    for chunk in lookup_chunks(&firsts, |n| encoded_len(n) + 30) {
        let chunk = chunk.as_slice();
        let (what, path, collection, query, paged) = match &spec.lookup {
            Lookup::Contacts => (
                "looking up contacts",
                "/Contacts",
                "Contacts",
                vec![("where".into(), or_where("ContactNumber", chunk)), ("includeArchived".into(), "true".into())],
                true,
            ),
            Lookup::Items => {
                // Xero refuses an item code that exists in any case (`devd` after `DevD`) while its `==` is
                // case-sensitive (calcinai/xero-php#416): the code is compared lower-cased on both sides, as
                // Xero's support advised there, so the item that refused a create is found whatever its case.
                let lowered: Vec<String> = chunk.iter().map(|c| c.to_lowercase()).collect();
                let lowered: Vec<&str> = lowered.iter().map(String::as_str).collect();
                (
                    "looking up items",
                    "/Items",
                    "Items",
                    vec![("where".into(), or_where("Code.ToLower()", &lowered)), ("unitdp".into(), "4".into())],
                    false,
                )
            }
            Lookup::Invoices { kind } => {
                let mut q = vec![("where".into(), format!("Type=={}", where_string(kind)))];
                if chunk.iter().any(|n| n.contains(',')) {
                    q[0].1 = format!("Type=={} AND ({})", where_string(kind), or_where("InvoiceNumber", chunk));
                } else {
                    q.push(("InvoiceNumbers".into(), chunk.join(",")));
                }
                q.push(("unitdp".into(), "4".into()));
                ("looking up invoices", "/Invoices", "Invoices", q, true)
            }
            Lookup::CreditNotes { kind } => {
                let q = vec![
                    (
                        "where".into(),
                        format!("Type=={} AND ({})", where_string(kind), or_where("CreditNoteNumber", chunk)),
                    ),
                    ("unitdp".into(), "4".into()),
                ];
                ("looking up credit notes", "/CreditNotes", "CreditNotes", q, true)
            }
            Lookup::Payments | Lookup::Allocations { .. } => unreachable!("handled above"),
        };
        out.extend(fetch_values(ctx, what, path, query, collection, paged)?);
    }
    Ok(out)
}

fn encoded_len(s: &str) -> usize {
    url::form_urlencoded::byte_serialize(s.as_bytes()).map(str::len).sum()
}

/// Splits keys for lookup GETs: at most [`LOOKUP_CHUNK`] keys and [`LOOKUP_BYTES`] of `cost` per chunk.
pub(super) fn lookup_chunks<'k>(keys: &[&'k str], cost: impl Fn(&str) -> usize) -> Vec<Vec<&'k str>> {
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
fn fetch_documents_by_id(ctx: &Ctx<'_>, spec: &Spec, ids: &[&str]) -> std::result::Result<Vec<Value>, Error> {
    let mut out = Vec::new();
    for chunk in lookup_chunks(ids, |id| encoded_len(id) + 40) {
        let chunk = chunk.as_slice();
        let (what, path, collection, mut q) = if spec.collection == "Invoices" {
            ("reading invoices", "/Invoices", "Invoices", vec![("IDs".to_string(), chunk.join(","))])
        } else {
            (
                "reading credit notes",
                "/CreditNotes",
                "CreditNotes",
                vec![("where".to_string(), guid_where("CreditNoteID", chunk))],
            )
        };
        q.push(("unitdp".into(), "4".into()));
        out.extend(fetch_values(ctx, what, path, q, collection, true)?);
    }
    Ok(out)
}

/// Idempotency-Key: the same request content gives the same key, whichever attempt or push sends it. So a batch
/// sent again after a lost answer, with nothing of it found in Xero, is either processed now or (if the first
/// request was only slow and committed meanwhile) answered with Xero's original response: never a duplicate.
/// A batch sent again without the records that did land has other content and so a new key.
fn idempotency_key(ctx: &Ctx<'_>, call: &ApiCall) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for part in [ctx.scope.connection.as_bytes(), ctx.scope.tenant_id.as_bytes(), call.method.as_str().as_bytes()] {
        h.update(part);
        h.update([0]);
    }
    h.update(call.path.as_bytes());
    for (k, v) in &call.query {
        h.update(k.as_bytes());
        h.update(b"=");
        h.update(v.as_bytes());
        h.update(b"&");
    }
    h.update(call.body.as_deref().unwrap_or_default());
    format!("xero-link-{}", hex::encode(h.finalize()))
}

/// Idempotency keys whose answer this process received. Xero replays the answer of a key for 6 minutes
/// (Idempotency-Key in Xero's accounting spec): sent again, a batch Xero refused would get the old refusal even
/// after its cause was fixed (an archived contact restored, an account added). Only a lost answer needs the
/// replay, so a key whose answer came back is not used again.
static ANSWERED_KEYS: Lazy<Mutex<HashMap<String, Instant>>> = Lazy::new(Default::default);
/// Keys remembered before those past Xero's retention are dropped.
const ANSWERED_KEYS_PRUNE_AT: usize = 1_024;

/// `key`, or a new one when `key`'s answer was already received within Xero's retention (6 of its minutes).
fn unanswered_key(ctx: &Ctx<'_>, key: String) -> String {
    let retention = std::time::Duration::from_millis(ctx.config.limits.minute_ms.saturating_mul(6));
    let mut answered = ANSWERED_KEYS.lock();
    if answered.len() >= ANSWERED_KEYS_PRUNE_AT {
        answered.retain(|_, at| at.elapsed() < retention);
    }
    match answered.get(&key) {
        Some(at) if at.elapsed() < retention => format!("{key}-{:016x}", rand::random::<u64>()),
        _ => key,
    }
}

/// Makes Xero agree with `candidates` (records of one kind); one result per candidate, in candidate order.
pub fn sync(ctx: &Ctx<'_>, spec: &Spec, candidates: &[Candidate]) -> Result<Vec<RecordResult>> {
    let keys: Vec<&str> = candidates.iter().map(|c| c.key.as_str()).collect();
    // Progress for the host: records settled so far of this kind's total.
    let progress = crate::progress::begin(spec.ledger_kind, &ctx.config.connection, candidates.len() as u64);
    let entries = ledger::load(&ctx.store, &ctx.scope, spec.ledger_kind, &keys)?;
    let none = Entry::default();
    let entry = |c: &Candidate| entries.get(&c.key).unwrap_or(&none);
    let mut actions: Vec<Option<Action>> = Vec::with_capacity(candidates.len());
    let mut open = Vec::new();
    for (i, c) in candidates.iter().enumerate() {
        let e = entry(c);
        let verified = ctx.verify && spec.document;
        if e.xero_id.is_some() && e.hash.as_deref() == Some(c.hash.as_str()) && e.pending_hash.is_none() && !verified {
            actions.push(Some(Action::Done(Box::new(spec.result_from_entry(c, Outcome::Unchanged, e)))));
        } else {
            actions.push(None);
            open.push(i);
        }
    }
    if open.is_empty() {
        return Ok(finish(actions));
    }

    // Reference data: checked only for what is to be written.
    let mut still_open = Vec::new();
    for i in open {
        let c = &candidates[i];
        match ctx.check_refs(&c.refs) {
            Ok(errs) if errs.is_empty() => still_open.push(i),
            Ok(errs) => actions[i] = Some(Action::Done(Box::new(RecordResult::failed(c.index, c.key.clone(), errs)))),
            Err(e) => {
                actions[i] =
                    Some(Action::Done(Box::new(RecordResult::failed(c.index, c.key.clone(), vec![call_error(&e)]))))
            }
        }
    }
    let open = still_open;
    // A dry run writes nothing, so it looks up what a real push would learn from Xero's refusals.
    let create_first = spec.create_first && !ctx.dry_run;

    // What Xero holds now: by id for known documents, by natural key for what the ledger does not know.
    let mut by_id: HashMap<String, Value> = HashMap::new();
    let known_docs: Vec<&str> =
        open.iter().filter_map(|&i| entry(&candidates[i]).xero_id.as_deref()).filter(|_| spec.document).collect();
    let mut read_error: Option<Error> = None;
    if !known_docs.is_empty() {
        match fetch_documents_by_id(ctx, spec, &known_docs) {
            Ok(found) => {
                for f in found {
                    if let Some(id) = member(&f, spec.id_field) {
                        by_id.insert(id.to_lowercase(), f);
                    }
                }
            }
            Err(e) => read_error = Some(e),
        }
    }
    let to_find: Vec<&str> = open
        .iter()
        .filter(|&&i| {
            // A pending record may have landed with its answer lost: found before anything is sent again.
            let e = entry(&candidates[i]);
            // Allocations of a credit note created in this push cannot exist yet, unless one was sent before.
            let nothing_to_find =
                matches!(spec.lookup, Lookup::Allocations { created_now: true, .. }) && e.pending_hash.is_none();
            e.xero_id.is_none() && (!create_first || e.pending_hash.is_some()) && !nothing_to_find
        })
        .map(|&i| candidates[i].natural.as_str())
        .collect();
    let mut by_natural: HashMap<String, Vec<Value>> = HashMap::new();
    if !to_find.is_empty() && read_error.is_none() {
        match lookup(ctx, spec, &to_find) {
            Ok(found) => by_natural = group_by_natural(spec, found),
            Err(e) => read_error = Some(e),
        }
    }
    if let Some(e) = read_error {
        for &i in &open {
            let c = &candidates[i];
            actions[i] =
                Some(Action::Done(Box::new(RecordResult::failed(c.index, c.key.clone(), vec![call_error(&e)]))));
        }
        return Ok(finish(actions));
    }
    // Xero records already claimed by the ledger or by an earlier candidate are nobody else's match.
    let mut claimed: HashSet<String> =
        entries.values().filter_map(|e| e.xero_id.as_deref()).map(str::to_lowercase).collect();
    for &i in &open {
        let c = &candidates[i];
        let e = entry(c);
        let action = match (&e.xero_id, spec.create_only) {
            (Some(_), true) => {
                let mut r = spec.result_from_entry(c, Outcome::Failed, e);
                r.errors.push(error_of(
                    ErrorCode::Conflict,
                    format!(
                        "this {} was already pushed with other values, and Xero never changes a {}: delete it in \
                         Xero and push the corrected one under a new id",
                        spec.noun, spec.noun
                    ),
                    None,
                ));
                Action::Done(Box::new(r))
            }
            (Some(id), false) => match by_id.get(&id.to_lowercase()) {
                Some(found) => decide_existing(spec, c, e, found),
                None => Action::Update { id: id.clone(), warning: None },
            },
            (None, _) if create_first && e.pending_hash.is_none() => Action::Create,
            (None, _) => decide_natural(spec, c, e, by_natural.get(&c.matching()), &claimed),
        };
        claim(spec, &action, &mut claimed);
        actions[i] = Some(action);
    }
    let renamed = if spec.unique_names { guard_names(ctx, candidates, &mut actions, &claimed) } else { HashMap::new() };
    let name_warning = |i: usize, r: &mut RecordResult| {
        if let Some(change) = renamed.get(&i).filter(|_| matches!(r.outcome, Outcome::Created | Outcome::Updated)) {
            r.warnings.push(change.warning.clone());
        }
    };

    if ctx.dry_run {
        let results = actions
            .into_iter()
            .zip(candidates)
            .map(|(a, c)| match a.expect("decided") {
                Action::Done(r) => *r,
                Action::Adopt { found, outcome } => spec.result_from(c, outcome, &found),
                Action::Create => RecordResult::new(c.index, c.key.clone(), Outcome::Created),
                Action::Update { id, warning, .. } => {
                    let mut r = RecordResult::new(c.index, c.key.clone(), Outcome::Updated);
                    r.xero_id = Some(id);
                    r.warnings.extend(warning);
                    r
                }
            })
            .enumerate()
            .map(|(i, mut r)| {
                name_warning(i, &mut r);
                r
            })
            .collect();
        return Ok(results);
    }

    let mut settled_results: HashMap<usize, RecordResult> = HashMap::new();
    adopt(ctx, spec, candidates, &actions, &mut settled_results)?;
    let writes = writes_of(spec, candidates, &actions, &renamed, |_| true);
    progress.set_done((candidates.len() - writes.len()) as u64);
    let mut written = write_all(ctx, spec, candidates, writes, Some(&progress))?;

    // Creates Xero refused: when the reason is that the natural key exists (typed in by hand, or pushed before
    // the ledger was lost), the record is looked up now and treated as a lookup beforehand would have.
    if create_first {
        let refused: Vec<usize> = (0..candidates.len())
            .filter(|i| matches!(actions[*i], Some(Action::Create)))
            .filter(|i| {
                written
                    .get(i)
                    .is_some_and(|r| r.outcome == Outcome::Failed && r.errors.iter().any(|e| e.code == ErrorCode::Xero))
            })
            .collect();
        let naturals: Vec<&str> = refused.iter().map(|&i| candidates[i].natural.as_str()).collect();
        // Unreadable: the refusals stand as Xero worded them.
        if let Some(found) = (!refused.is_empty()).then(|| lookup(ctx, spec, &naturals).ok()).flatten() {
            let by_natural = group_by_natural(spec, found);
            claimed.extend(written.values().filter_map(|r| r.xero_id.as_deref()).map(str::to_lowercase));
            let mut redo = Vec::new();
            for i in refused {
                let c = &candidates[i];
                let Some(found) = by_natural.get(&c.matching()) else { continue };
                let action = decide_natural(spec, c, entry(c), Some(found), &claimed);
                if matches!(action, Action::Create) {
                    continue;
                }
                claim(spec, &action, &mut claimed);
                written.remove(&i);
                actions[i] = Some(action);
                redo.push(i);
            }
            adopt(ctx, spec, candidates, &actions, &mut settled_results)?;
            let updates = writes_of(spec, candidates, &actions, &renamed, |i| redo.contains(&i));
            written.extend(write_all(ctx, spec, candidates, updates, None)?);
        }
    }

    let mut out = Vec::with_capacity(candidates.len());
    for (i, a) in actions.into_iter().enumerate() {
        let r = match a.expect("decided") {
            Action::Done(r) => *r,
            Action::Adopt { .. } => settled_results.remove(&i).expect("adopted"),
            Action::Create => written.remove(&i).expect("written"),
            Action::Update { warning, .. } => {
                let mut r = written.remove(&i).expect("written");
                if r.outcome == Outcome::Updated {
                    r.warnings.extend(warning);
                }
                r
            }
        };
        let mut r = r;
        name_warning(i, &mut r);
        out.push(r);
    }
    Ok(out)
}

/// A contact written under another name than the ERP's, or taking over a contact typed in Xero.
struct NameChange {
    name: Option<String>,
    warning: String,
}

/// Checks the names the writes among `actions` give their contacts ([`names::check`]): a refused one becomes a
/// failure; the others may be renamed, with a warning.
fn guard_names(
    ctx: &Ctx<'_>,
    candidates: &[Candidate],
    actions: &mut [Option<Action>],
    claimed: &HashSet<String>,
) -> HashMap<usize, NameChange> {
    let writes: Vec<(usize, Option<String>)> = actions
        .iter()
        .enumerate()
        .filter_map(|(i, a)| match a {
            Some(Action::Create) => Some((i, None)),
            Some(Action::Update { id, .. }) => Some((i, Some(id.clone()))),
            _ => None,
        })
        .collect();
    let elements: Vec<Value> = writes.iter().map(|(i, _)| candidates[*i].element.value()).collect();
    let planned: Vec<Planned<'_>> = writes
        .iter()
        .zip(&elements)
        .map(|((i, id), v)| Planned {
            key: &candidates[*i].key,
            name: member(v, "Name").unwrap_or_default(),
            xero_id: id.as_deref(),
        })
        .collect();
    let verdicts = match names::check(ctx, &planned, claimed, ctx.config.contact_names) {
        Ok(v) => v,
        Err(e) => {
            for (i, _) in &writes {
                let c = &candidates[*i];
                actions[*i] =
                    Some(Action::Done(Box::new(RecordResult::failed(c.index, c.key.clone(), vec![call_error(&e)]))));
            }
            return HashMap::new();
        }
    };
    let mut out = HashMap::new();
    for ((i, _), verdict) in writes.iter().zip(verdicts) {
        let c = &candidates[*i];
        match verdict {
            Verdict::Keep => {}
            Verdict::TakeOver { warning } => {
                out.insert(*i, NameChange { name: None, warning });
            }
            Verdict::Rename { name, warning } => {
                out.insert(*i, NameChange { name: Some(name), warning });
            }
            Verdict::Refuse(error) => {
                actions[*i] = Some(Action::Done(Box::new(RecordResult::failed(c.index, c.key.clone(), vec![error]))));
            }
        }
    }
    out
}

fn group_by_natural(spec: &Spec, found: Vec<Value>) -> HashMap<String, Vec<Value>> {
    let mut out: HashMap<String, Vec<Value>> = HashMap::new();
    for f in found {
        if let Some(n) = spec.natural_of(&f) {
            out.entry(n).or_default().push(f);
        }
    }
    out
}

/// The Xero record an action takes is nobody else's match.
fn claim(spec: &Spec, action: &Action, claimed: &mut HashSet<String>) {
    match action {
        Action::Adopt { found, .. } => {
            if let Some(id) = member(found, spec.id_field) {
                claimed.insert(id.to_lowercase());
            }
        }
        Action::Update { id, .. } => {
            claimed.insert(id.to_lowercase());
        }
        _ => {}
    }
}

/// A record found in Xero is taken as it is: how the push reports it.
fn adopted(c: &Candidate, e: &Entry, found: &Value) -> Action {
    let outcome = if e.pending_hash.as_deref() == Some(c.hash.as_str()) {
        if e.xero_id.is_some() { Outcome::Updated } else { Outcome::Created }
    } else {
        Outcome::Unchanged
    };
    Action::Adopt { found: found.clone(), outcome }
}

/// What to do with a record that Xero holds as `found`.
fn decide_existing(spec: &Spec, c: &Candidate, e: &Entry, found: &Value) -> Action {
    let sent = c.element.value();
    let id = member(found, spec.id_field).unwrap_or_default().to_owned();
    // An archived contact cannot take new documents: the ERP pushing it means it is in use, so it is restored
    // (unless the host's pass-through sets the status itself).
    if spec.active_status.is_some()
        && member(found, "ContactStatus") == Some("ARCHIVED")
        && sent.get("ContactStatus").is_none()
    {
        let warning = "the contact was ARCHIVED in Xero; it was made ACTIVE again so that the ERP's documents can \
                       use it"
            .to_owned();
        return Action::Update { id, warning: Some(warning) };
    }
    if matches(found, &sent) {
        return adopted(c, e, found);
    }
    match spec.edit_refusal(found, &sent) {
        Some((refusal, _)) if !refusal.is_empty() => {
            let mut r = spec.result_from(c, Outcome::Failed, found);
            r.errors.push(error_of(ErrorCode::Conflict, refusal, None));
            Action::Done(Box::new(r))
        }
        Some((_, warning)) => Action::Update { id, warning },
        None => Action::Update { id, warning: None },
    }
}

/// What to do with a record the ledger does not know, given what Xero holds under its natural key.
fn decide_natural(
    spec: &Spec,
    c: &Candidate,
    e: &Entry,
    found: Option<&Vec<Value>>,
    claimed: &HashSet<String>,
) -> Action {
    let found: Vec<&Value> = found
        .into_iter()
        .flatten()
        .filter(|f| member(f, spec.id_field).is_none_or(|id| !claimed.contains(&id.to_lowercase())))
        .filter(|f| !(spec.create_only && member(f, "Status") == Some("DELETED")))
        .collect();
    // The record found as pushed. Our element is parsed back only when there is something to compare, once.
    let as_sent = || {
        if found.is_empty() {
            return None;
        }
        let sent = c.element.value();
        found.iter().find(|f| matches(f, &sent)).copied()
    };
    if spec.create_only {
        return match as_sent() {
            Some(f) => adopted(c, e, f),
            None => Action::Create,
        };
    }
    match found.len() {
        0 => Action::Create,
        1 => decide_existing(spec, c, e, found[0]),
        n => match as_sent() {
            Some(f) => adopted(c, e, f),
            None => Action::Done(Box::new(RecordResult::failed(
                c.index,
                c.key.clone(),
                vec![error_of(
                    ErrorCode::Conflict,
                    format!(
                        "Xero holds {n} {}s with this number for this contact and none is as pushed, so xero-link \
                         cannot tell which one is this record: void or delete the extra ones in Xero and push again",
                        spec.noun
                    ),
                    None,
                )],
            ))),
        },
    }
}

/// Adopted records not yet settled: the ledger learns their id, no write.
fn adopt(
    ctx: &Ctx<'_>,
    spec: &Spec,
    candidates: &[Candidate],
    actions: &[Option<Action>],
    settled: &mut HashMap<usize, RecordResult>,
) -> Result<()> {
    let mut rows = Vec::new();
    for (i, a) in actions.iter().enumerate() {
        if let Some(Action::Adopt { found, outcome }) = a
            && !settled.contains_key(&i)
        {
            rows.push((i, spec.result_from(&candidates[i], *outcome, found)));
        }
    }
    settle_results(ctx, spec, candidates, &rows)?;
    settled.extend(rows);
    Ok(())
}

/// One element to write: candidate index, the element (with its Xero id for an update), the id.
/// A create borrows the candidate's element; only an update, which adds the id, copies it.
type Write<'c> = (usize, Cow<'c, Element>, Option<String>);

fn writes_of<'c>(
    spec: &Spec,
    candidates: &'c [Candidate],
    actions: &[Option<Action>],
    renamed: &HashMap<usize, NameChange>,
    pick: impl Fn(usize) -> bool,
) -> Vec<Write<'c>> {
    let mut writes = Vec::new();
    for (i, a) in actions.iter().enumerate().filter(|(i, _)| pick(*i)) {
        let name = renamed.get(&i).and_then(|r| r.name.as_deref());
        match a {
            Some(Action::Create) => match name {
                Some(name) => writes.push((i, Cow::Owned(candidates[i].element.with_member("Name", name)), None)),
                None => writes.push((i, Cow::Borrowed(&candidates[i].element), None)),
            },
            Some(Action::Update { id, .. }) => {
                let mut el = candidates[i].element.with_member(spec.id_field, id);
                if let Some(name) = name {
                    el = el.with_member("Name", name);
                }
                // An update also makes the record active (unless the host's pass-through sets the status): one
                // archived in Xero since it was pushed would otherwise stay unusable while reported `updated`.
                if let Some((field, active)) = spec.active_status
                    && !el.json().contains(&format!("\"{field}\""))
                {
                    el = el.with_member(field, active);
                }
                writes.push((i, Cow::Owned(el), Some(id.clone())));
            }
            _ => {}
        }
    }
    writes
}

/// Sends `writes` in batches: creates with PUT where Xero refuses duplicates or never changes a record, the rest
/// with POST. Independent batches go up to the organisation's concurrency at once (the transport keeps to
/// Xero's limits); `progress` advances on this thread as batches finish.
fn write_all(
    ctx: &Ctx<'_>,
    spec: &Spec,
    candidates: &[Candidate],
    writes: Vec<Write>,
    progress: Option<&crate::progress::Tracker>,
) -> Result<HashMap<usize, RecordResult>> {
    let put = |w: &Write| w.2.is_none() && (spec.create_only || spec.create_first);
    let (creates, updates): (Vec<Write>, Vec<Write>) = writes.into_iter().partition(put);
    let mut jobs: Vec<(http::Method, &[Write])> = Vec::new();
    for (method, group) in [(http::Method::PUT, &creates), (http::Method::POST, &updates)] {
        jobs.extend(batches(group).into_iter().map(|b| (method.clone(), b)));
    }
    let mut results = HashMap::new();
    let workers = ctx.api.concurrency().clamp(1, MAX_WORKERS).min(jobs.len());
    if workers <= 1 {
        for (method, batch) in &jobs {
            results.extend(write_batch(ctx, spec, candidates, batch, method.clone())?);
            if let Some(p) = progress {
                p.advance(batch.len() as u64);
            }
        }
        return Ok(results);
    }
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let mut failure = None;
    let (tx, rx) = mpsc::channel();
    // The workers' log and progress records reach the host on this, the calling, thread.
    let inbox = crate::relay::Inbox::new();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let tx = tx.clone();
            let (jobs, next, stop) = (&jobs, &next, &stop);
            let operation = crate::progress::carry();
            let forwarder = inbox.forwarder();
            scope.spawn(move || {
                let _forwarding = forwarder.install();
                let _progress = operation.enter();
                let _stop = StopOnPanic(stop);
                while !stop.load(Ordering::Relaxed) {
                    let Some((method, batch)) = jobs.get(next.fetch_add(1, Ordering::Relaxed)) else { break };
                    let answer = write_batch(ctx, spec, candidates, batch, method.clone());
                    if tx.send((batch.len(), answer)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        loop {
            inbox.deliver();
            let (n, answer) = match rx.recv_timeout(RELAY_POLL) {
                Ok(message) => message,
                Err(mpsc::RecvTimeoutError::Timeout) => continue,
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            };
            match answer {
                Ok(r) => {
                    results.extend(r);
                    if let Some(p) = progress {
                        p.advance(n as u64);
                    }
                }
                Err(e) => {
                    stop.store(true, Ordering::Relaxed);
                    failure.get_or_insert(e);
                }
            }
        }
    });
    inbox.deliver();
    match failure {
        Some(e) => Err(e),
        None => Ok(results),
    }
}

fn finish(actions: Vec<Option<Action>>) -> Vec<RecordResult> {
    actions
        .into_iter()
        .map(|a| match a {
            Some(Action::Done(r)) => *r,
            _ => unreachable!("every action is done here"),
        })
        .collect()
}

/// Stops the other workers when one dies: the panic reaches the caller once they have finished their batch.
struct StopOnPanic<'s>(&'s AtomicBool);

impl Drop for StopOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.store(true, Ordering::Relaxed);
        }
    }
}

/// Splits writes into batches of at most [`MAX_BATCH`] elements and [`MAX_BATCH_BYTES`].
fn batches<'w, 'c>(writes: &'w [Write<'c>]) -> Vec<&'w [Write<'c>]> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut bytes = 0;
    for (n, (_, el, _)) in writes.iter().enumerate() {
        let size = el.json().len() + 1;
        if n > start && (n - start >= MAX_BATCH || bytes + size > MAX_BATCH_BYTES) {
            out.push(&writes[start..n]);
            start = n;
            bytes = 0;
        }
        bytes += size;
    }
    if start < writes.len() {
        out.push(&writes[start..]);
    }
    out
}

fn settle_results(ctx: &Ctx<'_>, spec: &Spec, candidates: &[Candidate], rows: &[(usize, RecordResult)]) -> Result<()> {
    let totals: Vec<Option<String>> = rows.iter().map(|(_, r)| r.totals.as_ref().map(totals_json)).collect();
    let settled: Vec<Settled<'_>> = rows
        .iter()
        .zip(&totals)
        .filter_map(|((i, r), t)| {
            Some(Settled {
                key: &candidates[*i].key,
                xero_id: r.xero_id.as_deref()?,
                xero_number: r.number.as_deref(),
                hash: &candidates[*i].hash,
                xero_status: r.xero_status.as_deref(),
                totals: t.as_deref(),
            })
        })
        .collect();
    ledger::settle(&ctx.store, &ctx.scope, spec.ledger_kind, &settled)
}

/// Sends one batch (intent first), with one reconciliation if the answer is lost.
fn write_batch(
    ctx: &Ctx<'_>,
    spec: &Spec,
    candidates: &[Candidate],
    batch: &[Write],
    method: http::Method,
) -> Result<HashMap<usize, RecordResult>> {
    let intents: Vec<(&str, &str)> =
        batch.iter().map(|(i, _, _)| (candidates[*i].key.as_str(), candidates[*i].hash.as_str())).collect();
    ledger::mark_pending(&ctx.store, &ctx.scope, spec.ledger_kind, &intents)?;
    let mut results: HashMap<usize, RecordResult> = HashMap::new();
    // Copied only when an answer is lost and part of the batch is sent again.
    let mut todo: Cow<'_, [Write]> = Cow::Borrowed(batch);
    for attempt in 0..2u32 {
        let mut query = vec![("summarizeErrors".to_string(), "false".to_string())];
        if spec.unitdp {
            query.push(("unitdp".into(), "4".into()));
        }
        let mut call = ApiCall {
            method: method.clone(),
            path: spec.endpoint.clone(),
            query,
            body: Some(batch_body(spec.collection, todo.iter().map(|(_, el, _)| el.as_ref()))),
            idempotency_key: None,
        };
        call.idempotency_key = Some(unanswered_key(ctx, idempotency_key(ctx, &call)));
        let outcome_of =
            |existing: &Option<String>| if existing.is_some() { Outcome::Updated } else { Outcome::Created };
        match ctx.send(&call) {
            Ok(response) => {
                if let Some(key) = &call.idempotency_key {
                    ANSWERED_KEYS.lock().insert(key.clone(), Instant::now());
                }
                let parsed = super::answer::elements(&response.body, spec.collection, &spec.answer_members())
                    .filter(|a| a.len() == todo.len());
                let Some(elements) = parsed.filter(|_| response.status == 200 || response.status == 400) else {
                    let err = status_error(&format!("pushing {}s", spec.noun), &response);
                    let keys: Vec<&str> = todo.iter().map(|(i, _, _)| candidates[*i].key.as_str()).collect();
                    ledger::clear_pending(&ctx.store, &ctx.scope, spec.ledger_kind, &keys)?;
                    let unreadable = unreadable_answer(&response);
                    if unreadable.is_some() && todo.len() > 1 {
                        results.extend(write_singly(ctx, spec, candidates, &todo, method.clone())?);
                        return Ok(results);
                    }
                    let error = unreadable.map_or_else(|| call_error(&err), |m| unreadable_error(spec, &m));
                    for (i, _, _) in todo.iter() {
                        let c = &candidates[*i];
                        results.insert(*i, RecordResult::failed(c.index, c.key.clone(), vec![error.clone()]));
                    }
                    return Ok(results);
                };
                let mut ok_rows = Vec::new();
                let mut refused = Vec::new();
                for ((i, _, existing), el) in todo.iter().zip(&elements) {
                    let c = &candidates[*i];
                    let messages = element_messages(el, "ValidationErrors");
                    let failed = !messages.is_empty()
                        || member(el, "StatusAttributeString") == Some("ERROR")
                        || response.status != 200;
                    if failed {
                        let mut r = RecordResult::failed(c.index, c.key.clone(), Vec::new());
                        r.xero_id = existing.clone();
                        r.errors = if messages.is_empty() {
                            vec![error_of(
                                ErrorCode::Xero,
                                "Xero did not save it: another element of the request failed",
                                None,
                            )]
                        } else {
                            messages.into_iter().map(|m| error_of(ErrorCode::Xero, m, None)).collect()
                        };
                        refused.push(c.key.as_str());
                        results.insert(*i, r);
                    } else {
                        let mut r = spec.result_from(c, outcome_of(existing), el);
                        r.warnings = element_messages(el, "Warnings");
                        ok_rows.push((*i, r));
                    }
                }
                settle_results(ctx, spec, candidates, &ok_rows)?;
                ledger::clear_pending(&ctx.store, &ctx.scope, spec.ledger_kind, &refused)?;
                results.extend(ok_rows);
                return Ok(results);
            }
            Err(CallError { error, uncertain: false }) => {
                let keys: Vec<&str> = todo.iter().map(|(i, _, _)| candidates[*i].key.as_str()).collect();
                ledger::clear_pending(&ctx.store, &ctx.scope, spec.ledger_kind, &keys)?;
                let unreadable = unreadable_call(&error);
                if unreadable.is_some() && todo.len() > 1 {
                    results.extend(write_singly(ctx, spec, candidates, &todo, method.clone())?);
                    return Ok(results);
                }
                let record_error = unreadable.map_or_else(|| call_error(&error), |m| unreadable_error(spec, &m));
                for (i, _, existing) in todo.iter() {
                    let c = &candidates[*i];
                    let mut r = RecordResult::failed(c.index, c.key.clone(), vec![record_error.clone()]);
                    r.xero_id = existing.clone();
                    results.insert(*i, r);
                }
                return Ok(results);
            }
            Err(CallError { error, uncertain: true }) => {
                crate::xlog!(
                    crate::log::Level::Warn,
                    "xero_link::push",
                    "no answer to a batch of {} {}s ({}); checking Xero before trying again",
                    todo.len(),
                    spec.noun,
                    error.message
                );
                // Did it land? Creates are looked up by natural key; updates are safe to send again.
                let creates: Vec<&str> = todo
                    .iter()
                    .filter(|(_, _, ex)| ex.is_none())
                    .map(|(i, _, _)| candidates[*i].natural.as_str())
                    .collect();
                let found = if attempt == 0 {
                    if creates.is_empty() { Ok(Vec::new()) } else { lookup(ctx, spec, &creates) }
                } else {
                    Err(error.clone())
                };
                match found {
                    Ok(found) => {
                        let mut landed = Vec::new();
                        let mut rest = Vec::new();
                        for (i, el, existing) in todo.iter().cloned() {
                            let c = &candidates[i];
                            let hit = existing.is_none().then(|| {
                                let natural = c.matching();
                                let mine: Vec<&Value> = found
                                    .iter()
                                    .filter(|f| spec.natural_of(f).as_deref() == Some(natural.as_str()))
                                    .collect();
                                let sent = (!mine.is_empty()).then(|| c.element.value());
                                mine.into_iter().find(|f| sent.as_ref().is_some_and(|s| matches(f, s)))
                            });
                            match hit.flatten() {
                                Some(f) => landed.push((i, spec.result_from(c, Outcome::Created, f))),
                                None => rest.push((i, el, existing)),
                            }
                        }
                        settle_results(ctx, spec, candidates, &landed)?;
                        results.extend(landed);
                        if rest.is_empty() {
                            return Ok(results);
                        }
                        todo = std::borrow::Cow::Owned(rest);
                    }
                    Err(_) => {
                        let why = format!("sent to Xero but no answer came back ({})", error.message);
                        uncertain(candidates, &todo, &why, &mut results);
                        return Ok(results);
                    }
                }
            }
        }
    }
    uncertain(candidates, &todo, "sent to Xero twice without an answer", &mut results);
    Ok(results)
}

/// Xero refused a whole write because it could not read the post data (400 `PostDataInvalidException`,
/// ErrorNumber 14: a member of the wrong type or not one of Xero's values, e.g. from a record's `xero`
/// pass-through); Xero names no element then, and saves none. Its message, from the call's error.
fn unreadable_call(error: &Error) -> Option<String> {
    (error.details.get("xero_error_type").and_then(Value::as_str) == Some("PostDataInvalidException"))
        .then(|| error.message.strip_prefix("Xero refused the request: ").unwrap_or(&error.message).to_owned())
}

/// The same, from an answer handed over as it came (an `XeroApi` that maps no status to an error).
fn unreadable_answer(response: &crate::transport::ApiResponse) -> Option<String> {
    let body: Value = serde_json::from_slice(&response.body).ok().filter(|_| response.status == 400)?;
    (body.get("Type").and_then(Value::as_str) == Some("PostDataInvalidException"))
        .then(|| body.get("Message").and_then(Value::as_str).unwrap_or_default().to_owned())
}

/// The error of the one record Xero could not read: Xero's message, as a per-record `xero` error.
fn unreadable_error(spec: &Spec, message: &str) -> RecordError {
    error_of(
        ErrorCode::Xero,
        format!("Xero could not read this {} and saved nothing (PostDataInvalidException): {message}", spec.noun),
        None,
    )
}

/// A batch Xero could not read as a whole, sent again one element per request: the readable ones land, the
/// unreadable one fails alone with Xero's message.
fn write_singly(
    ctx: &Ctx<'_>,
    spec: &Spec,
    candidates: &[Candidate],
    writes: &[Write],
    method: http::Method,
) -> Result<HashMap<usize, RecordResult>> {
    let mut results = HashMap::new();
    for w in writes {
        results.extend(write_batch(ctx, spec, candidates, std::slice::from_ref(w), method.clone())?);
    }
    Ok(results)
}

/// Writes whose outcome is unknown: `uncertain`, with what the host does about it.
fn uncertain(candidates: &[Candidate], writes: &[Write], why: &str, results: &mut HashMap<usize, RecordResult>) {
    for (i, _, existing) in writes {
        let c = &candidates[*i];
        let mut r = RecordResult::new(c.index, c.key.clone(), Outcome::Uncertain);
        r.xero_id = existing.clone();
        let advice = "push it again: xero-link checks Xero first, so it is never created twice";
        r.errors.push(error_of(ErrorCode::Uncertain, format!("{why}; {advice}"), None));
        results.insert(*i, r);
    }
}

fn element_messages(el: &Value, field: &str) -> Vec<String> {
    match el.get(field) {
        Some(Value::Array(a)) => {
            a.iter().filter_map(|m| m.get("Message").and_then(Value::as_str).map(str::to_owned)).collect()
        }
        _ => Vec::new(),
    }
}
