//! `push_invoice`: see `push::invoice`. Request and answer schemas: `schemas/push_invoice.request.json`, `schemas/push.response.json`.

use crate::error::Result;
use crate::push::schema::{PushInvoiceRequest, PushResponse};
use crate::push::{self, SessionApi};
use crate::{auth, registry};
use serde_json::value::RawValue;

pub fn run(request: &[crate::json::Member<'_>]) -> Result<Box<RawValue>> {
    super::typed(request, handle)
}

fn handle(request: PushInvoiceRequest) -> Result<PushResponse> {
    let connection = registry::get(&request.connection)?;
    push::ensure_enabled(&connection.config, "push_invoice")?;
    let api = SessionApi::new(auth::session(&connection)?);
    push::invoice(&connection, request, &api)
}
