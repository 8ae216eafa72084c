//! `push_items`: see `push::items`. Request and answer schemas: `schemas/push_items.request.json`, `schemas/push.response.json`.

use crate::error::Result;
use crate::push::schema::{PushItemsRequest, PushResponse};
use crate::push::{self, SessionApi};
use crate::{auth, registry};
use serde_json::value::RawValue;

pub fn run(request: &[crate::json::Member<'_>]) -> Result<Box<RawValue>> {
    super::typed(request, handle)
}

fn handle(request: PushItemsRequest) -> Result<PushResponse> {
    let connection = registry::get(&request.connection)?;
    push::ensure_enabled(&connection.config, "push_items")?;
    let api = SessionApi::new(auth::session(&connection)?);
    push::items(&connection, request, &api)
}
