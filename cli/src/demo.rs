//! `demo`: what `examples/demo.rs` does, through this command line's own code: the local Xero simulator started
//! in-process (Xero's rate limits on, its clock 60 times faster), the administrator's steps, a day of ERP records
//! pushed with a progress bar, the same day pushed again (nothing is written twice), and what Xero now holds.
//! It never touches the administrator's configuration: its state lives in a temporary folder, removed after.

use crate::args::DemoArgs;
use crate::failure::Failure;
use crate::{input, library, output, push};
use rust_decimal::Decimal;
use serde_json::{Map, Value, json};
use std::time::Instant;
use xero_link_fixtures::erp_day;

const CONNECTION: &str = "xero-hugeerp";
const TENANT: &str = "Huge ERP Test Ltd";
const REDIRECT_URI: &str = "https://erp.example.com/csp/sys/oauth2/OAuth2.Response.cls";

pub fn run(args: &DemoArgs) -> Result<(), Failure> {
    let mut sim_config = xero_sim::SimConfig { time_scale: 60.0, ..Default::default() };
    sim_config.organisations.truncate(2);
    let sim = xero_sim::start(sim_config).map_err(|e| Failure::Other(format!("the simulator did not start: {e}")))?;
    let state_dir = std::env::temp_dir().join(format!("xero-link-demo-{}", std::process::id()));
    let outcome = steps(&sim, &state_dir, args);
    let _ = std::fs::remove_dir_all(&state_dir);
    let violations = sim.take_spec_violations();
    if !violations.is_empty() {
        eprintln!(
            "The simulator saw {} request(s) or answer(s) outside Xero's spec: {:?}",
            violations.len(),
            violations
        );
    }
    outcome
}

fn steps(sim: &xero_sim::SimHandle, state_dir: &std::path::Path, args: &DemoArgs) -> Result<(), Failure> {
    let base = sim.base_url();
    println!("Xero simulator at {base} (Xero's rate limits on, its clock x60: a Xero minute passes in a second)\n");
    println!("1. Xero app: client id sim-client, redirect URI {REDIRECT_URI}");
    let configured = library::call(
        "configure",
        &json!({
            "connection": CONNECTION, "client_id": "sim-client", "client_secret": "sim-secret",
            "redirect_uri": REDIRECT_URI,
            "functions": crate::args::Function::ALL.map(crate::args::Function::name),
            "defaults": {"sales_account": "200", "cos_account": "310", "division": "North", "sales_rep": "Alice Brown"},
            "state_dir": state_dir, "endpoints": crate::config_file::simulator_endpoints(&base),
            "limits": {"minute_ms": 1000},
        }),
    )?;
    let scopes: Vec<&str> = configured["scopes"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    println!("2. API setup: connection {CONNECTION}, every function ticked, scopes {}", scopes.join(" "));
    sign_in()?;
    let reachable = library::on(CONNECTION, "connections", json!({}))?;
    let names: Vec<String> =
        reachable["connections"].as_array().into_iter().flatten().map(|c| output::cell(&c["tenant_name"])).collect();
    println!("3. Authenticate sign in: done; organisations reachable: {}", names.join(", "));
    library::on(CONNECTION, "set_tenant", json!({"tenant_name": TENANT}))?;
    println!("4. Set Xero Tenant: {TENANT}\n");
    let day = erp_day::generate(2026, if args.small { erp_day::Scale::SMALL } else { erp_day::Scale::FULL });
    println!("5. The ERP's day pushed:");
    push_day(sim, &day)?;
    println!("\n6. The same day pushed again:");
    let writes = push_day(sim, &day)?;
    holdings(sim)?;
    if writes > 0 {
        return Err(Failure::Other(format!("the second push wrote {writes} time(s): it must write nothing")));
    }
    println!("\nThe second push wrote nothing: every record was found unchanged in the ledger.");
    Ok(())
}

/// "Authenticate sign in": the browser follows the consent URL, the simulator consents at once (as a signed-in
/// Xero user would) and sends it back to the redirect URI; that address completes the sign-in.
fn sign_in() -> Result<(), Failure> {
    let started = library::on(CONNECTION, "authorize_url", json!({}))?;
    xero_link::transport::client::install_tls_provider();
    let browser = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| Failure::Other(format!("HTTP client: {e}")))?;
    let url = started["url"].as_str().unwrap_or_default();
    let answer = browser.get(url).send().map_err(|e| Failure::Other(format!("the simulator did not answer: {e}")))?;
    let callback = answer.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or_default().to_owned();
    library::on(CONNECTION, "authenticate", json!({"callback_url": callback}))?;
    Ok(())
}

/// Pushes the day kind by kind and prints a table; the writes (PUT and POST) Xero received.
fn push_day(sim: &xero_sim::SimHandle, day: &erp_day::ErpDay) -> Result<u64, Failure> {
    let kinds: [(&str, &str, &str, Vec<Value>); 5] = [
        ("debtors and creditors", "push_contacts", "contacts", day.contacts()),
        ("items", "push_items", "items", day.items.clone()),
        ("sales invoices and bills", "push_invoices", "invoices", day.invoices()),
        ("credit notes", "push_credit_notes", "credit_notes", day.credit_notes.clone()),
        ("payments", "push_payments", "payments", day.payments.clone()),
    ];
    let mut table = output::table(["", "records", "created", "updated", "unchanged", "failed", "API calls", "seconds"]);
    let writes_before = api_calls(sim, true);
    for (label, op, member, records) in kinds {
        let (calls_before, started, n) = (api_calls(sim, false), Instant::now(), records.len());
        let records = input::Records { records, other_members: Map::new() };
        let answer = push::push_records(CONNECTION, op, member, records, false, label)?;
        let summary = &answer["summary"];
        let counts = ["created", "updated", "unchanged", "failed"].map(|o| push::count(summary, o).to_string());
        let [created, updated, unchanged, failed] = counts;
        let calls = (api_calls(sim, false) - calls_before).to_string();
        let seconds = format!("{:.1}", started.elapsed().as_secs_f64());
        table.add_row([label.to_owned(), n.to_string(), created, updated, unchanged, failed, calls, seconds]);
        for failed in answer["results"].as_array().into_iter().flatten().filter(|r| r["outcome"] == "failed").take(3) {
            eprintln!("   failed {}: {}", failed["key"], failed["errors"]);
        }
    }
    println!("{table}");
    Ok(api_calls(sim, true) - writes_before)
}

/// Accounting API calls the simulator has served (only writes: PUT and POST).
fn api_calls(sim: &xero_sim::SimHandle, writes_only: bool) -> u64 {
    let counted =
        |k: &str| k.contains("/api.xro/") && (!writes_only || k.starts_with("PUT ") || k.starts_with("POST "));
    sim.counters().calls.iter().filter(|(k, _)| counted(k)).map(|(_, n)| n).sum()
}

/// What the organisation holds in Xero now, read from the simulator.
fn holdings(sim: &xero_sim::SimHandle) -> Result<(), Failure> {
    let org = sim.snapshot(xero_sim::HUGE_TENANT_ID).ok_or_else(|| Failure::Other("no such organisation".into()))?;
    let list = |k: &str| org[k].as_array().cloned().unwrap_or_default();
    let of_type = |k: &str, t: &str| list(k).into_iter().filter(|d| d["Type"] == t).collect::<Vec<_>>();
    let mut table = output::table(["What Xero now holds", "count", "total"]);
    let rows = [
        ("contacts", list("Contacts"), ""),
        ("items", list("Items"), ""),
        ("sales invoices (ACCREC)", of_type("Invoices", "ACCREC"), "Total"),
        ("bills (ACCPAY)", of_type("Invoices", "ACCPAY"), "Total"),
        ("credit notes", list("CreditNotes"), "Total"),
        ("payments", list("Payments"), "Amount"),
    ];
    for (label, records, money) in rows {
        let total = if money.is_empty() { String::new() } else { sum(&records, money).to_string() };
        table.add_row([label.to_owned(), records.len().to_string(), total]);
    }
    println!("\n{table}");
    Ok(())
}

/// The sum of a money member, exactly (the simulator writes decimals as JSON numbers with their exact text).
fn sum(records: &[Value], member: &str) -> Decimal {
    records.iter().filter_map(|r| output::cell(&r[member]).parse::<Decimal>().ok()).sum()
}
