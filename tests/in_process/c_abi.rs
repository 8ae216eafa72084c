//! The C contract, exercised through the `extern "C"` functions exactly as a host calls them.

use crate::support::common::*;
use crate::support::process::alone;
use serde_json::{Value, json};
use std::ffi::{CStr, CString, c_char};
use xero_link::ffi::*;

#[test]
fn version_functions_agree_with_the_crate() {
    let v = unsafe { CStr::from_ptr(xero_version()) }.to_str().unwrap();
    assert_eq!(v, env!("CARGO_PKG_VERSION"));
    assert_eq!(xero_abi_version(), xero_link::ABI_VERSION);
    let answer = call("version", "{}");
    assert_eq!(answer["result"]["version"], v);
    assert_eq!(answer["result"]["abi_version"], xero_link::ABI_VERSION);
}

#[test]
fn configure_accepts_a_valid_config_and_hides_the_secret() {
    let dir = temp_state_dir("cfg");
    let answer = call_c(xero_configure, &config_json("xero-valid", &dir).to_string());
    assert_eq!(answer["ok"], true, "{answer}");
    assert_eq!(answer["result"]["connection"], "xero-valid");
    assert_eq!(answer["result"]["created"], true);
    assert!(!answer.to_string().contains("CLIENT-SECRET-DO-NOT-LEAK"));
    let again = call_c(xero_configure, &config_json("xero-valid", &dir).to_string());
    assert_eq!(again["result"]["created"], false);
}

#[test]
fn configure_names_the_invalid_field() {
    let dir = temp_state_dir("cfg-bad");
    let cases: [(&str, Value, &str); 6] = [
        ("defaults", json!({"sales_account": ""}), "defaults.sales_account"),
        ("functions", json!(["debtors", "payroll"]), "functions[1]"),
        ("client_id", json!(42), "client_id"),
        ("endpoints", json!({"accounting": "http://192.0.2.1/api.xro/2.0"}), "endpoints.accounting"),
        ("timeouts", json!({"request_ms": 0}), "timeouts.request_ms"),
        ("surprise", json!(true), ""),
    ];
    for (field, value, path) in cases {
        let mut config = config_json("xero-invalid", &dir);
        config[field] = value;
        let answer = call_c(xero_configure, &config.to_string());
        let code = error_code(&answer);
        assert!(code == "validation" || code == "bad_request", "{field}: {answer}");
        if !path.is_empty() {
            assert_eq!(answer["error"]["path"], path, "{field}: {answer}");
        } else {
            assert!(answer["error"]["message"].as_str().unwrap().contains("surprise"), "{answer}");
        }
    }
    // Nothing was registered by the failed attempts.
    let status = call("status", &json!({"connection": "xero-invalid"}).to_string());
    assert!(matches!(error_code(&status).as_str(), "not_configured" | "not_implemented"));
}

#[test]
fn malformed_input_always_gets_an_error_envelope() {
    let null = take(unsafe { xero_configure(std::ptr::null()) });
    assert_eq!(error_code(&null), "bad_json");
    for (input, code) in [("", "bad_json"), ("[]", "bad_request"), ("{", "bad_json"), ("\"x\"", "bad_request")] {
        assert_eq!(error_code(&call_c(xero_configure, input)), code, "input {input:?}");
    }
    let bad_utf8 = b"{\"connection\":\"\xff\xfe\"}\0";
    let answer = take(unsafe { xero_configure(bad_utf8.as_ptr().cast()) });
    assert_eq!(error_code(&answer), "bad_json");
    assert!(answer["error"]["message"].as_str().unwrap().contains("UTF-8"));
    let ten_mb = format!("{{\"connection\":\"{}\"}}", "a".repeat(10 * 1024 * 1024));
    let answer = call_c(xero_configure, &ten_mb);
    assert!(matches!(error_code(&answer).as_str(), "validation" | "bad_json" | "bad_request"));
    let twenty_mb = "[".repeat(20 * 1024 * 1024);
    assert_eq!(error_code(&call_c(xero_configure, &twenty_mb)), "bad_json");
    let deep = format!("{}{}", "{\"a\":".repeat(1000), "}".repeat(1000));
    assert_eq!(error_code(&call_c(xero_configure, &deep)), "bad_json");
}

#[test]
fn xero_call_reaches_every_operation_and_rejects_unknown_names() {
    let answer = call("no_such_operation", "{}");
    assert_eq!(error_code(&answer), "unknown_operation");
    let null_op = take(unsafe { xero_call(std::ptr::null(), c"{}".as_ptr()) });
    assert_eq!(error_code(&null_op), "unknown_operation");
    for op in xero_link::ops::OPERATIONS.iter().map(|o| o.name) {
        let answer = call(op, "{}");
        assert!(answer.get("ok").is_some(), "{op}: {answer}");
    }
}

#[test]
fn named_functions_and_xero_call_give_the_same_answer() {
    let named = call_c(xero_push_invoice, r#"{"request_id":"a"}"#);
    let by_name = call("push_invoice", r#"{"request_id":"a"}"#);
    assert_eq!(named, by_name);
    assert_eq!(named["request_id"], "a");
}

#[test]
fn a_panic_inside_an_export_becomes_an_internal_error() {
    let answer = call("debug_panic", r#"{"confirm":"panic","request_id":99}"#);
    assert_eq!(error_code(&answer), "internal");
    assert_eq!(answer["request_id"], 99);
    // The process lives on and the library still answers.
    assert_eq!(call("version", "{}")["ok"], true);
}

#[test]
fn string_free_accepts_null() {
    unsafe { xero_string_free(std::ptr::null_mut()) };
}

#[test]
fn sixteen_threads_configuring_and_calling_neither_crash_nor_deadlock() {
    let dir = temp_state_dir("threads");
    let handles: Vec<_> = (0..16)
        .map(|t| {
            let dir = dir.clone();
            std::thread::spawn(move || {
                for i in 0..50 {
                    let name = format!("xero-thread-{}", (t + i) % 4);
                    let answer = call_c(xero_configure, &config_json(&name, &dir).to_string());
                    assert_eq!(answer["ok"], true, "{answer}");
                    let answer = call("version", &json!({"request_id": i}).to_string());
                    assert_eq!(answer["request_id"], i);
                    if i % 10 == 0 {
                        assert_eq!(error_code(&call("debug_panic", r#"{"confirm":"panic"}"#)), "internal");
                    }
                    let _ = call_c(xero_status, &json!({"connection": name}).to_string());
                }
            })
        })
        .collect();
    for h in handles {
        h.join().expect("thread finished without panicking");
    }
}

extern "C" fn record_log(user_data: *mut std::ffi::c_void, level: i32, target: *const c_char, message: *const c_char) {
    let sink = unsafe { &*(user_data as *const std::sync::Mutex<Vec<(i32, String, String)>>) };
    let target = unsafe { CStr::from_ptr(target) }.to_string_lossy().into_owned();
    let message = unsafe { CStr::from_ptr(message) }.to_string_lossy().into_owned();
    sink.lock().unwrap().push((level, target, message));
}

#[test]
fn log_callback_receives_panic_reports() {
    let _alone = alone();
    let sink: &'static std::sync::Mutex<Vec<(i32, String, String)>> = Box::leak(Box::default());
    let rc = unsafe { xero_set_log_callback(Some(record_log), sink as *const _ as *mut _) };
    assert_eq!(rc, 0);
    let _ = call("debug_panic", r#"{"confirm":"panic"}"#);
    unsafe { xero_set_log_callback(None, std::ptr::null_mut()) };
    let records = sink.lock().unwrap();
    assert!(
        records
            .iter()
            .any(|(level, target, msg)| *level == 1 && target == "xero_link::panic" && msg.contains("debug_panic")),
        "{records:?}"
    );
}

#[test]
fn unknown_fields_in_requests_are_refused() {
    let answer = call("version", r#"{"verbose":true}"#);
    assert_eq!(error_code(&answer), "bad_request");
    assert!(answer["error"]["message"].as_str().unwrap().contains("verbose"));
    let _ = CString::new("keep import").unwrap();
}
