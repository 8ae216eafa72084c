//! `get_documents`: see `read::documents`. Schemas: `schemas/get_documents.request.json`, `schemas/get_documents.response.json`.

use crate::error::Result;
use crate::push::SessionApi;
use crate::read::{self, GetDocumentsRequest, GetDocumentsResponse};
use crate::{auth, registry};
use serde_json::value::RawValue;

pub fn run(request: &[crate::json::Member<'_>]) -> Result<Box<RawValue>> {
    super::typed(request, handle)
}

fn handle(request: GetDocumentsRequest) -> Result<GetDocumentsResponse> {
    let connection = registry::get(&request.connection)?;
    let api = SessionApi::new(auth::session(&connection)?);
    read::documents(&connection, request, &api)
}
