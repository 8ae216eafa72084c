//! `authorize_url`: the Xero consent URL for an administrator to open (configured scopes, CSRF state, PKCE S256).
//! The pending sign-in is remembered durably for 10 minutes, so any host process may receive the callback.

use crate::auth::signin::{self, Started};
use crate::error::Result;
use crate::registry;
use serde::Deserialize;
use serde_json::value::RawValue;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Request {
    connection: String,
}

fn handle(request: Request) -> Result<Started> {
    let connection = registry::get(&request.connection)?;
    signin::start(&connection.config)
}

pub fn run(request: &[crate::json::Member<'_>]) -> Result<Box<RawValue>> {
    super::typed(request, handle)
}
