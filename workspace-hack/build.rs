//! Empty: present so that cargo reads this crate's `[build-dependencies]` (see Cargo.toml).
fn main() {}
