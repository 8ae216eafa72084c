//! Answers of Xero's Accounting API as the library reads them: the first byte picks the HTTP status, then
//! `Name: value` header lines (rate-limit counts, `Retry-After`, `X-Rate-Limit-Problem`, the correlation id) up to
//! an empty line, then the body (batch answers, `ValidationException`s, problem documents, plain-text pages).
//! The error a host would get must be bounded in size.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

/// Statuses Xero answers with, and a few it should not.
const STATUSES: &[u16] = &[200, 201, 204, 301, 400, 401, 403, 404, 409, 412, 413, 429, 500, 501, 502, 503, 504, 599];

fuzz_target!(|data: &[u8]| {
    let Some((status, head, body)) = common::answer(data, STATUSES) else { return };
    let headers = xero_link::fuzzing::headers(head);
    if let Some(error) = xero_link::fuzzing::accounting_answer(status, &headers, body) {
        let json = serde_json::to_string(&error).expect("errors serialise");
        assert!(!error.message.is_empty(), "an error without a message");
        assert!(json.len() <= 8 * 1024 + head.len(), "an error of {} bytes for a {}-byte body", json.len(), body.len());
    }
});
