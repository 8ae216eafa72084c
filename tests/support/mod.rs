//! Helpers of the test binaries (`in_process` and `processes` both include this one tree): the C API called as a
//! host calls it, the simulator and the sign-in, the host state stores, the in-process Xero of the push tests, the
//! transport's test setup, the C programs of tests/c/ built and run, and the test process itself (its one guard
//! over process-wide state, child processes).
// Each binary uses a part of it.
#![allow(dead_code)]

pub mod auth;
pub mod c_program;
pub mod common;
pub mod contract;
pub mod e2e;
pub mod host_store;
pub mod impostor;
pub mod model;
pub mod process;
pub mod push;
pub mod transport;
