//! xero-sim: a local stand-in for Xero (identity server, connections, Accounting API).
