//! The in-process suites: every test that can share its process with the others, one binary (the crate is
//! linked once). A test that changes process-wide state (log or progress callback, log level, host state store)
//! holds `support::process::alone()`; tests that spawn or fork processes, or need the process to themselves,
//! are in `tests/processes/`.

#[path = "../support/mod.rs"]
mod support;

mod auth_lease;
mod auth_refresh;
mod auth_secrets;
mod auth_signin;
mod c_abi;
mod contract;
mod e2e_day;
mod e2e_faults;
mod e2e_mixed;
mod e2e_outcomes;
mod end_to_end;
mod header;
mod host_store;
mod host_store_faults;
mod push_amounts;
mod push_archived;
mod push_c_abi;
mod push_create_first;
mod push_day;
mod push_faults;
mod push_lookups;
mod push_model;
mod push_payment_identity;
mod push_refunds;
mod push_schemas;
mod push_validation;
mod security;
mod sim_limits;
mod sim_strict;
mod transport_faults;
