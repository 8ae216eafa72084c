//! xero-sim: a local, stateful stand-in for Xero's identity server, connections and Accounting API.
//!
//! Module ownership (keep to it):
//! - `accounting/`: the Accounting API's domain: per-organisation state, validation, totals, responses
//!   (pure: no HTTP, no threads). Entry point [`accounting::handle`].
//! - everything else: the HTTP server, identity (OAuth 2.0), connections, rate limits, idempotency, faults,
//!   the control endpoint, the clock, the binary.
//!
//! Start one in-process with [`start`]; it listens on a loopback address only.

pub mod accounting;
mod clock;
pub mod config;
mod control;
pub mod faults;
mod idempotency;
pub mod identity;
pub mod limits;
mod server;
pub mod spec;
pub mod stats;

use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

pub use config::{
    AppConfig, ConsentMode, DEMO_TENANT_ID, GraceRefresh, GrantType, HUGE_TENANT_ID, HalfCent, LOOPBACK_REDIRECT_URI,
    Lifetimes, LimitsConfig, RevokedAccess, ScopeModel, SimConfig, Unknowns,
};
pub use faults::{FaultKind, FaultRule, FaultSpec};
pub use identity::{Connection, pkce_challenge};
pub use limits::{LimitsPatch, Remaining, RemainingPatch, TenantLimitState};
pub use stats::Counters;

use server::Sim;

/// A running simulator. Dropping it (or [`SimHandle::stop`]) shuts the server down.
pub struct SimHandle {
    sim: Arc<Sim>,
    addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

/// Resolves `listen` and refuses anything that is not a loopback address.
fn loopback_addr(listen: &str) -> std::io::Result<SocketAddr> {
    let addrs: Vec<SocketAddr> = listen.to_socket_addrs()?.collect();
    let Some(first) = addrs.first().copied() else {
        return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("{listen}: no address")));
    };
    if addrs.iter().any(|a| !a.ip().is_loopback()) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            format!("{listen}: xero-sim listens on loopback addresses only (127.0.0.0/8, ::1)"),
        ));
    }
    Ok(first)
}

/// Starts the simulator on its own runtime (a background thread) and returns once it accepts connections.
pub fn start(config: SimConfig) -> std::io::Result<SimHandle> {
    config.validate()?;
    let addr = loopback_addr(&config.listen)?;
    let listener = std::net::TcpListener::bind(addr)?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let sim = Arc::new(Sim::new(config.clone(), format!("http://{addr}")));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(config.worker_threads.max(1))
        .thread_name("xero-sim")
        .enable_all()
        .build()?;
    let (tx, rx) = tokio::sync::oneshot::channel();
    let sim2 = sim.clone();
    let thread = std::thread::Builder::new().name("xero-sim-server".into()).spawn(move || {
        rt.block_on(async move {
            match tokio::net::TcpListener::from_std(listener) {
                Ok(l) => server::run(sim2, l, rx).await,
                Err(e) => eprintln!("xero-sim: cannot serve: {e}"),
            }
        });
        rt.shutdown_timeout(Duration::from_millis(200));
    })?;
    Ok(SimHandle { sim, addr, shutdown: Some(tx), thread: Some(thread) })
}

impl SimHandle {
    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        self.sim.base_url.clone()
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The start-up description: endpoints, control URL, apps (with secrets), organisations.
    pub fn info(&self) -> serde_json::Value {
        self.sim.info()
    }

    /// `(tenant_id, name)` of every organisation, in configuration order.
    pub fn organisations(&self) -> Vec<(String, String)> {
        self.sim.orgs.iter().map(|o| (o.tenant_id.clone(), o.name.clone())).collect()
    }

    /// Everything stored for one organisation (`Organisation::snapshot`).
    pub fn snapshot(&self, tenant_id: &str) -> Option<serde_json::Value> {
        self.sim.snapshot(tenant_id)
    }

    /// Changes an organisation's settings (day rates, ...); `None`: no such organisation.
    pub fn patch_org(&self, tenant_id: &str, patch: &accounting::OrgPatch) -> Option<Result<(), String>> {
        self.sim.patch_org(tenant_id, patch)
    }

    pub fn counters(&self) -> Counters {
        self.sim.counters()
    }

    pub fn reset_counters(&self) {
        self.sim.stats.reset()
    }

    /// Installs a fault rule; returns its id.
    pub fn add_fault(&self, spec: FaultSpec) -> u64 {
        self.sim.add_fault(spec)
    }

    pub fn faults(&self) -> Vec<FaultRule> {
        self.sim.fault_rules()
    }

    pub fn remove_fault(&self, id: u64) -> bool {
        self.sim.faults.lock().remove(id)
    }

    pub fn clear_faults(&self) {
        self.sim.faults.lock().clear()
    }

    pub fn limits(&self) -> LimitsConfig {
        self.sim.limits.lock().cfg.clone()
    }

    pub fn set_limits(&self, patch: &LimitsPatch) {
        self.sim.limits.lock().patch(patch)
    }

    /// Sets what is left of a tenant's minute/day budget (opening a window now if none runs).
    pub fn set_remaining(&self, patch: &RemainingPatch) {
        self.sim.set_remaining(patch)
    }

    pub fn limit_states(&self) -> Vec<TenantLimitState> {
        self.sim.limit_states()
    }

    /// Makes every issued access token expired now; returns how many were live.
    pub fn expire_access_tokens(&self) -> usize {
        self.sim.expire_access_tokens()
    }

    /// Disconnects a tenant as if from Xero's side (one app's connection, or every app's); returns how many.
    pub fn revoke_connection(&self, tenant_id: &str, client_id: Option<&str>) -> usize {
        self.sim.revoke_connection(tenant_id, client_id)
    }

    pub fn connections(&self) -> Vec<Connection> {
        self.sim.connections()
    }

    /// Moves the simulated clock forward by `xero_secs` (simulated seconds).
    pub fn advance_clock(&self, xero_secs: f64) {
        self.sim.advance_clock(xero_secs)
    }

    /// The simulated time, ms since the Unix epoch.
    pub fn now_ms(&self) -> i64 {
        self.sim.clock.now_ms()
    }

    /// The violations of Xero's OpenAPI spec recorded by every organisation (requests the clients sent,
    /// responses the simulator gave), forgotten once taken. A handle dropped with violations left panics, so
    /// a test that breaks the spec on purpose takes them.
    pub fn take_spec_violations(&self) -> Vec<String> {
        self.sim.orgs.iter().flat_map(|o| o.org.lock().take_spec_violations()).collect()
    }

    /// Stops the server and waits for its thread.
    pub fn stop(mut self) {
        self.shutdown_now();
    }

    fn shutdown_now(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        let left = self.take_spec_violations();
        if !left.is_empty() && !std::thread::panicking() {
            panic!(
                "xero-sim: {} violation(s) of Xero's OpenAPI spec were recorded and never taken:\n{}",
                left.len(),
                left.join("\n")
            );
        }
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        self.shutdown_now();
    }
}
