//! Throughput of the simulator's core with limits off: 5 concurrent clients (Xero's concurrency limit),
//! keep-alive connections, a client-credentials token, for a bounded time and count.
//! Run: `cargo bench -p xero-sim --bench throughput`. Prints requests/second.

use std::time::{Duration, Instant};

use xero_sim::{LimitsConfig, SimConfig};

const CLIENTS: usize = 5;
const DURATION: Duration = Duration::from_secs(3);
const MAX_PER_CLIENT: usize = 200_000;

fn token(base: &str) -> String {
    // reqwest may be built without a crypto provider (the workspace's `rustls-no-provider`): ring it is.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let c = reqwest::blocking::Client::new();
    let v: serde_json::Value = c
        .post(format!("{base}/connect/token"))
        .basic_auth("sim-custom-client", Some("sim-custom-secret"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .expect("token")
        .json()
        .expect("token json");
    v["access_token"].as_str().expect("access_token").to_string()
}

fn run(name: &str, base: &str, token: &str, method: &str, idempotent: bool) {
    let start = Instant::now();
    let threads: Vec<_> = (0..CLIENTS)
        .map(|i| {
            let (base, token, method) = (base.to_string(), token.to_string(), method.to_string());
            std::thread::spawn(move || {
                let c = reqwest::blocking::Client::new();
                let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
                let mut n = 0usize;
                while n < MAX_PER_CLIENT && start.elapsed() < DURATION {
                    let mut rb = c.request(m.clone(), format!("{base}/api.xro/2.0/Invoices")).bearer_auth(&token);
                    if idempotent {
                        rb = rb.header("Idempotency-Key", format!("k-{i}-{}", n % 50)).body(r#"{"Invoices":[]}"#);
                    }
                    let r = rb.send().expect("response");
                    assert!(r.status().as_u16() != 429, "limits are off");
                    let _ = r.bytes();
                    n += 1;
                }
                n
            })
        })
        .collect();
    let total: usize = threads.into_iter().map(|t| t.join().unwrap()).sum();
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{name}: {total} requests in {secs:.2} s = {:.0} requests/second ({CLIENTS} clients)",
        total as f64 / secs
    );
}

fn main() {
    let cfg = SimConfig {
        limits: LimitsConfig { enabled: false, ..LimitsConfig::default() },
        validate_spec: false,
        ..SimConfig::default()
    };
    let sim = xero_sim::start(cfg).expect("start");
    let base = sim.base_url();
    let token = token(&base);
    run("GET /api.xro/2.0/Invoices", &base, &token, "GET", false);
    run("PUT /api.xro/2.0/Invoices with Idempotency-Key (mostly replays)", &base, &token, "PUT", true);
    let n = sim.counters();
    println!("handled: {:?}, replays: {}", n.handled, n.idempotent_replays);
}
