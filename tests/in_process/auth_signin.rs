//! Signing in to Xero, the three ways, through the C API against the simulator; and the refusals that must
//! change nothing.

use crate::support::auth;
use crate::support::auth::*;
use crate::support::common::temp_state_dir;
use serde_json::Value;
use serde_json::json;
use xero_sim::{ConsentMode, SimConfig, SimHandle};

#[test]
fn callback_sign_in_then_choose_the_tenant() {
    let sim = sim(sim_config(1.0));
    let dir = temp_state_dir("signin-callback");
    configure(&web_config("xero-cb", &dir, &sim.base_url()));
    assert_error(&op("connections", json!({"connection": "xero-cb"})), "not_authenticated");

    let started = ok(op("authorize_url", json!({"connection": "xero-cb"})));
    let url = url::Url::parse(started["url"].as_str().unwrap()).unwrap();
    assert_eq!(query(&url, "code_challenge_method").as_deref(), Some("S256"));
    assert_eq!(query(&url, "state").as_deref(), started["state"].as_str());
    assert_eq!(query(&url, "redirect_uri").as_deref(), Some(ERP_REDIRECT));
    let scope = query(&url, "scope").unwrap();
    assert!(scope.split(' ').any(|s| s == "offline_access") && scope.contains("accounting.invoices"), "{scope}");
    assert_eq!(status("xero-cb")["pending_sign_ins"], 1);

    // The host's web page received Xero's redirect and passes it on.
    let callback = consent(url.as_str());
    let signed_in = ok(op("authenticate", json!({"connection": "xero-cb", "callback_url": callback.as_str()})));
    assert_eq!(signed_in["grant_type"], "authorization_code");
    assert!(signed_in["tenant"].is_null());

    let s = status("xero-cb");
    assert_eq!(s["signed_in"], true);
    assert_eq!(s["pending_sign_ins"], 0);
    assert_eq!(s["reauth_required"], false);
    assert!(s["access_token_expires_at"].is_string());
    assert!(s["tenant"].is_null());

    let connections = ok(op("connections", json!({"connection": "xero-cb"})))["connections"].clone();
    let names: Vec<&str> = connections.as_array().unwrap().iter().map(|c| c["tenant_name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 2, "{connections}");
    assert!(names.contains(&"Huge ERP Test Ltd") && names.contains(&"Demo Company (AU)"));
    for c in connections.as_array().unwrap() {
        assert_eq!(c["tenant_type"], "ORGANISATION");
        assert!(c["id"].is_string() && c["created_date_utc"].is_string() && c["updated_date_utc"].is_string());
    }

    // A tenant the sign-in does not reach is refused and nothing is stored.
    let err = assert_error(&op("set_tenant", json!({"connection": "xero-cb", "tenant_name": "Nope Ltd"})), "not_found");
    assert_eq!(err["path"], "tenant_name");
    let err = assert_error(
        &op("set_tenant", json!({"connection": "xero-cb", "tenant_id": "00000000-0000-0000-0000-000000000000"})),
        "not_found",
    );
    assert!(err["message"].as_str().unwrap().contains("Huge ERP Test Ltd"), "lists what is available: {err}");
    assert!(status("xero-cb")["tenant"].is_null());

    let tenant = ok(op("set_tenant", json!({"connection": "xero-cb", "tenant_name": "huge erp test ltd"})));
    assert_eq!(tenant["tenant_id"], xero_sim::HUGE_TENANT_ID);
    assert_eq!(status("xero-cb")["tenant"]["tenant_name"], "Huge ERP Test Ltd");
    let connections = ok(op("connections", json!({"connection": "xero-cb"})))["connections"].clone();
    let selected: Vec<_> = connections.as_array().unwrap().iter().filter(|c| c["selected"] == true).collect();
    assert_eq!(selected.len(), 1);
    assert_eq!(selected[0]["tenant_id"], xero_sim::HUGE_TENANT_ID);

    // Signing in again (code + state this time) keeps the tenant.
    let started = ok(op("authorize_url", json!({"connection": "xero-cb"})));
    let callback = consent(started["url"].as_str().unwrap());
    ok(op(
        "authenticate",
        json!({"connection": "xero-cb", "code": query(&callback, "code"), "state": query(&callback, "state")}),
    ));
    assert_eq!(status("xero-cb")["tenant"]["tenant_id"], xero_sim::HUGE_TENANT_ID);
}

#[test]
fn a_wrong_state_is_refused_and_changes_nothing() {
    let sim = sim(sim_config(1.0));
    let dir = temp_state_dir("signin-state");
    configure(&web_config("xero-state", &dir, &sim.base_url()));
    let started = ok(op("authorize_url", json!({"connection": "xero-state"})));
    let callback = consent(started["url"].as_str().unwrap());
    let before = status("xero-state");

    let err = assert_error(
        &op("authenticate", json!({"connection": "xero-state", "code": query(&callback, "code"), "state": "forged"})),
        "auth_failed",
    );
    assert_eq!(err["path"], "state");
    assert!(err["message"].as_str().unwrap().contains("authorize_url"), "{err}");
    assert_eq!(status("xero-state"), before, "nothing changed");
    assert_eq!(sim.counters().token_grants.get("authorization_code"), None, "no code was exchanged");

    // The genuine answer still completes the sign-in it belongs to.
    ok(op("authenticate", json!({"connection": "xero-state", "callback_url": callback.as_str()})));
    // ... once: the same answer again is refused.
    let err = assert_error(
        &op("authenticate", json!({"connection": "xero-state", "callback_url": callback.as_str()})),
        "auth_failed",
    );
    assert_eq!(err["path"], "state");
}

#[test]
fn a_reused_code_is_refused_and_the_sign_in_stays() {
    let sim = sim(sim_config(1.0));
    let (_dir, _) = ready_connection("xero-reuse", &sim.base_url());
    let first = sign_in("xero-reuse");
    let before = status("xero-reuse");

    // The same code with a fresh, valid state: Xero refuses the used code.
    let started = ok(op("authorize_url", json!({"connection": "xero-reuse"})));
    let state = started["state"].as_str().unwrap();
    let err = assert_error(
        &op("authenticate", json!({"connection": "xero-reuse", "code": query(&first, "code"), "state": state})),
        "auth_failed",
    );
    assert_eq!(err["oauth_error"], "invalid_grant");
    assert!(err["message"].as_str().unwrap().contains("already used"), "{err}");
    assert_eq!(sim.counters().invalid_grant, 1);
    assert_eq!(status("xero-reuse"), before, "the stored sign-in and tenant are untouched");
    ok(op("connections", json!({"connection": "xero-reuse"})));
}

#[test]
fn a_denied_consent_is_refused_and_changes_nothing() {
    let mut config = sim_config(1.0);
    config.consent = ConsentMode::Deny;
    let sim = sim(config);
    let dir = temp_state_dir("signin-deny");
    configure(&web_config("xero-deny", &dir, &sim.base_url()));
    let started = ok(op("authorize_url", json!({"connection": "xero-deny"})));
    let callback = consent(started["url"].as_str().unwrap());
    assert_eq!(query(&callback, "error").as_deref(), Some("access_denied"));
    let before = status("xero-deny");
    let err = assert_error(
        &op("authenticate", json!({"connection": "xero-deny", "callback_url": callback.as_str()})),
        "auth_failed",
    );
    assert_eq!(err["oauth_error"], "access_denied");
    assert!(err["message"].as_str().unwrap().contains("Allow access"), "{err}");
    let after = status("xero-deny");
    assert_eq!(after["signed_in"], false);
    assert_eq!((&after["tenant"], &after["grant_type"]), (&before["tenant"], &before["grant_type"]));
    assert!(sim.counters().token_grants.is_empty());
}

#[test]
fn refused_scopes_say_what_to_change() {
    let sim = sim(sim_config(1.0));
    let dir = temp_state_dir("signin-scope");
    let mut config = web_config("xero-scope", &dir, &sim.base_url());
    config["scopes"] = json!(["offline_access", "accounting.transactions", "accounting.contacts"]);
    configure(&config);
    let started = ok(op("authorize_url", json!({"connection": "xero-scope"})));
    let callback = consent(started["url"].as_str().unwrap());
    let err = assert_error(
        &op("authenticate", json!({"connection": "xero-scope", "callback_url": callback.as_str()})),
        "auth_failed",
    );
    assert_eq!(err["oauth_error"], "invalid_scope");
    assert!(err["message"].as_str().unwrap().contains("granular"), "{err}");
}

#[test]
fn a_pkce_app_without_a_secret_signs_in() {
    let sim = sim(sim_config(1.0));
    let dir = temp_state_dir("signin-pkce");
    let mut config = web_config("xero-pkce", &dir, &sim.base_url());
    config["client_id"] = json!("sim-pkce-client");
    config.as_object_mut().unwrap().remove("client_secret");
    configure(&config);
    sign_in("xero-pkce");
    ok(op("set_tenant", json!({"connection": "xero-pkce", "tenant_id": xero_sim::DEMO_TENANT_ID})));
    assert_eq!(status("xero-pkce")["signed_in"], true);
}

#[test]
fn client_credentials_sign_in_sets_the_one_tenant() {
    let sim = sim(sim_config(1.0));
    let dir = temp_state_dir("signin-cc");
    let config = json!({
        "connection": "xero-custom",
        "client_id": "sim-custom-client",
        "client_secret": "sim-custom-secret",
        "grant_type": "client_credentials",
        "state_dir": dir,
        "endpoints": endpoints(&sim.base_url()),
    });
    configure(&config);
    assert_error(&op("authorize_url", json!({"connection": "xero-custom"})), "validation");
    let signed_in = ok(op("authenticate", json!({"connection": "xero-custom"})));
    assert_eq!(signed_in["grant_type"], "client_credentials");
    assert_eq!(signed_in["tenant"]["tenant_id"], xero_sim::DEMO_TENANT_ID);
    let s = status("xero-custom");
    assert_eq!(s["signed_in"], true);
    assert_eq!(s["tenant"]["tenant_name"], "Demo Company (AU)");
    let connections = ok(op("connections", json!({"connection": "xero-custom"})))["connections"].clone();
    assert_eq!(connections.as_array().unwrap().len(), 1);
    assert_eq!(sim.counters().token_grants.get("client_credentials"), Some(&1));
}

#[test]
fn client_credentials_refused_says_what_to_change() {
    let sim = sim(sim_config(1.0));
    let dir = temp_state_dir("signin-cc-bad");
    let config = json!({
        "connection": "xero-custom-bad",
        "client_id": "sim-custom-client",
        "client_secret": "wrong-secret",
        "grant_type": "client_credentials",
        "state_dir": dir,
        "endpoints": endpoints(&sim.base_url()),
    });
    configure(&config);
    let err = assert_error(&op("authenticate", json!({"connection": "xero-custom-bad"})), "auth_failed");
    assert_eq!(err["oauth_error"], "invalid_client");
    assert!(err["message"].as_str().unwrap().contains("client_secret"), "{err}");
    assert_eq!(status("xero-custom-bad")["signed_in"], false);
}

fn free_port() -> u16 {
    xero_link_fixtures::ports::free_loopback_port()
}

/// The consent URL of the loopback sign-in waiting on `port`, as a C host without threads learns it: from the
/// log callback, in a record logged after the `since`th and containing `marker`. Other tests' sign-ins log
/// theirs too; the redirect URI in the URL tells them apart.
fn url_from_logs(marker: &str, port: u16, since: usize, waiting: &std::thread::JoinHandle<Value>) -> String {
    let ours = [format!("127.0.0.1%3A{port}%2F"), format!("127.0.0.1:{port}/")];
    loop {
        let found = logs().iter().skip(since).filter(|l| l.contains(marker)).find_map(|l| {
            let url = &l[l.find("http://")?..];
            ours.iter().any(|o| url.contains(o.as_str())).then(|| url.to_owned())
        });
        if let Some(url) = found {
            return url;
        }
        assert!(!waiting.is_finished(), "authenticate ended before logging `{marker}`");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

fn consent_url_from_logs(port: u16, since: usize, waiting: &std::thread::JoinHandle<Value>) -> String {
    url_from_logs("open this URL in a browser", port, since, waiting)
}

/// A simulator whose default web app also registers `http://127.0.0.1:PORT/callback` on a free port (so tests
/// running at once do not share the fixed default one); the port and the URI.
fn sim_with_loopback_port(mut config: SimConfig) -> (SimHandle, u16, String) {
    let port = free_port();
    let redirect = format!("http://127.0.0.1:{port}/callback");
    config.apps[0].redirect_uris.push(redirect.clone());
    (sim(config), port, redirect)
}

#[test]
fn loopback_sign_in_with_the_simulators_default_app() {
    // The default simulator registers a fixed-port loopback redirect URI for its default apps: nothing to add.
    let redirect = xero_sim::LOOPBACK_REDIRECT_URI;
    let port = url::Url::parse(redirect).unwrap().port().unwrap();
    let sim = sim(sim_config(1.0));
    let dir = temp_state_dir("signin-loopback");
    let mut config = web_config("xero-loopback", &dir, &sim.base_url());
    config["redirect_uri"] = json!(redirect);
    configure(&config);
    let _logs = capture_logs();

    let waiting = std::thread::spawn(|| {
        op("authenticate", json!({"connection": "xero-loopback", "loopback": {"timeout_ms": 20000}}))
    });
    let url = consent_url_from_logs(port, 0, &waiting);
    let back = consent(&url);
    assert_eq!(back.port(), Some(port));
    // A stray request to the listener does not end the wait.
    let stray = browser().get(format!("http://127.0.0.1:{port}/favicon.ico")).send().unwrap();
    assert_eq!(stray.status().as_u16(), 404);
    let page = browser().get(back.as_str()).send().unwrap();
    assert_eq!(page.status().as_u16(), 200);
    assert!(page.text().unwrap().contains("Signed in to Xero"));
    let answer = waiting.join().unwrap();
    assert_eq!(ok(answer)["grant_type"], "authorization_code");
    assert_eq!(status("xero-loopback")["signed_in"], true);
}

#[test]
fn a_browser_that_cannot_be_opened_leaves_the_url_to_open_by_hand() {
    let (sim, port, redirect) = sim_with_loopback_port(sim_config(1.0));
    let dir = temp_state_dir("signin-open-fails");
    let mut config = web_config("xero-open-fails", &dir, &sim.base_url());
    config["redirect_uri"] = json!(redirect);
    configure(&config);
    let _logs = capture_logs();
    let authorize = format!("{}/identity/connect/authorize?", sim.base_url());

    // The command cannot be started: the timeout says so, and why, and gives the URL.
    let missing = "/nonexistent/xero-link-test-browser";
    let err = assert_error(
        &op(
            "authenticate",
            json!({"connection": "xero-open-fails", "loopback": {"timeout_ms": 300, "open_command": [missing]}}),
        ),
        "timeout",
    );
    let message = err["message"].as_str().unwrap();
    assert!(message.contains("the browser could not be opened"), "{message}");
    assert!(message.contains(&format!("`{missing}` could not be started")), "{message}");
    assert!(message.contains("No such file"), "{message}");
    let url = err["consent_url"].as_str().unwrap();
    assert!(url.starts_with(&authorize) && message.ends_with(url), "{err}");
    assert_eq!(err["path"], "loopback.open_command");
    assert!(err["open_command_error"].as_str().unwrap().contains("could not be started"), "{err}");
    // ... and the warning logged at once carries the URL too.
    assert!(logs().iter().any(|l| l.contains("the browser could not be opened") && l.contains(url)));

    // The command starts but fails (as xdg-open does without a desktop): its exit status is named.
    let err = assert_error(
        &op(
            "authenticate",
            json!({"connection": "xero-open-fails", "loopback": {"timeout_ms": 1500, "open_command": ["false"]}}),
        ),
        "timeout",
    );
    let message = err["message"].as_str().unwrap();
    assert!(message.contains("the browser could not be opened (open_command `false` exited with exit status: 1)"));
    assert!(message.contains(err["consent_url"].as_str().unwrap()), "{message}");
    assert_eq!(status("xero-open-fails")["signed_in"], false);

    // The listener keeps waiting after the failure: the URL opened by hand completes the sign-in.
    let since = logs().len();
    let waiting = std::thread::spawn(|| {
        op(
            "authenticate",
            json!({"connection": "xero-open-fails", "loopback": {"timeout_ms": 20000, "open_command": ["false"]}}),
        )
    });
    let url = url_from_logs("the browser could not be opened", port, since, &waiting);
    let page = browser().get(consent(&url).as_str()).send().unwrap();
    assert_eq!(page.status().as_u16(), 200);
    assert_eq!(ok(waiting.join().unwrap())["grant_type"], "authorization_code");
    assert_eq!(status("xero-open-fails")["signed_in"], true);
}

/// Runs one loopback sign-in of `name` on `port`, consenting on the simulator's consent page with `tenants`
/// ticked; returns the text of the page the browser is shown.
fn loopback_round(sim: &SimHandle, name: &'static str, port: u16, tenants: &[&str]) -> String {
    let since = logs().len();
    let waiting =
        std::thread::spawn(move || op("authenticate", json!({"connection": name, "loopback": {"timeout_ms": 20000}})));
    let url = consent_url_from_logs(port, since, &waiting);
    let html = browser().get(&url).send().unwrap().text().unwrap();
    let marker = "name=\"request\" value=\"";
    let start = html.find(marker).expect("the consent page") + marker.len();
    let request = &html[start..start + html[start..].find('"').unwrap()];
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    form.append_pair("request", request).append_pair("action", "allow");
    for tenant in tenants {
        form.append_pair("tenant", tenant);
    }
    let allowed = browser()
        .post(format!("{}/identity/connect/consent", sim.base_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.finish())
        .send()
        .unwrap();
    assert_eq!(allowed.status().as_u16(), 302);
    let back = allowed.headers()["location"].to_str().unwrap().to_owned();
    let page = browser().get(back).send().unwrap();
    assert_eq!(page.status().as_u16(), 200);
    let text = page.text().unwrap();
    ok(waiting.join().unwrap());
    text
}

#[test]
fn the_page_after_sign_in_says_what_comes_next() {
    let (sim, port, redirect) = sim_with_loopback_port(SimConfig { consent: ConsentMode::Page, ..sim_config(1.0) });
    let dir = temp_state_dir("signin-page");
    let mut config = web_config("xero-page", &dir, &sim.base_url());
    config["redirect_uri"] = json!(redirect);
    configure(&config);
    let _logs = capture_logs();
    let (huge, demo) = (xero_sim::HUGE_TENANT_ID, xero_sim::DEMO_TENANT_ID);

    // No organisation chosen yet: signed in, but not linked; the page says what to do next.
    let page = loopback_round(&sim, "xero-page", port, &[huge, demo]);
    assert!(page.contains("<title>Signed in to Xero</title>"), "{page}");
    assert!(page.contains("Return to the ERP and choose the organisation (Set Xero Tenant)"), "{page}");
    assert!(!page.contains("now connected"), "{page}");

    // Chosen, and connected again in this sign-in: ready.
    ok(op("set_tenant", json!({"connection": "xero-page", "tenant_name": "Huge ERP Test Ltd"})));
    let page = loopback_round(&sim, "xero-page", port, &[huge]);
    assert!(page.contains("The ERP is ready: it sends its records to the organisation Huge ERP Test Ltd"), "{page}");
    assert!(!page.contains("choose the organisation"), "{page}");

    // Chosen before, but disconnected and left out on the consent screen this time: choose again.
    assert_eq!(sim.revoke_connection(huge, None), 1);
    let page = loopback_round(&sim, "xero-page", port, &[demo]);
    assert!(page.contains("the organisation Huge ERP Test Ltd chosen before is no longer connected"), "{page}");
    assert!(page.contains("choose the organisation (Set Xero Tenant)"), "{page}");
    assert!(!page.contains("ready"), "{page}");
}

#[test]
fn a_loopback_redirect_uri_with_port_0_is_refused_at_configure() {
    // Port 0 would be sent to Xero as is; Xero sends the browser back only to a registered URI, exactly.
    let dir = temp_state_dir("signin-port0");
    let mut config = web_config("xero-port0", &dir, "http://127.0.0.1:9");
    config["redirect_uri"] = json!("http://127.0.0.1:0/callback");
    let err = assert_error(&op("configure", config), "validation");
    assert_eq!(err["path"], "redirect_uri");
    let message = err["message"].as_str().unwrap();
    assert!(message.contains("Xero matches redirect URIs exactly, port included"), "{message}");
    assert!(message.contains("fixed port registered with the app"), "{message}");
    assert_error(&op("status", json!({"connection": "xero-port0"})), "not_configured");
}

#[test]
fn loopback_gives_up_after_its_timeout() {
    let port = free_port();
    let sim = sim(sim_config(1.0));
    let dir = temp_state_dir("signin-loopback-timeout");
    let mut config = web_config("xero-loopback-t", &dir, &sim.base_url());
    config["redirect_uri"] = json!(format!("http://127.0.0.1:{port}/callback"));
    configure(&config);
    let err = assert_error(
        &op("authenticate", json!({"connection": "xero-loopback-t", "loopback": {"timeout_ms": 200}})),
        "timeout",
    );
    assert!(err["message"].as_str().unwrap().contains(&port.to_string()));
    // A redirect URI that is not loopback cannot be listened on.
    configure(&web_config("xero-loopback-t", &dir, &sim.base_url()));
    let err = assert_error(
        &op("authenticate", json!({"connection": "xero-loopback-t", "loopback": {"timeout_ms": 200}})),
        "validation",
    );
    assert_eq!(err["path"], "redirect_uri");
}

#[test]
fn disconnect_removes_the_connection_at_xero_and_forgets_the_sign_in() {
    let sim = sim(sim_config(1.0));
    let (_dir, _) = ready_connection("xero-disc", &sim.base_url());
    assert_eq!(sim.connections().iter().filter(|c| c.client_id == WEB_CLIENT).count(), 2);
    let out = ok(op("disconnect", json!({"connection": "xero-disc"})));
    assert_eq!(out["removed_at_xero"], true);
    assert_eq!(out["revoked"], false, "another organisation stays connected");
    let left: Vec<_> = sim.connections().into_iter().filter(|c| c.client_id == WEB_CLIENT).collect();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].tenant_id, xero_sim::DEMO_TENANT_ID);
    let s = status("xero-disc");
    assert_eq!((s["signed_in"].clone(), s["tenant"].clone()), (json!(false), json!(null)));
    assert_error(&op("connections", json!({"connection": "xero-disc"})), "not_authenticated");

    // The only organisation of a sign-in: its connection removed and the refresh token revoked.
    let mut config = sim_config(1.0);
    config.consent_tenants = Some(vec![xero_sim::HUGE_TENANT_ID.to_owned()]);
    let sim = auth::sim(config);
    let (_dir, _) = ready_connection("xero-disc-last", &sim.base_url());
    let out = ok(op("disconnect", json!({"connection": "xero-disc-last"})));
    assert_eq!((out["removed_at_xero"].clone(), out["revoked"].clone()), (json!(true), json!(true)));
    assert_eq!(sim.connections().len(), 0);
    assert_eq!(status("xero-disc-last")["signed_in"], false);
}

#[test]
fn bad_requests_are_refused_with_their_field() {
    let sim = sim(sim_config(1.0));
    let dir = temp_state_dir("signin-bad");
    configure(&web_config("xero-bad", &dir, &sim.base_url()));
    assert_error(&op("authenticate", json!({"connection": "xero-bad", "callback_url": "not a url"})), "bad_request");
    let err = assert_error(
        &op("authenticate", json!({"connection": "xero-bad", "callback_url": "https://erp.example.com/cb?x=1"})),
        "bad_request",
    );
    assert_eq!(err["path"], "callback_url");
    assert_error(
        &op(
            "authenticate",
            json!({"connection": "xero-bad", "code": "c", "callback_url": "https://x/?code=1&state=2"}),
        ),
        "bad_request",
    );
    assert_error(&op("authenticate", json!({"connection": "xero-bad"})), "bad_request");
    assert_error(&op("set_tenant", json!({"connection": "xero-bad"})), "bad_request");
    assert_error(&op("authorize_url", json!({"connection": "nope"})), "not_configured");
    assert_error(&op("status", json!({"connection": "xero-bad", "extra": 1})), "bad_request");
}
