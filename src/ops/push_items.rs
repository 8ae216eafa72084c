//! `push_items`: see `push::items::push`. Request and answer schemas: `schemas/push_items.request.json`, `schemas/push.response.json`.

use crate::error::Result;
use crate::push::items;
use crate::push::schema::{PushItemsRequest, PushResponse};
use serde_json::value::RawValue;

pub fn run(request: &[crate::json::Member<'_>]) -> Result<Box<RawValue>> {
    super::typed(request, handle)
}

fn handle(request: PushItemsRequest) -> Result<PushResponse> {
    let connection = request.connection.clone();
    super::push(&connection, &items::NEEDS, request, items::push)
}
