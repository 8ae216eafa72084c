//! The `Idempotency-Key` store: per app, kept for the retention window from the first call.

use std::collections::HashMap;

use bytes::Bytes;
use sha2::{Digest, Sha256};

/// A response kept for replay.
#[derive(Clone)]
pub(crate) struct Stored {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Bytes,
}

struct Entry {
    fingerprint: [u8; 32],
    created_ms: i64,
    response: Stored,
}

pub(crate) enum Lookup {
    /// Not seen (or expired): process it, then [`Store::put`].
    Miss,
    /// Seen with the same request: replay.
    Replay(Stored),
    /// Seen with a different request.
    Conflict,
}

pub(crate) struct Store {
    retention_ms: i64,
    entries: HashMap<(String, String), Entry>,
    last_purge_ms: i64,
}

/// What makes two requests "the same": method, tenant, URL (path and query) and body.
pub(crate) fn fingerprint(method: &str, tenant: &str, url: &str, body: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    for part in [method.as_bytes(), tenant.as_bytes(), url.as_bytes()] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part);
    }
    h.update(body);
    h.finalize().into()
}

impl Store {
    pub(crate) fn new(retention_ms: i64) -> Self {
        Store { retention_ms, entries: HashMap::new(), last_purge_ms: 0 }
    }

    pub(crate) fn lookup(&mut self, client: &str, key: &str, fp: &[u8; 32], now: i64) -> Lookup {
        self.purge(now);
        match self.entries.get(&(client.to_string(), key.to_string())) {
            Some(e) if e.created_ms + self.retention_ms > now => {
                if &e.fingerprint == fp {
                    Lookup::Replay(e.response.clone())
                } else {
                    Lookup::Conflict
                }
            }
            _ => Lookup::Miss,
        }
    }

    pub(crate) fn put(&mut self, client: &str, key: &str, fp: [u8; 32], now: i64, response: Stored) {
        self.entries
            .insert((client.to_string(), key.to_string()), Entry { fingerprint: fp, created_ms: now, response });
    }

    fn purge(&mut self, now: i64) {
        if now - self.last_purge_ms >= self.retention_ms.max(1) {
            self.last_purge_ms = now;
            let keep = self.retention_ms;
            self.entries.retain(|_, e| e.created_ms + keep > now);
        }
    }
}
