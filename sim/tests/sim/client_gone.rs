//! A request whose client goes away while Xero holds it (a `delay` fault): Xero still finishes it, as a server
//! does with a request it received whole. So a host process killed mid-request leaves its write landed, or its
//! refresh token rotated, at Xero, and the next process must find that out.

use std::time::{Duration, Instant};

use crate::support::http::*;
use reqwest::blocking::Client;
use xero_sim::{DEMO_TENANT_ID, FaultKind, FaultSpec, SimHandle};

/// Xero holds the next `method path` call for half a second.
fn hold(sim: &SimHandle, method: &str, path: &str) {
    sim.add_fault(FaultSpec { delay_ms: Some(500), ..FaultSpec::next(method, path, FaultKind::Delay, 1) });
}

/// A client that gives up long before Xero answers.
fn impatient() -> Client {
    let _ = client();
    Client::builder().timeout(Duration::from_millis(100)).build().unwrap()
}

/// Waits (at most 10 s) until `done` holds.
fn eventually(what: &str, done: impl Fn() -> bool) {
    let until = Instant::now() + Duration::from_secs(10);
    while !done() {
        assert!(Instant::now() < until, "never: {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_write_lands_after_its_client_gave_up() {
    let sim = start_default();
    let base = sim.base_url();
    let token = access(&login(&client(), &base));
    hold(&sim, "PUT", "/api.xro/2.0/Contacts");
    let gave_up = api(&impatient(), &base, "PUT", "/Contacts", &token, Some(DEMO_TENANT_ID))
        .body(r#"{"Contacts":[{"Name":"Left Behind Ltd"}]}"#)
        .send();
    assert!(gave_up.is_err_and(|e| e.is_timeout()), "the client gave up first");
    eventually("the write was handled", || sim.counters().handled.contains_key("PUT /api.xro/2.0/Contacts"));
    assert!(stored(&sim, DEMO_TENANT_ID, "Contacts").iter().any(|c| c["Name"] == "Left Behind Ltd"));
}

#[test]
fn a_refresh_rotates_the_token_after_its_client_gave_up() {
    let sim = start_default();
    let base = sim.base_url();
    let tokens = login(&client(), &base);
    let first = tokens["refresh_token"].as_str().unwrap();
    hold(&sim, "POST", "/connect/token");
    let gave_up = impatient()
        .post(format!("{base}/connect/token"))
        .basic_auth("sim-client", Some("sim-secret"))
        .form(&[("grant_type", "refresh_token"), ("refresh_token", first)])
        .send();
    assert!(gave_up.is_err_and(|e| e.is_timeout()), "the client gave up first");
    eventually("the refresh was made", || sim.counters().refreshes == 1);
    // The same token again: the successor already issued, from the grace window.
    assert_eq!(refresh(&client(), &base, first).status(), 200);
    assert_eq!(sim.counters().refreshes_from_grace, 1);
}
