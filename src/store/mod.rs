//! Durable state: one SQLite database per `state_dir` (`xero-link.sqlite3`, mode 0600), shared safely by the
//! threads of a process (one connection behind a mutex) and by several processes (SQLite locking, WAL,
//! immediate transactions). Each part of the state keeps its own tables in its own file:
//! `tokens` (sign-in, tokens, tenant, pending sign-ins, locks) and `ledger` (ERP record → Xero id).
//! A connection may instead keep its sign-in state in the host's own store ([`host`]); the ledger stays here.

pub mod host;
pub mod ledger;
pub mod seal;
pub mod tokens;

use crate::error::{Error, ErrorCode, Result};
use crate::process::PerProcess;
use once_cell::sync::Lazy;
use parking_lot::Mutex;
use rusqlite::{Connection, Transaction, TransactionBehavior};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

pub const DB_FILE: &str = "xero-link.sqlite3";

/// The open database of one state directory.
pub struct Store {
    path: PathBuf,
    db: Mutex<Connection>,
    /// The process that opened `db`. SQLite connections must not cross a fork (their POSIX locks stay with the
    /// parent), so a forked child refuses this one and opens its own.
    opened_by: u32,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish_non_exhaustive()
    }
}

/// Open stores by state directory.
type OpenStores = HashMap<PathBuf, Arc<Store>>;

/// The stores this process opened.
static OPEN: Lazy<Mutex<PerProcess<OpenStores>>> = Lazy::new(Default::default);

/// The store of `state_dir`, opened once per process and shared. A forked child opens its own.
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
    Ok(store)
}

pub(crate) fn store_error(what: &str, e: impl std::fmt::Display) -> Error {
    Error::new(ErrorCode::Store, format!("{what}: {e}")).retryable(true)
}

impl Store {
    fn open_at(state_dir: &Path) -> Result<Store> {
        use std::os::unix::fs::OpenOptionsExt;
        let path = state_dir.join(DB_FILE);
        // Create the file owner-only before SQLite opens it, so tokens are never world-readable.
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(&path)
            .map_err(|e| store_error(&format!("cannot create {}", path.display()), e))?;
        let db = Connection::open(&path).map_err(|e| store_error(&format!("cannot open {}", path.display()), e))?;
        db.busy_timeout(Duration::from_secs(30)).map_err(|e| store_error("busy_timeout", e))?;
        db.pragma_update(None, "journal_mode", "WAL").map_err(|e| store_error("journal_mode", e))?;
        db.pragma_update(None, "synchronous", "FULL").map_err(|e| store_error("synchronous", e))?;
        for schema in [tokens::SCHEMA, ledger::SCHEMA] {
            db.execute_batch(schema).map_err(|e| store_error("schema", e))?;
        }
        restrict_permissions(state_dir);
        Ok(Store { path, db: Mutex::new(db), opened_by: std::process::id() })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` in an immediate (write-locking) transaction, committed when `f` succeeds.
    pub fn write<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        self.check_process()?;
        let mut db = self.db.lock();
        let tx = db.transaction_with_behavior(TransactionBehavior::Immediate).map_err(|e| store_error("begin", e))?;
        let value = f(&tx)?;
        tx.commit().map_err(|e| store_error("commit", e))?;
        Ok(value)
    }

    /// Runs `f` with a read view of the database.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        self.check_process()?;
        let db = self.db.lock();
        f(&db)
    }

    /// Refuses a connection inherited through a fork: using it could corrupt the database.
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
