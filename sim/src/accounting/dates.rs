//! Xero's date forms: `/Date(ms+0000)/` out; `YYYY-MM-DD`, ISO date-times and `/Date(ms)/` in.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

pub fn date_ms(d: NaiveDate) -> i64 {
    d.and_hms_opt(0, 0, 0).expect("midnight").and_utc().timestamp_millis()
}

/// `/Date(1539993600000+0000)/`
pub fn ms_date(d: NaiveDate) -> String {
    format!("/Date({}+0000)/", date_ms(d))
}

/// `2018-10-20T00:00:00`
pub fn date_string(d: NaiveDate) -> String {
    format!("{}T00:00:00", d.format("%Y-%m-%d"))
}

/// `/Date(1573755038314+0000)/`
pub fn ms_datetime(ms: i64) -> String {
    format!("/Date({ms}+0000)/")
}

/// `2019-11-14T18:10:38Z`
pub fn iso_utc(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms).unwrap_or_default().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The simulator's "today" (UTC).
pub fn today(now_ms: i64) -> NaiveDate {
    DateTime::<Utc>::from_timestamp_millis(now_ms).unwrap_or_default().date_naive()
}

/// Parses a request date: `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM:SS[.fff][Z|±hh:mm]`, `/Date(ms[±hhmm])/`.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if let Some(ms) = parse_ms_date(s) {
        return DateTime::<Utc>::from_timestamp_millis(ms).map(|d| d.date_naive());
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Some(d);
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.date_naive());
    }
    for f in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S%.f"] {
        if let Ok(d) = NaiveDateTime::parse_from_str(s, f) {
            return Some(d.date());
        }
    }
    None
}

/// Milliseconds of a `/Date(ms)/` or `/Date(ms+0000)/` string.
pub fn parse_ms_date(s: &str) -> Option<i64> {
    let inner = s.strip_prefix("/Date(")?.strip_suffix(")/")?;
    let end = inner[1..].find(['+', '-']).map(|i| i + 1).unwrap_or(inner.len());
    inner[..end].parse().ok()
}

/// Milliseconds of an `If-Modified-Since` value: ISO 8601 / RFC 3339 (`2020-02-06T12:17:43.202-08:00`, the spec's
/// example; without an offset: UTC), an HTTP date (`Wed, 21 Oct 2015 07:28:00 GMT`), `YYYY-MM-DD` (midnight UTC)
/// or `/Date(ms)/`. None when it is none of these.
pub fn parse_instant(s: &str) -> Option<i64> {
    let s = s.trim();
    if let Some(ms) = parse_ms_date(s) {
        return Some(ms);
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.timestamp_millis());
    }
    if let Ok(d) = DateTime::parse_from_rfc2822(s) {
        return Some(d.timestamp_millis());
    }
    for f in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(d) = NaiveDateTime::parse_from_str(s, f) {
            return Some(d.and_utc().timestamp_millis());
        }
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().map(date_ms)
}
