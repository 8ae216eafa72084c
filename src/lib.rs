//! xero-link: the Xero side of an ERP ↔ Xero link, in-process, behind a C ABI with JSON in and JSON out.
//!
//! Layout, from the boundary inwards: `ffi` (the C functions only) → `ops` (one module per operation) →
//! the domain modules (`config`, `registry`, ...). Nothing below `ffi` knows about C.

// `unsafe` lives only at the C boundary (`ffi`) and in the two libc calls of the refresh lease.
#![deny(unsafe_code)]
// The modules' docs map their private parts: read them with `cargo doc --document-private-items`.
#![allow(rustdoc::private_intra_doc_links)]

pub mod auth;
pub mod config;
pub mod deadline;
pub mod error;
#[allow(unsafe_code)]
pub mod ffi;
/// The fuzz targets' entry points (`fuzz/`); not part of the C ABI.
#[doc(hidden)]
pub mod fuzzing;
pub mod json;
pub mod log;
pub mod ops;
pub mod process;
pub mod progress;
pub mod push;
pub mod read;
pub mod registry;
pub mod relay;
pub mod schemas;
pub mod secret;
pub mod store;
pub mod transport;
pub mod xero;

/// The crate version, also `XERO_VERSION` in the header.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The C ABI's version (`XERO_ABI_VERSION`, set in `ffi`): bindings check it at load time against
/// `xero_abi_version()`.
pub const ABI_VERSION: u32 = ffi::XERO_ABI_VERSION;
