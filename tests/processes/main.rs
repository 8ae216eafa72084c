//! The suites that run processes: tests that start child processes (this binary's own ignored tests, with
//! `--exact` and the name `support::process::child_test!` gives them; the C programs, under valgrind and the
//! sanitizers; Chromium), fork, or need the process to themselves. Every test here holds
//! `support::process::shared()`, or `alone()` when it forks, changes process-wide state or must see only its own
//! log records, so that it is alone.

#[path = "../support/mod.rs"]
mod support;

mod auth_browser;
mod auth_matrix;
mod auth_processes;
mod c_program;
mod c_stress;
mod crash_recovery;
mod e2e_fork;
mod e2e_restart;
mod feature_union;
mod host_store_processes;
mod transport_limits;
mod transport_logs;
