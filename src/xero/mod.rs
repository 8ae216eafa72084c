//! Xero's wire types (Accounting API), named and shaped as in Xero's OpenAPI spec (`xero_accounting.yaml`).
//!
//! Requests are built from these types and sent as JSON; answers are read into them, ignoring members we do not
//! use. Money is `Decimal`, written as an exact JSON number (never through f64).
//!
//! By what the types are: [`contact`], [`item`], [`document`] (invoices, bills, credit notes and their lines),
//! [`payment`] (payments, allocations), [`reference_data`] (accounts, tax rates, tracking), [`envelope`] (the
//! collection wrappers and each element's status); [`money`] writes and reads the amounts.

mod contact;
mod document;
mod envelope;
mod item;
mod money;
mod payment;
mod reference_data;

pub use contact::{Address, Contact, Phone};
pub use document::{CreditNote, DocType, Invoice, LineItem, LineItemTracking, Totals};
pub use envelope::{Collections, ElementStatus, Message, Pagination};
pub use item::{Item, ItemDetails};
pub use payment::{AccountRef, Allocation, DocumentRef, Payment};
pub use reference_data::{Account, TaxRate, TrackingCategory, TrackingOption};

/// A `where` string literal: Xero's filter language quotes strings with `"` and escapes with `\`.
pub fn where_string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}
