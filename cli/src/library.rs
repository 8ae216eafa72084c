//! The one way into xero-link: its operations by name, JSON in and JSON out, through the library's Rust entry
//! point (`xero_link::ops::call`, which the C ABI's `xero_call` also ends in), so the CLI does exactly what a
//! host does, with no Xero logic of its own. Also the library's progress and log sinks.

use crate::failure::{Failure, LibraryError};
use serde_json::Value;

/// Runs operation `op` on `request`; the result, or the library's error.
pub fn call(op: &str, request: &Value) -> Result<Value, Failure> {
    let text = xero_link::ops::call(op, Some(request.to_string().as_bytes()));
    let mut answer: Value = serde_json::from_str(&text)
        .map_err(|e| Failure::Other(format!("the library answered {op} with something not JSON: {e}")))?;
    if answer["ok"] == true {
        Ok(answer["result"].take())
    } else {
        Err(Failure::Library(Box::new(LibraryError::from_value(op, answer["error"].take()))))
    }
}

/// Runs `op` on the connection `connection` with the request's other members.
pub fn on(connection: &str, op: &str, mut request: Value) -> Result<Value, Failure> {
    request["connection"] = Value::String(connection.to_owned());
    call(op, &request)
}

/// Sends the library's progress events to `sink` until the returned guard is dropped.
pub fn progress_to(sink: impl Fn(&xero_link::progress::Event) + Send + Sync + 'static) -> SinkGuard {
    xero_link::progress::set_sink(Some(std::sync::Arc::new(sink)));
    SinkGuard
}

/// Removes the progress sink when dropped.
pub struct SinkGuard;

impl Drop for SinkGuard {
    fn drop(&mut self) {
        xero_link::progress::set_sink(None);
    }
}

/// Hands the consent URL the loopback sign-in logs (info, target `xero_link::auth`, "open this URL ...: URL", as
/// the README's `authenticate` row documents it) to `on_url`; the library logs it once it listens, so a browser
/// sent there finds the listener ready.
pub fn consent_url_to(on_url: impl Fn(&str) + Send + Sync + 'static) {
    xero_link::log::set_max_level(xero_link::log::Level::Info);
    xero_link::log::set_sink(Some(std::sync::Arc::new(move |_level, target: &str, message: &str| {
        if target == "xero_link::auth" && message.starts_with("open this URL") {
            if let Some(url) = message.rsplit(' ').next().filter(|u| u.starts_with("http")) {
                on_url(url);
            }
        }
    })));
}
