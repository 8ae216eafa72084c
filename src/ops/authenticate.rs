//! `authenticate`: completes the sign-in, one of three ways:
//! - `{"callback_url": "..."}` or `{"code", "state"}` (or `{"error", "state"}`): the host's web server received
//!   Xero's redirect;
//! - `{"loopback": {"timeout_ms": N, "open_command": [...]}}`: the library listens on the redirect URI's loopback
//!   port; the consent URL goes to the log callback (info) and to `open_command` when given; an `open_command`
//!   that fails leaves the listener waiting for the URL opened by hand, and a timeout then names the failure and
//!   gives the URL (`consent_url`);
//! - nothing more, for `client_credentials` connections: no browser; the tenant is set from Xero's connections.

use crate::auth::{loopback, signin};
use crate::deadline::Deadline;
use crate::error::{Error, Result};
use crate::registry;
use crate::secret::Secret;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::time::Duration;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Request {
    connection: String,
    #[serde(default)]
    callback_url: Option<String>,
    #[serde(default)]
    code: Option<Secret>,
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    loopback: Option<Loopback>,
    #[serde(default)]
    deadline_ms: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Loopback {
    /// How long to wait for the browser (at most 1 hour).
    timeout_ms: u64,
    /// A program and its arguments that open a URL (e.g. `["xdg-open"]`); the URL is appended. No shell.
    #[serde(default)]
    open_command: Option<Vec<String>>,
}

fn handle(request: Request) -> Result<signin::SignedIn> {
    let connection = registry::get(&request.connection)?;
    let config = &connection.config;
    let deadline = Deadline::from_request(request.deadline_ms, config.timeouts.default_deadline_ms);
    let browser_answer = request.code.is_some() || request.state.is_some() || request.error.is_some();
    match (request.callback_url, browser_answer, request.loopback) {
        (Some(url), false, None) => {
            let url = url::Url::parse(&url)
                .map_err(|e| Error::bad_request(format!("callback_url is not a URL: {e}")).at("callback_url"))?;
            let callback = signin::Callback::from_url(&url);
            if !callback.is_sign_in_answer() {
                return Err(Error::bad_request(
                    "callback_url carries no sign-in answer: it needs state and code (or error) in its query",
                )
                .at("callback_url"));
            }
            signin::complete(config, callback, deadline)
        }
        (None, true, None) => {
            let callback = signin::Callback { code: request.code, state: request.state, error: request.error };
            signin::complete(config, callback, deadline)
        }
        (None, false, Some(lb)) => {
            if lb.timeout_ms == 0 || lb.timeout_ms > 3_600_000 {
                return Err(Error::bad_request("timeout_ms must be between 1 and 3600000").at("loopback.timeout_ms"));
            }
            if lb.open_command.as_ref().is_some_and(|c| c.is_empty() || c[0].is_empty()) {
                return Err(Error::bad_request("open_command names a program first").at("loopback.open_command"));
            }
            let deadline = deadline.max(Deadline::after_ms(lb.timeout_ms + config.timeouts.request_ms));
            loopback::sign_in(config, Duration::from_millis(lb.timeout_ms), lb.open_command.as_deref(), deadline)
        }
        (None, false, None) => signin::client_credentials(config, deadline),
        _ => Err(Error::bad_request(
            "give exactly one way to complete the sign-in: callback_url, code and state, or loopback",
        )),
    }
}

pub fn run(request: &[crate::json::Member<'_>]) -> Result<Box<RawValue>> {
    super::typed(request, handle)
}
