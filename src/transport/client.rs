//! The process's HTTP client: one per set of timeouts (in practice one), reused across calls so connections
//! to Xero are kept alive, built lazily and rebuilt in a forked child.

use crate::config::Timeouts;
use crate::error::{Error, Result};
use crate::process::PerProcess;
use once_cell::sync::Lazy;
use parking_lot::Mutex;
use reqwest::blocking::Client;
use std::collections::HashMap;
use std::time::Duration;

/// Clients by (connect, request) timeout.
type Clients = HashMap<(u64, u64), Client>;

/// This process's clients.
static CLIENTS: Lazy<Mutex<PerProcess<Clients>>> = Lazy::new(Default::default);

/// The shared client for these timeouts: rustls, no redirects followed (a redirect from Xero's API or identity
/// server is an error, and following one could carry the bearer token elsewhere), finite connect and request
/// timeouts. Cheap to clone. The sign-in code uses it for the token and connections endpoints.
pub fn client(timeouts: &Timeouts) -> Result<Client> {
    // Forked: the parent's client owns a runtime thread that does not exist here; the child builds its own.
    let mut guard = CLIENTS.lock();
    let clients = guard.get_mut();
    let key = (timeouts.connect_ms, timeouts.request_ms);
    if let Some(client) = clients.get(&key) {
        return Ok(client.clone());
    }
    install_tls_provider();
    let client = Client::builder()
        .user_agent(concat!("xero-link/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_millis(timeouts.connect_ms.max(1)))
        .timeout(Duration::from_millis(timeouts.request_ms.max(1)))
        .pool_idle_timeout(Duration::from_secs(50))
        .build()
        .map_err(|e| Error::internal(format!("the HTTP client cannot be built: {e}")))?;
    clients.insert(key, client.clone());
    Ok(client)
}

/// reqwest is built without a crypto provider (`rustls-no-provider`): TLS uses rustls's ring provider, made this
/// process's default once. Someone else having installed one first is fine: any rustls provider verifies
/// certificates; reqwest takes the process default.
pub fn install_tls_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
