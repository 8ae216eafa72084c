//! `get_accounts`: see `read::accounts`. Schemas: `schemas/get_accounts.request.json`, `schemas/get_accounts.response.json`.

use crate::error::Result;
use crate::push::SessionApi;
use crate::read::{self, AccountsResponse, LookupRequest};
use crate::{auth, registry};
use serde_json::value::RawValue;

pub fn run(request: &[crate::json::Member<'_>]) -> Result<Box<RawValue>> {
    super::typed(request, handle)
}

fn handle(request: LookupRequest) -> Result<AccountsResponse> {
    let connection = registry::get(&request.connection)?;
    let api = SessionApi::new(auth::session(&connection)?);
    read::accounts(&connection, request, &api)
}
