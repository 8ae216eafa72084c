//! `connections`: the Xero organisations this sign-in may reach (Xero's `GET /connections`).

use crate::auth::tenants::{self, XeroConnection};
use crate::deadline::Deadline;
use crate::error::Result;
use crate::registry;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Request {
    connection: String,
    #[serde(default)]
    deadline_ms: Option<u64>,
}

#[derive(Serialize)]
struct Connections {
    connections: Vec<XeroConnection>,
}

fn handle(request: Request) -> Result<Connections> {
    let connection = registry::get(&request.connection)?;
    let config = &connection.config;
    let deadline = Deadline::from_request(request.deadline_ms, config.timeouts.default_deadline_ms);
    Ok(Connections { connections: tenants::list(config, deadline)? })
}

pub fn run(request: &[crate::json::Member<'_>]) -> Result<Box<RawValue>> {
    super::typed(request, handle)
}
