//! The simulator's tests, one binary: the accounting domain called directly (`accounting_*`), the server over
//! HTTP (`api`, `identity`, the spec run of `accounting_spec`) and the `xero-sim` executable (`binary`).

mod support;

mod accounting_contacts;
mod accounting_invoices;
mod accounting_items;
mod accounting_payments;
mod accounting_query;
mod accounting_reference;
mod accounting_spec;
mod api;
mod binary;
mod client_gone;
mod identity;
mod org_limits;
mod strict;
mod unknowns;
