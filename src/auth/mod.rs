//! Sign-in to Xero (OAuth 2.0 authorization code with PKCE, loopback, client credentials), tokens and their
//! refresh, the chosen tenant. Gives the transport what it needs to call Xero on a connection's behalf.
//!
//! - [`signin`]: the consent URL, completing a sign-in (callback URL, code + state, loopback, client credentials).
//! - [`refresh`]: [`ConnectionTokens`], the [`TokenSource`] that never loses the connection.
//! - [`tenants`]: Xero's connections, choosing the tenant, disconnecting, status, export and import.
//! - [`state`]: the durable record (through `store::tokens`), [`oauth`] and [`http`]: talking to Xero.

pub mod http;
#[allow(unsafe_code)]
mod lease;
pub mod loopback;
pub mod oauth;
pub mod refresh;
pub mod signin;
pub mod state;
pub mod tenants;

/// The log records of sign-in, refresh and tenants share one target, so a host filters them as one.
pub(crate) const LOG_TARGET: &str = "xero_link::auth";

use crate::config::Config;
use crate::error::{Error, ErrorCode, Result};
use crate::process::PerProcess;
use crate::registry::Connection;
use once_cell::sync::Lazy;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

pub use refresh::ConnectionTokens;

pub use crate::transport::TokenSource;

/// A signed-in connection with its tenant chosen: everything needed to call the Accounting API.
pub struct Session {
    pub connection: Arc<Connection>,
    /// The `xero-tenant-id` to send.
    pub tenant_id: String,
    pub tokens: Arc<dyn TokenSource>,
}

/// Token sources by (state_dir, connection name).
type TokenSources = HashMap<(PathBuf, String), Arc<ConnectionTokens>>;

/// The token sources of this process.
static TOKENS: Lazy<Mutex<PerProcess<TokenSources>>> = Lazy::new(Default::default);

/// The token source of a connection: one per connection and process, so its threads share one in-memory token
/// and refresh one at a time. Replaced when the connection is configured anew, and in a forked child (the
/// parent's sources hold the parent's database connection).
pub fn tokens(config: &Config) -> Result<Arc<ConnectionTokens>> {
    let key = (config.state_dir.clone(), config.connection.clone());
    let mut guard = TOKENS.lock();
    let all = guard.get_mut();
    if let Some(t) = all.get(&key) {
        if t.config() == config {
            return Ok(Arc::clone(t));
        }
    }
    let t = Arc::new(ConnectionTokens::new(config.clone())?);
    all.insert(key, Arc::clone(&t));
    Ok(t)
}

/// The session of a connection, or `not_authenticated` / `reauth_required` / `tenant_not_set`.
pub fn session(connection: &Arc<Connection>) -> Result<Session> {
    let tokens = tokens(&connection.config)?;
    let record = tokens.state().load()?.record;
    state::usable_grant(&connection.config.connection, &record)?;
    let tenant = record.tenant.ok_or_else(|| {
        Error::new(
            ErrorCode::TenantNotSet,
            format!(
                "no Xero organisation is chosen for connection `{}`: list them with connections, then set_tenant once",
                connection.config.connection
            ),
        )
    })?;
    Ok(Session { connection: Arc::clone(connection), tenant_id: tenant.tenant_id, tokens })
}
