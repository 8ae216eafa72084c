//! Helpers of the simulator's tests: the accounting domain called directly, and the server over HTTP.

pub mod accounting;
pub mod http;
