//! Deciding what each record needs, from the ledger and what Xero holds: nothing, adopt what Xero has, create,
//! or update; and the names contacts may take.

use super::super::map::{matches, member};
use super::super::names::{self, Planned, Verdict};
use super::super::schema::{Outcome, RecordResult};
use super::batch::settle_results;
use super::context::Ctx;
use super::spec::{Candidate, Editable, Spec, call_error, error_of};
use crate::error::{ErrorCode, Result};
use crate::store::ledger::Entry;
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// What a record needs.
pub(super) enum Action {
    Done(Box<RecordResult>),
    Adopt { found: Value, outcome: Outcome },
    Create,
    Update { id: String, warning: Option<String> },
}

/// A contact written under another name than the ERP's, or taking over a contact typed in Xero.
pub(super) struct NameChange {
    pub name: Option<String>,
    pub warning: String,
}

/// Checks the names the writes among `actions` give their contacts ([`names::check`]): a refused one becomes a
/// failure; the others may be renamed, with a warning.
pub(super) fn guard_names(
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

pub(super) fn group_by_natural(spec: &Spec, found: Vec<Value>) -> HashMap<String, Vec<Value>> {
    let mut out: HashMap<String, Vec<Value>> = HashMap::new();
    for f in found {
        if let Some(n) = spec.natural_of(&f) {
            out.entry(n).or_default().push(f);
        }
    }
    out
}

/// The Xero record an action takes is nobody else's match.
pub(super) fn claim(spec: &Spec, action: &Action, claimed: &mut HashSet<String>) {
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
pub(super) fn adopted(c: &Candidate, e: &Entry, found: &Value) -> Action {
    let outcome = if e.pending_hash.as_deref() == Some(c.hash.as_str()) {
        if e.xero_id.is_some() { Outcome::Updated } else { Outcome::Created }
    } else {
        Outcome::Unchanged
    };
    Action::Adopt { found: found.clone(), outcome }
}

/// What to do with a record that Xero holds as `found`.
pub(super) fn decide_existing(spec: &Spec, c: &Candidate, e: &Entry, found: &Value) -> Action {
    let sent = c.element.value();
    let id = member(found, spec.id_field).unwrap_or_default().to_owned();
    // An archived record (a contact) cannot take new documents: the ERP pushing it means it is in use, so it is
    // restored (unless the host's pass-through sets the status itself).
    if let Some((field, active)) = spec.active_status
        && member(found, field) == Some("ARCHIVED")
        && sent.get(field).is_none()
    {
        let noun = spec.noun;
        let warning = format!(
            "the {noun} was ARCHIVED in Xero; it was made {active} again so that the ERP's documents can use it"
        );
        return Action::Update { id, warning: Some(warning) };
    }
    if matches(found, &sent) {
        return adopted(c, e, found);
    }
    match spec.editable(found, &sent) {
        Editable::No(refusal) => {
            let mut r = spec.result_from(c, Outcome::Failed, found);
            r.errors.push(error_of(ErrorCode::Conflict, refusal, None));
            Action::Done(Box::new(r))
        }
        Editable::Yes { warning } => Action::Update { id, warning },
    }
}

/// What to do with a record the ledger does not know, given what Xero holds under its natural key.
pub(super) fn decide_natural(
    spec: &Spec,
    c: &Candidate,
    e: &Entry,
    found: Option<&Vec<Value>>,
    claimed: &HashSet<String>,
) -> Action {
    let found = candidates_in_xero(spec, found, claimed);
    if spec.create_only {
        return decide_create_only(spec, c, e, &found);
    }
    match found.len() {
        0 => Action::Create,
        1 => decide_existing(spec, c, e, found[0]),
        n => match found_as_sent(c, &found) {
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

/// A record of a kind Xero never changes: one found as pushed is it; one likely the same with other values
/// ([`super::Finder::likely_same`]) is refused rather than made twice; otherwise it is made.
fn decide_create_only(spec: &Spec, c: &Candidate, e: &Entry, found: &[&Value]) -> Action {
    if found.is_empty() {
        return Action::Create;
    }
    let sent = c.element.value();
    if let Some(f) = found.iter().find(|f| matches(f, &sent)) {
        return adopted(c, e, f);
    }
    match found.iter().find_map(|f| spec.lookup.likely_same(&sent, f)) {
        Some(why) => Action::Done(Box::new(RecordResult::failed(
            c.index,
            c.key.clone(),
            vec![error_of(ErrorCode::Conflict, why, None)],
        ))),
        None => Action::Create,
    }
}

/// The record found as pushed. Our element is parsed back only when there is something to compare, once.
fn found_as_sent<'f>(c: &Candidate, found: &[&'f Value]) -> Option<&'f Value> {
    if found.is_empty() {
        return None;
    }
    let sent = c.element.value();
    found.iter().find(|f| matches(f, &sent)).copied()
}

/// A record the ledger does not know, found in Xero exactly as it would be pushed: taken (and claimed) before any
/// other record is decided, so that none takes it for a changed copy of itself.
pub(super) fn adopt_as_sent(
    spec: &Spec,
    c: &Candidate,
    e: &Entry,
    found: Option<&Vec<Value>>,
    claimed: &HashSet<String>,
) -> Option<Action> {
    found_as_sent(c, &candidates_in_xero(spec, found, claimed)).map(|f| adopted(c, e, f))
}

/// What was found under a record's natural key that may be it: not another record's, and, for kinds Xero never
/// changes, not deleted (a payment's `Status` `DELETED`, an allocation's `IsDeleted`).
fn candidates_in_xero<'f>(spec: &Spec, found: Option<&'f Vec<Value>>, claimed: &HashSet<String>) -> Vec<&'f Value> {
    let deleted = |f: &Value| member(f, "Status") == Some("DELETED") || f.get("IsDeleted") == Some(&Value::Bool(true));
    found
        .into_iter()
        .flatten()
        .filter(|f| member(f, spec.id_field).is_none_or(|id| !claimed.contains(&id.to_lowercase())))
        .filter(|f| !(spec.create_only && deleted(f)))
        .collect()
}

/// Adopted records not yet settled: the ledger learns their id, no write.
pub(super) fn adopt(
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
