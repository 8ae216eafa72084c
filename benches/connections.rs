//! `cargo bench --bench connections`: the library's memory against how many connections one process has.
//!
//! For 1, 30 and 120 connections, each with its own `state_dir` (and 120 sharing one, for comparison), a child
//! process configures and signs in every connection through the C ABI, then pushes small batches of sales
//! invoices on each in turn, from 4 threads, for `XERO_BENCH_SECONDS` (30 by default). It reports its resident
//! memory (`VmRSS`) after the sign-ins and every few seconds while pushing, and its peak (`VmHWM`). The
//! simulator (limits off) stays in this process, so the figures are the library's alone.
//!
//! Writes `target/bench-connections.json`.

use serde_json::{Value, json};
use std::ffi::{CStr, CString};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use xero_link_fixtures::erp_day;

const REDIRECT: &str = "https://erp.example.com/csp/sys/oauth2/OAuth2.Response.cls";
const THREADS: usize = 4;
/// Sales invoices per push call.
const BATCH: usize = 10;
/// A small ERP: what every connection pushes first, and the invoices its batches are made of.
const DAY: erp_day::Scale = erp_day::Scale {
    debtors: 3,
    creditors: 0,
    items: 5,
    sales_invoices: 20,
    bills: 0,
    sales_credit_notes: 0,
    supplier_credit_notes: 0,
    max_lines: 3,
};

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

/// What a browser does with the consent URL: the simulator answers with the redirect back to the ERP.
fn consent(browser: &reqwest::blocking::Client, url: &str) -> String {
    let response = browser.get(url).send().expect("the authorize endpoint answers");
    response.headers()["location"].to_str().unwrap().to_owned()
}

fn status_kib(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0)
}

fn mib(kib: f64) -> f64 {
    kib / 1024.0
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--child") {
        return child(
            &args[i + 1],
            args[i + 2].parse().unwrap(),
            args[i + 3] == "shared",
            args[i + 4].parse().unwrap(),
        );
    }
    if args.iter().any(|a| a == "--list") {
        println!("connections: bench");
        return;
    }
    let seconds: u64 = std::env::var("XERO_BENCH_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(30);
    let mut config = xero_sim::SimConfig::default();
    config.organisations.truncate(2);
    config.limits.enabled = false;
    let sim = xero_sim::start(config).expect("the simulator starts");

    let mut runs = Vec::new();
    for (connections, layout) in [(1, "own"), (30, "own"), (120, "own"), (120, "shared")] {
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--child", &sim.base_url(), &connections.to_string(), layout, &seconds.to_string()])
            .stderr(std::process::Stdio::inherit())
            .output()
            .expect("the child runs");
        assert!(out.status.success(), "the child failed");
        let run: Value = serde_json::from_slice(&out.stdout).expect("the child reports JSON");
        runs.push(run);
    }
    sim.stop();

    println!();
    println!("xero-link memory against connections (each pushing batches of {BATCH} invoices for {seconds} s)");
    println!(
        "  {:<28} {:>12} {:>12} {:>12} {:>10} {:>10}",
        "connections", "signed in", "end RSS", "peak RSS", "pushes", "invoices"
    );
    for r in &runs {
        println!(
            "  {:<28} {:>8.1} MiB {:>8.1} MiB {:>8.1} MiB {:>10} {:>10}",
            format!("{} ({} state_dir)", r["connections"], r["layout"].as_str().unwrap()),
            r["rss_signed_in_mib"].as_f64().unwrap(),
            r["rss_end_mib"].as_f64().unwrap(),
            r["hwm_mib"].as_f64().unwrap(),
            r["pushes"],
            r["invoices"],
        );
    }
    let report = json!({"seconds": seconds, "batch": BATCH, "threads": THREADS, "runs": runs});
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target").join("bench-connections.json");
    let _ = std::fs::write(&path, serde_json::to_string_pretty(&report).unwrap());
    println!("\n  JSON: {}", path.display());
}

/// `connections` connections, each with its own state_dir (or one shared), signed in, then pushing for `seconds`.
fn child(base: &str, connections: usize, shared: bool, seconds: u64) {
    let day = erp_day::generate(7, DAY);
    let root = std::env::temp_dir().join(format!("xero-link-bench-connections-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    xero_link::transport::client::install_tls_provider();
    let browser = reqwest::blocking::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let names: Vec<String> = (0..connections).map(|i| format!("bench-conn-{i:03}")).collect();
    let started_kib = status_kib("VmRSS:");
    for (i, name) in names.iter().enumerate() {
        let state_dir = if shared { root.join("shared") } else { root.join(format!("c{i:03}")) };
        call(
            "configure",
            &json!({
                "connection": name, "client_id": "sim-client", "client_secret": "sim-secret", "redirect_uri": REDIRECT,
                "functions": ["debtors", "inventory", "sales_invoices"],
                "defaults": {"sales_account": "200", "cos_account": "310"},
                "state_dir": state_dir,
                "endpoints": {
                    "authorize": format!("{base}/identity/connect/authorize"), "token": format!("{base}/connect/token"),
                    "revocation": format!("{base}/connect/revocation"), "connections": format!("{base}/connections"),
                    "accounting": format!("{base}/api.xro/2.0"),
                },
                // The simulator's limits are off; so is the library's pacing (limits well above what is sent).
                "limits": {"minute_ms": 1000, "per_minute": 100_000, "per_day": 10_000_000, "app_per_minute": 1_000_000},
            }),
        );
        let started = call("authorize_url", &json!({"connection": name}));
        let callback = consent(&browser, started["url"].as_str().unwrap());
        call("authenticate", &json!({"connection": name, "callback_url": callback}));
        call("set_tenant", &json!({"connection": name, "tenant_name": "Huge ERP Test Ltd"}));
        call("push_contacts", &json!({"connection": name, "contacts": day.contacts()}));
        call("push_items", &json!({"connection": name, "items": day.items}));
    }
    let signed_in_kib = status_kib("VmRSS:");
    eprintln!(
        "  {connections} connections ({}) signed in: VmRSS {:.1} MiB (from {:.1})",
        if shared { "one state_dir" } else { "own state_dirs" },
        mib(signed_in_kib),
        mib(started_kib)
    );

    // Each thread takes the next connection in turn and pushes a batch of new invoices on it.
    let next = AtomicUsize::new(0);
    let until = Instant::now() + Duration::from_secs(seconds);
    let mut samples = Vec::new();
    std::thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                while Instant::now() < until {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    let (conn, round) = (n % connections, n / connections);
                    let invoices: Vec<Value> = (0..BATCH)
                        .map(|k| {
                            let mut inv = day.sales_invoices[(round * BATCH + k) % day.sales_invoices.len()].clone();
                            inv["number"] = json!(format!("B{conn:03}-{round:06}-{k:02}"));
                            inv
                        })
                        .collect();
                    let r = call("push_invoices", &json!({"connection": names[conn], "invoices": invoices}));
                    assert_eq!(r["summary"]["created"], BATCH, "{}", r["summary"]);
                }
            });
        }
        let t0 = Instant::now();
        while Instant::now() < until {
            std::thread::sleep(Duration::from_secs(5).min(until.saturating_duration_since(Instant::now())));
            let rss = status_kib("VmRSS:");
            samples.push(json!({"seconds": t0.elapsed().as_secs(), "rss_mib": mib(rss)}));
            let pushes = next.load(Ordering::Relaxed);
            eprintln!("    {:>3} s: VmRSS {:.1} MiB, {pushes} pushes", t0.elapsed().as_secs(), mib(rss));
        }
    });
    let pushes = next.load(Ordering::Relaxed);
    let _ = std::fs::remove_dir_all(&root);
    println!(
        "{}",
        json!({
            "connections": connections, "layout": if shared { "shared" } else { "own" },
            "rss_start_mib": mib(started_kib), "rss_signed_in_mib": mib(signed_in_kib),
            "rss_end_mib": mib(status_kib("VmRSS:")), "hwm_mib": mib(status_kib("VmHWM:")),
            "pushes": pushes, "invoices": pushes * BATCH, "samples": samples,
        })
    );
}
