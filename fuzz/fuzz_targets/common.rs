//! What the fuzz targets share: a connection configured against a closed loopback port (every request is refused
//! at once: nothing leaves the machine), in a state directory of this process's own, and the C ABI's calls as
//! a host makes them; and HTTP answers cut out of fuzz input.
#![allow(dead_code)] // each target uses only some of these

use serde_json::{Value, json};
use std::ffi::{CStr, CString, c_char};
use std::path::PathBuf;

/// A loopback port nothing listens on (TCP port 1, tcpmux): token and API requests are refused at once.
pub const CLOSED: &str = "http://127.0.0.1:1";

/// This process's state directory, under the system's temporary directory.
pub fn state_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xero-link-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary state directory");
    dir
}

/// A valid configuration of `connection` whose endpoints are all the closed port.
pub fn config(connection: &str) -> Value {
    json!({
        "connection": connection,
        "client_id": "FUZZ-CLIENT-ID",
        "client_secret": "FUZZ-CLIENT-SECRET",
        "redirect_uri": "https://erp.example.com/csp/sys/oauth2/OAuth2.Response.cls",
        "functions": ["debtors", "creditors", "inventory", "sales_invoices", "purchase_invoices", "payments"],
        "defaults": {"sales_account": "200", "cos_account": "310"},
        "state_dir": state_dir(),
        "endpoints": endpoints(),
    })
}

pub fn endpoints() -> Value {
    json!({
        "authorize": format!("{CLOSED}/identity/connect/authorize"),
        "token": format!("{CLOSED}/connect/token"),
        "revocation": format!("{CLOSED}/connect/revocation"),
        "connections": format!("{CLOSED}/connections"),
        "accounting": format!("{CLOSED}/api.xro/2.0"),
    })
}

/// Calls `f` as a host does and checks the header's promises on the answer: a string, owned by the caller,
/// that is a JSON object with a boolean `ok` and, when false, an error with a code and a message.
pub fn call(f: unsafe extern "C" fn(*const c_char) -> *mut c_char, request: &CStr) -> Value {
    // SAFETY: `request` is a valid NUL-terminated string for the duration of the call.
    let answer = unsafe { f(request.as_ptr()) };
    take(answer)
}

/// `xero_call(operation, request)`.
pub fn call_op(operation: &CStr, request: &CStr) -> Value {
    // SAFETY: both are valid NUL-terminated strings for the duration of the call.
    take(unsafe { xero_link::ffi::xero_call(operation.as_ptr(), request.as_ptr()) })
}

fn take(answer: *mut c_char) -> Value {
    assert!(!answer.is_null(), "the library returned NULL");
    // SAFETY: a non-NULL answer is a NUL-terminated string the library allocated, freed once below.
    let text = unsafe { CStr::from_ptr(answer) }.to_str().expect("answers are UTF-8").to_owned();
    // SAFETY: returned by the library, not freed before.
    unsafe { xero_link::ffi::xero_string_free(answer) };
    let value: Value = serde_json::from_str(&text).expect("answers are JSON");
    match value["ok"] {
        Value::Bool(true) => {}
        Value::Bool(false) => {
            let error = &value["error"];
            assert!(error["code"].as_str().is_some_and(|c| !c.is_empty()), "an error without a code: {text}");
            assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()), "an error without a message: {text}");
        }
        _ => panic!("an answer without a boolean `ok`: {text}"),
    }
    value
}

/// `value` as a C string (fuzz input with a NUL in it is cut there, as a C host's string would be).
pub fn c_string(value: &[u8]) -> CString {
    let end = value.iter().position(|b| *b == 0).unwrap_or(value.len());
    CString::new(&value[..end]).expect("no NUL before end")
}

/// An HTTP answer from fuzz input: the first byte picks the status from `statuses`, then `Name: value` header
/// lines up to an empty line, then the body. `None` for empty input.
pub fn answer<'a>(data: &'a [u8], statuses: &[u16]) -> Option<(u16, &'a [u8], &'a [u8])> {
    let (&pick, rest) = data.split_first()?;
    let status = statuses[pick as usize % statuses.len()];
    let (head, body) = match rest.windows(2).position(|w| w == b"\n\n") {
        Some(at) => (&rest[..at], &rest[at + 2..]),
        None => (&rest[..0], rest),
    };
    Some((status, head, body))
}
