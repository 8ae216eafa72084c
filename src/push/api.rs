//! The seam between the push engine and Xero: one trait, the production implementation over the signed-in
//! session and the transport, and JSON helpers on answers.

use crate::auth::Session;
use crate::deadline::Deadline;
use crate::error::{Error, ErrorCode};
use crate::transport::{self, ApiCall, ApiResponse, CallError, Target};

/// Sends Accounting API calls for one organisation.
pub trait XeroApi: Sync {
    /// The `xero-tenant-id` calls go to (scopes the ledger).
    fn tenant_id(&self) -> &str;
    /// Sends one call; an answer with any HTTP status is `Ok`, the caller interprets it.
    fn send(&self, call: &ApiCall, deadline: Deadline) -> Result<ApiResponse, CallError>;
    /// Calls worth having in flight at once (independent batches are sent concurrently up to this).
    fn concurrency(&self) -> usize {
        1
    }
}

/// Production: the connection's session (tokens, tenant) over `transport::send`.
pub struct SessionApi {
    session: Session,
}

impl SessionApi {
    pub fn new(session: Session) -> Self {
        SessionApi { session }
    }
}

impl XeroApi for SessionApi {
    fn tenant_id(&self) -> &str {
        &self.session.tenant_id
    }

    fn send(&self, call: &ApiCall, deadline: Deadline) -> Result<ApiResponse, CallError> {
        let target = Target {
            config: &self.session.connection.config,
            tenant_id: Some(&self.session.tenant_id),
            tokens: self.session.tokens.as_ref(),
        };
        transport::send(&target, call, deadline)
    }

    /// Xero takes this many calls per organisation at once; the transport keeps to it and to the minute limit.
    fn concurrency(&self) -> usize {
        self.session.connection.config.limits.concurrent as usize
    }
}

/// A GET call.
pub fn get(path: &str, query: Vec<(String, String)>) -> ApiCall {
    ApiCall { method: http::Method::GET, path: path.to_owned(), query, body: None, idempotency_key: None }
}

/// Turns a non-2xx answer without per-element detail into an error a person can act on.
pub fn status_error(what: &str, response: &ApiResponse) -> Error {
    let text = String::from_utf8_lossy(&response.body);
    let detail = serde_json::from_slice::<serde_json::Value>(&response.body)
        .ok()
        .and_then(|v| {
            v.get("Message")
                .or_else(|| v.get("Detail"))
                .or_else(|| v.get("message"))
                .and_then(|m| m.as_str())
                .map(str::to_owned)
        })
        .unwrap_or_else(|| crate::error::quotable_prefix(&text, 300).unwrap_or(&text).to_owned());
    let code = match response.status {
        401 => ErrorCode::ReauthRequired,
        403 => ErrorCode::TenantNotConnected,
        404 => ErrorCode::NotFound,
        429 => ErrorCode::RateLimited,
        503 => ErrorCode::XeroUnavailable,
        400 => ErrorCode::Validation,
        _ => ErrorCode::Internal,
    };
    let retryable = code.default_retryable() || response.status >= 500;
    let mut err = Error::new(code, format!("{what}: Xero answered HTTP {}: {detail}", response.status))
        .with("http_status", response.status)
        .retryable(retryable);
    if let Some(id) = &response.correlation_id {
        err = err.with("xero_correlation_id", id.as_str());
    }
    err
}

/// Sends a GET and decodes a 200 answer into Xero's collections.
pub fn fetch(
    api: &dyn XeroApi,
    what: &str,
    call: &ApiCall,
    deadline: Deadline,
) -> Result<crate::xero::Collections, Error> {
    let response = api.send(call, deadline).map_err(|e| e.error)?;
    if response.status == 404 {
        return Ok(crate::xero::Collections::default());
    }
    if !(200..300).contains(&response.status) {
        return Err(status_error(what, &response));
    }
    serde_json::from_slice(&response.body)
        .map_err(|e| Error::internal(format!("{what}: Xero's answer could not be read: {e}")))
}
