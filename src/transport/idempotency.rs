//! `Idempotency-Key`s: what Xero accepts, how long it remembers one, and so until when a write that may have
//! reached Xero may be sent again.

use super::call::Call;
use crate::deadline::Deadline;
use crate::error::{Error, Result};
use std::time::{Duration, Instant};

/// Xero keeps an `Idempotency-Key` this many of its minutes from the first call (the `Idempotency-Key`
/// parameter of Xero's accounting OpenAPI spec).
pub const KEY_RETENTION_MINUTES: u64 = 6;
/// Longest `Idempotency-Key` Xero accepts.
pub const MAX_IDEMPOTENCY_KEY_LEN: usize = 128;

/// Refuses a key Xero would not accept: 1 to [`MAX_IDEMPOTENCY_KEY_LEN`] visible ASCII characters.
pub(super) fn check_key(key: &str) -> Result<()> {
    if key.is_empty() || key.len() > MAX_IDEMPOTENCY_KEY_LEN || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::internal("an Idempotency-Key has 1 to 128 visible ASCII characters"));
    }
    Ok(())
}

impl Call<'_> {
    /// A duration on Xero's clock (the key retention) in this process's time: Xero's minute is `minute_ms`.
    fn xero_time(&self, seconds: u64) -> Duration {
        Duration::from_millis(seconds.saturating_mul(self.target.config.limits.minute_ms) / 60)
    }

    /// Until when a retry of this call may be sent: a write that may have been processed only while Xero
    /// remembers its key (with a margin for the request to arrive).
    pub(super) fn retry_horizon(&self) -> Option<Instant> {
        if !self.is_write || !self.maybe_processed {
            return None;
        }
        let retention = self.xero_time(KEY_RETENTION_MINUTES * 60);
        self.first_sent.map(|t| t + retention - retention / 12)
    }

    /// The deadline of the next attempt: the caller's, or the key's retention if sooner.
    pub(super) fn attempt_deadline(&self) -> Deadline {
        match self.retry_horizon() {
            Some(horizon) => self.deadline.no_later_than(horizon),
            None => self.deadline,
        }
    }

    /// May a request that may have reached Xero be sent again?
    pub(super) fn may_resend(&self) -> bool {
        !self.is_write || self.call.idempotency_key.is_some()
    }
}
