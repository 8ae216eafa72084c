//! Faults on demand: for a method and path prefix, the next N calls (or a seeded random share of calls) fail.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

/// What an injected fault does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// 500 with a Xero-style JSON problem body.
    Error500,
    /// 503 with Xero's plain-text maintenance body.
    Maintenance503,
    /// 503 "organisation offline" (plain text).
    OrgOffline503,
    /// 429 with `Retry-After` (`retry_after_secs`, real seconds) and `X-Rate-Limit-Problem` (`problem`).
    RateLimit429,
    /// Waits `delay_ms` (real milliseconds), then processes the request normally (even if the client has gone).
    Delay,
    /// Closes the connection before the request is processed: nothing stored, no response.
    DropBefore,
    /// Processes (commits) the request, then closes the connection without sending any response bytes.
    DropAfter,
}

impl FaultKind {
    pub fn name(self) -> &'static str {
        match self {
            FaultKind::Error500 => "error500",
            FaultKind::Maintenance503 => "maintenance503",
            FaultKind::OrgOffline503 => "org_offline503",
            FaultKind::RateLimit429 => "rate_limit429",
            FaultKind::Delay => "delay",
            FaultKind::DropBefore => "drop_before",
            FaultKind::DropAfter => "drop_after",
        }
    }
}

/// One fault rule. JSON: `{"method":"PUT","path":"/api.xro/2.0/Invoices","kind":"drop_after","count":1}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    /// HTTP method (case-insensitive); `None`: any.
    #[serde(default)]
    pub method: Option<String>,
    /// Path prefix (no query), e.g. `/api.xro/2.0/Invoices` or `/connect/token`.
    pub path: String,
    pub kind: FaultKind,
    /// Fire on at most this many matching calls; `None`: no cap.
    #[serde(default)]
    pub count: Option<u32>,
    /// Probability (0..=1) that a matching call fires; `None`: always.
    #[serde(default)]
    pub rate: Option<f64>,
    /// Seed for `rate` (deterministic sequences); default 0.
    #[serde(default)]
    pub seed: Option<u64>,
    /// For `delay`.
    #[serde(default)]
    pub delay_ms: Option<u64>,
    /// For `rate_limit429`: real seconds in `Retry-After` (default 60; not sent for `concurrent`).
    #[serde(default)]
    pub retry_after_secs: Option<u64>,
    /// For `rate_limit429`: `X-Rate-Limit-Problem` (default `minute`).
    #[serde(default)]
    pub problem: Option<String>,
}

impl FaultSpec {
    /// The next `count` calls of `method path...` get `kind`.
    pub fn next(method: &str, path: &str, kind: FaultKind, count: u32) -> Self {
        FaultSpec {
            method: Some(method.to_string()),
            path: path.to_string(),
            kind,
            count: Some(count),
            rate: None,
            seed: None,
            delay_ms: None,
            retry_after_secs: None,
            problem: None,
        }
    }
}

/// An installed rule, for inspection.
#[derive(Debug, Clone, Serialize)]
pub struct FaultRule {
    pub id: u64,
    pub spec: FaultSpec,
    /// Times this rule fired.
    pub fired: u64,
}

pub(crate) struct Faults {
    next_id: u64,
    rules: Vec<(FaultRule, StdRng)>,
}

impl Faults {
    pub(crate) fn new() -> Self {
        Faults { next_id: 1, rules: Vec::new() }
    }

    pub(crate) fn add(&mut self, spec: FaultSpec) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        let rng = StdRng::seed_from_u64(spec.seed.unwrap_or(0));
        self.rules.push((FaultRule { id, spec, fired: 0 }, rng));
        id
    }

    pub(crate) fn remove(&mut self, id: u64) -> bool {
        let before = self.rules.len();
        self.rules.retain(|(r, _)| r.id != id);
        before != self.rules.len()
    }

    pub(crate) fn clear(&mut self) {
        self.rules.clear();
    }

    pub(crate) fn list(&self) -> Vec<FaultRule> {
        self.rules.iter().map(|(r, _)| r.clone()).collect()
    }

    /// The first rule that matches and fires for this call (its `fired` counted).
    pub(crate) fn take(&mut self, method: &str, path: &str) -> Option<FaultSpec> {
        if self.rules.is_empty() {
            return None;
        }
        for (rule, rng) in &mut self.rules {
            let s = &rule.spec;
            if s.method.as_deref().is_some_and(|m| !m.eq_ignore_ascii_case(method)) || !path.starts_with(&s.path) {
                continue;
            }
            if s.count.is_some_and(|c| rule.fired >= c as u64) {
                continue;
            }
            if s.rate.is_some_and(|p| !rng.random_bool(p.clamp(0.0, 1.0))) {
                continue;
            }
            rule.fired += 1;
            return Some(rule.spec.clone());
        }
        None
    }
}
