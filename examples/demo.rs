//! The main job, end to end against the local Xero simulator (grows with each milestone).
//!
//! Today: configures a connection through the C ABI and shows the envelope.

use std::ffi::{CStr, CString};

fn call(op: &str, request: &str) -> String {
    let op = CString::new(op).unwrap();
    let request = CString::new(request).unwrap();
    // SAFETY: both strings are valid and NUL-terminated; the answer is freed exactly once below.
    unsafe {
        let answer = xero_link::ffi::xero_call(op.as_ptr(), request.as_ptr());
        let text = CStr::from_ptr(answer).to_string_lossy().into_owned();
        xero_link::ffi::xero_string_free(answer);
        text
    }
}

fn main() {
    let state_dir = std::env::temp_dir().join("xero-link-demo");
    let config = serde_json::json!({
        "connection": "xero-hugeerp",
        "client_id": "sim-client",
        "client_secret": "sim-secret",
        "redirect_uri": "http://127.0.0.1/callback",
        "functions": ["debtors", "creditors", "inventory", "sales_invoices", "purchase_invoices"],
        "defaults": {"sales_account": "200", "cos_account": "310", "division": "North", "sales_rep": "Alice Brown"},
        "state_dir": state_dir,
    });
    println!("version:   {}", call("version", "{}"));
    println!("configure: {}", call("configure", &config.to_string()));
}
