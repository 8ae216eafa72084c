//! Pacing within Xero's rate limits (developer.xero.com/documentation/guides/oauth2/limits), shared by every
//! thread of the process.
//!
//! Per organisation: at most `concurrent` requests in flight, at most `per_minute` in any rolling window of
//! `minute_ms`, and the day budget Xero reports in `X-DayLimit-Remaining`. Per app: `app_per_minute`.
//! A finished request counts in the window from the moment its answer arrived, which is never earlier than
//! the moment Xero counted it: whatever fixed windows Xero uses, a rolling window stamped this way never
//! exceeds them. Xero's `X-MinLimit-Remaining` / `X-AppMinLimit-Remaining` answers add the requests other
//! processes made to the local count, and a 429 blocks the organisation (or the app) for its `Retry-After`.
//!
//! [`Pacer`] is the pure bookkeeping, driven by an explicit clock so it can be tested without sleeping;
//! [`acquire`] wraps the process-wide one with waiting and the caller's deadline.

mod pacer;
mod shared;
mod window;

pub use pacer::{Pacer, Slot, Wait};
pub use shared::{Permit, RESERVE_DIVISOR, acquire, latest_wait_end, seen};

use crate::error::{Error, ErrorCode};
use serde::Serialize;
use std::time::Duration;

/// Which of Xero's limits holds a request back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitKind {
    Minute,
    Day,
    Concurrent,
    AppMinute,
}

impl LimitKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LimitKind::Minute => "minute",
            LimitKind::Day => "day",
            LimitKind::Concurrent => "concurrent",
            LimitKind::AppMinute => "app_minute",
        }
    }

    /// Reads Xero's `X-Rate-Limit-Problem` value.
    pub fn from_problem(problem: &str) -> Option<LimitKind> {
        let p: String = problem.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_lowercase();
        match p.as_str() {
            "minute" | "minutelimit" => Some(LimitKind::Minute),
            "day" | "daily" | "daylimit" => Some(LimitKind::Day),
            "concurrent" | "concurrentlimit" => Some(LimitKind::Concurrent),
            "appminute" | "appminutelimit" => Some(LimitKind::AppMinute),
            _ => None,
        }
    }
}

/// Who a request counts against: the app (its client id) and, for Accounting API calls, the organisation.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PaceKey {
    pub app: String,
    pub tenant: Option<String>,
}

/// What one answer from Xero said about the limits.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Observed {
    /// False when the request never left this machine (connection refused): it cost Xero nothing.
    pub reached_xero: bool,
    pub minute_remaining: Option<u32>,
    pub day_remaining: Option<u32>,
    pub app_minute_remaining: Option<u32>,
    /// A 429: which limit (from `X-Rate-Limit-Problem`) and for how long (`Retry-After`, already scaled).
    pub rejected: Option<(LimitKind, Option<Duration>)>,
}

/// The last rate-limit figures Xero reported for one organisation, for `xero_status`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LimitsSeen {
    /// `X-MinLimit-Remaining` of the last answer.
    pub minute_remaining: Option<u32>,
    /// `X-DayLimit-Remaining` of the last answer.
    pub day_remaining: Option<u32>,
    /// `X-AppMinLimit-Remaining` of the last answer.
    pub app_minute_remaining: Option<u32>,
    /// When the last answer arrived (RFC 3339, UTC).
    pub observed_at: Option<String>,
    /// The limit of the last 429, if the organisation is still held back by it.
    pub blocked_by: Option<LimitKind>,
    /// Seconds until that block ends.
    pub blocked_for_seconds: Option<u64>,
    /// Requests of this process in flight now.
    pub in_flight: u32,
}

/// `rate_limited`, with `retry_after` in whole seconds (rounded up) and the limit's name.
pub fn rate_limited(limit: LimitKind, wait: Duration) -> Error {
    let seconds = wait.as_millis().div_ceil(1000).max(1) as u64;
    let what = match limit {
        LimitKind::Minute => "the organisation's per-minute limit",
        LimitKind::Day => "the organisation's daily limit",
        LimitKind::Concurrent => "the organisation's limit of requests in progress",
        LimitKind::AppMinute => "the app's per-minute limit across all organisations",
    };
    Error::new(
        ErrorCode::RateLimited,
        format!("Xero's rate limit would be exceeded ({what}); try again in {seconds} s"),
    )
    .with("retry_after", seconds)
    .with("limit", limit.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_header_values_are_read() {
        assert_eq!(LimitKind::from_problem("minute"), Some(LimitKind::Minute));
        assert_eq!(LimitKind::from_problem("Day"), Some(LimitKind::Day));
        assert_eq!(LimitKind::from_problem("concurrent"), Some(LimitKind::Concurrent));
        assert_eq!(LimitKind::from_problem("AppMinute"), Some(LimitKind::AppMinute));
        assert_eq!(LimitKind::from_problem("app_minute"), Some(LimitKind::AppMinute));
        assert_eq!(LimitKind::from_problem("weird"), None);
    }

    #[test]
    fn rate_limited_error_rounds_retry_after_up() {
        let e = rate_limited(LimitKind::Day, Duration::from_millis(1500));
        assert_eq!(e.code, ErrorCode::RateLimited);
        assert_eq!(e.details["retry_after"], 2);
        assert_eq!(e.details["limit"], "day");
    }
}
