//! The Accounting gate: tenant and scope checks, rate limits, Idempotency-Key, faults, control endpoint, with
//! the real Accounting module behind it (what landed is read back from `SimHandle::snapshot`).

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use crate::support::http::*;
use serde_json::{Value, json};
use xero_sim::{DEMO_TENANT_ID, FaultKind, FaultSpec, HUGE_TENANT_ID, LimitsPatch, RemainingPatch, SimConfig};

const INVOICES: &str = "/api.xro/2.0/Invoices";

fn remaining(r: &reqwest::blocking::Response) -> (u32, u32, u32) {
    let h = |n: &str| header(r, n).unwrap_or_else(|| panic!("{n} header")).parse::<u32>().unwrap();
    (h("x-minlimit-remaining"), h("x-daylimit-remaining"), h("x-appminlimit-remaining"))
}

#[test]
fn missing_or_wrong_tenant_is_forbidden() {
    let sim = start_default();
    let c = client();
    let base = sim.base_url();
    let token = access(&login(&c, &base));
    for tenant in [None, Some("00000000-0000-0000-0000-000000000000"), Some("not-a-uuid")] {
        let r = api(&c, &base, "GET", "/Invoices", &token, tenant).send().unwrap();
        assert_eq!(r.status(), 403);
        assert!(header(&r, "x-daylimit-remaining").is_some());
        let b: Value = r.json().unwrap();
        assert_eq!(b["Title"], "Forbidden");
        assert_eq!(b["Detail"], "AuthenticationUnsuccessful");
        assert_eq!(b["Status"], 403);
        assert!(b["Type"].is_null());
    }
    // disconnected from Xero's side (control endpoint)
    let r: Value = c
        .post(format!("{base}/_sim/connections/revoke"))
        .json(&json!({"tenant_id": DEMO_TENANT_ID}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(r["revoked"], 1);
    assert_eq!(api(&c, &base, "GET", "/Invoices", &token, Some(DEMO_TENANT_ID)).send().unwrap().status(), 403);
    let conns: Value = c.get(format!("{base}/connections")).bearer_auth(&token).send().unwrap().json().unwrap();
    assert_eq!(conns.as_array().unwrap().len(), 1);
    assert_eq!(sim.counters().handled.len(), 0, "nothing reached the Accounting module");
}

#[test]
fn minute_limit_61st_call_is_429_with_retry_after() {
    let sim = start_default();
    let c = client();
    let base = sim.base_url();
    let token = access(&login(&c, &base));
    for i in 1..=60u32 {
        let r = api(&c, &base, "GET", "/Invoices", &token, Some(DEMO_TENANT_ID)).send().unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(remaining(&r), (60 - i, 5000 - i, 10_000 - i));
        if i == 1 {
            let b: Value = r.json().unwrap();
            assert_eq!(b["Invoices"], json!([]), "{b}");
        }
    }
    let r = api(&c, &base, "GET", "/Invoices", &token, Some(DEMO_TENANT_ID)).send().unwrap();
    assert_eq!(r.status(), 429);
    assert_eq!(header(&r, "x-rate-limit-problem").as_deref(), Some("minute"));
    let retry: u64 = header(&r, "retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    assert_eq!(remaining(&r).0, 0);
    let b: Value = r.json().unwrap();
    assert_eq!(b["Status"], 429);
    // another tenant has its own minute
    let r = api(&c, &base, "GET", "/Invoices", &token, Some(HUGE_TENANT_ID)).send().unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(remaining(&r), (59, 4999, 10_000 - 61));
    // the window is fixed: a minute later the budget is back
    sim.advance_clock(60.0);
    let r = api(&c, &base, "GET", "/Invoices", &token, Some(DEMO_TENANT_ID)).send().unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(remaining(&r).0, 59);
    let n = sim.counters();
    assert_eq!(n.rate_limited.get("minute"), Some(&1));
    assert_eq!(n.handled.get("GET /api.xro/2.0/Invoices"), Some(&62));
}

#[test]
fn day_limit_via_runtime_lowered_budget() {
    let sim = start_default();
    let c = client();
    let base = sim.base_url();
    let token = access(&login(&c, &base));
    let r = c
        .post(format!("{base}/_sim/limits/remaining"))
        .json(&json!({"tenant_id": DEMO_TENANT_ID, "day": 2}))
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = api(&c, &base, "GET", "/Invoices", &token, Some(DEMO_TENANT_ID)).send().unwrap();
    assert_eq!(remaining(&r).1, 1);
    let r = api(&c, &base, "GET", "/Invoices", &token, Some(DEMO_TENANT_ID)).send().unwrap();
    assert_eq!(remaining(&r).1, 0);
    let r = api(&c, &base, "GET", "/Invoices", &token, Some(DEMO_TENANT_ID)).send().unwrap();
    assert_eq!(r.status(), 429);
    assert_eq!(header(&r, "x-rate-limit-problem").as_deref(), Some("day"));
    let retry: u64 = header(&r, "retry-after").unwrap().parse().unwrap();
    assert!(retry > 80_000 && retry <= 86_400, "{retry}");
    assert_eq!(sim.counters().rate_limited.get("day"), Some(&1));
    // switched off at runtime: served again, and no budget is shown (nothing enforces one)
    sim.set_limits(&LimitsPatch { enabled: Some(false), ..LimitsPatch::default() });
    let r = api(&c, &base, "GET", "/Invoices", &token, Some(DEMO_TENANT_ID)).send().unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "x-daylimit-remaining"), None);
    // still counted: switched on again, the day's budget is spent
    sim.set_limits(&LimitsPatch { enabled: Some(true), ..LimitsPatch::default() });
    let r = api(&c, &base, "GET", "/Invoices", &token, Some(DEMO_TENANT_ID)).send().unwrap();
    assert_eq!(r.status(), 429);
    assert_eq!(remaining(&r).1, 0);
}

#[test]
fn limits_off_send_no_remaining_headers() {
    // Xero always sends them; with the limits off the simulator sends none, so a client that paces to them (as
    // it should against Xero) is not held back by budgets nothing enforces.
    let mut cfg = SimConfig::default();
    cfg.limits.enabled = false;
    let sim = start(cfg);
    let c = client();
    let base = sim.base_url();
    let token = access(&login(&c, &base));
    let none = |r: &reqwest::blocking::Response, what: &str| {
        for h in ["x-minlimit-remaining", "x-daylimit-remaining", "x-appminlimit-remaining"] {
            assert_eq!(header(r, h), None, "{what}: {h}");
        }
    };
    for i in 0..70 {
        let r = api(&c, &base, "GET", "/Invoices", &token, Some(DEMO_TENANT_ID)).send().unwrap();
        assert_eq!(r.status(), 200, "call {i}: past the minute's 60, nothing refused");
        none(&r, "200");
    }
    let r = api(&c, &base, "GET", "/Invoices", &token, None).send().unwrap();
    assert_eq!(r.status(), 403);
    none(&r, "403");
    sim.add_fault(FaultSpec::next("GET", INVOICES, FaultKind::Error500, 1));
    let r = api(&c, &base, "GET", "/Invoices", &token, Some(DEMO_TENANT_ID)).send().unwrap();
    assert_eq!(r.status(), 500);
    none(&r, "500");
    // The calls are still counted (the control API shows them) ...
    let limits: Value = c.get(format!("{base}/_sim/limits")).send().unwrap().json().unwrap();
    let ours = limits["tenants"].as_array().unwrap().iter().find(|t| t["tenant_id"] == DEMO_TENANT_ID).unwrap();
    assert_eq!(ours["remaining"]["day"], 5000 - 71, "{limits}");
    // ... and switched on, the headers come back.
    sim.set_limits(&LimitsPatch { enabled: Some(true), ..LimitsPatch::default() });
    let r = api(&c, &base, "GET", "/Items", &token, Some(DEMO_TENANT_ID)).send().unwrap();
    assert_eq!(r.status(), 429, "the minute's budget was spent while off");
    assert_eq!(remaining(&r).0, 0);
}

#[test]
fn concurrent_limit_and_max_in_flight() {
    let sim = start_default();
    let c = client();
    let base = sim.base_url();
    let token = access(&login(&c, &base));
    sim.add_fault(FaultSpec { delay_ms: Some(3000), ..FaultSpec::next("GET", INVOICES, FaultKind::Delay, 5) });
    let threads: Vec<_> = (0..5)
        .map(|_| {
            let (base, token) = (base.clone(), token.clone());
            std::thread::spawn(move || {
                api(&client(), &base, "GET", "/Invoices", &token, Some(DEMO_TENANT_ID)).send().unwrap().status()
            })
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(20);
    while sim.counters().in_flight.get(DEMO_TENANT_ID).copied().unwrap_or(0) < 5 {
        assert!(Instant::now() < deadline, "five calls never were in flight together");
        std::thread::sleep(Duration::from_millis(5));
    }
    let r = api(&c, &base, "GET", "/Invoices", &token, Some(DEMO_TENANT_ID)).send().unwrap();
    assert_eq!(r.status(), 429);
    assert_eq!(header(&r, "x-rate-limit-problem").as_deref(), Some("concurrent"));
    assert!(header(&r, "retry-after").is_none());
    // the other tenant is not affected
    assert_eq!(api(&c, &base, "GET", "/Invoices", &token, Some(HUGE_TENANT_ID)).send().unwrap().status(), 200);
    for t in threads {
        assert_eq!(t.join().unwrap(), 200);
    }
    let n = sim.counters();
    assert_eq!(n.max_in_flight.get(DEMO_TENANT_ID), Some(&5));
    assert_eq!(n.in_flight.get(DEMO_TENANT_ID), Some(&0));
    assert_eq!(n.rate_limited.get("concurrent"), Some(&1));
}

#[test]
fn app_minute_limit_spans_tenants() {
    let sim = start_default();
    let c = client();
    let base = sim.base_url();
    let token = access(&login(&c, &base));
    sim.set_limits(&LimitsPatch { app_per_minute: Some(3), ..LimitsPatch::default() });
    for t in [DEMO_TENANT_ID, HUGE_TENANT_ID, DEMO_TENANT_ID] {
        assert_eq!(api(&c, &base, "GET", "/Invoices", &token, Some(t)).send().unwrap().status(), 200);
    }
    let r = api(&c, &base, "GET", "/Invoices", &token, Some(HUGE_TENANT_ID)).send().unwrap();
    assert_eq!(r.status(), 429);
    assert_eq!(header(&r, "x-rate-limit-problem").as_deref(), Some("appminute"));
    assert!(header(&r, "retry-after").is_some());
    assert_eq!(remaining(&r).2, 0);
}

#[test]
fn idempotency_key_replays_and_refuses_a_different_request() {
    let sim = start_default();
    let c = client();
    let base = sim.base_url();
    let token = access(&login(&c, &base));
    let put = |key: &str, body: &str| {
        api(&c, &base, "PUT", "/Invoices", &token, Some(DEMO_TENANT_ID))
            .header("Idempotency-Key", key)
            .body(body.to_string())
            .send()
            .unwrap()
    };
    let invoices = |tenant: &str| stored(&sim, tenant, "Invoices");
    let first = put("key-1", INVOICE);
    assert_eq!(first.status(), 200);
    let b1 = first.text().unwrap();
    let again = put("key-1", INVOICE);
    assert_eq!(again.status(), 200);
    assert_eq!(again.text().unwrap(), b1, "replayed byte for byte");
    let created: Value = serde_json::from_str(&b1).unwrap();
    let landed = invoices(DEMO_TENANT_ID);
    assert_eq!(landed.len(), 1, "stored once");
    assert_eq!(landed[0]["InvoiceID"], created["Invoices"][0]["InvoiceID"]);
    let n = sim.counters();
    assert_eq!(n.idempotent_replays, 1);
    assert_eq!(n.handled.get("PUT /api.xro/2.0/Invoices"), Some(&1), "the handler ran once");

    let r = put("key-1", &INVOICE.replace("ACCREC", "ACCPAY"));
    assert_eq!(r.status(), 400);
    let b: Value = r.json().unwrap();
    assert!(b["Message"].as_str().unwrap().contains("Idempotency Key key-1 is used with a different request"), "{b}");
    // a different tenant is a different request too
    let r = api(&c, &base, "PUT", "/Invoices", &token, Some(HUGE_TENANT_ID))
        .header("Idempotency-Key", "key-1")
        .body(INVOICE)
        .send()
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(sim.counters().idempotency_conflicts, 2);
    assert_eq!(invoices(DEMO_TENANT_ID).len(), 1, "conflicts store nothing");
    assert!(invoices(HUGE_TENANT_ID).is_empty());

    assert_eq!(put(&"k".repeat(129), INVOICE).status(), 400);
    assert_eq!(invoices(DEMO_TENANT_ID).len(), 1, "a refused key stores nothing");
    assert_eq!(put(&"k".repeat(128), INVOICE).status(), 200);
    assert_eq!(invoices(DEMO_TENANT_ID).len(), 2);

    // after the 6-minute retention the key is new again
    sim.advance_clock(361.0);
    assert_eq!(put("key-1", INVOICE).status(), 200);
    assert_eq!(sim.counters().handled.get("PUT /api.xro/2.0/Invoices"), Some(&3));
    assert_eq!(invoices(DEMO_TENANT_ID).len(), 3);
    // GET ignores the header
    let g = api(&c, &base, "GET", "/Invoices", &token, Some(DEMO_TENANT_ID))
        .header("Idempotency-Key", "key-1")
        .send()
        .unwrap();
    assert_eq!(g.status(), 200);
    let b: Value = g.json().unwrap();
    assert_eq!(b["Invoices"].as_array().unwrap().len(), 3, "{b}");
    assert_eq!(sim.counters().idempotent_replays, 1);
}

#[test]
fn injected_status_faults() {
    let sim = start_default();
    let c = client();
    let base = sim.base_url();
    let token = access(&login(&c, &base));
    let put = || api(&c, &base, "PUT", "/Invoices", &token, Some(DEMO_TENANT_ID)).body(INVOICE).send().unwrap();

    sim.add_fault(FaultSpec::next("PUT", INVOICES, FaultKind::Error500, 1));
    let r = put();
    assert_eq!(r.status(), 500);
    assert!(header(&r, "x-minlimit-remaining").is_some());
    assert_eq!(r.json::<Value>().unwrap()["Status"], 500);
    assert_eq!(put().status(), 200, "only the next call");

    sim.add_fault(FaultSpec::next("PUT", INVOICES, FaultKind::Maintenance503, 1));
    let r = put();
    assert_eq!(r.status(), 503);
    assert!(header(&r, "content-type").unwrap().starts_with("text/plain"));
    assert_eq!(r.text().unwrap(), "The Xero API is currently offline for maintenance");

    sim.add_fault(FaultSpec::next("PUT", INVOICES, FaultKind::OrgOffline503, 1));
    let r = put();
    assert_eq!(r.status(), 503);
    assert!(r.text().unwrap().contains("organisation"));

    sim.add_fault(FaultSpec {
        retry_after_secs: Some(7),
        problem: Some("day".into()),
        ..FaultSpec::next("PUT", INVOICES, FaultKind::RateLimit429, 1)
    });
    let r = put();
    assert_eq!(r.status(), 429);
    assert_eq!(header(&r, "retry-after").as_deref(), Some("7"));
    assert_eq!(header(&r, "x-rate-limit-problem").as_deref(), Some("day"));

    sim.add_fault(FaultSpec { delay_ms: Some(300), ..FaultSpec::next("PUT", INVOICES, FaultKind::Delay, 1) });
    let t = Instant::now();
    assert_eq!(put().status(), 200);
    assert!(t.elapsed() >= Duration::from_millis(300));

    // other methods and paths are not affected
    sim.add_fault(FaultSpec::next("PUT", INVOICES, FaultKind::Error500, 5));
    assert_eq!(api(&c, &base, "GET", "/Invoices", &token, Some(DEMO_TENANT_ID)).send().unwrap().status(), 200);
    assert_eq!(
        api(&c, &base, "PUT", "/Contacts", &token, Some(DEMO_TENANT_ID))
            .body(r#"{"Contacts":[{"Name":"Other Co"}]}"#)
            .send()
            .unwrap()
            .status(),
        200
    );
    sim.clear_faults();
    assert_eq!(put().status(), 200);

    // only the calls that got past the faults reached the module and stored anything
    assert_eq!(stored(&sim, DEMO_TENANT_ID, "Invoices").len(), 3);
    let mut names: Vec<Value> = stored(&sim, DEMO_TENANT_ID, "Contacts").iter().map(|c| c["Name"].clone()).collect();
    names.sort_by_key(|v| v.to_string());
    assert_eq!(names, vec![json!("Other Co"), json!("Test Co")]);
    let n = sim.counters();
    assert_eq!(n.handled.get("PUT /api.xro/2.0/Invoices"), Some(&3));
    for k in ["error500", "maintenance503", "org_offline503", "rate_limit429", "delay"] {
        assert_eq!(n.faults_injected.get(k), Some(&1), "{k}");
    }
    assert!(n.rate_limited.is_empty(), "injected 429s are not the limiter's");
}

#[test]
fn dropped_connections_before_and_after_commit() {
    let sim = start_default();
    let c = client();
    let base = sim.base_url();
    let token = access(&login(&c, &base));
    let put = |key: &str| {
        api(&c, &base, "PUT", "/Invoices", &token, Some(DEMO_TENANT_ID))
            .header("Idempotency-Key", key)
            .body(INVOICE)
            .send()
    };
    let handled = || sim.counters().handled.get("PUT /api.xro/2.0/Invoices").copied().unwrap_or(0);
    let invoices = || stored(&sim, DEMO_TENANT_ID, "Invoices");

    sim.add_fault(FaultSpec::next("PUT", INVOICES, FaultKind::DropBefore, 1));
    assert!(put("a").is_err(), "no response");
    assert_eq!(handled(), 0, "nothing processed");
    assert!(invoices().is_empty(), "nothing landed");
    assert!(stored(&sim, DEMO_TENANT_ID, "Contacts").is_empty(), "not even the contact");

    sim.add_fault(FaultSpec::next("PUT", INVOICES, FaultKind::DropAfter, 1));
    assert!(put("b").is_err(), "no response");
    assert_eq!(handled(), 1, "the handler ran (the write happened)");
    let landed = invoices();
    assert_eq!(landed.len(), 1, "the invoice landed");
    // the client's retry with the same key gets the committed response replayed: exactly one invoice
    let r = put("b").unwrap();
    assert_eq!(r.status(), 200);
    let b: Value = r.json().unwrap();
    assert_eq!(b["Invoices"][0]["InvoiceID"], landed[0]["InvoiceID"]);
    assert_eq!(handled(), 1);
    assert_eq!(sim.counters().idempotent_replays, 1);
    assert_eq!(invoices().len(), 1, "exactly once");
    // the key of the call dropped before processing was never recorded: its retry is processed afresh
    assert_eq!(put("a").unwrap().status(), 200);
    assert_eq!(handled(), 2);
    assert_eq!(sim.counters().idempotent_replays, 1);
    assert_eq!(invoices().len(), 2);

    // on the wire: not a single response byte
    sim.add_fault(FaultSpec::next("GET", INVOICES, FaultKind::DropAfter, 1));
    let mut s = std::net::TcpStream::connect(sim.addr()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "GET /api.xro/2.0/Invoices HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nxero-tenant-id: {DEMO_TENANT_ID}\r\n\r\n"
    )
    .unwrap();
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    assert!(buf.is_empty(), "got {:?}", String::from_utf8_lossy(&buf));
    assert_eq!(sim.counters().handled.get("GET /api.xro/2.0/Invoices"), Some(&1));
}

#[test]
fn if_modified_since_header_reaches_the_module() {
    let sim = start_default();
    let c = client();
    let base = sim.base_url();
    let token = access(&login(&c, &base));
    let body = json!({ "Invoices": [{ "Type": "ACCREC", "Contact": { "Name": "IMS" },
        "LineItems": [{ "Description": "x", "Quantity": 1, "UnitAmount": 1, "AccountCode": "200" }] }] });
    let r = api(&c, &base, "PUT", "/Invoices", &token, Some(DEMO_TENANT_ID)).json(&body).send().unwrap();
    assert_eq!(r.status(), 200);
    let invoices = |ims: Option<&str>| -> usize {
        let mut rb = api(&c, &base, "GET", "/Invoices", &token, Some(DEMO_TENANT_ID));
        if let Some(v) = ims {
            rb = rb.header("If-Modified-Since", v);
        }
        let b: Value = rb.send().unwrap().json().unwrap();
        b["Invoices"].as_array().unwrap_or_else(|| panic!("{b}")).len()
    };
    assert_eq!(invoices(None), 1);
    assert_eq!(invoices(Some("Fri, 01 Jan 2100 00:00:00 GMT")), 0);
    assert_eq!(invoices(Some("2000-01-01T00:00:00")), 1);
}

#[test]
fn token_without_the_required_scope_is_refused_before_the_module() {
    let sim = start_default();
    let c = client();
    let base = sim.base_url();
    let refused = |r: reqwest::blocking::Response, what: &str| {
        assert_eq!(r.status(), 401, "{what}");
        assert!(header(&r, "x-minlimit-remaining").is_some(), "{what}");
        let b: Value = r.json().unwrap();
        assert_eq!(b["Title"], "Unauthorized", "{what}");
        assert_eq!(b["Detail"], "AuthorizationUnsuccessful", "{what}");
        assert_eq!(b["Status"], 401, "{what}");
    };
    // neither accounting.invoices nor accounting.transactions (nor their .read)
    let contacts_only = access(&login_scoped(&c, &base, "openid offline_access accounting.contacts"));
    let get = |token: &str, path: &str| api(&c, &base, "GET", path, token, Some(DEMO_TENANT_ID)).send().unwrap();
    let put_invoice =
        |token: &str| api(&c, &base, "PUT", "/Invoices", token, Some(DEMO_TENANT_ID)).body(INVOICE).send().unwrap();
    refused(get(&contacts_only, "/Invoices"), "GET /Invoices");
    refused(put_invoice(&contacts_only), "PUT /Invoices");
    refused(get(&contacts_only, "/CreditNotes"), "GET /CreditNotes");
    let r = get(&contacts_only, "/Contacts");
    assert_eq!(r.status(), 200, "the scope it holds works");
    assert!(r.json::<Value>().unwrap()["Contacts"].is_array());

    // read-only: reads pass, writes are refused
    let read_only = access(&login_scoped(&c, &base, "openid offline_access accounting.invoices.read"));
    let r = get(&read_only, "/Invoices");
    assert_eq!(r.status(), 200);
    assert!(r.json::<Value>().unwrap()["Invoices"].is_array());
    refused(put_invoice(&read_only), "PUT /Invoices read-only");

    let n = sim.counters();
    assert_eq!(n.handled.get("PUT /api.xro/2.0/Invoices"), None);
    assert_eq!(n.handled.get("GET /api.xro/2.0/Invoices"), Some(&1));
    assert_eq!(n.handled.get("GET /api.xro/2.0/CreditNotes"), None);
    assert!(stored(&sim, DEMO_TENANT_ID, "Invoices").is_empty());
    assert!(stored(&sim, DEMO_TENANT_ID, "Contacts").is_empty());
}

#[test]
fn token_endpoint_drop_after_commit_then_grace_retry() {
    let sim = start_default();
    let c = client();
    let base = sim.base_url();
    let t = login(&c, &base);
    let rt = t["refresh_token"].as_str().unwrap();
    sim.add_fault(FaultSpec::next("POST", "/connect/token", FaultKind::DropAfter, 1));
    assert!(
        c.post(format!("{base}/connect/token"))
            .basic_auth("sim-client", Some("sim-secret"))
            .form(&[("grant_type", "refresh_token"), ("refresh_token", rt)])
            .send()
            .is_err()
    );
    // the refresh was committed; retrying with the old token within grace works
    let r = refresh(&c, &base, rt);
    assert_eq!(r.status(), 200);
    let n = sim.counters();
    assert_eq!((n.refreshes, n.refreshes_from_grace), (2, 1));

    sim.add_fault(FaultSpec::next("POST", "/connect/token", FaultKind::Maintenance503, 1));
    assert_eq!(refresh(&c, &base, rt).status(), 503);
}

#[test]
fn seeded_rate_faults_are_reproducible() {
    let run = || {
        let sim = start(SimConfig {
            limits: xero_sim::LimitsConfig { enabled: false, ..Default::default() },
            ..SimConfig::default()
        });
        let c = client();
        let base = sim.base_url();
        let token = custom_token(&c, &base);
        sim.add_fault(FaultSpec {
            method: None,
            rate: Some(0.5),
            seed: Some(42),
            count: None,
            ..FaultSpec::next("GET", "/api.xro/2.0/", FaultKind::Error500, 0)
        });
        (0..30)
            .map(|_| api(&c, &base, "GET", "/Items", &token, None).send().unwrap().status().as_u16())
            .collect::<Vec<_>>()
    };
    let a = run();
    assert_eq!(a, run());
    assert!(a.iter().all(|s| *s == 200 || *s == 500), "{a:?}");
    let failures = a.iter().filter(|s| **s == 500).count();
    assert!(failures > 0 && failures < 30, "{a:?}");
}

#[test]
fn control_endpoint() {
    let sim = start_default();
    let c = client();
    let base = sim.base_url();
    let get = |p: &str| c.get(format!("{base}/_sim{p}")).send().unwrap();
    let info: Value = get("/info").json().unwrap();
    assert_eq!(info["base_url"], base.as_str());
    assert_eq!(info["control"], format!("{base}/_sim"));
    let orgs: Value = get("/orgs").json().unwrap();
    assert_eq!(orgs[0], json!({"tenant_id": DEMO_TENANT_ID, "name": "Demo Company (AU)"}));
    let snap: Value = get(&format!("/orgs/{DEMO_TENANT_ID}")).json().unwrap();
    assert_eq!(snap["tenant_id"], DEMO_TENANT_ID);
    assert_eq!(snap, sim.snapshot(DEMO_TENANT_ID).unwrap());
    assert_eq!(get("/orgs/nope").status(), 404);

    // faults over HTTP
    let id: Value = c
        .post(format!("{base}/_sim/faults"))
        .json(&json!({"method": "GET", "path": "/connections", "kind": "error500", "count": 1}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let rules: Value = get("/faults").json().unwrap();
    assert_eq!(rules[0]["id"], id["id"]);
    assert_eq!(rules[0]["spec"]["kind"], "error500");
    let token = access(&login(&c, &base));
    assert_eq!(c.get(format!("{base}/connections")).bearer_auth(&token).send().unwrap().status(), 500);
    assert_eq!(c.get(format!("{base}/connections")).bearer_auth(&token).send().unwrap().status(), 200);
    assert_eq!(get("/faults").json::<Value>().unwrap()[0]["fired"], 1);
    assert_eq!(c.delete(format!("{base}/_sim/faults")).send().unwrap().status(), 200);
    assert_eq!(get("/faults").json::<Value>().unwrap(), json!([]));
    let bad = c.post(format!("{base}/_sim/faults")).json(&json!({"path": "/x", "kind": "explode"})).send().unwrap();
    assert_eq!(bad.status(), 400);

    // counters
    let n: Value = get("/counters").json().unwrap();
    assert_eq!(n["calls"]["GET /connections"], 2);
    assert_eq!(n["calls"]["POST /connect/token"], 1);
    assert_eq!(n["token_grants"]["authorization_code"], 1);
    assert!(n["calls"].get("GET /_sim/counters").is_none(), "control calls are not counted");
    assert_eq!(c.post(format!("{base}/_sim/counters/reset")).send().unwrap().status(), 200);
    assert_eq!(sim.counters(), xero_sim::Counters::default());

    // limits, tokens, clock
    let l: Value =
        c.post(format!("{base}/_sim/limits")).json(&json!({"per_minute": 2})).send().unwrap().json().unwrap();
    assert_eq!(l["config"]["per_minute"], 2);
    assert_eq!(sim.limits().per_minute, 2);
    sim.set_remaining(&RemainingPatch { tenant_id: DEMO_TENANT_ID.into(), minute: Some(1), ..Default::default() });
    let states: Value = get("/limits").json().unwrap();
    let st = states["tenants"].as_array().unwrap().iter().find(|s| s["client_id"] == "sim-client").unwrap().clone();
    assert_eq!(st["remaining"]["minute"], 1);
    let e: Value = c.post(format!("{base}/_sim/tokens/expire")).send().unwrap().json().unwrap();
    assert_eq!(e["expired"], 1);
    let before = sim.now_ms();
    let a: Value =
        c.post(format!("{base}/_sim/clock/advance")).json(&json!({"seconds": 3600})).send().unwrap().json().unwrap();
    assert!(a["now_ms"].as_i64().unwrap() >= before + 3_600_000);
    let conns: Value = get("/connections").json().unwrap();
    assert_eq!(conns.as_array().unwrap().len(), 2);
    assert_eq!(get("/nothing-here").status(), 404);
}
