//! Sign-in state kept by the host (e.g. in the ERP's own database, shared by application servers on several
//! machines), reached through two primitives the host implements: load a value with its revision, and
//! compare-and-swap a value on its revision. The C side of it (callbacks, buffers) lives in `ffi`; here the
//! host's answers are checked and turned into [`TokenStore`] answers, so a host that misbehaves gets a clear
//! `store` error and never a crash or a silently wrong state.
//!
//! Keys are `auth/{connection}`; values are the connection's [`AuthRecord`] as JSON, with tokens sealed when the
//! connection has an `encryption_key` (then the host never sees a plaintext token).

use crate::error::{Error, ErrorCode, Result};
use crate::store::tokens::{AuthRecord, TokenStore, Versioned};
use once_cell::sync::Lazy;
use parking_lot::RwLock;
use std::sync::Arc;

/// One answer of the host's load.
#[derive(Debug)]
pub enum Loaded {
    Found { revision: i64, value: Vec<u8> },
    NotFound,
}

/// The host's key–value store with revisions. `Err` carries why the host failed (never a stored value).
pub trait HostKv: Send + Sync {
    fn load(&self, key: &str) -> std::result::Result<Loaded, String>;
    /// Stores `value` under revision `expected + 1` if the key's revision is `expected` (0: the key is absent).
    /// `Ok(false)`: the revision differed, nothing was written.
    fn compare_and_swap(&self, key: &str, expected: i64, value: &str) -> std::result::Result<bool, String>;
}

static REGISTERED: Lazy<RwLock<Option<Arc<dyn HostKv>>>> = Lazy::new(|| RwLock::new(None));

/// Installs (or with `None` removes) the process's host store.
pub fn register(kv: Option<Arc<dyn HostKv>>) {
    *REGISTERED.write() = kv;
}

/// The host store in use, or the error a connection configured for it gets while none is registered.
pub fn registered(connection: &str) -> Result<Arc<dyn HostKv>> {
    REGISTERED.read().clone().ok_or_else(|| {
        Error::new(
            ErrorCode::Store,
            format!(
                "connection `{connection}` keeps its sign-in state in the host's store (\"state_store\": \"host\"), \
                 but no host store is registered in this process: call xero_set_state_store first"
            ),
        )
        .with("state_store", "host")
        .retryable(false)
    })
}

/// The key of a connection's sign-in record.
pub fn auth_key(connection: &str) -> String {
    format!("auth/{connection}")
}

/// [`TokenStore`] over the host's store. Looks the registered store up on every call, so callbacks registered,
/// replaced or removed later take effect at once.
pub struct HostTokenStore;

impl HostTokenStore {
    /// Fails at once when no host store is registered.
    pub fn new(connection: &str) -> Result<HostTokenStore> {
        registered(connection)?;
        Ok(HostTokenStore)
    }
}

fn host_failed(what: &str, key: &str, why: &str) -> Error {
    Error::new(ErrorCode::Store, format!("the host's state store failed to {what} `{key}`: {why}")).retryable(true)
}

fn garbage(key: &str, why: impl std::fmt::Display) -> Error {
    Error::new(ErrorCode::Store, format!("the host's state store returned an unusable value for `{key}`: {why}"))
        .retryable(false)
}

impl TokenStore for HostTokenStore {
    fn load(&self, connection: &str) -> Result<Option<Versioned>> {
        let kv = registered(connection)?;
        let key = auth_key(connection);
        let (revision, value) = match kv.load(&key).map_err(|why| host_failed("load", &key, &why))? {
            Loaded::NotFound => return Ok(None),
            Loaded::Found { revision, value } => (revision, value),
        };
        if revision < 1 {
            return Err(garbage(&key, format!("revision {revision} (revisions start at 1)")));
        }
        let text = std::str::from_utf8(&value).map_err(|_| garbage(&key, "not UTF-8"))?;
        let record: AuthRecord = serde_json::from_str(text).map_err(|e| garbage(&key, describe_json_error(&e)))?;
        Ok(Some(Versioned { revision: revision as u64, record }))
    }

    fn compare_and_swap(&self, connection: &str, expected: Option<u64>, record: &AuthRecord) -> Result<bool> {
        let kv = registered(connection)?;
        let key = auth_key(connection);
        let expected = match expected {
            None => 0,
            Some(r) => i64::try_from(r).map_err(|_| garbage(&key, "revision out of range"))?,
        };
        let text = serde_json::to_string(record)
            .map_err(|e| Error::new(ErrorCode::Store, format!("encoding the sign-in state: {e}")))?;
        kv.compare_and_swap(&key, expected, &text).map_err(|why| host_failed("save", &key, &why))
    }
}

/// Where and what kind of JSON error, without the text serde might quote (it could be a token).
pub fn describe_json_error(e: &serde_json::Error) -> String {
    let kind = match e.classify() {
        serde_json::error::Category::Io => "unreadable",
        serde_json::error::Category::Syntax => "not valid JSON",
        serde_json::error::Category::Data => "JSON of the wrong shape",
        serde_json::error::Category::Eof => "truncated JSON",
    };
    format!("{kind} at line {} column {}", e.line(), e.column())
}

#[cfg(test)]
mod tests {
    use super::*;
    use parking_lot::Mutex;
    use std::collections::HashMap;

    #[derive(Default)]
    struct MapKv(Mutex<HashMap<String, (i64, String)>>);

    impl HostKv for MapKv {
        fn load(&self, key: &str) -> std::result::Result<Loaded, String> {
            Ok(match self.0.lock().get(key) {
                Some((r, v)) => Loaded::Found { revision: *r, value: v.clone().into_bytes() },
                None => Loaded::NotFound,
            })
        }
        fn compare_and_swap(&self, key: &str, expected: i64, value: &str) -> std::result::Result<bool, String> {
            let mut map = self.0.lock();
            let current = map.get(key).map(|(r, _)| *r).unwrap_or(0);
            if current != expected {
                return Ok(false);
            }
            map.insert(key.to_owned(), (expected + 1, value.to_owned()));
            Ok(true)
        }
    }

    #[test]
    fn json_errors_never_quote_the_value() {
        let e = serde_json::from_str::<AuthRecord>(r#"{"generation":"plain:SECRET-TOKEN"}"#).unwrap_err();
        assert!(e.to_string().contains("SECRET-TOKEN"), "serde quotes values: the reason for describe_json_error");
        let described = describe_json_error(&e);
        assert!(!described.contains("SECRET"), "{described}");
        assert!(described.contains("wrong shape"), "{described}");
    }

    // One test touches the process-wide registration, so these steps run in order.
    #[test]
    fn host_store_round_trip_and_refusals() {
        register(None);
        let err = HostTokenStore::new("c").err().expect("no store registered");
        assert_eq!(err.code, ErrorCode::Store);
        assert!(err.message.contains("xero_set_state_store"), "{}", err.message);

        let kv = Arc::new(MapKv::default());
        register(Some(kv.clone()));
        let store = HostTokenStore::new("c").unwrap();
        crate::store::tokens::tests::assert_compare_and_swap_contract(&store);
        assert!(kv.0.lock().contains_key("auth/c"));

        kv.0.lock().insert("auth/bad".into(), (0, "{}".into()));
        assert!(store.load("bad").unwrap_err().message.contains("revision 0"));
        kv.0.lock().insert("auth/bad".into(), (3, "{not json".into()));
        let err = store.load("bad").unwrap_err();
        assert!(!err.retryable && err.message.contains("not valid JSON"), "{}", err.message);

        register(None);
        assert!(store.load("c").unwrap_err().message.contains("no host store is registered"));
    }
}
