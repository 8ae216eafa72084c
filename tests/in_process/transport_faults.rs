//! Every fault on a write ends in exactly one document in the simulated organisation, or in an `uncertain`
//! answer that a retry resolves without a duplicate; Xero's answers become errors a person can act on.

use crate::support::transport::*;
use serde_json::json;
use std::time::{Duration, Instant};
use xero_link::error::ErrorCode;
use xero_link::transport::{self, ApiCall, Target};
use xero_sim::{FaultKind, FaultSpec, HUGE_TENANT_ID, RemainingPatch};

const PUT_CONTACTS: &str = "PUT /api.xro/2.0/Contacts";
const CONTACTS: &str = "/api.xro/2.0/Contacts";

fn handled(sim: &xero_sim::SimHandle) -> u64 {
    counter(&sim.counters().handled, PUT_CONTACTS)
}

/// One keyed write under `fault`: returns whether the first send came back uncertain.
fn write_under_fault(app: &str, fault: FaultSpec, extra: serde_json::Value) -> (xero_sim::SimHandle, bool) {
    let sim = start_sim(app);
    let config = config(&sim.base_url(), app, extra);
    let tokens = SimTokens::new(&config);
    sim.add_fault(fault);
    let call = create_contact("Faulty Ltd", true);
    let uncertain = match send(&config, &tokens, &call, 30_000) {
        Ok(response) => {
            assert_eq!(response.status, 200);
            false
        }
        Err(e) => {
            assert!(e.uncertain, "a failed write under a fault is either retried or uncertain: {}", e.error);
            // The host's retry of the same write (same key) resolves it.
            let again = send(&config, &tokens, &call, 30_000).expect("the retry succeeds");
            assert_eq!(again.status, 200);
            true
        }
    };
    assert_eq!(contacts_named(&sim, "Faulty Ltd"), 1, "exactly one document");
    (sim, uncertain)
}

#[test]
fn a_500_is_uncertain_and_the_retry_with_the_same_key_writes_once() {
    let (sim, uncertain) =
        write_under_fault("fault-500", FaultSpec::next("PUT", CONTACTS, FaultKind::Error500, 1), json!({}));
    assert!(uncertain, "Xero may cache a 500 under the key: not retried blindly");
    assert_eq!(handled(&sim), 1);
}

#[test]
fn maintenance_and_offline_503s_are_retried() {
    for (app, kind) in [("fault-503m", FaultKind::Maintenance503), ("fault-503o", FaultKind::OrgOffline503)] {
        let (sim, uncertain) = write_under_fault(app, FaultSpec::next("PUT", CONTACTS, kind, 2), json!({}));
        assert!(!uncertain);
        assert_eq!(counter(&sim.counters().statuses, "503"), 2);
        assert_eq!(handled(&sim), 1);
    }
}

#[test]
fn a_429_is_waited_out_and_retried() {
    let fault = FaultSpec { retry_after_secs: Some(1), ..FaultSpec::next("PUT", CONTACTS, FaultKind::RateLimit429, 1) };
    let started = Instant::now();
    let (sim, uncertain) = write_under_fault("fault-429", fault, json!({}));
    assert!(!uncertain);
    assert!(started.elapsed() >= Duration::from_secs(1), "Retry-After honoured");
    assert_eq!(handled(&sim), 1);
}

#[test]
fn a_timeout_is_retried_with_the_key_and_writes_once() {
    let fault = FaultSpec { delay_ms: Some(1500), ..FaultSpec::next("PUT", CONTACTS, FaultKind::Delay, 1) };
    let (sim, uncertain) = write_under_fault("fault-delay", fault, json!({"timeouts": {"request_ms": 300}}));
    assert!(!uncertain);
    assert_eq!(counter(&sim.counters().calls, PUT_CONTACTS), 2, "timed out once, retried once");
    // Let the delayed first request finish at the simulator, then look again: still one.
    std::thread::sleep(Duration::from_millis(1600));
    assert_eq!(contacts_named(&sim, "Faulty Ltd"), 1);
    assert_eq!(handled(&sim), 1);
}

#[test]
fn a_connection_dropped_before_processing_is_retried() {
    let (sim, uncertain) =
        write_under_fault("fault-drop-before", FaultSpec::next("PUT", CONTACTS, FaultKind::DropBefore, 1), json!({}));
    assert!(!uncertain);
    assert_eq!(handled(&sim), 1);
    assert_eq!(counter(&sim.counters().calls, PUT_CONTACTS), 2);
}

#[test]
fn a_connection_dropped_after_commit_is_replayed_by_its_key() {
    let (sim, uncertain) =
        write_under_fault("fault-drop-after", FaultSpec::next("PUT", CONTACTS, FaultKind::DropAfter, 1), json!({}));
    assert!(!uncertain);
    assert_eq!(handled(&sim), 1);
    assert_eq!(sim.counters().idempotent_replays, 1, "the retry got Xero's stored answer");
}

#[test]
fn a_write_without_a_key_is_not_resent_after_it_may_have_arrived() {
    let app = "fault-keyless";
    let sim = start_sim(app);
    let config = config(&sim.base_url(), app, json!({}));
    let tokens = SimTokens::new(&config);
    sim.add_fault(FaultSpec::next("PUT", CONTACTS, FaultKind::DropAfter, 1));
    let err = send(&config, &tokens, &create_contact("Keyless Ltd", false), 30_000).unwrap_err();
    assert!(err.uncertain);
    assert_eq!(err.error.code, ErrorCode::Network);
    assert_eq!(err.error.details["uncertain"], true);
    assert_eq!(counter(&sim.counters().calls, PUT_CONTACTS), 1, "not sent twice");
    // Looking before writing again finds the document.
    let query = vec![("where".to_owned(), "Name==\"Keyless Ltd\"".to_owned())];
    let look = ApiCall { query, ..get("/Contacts") };
    let found = send(&config, &tokens, &look, 30_000).unwrap();
    let body: serde_json::Value = serde_json::from_slice(&found.body).unwrap();
    assert_eq!(body["Contacts"].as_array().unwrap().len(), 1);
    assert_eq!(contacts_named(&sim, "Keyless Ltd"), 1);
}

#[test]
fn retries_of_a_write_stop_before_xero_forgets_its_key() {
    let app = "fault-retention";
    let sim = start_sim(app);
    // Xero's minute is 100 ms to this connection: the key is kept 600 ms, retries stop before.
    let config = config(&sim.base_url(), app, json!({"limits": {"minute_ms": 100}}));
    let tokens = SimTokens::new(&config);
    sim.add_fault(FaultSpec { count: None, ..FaultSpec::next("PUT", CONTACTS, FaultKind::DropAfter, 0) });
    let started = Instant::now();
    let err = send(&config, &tokens, &create_contact("Retention Ltd", true), 30_000).unwrap_err();
    assert!(err.uncertain);
    assert!(started.elapsed() < Duration::from_millis(600), "{:?}", started.elapsed());
    let calls = counter(&sim.counters().calls, PUT_CONTACTS);
    assert!((2..5).contains(&calls), "retried, but fewer times than the retry limit: {calls}");
    assert_eq!(handled(&sim), 1);
    assert_eq!(contacts_named(&sim, "Retention Ltd"), 1);
}

#[test]
fn an_exhausted_day_returns_rate_limited_at_once() {
    let app = "fault-day";
    let sim = start_sim(app);
    let config = config(&sim.base_url(), app, json!({}));
    let tokens = SimTokens::new(&config);
    sim.set_remaining(&RemainingPatch {
        tenant_id: TENANT.into(),
        client_id: Some(app.into()),
        minute: None,
        day: Some(0),
    });
    let started = Instant::now();
    let err = send(&config, &tokens, &create_contact("Day Ltd", true), 60_000).unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5), "did not sleep: {:?}", started.elapsed());
    assert_eq!(err.error.code, ErrorCode::RateLimited);
    assert_eq!(err.error.details["limit"], "day");
    let retry_after = err.error.details["retry_after"].as_u64().unwrap();
    assert!(retry_after > 60, "the day resets much later: {retry_after}");
    assert!(!err.uncertain);
    // The next call does not even ask Xero.
    let calls = counter(&sim.counters().calls, PUT_CONTACTS);
    let err = send(&config, &tokens, &create_contact("Day Ltd", true), 60_000).unwrap_err();
    assert_eq!(err.error.details["limit"], "day");
    assert_eq!(counter(&sim.counters().calls, PUT_CONTACTS), calls);
    let seen = transport::limits_seen(&config, TENANT).unwrap();
    assert_eq!(seen.day_remaining, Some(0));
    assert_eq!(seen.blocked_by, Some(transport::LimitKind::Day));
    assert_eq!(contacts_named(&sim, "Day Ltd"), 0);
}

#[test]
fn an_expired_token_is_refreshed_once_and_the_call_goes_through() {
    let app = "auth-expired";
    let sim = start_sim(app);
    let config = config(&sim.base_url(), app, json!({}));
    let tokens = SimTokens::new(&config);
    send(&config, &tokens, &get("/Organisation"), 10_000).expect("signed in");
    assert!(sim.expire_access_tokens() >= 1);
    let response = send(&config, &tokens, &create_contact("Refreshed Ltd", true), 10_000).expect("after refresh");
    assert_eq!(response.status, 200);
    assert_eq!(tokens.refreshes.load(std::sync::atomic::Ordering::Relaxed), 1);
    assert_eq!(counter(&sim.counters().statuses, "401"), 1);
}

struct BadTokens;
impl xero_link::auth::TokenSource for BadTokens {
    fn access_token(&self, _: xero_link::deadline::Deadline) -> xero_link::error::Result<xero_link::secret::Secret> {
        Ok(xero_link::secret::Secret::new("not-a-token"))
    }
    fn refresh_after_rejection(
        &self,
        _: &xero_link::secret::Secret,
        _: xero_link::deadline::Deadline,
    ) -> xero_link::error::Result<xero_link::secret::Secret> {
        Ok(xero_link::secret::Secret::new("still-not-a-token"))
    }
}

#[test]
fn xeros_refusals_become_errors_a_person_can_act_on() {
    let app = "errors";
    let sim = start_sim(app);
    let config = config(&sim.base_url(), app, json!({}));
    let tokens = SimTokens::new(&config);
    let deadline = || xero_link::deadline::Deadline::after_ms(10_000);

    // A token Xero never issued, refreshed once, still refused: sign in again.
    let target = Target { config: &config, tenant_id: Some(TENANT), tokens: &BadTokens };
    let err = transport::send(&target, &get("/Organisation"), deadline()).unwrap_err();
    assert_eq!(err.error.code, ErrorCode::ReauthRequired);
    assert_eq!(err.error.details["http_status"], 401);
    assert_eq!(counter(&sim.counters().statuses, "401"), 2, "one refresh, one retry");

    // An organisation this app is not connected to.
    let target = Target { config: &config, tenant_id: Some(HUGE_TENANT_ID), tokens: &tokens };
    let err = transport::send(&target, &get("/Organisation"), deadline()).unwrap_err();
    assert_eq!(err.error.code, ErrorCode::TenantNotConnected);
    assert_eq!(err.error.details["http_status"], 403);

    // Something that does not exist.
    let err = send(&config, &tokens, &get("/Contacts/5a1f3c0e-0000-4000-8000-000000000000"), 10_000).unwrap_err();
    assert_eq!(err.error.code, ErrorCode::NotFound);
    assert!(err.error.details["xero_correlation_id"].is_string(), "{:?}", err.error.details);

    // A 400 with elements comes back to the caller, who may map it.
    let body = serde_json::to_vec(&json!({"Contacts": [{"Name": "x".repeat(300)}]})).unwrap();
    let call = ApiCall { body: Some(body), ..create_contact("unused", false) };
    let response = send(&config, &tokens, &call, 10_000).expect("a 400 with elements is an answer");
    assert_eq!(response.status, 400);
    let error = transport::from_response(&response);
    assert_eq!(error.code, ErrorCode::Validation);
    assert_eq!(error.details["errors"][0]["index"], 0);
    assert!(error.details["errors"][0]["messages"][0].as_str().unwrap().contains("255"), "{error:?}");
    // The 300-character name breaks Xero's spec on purpose: the simulator recorded it.
    assert_eq!(sim.take_spec_violations().len(), 1);

    // Maintenance that outlasts the retries.
    sim.add_fault(FaultSpec {
        count: None,
        ..FaultSpec::next("GET", "/api.xro/2.0/Accounts", FaultKind::Maintenance503, 0)
    });
    let err = send(&config, &tokens, &get("/Accounts"), 30_000).unwrap_err();
    assert_eq!(err.error.code, ErrorCode::XeroUnavailable);
    assert!(err.error.message.contains("maintenance"), "{}", err.error.message);
    assert!(!err.uncertain, "a read is never uncertain");
    assert_eq!(counter(&sim.counters().statuses, "503"), 5, "bounded retries");
}

/// TLS works in the library's own client (reqwest is built without a crypto provider; the transport installs
/// rustls's ring provider): an https endpoint that answers in plain text is a `network` error naming the TLS
/// failure, never a panic (`internal`) for want of a provider, and the request is never sent in clear.
#[test]
fn an_https_endpoint_that_does_not_speak_tls_is_a_network_error() {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut first = [0u8; 5];
        stream.read_exact(&mut first).unwrap();
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}");
        first
    });
    let sim = start_sim("tls-plain");
    let mut endpoints = crate::support::auth::endpoints(&sim.base_url());
    endpoints["accounting"] = json!(format!("https://127.0.0.1:{port}/api.xro/2.0"));
    let config = config(&sim.base_url(), "tls-plain", json!({"endpoints": endpoints}));
    let tokens = SimTokens::new(&config);
    let err = send(&config, &tokens, &get("/Accounts"), 10_000).unwrap_err();
    assert_eq!(err.error.code, ErrorCode::Network, "{}", err.error.message);
    // A TLS record (handshake, content type 22) came first, not an HTTP request line.
    assert_eq!(received.join().unwrap()[0], 22, "the library spoke TLS");
}
