//! The ERP's records in its own terms: debtors and creditors, items, invoices and bills with their lines,
//! credit notes with their allocations, payments.

use super::decode::object_or_null;
use crate::push::amount::Amount;
use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

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

impl DocumentType {
    /// Xero's type of an invoice of this side.
    pub fn invoice_type(self) -> crate::xero::DocType {
        match self {
            DocumentType::Sales => crate::xero::DocType::Accrec,
            DocumentType::Purchase => crate::xero::DocType::Accpay,
        }
    }

    /// Xero's type of a credit note of this side.
    pub fn credit_note_type(self) -> crate::xero::DocType {
        match self {
            DocumentType::Sales => crate::xero::DocType::AccrecCredit,
            DocumentType::Purchase => crate::xero::DocType::AccpayCredit,
        }
    }
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
