//! `push_payments`: see `push::payments::push`. Request and answer schemas: `schemas/push_payments.request.json`, `schemas/push.response.json`.

use crate::error::Result;
use crate::push::payments;
use crate::push::schema::{PushPaymentsRequest, PushResponse};
use serde_json::value::RawValue;

pub fn run(request: &[crate::json::Member<'_>]) -> Result<Box<RawValue>> {
    super::typed(request, handle)
}

fn handle(request: PushPaymentsRequest) -> Result<PushResponse> {
    let connection = request.connection.clone();
    super::push(&connection, &payments::NEEDS, request, payments::push)
}
