//! xero-sim: a local, stateful stand-in for Xero's identity server, connections and Accounting API.
//!
//! Module ownership (keep to it):
//! - `accounting/`: the Accounting API's domain: per-organisation state, validation, totals, responses
//!   (pure: no HTTP, no threads). Entry point [`accounting::handle`].
//! - everything else: the HTTP server, identity (OAuth 2.0), connections, rate limits, idempotency, faults,
//!   the control endpoint, the clock, the binary.

pub mod accounting;
