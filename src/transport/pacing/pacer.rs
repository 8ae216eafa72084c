//! The pacing bookkeeping of a process ([`Pacer`]): per organisation its requests in flight, minute window and
//! day budget, per app its minute window; driven by an explicit clock so it can be tested without sleeping.

use super::window::Window;
use super::{LimitKind, LimitsSeen, Observed, PaceKey};
use crate::config::Limits;
use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime};

/// A request may not start yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wait {
    pub limit: LimitKind,
    /// When it may start at the earliest; `None` when that depends on another request finishing.
    pub until: Option<Instant>,
}

#[derive(Debug, Default)]
struct TenantState {
    window: Window,
    /// Day budget left: Xero's last figure, less the requests started since.
    day_remaining: Option<u32>,
    /// With the day budget spent and no `Retry-After` known, one request at a time asks Xero when it resets.
    day_probe: bool,
    /// Lowered after a `concurrent` 429 (another process uses slots too); restored a minute later.
    concurrent_cap: Option<(u32, Instant)>,
    seen: LimitsSeen,
    seen_blocked_until: Option<Instant>,
}

/// The pacing bookkeeping of a process.
#[derive(Debug, Default)]
pub struct Pacer {
    tenants: HashMap<PaceKey, TenantState>,
    apps: HashMap<String, Window>,
}

/// Permission to send one request; hand it back with [`Pacer::finish`].
#[derive(Debug)]
pub struct Slot {
    key: PaceKey,
    day_probe: bool,
}

impl Pacer {
    /// Takes a slot for a request starting at `now`, or says what it waits for.
    pub fn try_start(&mut self, key: &PaceKey, limits: &Limits, now: Instant) -> Result<Slot, Wait> {
        let minute = Duration::from_millis(limits.minute_ms);
        let mut waits: Vec<Wait> = Vec::new();

        let app = self.apps.entry(key.app.clone()).or_default();
        app.purge(now, minute);
        if let Some((until, limit)) = app.blocked {
            waits.push(Wait { limit, until: Some(until) });
        }
        if let Some(until) = app.minute_wait(limits.app_per_minute, minute) {
            waits.push(Wait { limit: LimitKind::AppMinute, until });
        }

        let mut day_probe = false;
        if let Some(tenant_key) = key.tenant.as_ref().map(|_| key) {
            let tenant = self.tenants.entry(tenant_key.clone()).or_default();
            tenant.window.purge(now, minute);
            if let Some((until, limit)) = tenant.window.blocked {
                waits.push(Wait { limit, until: Some(until) });
            }
            if tenant.concurrent_cap.is_some_and(|(_, restore_at)| restore_at <= now) {
                tenant.concurrent_cap = None;
            }
            let concurrent = tenant.concurrent_cap.map_or(limits.concurrent, |(cap, _)| cap.min(limits.concurrent));
            if tenant.window.in_flight >= concurrent {
                waits.push(Wait { limit: LimitKind::Concurrent, until: None });
            }
            if let Some(until) = tenant.window.minute_wait(limits.per_minute, minute) {
                waits.push(Wait { limit: LimitKind::Minute, until });
            }
            if tenant.day_remaining.unwrap_or(limits.per_day) == 0 {
                if tenant.day_probe {
                    waits.push(Wait { limit: LimitKind::Day, until: None });
                } else {
                    day_probe = true;
                }
            }
        }

        // Report the wait that ends last; a wait of unknown length only when nothing longer is known.
        if let Some(wait) = waits.iter().filter(|w| w.until.is_some()).max_by_key(|w| w.until).copied() {
            return Err(wait);
        }
        if let Some(wait) = waits.first().copied() {
            return Err(wait);
        }

        app.in_flight += 1;
        if key.tenant.is_some() {
            let tenant = self.tenants.get_mut(key).expect("entry made above");
            tenant.window.in_flight += 1;
            tenant.day_remaining = Some(tenant.day_remaining.unwrap_or(limits.per_day).saturating_sub(1));
            tenant.day_probe |= day_probe;
            tenant.seen.in_flight = tenant.window.in_flight;
        }
        Ok(Slot { key: key.clone(), day_probe })
    }

    /// The request of `slot` is over at `now`; `observed` is what Xero's answer said.
    pub fn finish(&mut self, slot: Slot, limits: &Limits, now: Instant, observed: &Observed) {
        let minute = Duration::from_millis(limits.minute_ms);
        let app = self.apps.entry(slot.key.app.clone()).or_default();
        finish_for_app(app, limits, now, minute, observed);
        if slot.key.tenant.is_none() {
            return;
        }
        let tenant = self.tenants.entry(slot.key.clone()).or_default();
        tenant.finish(slot.day_probe, limits, now, minute, observed);
    }

    /// The figures last seen for one organisation.
    pub fn seen(&self, key: &PaceKey, now: Instant) -> Option<LimitsSeen> {
        let tenant = self.tenants.get(key)?;
        let mut seen = tenant.seen.clone();
        match tenant.seen_blocked_until {
            Some(until) if until > now => {
                seen.blocked_for_seconds = Some(until.duration_since(now).as_millis().div_ceil(1000) as u64);
            }
            _ => {
                seen.blocked_by = None;
                seen.blocked_for_seconds = None;
            }
        }
        Some(seen)
    }
}

/// The app's side of a finished request: its minute window, corrected by Xero's figure, and an `app_minute`
/// 429's block.
fn finish_for_app(app: &mut Window, limits: &Limits, now: Instant, minute: Duration, observed: &Observed) {
    app.end_request(now, minute, observed.reached_xero);
    if let Some(remaining) = observed.app_minute_remaining {
        app.correct(remaining, limits.app_per_minute, now);
    }
    if let Some((LimitKind::AppMinute, after)) = observed.rejected {
        app.block(now + after.unwrap_or(minute), LimitKind::AppMinute);
    }
}

impl TenantState {
    /// The organisation's side of a finished request (`day_probe`: it was the day's probe): its minute window
    /// and day budget as Xero reports them, a 429's hold, and the figures kept for `xero_status`.
    fn finish(&mut self, day_probe: bool, limits: &Limits, now: Instant, minute: Duration, observed: &Observed) {
        if day_probe {
            self.day_probe = false;
        }
        self.window.end_request(now, minute, observed.reached_xero);
        if let Some(remaining) = observed.minute_remaining {
            self.window.correct(remaining, limits.per_minute, now);
        }
        if let Some(remaining) = observed.day_remaining {
            self.day_remaining = Some(remaining);
        }
        self.hold_back(observed.rejected, limits, now, minute);
        self.note_seen(observed);
    }

    /// After a 429: fewer requests at once for a minute (`concurrent`), or none until its `Retry-After` ends
    /// (`minute`, `day`; a minute when Xero gave none).
    fn hold_back(
        &mut self,
        rejected: Option<(LimitKind, Option<Duration>)>,
        limits: &Limits,
        now: Instant,
        minute: Duration,
    ) {
        match rejected {
            Some((LimitKind::Concurrent, _)) => {
                // Another process holds slots: use fewer for a minute.
                let cap = self.window.in_flight.max(1).min(limits.concurrent);
                self.concurrent_cap = Some((cap, now + minute));
            }
            Some((limit @ (LimitKind::Minute | LimitKind::Day), after)) => {
                if limit == LimitKind::Day {
                    self.day_remaining = Some(0);
                }
                self.window.block(now + after.unwrap_or(minute), limit);
            }
            _ => {}
        }
    }

    /// Keeps what Xero's answer said, and the organisation's block, for `xero_status`.
    fn note_seen(&mut self, observed: &Observed) {
        let seen = &mut self.seen;
        seen.in_flight = self.window.in_flight;
        if observed.minute_remaining.is_some() || observed.day_remaining.is_some() {
            seen.minute_remaining = observed.minute_remaining.or(seen.minute_remaining);
            seen.day_remaining = observed.day_remaining.or(seen.day_remaining);
            seen.app_minute_remaining = observed.app_minute_remaining.or(seen.app_minute_remaining);
            seen.observed_at = Some(chrono::DateTime::<chrono::Utc>::from(SystemTime::now()).to_rfc3339());
        }
        if let Some((until, limit)) = self.window.blocked {
            self.seen_blocked_until = Some(until);
            seen.blocked_by = Some(limit);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits { concurrent: 5, per_minute: 60, per_day: 5000, app_per_minute: 10_000, minute_ms: 60_000 }
    }

    fn key(tenant: &str) -> PaceKey {
        PaceKey { app: "app".into(), tenant: Some(tenant.into()) }
    }

    fn ok() -> Observed {
        Observed { reached_xero: true, ..Observed::default() }
    }

    #[test]
    fn at_most_concurrent_in_flight_per_tenant_and_others_unaffected() {
        let (mut p, l, t0) = (Pacer::default(), limits(), Instant::now());
        let slots: Vec<_> = (0..5).map(|_| p.try_start(&key("a"), &l, t0).unwrap()).collect();
        assert_eq!(p.try_start(&key("a"), &l, t0).unwrap_err(), Wait { limit: LimitKind::Concurrent, until: None });
        let other = p.try_start(&key("b"), &l, t0).expect("another organisation has its own slots");
        p.finish(other, &l, t0, &ok());
        let mut slots = slots.into_iter();
        p.finish(slots.next().unwrap(), &l, t0, &ok());
        assert!(p.try_start(&key("a"), &l, t0).is_ok());
    }

    #[test]
    fn per_minute_window_counts_from_each_answer_and_frees_a_minute_later() {
        let (mut p, l, t0) = (Pacer::default(), limits(), Instant::now());
        for i in 0..60 {
            let s = p.try_start(&key("a"), &l, t0).unwrap();
            p.finish(s, &l, t0 + Duration::from_millis(i), &ok());
        }
        let wait = p.try_start(&key("a"), &l, t0 + Duration::from_secs(30)).unwrap_err();
        assert_eq!(wait, Wait { limit: LimitKind::Minute, until: Some(t0 + Duration::from_secs(60)) });
        assert!(p.try_start(&key("a"), &l, t0 + Duration::from_millis(59_999)).is_err());
        let s = p.try_start(&key("a"), &l, t0 + Duration::from_secs(60)).expect("the first answer left the window");
        assert!(p.try_start(&key("a"), &l, t0 + Duration::from_secs(60)).is_err(), "only one slot freed");
        drop(s);
    }

    #[test]
    fn requests_in_flight_count_in_the_minute_window() {
        let (mut p, mut l, t0) = (Pacer::default(), limits(), Instant::now());
        l.per_minute = 3;
        let a = p.try_start(&key("a"), &l, t0).unwrap();
        p.finish(a, &l, t0, &ok());
        let _b = p.try_start(&key("a"), &l, t0).unwrap();
        let _c = p.try_start(&key("a"), &l, t0).unwrap();
        let wait = p.try_start(&key("a"), &l, t0).unwrap_err();
        assert_eq!(wait, Wait { limit: LimitKind::Minute, until: Some(t0 + Duration::from_secs(60)) });
    }

    #[test]
    fn remaining_headers_count_other_processes_requests() {
        let (mut p, l, t0) = (Pacer::default(), limits(), Instant::now());
        let s = p.try_start(&key("a"), &l, t0).unwrap();
        // Xero counted 50 in this window: 49 were someone else's.
        p.finish(s, &l, t0, &Observed { minute_remaining: Some(10), ..ok() });
        for _ in 0..10 {
            let s = p.try_start(&key("a"), &l, t0).unwrap();
            p.finish(s, &l, t0, &ok());
        }
        assert_eq!(p.try_start(&key("a"), &l, t0).unwrap_err().limit, LimitKind::Minute);
    }

    #[test]
    fn app_minute_remaining_limits_every_tenant() {
        let (mut p, l, t0) = (Pacer::default(), limits(), Instant::now());
        let s = p.try_start(&key("a"), &l, t0).unwrap();
        p.finish(s, &l, t0, &Observed { app_minute_remaining: Some(0), ..ok() });
        let wait = p.try_start(&key("b"), &l, t0).unwrap_err();
        assert_eq!(wait.limit, LimitKind::AppMinute);
        assert!(p.try_start(&key("b"), &l, t0 + Duration::from_secs(60)).is_ok());
    }

    #[test]
    fn a_429_blocks_the_tenant_for_its_retry_after() {
        let (mut p, l, t0) = (Pacer::default(), limits(), Instant::now());
        let s = p.try_start(&key("a"), &l, t0).unwrap();
        let rejected = Some((LimitKind::Minute, Some(Duration::from_secs(20))));
        p.finish(s, &l, t0, &Observed { rejected, ..ok() });
        let wait = p.try_start(&key("a"), &l, t0 + Duration::from_secs(1)).unwrap_err();
        assert_eq!(wait, Wait { limit: LimitKind::Minute, until: Some(t0 + Duration::from_secs(20)) });
        assert!(p.try_start(&key("b"), &l, t0).is_ok(), "other organisations go on");
        assert!(p.try_start(&key("a"), &l, t0 + Duration::from_secs(20)).is_ok());
        let seen = p.seen(&key("a"), t0 + Duration::from_secs(5)).unwrap();
        assert_eq!((seen.blocked_by, seen.blocked_for_seconds), (Some(LimitKind::Minute), Some(15)));
    }

    #[test]
    fn day_budget_spent_sends_one_probe_then_honours_its_retry_after() {
        let (mut p, l, t0) = (Pacer::default(), limits(), Instant::now());
        let s = p.try_start(&key("a"), &l, t0).unwrap();
        p.finish(s, &l, t0, &Observed { day_remaining: Some(0), minute_remaining: Some(59), ..ok() });
        let probe = p.try_start(&key("a"), &l, t0).expect("one request may ask Xero when the day resets");
        assert_eq!(p.try_start(&key("a"), &l, t0).unwrap_err(), Wait { limit: LimitKind::Day, until: None });
        let rejected = Some((LimitKind::Day, Some(Duration::from_secs(40_000))));
        p.finish(probe, &l, t0, &Observed { rejected, ..ok() });
        let wait = p.try_start(&key("a"), &l, t0).unwrap_err();
        assert_eq!(wait, Wait { limit: LimitKind::Day, until: Some(t0 + Duration::from_secs(40_000)) });
    }

    #[test]
    fn concurrent_429_lowers_the_cap_for_a_minute() {
        let (mut p, l, t0) = (Pacer::default(), limits(), Instant::now());
        let a = p.try_start(&key("a"), &l, t0).unwrap();
        let b = p.try_start(&key("a"), &l, t0).unwrap();
        p.finish(b, &l, t0, &Observed { rejected: Some((LimitKind::Concurrent, None)), ..ok() });
        assert_eq!(p.try_start(&key("a"), &l, t0).unwrap_err().limit, LimitKind::Concurrent);
        p.finish(a, &l, t0, &ok());
        let c = p.try_start(&key("a"), &l, t0).unwrap();
        assert!(p.try_start(&key("a"), &l, t0).is_err(), "cap stays lowered");
        p.finish(c, &l, t0, &ok());
        let later = t0 + Duration::from_secs(61);
        let _s: Vec<_> = (0..5).map(|_| p.try_start(&key("a"), &l, later).unwrap()).collect();
    }

    #[test]
    fn unreached_requests_cost_nothing() {
        let (mut p, mut l, t0) = (Pacer::default(), limits(), Instant::now());
        l.per_minute = 1;
        let s = p.try_start(&key("a"), &l, t0).unwrap();
        p.finish(s, &l, t0, &Observed::default());
        assert!(p.try_start(&key("a"), &l, t0).is_ok());
    }
}
