//! Access tokens for one connection, refreshed so that the connection is never lost.
//!
//! - Refreshed before expiry (margin: 60 s or 10 % of the lifetime, whichever is smaller) and once on a 401, only
//!   if the stored token is still the rejected one.
//! - One refresh per connection at a time, across threads (a mutex) and processes (a lease in the record, taken
//!   by compare-and-swap: whoever takes it sees the freshest record, so a refresh done meanwhile is never
//!   repeated). A lease of a process that has ended is taken over at once.
//! - However a refresh ends (tokens committed, given up, any error, a panic), its lease is let go
//!   ([`Held`](held::Held)); a lease that could not even be let go (the store failing) is taken over at once by
//!   this process. A failed refresh leaves its error in the record (`status` shows it) until one succeeds.
//! - The new refresh token is committed to the store before the new access token is handed out.
//! - A refresh whose answer was lost is retried with the same refresh token (Xero answers it again for 30
//!   minutes); `invalid_grant` stops retries and marks the connection `reauth_required` durably.
//! - An in-memory copy serves the hot path; it is never trusted over the store when refreshing.
//!
//! By job: [`held`] (the lease this process holds), [`attempts`] (the refresh requests made while holding it),
//! [`grant`] (what their outcome, or a sign-in, writes into the record).

mod attempts;
mod grant;
mod held;

pub use grant::new_grant;

use crate::auth::LOG_TARGET as TARGET;
use crate::auth::state::{self, State, now_ms, usable_grant};
use crate::auth::{TokenSource, lease};
use crate::config::Config;
use crate::deadline::Deadline;
use crate::error::{Error, ErrorCode, Result};
use crate::secret::Secret;
use parking_lot::Mutex;
use std::time::Duration;

/// Xero answers a refresh token again for 30 minutes after it was rotated.
pub const GRACE_MS: i64 = 30 * 60 * 1000;
/// How often a waiting caller looks whether another process finished its refresh.
const POLL: Duration = Duration::from_millis(20);

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
