//! The push operations through the C API: requests are checked (shape, functions ticked) before sign-in is
//! needed, and answer in the one envelope. (Pushing for real through the C API needs sign-in and transport.)

use crate::support::common::{call, config_json, error_code, temp_state_dir};
use serde_json::json;

fn configured(name: &str, functions: serde_json::Value) {
    let mut config = config_json(name, &temp_state_dir(name));
    config["functions"] = functions;
    let answer = call("configure", &config.to_string());
    assert_eq!(answer["ok"], true, "{answer}");
}

#[test]
fn an_operation_whose_function_is_not_ticked_answers_function_disabled() {
    configured("xero-push-fn", json!(["debtors"]));
    let answer = call("push_invoices", r#"{"connection":"xero-push-fn","invoices":[]}"#);
    assert_eq!(error_code(&answer), "function_disabled");
    assert!(answer["error"]["message"].as_str().unwrap().contains("sales_invoices"));
    let answer = call("push_payments", r#"{"connection":"xero-push-fn","payments":[]}"#);
    assert_eq!(error_code(&answer), "function_disabled");
    // Ticked: the request is accepted and the next need is signing in.
    let answer = call("push_contacts", r#"{"connection":"xero-push-fn","contacts":[]}"#);
    assert!(matches!(error_code(&answer).as_str(), "not_authenticated" | "tenant_not_set"), "{answer}");
}

#[test]
fn a_malformed_request_names_the_field() {
    configured("xero-push-shape", json!(["debtors", "sales_invoices"]));
    let answer = call("push_invoices", r#"{"connection":"xero-push-shape","invoice":[]}"#);
    assert_eq!(error_code(&answer), "bad_request");
    let answer = call("push_invoices", r#"{"connection":"xero-push-shape","invoices":[],"dry_run":"yes"}"#);
    assert_eq!(error_code(&answer), "bad_request");
    assert_eq!(answer["error"]["path"], "dry_run");
    let answer = call("push_invoices", r#"{"connection":"nobody","invoices":[]}"#);
    assert_eq!(error_code(&answer), "not_configured");
    let answer = call("get_documents", r#"{"connection":"xero-push-shape","documents":[{"type":"sales"}]}"#);
    assert_eq!(error_code(&answer), "bad_request");
    // The missing member itself, not only the record lacking it.
    assert_eq!(answer["error"]["path"], "documents[0].number");
}
