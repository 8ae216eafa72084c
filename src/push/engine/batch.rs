//! One batch write: the intent recorded in the ledger first, the request, each element of Xero's answer settled
//! or refused, and a lost answer reconciled by looking up what landed before anything is sent again.

use super::super::answer;
use super::super::api::status_error;
use super::super::element::batch_body;
use super::super::map::{matches, member};
use super::super::schema::{Outcome, RecordError, RecordResult};
use super::context::Ctx;
use super::idempotency::{answered, idempotency_key, unanswered_key};
use super::lookup::lookup;
use super::spec::{Candidate, Spec, call_error, error_of, totals_json};
use super::write::Write;
use crate::error::{Error, ErrorCode, Result};
use crate::store::ledger::{self, Settled};
use crate::transport::{ApiCall, ApiResponse, CallError};
use serde_json::Value;
use std::borrow::Cow;
use std::collections::HashMap;

/// Results of a batch's records, by candidate index.
pub(super) type Results = HashMap<usize, RecordResult>;

/// Records what Xero now holds for `rows` in the ledger.
pub(super) fn settle_results(
    ctx: &Ctx<'_>,
    spec: &Spec,
    candidates: &[Candidate],
    rows: &[(usize, RecordResult)],
) -> Result<()> {
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
pub(super) fn write_batch(
    ctx: &Ctx<'_>,
    spec: &Spec,
    candidates: &[Candidate],
    batch: &[Write],
    method: http::Method,
) -> Result<Results> {
    let intents: Vec<(&str, &str)> =
        batch.iter().map(|w| (candidates[w.index].key.as_str(), candidates[w.index].hash.as_str())).collect();
    ledger::mark_pending(&ctx.store, &ctx.scope, spec.ledger_kind, &intents)?;
    let mut results = Results::new();
    // Copied only when an answer is lost and part of the batch is sent again.
    let mut todo: Cow<'_, [Write]> = Cow::Borrowed(batch);
    for attempt in 0..2u32 {
        let call = batch_call(ctx, spec, &todo, method.clone());
        let method = method.clone();
        let error = match ctx.send(&call) {
            Ok(response) => {
                if let Some(key) = &call.idempotency_key {
                    answered(key);
                }
                take_answer(ctx, spec, candidates, (&todo, method), &response, &mut results)?;
                return Ok(results);
            }
            Err(CallError { error, uncertain: false }) => {
                let refusal =
                    Refusal { unreadable: unreadable_call(&error), error: call_error(&error), with_ids: true };
                refuse_all(ctx, spec, candidates, (&todo, method), refusal, &mut results)?;
                return Ok(results);
            }
            Err(CallError { error, uncertain: true }) => error,
        };
        crate::xlog!(
            crate::log::Level::Warn,
            "xero_link::push",
            "no answer to a batch of {} {}s ({}); checking Xero before trying again",
            todo.len(),
            spec.noun,
            error.message
        );
        // Did it land? Creates are looked up by natural key; updates are safe to send again.
        let found = if attempt == 0 { find_creates(ctx, spec, candidates, &todo) } else { Err(error.clone()) };
        let Ok(found) = found else {
            let why = format!("sent to Xero but no answer came back ({})", error.message);
            uncertain(candidates, &todo, &why, &mut results);
            return Ok(results);
        };
        let rest = settle_landed(ctx, spec, candidates, &todo, &found, &mut results)?;
        if rest.is_empty() {
            return Ok(results);
        }
        todo = Cow::Owned(rest);
    }
    uncertain(candidates, &todo, "sent to Xero twice without an answer", &mut results);
    Ok(results)
}

/// The request for `todo`, with `summarizeErrors=false` so one bad element never blocks the others.
fn batch_call(ctx: &Ctx<'_>, spec: &Spec, todo: &[Write], method: http::Method) -> ApiCall {
    let mut query = vec![("summarizeErrors".to_string(), "false".to_string())];
    if spec.unitdp {
        query.push(("unitdp".into(), "4".into()));
    }
    let mut call = ApiCall {
        method,
        path: spec.endpoint.clone(),
        query,
        body: Some(batch_body(spec.collection, todo.iter().map(|w| w.element.as_ref()))),
        idempotency_key: None,
    };
    call.idempotency_key = Some(unanswered_key(ctx, idempotency_key(&ctx.scope, &call)));
    call
}

/// Xero's answer to a batch: each element saved (settled) or refused with Xero's messages.
fn take_answer(
    ctx: &Ctx<'_>,
    spec: &Spec,
    candidates: &[Candidate],
    (todo, method): (&[Write], http::Method),
    response: &ApiResponse,
    results: &mut Results,
) -> Result<()> {
    let parsed =
        answer::elements(&response.body, spec.collection, &spec.answer_members()).filter(|a| a.len() == todo.len());
    let Some(elements) = parsed.filter(|_| response.status == 200 || response.status == 400) else {
        let err = status_error(&format!("pushing {}s", spec.noun), response);
        let refusal = Refusal { unreadable: unreadable_answer(response), error: call_error(&err), with_ids: false };
        return refuse_all(ctx, spec, candidates, (todo, method), refusal, results);
    };
    let mut ok_rows = Vec::new();
    let mut refused = Vec::new();
    for (w, el) in todo.iter().zip(&elements) {
        let c = &candidates[w.index];
        let messages = element_messages(el, "ValidationErrors");
        let failed =
            !messages.is_empty() || member(el, "StatusAttributeString") == Some("ERROR") || response.status != 200;
        if failed {
            let mut r = RecordResult::failed(c.index, c.key.clone(), Vec::new());
            r.xero_id = w.xero_id.clone();
            r.errors = if messages.is_empty() {
                vec![error_of(ErrorCode::Xero, "Xero did not save it: another element of the request failed", None)]
            } else {
                messages.into_iter().map(|m| error_of(ErrorCode::Xero, m, None)).collect()
            };
            refused.push(c.key.as_str());
            results.insert(w.index, r);
        } else {
            let outcome = if w.xero_id.is_some() { Outcome::Updated } else { Outcome::Created };
            let mut r = spec.result_from(c, outcome, el);
            r.warnings = element_messages(el, "Warnings");
            ok_rows.push((w.index, r));
        }
    }
    settle_results(ctx, spec, candidates, &ok_rows)?;
    ledger::clear_pending(&ctx.store, &ctx.scope, spec.ledger_kind, &refused)?;
    results.extend(ok_rows);
    Ok(())
}

/// Xero refused a whole batch, saving nothing.
struct Refusal {
    /// Xero's message when it could not read the post data at all.
    unreadable: Option<String>,
    /// The error each record gets otherwise.
    error: RecordError,
    /// Failed updates keep their Xero id.
    with_ids: bool,
}

/// Every record of `todo` failed, nothing written. A batch Xero could not read is sent again one element per
/// request instead: the readable ones land, the unreadable one fails alone with Xero's message.
fn refuse_all(
    ctx: &Ctx<'_>,
    spec: &Spec,
    candidates: &[Candidate],
    (todo, method): (&[Write], http::Method),
    refusal: Refusal,
    results: &mut Results,
) -> Result<()> {
    let keys: Vec<&str> = todo.iter().map(|w| candidates[w.index].key.as_str()).collect();
    ledger::clear_pending(&ctx.store, &ctx.scope, spec.ledger_kind, &keys)?;
    if refusal.unreadable.is_some() && todo.len() > 1 {
        for w in todo {
            results.extend(write_batch(ctx, spec, candidates, std::slice::from_ref(w), method.clone())?);
        }
        return Ok(());
    }
    let error = refusal.unreadable.map_or(refusal.error, |m| unreadable_error(spec, &m));
    for w in todo {
        let c = &candidates[w.index];
        let mut r = RecordResult::failed(c.index, c.key.clone(), vec![error.clone()]);
        if refusal.with_ids {
            r.xero_id = w.xero_id.clone();
        }
        results.insert(w.index, r);
    }
    Ok(())
}

/// Xero refused a whole write because it could not read the post data (400 `PostDataInvalidException`,
/// ErrorNumber 14: a member of the wrong type or not one of Xero's values, e.g. from a record's `xero`
/// pass-through); Xero names no element then, and saves none. Its message, from the call's error.
fn unreadable_call(error: &Error) -> Option<String> {
    (error.details.get("xero_error_type").and_then(Value::as_str) == Some("PostDataInvalidException"))
        .then(|| error.message.strip_prefix("Xero refused the request: ").unwrap_or(&error.message).to_owned())
}

/// The same, from an answer handed over as it came (an `XeroApi` that maps no status to an error).
fn unreadable_answer(response: &ApiResponse) -> Option<String> {
    let body: Value = serde_json::from_slice(&response.body).ok().filter(|_| response.status == 400)?;
    (body.get("Type").and_then(Value::as_str) == Some("PostDataInvalidException"))
        .then(|| body.get("Message").and_then(Value::as_str).unwrap_or_default().to_owned())
}

/// The error of the one record Xero could not read: Xero's message, as a per-record `xero` error.
fn unreadable_error(spec: &Spec, message: &str) -> RecordError {
    let noun = spec.noun;
    let message = format!("Xero could not read this {noun} and saved nothing (PostDataInvalidException): {message}");
    error_of(ErrorCode::Xero, message, None)
}

/// What Xero holds under the natural keys of the creates in `todo`.
fn find_creates(
    ctx: &Ctx<'_>,
    spec: &Spec,
    candidates: &[Candidate],
    todo: &[Write],
) -> std::result::Result<Vec<Value>, Error> {
    let creates: Vec<&str> =
        todo.iter().filter(|w| w.xero_id.is_none()).map(|w| candidates[w.index].natural.as_str()).collect();
    if creates.is_empty() { Ok(Vec::new()) } else { lookup(ctx, spec, &creates) }
}

/// Settles the creates of `todo` found in Xero as sent (`found`); returns the writes still to send.
fn settle_landed<'c>(
    ctx: &Ctx<'_>,
    spec: &Spec,
    candidates: &[Candidate],
    todo: &[Write<'c>],
    found: &[Value],
    results: &mut Results,
) -> Result<Vec<Write<'c>>> {
    let mut landed = Vec::new();
    let mut rest = Vec::new();
    for w in todo.iter().cloned() {
        let c = &candidates[w.index];
        let hit = if w.xero_id.is_none() { landed_as_sent(spec, c, found) } else { None };
        match hit {
            Some(f) => landed.push((w.index, spec.result_from(c, Outcome::Created, f))),
            None => rest.push(w),
        }
    }
    settle_results(ctx, spec, candidates, &landed)?;
    results.extend(landed);
    Ok(rest)
}

/// The element of `found` that is `c` as it was sent.
fn landed_as_sent<'f>(spec: &Spec, c: &Candidate, found: &'f [Value]) -> Option<&'f Value> {
    let natural = c.matching();
    let mine: Vec<&Value> = found.iter().filter(|f| spec.natural_of(f).as_deref() == Some(natural.as_str())).collect();
    if mine.is_empty() {
        return None;
    }
    let sent = c.element.value();
    mine.into_iter().find(|f| matches(f, &sent))
}

/// Writes whose outcome is unknown: `uncertain`, with what the host does about it.
fn uncertain(candidates: &[Candidate], writes: &[Write], why: &str, results: &mut Results) {
    for w in writes {
        let c = &candidates[w.index];
        let mut r = RecordResult::new(c.index, c.key.clone(), Outcome::Uncertain);
        r.xero_id = w.xero_id.clone();
        let advice = "push it again: xero-link checks Xero first, so it is never created twice";
        r.errors.push(error_of(ErrorCode::Uncertain, format!("{why}; {advice}"), None));
        results.insert(w.index, r);
    }
}

/// The `Message`s of an element's `ValidationErrors` or `Warnings`.
fn element_messages(el: &Value, field: &str) -> Vec<String> {
    match el.get(field) {
        Some(Value::Array(a)) => {
            a.iter().filter_map(|m| m.get("Message").and_then(Value::as_str).map(str::to_owned)).collect()
        }
        _ => Vec::new(),
    }
}
