//! What surrounds the records in Xero's answers: the collection wrappers, their pagination, and the status and
//! messages each element of a batched answer carries.

use super::{Account, Allocation, Contact, CreditNote, Invoice, Item, Payment, TaxRate, TrackingCategory};
use serde::{Deserialize, Serialize};

/// One `ValidationErrors` / `Warnings` entry.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Message {
    #[serde(default)]
    pub message: String,
}

/// Members every element of a batched answer carries (`summarizeErrors=false`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ElementStatus {
    /// `OK`, `WARNING` or `ERROR`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_attribute_string: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub validation_errors: Vec<Message>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Message>,
}

impl ElementStatus {
    pub fn has_errors(&self) -> bool {
        !self.validation_errors.is_empty() || self.status_attribute_string.as_deref() == Some("ERROR")
    }
}

/// The collection wrappers Xero answers with (`{"Invoices":[...]}` ...), every member optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Collections {
    #[serde(default)]
    pub contacts: Vec<Contact>,
    #[serde(default)]
    pub items: Vec<Item>,
    #[serde(default)]
    pub invoices: Vec<Invoice>,
    #[serde(default)]
    pub credit_notes: Vec<CreditNote>,
    #[serde(default)]
    pub payments: Vec<Payment>,
    #[serde(default)]
    pub allocations: Vec<Allocation>,
    #[serde(default)]
    pub accounts: Vec<Account>,
    #[serde(default)]
    pub tax_rates: Vec<TaxRate>,
    #[serde(default)]
    pub tracking_categories: Vec<TrackingCategory>,
    /// Present on error answers (`ValidationException` ...).
    #[serde(default)]
    pub message: Option<String>,
    #[serde(rename = "Type", default)]
    pub error_type: Option<String>,
    #[serde(default)]
    pub elements: Vec<serde_json::Value>,
    #[serde(default)]
    pub pagination: Option<Pagination>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pagination {
    #[serde(default)]
    pub page: u32,
    #[serde(default)]
    pub page_count: u32,
}
