//! Xero's OpenAPI spec as a validator: the request and response bodies of each Accounting operation checked
//! against the schema the spec gives for it, and the per-organisation record of what broke it.
//!
//! The spec is Xero's own (`XeroAPI/Xero-OpenAPI`, `xero_accounting.yaml` v16.1.0, MIT licence), vendored in
//! `sim/spec/` with its licence. How its OpenAPI 3.0 schemas are used as JSON Schema:
//! * The operation is found from the spec's `paths` (segments compared case-insensitively, `{param}` matches
//!   any segment); the schema is `responses[status].content["application/json"].schema` (following
//!   `#/components/responses/...`) or `requestBody.content["application/json"].schema` (following
//!   `#/components/requestBodies/...`).
//! * Each schema is compiled as Draft 4 (the dialect OpenAPI 3.0 is based on, where `$ref` siblings such as
//!   `type: string` beside `$ref` are ignored) with the spec's `components` attached to the root, so
//!   `#/components/schemas/...` references resolve inside one document, reference cycles included
//!   (Contact↔ContactGroup, Invoice↔Payment↔CreditNote↔Allocation): the validator follows them lazily, so a
//!   Payment inside an Invoice inside a CreditNote's Allocation is checked too.
//! * `nullable: true` (none in v16.1.0, converted anyway) becomes `type: [T, "null"]`; `readOnly`, `example`,
//!   `default` and `x-*` extensions are annotations the validator ignores (a client may send a read-only member;
//!   Xero ignores it). `format: uuid` is checked (Draft 4 has no uuid format: registered); the unknown formats
//!   `double` and `int32` are ignored.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use jsonschema::error::ValidationErrorKind;
use jsonschema::{Draft, Validator};
use parking_lot::Mutex;
use serde_json::{Map, Value, json};

/// Xero's Accounting API spec, as vendored.
const SPEC_YAML: &str = include_str!("../spec/xero_accounting.yaml");

/// One broken rule of the spec: where in the body, and what.
#[derive(Debug, Clone)]
pub struct Violation {
    /// `Invoices[0].LineAmountTypes` (empty: the body itself).
    pub path: String,
    /// The offending value, as JSON.
    pub value: String,
    /// The validator's words.
    pub message: String,
    /// The value cannot be read as the spec's type at all: the wrong JSON type, a value outside the
    /// enumeration, a malformed UUID. Xero's reader fails on these before any rule runs (400
    /// `PostDataInvalidException`); the rest (a missing `required` member, a length over `maxLength`) are
    /// rules Xero checks per element, with its own messages.
    pub unreadable: bool,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at '{}'", self.message, self.path)
    }
}

/// The spec, loaded once per process, and the validators compiled from it (one per operation and body).
pub struct Spec {
    doc: Value,
    cache: Mutex<HashMap<String, Arc<Validator>>>,
}

/// The process's spec (parsed on first use).
pub fn spec() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(|| {
        let mut doc: Value = serde_norway::from_str(SPEC_YAML).expect("the vendored spec is valid YAML");
        convert_nullable(&mut doc);
        Spec { doc, cache: Mutex::new(HashMap::new()) }
    })
}

fn convert_nullable(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if m.get("nullable") == Some(&Value::Bool(true)) {
                if let Some(Value::String(t)) = m.get("type").cloned() {
                    m.insert("type".into(), json!([t, "null"]));
                }
            }
            m.values_mut().for_each(convert_nullable);
        }
        Value::Array(a) => a.iter_mut().for_each(convert_nullable),
        _ => {}
    }
}

impl Spec {
    fn resolve<'a>(&'a self, v: &'a Value) -> &'a Value {
        match v.get("$ref").and_then(Value::as_str) {
            Some(r) => self.doc.pointer(r.trim_start_matches('#')).unwrap_or(&Value::Null),
            None => v,
        }
    }

    /// The spec's operation for `method path` (`path` after `/api.xro/2.0`), if it has one.
    fn operation(&self, method: &str, path: &str) -> Option<(&str, &Value)> {
        let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let paths = self.doc["paths"].as_object()?;
        // Literal segments win over `{param}` ones (`/Items/{ItemID}` vs a literal path of the same length).
        let mut best: Option<(usize, &str, &Value)> = None;
        for (tpl, item) in paths {
            let t: Vec<&str> = tpl.split('/').filter(|s| !s.is_empty()).collect();
            if t.len() != segs.len()
                || !t.iter().zip(&segs).all(|(a, b)| a.starts_with('{') || a.eq_ignore_ascii_case(b))
            {
                continue;
            }
            let Some(op) = item.get(method.to_ascii_lowercase()) else { continue };
            let literal = t.iter().filter(|a| !a.starts_with('{')).count();
            if best.is_none_or(|(n, _, _)| literal > n) {
                best = Some((literal, tpl.as_str(), op));
            }
        }
        best.map(|(_, t, op)| (t, op))
    }

    fn validator(&self, key: String, schema: &Value) -> Arc<Validator> {
        if let Some(v) = self.cache.lock().get(&key) {
            return v.clone();
        }
        let mut root: Map<String, Value> = schema.as_object().cloned().unwrap_or_default();
        root.insert("components".into(), self.doc["components"].clone());
        let v = jsonschema::options()
            .with_draft(Draft::Draft4)
            .should_validate_formats(true)
            .should_ignore_unknown_formats(true)
            .with_format("uuid", |s: &str| uuid::Uuid::parse_str(s).is_ok())
            .build(&Value::Object(root))
            .unwrap_or_else(|e| panic!("the spec's schema for {key} does not compile: {e}"));
        let v = Arc::new(v);
        self.cache.lock().insert(key, v.clone());
        v
    }

    /// What is wrong with a request body for `method path`; `None` when the spec gives the operation no JSON
    /// request body (nothing to check).
    pub fn request_violations(&self, method: &str, path: &str, body: &Value) -> Option<Vec<Violation>> {
        let (tpl, op) = self.operation(method, path)?;
        let schema = self.resolve(op.get("requestBody")?).pointer("/content/application~1json/schema")?;
        let v = self.validator(format!("{method} {tpl} request"), schema);
        Some(violations(&v, body))
    }

    /// What is wrong with a response body; `None` when the spec documents no JSON body for that status.
    pub fn response_violations(&self, method: &str, path: &str, status: u16, body: &Value) -> Option<Vec<Violation>> {
        let (tpl, op) = self.operation(method, path)?;
        let resp = self.resolve(op.get("responses")?.get(status.to_string())?);
        let schema = resp.pointer("/content/application~1json/schema")?;
        let v = self.validator(format!("{method} {tpl} {status}"), schema);
        Some(violations(&v, body))
    }

    /// What is wrong with `instance` as the component schema `name` (e.g. `Invoices`).
    pub fn component_violations(&self, name: &str, instance: &Value) -> Vec<Violation> {
        let schema = json!({ "$ref": format!("#/components/schemas/{name}") });
        violations(&self.validator(format!("component {name}"), &schema), instance)
    }
}

fn violations(v: &Validator, instance: &Value) -> Vec<Violation> {
    v.iter_errors(instance)
        .map(|e| {
            let path = dotted(e.instance_path().as_str());
            let value = e.instance().to_string();
            Violation {
                unreadable: matches!(
                    e.kind(),
                    ValidationErrorKind::Type { .. }
                        | ValidationErrorKind::Enum { .. }
                        | ValidationErrorKind::Format { .. }
                ),
                message: e.to_string(),
                value: value.chars().take(200).collect(),
                path,
            }
        })
        .collect()
}

/// `/Invoices/0/LineAmountTypes` → `Invoices[0].LineAmountTypes` (as .NET's JSON reader names a path).
fn dotted(pointer: &str) -> String {
    let mut out = String::new();
    for seg in pointer.split('/').filter(|s| !s.is_empty()) {
        let seg = seg.replace("~1", "/").replace("~0", "~");
        if seg.chars().all(|c| c.is_ascii_digit()) {
            out.push_str(&format!("[{seg}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&seg);
        }
    }
    out
}

/// Whether response bodies are checked and request violations recorded when nothing says otherwise: on, unless
/// the environment variable `XERO_SIM_VALIDATE_SPEC` is `0` (or `false`/`off`).
pub fn default_enabled() -> bool {
    !matches!(
        std::env::var("XERO_SIM_VALIDATE_SPEC").map(|v| v.trim().to_ascii_lowercase()).as_deref(),
        Ok("0" | "false" | "off" | "no")
    )
}

/// An organisation's record of spec violations: the requests a client sent that broke the spec, and the
/// responses the simulator gave that broke it. Shared by an organisation's clones (a batch's backup), so
/// nothing recorded is lost when a batch is rolled back.
///
/// Whoever holds the last clone and drops it with violations still recorded panics (unless already
/// panicking), so a test whose client sent a body the spec forbids, or that made the simulator answer one,
/// fails even if it never asks. Tests that break the spec on purpose take the violations
/// ([`Organisation::take_spec_violations`](crate::accounting::Organisation::take_spec_violations),
/// [`SimHandle::take_spec_violations`](crate::SimHandle::take_spec_violations)).
#[derive(Debug, Clone)]
pub struct Checks {
    pub(crate) enabled: bool,
    recorded: Arc<Recorder>,
}

#[derive(Debug, Default)]
struct Recorder(Mutex<Vec<String>>);

impl Drop for Recorder {
    fn drop(&mut self) {
        let left = std::mem::take(&mut *self.0.lock());
        if !left.is_empty() && !std::thread::panicking() {
            panic!(
                "xero-sim: {} violation(s) of Xero's OpenAPI spec were recorded and never taken:\n{}",
                left.len(),
                left.join("\n")
            );
        }
    }
}

impl Default for Checks {
    fn default() -> Self {
        Checks { enabled: default_enabled(), recorded: Arc::default() }
    }
}

impl Checks {
    pub(crate) fn record(&self, what: String) {
        eprintln!("xero-sim: spec violation: {what}");
        self.recorded.0.lock().push(what);
    }

    pub(crate) fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.recorded.0.lock())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_read_as_dotnet_names_them() {
        assert_eq!(dotted("/Invoices/0/LineItems/2/Quantity"), "Invoices[0].LineItems[2].Quantity");
        assert_eq!(dotted(""), "");
    }

    #[test]
    fn literal_paths_win_and_unknown_operations_have_no_schema() {
        let s = spec();
        assert_eq!(
            s.operation("PUT", "/CreditNotes/x/Allocations").map(|(t, _)| t),
            Some("/CreditNotes/{CreditNoteID}/Allocations")
        );
        assert!(s.request_violations("PUT", "/Nothing", &json!({})).is_none());
    }
}
