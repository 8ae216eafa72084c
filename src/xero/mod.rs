//! Xero's wire types (Accounting API and identity), named and shaped as in Xero's OpenAPI specs.
