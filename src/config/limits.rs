//! Xero's rate limits as a connection is subject to them, and their bounds.

use super::Config;
use super::checks::check_range;
use crate::error::Result;
use serde::{Deserialize, Serialize};

/// Xero's rate limits (developer.xero.com/documentation/guides/oauth2/limits). The transport keeps under them
/// instead of bumping into them.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Requests in progress at once, per organisation.
    #[serde(default = "default_concurrent")]
    pub concurrent: u32,
    /// Requests per minute, per organisation.
    #[serde(default = "default_per_minute")]
    pub per_minute: u32,
    /// Requests per day, per organisation: 5000, or 1000 on Xero's Starter tier. Xero's
    /// `X-DayLimit-Remaining` answers take precedence once seen.
    #[serde(default = "default_per_day")]
    pub per_day: u32,
    /// Requests per minute across all organisations of the app.
    #[serde(default = "default_app_per_minute")]
    pub app_per_minute: u32,
    /// Length of Xero's minute in milliseconds: 60000 against Xero. A simulator with a scaled clock uses a
    /// shorter one; the idempotency-key retention (6 minutes) scales with it. `Retry-After` is always taken
    /// as real seconds.
    #[serde(default = "default_minute_ms")]
    pub minute_ms: u64,
}

fn default_concurrent() -> u32 {
    5
}
fn default_per_minute() -> u32 {
    60
}
fn default_per_day() -> u32 {
    5000
}
fn default_app_per_minute() -> u32 {
    10_000
}
fn default_minute_ms() -> u64 {
    60_000
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            concurrent: default_concurrent(),
            per_minute: default_per_minute(),
            per_day: default_per_day(),
            app_per_minute: default_app_per_minute(),
            minute_ms: default_minute_ms(),
        }
    }
}

impl Config {
    /// Xero's limits as configured stay within sensible bounds.
    pub(super) fn validate_limits(&self) -> Result<()> {
        check_range("limits.concurrent", u64::from(self.limits.concurrent), 1, 100)?;
        check_range("limits.per_minute", u64::from(self.limits.per_minute), 1, 100_000)?;
        check_range("limits.per_day", u64::from(self.limits.per_day), 1, 10_000_000)?;
        check_range("limits.app_per_minute", u64::from(self.limits.app_per_minute), 1, 10_000_000)?;
        check_range("limits.minute_ms", self.limits.minute_ms, 10, 3_600_000)?;
        Ok(())
    }
}
