//! The organisations a sign-in reaches (Xero's `GET /connections`), choosing the tenant once, disconnecting,
//! the status of a connection, and its export and import.

use crate::auth::state::{now_ms, rfc3339, usable_grant};
use crate::auth::{TokenSource, http, oauth, tokens};
use crate::config::{Config, GrantType};
use crate::deadline::Deadline;
use crate::error::{Error, ErrorCode, Result};
use crate::log::Level;
use crate::secret::Secret;
use crate::store::tokens::{AuthRecord, TenantRecord};
use crate::xlog;
use serde::{Deserialize, Serialize};

const TARGET: &str = "xero_link::auth";

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

/// The chosen tenant, as shown to the host.
#[derive(Debug, Clone, Serialize)]
pub struct TenantView {
    pub tenant_id: String,
    pub tenant_name: String,
    pub tenant_type: String,
    pub set_at: String,
}

impl From<&TenantRecord> for TenantView {
    fn from(t: &TenantRecord) -> Self {
        TenantView {
            tenant_id: t.tenant_id.clone(),
            tenant_name: t.tenant_name.clone(),
            tenant_type: t.tenant_type.clone(),
            set_at: rfc3339(t.set_at_ms),
        }
    }
}

/// Xero's answer to a connections call, as an error when it is not a success.
fn connections_error(status: u16, what: &str) -> Error {
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
fn bearer_call(
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

/// Which organisation to choose.
pub enum TenantChoice {
    Id(String),
    Name(String),
}

/// Chooses the connection's organisation among those the sign-in reaches, durably.
pub fn set_tenant(config: &Config, choice: TenantChoice, deadline: Deadline) -> Result<TenantView> {
    let connections = list(config, deadline)?;
    let available =
        || connections.iter().map(|c| format!("{} ({})", c.tenant_name, c.tenant_id)).collect::<Vec<_>>().join(", ");
    let matches: Vec<&XeroConnection> = match &choice {
        TenantChoice::Id(id) => connections.iter().filter(|c| c.tenant_id.eq_ignore_ascii_case(id.trim())).collect(),
        TenantChoice::Name(name) => {
            connections.iter().filter(|c| c.tenant_name.trim().eq_ignore_ascii_case(name.trim())).collect()
        }
    };
    let (field, given) = match &choice {
        TenantChoice::Id(id) => ("tenant_id", id.as_str()),
        TenantChoice::Name(name) => ("tenant_name", name.as_str()),
    };
    let chosen = match matches.as_slice() {
        [one] => *one,
        [] => {
            return Err(Error::new(
                ErrorCode::NotFound,
                format!("`{given}` is not among the organisations this sign-in reaches: {}", available()),
            )
            .at(field));
        }
        _ => {
            return Err(Error::validation(format!(
                "several organisations are called `{given}`: choose by tenant_id among {}",
                available()
            ))
            .at(field));
        }
    };
    if chosen.tenant_type != "ORGANISATION" {
        return Err(Error::validation(format!(
            "`{}` is a {} tenant: the Accounting API works only with organisations",
            chosen.tenant_name, chosen.tenant_type
        ))
        .at(field));
    }
    let tenant = TenantRecord {
        tenant_id: chosen.tenant_id.clone(),
        tenant_name: chosen.tenant_name.clone(),
        tenant_type: chosen.tenant_type.clone(),
        connection_id: Some(chosen.id.clone()),
        set_at_ms: now_ms(),
    };
    let source = tokens(config)?;
    source.state().update(|record| {
        usable_grant(&config.connection, record)?;
        record.tenant = Some(tenant.clone());
        Ok(())
    })?;
    xlog!(
        Level::Info,
        TARGET,
        "{}: Xero organisation set to {} ({})",
        config.connection,
        tenant.tenant_name,
        tenant.tenant_id
    );
    Ok(TenantView::from(&tenant))
}

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

/// A connection's sign-in state, without any secret.
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    pub connection: String,
    /// Signed in and usable: not waiting for a new sign-in, and every stored token opens with this configuration.
    pub signed_in: bool,
    pub grant_type: Option<GrantType>,
    pub signed_in_at: Option<String>,
    pub refreshed_at: Option<String>,
    pub scopes: Vec<String>,
    pub access_token_expires_at: Option<String>,
    pub tenant: Option<TenantView>,
    pub reauth_required: bool,
    pub reauth_reason: Option<String>,
    pub reauth_since: Option<String>,
    /// A refresh whose answer was lost, being recovered within Xero's 30-minute grace window.
    pub refresh_in_doubt_since: Option<String>,
    /// Why the last refresh failed (in any process sharing the state), until one succeeds.
    pub last_refresh_error: Option<RefreshError>,
    /// Which stored token does not open with this configuration (its `encryption_key`), and why: the connection
    /// cannot be used from here until that is put right.
    pub tokens_unreadable: Option<String>,
    pub pending_sign_ins: usize,
    pub tokens_encrypted: bool,
    /// Where the sign-in state is kept: `sqlite` (in `state_dir`) or `host` (the host's store callbacks).
    pub state_store: crate::config::StateStore,
    /// The folder of this machine's SQLite database: the sign-in state when `state_store` is `sqlite`, and the
    /// push ledger always.
    pub state_dir: String,
    /// The last rate-limit figures seen by the transport, when it reports them.
    pub rate_limits: Option<serde_json::Value>,
    /// The records of each kind the push ledger knows in the chosen organisation (`contact`, `item`,
    /// `sales_invoice`, ...): pushed by any process sharing `state_dir`. Empty without a tenant.
    pub ledger: std::collections::BTreeMap<String, u64>,
}

/// The push ledger's counts for the chosen organisation (the ledger is always SQLite in `state_dir`).
fn ledger_counts(config: &Config, tenant: Option<&TenantRecord>) -> Result<std::collections::BTreeMap<String, u64>> {
    let Some(tenant) = tenant else { return Ok(Default::default()) };
    let scope =
        crate::store::ledger::Scope { connection: config.connection.clone(), tenant_id: tenant.tenant_id.clone() };
    let store = crate::store::open(&config.state_dir)?;
    crate::store::ledger::counts(&store, &scope)
}

/// A failed refresh as `status` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct RefreshError {
    pub code: String,
    pub message: String,
    pub at: String,
}

/// The first stored token of `grant` that does not open with this configuration, and why.
fn unreadable_token(state: &crate::auth::state::State, grant: &crate::store::tokens::GrantRecord) -> Option<String> {
    let opened = state
        .open("access_token", &grant.access_token)
        .and_then(|_| grant.refresh_token.as_ref().map(|t| state.open("refresh_token", t)).transpose())
        .and_then(|_| grant.previous_refresh_token.as_ref().map(|t| state.open_previous_refresh_token(t)).transpose());
    opened.err().map(|e| e.message)
}

pub fn status(config: &Config) -> Result<Status> {
    let source = tokens(config)?;
    let record = source.state().load()?.record;
    let now = now_ms();
    let grant = record.grant.as_ref();
    let tokens_unreadable = grant.and_then(|g| unreadable_token(source.state(), g));
    Ok(Status {
        connection: config.connection.clone(),
        signed_in: grant.is_some() && record.reauth.is_none() && tokens_unreadable.is_none(),
        grant_type: grant.map(|g| g.grant_type),
        signed_in_at: grant.map(|g| rfc3339(g.signed_in_at_ms)),
        refreshed_at: grant.and_then(|g| g.refreshed_at_ms).map(rfc3339),
        scopes: grant.map(|g| g.scopes.clone()).unwrap_or_default(),
        access_token_expires_at: grant.map(|g| rfc3339(g.access_expires_at_ms)),
        tenant: record.tenant.as_ref().map(TenantView::from),
        reauth_required: record.reauth.is_some(),
        reauth_reason: record.reauth.as_ref().map(|r| r.reason.clone()),
        reauth_since: record.reauth.as_ref().map(|r| rfc3339(r.since_ms)),
        refresh_in_doubt_since: grant.and_then(|g| g.refresh_in_doubt_since_ms).map(rfc3339),
        last_refresh_error: record.refresh_failure.as_ref().map(|f| RefreshError {
            code: f.code.clone(),
            message: f.message.clone(),
            at: rfc3339(f.at_ms),
        }),
        tokens_unreadable,
        pending_sign_ins: record.pending.iter().filter(|p| p.expires_at_ms > now).count(),
        tokens_encrypted: source.state().sealer.encrypts(),
        state_store: config.state_store,
        state_dir: config.state_dir.display().to_string(),
        rate_limits: record
            .tenant
            .as_ref()
            .and_then(|t| crate::transport::limits_seen(config, &t.tenant_id))
            .and_then(|seen| serde_json::to_value(seen).ok()),
        ledger: ledger_counts(config, record.tenant.as_ref())?,
    })
}

/// The export format's name and version.
pub const EXPORT_FORMAT: &str = "xero-link-auth-state/1";

/// A connection's durable sign-in state, for hosts that keep it in their own database. Tokens are as at rest:
/// sealed (AES-256-GCM, bound to the connection name) when the connection has an `encryption_key`, plain
/// otherwise — then the export itself is a secret.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exported {
    pub format: String,
    pub connection: String,
    pub exported_at: String,
    pub tokens_encrypted: bool,
    pub generation: u64,
    pub grant: Option<crate::store::tokens::GrantRecord>,
    pub tenant: Option<TenantRecord>,
    pub reauth: Option<crate::store::tokens::Reauth>,
}

pub fn export(config: &Config) -> Result<Exported> {
    let source = tokens(config)?;
    let record = source.state().load()?.record;
    let tokens_encrypted = record.grant.as_ref().is_some_and(|g| g.access_token.is_encrypted());
    xlog!(Level::Info, TARGET, "{}: sign-in state exported", config.connection);
    Ok(Exported {
        format: EXPORT_FORMAT.to_owned(),
        connection: config.connection.clone(),
        exported_at: rfc3339(now_ms()),
        tokens_encrypted,
        generation: record.generation,
        grant: record.grant,
        tenant: record.tenant,
        reauth: record.reauth,
    })
}

/// What `import_state` did.
#[derive(Debug, Clone, Serialize)]
pub struct Imported {
    pub connection: String,
    pub signed_in: bool,
    pub tenant: Option<TenantView>,
    pub generation: u64,
}

/// Replaces the connection's sign-in state with an export. Refused when the stored state is newer (it would bring
/// back a refresh token Xero has replaced) unless `force`. Tokens are re-sealed with this connection's key.
pub fn import(config: &Config, exported: Exported, force: bool) -> Result<Imported> {
    if exported.format != EXPORT_FORMAT {
        return Err(Error::validation(format!("unknown format `{}`: expected `{EXPORT_FORMAT}`", exported.format))
            .at("state.format"));
    }
    if exported.connection != config.connection {
        return Err(Error::validation(format!(
            "the state was exported from connection `{}`, not `{}`",
            exported.connection, config.connection
        ))
        .at("state.connection"));
    }
    let source = tokens(config)?;
    let state = source.state();
    // Open every token now: a wrong key or a damaged export is refused before anything changes.
    let mut grant = exported.grant.clone();
    if let Some(g) = grant.as_mut() {
        let reseal = |field: &str, v: &crate::store::seal::Sealed| -> Result<crate::store::seal::Sealed> {
            state.seal(field, &state.open(field, v).map_err(|e| e.at("state.grant"))?)
        };
        g.access_token = reseal("access_token", &g.access_token)?;
        g.refresh_token = g.refresh_token.as_ref().map(|t| reseal("refresh_token", t)).transpose()?;
        g.previous_refresh_token = g
            .previous_refresh_token
            .as_ref()
            .map(|t| {
                let token = state.open_previous_refresh_token(t).map_err(|e| e.at("state.grant"))?;
                state.seal("previous_refresh_token", &token)
            })
            .transpose()?;
    }
    let generation = state.update(|record| {
        if record.generation > exported.generation && !force {
            return Err(Error::new(
                ErrorCode::Conflict,
                format!(
                    "the stored state (generation {}) is newer than the import (generation {}): importing it would bring \
                     back tokens Xero has already replaced; pass force: true to import anyway",
                    record.generation, exported.generation
                ),
            )
            .at("state.generation"));
        }
        record.grant = grant.clone();
        record.tenant = exported.tenant.clone();
        record.reauth = exported.reauth.clone();
        record.lease = None;
        record.refresh_failure = None;
        record.generation = record.generation.max(exported.generation) + 1;
        Ok(record.generation)
    })?;
    source.forget_cache();
    xlog!(Level::Info, TARGET, "{}: sign-in state imported", config.connection);
    Ok(Imported {
        connection: config.connection.clone(),
        signed_in: grant.is_some() && exported.reauth.is_none(),
        tenant: exported.tenant.as_ref().map(TenantView::from),
        generation,
    })
}
