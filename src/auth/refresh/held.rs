//! The refresh lease as this process holds it: taking it by compare-and-swap, keeping it between attempts, and
//! letting it go however the refresh ends.

use super::{ConnectionTokens, TARGET};
use crate::auth::lease;
use crate::auth::state::{Snapshot, now_ms};
use crate::error::{Error, Result};
use crate::log::Level;
use crate::store::tokens::{AuthRecord, Lease, RefreshFailure};
use crate::xlog;

/// The refresh lease this process took (or may have taken: a compare-and-swap that failed may have written).
/// Dropping it lets the lease go, so no way out of a refresh can leave it held: the writes that end a refresh
/// (`commit`, `give_up`) clear it themselves and mark it [`Held::gone`]; on any other way out `drop` releases
/// it, keeping a refresh that may have reached Xero, and when even that cannot be written the lease is
/// forsaken: this process takes it over at once rather than waiting for it to expire.
pub(super) struct Held<'a> {
    tokens: &'a ConnectionTokens,
    pub(super) owner: String,
    /// When a refresh request that may have reached Xero (and rotated the refresh token) was sent.
    in_doubt_since: Option<i64>,
    /// Not (or no longer) in the record: nothing to release.
    pub(super) gone: bool,
    /// The error the refresh ended with, kept in the record as the lease is let go.
    failure: Option<RefreshFailure>,
}

impl Held<'_> {
    pub(super) fn mark_in_doubt(&mut self, at_ms: i64) {
        self.in_doubt_since.get_or_insert(at_ms);
    }

    pub(super) fn failed(&mut self, e: &Error) {
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
    fn lease_ttl_ms(&self) -> i64 {
        self.config.timeouts.request_ms as i64 + 5_000
    }

    /// Takes the refresh lease by a compare-and-swap of `snapshot` (the record read at `now`), taking over a lease
    /// whose holder ended or overran: the lease and the record as it was taken, or `None` when another writer got
    /// in first.
    pub(super) fn take_lease(&self, snapshot: &Snapshot, now: i64) -> Result<Option<(Held<'_>, AuthRecord)>> {
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

    /// Keeps the lease for another attempt; `false` when it was lost (the caller starts over).
    pub(super) fn extend_lease(&self, held: &mut Held<'_>, generation: u64) -> Result<bool> {
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
