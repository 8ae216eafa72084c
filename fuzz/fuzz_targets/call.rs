//! Every JSON operation, by name, through `xero_call` (the path every C entry point takes): the first line of the
//! input is the operation's name, the rest its request. Any panic (the boundary would turn it into an error, but
//! it is a bug), any answer that breaks the header's promises, or any hang is a finding.
//!
//! Requests are sent as given, but for what would reach outside this process: `state_dir` is this process's
//! own, endpoints point at a closed loopback port, and a loopback sign-in (which waits for a browser and can
//! start a command) is left out.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let split = data.iter().position(|b| *b == b'\n').unwrap_or(data.len());
    let (name, rest) = (&data[..split], data.get(split + 1..).unwrap_or_default());
    let name = common::c_string(name);
    if name.to_bytes() == b"debug_panic" {
        return; // panics on purpose (the boundary's own test)
    }
    let request = match serde_json::from_slice::<Value>(rest) {
        Ok(Value::Object(mut members)) => {
            if members.contains_key("state_dir") {
                members.insert("state_dir".into(), common::state_dir().to_string_lossy().into_owned().into());
            }
            if members.contains_key("endpoints") || members.contains_key("client_id") {
                members.insert("endpoints".into(), common::endpoints());
            }
            members.remove("loopback");
            common::c_string(Value::Object(members).to_string().as_bytes())
        }
        _ => common::c_string(rest),
    };
    common::call_op(&name, &request);
});
