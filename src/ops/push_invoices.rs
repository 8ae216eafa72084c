//! `push_invoices`: see `push::invoices::push`. Request and answer schemas: `schemas/push_invoices.request.json`, `schemas/push.response.json`.

use crate::error::Result;
use crate::push::invoices;
use crate::push::schema::{PushInvoicesRequest, PushResponse};
use serde_json::value::RawValue;

pub fn run(request: &[crate::json::Member<'_>]) -> Result<Box<RawValue>> {
    super::typed(request, handle)
}

fn handle(request: PushInvoicesRequest) -> Result<PushResponse> {
    let connection = request.connection.clone();
    super::push(&connection, &invoices::NEEDS, request, invoices::push)
}
