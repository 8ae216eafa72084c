//! `get_tax_rates`: see `read::tax_rates`. Schemas: `schemas/get_tax_rates.request.json`, `schemas/get_tax_rates.response.json`.

use crate::error::Result;
use crate::push::SessionApi;
use crate::read::{self, LookupRequest, TaxRatesResponse};
use crate::{auth, registry};
use serde_json::value::RawValue;

pub fn run(request: &[crate::json::Member<'_>]) -> Result<Box<RawValue>> {
    super::typed(request, handle)
}

fn handle(request: LookupRequest) -> Result<TaxRatesResponse> {
    let connection = registry::get(&request.connection)?;
    let api = SessionApi::new(auth::session(&connection)?);
    read::tax_rates(&connection, request, &api)
}
