//! What each record became: its outcome, Xero id and number, totals, warnings and errors, and the call's summary.

use crate::push::amount::as_string_option;
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::Serialize;

/// What happened to one record (in a dry run: what would happen).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Created,
    Updated,
    /// Xero already agrees: no call was made for it.
    Unchanged,
    Failed,
    /// The write was sent but no answer came back; pushing again settles it without a duplicate.
    Uncertain,
}

/// One problem with a record.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct RecordError {
    /// `validation` (ours), `xero` (Xero's validation message), `conflict` (Xero's state forbids the change),
    /// `dependency` (a contact / item / document it needs is not in Xero), `function_disabled`, `uncertain`, or the
    /// code of a failed call (`network`, `rate_limited`, `timeout`, ...): one vocabulary with the call's codes.
    pub code: crate::error::ErrorCode,
    pub message: String,
    /// Request path of the offending field, e.g. `invoices[3].lines[2].quantity`; the record's own path
    /// (`invoices[3]`) when the problem names no field (Xero's validation messages, failed calls).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

/// Xero's totals of a document, exact, as strings (`"115.00"`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct DocumentTotals {
    #[serde(serialize_with = "as_string_option::serialize")]
    #[schemars(with = "Option<String>")]
    pub sub_total: Option<Decimal>,
    #[serde(serialize_with = "as_string_option::serialize")]
    #[schemars(with = "Option<String>")]
    pub total_tax: Option<Decimal>,
    #[serde(serialize_with = "as_string_option::serialize")]
    #[schemars(with = "Option<String>")]
    pub total: Option<Decimal>,
    #[serde(serialize_with = "as_string_option::serialize")]
    #[schemars(with = "Option<String>")]
    pub amount_due: Option<Decimal>,
}

/// The result of one record, in input order.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct RecordResult {
    /// Position in the request's array.
    pub index: usize,
    /// The ERP key: contact or item code, document number, payment id.
    pub key: String,
    pub outcome: Outcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub xero_id: Option<String>,
    /// Xero's document number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// Xero's status of the document (`AUTHORISED`, `PAID`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub xero_status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub totals: Option<DocumentTotals>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<RecordError>,
    /// Xero's warnings on a document it accepted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// Credit notes: one result per allocation, in input order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allocations: Option<Vec<RecordResult>>,
}

impl RecordResult {
    pub fn new(index: usize, key: impl Into<String>, outcome: Outcome) -> Self {
        RecordResult {
            index,
            key: key.into(),
            outcome,
            xero_id: None,
            number: None,
            xero_status: None,
            totals: None,
            errors: Vec::new(),
            warnings: Vec::new(),
            allocations: None,
        }
    }

    pub fn failed(index: usize, key: impl Into<String>, errors: Vec<RecordError>) -> Self {
        let mut r = RecordResult::new(index, key, Outcome::Failed);
        r.errors = errors;
        r
    }
}

/// Counts per outcome.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct Summary {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub failed: usize,
    pub uncertain: usize,
}

impl Summary {
    pub fn of(results: &[RecordResult]) -> Summary {
        let mut s = Summary::default();
        for r in results {
            match r.outcome {
                Outcome::Created => s.created += 1,
                Outcome::Updated => s.updated += 1,
                Outcome::Unchanged => s.unchanged += 1,
                Outcome::Failed => s.failed += 1,
                Outcome::Uncertain => s.uncertain += 1,
            }
        }
        s
    }
}

/// The answer of every push operation.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct PushResponse {
    pub dry_run: bool,
    /// Counts of `results` by outcome.
    pub summary: Summary,
    /// One per record of the request's main array, in input order.
    pub results: Vec<RecordResult>,
    /// Results of the request's `contacts`, when it carried any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contacts: Option<Vec<RecordResult>>,
    /// Results of the request's `items`, when it carried any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<RecordResult>>,
}
