//! Host state stores written as a C host would write them, registered through `xero_set_state_store`:
//! - [`Mem`]: a map with revisions in this process (values handed out as `CString`s, freed by `free_fn`), whose
//!   loads and compare-and-swaps of one key can be made to fail ([`Mem::inject`]);
//! - [`file`]: a JSON file shared by processes (values `strdup`ed, freed with libc `free`), the stand-in for a
//!   database shared by several machines: an exclusive `flock` makes its compare-and-swap atomic.

use crate::support::process::{Alone, alone};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::ffi::{CStr, CString, c_char, c_void};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use xero_link::ffi::{XERO_STATE_CONFLICT, XERO_STATE_ERROR, XERO_STATE_NOT_FOUND, XERO_STATE_OK};

/// The configuration of a web-app connection whose sign-in state lives in the host's store.
pub fn host_config(name: &str, dir: &Path, base: &str) -> Value {
    let mut config = crate::support::auth::web_config(name, dir, base);
    config["state_store"] = json!("host");
    config
}

// ----- in memory -----

/// A host's store in memory: key → (revision, value), with counters.
#[derive(Default)]
pub struct Mem {
    pub map: Mutex<HashMap<String, (i64, String)>>,
    /// Every value written, by key, in order (to look for secrets).
    pub writes: Mutex<Vec<(String, String)>>,
    pub loads: AtomicU64,
    pub swaps: AtomicU64,
    pub conflicts: AtomicU64,
    pub handed_out: AtomicU64,
    pub freed: AtomicU64,
    /// Failures to inject, by key.
    pub faults: Mutex<HashMap<String, Faults>>,
}

/// Failures injected on one key: after `skip` calls that work, the next `fail` calls answer `XERO_STATE_ERROR`
/// (nothing read, nothing written).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Countdown {
    pub skip: u32,
    pub fail: u32,
}

impl Countdown {
    pub fn fail(fail: u32) -> Self {
        Countdown { skip: 0, fail }
    }

    pub fn after(skip: u32, fail: u32) -> Self {
        Countdown { skip, fail }
    }

    /// Whether this call fails (and counts it).
    fn fires(&mut self) -> bool {
        if self.skip > 0 {
            self.skip -= 1;
            false
        } else if self.fail > 0 {
            self.fail -= 1;
            true
        } else {
            false
        }
    }
}

/// The failures injected on one key's loads and compare-and-swaps.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Faults {
    pub load: Countdown,
    pub cas: Countdown,
}

impl Mem {
    pub fn get(&self, key: &str) -> Option<(i64, Value)> {
        self.map.lock().unwrap().get(key).map(|(r, v)| (*r, serde_json::from_str(v).unwrap()))
    }

    pub fn writes_of(&self, key: &str) -> Vec<String> {
        self.writes.lock().unwrap().iter().filter(|(k, _)| k == key).map(|(_, v)| v.clone()).collect()
    }

    /// Replaces the value of `key` as another writer would (a new revision).
    pub fn put(&self, key: &str, value: &Value) {
        let mut map = self.map.lock().unwrap();
        let revision = map.get(key).map(|(r, _)| *r).unwrap_or(0) + 1;
        map.insert(key.to_owned(), (revision, value.to_string()));
    }

    /// The next calls on `key` fail as `faults` says (replacing what was injected before).
    pub fn inject(&self, key: &str, faults: Faults) {
        self.faults.lock().unwrap().insert(key.to_owned(), faults);
    }

    /// What is left of the failures injected on `key`.
    pub fn faults_left(&self, key: &str) -> Faults {
        self.faults.lock().unwrap().get(key).copied().unwrap_or_default()
    }

    fn fault(&self, key: &str, which: impl FnOnce(&mut Faults) -> &mut Countdown) -> bool {
        self.faults.lock().unwrap().get_mut(key).is_some_and(|f| which(f).fires())
    }
}

unsafe fn mem<'a>(user_data: *mut c_void) -> &'a Mem {
    unsafe { &*(user_data as *const Mem) }
}

unsafe fn key_of(key: *const c_char) -> String {
    unsafe { CStr::from_ptr(key) }.to_str().expect("keys are UTF-8").to_owned()
}

pub unsafe extern "C" fn mem_load(
    user_data: *mut c_void,
    key: *const c_char,
    value_out: *mut *mut c_char,
    revision_out: *mut i64,
) -> i32 {
    let store = unsafe { mem(user_data) };
    store.loads.fetch_add(1, Ordering::Relaxed);
    let key = unsafe { key_of(key) };
    if store.fault(&key, |f| &mut f.load) {
        return XERO_STATE_ERROR;
    }
    match store.map.lock().unwrap().get(&key) {
        None => XERO_STATE_NOT_FOUND,
        Some((revision, value)) => {
            store.handed_out.fetch_add(1, Ordering::Relaxed);
            unsafe {
                *value_out = CString::new(value.as_str()).unwrap().into_raw();
                *revision_out = *revision;
            }
            XERO_STATE_OK
        }
    }
}

pub unsafe extern "C" fn mem_cas(
    user_data: *mut c_void,
    key: *const c_char,
    expected: i64,
    value: *const c_char,
) -> i32 {
    let store = unsafe { mem(user_data) };
    let key = unsafe { key_of(key) };
    let Ok(value) = unsafe { CStr::from_ptr(value) }.to_str() else { return XERO_STATE_ERROR };
    if store.fault(&key, |f| &mut f.cas) {
        return XERO_STATE_ERROR;
    }
    let mut map = store.map.lock().unwrap();
    let current = map.get(&key).map(|(r, _)| *r).unwrap_or(0);
    if current != expected {
        store.conflicts.fetch_add(1, Ordering::Relaxed);
        return XERO_STATE_CONFLICT;
    }
    map.insert(key.clone(), (expected + 1, value.to_owned()));
    store.writes.lock().unwrap().push((key, value.to_owned()));
    store.swaps.fetch_add(1, Ordering::Relaxed);
    XERO_STATE_OK
}

pub unsafe extern "C" fn mem_free(user_data: *mut c_void, value: *mut c_char) {
    let store = unsafe { mem(user_data) };
    store.freed.fetch_add(1, Ordering::Relaxed);
    drop(unsafe { CString::from_raw(value) });
}

/// The process for the calling test ([`alone`]: the host's store is process-wide), with `store` registered as
/// the host's store until the returned guard is dropped.
pub fn registered(store: &'static Mem) -> Alone {
    let alone = alone();
    register_mem(store);
    alone
}

/// Registers `store` (which must live for the rest of the process) as the host's store.
pub fn register_mem(store: &'static Mem) {
    let rc = unsafe {
        xero_link::ffi::xero_set_state_store(
            Some(mem_load),
            Some(mem_cas),
            Some(mem_free),
            store as *const Mem as *mut c_void,
        )
    };
    assert_eq!(rc, 0);
}

// ----- in a file shared by processes -----

pub mod file {
    use super::*;

    /// `{key: {"revision": n, "value": "..."}}` in `path`, locked through `path.lock`.
    pub struct FileStore {
        pub path: PathBuf,
    }

    struct Locked(std::fs::File);

    impl Drop for Locked {
        fn drop(&mut self) {
            use std::os::fd::AsRawFd;
            unsafe { libc::flock(self.0.as_raw_fd(), libc::LOCK_UN) };
        }
    }

    impl FileStore {
        fn lock(&self, mode: i32) -> Option<Locked> {
            use std::os::fd::AsRawFd;
            let file =
                std::fs::OpenOptions::new().create(true).append(true).open(self.path.with_extension("lock")).ok()?;
            (unsafe { libc::flock(file.as_raw_fd(), mode) } == 0).then_some(Locked(file))
        }

        fn read(&self) -> Option<serde_json::Map<String, Value>> {
            match std::fs::read(&self.path) {
                Ok(bytes) => serde_json::from_slice(&bytes).ok(),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some(Default::default()),
                Err(_) => None,
            }
        }

        fn write(&self, all: &serde_json::Map<String, Value>) -> bool {
            let tmp = self.path.with_extension(format!("tmp{}", std::process::id()));
            std::fs::write(&tmp, serde_json::to_vec(all).unwrap()).is_ok() && std::fs::rename(&tmp, &self.path).is_ok()
        }

        /// The stored value of `key` (tests read it directly).
        pub fn get(&self, key: &str) -> Option<(i64, Value)> {
            let _l = self.lock(libc::LOCK_SH)?;
            let all = self.read()?;
            let entry = all.get(key)?;
            Some((entry["revision"].as_i64()?, serde_json::from_str(entry["value"].as_str()?).ok()?))
        }
    }

    unsafe fn store<'a>(user_data: *mut c_void) -> &'a FileStore {
        unsafe { &*(user_data as *const FileStore) }
    }

    pub unsafe extern "C" fn load(
        user_data: *mut c_void,
        key: *const c_char,
        value_out: *mut *mut c_char,
        revision_out: *mut i64,
    ) -> i32 {
        let store = unsafe { store(user_data) };
        let key = unsafe { key_of(key) };
        let Some(_lock) = store.lock(libc::LOCK_SH) else { return XERO_STATE_ERROR };
        let Some(all) = store.read() else { return XERO_STATE_ERROR };
        let Some(entry) = all.get(&key) else { return XERO_STATE_NOT_FOUND };
        let (Some(revision), Some(value)) = (entry["revision"].as_i64(), entry["value"].as_str()) else {
            return XERO_STATE_ERROR;
        };
        let c = CString::new(value).unwrap();
        unsafe {
            *value_out = libc::strdup(c.as_ptr());
            *revision_out = revision;
        }
        XERO_STATE_OK
    }

    pub unsafe extern "C" fn cas(
        user_data: *mut c_void,
        key: *const c_char,
        expected: i64,
        value: *const c_char,
    ) -> i32 {
        let store = unsafe { store(user_data) };
        let key = unsafe { key_of(key) };
        let Ok(value) = unsafe { CStr::from_ptr(value) }.to_str() else { return XERO_STATE_ERROR };
        let Some(_lock) = store.lock(libc::LOCK_EX) else { return XERO_STATE_ERROR };
        let Some(mut all) = store.read() else { return XERO_STATE_ERROR };
        let current = all.get(&key).and_then(|e| e["revision"].as_i64()).unwrap_or(0);
        if current != expected {
            return XERO_STATE_CONFLICT;
        }
        all.insert(key, json!({"revision": expected + 1, "value": value}));
        if store.write(&all) { XERO_STATE_OK } else { XERO_STATE_ERROR }
    }

    pub unsafe extern "C" fn free(_user_data: *mut c_void, value: *mut c_char) {
        unsafe { libc::free(value.cast()) };
    }

    /// The store in `path`, for the rest of the process (registered with [`register_store`]).
    pub fn new(path: &Path) -> &'static FileStore {
        Box::leak(Box::new(FileStore { path: path.to_path_buf() }))
    }

    /// Registers the store in `path` for the rest of the process; returns it.
    pub fn register(path: &Path) -> &'static FileStore {
        let store = new(path);
        register_store(store);
        store
    }

    /// Registers `store` as the host's store.
    pub fn register_store(store: &'static FileStore) {
        let rc = unsafe {
            xero_link::ffi::xero_set_state_store(
                Some(load),
                Some(cas),
                Some(free),
                store as *const FileStore as *mut c_void,
            )
        };
        assert_eq!(rc, 0);
    }
}
