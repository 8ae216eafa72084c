//! The contract scenario, through the C ABI, the same against any target: sign in, contacts, an item, a sales
//! invoice and a bill, a credit note allocated to the invoice, a payment; everything pushed again without a write;
//! an answer lost after Xero saved the document, recovered without a duplicate; a ledger that knows nothing finding
//! every record in Xero by its case-mixed key; then the organisation cleaned up. Every key starts with a prefix
//! unique to the run.

use super::cleanup::{Admin, Created};
use super::proxy::{self, Relay};
use super::{SignIn, Target};
use crate::support::auth::ok;
use crate::support::common::{call_c, temp_state_dir};
use crate::support::e2e::PushFn;
use serde_json::{Value, json};
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::atomic::Ordering;
use xero_link::ffi::*;

/// What a run cost at the Accounting API, as the relay counted (token calls and the cleanup not included).
#[derive(Debug, Clone, Copy)]
pub struct Cost {
    /// The library's Accounting calls.
    pub calls: usize,
    pub writes: usize,
    /// The run's own calls: checks of what Xero holds, and the cleanup.
    pub checks: usize,
}

struct Run<'t> {
    target: &'t Target,
    prefix: String,
    relay: Relay,
    /// The connection (configured again over an empty state directory for the empty-ledger step).
    name: String,
    records: Records,
    /// The sign-in state as it was last signed in (the cleanup's token if the connection broke since).
    signed_in: Value,
    /// Calls of the run's own (`Admin`).
    checks: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

struct Records {
    contacts: Value,
    items: Value,
    invoices: Value,
    credit_notes: Value,
    payments: Value,
    late_invoice: Value,
}

/// Runs the scenario against `target` and cleans up after it, whatever happened; panics on the first broken
/// expectation (after the cleanup) or when the cleanup leaves anything behind.
pub fn run(target: &Target) -> Cost {
    let prefix = format!("XL{:06X}", rand::random::<u32>() & 0xFF_FFFF);
    let relay = proxy::start(&target.upstream);
    let records = records(&prefix, target);
    let name = format!("xero-contract-{}", prefix.to_lowercase());
    let mut run = Run { target, name, prefix, relay, records, signed_in: Value::Null, checks: Default::default() };
    run.sign_in(None);
    let outcome = catch_unwind(AssertUnwindSafe(|| run.scenario()));
    let left = run.clean_up();
    run.save_stored_state();
    let cost = match outcome {
        Ok(()) => Cost {
            calls: run.relay.tally.calls.load(Ordering::SeqCst),
            writes: run.relay.tally.writes.load(Ordering::SeqCst),
            checks: run.checks.load(Ordering::SeqCst),
        },
        Err(panic) => resume_unwind(panic),
    };
    assert!(left.is_empty(), "{}: the run could not undo: {left:#?}", target.label);
    cost
}

fn records(p: &str, target: &Target) -> Records {
    let today = chrono::Utc::now().date_naive();
    let due = today + chrono::Days::new(30);
    let sale = |n: u32| {
        json!({"number": format!("{p}-Si-{n}"), "type": "sales", "debtor": format!("{p}-dEbtor"), "date": today,
               "due_date": due, "reference": "xero-link contract run",
               "lines": [{"item": format!("{p}-iTem"), "quantity": "2", "unit_price": "25.00"},
                         {"description": "Contract run service", "quantity": "1", "unit_price": "100.00"}]})
    };
    Records {
        contacts: json!([{"code": format!("{p}-dEbtor"), "role": "debtor", "name": format!("{p} Debtor (xero-link contract run)")},
                         {"code": format!("{p}-cReditor"), "role": "creditor", "name": format!("{p} Creditor (xero-link contract run)")}]),
        items: json!([{"code": format!("{p}-iTem"), "name": format!("{p} item"), "sales_price": "25.00", "purchase_price": "10.00"}]),
        invoices: json!([sale(1), {"number": format!("{p}-bIll-1"), "type": "purchase", "creditor": format!("{p}-cReditor"),
                         "date": today, "due_date": due, "lines": [{"description": "Contract run supplies", "quantity": "4", "unit_price": "10.00"}]}]),
        credit_notes: json!([{"number": format!("{p}-Cn-1"), "type": "sales", "debtor": format!("{p}-dEbtor"), "date": today,
                              "lines": [{"description": "Contract run credit", "quantity": "1", "unit_price": "10.00"}],
                              "allocations": [{"invoice": format!("{p}-Si-1"), "amount": "5.00"}]}]),
        payments: json!([{"id": format!("{p}-pAy-1"), "type": "sales", "invoice": format!("{p}-Si-1"), "amount": "20.00",
                          "date": today, "bank_account": target.accounts.2, "reference": format!("{p} contract run")}]),
        late_invoice: sale(2),
    }
}

impl Run<'_> {
    /// Configures the connection, in a new state directory, and signs it in: a custom connection asks Xero for a
    /// token; a stored sign-in is imported (`from`: a state exported during the run instead of the stored file).
    fn sign_in(&mut self, from: Option<Value>) {
        let stored = match (&self.target.sign_in, from) {
            (_, Some(state)) => Some(state),
            (SignIn::Stored(file), None) => {
                let text = std::fs::read(file).expect("XERO_LIVE_STATE_FILE reads");
                let state: Value = serde_json::from_slice(&text).expect("XERO_LIVE_STATE_FILE holds an export_state");
                // An export is imported under the connection it came from.
                self.name = state["connection"].as_str().expect("an exported connection's name").to_owned();
                Some(state)
            }
            (SignIn::Custom, None) => None,
        };
        let config = self.target.config(&self.name, &temp_state_dir(&self.name), &self.relay.accounting);
        ok(call_c(xero_configure, &config.to_string()));
        let name = self.name.clone();
        match stored {
            Some(state) => {
                let import = json!({"connection": name, "state": state, "force": true});
                ok(call_c(xero_call_op("import_state"), &import.to_string()));
                if let Some(t) = &self.target.tenant_id {
                    ok(call_c(xero_set_tenant, &json!({"connection": name, "tenant_id": t}).to_string()));
                }
            }
            None => {
                ok(call_c(xero_authenticate, &json!({"connection": name}).to_string()));
            }
        }
        self.signed_in = self.export_state();
    }

    fn export_state(&self) -> Value {
        ok(call_c(xero_call_op("export_state"), &json!({"connection": self.name}).to_string()))
    }

    fn push(&self, f: PushFn, member: &str, records: &Value) -> Vec<String> {
        let answer = ok(call_c(f, &json!({"connection": self.name, member: records}).to_string()));
        let results = answer["results"].as_array().expect("results");
        results
            .iter()
            .map(|r| format!("{} {}", r["key"].as_str().unwrap_or("?"), r["outcome"].as_str().unwrap_or("?")))
            .collect()
    }

    /// Every kind in dependency order; each record's `key outcome`.
    fn push_all(&self) -> Vec<String> {
        let r = &self.records;
        let mut out = self.push(xero_push_contacts, "contacts", &r.contacts);
        out.extend(self.push(xero_push_items, "items", &r.items));
        out.extend(self.push(xero_push_invoices, "invoices", &r.invoices));
        out.extend(self.push(xero_push_credit_notes, "credit_notes", &r.credit_notes));
        out.extend(self.push(xero_push_payments, "payments", &r.payments));
        out
    }

    fn scenario(&mut self) {
        let label = self.target.label;
        let first = self.push_all();
        assert!(first.iter().all(|o| o.ends_with(" created")), "{label}: first push: {first:?}");
        assert_eq!(first.len(), 7, "{label}: {first:?}");

        let writes = self.writes();
        let again = self.push_all();
        assert!(again.iter().all(|o| o.ends_with(" unchanged")), "{label}: pushed again: {again:?}");
        let written = self.relay.tally.written.lock().unwrap()[writes..].to_vec();
        assert_eq!(written, Vec::<String>::new(), "{label}: pushed again without a write");

        self.lost_answer();
        self.empty_ledger();
    }

    fn writes(&self) -> usize {
        self.relay.tally.writes.load(Ordering::SeqCst)
    }

    /// Xero saves the invoice, its answer never arrives: the push finds it and settles it, once.
    fn lost_answer(&self) {
        let label = self.target.label;
        self.relay.tally.lose_next_answer.store(true, Ordering::SeqCst);
        let late = json!([self.records.late_invoice]);
        let outcome = self.push(xero_push_invoices, "invoices", &late);
        assert_eq!(self.relay.tally.answers_lost.load(Ordering::SeqCst), 1, "{label}: an answer was lost");
        assert_eq!(outcome, [format!("{}-Si-2 created", self.prefix)], "{label}");
        let found = self.admin().invoices(&[format!("{}-Si-2", self.prefix)]);
        assert_eq!(found.len(), 1, "{label}: the invoice whose answer was lost is in Xero once: {found:?}");
    }

    /// The connection over an empty state directory (the sign-in carried over, the ledger not): every record is
    /// found in Xero by its natural key, case-mixed as the ERP wrote it, and nothing is written.
    fn empty_ledger(&mut self) {
        let label = self.target.label;
        let state = self.export_state();
        self.sign_in(Some(state));
        let mut invoices = self.records.invoices.as_array().unwrap().clone();
        invoices.push(self.records.late_invoice.clone());
        self.records.invoices = json!(invoices);
        let writes = self.writes();
        let found = self.push_all();
        assert!(found.iter().all(|o| o.ends_with(" unchanged")), "{label}: an empty ledger: {found:?}");
        // Kinds whose numbers Xero keeps unique (items, sales invoices and credit notes) are created first and,
        // refused as duplicates, adopted: at most one refused write each, and nothing new in Xero.
        let written = self.relay.tally.written.lock().unwrap()[writes..].to_vec();
        assert!(written.iter().all(|w| w.starts_with("PUT ")) && written.len() <= 3, "{label}: {written:?}");
        let admin = self.admin();
        let p = &self.prefix;
        let numbers = [format!("{p}-Si-1"), format!("{p}-Si-2"), format!("{p}-bIll-1")];
        assert_eq!(admin.invoices(&numbers).len(), 3, "{label}: each invoice once");
        let once = |path: &str, key: &str, filter: String| {
            assert_eq!(admin.list(path, key, &[("where", &filter)]).len(), 1, "{label}: {filter}")
        };
        once("/CreditNotes", "CreditNotes", format!("CreditNoteNumber==\"{p}-Cn-1\""));
        once("/Items", "Items", format!("Code==\"{p}-iTem\""));
        once("/Contacts", "Contacts", format!("ContactNumber==\"{p}-dEbtor\""));
        once("/Contacts", "Contacts", format!("ContactNumber==\"{p}-cReditor\""));
    }

    fn admin(&self) -> Admin {
        let now = self.export_state();
        let state = if now["grant"]["access_token"].is_string() { &now } else { &self.signed_in };
        let token = state["grant"]["access_token"].as_str().expect("an access token");
        let token = token.strip_prefix("plain:").expect("tokens stored plain (no encryption key)").to_owned();
        let tenant = state["tenant"]["tenant_id"].as_str().expect("a tenant").to_owned();
        Admin::new(&self.target.upstream, token, tenant, self.checks.clone())
    }

    fn clean_up(&self) -> Vec<String> {
        let p = &self.prefix;
        let created = Created {
            contacts: vec![format!("{p}-dEbtor"), format!("{p}-cReditor")],
            items: vec![format!("{p}-iTem")],
            invoices: vec![format!("{p}-Si-1"), format!("{p}-Si-2"), format!("{p}-bIll-1")],
            credit_notes: vec![format!("{p}-Cn-1")],
        };
        self.admin().undo(&created)
    }

    /// A stored sign-in's refresh token rotated during the run: the file gets the one now valid.
    fn save_stored_state(&self) {
        if let SignIn::Stored(file) = &self.target.sign_in {
            let state = self.export_state();
            std::fs::write(file, serde_json::to_vec_pretty(&state).unwrap())
                .expect("XERO_LIVE_STATE_FILE written back");
        }
    }
}

/// `xero_call` with an operation name, shaped as a push function.
fn xero_call_op(operation: &'static str) -> PushFn {
    match operation {
        "import_state" => import_state,
        "export_state" => export_state,
        _ => unreachable!("only the state operations are called by name"),
    }
}

unsafe extern "C" fn import_state(request: *const std::ffi::c_char) -> *mut std::ffi::c_char {
    unsafe { xero_call(c"import_state".as_ptr(), request) }
}

unsafe extern "C" fn export_state(request: *const std::ffi::c_char) -> *mut std::ffi::c_char {
    unsafe { xero_call(c"export_state".as_ptr(), request) }
}
