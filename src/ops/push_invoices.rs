//! `push_invoices`: see `push::invoices`. Request and answer schemas: `schemas/push_invoices.request.json`, `schemas/push.response.json`.

use crate::error::Result;
use crate::push::schema::{PushInvoicesRequest, PushResponse};
use crate::push::{self, SessionApi};
use crate::{auth, registry};
use serde_json::value::RawValue;

pub fn run(request: &[crate::json::Member<'_>]) -> Result<Box<RawValue>> {
    super::typed(request, handle)
}

fn handle(request: PushInvoicesRequest) -> Result<PushResponse> {
    let connection = registry::get(&request.connection)?;
    push::ensure_enabled(&connection.config, "push_invoices")?;
    let api = SessionApi::new(auth::session(&connection)?);
    push::invoices(&connection, request, &api)
}
