//! Calls to the C functions as a host makes them, the envelope read back, and fresh state directories.

use serde_json::Value;
use std::ffi::{CStr, CString, c_char};

/// Takes ownership of a string returned by the library, parses it and frees it.
pub fn take(ptr: *mut c_char) -> Value {
    assert!(!ptr.is_null(), "the library returned NULL");
    let text = unsafe { CStr::from_ptr(ptr) }.to_str().expect("answer is UTF-8").to_owned();
    unsafe { xero_link::ffi::xero_string_free(ptr) };
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("answer is not JSON ({e}): {text}"))
}

/// Calls a named C function with a Rust string.
pub fn call_c(f: unsafe extern "C" fn(*const c_char) -> *mut c_char, request: &str) -> Value {
    let c = CString::new(request).unwrap();
    take(unsafe { f(c.as_ptr()) })
}

/// Calls `xero_call(op, request)`.
pub fn call(op: &str, request: &str) -> Value {
    let op = CString::new(op).unwrap();
    let req = CString::new(request).unwrap();
    take(unsafe { xero_link::ffi::xero_call(op.as_ptr(), req.as_ptr()) })
}

/// The error code of an error envelope (panics on success, showing it).
pub fn error_code(answer: &Value) -> String {
    assert_eq!(answer["ok"], false, "expected an error, got {answer}");
    answer["error"]["code"].as_str().unwrap().to_owned()
}

/// A fresh, unique state directory under the system temp dir (the random part keeps a directory left by an
/// earlier run whose process had the same id from being reused).
pub fn temp_state_dir(tag: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "xero-link-test-{tag}-{}-{}-{}",
        std::process::id(),
        unique(),
        rand::random::<u32>()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

/// A valid configuration for `connection`, pointing at Xero's real (default) endpoints.
pub fn config_json(connection: &str, state_dir: &std::path::Path) -> Value {
    serde_json::json!({
        "connection": connection,
        "client_id": "CLIENT-ID",
        "client_secret": "CLIENT-SECRET-DO-NOT-LEAK",
        "redirect_uri": "https://erp.example.com/csp/sys/oauth2/OAuth2.Response.cls",
        "functions": ["debtors", "creditors", "inventory", "sales_invoices"],
        "defaults": {"sales_account": "200", "cos_account": "310", "division": "North", "sales_rep": "Alice Brown"},
        "state_dir": state_dir,
    })
}
