//! Xero's answers turned into errors a person can act on (the `Error`, `Element` and `ValidationError` schemas
//! of Xero's accounting OpenAPI spec; developer.xero.com/documentation/api/accounting/responsecodes). Every error
//! names Xero's HTTP status and, when Xero gave one, its correlation id (`http_status`, `xero_correlation_id`),
//! so support at Xero can find the request.
//!
//! Bodies are read defensively: JSON problem documents, `ValidationException`s, plain-text maintenance pages
//! and form-encoded OAuth errors all give a message; nothing in a body can break the mapping.

use super::ApiResponse;
use super::pacing::{LimitKind, rate_limited};
use crate::config::ScopeProfile;
use crate::error::{Error, ErrorCode};
use serde_json::{Value, json};
use std::time::Duration;

/// Longest piece of a Xero body quoted in a message.
const MAX_QUOTE: usize = 300;

/// The error for a Xero answer that is not a success, from the answer alone (for callers of
/// [`super::send`] that got a 400 with elements back and want it as an error).
pub fn from_response(response: &ApiResponse) -> Error {
    let facts = Facts {
        status: response.status,
        body: &response.body,
        correlation_id: response.correlation_id.as_deref(),
        method: None,
        path: None,
        scope_profile: ScopeProfile::Granular,
        retry_after: None,
        problem: None,
    };
    from_facts(&facts)
}

/// Everything known about one answer.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Facts<'a> {
    pub status: u16,
    pub body: &'a [u8],
    pub correlation_id: Option<&'a str>,
    pub method: Option<&'a http::Method>,
    /// The request's path relative to the Accounting API base, e.g. `/Invoices`.
    pub path: Option<&'a str>,
    pub scope_profile: ScopeProfile,
    pub retry_after: Option<Duration>,
    pub problem: Option<LimitKind>,
}

pub(crate) fn from_facts(facts: &Facts<'_>) -> Error {
    let body = Body::parse(facts.body);
    let error = match facts.status {
        400 => validation(&body),
        401 | 403 => refused_access(facts, &body),
        404 => Error::new(
            ErrorCode::NotFound,
            format!(
                "Xero does not know {} ({})",
                facts.path.map_or("the resource".to_owned(), |p| format!("`{p}`")),
                body.summary().unwrap_or_else(|| "404 Not Found".into())
            ),
        ),
        413 => Error::validation(format!(
            "the request is larger than Xero accepts in one call (3.5 MB; {}): make the record smaller",
            body.summary().unwrap_or_else(|| "413 Request Entity Too Large".into())
        )),
        409 | 412 => Error::new(
            ErrorCode::Conflict,
            format!("Xero refused the change: {}", body.summary().unwrap_or_else(|| format!("HTTP {}", facts.status))),
        ),
        429 => {
            let limit = facts.problem.unwrap_or(LimitKind::Minute);
            rate_limited(limit, facts.retry_after.unwrap_or(Duration::from_secs(1)))
        }
        500 => Error::new(
            ErrorCode::XeroUnavailable,
            format!(
                "Xero failed with an internal error ({}); check in Xero whether the change was made before \
                 sending it again",
                body.summary().unwrap_or_else(|| "500".into())
            ),
        ),
        503 => unavailable(facts, &body),
        502 | 504 => Error::new(
            ErrorCode::XeroUnavailable,
            format!("Xero's gateway failed (HTTP {}): Xero is not available for now", facts.status),
        ),
        status if status >= 500 => Error::new(
            ErrorCode::XeroUnavailable,
            format!("Xero failed (HTTP {status}): {}", body.summary().unwrap_or_default()),
        ),
        status => Error::new(
            ErrorCode::Validation,
            format!("Xero refused the request (HTTP {status}): {}", body.summary().unwrap_or_default()),
        ),
    };
    let mut error = error.with("http_status", facts.status);
    if let Some(id) = facts.correlation_id {
        error = error.with("xero_correlation_id", id);
    }
    error
}

/// A 401 or 403: a scope the app lacks, a token Xero no longer takes, or an organisation out of reach.
fn refused_access(facts: &Facts<'_>, body: &Body) -> Error {
    if body.detail_mentions("AuthorizationUnsuccessful") {
        return missing_scope(facts);
    }
    if facts.status == 401 {
        return Error::new(
            ErrorCode::ReauthRequired,
            format!(
                "Xero refused the access token even after a refresh ({}): an administrator must sign in to Xero again",
                body.summary().unwrap_or_else(|| "401 Unauthorized".into())
            ),
        );
    }
    // developer.xero.com/documentation/oauth2/troubleshooting: "AuthenticationUnsuccessful" also when "the
    // tenant is no longer active ... deleted, the free trial has ended or a demo organisation has been reset".
    Error::new(
        ErrorCode::TenantNotConnected,
        format!(
            "Xero refused access to the organisation ({}): it is no longer connected to this app, the signed-in \
             user lost access to it, or the organisation is no longer active (deleted, its trial ended, a demo \
             company reset). Sign in again and choose the organisation",
            body.summary().unwrap_or_else(|| "403 Forbidden".into())
        ),
    )
}

/// A 503: Xero's "not now", for the organisation or for everyone.
fn unavailable(facts: &Facts<'_>, body: &Body) -> Error {
    let text = body.summary().unwrap_or_default();
    let lower = text.to_lowercase();
    let what = if lower.contains("organisation") || lower.contains("organization") {
        "the organisation is offline at Xero for now"
    } else if lower.contains("maintenance") {
        "Xero is offline for maintenance"
    } else {
        "Xero is not available for now"
    };
    let message = if text.is_empty() { what.to_owned() } else { format!("{what} ({text})") };
    let mut error = Error::new(ErrorCode::XeroUnavailable, message);
    if let Some(after) = facts.retry_after {
        error = error.with("retry_after", after.as_millis().div_ceil(1000).max(1) as u64);
    }
    error
}

/// A 400: Xero's `ValidationException` lists each element's messages; other 400s carry one message.
fn validation(body: &Body) -> Error {
    let errors = body.element_errors();
    if errors.is_empty() {
        let message = body.summary().unwrap_or_else(|| "Xero refused the request as invalid (400)".into());
        let error = Error::validation(format!("Xero refused the request: {message}"));
        // e.g. `PostDataInvalidException`: Xero could not read the body at all (the push then sends it apart).
        return match body.field("Type") {
            Some(kind) => error.with("xero_error_type", kind),
            None => error,
        };
    }
    let total = errors.len();
    let first: Vec<String> =
        errors.iter().take(3).map(|(index, messages)| format!("element {index}: {}", messages.join("; "))).collect();
    let more = if total > 3 { format!(" (and {} more)", total - 3) } else { String::new() };
    let details: Vec<Value> =
        errors.into_iter().map(|(index, messages)| json!({"index": index, "messages": messages})).collect();
    Error::validation(format!("Xero refused {total} element(s): {}{more}", first.join(" | "))).with("errors", details)
}

/// 401/403 `AuthorizationUnsuccessful`: the token lacks the scope this endpoint needs.
fn missing_scope(facts: &Facts<'_>) -> Error {
    let scope = facts.path.and_then(|p| scope_for(p, facts.method, facts.scope_profile));
    let message = match scope {
        Some(scope) => format!(
            "Xero says the connection is not authorised for this request: the scope `{scope}` is missing. Add it \
             to the connection's scopes and sign in again"
        ),
        None => "Xero says the connection is not authorised for this request (a scope is missing): check the \
                 connection's scopes and sign in again"
            .to_owned(),
    };
    let error = Error::new(ErrorCode::TenantNotConnected, message);
    match scope {
        Some(scope) => error.with("missing_scope", scope),
        None => error,
    }
}

/// The scope an Accounting API path needs (developer.xero.com/documentation/guides/oauth2/scopes).
fn scope_for(path: &str, method: Option<&http::Method>, profile: ScopeProfile) -> Option<&'static str> {
    let read = method.is_none_or(|m| *m == http::Method::GET);
    let resource = path.trim_start_matches('/').split(['/', '?']).next()?.to_ascii_lowercase();
    let granular = profile == ScopeProfile::Granular;
    Some(match resource.as_str() {
        "contacts" | "contactgroups" => pick(read, "accounting.contacts.read", "accounting.contacts"),
        "invoices" | "creditnotes" | "quotes" | "purchaseorders" | "repeatinginvoices" | "linkedtransactions" => {
            if granular {
                pick(read, "accounting.invoices.read", "accounting.invoices")
            } else {
                pick(read, "accounting.transactions.read", "accounting.transactions")
            }
        }
        "items" if granular => pick(read, "accounting.invoices.read", "accounting.invoices"),
        "payments" | "batchpayments" | "overpayments" | "prepayments" => {
            if granular {
                pick(read, "accounting.payments.read", "accounting.payments")
            } else {
                pick(read, "accounting.transactions.read", "accounting.transactions")
            }
        }
        "items" | "accounts" | "taxrates" | "trackingcategories" | "organisation" | "currencies" | "brandingthemes" => {
            pick(read, "accounting.settings.read", "accounting.settings")
        }
        _ => return None,
    })
}

fn pick(read: bool, read_scope: &'static str, write_scope: &'static str) -> &'static str {
    if read { read_scope } else { write_scope }
}

/// A Xero body, read as JSON when it is JSON.
pub(crate) struct Body<'a> {
    raw: &'a [u8],
    json: Option<Value>,
}

impl<'a> Body<'a> {
    pub(crate) fn parse(raw: &'a [u8]) -> Body<'a> {
        Body { raw, json: serde_json::from_slice(raw).ok() }
    }

    fn field(&self, name: &str) -> Option<&str> {
        self.json.as_ref()?.get(name)?.as_str().filter(|s| !s.trim().is_empty())
    }

    fn detail_mentions(&self, word: &str) -> bool {
        self.summary().is_some_and(|s| s.contains(word))
    }

    /// Whether this is a `ValidationException` with per-element results (`Elements`).
    pub(crate) fn has_elements(&self) -> bool {
        self.json.as_ref().and_then(|j| j.get("Elements")).and_then(Value::as_array).is_some_and(|a| !a.is_empty())
    }

    /// A one-line description: the problem document's `Detail`/`Title`, Xero's `Message`, an OAuth `error`,
    /// or the plain text, shortened.
    pub(crate) fn summary(&self) -> Option<String> {
        let text = if self.json.is_some() {
            let parts: Vec<&str> = ["Detail", "Message", "Title", "error_description", "error"]
                .iter()
                .filter_map(|k| self.field(k))
                .take(2)
                .collect();
            if parts.is_empty() { return None } else { parts.join(": ") }
        } else {
            let text = String::from_utf8_lossy(self.raw);
            let text = strip_tags(&text);
            text.split_whitespace().collect::<Vec<_>>().join(" ")
        };
        let text: String = text.chars().filter(|c| !c.is_control()).collect();
        if text.is_empty() {
            return None;
        }
        Some(shorten(&text))
    }

    /// `(index, messages)` of every element with validation errors, in order.
    fn element_errors(&self) -> Vec<(usize, Vec<String>)> {
        let Some(elements) = self.json.as_ref().and_then(|j| j.get("Elements")).and_then(Value::as_array) else {
            return Vec::new();
        };
        elements
            .iter()
            .enumerate()
            .filter_map(|(index, element)| {
                let messages: Vec<String> = element
                    .get("ValidationErrors")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|e| e.get("Message").and_then(Value::as_str))
                    .map(shorten)
                    .collect();
                (!messages.is_empty()).then_some((index, messages))
            })
            .collect()
    }
}

fn shorten(text: &str) -> String {
    match crate::error::quotable_prefix(text, MAX_QUOTE) {
        Some(start) => format!("{start}…"),
        None => text.to_owned(),
    }
}

/// Plain-text maintenance pages may be HTML: keep the words only.
fn strip_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(status: u16, body: &str) -> Error {
        map_at(status, body, "/Invoices", http::Method::PUT)
    }

    fn map_at(status: u16, body: &str, path: &str, method: http::Method) -> Error {
        from_facts(&Facts {
            status,
            body: body.as_bytes(),
            correlation_id: Some("corr-123"),
            method: Some(&method),
            path: Some(path),
            scope_profile: ScopeProfile::Granular,
            retry_after: None,
            problem: None,
        })
    }

    #[test]
    fn validation_exception_lists_each_elements_messages_with_its_index() {
        let body = r#"{"ErrorNumber":10,"Type":"ValidationException","Message":"A validation exception occurred",
            "Elements":[{"InvoiceNumber":"A","ValidationErrors":[]},
                        {"InvoiceNumber":"B","ValidationErrors":[{"Message":"Account code '999' is not a valid code"},{"Message":"Contact is required"}]}]}"#;
        let e = map(400, body);
        assert_eq!(e.code, ErrorCode::Validation);
        assert_eq!(e.details["http_status"], 400);
        assert_eq!(e.details["xero_correlation_id"], "corr-123");
        assert_eq!(
            e.details["errors"],
            json!([{"index": 1, "messages": ["Account code '999' is not a valid code", "Contact is required"]}])
        );
        assert!(e.message.contains("element 1: Account code '999'"), "{}", e.message);
    }

    #[test]
    fn other_400s_carry_xeros_message() {
        let e = map(
            400,
            r#"{"Type":"PostDataInvalidException","Message":"Idempotency Key abc is used with a different request"}"#,
        );
        assert_eq!(e.code, ErrorCode::Validation);
        assert!(e.message.contains("used with a different request"));
    }

    #[test]
    fn forbidden_tenant_is_not_connected_and_missing_scope_is_named() {
        let e = map(403, r#"{"Type":null,"Title":"Forbidden","Status":403,"Detail":"AuthenticationUnsuccessful"}"#);
        assert_eq!(e.code, ErrorCode::TenantNotConnected);
        assert!(e.details.get("missing_scope").is_none());
        let e = map(401, r#"{"Title":"Unauthorized","Status":401,"Detail":"AuthorizationUnsuccessful"}"#);
        assert_eq!(e.code, ErrorCode::TenantNotConnected);
        assert_eq!(e.details["missing_scope"], "accounting.invoices");
        let e = map_at(403, r#"{"Detail":"AuthorizationUnsuccessful"}"#, "/Accounts", http::Method::GET);
        assert_eq!(e.details["missing_scope"], "accounting.settings.read");
        let e = map_at(403, r#"{"Detail":"AuthorizationUnsuccessful"}"#, "/Contacts", http::Method::POST);
        assert_eq!(e.details["missing_scope"], "accounting.contacts");
    }

    #[test]
    fn token_rejected_after_refresh_asks_for_sign_in() {
        let e = map(401, r#"{"Title":"Unauthorized","Detail":"TokenExpired: token expired at 01/01/2026"}"#);
        assert_eq!(e.code, ErrorCode::ReauthRequired);
        assert!(e.message.contains("TokenExpired"));
    }

    #[test]
    fn not_found_and_maintenance_and_offline_organisation() {
        assert_eq!(map(404, "The resource you're looking for cannot be found").code, ErrorCode::NotFound);
        let e = map(503, "The Xero API is currently offline for maintenance");
        assert_eq!(e.code, ErrorCode::XeroUnavailable);
        assert!(e.retryable);
        assert!(e.message.starts_with("Xero is offline for maintenance"), "{}", e.message);
        let e = map(503, "<html><body>The organisation temporarily cannot be connected to</body></html>");
        assert!(e.message.starts_with("the organisation is offline"), "{}", e.message);
        assert!(!e.message.contains("<body>"));
    }

    #[test]
    fn bodies_that_are_not_json_never_break_the_mapping() {
        for body in
            ["", "\u{0}\u{1}garbage", "oauth_problem=token_rejected&oauth_problem_advice=x", "{not json", "[1,2"]
        {
            for status in [400, 401, 403, 404, 418, 500, 502, 503, 504] {
                let e = map(status, body);
                assert_eq!(e.details["http_status"], status);
                assert!(!e.message.contains('\u{0}'));
            }
        }
        let long = "x".repeat(10_000);
        assert!(map(500, &long).message.chars().count() < MAX_QUOTE + 200);
    }

    #[test]
    fn rate_limit_answers_give_retry_after_and_limit() {
        let e = from_facts(&Facts {
            status: 429,
            body: b"",
            correlation_id: None,
            method: None,
            path: None,
            scope_profile: ScopeProfile::Granular,
            retry_after: Some(Duration::from_secs(77_000)),
            problem: Some(LimitKind::Day),
        });
        assert_eq!((e.details["retry_after"].clone(), e.details["limit"].clone()), (json!(77_000), json!("day")));
        assert!(e.details.get("xero_correlation_id").is_none());
    }

    #[test]
    fn public_mapping_of_a_returned_400() {
        let response = ApiResponse {
            status: 400,
            body: br#"{"Type":"ValidationException","Elements":[{"ValidationErrors":[{"Message":"m"}]}]}"#.to_vec(),
            correlation_id: None,
        };
        assert_eq!(from_response(&response).details["errors"], json!([{"index": 0, "messages": ["m"]}]));
    }
}
