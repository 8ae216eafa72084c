//! A connection's durable sign-in state exported for a host's own database, and imported back.

use super::{TARGET, TenantView};
use crate::auth::state::{State, now_ms, rfc3339};
use crate::auth::tokens;
use crate::config::Config;
use crate::error::{Error, ErrorCode, Result};
use crate::log::Level;
use crate::store::tokens::{GrantRecord, TenantRecord};
use crate::xlog;
use serde::{Deserialize, Serialize};

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
        reseal_grant(state, g)?;
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

/// Opens every token of an imported grant (`state.grant` when one does not) and seals it with this connection's key.
fn reseal_grant(state: &State, g: &mut GrantRecord) -> Result<()> {
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
    Ok(())
}
