//! `status`: signed in or not, since when, grant type, tenant, scopes, token expiry, re-consent needed (and
//! why), the last rate-limit figures seen. No secret is shown.

use crate::auth::tenants::{self, Status};
use crate::error::Result;
use crate::registry;
use serde::Deserialize;
use serde_json::value::RawValue;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Request {
    connection: String,
}

fn handle(request: Request) -> Result<Status> {
    tenants::status(&registry::get(&request.connection)?.config)
}

pub fn run(request: &[crate::json::Member<'_>]) -> Result<Box<RawValue>> {
    super::typed(request, handle)
}
