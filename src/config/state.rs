//! Where a connection keeps its durable state, and the key that seals its tokens there.

use super::Config;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// Where a connection's sign-in state is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StateStore {
    /// The SQLite database in `state_dir`, shared by the processes of one machine.
    #[default]
    Sqlite,
    /// The host's own store (e.g. its database, shared by several machines), through host callbacks.
    Host,
}

impl Config {
    /// The state directory is an absolute path.
    pub(super) fn validate_state_dir(&self) -> Result<()> {
        if !self.state_dir.is_absolute() {
            return Err(Error::validation("state_dir must be an absolute path").at("state_dir"));
        }
        Ok(())
    }

    /// A key is 32 bytes in hexadecimal.
    pub(super) fn validate_encryption_key(&self) -> Result<()> {
        if let Some(key) = &self.encryption_key {
            let k = key.expose();
            if k.len() != 64 || !k.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(Error::validation("encryption_key must be 64 hexadecimal characters (32 bytes)")
                    .at("encryption_key"));
            }
        }
        Ok(())
    }
}
