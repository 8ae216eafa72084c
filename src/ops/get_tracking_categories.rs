//! `get_tracking_categories`: see `read::tracking_categories`. Schemas: `schemas/get_tracking_categories.request.json`, `schemas/get_tracking_categories.response.json`.

use crate::error::Result;
use crate::push::SessionApi;
use crate::read::{self, LookupRequest, TrackingCategoriesResponse};
use crate::{auth, registry};
use serde_json::value::RawValue;

pub fn run(request: &[crate::json::Member<'_>]) -> Result<Box<RawValue>> {
    super::typed(request, handle)
}

fn handle(request: LookupRequest) -> Result<TrackingCategoriesResponse> {
    let connection = registry::get(&request.connection)?;
    let api = SessionApi::new(auth::session(&connection)?);
    read::tracking_categories(&connection, request, &api)
}
