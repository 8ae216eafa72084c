//! `export_state`: a connection's sign-in state as JSON (tokens as at rest: sealed with the connection's
//! `encryption_key` when it has one, plain otherwise), for hosts that keep state in their own database.

use crate::auth::tenants::{self, Exported};
use crate::error::Result;
use crate::registry;
use serde::Deserialize;
use serde_json::value::RawValue;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Request {
    connection: String,
}

fn handle(request: Request) -> Result<Exported> {
    tenants::export(&registry::get(&request.connection)?.config)
}

pub fn run(request: &[crate::json::Member<'_>]) -> Result<Box<RawValue>> {
    super::typed(request, handle)
}
