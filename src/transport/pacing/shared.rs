//! The process's one pacer, shared by every thread: [`acquire`] waits for a slot within the caller's deadline,
//! the [`Permit`] hands it back with what Xero's answer said.

use super::pacer::{Pacer, Slot};
use super::{LimitKind, LimitsSeen, Observed, PaceKey, rate_limited};
use crate::config::Limits;
use crate::deadline::Deadline;
use crate::error::Error;
use crate::process::PerProcess;
use once_cell::sync::Lazy;
use parking_lot::{Condvar, Mutex};
use std::time::{Duration, Instant};

struct Shared {
    pacer: Mutex<PerProcess<Pacer>>,
    changed: Condvar,
}

/// The process's pacer: a forked child starts with empty books (the parent's requests in flight are not its own).
static SHARED: Lazy<Shared> = Lazy::new(|| Shared { pacer: Mutex::new(PerProcess::new()), changed: Condvar::new() });

/// A slot in the process-wide pacer; gives itself back if dropped without [`Permit::finish`].
#[derive(Debug)]
pub struct Permit {
    slot: Option<Slot>,
    limits: Limits,
}

impl Permit {
    pub fn finish(mut self, observed: &Observed) {
        if let Some(slot) = self.slot.take() {
            release(slot, &self.limits, observed);
        }
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        if let Some(slot) = self.slot.take() {
            release(slot, &self.limits, &Observed { reached_xero: true, ..Observed::default() });
        }
    }
}

fn release(slot: Slot, limits: &Limits, observed: &Observed) {
    {
        if let Some(pacer) = SHARED.pacer.lock().get_existing_mut() {
            pacer.finish(slot, limits, Instant::now(), observed);
        }
    }
    SHARED.changed.notify_all();
}

/// The share of an operation's deadline a wait for a limit must leave for the work after it: the request itself
/// and the operation's other calls (a push reads reference data and looks records up before it writes).
pub const RESERVE_DIVISOR: u32 = 4;

/// The latest moment a wait for a limit may end within `deadline`: a quarter of the operation's time before it.
pub fn latest_wait_end(deadline: Deadline) -> Instant {
    let reserve = deadline.budget() / RESERVE_DIVISOR;
    deadline.instant().checked_sub(reserve).unwrap_or_else(|| deadline.instant())
}

/// Waits for a slot, or returns `rate_limited` at once when the wait would end too near `deadline` for the work
/// after it ([`latest_wait_end`]; a wait that ended just before the deadline left the call no time to be
/// answered, and it failed with `timeout` instead). A wait of unknown end (a slot in use, the day's probe)
/// lasts until then at most. `on_wait` runs (without the pacer's lock) when the request starts waiting for a
/// limit with a known end.
pub fn acquire(
    key: &PaceKey,
    limits: &Limits,
    deadline: Deadline,
    mut on_wait: impl FnMut(Duration, LimitKind),
) -> Result<Permit, Error> {
    let latest = latest_wait_end(deadline);
    let mut reported: Option<LimitKind> = None;
    let mut guard = SHARED.pacer.lock();
    loop {
        let now = Instant::now();
        let wait = match guard.get_mut().try_start(key, limits, now) {
            Ok(slot) => return Ok(Permit { slot: Some(slot), limits: *limits }),
            Err(wait) => wait,
        };
        if let Some(until) = wait.until {
            if until >= latest {
                return Err(rate_limited(wait.limit, until.saturating_duration_since(now)));
            }
        }
        if now >= latest {
            return Err(rate_limited(wait.limit, Duration::from_millis(limits.minute_ms / 60)));
        }
        if let (Some(until), true) = (wait.until, reported != Some(wait.limit)) {
            reported = Some(wait.limit);
            parking_lot::MutexGuard::unlocked(&mut guard, || on_wait(until.saturating_duration_since(now), wait.limit));
            continue;
        }
        let wake = wait.until.map_or(latest, |u| u.min(latest));
        SHARED.changed.wait_until(&mut guard, wake);
    }
}

/// The figures last seen for one organisation of one app.
pub fn seen(app: &str, tenant: &str) -> Option<LimitsSeen> {
    let key = PaceKey { app: app.to_owned(), tenant: Some(tenant.to_owned()) };
    SHARED.pacer.lock().get()?.seen(&key, Instant::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wait_must_leave_a_quarter_of_the_deadline() {
        let d = Deadline::after(Duration::from_secs(60));
        let latest = latest_wait_end(d);
        assert_eq!(d.instant() - latest, Duration::from_secs(15));
        // A deadline moved sooner (a write's key retention) keeps the operation's reserve.
        let sooner = d.no_later_than(d.instant() - Duration::from_secs(20));
        assert_eq!(sooner.instant() - latest_wait_end(sooner), Duration::from_secs(15));
    }
}
