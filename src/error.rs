//! The one error type of the library and its stable machine codes.
//!
//! Every failure that reaches the host is an [`Error`]: a stable [`ErrorCode`], a message a person can act on,
//! the JSON path of the offending field where there is one, whether retrying the same call may succeed, and
//! optional details (Xero's HTTP status, correlation id, `retry_after`, per-element validation messages ...).
//! Messages never carry secrets: callers build them from field names and values that are not secret.

use serde::Serialize;
use serde_json::{Map, Value};
use std::fmt;

/// Stable machine codes. The string forms are the public contract (documented in README.md and the header);
/// codes are only ever added, never renamed or reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The request is not a JSON text: NULL, empty, invalid UTF-8, malformed, too large or too deeply nested.
    BadJson,
    /// The request is JSON but not a valid request: wrong shape, wrong type, unknown or missing field.
    BadRequest,
    /// No operation of that name exists.
    UnknownOperation,
    /// The operation exists in the contract but this build does not implement it yet.
    NotImplemented,
    /// The named connection has not been registered with `xero_configure`.
    NotConfigured,
    /// The link function this operation needs is not ticked in the connection's `functions`.
    FunctionDisabled,
    /// Nobody has signed in to Xero on this connection yet.
    NotAuthenticated,
    /// Xero no longer accepts the stored grant: an administrator must sign in again.
    ReauthRequired,
    /// The sign-in was refused at Xero or by the administrator (denied consent, wrong state, bad code ...).
    AuthFailed,
    /// No Xero organisation (tenant) has been chosen for this connection.
    TenantNotSet,
    /// The chosen organisation is no longer connected to this app, or the token lacks a scope.
    TenantNotConnected,
    /// The request or the records in it break a rule (ours or Xero's); `path` or `details` say where.
    Validation,
    /// A Xero rate limit would be exceeded before the caller's deadline; `retry_after` says when to try again.
    RateLimited,
    /// Xero is offline for maintenance, or the organisation is temporarily unavailable.
    XeroUnavailable,
    /// The network failed: connection refused, reset or dropped.
    Network,
    /// The caller's deadline or a configured timeout passed.
    Timeout,
    /// The write conflicts with the state in Xero (e.g. a document Xero no longer lets us edit).
    Conflict,
    /// The thing asked for does not exist (in Xero or in the local state).
    NotFound,
    /// Durable state could not be read or written.
    Store,
    /// A bug in xero-link (including a caught panic). Please report it.
    Internal,
    /// Per record only: Xero refused the element (its message as Xero worded it).
    Xero,
    /// Per record only: a contact, item or document the record needs is not in Xero.
    Dependency,
    /// Per record only: sent, but no answer came back; pushing again settles it without a duplicate.
    Uncertain,
}

impl ErrorCode {
    /// The stable string form, as it appears in the envelope.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadJson => "bad_json",
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::UnknownOperation => "unknown_operation",
            ErrorCode::NotImplemented => "not_implemented",
            ErrorCode::NotConfigured => "not_configured",
            ErrorCode::FunctionDisabled => "function_disabled",
            ErrorCode::NotAuthenticated => "not_authenticated",
            ErrorCode::ReauthRequired => "reauth_required",
            ErrorCode::AuthFailed => "auth_failed",
            ErrorCode::TenantNotSet => "tenant_not_set",
            ErrorCode::TenantNotConnected => "tenant_not_connected",
            ErrorCode::Validation => "validation",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::XeroUnavailable => "xero_unavailable",
            ErrorCode::Network => "network",
            ErrorCode::Timeout => "timeout",
            ErrorCode::Conflict => "conflict",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Store => "store",
            ErrorCode::Internal => "internal",
            ErrorCode::Xero => "xero",
            ErrorCode::Dependency => "dependency",
            ErrorCode::Uncertain => "uncertain",
        }
    }

    /// Whether the same call, made again later without change, may succeed.
    pub fn default_retryable(self) -> bool {
        matches!(self, ErrorCode::RateLimited | ErrorCode::XeroUnavailable | ErrorCode::Network | ErrorCode::Timeout)
    }

    /// Every code, in documentation order.
    pub const ALL: [ErrorCode; 23] = [
        ErrorCode::BadJson,
        ErrorCode::BadRequest,
        ErrorCode::UnknownOperation,
        ErrorCode::NotImplemented,
        ErrorCode::NotConfigured,
        ErrorCode::FunctionDisabled,
        ErrorCode::NotAuthenticated,
        ErrorCode::ReauthRequired,
        ErrorCode::AuthFailed,
        ErrorCode::TenantNotSet,
        ErrorCode::TenantNotConnected,
        ErrorCode::Validation,
        ErrorCode::RateLimited,
        ErrorCode::XeroUnavailable,
        ErrorCode::Network,
        ErrorCode::Timeout,
        ErrorCode::Conflict,
        ErrorCode::NotFound,
        ErrorCode::Store,
        ErrorCode::Internal,
        ErrorCode::Xero,
        ErrorCode::Dependency,
        ErrorCode::Uncertain,
    ];
}

/// A code equals its string form (`code == "xero"`), as hosts and tests read it in the envelope.
impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error as the host sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Error {
    pub code: ErrorCode,
    pub message: String,
    /// JSON path of the offending field in the request (e.g. `defaults.sales_account`), where there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    pub retryable: bool,
    /// Further machine-readable facts (`http_status`, `xero_correlation_id`, `retry_after`, `limit`, ...).
    #[serde(flatten)]
    pub details: Map<String, Value>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The first `max_chars` characters of `text` when it has more, so a message quotes an input or an answer without
/// copying all of it; `None` when `text` is short enough to quote whole.
pub fn quotable_prefix(text: &str, max_chars: usize) -> Option<&str> {
    text.char_indices().nth(max_chars).map(|(cut, _)| &text[..cut])
}

impl Error {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error { code, message: message.into(), path: None, retryable: code.default_retryable(), details: Map::new() }
    }

    /// The field at `path` is wrong.
    pub fn at(mut self, path: impl Into<String>) -> Self {
        let path = path.into();
        self.path = if path.is_empty() { None } else { Some(path) };
        self
    }

    pub fn retryable(mut self, retryable: bool) -> Self {
        self.retryable = retryable;
        self
    }

    /// Adds one detail; details named like the fixed members are refused to keep the shape stable.
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        debug_assert!(!matches!(key, "code" | "message" | "path" | "retryable"));
        self.details.insert(key.to_owned(), value.into());
        self
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Error::new(ErrorCode::BadRequest, message)
    }

    pub fn validation(message: impl Into<String>) -> Self {
        Error::new(ErrorCode::Validation, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Error::new(ErrorCode::Internal, message)
    }

    pub fn not_implemented(operation: &str) -> Self {
        Error::new(
            ErrorCode::NotImplemented,
            format!("operation `{operation}` is part of the API but not implemented in this build"),
        )
        .with("operation", operation)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.path {
            Some(path) => write!(f, "{}: {} (at {path})", self.code, self.message),
            None => write!(f, "{}: {}", self.code, self.message),
        }
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quotable_prefix_cuts_at_a_character_never_inside_one() {
        assert_eq!(quotable_prefix("abc", 3), None);
        assert_eq!(quotable_prefix("abcd", 3), Some("abc"));
        assert_eq!(quotable_prefix("éééé", 3), Some("ééé"));
        assert_eq!(quotable_prefix("", 0), None);
    }

    #[test]
    fn codes_serialize_to_their_documented_names() {
        for code in ErrorCode::ALL {
            let json = serde_json::to_value(code).unwrap();
            assert_eq!(json, Value::String(code.as_str().to_owned()));
        }
    }

    #[test]
    fn error_serializes_flat_with_details() {
        let err = Error::new(ErrorCode::RateLimited, "minute limit reached").with("retry_after", 12).at("invoices[3]");
        let json = serde_json::to_value(&err).unwrap();
        assert_eq!(json["code"], "rate_limited");
        assert_eq!(json["retryable"], true);
        assert_eq!(json["retry_after"], 12);
        assert_eq!(json["path"], "invoices[3]");
    }
}
