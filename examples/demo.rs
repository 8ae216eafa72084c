//! The main job, end to end: a day of an ERP pushed into Xero through the C ABI, against the local simulator.
//!
//! It follows the administrator's steps of the Huge ERP ↔ Xero setup, then does what the ERP does all day:
//! 1. the Xero app is registered (the simulator knows `sim-client`),
//! 2. the API setup: a connection `xero-hugeerp` with the functions ticked and the defaults chosen,
//! 3. "Authenticate sign in" (the simulator consents at once, as a signed-in Xero user would),
//! 4. "Set Xero Tenant", once,
//! 5. the ERP pushes a day of records: debtors, creditors, items, sales invoices, bills, credit notes, payments,
//! 6. and pushes the same day again: nothing is written twice.
//!
//! The simulator enforces Xero's rate limits (60 calls a minute per organisation, 5 at once) on a clock that runs
//! 60 times faster, so a Xero minute passes in one second. Run: `cargo run --example demo [-- --small]`.

use serde_json::{Value, json};
use std::ffi::{CStr, CString};
use std::time::Instant;
use xero_link_fixtures::erp_day;

/// One call through the C ABI, exactly as a C host makes it: JSON in, JSON out, the answer freed once.
fn call(op: &str, request: &Value) -> Value {
    let op = CString::new(op).unwrap();
    let request = CString::new(request.to_string()).unwrap();
    // SAFETY: both strings are valid and NUL-terminated; the answer is freed exactly once below.
    let text = unsafe {
        let answer = xero_link::ffi::xero_call(op.as_ptr(), request.as_ptr());
        let text = CStr::from_ptr(answer).to_string_lossy().into_owned();
        xero_link::ffi::xero_string_free(answer);
        text
    };
    serde_json::from_str(&text).expect("the library answers JSON")
}

/// The result of a successful call, or the error explained and the demo ended.
fn ok(op: &str, request: &Value) -> Value {
    let answer = call(op, request);
    if answer["ok"] != true {
        eprintln!("{op} failed: {}", serde_json::to_string_pretty(&answer["error"]).unwrap());
        std::process::exit(1);
    }
    answer["result"].clone()
}

/// What a browser does with the consent URL: follow it to Xero, which answers with the redirect back to the ERP.
fn consent(url: &str) -> String {
    xero_link::transport::client::install_tls_provider();
    let browser = reqwest::blocking::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let response = browser.get(url).send().expect("the simulator's authorize endpoint answers");
    response.headers()["location"].to_str().unwrap().to_owned()
}

const CONNECTION: &str = "xero-hugeerp";

fn main() {
    let small = std::env::args().any(|a| a == "--small");
    let mut sim_config = xero_sim::SimConfig { time_scale: 60.0, ..Default::default() };
    sim_config.organisations.truncate(2);
    let sim = xero_sim::start(sim_config).expect("the simulator starts on 127.0.0.1");
    let base = sim.base_url();
    println!("Xero simulator at {base} (rate limits on, clock ×60)\n");

    let state_dir = std::env::temp_dir().join(format!("xero-link-demo-{}", std::process::id()));
    println!(
        "1. Xero app: client id sim-client, redirect URI https://erp.example.com/csp/sys/oauth2/OAuth2.Response.cls"
    );
    let configured = ok(
        "configure",
        &json!({
            "connection": CONNECTION,
            "client_id": "sim-client",
            "client_secret": "sim-secret",
            "redirect_uri": "https://erp.example.com/csp/sys/oauth2/OAuth2.Response.cls",
            "functions": ["debtors", "creditors", "inventory", "sales_invoices", "purchase_invoices", "credit_notes", "payments"],
            "defaults": {"sales_account": "200", "cos_account": "310", "division": "North", "sales_rep": "Alice Brown"},
            "state_dir": state_dir,
            "endpoints": {
                "authorize": format!("{base}/identity/connect/authorize"),
                "token": format!("{base}/connect/token"),
                "revocation": format!("{base}/connect/revocation"),
                "connections": format!("{base}/connections"),
                "accounting": format!("{base}/api.xro/2.0"),
            },
            "limits": {"minute_ms": 1000},
        }),
    );
    println!("2. API setup: connection {CONNECTION}, scopes {}", configured["scopes"]);

    let started = ok("authorize_url", &json!({"connection": CONNECTION}));
    let callback = consent(started["url"].as_str().unwrap());
    ok("authenticate", &json!({"connection": CONNECTION, "callback_url": callback}));
    let organisations = ok("connections", &json!({"connection": CONNECTION}));
    let names: Vec<&str> =
        organisations["connections"].as_array().unwrap().iter().filter_map(|c| c["tenant_name"].as_str()).collect();
    println!("3. Signed in to Xero; organisations this sign-in may reach: {}", names.join(", "));
    ok("set_tenant", &json!({"connection": CONNECTION, "tenant_name": "Huge ERP Test Ltd"}));
    println!("4. Xero tenant set: Huge ERP Test Ltd\n");

    let scale = if small { erp_day::Scale::SMALL } else { erp_day::Scale::FULL };
    let day = erp_day::generate(2026, scale);
    println!("5. Pushing the ERP's day:");
    push_day(&sim, &day);
    println!("\n6. Pushing the same day again:");
    push_day(&sim, &day);

    let status = ok("status", &json!({"connection": CONNECTION}));
    println!("\nRate limits last seen: {}", status["rate_limits"]);
    let _ = std::fs::remove_dir_all(&state_dir);
}

fn push_day(sim: &xero_sim::SimHandle, day: &erp_day::ErpDay) {
    let batches: [(&str, &str, &str, Vec<Value>); 5] = [
        ("debtors and creditors", "push_contacts", "contacts", day.contacts()),
        ("items", "push_items", "items", day.items.clone()),
        ("sales invoices and bills", "push_invoices", "invoices", day.invoices()),
        ("credit notes", "push_credit_notes", "credit_notes", day.credit_notes.clone()),
        ("payments", "push_payments", "payments", day.payments.clone()),
    ];
    println!(
        "   {:<26} {:>7} {:>8} {:>8} {:>10} {:>7} {:>10} {:>9}",
        "", "records", "created", "updated", "unchanged", "failed", "API calls", "seconds"
    );
    for (label, op, key, records) in batches {
        let calls_before = api_calls(sim);
        let started = Instant::now();
        let result = ok(op, &json!({"connection": CONNECTION, key: records}));
        let summary = &result["summary"];
        println!(
            "   {:<26} {:>7} {:>8} {:>8} {:>10} {:>7} {:>10} {:>9.1}",
            label,
            records.len(),
            count(&summary["created"]),
            count(&summary["updated"]),
            count(&summary["unchanged"]),
            count(&summary["failed"]),
            api_calls(sim) - calls_before,
            started.elapsed().as_secs_f64()
        );
        for failed in result["results"].as_array().unwrap().iter().filter(|r| r["outcome"] == "failed").take(3) {
            println!("      failed {}: {}", failed["key"], failed["errors"]);
        }
    }
}

fn count(v: &Value) -> u64 {
    v.as_u64().unwrap_or(0)
}

/// Accounting API calls the simulator has served so far.
fn api_calls(sim: &xero_sim::SimHandle) -> u64 {
    sim.counters().calls.iter().filter(|(k, _)| k.contains("/api.xro/")).map(|(_, n)| n).sum()
}
