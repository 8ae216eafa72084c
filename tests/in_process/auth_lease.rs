//! Every way a refresh can fail while it holds the refresh lease lets the lease go: the stored tokens do not
//! open, Xero's token endpoint fails or answers garbage, the store fails while committing the new tokens or
//! extending the lease, and the store fails even to let the lease go. Each time the failed call leaves no lease
//! in the record (or, when the store would not take even that, this process takes its own lease over), and the
//! next call proceeds at once instead of waiting out the lease.
//!
//! The state is in the host's store (an in-memory map whose loads and compare-and-swaps fail on demand), with
//! an `encryption_key`. The host's store is process-wide: each test holds the process while it runs.

use crate::support::auth::*;
use crate::support::common;
use crate::support::host_store::{self, Countdown, Faults, Mem, host_config};
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::sync::LazyLock;
use std::time::{Duration, Instant};
use xero_link::secret::Secret;
use xero_link::store::seal::Sealer;
use xero_sim::{FaultKind, FaultSpec, SimHandle};

const KEY: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";

static MEM: LazyLock<Mem> = LazyLock::new(Mem::default);

/// The host's store of these tests: each registers it for its own run (`host_store::registered`).
fn mem() -> &'static Mem {
    &MEM
}

/// A signed-in, encrypted connection with its state in the host's store, and its own simulator.
fn ready(name: &str) -> (SimHandle, Value) {
    let sim = sim(sim_config(1.0));
    let mut config = host_config(name, &common::temp_state_dir(name), &sim.base_url());
    config["encryption_key"] = json!(KEY);
    configure(&config);
    sign_in(name);
    ok(op("set_tenant", json!({"connection": name, "tenant_id": xero_sim::HUGE_TENANT_ID})));
    (sim, config)
}

fn key(name: &str) -> String {
    format!("auth/{name}")
}

fn stored(name: &str) -> Value {
    mem().get(&key(name)).unwrap().1
}

fn sealer(name: &str) -> Sealer {
    Sealer::new(name, Some(&Secret::new(KEY))).unwrap()
}

fn sealed(name: &str, field: &str, value: &str) -> Value {
    serde_json::to_value(sealer(name).seal(field, &Secret::new(value)).unwrap()).unwrap()
}

/// The lease TTL of these connections (`request_ms` + 5 s): a call that waited for the lease takes this long.
const LEASE_TTL: Duration = Duration::from_secs(10);

/// A call that needs a refresh (Xero has expired the access token), and must fail with `code`.
fn refresh_fails(sim: &SimHandle, name: &str, code: &str) -> Value {
    sim.expire_access_tokens();
    let err = assert_error(&op("connections", json!({"connection": name})), code);
    assert!(stored(name)["lease"].is_null(), "the failed refresh let its lease go: {}", stored(name)["lease"]);
    err
}

/// The next call needs a refresh and gets one at once, without waiting for any lease.
fn next_call_proceeds_at_once(sim: &SimHandle, name: &str) {
    sim.expire_access_tokens();
    let started = Instant::now();
    ok(op("connections", json!({"connection": name})));
    let took = started.elapsed();
    assert!(took < LEASE_TTL / 3, "the next call waited {took:?}");
    assert!(stored(name)["lease"].is_null());
    let s = status(name);
    assert_eq!((&s["signed_in"], &s["reauth_required"]), (&json!(true), &json!(false)), "{s}");
    assert!(s["last_refresh_error"].is_null() && s["tokens_unreadable"].is_null(), "all is well again: {s}");
}

/// What `status` says after a failed refresh: the error, and whether the connection is usable from here.
fn status_after_failure(name: &str, err: &Value) -> Value {
    let s = status(name);
    assert_eq!(s["last_refresh_error"]["code"], err["code"], "{s}");
    assert_eq!(s["last_refresh_error"]["message"], err["message"], "{s}");
    assert!(s["last_refresh_error"]["at"].is_string(), "{s}");
    s
}

#[test]
fn the_stored_refresh_token_not_opening() {
    let _store = host_store::registered(&MEM);
    let name = "xero-lease-open";
    let (sim, _) = ready(name);
    let good = stored(name);
    let mut damaged = good.clone();
    // A value sealed for another field does not open as the refresh token.
    damaged["grant"]["refresh_token"] = good["grant"]["access_token"].clone();
    mem().put(&key(name), &damaged);
    let err = refresh_fails(&sim, name, "store");
    let message = err["message"].as_str().unwrap();
    assert!(message.contains("the stored `refresh_token` does not open"), "{err}");
    assert!(message.contains("key and connection are right"), "not sent looking for another key: {err}");
    assert_eq!(err["field"], "refresh_token");
    // Not usable as it is, and status says so and why.
    let s = status_after_failure(name, &err);
    assert_eq!(s["signed_in"], false, "{s}");
    assert!(s["tokens_unreadable"].as_str().unwrap().contains("`refresh_token`"), "{s}");
    // Again at once, and the same answer (no lease in the way).
    let started = Instant::now();
    refresh_fails(&sim, name, "store");
    assert!(started.elapsed() < LEASE_TTL / 3);

    let mut repaired = stored(name);
    repaired["grant"]["refresh_token"] = good["grant"]["refresh_token"].clone();
    mem().put(&key(name), &repaired);
    next_call_proceeds_at_once(&sim, name);
}

#[test]
fn the_replaced_refresh_token_not_opening_when_it_is_needed() {
    let _store = host_store::registered(&MEM);
    let name = "xero-lease-previous";
    let (sim, _) = ready(name);
    sim.expire_access_tokens();
    ok(op("connections", json!({"connection": name}))); // a rotation: there is a replaced token now
    let good = stored(name);
    // Xero refuses the current refresh token, and the replaced one does not open.
    let mut damaged = good.clone();
    damaged["grant"]["refresh_token"] = sealed(name, "refresh_token", "a-token-xero-never-issued");
    damaged["grant"]["previous_refresh_token"] = good["grant"]["access_token"].clone();
    mem().put(&key(name), &damaged);
    let err = refresh_fails(&sim, name, "store");
    assert!(err["message"].as_str().unwrap().contains("the stored `previous_refresh_token` does not open"), "{err}");
    assert_eq!(err["field"], "previous_refresh_token");
    let s = status_after_failure(name, &err);
    assert_eq!(s["signed_in"], false, "{s}");
    assert!(s["tokens_unreadable"].as_str().unwrap().contains("`previous_refresh_token`"), "{s}");

    let mut repaired = stored(name);
    repaired["grant"]["previous_refresh_token"] = good["grant"]["previous_refresh_token"].clone();
    mem().put(&key(name), &repaired);
    sim.reset_counters();
    next_call_proceeds_at_once(&sim, name);
    assert_eq!(sim.counters().refreshes_from_grace, 1, "the replaced token served, from Xero's grace window");
}

#[test]
fn the_token_endpoint_failing() {
    let _store = host_store::registered(&MEM);
    let name = "xero-lease-500";
    let (sim, _) = ready(name);
    sim.add_fault(FaultSpec::next("POST", "/connect/token", FaultKind::Error500, 3));
    let err = refresh_fails(&sim, name, "xero_unavailable");
    let s = status_after_failure(name, &err);
    assert!(s["refresh_in_doubt_since"].is_string(), "a 5xx may come after Xero rotated the token");
    next_call_proceeds_at_once(&sim, name);
}

/// A token endpoint that answers every request with 200 and a body that is not JSON.
fn garbage_token_endpoint() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/connect/token", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request = Vec::new();
            let mut buf = [0u8; 4096];
            // The request's head and its (small) form body, then the answer.
            while let Ok(n) = stream.read(&mut buf) {
                request.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&request);
                if let Some(end) = text.find("\r\n\r\n") {
                    let length = text[..end]
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_owned())
                        })
                        .and_then(|v| v.parse::<usize>().ok())
                        .unwrap_or(0);
                    if request.len() >= end + 4 + length {
                        break;
                    }
                }
                if n == 0 {
                    break;
                }
            }
            let body = "<html>not a token</html>";
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    url
}

#[test]
fn the_token_endpoint_answering_garbage() {
    let _store = host_store::registered(&MEM);
    let name = "xero-lease-garbage";
    let (sim, config) = ready(name);
    let mut garbage = config.clone();
    garbage["endpoints"]["token"] = json!(garbage_token_endpoint());
    configure(&garbage);
    let err = refresh_fails(&sim, name, "auth_failed");
    status_after_failure(name, &err);
    configure(&config);
    next_call_proceeds_at_once(&sim, name);
}

#[test]
fn the_store_failing_to_save_the_new_tokens() {
    let _store = host_store::registered(&MEM);
    let name = "xero-lease-commit";
    let (sim, _) = ready(name);
    // The lease is taken; the four tries of the commit fail; letting the lease go works.
    mem().inject(&key(name), Faults { cas: Countdown::after(1, 4), ..Faults::default() });
    let err = refresh_fails(&sim, name, "store");
    assert!(err["message"].as_str().unwrap().contains("failed to save"), "{err}");
    assert_eq!(mem().faults_left(&key(name)), Faults::default());
    // Xero rotated the refresh token, but the new one was not stored: the stored one still works (grace window).
    let s = status_after_failure(name, &err);
    assert!(s["refresh_in_doubt_since"].is_string(), "{s}");
    sim.reset_counters();
    next_call_proceeds_at_once(&sim, name);
    assert_eq!(sim.counters().refreshes_from_grace, 1);
}

#[test]
fn the_store_failing_to_load_for_the_commit() {
    let _store = host_store::registered(&MEM);
    let name = "xero-lease-commit-load";
    let (sim, _) = ready(name);
    // The refresh loads the record to take the lease; the four tries of the commit fail to load it.
    mem().inject(&key(name), Faults { load: Countdown::after(1, 4), ..Faults::default() });
    let err = refresh_fails(&sim, name, "store");
    assert!(err["message"].as_str().unwrap().contains("failed to load"), "{err}");
    assert_eq!(mem().faults_left(&key(name)), Faults::default());
    status_after_failure(name, &err);
    next_call_proceeds_at_once(&sim, name);
}

#[test]
fn the_store_failing_to_extend_the_lease() {
    let _store = host_store::registered(&MEM);
    let name = "xero-lease-extend";
    let (sim, _) = ready(name);
    // The first try at Xero fails (worth another); keeping the lease for it fails four times.
    sim.add_fault(FaultSpec::next("POST", "/connect/token", FaultKind::Error500, 1));
    mem().inject(&key(name), Faults { cas: Countdown::after(1, 4), ..Faults::default() });
    let err = refresh_fails(&sim, name, "store");
    assert!(err["message"].as_str().unwrap().contains("failed to save"), "{err}");
    assert_eq!(mem().faults_left(&key(name)), Faults::default());
    assert_eq!(sim.counters().faults_injected.get("error500"), Some(&1));
    status_after_failure(name, &err);
    next_call_proceeds_at_once(&sim, name);
}

#[test]
fn a_lease_the_store_would_not_let_go_is_taken_over_by_its_own_process() {
    let _store = host_store::registered(&MEM);
    let name = "xero-lease-forsaken";
    let (sim, _) = ready(name);
    // The commit fails, and so does letting the lease go: the lease stays in the record.
    mem().inject(&key(name), Faults { cas: Countdown::after(1, 8), ..Faults::default() });
    sim.expire_access_tokens();
    assert_error(&op("connections", json!({"connection": name})), "store");
    assert_eq!(mem().faults_left(&key(name)), Faults::default());
    let lease = stored(name)["lease"].clone();
    assert!(lease["owner"].as_str().unwrap().contains(&format!("/{}/", std::process::id())), "{lease}");
    // This process knows that refresh has ended: it takes the lease over at once.
    next_call_proceeds_at_once(&sim, name);
}
