//! The URL a host's web server hands to `xero_authenticate` after Xero's consent page: as given, and after the
//! redirect URI with the pending sign-in's real `state`, so that inputs reach past the CSRF check into the code
//! exchange (refused at once by a closed loopback port). Checks the header's promises on every answer, and that
//! an answer never repeats the client secret.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use serde_json::json;
use std::sync::Once;
use xero_link::ffi::{xero_authenticate, xero_authorize_url, xero_configure};

const CONNECTION: &str = "fuzz-callback";
const REDIRECT: &str = "https://erp.example.com/csp/sys/oauth2/OAuth2.Response.cls";

fn configure() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let answer = common::call(xero_configure, &common::c_string(common::config(CONNECTION).to_string().as_bytes()));
        assert_eq!(answer["ok"], true, "the fuzz connection configures: {answer}");
    });
}

/// A fresh sign-in's `state`.
fn pending_state() -> String {
    let answer =
        common::call(xero_authorize_url, &common::c_string(json!({"connection": CONNECTION}).to_string().as_bytes()));
    answer["result"]["state"].as_str().expect("authorize_url gives a state").to_owned()
}

fuzz_target!(|data: &[u8]| {
    configure();
    let text = String::from_utf8_lossy(data);
    let urls = [text.to_string(), format!("{REDIRECT}?state={}&{text}", pending_state())];
    for url in urls {
        let request = json!({"connection": CONNECTION, "callback_url": url, "deadline_ms": 2000});
        let answer = common::call(xero_authenticate, &common::c_string(request.to_string().as_bytes()));
        assert!(!answer.to_string().contains("FUZZ-CLIENT-SECRET"), "the answer shows the client secret: {answer}");
    }
});
