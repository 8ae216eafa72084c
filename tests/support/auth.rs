//! Helpers of the sign-in tests: a simulator, connection configs pointing at it, a browser that follows Xero's
//! consent redirect by hand, log capture through the C callback, the record a state_dir holds.

use crate::support::common::{call, error_code, temp_state_dir};
use crate::support::process::{Alone, alone};
use serde_json::{Value, json};
use std::ffi::{CStr, c_char, c_void};
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use xero_sim::{SimConfig, SimHandle};

pub const WEB_CLIENT: &str = "sim-client";
pub const WEB_SECRET: &str = "sim-secret";
pub const ERP_REDIRECT: &str = "https://erp.example.com/csp/sys/oauth2/OAuth2.Response.cls";

/// Seconds of Xero time per real second: 1800 s access tokens last 3 real seconds (a whole number, as the
/// simulator rounds `expires_in` up).
pub const FAST: f64 = 600.0;

pub fn sim(config: SimConfig) -> SimHandle {
    xero_sim::start(config).expect("the simulator starts")
}

/// A simulator without rate limits (these tests count refreshes, not pacing), at `time_scale`.
pub fn sim_config(time_scale: f64) -> SimConfig {
    let mut c = SimConfig { time_scale, ..SimConfig::default() };
    c.limits.enabled = false;
    // The tests sign in at full speed: the code's 5 Xero minutes are half a second at 600x, less than one
    // sign-in takes on a loaded 2-core machine; 30 real seconds keeps them about tokens, not the code's clock.
    c.lifetimes.code_secs = (30.0 * time_scale) as u64;
    c
}

pub fn endpoints(base: &str) -> Value {
    json!({
        "authorize": format!("{base}/identity/connect/authorize"),
        "token": format!("{base}/connect/token"),
        "revocation": format!("{base}/connect/revocation"),
        "connections": format!("{base}/connections"),
        "accounting": format!("{base}/api.xro/2.0"),
    })
}

/// A web-app connection (authorization code with a secret) against the simulator at `base`.
pub fn web_config(name: &str, dir: &Path, base: &str) -> Value {
    json!({
        "connection": name,
        "client_id": WEB_CLIENT,
        "client_secret": WEB_SECRET,
        "redirect_uri": ERP_REDIRECT,
        "state_dir": dir,
        "endpoints": endpoints(base),
        "timeouts": {"connect_ms": 2000, "request_ms": 5000, "default_deadline_ms": 30000},
    })
}

pub fn ok(answer: Value) -> Value {
    assert_eq!(answer["ok"], true, "expected success, got {answer}");
    answer["result"].clone()
}

pub fn configure(config: &Value) -> Value {
    ok(op("configure", config.clone()))
}

pub fn op(name: &str, request: Value) -> Value {
    call(name, &request.to_string())
}

/// A client that never follows redirects, as a test browser.
pub fn browser() -> reqwest::blocking::Client {
    xero_link::transport::client::install_tls_provider();
    reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

/// Opens the consent URL (the simulator consents at once) and returns where Xero sends the browser back.
pub fn consent(url: &str) -> url::Url {
    let response = browser().get(url).send().expect("the authorize endpoint answers");
    assert_eq!(response.status().as_u16(), 302, "authorize should redirect: {:?}", response.text());
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    url::Url::parse(&location).unwrap()
}

pub fn query(url: &url::Url, name: &str) -> Option<String> {
    url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

/// Signs `name` in through the callback way; returns the callback URL used.
pub fn sign_in(name: &str) -> url::Url {
    let started = ok(op("authorize_url", json!({"connection": name})));
    let callback = consent(started["url"].as_str().unwrap());
    ok(op("authenticate", json!({"connection": name, "callback_url": callback.as_str()})));
    callback
}

pub fn status(name: &str) -> Value {
    ok(op("status", json!({"connection": name})))
}

/// `threads` threads calling `connections` on `name` for `seconds` (each call may need a refresh); the calls made.
pub fn hammer_connections(name: &str, threads: usize, seconds: u64) -> u64 {
    let until = Instant::now() + Duration::from_secs(seconds);
    let threads: Vec<_> = (0..threads)
        .map(|_| {
            let name = name.to_owned();
            std::thread::spawn(move || {
                let mut calls = 0u64;
                while Instant::now() < until {
                    ok(op("connections", json!({"connection": name})));
                    calls += 1;
                }
                calls
            })
        })
        .collect();
    threads.into_iter().map(|t| t.join().unwrap()).sum()
}

/// What a new process sees of a connection signed in and given its tenant by an earlier one: signed in, the
/// Huge ERP tenant, selected among the connections.
pub fn assert_signed_in_with_the_tenant(name: &str) {
    let s = status(name);
    assert_eq!(s["signed_in"], true);
    assert_eq!(s["tenant"]["tenant_id"], xero_sim::HUGE_TENANT_ID);
    assert_eq!(s["tenant"]["tenant_name"], "Huge ERP Test Ltd");
    let connections = ok(op("connections", json!({"connection": name})))["connections"].clone();
    assert!(connections.as_array().unwrap().iter().any(|c| c["selected"] == true));
}

/// A configured, signed-in connection with its tenant set, in a fresh state_dir.
pub fn ready_connection(name: &str, base: &str) -> (std::path::PathBuf, Value) {
    let dir = temp_state_dir(name);
    let config = web_config(name, &dir, base);
    configure(&config);
    sign_in(name);
    ok(op("set_tenant", json!({"connection": name, "tenant_name": "Huge ERP Test Ltd"})));
    (dir, config)
}

pub fn assert_error(answer: &Value, code: &str) -> Value {
    assert_eq!(error_code(answer), code, "{answer}");
    answer["error"].clone()
}

// ----- log capture -----

pub static LOGS: Mutex<Vec<String>> = Mutex::new(Vec::new());

unsafe extern "C" fn capture(_: *mut c_void, level: i32, target: *const c_char, message: *const c_char) {
    let target = unsafe { CStr::from_ptr(target) }.to_string_lossy().into_owned();
    let message = unsafe { CStr::from_ptr(message) }.to_string_lossy().into_owned();
    LOGS.lock().unwrap().push(format!("{level} {target} {message}"));
}

/// Sends every log record (down to trace) to [`LOGS`] until the returned guard is dropped: the callback is
/// process-wide, so the calling test holds the process ([`alone`]) meanwhile.
#[must_use = "the log records are captured while the guard is held"]
pub fn capture_logs() -> Alone {
    let alone = alone();
    assert_eq!(unsafe { xero_link::ffi::xero_set_log_callback(Some(capture), std::ptr::null_mut()) }, 0);
    ok(op("set_log_level", json!({"level": "trace"})));
    alone
}

pub fn logs() -> Vec<String> {
    LOGS.lock().unwrap().clone()
}

// ----- the record in state_dir's database -----

/// A connection's record as stored in `dir`'s database.
pub fn stored_record(dir: &Path, connection: &str) -> Value {
    let db = rusqlite::Connection::open(dir.join("xero-link.sqlite3")).unwrap();
    let text: String =
        db.query_row("SELECT record FROM auth_state WHERE connection = ?1", [connection], |r| r.get(0)).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Replaces a connection's record in `dir`'s database as another writer would (a new revision).
pub fn store_record(dir: &Path, connection: &str, record: &Value) {
    let db = rusqlite::Connection::open(dir.join("xero-link.sqlite3")).unwrap();
    db.busy_timeout(Duration::from_secs(30)).unwrap();
    let changed = db
        .execute(
            "UPDATE auth_state SET record = ?2, revision = revision + 1 WHERE connection = ?1",
            rusqlite::params![connection, record.to_string()],
        )
        .unwrap();
    assert_eq!(changed, 1);
}
