//! The Xero side of the model-based push test: a simulator with one organisation, the library's connection to it
//! (signed in through the callback way), and what can happen to them between two pushes: faults armed for the
//! next requests, a restart of the host process, the loss of the push ledger, and changes made in Xero by hand.

use crate::support::auth::{browser, ok};
use crate::support::common::{call, call_c, temp_state_dir};
use crate::support::e2e::{self, PushFn};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use xero_sim::{FaultKind, FaultSpec, SimHandle};

/// A push's deadline while a fault is armed: long enough for a retry or two, short enough that a fault outlasting
/// the transport's retries ends the push within a second or so instead of its backoff running for several.
const DEADLINE_WITH_FAULTS_MS: u64 = 3_000;

pub struct Xero {
    pub sim: SimHandle,
    pub tenant: String,
    /// The connection's name, new for every sequence (connections are process-wide).
    pub name: String,
    /// The connection's configuration but for `state_dir`.
    config: Value,
    /// Where the state (sign-in and ledger) is, as the current "process" was configured with it.
    state_dir: PathBuf,
    /// Holds the links each restart configures the same state through.
    links: PathBuf,
    restarts: u32,
}

impl Xero {
    /// A simulator (time ×60, limits off) and a connection signed in to its organisation.
    pub fn start() -> Xero {
        static SEQUENCE: AtomicU64 = AtomicU64::new(0);
        let (sim, tenant) = e2e::simulator(60.0, false);
        let name = format!("xero-model-{}", SEQUENCE.fetch_add(1, Ordering::Relaxed));
        let patch = json!({"timeouts": {"connect_ms": 2000, "request_ms": 5000, "default_deadline_ms": 30000}});
        let state_dir = e2e::ready(&name, &sim, patch.clone());
        let config = e2e::config(&name, &sim, &state_dir, patch);
        Xero { sim, tenant, name, config, state_dir, links: temp_state_dir("model-links"), restarts: 0 }
    }

    fn configure(&self, state_dir: &std::path::Path) {
        let mut config = self.config.clone();
        config["state_dir"] = json!(state_dir);
        ok(call("configure", &config.to_string()));
    }

    /// What a new host process sees: the same state configured afresh. The library keeps what a process learnt
    /// (the connection's tokens in memory, its open database, cached reference data) per state directory path,
    /// and a configuration equal to the current one changes nothing; so the state is configured through a new
    /// symbolic link to the same directory: the library opens the database again, reads the tokens and the
    /// tenant from it, and reads reference data from Xero, as a new process would. What stays is process-wide
    /// and no host can reset it: pacing per organisation, and the idempotency keys whose answers came back.
    pub fn restart(&mut self) {
        self.restarts += 1;
        let link = self.links.join(format!("process-{}", self.restarts));
        std::os::unix::fs::symlink(&self.state_dir, &link).expect("a link to the state directory");
        self.configure(&link);
        self.state_dir = link;
    }

    /// The push ledger is lost as a host loses it: the connection moves to a new state directory (another machine,
    /// or a state directory restored without its database) with the same sign-in, carried over by `export_state`
    /// and `import_state`. Xero keeps everything, and the library must find it there instead of writing it again.
    pub fn lose_ledger(&mut self) {
        let exported = ok(call("export_state", &json!({"connection": self.name}).to_string()));
        let moved = temp_state_dir("model-moved");
        self.configure(&moved);
        ok(call("import_state", &json!({"connection": self.name, "state": exported}).to_string()));
        self.state_dir = moved;
    }

    /// Calls a push function with `request` (which gets the connection); the whole envelope.
    pub fn push(&self, f: PushFn, mut request: Value) -> Value {
        request["connection"] = json!(self.name);
        if self.faults_armed() {
            request["deadline_ms"] = json!(DEADLINE_WITH_FAULTS_MS);
        }
        call_c(f, &request.to_string())
    }

    /// The next `count` requests matching `method` (any when `None`) and `path` fail with `kind`.
    pub fn arm(&self, kind: FaultKind, method: Option<&str>, path: &str, count: u32) {
        let mut spec = FaultSpec::next(method.unwrap_or("GET"), path, kind, count);
        spec.method = method.map(str::to_owned);
        // A 429 says to wait no time: the transport honours it at once, and the test spends no second on it.
        spec.retry_after_secs = Some(0);
        self.sim.add_fault(spec);
    }

    /// Whether an armed fault has not fired yet as often as it was armed for.
    pub fn faults_armed(&self) -> bool {
        self.sim.faults().iter().any(|f| f.spec.count.is_some_and(|c| f.fired < u64::from(c)))
    }

    /// How often armed faults fired, in all.
    pub fn fired(&self) -> u64 {
        self.sim.faults().iter().map(|f| f.fired).sum()
    }

    /// Every fault gone, and Xero done with what it was given.
    pub fn calm(&self) {
        self.sim.clear_faults();
        e2e::wait_idle(&self.sim, &self.tenant);
    }

    pub fn snapshot(&self) -> Value {
        self.sim.snapshot(&self.tenant).expect("the organisation exists")
    }

    /// Accounting API calls Xero received.
    pub fn api_calls(&self) -> u64 {
        e2e::api_calls(&self.sim)
    }

    /// A change a person makes in Xero (another app: the simulator's custom connection to this organisation),
    /// with the armed faults set aside meanwhile: they are for the library's requests. `Err`: Xero's refusal.
    pub fn by_hand(&self, method: &str, path: &str, body: Value) -> Result<Value, String> {
        let armed = self.sim.faults();
        self.sim.clear_faults();
        let answer = self.send_by_hand(method, path, body);
        for rule in armed {
            let left = rule.spec.count.map(|c| u64::from(c).saturating_sub(rule.fired));
            if left != Some(0) {
                let mut spec = rule.spec.clone();
                spec.count = left.map(|n| n as u32);
                self.sim.add_fault(spec);
            }
        }
        answer
    }

    fn send_by_hand(&self, method: &str, path: &str, body: Value) -> Result<Value, String> {
        let client = browser();
        let token: Value = client
            .post(format!("{}/connect/token", self.sim.base_url()))
            .basic_auth("sim-custom-client", Some("sim-custom-secret"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("grant_type=client_credentials")
            .send()
            .and_then(|r| r.bytes())
            .map(|b| serde_json::from_slice(&b).unwrap_or(Value::Null))
            .expect("a token for the custom connection");
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let response = client
            .request(method, format!("{}/api.xro/2.0{path}", self.sim.base_url()))
            .bearer_auth(token["access_token"].as_str().expect("an access token"))
            .header("xero-tenant-id", &self.tenant)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .expect("the simulator answers");
        let status = response.status().as_u16();
        let text = response.text().unwrap_or_default();
        match status {
            200 => Ok(serde_json::from_str(&text).unwrap_or(Value::Null)),
            _ => Err(format!("HTTP {status}: {text}")),
        }
    }
}
