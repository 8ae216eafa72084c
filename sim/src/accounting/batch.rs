//! Request bodies and response envelopes: the success envelope, a request's elements, and the batch run with
//! Xero's summarizeErrors semantics.

use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::*;

/// The standard success envelope.
pub(crate) fn envelope(ctx: &Ctx, key: &str, items: Vec<Value>, pagination: Option<Value>) -> ApiResponse {
    let mut m = Map::new();
    m.insert("Id".into(), json!(Uuid::new_v4().to_string()));
    m.insert("Status".into(), json!("OK"));
    m.insert("ProviderName".into(), json!("xero-sim"));
    m.insert("DateTimeUTC".into(), json!(format!("/Date({})/", ctx.now_ms)));
    if let Some(p) = pagination {
        m.insert("pagination".into(), p);
    }
    m.insert(key.into(), Value::Array(items));
    ApiResponse { status: 200, body: Value::Object(m) }
}

/// The elements of a request body: `{"Key": [...]}`, a single element object, or a bare array.
pub(crate) fn parse_elements(body: Option<&[u8]>, key: &str) -> Result<Vec<Value>, ApiResponse> {
    let body = body.unwrap_or(&[]);
    if body.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(errors::post_data_invalid(
            "No data has been received. Please ensure the request body is not empty.",
        ));
    }
    let v: Value = serde_json::from_slice(body)
        .map_err(|e| errors::post_data_invalid(&format!("JSON for post data was invalid,{e}")))?;
    match v {
        Value::Array(a) => Ok(a),
        Value::Object(m) => match json::get(&m, key) {
            Some(Value::Array(a)) => Ok(a.clone()),
            Some(Value::Object(o)) => Ok(vec![Value::Object(o.clone())]),
            Some(_) => {
                Err(errors::post_data_invalid(&format!("JSON for post data was invalid,'{key}' must be an array")))
            }
            None if json::has(&m, key) => Ok(Vec::new()),
            None => Ok(vec![Value::Object(m)]),
        },
        _ => Err(errors::post_data_invalid("JSON for post data was invalid,expected an object")),
    }
}

/// The outcome of one element's processing: the id of what was stored, or Xero's messages.
pub(crate) type ElementResult = Result<Uuid, Vec<String>>;

/// Runs a batch with Xero's summarizeErrors semantics.
///
/// * summarizeErrors (default): any failing element → 400 `ValidationException` listing every element in
///   input order (failing ones with their `ValidationErrors`), and nothing is stored.
/// * `summarizeErrors=false`: 200; valid elements are stored; every element carries
///   `StatusAttributeString` `OK`/`ERROR`.
///
/// Each `process` call must be atomic: validate first, then mutate.
pub(crate) fn run_batch(
    org: &mut Organisation,
    ctx: &Ctx,
    key: &str,
    err_flag: Option<&str>,
    elems: Vec<Value>,
    mut process: impl FnMut(&mut Organisation, &Ctx, &Value) -> ElementResult,
    render: impl Fn(&Organisation, &Ctx, Uuid) -> Value,
) -> ApiResponse {
    let backup = if ctx.summarize { Some(org.clone()) } else { None };
    let results: Vec<ElementResult> = elems.iter().map(|e| process(org, ctx, e)).collect();
    let any_err = results.iter().any(Result::is_err);
    let echo = |e: &Value, errs: &[String]| {
        let mut m = e.as_object().cloned().unwrap_or_default();
        m.insert("ValidationErrors".into(), Value::Array(errs.iter().map(|s| json!({ "Message": s })).collect()));
        if !errs.is_empty() {
            m.insert("StatusAttributeString".into(), json!("ERROR"));
            if let Some(f) = err_flag {
                m.insert(f.into(), json!(true));
            }
        }
        Value::Object(m)
    };
    if any_err && ctx.summarize {
        if let Some(b) = backup {
            *org = b;
        }
        let elements: Vec<Value> = elems
            .iter()
            .zip(&results)
            .map(|(e, r)| match r {
                Ok(_) => echo(e, &[]),
                Err(errs) => echo(e, errs),
            })
            .collect();
        return errors::validation_exception(elements);
    }
    let out: Vec<Value> = elems
        .iter()
        .zip(&results)
        .map(|(e, r)| match r {
            Ok(id) => {
                let mut v = render(org, ctx, *id);
                if let Some(m) = v.as_object_mut() {
                    // A saved element with notices says WARNING (Xero's spec: StatusAttributeString, Warnings).
                    let warned = m.get("Warnings").and_then(Value::as_array).is_some_and(|w| !w.is_empty());
                    m.insert("StatusAttributeString".into(), json!(if warned { "WARNING" } else { "OK" }));
                }
                v
            }
            Err(errs) => echo(e, errs),
        })
        .collect();
    envelope(ctx, key, out, None)
}
