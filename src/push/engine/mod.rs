//! Making Xero agree with a set of records of one kind, exactly once: the ledger says what was pushed; what
//! the ledger does not know is looked up in Xero by its natural key before anything is created; every write is
//! preceded by a durable intent and settled after Xero answers; writes go in batches with
//! `summarizeErrors=false`, so one bad record never blocks the others.
//!
//! The steps are one job each: [`context`] (what a push call works with), [`spec`] (what a kind is in Xero, declared by
//! the kind), [`lookup`](mod@lookup) (reading Xero), [`decide`] (what each record needs), [`write`](mod@write) and
//! [`batch`] (sending, settling, reconciling lost answers), [`idempotency`] (keys for safe retries). [`sync`] runs them
//! in order; it holds no kind's rules.

mod batch;
mod context;
mod decide;
mod idempotency;
mod lookup;
mod spec;
mod write;

pub use context::Ctx;
pub use lookup::{encoded_len, fetch_values, guid_where, lookup, lookup_chunks, or_where};
pub use spec::{Candidate, Finder, Query, SEP, Spec, totals_of};
pub use write::{MAX_BATCH, MAX_BATCH_BYTES};

use super::schema::{Outcome, RecordResult};
use crate::error::{Error, ErrorCode, Result};
use crate::store::ledger::{self, Entry};
use batch::Results;
use decide::{Action, NameChange, adopt, claim, decide_existing, decide_natural, group_by_natural, guard_names};
use serde_json::Value;
use spec::call_error;
use std::collections::{HashMap, HashSet};
use write::{write_all, writes_of};

/// The ledger's entries for the candidates, by ERP key.
struct Ledger {
    entries: HashMap<String, Entry>,
    none: Entry,
}

impl Ledger {
    fn entry(&self, c: &Candidate) -> &Entry {
        self.entries.get(&c.key).unwrap_or(&self.none)
    }
}

/// What Xero holds now for the open records: documents by id (lower case), the rest by natural key.
#[derive(Default)]
struct Found {
    by_id: HashMap<String, Value>,
    by_natural: HashMap<String, Vec<Value>>,
}

/// The decisions of one sync: one action per candidate, and the Xero records already taken.
struct Plan<'p> {
    spec: &'p Spec,
    candidates: &'p [Candidate],
    ledger: Ledger,
    actions: Vec<Option<Action>>,
    /// Xero ids (lower case) claimed by the ledger or by an earlier candidate: nobody else's match.
    claimed: HashSet<String>,
}

/// Makes Xero agree with `candidates` (records of one kind); one result per candidate, in candidate order.
pub fn sync(ctx: &Ctx<'_>, spec: &Spec, candidates: &[Candidate]) -> Result<Vec<RecordResult>> {
    let keys: Vec<&str> = candidates.iter().map(|c| c.key.as_str()).collect();
    // Progress for the host: records settled so far of this kind's total.
    let progress = crate::progress::begin(spec.ledger_kind, &ctx.config.connection, candidates.len() as u64);
    let entries = ledger::load(&ctx.store, &ctx.scope, spec.ledger_kind, &keys)?;
    let mut plan = Plan::new(spec, candidates, Ledger { entries, none: Entry::default() });
    let open = plan.unchanged(ctx.verify);
    if open.is_empty() {
        return Ok(plan.finish());
    }
    let open = plan.check_references(ctx, open);
    // A dry run writes nothing, so it looks up what a real push would learn from Xero's refusals.
    let create_first = spec.create_first && !ctx.dry_run;
    let found = match plan.read_xero(ctx, &open, create_first) {
        Ok(found) => found,
        Err(e) => {
            plan.fail(&open, &e);
            return Ok(plan.finish());
        }
    };
    plan.claim_known(ctx, &found)?;
    plan.decide(&open, &found, create_first);
    let renamed =
        if spec.unique_names { guard_names(ctx, candidates, &mut plan.actions, &plan.claimed) } else { HashMap::new() };
    if ctx.dry_run {
        return Ok(plan.dry_run_results(&renamed));
    }
    let mut adopted = Results::new();
    adopt(ctx, spec, candidates, &plan.actions, &mut adopted)?;
    let writes = writes_of(spec, candidates, &plan.actions, &renamed, |_| true);
    progress.set_done((candidates.len() - writes.len()) as u64);
    let mut written = write_all(ctx, spec, candidates, writes, Some(&progress))?;
    if create_first {
        plan.retry_refused_creates(ctx, &renamed, &mut written, &mut adopted)?;
    }
    Ok(plan.results(adopted, written, &renamed))
}

impl<'p> Plan<'p> {
    fn new(spec: &'p Spec, candidates: &'p [Candidate], ledger: Ledger) -> Plan<'p> {
        let claimed = ledger.entries.values().filter_map(|e| e.xero_id.as_deref()).map(str::to_lowercase).collect();
        Plan { spec, candidates, ledger, actions: Vec::with_capacity(candidates.len()), claimed }
    }

    /// Records the ledger holds as pushed are done (unless documents are to be verified against Xero); returns
    /// the indices of the others.
    fn unchanged(&mut self, verify: bool) -> Vec<usize> {
        let verified = verify && self.spec.document;
        let mut open = Vec::new();
        for (i, c) in self.candidates.iter().enumerate() {
            let e = self.ledger.entry(c);
            if e.xero_id.is_some()
                && e.hash.as_deref() == Some(c.hash.as_str())
                && e.pending_hash.is_none()
                && !verified
            {
                self.actions.push(Some(Action::Done(Box::new(self.spec.result_from_entry(c, Outcome::Unchanged, e)))));
            } else {
                self.actions.push(None);
                open.push(i);
            }
        }
        open
    }

    fn fail_with(&mut self, i: usize, errors: Vec<super::schema::RecordError>) {
        let c = &self.candidates[i];
        self.actions[i] = Some(Action::Done(Box::new(RecordResult::failed(c.index, c.key.clone(), errors))));
    }

    /// Every record of `open` failed with `e`.
    fn fail(&mut self, open: &[usize], e: &Error) {
        for &i in open {
            self.fail_with(i, vec![call_error(e)]);
        }
    }

    /// Reference data is checked only for what is to be written; returns the records that pass.
    fn check_references(&mut self, ctx: &Ctx<'_>, open: Vec<usize>) -> Vec<usize> {
        let mut passed = Vec::new();
        for i in open {
            match ctx.check_refs(&self.candidates[i].refs) {
                Ok(errs) if errs.is_empty() => passed.push(i),
                Ok(errs) => self.fail_with(i, errs),
                Err(e) => self.fail_with(i, vec![call_error(&e)]),
            }
        }
        passed
    }

    /// What Xero holds now: by id for known documents, by natural key for what the ledger does not know.
    fn read_xero(&self, ctx: &Ctx<'_>, open: &[usize], create_first: bool) -> std::result::Result<Found, Error> {
        let spec = self.spec;
        let mut found = Found::default();
        let known_docs: Vec<&str> = open
            .iter()
            .filter_map(|&i| self.ledger.entry(&self.candidates[i]).xero_id.as_deref())
            .filter(|_| spec.document)
            .collect();
        if !known_docs.is_empty() {
            for f in lookup::fetch_by_id(ctx, spec, &known_docs)? {
                if let Some(id) = super::map::member(&f, spec.id_field) {
                    found.by_id.insert(id.to_lowercase(), f);
                }
            }
        }
        let to_find: Vec<&str> = open
            .iter()
            .filter(|&&i| {
                // A pending record may have landed with its answer lost: found before anything is sent again.
                let e = self.ledger.entry(&self.candidates[i]);
                let nothing_to_find = spec.lookup.nothing_before_first_write() && e.pending_hash.is_none();
                e.xero_id.is_none() && (!create_first || e.pending_hash.is_some()) && !nothing_to_find
            })
            .map(|&i| self.candidates[i].natural.as_str())
            .collect();
        if !to_find.is_empty() {
            found.by_natural = group_by_natural(spec, lookup(ctx, spec, &to_find)?);
        }
        Ok(found)
    }

    /// Decides each open record from the ledger and what Xero holds.
    fn decide(&mut self, open: &[usize], found: &Found, create_first: bool) {
        let spec = self.spec;
        if spec.create_only {
            self.adopt_as_sent(open, found);
        }
        let undecided: Vec<usize> = open.iter().copied().filter(|&i| self.actions[i].is_none()).collect();
        for i in undecided {
            let c = &self.candidates[i];
            let e = self.ledger.entry(c);
            let action = match (&e.xero_id, spec.create_only) {
                (Some(_), true) => {
                    let mut r = spec.result_from_entry(c, Outcome::Failed, e);
                    r.errors.push(spec::error_of(
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
                (Some(id), false) => match found.by_id.get(&id.to_lowercase()) {
                    Some(f) => decide_existing(spec, c, e, f),
                    None => Action::Update { id: id.clone(), warning: None },
                },
                (None, _) if create_first && e.pending_hash.is_none() => Action::Create,
                (None, _) => decide_natural(spec, c, e, found.by_natural.get(&c.matching()), &self.claimed),
            };
            claim(spec, &action, &mut self.claimed);
            self.actions[i] = Some(action);
        }
    }

    /// Kinds Xero never changes hold many records under one natural key, told apart only by what they hold: the
    /// records the ledger does not know and Xero holds as they would be pushed are taken first, so no other record
    /// takes one of them for a changed copy of itself ([`Finder::likely_same`]).
    fn adopt_as_sent(&mut self, open: &[usize], found: &Found) {
        for &i in open {
            let c = &self.candidates[i];
            let e = self.ledger.entry(c);
            if e.xero_id.is_some() {
                continue;
            }
            if let Some(action) =
                decide::adopt_as_sent(self.spec, c, e, found.by_natural.get(&c.matching()), &self.claimed)
            {
                claim(self.spec, &action, &mut self.claimed);
                self.actions[i] = Some(action);
            }
        }
    }

    /// Xero records found under natural keys that the ledger holds under other ERP keys are those records', never a
    /// match for a record the ledger does not know: two equal payments on one invoice are two payments. Only for
    /// kinds Xero never changes: a contact or document found by its number is the record under that number.
    fn claim_known(&mut self, ctx: &Ctx<'_>, found: &Found) -> Result<()> {
        if !self.spec.create_only {
            return Ok(());
        }
        let ids: Vec<&str> =
            found.by_natural.values().flatten().filter_map(|f| super::map::member(f, self.spec.id_field)).collect();
        if ids.is_empty() {
            return Ok(());
        }
        self.claimed.extend(ledger::known_xero_ids(&ctx.store, &ctx.scope, self.spec.ledger_kind, &ids)?);
        Ok(())
    }

    /// Creates Xero refused: when the reason is that the natural key exists (typed in by hand, or pushed before
    /// the ledger was lost), the record is looked up now and treated as a lookup beforehand would have.
    fn retry_refused_creates(
        &mut self,
        ctx: &Ctx<'_>,
        renamed: &HashMap<usize, NameChange>,
        written: &mut Results,
        adopted: &mut Results,
    ) -> Result<()> {
        let (spec, candidates) = (self.spec, self.candidates);
        let refused: Vec<usize> = (0..candidates.len())
            .filter(|i| matches!(self.actions[*i], Some(Action::Create)))
            .filter(|i| {
                written
                    .get(i)
                    .is_some_and(|r| r.outcome == Outcome::Failed && r.errors.iter().any(|e| e.code == ErrorCode::Xero))
            })
            .collect();
        let naturals: Vec<&str> = refused.iter().map(|&i| candidates[i].natural.as_str()).collect();
        if refused.is_empty() {
            return Ok(());
        }
        let found = match lookup(ctx, spec, &naturals) {
            Ok(found) => found,
            // Unreadable: the refusals stand as Xero worded them, and why they could not be looked up is said
            // beside them: the record may be in Xero already (pushed before the ledger was lost), which a push
            // made again finds.
            Err(e) => {
                for i in &refused {
                    if let Some(r) = written.get_mut(i) {
                        let mut looked_up = call_error(&e);
                        looked_up.message = format!("looking it up in Xero failed: {}", looked_up.message);
                        r.errors.push(looked_up);
                    }
                }
                return Ok(());
            }
        };
        let by_natural = group_by_natural(spec, found);
        self.claimed.extend(written.values().filter_map(|r| r.xero_id.as_deref()).map(str::to_lowercase));
        let mut redo = Vec::new();
        for i in refused {
            let c = &candidates[i];
            let Some(found) = by_natural.get(&c.matching()) else { continue };
            let action = decide_natural(spec, c, self.ledger.entry(c), Some(found), &self.claimed);
            if matches!(action, Action::Create) {
                continue;
            }
            claim(spec, &action, &mut self.claimed);
            written.remove(&i);
            self.actions[i] = Some(action);
            redo.push(i);
        }
        adopt(ctx, spec, candidates, &self.actions, adopted)?;
        let updates = writes_of(spec, candidates, &self.actions, renamed, |i| redo.contains(&i));
        written.extend(write_all(ctx, spec, candidates, updates, None)?);
        Ok(())
    }

    /// What a real push would do, without writing.
    fn dry_run_results(self, renamed: &HashMap<usize, NameChange>) -> Vec<RecordResult> {
        let (spec, candidates) = (self.spec, self.candidates);
        let mut out = Vec::with_capacity(candidates.len());
        for (i, (a, c)) in self.actions.into_iter().zip(candidates).enumerate() {
            let mut r = match a.expect("decided") {
                Action::Done(r) => *r,
                Action::Adopt { found, outcome } => spec.result_from(c, outcome, &found),
                Action::Create => RecordResult::new(c.index, c.key.clone(), Outcome::Created),
                Action::Update { id, warning } => {
                    let mut r = RecordResult::new(c.index, c.key.clone(), Outcome::Updated);
                    r.xero_id = Some(id);
                    r.warnings.extend(warning);
                    r
                }
            };
            name_warning(renamed, i, &mut r);
            out.push(r);
        }
        out
    }

    /// One result per candidate, in order, from the decisions and what the writes answered.
    fn results(
        self,
        mut adopted: Results,
        mut written: Results,
        renamed: &HashMap<usize, NameChange>,
    ) -> Vec<RecordResult> {
        let mut out = Vec::with_capacity(self.candidates.len());
        for (i, a) in self.actions.into_iter().enumerate() {
            let mut r = match a.expect("decided") {
                Action::Done(r) => *r,
                Action::Adopt { .. } => adopted.remove(&i).expect("adopted"),
                Action::Create => written.remove(&i).expect("written"),
                Action::Update { warning, .. } => {
                    let mut r = written.remove(&i).expect("written");
                    if r.outcome == Outcome::Updated {
                        r.warnings.extend(warning);
                    }
                    r
                }
            };
            name_warning(renamed, i, &mut r);
            out.push(r);
        }
        out
    }

    /// The results when every record was done before anything was read or written.
    fn finish(self) -> Vec<RecordResult> {
        self.actions
            .into_iter()
            .map(|a| match a {
                Some(Action::Done(r)) => *r,
                _ => unreachable!("every action is done here"),
            })
            .collect()
    }
}

/// A contact written under another name than the ERP's, or taking over one typed in Xero, says so.
fn name_warning(renamed: &HashMap<usize, NameChange>, i: usize, r: &mut RecordResult) {
    if let Some(change) = renamed.get(&i).filter(|_| matches!(r.outcome, Outcome::Created | Outcome::Updated)) {
        r.warnings.push(change.warning.clone());
    }
}
