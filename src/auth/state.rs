//! A connection's sign-in record: where it is stored, how it is read, and how it is changed (compare-and-swap
//! loops, so concurrent writers in other threads and processes are never overwritten).

use crate::config::{Config, StateStore};
use crate::error::{Error, ErrorCode, Result};
use crate::secret::Secret;
use crate::store::host::HostTokenStore;
use crate::store::seal::{Sealed, Sealer};
use crate::store::tokens::{AuthRecord, GrantRecord, SqliteTokenStore, TokenStore};
use std::sync::Arc;
use std::time::Duration;

/// The store that keeps `config`'s sign-in state: the state directory's database, or the host's own store
/// (`"state_store": "host"`, callbacks registered with `xero_set_state_store`). The one place that chooses.
pub fn token_store(config: &Config) -> Result<Arc<dyn TokenStore>> {
    Ok(match config.state_store {
        StateStore::Sqlite => Arc::new(SqliteTokenStore::new(crate::store::open(&config.state_dir)?)),
        StateStore::Host => Arc::new(HostTokenStore::new(&config.connection)?),
    })
}

pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Unix ms as RFC 3339 (UTC).
pub fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_default()
}

/// One connection's record with the revision it was read at (`None`: never written).
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub revision: Option<u64>,
    pub record: AuthRecord,
}

/// Access to one connection's record.
pub struct State {
    pub connection: String,
    pub store: Arc<dyn TokenStore>,
    pub sealer: Sealer,
}

impl State {
    pub fn new(config: &Config) -> Result<State> {
        Ok(State {
            connection: config.connection.clone(),
            store: token_store(config)?,
            sealer: Sealer::new(&config.connection, config.encryption_key.as_ref())?,
        })
    }

    pub fn load(&self) -> Result<Snapshot> {
        Ok(match self.store.load(&self.connection)? {
            Some(v) => Snapshot { revision: Some(v.revision), record: v.record },
            None => Snapshot { revision: None, record: AuthRecord::default() },
        })
    }

    /// Writes `record` if the stored revision is still `snapshot`'s.
    pub fn swap(&self, snapshot: &Snapshot, record: &AuthRecord) -> Result<bool> {
        self.store.compare_and_swap(&self.connection, snapshot.revision, record)
    }

    /// Applies `change` to the freshest record and saves it; reloads and re-applies when another writer got in
    /// first. `change` returning an error leaves the record as it was.
    pub fn update<T>(&self, mut change: impl FnMut(&mut AuthRecord) -> Result<T>) -> Result<T> {
        let mut store_failures = 0;
        let mut conflicts = 0;
        loop {
            let attempt: Result<Option<T>> = (|| {
                let snapshot = self.load()?;
                let mut record = snapshot.record.clone();
                let value = change(&mut record)?;
                if record == snapshot.record {
                    return Ok(Some(value));
                }
                Ok(if self.swap(&snapshot, &record)? { Some(value) } else { None })
            })();
            match attempt {
                Ok(Some(value)) => return Ok(value),
                // Writers racing for one record each win within a few rounds; endless refusals mean a broken
                // compare-and-swap (e.g. a host store that never writes), which must not hang the caller.
                Ok(None) if conflicts >= MAX_CONFLICTS => return Err(endless_conflicts(&self.connection)),
                Ok(None) => conflicts += 1,
                // A busy or briefly failing database: a few more tries before giving up.
                Err(e) if e.code == ErrorCode::Store && e.retryable && store_failures < 3 => {
                    store_failures += 1;
                    std::thread::sleep(Duration::from_millis(50 * store_failures));
                }
                Err(e) => return Err(e),
            }
        }
    }

    pub fn seal(&self, field: &str, value: &Secret) -> Result<Sealed> {
        self.sealer.seal(field, value)
    }

    pub fn open(&self, field: &str, value: &Sealed) -> Result<Secret> {
        self.sealer.open(field, value)
    }

    /// The refresh token a rotation replaced. Sealed for `previous_refresh_token` (rotations since this was fixed,
    /// imports); rotations before moved it there still sealed for `refresh_token`, and those records must open
    /// too. Either way it is a refresh token of this connection under this key: accepting both binds no less.
    pub fn open_previous_refresh_token(&self, value: &Sealed) -> Result<Secret> {
        self.sealer
            .open("previous_refresh_token", value)
            .or_else(|first| self.sealer.open("refresh_token", value).map_err(|_| first))
    }
}

/// Compare-and-swap refusals in a row after which a change gives up.
pub const MAX_CONFLICTS: u32 = 1_000;

pub fn endless_conflicts(connection: &str) -> Error {
    Error::new(
        ErrorCode::Store,
        format!(
            "the state store refused {MAX_CONFLICTS} compare-and-swaps of connection `{connection}` in a row: its \
             compare-and-swap does not work (it must write when the revision matches)"
        ),
    )
    .retryable(false)
}

/// The grant of a record that may be used: `reauth_required` or `not_authenticated` otherwise.
pub fn usable_grant<'a>(connection: &str, record: &'a AuthRecord) -> Result<&'a GrantRecord> {
    if let Some(reauth) = &record.reauth {
        return Err(Error::new(
            ErrorCode::ReauthRequired,
            format!("connection `{connection}` must be signed in to Xero again: {}", reauth.reason),
        )
        .with("since", rfc3339(reauth.since_ms)));
    }
    record.grant.as_ref().ok_or_else(|| {
        Error::new(
            ErrorCode::NotAuthenticated,
            format!(
                "nobody has signed in to Xero on connection `{connection}`: an administrator signs in once \
                 (authorize_url, then authenticate)"
            ),
        )
    })
}
