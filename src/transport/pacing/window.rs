//! A rolling minute window of requests (an organisation's or an app's): those in flight, the answers of the
//! last minute, and a 429's block.

use super::LimitKind;
use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// The requests of one organisation, or of one app, counted against a minute limit.
#[derive(Debug, Default)]
pub(super) struct Window {
    /// Requests in flight.
    pub(super) in_flight: u32,
    /// When each finished request of the current window got its answer (oldest first), plus phantom entries
    /// for requests other processes made.
    finished: VecDeque<Instant>,
    /// A 429 told us to stop until then.
    pub(super) blocked: Option<(Instant, LimitKind)>,
}

impl Window {
    pub(super) fn purge(&mut self, now: Instant, minute: Duration) {
        while self.finished.front().is_some_and(|t| now.saturating_duration_since(*t) >= minute) {
            self.finished.pop_front();
        }
        if self.blocked.is_some_and(|(until, _)| until <= now) {
            self.blocked = None;
        }
    }

    /// A request of this window is over at `now`: it counts in the window from its answer if it reached Xero.
    pub(super) fn end_request(&mut self, now: Instant, minute: Duration, reached_xero: bool) {
        self.in_flight = self.in_flight.saturating_sub(1);
        if reached_xero {
            self.finished.push_back(now);
        }
        self.purge(now, minute);
    }

    /// A 429 holds the window back until `until` (or longer, if an earlier one already does).
    pub(super) fn block(&mut self, until: Instant, limit: LimitKind) {
        let until = self.blocked.map_or(until, |(b, _)| b.max(until));
        self.blocked = Some((until, limit));
    }

    fn used(&self) -> usize {
        self.finished.len() + self.in_flight as usize
    }

    /// When a minute slot frees up, if the window is full.
    pub(super) fn minute_wait(&self, limit: u32, minute: Duration) -> Option<Option<Instant>> {
        if self.used() < limit as usize {
            return None;
        }
        // The window is full: the oldest finished entry that must expire for a slot to free up.
        let excess = self.used() - limit as usize;
        Some(self.finished.get(excess).map(|t| *t + minute))
    }

    /// Xero says `remaining` of `limit` are left: count the others' requests too.
    pub(super) fn correct(&mut self, remaining: u32, limit: u32, now: Instant) {
        let used_at_xero = limit.saturating_sub(remaining) as usize;
        let missing = used_at_xero.saturating_sub(self.used());
        for _ in 0..missing {
            self.finished.push_back(now);
        }
    }
}
