//! Pushing the ERP's records into Xero: the ERP-side schema, mapping with the administrator's defaults, the
//! ledger that makes every push exactly-once, batching, dry runs, and per-record results.
