//! `push_credit_notes`: see `push::credit_notes::push`. Request and answer schemas: `schemas/push_credit_notes.request.json`, `schemas/push.response.json`.

use crate::error::Result;
use crate::push::credit_notes;
use crate::push::schema::{PushCreditNotesRequest, PushResponse};
use serde_json::value::RawValue;

pub fn run(request: &[crate::json::Member<'_>]) -> Result<Box<RawValue>> {
    super::typed(request, handle)
}

fn handle(request: PushCreditNotesRequest) -> Result<PushResponse> {
    let connection = request.connection.clone();
    super::push(&connection, &credit_notes::NEEDS, request, credit_notes::push)
}
