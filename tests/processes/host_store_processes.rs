//! Several host processes sharing one host-kept state store (a JSON file with an atomic compare-and-swap, the
//! stand-in for a database shared by application servers on several machines), each with its own empty
//! `state_dir`: the tenant survives a restart, and processes × threads refresh exactly once per expiry.
//!
//! The children are this test binary's own ignored tests, started with `--exact NAME --ignored`, the
//! connection's configuration in `XL_CONFIG` and the store's file in `XL_HOST_FILE`; run directly, without
//! them, they do nothing.

use crate::support::auth::*;
use crate::support::common;
use crate::support::host_store::{file, host_config};
use crate::support::process::{Alone, alone, child_test, expect_success, spawn_child};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Instant;

/// The host store of this (parent) process: one file for all its tests (their keys differ).
fn parent_store() -> &'static file::FileStore {
    static STORE: OnceLock<&'static file::FileStore> = OnceLock::new();
    STORE.get_or_init(|| file::new(&common::temp_state_dir("host-file").join("state.json")))
}

/// The process for the calling test, with the parent's store registered (the host's store is process-wide).
fn hold_parent_store() -> Alone {
    let alone = alone();
    file::register_store(parent_store());
    alone
}

/// Configures `name` against the parent's store, signs in and sets the tenant.
fn ready(name: &str, base: &str) -> Value {
    let config = host_config(name, &common::temp_state_dir(name), base);
    configure(&config);
    sign_in(name);
    ok(op("set_tenant", json!({"connection": name, "tenant_name": "Huge ERP Test Ltd"})));
    config
}

/// The environment of a child: the connection on another "machine" (its own empty state_dir), same store.
fn child_env(config: &Value) -> Vec<(&'static str, String)> {
    let mut config = config.clone();
    config["state_dir"] = json!(common::temp_state_dir("host-child"));
    vec![("XL_CONFIG", config.to_string()), ("XL_HOST_FILE", parent_store().path.display().to_string())]
}

/// In a child: registers the shared store and configures the connection; `None` when run directly.
fn child_setup() -> Option<String> {
    let config: Value = serde_json::from_str(&std::env::var("XL_CONFIG").ok()?).unwrap();
    file::register(&PathBuf::from(std::env::var("XL_HOST_FILE").unwrap()));
    configure(&config);
    Some(config["connection"].as_str().unwrap().to_owned())
}

#[test]
fn the_tenant_survives_a_restart() {
    let _store = hold_parent_store();
    let sim = sim(sim_config(1.0));
    let config = ready("xero-host-restart", &sim.base_url());
    let (_, stored) = parent_store().get("auth/xero-host-restart").expect("the state is in the host's store");
    assert_eq!(stored["tenant"]["tenant_id"], xero_sim::HUGE_TENANT_ID);
    expect_success(spawn_child(&child_test!(child_sees_the_tenant), &child_env(&config)));
    assert_eq!(sim.counters().token_grants.get("authorization_code"), Some(&1), "the new process did not sign in");
}

#[test]
#[ignore = "child process of the_tenant_survives_a_restart"]
fn child_sees_the_tenant() {
    let Some(name) = child_setup() else { return };
    assert_signed_in_with_the_tenant(&name);
}

const PROCESSES: usize = 4;
const THREADS: usize = 4;
const SECONDS: u64 = 8;

#[test]
fn processes_sharing_the_host_store_refresh_once_per_expiry() {
    let _store = hold_parent_store();
    let sim = sim(sim_config(FAST));
    let name = "xero-host-procs";
    let config = ready(name, &sim.base_url());
    let key = format!("auth/{name}");
    let (_, before) = parent_store().get(&key).unwrap();
    sim.reset_counters();
    let started = Instant::now();
    let children: Vec<_> =
        (0..PROCESSES).map(|_| spawn_child(&child_test!(child_hammers), &child_env(&config))).collect();
    let mut calls = 0u64;
    for child in children {
        let out = expect_success(child);
        let count = out.split("calls=").nth(1).and_then(|rest| rest.split_whitespace().next());
        calls += count.and_then(|n| n.parse::<u64>().ok()).unwrap_or_else(|| panic!("no count in:\n{out}"));
    }
    let elapsed = started.elapsed().as_secs_f64();
    let c = sim.counters();
    let (_, after) = parent_store().get(&key).unwrap();

    assert!(calls >= 100, "only {calls} calls");
    assert_eq!(c.invalid_grant, 0, "{c:?}");
    assert_eq!(c.refreshes_from_grace, 0, "no refresh token was used twice: {c:?}");
    assert_eq!(c.token_grants.get("refresh_token").copied().unwrap_or(0), c.refreshes);
    let lifetime = 3.0;
    let most = (elapsed / (lifetime * 0.9)).ceil() as u64;
    assert!(
        c.refreshes >= (SECONDS as f64 / lifetime) as u64 - 1 && c.refreshes <= most,
        "{} refreshes in {elapsed:.1} s",
        c.refreshes
    );
    let generations = after["generation"].as_u64().unwrap() - before["generation"].as_u64().unwrap();
    assert_eq!(generations, c.refreshes, "one stored token set per refresh, whichever process made it");
    assert!(after["lease"].is_null(), "the lease was let go");
}

#[test]
#[ignore = "child process of processes_sharing_the_host_store_refresh_once_per_expiry"]
fn child_hammers() {
    let Some(name) = child_setup() else { return };
    let calls = hammer_connections(&name, THREADS, SECONDS);
    println!("calls={calls} ");
}
