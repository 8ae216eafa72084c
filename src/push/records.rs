//! The record loop every kind shares: records that did not decode, records the kind's checks refuse, and keys
//! that repeat in one request each fail with their request path; the rest go on to the engine. Results come
//! back in request order.

use super::schema::{Outcome, PushResponse, Record, RecordError, RecordResult, Summary};
use crate::config::{Config, LinkFunction};
use crate::deadline::Deadline;
use crate::error::ErrorCode;
use std::collections::HashMap;

/// What the loop needs to know of an ERP record.
pub trait ErpRecord {
    /// The request member holding the key, read from records that did not decode.
    const KEY_FIELD: &'static str;
    /// The ERP key.
    fn key(&self) -> &str;
    /// What makes two records of one request the same record (compared ignoring case), and how to say so
    /// when they are.
    fn identity(&self) -> (String, Option<String>) {
        (self.key().to_owned(), None)
    }
}

/// The records of a request after the loop: failures so far, and what each passing record's check made.
pub struct Checked<T> {
    pub failed: Vec<RecordResult>,
    pub passed: Vec<(usize, T)>,
}

/// Runs `check` on each decoded record (`check(index, record, path)`), then refuses repeated keys. `path_of`
/// gives a record's request path; `prefix` names the request member in messages about repeats.
pub fn check_each<R: ErpRecord, T>(
    records: &[Record<R>],
    prefix: &str,
    path_of: impl Fn(usize) -> String,
    mut check: impl FnMut(usize, &R, &str) -> Result<T, Vec<RecordError>>,
) -> Checked<T> {
    let mut out = Checked { failed: Vec::new(), passed: Vec::new() };
    let mut seen = HashMap::new();
    for (i, rec) in records.iter().enumerate() {
        let path = path_of(i);
        let record = match rec {
            Record::Invalid { message, path: p, raw } => {
                let key = raw.get(R::KEY_FIELD).and_then(|v| v.as_str()).unwrap_or_default();
                out.failed.push(RecordResult::failed(i, key, vec![decode_error(&path, message, p)]));
                continue;
            }
            Record::Valid(r) => r,
        };
        let made = match check(i, record, &path) {
            Ok(made) => made,
            Err(errors) => {
                out.failed.push(RecordResult::failed(i, record.key(), errors));
                continue;
            }
        };
        let (identity, message) = record.identity();
        if let Some(mut dup) = first_of_key(&mut seen, &identity, i, prefix) {
            dup.message = message.unwrap_or(dup.message);
            out.failed.push(RecordResult::failed(i, record.key(), vec![dup]));
            continue;
        }
        out.passed.push((i, made));
    }
    out
}

/// Refuses a record whose identity repeats an earlier one of the request.
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

/// A record that did not decode: its request path and the decoder's message.
pub fn decode_error(prefix: &str, message: &str, path: &str) -> RecordError {
    let full = if path.is_empty() { prefix.to_owned() } else { format!("{prefix}.{path}") };
    RecordError { code: ErrorCode::Validation, message: message.to_owned(), path: Some(full) }
}

/// A record whose link function the connection does not have ticked.
pub fn record_disabled(function: LinkFunction, path: &str) -> RecordError {
    RecordError {
        code: ErrorCode::FunctionDisabled,
        message: format!("the link function `{}` is not ticked in the connection's functions", function.as_str()),
        path: Some(path.to_owned()),
    }
}

/// Places results by index into an array of `n` (every slot is filled by construction). An error that names no
/// field (Xero's own validation messages, failed calls) is given its record's request path, `path_of(index)`, so
/// the host can tell which record of the request it belongs to.
pub fn ordered(n: usize, parts: Vec<RecordResult>, path_of: impl Fn(usize) -> String) -> Vec<RecordResult> {
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

/// Request path of record `i`: `invoices[3]`, or `invoice` for a single-record operation.
pub fn record_path(prefix: &str, single: bool, i: usize) -> String {
    if single { prefix.to_owned() } else { format!("{prefix}[{i}]") }
}

/// The answer to a push, with its summary.
pub fn response(dry_run: bool, results: Vec<RecordResult>) -> PushResponse {
    PushResponse { dry_run, summary: Summary::of(&results), results, contacts: None, items: None }
}

/// The call's deadline: the request's, or the connection's default.
pub fn deadline(config: &Config, deadline_ms: Option<u64>) -> Deadline {
    Deadline::from_request(deadline_ms, config.timeouts.default_deadline_ms)
}
