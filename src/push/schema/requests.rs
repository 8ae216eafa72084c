//! The push requests: the connection, the records, and the options of each call.

use super::decode::{Record, bounded_records};
use super::records::*;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// `push_contacts`: debtors and creditors.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PushContactsRequest {
    pub connection: String,
    #[serde(default)]
    pub deadline_ms: Option<u64>,
    /// Check and report what would happen; write nothing.
    #[serde(default)]
    pub dry_run: bool,
    #[serde(deserialize_with = "bounded_records")]
    #[schemars(length(max = 10000))]
    pub contacts: Vec<Record<ErpContact>>,
}

/// `push_items`: inventory.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PushItemsRequest {
    pub connection: String,
    #[serde(default)]
    pub deadline_ms: Option<u64>,
    #[serde(default)]
    pub dry_run: bool,
    #[serde(deserialize_with = "bounded_records")]
    #[schemars(length(max = 10000))]
    pub items: Vec<Record<ErpItem>>,
}

/// `push_invoices`: sales invoices and bills, with the contacts and items they need pushed first.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PushInvoicesRequest {
    pub connection: String,
    #[serde(default)]
    pub deadline_ms: Option<u64>,
    #[serde(default)]
    pub dry_run: bool,
    /// Read back from Xero the documents the ledger finds unchanged (one GET per 100), so one voided or deleted
    /// by hand in Xero is reported rather than taken as still there.
    #[serde(default)]
    pub verify: bool,
    #[serde(deserialize_with = "bounded_records")]
    #[schemars(length(max = 10000))]
    pub invoices: Vec<Record<ErpInvoice>>,
    /// Debtors / creditors the invoices name, pushed first (results in `contacts`).
    #[serde(default, deserialize_with = "bounded_records")]
    #[schemars(length(max = 10000))]
    pub contacts: Vec<Record<ErpContact>>,
    /// Items the lines name, pushed first (results in `items`).
    #[serde(default, deserialize_with = "bounded_records")]
    #[schemars(length(max = 10000))]
    pub items: Vec<Record<ErpItem>>,
}

/// `push_invoice`: one document; the answer's `results` has one element.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PushInvoiceRequest {
    pub connection: String,
    #[serde(default)]
    pub deadline_ms: Option<u64>,
    #[serde(default)]
    pub dry_run: bool,
    /// Read back from Xero the documents the ledger finds unchanged (one GET per 100), so one voided or deleted
    /// by hand in Xero is reported rather than taken as still there.
    #[serde(default)]
    pub verify: bool,
    pub invoice: Record<ErpInvoice>,
    #[serde(default, deserialize_with = "bounded_records")]
    #[schemars(length(max = 10000))]
    pub contacts: Vec<Record<ErpContact>>,
    #[serde(default, deserialize_with = "bounded_records")]
    #[schemars(length(max = 10000))]
    pub items: Vec<Record<ErpItem>>,
}

/// `push_credit_notes`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PushCreditNotesRequest {
    pub connection: String,
    #[serde(default)]
    pub deadline_ms: Option<u64>,
    #[serde(default)]
    pub dry_run: bool,
    /// Read back from Xero the documents the ledger finds unchanged (one GET per 100), so one voided or deleted
    /// by hand in Xero is reported rather than taken as still there.
    #[serde(default)]
    pub verify: bool,
    #[serde(deserialize_with = "bounded_records")]
    #[schemars(length(max = 10000))]
    pub credit_notes: Vec<Record<ErpCreditNote>>,
    #[serde(default, deserialize_with = "bounded_records")]
    #[schemars(length(max = 10000))]
    pub contacts: Vec<Record<ErpContact>>,
    #[serde(default, deserialize_with = "bounded_records")]
    #[schemars(length(max = 10000))]
    pub items: Vec<Record<ErpItem>>,
}

/// `push_payments`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PushPaymentsRequest {
    pub connection: String,
    #[serde(default)]
    pub deadline_ms: Option<u64>,
    #[serde(default)]
    pub dry_run: bool,
    #[serde(deserialize_with = "bounded_records")]
    #[schemars(length(max = 10000))]
    pub payments: Vec<Record<ErpPayment>>,
}
