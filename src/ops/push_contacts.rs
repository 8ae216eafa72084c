//! `push_contacts`: see `push::contacts`. Request and answer schemas: `schemas/push_contacts.request.json`, `schemas/push.response.json`.

use crate::error::Result;
use crate::push::schema::{PushContactsRequest, PushResponse};
use crate::push::{self, SessionApi};
use crate::{auth, registry};
use serde_json::value::RawValue;

pub fn run(request: &[crate::json::Member<'_>]) -> Result<Box<RawValue>> {
    super::typed(request, handle)
}

fn handle(request: PushContactsRequest) -> Result<PushResponse> {
    let connection = registry::get(&request.connection)?;
    push::ensure_enabled(&connection.config, "push_contacts")?;
    let api = SessionApi::new(auth::session(&connection)?);
    push::contacts(&connection, request, &api)
}
