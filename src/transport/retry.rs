//! What each attempt's outcome means for the call: the answer given to the caller, an error, or the request sent
//! again after a backoff (the rules are in the module documentation of [`super`]).

use super::call::Call;
use super::errors::{self, Body, Facts};
use super::pacing::{self, Observed};
use super::{ApiResponse, CallError, HeaderFacts};
use crate::error::{Error, ErrorCode};
use crate::secret::Secret;
use rand::Rng;
use std::time::{Duration, Instant};

/// Attempts after 502/503/504, dropped connections and timeouts (429s and the one 401 refresh not counted).
const MAX_ATTEMPTS: u32 = 5;
/// 429s one call accepts before giving up (each honoured; the deadline usually ends it first).
const MAX_RATE_LIMITED: u32 = 20;
const BACKOFF_BASE: Duration = Duration::from_millis(200);
const BACKOFF_CAP: Duration = Duration::from_secs(10);

/// What the call does after one attempt.
pub(super) enum Next {
    /// The call is over: an answer for the caller, or its error.
    Finish(Result<ApiResponse, CallError>),
    /// Send again (any back-off already slept).
    Again,
    /// Send again with this token, refreshed after a 401.
    AgainWith(Secret),
}

impl Call<'_> {
    /// What an answer means for the call: given to the caller, refused, or sent again.
    pub(super) fn after_answer(&mut self, status: u16, body: Vec<u8>, facts: &HeaderFacts, token: &Secret) -> Next {
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
    pub(super) fn after_failure(
        &mut self,
        permit: pacing::Permit,
        reached_xero: bool,
        error: Error,
        duration: Duration,
    ) -> Next {
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

    /// Sleeps the backoff before retry number `n` (or Xero's `Retry-After`), unless that passes the deadline
    /// or, for a write that may have been processed, the key's retention.
    pub(super) fn sleep_before_retry(&self, n: u32, retry_after: Option<Duration>) -> Result<(), ()> {
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
}
