//! A connection's sign-in status as `status` shows it, without any secret.

use super::TenantView;
use crate::auth::state::{now_ms, rfc3339};
use crate::auth::tokens;
use crate::config::{Config, GrantType};
use crate::error::Result;
use crate::store::tokens::TenantRecord;
use serde::Serialize;

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
