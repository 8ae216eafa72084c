//! Shared by the `e2e_*` tests: a simulator with an organisation of its own (so tests running side by side in
//! one process never share Xero's limits as the transport tracks them), a connection configured, signed in
//! through the callback way and set to that organisation, the push functions called through the C ABI, and
//! checks that what Xero holds is an ERP day exactly once and to the cent.

use crate::support::auth::{consent, endpoints, ok};
use crate::support::common::{call_c, temp_state_dir};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::ffi::c_char;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::{Duration, Instant};
use xero_link::ffi::*;
use xero_link_fixtures::erp_day::ErpDay;
use xero_sim::{SimConfig, SimHandle};

pub const ORG_NAME: &str = "Huge ERP Test Ltd";

pub type PushFn = unsafe extern "C" fn(*const c_char) -> *mut c_char;

/// A fresh organisation id (a v4-shaped UUID).
pub fn new_tenant_id() -> String {
    let r: u128 = rand::random();
    let h = format!("{r:032x}");
    format!("{}-{}-4{}-8{}-{}", &h[0..8], &h[8..12], &h[13..16], &h[17..20], &h[20..32])
}

/// A simulator at `time_scale` whose only organisation is a new "Huge ERP Test Ltd"; returns it and its id.
pub fn simulator(time_scale: f64, limits_on: bool) -> (SimHandle, String) {
    let tenant = new_tenant_id();
    let mut config = SimConfig { time_scale, ..SimConfig::default() };
    config.organisations =
        vec![serde_json::from_value(json!({"tenant_id": tenant, "name": ORG_NAME})).expect("an organisation seed")];
    // Off: nothing is refused, and no X-*Limit-Remaining header tells the transport to wait.
    config.limits.enabled = limits_on;
    (xero_sim::start(config).expect("the simulator starts"), tenant)
}

/// The connection's configuration against `sim`; `patch` adds or replaces top-level members.
pub fn config(name: &str, sim: &SimHandle, state_dir: &std::path::Path, patch: Value) -> Value {
    let mut c = json!({
        "connection": name,
        "client_id": "sim-client",
        "client_secret": "sim-secret",
        "redirect_uri": "https://erp.example.com/csp/sys/oauth2/OAuth2.Response.cls",
        "functions": ["debtors", "creditors", "inventory", "sales_invoices", "purchase_invoices", "credit_notes", "payments"],
        "defaults": {"sales_account": "200", "cos_account": "310", "division": "North", "sales_rep": "Alice Brown"},
        "state_dir": state_dir,
        "endpoints": endpoints(&sim.base_url()),
        "limits": {"minute_ms": 1000},
    });
    for (k, v) in patch.as_object().expect("a patch is an object") {
        c[k] = v.clone();
    }
    c
}

/// Configures `name`, signs in through the callback way and sets the tenant; returns the state_dir.
pub fn ready(name: &str, sim: &SimHandle, patch: Value) -> PathBuf {
    let dir = temp_state_dir(name);
    // Signing in is the setup, not what a test's short timeouts are for (a loaded machine can take longer than
    // 250 ms to answer): it runs with the default ones, and the test's own configuration applies once signed in.
    let mut setup = patch.clone();
    let short_timeouts = setup.as_object_mut().and_then(|o| o.remove("timeouts")).is_some();
    ok(call_c(xero_configure, &config(name, sim, &dir, setup).to_string()));
    let started = ok(call_c(xero_authorize_url, &json!({"connection": name}).to_string()));
    let callback = consent(started["url"].as_str().unwrap());
    ok(call_c(xero_authenticate, &json!({"connection": name, "callback_url": callback.as_str()}).to_string()));
    ok(call_c(xero_set_tenant, &json!({"connection": name, "tenant_name": ORG_NAME}).to_string()));
    if short_timeouts {
        ok(call_c(xero_configure, &config(name, sim, &dir, patch).to_string()));
    }
    dir
}

/// One push step of a day: the C function, the request's array member, the records.
pub struct Step {
    pub what: &'static str,
    pub f: PushFn,
    pub key: &'static str,
    pub records: Vec<Value>,
}

/// The day's pushes in the order a host makes them.
pub fn steps(day: &ErpDay) -> Vec<Step> {
    vec![
        Step { what: "contacts", f: xero_push_contacts, key: "contacts", records: day.contacts() },
        Step { what: "items", f: xero_push_items, key: "items", records: day.items.clone() },
        Step { what: "invoices", f: xero_push_invoices, key: "invoices", records: day.invoices() },
        Step {
            what: "credit notes",
            f: xero_push_credit_notes,
            key: "credit_notes",
            records: day.credit_notes.clone(),
        },
        Step { what: "payments", f: xero_push_payments, key: "payments", records: day.payments.clone() },
    ]
}

/// Calls one push function; returns the whole envelope (success or error).
pub fn push(name: &str, step: &Step) -> Value {
    call_c(step.f, &json!({"connection": name, step.key: step.records}).to_string())
}

/// Every record result of an answer: the main results, their allocations, and the dependencies' results.
pub fn all_results(result: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    for member in ["results", "contacts", "items"] {
        for r in result[member].as_array().into_iter().flatten() {
            out.push(r.clone());
            out.extend(r["allocations"].as_array().into_iter().flatten().cloned());
        }
    }
    out
}

/// Outcomes of the main results and their allocations, keyed `key` / `key→invoice`.
pub fn outcomes(result: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for r in result["results"].as_array().into_iter().flatten() {
        let key = r["key"].as_str().unwrap_or_default().to_owned();
        out.push((key.clone(), r["outcome"].as_str().unwrap_or_default().to_owned()));
        for a in r["allocations"].as_array().into_iter().flatten() {
            out.push((
                format!("{key}→{}", a["key"].as_str().unwrap_or_default()),
                a["outcome"].as_str().unwrap_or_default().to_owned(),
            ));
        }
    }
    out
}

pub fn dec(v: &Value) -> Decimal {
    match v {
        Value::String(s) => Decimal::from_str(s).unwrap_or_else(|e| panic!("{s}: {e}")),
        Value::Null => panic!("a missing amount"),
        other => Decimal::from_str(&other.to_string()).unwrap_or_else(|e| panic!("{other}: {e}")),
    }
}

/// Writes to the Accounting API the simulator received (PUT and POST), replays included.
pub fn writes(sim: &SimHandle) -> u64 {
    accounting_calls(sim, &["PUT ", "POST "])
}

/// Reads of the Accounting API (GET), replays included.
pub fn reads(sim: &SimHandle) -> u64 {
    accounting_calls(sim, &["GET "])
}

/// Calls to the Accounting API with one of `methods` (each followed by a space, as the counters name them).
fn accounting_calls(sim: &SimHandle, methods: &[&str]) -> u64 {
    let counted = |k: &String| k.contains("/api.xro/") && methods.iter().any(|m| k.starts_with(m));
    sim.counters().calls.iter().filter(|(k, _)| counted(k)).map(|(_, n)| n).sum()
}

/// Writes that reached the Accounting module (replays excluded).
pub fn handled_writes(sim: &SimHandle) -> u64 {
    sim.counters().handled.iter().filter(|(k, _)| k.starts_with("PUT ") || k.starts_with("POST ")).map(|(_, n)| n).sum()
}

pub fn api_calls(sim: &SimHandle) -> u64 {
    sim.counters().calls.iter().filter(|(k, _)| k.contains("/api.xro/")).map(|(_, n)| n).sum()
}

/// Waits until no Accounting request is in flight in the simulator (a request a client gave up on may still be
/// held by a `delay` fault): "pushing again later" starts after Xero finished what it was given.
pub fn wait_idle(sim: &SimHandle, tenant: &str) {
    let until = Instant::now() + Duration::from_secs(20);
    while sim.counters().in_flight.get(tenant).copied().unwrap_or(0) > 0 {
        assert!(Instant::now() < until, "the simulator never became idle");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Asserts that Xero holds `day` exactly once and to the cent: contacts by code, items by code, invoices and
/// bills and credit notes by number (total, tax, amount due), payments by reference (amount, document),
/// allocations by credit note (count and amounts). `context` names the case in failure messages.
pub fn assert_day_in_xero(snapshot: &Value, day: &ErpDay, context: &str) {
    let count_by = |collection: &str, field: &str| -> HashMap<String, usize> {
        let mut m = HashMap::new();
        for e in snapshot[collection].as_array().unwrap() {
            if matches!(e["Status"].as_str(), Some("DELETED" | "VOIDED")) {
                continue;
            }
            *m.entry(e[field].as_str().unwrap_or_default().to_owned()).or_default() += 1;
        }
        m
    };
    // Contacts.
    let contacts = count_by("Contacts", "ContactNumber");
    for c in day.contacts() {
        let code = c["code"].as_str().unwrap();
        assert_eq!(contacts.get(code).copied().unwrap_or(0), 1, "{context}: contact {code} is in Xero once");
    }
    assert_eq!(contacts.values().sum::<usize>(), day.contacts().len(), "{context}: no other contact: {contacts:?}");
    // Items.
    let items = count_by("Items", "Code");
    for it in &day.items {
        let code = it["code"].as_str().unwrap();
        assert_eq!(items.get(code).copied().unwrap_or(0), 1, "{context}: item {code} is in Xero once");
    }
    assert_eq!(items.values().sum::<usize>(), day.items.len(), "{context}: no other item");
    // Invoices, bills and credit notes: once each, to the cent.
    for (collection, field, docs) in
        [("Invoices", "InvoiceNumber", day.invoices()), ("CreditNotes", "CreditNoteNumber", day.credit_notes.clone())]
    {
        let stored: Vec<&Value> = snapshot[collection]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| !matches!(d["Status"].as_str(), Some("DELETED" | "VOIDED")))
            .collect();
        assert_eq!(stored.len(), docs.len(), "{context}: {collection}: as many in Xero as pushed");
        let mut by_number: HashMap<&str, Vec<&Value>> = HashMap::new();
        for d in &stored {
            by_number.entry(d[field].as_str().unwrap()).or_default().push(d);
        }
        for doc in &docs {
            let number = doc["number"].as_str().unwrap();
            let found = by_number.get(number).map(Vec::as_slice).unwrap_or_default();
            assert_eq!(found.len(), 1, "{context}: {number} is in Xero once");
            let x = found[0];
            let want = day.expected[number];
            assert_eq!(dec(&x["Total"]), want.total, "{context}: {number}: total");
            assert_eq!(dec(&x["TotalTax"]), want.total_tax, "{context}: {number}: tax");
            assert_eq!(dec(&x["SubTotal"]), want.sub_total, "{context}: {number}: sub-total");
            let due = if collection == "Invoices" { &x["AmountDue"] } else { &x["RemainingCredit"] };
            assert_eq!(dec(due), want.amount_due, "{context}: {number}: amount due");
        }
    }
    // Allocations: per credit note, the amounts asked for, once.
    let mut allocated: HashMap<(String, String), Vec<Decimal>> = HashMap::new();
    for a in snapshot["Allocations"].as_array().unwrap() {
        if a["IsDeleted"] == true {
            continue;
        }
        let cn = a["CreditNote"]["CreditNoteNumber"].as_str().unwrap_or_default().to_owned();
        let inv = a["Invoice"]["InvoiceNumber"].as_str().unwrap_or_default().to_owned();
        allocated.entry((cn, inv)).or_default().push(dec(&a["Amount"]));
    }
    let mut wanted = 0;
    for cn in &day.credit_notes {
        for a in cn["allocations"].as_array().into_iter().flatten() {
            wanted += 1;
            let k = (cn["number"].as_str().unwrap().to_owned(), a["invoice"].as_str().unwrap().to_owned());
            let got = allocated.get(&k).cloned().unwrap_or_default();
            assert_eq!(got, vec![dec(&a["amount"])], "{context}: allocation {k:?} made once, for its amount");
        }
    }
    assert_eq!(allocated.values().map(Vec::len).sum::<usize>(), wanted, "{context}: no other allocation");
    // Payments: once each by reference, for its amount, on its document; and the sum.
    let mut paid: HashMap<String, Vec<(Decimal, String)>> = HashMap::new();
    let mut sum = Decimal::ZERO;
    for p in snapshot["Payments"].as_array().unwrap() {
        if p["Status"] == "DELETED" {
            continue;
        }
        let doc = p["Invoice"]["InvoiceNumber"].as_str().or(p["CreditNote"]["CreditNoteNumber"].as_str());
        paid.entry(p["Reference"].as_str().unwrap_or_default().to_owned())
            .or_default()
            .push((dec(&p["Amount"]), doc.unwrap_or_default().to_owned()));
        sum += dec(&p["Amount"]);
    }
    let mut want_sum = Decimal::ZERO;
    for p in &day.payments {
        let reference = p["reference"].as_str().unwrap();
        let amount = dec(&p["amount"]);
        want_sum += amount;
        let got = paid.get(reference).cloned().unwrap_or_default();
        assert_eq!(
            got,
            vec![(amount, p["invoice"].as_str().unwrap().to_owned())],
            "{context}: payment {reference} made once, for its amount, on its invoice"
        );
    }
    assert_eq!(paid.values().map(Vec::len).sum::<usize>(), day.payments.len(), "{context}: no other payment");
    assert_eq!(sum, want_sum, "{context}: the payments sum");
}

/// Each of the day's invoices, bills and credit notes as the ERP has it: its contact, authorised, and every line's
/// quantity, price and tracking (the division, and the sales rep on sales; the connection's defaults where the line
/// names none).
pub fn assert_documents_as_in_erp(snapshot: &Value, day: &ErpDay, context: &str) {
    let mut docs: HashMap<&str, &Value> = HashMap::new();
    for (collection, field) in [("Invoices", "InvoiceNumber"), ("CreditNotes", "CreditNoteNumber")] {
        for d in snapshot[collection].as_array().unwrap() {
            assert!(docs.insert(d[field].as_str().unwrap(), d).is_none(), "{context}: {d} is in Xero twice");
        }
    }
    for erp in day.sales_invoices.iter().chain(&day.bills).chain(&day.credit_notes) {
        let number = erp["number"].as_str().unwrap();
        let x = docs[number];
        let contact = erp.get("debtor").or_else(|| erp.get("creditor")).unwrap();
        assert_eq!(x["Contact"]["ContactNumber"], *contact, "{context}: {number}: contact");
        assert!(matches!(x["Status"].as_str(), Some("AUTHORISED" | "PAID")), "{context}: {number}: {}", x["Status"]);
        let lines = x["LineItems"].as_array().unwrap();
        let erp_lines = erp["lines"].as_array().unwrap();
        assert_eq!(lines.len(), erp_lines.len(), "{context}: {number}: lines");
        for (l, e) in lines.iter().zip(erp_lines) {
            assert_eq!(dec(&l["Quantity"]), dec(&e["quantity"]), "{context}: {number}: quantity");
            assert_eq!(dec(&l["UnitAmount"]), dec(&e["unit_price"]), "{context}: {number}: price");
            let tracking: Vec<(&str, &str)> = l["Tracking"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| (t["Name"].as_str().unwrap(), t["Option"].as_str().unwrap()))
                .collect();
            let division = e["division"].as_str().unwrap_or("North");
            assert!(tracking.contains(&("Division", division)), "{context}: {number}: division {tracking:?}");
            if erp["type"] == "sales" {
                let rep = e["sales_rep"].as_str().unwrap_or("Alice Brown");
                assert!(tracking.contains(&("Sales Rep", rep)), "{context}: {number}: sales rep {tracking:?}");
            }
        }
    }
}
