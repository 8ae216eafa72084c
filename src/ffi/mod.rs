//! The C boundary: every `extern "C"` function of libxero_link. Each takes the host's strings, runs one
//! operation behind the panic boundary and returns a new JSON string. No business logic lives here.

#![allow(non_camel_case_types)]

mod boundary;
mod state_store;

pub use state_store::{
    XERO_STATE_CONFLICT, XERO_STATE_ERROR, XERO_STATE_NOT_FOUND, XERO_STATE_OK, xero_set_state_store,
    xero_state_cas_callback, xero_state_free_callback, xero_state_load_callback,
};

use crate::log::{self, Level};
use crate::progress;
use boundary::{UserData, borrow_bytes, call_operation, guard};
use std::ffi::{CString, c_char, c_void};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

/// Receives one log record. `level` is one of `XERO_LOG_ERROR` (1) .. `XERO_LOG_TRACE` (5). `target` and
/// `message` are NUL-terminated UTF-8, valid only for the duration of the call (copy them to keep them).
/// Called synchronously on the thread that made the xero_* call that logs; it must not call xero_* functions.
pub type xero_log_callback =
    Option<unsafe extern "C" fn(user_data: *mut c_void, level: i32, target: *const c_char, message: *const c_char)>;

/// Returns the library's version, e.g. "0.1.0".
///
/// The string is static: do not free it. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn xero_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// Returns the ABI version (`XERO_ABI_VERSION` in this header). A binding refuses a library whose ABI version
/// differs from the one it was written for. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn xero_abi_version() -> u32 {
    crate::ABI_VERSION
}

/// Runs the operation named `operation` (e.g. "push_invoice") on `request_json`; the same as calling that
/// operation's own function. New operations are reachable here without a new symbol.
///
/// Returns a new JSON envelope `{"ok":true,"result":...}` or `{"ok":false,"error":{...}}`, never NULL, owned by
/// the caller and released with `xero_string_free`. NULL or unknown `operation` gives error `unknown_operation`
/// or `bad_json`. Thread-safe.
///
/// # Safety
/// Each argument is NULL or a NUL-terminated string valid for the duration of the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xero_call(operation: *const c_char, request_json: *const c_char) -> *mut c_char {
    // SAFETY: forwarded from the caller.
    let (name, request) = unsafe { (borrow_bytes(operation), borrow_bytes(request_json)) };
    guard("call", request, || match name.map(std::str::from_utf8) {
        Some(Ok(name)) => crate::ops::call(name, request),
        Some(Err(_)) => crate::ops::envelope(
            Err(crate::error::Error::new(
                crate::error::ErrorCode::UnknownOperation,
                "operation name is not valid UTF-8",
            )),
            None,
        ),
        None => crate::ops::envelope(
            Err(crate::error::Error::new(crate::error::ErrorCode::UnknownOperation, "operation name is NULL")),
            None,
        ),
    })
}

/// Registers one named connection, or replaces its configuration (client id and secret, redirect URI, grant
/// type, scopes, functions, defaults, state_dir, endpoints, timeouts). See README "Configuration".
///
/// Returns a new JSON envelope, never NULL, owned by the caller (free with `xero_string_free`). Errors:
/// `bad_json`, `bad_request` or `validation`, each with the `path` of the offending field; on error nothing
/// changes. Thread-safe.
///
/// # Safety
/// `config_json` is NULL or a NUL-terminated string valid for the duration of the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xero_configure(config_json: *const c_char) -> *mut c_char {
    unsafe { call_operation("configure", config_json) }
}

/// Builds the Xero consent URL for an administrator to open (CSRF state and PKCE included).
///
/// Returns a new JSON envelope, never NULL, owned by the caller (free with `xero_string_free`). Thread-safe.
///
/// # Safety
/// `request_json` is NULL or a NUL-terminated string valid for the duration of the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xero_authorize_url(request_json: *const c_char) -> *mut c_char {
    unsafe { call_operation("authorize_url", request_json) }
}

/// Completes the sign-in to Xero (callback URL, loopback listener, or client credentials).
///
/// Returns a new JSON envelope, never NULL, owned by the caller (free with `xero_string_free`). Thread-safe.
///
/// # Safety
/// `request_json` is NULL or a NUL-terminated string valid for the duration of the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xero_authenticate(request_json: *const c_char) -> *mut c_char {
    unsafe { call_operation("authenticate", request_json) }
}

/// Lists the Xero organisations (tenants) this sign-in may reach.
///
/// Returns a new JSON envelope, never NULL, owned by the caller (free with `xero_string_free`). Thread-safe.
///
/// # Safety
/// `request_json` is NULL or a NUL-terminated string valid for the duration of the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xero_connections(request_json: *const c_char) -> *mut c_char {
    unsafe { call_operation("connections", request_json) }
}

/// Chooses the Xero organisation (tenant) of a connection, once; stored durably.
///
/// Returns a new JSON envelope, never NULL, owned by the caller (free with `xero_string_free`). Thread-safe.
///
/// # Safety
/// `request_json` is NULL or a NUL-terminated string valid for the duration of the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xero_set_tenant(request_json: *const c_char) -> *mut c_char {
    unsafe { call_operation("set_tenant", request_json) }
}

/// Reports a connection's state: signed in or not, tenant, scopes, token expiry, last rate-limit figures.
///
/// Returns a new JSON envelope, never NULL, owned by the caller (free with `xero_string_free`). Thread-safe.
///
/// # Safety
/// `request_json` is NULL or a NUL-terminated string valid for the duration of the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xero_status(request_json: *const c_char) -> *mut c_char {
    unsafe { call_operation("status", request_json) }
}

/// Removes the connection at Xero and forgets its tokens.
///
/// Returns a new JSON envelope, never NULL, owned by the caller (free with `xero_string_free`). Thread-safe.
///
/// # Safety
/// `request_json` is NULL or a NUL-terminated string valid for the duration of the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xero_disconnect(request_json: *const c_char) -> *mut c_char {
    unsafe { call_operation("disconnect", request_json) }
}

/// Pushes one sales invoice or bill to Xero, exactly once.
///
/// Returns a new JSON envelope, never NULL, owned by the caller (free with `xero_string_free`). Thread-safe.
///
/// # Safety
/// `request_json` is NULL or a NUL-terminated string valid for the duration of the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xero_push_invoice(request_json: *const c_char) -> *mut c_char {
    unsafe { call_operation("push_invoice", request_json) }
}

/// Pushes many sales invoices and bills to Xero, batched; one result per document, in input order.
///
/// Returns a new JSON envelope, never NULL, owned by the caller (free with `xero_string_free`). Thread-safe.
///
/// # Safety
/// `request_json` is NULL or a NUL-terminated string valid for the duration of the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xero_push_invoices(request_json: *const c_char) -> *mut c_char {
    unsafe { call_operation("push_invoices", request_json) }
}

/// Pushes debtors and creditors to Xero as contacts keyed by their ERP code.
///
/// Returns a new JSON envelope, never NULL, owned by the caller (free with `xero_string_free`). Thread-safe.
///
/// # Safety
/// `request_json` is NULL or a NUL-terminated string valid for the duration of the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xero_push_contacts(request_json: *const c_char) -> *mut c_char {
    unsafe { call_operation("push_contacts", request_json) }
}

/// Pushes inventory items to Xero.
///
/// Returns a new JSON envelope, never NULL, owned by the caller (free with `xero_string_free`). Thread-safe.
///
/// # Safety
/// `request_json` is NULL or a NUL-terminated string valid for the duration of the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xero_push_items(request_json: *const c_char) -> *mut c_char {
    unsafe { call_operation("push_items", request_json) }
}

/// Pushes credit notes (with allocations) to Xero.
///
/// Returns a new JSON envelope, never NULL, owned by the caller (free with `xero_string_free`). Thread-safe.
///
/// # Safety
/// `request_json` is NULL or a NUL-terminated string valid for the duration of the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xero_push_credit_notes(request_json: *const c_char) -> *mut c_char {
    unsafe { call_operation("push_credit_notes", request_json) }
}

/// Pushes payments against invoices or credit notes to Xero.
///
/// Returns a new JSON envelope, never NULL, owned by the caller (free with `xero_string_free`). Thread-safe.
///
/// # Safety
/// `request_json` is NULL or a NUL-terminated string valid for the duration of the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xero_push_payments(request_json: *const c_char) -> *mut c_char {
    unsafe { call_operation("push_payments", request_json) }
}

/// Lists the organisation's chart of accounts (code, name, type, status), for the setup screens.
///
/// Returns a new JSON envelope, never NULL, owned by the caller (free with `xero_string_free`). Thread-safe.
///
/// # Safety
/// `request_json` is NULL or a NUL-terminated string valid for the duration of the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xero_get_accounts(request_json: *const c_char) -> *mut c_char {
    unsafe { call_operation("get_accounts", request_json) }
}

/// Lists the organisation's tax rates (tax type, name, rate, status).
///
/// Returns a new JSON envelope, never NULL, owned by the caller (free with `xero_string_free`). Thread-safe.
///
/// # Safety
/// `request_json` is NULL or a NUL-terminated string valid for the duration of the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xero_get_tax_rates(request_json: *const c_char) -> *mut c_char {
    unsafe { call_operation("get_tax_rates", request_json) }
}

/// Lists the organisation's tracking categories with their options (division, sales rep).
///
/// Returns a new JSON envelope, never NULL, owned by the caller (free with `xero_string_free`). Thread-safe.
///
/// # Safety
/// `request_json` is NULL or a NUL-terminated string valid for the duration of the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xero_get_tracking_categories(request_json: *const c_char) -> *mut c_char {
    unsafe { call_operation("get_tracking_categories", request_json) }
}

/// Reports the Xero state of pushed documents: status, totals, amount due.
///
/// Returns a new JSON envelope, never NULL, owned by the caller (free with `xero_string_free`). Thread-safe.
///
/// # Safety
/// `request_json` is NULL or a NUL-terminated string valid for the duration of the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xero_get_documents(request_json: *const c_char) -> *mut c_char {
    unsafe { call_operation("get_documents", request_json) }
}

/// Releases a string returned by any xero_* function. NULL is a no-op. Each string must be freed exactly
/// once, and only with this function (never with the host's `free`). Thread-safe.
///
/// # Safety
/// `s` is NULL or a pointer returned by a xero_* function and not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xero_string_free(s: *mut c_char) {
    if s.is_null() {
        return;
    }
    // SAFETY: `s` came from CString::into_raw in this library (caller's promise). Dropping cannot panic.
    drop(unsafe { CString::from_raw(s) });
}

/// Installs the process-wide log callback (NULL removes it); `user_data` is passed back on every call.
/// Which records arrive is set with the `set_log_level` operation (default: info). Secrets never appear in
/// records. The callback may be invoked from any thread that calls into the library, and must not call
/// xero_* functions. Replacing it does not wait: operations running at the time may still call the replaced
/// callback until they return; those started after this function returns call the new one. Returns 0.
/// Thread-safe.
///
/// # Safety
/// `callback`, when not NULL, must be safe to call from any thread with `user_data` until it is replaced and the
/// operations running then have returned (simplest: for the life of the process).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xero_set_log_callback(callback: xero_log_callback, user_data: *mut c_void) -> i32 {
    let result = catch_unwind(AssertUnwindSafe(|| {
        let sink: Option<log::Sink> = callback.map(|cb| {
            let user_data = UserData(user_data);
            Arc::new(move |level: Level, target: &str, message: &str| {
                let target = to_c_lossless(target);
                let message = to_c_lossless(message);
                // SAFETY: the host promised the callback may be called with its user_data from any thread.
                unsafe { cb(user_data.get(), level as i32, target.as_ptr(), message.as_ptr()) }
            }) as log::Sink
        });
        // No waiting for running calls of the replaced callback: a host whose callback hands its work to the
        // thread that replaces it would deadlock (koffi runs a Node.js callback on the event loop's thread while
        // the calling thread waits, and bindings/node replaces callbacks from that thread).
        log::set_sink(sink);
    }));
    if result.is_ok() { 0 } else { -1 }
}

/// Receives one progress event of a long operation, as JSON:
/// `{"operation","connection","done","total","waiting_seconds"?,"limit"?}` (`waiting_seconds` and `limit` when
/// the operation waits for a Xero rate limit). `event_json` is valid only for the duration of the call. Called
/// synchronously on the thread running the operation; it must not call xero_* functions.
pub type xero_progress_callback = Option<unsafe extern "C" fn(user_data: *mut c_void, event_json: *const c_char)>;

/// Installs the process-wide progress callback (NULL removes it); `user_data` is passed back on every call.
/// Pushes report how many records are settled of how many, and each wait for a rate limit, so a host can show
/// a progress bar. Replacing it does not wait: operations running at the time may still call the replaced
/// callback until they return; those started after this function returns call the new one. Returns 0.
/// Thread-safe.
///
/// # Safety
/// `callback`, when not NULL, must be safe to call from any thread with `user_data` until it is replaced and the
/// operations running then have returned (simplest: for the life of the process).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xero_set_progress_callback(callback: xero_progress_callback, user_data: *mut c_void) -> i32 {
    let result = catch_unwind(AssertUnwindSafe(|| {
        let sink: Option<progress::Sink> = callback.map(|cb| {
            let user_data = UserData(user_data);
            Arc::new(move |event: &progress::Event| {
                let json = to_c_lossless(&event.to_json());
                // SAFETY: the host promised the callback may be called with its user_data from any thread.
                unsafe { cb(user_data.get(), json.as_ptr()) }
            }) as progress::Sink
        });
        // No waiting for running calls of the replaced callback: see xero_set_log_callback.
        progress::set_sink(sink);
    }));
    if result.is_ok() { 0 } else { -1 }
}

/// The ABI version this header describes; compare with `xero_abi_version()`. Raised whenever a function's
/// signature or the envelope changes incompatibly.
pub const XERO_ABI_VERSION: u32 = 1;

/// Log level passed to `xero_log_callback`: errors.
pub const XERO_LOG_ERROR: i32 = 1;
/// Log level: warnings.
pub const XERO_LOG_WARN: i32 = 2;
/// Log level: information (the default).
pub const XERO_LOG_INFO: i32 = 3;
/// Log level: debugging detail.
pub const XERO_LOG_DEBUG: i32 = 4;
/// Log level: tracing detail.
pub const XERO_LOG_TRACE: i32 = 5;
// The header's numbers are the log module's: a change to either fails the build.
const _: () = assert!(
    XERO_LOG_ERROR == log::Level::Error as i32
        && XERO_LOG_WARN == log::Level::Warn as i32
        && XERO_LOG_INFO == log::Level::Info as i32
        && XERO_LOG_DEBUG == log::Level::Debug as i32
        && XERO_LOG_TRACE == log::Level::Trace as i32
);

/// Log text with any NUL replaced, so the record is never truncated silently.
fn to_c_lossless(text: &str) -> CString {
    CString::new(text.replace('\0', "\u{FFFD}")).unwrap_or_default()
}
