//! The panic boundary, the string plumbing shared by every export, and the host's pointer that its callbacks get
//! back. No business logic lives here.

use crate::error::Error;
use crate::json;
use crate::log::{self, Level};
use crate::ops;
use std::any::Any;
use std::ffi::{CStr, CString, c_char, c_void};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

/// Returned only if an envelope could not be turned into a C string (it never contains NUL, so: never).
const FALLBACK: &str =
    r#"{"ok":false,"error":{"code":"internal","message":"response could not be encoded","retryable":false}}"#;

/// Reads the host's NUL-terminated string without copying. `None` for NULL.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string that stays valid for the call.
pub unsafe fn borrow_bytes<'a>(ptr: *const c_char) -> Option<&'a [u8]> {
    if ptr.is_null() {
        None
    } else {
        // SAFETY: the caller guarantees a valid NUL-terminated string.
        Some(unsafe { CStr::from_ptr(ptr) }.to_bytes())
    }
}

/// Runs operation `name` on the request at `request`, behind the panic boundary; returns a new C string
/// owned by the caller (free with `xero_string_free`). Never NULL.
///
/// # Safety
/// `request` is NULL or a valid NUL-terminated string.
pub unsafe fn call_operation(name: &str, request: *const c_char) -> *mut c_char {
    // SAFETY: forwarded from the caller.
    let bytes = unsafe { borrow_bytes(request) };
    guard(name, bytes, || ops::call(name, bytes))
}

/// Runs `f`; a panic becomes an `internal` error envelope (with the request's `request_id` when it has one).
pub fn guard(name: &str, request: Option<&[u8]>, f: impl FnOnce() -> String) -> *mut c_char {
    install_panic_hook();
    let text = match catch_unwind(AssertUnwindSafe(f)) {
        Ok(text) => text,
        Err(payload) => {
            let message = format!("xero-link panicked in `{name}`: {} (please report this)", panic_message(&payload));
            // Re-read the request only to echo its request_id; this must not panic again.
            let request_id = catch_unwind(AssertUnwindSafe(|| {
                request.and_then(|b| json::parse_members(b).ok()).and_then(|m| json::request_id(&m))
            }))
            .ok()
            .flatten();
            ops::envelope(Err(Error::internal(message)), request_id)
        }
    };
    into_c_string(text)
}

/// Hands a string to the host. Never NULL.
pub fn into_c_string(text: String) -> *mut c_char {
    match CString::new(text) {
        Ok(c) => c.into_raw(),
        Err(_) => CString::new(FALLBACK).expect("fallback has no NUL").into_raw(),
    }
}

fn panic_message(payload: &Box<dyn Any + Send>) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic payload".to_owned()
    }
}

/// Panic reports go to the host's log callback as well as to the previous hook (by default a line on stderr),
/// so a bug is visible whichever the host reads. The unwind itself stops at `guard`.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let location = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
            let payload = info.payload();
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            log::emit(Level::Error, "xero_link::panic", &format!("panic{location}: {message}"));
            previous(info);
        }));
    });
}

/// The host's opaque pointer; the host promises it may be used from any thread.
pub struct UserData(pub *mut c_void);
// SAFETY: the pointer is only handed back to the host's callback, as the host asked.
unsafe impl Send for UserData {}
unsafe impl Sync for UserData {}

impl UserData {
    pub fn get(&self) -> *mut c_void {
        self.0
    }
}
