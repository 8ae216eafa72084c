//! The push ledger: each ERP record (connection, tenant, kind, ERP key) → its Xero id, the hash of what was
//! last pushed, and its status. (Owned by the push work.)

pub const SCHEMA: &str = "";
