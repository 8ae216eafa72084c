//! `cargo bench --bench push`: what a push costs against the simulator, through the C ABI.
//!
//! (a) API calls per invoice: a first push of an ERP day (2,300 sales invoices and bills) and the same day again.
//! (b) Sales invoices per Xero minute as a fraction of the ceiling (60 calls × 50 documents), with the simulator's
//!     limits on and its clock ×60 (a Xero minute is one real second), measured after the minute budget is spent.
//! (c) Library CPU time per invoice beside a bare loop (reqwest + serde_json PUTting the same Xero batches); the two
//!     take turns in five rounds, each with only its round's input in memory, so drift weighs on both alike.
//! (d) Peak memory (VmHWM) while 100,000 invoices stream through push calls of 500.
//! (c) and (d) run in a child process (the library and the bare loop only; the simulator, limits off, stays in
//! this one), so the figures are the library's, not the simulator's. `XERO_BENCH_STREAM` sets (d)'s count.

use serde_json::{Value, json};
use std::ffi::{CStr, CString};
use std::time::Instant;
use xero_link::push::schema::ErpInvoice;
use xero_link_fixtures::erp_day;

const CEILING: f64 = 3_000.0;
const PUSH_SIZE: usize = 500;
/// Xero seconds per real second for (a) and (b): ×10 keeps both processes' CPU time small beside the
/// limits' waits on 2 cores (at ×60 a Xero minute is one real second and the run is CPU-bound).
const SCALE: f64 = 10.0;

fn call(op: &str, request: &Value) -> Value {
    let op_c = CString::new(op).unwrap();
    let request = CString::new(request.to_string()).unwrap();
    // SAFETY: both strings are valid and NUL-terminated; the answer is freed exactly once.
    let text = unsafe {
        let answer = xero_link::ffi::xero_call(op_c.as_ptr(), request.as_ptr());
        let text = CStr::from_ptr(answer).to_string_lossy().into_owned();
        xero_link::ffi::xero_string_free(answer);
        text
    };
    let answer: Value = serde_json::from_str(&text).expect("the library answers JSON");
    assert_eq!(answer["ok"], true, "{op}: {answer}");
    answer["result"].clone()
}

fn browser() -> reqwest::blocking::Client {
    xero_link::transport::client::install_tls_provider();
    reqwest::blocking::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// What a browser does with the consent URL: the simulator answers with the redirect back to the ERP.
fn consent(url: &str) -> String {
    let response = browser().get(url).send().expect("the authorize endpoint answers");
    response.headers()["location"].to_str().unwrap().to_owned()
}

const REDIRECT: &str = "https://erp.example.com/csp/sys/oauth2/OAuth2.Response.cls";

/// Configures `name`, signs in and sets the tenant, as the administrator does.
fn ready(name: &str, base: &str, limits: Value) {
    let state_dir = std::env::temp_dir().join(format!("xero-link-bench-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&state_dir);
    call(
        "configure",
        &json!({
            "connection": name, "client_id": "sim-client", "client_secret": "sim-secret", "redirect_uri": REDIRECT,
            "functions": ["debtors", "creditors", "inventory", "sales_invoices", "purchase_invoices", "credit_notes", "payments"],
            "defaults": {"sales_account": "200", "cos_account": "310", "division": "North", "sales_rep": "Alice Brown"},
            "state_dir": state_dir,
            "endpoints": {
                "authorize": format!("{base}/identity/connect/authorize"), "token": format!("{base}/connect/token"),
                "revocation": format!("{base}/connect/revocation"), "connections": format!("{base}/connections"),
                "accounting": format!("{base}/api.xro/2.0"),
            },
            "limits": limits,
        }),
    );
    let started = call("authorize_url", &json!({"connection": name}));
    let callback = consent(started["url"].as_str().unwrap());
    call("authenticate", &json!({"connection": name, "callback_url": callback}));
    call("set_tenant", &json!({"connection": name, "tenant_name": "Huge ERP Test Ltd"}));
}

fn push(name: &str, op: &str, key: &str, records: &[Value]) -> Value {
    let r = call(op, &json!({"connection": name, key: records}));
    assert_eq!(r["summary"]["failed"], 0, "{op}: {}", r["summary"]);
    assert_eq!(r["summary"]["uncertain"], 0, "{op}: {}", r["summary"]);
    r
}

/// Sales invoices `from..from+n` of the stream: the day's sales invoices, renumbered.
fn stream(day: &erp_day::ErpDay, prefix: &str, from: usize, n: usize) -> Vec<Value> {
    let sales = &day.sales_invoices;
    (from..from + n)
        .map(|k| {
            let mut inv = sales[k % sales.len()].clone();
            inv["number"] = json!(format!("{prefix}-{k:07}"));
            inv
        })
        .collect()
}

fn api_calls(sim: &xero_sim::SimHandle) -> u64 {
    sim.counters().calls.iter().filter(|(k, _)| k.contains("/api.xro/")).map(|(_, n)| n).sum()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--child") {
        return child(&args[i + 1], &args[i + 2], &args[i + 3]);
    }
    if args.iter().any(|a| a == "--list") {
        println!("push: bench");
        return;
    }
    let day = erp_day::generate(2026, erp_day::Scale::FULL);

    // (a) and (b): Xero's limits on, clock ×60.
    let mut config = xero_sim::SimConfig { time_scale: SCALE, validate_spec: false, ..Default::default() };
    config.organisations.truncate(2);
    let sim = xero_sim::start(config).expect("the simulator starts");
    let base = sim.base_url();
    let name = "xero-bench";
    ready(name, &base, json!({"minute_ms": (60_000.0 / SCALE) as u64}));
    push(name, "push_contacts", "contacts", &day.contacts());
    push(name, "push_items", "items", &day.items);
    let invoices = day.invoices();
    let before = api_calls(&sim);
    push(name, "push_invoices", "invoices", &invoices);
    let first_calls = api_calls(&sim) - before;
    let before = api_calls(&sim);
    let again = push(name, "push_invoices", "invoices", &invoices);
    assert_eq!(again["summary"]["unchanged"], invoices.len());
    let repeat_calls = api_calls(&sim) - before;

    // (b) The minute budget is spent first, so what follows runs at the sustained rate, not on a fresh window.
    let warm = 3_000;
    for chunk in stream(&day, "T", 0, warm).chunks(PUSH_SIZE) {
        push(name, "push_invoices", "invoices", chunk);
    }
    let measured = 9_000;
    let before = api_calls(&sim);
    let (xero_start, started) = (sim.now_ms(), Instant::now());
    for chunk in stream(&day, "T", warm, measured).chunks(PUSH_SIZE) {
        push(name, "push_invoices", "invoices", chunk);
    }
    let xero_minutes = (sim.now_ms() - xero_start) as f64 / 60_000.0;
    let stream_calls = api_calls(&sim) - before;
    let per_minute = measured as f64 / xero_minutes;
    let real_seconds = started.elapsed().as_secs_f64();
    sim.stop();

    // (c) and (d): limits off, the library in a child process.
    let mut config = xero_sim::SimConfig::default();
    config.organisations.truncate(2);
    config.limits.enabled = false;
    let sim = xero_sim::start(config).expect("the simulator starts");
    let count: usize = std::env::var("XERO_BENCH_STREAM").ok().and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let run_child = |mode: &str| -> Value {
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--child", &sim.base_url(), mode, &count.to_string()])
            .stderr(std::process::Stdio::inherit())
            .output()
            .expect("the child runs");
        assert!(out.status.success(), "the child failed");
        serde_json::from_slice(&out.stdout).expect("the child reports JSON")
    };
    let cpu = run_child("cpu");
    let memory = run_child("memory");
    let child = json!({"cpu": cpu["cpu"], "memory": memory["memory"]});
    sim.stop();

    let report = json!({
        "first_push": {"invoices": invoices.len(), "api_calls": first_calls,
                       "calls_per_invoice": first_calls as f64 / invoices.len() as f64},
        "repeat_push": {"invoices": invoices.len(), "api_calls": repeat_calls},
        "throughput": {"invoices": measured, "api_calls": stream_calls, "xero_minutes": xero_minutes,
                       "invoices_per_minute": per_minute, "fraction_of_ceiling": per_minute / CEILING,
                       "real_seconds": real_seconds},
        "cpu": child["cpu"],
        "memory": child["memory"],
    });
    let cpu = &report["cpu"];
    println!();
    println!("xero-link push benchmark (simulator in-process; Xero limits on for calls and throughput)");
    println!("  {:<52} {:>14}", "figure", "value");
    let row = |k: &str, v: String| println!("  {k:<52} {v:>14}");
    row(
        "API calls per invoice, first push (day of 2,300)",
        format!("{:.4}", report["first_push"]["calls_per_invoice"].as_f64().unwrap()),
    );
    row("  (API calls, first push)", first_calls.to_string());
    row("API calls, same day pushed again", repeat_calls.to_string());
    row("sales invoices per Xero minute (sustained)", format!("{per_minute:.0}"));
    row("  fraction of ceiling (60 calls x 50 docs = 3,000)", format!("{:.1}%", 100.0 * per_minute / CEILING));
    row("library CPU per invoice (us)", format!("{:.1}", cpu["library_us_per_invoice"].as_f64().unwrap()));
    row("bare loop CPU per invoice (us)", format!("{:.1}", cpu["bare_us_per_invoice"].as_f64().unwrap()));
    row("  ratio library / bare loop", format!("{:.2}x", cpu["ratio"].as_f64().unwrap()));
    for m in report["memory"]["samples"].as_array().unwrap() {
        row(
            &format!("peak RSS after {} invoices streamed (MiB)", m["invoices"]),
            format!("{:.1}", m["vm_hwm_kib"].as_f64().unwrap() / 1024.0),
        );
    }
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target").join("bench-push.json");
    let _ = std::fs::write(&path, serde_json::to_string_pretty(&report).unwrap());
    println!("\n  JSON: {}", path.display());
}

fn cpu_us() -> f64 {
    // SAFETY: getrusage writes into the struct we own.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    let us = |t: libc::timeval| t.tv_sec as f64 * 1e6 + t.tv_usec as f64;
    us(u.ru_utime) + us(u.ru_stime)
}

fn vm_hwm_kib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0)
}

/// (c) and (d), in a process of their own: the library and the bare loop, nothing of the simulator.
fn child(base: &str, mode: &str, count: &str) {
    let count: usize = count.parse().unwrap();
    let day = erp_day::generate(2026, erp_day::Scale::FULL);
    let name = &format!("xero-bench-{mode}");
    // The simulator's limits are off; so is the library's pacing (limits well above what is sent).
    ready(name, base, json!({"minute_ms": 1000, "per_minute": 100_000, "per_day": 10_000_000}));
    push(name, "push_contacts", "contacts", &day.contacts());
    push(name, "push_items", "items", &day.items);
    eprintln!("  child ready, VmHWM {:.1} MiB", vm_hwm_kib() / 1024.0);
    if mode == "memory" {
        return stream_memory(&day, name, count);
    }

    // (c) The library: ERP JSON in through the C ABI; mapping, checks, ledger, HTTP.
    let n = 5_000;

    // The bare loop: the same Xero batches (mapped as the library maps them, outside the timing), PUT with
    // reqwest + serde_json, answers parsed; no checks, no ledger.
    let http = browser();
    let token = bare_token(base);
    let tenant = {
        let r = json_of(http.get(format!("{base}/connections")).bearer_auth(&token).send().unwrap());
        let ours = r.as_array().unwrap().iter().find(|c| c["tenantName"] == "Huge ERP Test Ltd").expect("the tenant");
        ours["tenantId"].as_str().unwrap().to_owned()
    };
    let mut contacts: Vec<Value> = Vec::new();
    for page in 1.. {
        let r = json_of(
            http.get(format!("{base}/api.xro/2.0/Contacts?page={page}"))
                .bearer_auth(&token)
                .header("xero-tenant-id", &tenant)
                .send()
                .unwrap(),
        );
        let got = r["Contacts"].as_array().cloned().unwrap_or_default();
        if got.is_empty() {
            break;
        }
        contacts.extend(got);
    }
    let contact_id = |code: &str| {
        contacts.iter().find(|c| c["ContactNumber"] == code).expect("the contact is in Xero")["ContactID"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let config = xero_link::registry::get(name).unwrap().config.clone();
    // A round's batches, mapped as the library maps them (outside the timing, and only a round's at a time, so the
    // two loops run with the same memory in use).
    let bare_batches = |from: usize, count: usize| -> Vec<Vec<Value>> {
        stream(&day, "B", from, count)
            .chunks(50)
            .map(|chunk| {
                chunk
                    .iter()
                    .map(|v| {
                        let inv: ErpInvoice = serde_json::from_value(v.clone()).unwrap();
                        let checked = xero_link::push::map::check_invoice(&inv, "i", &config).unwrap();
                        xero_link::push::map::invoice(&inv, &contact_id(&checked.contact.unwrap()), checked.lines)
                            .value()
                    })
                    .collect()
            })
            .collect()
    };
    let bare_batch = |elements: &[Value]| {
        let body = serde_json::to_vec(&json!({ "Invoices": elements })).unwrap();
        let response = http
            .put(format!("{base}/api.xro/2.0/Invoices?summarizeErrors=false&unitdp=4"))
            .bearer_auth(&token)
            .header("xero-tenant-id", &tenant)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .unwrap();
        let answer: Value = serde_json::from_slice(&response.bytes().unwrap()).unwrap();
        assert_eq!(answer["Invoices"].as_array().map(Vec::len), Some(50));
    };

    // The two take turns, a fifth of each at a time, so drift in the machine or the simulator over the run
    // weighs on both alike.
    let rounds = 5;
    let (mut library_us, mut bare_us) = (0.0, 0.0);
    let per_round = n / rounds;
    for round in 0..rounds {
        let records = stream(&day, "C", round * per_round, per_round);
        let t = cpu_us();
        for chunk in records.chunks(PUSH_SIZE) {
            push(name, "push_invoices", "invoices", chunk);
        }
        library_us += cpu_us() - t;
        drop(records);
        let batches = bare_batches(round * per_round, per_round);
        let t = cpu_us();
        for elements in &batches {
            bare_batch(elements);
        }
        bare_us += cpu_us() - t;
    }
    let (library, bare) = (library_us / n as f64, bare_us / n as f64);
    eprintln!("  library and bare loop sent {n} each, VmHWM {:.1} MiB", vm_hwm_kib() / 1024.0);

    println!(
        "{}",
        json!({"cpu": {"invoices": n, "library_us_per_invoice": library, "bare_us_per_invoice": bare, "ratio": library / bare}})
    );
}

/// (d) Streaming: many push calls of 500; the high-water mark after each checkpoint.
fn stream_memory(day: &erp_day::ErpDay, name: &str, count: usize) {
    let mut samples = Vec::new();
    let checkpoints = [count / 10, count / 2, count];
    let mut done = 0;
    for cp in checkpoints {
        while done < cp {
            let k = PUSH_SIZE.min(cp - done);
            push(name, "push_invoices", "invoices", &stream(day, "M", done, k));
            done += k;
        }
        samples.push(json!({"invoices": done, "vm_hwm_kib": vm_hwm_kib()}));
        eprintln!("  streamed {done} invoices, VmHWM {:.1} MiB", vm_hwm_kib() / 1024.0);
    }
    println!("{}", json!({"memory": {"push_size": PUSH_SIZE, "samples": samples}}));
}

/// A token for the bare loop: its own sign-in (authorization code, no PKCE), as a minimal client does.
fn bare_token(base: &str) -> String {
    let url = url::Url::parse_with_params(
        &format!("{base}/identity/connect/authorize"),
        &[
            ("response_type", "code"),
            ("client_id", "sim-client"),
            ("redirect_uri", REDIRECT),
            ("scope", "offline_access accounting.invoices accounting.contacts"),
            ("state", "bench"),
        ],
    )
    .unwrap();
    let callback = url::Url::parse(&consent(url.as_str())).unwrap();
    let code = callback.query_pairs().find(|(k, _)| k == "code").unwrap().1.into_owned();
    let form = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([("grant_type", "authorization_code"), ("code", &code), ("redirect_uri", REDIRECT)])
        .finish();
    let r = json_of(
        browser()
            .post(format!("{base}/connect/token"))
            .basic_auth("sim-client", Some("sim-secret"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form)
            .send()
            .unwrap(),
    );
    r["access_token"].as_str().expect("an access token").to_owned()
}

fn json_of(response: reqwest::blocking::Response) -> Value {
    serde_json::from_slice(&response.bytes().unwrap()).expect("a JSON answer")
}
