//! Counters for inspection by tests.

use std::collections::BTreeMap;

use parking_lot::Mutex;
use serde::{Deserialize, Serialize};

/// What the simulator has seen since start (or the last reset).
///
/// Paths are normalised: every path segment that is a UUID or all digits becomes `{id}`, the query is dropped,
/// and the key is `"METHOD /path"`, e.g. `"GET /api.xro/2.0/Invoices/{id}"`. Control calls (`/_sim/...`) are
/// not counted.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Counters {
    /// Every request received, by `METHOD /path`.
    pub calls: BTreeMap<String, u64>,
    /// Accounting requests that reached the Accounting module (`accounting::handle`), by `METHOD /path`;
    /// idempotent replays are not included.
    pub handled: BTreeMap<String, u64>,
    /// Responses by HTTP status (`"200"`, `"429"`, ...); dropped connections are not responses.
    pub statuses: BTreeMap<String, u64>,
    /// 429s served by the limiter (not by injected faults), by problem: `minute`, `day`, `concurrent`, `appminute`.
    pub rate_limited: BTreeMap<String, u64>,
    /// Requests answered from the Idempotency-Key store.
    pub idempotent_replays: u64,
    /// Requests refused because their Idempotency-Key was used with a different request.
    pub idempotency_conflicts: u64,
    /// Successful token responses by grant type (`authorization_code`, `refresh_token`, `client_credentials`).
    pub token_grants: BTreeMap<String, u64>,
    /// Successful refreshes (rotations plus grace-window answers).
    pub refreshes: u64,
    /// Refreshes answered with the already-issued successor from the grace window.
    pub refreshes_from_grace: u64,
    /// `invalid_grant` answers at the token endpoint.
    pub invalid_grant: u64,
    /// Faults injected, by kind.
    pub faults_injected: BTreeMap<String, u64>,
    /// Highest number of Accounting requests seen in flight at once, per tenant id (all apps).
    pub max_in_flight: BTreeMap<String, u32>,
    /// Accounting requests in flight now, per tenant id (not reset).
    pub in_flight: BTreeMap<String, u32>,
}

#[derive(Default)]
pub(crate) struct Stats {
    inner: Mutex<Counters>,
}

impl Stats {
    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut Counters) -> R) -> R {
        f(&mut self.inner.lock())
    }

    pub(crate) fn call(&self, key: &str) {
        *self.inner.lock().calls.entry(key.to_string()).or_default() += 1;
    }

    pub(crate) fn status(&self, status: u16) {
        *self.inner.lock().statuses.entry(status.to_string()).or_default() += 1;
    }

    pub(crate) fn fault(&self, kind: &str) {
        *self.inner.lock().faults_injected.entry(kind.to_string()).or_default() += 1;
    }

    pub(crate) fn grant(&self, grant_type: &str) {
        *self.inner.lock().token_grants.entry(grant_type.to_string()).or_default() += 1;
    }

    pub(crate) fn invalid_grant(&self) {
        self.inner.lock().invalid_grant += 1;
    }

    pub(crate) fn snapshot(&self) -> Counters {
        self.inner.lock().clone()
    }

    /// Zeroes everything but `in_flight`; `max_in_flight` restarts from the current in-flight numbers.
    pub(crate) fn reset(&self) {
        let mut c = self.inner.lock();
        let in_flight = std::mem::take(&mut c.in_flight);
        *c = Counters { max_in_flight: in_flight.clone(), in_flight, ..Counters::default() };
    }
}

/// `METHOD /path` with UUID and numeric segments replaced by `{id}`.
pub(crate) fn normalise(method: &str, path: &str) -> String {
    let mut out = String::with_capacity(method.len() + path.len() + 1);
    out.push_str(method);
    out.push(' ');
    let mut first = true;
    for seg in path.split('/') {
        if !first {
            out.push('/');
        }
        first = false;
        if is_id(seg) {
            out.push_str("{id}");
        } else {
            out.push_str(seg);
        }
    }
    out
}

fn is_id(seg: &str) -> bool {
    !seg.is_empty() && (seg.bytes().all(|b| b.is_ascii_digit()) || uuid::Uuid::try_parse(seg).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_ids() {
        assert_eq!(
            normalise("GET", "/api.xro/2.0/Invoices/0f1e2d3c-4b5a-6978-8e9d-1a2b3c4d5e6f"),
            "GET /api.xro/2.0/Invoices/{id}"
        );
        assert_eq!(normalise("PUT", "/api.xro/2.0/Invoices"), "PUT /api.xro/2.0/Invoices");
        assert_eq!(normalise("GET", "/api.xro/2.0/Items/WIDGET-1"), "GET /api.xro/2.0/Items/WIDGET-1");
        assert_eq!(normalise("DELETE", "/connections/42"), "DELETE /connections/{id}");
    }
}
