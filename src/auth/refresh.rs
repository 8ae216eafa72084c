//! Access tokens for one connection, refreshed so that the connection is never lost.
//!
//! - Refreshed before expiry (margin: 60 s or 10 % of the lifetime, whichever is smaller) and once on a 401, only
//!   if the stored token is still the rejected one.
//! - One refresh per connection at a time, across threads (a mutex) and processes (a lease in the record, taken
//!   by compare-and-swap: whoever takes it sees the freshest record, so a refresh done meanwhile is never
//!   repeated). A lease of a process that has ended is taken over at once.
//! - However a refresh ends (tokens committed, given up, any error, a panic), its lease is let go ([`Held`]); a
//!   lease that could not even be let go (the store failing) is taken over at once by this process. A failed
//!   refresh leaves its error in the record (`status` shows it) until one succeeds.
//! - The new refresh token is committed to the store before the new access token is handed out.
//! - A refresh whose answer was lost is retried with the same refresh token (Xero answers it again for 30
//!   minutes); `invalid_grant` stops retries and marks the connection `reauth_required` durably.
//! - An in-memory copy serves the hot path; it is never trusted over the store when refreshing.

use crate::auth::state::{self, Snapshot, State, now_ms, usable_grant};
use crate::auth::{TokenSource, lease, oauth};
use crate::config::{Config, GrantType};
use crate::deadline::Deadline;
use crate::error::{Error, ErrorCode, Result};
use crate::log::Level;
use crate::secret::Secret;
use crate::store::seal::Sealed;
use crate::store::tokens::{AuthRecord, GrantRecord, Lease, Reauth, RefreshFailure};
use crate::xlog;
use parking_lot::Mutex;
use std::time::Duration;

const TARGET: &str = "xero_link::auth";
/// Xero answers a refresh token again for 30 minutes after it was rotated.
pub const GRACE_MS: i64 = 30 * 60 * 1000;
/// How often a waiting caller looks whether another process finished its refresh.
const POLL: Duration = Duration::from_millis(20);
/// Tries of one refresh while holding the lease (network trouble, Xero briefly unavailable).
const ATTEMPTS: u32 = 3;

/// How long before expiry an access token is refreshed.
pub fn margin_ms(lifetime_ms: i64) -> i64 {
    (lifetime_ms / 10).min(60_000)
}

struct Cached {
    token: Secret,
    use_until_ms: i64,
}

/// The [`TokenSource`] of one connection (one per connection and process, shared by its threads).
pub struct ConnectionTokens {
    config: Config,
    state: State,
    cache: Mutex<Option<Cached>>,
    refresh_lock: Mutex<()>,
}

enum Outcome {
    Token(Secret),
    Retry,
}

/// The refresh lease this process took (or may have taken: a compare-and-swap that failed may have written).
/// Dropping it lets the lease go, so no way out of a refresh can leave it held: the writes that end a refresh
/// (`commit`, `give_up`) clear it themselves and mark it [`Held::gone`]; on any other way out `drop` releases
/// it, keeping a refresh that may have reached Xero, and when even that cannot be written the lease is
/// forsaken: this process takes it over at once rather than waiting for it to expire.
struct Held<'a> {
    tokens: &'a ConnectionTokens,
    owner: String,
    /// When a refresh request that may have reached Xero (and rotated the refresh token) was sent.
    in_doubt_since: Option<i64>,
    /// Not (or no longer) in the record: nothing to release.
    gone: bool,
    /// The error the refresh ended with, kept in the record as the lease is let go.
    failure: Option<RefreshFailure>,
}

impl Held<'_> {
    fn mark_in_doubt(&mut self, at_ms: i64) {
        self.in_doubt_since.get_or_insert(at_ms);
    }

    fn failed(&mut self, e: &Error) {
        self.failure =
            Some(RefreshFailure { code: e.code.as_str().to_owned(), message: e.message.clone(), at_ms: now_ms() });
    }
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        if self.gone {
            return;
        }
        // No store call while unwinding: a second panic would abort the host's process.
        let released = if std::thread::panicking() {
            Err(Error::internal("a panic during the refresh"))
        } else {
            self.tokens.release(&self.owner, self.in_doubt_since, self.failure.take())
        };
        if let Err(e) = released {
            xlog!(
                Level::Warn,
                TARGET,
                "{}: the refresh lease could not be let go ({}); this process takes it over at its next refresh",
                self.tokens.state.connection,
                e.message
            );
            lease::forsake(&self.owner);
        }
    }
}

impl ConnectionTokens {
    pub fn new(config: Config) -> Result<ConnectionTokens> {
        let state = State::new(&config)?;
        Ok(ConnectionTokens { config, state, cache: Mutex::new(None), refresh_lock: Mutex::new(()) })
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn state(&self) -> &State {
        &self.state
    }

    /// Forgets the in-memory copy (after a sign-in, disconnect or import).
    pub fn forget_cache(&self) {
        *self.cache.lock() = None;
    }

    fn remember(&self, token: &Secret, use_until_ms: i64) {
        *self.cache.lock() = Some(Cached { token: token.clone(), use_until_ms });
    }

    fn lease_ttl_ms(&self) -> i64 {
        self.config.timeouts.request_ms as i64 + 5_000
    }

    /// A valid access token; refreshes when it is due, or when `rejected` is still the stored token.
    fn obtain(&self, rejected: Option<&Secret>, deadline: Deadline) -> Result<Secret> {
        let _local = self.refresh_lock.try_lock_until(deadline.instant()).ok_or_else(|| {
            Error::new(ErrorCode::Timeout, "the deadline passed while another thread was refreshing the access token")
        })?;
        let mut conflicts = 0;
        loop {
            let snapshot = self.state.load()?;
            let record = &snapshot.record;
            let grant = usable_grant(&self.state.connection, record)?;
            let access = self.state.open("access_token", &grant.access_token)?;
            let now = now_ms();
            let refresh_at = grant.access_expires_at_ms - margin_ms(grant.access_lifetime_ms);
            let due = now >= refresh_at
                || rejected.is_some_and(|r| r == &access)
                || grant.refresh_in_doubt_since_ms.is_some();
            if !due {
                self.remember(&access, refresh_at);
                return Ok(access);
            }
            if record.lease.as_ref().is_some_and(|held| held.expires_at_ms > now && !lease::abandoned(&held.owner)) {
                // Another process is refreshing. A token Xero still accepts serves meanwhile.
                if rejected.is_none() && now + 1_000 < grant.access_expires_at_ms {
                    return Ok(access);
                }
                wait_for_other_process(deadline)?;
                continue;
            }
            let Some((mut held, mine)) = self.take_lease(&snapshot, now)? else {
                conflicts += 1;
                if conflicts >= state::MAX_CONFLICTS {
                    return Err(state::endless_conflicts(&self.state.connection));
                }
                continue;
            };
            match self.refresh_holding(&mut held, &mine, deadline) {
                Ok(Outcome::Token(token)) => return Ok(token),
                Ok(Outcome::Retry) => continue,
                Err(e) => {
                    held.failed(&e);
                    return Err(e);
                }
            }
        }
    }

    /// Takes the refresh lease by a compare-and-swap of `snapshot` (the record read at `now`), taking over a lease
    /// whose holder ended or overran: the lease and the record as it was taken, or `None` when another writer got
    /// in first.
    fn take_lease(&self, snapshot: &Snapshot, now: i64) -> Result<Option<(Held<'_>, AuthRecord)>> {
        let record = &snapshot.record;
        let mut mine = record.clone();
        if let (Some(stale), Some(g)) = (&record.lease, mine.grant.as_mut()) {
            // Its holder ended or overran: its refresh may have reached Xero, which may have rotated the token.
            xlog!(
                Level::Warn,
                TARGET,
                "{}: taking over a refresh left unfinished by {}",
                self.state.connection,
                stale.owner
            );
            g.refresh_in_doubt_since_ms.get_or_insert(stale.taken_at_ms);
        }
        let owner = lease::new_owner();
        mine.lease = Some(Lease { owner: owner.clone(), taken_at_ms: now, expires_at_ms: now + self.lease_ttl_ms() });
        // Held from before the swap: a swap that fails may still have written.
        let mut held = Held { tokens: self, owner, in_doubt_since: None, gone: false, failure: None };
        if !self.state.swap(snapshot, &mine)? {
            held.gone = true;
            return Ok(None);
        }
        if let Some(stale) = &record.lease {
            lease::taken_over(&stale.owner);
        }
        Ok(Some((held, mine)))
    }

    /// Refreshes while holding the lease `held`; `taken` is the record as the lease was taken. Any error leaves
    /// the lease to `held`'s drop.
    fn refresh_holding(&self, held: &mut Held<'_>, taken: &AuthRecord, deadline: Deadline) -> Result<Outcome> {
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

    /// Commits the new tokens (refresh token first in the store, then the access token is handed out).
    /// `replaced` is the refresh token stored at `generation`: kept, sealed for its new field, for the grace window.
    fn commit(
        &self,
        held: &mut Held<'_>,
        generation: u64,
        replaced: Option<&Secret>,
        set: oauth::TokenSet,
    ) -> Result<Outcome> {
        let owner = held.owner.as_str();
        let access = self.state.seal("access_token", &set.access_token)?;
        let new_refresh = set.refresh_token.as_ref().map(|t| self.state.seal("refresh_token", t)).transpose()?;
        let previous = replaced.map(|t| self.state.seal("previous_refresh_token", t)).transpose()?;
        let now = now_ms();
        let committed = self.state.update(|latest| {
            if latest.generation != generation || latest.grant.is_none() {
                // Someone committed newer tokens (our lease had run out) or signed out: theirs stands.
                if latest.lease.as_ref().is_some_and(|l| l.owner == owner) {
                    latest.lease = None;
                }
                return Ok(false);
            }
            let g = latest.grant.as_mut().expect("checked");
            g.access_token = access.clone();
            g.access_expires_at_ms = set.expires_at_ms();
            g.access_lifetime_ms = set.lifetime.as_millis() as i64;
            if let Some(rt) = &new_refresh {
                // Same generation: the stored refresh token is still the one opened as `replaced`.
                if g.refresh_token.replace(rt.clone()).is_some() {
                    g.previous_refresh_token = previous.clone();
                    g.rotated_at_ms = Some(now);
                }
            }
            if let Some(scopes) = &set.scopes {
                g.scopes = scopes.clone();
            }
            g.refreshed_at_ms = Some(now);
            g.refresh_in_doubt_since_ms = None;
            latest.generation += 1;
            latest.lease = None;
            latest.reauth = None;
            latest.refresh_failure = None;
            Ok(true)
        })?;
        held.gone = true;
        if !committed {
            return Ok(Outcome::Retry);
        }
        xlog!(
            Level::Debug,
            TARGET,
            "{}: access token refreshed, valid {} s",
            self.state.connection,
            set.lifetime.as_secs()
        );
        let refresh_at = set.expires_at_ms() - margin_ms(set.lifetime.as_millis() as i64);
        self.remember(&set.access_token, refresh_at);
        Ok(Outcome::Token(set.access_token))
    }

    /// Marks the connection `reauth_required` (unless newer tokens arrived meanwhile) and says so.
    fn give_up(&self, held: &mut Held<'_>, generation: u64, reason: &str) -> Result<Outcome> {
        let owner = held.owner.as_str();
        let marked = self.state.update(|latest| {
            if latest.lease.as_ref().is_some_and(|l| l.owner == owner) {
                latest.lease = None;
            }
            if latest.generation != generation {
                return Ok(false);
            }
            latest.reauth = Some(Reauth { reason: reason.to_owned(), since_ms: now_ms() });
            Ok(true)
        })?;
        held.gone = true;
        if !marked {
            return Ok(Outcome::Retry);
        }
        self.forget_cache();
        xlog!(Level::Error, TARGET, "{}: an administrator must sign in to Xero again: {reason}", self.state.connection);
        let record = self.state.load()?.record;
        Err(usable_grant(&self.state.connection, &record)
            .err()
            .unwrap_or_else(|| Error::new(ErrorCode::ReauthRequired, reason.to_owned())))
    }

    /// Keeps the lease for another attempt; `false` when it was lost (the caller starts over).
    fn extend_lease(&self, held: &mut Held<'_>, generation: u64) -> Result<bool> {
        let ttl = self.lease_ttl_ms();
        let (owner, in_doubt_since) = (held.owner.as_str(), held.in_doubt_since);
        let extended = self.state.update(|latest| {
            let mine = latest.generation == generation && latest.lease.as_ref().is_some_and(|l| l.owner == owner);
            if !mine {
                // Newer tokens were stored meanwhile: our lease, if it is still there, goes too.
                if latest.lease.as_ref().is_some_and(|l| l.owner == owner) {
                    latest.lease = None;
                }
                return Ok(false);
            }
            if let Some(l) = latest.lease.as_mut() {
                l.expires_at_ms = now_ms() + ttl;
            }
            if let (Some(t), Some(g)) = (in_doubt_since, latest.grant.as_mut()) {
                g.refresh_in_doubt_since_ms.get_or_insert(t);
            }
            Ok(true)
        })?;
        if !extended {
            held.gone = true;
        }
        Ok(extended)
    }

    /// Lets go of the lease after a failed refresh, remembering a refresh that may have reached Xero and why it
    /// failed (only through [`Held`]'s drop).
    fn release(&self, owner: &str, in_doubt_since: Option<i64>, failure: Option<RefreshFailure>) -> Result<()> {
        self.state.update(|latest| {
            if latest.lease.as_ref().is_none_or(|l| l.owner != owner) {
                return Ok(());
            }
            latest.lease = None;
            if failure.is_some() {
                latest.refresh_failure = failure.clone();
            }
            if let (Some(t), Some(g)) = (in_doubt_since, latest.grant.as_mut()) {
                g.refresh_in_doubt_since_ms.get_or_insert(t);
            }
            Ok(())
        })
    }
}

impl ConnectionTokens {
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

impl TokenSource for ConnectionTokens {
    fn access_token(&self, deadline: Deadline) -> Result<Secret> {
        if let Some(cached) = self.cache.lock().as_ref() {
            if now_ms() < cached.use_until_ms {
                return Ok(cached.token.clone());
            }
        }
        self.obtain(None, deadline)
    }

    fn refresh_after_rejection(&self, rejected: &Secret, deadline: Deadline) -> Result<Secret> {
        {
            let mut cache = self.cache.lock();
            if cache.as_ref().is_some_and(|c| &c.token == rejected) {
                *cache = None;
            }
        }
        self.obtain(Some(rejected), deadline)
    }
}

/// A new grant from a token answer (sign-in).
pub fn new_grant(
    state: &State,
    grant_type: GrantType,
    set: &oauth::TokenSet,
    requested: Vec<String>,
) -> Result<GrantRecord> {
    let now = now_ms();
    Ok(GrantRecord {
        grant_type,
        access_token: state.seal("access_token", &set.access_token)?,
        access_expires_at_ms: set.expires_at_ms(),
        access_lifetime_ms: set.lifetime.as_millis() as i64,
        refresh_token: set.refresh_token.as_ref().map(|t| state.seal("refresh_token", t)).transpose()?,
        previous_refresh_token: None,
        rotated_at_ms: None,
        scopes: set.scopes.clone().unwrap_or(requested),
        signed_in_at_ms: now,
        refreshed_at_ms: None,
        refresh_in_doubt_since_ms: None,
    })
}

/// Waits a poll interval for another process's refresh, or says the deadline does not allow it.
fn wait_for_other_process(deadline: Deadline) -> Result<()> {
    if !deadline.allows(POLL) {
        return Err(Error::new(
            ErrorCode::Timeout,
            "the deadline passed while another process was refreshing the access token",
        ));
    }
    std::thread::sleep(POLL);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refresh_margin_is_a_tenth_of_the_lifetime_up_to_a_minute() {
        assert_eq!(margin_ms(1_800_000), 60_000);
        assert_eq!(margin_ms(3_000), 300);
        assert_eq!(margin_ms(0), 0);
    }
}
