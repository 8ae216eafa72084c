//! How the library reports to the host while it works: the log callback with its levels, and the progress
//! callback.

use super::boundary::UserData;
use crate::log::{self, Level};
use crate::progress;
use std::ffi::{CString, c_char, c_void};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

/// Receives one log record. `level` is one of `XERO_LOG_ERROR` (1) .. `XERO_LOG_TRACE` (5). `target` and
/// `message` are NUL-terminated UTF-8, valid only for the duration of the call (copy them to keep them).
/// Called synchronously on the thread that made the xero_* call that logs; it must not call xero_* functions.
pub type xero_log_callback =
    Option<unsafe extern "C" fn(user_data: *mut c_void, level: i32, target: *const c_char, message: *const c_char)>;

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

/// Log text with any NUL replaced, so the record is never truncated silently.
fn to_c_lossless(text: &str) -> CString {
    CString::new(text.replace('\0', "\u{FFFD}")).unwrap_or_default()
}
