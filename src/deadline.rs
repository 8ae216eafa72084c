//! The point in time by which an operation must answer: from the request's `deadline_ms`, or the connection's
//! configured default, with the time it was given in all (its budget). Waits that would pass it are not slept
//! through, nor waits that would leave too little of the budget for the work after them
//! (`transport::pacing::acquire`).

use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Deadline {
    at: Instant,
    /// The time the operation was given in all.
    budget: Duration,
}

impl Deadline {
    pub fn after(duration: Duration) -> Self {
        Deadline { at: Instant::now() + duration, budget: duration }
    }

    pub fn after_ms(ms: u64) -> Self {
        Self::after(Duration::from_millis(ms))
    }

    /// The request's own deadline when it gives one, else the configured default.
    pub fn from_request(deadline_ms: Option<u64>, default_ms: u64) -> Self {
        Self::after_ms(deadline_ms.unwrap_or(default_ms))
    }

    pub fn instant(&self) -> Instant {
        self.at
    }

    /// The time the operation was given in all.
    pub fn budget(&self) -> Duration {
        self.budget
    }

    /// This deadline, moved to `at` if that is sooner; the budget stays the operation's.
    pub fn no_later_than(self, at: Instant) -> Self {
        Deadline { at: self.at.min(at), budget: self.budget }
    }

    /// Time left; zero once passed.
    pub fn remaining(&self) -> Duration {
        self.at.saturating_duration_since(Instant::now())
    }

    pub fn expired(&self) -> bool {
        Instant::now() >= self.at
    }

    /// Whether a wait of `wait` would end before the deadline.
    pub fn allows(&self, wait: Duration) -> bool {
        Instant::now() + wait < self.at
    }
}
