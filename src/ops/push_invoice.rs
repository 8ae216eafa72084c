//! `push_invoice`: see `push::invoices::push_one`. Request and answer schemas: `schemas/push_invoice.request.json`, `schemas/push.response.json`.

use crate::error::Result;
use crate::push::invoices;
use crate::push::schema::{PushInvoiceRequest, PushResponse};
use serde_json::value::RawValue;

pub fn run(request: &[crate::json::Member<'_>]) -> Result<Box<RawValue>> {
    super::typed(request, handle)
}

fn handle(request: PushInvoiceRequest) -> Result<PushResponse> {
    let connection = request.connection.clone();
    super::push(&connection, &invoices::NEEDS, request, invoices::push_one)
}
