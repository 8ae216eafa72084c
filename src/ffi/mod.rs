//! The C boundary: every `extern "C"` function of libxero_link. Each takes the host's strings, runs one
//! operation behind the panic boundary and returns a new JSON string. No business logic lives here.

#![allow(non_camel_case_types)]

// cbindgen reads this file, then its modules in the order declared here, and writes each kind of item (constants,
// typedefs, functions) in the order it read them: this order is the header's. rustfmt keeps the names sorted, and
// sorted they are in the header's order; a new module name must keep it so.
mod boundary;
mod operations;
mod reporting;
mod state_store;

pub use operations::{
    xero_authenticate, xero_authorize_url, xero_call, xero_configure, xero_connections, xero_disconnect,
    xero_get_accounts, xero_get_documents, xero_get_tax_rates, xero_get_tracking_categories, xero_push_contacts,
    xero_push_credit_notes, xero_push_invoice, xero_push_invoices, xero_push_items, xero_push_payments,
    xero_set_tenant, xero_status, xero_string_free,
};
pub use reporting::{
    XERO_LOG_DEBUG, XERO_LOG_ERROR, XERO_LOG_INFO, XERO_LOG_TRACE, XERO_LOG_WARN, xero_log_callback,
    xero_progress_callback, xero_set_log_callback, xero_set_progress_callback,
};
pub use state_store::{
    XERO_STATE_CONFLICT, XERO_STATE_ERROR, XERO_STATE_NOT_FOUND, XERO_STATE_OK, xero_set_state_store,
    xero_state_cas_callback, xero_state_free_callback, xero_state_load_callback,
};

use std::ffi::c_char;

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

/// The ABI version this header describes; compare with `xero_abi_version()`. Raised whenever a function's
/// signature or the envelope changes incompatibly.
pub const XERO_ABI_VERSION: u32 = 1;
