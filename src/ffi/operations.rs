//! The operation exports: `xero_call` and one function per operation, each a thin call behind the panic
//! boundary, and `xero_string_free`, which releases the JSON strings they return.

use super::boundary::{borrow_bytes, call_operation, guard};
use std::ffi::{CString, c_char};

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
