//! Durable state: one SQLite database per `state_dir` (`xero-link.sqlite3`, mode 0600), shared safely by the
//! threads of a process (one connection behind a mutex) and by several processes (SQLite locking, WAL,
//! immediate transactions). Each part of the state keeps its own tables in its own file:
//! `tokens` (sign-in, tokens, tenant, pending sign-ins, locks) and `ledger` (ERP record → Xero id).
//! A connection may instead keep its sign-in state in the host's own store ([`host`]); the ledger stays here.
//!
//! Memory does not grow with the number of state directories: each open SQLite connection keeps a page cache
//! (up to [`CACHE_KIB`]) and statements of its own, so at most [`MAX_OPEN`] are open at once in a process. The
//! least recently used one that no thread is using is closed when another must open, and reopened when its
//! state directory is used again (a [`Store`] outlives its SQLite connection).

pub mod host;
pub mod ledger;
pub mod seal;
pub mod tokens;

use crate::error::{Error, ErrorCode, Result};
use crate::process::PerProcess;
use once_cell::sync::Lazy;
use parking_lot::{Mutex, MutexGuard};
use rusqlite::{Connection, Transaction, TransactionBehavior};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

pub const DB_FILE: &str = "xero-link.sqlite3";

/// SQLite connections open at once in a process, at most (more only while more are in use at the same moment).
/// Reopening one costs a millisecond or two (its close folded the WAL into the database and removed it), little
/// beside a call to Xero; 32 also keeps the files open for state directories to at most 96 (database, WAL, shm).
pub const MAX_OPEN: usize = 32;
/// Page cache of each SQLite connection, KiB (SQLite's default is 2,000): with [`MAX_OPEN`], the process's page
/// caches stay within 16 MiB whatever the number of state directories. A ledger lookup is by primary key, so a
/// large ledger needs little more than the B-tree's upper levels in the cache.
pub const CACHE_KIB: i64 = 512;

/// The database of one state directory.
pub struct Store {
    path: PathBuf,
    /// The SQLite connection, while open (closed when others were used more recently, reopened on use).
    db: Mutex<Option<Connection>>,
    /// Whether `db` holds a connection (read without its lock, to choose one to close).
    open: AtomicBool,
    /// When `db` was last used, in ms since [`EPOCH`].
    last_used_ms: AtomicU64,
    /// The process that made this store. SQLite connections must not cross a fork (their POSIX locks stay with
    /// the parent), so a forked child refuses this one and makes its own.
    opened_by: u32,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish_non_exhaustive()
    }
}

/// Stores by state directory.
type OpenStores = HashMap<PathBuf, Arc<Store>>;

/// The stores this process made.
static OPEN: Lazy<Mutex<PerProcess<OpenStores>>> = Lazy::new(Default::default);
static EPOCH: Lazy<Instant> = Lazy::new(Instant::now);

/// The store of `state_dir`, made once per process and shared. A forked child makes its own.
pub fn open(state_dir: &Path) -> Result<Arc<Store>> {
    // Stores inherited through a fork are never used, nor closed (closing could checkpoint or remove the WAL
    // the parent is using).
    let mut guard = OPEN.lock();
    let open = guard.get_mut();
    if let Some(store) = open.get(state_dir) {
        return Ok(Arc::clone(store));
    }
    let store = Arc::new(Store::open_at(state_dir)?);
    open.insert(state_dir.to_path_buf(), Arc::clone(&store));
    drop(guard);
    make_room(&store);
    Ok(store)
}

/// How many of this process's stores hold an open SQLite connection now.
pub fn open_connections() -> usize {
    OPEN.lock().get().map_or(0, |stores| stores.values().filter(|s| s.open.load(Ordering::Relaxed)).count())
}

/// Closes the least recently used idle connections of other stores while more than [`MAX_OPEN`] are open.
/// A connection in use (its lock held) is never waited for: it is closed later, or never if all are busy.
fn make_room(keep: &Store) {
    let mut closing: Vec<Arc<Store>> = Vec::new();
    {
        let mut guard = OPEN.lock();
        let Some(stores) = guard.get_existing_mut() else { return };
        let mut open: Vec<&Arc<Store>> =
            stores.values().filter(|s| s.open.load(Ordering::Relaxed) && !std::ptr::eq(s.as_ref(), keep)).collect();
        let excess = (open.len() + 1).saturating_sub(MAX_OPEN);
        if excess == 0 {
            return;
        }
        open.sort_by_key(|s| s.last_used_ms.load(Ordering::Relaxed));
        closing.extend(open.into_iter().take(excess).cloned());
    }
    // Closed outside the map's lock: closing may checkpoint the WAL.
    for store in closing {
        if let Some(mut db) = store.db.try_lock() {
            store.open.store(false, Ordering::Relaxed);
            drop(db.take());
        }
    }
}

fn now_ms() -> u64 {
    EPOCH.elapsed().as_millis() as u64
}

pub(crate) fn store_error(what: &str, e: impl std::fmt::Display) -> Error {
    Error::new(ErrorCode::Store, format!("{what}: {e}")).retryable(true)
}

impl Store {
    fn open_at(state_dir: &Path) -> Result<Store> {
        let path = state_dir.join(DB_FILE);
        let db = Self::connect(&path)?;
        restrict_permissions(state_dir);
        Ok(Store {
            path,
            db: Mutex::new(Some(db)),
            open: AtomicBool::new(true),
            last_used_ms: AtomicU64::new(now_ms()),
            opened_by: std::process::id(),
        })
    }

    /// A new SQLite connection to the database at `path` (created owner-only if missing), schema in place.
    fn connect(path: &Path) -> Result<Connection> {
        use std::os::unix::fs::OpenOptionsExt;
        // Create the file owner-only before SQLite opens it, so tokens are never world-readable.
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(path)
            .map_err(|e| store_error(&format!("cannot create {}", path.display()), e))?;
        let db = Connection::open(path).map_err(|e| store_error(&format!("cannot open {}", path.display()), e))?;
        db.busy_timeout(Duration::from_secs(30)).map_err(|e| store_error("busy_timeout", e))?;
        db.pragma_update(None, "journal_mode", "WAL").map_err(|e| store_error("journal_mode", e))?;
        db.pragma_update(None, "synchronous", "FULL").map_err(|e| store_error("synchronous", e))?;
        db.pragma_update(None, "cache_size", -CACHE_KIB).map_err(|e| store_error("cache_size", e))?;
        for schema in [tokens::SCHEMA, ledger::SCHEMA] {
            db.execute_batch(schema).map_err(|e| store_error("schema", e))?;
        }
        Ok(db)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The SQLite connection, reopened if it was closed to make room for others.
    fn connection(&self) -> Result<MutexGuard<'_, Option<Connection>>> {
        self.check_process()?;
        let mut db = self.db.lock();
        self.last_used_ms.store(now_ms(), Ordering::Relaxed);
        if db.is_none() {
            *db = Some(Self::connect(&self.path)?);
            self.open.store(true, Ordering::Relaxed);
            make_room(self);
        }
        Ok(db)
    }

    /// Runs `f` in an immediate (write-locking) transaction, committed when `f` succeeds.
    pub fn write<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut guard = self.connection()?;
        let db = guard.as_mut().expect("opened above");
        let tx = db.transaction_with_behavior(TransactionBehavior::Immediate).map_err(|e| store_error("begin", e))?;
        let value = f(&tx)?;
        tx.commit().map_err(|e| store_error("commit", e))?;
        Ok(value)
    }

    /// Runs `f` with a read view of the database.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let guard = self.connection()?;
        f(guard.as_ref().expect("opened above"))
    }

    /// Refuses a store inherited through a fork: using its connection could corrupt the database.
    fn check_process(&self) -> Result<()> {
        if crate::process::forked_since(self.opened_by) {
            return Err(Error::new(
                ErrorCode::Internal,
                format!(
                    "the database {} was opened by the parent of this forked process and cannot be used here; \
                     xero-link opens its own for each process (this is a bug in xero-link: please report it)",
                    self.path.display()
                ),
            ));
        }
        Ok(())
    }
}

/// The WAL and shared-memory files SQLite creates next to the database hold the same data: owner-only too.
fn restrict_permissions(state_dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    for suffix in ["", "-wal", "-shm"] {
        let p = state_dir.join(format!("{DB_FILE}{suffix}"));
        if p.exists() {
            let _ = std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_state_dirs_keep_few_connections_open_and_lose_nothing() {
        let root = std::env::temp_dir().join(format!("xero-link-store-many-{}", std::process::id()));
        let stores: Vec<Arc<Store>> = (0..3 * MAX_OPEN)
            .map(|i| {
                let dir = root.join(format!("d{i}"));
                std::fs::create_dir_all(&dir).unwrap();
                open(&dir).unwrap()
            })
            .collect();
        let scope = |i: usize| ledger::Scope { connection: format!("c{i}"), tenant_id: "t".into() };
        for round in 0..2 {
            for (i, store) in stores.iter().enumerate() {
                let key = format!("k{round}");
                ledger::mark_pending(store, &scope(i), "contact", &[(&key, "h")]).unwrap();
                let ours = stores.iter().filter(|s| s.open.load(Ordering::Relaxed)).count();
                assert!(ours <= MAX_OPEN, "{ours} of this test's databases open at once");
            }
        }
        // Closed and reopened in between, every store still holds what was written through it.
        for (i, store) in stores.iter().enumerate() {
            let found = ledger::load(store, &scope(i), "contact", &["k0", "k1"]).unwrap();
            assert_eq!(found.len(), 2, "store {i}");
            assert!(Arc::ptr_eq(store, &open(&root.join(format!("d{i}"))).unwrap()), "one store per state_dir");
        }
        drop(stores);
        let _ = std::fs::remove_dir_all(&root);
    }
}
