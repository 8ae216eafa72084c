//! Identity: authorize, consent, token grants, rotation with grace, revocation, connections, bearer checks.

use crate::support::http;
use crate::support::http::*;
use serde_json::Value;
use xero_sim::{AppConfig, ConsentMode, DEMO_TENANT_ID, GrantType, HUGE_TENANT_ID, ScopeModel, SimConfig};

#[test]
fn authorize_auto_consent_redirects_with_code_and_state() {
    let sim = start_default();
    let c = client();
    let q = authorize(&c, &sim.base_url(), "sim-client", SCOPES, None);
    assert!(param(&q, "code").is_some_and(|c| c.len() >= 32));
    assert_eq!(param(&q, "state").as_deref(), Some("st-1"));
    assert_eq!(param(&q, "scope").as_deref(), Some(SCOPES));
    // auto consent connects both default organisations
    let tenants: Vec<String> = sim.connections().into_iter().map(|c| c.tenant_id).collect();
    assert!(tenants.contains(&DEMO_TENANT_ID.to_string()) && tenants.contains(&HUGE_TENANT_ID.to_string()));
}

#[test]
fn authorize_never_redirects_to_unknown_client_or_unregistered_uri() {
    let sim = start_default();
    let c = client();
    let base = sim.base_url();
    for url in [
        authorize_url(&base, "nobody", REDIRECT, SCOPES, "s", None),
        authorize_url(&base, "sim-client", "http://127.0.0.1/evil", SCOPES, "s", None),
        authorize_url(&base, "sim-client", "http://127.0.0.1/callback/", SCOPES, "s", None),
    ] {
        let r = c.get(url).send().unwrap();
        assert_eq!(r.status(), 400);
        assert!(r.headers().get("location").is_none());
        assert!(header(&r, "content-type").unwrap().starts_with("text/html"));
    }
}

#[test]
fn default_apps_have_a_fixed_port_loopback_redirect_uri() {
    // A client listening on loopback for the browser's return needs a registered URI with its port: matching is
    // exact, so the port-less http://127.0.0.1/callback never sends the browser to a listener's port.
    let loopback = url::Url::parse(xero_sim::LOOPBACK_REDIRECT_URI).unwrap();
    assert_eq!((loopback.scheme(), loopback.host_str()), ("http", Some("127.0.0.1")));
    assert!(loopback.port().is_some_and(|p| p != 0), "an explicit, fixed port: {loopback}");
    let sim = start_default();
    let c = client();
    let base = sim.base_url();
    for app in ["sim-client", "sim-pkce-client"] {
        let challenge = xero_sim::pkce_challenge(VERIFIER);
        let url = authorize_url(&base, app, xero_sim::LOOPBACK_REDIRECT_URI, SCOPES, "lb", Some(&challenge));
        let r = c.get(url).send().unwrap();
        assert_eq!(r.status(), 302, "{app}");
        let location = url::Url::parse(r.headers()["location"].to_str().unwrap()).unwrap();
        assert_eq!((location.port(), location.path()), (loopback.port(), "/callback"), "{app}");
        assert!(param(&query_of(location.as_str()), "code").is_some());
    }
    // Another port is another URI: refused, never redirected to.
    let other = format!("http://127.0.0.1:{}/callback", loopback.port().unwrap() + 1);
    let r = c.get(authorize_url(&base, "sim-client", &other, SCOPES, "lb", None)).send().unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.headers().get("location").is_none());
    // The start-up description lists it.
    let info: Value = c.get(format!("{base}/_sim/info")).send().unwrap().json().unwrap();
    assert!(info["apps"][0]["redirect_uris"].as_array().unwrap().iter().any(|u| u == xero_sim::LOOPBACK_REDIRECT_URI));
}

fn authorize_error(c: &reqwest::blocking::Client, url: String) -> (String, Option<String>) {
    let r = c.get(url).send().unwrap();
    assert_eq!(r.status(), 302);
    let q = query_of(r.headers()["location"].to_str().unwrap());
    assert!(param(&q, "code").is_none());
    (param(&q, "error").unwrap(), param(&q, "state"))
}

#[test]
fn authorize_errors_redirect_with_error_and_state() {
    let mut cfg = SimConfig::default();
    cfg.apps.push(AppConfig {
        client_id: "old-app".into(),
        scope_model: ScopeModel::Broad,
        ..AppConfig::default_web()
    });
    cfg.apps.push(AppConfig {
        client_id: "cc-app".into(),
        grant_types: vec![GrantType::ClientCredentials],
        ..AppConfig::default_web()
    });
    let sim = start(cfg);
    let c = client();
    let base = sim.base_url();
    // broad scopes are refused for granular (post March 2026) apps
    let (e, s) = authorize_error(
        &c,
        authorize_url(&base, "sim-client", REDIRECT, "offline_access accounting.transactions", "x1", None),
    );
    assert_eq!((e.as_str(), s.as_deref()), ("invalid_scope", Some("x1")));
    let (e, _) =
        authorize_error(&c, authorize_url(&base, "sim-client", REDIRECT, "accounting.reports.read", "x", None));
    assert_eq!(e, "invalid_scope");
    let (e, _) = authorize_error(&c, authorize_url(&base, "sim-client", REDIRECT, "accounting.everything", "x", None));
    assert_eq!(e, "invalid_scope");
    // ... but accepted for a broad-model app
    let q = authorize(&c, &base, "old-app", "offline_access accounting.transactions accounting.settings", None);
    assert!(param(&q, "code").is_some());
    // a client-credentials-only app may not use the code flow
    let (e, _) = authorize_error(&c, authorize_url(&base, "cc-app", REDIRECT, SCOPES, "x", None));
    assert_eq!(e, "unauthorized_client");
    // PKCE: only S256; PKCE-only apps must send a challenge
    let plain = authorize_url(&base, "sim-client", REDIRECT, SCOPES, "x", None)
        + "&code_challenge=abc&code_challenge_method=plain";
    assert_eq!(authorize_error(&c, plain).0, "invalid_request");
    let (e, _) = authorize_error(&c, authorize_url(&base, "sim-pkce-client", REDIRECT, SCOPES, "x", None));
    assert_eq!(e, "invalid_request");
}

#[test]
fn code_exchange_basic_auth_pkce_and_single_use() {
    let sim = start_default();
    let c = client();
    let base = sim.base_url();
    let challenge = xero_sim::pkce_challenge(VERIFIER);
    let code = code(&c, &base, "sim-client", SCOPES, Some(&challenge));
    let form = [
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("redirect_uri", REDIRECT),
        ("code_verifier", VERIFIER),
    ];
    let r = token_request(&c, &base, Some(("sim-client", "sim-secret")), &form);
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "cache-control").as_deref(), Some("no-store"));
    let t: Value = r.json().unwrap();
    assert_eq!(t["token_type"], "Bearer");
    assert_eq!(t["expires_in"].as_u64(), Some(1800));
    assert_eq!(t["scope"], SCOPES);
    assert!(t["refresh_token"].is_string());
    assert!(t["id_token"].is_string(), "openid was requested");
    let claims = jwt_payload(t["access_token"].as_str().unwrap());
    assert!(claims["authentication_event_id"].is_string());
    assert_eq!(claims["client_id"], "sim-client");
    // the code is single-use
    let r = token_request(&c, &base, Some(("sim-client", "sim-secret")), &form);
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>().unwrap(), serde_json::json!({"error": "invalid_grant"}));

    // wrong verifier
    let code2 = http::code(&c, &base, "sim-client", SCOPES, Some(&challenge));
    let bad_verifier = "x".repeat(50);
    let r = token_request(
        &c,
        &base,
        Some(("sim-client", "sim-secret")),
        &[
            ("grant_type", "authorization_code"),
            ("code", &code2),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &bad_verifier),
        ],
    );
    assert_eq!((r.status().as_u16(), r.json::<Value>().unwrap()["error"].clone()), (400, "invalid_grant".into()));

    // wrong redirect URI
    let code3 = http::code(&c, &base, "sim-client", SCOPES, None);
    let r = token_request(
        &c,
        &base,
        Some(("sim-client", "sim-secret")),
        &[("grant_type", "authorization_code"), ("code", &code3), ("redirect_uri", "http://localhost/callback")],
    );
    assert_eq!((r.status().as_u16(), r.json::<Value>().unwrap()["error"].clone()), (400, "invalid_grant".into()));

    // wrong secret
    let code4 = http::code(&c, &base, "sim-client", SCOPES, None);
    let f4 = [("grant_type", "authorization_code"), ("code", code4.as_str()), ("redirect_uri", REDIRECT)];
    let r = token_request(&c, &base, Some(("sim-client", "nope")), &f4);
    assert_eq!(r.json::<Value>().unwrap()["error"], "invalid_client");

    // client secret in the form body works too; no openid → no id_token; no offline_access → no refresh token
    let code5 = http::code(&c, &base, "sim-client", "accounting.invoices", None);
    let r = token_request(
        &c,
        &base,
        None,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code5),
            ("redirect_uri", REDIRECT),
            ("client_id", "sim-client"),
            ("client_secret", "sim-secret"),
        ],
    );
    let t: Value = r.json().unwrap();
    assert!(t["access_token"].is_string());
    assert!(t.get("refresh_token").is_none() && t.get("id_token").is_none());

    let n = sim.counters();
    assert_eq!(n.token_grants.get("authorization_code"), Some(&2));
    assert_eq!(n.invalid_grant, 3);
}

#[test]
fn pkce_only_app_exchanges_without_secret() {
    let sim = start_default();
    let c = client();
    let base = sim.base_url();
    let code = code(&c, &base, "sim-pkce-client", SCOPES, Some(&xero_sim::pkce_challenge(VERIFIER)));
    let r = token_request(
        &c,
        &base,
        None,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", "sim-pkce-client"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
        ],
    );
    assert_eq!(r.status(), 200);
    let t: Value = r.json().unwrap();
    let r = token_request(
        &c,
        &base,
        None,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", "sim-pkce-client"),
            ("refresh_token", t["refresh_token"].as_str().unwrap()),
        ],
    );
    assert_eq!(r.status(), 200);
}

#[test]
fn refresh_rotates_and_the_previous_token_works_only_within_grace() {
    // 1800 Xero seconds of grace = 1 real second at this scale
    let sim = start(SimConfig { time_scale: 1800.0, ..SimConfig::default() });
    let c = client();
    let base = sim.base_url();
    let t0 = login(&c, &base);
    assert_eq!(t0["expires_in"].as_u64(), Some(1), "expires_in is in real seconds");
    let r0 = t0["refresh_token"].as_str().unwrap().to_string();

    let t1: Value = refresh(&c, &base, &r0).json().unwrap();
    let r1 = t1["refresh_token"].as_str().unwrap().to_string();
    assert_ne!(r1, r0, "rotation issues a new refresh token");
    assert_ne!(t1["access_token"], t0["access_token"]);

    // a retry with the previous token within grace gets the same successor and a fresh access token
    let t1b: Value = refresh(&c, &base, &r0).json().unwrap();
    assert_eq!(t1b["refresh_token"].as_str(), Some(r1.as_str()));
    assert_ne!(t1b["access_token"], t1["access_token"]);
    let n = sim.counters();
    assert_eq!((n.refreshes, n.refreshes_from_grace), (2, 1));

    std::thread::sleep(std::time::Duration::from_millis(1300));
    let r = refresh(&c, &base, &r0);
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>().unwrap(), serde_json::json!({"error": "invalid_grant"}));
    // the successor still works (and rotates)
    let t2: Value = refresh(&c, &base, &r1).json().unwrap();
    assert!(t2["refresh_token"].as_str().is_some_and(|r| r != r1));
    assert_eq!(sim.counters().invalid_grant, 1);
}

#[test]
fn revocation_revokes_tokens_and_connections() {
    let sim = start_default();
    let c = client();
    let base = sim.base_url();
    let t = login(&c, &base);
    let rt = t["refresh_token"].as_str().unwrap();
    assert_eq!(sim.connections().len(), 2);
    let r = c
        .post(format!("{base}/connect/revocation"))
        .basic_auth("sim-client", Some("sim-secret"))
        .form(&[("token", rt)])
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.bytes().unwrap().is_empty());
    assert_eq!(refresh(&c, &base, rt).json::<Value>().unwrap()["error"], "invalid_grant");
    assert!(sim.connections().is_empty());
    let r = c.get(format!("{base}/connections")).bearer_auth(access(&t)).send().unwrap();
    assert_eq!(r.status(), 401);
}

#[test]
fn client_credentials_token_implies_its_one_organisation() {
    let sim = start_default();
    let c = client();
    let base = sim.base_url();
    let r = token_request(
        &c,
        &base,
        Some(("sim-custom-client", "sim-custom-secret")),
        &[("grant_type", "client_credentials")],
    );
    let t: Value = r.json().unwrap();
    assert!(t.get("refresh_token").is_none());
    assert_eq!(t["scope"], "accounting.contacts accounting.invoices accounting.payments accounting.settings");
    let token = access(&t);
    let conns: Value = c.get(format!("{base}/connections")).bearer_auth(&token).send().unwrap().json().unwrap();
    assert_eq!(conns.as_array().unwrap().len(), 1);
    assert_eq!(conns[0]["tenantId"], DEMO_TENANT_ID);
    // no tenant header needed: the call reaches the Accounting module
    let r = api(&c, &base, "GET", "/Organisation", &token, None).send().unwrap();
    assert_eq!(r.status(), 200, "the Accounting module answered");
    let b: Value = r.json().unwrap();
    assert_eq!(b["Organisations"][0]["Name"], "Demo Company (AU)", "{b}");
    assert_eq!(sim.counters().handled.get("GET /api.xro/2.0/Organisation"), Some(&1));
    // another tenant is refused
    let r = api(&c, &base, "GET", "/Organisation", &token, Some(HUGE_TENANT_ID)).send().unwrap();
    assert_eq!(r.status(), 403);
    // the web app may not use client credentials; granular apps may not ask for broad scopes
    let r = token_request(&c, &base, Some(("sim-client", "sim-secret")), &[("grant_type", "client_credentials")]);
    assert_eq!(r.json::<Value>().unwrap()["error"], "unauthorized_client");
    let r = token_request(
        &c,
        &base,
        Some(("sim-custom-client", "sim-custom-secret")),
        &[("grant_type", "client_credentials"), ("scope", "accounting.transactions")],
    );
    assert_eq!(r.json::<Value>().unwrap()["error"], "invalid_scope");
    assert_eq!(sim.counters().token_grants.get("client_credentials"), Some(&1));
}

#[test]
fn expired_access_token_gets_token_expired() {
    let sim = start_default();
    let c = client();
    let base = sim.base_url();
    let token = access(&login(&c, &base));
    sim.advance_clock(1801.0);
    let r = api(&c, &base, "GET", "/Invoices", &token, Some(DEMO_TENANT_ID)).send().unwrap();
    assert_eq!(r.status(), 401);
    assert!(header(&r, "x-minlimit-remaining").is_some());
    let b: Value = r.json().unwrap();
    assert_eq!(b["Title"], "Unauthorized");
    assert_eq!(b["Status"], 401);
    assert!(b["Type"].is_null() && b["Extensions"].is_object() && b["Instance"].is_string());
    assert!(b["Detail"].as_str().unwrap().starts_with("TokenExpired: token expired at 20"), "{b}");

    // a fresh token, then "expire all now"
    let token = access(&login(&c, &base));
    assert!(sim.expire_access_tokens() >= 1);
    let b: Value = api(&c, &base, "GET", "/Invoices", &token, Some(DEMO_TENANT_ID)).send().unwrap().json().unwrap();
    assert!(b["Detail"].as_str().unwrap().starts_with("TokenExpired"));

    let b: Value =
        api(&c, &base, "GET", "/Invoices", "not-a-token", Some(DEMO_TENANT_ID)).send().unwrap().json().unwrap();
    assert_eq!(b["Detail"], "AuthenticationUnsuccessful");
}

#[test]
fn connections_list_filter_and_delete() {
    let sim = start_default();
    let c = client();
    let base = sim.base_url();
    let token = access(&login(&c, &base));
    let conns: Value = c.get(format!("{base}/connections")).bearer_auth(&token).send().unwrap().json().unwrap();
    let conns = conns.as_array().unwrap().clone();
    assert_eq!(conns.len(), 2);
    for k in ["id", "authEventId", "tenantId", "tenantType", "tenantName", "createdDateUtc", "updatedDateUtc"] {
        assert!(conns[0][k].is_string(), "{k} in {}", conns[0]);
    }
    assert_eq!(conns[0]["tenantType"], "ORGANISATION");
    let event = jwt_payload(&token)["authentication_event_id"].as_str().unwrap().to_string();
    assert_eq!(conns[0]["authEventId"], event.as_str());
    let filtered: Value =
        c.get(format!("{base}/connections?authEventId={event}")).bearer_auth(&token).send().unwrap().json().unwrap();
    assert_eq!(filtered.as_array().unwrap().len(), 2);
    let none: Value = c
        .get(format!("{base}/connections?authEventId=00000000-0000-0000-0000-000000000000"))
        .bearer_auth(&token)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(none.as_array().unwrap().len(), 0);

    let huge = conns.iter().find(|c| c["tenantId"] == HUGE_TENANT_ID).unwrap();
    let url = format!("{base}/connections/{}", huge["id"].as_str().unwrap());
    assert_eq!(c.delete(&url).bearer_auth(&token).send().unwrap().status(), 204);
    assert_eq!(c.delete(&url).bearer_auth(&token).send().unwrap().status(), 404);
    assert_eq!(api(&c, &base, "GET", "/Invoices", &token, Some(HUGE_TENANT_ID)).send().unwrap().status(), 403);
    assert_eq!(api(&c, &base, "GET", "/Invoices", &token, Some(DEMO_TENANT_ID)).send().unwrap().status(), 200);
}

#[test]
fn openid_configuration_points_at_this_server() {
    let sim = start_default();
    let base = sim.base_url();
    let v: Value = client().get(format!("{base}/.well-known/openid-configuration")).send().unwrap().json().unwrap();
    assert_eq!(v["issuer"], base.as_str());
    assert_eq!(v["authorization_endpoint"], format!("{base}/identity/connect/authorize"));
    assert_eq!(v["token_endpoint"], format!("{base}/connect/token"));
    assert_eq!(v["revocation_endpoint"], format!("{base}/connect/revocation"));
}

#[test]
fn consent_page_allow_and_cancel_and_deny_mode() {
    let sim = start(SimConfig { consent: ConsentMode::Page, ..SimConfig::default() });
    let c = client();
    let base = sim.base_url();
    let page = |state: &str| {
        let r = c.get(authorize_url(&base, "sim-client", REDIRECT, SCOPES, state, None)).send().unwrap();
        assert_eq!(r.status(), 200);
        let html = r.text().unwrap();
        assert!(html.contains("Huge ERP Test Ltd") && html.contains("name=\"tenant\""));
        let start = html.find("name=\"request\" value=\"").unwrap() + "name=\"request\" value=\"".len();
        html[start..start + html[start..].find('"').unwrap()].to_string()
    };
    let req = page("p1");
    let r = c
        .post(format!("{base}/identity/connect/consent"))
        .form(&[("request", req.as_str()), ("tenant", HUGE_TENANT_ID), ("action", "allow")])
        .send()
        .unwrap();
    assert_eq!(r.status(), 302);
    let q = query_of(r.headers()["location"].to_str().unwrap());
    assert!(param(&q, "code").is_some());
    assert_eq!(param(&q, "state").as_deref(), Some("p1"));
    let conns = sim.connections();
    assert_eq!(conns.len(), 1);
    assert_eq!(conns[0].tenant_id, HUGE_TENANT_ID);

    let req = page("p2");
    let r = c
        .post(format!("{base}/identity/connect/consent"))
        .form(&[("request", req.as_str()), ("action", "cancel")])
        .send()
        .unwrap();
    let q = query_of(r.headers()["location"].to_str().unwrap());
    assert_eq!(param(&q, "error").as_deref(), Some("access_denied"));
    assert_eq!(param(&q, "state").as_deref(), Some("p2"));

    let deny = start(SimConfig { consent: ConsentMode::Deny, ..SimConfig::default() });
    let r = c.get(authorize_url(&deny.base_url(), "sim-client", REDIRECT, SCOPES, "d", None)).send().unwrap();
    let q = query_of(r.headers()["location"].to_str().unwrap());
    assert_eq!(param(&q, "error").as_deref(), Some("access_denied"));
}

#[test]
fn custom_connection_tenant_by_name() {
    let cfg = SimConfig {
        apps: vec![AppConfig {
            client_id: "cc".into(),
            client_secret: Some("s".into()),
            grant_types: vec![GrantType::ClientCredentials],
            custom_connection_tenant: Some("Huge ERP Test Ltd".into()),
            ..AppConfig::default_web()
        }],
        ..SimConfig::default()
    };
    let sim = start(cfg);
    let c = client();
    let r = token_request(&c, &sim.base_url(), Some(("cc", "s")), &[("grant_type", "client_credentials")]);
    let token = access(&r.json().unwrap());
    let r = api(&c, &sim.base_url(), "GET", "/Contacts", &token, Some(HUGE_TENANT_ID)).send().unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.json::<Value>().unwrap()["Contacts"].is_array());
    // without the header the call goes to the organisation named in the config
    let b: Value = api(&c, &sim.base_url(), "GET", "/Organisation", &token, None).send().unwrap().json().unwrap();
    assert_eq!(b["Organisations"][0]["Name"], "Huge ERP Test Ltd", "{b}");
    let r = api(&c, &sim.base_url(), "GET", "/Contacts", &token, Some(DEMO_TENANT_ID)).send().unwrap();
    assert_eq!(r.status(), 403, "the other organisation is not this connection's");
}
