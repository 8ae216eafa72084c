//! Xero's `GET /connections`: the organisations a sign-in reaches, and the bearer calls to that endpoint with the
//! connection's tokens.

use crate::auth::{TokenSource, http, tokens};
use crate::config::Config;
use crate::deadline::Deadline;
use crate::error::{Error, ErrorCode, Result};
use crate::secret::Secret;
use serde::{Deserialize, Serialize};

/// One organisation the sign-in may reach.
#[derive(Debug, Clone, Serialize)]
pub struct XeroConnection {
    /// Xero's connection id (what `DELETE /connections/{id}` takes).
    pub id: String,
    pub tenant_id: String,
    pub tenant_name: String,
    /// `ORGANISATION` (the Accounting API works only with these), `PRACTICE`, ...
    pub tenant_type: String,
    pub created_date_utc: Option<String>,
    pub updated_date_utc: Option<String>,
    /// Whether this is the connection's chosen tenant.
    pub selected: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireConnection {
    id: String,
    tenant_id: String,
    #[serde(default)]
    tenant_name: Option<String>,
    #[serde(default)]
    tenant_type: Option<String>,
    #[serde(default)]
    created_date_utc: Option<String>,
    #[serde(default)]
    updated_date_utc: Option<String>,
}

/// Xero's answer to a connections call, as an error when it is not a success.
pub(super) fn connections_error(status: u16, what: &str) -> Error {
    match status {
        401 => Error::new(
            ErrorCode::NotAuthenticated,
            format!("Xero refused the access token while {what}, even after a refresh: sign in again"),
        ),
        403 => Error::new(
            ErrorCode::TenantNotConnected,
            format!("Xero refused {what} (HTTP 403): the sign-in lacks a scope or the app was disconnected"),
        ),
        429 => Error::new(
            ErrorCode::RateLimited,
            format!("Xero is rate limiting this app while {what}: try again shortly"),
        ),
        s if s >= 500 => {
            Error::new(ErrorCode::XeroUnavailable, format!("Xero failed (HTTP {s}) while {what}: try again shortly"))
        }
        s => Error::new(ErrorCode::Internal, format!("Xero answered HTTP {s} while {what}")),
    }
    .with("http_status", status)
}

/// A bearer call with the connection's tokens, refreshed once on a 401.
pub(super) fn bearer_call(
    config: &Config,
    method: http::Method,
    url: &url::Url,
    deadline: Deadline,
    what: &str,
) -> Result<http::BearerResponse> {
    let source = tokens(config)?;
    let mut token = source.access_token(deadline)?;
    let mut refreshed = false;
    loop {
        let response = http::bearer(config, method.clone(), url, &token, deadline)
            .map_err(|f| f.into_error(&format!("{what}: Xero did not answer")))?;
        if response.status == 401 && !refreshed {
            token = source.refresh_after_rejection(&token, deadline)?;
            refreshed = true;
            continue;
        }
        return Ok(response);
    }
}

fn parse_connections(config: &Config, body: &[u8]) -> Result<Vec<XeroConnection>> {
    let wire: Vec<WireConnection> = serde_json::from_slice(body)
        .map_err(|e| Error::internal(format!("Xero's connections answer could not be read: {e}")))?;
    let chosen = tokens(config)?.state().load()?.record.tenant.map(|t| t.tenant_id);
    Ok(wire
        .into_iter()
        .map(|c| XeroConnection {
            selected: chosen.as_deref().is_some_and(|t| t.eq_ignore_ascii_case(&c.tenant_id)),
            id: c.id,
            tenant_id: c.tenant_id,
            tenant_name: c.tenant_name.unwrap_or_default(),
            tenant_type: c.tenant_type.unwrap_or_else(|| "ORGANISATION".to_owned()),
            created_date_utc: c.created_date_utc,
            updated_date_utc: c.updated_date_utc,
        })
        .collect())
}

/// The organisations the connection's sign-in may reach.
pub fn list(config: &Config, deadline: Deadline) -> Result<Vec<XeroConnection>> {
    let what = "listing the Xero organisations";
    let response = bearer_call(config, http::Method::GET, &config.endpoints.connections, deadline, what)?;
    if response.status != 200 {
        return Err(connections_error(response.status, what));
    }
    parse_connections(config, &response.body)
}

/// The organisations reachable with a given access token (during a sign-in, before it is stored).
pub fn list_with(config: &Config, token: &Secret, deadline: Deadline) -> Result<Vec<XeroConnection>> {
    let what = "listing the Xero organisations";
    let response = http::bearer(config, http::Method::GET, &config.endpoints.connections, token, deadline)
        .map_err(|f| f.into_error(&format!("{what}: Xero did not answer")))?;
    if response.status != 200 {
        return Err(connections_error(response.status, what));
    }
    parse_connections(config, &response.body)
}
