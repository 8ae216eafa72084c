//! Helpers of the transport tests: a simulator with a scaled clock, a connection configured for it, and a
//! token source that gets client-credentials tokens straight from the simulator's token endpoint.

use parking_lot::Mutex;
use serde_json::{Value, json};
use std::sync::atomic::{AtomicU32, Ordering};
use xero_link::auth::TokenSource;
use xero_link::config::Config;
use xero_link::deadline::Deadline;
use xero_link::error::{Error, ErrorCode, Result};
use xero_link::secret::Secret;
use xero_link::transport::{self, ApiCall, ApiResponse, CallError, Target};
use xero_sim::{AppConfig, DEMO_TENANT_ID, SimConfig, SimHandle};

/// The simulator runs 60 times faster than real time: Xero's minute is one second.
pub const TIME_SCALE: f64 = 60.0;
pub const MINUTE_MS: u64 = 1000;
pub const TENANT: &str = DEMO_TENANT_ID;
pub const SECRET: &str = "custom-secret-DO-NOT-LEAK-7f3a9";

/// A simulator whose only app is a custom connection `app` (each test its own app: the pacer's books are
/// process-wide, per app and organisation).
pub fn start_sim(app: &str) -> SimHandle {
    let config = SimConfig {
        time_scale: TIME_SCALE,
        apps: vec![AppConfig {
            client_id: app.to_owned(),
            client_secret: Some(SECRET.to_owned()),
            ..AppConfig::default_custom()
        }],
        worker_threads: 2,
        ..SimConfig::default()
    };
    xero_sim::start(config).expect("the simulator starts")
}

/// A connection of `app` pointing at the simulator, with Xero's real limits on a one-second minute.
pub fn config(sim_base: &str, app: &str, extra: Value) -> Config {
    let dir = std::env::temp_dir().join(format!("xero-link-transport-{app}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut value = json!({
        "connection": format!("xero-{app}"),
        "client_id": app,
        "client_secret": SECRET,
        "grant_type": "client_credentials",
        "state_dir": dir,
        "endpoints": crate::support::auth::endpoints(sim_base),
        "limits": {"minute_ms": MINUTE_MS},
    });
    if let (Value::Object(base), Value::Object(extra)) = (&mut value, extra) {
        for (k, v) in extra {
            base.insert(k, v);
        }
    }
    Config::from_value(value).expect("a valid test configuration")
}

/// Client-credentials tokens from the simulator; remembers every token it handed out (to scan for leaks).
pub struct SimTokens {
    config: Config,
    current: Mutex<Option<Secret>>,
    pub issued: Mutex<Vec<String>>,
    pub refreshes: AtomicU32,
}

impl SimTokens {
    pub fn new(config: &Config) -> SimTokens {
        SimTokens {
            config: config.clone(),
            current: Mutex::new(None),
            issued: Mutex::new(Vec::new()),
            refreshes: AtomicU32::new(0),
        }
    }

    fn fetch(&self) -> Result<Secret> {
        let client = transport::client(&self.config.timeouts)?;
        let secret = self.config.client_secret.as_ref().expect("a secret").expose().to_owned();
        let response = client
            .post(self.config.endpoints.token.clone())
            .basic_auth(&self.config.client_id, Some(secret))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body("grant_type=client_credentials")
            .send()
            .map_err(|e| Error::new(ErrorCode::Network, format!("token endpoint: {}", e.without_url())))?;
        let status = response.status();
        let body: Value = serde_json::from_slice(&response.bytes().unwrap_or_default()).unwrap_or(Value::Null);
        let token = body["access_token"]
            .as_str()
            .ok_or_else(|| Error::new(ErrorCode::AuthFailed, format!("token endpoint answered {status}")))?;
        self.issued.lock().push(token.to_owned());
        Ok(Secret::new(token))
    }
}

impl TokenSource for SimTokens {
    fn access_token(&self, _deadline: Deadline) -> Result<Secret> {
        let mut current = self.current.lock();
        if let Some(token) = current.as_ref() {
            return Ok(token.clone());
        }
        let token = self.fetch()?;
        *current = Some(token.clone());
        Ok(token)
    }

    fn refresh_after_rejection(&self, rejected: &Secret, _deadline: Deadline) -> Result<Secret> {
        let mut current = self.current.lock();
        if let Some(token) = current.as_ref().filter(|t| *t != rejected) {
            return Ok(token.clone());
        }
        self.refreshes.fetch_add(1, Ordering::Relaxed);
        let token = self.fetch()?;
        *current = Some(token.clone());
        Ok(token)
    }
}

/// `PUT /Contacts` creating one contact named `name`, with an Idempotency-Key when `keyed`.
pub fn create_contact(name: &str, keyed: bool) -> ApiCall {
    let body = serde_json::to_vec(&json!({"Contacts": [{"Name": name}]})).unwrap();
    let idempotency_key =
        keyed.then(|| format!("test-create-contact-{}", name.bytes().map(|b| format!("{b:02x}")).collect::<String>()));
    ApiCall { method: http::Method::PUT, path: "/Contacts".into(), query: vec![], body: Some(body), idempotency_key }
}

pub fn get(path: &str) -> ApiCall {
    ApiCall { method: http::Method::GET, path: path.into(), query: vec![], body: None, idempotency_key: None }
}

pub fn send(config: &Config, tokens: &SimTokens, call: &ApiCall, deadline_ms: u64) -> Result<ApiResponse, CallError> {
    let target = Target { config, tenant_id: Some(TENANT), tokens };
    transport::send(&target, call, Deadline::after_ms(deadline_ms))
}

/// How many contacts named `name` the simulated organisation holds.
pub fn contacts_named(sim: &SimHandle, name: &str) -> usize {
    let snapshot = sim.snapshot(TENANT).expect("the organisation exists");
    snapshot["Contacts"].as_array().unwrap().iter().filter(|c| c["Name"] == name).count()
}

pub fn counter(map: &std::collections::BTreeMap<String, u64>, key: &str) -> u64 {
    map.get(key).copied().unwrap_or(0)
}
