//! The refresh itself, while holding the lease: the token requests, the refresh token a refused one replaced
//! (within Xero's grace window), and retries after failures that may pass.

use super::held::Held;
use super::{ConnectionTokens, GRACE_MS, Outcome, TARGET};
use crate::auth::oauth;
use crate::auth::state::now_ms;
use crate::config::GrantType;
use crate::deadline::Deadline;
use crate::error::{Error, ErrorCode, Result};
use crate::log::Level;
use crate::secret::Secret;
use crate::store::seal::Sealed;
use crate::store::tokens::{AuthRecord, GrantRecord};
use crate::xlog;
use std::time::Duration;

/// Tries of one refresh while holding the lease (network trouble, Xero briefly unavailable).
const ATTEMPTS: u32 = 3;

impl ConnectionTokens {
    /// Refreshes while holding the lease `held`; `taken` is the record as the lease was taken. Any error leaves
    /// the lease to `held`'s drop.
    pub(super) fn refresh_holding(
        &self,
        held: &mut Held<'_>,
        taken: &AuthRecord,
        deadline: Deadline,
    ) -> Result<Outcome> {
        let grant = taken.grant.as_ref().ok_or_else(|| Error::internal("lease taken without a grant"))?;
        let generation = taken.generation;
        let (current, replaced) = self.refresh_tokens(grant)?;
        let mut previous = None;
        if let Some(t) = grant.refresh_in_doubt_since_ms {
            held.mark_in_doubt(t);
        }
        let mut using_previous = false;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let started = now_ms();
            let result = match (grant.grant_type, if using_previous { &previous } else { &current }) {
                (GrantType::ClientCredentials, _) => oauth::client_credentials(&self.config, deadline),
                (GrantType::AuthorizationCode, Some(rt)) => oauth::refresh(&self.config, rt, deadline),
                (GrantType::AuthorizationCode, None) => {
                    return self.give_up(
                        held,
                        generation,
                        "the stored sign-in has no refresh token (was offline_access granted?)",
                    );
                }
            };
            let failure = match result {
                Ok(set) => {
                    // Xero has rotated the refresh token: until the new one is stored, the refresh is in doubt.
                    held.mark_in_doubt(started);
                    return self.commit(held, generation, current.as_ref(), set);
                }
                Err(f) => f,
            };
            if failure.is_invalid_grant() && grant.grant_type == GrantType::AuthorizationCode {
                if let (false, Some(sealed)) = (using_previous, replaced) {
                    previous = Some(self.open_replaced(grant, sealed)?);
                    using_previous = true;
                    continue;
                }
                return self.give_up(
                    held,
                    generation,
                    "Xero refused the stored refresh token (invalid_grant): it expired after 60 days unused, was revoked \
                     (the app was disconnected in Xero), or was replaced elsewhere",
                );
            }
            if failure.uncertain() {
                held.mark_in_doubt(started);
            }
            if let Some(outcome) = self.after_failed_attempt(held, generation, failure, attempt, deadline)? {
                return Ok(outcome);
            }
        }
    }

    /// The stored refresh token, opened, and the one it replaced while Xero still answers that (still sealed).
    fn refresh_tokens<'g>(&self, grant: &'g GrantRecord) -> Result<(Option<Secret>, Option<&'g Sealed>)> {
        let current = grant
            .refresh_token
            .as_ref()
            .map(|t| self.state.open("refresh_token", t).map_err(|e| self.the_key_is_right(grant, e)))
            .transpose()?;
        // The token it replaced is opened only if Xero refuses the current one: nothing else depends on it.
        let replaced = match (&grant.previous_refresh_token, grant.rotated_at_ms) {
            (Some(t), Some(at)) if now_ms() < at + GRACE_MS => Some(t),
            _ => None,
        };
        Ok((current, replaced))
    }

    /// Opens the refresh token the refused one replaced, `sealed`, to try it within Xero's grace window.
    fn open_replaced(&self, grant: &GrantRecord, sealed: &Sealed) -> Result<Secret> {
        let previous = self.state.open_previous_refresh_token(sealed).map_err(|e| self.the_key_is_right(grant, e))?;
        xlog!(
            Level::Warn,
            TARGET,
            "{}: refresh token refused; trying the one it replaced (within Xero's grace window)",
            self.state.connection
        );
        Ok(previous)
    }

    /// After an attempt that failed without `invalid_grant`: `Ok(None)` to try again with the same refresh token
    /// (after a back-off, the lease kept), `Retry` when the lease was lost meanwhile, or the failure as an error.
    fn after_failed_attempt(
        &self,
        held: &mut Held<'_>,
        generation: u64,
        failure: oauth::TokenFailure,
        attempt: u32,
        deadline: Deadline,
    ) -> Result<Option<Outcome>> {
        let backoff = Duration::from_millis(200 * u64::from(attempt));
        if !(failure.transient() && attempt < ATTEMPTS && deadline.allows(backoff)) {
            return Err(failure.into_error("refreshing the access token"));
        }
        xlog!(
            Level::Warn,
            TARGET,
            "{}: refresh attempt {attempt} failed ({}); retrying with the same refresh token",
            self.state.connection,
            describe(&failure)
        );
        std::thread::sleep(backoff);
        if !self.extend_lease(held, generation)? {
            return Ok(Some(Outcome::Retry));
        }
        Ok(None)
    }

    /// A refresh token of a record whose access token opened with this key does not open: the key is not what is
    /// wrong, and an operator must not be sent looking for another one.
    fn the_key_is_right(&self, grant: &GrantRecord, mut e: Error) -> Error {
        if e.code == ErrorCode::Store && self.state.sealer.encrypts() && grant.access_token.is_encrypted() {
            e.message.push_str(
                "; the access_token of the same record opens with this key, so key and connection are right: this \
                 value was written for another field or is damaged (a new sign-in replaces it)",
            );
        }
        e
    }
}

fn describe(failure: &oauth::TokenFailure) -> String {
    match failure {
        oauth::TokenFailure::NoAnswer(f) => f.message.clone(),
        oauth::TokenFailure::Unexpected { status: Some(s) } => format!("HTTP {s}"),
        oauth::TokenFailure::Unexpected { status: None } => "unreadable answer".to_owned(),
        oauth::TokenFailure::Refused { error } => format!("refused: {error}"),
    }
}
