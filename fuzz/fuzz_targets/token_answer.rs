//! Xero's identity server's answers to a token request, read by the oauth2 crate and the library: the first byte
//! picks the status, then `Name: value` header lines up to an empty line, then the body (token JSON, OAuth error
//! JSON, anything else). A refusal's message must never show a token from the body.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use std::sync::OnceLock;
use xero_link::config::Config;

const STATUSES: &[u16] = &[200, 201, 302, 400, 401, 403, 404, 429, 500, 502, 503];

fn config() -> &'static Config {
    static CONFIG: OnceLock<Config> = OnceLock::new();
    CONFIG.get_or_init(|| Config::from_value(common::config("fuzz-token")).expect("the fuzz configuration is valid"))
}

fuzz_target!(|data: &[u8]| {
    let Some((status, head, body)) = common::answer(data, STATUSES) else { return };
    let headers = xero_link::fuzzing::headers(head);
    if let Err(error) = xero_link::fuzzing::token_answer(config(), status, &headers, body) {
        let shown = serde_json::to_string(&error).expect("errors serialise");
        if let Ok(Value::Object(members)) = serde_json::from_slice::<Value>(body) {
            for name in ["access_token", "refresh_token", "id_token"] {
                if let Some(token) = members.get(name).and_then(Value::as_str).filter(|t| t.len() >= 8) {
                    assert!(!shown.contains(token), "the error shows the {name}: {shown}");
                }
            }
        }
    }
});
