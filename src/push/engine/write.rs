//! Writing what the decisions call for: elements built from the actions, split into batches within Xero's
//! limits, creates with PUT and the rest with POST, up to the organisation's concurrency at once.

use super::super::element::Element;
use super::batch::{Results, write_batch};
use super::context::Ctx;
use super::decide::{Action, NameChange};
use super::spec::{Candidate, Spec};
use crate::error::Result;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;

/// Elements per request: Xero recommends batching "in bundles of up to 50" so a request stays under 3.5 MB
/// (developer.xero.com/documentation/auth-and-limits/xero-api-limits).
pub const MAX_BATCH: usize = 50;
/// Xero's request size guidance, with room for the envelope.
pub const MAX_BATCH_BYTES: usize = 3_400_000;
/// Batches of one kind in flight at once, at most (Xero allows 5 calls in progress per organisation).
const MAX_WORKERS: usize = 5;
/// How often the calling thread hands the host the log and progress records of the batch workers.
const RELAY_POLL: std::time::Duration = std::time::Duration::from_millis(10);

/// A batch and the method that sends it.
type Job<'w, 'c> = (http::Method, &'w [Write<'c>]);

/// One element to write. A create borrows the candidate's element; only an update, which adds the id, copies it.
#[derive(Debug, Clone)]
pub(super) struct Write<'c> {
    /// The candidate's index.
    pub index: usize,
    /// The element as sent (with its Xero id for an update).
    pub element: Cow<'c, Element>,
    /// The Xero id an update writes to; `None` for a create.
    pub xero_id: Option<String>,
}

pub(super) fn writes_of<'c>(
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
                Some(name) => writes.push(Write {
                    index: i,
                    element: Cow::Owned(candidates[i].element.with_member("Name", name)),
                    xero_id: None,
                }),
                None => writes.push(Write { index: i, element: Cow::Borrowed(&candidates[i].element), xero_id: None }),
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
                writes.push(Write { index: i, element: Cow::Owned(el), xero_id: Some(id.clone()) });
            }
            _ => {}
        }
    }
    writes
}

/// Sends `writes` in batches: creates with PUT where Xero refuses duplicates or never changes a record, the rest
/// with POST. Independent batches go up to the organisation's concurrency at once (the transport keeps to
/// Xero's limits); `progress` advances on this thread as batches finish.
pub(super) fn write_all(
    ctx: &Ctx<'_>,
    spec: &Spec,
    candidates: &[Candidate],
    writes: Vec<Write>,
    progress: Option<&crate::progress::Tracker>,
) -> Result<Results> {
    let put = |w: &Write| w.xero_id.is_none() && (spec.create_only || spec.create_first);
    let (creates, updates): (Vec<Write>, Vec<Write>) = writes.into_iter().partition(put);
    let mut jobs: Vec<Job<'_, '_>> = Vec::new();
    for (method, group) in [(http::Method::PUT, &creates), (http::Method::POST, &updates)] {
        jobs.extend(batches(group).into_iter().map(|b| (method.clone(), b)));
    }
    let mut results = Results::new();
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
    write_parallel(ctx, spec, candidates, &jobs, workers, progress)
}

/// Writes `jobs` from `workers` threads; their log and progress records reach the host on this, the calling,
/// thread. The first error stops the other workers after their current batch.
fn write_parallel(
    ctx: &Ctx<'_>,
    spec: &Spec,
    candidates: &[Candidate],
    jobs: &[Job<'_, '_>],
    workers: usize,
    progress: Option<&crate::progress::Tracker>,
) -> Result<Results> {
    let mut results = Results::new();
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let mut failure = None;
    let (tx, rx) = mpsc::channel();
    let inbox = crate::relay::Inbox::new();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let tx = tx.clone();
            let (next, stop) = (&next, &stop);
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
    for (n, w) in writes.iter().enumerate() {
        let size = w.element.json().len() + 1;
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
