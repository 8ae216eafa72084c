//! One sequence of the model-based push test: the steps, and the world they act on (the ERP, Xero and the
//! library's connection, what the model learnt of the library's work), checked after every push and at the end.

use super::by_hand;
use super::checks::{self, Call, Tracker};
use super::erp::{Erp, Kind, LineChoice, credit_note_numbers};
use super::xero::Xero;
use crate::support::e2e::{self, PushFn};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Mutex;
use xero_link::ffi::{
    xero_push_contacts, xero_push_credit_notes, xero_push_invoices, xero_push_items, xero_push_payments,
};
use xero_sim::FaultKind;

/// One step. Slots and choices are small numbers read against the current state (see [`Erp`]).
#[derive(Debug, Clone)]
pub enum Step {
    /// The ERP adds a debtor or creditor, or renames one.
    Contact { slot: u8, variant: u8 },
    /// The ERP adds an item, or changes its name and price.
    Item { slot: u8, variant: u8 },
    /// The ERP adds a sales invoice or bill, or changes its lines (and debtor, status).
    Invoice { slot: u8, contact: u8, lines: Vec<LineChoice>, authorise: bool },
    /// The ERP adds a credit note, or changes its lines (and contact, status).
    CreditNote { slot: u8, contact: u8, lines: Vec<LineChoice>, authorise: bool },
    /// The ERP allocates one of its authorised credit notes to an invoice.
    Allocate { slot: u8, invoice: u8, amount: u8 },
    /// The ERP records a payment on one of its authorised invoices.
    Payment { slot: u8, invoice: u8, amount: u8 },
    /// The ERP deletes a record.
    Forget { kind: Kind, slot: u8 },
    /// The host pushes.
    Push { what: What, verify: bool },
    /// A person renames a contact in Xero.
    RenameInXero { slot: u8 },
    /// A person archives a contact in Xero.
    ArchiveInXero { slot: u8 },
    /// A person voids an authorised invoice in Xero, or deletes a draft one.
    VoidOrDeleteInXero { slot: u8 },
    /// A person voids an authorised credit note in Xero, or deletes a draft one.
    VoidCreditNoteInXero { slot: u8 },
    /// A person edits an invoice's first line in Xero (one without payments).
    EditInvoiceInXero { slot: u8 },
    /// A person deletes a payment in Xero.
    DeletePaymentInXero { slot: u8 },
    /// The next `count` requests to `target` ([`TARGETS`]) fail with `kind`.
    Fault { kind: FaultKind, target: u8, count: u32 },
    /// The host process is started again.
    Restart,
    /// The push ledger is lost (the sign-in is not).
    LoseLedger,
}

/// What a push step pushes.
#[derive(Debug, Clone, Copy)]
pub enum What {
    Contacts,
    Items,
    /// The invoices, carrying the contacts and items (pushed first in the same call) or not.
    Invoices {
        carry: bool,
    },
    CreditNotes,
    Payments,
    /// Contacts, items, invoices, credit notes (their allocations need the invoices), then payments: five calls.
    All,
}

/// Where a fault fires: (method, any when `None`; path prefix).
pub const TARGETS: [(Option<&str>, &str); 9] = [
    (None, "/api.xro/2.0/"),
    (Some("GET"), "/api.xro/2.0/"),
    (Some("GET"), "/api.xro/2.0/Invoices"),
    (Some("POST"), "/api.xro/2.0/Contacts"),
    (None, "/api.xro/2.0/Items"),
    (Some("PUT"), "/api.xro/2.0/Invoices"),
    (Some("POST"), "/api.xro/2.0/Invoices"),
    // Credit notes: their lookups and writes, and their allocations (`PUT /CreditNotes/{id}/Allocations`).
    (None, "/api.xro/2.0/CreditNotes"),
    // Allocations alone: their credit note is created with PUT /CreditNotes, updated with POST.
    (Some("PUT"), "/api.xro/2.0/CreditNotes/"),
];

/// What the sequences did, counted over a run (outcomes and error codes of records, faults fired, changes made
/// by hand): shown when the run ends, so a run that never reached a rule is seen.
static TALLY: Mutex<BTreeMap<String, u64>> = Mutex::new(BTreeMap::new());

pub(super) fn tally(what: impl Into<String>, n: u64) {
    if n > 0 {
        *TALLY.lock().unwrap_or_else(|e| e.into_inner()).entry(what.into()).or_default() += n;
    }
}

/// The counts so far, one `what: n` per entry.
pub fn tallies() -> String {
    let tally = TALLY.lock().unwrap_or_else(|e| e.into_inner());
    tally.iter().map(|(k, n)| format!("{k}: {n}")).collect::<Vec<_>>().join(", ")
}

pub struct World {
    pub xero: Xero,
    erp: Erp,
    tracker: Tracker,
    /// What each step did, for the failure message.
    pub trace: Vec<String>,
}

impl World {
    /// A new simulator and connection, and an ERP already linked: a debtor, a creditor, an item, an authorised
    /// sales invoice, a draft bill and an authorised credit note for the invoice's debtor, pushed once (so a
    /// sequence's first change by hand, or allocation, has something to act on).
    pub fn start() -> Result<World, String> {
        let mut world =
            World { xero: Xero::start(), erp: Erp::default(), tracker: Tracker::default(), trace: Vec::new() };
        let linked = [
            Step::Invoice { slot: 0, contact: 0, lines: vec![(Some(0), 0, 0)], authorise: true },
            Step::Invoice { slot: 4, contact: 0, lines: vec![(None, 1, 1)], authorise: false },
            Step::CreditNote { slot: 0, contact: 0, lines: vec![(None, 0, 3)], authorise: true },
            Step::Push { what: What::All, verify: false },
        ];
        for step in &linked {
            world.apply(step)?;
        }
        world.trace.push("-- linked; the sequence starts --".into());
        Ok(world)
    }

    /// Applies one step; `Err` says which rule broke.
    pub fn apply(&mut self, step: &Step) -> Result<(), String> {
        let note = match step {
            Step::Contact { slot, variant } => self.erp.upsert_contact(*slot, *variant),
            Step::Item { slot, variant } => self.erp.upsert_item(*slot, *variant),
            Step::Invoice { slot, contact, lines, authorise } => {
                self.erp.upsert_invoice(*slot, *contact, lines, *authorise)
            }
            Step::CreditNote { slot, contact, lines, authorise } => {
                self.erp.upsert_credit_note(*slot, *contact, lines, *authorise)
            }
            Step::Allocate { slot, invoice, amount } => self.erp.allocate(*slot, *invoice, *amount),
            Step::Payment { slot, invoice, amount } => self.erp.record_payment(*slot, *invoice, *amount),
            Step::Forget { kind, slot } => self.erp.forget(*kind, *slot),
            Step::Push { what, verify } => self.push(*what, *verify)?,
            Step::RenameInXero { slot } => by_hand::contact(&self.xero, &mut self.tracker, *slot, true)?,
            Step::ArchiveInXero { slot } => by_hand::contact(&self.xero, &mut self.tracker, *slot, false)?,
            Step::VoidOrDeleteInXero { slot } => by_hand::void_or_delete(&self.xero, *slot)?,
            Step::VoidCreditNoteInXero { slot } => by_hand::void_or_delete_credit_note(&self.xero, *slot)?,
            Step::EditInvoiceInXero { slot } => by_hand::edit_line(&self.xero, &mut self.tracker, *slot)?,
            Step::DeletePaymentInXero { slot } => by_hand::delete_payment(&self.xero, *slot)?,
            Step::Fault { kind, target, count } => {
                let (method, path) = TARGETS[*target as usize % TARGETS.len()];
                self.xero.arm(*kind, method, path, *count);
                format!("armed for {} {path}", method.unwrap_or("any"))
            }
            Step::Restart => {
                tally("restarts", 1);
                self.xero.restart();
                "configured again, as a new process".into()
            }
            Step::LoseLedger => {
                tally("ledgers lost", 1);
                self.xero.lose_ledger();
                self.tracker.ledger_lost();
                "moved to a new state directory with the same sign-in".into()
            }
        };
        self.trace.push(format!("{step:?} → {note}"));
        Ok(())
    }

    fn push(&mut self, what: What, verify: bool) -> Result<String, String> {
        let erp = &self.erp;
        let (contacts, items, invoices) = (erp.contacts_json(), erp.items_json(), erp.invoices_json());
        let (credit_notes, payments) = (erp.credit_notes_json(), erp.payments_json());
        let calls: Vec<Request> = match what {
            What::Contacts => vec![contacts_call(contacts)],
            What::Items => vec![items_call(items)],
            What::Invoices { carry: false } => vec![invoices_call(invoices, verify)],
            What::Invoices { carry: true } => {
                let (f, mut request, mut sent) = invoices_call(invoices, verify);
                request["contacts"] = json!(contacts);
                request["items"] = json!(items);
                sent.extend([(Kind::Contact, contacts), (Kind::Item, items)]);
                vec![(f, request, sent)]
            }
            What::CreditNotes => vec![credit_notes_call(credit_notes, verify)],
            What::Payments => vec![payments_call(payments)],
            What::All => vec![
                contacts_call(contacts),
                items_call(items),
                invoices_call(invoices, verify),
                credit_notes_call(credit_notes, verify),
                payments_call(payments),
            ],
        };
        let mut notes = Vec::new();
        for (f, request, sent) in calls {
            if sent.iter().all(|(_, records)| records.is_empty()) {
                continue;
            }
            notes.push(self.call(f, request, sent, verify)?.0);
        }
        Ok(notes.join(" | "))
    }

    /// One push call, checked; its note and answer.
    fn call(
        &mut self,
        f: PushFn,
        request: Value,
        sent: Vec<(Kind, Vec<Value>)>,
        verify: bool,
    ) -> Result<(String, Value), String> {
        let before = self.xero.snapshot();
        let fired = self.xero.fired();
        let answer = self.xero.push(f, request);
        // A request the library gave up on may still be in Xero's hands: what it holds is read once it is done.
        e2e::wait_idle(&self.xero.sim, &self.xero.tenant);
        let after = self.xero.snapshot();
        let call =
            Call { sent, answer: &answer, before: &before, after: &after, fired: self.xero.fired() > fired, verify };
        let note = checks::check_call(&self.erp, &mut self.tracker, &call)?;
        checks::check_nothing_twice(&after)?;
        tally("faults fired", self.xero.fired().saturating_sub(fired));
        for result in note.split(", ") {
            let Some((key, outcome)) = result.split_once(' ') else { continue };
            tally(outcome, 1);
            // Credit notes and their allocations (`CN/INVOICE`) counted apart too, so a run shows they were reached.
            if key.contains('/') {
                tally(format!("allocation {outcome}"), 1);
            } else if credit_note_numbers().any(|n| n == key) {
                tally(format!("credit note {outcome}"), 1);
            }
        }
        Ok((note, answer))
    }

    /// The faults gone, everything is pushed: it all lands (but what a person changed in Xero and the library is
    /// documented to leave), pushed again nothing is written, and a verifying push finds what was voided.
    pub fn settle(&mut self) -> Result<(), String> {
        self.xero.calm();
        let note = self.push(What::All, false)?;
        self.trace.push(format!("final push, no faults → {note}"));
        let failed: Vec<&str> =
            note.split([',', '|']).filter_map(|r| r.trim().split_once(" failed")).map(|(k, _)| k).collect();
        checks::check_everything_landed(&self.erp, &self.tracker, &self.xero.snapshot(), &failed)?;
        // Pushed again: nothing changes in Xero, and when every record is unchanged not even a read is made
        // ("Unchanged records cost no API call"). A record that fails again may cost calls (a document voided by
        // hand after the ledger was lost is created, refused and looked up on every push).
        let (before, calls) = (self.xero.snapshot(), self.xero.api_calls());
        let note = self.push(What::All, false)?;
        self.trace.push(format!("pushed again → {note}"));
        let results: Vec<&str> = note.split([',', '|']).map(str::trim).filter(|r| !r.is_empty()).collect();
        let wrote = results.iter().any(|r| r.ends_with(" created") || r.ends_with(" updated"));
        let all_unchanged = results.iter().all(|r| r.ends_with(" unchanged"));
        if wrote || self.xero.snapshot() != before || (all_unchanged && self.xero.api_calls() != calls) {
            return Err(format!("pushed again, the library changed Xero, said so, or called it for nothing: {note}"));
        }
        // Verified, documents are read back: one edited by hand is put back as the ERP has it, one voided or
        // deleted by hand is reported; nothing else is written.
        let edited: Vec<String> =
            self.tracker.edited.iter().filter(|(k, _)| *k == Kind::Invoice).map(|(_, n)| n.clone()).collect();
        let written = |r: &&str| {
            r.ends_with(" created")
                || (r.ends_with(" updated") && !edited.iter().any(|n| r.starts_with(&format!("{n} "))))
        };
        let calls =
            [invoices_call(self.erp.invoices_json(), true), credit_notes_call(self.erp.credit_notes_json(), true)];
        for (f, request, sent) in calls.into_iter().filter(|(_, _, sent)| !sent[0].1.is_empty()) {
            let (note, _) = self.call(f, request, sent, true)?;
            self.trace.push(format!("verified → {note}"));
            if let Some(r) = note.split(", ").find(written) {
                return Err(format!("a verifying push wrote what no one changed: {r}"));
            }
        }
        Ok(())
    }

    /// Requests the library sent, or answers Xero gave, outside Xero's OpenAPI spec, as the simulator recorded
    /// them (taken, so the simulator does not panic about them when it stops).
    pub fn spec_violations(&self) -> Vec<String> {
        self.xero.sim.take_spec_violations()
    }
}

type Request = (PushFn, Value, Vec<(Kind, Vec<Value>)>);

fn contacts_call(contacts: Vec<Value>) -> Request {
    (xero_push_contacts, json!({"contacts": contacts}), vec![(Kind::Contact, contacts)])
}

fn items_call(items: Vec<Value>) -> Request {
    (xero_push_items, json!({"items": items}), vec![(Kind::Item, items)])
}

fn payments_call(payments: Vec<Value>) -> Request {
    (xero_push_payments, json!({"payments": payments}), vec![(Kind::Payment, payments)])
}

fn invoices_call(invoices: Vec<Value>, verify: bool) -> Request {
    (xero_push_invoices, json!({"invoices": invoices, "verify": verify}), vec![(Kind::Invoice, invoices)])
}

fn credit_notes_call(credit_notes: Vec<Value>, verify: bool) -> Request {
    let request = json!({"credit_notes": credit_notes, "verify": verify});
    (xero_push_credit_notes, request, vec![(Kind::CreditNote, credit_notes)])
}
