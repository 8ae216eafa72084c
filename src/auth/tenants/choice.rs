//! Choosing the connection's organisation once among those the sign-in reaches, storing it, and the chosen
//! tenant as the host sees it.

use super::{TARGET, XeroConnection, list};
use crate::auth::state::{now_ms, rfc3339, usable_grant};
use crate::auth::tokens;
use crate::config::Config;
use crate::deadline::Deadline;
use crate::error::{Error, ErrorCode, Result};
use crate::log::Level;
use crate::store::tokens::TenantRecord;
use crate::xlog;
use serde::Serialize;

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

/// Which organisation to choose.
pub enum TenantChoice {
    Id(String),
    Name(String),
}

/// Chooses the connection's organisation among those the sign-in reaches, durably.
pub fn set_tenant(config: &Config, choice: TenantChoice, deadline: Deadline) -> Result<TenantView> {
    let connections = list(config, deadline)?;
    let chosen = chosen_organisation(&connections, &choice)?;
    let tenant = TenantRecord {
        tenant_id: chosen.tenant_id.clone(),
        tenant_name: chosen.tenant_name.clone(),
        tenant_type: chosen.tenant_type.clone(),
        connection_id: Some(chosen.id.clone()),
        set_at_ms: now_ms(),
    };
    store_tenant(config, &tenant)?;
    Ok(TenantView::from(&tenant))
}

/// The one organisation among `connections` that `choice` names: `not_found` when none does, a validation error
/// when several share the name or the one named is not an organisation.
fn chosen_organisation<'a>(connections: &'a [XeroConnection], choice: &TenantChoice) -> Result<&'a XeroConnection> {
    let available =
        || connections.iter().map(|c| format!("{} ({})", c.tenant_name, c.tenant_id)).collect::<Vec<_>>().join(", ");
    let matches: Vec<&XeroConnection> = match choice {
        TenantChoice::Id(id) => connections.iter().filter(|c| c.tenant_id.eq_ignore_ascii_case(id.trim())).collect(),
        TenantChoice::Name(name) => {
            connections.iter().filter(|c| c.tenant_name.trim().eq_ignore_ascii_case(name.trim())).collect()
        }
    };
    let (field, given) = match choice {
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
    Ok(chosen)
}

/// Stores `tenant` as the connection's chosen one; refused unless the sign-in is usable.
fn store_tenant(config: &Config, tenant: &TenantRecord) -> Result<()> {
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
    Ok(())
}
