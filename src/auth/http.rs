//! The HTTP client of the sign-in: token endpoint (through the oauth2 crate), connections, revocation.
//!
//! One blocking reqwest client per timeout setting, shared. Redirects are never followed (a token endpoint that
//! redirects is misconfigured, and following it would carry the credentials elsewhere); TLS is verified; only
//! https or loopback endpoints reach here (config validation). All exchanges use the transport's shared client.

pub use ::http::Method;

use crate::config::Config;
use crate::deadline::Deadline;
use crate::error::{Error, ErrorCode, Result};
use crate::secret::Secret;
use crate::transport::record;
use std::cell::Cell;
use std::time::{Duration, Instant};

/// The process's one HTTP client (the transport's), so sign-in and API calls share connections and settings.
pub fn client(config: &Config) -> Result<reqwest::blocking::Client> {
    crate::transport::client(&config.timeouts)
}

/// How long one exchange may take: the configured request timeout, cut to the deadline.
pub fn exchange_timeout(config: &Config, deadline: Deadline) -> Result<Duration> {
    let remaining = deadline.remaining();
    if remaining.is_zero() {
        return Err(Error::new(ErrorCode::Timeout, "the deadline passed before Xero could be asked"));
    }
    Ok(remaining.min(Duration::from_millis(config.timeouts.request_ms)))
}

/// Why an exchange got no answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// The connection was never made: the request surely did not reach Xero.
    Connect,
    /// No answer in time: the request may have been processed.
    Timeout,
    /// The connection broke after the request was (maybe) sent: it may have been processed.
    Dropped,
}

impl FailureKind {
    /// As the request log words it.
    pub fn as_str(self) -> &'static str {
        match self {
            FailureKind::Timeout => "timeout",
            FailureKind::Connect => "connection failed",
            FailureKind::Dropped => "connection dropped",
        }
    }
}

/// An exchange without an answer. Its message names no URL query, header or body.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct HttpFailure {
    pub kind: FailureKind,
    pub message: String,
}

impl HttpFailure {
    /// Whether Xero may have acted on the request.
    pub fn uncertain(&self) -> bool {
        self.kind != FailureKind::Connect
    }

    pub fn into_error(self, what: &str) -> Error {
        let code = if self.kind == FailureKind::Timeout { ErrorCode::Timeout } else { ErrorCode::Network };
        Error::new(code, format!("{what}: {}", self.message))
    }
}

pub fn failure(e: reqwest::Error) -> HttpFailure {
    let kind = if e.is_connect() {
        FailureKind::Connect
    } else if e.is_timeout() {
        FailureKind::Timeout
    } else {
        FailureKind::Dropped
    };
    // The causes say what broke (refused, reset, closed early); none of them carries a header or body.
    let mut causes = String::new();
    let mut cause: Option<&dyn std::error::Error> = std::error::Error::source(&e);
    while let Some(c) = cause {
        causes.push_str(": ");
        causes.push_str(&c.to_string());
        cause = c.source();
    }
    let e = e.without_url();
    let mut message = e.to_string();
    if !message.ends_with(&causes) {
        message.push_str(&causes);
    }
    HttpFailure { kind, message }
}

/// The request log's record of one exchange of the sign-in (token, connections, revocation), as the transport
/// writes one for every Accounting API request: method, path, status or failure, time. Nothing secret.
pub fn log_exchange(
    config: &Config,
    method: &str,
    url: &str,
    answer: std::result::Result<u16, &HttpFailure>,
    started: Instant,
) {
    let path = url::Url::parse(url).map(|u| u.path().to_owned()).unwrap_or_default();
    let (status, failure) = match answer {
        Ok(status) => (Some(status), None),
        Err(f) => (None, Some(f.kind.as_str())),
    };
    record::RequestRecord {
        at: record::now_rfc3339(),
        connection: &config.connection,
        tenant_id: None,
        method,
        path,
        status,
        failure,
        duration_ms: started.elapsed().as_millis() as u64,
        attempt: 1,
        minute_remaining: None,
        day_remaining: None,
        app_minute_remaining: None,
        rate_limit_problem: None,
        correlation_id: None,
    }
    .emit(config.log_file.then_some(config.state_dir.as_path()));
}

/// Sends one `http` request (built by the oauth2 crate) and returns the whole answer. `status` records the answer's
/// status, so that an answer the oauth2 crate cannot parse can still be explained without showing its body.
pub fn send(
    config: &Config,
    client: &reqwest::blocking::Client,
    request: oauth2::HttpRequest,
    timeout: Duration,
    status: &Cell<Option<u16>>,
) -> std::result::Result<oauth2::HttpResponse, HttpFailure> {
    let (parts, body) = request.into_parts();
    let (method, url) = (parts.method.to_string(), parts.uri.to_string());
    let started = Instant::now();
    let response = client
        .request(parts.method, &url)
        .headers(parts.headers)
        .body(body)
        .timeout(timeout)
        .send()
        .map_err(failure)
        .inspect_err(|f| log_exchange(config, &method, &url, Err(f), started))?;
    log_exchange(config, &method, &url, Ok(response.status().as_u16()), started);
    status.set(Some(response.status().as_u16()));
    let mut builder = http::Response::builder().status(response.status());
    for (name, value) in response.headers() {
        builder = builder.header(name, value);
    }
    let bytes = response.bytes().map_err(failure)?;
    builder
        .body(bytes.to_vec())
        .map_err(|e| HttpFailure { kind: FailureKind::Dropped, message: format!("unreadable answer: {e}") })
}

/// A bearer-authenticated answer from Xero's connections endpoint.
pub struct BearerResponse {
    pub status: u16,
    pub body: Vec<u8>,
}

/// `GET`/`DELETE` with a bearer token (no tenant header), within `deadline`.
pub fn bearer(
    config: &Config,
    method: Method,
    url: &url::Url,
    token: &Secret,
    deadline: Deadline,
) -> std::result::Result<BearerResponse, HttpFailure> {
    let timeout = exchange_timeout(config, deadline)
        .map_err(|e| HttpFailure { kind: FailureKind::Timeout, message: e.message })?;
    let client = client(config).map_err(|e| HttpFailure { kind: FailureKind::Connect, message: e.message })?;
    let (method_name, started) = (method.to_string(), Instant::now());
    let response = client
        .request(method, url.clone())
        .bearer_auth(token.expose())
        .header(http::header::ACCEPT, "application/json")
        .timeout(timeout)
        .send()
        .map_err(failure)
        .inspect_err(|f| log_exchange(config, &method_name, url.as_str(), Err(f), started))?;
    let status = response.status().as_u16();
    log_exchange(config, &method_name, url.as_str(), Ok(status), started);
    let body = response.bytes().map_err(failure)?.to_vec();
    Ok(BearerResponse { status, body })
}
