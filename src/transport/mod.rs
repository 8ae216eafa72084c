//! Every HTTP call to Xero goes through here: one shared client, pacing within Xero's limits, retries that are
//! safe, deadlines, Xero's answers turned into errors a person can act on, and one log record per request.

use crate::auth::TokenSource;
use crate::config::Config;
use crate::deadline::Deadline;
use crate::error::{Error, Result};

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

/// Sends one Accounting API call with pacing and retries, within `deadline`.
pub fn send(target: &Target<'_>, call: &ApiCall, deadline: Deadline) -> Result<ApiResponse, CallError> {
    let _ = (target, call, deadline);
    Err(Error::not_implemented("transport").into())
}
