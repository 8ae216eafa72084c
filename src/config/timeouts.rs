//! The HTTP timeouts and the default deadline of an operation, and their bounds.

use super::Config;
use super::checks::check_range;
use crate::error::Result;
use serde::{Deserialize, Serialize};

/// HTTP timeouts and the default deadline of an operation, in milliseconds. All finite.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Timeouts {
    #[serde(default = "default_connect_ms")]
    pub connect_ms: u64,
    /// Longest wait for one HTTP exchange (request sent to response read).
    #[serde(default = "default_request_ms")]
    pub request_ms: u64,
    /// Deadline of a whole operation when the request sets none (retries and rate-limit waits included).
    #[serde(default = "default_deadline_ms")]
    pub default_deadline_ms: u64,
}

fn default_connect_ms() -> u64 {
    10_000
}
fn default_request_ms() -> u64 {
    60_000
}
fn default_deadline_ms() -> u64 {
    300_000
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect_ms: default_connect_ms(),
            request_ms: default_request_ms(),
            default_deadline_ms: default_deadline_ms(),
        }
    }
}

impl Config {
    /// Each timeout is at least a millisecond and at most its bound.
    pub(super) fn validate_timeouts(&self) -> Result<()> {
        check_range("timeouts.connect_ms", self.timeouts.connect_ms, 1, 120_000)?;
        check_range("timeouts.request_ms", self.timeouts.request_ms, 1, 600_000)?;
        check_range("timeouts.default_deadline_ms", self.timeouts.default_deadline_ms, 1, 86_400_000)?;
        Ok(())
    }
}
