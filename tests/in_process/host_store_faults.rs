//! A host store that is missing, fails or answers garbage: clear `store` errors, never a crash, a hang or a
//! secret in a message; and `xero_set_state_store`'s own NULL handling. The store is process-wide, so these
//! tests hold the process in turn (`alone`).

use crate::support::auth::*;
use crate::support::common;
use crate::support::host_store::{self, Mem, host_config, mem_cas, mem_load};
use crate::support::process::alone;
use serde_json::{Value, json};
use std::ffi::{CString, c_char, c_void};
use std::sync::LazyLock;
use std::sync::atomic::{AtomicI32, AtomicU64, Ordering};
use xero_link::ffi::{
    XERO_STATE_CONFLICT, XERO_STATE_ERROR, XERO_STATE_NOT_FOUND, XERO_STATE_OK, xero_set_state_store,
};

/// A host connection (nothing reaches Xero in these tests).
fn host_connection(name: &str) -> std::path::PathBuf {
    let dir = common::temp_state_dir(name);
    configure(&host_config(name, &dir, "http://127.0.0.1:9"));
    dir
}

fn store_error(answer: &Value) -> (String, bool) {
    let err = assert_error(answer, "store");
    (err["message"].as_str().unwrap().to_owned(), err["retryable"].as_bool().unwrap())
}

// ----- a misbehaving host -----

/// What the load callback answers.
static LOAD: AtomicI32 = AtomicI32::new(0);
const NOT_FOUND: i32 = 0;
const FAIL: i32 = 1;
const OK_NULL: i32 = 2;
const REVISION_ZERO: i32 = 3;
const REVISION_NEGATIVE: i32 = 4;
const NOT_UTF8: i32 = 5;
const NOT_JSON: i32 = 6;
const WRONG_SHAPE: i32 = 7;
const STRANGE_CODE: i32 = 8;
const FAIL_AFTER_ALLOCATING: i32 = 9;
/// What the compare-and-swap callback answers (a return code).
static CAS: AtomicI32 = AtomicI32::new(XERO_STATE_OK);
static HANDED_OUT: AtomicU64 = AtomicU64::new(0);
static FREED: AtomicU64 = AtomicU64::new(0);
const SECRET: &str = "plain:SECRET-TOKEN-1234";

fn hand_out(bytes: &[u8], value_out: *mut *mut c_char) {
    HANDED_OUT.fetch_add(1, Ordering::SeqCst);
    unsafe { *value_out = CString::new(bytes).unwrap().into_raw() };
}

unsafe extern "C" fn bad_load(_: *mut c_void, _key: *const c_char, value_out: *mut *mut c_char, rev: *mut i64) -> i32 {
    unsafe { *rev = 1 };
    match LOAD.load(Ordering::SeqCst) {
        NOT_FOUND => XERO_STATE_NOT_FOUND,
        FAIL => XERO_STATE_ERROR,
        OK_NULL => XERO_STATE_OK,
        REVISION_ZERO => {
            hand_out(b"{}", value_out);
            unsafe { *rev = 0 };
            XERO_STATE_OK
        }
        REVISION_NEGATIVE => {
            hand_out(b"{}", value_out);
            unsafe { *rev = -5 };
            XERO_STATE_OK
        }
        NOT_UTF8 => {
            hand_out(&[b'{', 0xff, 0xfe, b'}'], value_out);
            XERO_STATE_OK
        }
        NOT_JSON => {
            hand_out(b"{\"grant\":", value_out);
            XERO_STATE_OK
        }
        WRONG_SHAPE => {
            hand_out(format!("{{\"generation\":\"{SECRET}\"}}").as_bytes(), value_out);
            XERO_STATE_OK
        }
        STRANGE_CODE => 42,
        _ => {
            hand_out(b"half-written", value_out);
            XERO_STATE_ERROR
        }
    }
}

unsafe extern "C" fn bad_cas(_: *mut c_void, _key: *const c_char, _expected: i64, _value: *const c_char) -> i32 {
    CAS.load(Ordering::SeqCst)
}

unsafe extern "C" fn counted_free(_: *mut c_void, value: *mut c_char) {
    FREED.fetch_add(1, Ordering::SeqCst);
    drop(unsafe { CString::from_raw(value) });
}

fn register_bad() {
    assert_eq!(
        unsafe { xero_set_state_store(Some(bad_load), Some(bad_cas), Some(counted_free), std::ptr::null_mut()) },
        0
    );
}

static MEM: LazyLock<Mem> = LazyLock::new(Mem::default);

fn register_mem() {
    host_store::register_mem(&MEM);
}

// ----- tests -----

#[test]
fn registration_needs_both_load_and_cas() {
    let _alone = alone();
    register_mem();
    host_connection("xero-reg");
    let null = std::ptr::null_mut();
    unsafe {
        assert_eq!(xero_set_state_store(Some(bad_load), None, Some(counted_free), null), -1);
        assert_eq!(xero_set_state_store(None, Some(bad_cas), None, null), -1);
    }
    ok(op("authorize_url", json!({"connection": "xero-reg"})));
    assert!(MEM.get("auth/xero-reg").is_some(), "a refused registration changed nothing: the store is still in use");

    // NULL load and cas remove the store (free_fn and user_data are then ignored).
    assert_eq!(unsafe { xero_set_state_store(None, None, Some(counted_free), null) }, 0);
    let (message, _) = store_error(&op("status", json!({"connection": "xero-reg"})));
    assert!(message.contains("xero_set_state_store"), "{message}");
}

#[test]
fn a_host_connection_without_a_store_gets_a_clear_error() {
    let _alone = alone();
    assert_eq!(unsafe { xero_set_state_store(None, None, None, std::ptr::null_mut()) }, 0);
    let dir = host_connection("xero-nostore");
    for (name, request) in [
        ("status", json!({"connection": "xero-nostore"})),
        ("authorize_url", json!({"connection": "xero-nostore"})),
        ("export_state", json!({"connection": "xero-nostore"})),
    ] {
        let answer = op(name, request);
        let err = assert_error(&answer, "store");
        let message = err["message"].as_str().unwrap();
        assert!(message.contains("\"state_store\": \"host\"") && message.contains("xero_set_state_store"), "{message}");
        assert_eq!(err["retryable"], false, "{name}: registering is needed, not retrying");
        assert_eq!(err["state_store"], "host", "{err}");
    }
    assert!(!dir.join("xero-link.sqlite3").exists(), "no silent fallback to state_dir");

    register_mem();
    assert_eq!(status("xero-nostore")["signed_in"], false, "works once a store is registered");
}

#[test]
fn a_failing_store_gives_a_retryable_store_error() {
    let _alone = alone();
    register_bad();
    host_connection("xero-failing");
    LOAD.store(FAIL, Ordering::SeqCst);
    let (message, retryable) = store_error(&op("status", json!({"connection": "xero-failing"})));
    assert!(message.contains("failed to load `auth/xero-failing`") && message.contains("returned -1"), "{message}");
    assert!(retryable);

    LOAD.store(STRANGE_CODE, Ordering::SeqCst);
    let (message, _) = store_error(&op("status", json!({"connection": "xero-failing"})));
    assert!(message.contains("returned 42"), "{message}");

    LOAD.store(NOT_FOUND, Ordering::SeqCst);
    CAS.store(XERO_STATE_ERROR, Ordering::SeqCst);
    let (message, retryable) = store_error(&op("authorize_url", json!({"connection": "xero-failing"})));
    assert!(message.contains("failed to save") && message.contains("returned -1"), "{message}");
    assert!(retryable);
    CAS.store(7, Ordering::SeqCst);
    let (message, _) = store_error(&op("authorize_url", json!({"connection": "xero-failing"})));
    assert!(message.contains("returned 7"), "{message}");
    CAS.store(XERO_STATE_OK, Ordering::SeqCst);
}

#[test]
fn garbage_from_the_host_is_refused_clearly_and_every_buffer_freed() {
    let _alone = alone();
    register_bad();
    host_connection("xero-garbage");
    let (handed, freed) = (HANDED_OUT.load(Ordering::SeqCst), FREED.load(Ordering::SeqCst));
    let cases = [
        (OK_NULL, "no value (NULL)"),
        (REVISION_ZERO, "revision 0"),
        (REVISION_NEGATIVE, "revision -5"),
        (NOT_UTF8, "not UTF-8"),
        (NOT_JSON, "truncated JSON"),
        (WRONG_SHAPE, "JSON of the wrong shape"),
        (FAIL_AFTER_ALLOCATING, "returned -1"),
    ];
    for (mode, expected) in cases {
        LOAD.store(mode, Ordering::SeqCst);
        for name in ["status", "authorize_url", "export_state"] {
            let (message, _) = store_error(&op(name, json!({"connection": "xero-garbage"})));
            assert!(message.contains(expected), "mode {mode}, {name}: {message}");
            assert!(!message.contains("SECRET"), "the stored value is never quoted: {message}");
        }
    }
    let handed = HANDED_OUT.load(Ordering::SeqCst) - handed;
    // Six modes hand a buffer out on each call (retryable failures are tried again by writers).
    assert!(handed >= 6 * 3, "{handed} buffers");
    assert_eq!(FREED.load(Ordering::SeqCst) - freed, handed, "free_fn got every buffer back, exactly once");
    LOAD.store(NOT_FOUND, Ordering::SeqCst);
}

#[test]
fn a_compare_and_swap_that_never_writes_does_not_hang() {
    let _alone = alone();
    register_bad();
    host_connection("xero-stuck");
    LOAD.store(NOT_FOUND, Ordering::SeqCst);
    CAS.store(XERO_STATE_CONFLICT, Ordering::SeqCst);
    let (message, retryable) = store_error(&op("authorize_url", json!({"connection": "xero-stuck"})));
    assert!(message.contains("compare-and-swap"), "{message}");
    assert!(!retryable);
    CAS.store(XERO_STATE_OK, Ordering::SeqCst);
}

// A host without free_fn hands out a buffer it keeps (here: per thread, replaced at the next load).
thread_local! {
    static BUFFER: std::cell::RefCell<CString> = std::cell::RefCell::new(CString::default());
}

unsafe extern "C" fn buffered_load(
    user_data: *mut c_void,
    key: *const c_char,
    value_out: *mut *mut c_char,
    revision_out: *mut i64,
) -> i32 {
    let mut value: *mut c_char = std::ptr::null_mut();
    let rc = unsafe { mem_load(user_data, key, &mut value, revision_out) };
    if rc == XERO_STATE_OK {
        let owned = unsafe { CString::from_raw(value) };
        BUFFER.with(|b| {
            *b.borrow_mut() = owned;
            unsafe { *value_out = b.borrow().as_ptr().cast_mut() };
        });
    }
    rc
}

#[test]
fn without_free_fn_the_host_keeps_its_buffer() {
    let _alone = alone();
    static OWN: LazyLock<Mem> = LazyLock::new(Mem::default);
    let user_data = &*OWN as *const Mem as *mut c_void;
    assert_eq!(unsafe { xero_set_state_store(Some(buffered_load), Some(mem_cas), None, user_data) }, 0);
    host_connection("xero-nofree");
    let started = ok(op("authorize_url", json!({"connection": "xero-nofree"})));
    assert_eq!(status("xero-nofree")["pending_sign_ins"], 1, "{started}");
    assert!(OWN.get("auth/xero-nofree").is_some());
}
