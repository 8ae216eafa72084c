//! `import_state`: replaces a connection's sign-in state with one from `export_state`; refused when the stored
//! state is newer, unless `force`.

use crate::auth::tenants::{self, Exported, Imported};
use crate::error::Result;
use crate::registry;
use serde::Deserialize;
use serde_json::value::RawValue;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Request {
    connection: String,
    state: Exported,
    #[serde(default)]
    force: bool,
}

fn handle(request: Request) -> Result<Imported> {
    let connection = registry::get(&request.connection)?;
    tenants::import(&connection.config, request.state, request.force)
}

pub fn run(request: &[crate::json::Member<'_>]) -> Result<Box<RawValue>> {
    super::typed(request, handle)
}
