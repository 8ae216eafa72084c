//! Every HTTP call to Xero goes through here: one shared client, pacing within Xero's limits, retries that are
//! safe, deadlines, Xero's answers turned into errors a person can act on, and one log record per request.
//!
//! Everything happens inside the caller's call, on the caller's thread: waits for a limit, backoff sleeps,
//! the token refresh after a 401. Nothing runs in the background.
//!
//! What [`send`] returns:
//! - `Ok(ApiResponse)` for 2xx, and for a 400 whose body is a `ValidationException` with `Elements` (the push
//!   layer reads per-element results itself; [`from_response`] turns such an answer into a `validation` error
//!   listing each element's messages with its index, for callers that want one).
//! - `Err(CallError)` for everything else, mapped by [`errors`]: `rate_limited` (with `retry_after`, `limit`),
//!   `tenant_not_connected` (with `missing_scope` when a scope is missing), `reauth_required`, `not_found`,
//!   `xero_unavailable`, `network`, `timeout`, `validation`; with `http_status` and `xero_correlation_id`.
//!
//! Retries: 429 (after its `Retry-After`), 502, 503, 504, connections dropped and timeouts, with exponential
//! backoff and jitter, bounded in count and by the deadline. A write (POST, PUT, PATCH) is retried after it may
//! have reached Xero only with an `Idempotency-Key`, and only while Xero still remembers the key (6 of Xero's
//! minutes from the first attempt); a write Xero did not process (connection refused, 429, 503) is always safe to
//! send again. A 500 is not retried: Xero caches it under the key. A write whose outcome stays unknown comes
//! back with `uncertain: true`: look it up in Xero before writing it again.

pub mod client;
pub mod errors;
mod headers;
pub mod pacing;
pub(crate) mod record;

pub use client::client;
pub use errors::from_response;
pub(crate) use headers::HeaderFacts;
pub use pacing::{LimitKind, LimitsSeen};

use crate::config::Config;
use crate::deadline::Deadline;
use crate::error::{Error, ErrorCode, Result};
use crate::log::Level;
use crate::secret::Secret;
use errors::{Body, Facts};
use pacing::{Observed, PaceKey};
use rand::Rng;
use reqwest::header::HeaderMap;
use std::time::{Duration, Instant};
use url::Url;

/// Supplies bearer tokens for one connection; the transport asks for one per request.
pub trait TokenSource: Send + Sync {
    /// A valid access token (refreshed first if it is about to expire).
    fn access_token(&self, deadline: Deadline) -> Result<Secret>;
    /// Xero rejected `rejected` with 401: refresh once unless another thread or process already has.
    fn refresh_after_rejection(&self, rejected: &Secret, deadline: Deadline) -> Result<Secret>;
}

/// One Accounting API request.
#[derive(Debug, Clone)]
pub struct ApiCall {
    pub method: http::Method,
    /// Relative to the accounting base URL, e.g. `/Invoices`.
    pub path: String,
    pub query: Vec<(String, String)>,
    /// JSON body of a PUT or POST.
    pub body: Option<Vec<u8>>,
    /// Makes a write safe to retry (≤ 128 characters; deterministic per document and content).
    pub idempotency_key: Option<String>,
}

/// Xero's answer to a call that got one (any status the caller must interpret: 200 and 400 with elements).
#[derive(Debug, Clone)]
pub struct ApiResponse {
    pub status: u16,
    pub body: Vec<u8>,
    pub correlation_id: Option<String>,
}

/// Who is calling: the connection's configuration, its tenant and its tokens.
pub struct Target<'a> {
    pub config: &'a Config,
    pub tenant_id: Option<&'a str>,
    pub tokens: &'a dyn TokenSource,
}

/// A failed call. `uncertain` is true when a write may have reached Xero although no answer came back.
#[derive(Debug, Clone)]
pub struct CallError {
    pub error: Error,
    pub uncertain: bool,
}

impl From<Error> for CallError {
    fn from(error: Error) -> Self {
        CallError { error, uncertain: false }
    }
}

/// Xero keeps an `Idempotency-Key` this many of its minutes from the first call (the `Idempotency-Key`
/// parameter of Xero's accounting OpenAPI spec).
pub const KEY_RETENTION_MINUTES: u64 = 6;
/// Longest `Idempotency-Key` Xero accepts.
pub const MAX_IDEMPOTENCY_KEY_LEN: usize = 128;
/// Attempts after 502/503/504, dropped connections and timeouts (429s and the one 401 refresh not counted).
const MAX_ATTEMPTS: u32 = 5;
/// 429s one call accepts before giving up (each honoured; the deadline usually ends it first).
const MAX_RATE_LIMITED: u32 = 20;
const BACKOFF_BASE: Duration = Duration::from_millis(200);
const BACKOFF_CAP: Duration = Duration::from_secs(10);
const TARGET: &str = "xero_link::transport";

/// The rate-limit figures Xero last reported for a connection's organisation (`None` before the first call).
pub fn limits_seen(config: &Config, tenant_id: &str) -> Option<LimitsSeen> {
    pacing::seen(&config.client_id, tenant_id)
}

/// Sends one Accounting API call with pacing and retries, within `deadline`.
pub fn send(target: &Target<'_>, call: &ApiCall, deadline: Deadline) -> Result<ApiResponse, CallError> {
    Call::new(target, call, deadline)?.run()
}

/// The state of one call across its attempts.
struct Call<'a> {
    target: &'a Target<'a>,
    call: &'a ApiCall,
    deadline: Deadline,
    url: Url,
    is_write: bool,
    logged_path: String,
    pace_key: PaceKey,
    attempt: u32,
    failures: u32,
    rate_limited: u32,
    refreshed: bool,
    first_sent: Option<Instant>,
    /// A write may have been processed by an attempt that got no clear answer.
    maybe_processed: bool,
}

enum Outcome {
    Answer { status: u16, headers: HeaderMap, body: Vec<u8> },
    Failed { reached_xero: bool, error: Error },
}

/// What the call does after one attempt.
enum Next {
    /// The call is over: an answer for the caller, or its error.
    Finish(Result<ApiResponse, CallError>),
    /// Send again (any back-off already slept).
    Again,
    /// Send again with this token, refreshed after a 401.
    AgainWith(Secret),
}

impl<'a> Call<'a> {
    fn new(target: &'a Target<'a>, call: &'a ApiCall, deadline: Deadline) -> Result<Call<'a>, CallError> {
        let url = accounting_url(&target.config.endpoints.accounting, &call.path, &call.query)?;
        if let Some(key) = &call.idempotency_key {
            if key.is_empty() || key.len() > MAX_IDEMPOTENCY_KEY_LEN || !key.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(Error::internal("an Idempotency-Key has 1 to 128 visible ASCII characters").into());
            }
        }
        let is_write = matches!(call.method, http::Method::POST | http::Method::PUT | http::Method::PATCH);
        Ok(Call {
            target,
            call,
            deadline,
            url,
            is_write,
            logged_path: record::loggable_path(&call.path, &call.query),
            pace_key: PaceKey { app: target.config.client_id.clone(), tenant: target.tenant_id.map(str::to_owned) },
            attempt: 0,
            failures: 0,
            rate_limited: 0,
            refreshed: false,
            first_sent: None,
            maybe_processed: false,
        })
    }

    /// A duration on Xero's clock (the key retention) in this process's time: Xero's minute is `minute_ms`.
    fn xero_time(&self, seconds: u64) -> Duration {
        Duration::from_millis(seconds.saturating_mul(self.target.config.limits.minute_ms) / 60)
    }

    /// Until when a retry of this call may be sent: a write that may have been processed only while Xero
    /// remembers its key (with a margin for the request to arrive).
    fn retry_horizon(&self) -> Option<Instant> {
        if !self.is_write || !self.maybe_processed {
            return None;
        }
        let retention = self.xero_time(KEY_RETENTION_MINUTES * 60);
        self.first_sent.map(|t| t + retention - retention / 12)
    }

    /// The deadline of the next attempt: the caller's, or the key's retention if sooner.
    fn attempt_deadline(&self) -> Deadline {
        match self.retry_horizon() {
            Some(horizon) => self.deadline.no_later_than(horizon),
            None => self.deadline,
        }
    }

    /// May a request that may have reached Xero be sent again?
    fn may_resend(&self) -> bool {
        !self.is_write || self.call.idempotency_key.is_some()
    }

    fn fail(&self, error: Error) -> CallError {
        let uncertain = self.is_write && self.maybe_processed;
        let error = if uncertain {
            let message = format!(
                "{}; the write may have reached Xero: look it up in Xero before sending it again",
                error.message
            );
            Error { message, ..error }.with("uncertain", true)
        } else {
            error
        };
        CallError { error, uncertain }
    }

    fn run(mut self) -> Result<ApiResponse, CallError> {
        let mut fresh_token: Option<Secret> = None;
        loop {
            let attempt_deadline = self.attempt_deadline();
            let token = match fresh_token.take() {
                Some(token) => token,
                None => self.target.tokens.access_token(self.deadline).map_err(|e| self.fail(e))?,
            };
            let permit = self.permit(attempt_deadline)?;
            let timeout =
                attempt_deadline.remaining().min(Duration::from_millis(self.target.config.timeouts.request_ms));
            if timeout < Duration::from_millis(1) {
                permit.finish(&Observed::default());
                return Err(self.fail(deadline_passed()));
            }
            self.attempt += 1;
            let started = Instant::now();
            self.first_sent.get_or_insert(started);
            let outcome = self.exchange(&token, timeout);
            let duration = started.elapsed();
            let next = match outcome {
                Outcome::Answer { status, headers, body } => {
                    let facts = HeaderFacts::read(&headers);
                    self.answered(permit, status, &facts, duration);
                    self.after_answer(status, body, &facts, &token)
                }
                Outcome::Failed { reached_xero, error } => self.after_failure(permit, reached_xero, error, duration),
            };
            match next {
                Next::Finish(result) => return result,
                Next::Again => {}
                Next::AgainWith(token) => fresh_token = Some(token),
            }
        }
    }

    /// A slot under Xero's limits for the next attempt, waiting (and saying so) when the limits require.
    fn permit(&self, attempt_deadline: Deadline) -> Result<pacing::Permit, CallError> {
        let limits = self.target.config.limits;
        let connection = self.target.config.connection.as_str();
        pacing::acquire(&self.pace_key, &limits, attempt_deadline, |wait, limit| {
            crate::xlog!(
                Level::Debug,
                TARGET,
                "{} {} waits {} ms for Xero's {} limit (connection {connection})",
                self.call.method,
                self.logged_path,
                wait.as_millis(),
                limit.as_str()
            );
            crate::progress::waiting(wait, limit.as_str());
        })
        .map_err(|e| self.fail(e))
    }

    /// Tells the pacer what Xero's answer said of the limits, and logs the request.
    fn answered(&self, permit: pacing::Permit, status: u16, facts: &HeaderFacts, duration: Duration) {
        let rejected = (status == 429).then(|| (facts.problem.unwrap_or(LimitKind::Minute), facts.retry_after));
        permit.finish(&Observed {
            reached_xero: true,
            minute_remaining: facts.minute_remaining,
            day_remaining: facts.day_remaining,
            app_minute_remaining: facts.app_minute_remaining,
            rejected,
        });
        self.record(Some(status), None, duration, facts);
    }

    /// What an answer means for the call: given to the caller, refused, or sent again.
    fn after_answer(&mut self, status: u16, body: Vec<u8>, facts: &HeaderFacts, token: &Secret) -> Next {
        let error_facts = Facts {
            status,
            body: &body,
            correlation_id: facts.correlation_id.as_deref(),
            method: Some(&self.call.method),
            path: Some(&self.call.path),
            scope_profile: self.target.config.scope_profile,
            retry_after: facts.retry_after,
            problem: facts.problem,
        };
        let refused = |call: &Self| Next::Finish(Err(call.fail(errors::from_facts(&error_facts))));
        match status {
            200..=299 => {}
            400 if Body::parse(&body).has_elements() => {}
            401 if !self.refreshed
                && !Body::parse(&body).summary().unwrap_or_default().contains("AuthorizationUnsuccessful") =>
            {
                // The token may have expired in flight or been replaced elsewhere: refresh once.
                self.refreshed = true;
                return match self.target.tokens.refresh_after_rejection(token, self.deadline) {
                    Ok(fresh) => Next::AgainWith(fresh),
                    Err(e) => Next::Finish(Err(self.fail(e))),
                };
            }
            429 => {
                self.rate_limited += 1;
                // With a Retry-After the pacer now holds the organisation back (and answers `rate_limited` at
                // once if that passes the deadline); without one, back off.
                if self.rate_limited > MAX_RATE_LIMITED {
                    return refused(self);
                }
                let backed_off =
                    facts.retry_after.is_some() || self.sleep_before_retry(self.rate_limited, None).is_ok();
                return if backed_off { Next::Again } else { refused(self) };
            }
            502..=504 => {
                // A gateway error may hide a processed write; a 503 is Xero's own "not now".
                if status != 503 {
                    self.maybe_processed |= self.is_write;
                }
                let resend_ok = status == 503 || self.may_resend();
                self.failures += 1;
                if !resend_ok || self.failures >= MAX_ATTEMPTS {
                    return refused(self);
                }
                let slept = self.sleep_before_retry(self.failures, facts.retry_after);
                return if slept.is_ok() { Next::Again } else { refused(self) };
            }
            500 => {
                self.maybe_processed |= self.is_write;
                return refused(self);
            }
            _ => return refused(self),
        }
        Next::Finish(Ok(ApiResponse { status, body, correlation_id: facts.correlation_id.clone() }))
    }

    /// What a request without an answer means for the call: sent again where that is safe, or its error.
    fn after_failure(&mut self, permit: pacing::Permit, reached_xero: bool, error: Error, duration: Duration) -> Next {
        permit.finish(&Observed { reached_xero, ..Observed::default() });
        let failure = match (error.code, reached_xero) {
            (ErrorCode::Timeout, _) => "timeout",
            (_, false) => "connection failed",
            (_, true) => "connection dropped",
        };
        self.record(None, Some(failure), duration, &HeaderFacts::default());
        self.maybe_processed |= reached_xero && self.is_write;
        self.failures += 1;
        if (reached_xero && !self.may_resend()) || self.failures >= MAX_ATTEMPTS {
            return Next::Finish(Err(self.fail(error)));
        }
        match self.sleep_before_retry(self.failures, None) {
            Ok(()) => Next::Again,
            Err(()) => Next::Finish(Err(self.fail(error))),
        }
    }

    /// One HTTP exchange: request sent, answer read in full.
    fn exchange(&self, token: &Secret, timeout: Duration) -> Outcome {
        let client = match client(&self.target.config.timeouts) {
            Ok(client) => client,
            Err(error) => return Outcome::Failed { reached_xero: false, error },
        };
        let mut request = client
            .request(self.call.method.clone(), self.url.clone())
            .timeout(timeout)
            .bearer_auth(token.expose())
            .header(reqwest::header::ACCEPT, "application/json");
        if let Some(tenant) = self.target.tenant_id {
            request = request.header("xero-tenant-id", tenant);
        }
        if let Some(key) = &self.call.idempotency_key {
            request = request.header("Idempotency-Key", key);
        }
        if let Some(body) = &self.call.body {
            request = request.header(reqwest::header::CONTENT_TYPE, "application/json").body(body.clone());
        }
        let response = match request.send() {
            Ok(response) => response,
            Err(e) => {
                return Outcome::Failed { reached_xero: !e.is_connect(), error: network_error(&e, timeout) };
            }
        };
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        match response.bytes() {
            Ok(body) => Outcome::Answer { status, headers, body: body.to_vec() },
            // The answer was cut off after its status: Xero got the request.
            Err(e) => Outcome::Failed { reached_xero: true, error: network_error(&e, timeout) },
        }
    }

    /// Sleeps the backoff before retry number `n` (or Xero's `Retry-After`), unless that passes the deadline
    /// or, for a write that may have been processed, the key's retention.
    fn sleep_before_retry(&self, n: u32, retry_after: Option<Duration>) -> Result<(), ()> {
        let exp = BACKOFF_BASE.saturating_mul(1u32 << n.saturating_sub(1).min(16)).min(BACKOFF_CAP);
        let jittered = rand::thread_rng().gen_range(exp / 2..=exp);
        let wait = retry_after.map_or(jittered, |r| r.max(jittered / 4));
        let end = Instant::now() + wait;
        let horizon = self.retry_horizon().map_or(self.deadline.instant(), |h| h.min(self.deadline.instant()));
        if end >= horizon {
            return Err(());
        }
        std::thread::sleep(wait);
        Ok(())
    }

    fn record(&self, status: Option<u16>, failure: Option<&'static str>, duration: Duration, facts: &HeaderFacts) {
        let config = self.target.config;
        record::RequestRecord {
            at: record::now_rfc3339(),
            connection: &config.connection,
            tenant_id: self.target.tenant_id,
            method: self.call.method.as_str(),
            path: self.logged_path.clone(),
            status,
            failure,
            duration_ms: duration.as_millis() as u64,
            attempt: self.attempt,
            minute_remaining: facts.minute_remaining,
            day_remaining: facts.day_remaining,
            app_minute_remaining: facts.app_minute_remaining,
            rate_limit_problem: if status == Some(429) { facts.problem.map(LimitKind::as_str) } else { None },
            correlation_id: facts.correlation_id.as_deref(),
        }
        .emit(config.log_file.then_some(config.state_dir.as_path()));
    }
}

/// The full URL of an Accounting API path: the configured base, the path, the query.
fn accounting_url(base: &Url, path: &str, query: &[(String, String)]) -> Result<Url> {
    if !path.starts_with('/') || path.contains(['?', '#']) || path.split('/').any(|s| s == "..") {
        return Err(Error::internal(format!("`{path}` is not an Accounting API path")));
    }
    let mut url = Url::parse(&format!("{}{path}", base.as_str().trim_end_matches('/')))
        .map_err(|e| Error::internal(format!("`{path}` does not make a URL: {e}")))?;
    if !query.is_empty() {
        url.query_pairs_mut().extend_pairs(query);
    }
    Ok(url)
}

fn deadline_passed() -> Error {
    Error::new(ErrorCode::Timeout, "the operation's deadline passed before Xero answered")
}

/// A transport failure, described by kind and its innermost cause (never the URL).
fn network_error(e: &reqwest::Error, timeout: Duration) -> Error {
    let mut cause: Option<String> = None;
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        cause = Some(s.to_string());
        source = s.source();
    }
    let cause = cause.map(|c| format!(" ({c})")).unwrap_or_default();
    if e.is_timeout() {
        Error::new(ErrorCode::Timeout, format!("Xero did not answer within {} ms{cause}", timeout.as_millis()))
            .with("timeout_ms", timeout.as_millis() as u64)
    } else if e.is_connect() {
        Error::new(ErrorCode::Network, format!("cannot connect to Xero{cause}"))
    } else {
        Error::new(ErrorCode::Network, format!("the connection to Xero failed before its answer was complete{cause}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_join_base_path_and_query() {
        let base = Url::parse("https://api.xero.com/api.xro/2.0").unwrap();
        let q = vec![("summarizeErrors".to_owned(), "false".to_owned()), ("where".to_owned(), "A==\"b c\"".to_owned())];
        let url = accounting_url(&base, "/Invoices", &q).unwrap();
        assert_eq!(
            url.as_str(),
            "https://api.xero.com/api.xro/2.0/Invoices?summarizeErrors=false&where=A%3D%3D%22b+c%22"
        );
        for bad in ["Invoices", "/Invoices?x=1", "/../connections"] {
            assert!(accounting_url(&base, bad, &[]).is_err(), "{bad}");
        }
    }
}
