//! The host's state store: its C declarations and `xero_set_state_store`, and its callbacks as a [`HostKv`]
//! (buffers in and out, return codes, nothing else).

use super::boundary::UserData;
use crate::store::host::{HostKv, Loaded};
use std::ffi::{CStr, CString, c_char, c_void};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

/// Load: the value was found (`*value_out`, `*revision_out` set). Compare-and-swap: the value was written.
pub const XERO_STATE_OK: i32 = 0;
/// Load: nothing is stored under the key.
pub const XERO_STATE_NOT_FOUND: i32 = 1;
/// Compare-and-swap: the key's revision is not `expected_revision`; nothing was written.
pub const XERO_STATE_CONFLICT: i32 = 2;
/// Either callback: the host's store failed (the library reports a retryable `store` error). Any value other
/// than the ones above means the same.
pub const XERO_STATE_ERROR: i32 = -1;

/// Loads the value stored under `key` (NUL-terminated ASCII, e.g. `auth/xero-hugeerp`, valid only for the call).
///
/// Returns `XERO_STATE_OK` with `*value_out` set to a NUL-terminated UTF-8 JSON text allocated by the host and
/// `*revision_out` set to its revision (>= 1); `XERO_STATE_NOT_FOUND` when nothing is stored under `key`
/// (outputs ignored); `XERO_STATE_ERROR` when the store failed. The library sets `*value_out = NULL` and
/// `*revision_out = 0` before the call.
///
/// Ownership of `*value_out`: the host's. The library copies it as soon as the callback returns, then, if a
/// `free_fn` was registered, calls `free_fn(user_data, value)` exactly once for every non-NULL `*value_out`,
/// whatever the return code. Without `free_fn` the library never frees it: the host keeps it valid until its
/// load callback is next called on the same thread (e.g. a thread-local buffer).
pub type xero_state_load_callback = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        key: *const c_char,
        value_out: *mut *mut c_char,
        revision_out: *mut i64,
    ) -> i32,
>;

/// Atomically stores `value` under `key` with revision `expected_revision + 1`, if and only if the key's current
/// revision is `expected_revision` (0: the key must not exist yet).
///
/// Returns `XERO_STATE_OK` when written, `XERO_STATE_CONFLICT` (nothing written) when the revision differs, and
/// `XERO_STATE_ERROR` when the store failed. The check and the write must be one atomic step for every process
/// and machine sharing the store (e.g. `UPDATE ... SET value = ?, revision = revision + 1 WHERE key = ? AND
/// revision = ?` and an INSERT that fails on an existing key, or a lock around read-compare-write): this is
/// what keeps token rotation and the refresh lease safe across machines. `key` and `value` (NUL-terminated
/// UTF-8 JSON, a few KB) are the library's, valid only for the call: the host copies what it keeps, unchanged.
pub type xero_state_cas_callback = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        key: *const c_char,
        expected_revision: i64,
        value: *const c_char,
    ) -> i32,
>;

/// Releases a value the host's load callback returned (see `xero_state_load_callback`), e.g. with the host's
/// own `free`. Called exactly once per returned value, on the thread that called load.
pub type xero_state_free_callback = Option<unsafe extern "C" fn(user_data: *mut c_void, value: *mut c_char)>;

/// Installs the process-wide state store kept by the host (e.g. in its own database, shared by application
/// servers on several machines). Connections configured with `"state_store": "host"` keep their sign-in state
/// (tokens, tenant, pending sign-ins, the refresh lease) there instead of in `state_dir`; their push ledger
/// stays in `state_dir`. Such a connection gets error `store` while no store is registered.
///
/// `load` and `cas` are both required; `free_fn` is optional (see `xero_state_load_callback`). Passing NULL for
/// both `load` and `cas` removes the store. `user_data` is passed back on every call. Values are the connection's
/// state as JSON, opaque to the host; with the connection's `encryption_key` its tokens are sealed
/// (AES-256-GCM), so the host never sees a plaintext token; without it they are plain text and the host's store
/// must be protected like a password file.
///
/// Callbacks are called synchronously on the threads that call xero_* functions, concurrently from several
/// threads, and must not call xero_* functions. A replaced store may still be called by operations already
/// running: keep it and its `user_data` usable until they return.
///
/// Returns 0, or -1 (nothing changed) when exactly one of `load` and `cas` is NULL. Thread-safe.
///
/// # Safety
/// The callbacks, when not NULL, must be safe to call from any thread with `user_data` until replaced.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xero_set_state_store(
    load: xero_state_load_callback,
    cas: xero_state_cas_callback,
    free_fn: xero_state_free_callback,
    user_data: *mut c_void,
) -> i32 {
    let result = catch_unwind(AssertUnwindSafe(|| {
        if load.is_none() && cas.is_none() {
            crate::store::host::register(None);
            return 0;
        }
        match CallbackStore::new(load, cas, free_fn, UserData(user_data)) {
            Some(store) => {
                crate::store::host::register(Some(Arc::new(store)));
                0
            }
            None => -1,
        }
    }));
    result.unwrap_or(-1)
}

type LoadFn = unsafe extern "C" fn(*mut std::ffi::c_void, *const c_char, *mut *mut c_char, *mut i64) -> i32;
type CasFn = unsafe extern "C" fn(*mut std::ffi::c_void, *const c_char, i64, *const c_char) -> i32;

pub struct CallbackStore {
    load: LoadFn,
    cas: CasFn,
    free: xero_state_free_callback,
    user_data: UserData,
}

impl CallbackStore {
    pub fn new(
        load: xero_state_load_callback,
        cas: xero_state_cas_callback,
        free: xero_state_free_callback,
        user_data: UserData,
    ) -> Option<CallbackStore> {
        Some(CallbackStore { load: load?, cas: cas?, free, user_data })
    }
}

fn c_key(key: &str) -> Result<CString, String> {
    CString::new(key).map_err(|_| "the key contains NUL".to_owned())
}

impl HostKv for CallbackStore {
    fn load(&self, key: &str) -> Result<Loaded, String> {
        let key = c_key(key)?;
        let mut value: *mut c_char = std::ptr::null_mut();
        let mut revision: i64 = 0;
        // SAFETY: the host promised the callback may be called from any thread with its user_data; the out
        // pointers are valid for the call.
        let rc = unsafe { (self.load)(self.user_data.get(), key.as_ptr(), &mut value, &mut revision) };
        // Copy first, then hand the host's buffer back exactly once, whatever the answer.
        let copied = (!value.is_null()).then(|| {
            // SAFETY: the host promised a NUL-terminated string that stays valid until it is freed.
            unsafe { CStr::from_ptr(value) }.to_bytes().to_vec()
        });
        if let (Some(free), false) = (self.free, value.is_null()) {
            // SAFETY: `value` came from the host's load and is freed once, with the host's own function.
            unsafe { free(self.user_data.get(), value) };
        }
        match rc {
            XERO_STATE_OK => match copied {
                Some(value) => Ok(Loaded::Found { revision, value }),
                None => Err("the load callback returned XERO_STATE_OK but no value (NULL)".to_owned()),
            },
            XERO_STATE_NOT_FOUND => Ok(Loaded::NotFound),
            other => Err(format!("the load callback returned {other}")),
        }
    }

    fn compare_and_swap(&self, key: &str, expected: i64, value: &str) -> Result<bool, String> {
        let key = c_key(key)?;
        let value = CString::new(value).map_err(|_| "the value contains NUL".to_owned())?;
        // SAFETY: as for load; `key` and `value` are valid NUL-terminated strings for the call.
        let rc = unsafe { (self.cas)(self.user_data.get(), key.as_ptr(), expected, value.as_ptr()) };
        match rc {
            XERO_STATE_OK => Ok(true),
            XERO_STATE_CONFLICT => Ok(false),
            other => Err(format!("the compare-and-swap callback returned {other}")),
        }
    }
}
