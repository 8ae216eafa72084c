//! Every fault the simulator can inject, at every stage a push goes through, over HTTP through the C ABI:
//! reference-data reads, natural-key lookups, each kind of write, and the token endpoint during a refresh.
//! For each (fault, stage): a small ERP day is pushed while the fault fires (more times than the transport
//! retries, except the 429 which the transport always waits out), then, the fault gone and Xero idle, pushed
//! again. Afterwards Xero holds every record exactly once and to the cent, nothing was reported done that is
//! not in Xero, nothing done is done again, and a third push finds everything unchanged without a write.

use crate::support::e2e::{all_results, assert_day_in_xero, push, ready, simulator, steps, wait_idle, writes};
use erp_day::{ErpDay, Scale};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Mutex;
use xero_link_fixtures::erp_day;
use xero_sim::{FaultKind, FaultSpec};

/// A few records of every kind.
const TINY: Scale = Scale {
    debtors: 3,
    creditors: 2,
    items: 3,
    sales_invoices: 5,
    bills: 3,
    sales_credit_notes: 2,
    supplier_credit_notes: 1,
    max_lines: 3,
};

/// Where a push goes: (name, method, path prefix). `None` method: any. Kinds whose key Xero keeps unique (items,
/// sales invoices, sales credit notes) are created first with PUT and looked up only when Xero refuses a create
/// or an answer is lost, so their lookups are exercised by the write stages' lost answers.
const STAGES: &[(&str, Option<&str>, &str)] = &[
    ("reference data: accounts", Some("GET"), "/api.xro/2.0/Accounts"),
    ("reference data: tax rates", Some("GET"), "/api.xro/2.0/TaxRates"),
    ("reference data: tracking categories", Some("GET"), "/api.xro/2.0/TrackingCategories"),
    ("lookup: contacts", Some("GET"), "/api.xro/2.0/Contacts"),
    ("lookup: invoices", Some("GET"), "/api.xro/2.0/Invoices"),
    ("lookup: credit notes and their allocations", Some("GET"), "/api.xro/2.0/CreditNotes"),
    ("lookup: payments", Some("GET"), "/api.xro/2.0/Payments"),
    ("write: contacts", Some("POST"), "/api.xro/2.0/Contacts"),
    ("create: items", Some("PUT"), "/api.xro/2.0/Items"),
    ("create: sales invoices", Some("PUT"), "/api.xro/2.0/Invoices"),
    ("write: bills", Some("POST"), "/api.xro/2.0/Invoices"),
    ("create: sales credit notes and allocations", Some("PUT"), "/api.xro/2.0/CreditNotes"),
    ("write: supplier credit notes", Some("POST"), "/api.xro/2.0/CreditNotes"),
    ("write: allocations", Some("PUT"), "/api.xro/2.0/CreditNotes/"),
    ("write: payments", Some("PUT"), "/api.xro/2.0/Payments"),
    ("token refresh", Some("POST"), "/connect/token"),
];

const KINDS: &[FaultKind] = &[
    FaultKind::Error500,
    FaultKind::Maintenance503,
    FaultKind::OrgOffline503,
    FaultKind::RateLimit429,
    FaultKind::Delay,
    FaultKind::DropBefore,
    FaultKind::DropAfter,
];

/// The transport's request timeout in these tests, and the delay that outlasts it.
const REQUEST_MS: u64 = 250;
const DELAY_MS: u64 = 600;

fn fault(kind: FaultKind, method: Option<&str>, path: &str) -> FaultSpec {
    // One more than the transport's attempts per call, so the failure reaches the push; a 429 is always waited
    // out (its Retry-After honoured), so two are enough to see that.
    let count = if kind == FaultKind::RateLimit429 { 2 } else { 6 };
    let mut spec = FaultSpec::next(method.unwrap_or("GET"), path, kind, count);
    spec.method = method.map(str::to_owned);
    spec.delay_ms = Some(DELAY_MS);
    spec.retry_after_secs = Some(1);
    spec
}

/// Codes a fault may legitimately leave on a record: the call's failure, or a record that depended on one.
const FAULT_CODES: &[&str] = &[
    "xero_unavailable",
    "network",
    "timeout",
    "rate_limited",
    "uncertain",
    "dependency",
    "internal",
    "reauth_required",
];

/// Keys of the records an answer reports as in Xero (created, updated or unchanged), with their outcome.
fn landed(answer: &Value) -> Vec<(String, String)> {
    if answer["ok"] != true {
        return Vec::new();
    }
    all_results(&answer["result"])
        .iter()
        .filter(|r| matches!(r["outcome"].as_str(), Some("created" | "updated" | "unchanged")))
        .map(|r| (r["key"].as_str().unwrap_or_default().to_owned(), r["outcome"].as_str().unwrap().to_owned()))
        .collect()
}

/// One (fault, stage) case; `Err` describes what went wrong.
fn run_case(day: &ErpDay, kind: FaultKind, stage: &(&str, Option<&str>, &str), n: usize) -> Result<String, String> {
    let (stage_name, method, path) = *stage;
    let context = format!("{} at {stage_name}", kind.name());
    let (sim, tenant) = simulator(60.0, false);
    let name = format!("xero-e2e-fault-{n}");
    ready(
        &name,
        &sim,
        json!({"timeouts": {"connect_ms": 2000, "request_ms": REQUEST_MS, "default_deadline_ms": 30000}}),
    );
    if path == "/connect/token" {
        sim.expire_access_tokens();
    }
    sim.add_fault(fault(kind, method, path));

    // First push, under the fault.
    let mut first = Vec::new();
    let mut reported_done: Vec<(String, String)> = Vec::new();
    for step in steps(day) {
        let answer = push(&name, &step);
        if answer["ok"] == true {
            for r in all_results(&answer["result"]) {
                for e in r["errors"].as_array().into_iter().flatten() {
                    let code = e["code"].as_str().unwrap_or_default();
                    if !FAULT_CODES.contains(&code) {
                        return Err(format!(
                            "{context}: a fault was reported as a problem of the record ({code}): {r}"
                        ));
                    }
                }
            }
        }
        reported_done.extend(landed(&answer));
        first.push(answer);
    }
    let fired: u64 = sim.faults().iter().map(|f| f.fired).sum();
    if fired == 0 {
        return Err(format!("{context}: the fault never fired: the stage was not reached"));
    }
    let needs_second = first.iter().any(|a| {
        a["ok"] != true
            || all_results(&a["result"]).iter().any(|r| matches!(r["outcome"].as_str(), Some("failed" | "uncertain")))
    });

    // What the first push reported done is in Xero already.
    wait_idle(&sim, &tenant);
    let snap = sim.snapshot(&tenant).unwrap();
    let mut in_xero: HashMap<String, usize> = HashMap::new();
    for (collection, field) in [
        ("Contacts", "ContactNumber"),
        ("Items", "Code"),
        ("Invoices", "InvoiceNumber"),
        ("CreditNotes", "CreditNoteNumber"),
        ("Payments", "Reference"),
    ] {
        for e in snap[collection].as_array().unwrap() {
            *in_xero.entry(e[field].as_str().unwrap_or_default().to_owned()).or_default() += 1;
        }
    }
    let references: HashMap<String, String> = day
        .payments
        .iter()
        .map(|p| (p["id"].as_str().unwrap().to_owned(), p["reference"].as_str().unwrap().to_owned()))
        .collect();
    let allocation_invoices: Vec<String> = day
        .credit_notes
        .iter()
        .flat_map(|c| c["allocations"].as_array().unwrap().iter().map(|a| a["invoice"].as_str().unwrap().to_owned()))
        .collect();
    for (key, outcome) in &reported_done {
        let xero_key = references.get(key).cloned().unwrap_or_else(|| key.clone());
        if allocation_invoices.contains(key) && !in_xero.contains_key(key) {
            return Err(format!("{context}: allocation on {key} reported {outcome} but its invoice is not in Xero"));
        }
        if in_xero.get(&xero_key).copied().unwrap_or(0) != 1 {
            return Err(format!(
                "{context}: {key} reported {outcome} but Xero holds it {:?} times",
                in_xero.get(&xero_key)
            ));
        }
    }

    // Second push, the fault gone: everything lands, nothing twice, nothing reported done is done again.
    sim.clear_faults();
    let done_before: HashMap<String, String> = reported_done.iter().cloned().collect();
    for step in steps(day) {
        let answer = push(&name, &step);
        if answer["ok"] != true {
            return Err(format!("{context}: the second push of {} failed: {answer}", step.what));
        }
        for r in all_results(&answer["result"]) {
            let key = r["key"].as_str().unwrap_or_default();
            let outcome = r["outcome"].as_str().unwrap_or_default();
            if matches!(outcome, "failed" | "uncertain") {
                return Err(format!("{context}: the second push left {key} {outcome}: {r}"));
            }
            if done_before.contains_key(key) && outcome == "created" && !allocation_invoices.contains(&key.to_owned()) {
                return Err(format!("{context}: {key} was reported done by the first push, created by the second"));
            }
            if !needs_second && outcome != "unchanged" {
                return Err(format!("{context}: the first push succeeded, yet the second one did {outcome} {key}"));
            }
        }
    }
    let snapshot = sim.snapshot(&tenant).unwrap();
    std::panic::catch_unwind(|| assert_day_in_xero(&snapshot, day, &context))
        .map_err(|p| p.downcast_ref::<String>().cloned().unwrap_or_else(|| format!("{context}: {p:?}")))?;

    // A third push agrees with Xero without a write.
    let before = writes(&sim);
    for step in steps(day) {
        let answer = push(&name, &step);
        let all_unchanged =
            answer["ok"] == true && all_results(&answer["result"]).iter().all(|r| r["outcome"] == "unchanged");
        if !all_unchanged {
            return Err(format!("{context}: the third push of {} was not all unchanged: {answer}", step.what));
        }
    }
    if writes(&sim) != before {
        return Err(format!("{context}: the third push wrote to Xero"));
    }
    let summary: Vec<String> = first
        .iter()
        .map(|a| if a["ok"] == true { a["result"]["summary"].to_string() } else { a["error"]["code"].to_string() })
        .collect();
    Ok(format!("{context}: fired {fired}, first push {}", summary.join(" ")))
}

#[test]
fn every_fault_at_every_stage_ends_with_every_record_in_xero_exactly_once() {
    let day = erp_day::generate(7, TINY);
    assert!(!day.payments.is_empty() && !day.credit_notes.is_empty(), "the day has payments and allocations");
    let cases: Vec<(FaultKind, usize)> = KINDS.iter().flat_map(|k| (0..STAGES.len()).map(move |s| (*k, s))).collect();
    let queue = Mutex::new(cases.into_iter().enumerate().collect::<Vec<_>>());
    let outcomes = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..24 {
            s.spawn(|| {
                loop {
                    let Some((n, (kind, stage))) = queue.lock().unwrap().pop() else { return };
                    let r = std::panic::catch_unwind(|| run_case(&day, kind, &STAGES[stage], n)).unwrap_or_else(|p| {
                        Err(format!(
                            "{} at {}: panicked: {}",
                            kind.name(),
                            STAGES[stage].0,
                            p.downcast_ref::<String>().cloned().unwrap_or_default()
                        ))
                    });
                    outcomes.lock().unwrap().push(r);
                }
            });
        }
    });
    let outcomes = outcomes.into_inner().unwrap();
    assert_eq!(outcomes.len(), KINDS.len() * STAGES.len());
    for o in outcomes.iter().flatten() {
        eprintln!("{o}");
    }
    let failures: Vec<&String> = outcomes.iter().filter_map(|o| o.as_ref().err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        outcomes.len(),
        failures.iter().map(|f| f.as_str()).collect::<Vec<_>>().join("\n")
    );
}
