//! `push_payments`: see `push::payments`. Request and answer schemas: `schemas/push_payments.request.json`, `schemas/push.response.json`.

use crate::error::Result;
use crate::push::schema::{PushPaymentsRequest, PushResponse};
use crate::push::{self, SessionApi};
use crate::{auth, registry};
use serde_json::value::RawValue;

pub fn run(request: &[crate::json::Member<'_>]) -> Result<Box<RawValue>> {
    super::typed(request, handle)
}

fn handle(request: PushPaymentsRequest) -> Result<PushResponse> {
    let connection = registry::get(&request.connection)?;
    push::ensure_enabled(&connection.config, "push_payments")?;
    let api = SessionApi::new(auth::session(&connection)?);
    push::payments(&connection, request, &api)
}
