//! The simulator's clock: real time since start multiplied by `time_scale`, plus a manual offset.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Instant;

pub(crate) struct Clock {
    origin: Instant,
    origin_ms: i64,
    scale: f64,
    offset_ms: AtomicI64,
}

impl Clock {
    pub(crate) fn new(scale: f64) -> Self {
        Clock {
            origin: Instant::now(),
            origin_ms: chrono::Utc::now().timestamp_millis(),
            scale,
            offset_ms: AtomicI64::new(0),
        }
    }

    /// Simulated milliseconds since the Unix epoch.
    pub(crate) fn now_ms(&self) -> i64 {
        let elapsed = self.origin.elapsed().as_secs_f64() * 1000.0 * self.scale;
        self.origin_ms + elapsed as i64 + self.offset_ms.load(Ordering::Relaxed)
    }

    /// Moves simulated time forward.
    pub(crate) fn advance_ms(&self, ms: i64) {
        self.offset_ms.fetch_add(ms.max(0), Ordering::Relaxed);
    }

    pub(crate) fn scale(&self) -> f64 {
        self.scale
    }

    /// A simulated duration as the real seconds a client should wait: rounded up, at least 1.
    pub(crate) fn real_secs(&self, sim_ms: i64) -> u64 {
        let real = sim_ms.max(0) as f64 / 1000.0 / self.scale;
        (real.ceil() as u64).max(1)
    }
}

/// Xero seconds to simulated milliseconds.
pub(crate) fn secs(s: u64) -> i64 {
    (s as i64).saturating_mul(1000)
}

/// RFC 3339 text of a simulated instant.
pub(crate) fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Xero's connection date format, e.g. `2019-12-07T18:46:19.5165400`.
pub(crate) fn connection_date(ms: i64) -> String {
    let dt = chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default();
    format!("{}0000", dt.format("%Y-%m-%dT%H:%M:%S%.3f"))
}
