//! `push_contacts`: see `push::contacts::push`. Request and answer schemas: `schemas/push_contacts.request.json`, `schemas/push.response.json`.

use crate::error::Result;
use crate::push::contacts;
use crate::push::schema::{PushContactsRequest, PushResponse};
use serde_json::value::RawValue;

pub fn run(request: &[crate::json::Member<'_>]) -> Result<Box<RawValue>> {
    super::typed(request, handle)
}

fn handle(request: PushContactsRequest) -> Result<PushResponse> {
    let connection = request.connection.clone();
    super::push(&connection, &contacts::NEEDS, request, contacts::push)
}
