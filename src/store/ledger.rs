//! The push ledger: each ERP record (connection, tenant, kind, ERP key) → its Xero id, the hash of what was
//! last pushed, and Xero's status of it. A write is preceded by an intent (`pending_hash`), settled after Xero
//! answers, so a process killed mid-push knows on restart which records may already be in Xero.

use super::{Store, store_error};
use crate::error::Result;
use rusqlite::{OptionalExtension, params};
use std::collections::{HashMap, HashSet};

pub const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS push_ledger (
    connection    TEXT NOT NULL,
    tenant_id     TEXT NOT NULL,
    kind          TEXT NOT NULL,
    erp_key       TEXT NOT NULL,
    xero_id       TEXT,
    xero_number   TEXT,
    hash          TEXT,
    xero_status   TEXT,
    totals        TEXT,
    pending_hash  TEXT,
    pending_since INTEGER,
    updated_at    INTEGER NOT NULL,
    PRIMARY KEY (connection, tenant_id, kind, erp_key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS push_ledger_by_xero_id ON push_ledger (connection, tenant_id, kind, lower(xero_id));
";

/// Which organisation's records: the ledger never mixes connections or tenants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub connection: String,
    pub tenant_id: String,
}

/// What the ledger knows of one ERP record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entry {
    pub xero_id: Option<String>,
    pub xero_number: Option<String>,
    /// Hash of what was last pushed and accepted.
    pub hash: Option<String>,
    pub xero_status: Option<String>,
    /// Xero's totals when last seen (JSON), so an unchanged document still reports them.
    pub totals: Option<String>,
    /// Set while a write is in flight (or was, when the process died): the hash being pushed.
    pub pending_hash: Option<String>,
}

/// A record Xero accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settled<'a> {
    pub key: &'a str,
    pub xero_id: &'a str,
    pub xero_number: Option<&'a str>,
    pub hash: &'a str,
    pub xero_status: Option<&'a str>,
    pub totals: Option<&'a str>,
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// The entries of `keys` of one kind (keys the ledger does not know are absent from the map).
pub fn load(store: &Store, scope: &Scope, kind: &str, keys: &[&str]) -> Result<HashMap<String, Entry>> {
    store.read(|db| {
        let mut stmt = db
            .prepare_cached(
                "SELECT xero_id, xero_number, hash, xero_status, totals, pending_hash FROM push_ledger
                 WHERE connection = ?1 AND tenant_id = ?2 AND kind = ?3 AND erp_key = ?4",
            )
            .map_err(|e| store_error("ledger read", e))?;
        let mut out = HashMap::with_capacity(keys.len());
        for key in keys {
            let entry = stmt
                .query_row(params![scope.connection, scope.tenant_id, kind, key], |row| {
                    Ok(Entry {
                        xero_id: row.get(0)?,
                        xero_number: row.get(1)?,
                        hash: row.get(2)?,
                        xero_status: row.get(3)?,
                        totals: row.get(4)?,
                        pending_hash: row.get(5)?,
                    })
                })
                .optional()
                .map_err(|e| store_error("ledger read", e))?;
            if let Some(entry) = entry {
                out.insert((*key).to_owned(), entry);
            }
        }
        Ok(out)
    })
}

/// Which of `xero_ids` (any case) the ledger holds under some ERP key of one kind, in lower case: records found in
/// Xero that are some ERP record's, so never another's match.
pub fn known_xero_ids(store: &Store, scope: &Scope, kind: &str, xero_ids: &[&str]) -> Result<HashSet<String>> {
    store.read(|db| {
        let mut stmt = db
            .prepare_cached(
                "SELECT 1 FROM push_ledger
                 WHERE connection = ?1 AND tenant_id = ?2 AND kind = ?3 AND lower(xero_id) = ?4 LIMIT 1",
            )
            .map_err(|e| store_error("ledger read", e))?;
        let mut out = HashSet::new();
        for id in xero_ids {
            let id = id.to_lowercase();
            let known = stmt
                .exists(params![scope.connection, scope.tenant_id, kind, id])
                .map_err(|e| store_error("ledger read", e))?;
            if known {
                out.insert(id);
            }
        }
        Ok(out)
    })
}

/// Records the intent to push `hash` for each key, durably, before the write is sent.
pub fn mark_pending(store: &Store, scope: &Scope, kind: &str, intents: &[(&str, &str)]) -> Result<()> {
    let now = now_ms();
    store.write(|tx| {
        let mut stmt = tx
            .prepare_cached(
                "INSERT INTO push_ledger (connection, tenant_id, kind, erp_key, pending_hash, pending_since, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
                 ON CONFLICT (connection, tenant_id, kind, erp_key)
                 DO UPDATE SET pending_hash = excluded.pending_hash, pending_since = excluded.pending_since,
                               updated_at = excluded.updated_at",
            )
            .map_err(|e| store_error("ledger intent", e))?;
        for (key, hash) in intents {
            stmt.execute(params![scope.connection, scope.tenant_id, kind, key, hash, now])
                .map_err(|e| store_error("ledger intent", e))?;
        }
        Ok(())
    })
}

/// Records what Xero accepted and clears the intent.
pub fn settle(store: &Store, scope: &Scope, kind: &str, settled: &[Settled<'_>]) -> Result<()> {
    if settled.is_empty() {
        return Ok(());
    }
    let now = now_ms();
    store.write(|tx| {
        let mut stmt = tx
            .prepare_cached(
                "INSERT INTO push_ledger (connection, tenant_id, kind, erp_key, xero_id, xero_number, hash,
                                          xero_status, totals, pending_hash, pending_since, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?10, NULL, NULL, ?9)
                 ON CONFLICT (connection, tenant_id, kind, erp_key)
                 DO UPDATE SET xero_id = excluded.xero_id, xero_number = excluded.xero_number,
                               hash = excluded.hash, xero_status = excluded.xero_status,
                               totals = excluded.totals, pending_hash = NULL, pending_since = NULL, updated_at = excluded.updated_at",
            )
            .map_err(|e| store_error("ledger settle", e))?;
        for s in settled {
            stmt.execute(params![
                scope.connection,
                scope.tenant_id,
                kind,
                s.key,
                s.xero_id,
                s.xero_number,
                s.hash,
                s.xero_status,
                now,
                s.totals
            ])
            .map_err(|e| store_error("ledger settle", e))?;
        }
        Ok(())
    })
}

/// Clears the intent of writes Xero definitely refused (what was settled before stays).
pub fn clear_pending(store: &Store, scope: &Scope, kind: &str, keys: &[&str]) -> Result<()> {
    if keys.is_empty() {
        return Ok(());
    }
    let now = now_ms();
    store.write(|tx| {
        let mut stmt = tx
            .prepare_cached(
                "UPDATE push_ledger SET pending_hash = NULL, pending_since = NULL, updated_at = ?5
                 WHERE connection = ?1 AND tenant_id = ?2 AND kind = ?3 AND erp_key = ?4",
            )
            .map_err(|e| store_error("ledger clear", e))?;
        for key in keys {
            stmt.execute(params![scope.connection, scope.tenant_id, kind, key, now])
                .map_err(|e| store_error("ledger clear", e))?;
        }
        // A row that only ever held an intent says nothing: drop it.
        tx.execute(
            "DELETE FROM push_ledger WHERE connection = ?1 AND tenant_id = ?2 AND kind = ?3
             AND xero_id IS NULL AND pending_hash IS NULL",
            params![scope.connection, scope.tenant_id, kind],
        )
        .map_err(|e| store_error("ledger clear", e))?;
        Ok(())
    })
}

/// Updates Xero's status of a known record (e.g. after `get_documents` saw it PAID).
pub fn set_status(store: &Store, scope: &Scope, kind: &str, key: &str, xero_status: &str) -> Result<()> {
    store.write(|tx| {
        tx.execute(
            "UPDATE push_ledger SET xero_status = ?5, updated_at = ?6
             WHERE connection = ?1 AND tenant_id = ?2 AND kind = ?3 AND erp_key = ?4",
            params![scope.connection, scope.tenant_id, kind, key, xero_status, now_ms()],
        )
        .map_err(|e| store_error("ledger status", e))?;
        Ok(())
    })
}

/// How many records of each kind the ledger knows in Xero for `scope` (those with a Xero id), by kind.
pub fn counts(store: &Store, scope: &Scope) -> Result<std::collections::BTreeMap<String, u64>> {
    store.read(|db| {
        let mut stmt = db
            .prepare_cached(
                "SELECT kind, COUNT(*) FROM push_ledger
                 WHERE connection = ?1 AND tenant_id = ?2 AND xero_id IS NOT NULL GROUP BY kind",
            )
            .map_err(|e| store_error("ledger counts", e))?;
        let rows = stmt
            .query_map(params![scope.connection, scope.tenant_id], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?))
            })
            .map_err(|e| store_error("ledger counts", e))?;
        rows.map(|row| row.map(|(kind, n)| (kind, n.max(0) as u64)).map_err(|e| store_error("ledger counts", e)))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_store() -> std::sync::Arc<Store> {
        let dir =
            std::env::temp_dir().join(format!("xero-link-ledger-{}-{}", std::process::id(), rand::random::<u64>()));
        std::fs::create_dir_all(&dir).unwrap();
        crate::store::open(&dir).unwrap()
    }

    #[test]
    fn intent_then_settle_then_reload() {
        let store = temp_store();
        let scope = Scope { connection: "xero-a".into(), tenant_id: "t1".into() };
        assert!(load(&store, &scope, "contact", &["C1"]).unwrap().is_empty());
        mark_pending(&store, &scope, "contact", &[("C1", "h1"), ("C2", "h2")]).unwrap();
        let m = load(&store, &scope, "contact", &["C1", "C2"]).unwrap();
        assert_eq!(m["C1"].pending_hash.as_deref(), Some("h1"));
        assert_eq!(m["C1"].xero_id, None);
        settle(
            &store,
            &scope,
            "contact",
            &[Settled {
                key: "C1",
                xero_id: "X1",
                xero_number: None,
                hash: "h1",
                xero_status: Some("ACTIVE"),
                totals: None,
            }],
        )
        .unwrap();
        clear_pending(&store, &scope, "contact", &["C2"]).unwrap();
        let m = load(&store, &scope, "contact", &["C1", "C2"]).unwrap();
        assert_eq!(
            m["C1"],
            Entry {
                xero_id: Some("X1".into()),
                xero_number: None,
                hash: Some("h1".into()),
                xero_status: Some("ACTIVE".into()),
                totals: None,
                pending_hash: None
            }
        );
        assert!(!m.contains_key("C2"), "an intent that never settled leaves nothing");
        // Another tenant sees nothing.
        let other = Scope { connection: "xero-a".into(), tenant_id: "t2".into() };
        assert!(load(&store, &other, "contact", &["C1"]).unwrap().is_empty());
        mark_pending(&store, &scope, "item", &[("I1", "h3")]).unwrap();
        let counted = counts(&store, &scope).unwrap();
        assert_eq!(counted.into_iter().collect::<Vec<_>>(), vec![("contact".to_owned(), 1)], "only records in Xero");
        assert!(counts(&store, &other).unwrap().is_empty());
    }
}
