//! Sign-in to Xero (OAuth 2.0 authorization code with PKCE, loopback, client credentials), tokens and their
//! refresh, the chosen tenant. Gives the transport what it needs to call Xero on a connection's behalf.

use crate::deadline::Deadline;
use crate::error::{Error, ErrorCode, Result};
use crate::registry::Connection;
use crate::secret::Secret;
use std::sync::Arc;

/// Supplies bearer tokens for one connection; the transport asks for one per request.
pub trait TokenSource: Send + Sync {
    /// A valid access token (refreshed first if it is about to expire).
    fn access_token(&self, deadline: Deadline) -> Result<Secret>;
    /// Xero rejected `rejected` with 401: refresh once unless another thread or process already has.
    fn refresh_after_rejection(&self, rejected: &Secret, deadline: Deadline) -> Result<Secret>;
}

/// A signed-in connection with its tenant chosen: everything needed to call the Accounting API.
pub struct Session {
    pub connection: Arc<Connection>,
    /// The `xero-tenant-id` to send.
    pub tenant_id: String,
    pub tokens: Arc<dyn TokenSource>,
}

/// The session of a connection, or `not_authenticated` / `reauth_required` / `tenant_not_set`.
pub fn session(connection: &Arc<Connection>) -> Result<Session> {
    let _ = connection;
    Err(Error::new(ErrorCode::NotAuthenticated, "sign-in is not implemented in this build"))
}
