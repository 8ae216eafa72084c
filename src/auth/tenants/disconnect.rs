//! Disconnecting: removing the organisation's connection at Xero, revoking the refresh token when none stays
//! connected, and forgetting the sign-in and the tenant.

use super::connections::{bearer_call, connections_error};
use super::{TARGET, list};
use crate::auth::{http, oauth, tokens};
use crate::config::{Config, GrantType};
use crate::deadline::Deadline;
use crate::error::{Error, ErrorCode, Result};
use crate::log::Level;
use crate::store::tokens::AuthRecord;
use crate::xlog;
use serde::Serialize;

/// What `disconnect` did.
#[derive(Debug, Clone, Serialize)]
pub struct Disconnected {
    pub connection: String,
    /// Whether a sign-in was stored before.
    pub was_signed_in: bool,
    /// Whether the organisation's connection was removed at Xero.
    pub removed_at_xero: bool,
    /// Whether the refresh token was revoked at Xero (done when no organisation stays connected).
    pub revoked: bool,
}

/// Removes the connection at Xero (and revokes the refresh token if it was the last), then forgets the sign-in
/// and the tenant. A sign-in Xero no longer accepts is forgotten locally all the same.
pub fn disconnect(config: &Config, deadline: Deadline) -> Result<Disconnected> {
    let source = tokens(config)?;
    let record = source.state().load()?.record;
    let mut out = Disconnected {
        connection: config.connection.clone(),
        was_signed_in: record.grant.is_some(),
        removed_at_xero: false,
        revoked: false,
    };
    let xero_side =
        record.grant.as_ref().is_some_and(|g| g.grant_type == GrantType::AuthorizationCode) && record.reauth.is_none();
    if xero_side {
        match remove_at_xero(config, &record, deadline) {
            Ok((removed, revoked)) => {
                out.removed_at_xero = removed;
                out.revoked = revoked;
            }
            // Xero no longer accepts the sign-in: nothing is left to remove there.
            Err(e) if matches!(e.code, ErrorCode::ReauthRequired | ErrorCode::NotAuthenticated) => {}
            Err(e) => return Err(e),
        }
    }
    source.state().update(|record| {
        record.grant = None;
        record.tenant = None;
        record.reauth = None;
        record.lease = None;
        record.refresh_failure = None;
        record.pending.clear();
        record.generation += 1;
        Ok(())
    })?;
    source.forget_cache();
    xlog!(Level::Info, TARGET, "{}: disconnected from Xero; the sign-in is forgotten", config.connection);
    Ok(out)
}

fn remove_at_xero(config: &Config, record: &AuthRecord, deadline: Deadline) -> Result<(bool, bool)> {
    let mut removed = false;
    if let Some(connection_id) = record.tenant.as_ref().and_then(|t| t.connection_id.as_deref()) {
        let mut url = config.endpoints.connections.clone();
        url.path_segments_mut()
            .map_err(|_| Error::internal("endpoints.connections cannot take a path segment"))?
            .pop_if_empty()
            .push(connection_id);
        let what = "removing the organisation's connection at Xero";
        let response = bearer_call(config, http::Method::DELETE, &url, deadline, what)?;
        match response.status {
            200 | 204 => removed = true,
            404 => {}
            s => return Err(connections_error(s, what)),
        }
    }
    let remaining = if removed { list(config, deadline)?.len() } else { 0 };
    let mut revoked = false;
    if remaining == 0 {
        let source = tokens(config)?;
        let record = source.state().load()?.record;
        if let Some(rt) = record.grant.as_ref().and_then(|g| g.refresh_token.as_ref()) {
            let rt = source.state().open("refresh_token", rt)?;
            oauth::revoke(config, &rt, deadline)?;
            revoked = true;
        }
    }
    Ok((removed, revoked))
}
