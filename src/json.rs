//! Reading request text: size and UTF-8 checks, JSON parsing, and typed decoding with field paths.

use crate::error::{Error, ErrorCode, Result};
use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_json::value::RawValue;

/// The largest request accepted, in bytes. A host pushing more records than this splits them over calls
/// (the library batches within a call anyway).
pub const MAX_REQUEST_BYTES: usize = 16 * 1024 * 1024;

/// A request's members, each still as its JSON text: an operation decodes them once, straight into its typed
/// request, and never builds a tree of values for the records it is handed.
pub type Members<'a> = Vec<Member<'a>>;
/// One member of a request: its name and its JSON text.
pub type Member<'a> = (String, &'a RawValue);

/// Nesting deeper than this is refused before anything is decoded (serde_json's own limit when it builds values).
const MAX_DEPTH: usize = 128;

/// Checks the request text of an operation and splits its JSON object into members. Nothing is changed on failure.
pub fn parse_members(bytes: &[u8]) -> Result<Members<'_>> {
    let text = request_text(bytes)?;
    check_depth(text)?;
    // One pass: the members are split out as the text is checked.
    match serde_json::from_str::<ObjectMembers>(text) {
        Ok(members) => Ok(members.0),
        Err(e) if e.classify() == serde_json::error::Category::Data => {
            // Valid JSON of another kind (rare): parsed again only to say which.
            let value: Value = serde_json::from_str(text).unwrap_or(Value::Null);
            Err(Error::bad_request(format!("request must be a JSON object, got {}", kind_of(&value))))
        }
        Err(e) => Err(Error::new(ErrorCode::BadJson, format!("request is not valid JSON: {e}"))
            .with("line", e.line())
            .with("column", e.column())),
    }
}

/// The request as text: within the size limit, UTF-8, not blank.
fn request_text(bytes: &[u8]) -> Result<&str> {
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
    Ok(text)
}

/// Refuses text nested deeper than [`MAX_DEPTH`] before it is parsed: no request needs it, and decoding it would
/// recurse.
fn check_depth(json: &str) -> Result<()> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (at, b) in json.bytes().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(Error::new(
                        ErrorCode::BadJson,
                        format!("request nests objects and arrays more than {MAX_DEPTH} deep (at byte {at})"),
                    )
                    .with("max_depth", MAX_DEPTH));
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// An object's members in order, values unparsed.
struct ObjectMembers<'a>(Vec<(String, &'a RawValue)>);

impl<'de: 'a, 'a> serde::Deserialize<'de> for ObjectMembers<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for V<'a> {
            type Value = ObjectMembers<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> std::result::Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, &'de RawValue>()? {
                    out.push((k, v));
                }
                Ok(ObjectMembers(out))
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

/// The caller's `request_id` (the last, if the request repeats it), echoed in the answer.
pub fn request_id(members: &[Member<'_>]) -> Option<Value> {
    let (_, raw) = members.iter().rev().find(|(k, _)| k == "request_id")?;
    serde_json::from_str(raw.get()).ok()
}

/// Decodes a request's members into its typed request; errors name the path of the offending field.
pub fn from_members<T: DeserializeOwned>(members: &[Member<'_>]) -> Result<T> {
    let de =
        serde::de::value::MapDeserializer::<_, serde_json::Error>::new(members.iter().map(|(k, v)| (k.as_str(), *v)));
    serde_path_to_error::deserialize(de).map_err(decode_error)
}

/// Decodes a JSON value into a typed request; errors name the path of the offending field.
pub fn from_value<T: DeserializeOwned>(value: Value) -> Result<T> {
    serde_path_to_error::deserialize(value).map_err(decode_error)
}

fn decode_error<E: std::fmt::Display>(e: serde_path_to_error::Error<E>) -> Error {
    let message = e.inner().to_string();
    let path = error_path(&e.path().to_string(), &message);
    let err = Error::bad_request(message);
    if path.is_empty() { err } else { err.at(path) }
}

/// Where a decoding error is, from serde's path and message. serde places a missing, repeated or unknown member
/// at the object that lacks or repeats it and names the member only in its message (``missing field `invoices` ``):
/// the member is added to the path, so every error says where. `""` is the request (or record) itself.
pub fn error_path(path: &str, message: &str) -> String {
    let path = if path == "." { "" } else { path };
    let member = ["missing field `", "duplicate field `", "unknown field `"]
        .iter()
        .find_map(|p| message.strip_prefix(p))
        .and_then(|rest| rest.split('`').next());
    match member {
        Some(m) if !path.ends_with(m) => {
            if path.is_empty() {
                m.to_owned()
            } else {
                format!("{path}.{m}")
            }
        }
        _ => path.to_owned(),
    }
}

/// `text` (JSON) with every `\\u` escape of an unpaired UTF-16 surrogate replaced by `\\ufffd`, so that it parses.
pub fn replace_lone_surrogates(text: &str) -> String {
    let escape_at = |i: usize| -> Option<u32> {
        let hex = text.get(i + 2..i + 6)?;
        (text[i..].starts_with("\\u") && hex.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| u32::from_str_radix(hex, 16).ok())
            .flatten()
    };
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while let Some(offset) = text[i..].find('\\') {
        let at = i + offset;
        out.push_str(&text[i..at]);
        match escape_at(at) {
            Some(0xD800..=0xDBFF) if matches!(escape_at(at + 6), Some(0xDC00..=0xDFFF)) => {
                out.push_str(&text[at..at + 12]);
                i = at + 12;
            }
            Some(0xD800..=0xDFFF) => {
                out.push_str("\\ufffd");
                i = at + 6;
            }
            // Any other escape: copied whole, so an escaped backslash before `u` is never read as an escape.
            _ => {
                let end = (at + 2).min(text.len());
                let end = (end..=text.len()).find(|&e| text.is_char_boundary(e)).unwrap_or(text.len());
                out.push_str(&text[at..end]);
                i = end;
            }
        }
    }
    out.push_str(&text[i..]);
    out
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
        assert_eq!(parse_members(b"").unwrap_err().code, ErrorCode::BadJson);
        assert_eq!(parse_members(b"{").unwrap_err().code, ErrorCode::BadJson);
        assert_eq!(parse_members(b"[]").unwrap_err().code, ErrorCode::BadRequest);
        assert_eq!(parse_members(b"{\"a\":\"\xff\"}").unwrap_err().code, ErrorCode::BadJson);
        let deep = "[".repeat(10_000);
        assert_eq!(parse_members(deep.as_bytes()).unwrap_err().code, ErrorCode::BadJson);
        let deep_closed = format!("{{\"a\":{}{}}}", "[".repeat(200), "]".repeat(200));
        let err = parse_members(deep_closed.as_bytes()).unwrap_err();
        assert_eq!((err.code, err.message.contains("128 deep")), (ErrorCode::BadJson, true));
    }

    #[test]
    fn brackets_inside_strings_are_not_nesting() {
        let text = format!("{{\"a\":\"{}\\\"{}\"}}", "[".repeat(500), "{".repeat(500));
        let members = parse_members(text.as_bytes()).unwrap();
        assert_eq!(members.len(), 1);
        assert_eq!(parse_members(b" \n {\"a\": 1} \n").unwrap().len(), 1, "whitespace around the object");
        let at_limit = format!("{{\"a\":{}{}}}", "[".repeat(127), "]".repeat(127));
        assert!(parse_members(at_limit.as_bytes()).is_ok());
    }

    #[test]
    fn lone_surrogate_escapes_are_replaced_and_pairs_kept() {
        let text = r#"{"a":"x\ud800y","b":"\ud83d\ude00","c":"\\ud800","d":"\udc00"}"#;
        let fixed = replace_lone_surrogates(text);
        assert_eq!(fixed, r#"{"a":"x\ufffdy","b":"\ud83d\ude00","c":"\\ud800","d":"\ufffd"}"#);
        assert!(serde_json::from_str::<Value>(&fixed).is_ok());
        assert!(serde_json::from_str::<Value>(text).is_err());
    }

    #[test]
    fn members_decode_into_a_typed_request_with_paths() {
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        struct R {
            #[allow(dead_code)]
            n: Vec<u32>,
        }
        let m = parse_members(br#"{"n": [1, 2]}"#).unwrap();
        assert!(from_members::<R>(&m).is_ok());
        let m = parse_members(br#"{"n": [1, "x"]}"#).unwrap();
        assert_eq!(from_members::<R>(&m).unwrap_err().path.as_deref(), Some("n[1]"));
        let m = parse_members(br#"{"n": [], "other": 1}"#).unwrap();
        assert!(from_members::<R>(&m).unwrap_err().message.contains("unknown field"));
        // A member given twice is refused rather than one of them silently winning.
        let m = parse_members(br#"{"n": [1], "n": [2]}"#).unwrap();
        assert!(from_members::<R>(&m).unwrap_err().message.contains("duplicate field `n`"));
    }
}
