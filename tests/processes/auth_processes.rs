//! Several host processes sharing one state_dir: the tenant survives a restart, 8 processes × 4 threads refresh
//! exactly once per expiry, and a process killed in the middle of a refresh leaves a store the next one uses.
//!
//! The children are this test binary's own ignored tests, started with `--exact NAME --ignored` and the
//! connection's configuration in `XL_CONFIG`; run directly, without it, they do nothing.

use crate::support::auth::*;
use crate::support::common;
use crate::support::process::{child_test, expect_success, shared, spawn_child};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use xero_sim::{FaultKind, FaultSpec};

fn child_config() -> Option<Value> {
    std::env::var("XL_CONFIG").ok().map(|c| serde_json::from_str(&c).unwrap())
}

fn connection_of(config: &Value) -> String {
    config["connection"].as_str().unwrap().to_owned()
}

#[test]
fn the_tenant_survives_a_restart() {
    let _shared = shared();
    let sim = sim(sim_config(1.0));
    let (_dir, config) = ready_connection("xero-restart", &sim.base_url());
    let child = spawn_child(&child_test!(child_sees_the_tenant), &[("XL_CONFIG", config.to_string())]);
    expect_success(child);
    let c = sim.counters();
    assert_eq!(c.token_grants.get("authorization_code"), Some(&1), "the new process did not sign in again");
}

#[test]
#[ignore = "child process of the_tenant_survives_a_restart"]
fn child_sees_the_tenant() {
    let Some(config) = child_config() else { return };
    configure(&config);
    let name = connection_of(&config);
    assert_signed_in_with_the_tenant(&name);
}

const PROCESSES: usize = 8;
const THREADS: usize = 4;
const SECONDS: u64 = 10;

#[test]
fn many_processes_and_threads_refresh_once_per_expiry() {
    let _shared = shared();
    let sim = sim(sim_config(FAST));
    let (_dir, config) = ready_connection("xero-many", &sim.base_url());
    sim.reset_counters();
    let started = Instant::now();
    let children: Vec<_> = (0..PROCESSES)
        .map(|_| spawn_child(&child_test!(child_hammers), &[("XL_CONFIG", config.to_string())]))
        .collect();
    let mut calls = 0u64;
    for child in children {
        let out = expect_success(child);
        let count = out.split("calls=").nth(1).and_then(|rest| rest.split_whitespace().next());
        calls += count.and_then(|n| n.parse::<u64>().ok()).unwrap_or_else(|| panic!("no count in:\n{out}"));
    }
    let elapsed = started.elapsed().as_secs_f64();
    let c = sim.counters();
    let lifetime = 3.0;
    assert!(calls >= 1_000, "only {calls} calls");
    assert_eq!(c.invalid_grant, 0, "{c:?}");
    assert_eq!(c.refreshes_from_grace, 0, "no refresh token was used twice: {c:?}");
    assert_eq!(c.token_grants.get("refresh_token").copied().unwrap_or(0), c.refreshes);
    // One refresh per access-token lifetime (refreshed 10 % early), never more.
    let most = (elapsed / (lifetime * 0.9)).ceil() as u64 + 1;
    assert!(
        c.refreshes >= (SECONDS as f64 / lifetime) as u64 - 1 && c.refreshes <= most,
        "{} refreshes in {elapsed:.1} s",
        c.refreshes
    );
    assert_eq!(
        c.calls.get("GET /connections").copied().unwrap_or(0),
        calls + c.statuses.get("401").copied().unwrap_or(0)
    );
    assert_eq!(status("xero-many")["reauth_required"], false);
    println!(
        "{calls} calls by {PROCESSES} processes x {THREADS} threads, {} refreshes, in {elapsed:.1} s",
        c.refreshes
    );
}

#[test]
#[ignore = "child process of many_processes_and_threads_refresh_once_per_expiry"]
fn child_hammers() {
    let Some(config) = child_config() else { return };
    configure(&config);
    let name = connection_of(&config);
    let calls = hammer_connections(&name, THREADS, SECONDS);
    println!("calls={calls}");
}

#[test]
fn a_process_killed_mid_refresh_leaves_a_store_the_next_one_uses() {
    let _shared = shared();
    let sim = sim(sim_config(FAST));
    let dir = common::temp_state_dir("xero-killed");
    let mut config = web_config("xero-killed", &dir, &sim.base_url());
    // A long lease: only noticing that its holder died lets the next process go on within the deadline below.
    config["timeouts"]["request_ms"] = json!(30_000);
    configure(&config);
    sign_in("xero-killed");
    ok(op("set_tenant", json!({"connection": "xero-killed", "tenant_name": "Huge ERP Test Ltd"})));
    std::thread::sleep(Duration::from_millis(3_100));
    let token_calls = || sim.counters().calls.get("POST /connect/token").copied().unwrap_or(0);
    let before = token_calls();
    // Held for less than Xero's grace window (3 s at this speed): the killed refresh, finished at Xero after the
    // next process rotated the token, is answered with the successor already issued, not refused.
    let mut slow = FaultSpec::next("POST", "/connect/token", FaultKind::Delay, 1);
    slow.delay_ms = Some(2_500);
    sim.add_fault(slow);

    let mut child = spawn_child(&child_test!(child_refreshes), &[("XL_CONFIG", config.to_string())]);
    let waited = Instant::now();
    while token_calls() == before {
        assert!(waited.elapsed() < Duration::from_secs(30), "the child never asked for a refresh");
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap(); // SIGKILL while its refresh is in flight
    child.wait().unwrap();

    let answer = op("connections", json!({"connection": "xero-killed", "deadline_ms": 15_000}));
    ok(answer);
    let s = status("xero-killed");
    assert_eq!((s["signed_in"].clone(), s["reauth_required"].clone()), (json!(true), json!(false)));
    assert!(s["refresh_in_doubt_since"].is_null());
    // The killed refresh completes at Xero later; the next rotation (the access token has expired) still works.
    std::thread::sleep(Duration::from_millis(3_000));
    ok(op("connections", json!({"connection": "xero-killed"})));
    let c = sim.counters();
    assert_eq!((c.invalid_grant, c.refreshes_from_grace), (0, 1), "the killed refresh reached Xero: {c:?}");
}

#[test]
#[ignore = "child process of a_process_killed_mid_refresh_leaves_a_store_the_next_one_uses"]
fn child_refreshes() {
    let Some(config) = child_config() else { return };
    configure(&config);
    let _ = op("connections", json!({"connection": connection_of(&config)}));
}
