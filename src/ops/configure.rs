//! `configure`: registers or updates one named connection.

use crate::config::Config;
use crate::error::Result;
use crate::registry;
use serde::Serialize;
use serde_json::Value;

#[derive(Serialize)]
pub struct Configured {
    pub connection: String,
    /// True when this process did not know the connection before.
    pub created: bool,
    pub scopes: Vec<String>,
    /// The configuration as it now stands (secrets shown as `<redacted>`).
    pub config: Config,
}

/// The request is the configuration itself; it is decoded here so that its errors name config fields.
pub fn run(request: Value) -> Result<Configured> {
    let config = Config::from_value(request)?;
    let scopes = config.effective_scopes();
    let (connection, created) = registry::configure(config)?;
    Ok(Configured {
        connection: connection.config.connection.clone(),
        created,
        scopes,
        config: connection.config.clone(),
    })
}
