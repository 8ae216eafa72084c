//! No code: this crate's dependencies carry the features that make a build of xero-link alone reuse the workspace
//! test build's dependencies (see its Cargo.toml).
