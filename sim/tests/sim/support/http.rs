//! Helpers of the tests over HTTP: an in-process simulator and a blocking HTTP client.

use std::time::Duration;

use reqwest::blocking::{Client, Response};
use serde_json::Value;
use xero_sim::{SimConfig, SimHandle};

pub const REDIRECT: &str = "http://127.0.0.1/callback";
pub const SCOPES: &str = "openid profile email offline_access accounting.invoices accounting.contacts";
pub const VERIFIER: &str = "dBjftJeZ4CVP-mJ92K9Xa1nT_sim_verifier_0123456789abcdef";

pub fn client() -> Client {
    // reqwest may be built without a crypto provider (the workspace's `rustls-no-provider`): ring it is.
    let _ = rustls::crypto::ring::default_provider().install_default();
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .expect("a client")
}

pub fn start(cfg: SimConfig) -> SimHandle {
    xero_sim::start(cfg).expect("the simulator starts")
}

pub fn start_default() -> SimHandle {
    start(SimConfig::default())
}

/// Query pairs of a URL.
pub fn query_of(url: &str) -> Vec<(String, String)> {
    url::Url::parse(url).expect("a URL").query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

pub fn param(pairs: &[(String, String)], name: &str) -> Option<String> {
    pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
}

pub fn authorize_url(
    base: &str,
    client_id: &str,
    redirect: &str,
    scope: &str,
    state: &str,
    challenge: Option<&str>,
) -> String {
    let mut u = url::Url::parse(&format!("{base}/identity/connect/authorize")).unwrap();
    {
        let mut q = u.query_pairs_mut();
        q.append_pair("response_type", "code")
            .append_pair("client_id", client_id)
            .append_pair("redirect_uri", redirect)
            .append_pair("scope", scope)
            .append_pair("state", state);
        if let Some(c) = challenge {
            q.append_pair("code_challenge", c).append_pair("code_challenge_method", "S256");
        }
    }
    u.to_string()
}

/// Runs the authorize step (auto consent) and returns the redirect's query pairs.
pub fn authorize(
    c: &Client,
    base: &str,
    client_id: &str,
    scope: &str,
    challenge: Option<&str>,
) -> Vec<(String, String)> {
    let r = c.get(authorize_url(base, client_id, REDIRECT, scope, "st-1", challenge)).send().unwrap();
    assert_eq!(r.status(), 302, "authorize should redirect");
    let loc = r.headers()["location"].to_str().unwrap().to_string();
    assert!(loc.starts_with(REDIRECT), "{loc}");
    query_of(&loc)
}

pub fn code(c: &Client, base: &str, client_id: &str, scope: &str, challenge: Option<&str>) -> String {
    param(&authorize(c, base, client_id, scope, challenge), "code").expect("a code")
}

pub fn token_request(c: &Client, base: &str, basic: Option<(&str, &str)>, form: &[(&str, &str)]) -> Response {
    let mut rb = c.post(format!("{base}/connect/token")).form(form);
    if let Some((id, secret)) = basic {
        rb = rb.basic_auth(id, Some(secret));
    }
    rb.send().unwrap()
}

/// Signs in with `sim-client` (Basic auth, PKCE) and returns the token response.
pub fn login(c: &Client, base: &str) -> Value {
    login_scoped(c, base, SCOPES)
}

/// Like [`login`], asking for these scopes.
pub fn login_scoped(c: &Client, base: &str, scope: &str) -> Value {
    let challenge = xero_sim::pkce_challenge(VERIFIER);
    let code = code(c, base, "sim-client", scope, Some(&challenge));
    let r = token_request(
        c,
        base,
        Some(("sim-client", "sim-secret")),
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
        ],
    );
    assert_eq!(r.status(), 200);
    r.json().unwrap()
}

pub fn access(tokens: &Value) -> String {
    tokens["access_token"].as_str().expect("an access token").to_string()
}

pub fn refresh(c: &Client, base: &str, refresh_token: &str) -> Response {
    token_request(
        c,
        base,
        Some(("sim-client", "sim-secret")),
        &[("grant_type", "refresh_token"), ("refresh_token", refresh_token)],
    )
}

/// A client-credentials token of `sim-custom-client`.
pub fn custom_token(c: &Client, base: &str) -> String {
    let r = token_request(
        c,
        base,
        Some(("sim-custom-client", "sim-custom-secret")),
        &[("grant_type", "client_credentials")],
    );
    assert_eq!(r.status(), 200);
    let v: Value = r.json().unwrap();
    access(&v)
}

pub fn api(
    c: &Client,
    base: &str,
    method: &str,
    path: &str,
    token: &str,
    tenant: Option<&str>,
) -> reqwest::blocking::RequestBuilder {
    let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut rb = c.request(m, format!("{base}/api.xro/2.0{path}")).bearer_auth(token);
    if let Some(t) = tenant {
        rb = rb.header("xero-tenant-id", t);
    }
    rb
}

pub fn header(r: &Response, name: &str) -> Option<String> {
    r.headers().get(name).map(|v| v.to_str().unwrap().to_string())
}

/// The JWT payload of an access token.
pub fn jwt_payload(token: &str) -> Value {
    use base64::Engine;
    let part = token.split('.').nth(1).expect("a JWT-shaped token");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(part).unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

/// A valid ACCREC invoice against the seeded chart (account 200, tax OUTPUT); the contact is created by name.
pub const INVOICE: &str = r#"{"Invoices":[{"Type":"ACCREC","Contact":{"Name":"Test Co"},"Date":"2026-11-26","LineItems":[{"Description":"x","Quantity":1,"UnitAmount":10,"AccountCode":"200","TaxType":"OUTPUT"}]}]}"#;

/// What a tenant has stored under `key` (`Invoices`, `Contacts`, ...), read from the simulator's snapshot.
pub fn stored(sim: &SimHandle, tenant: &str, key: &str) -> Vec<Value> {
    sim.snapshot(tenant).expect("a known tenant")[key]
        .as_array()
        .unwrap_or_else(|| panic!("snapshot {key} is an array"))
        .clone()
}
