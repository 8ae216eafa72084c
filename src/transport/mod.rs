//! Every HTTP call to Xero goes through here: one shared client, pacing within Xero's limits, retries that are
//! safe, deadlines, Xero's answers turned into errors a person can act on, and one log record per request.
//!
//! Everything happens inside the caller's call, on the caller's thread: waits for a limit, backoff sleeps,
//! the token refresh after a 401. Nothing runs in the background.
//!
//! What [`send`] returns:
//! - `Ok(ApiResponse)` for 2xx, and for a 400 whose body is a `ValidationException` with `Elements` (the push
//!   layer reads per-element results itself; [`from_response`] turns such an answer into a `validation` error
//!   listing each element's messages with its index, for callers that want one).
//! - `Err(CallError)` for everything else, mapped by [`errors`]: `rate_limited` (with `retry_after`, `limit`),
//!   `tenant_not_connected` (with `missing_scope` when a scope is missing), `reauth_required`, `not_found`,
//!   `xero_unavailable`, `network`, `timeout`, `validation`; with `http_status` and `xero_correlation_id`.
//!
//! Retries: 429 (after its `Retry-After`), 502, 503, 504, connections dropped and timeouts, with exponential
//! backoff and jitter, bounded in count and by the deadline. A write (POST, PUT, PATCH) is retried after it may
//! have reached Xero only with an `Idempotency-Key`, and only while Xero still remembers the key (6 of Xero's
//! minutes from the first attempt); a write Xero did not process (connection refused, 429, 503) is always safe to
//! send again. A 500 is not retried: Xero caches it under the key. A write whose outcome stays unknown comes
//! back with `uncertain: true`: look it up in Xero before writing it again.

mod call;
pub mod client;
pub mod errors;
mod exchange;
mod headers;
mod idempotency;
pub mod pacing;
pub(crate) mod record;
mod retry;

pub use client::client;
pub use errors::from_response;
pub(crate) use headers::HeaderFacts;
pub use idempotency::{KEY_RETENTION_MINUTES, MAX_IDEMPOTENCY_KEY_LEN};
pub use pacing::{LimitKind, LimitsSeen};

use crate::config::Config;
use crate::deadline::Deadline;
use crate::error::{Error, Result};
use crate::secret::Secret;
use call::Call;

/// Supplies bearer tokens for one connection; the transport asks for one per request.
pub trait TokenSource: Send + Sync {
    /// A valid access token (refreshed first if it is about to expire).
    fn access_token(&self, deadline: Deadline) -> Result<Secret>;
    /// Xero rejected `rejected` with 401: refresh once unless another thread or process already has.
    fn refresh_after_rejection(&self, rejected: &Secret, deadline: Deadline) -> Result<Secret>;
}

/// One Accounting API request.
#[derive(Debug, Clone)]
pub struct ApiCall {
    pub method: http::Method,
    /// Relative to the accounting base URL, e.g. `/Invoices`.
    pub path: String,
    pub query: Vec<(String, String)>,
    /// JSON body of a PUT or POST.
    pub body: Option<Vec<u8>>,
    /// Makes a write safe to retry (≤ 128 characters; deterministic per document and content).
    pub idempotency_key: Option<String>,
}

/// Xero's answer to a call that got one (any status the caller must interpret: 200 and 400 with elements).
#[derive(Debug, Clone)]
pub struct ApiResponse {
    pub status: u16,
    pub body: Vec<u8>,
    pub correlation_id: Option<String>,
}

/// Who is calling: the connection's configuration, its tenant and its tokens.
pub struct Target<'a> {
    pub config: &'a Config,
    pub tenant_id: Option<&'a str>,
    pub tokens: &'a dyn TokenSource,
}

/// A failed call. `uncertain` is true when a write may have reached Xero although no answer came back.
#[derive(Debug, Clone)]
pub struct CallError {
    pub error: Error,
    pub uncertain: bool,
}

impl From<Error> for CallError {
    fn from(error: Error) -> Self {
        CallError { error, uncertain: false }
    }
}

/// The rate-limit figures Xero last reported for a connection's organisation (`None` before the first call).
pub fn limits_seen(config: &Config, tenant_id: &str) -> Option<LimitsSeen> {
    pacing::seen(&config.client_id, tenant_id)
}

/// Sends one Accounting API call with pacing and retries, within `deadline`.
pub fn send(target: &Target<'_>, call: &ApiCall, deadline: Deadline) -> Result<ApiResponse, CallError> {
    Call::new(target, call, deadline)?.run()
}
