//! Entry points for the fuzz targets in `fuzz/`: what Xero sends back, read the way the library reads it, without
//! a network. The JSON operations and the sign-in callback are fuzzed through the C ABI itself.

use crate::auth::oauth;
use crate::config::{Config, ScopeProfile};
use crate::error::Error;
use crate::transport::HeaderFacts;
use crate::transport::errors::{self, Body, Facts};
use http::{HeaderMap, HeaderName, HeaderValue, Method};

/// The members the push keeps of each element of a batch answer (as `push::engine` asks for them).
const INVOICE_MEMBERS: &[&str] =
    &["InvoiceID", "InvoiceNumber", "StatusAttributeString", "ValidationErrors", "Warnings"];

/// Headers from `Name: value` lines; lines that are not a valid header are dropped, as the HTTP client would
/// never hand them over.
pub fn headers(block: &[u8]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for line in block.split(|b| *b == b'\n') {
        let Some(colon) = line.iter().position(|b| *b == b':') else { continue };
        let value = line[colon + 1..].trim_ascii();
        if let (Ok(name), Ok(value)) = (HeaderName::from_bytes(&line[..colon]), HeaderValue::from_bytes(value)) {
            map.append(name, value);
        }
    }
    map
}

/// An Accounting API answer read as the transport and the push read it: the rate-limit headers, the batch
/// answer's elements, the documents; and, when the status is not a success, the error the host is given.
pub fn accounting_answer(status: u16, headers: &HeaderMap, body: &[u8]) -> Option<Error> {
    let facts = HeaderFacts::read(headers);
    let read = Body::parse(body);
    let _ = (read.has_elements(), read.summary());
    let _ = crate::push::answer::elements(body, "Invoices", INVOICE_MEMBERS);
    let _ = serde_json::from_slice::<crate::xero::Collections>(body);
    if (200..300).contains(&status) {
        return None;
    }
    Some(errors::from_facts(&Facts {
        status,
        body,
        correlation_id: facts.correlation_id.as_deref(),
        method: Some(&Method::POST),
        path: Some("/Invoices"),
        scope_profile: ScopeProfile::Granular,
        retry_after: facts.retry_after,
        problem: facts.problem,
    }))
}

/// A token answer (`status`, `headers`, `body`) to a refresh, read by the oauth2 crate and the library:
/// `Ok(())` for tokens, else the error the host is given.
pub fn token_answer(config: &Config, status: u16, headers: &HeaderMap, body: &[u8]) -> Result<(), Error> {
    let mut answer = http::Response::new(body.to_vec());
    *answer.status_mut() = http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::OK);
    *answer.headers_mut() = headers.clone();
    let tokens = oauth::refresh_answered(config, answer).map_err(|f| f.into_error("refreshing the token"))?;
    let _ = (tokens.expires_at_ms(), tokens.scopes);
    Ok(())
}
