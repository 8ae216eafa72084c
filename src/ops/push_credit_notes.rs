//! `push_credit_notes`: see `push::credit_notes`. Request and answer schemas: `schemas/push_credit_notes.request.json`, `schemas/push.response.json`.

use crate::error::Result;
use crate::push::schema::{PushCreditNotesRequest, PushResponse};
use crate::push::{self, SessionApi};
use crate::{auth, registry};
use serde_json::value::RawValue;

pub fn run(request: &[crate::json::Member<'_>]) -> Result<Box<RawValue>> {
    super::typed(request, handle)
}

fn handle(request: PushCreditNotesRequest) -> Result<PushResponse> {
    let connection = registry::get(&request.connection)?;
    push::ensure_enabled(&connection.config, "push_credit_notes")?;
    let api = SessionApi::new(auth::session(&connection)?);
    push::credit_notes(&connection, request, &api)
}
