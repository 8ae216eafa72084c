//! Small helpers over request JSON: Xero's field names are matched case-insensitively.

use serde_json::{Map, Value};

/// A field by name (exact first, then case-insensitive); `null` counts as absent.
pub fn get<'a>(obj: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    let v = obj.get(name).or_else(|| obj.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v))?;
    if v.is_null() { None } else { Some(v) }
}

/// Whether the field is present (even as null).
pub fn has(obj: &Map<String, Value>, name: &str) -> bool {
    obj.keys().any(|k| k.eq_ignore_ascii_case(name))
}

/// A string field; numbers and booleans are taken as their text. Empty strings count as absent.
pub fn str_of(obj: &Map<String, Value>, name: &str) -> Option<String> {
    match get(obj, name)? {
        Value::String(s) if s.trim().is_empty() => None,
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A boolean field (`true`/`false` or their text).
pub fn bool_of(obj: &Map<String, Value>, name: &str) -> Option<bool> {
    match get(obj, name)? {
        Value::Bool(b) => Some(*b),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// A nested object field.
pub fn obj_of<'a>(obj: &'a Map<String, Value>, name: &str) -> Option<&'a Map<String, Value>> {
    get(obj, name)?.as_object()
}

/// A UUID field; the all-zero UUID counts as absent (SDKs send it for "new").
pub fn uuid_of(obj: &Map<String, Value>, name: &str) -> Result<Option<uuid::Uuid>, String> {
    match str_of(obj, name) {
        None => Ok(None),
        Some(s) => match uuid::Uuid::parse_str(s.trim()) {
            Ok(u) if u.is_nil() => Ok(None),
            Ok(u) => Ok(Some(u)),
            Err(_) => Err(format!("'{s}' is not a valid value for {name}")),
        },
    }
}

/// Inserts `v` unless it is `None`.
pub fn put_opt(m: &mut Map<String, Value>, k: &str, v: Option<Value>) {
    if let Some(v) = v {
        m.insert(k.to_string(), v);
    }
}

/// Sets `key` in `m`, replacing any case-variant of it.
pub fn set_ci(m: &mut Map<String, Value>, key: &str, v: Value) {
    let existing: Vec<String> = m.keys().filter(|k| k.eq_ignore_ascii_case(key)).cloned().collect();
    for k in existing {
        m.remove(&k);
    }
    m.insert(key.to_string(), v);
}
