//! The `xero-link` program's tests, one binary: each subcommand's success path and a failure, run as an
//! administrator runs them, against the simulator started in this process (never the internet).

mod support;

mod demo;
mod help;
mod login;
mod push;
mod setup;
mod setup_pty;
mod status;
mod tenants;
