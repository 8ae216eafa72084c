//! The sign-in state of each connection: tokens, tenant, pending sign-ins, the refresh lease.
//!
//! One record per connection ([`AuthRecord`], JSON with its secrets [`Sealed`]) under a revision number. Every
//! change is a compare-and-swap on that revision ([`TokenStore::compare_and_swap`]), so threads and processes
//! sharing the store never overwrite each other's changes: a writer that lost the race reloads and decides again.
//! The refresh lease lives in the same record, so taking it and seeing the freshest tokens is one atomic step.
//!
//! Only two primitives are needed (load, compare-and-swap), so a store kept by the host (e.g. in the ERP's own
//! database, shared by several application servers) implements [`TokenStore`] through two callbacks
//! (`store::host`).

use crate::config::GrantType;
use crate::error::Result;
use crate::store::seal::Sealed;
use crate::store::{Store, store_error};
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

pub const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS auth_state (
    connection    TEXT PRIMARY KEY,
    revision      INTEGER NOT NULL,
    record        TEXT NOT NULL,
    updated_at_ms INTEGER NOT NULL
);
";

/// Everything the sign-in keeps for one connection.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AuthRecord {
    /// The tokens of the current sign-in; `None` when nobody is signed in.
    #[serde(default)]
    pub grant: Option<GrantRecord>,
    /// The organisation chosen with `set_tenant`.
    #[serde(default)]
    pub tenant: Option<TenantRecord>,
    /// Sign-ins started with `authorize_url` and not yet completed.
    #[serde(default)]
    pub pending: Vec<PendingSignIn>,
    /// Who is refreshing the tokens right now.
    #[serde(default)]
    pub lease: Option<Lease>,
    /// Set when Xero refused the grant for good: every call fails with `reauth_required` until a new sign-in.
    #[serde(default)]
    pub reauth: Option<Reauth>,
    /// Raised with every new token set (sign-in, refresh, import): an older export never overwrites a newer state.
    #[serde(default)]
    pub generation: u64,
    /// Why the last refresh failed, by whichever process tried it; cleared by the next one that succeeds, a sign-in,
    /// an import or a disconnect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_failure: Option<RefreshFailure>,
}

/// A refresh that failed: the error its caller got (never a secret).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RefreshFailure {
    pub code: String,
    pub message: String,
    pub at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GrantRecord {
    pub grant_type: GrantType,
    pub access_token: Sealed,
    /// Unix ms at which the access token expires (measured from when its request was sent).
    pub access_expires_at_ms: i64,
    /// The access token's lifetime as Xero gave it (`expires_in`), ms.
    pub access_lifetime_ms: i64,
    /// `None` for client credentials.
    #[serde(default)]
    pub refresh_token: Option<Sealed>,
    /// The refresh token before the last rotation, usable at Xero for 30 minutes after `rotated_at_ms`.
    #[serde(default)]
    pub previous_refresh_token: Option<Sealed>,
    #[serde(default)]
    pub rotated_at_ms: Option<i64>,
    pub scopes: Vec<String>,
    pub signed_in_at_ms: i64,
    #[serde(default)]
    pub refreshed_at_ms: Option<i64>,
    /// A refresh was sent with the current refresh token and its answer never came: Xero may have rotated it.
    /// Retried with the same token within Xero's 30-minute grace window.
    #[serde(default)]
    pub refresh_in_doubt_since_ms: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TenantRecord {
    pub tenant_id: String,
    pub tenant_name: String,
    pub tenant_type: String,
    /// Xero's connection id (for `DELETE /connections/{id}`).
    #[serde(default)]
    pub connection_id: Option<String>,
    pub set_at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PendingSignIn {
    /// The CSRF `state` sent in the consent URL.
    pub state: String,
    /// The PKCE code verifier.
    pub verifier: Sealed,
    pub created_at_ms: i64,
    pub expires_at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lease {
    /// `host/pid/nonce` of the refresher.
    pub owner: String,
    pub taken_at_ms: i64,
    pub expires_at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reauth {
    pub reason: String,
    pub since_ms: i64,
}

/// A record with the revision it was read at.
#[derive(Debug, Clone)]
pub struct Versioned {
    pub revision: u64,
    pub record: AuthRecord,
}

/// Durable, shared storage of sign-in records: the seam for host-kept stores.
pub trait TokenStore: Send + Sync {
    /// The connection's record, or `None` if it has never been written.
    fn load(&self, connection: &str) -> Result<Option<Versioned>>;
    /// Writes `record` as revision `expected + 1` (or 1 when `expected` is `None`) only if the stored revision is
    /// still `expected`. Returns `false`, changing nothing, when someone else wrote first.
    fn compare_and_swap(&self, connection: &str, expected: Option<u64>, record: &AuthRecord) -> Result<bool>;
}

/// [`TokenStore`] in the state directory's SQLite database.
pub struct SqliteTokenStore {
    store: Arc<Store>,
}

impl SqliteTokenStore {
    pub fn new(store: Arc<Store>) -> Self {
        SqliteTokenStore { store }
    }
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl TokenStore for SqliteTokenStore {
    fn load(&self, connection: &str) -> Result<Option<Versioned>> {
        let row: Option<(i64, String)> = self.store.read(|db| {
            db.query_row("SELECT revision, record FROM auth_state WHERE connection = ?1", [connection], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()
            .map_err(|e| store_error("reading the sign-in state", e))
        })?;
        match row {
            None => Ok(None),
            Some((revision, text)) => {
                let record: AuthRecord = serde_json::from_str(&text).map_err(|e| {
                    store_error("the stored sign-in state is damaged", super::host::describe_json_error(&e))
                        .retryable(false)
                })?;
                Ok(Some(Versioned { revision: revision as u64, record }))
            }
        }
    }

    fn compare_and_swap(&self, connection: &str, expected: Option<u64>, record: &AuthRecord) -> Result<bool> {
        let text = serde_json::to_string(record).map_err(|e| store_error("encoding the sign-in state", e))?;
        self.store.write(|tx| {
            let current: Option<i64> = tx
                .query_row("SELECT revision FROM auth_state WHERE connection = ?1", [connection], |r| r.get(0))
                .optional()
                .map_err(|e| store_error("reading the sign-in state", e))?;
            if current.map(|r| r as u64) != expected {
                return Ok(false);
            }
            let next = expected.unwrap_or(0) + 1;
            tx.execute(
                "INSERT INTO auth_state (connection, revision, record, updated_at_ms) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(connection) DO UPDATE SET revision = excluded.revision, record = excluded.record,
                 updated_at_ms = excluded.updated_at_ms",
                rusqlite::params![connection, next as i64, text, now_ms()],
            )
            .map_err(|e| store_error("writing the sign-in state", e))?;
            Ok(true)
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// What every [`TokenStore`] promises: a record is created once, and a write at a stale revision is refused.
    pub(crate) fn assert_compare_and_swap_contract(store: &dyn TokenStore) {
        assert!(store.load("c").unwrap().is_none());
        let mut rec = AuthRecord::default();
        assert!(store.compare_and_swap("c", None, &rec).unwrap());
        assert!(!store.compare_and_swap("c", None, &rec).unwrap(), "already created");
        rec.generation = 7;
        assert!(store.compare_and_swap("c", Some(1), &rec).unwrap());
        assert!(!store.compare_and_swap("c", Some(1), &AuthRecord::default()).unwrap(), "stale");
        let v = store.load("c").unwrap().unwrap();
        assert_eq!((v.revision, v.record.generation), (2, 7));
    }

    #[test]
    fn compare_and_swap_refuses_a_stale_revision() {
        let dir = std::env::temp_dir().join(format!("xero-link-tokens-unit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        assert_compare_and_swap_contract(&SqliteTokenStore::new(crate::store::open(&dir).unwrap()));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
