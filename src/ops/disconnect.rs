//! `disconnect`: removes the organisation's connection at Xero (and revokes the refresh token when none is
//! left), then forgets the tokens and the tenant.

use crate::auth::tenants::{self, Disconnected};
use crate::deadline::Deadline;
use crate::error::Result;
use crate::registry;
use serde::Deserialize;
use serde_json::value::RawValue;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Request {
    connection: String,
    #[serde(default)]
    deadline_ms: Option<u64>,
}

fn handle(request: Request) -> Result<Disconnected> {
    let connection = registry::get(&request.connection)?;
    let config = &connection.config;
    let deadline = Deadline::from_request(request.deadline_ms, config.timeouts.default_deadline_ms);
    tenants::disconnect(config, deadline)
}

pub fn run(request: &[crate::json::Member<'_>]) -> Result<Box<RawValue>> {
    super::typed(request, handle)
}
