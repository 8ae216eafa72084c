//! Reading request text: size and UTF-8 checks, JSON parsing, and typed decoding with field paths.

use crate::error::{Error, ErrorCode, Result};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// The largest request accepted, in bytes. A host pushing more records than this splits them over calls
/// (the library batches within a call anyway).
pub const MAX_REQUEST_BYTES: usize = 16 * 1024 * 1024;

/// Parses the request text of an operation into its JSON object. Nothing is changed on failure.
pub fn parse_object(bytes: &[u8]) -> Result<Map<String, Value>> {
    if bytes.len() > MAX_REQUEST_BYTES {
        return Err(Error::new(
            ErrorCode::BadJson,
            format!(
                "request is {} bytes, more than the {} accepted: split it over several calls",
                bytes.len(),
                MAX_REQUEST_BYTES
            ),
        )
        .with("max_bytes", MAX_REQUEST_BYTES));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        Error::new(
            ErrorCode::BadJson,
            format!("request is not valid UTF-8 (first bad byte at offset {})", e.valid_up_to()),
        )
        .with("offset", e.valid_up_to())
    })?;
    if text.trim().is_empty() {
        return Err(Error::new(ErrorCode::BadJson, "request is empty: expected a JSON object"));
    }
    // serde_json refuses nesting deeper than 128 levels, so hostile input cannot exhaust the stack.
    let value: Value = serde_json::from_str(text).map_err(|e| {
        Error::new(ErrorCode::BadJson, format!("request is not valid JSON: {e}"))
            .with("line", e.line())
            .with("column", e.column())
    })?;
    match value {
        Value::Object(map) => Ok(map),
        other => Err(Error::bad_request(format!("request must be a JSON object, got {}", kind_of(&other)))),
    }
}

/// Decodes a JSON value into a typed request; errors name the path of the offending field.
pub fn from_value<T: DeserializeOwned>(value: Value) -> Result<T> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        let err = Error::bad_request(inner);
        if path == "." { err } else { err.at(path) }
    })
}

pub fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_what_is_not_a_json_object() {
        assert_eq!(parse_object(b"").unwrap_err().code, ErrorCode::BadJson);
        assert_eq!(parse_object(b"{").unwrap_err().code, ErrorCode::BadJson);
        assert_eq!(parse_object(b"[]").unwrap_err().code, ErrorCode::BadRequest);
        assert_eq!(parse_object(b"{\"a\":\"\xff\"}").unwrap_err().code, ErrorCode::BadJson);
        let deep = "[".repeat(10_000);
        assert_eq!(parse_object(deep.as_bytes()).unwrap_err().code, ErrorCode::BadJson);
    }
}
