//! The process's named connections, each registered by `xero_configure` and shared by every thread.

use crate::config::Config;
use crate::error::{Error, ErrorCode, Result};
use once_cell::sync::Lazy;
use parking_lot::RwLock;
use std::collections::HashMap;
use std::sync::Arc;

/// One named connection as this process knows it.
#[derive(Debug)]
pub struct Connection {
    pub config: Config,
}

static CONNECTIONS: Lazy<RwLock<HashMap<String, Arc<Connection>>>> = Lazy::new(|| RwLock::new(HashMap::new()));

/// Registers a connection or replaces its configuration. Returns whether it is new to this process.
/// The state directory is created first, so a failure leaves the registry as it was.
pub fn configure(config: Config) -> Result<(Arc<Connection>, bool)> {
    create_state_dir(&config)?;
    let connection = Arc::new(Connection { config });
    let previous = CONNECTIONS.write().insert(connection.config.connection.clone(), Arc::clone(&connection));
    Ok((connection, previous.is_none()))
}

/// The connection registered under `name`.
pub fn get(name: &str) -> Result<Arc<Connection>> {
    CONNECTIONS.read().get(name).cloned().ok_or_else(|| {
        Error::new(
            ErrorCode::NotConfigured,
            format!("connection `{}` is not configured in this process: call xero_configure first", shown(name)),
        )
        .at("connection")
    })
}

/// A name as an error shows it: one longer than a configured name can be (64 bytes) is cut, so that a host's
/// mistake (a whole document passed as the name) gets a short answer, not a copy of its input.
fn shown(name: &str) -> String {
    match crate::error::quotable_prefix(name, 64) {
        Some(start) => format!("{start}… ({} bytes)", name.len()),
        None => name.to_owned(),
    }
}

fn create_state_dir(config: &Config) -> Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    let dir = &config.state_dir;
    if dir.is_dir() {
        return Ok(());
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| Error::validation(format!("state_dir {} cannot be created: {e}", dir.display())).at("state_dir"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_connection_is_named_in_at_most_64_characters() {
        let long = "é".repeat(40_000);
        let message = |name: &str| match get(name) {
            Ok(_) => panic!("{name} is not configured"),
            Err(e) => e.message,
        };
        let message_of_long = message(&long);
        assert!(message_of_long.len() < 300, "{} bytes", message_of_long.len());
        assert!(message_of_long.contains(&format!("{}… (80000 bytes)", "é".repeat(64))), "{message_of_long}");
        assert!(message("xero-unknown").contains("`xero-unknown`"));
    }
}
