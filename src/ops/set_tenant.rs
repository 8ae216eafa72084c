//! `set_tenant`: chooses the connection's Xero organisation by `tenant_id` or `tenant_name`, checked against the
//! organisations the sign-in reaches; stored durably (a once-off setup).

use crate::auth::tenants::{self, TenantChoice, TenantView};
use crate::deadline::Deadline;
use crate::error::{Error, Result};
use crate::registry;
use serde::Deserialize;
use serde_json::value::RawValue;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Request {
    connection: String,
    #[serde(default)]
    tenant_id: Option<String>,
    #[serde(default)]
    tenant_name: Option<String>,
    #[serde(default)]
    deadline_ms: Option<u64>,
}

fn handle(request: Request) -> Result<TenantView> {
    let connection = registry::get(&request.connection)?;
    let config = &connection.config;
    let choice = match (request.tenant_id, request.tenant_name) {
        (Some(id), None) if !id.trim().is_empty() => TenantChoice::Id(id),
        (None, Some(name)) if !name.trim().is_empty() => TenantChoice::Name(name),
        (Some(_), Some(_)) => return Err(Error::bad_request("give tenant_id or tenant_name, not both")),
        _ => {
            return Err(
                Error::bad_request("give tenant_id or tenant_name (from the connections operation)").at("tenant_id")
            );
        }
    };
    let deadline = Deadline::from_request(request.deadline_ms, config.timeouts.default_deadline_ms);
    tenants::set_tenant(config, choice, deadline)
}

pub fn run(request: &[crate::json::Member<'_>]) -> Result<Box<RawValue>> {
    super::typed(request, handle)
}
