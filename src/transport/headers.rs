//! What Xero's answer headers say: the limits left, a 429's `Retry-After` and problem, and the correlation id.

use super::LimitKind;
use reqwest::header::HeaderMap;
use std::time::Duration;

/// What Xero's headers say about limits and the request.
#[derive(Debug, Default)]
pub(crate) struct HeaderFacts {
    pub minute_remaining: Option<u32>,
    pub day_remaining: Option<u32>,
    pub app_minute_remaining: Option<u32>,
    pub retry_after: Option<Duration>,
    pub problem: Option<LimitKind>,
    pub correlation_id: Option<String>,
}

impl HeaderFacts {
    /// `Retry-After` is in real seconds (a simulator with a scaled clock converts it too).
    pub(crate) fn read(headers: &HeaderMap) -> HeaderFacts {
        let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
        let number = |name: &str| text(name).and_then(|v| v.parse::<u32>().ok());
        HeaderFacts {
            minute_remaining: number("x-minlimit-remaining"),
            day_remaining: number("x-daylimit-remaining"),
            app_minute_remaining: number("x-appminlimit-remaining"),
            retry_after: text("retry-after").and_then(|v| v.parse::<u64>().ok()).map(Duration::from_secs),
            problem: text("x-rate-limit-problem").and_then(LimitKind::from_problem),
            correlation_id: text("xero-correlation-id")
                .filter(|v| !v.is_empty() && v.len() <= 100 && v.bytes().all(|b| b.is_ascii_graphic()))
                .map(str::to_owned),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_give_limits_retry_after_scaled_and_correlation() {
        let mut h = HeaderMap::new();
        h.insert("X-MinLimit-Remaining", "12".parse().unwrap());
        h.insert("X-DayLimit-Remaining", "4000".parse().unwrap());
        h.insert("X-AppMinLimit-Remaining", "9999".parse().unwrap());
        h.insert("Retry-After", "30".parse().unwrap());
        h.insert("X-Rate-Limit-Problem", "minute".parse().unwrap());
        h.insert("Xero-Correlation-Id", "abc-123".parse().unwrap());
        let f = HeaderFacts::read(&h);
        assert_eq!((f.minute_remaining, f.day_remaining, f.app_minute_remaining), (Some(12), Some(4000), Some(9999)));
        assert_eq!(f.retry_after, Some(Duration::from_secs(30)));
        assert_eq!(f.problem, Some(LimitKind::Minute));
        assert_eq!(f.correlation_id.as_deref(), Some("abc-123"));
        let f = HeaderFacts::read(&HeaderMap::new());
        assert!(f.minute_remaining.is_none() && f.retry_after.is_none() && f.correlation_id.is_none());
    }
}
