//! One call across its attempts: a token, a slot under Xero's limits, the exchange, what its outcome means, and
//! one log record per request.

use super::exchange::{Outcome, accounting_url};
use super::idempotency;
use super::pacing::{self, LimitKind, Observed, PaceKey};
use super::retry::Next;
use super::{ApiCall, ApiResponse, CallError, HeaderFacts, Target, record};
use crate::deadline::Deadline;
use crate::error::{Error, ErrorCode};
use crate::log::Level;
use crate::secret::Secret;
use std::time::{Duration, Instant};
use url::Url;

/// The log target of the transport's messages.
const TARGET: &str = "xero_link::transport";

/// The state of one call across its attempts.
pub(super) struct Call<'a> {
    pub(super) target: &'a Target<'a>,
    pub(super) call: &'a ApiCall,
    pub(super) deadline: Deadline,
    pub(super) url: Url,
    pub(super) is_write: bool,
    pub(super) logged_path: String,
    pub(super) pace_key: PaceKey,
    pub(super) attempt: u32,
    pub(super) failures: u32,
    pub(super) rate_limited: u32,
    pub(super) refreshed: bool,
    pub(super) first_sent: Option<Instant>,
    /// A write may have been processed by an attempt that got no clear answer.
    pub(super) maybe_processed: bool,
}

impl<'a> Call<'a> {
    pub(super) fn new(target: &'a Target<'a>, call: &'a ApiCall, deadline: Deadline) -> Result<Call<'a>, CallError> {
        let url = accounting_url(&target.config.endpoints.accounting, &call.path, &call.query)?;
        if let Some(key) = &call.idempotency_key {
            idempotency::check_key(key)?;
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

    /// The call's error; a write that may have reached Xero says so (`uncertain`).
    pub(super) fn fail(&self, error: Error) -> CallError {
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

    pub(super) fn run(mut self) -> Result<ApiResponse, CallError> {
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

    /// The request's log record.
    pub(super) fn record(
        &self,
        status: Option<u16>,
        failure: Option<&'static str>,
        duration: Duration,
        facts: &HeaderFacts,
    ) {
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

fn deadline_passed() -> Error {
    Error::new(ErrorCode::Timeout, "the operation's deadline passed before Xero answered")
}
