//! The process's HTTP client: one per set of timeouts (in practice one), reused across calls so connections
//! to Xero are kept alive, built lazily and rebuilt in a forked child.

use crate::config::Timeouts;
use crate::error::{Error, Result};
use once_cell::sync::Lazy;
use parking_lot::Mutex;
use reqwest::blocking::Client;
use std::collections::HashMap;
use std::time::Duration;

struct Clients {
    pid: u32,
    by_timeouts: HashMap<(u64, u64), Client>,
}

static CLIENTS: Lazy<Mutex<Clients>> =
    Lazy::new(|| Mutex::new(Clients { pid: std::process::id(), by_timeouts: HashMap::new() }));

/// The shared client for these timeouts: rustls, no redirects followed (a redirect from Xero's API or identity
/// server is an error, and following one could carry the bearer token elsewhere), finite connect and request
/// timeouts. Cheap to clone. The sign-in code uses it for the token and connections endpoints.
pub fn client(timeouts: &Timeouts) -> Result<Client> {
    let mut clients = CLIENTS.lock();
    let pid = std::process::id();
    if clients.pid != pid {
        // Forked: the parent's client owns a runtime thread that does not exist here, and dropping it would
        // join that thread. Leak it instead (once per fork) and start afresh.
        std::mem::forget(std::mem::take(&mut clients.by_timeouts));
        clients.pid = pid;
    }
    let key = (timeouts.connect_ms, timeouts.request_ms);
    if let Some(client) = clients.by_timeouts.get(&key) {
        return Ok(client.clone());
    }
    let client = Client::builder()
        .user_agent(concat!("xero-link/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_millis(timeouts.connect_ms.max(1)))
        .timeout(Duration::from_millis(timeouts.request_ms.max(1)))
        .pool_idle_timeout(Duration::from_secs(50))
        .build()
        .map_err(|e| Error::internal(format!("the HTTP client cannot be built: {e}")))?;
    clients.by_timeouts.insert(key, client.clone());
    Ok(client)
}
