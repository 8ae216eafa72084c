//! Pushing the ERP's records into Xero: the ERP-side schema, mapping with the administrator's defaults, the
//! ledger that makes every push exactly-once, batching, dry runs, and per-record results.
//!
//! One module per kind of record ([`contacts`](mod@contacts), [`items`](mod@items), [`invoices`](mod@invoices),
//! [`credit_notes`](mod@credit_notes) with [`allocations`], [`payments`](mod@payments)) declares what the kind is in
//! Xero (its [`engine::Spec`] and how it is found) and checks its records; [`records`] is the loop they share,
//! [`dependencies`] finds what documents need, and [`engine`] makes Xero agree with a set of records of any kind. Entry
//! points take the connection, the typed request and a [`XeroApi`]; the operations in `ops/` pass [`SessionApi`] (the
//! signed-in session over the transport), tests pass an in-process simulator.

pub mod allocations;
pub mod amount;
pub(crate) mod answer;
pub mod api;
mod archived;
pub mod checks;
pub mod contacts;
pub mod credit_notes;
pub mod dependencies;
pub mod documents;
pub mod element;
pub mod engine;
pub mod invoices;
pub mod items;
pub mod map;
mod names;
pub mod payments;
pub mod records;
pub mod schema;

/// The push operations by kind, as the operations in `ops/` and Rust callers use them.
pub use self::{
    contacts::push as contacts, credit_notes::push as credit_notes, invoices::push as invoices,
    invoices::push_one as invoice, items::push as items, payments::push as payments,
};
pub use api::{SessionApi, XeroApi};

use crate::config::{Config, LinkFunction};
use crate::error::{Error, ErrorCode, Result};

/// Ledger kinds (stable: they are stored).
pub mod kinds {
    pub const CONTACT: &str = "contact";
    pub const ITEM: &str = "item";
    pub const SALES_INVOICE: &str = "sales_invoice";
    pub const PURCHASE_INVOICE: &str = "purchase_invoice";
    pub const SALES_CREDIT_NOTE: &str = "sales_credit_note";
    pub const PURCHASE_CREDIT_NOTE: &str = "purchase_credit_note";
    pub const SALES_ALLOCATION: &str = "sales_allocation";
    pub const PURCHASE_ALLOCATION: &str = "purchase_allocation";
    pub const PAYMENT: &str = "payment";
}

/// The link functions an operation needs, at least one of them ticked; each push operation declares its own
/// (`contacts::NEEDS`, ...) and the operation checks it once, before signing in, so a connection configured
/// without them answers `function_disabled` whatever its sign-in state.
#[derive(Debug, Clone, Copy)]
pub struct Needs {
    /// What the operation does, for the message: "pushing contacts".
    pub what: &'static str,
    pub any_of: &'static [LinkFunction],
}

impl Needs {
    pub const fn any(what: &'static str, any_of: &'static [LinkFunction]) -> Needs {
        Needs { what, any_of }
    }

    /// `function_disabled` unless one of the functions is ticked in `config`.
    pub fn check(&self, config: &Config) -> Result<()> {
        if self.any_of.iter().any(|f| config.function_enabled(*f)) {
            return Ok(());
        }
        let names: Vec<&str> = self.any_of.iter().map(|f| f.as_str()).collect();
        Err(Error::new(
            ErrorCode::FunctionDisabled,
            format!(
                "{} needs the link function {} ticked in the connection's functions",
                self.what,
                names.join(" or ")
            ),
        )
        .with("functions", names))
    }
}
