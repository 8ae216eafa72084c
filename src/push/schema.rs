//! The ERP-side schema: records in the ERP's own terms (debtor and creditor codes, item codes, document numbers),
//! the push requests that carry them and the per-record results. Published as JSON Schema in `schemas/`.
//!
//! Each record is decoded on its own ([`Record`]), so one malformed record fails alone, with its field path,
//! and never blocks the others.

use super::amount::{Amount, as_string_option};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};
use std::borrow::Cow;

/// Fields Xero has that this schema does not cover: merged into the Xero element as sent (top-level members
/// replace ours). Use Xero's own names, e.g. `{"BrandingThemeID": "...", "Url": "https://erp/doc/1"}`.
pub type XeroPassThrough = Option<Map<String, Value>>;

/// A debtor (customer) or creditor (supplier), keyed by its ERP code (Xero `ContactNumber`).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErpContact {
    /// The ERP's debtor or creditor code: Xero `ContactNumber` (1–50 characters). Debtors and creditors share one
    /// code space in Xero: a code names one contact.
    pub code: String,
    /// `debtor` (needs the `debtors` function) or `creditor` (needs `creditors`).
    pub role: ContactRole,
    /// Xero `Name` (1–255), unique among Xero's active contacts.
    pub name: String,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub mobile: Option<String>,
    #[serde(default)]
    pub fax: Option<String>,
    /// ABN / GST / VAT / tax id number (≤ 50).
    #[serde(default)]
    pub tax_number: Option<String>,
    /// Company registration number (≤ 50).
    #[serde(default)]
    pub company_number: Option<String>,
    /// Xero `AccountNumber` (≤ 50).
    #[serde(default)]
    pub account_number: Option<String>,
    /// Default currency, ISO 4217 (e.g. `NZD`).
    #[serde(default)]
    pub currency: Option<String>,
    /// Postal address (Xero `POBOX` address).
    #[serde(default, deserialize_with = "object_or_null")]
    pub address: Option<ErpAddress>,
    /// Street address (Xero `STREET` address).
    #[serde(default, deserialize_with = "object_or_null")]
    pub street_address: Option<ErpAddress>,
    #[serde(default)]
    pub xero: XeroPassThrough,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContactRole {
    Debtor,
    Creditor,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErpAddress {
    /// Up to 4 lines of ≤ 500 characters.
    #[serde(default)]
    pub lines: Vec<String>,
    #[serde(default)]
    pub city: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub postal_code: Option<String>,
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub attention_to: Option<String>,
}

/// An inventory item, keyed by its ERP item code (Xero `Code`).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErpItem {
    /// Item code: Xero `Code` (1–30 characters).
    pub code: String,
    /// Xero `Name` (≤ 50); the code when absent.
    #[serde(default)]
    pub name: Option<String>,
    /// Sales description (≤ 4000).
    #[serde(default)]
    pub description: Option<String>,
    /// Purchase description (≤ 4000).
    #[serde(default)]
    pub purchase_description: Option<String>,
    /// Sales unit price, up to 4 decimal places.
    #[serde(default)]
    pub sales_price: Option<Amount>,
    /// Purchase (cost) unit price, up to 4 decimal places.
    #[serde(default)]
    pub purchase_price: Option<Amount>,
    /// Sales account code; `defaults.sales_account` when absent.
    #[serde(default)]
    pub sales_account: Option<String>,
    /// Cost-of-sales account code; `defaults.cos_account` when absent.
    #[serde(default)]
    pub cos_account: Option<String>,
    #[serde(default)]
    pub sales_tax_code: Option<String>,
    #[serde(default)]
    pub purchase_tax_code: Option<String>,
    /// Tracked as inventory in Xero (needs `inventory_account`, an INVENTORY-type account).
    #[serde(default)]
    pub tracked: bool,
    /// Inventory asset account code, for tracked items.
    #[serde(default)]
    pub inventory_account: Option<String>,
    #[serde(default)]
    pub xero: XeroPassThrough,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocumentType {
    /// A sales invoice (Xero `ACCREC`) or sales credit note (`ACCRECCREDIT`); names a `debtor`.
    Sales,
    /// A purchase invoice / bill (Xero `ACCPAY`) or supplier credit note (`ACCPAYCREDIT`); names a `creditor`.
    Purchase,
}

/// How line unit prices are to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AmountsAre {
    /// Prices exclude tax (Xero `Exclusive`).
    #[default]
    Exclusive,
    /// Prices include tax (Xero `Inclusive`).
    Inclusive,
    /// No tax (Xero `NoTax`).
    NoTax,
}

/// The Xero status the document is pushed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocumentStatus {
    Draft,
    Submitted,
    /// Approved (posted in Xero). Once paid or credited, Xero allows no changes to its lines or amounts.
    #[default]
    Authorised,
}

/// A sales invoice or a purchase invoice (bill).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErpInvoice {
    /// The ERP document number (1–255): Xero `InvoiceNumber`. Unique per type in the ERP.
    pub number: String,
    #[serde(rename = "type")]
    pub doc_type: DocumentType,
    /// Debtor code (sales documents).
    #[serde(default)]
    pub debtor: Option<String>,
    /// Creditor code (purchase documents).
    #[serde(default)]
    pub creditor: Option<String>,
    /// Calendar date `YYYY-MM-DD`, sent as is (no time zone shift).
    pub date: NaiveDate,
    #[serde(default)]
    pub due_date: Option<NaiveDate>,
    /// Xero `Reference` (≤ 255; sales documents only: for a bill the number is what Xero shows as reference).
    #[serde(default)]
    pub reference: Option<String>,
    /// ISO 4217 code; the organisation's base currency when absent.
    #[serde(default)]
    pub currency: Option<String>,
    /// Units of `currency` per unit of base currency; Xero's day rate when absent.
    #[serde(default)]
    pub currency_rate: Option<Amount>,
    #[serde(default)]
    pub amounts: AmountsAre,
    #[serde(default)]
    pub status: DocumentStatus,
    /// 1 or more lines, sent whole on every update.
    pub lines: Vec<ErpLine>,
    #[serde(default)]
    pub xero: XeroPassThrough,
}

/// One document line.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErpLine {
    /// Item code (must be in Xero, or carried in the same request's `items`).
    #[serde(default)]
    pub item: Option<String>,
    /// Line description (≤ 4000); required unless `item` is given.
    #[serde(default)]
    pub description: Option<String>,
    /// Up to 4 decimal places.
    #[serde(default)]
    pub quantity: Option<Amount>,
    /// Up to 4 decimal places (sent with `unitdp=4`).
    #[serde(default)]
    pub unit_price: Option<Amount>,
    /// Discount in percent (0–100, up to 2 places); sales documents only.
    #[serde(default)]
    pub discount: Option<Amount>,
    /// Account code; `defaults.sales_account` (sales) or `defaults.cos_account` (purchase) when absent.
    #[serde(default)]
    pub account: Option<String>,
    /// Xero tax type (e.g. `OUTPUT2`); the account's default when absent.
    #[serde(default)]
    pub tax_code: Option<String>,
    /// Option of the division tracking category; `defaults.division` when absent.
    #[serde(default)]
    pub division: Option<String>,
    /// Option of the sales-rep tracking category; `defaults.sales_rep` when absent (sales documents only).
    #[serde(default)]
    pub sales_rep: Option<String>,
    #[serde(default)]
    pub xero: XeroPassThrough,
}

/// A credit note, optionally allocated to invoices of the same contact.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErpCreditNote {
    /// The ERP credit note number (1–255): Xero `CreditNoteNumber`.
    pub number: String,
    #[serde(rename = "type")]
    pub doc_type: DocumentType,
    #[serde(default)]
    pub debtor: Option<String>,
    #[serde(default)]
    pub creditor: Option<String>,
    pub date: NaiveDate,
    #[serde(default)]
    pub reference: Option<String>,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub currency_rate: Option<Amount>,
    #[serde(default)]
    pub amounts: AmountsAre,
    #[serde(default)]
    pub status: DocumentStatus,
    pub lines: Vec<ErpLine>,
    /// Allocations to invoices (the credit note must be `authorised`). Each is made once; it cannot be changed.
    #[serde(default)]
    pub allocations: Vec<ErpAllocation>,
    #[serde(default)]
    pub xero: XeroPassThrough,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErpAllocation {
    /// Number of the invoice (same type and contact) the credit is applied to.
    pub invoice: String,
    /// Amount applied (> 0, up to 2 places).
    pub amount: Amount,
    /// The credit note's date when absent.
    #[serde(default)]
    pub date: Option<NaiveDate>,
}

/// A payment received (sales) or made (purchase) against one invoice or credit note.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErpPayment {
    /// The ERP's payment id (1–255), the record's key. A payment is made once; it cannot be changed in Xero.
    pub id: String,
    #[serde(rename = "type")]
    pub doc_type: DocumentType,
    /// Number of the invoice paid (exactly one of `invoice`, `credit_note`).
    #[serde(default)]
    pub invoice: Option<String>,
    /// Number of the credit note refunded.
    #[serde(default)]
    pub credit_note: Option<String>,
    /// > 0, up to 2 places, in the document's currency.
    pub amount: Amount,
    pub date: NaiveDate,
    /// Code of the Xero bank account (or an account with payments enabled).
    pub bank_account: String,
    #[serde(default)]
    pub reference: Option<String>,
    #[serde(default)]
    pub currency_rate: Option<Amount>,
    #[serde(default)]
    pub xero: XeroPassThrough,
}

/// One record of a request, decoded on its own: a malformed record becomes a failed result, not a failed call.
#[derive(Debug, Clone)]
pub enum Record<T> {
    Valid(T),
    /// The decoding error and its path inside the record (`lines[2].quantity`).
    Invalid {
        message: String,
        path: String,
        raw: Value,
    },
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Record<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // The record's text, decoded on its own: no tree of values is built for a valid record.
        let raw = Box::<serde_json::value::RawValue>::deserialize(d)?;
        let mut de = serde_json::Deserializer::from_str(raw.get());
        Ok(match serde_path_to_error::deserialize::<_, T>(&mut de) {
            Ok(v) => Record::Valid(v),
            Err(e) => {
                let mut message = e.inner().to_string();
                let path = crate::json::error_path(&e.path().to_string(), &message);
                let raw = match serde_json::from_str(raw.get()) {
                    Ok(v) => v,
                    // Read again with the unpaired surrogates replaced, only so the result can name the record.
                    Err(_) => {
                        serde_json::from_str(&crate::json::replace_lone_surrogates(raw.get())).unwrap_or(Value::Null)
                    }
                };
                if message.contains("hex escape") || message.contains("surrogate") {
                    message = format!(
                        "holds a \\u escape of half a UTF-16 surrogate pair (such as \\ud800), which is no \
                         character: send the text as valid Unicode ({message})"
                    );
                }
                Record::Invalid { message, path, raw }
            }
        })
    }
}

impl<T: Serialize> Serialize for Record<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Record::Valid(v) => v.serialize(s),
            Record::Invalid { raw, .. } => raw.serialize(s),
        }
    }
}

impl<T: JsonSchema> JsonSchema for Record<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }
    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }
    fn schema_id() -> Cow<'static, str> {
        T::schema_id()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }
}

impl<T> From<T> for Record<T> {
    fn from(v: T) -> Self {
        Record::Valid(v)
    }
}

/// An object member as the published schema has it: serde would also take a struct from an array of its values
/// (`"address": []`), which the schema refuses.
fn object_or_null<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Option<T>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        v @ Value::Object(_) => serde_json::from_value(v).map(Some).map_err(serde::de::Error::custom),
        other => Err(serde::de::Error::custom(format!("expected an object, got {}", crate::json::kind_of(&other)))),
    }
}

/// The most records of one kind a call carries. A call is answered whole, so its memory grows with what it
/// carries: a host with more records splits them over calls (the library batches within a call anyway).
pub const MAX_RECORDS: usize = 10_000;

/// A request's array of records, refused as soon as it holds more than [`MAX_RECORDS`] (before the rest is read).
fn bounded_records<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Vec<Record<T>>, D::Error> {
    struct Bounded<T>(std::marker::PhantomData<T>);
    impl<'de, T: DeserializeOwned> serde::de::Visitor<'de> for Bounded<T> {
        type Value = Vec<Record<T>>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            write!(f, "an array of at most {MAX_RECORDS} records")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(MAX_RECORDS));
            while let Some(r) = seq.next_element::<Record<T>>()? {
                if out.len() == MAX_RECORDS {
                    return Err(serde::de::Error::custom(format!(
                        "more than {MAX_RECORDS} records in one call: split them over several calls"
                    )));
                }
                out.push(r);
            }
            Ok(out)
        }
    }
    d.deserialize_seq(Bounded(std::marker::PhantomData))
}

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
