//! One log record per HTTP request to Xero: to the host's log callback and, when the connection's `log_file`
//! is set, as a JSON line in `xero-link-requests.log` in its state directory.
//!
//! Records are built from non-secret parts only: method, path, the names of query parameters (values only for
//! a few known-harmless ones), status, timing, attempt, limits left and Xero's correlation id. Headers, bodies
//! and URLs with their query strings are never recorded.

use crate::log::Level;
use serde::Serialize;
use std::path::Path;

pub const LOG_FILE: &str = "xero-link-requests.log";
const TARGET: &str = "xero_link::transport";

/// Query parameters whose values are logged; others show as `name=…`.
const PLAIN_QUERY: &[&str] = &["summarizeErrors", "unitdp", "page", "pageSize", "includeArchived", "order"];

#[derive(Debug, Clone, Serialize)]
pub struct RequestRecord<'a> {
    pub at: String,
    pub connection: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<&'a str>,
    pub method: &'a str,
    pub path: String,
    /// HTTP status, or absent when no answer came (then `failure` says why).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<&'static str>,
    pub duration_ms: u64,
    pub attempt: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minute_remaining: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub day_remaining: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_minute_remaining: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_limit_problem: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<&'a str>,
}

/// `path` with the query's parameter names, values shown only for harmless ones.
pub fn loggable_path(path: &str, query: &[(String, String)]) -> String {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    if query.is_empty() {
        return path.to_owned();
    }
    let params: Vec<String> = query
        .iter()
        .map(|(k, v)| {
            let k: String = k.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').take(40).collect();
            if PLAIN_QUERY.iter().any(|p| p.eq_ignore_ascii_case(&k)) && v.len() <= 20 {
                let v: String = v.chars().filter(char::is_ascii_alphanumeric).collect();
                format!("{k}={v}")
            } else {
                format!("{k}=…")
            }
        })
        .collect();
    format!("{path}?{}", params.join("&"))
}

impl RequestRecord<'_> {
    fn level(&self) -> Level {
        match self.status {
            Some(s) if s < 400 => Level::Info,
            Some(400 | 404) => Level::Info,
            _ => Level::Warn,
        }
    }

    fn line(&self) -> String {
        let mut s = format!("{} {} -> ", self.method, self.path);
        match (self.status, self.failure) {
            (Some(status), _) => s.push_str(&status.to_string()),
            (None, Some(failure)) => s.push_str(failure),
            (None, None) => s.push_str("no answer"),
        }
        s.push_str(&format!(" in {} ms, attempt {}, connection {}", self.duration_ms, self.attempt, self.connection));
        if let Some(tenant) = self.tenant_id {
            s.push_str(&format!(", tenant {tenant}"));
        }
        let limits: Vec<String> =
            [("minute", self.minute_remaining), ("day", self.day_remaining), ("app_minute", self.app_minute_remaining)]
                .iter()
                .filter_map(|(name, v)| v.map(|v| format!("{name} {v}")))
                .collect();
        if !limits.is_empty() {
            s.push_str(&format!(", remaining {}", limits.join(" ")));
        }
        if let Some(problem) = self.rate_limit_problem {
            s.push_str(&format!(", rate limit {problem}"));
        }
        if let Some(id) = self.correlation_id {
            s.push_str(&format!(", correlation {id}"));
        }
        s
    }

    /// Sends the record to the host's callback and, when asked, to the state directory's log file.
    pub fn emit(&self, log_file_dir: Option<&Path>) {
        crate::xlog!(self.level(), TARGET, "{}", self.line());
        if let Some(dir) = log_file_dir {
            append_line(dir, self);
        }
    }
}

fn append_line(dir: &Path, record: &RequestRecord<'_>) {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let Ok(mut line) = serde_json::to_vec(record) else { return };
    line.push(b'\n');
    // One write of one line to a file opened for appending: lines of several threads and processes never
    // interleave. A failure to log never fails the request.
    let file = std::fs::OpenOptions::new().create(true).append(true).mode(0o600).open(dir.join(LOG_FILE));
    match file {
        Ok(mut file) => {
            let _ = file.write_all(&line);
        }
        Err(e) => crate::xlog!(Level::Warn, TARGET, "cannot append to {}: {e}", dir.join(LOG_FILE).display()),
    }
}

/// Now, for records.
pub fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_hidden_unless_harmless() {
        let q = vec![
            ("summarizeErrors".to_owned(), "false".to_owned()),
            ("where".to_owned(), "Name==\"Acme\"".to_owned()),
            ("code".to_owned(), "SECRET-CODE".to_owned()),
        ];
        assert_eq!(loggable_path("/Invoices", &q), "/Invoices?summarizeErrors=false&where=…&code=…");
        assert_eq!(loggable_path("/Invoices?token=abc", &[]), "/Invoices");
    }

    #[test]
    fn line_names_status_attempt_limits_and_correlation() {
        let r = RequestRecord {
            at: now_rfc3339(),
            connection: "xero-test",
            tenant_id: Some("t-1"),
            method: "PUT",
            path: "/Invoices".into(),
            status: Some(200),
            failure: None,
            duration_ms: 12,
            attempt: 2,
            minute_remaining: Some(58),
            day_remaining: Some(4990),
            app_minute_remaining: None,
            rate_limit_problem: None,
            correlation_id: Some("c-9"),
        };
        assert_eq!(
            r.line(),
            "PUT /Invoices -> 200 in 12 ms, attempt 2, connection xero-test, tenant t-1, remaining minute 58 day 4990, correlation c-9"
        );
        let json: serde_json::Value = serde_json::to_value(&r).unwrap();
        assert_eq!(json["status"], 200);
        assert!(json.get("failure").is_none());
    }
}
