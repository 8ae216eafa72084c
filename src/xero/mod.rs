//! Xero's wire types (Accounting API), named and shaped as in Xero's OpenAPI spec (`xero_accounting.yaml`).
//!
//! Requests are built from these types and sent as JSON; answers are read into them, ignoring members we do not
//! use. Money is `Decimal`, written as an exact JSON number (never through f64).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Serialises `Option<Decimal>` as an exact JSON number and reads numbers or strings.
mod money {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serializer};
    use serde_json::Value;

    pub fn serialize<S: Serializer>(value: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        rust_decimal::serde::arbitrary_precision_option::serialize(value, s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        let value = Option::<Value>::deserialize(d)?;
        match value {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => parse(&n.to_string()).map(Some).map_err(serde::de::Error::custom),
            Some(Value::String(s)) => parse(&s).map(Some).map_err(serde::de::Error::custom),
            Some(other) => Err(serde::de::Error::custom(format!("expected a number, got {other}"))),
        }
    }

    fn parse(text: &str) -> Result<Decimal, String> {
        text.parse::<Decimal>()
            .or_else(|_| Decimal::from_scientific(text))
            .map_err(|e| format!("`{text}` is not a decimal number: {e}"))
    }
}

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

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Address {
    /// `POBOX` or `STREET`.
    pub address_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_line1: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_line2: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_line3: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_line4: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attention_to: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Phone {
    /// `DEFAULT`, `DDI`, `MOBILE`, `FAX` or `OFFICE`.
    pub phone_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Contact {
    #[serde(rename = "ContactID", default, skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_currency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub addresses: Option<Vec<Address>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phones: Option<Vec<Phone>>,
    #[serde(flatten)]
    pub status: ElementStatus,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ItemDetails {
    #[serde(default, skip_serializing_if = "Option::is_none", with = "money")]
    pub unit_price: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_code: Option<String>,
    #[serde(rename = "COGSAccountCode", default, skip_serializing_if = "Option::is_none")]
    pub cogs_account_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_type: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Item {
    #[serde(rename = "ItemID", default, skip_serializing_if = "Option::is_none")]
    pub item_id: Option<String>,
    #[serde(default)]
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purchase_description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_sold: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_purchased: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sales_details: Option<ItemDetails>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purchase_details: Option<ItemDetails>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_tracked_as_inventory: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inventory_asset_account_code: Option<String>,
    #[serde(flatten)]
    pub status: ElementStatus,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct LineItemTracking {
    #[serde(rename = "TrackingCategoryID", default, skip_serializing_if = "Option::is_none")]
    pub tracking_category_id: Option<String>,
    #[serde(rename = "TrackingOptionID", default, skip_serializing_if = "Option::is_none")]
    pub tracking_option_id: Option<String>,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub option: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct LineItem {
    #[serde(rename = "LineItemID", default, skip_serializing_if = "Option::is_none")]
    pub line_item_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "money")]
    pub quantity: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "money")]
    pub unit_amount: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "money")]
    pub tax_amount: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "money")]
    pub line_amount: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "money")]
    pub discount_rate: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tracking: Vec<LineItemTracking>,
}

/// Totals as Xero computes them (read-only on the wire).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Totals {
    #[serde(default, skip_serializing_if = "Option::is_none", with = "money")]
    pub sub_total: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "money")]
    pub total_tax: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "money")]
    pub total: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "money")]
    pub amount_due: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "money")]
    pub amount_paid: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "money")]
    pub amount_credited: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "money")]
    pub remaining_credit: Option<Decimal>,
}

/// Xero's document types: the `Type` of an invoice or credit note.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocType {
    /// A sales invoice.
    Accrec,
    /// A bill.
    Accpay,
    /// A sales credit note.
    AccrecCredit,
    /// A supplier credit note.
    AccpayCredit,
}

impl DocType {
    /// As Xero writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            DocType::Accrec => "ACCREC",
            DocType::Accpay => "ACCPAY",
            DocType::AccrecCredit => "ACCRECCREDIT",
            DocType::AccpayCredit => "ACCPAYCREDIT",
        }
    }

    /// Bills and supplier credit notes: their numbers are the supplier's, unique only per contact.
    pub fn is_purchase(self) -> bool {
        matches!(self, DocType::Accpay | DocType::AccpayCredit)
    }
}

/// An invoice (`ACCREC`) or bill (`ACCPAY`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Invoice {
    #[serde(rename = "InvoiceID", default, skip_serializing_if = "Option::is_none")]
    pub invoice_id: Option<String>,
    #[serde(rename = "Type", default)]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contact>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "money")]
    pub currency_rate: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line_amount_types: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub line_items: Vec<LineItem>,
    #[serde(flatten)]
    pub totals: Totals,
    #[serde(flatten)]
    pub element: ElementStatus,
}

/// A credit note (`ACCRECCREDIT` or `ACCPAYCREDIT`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreditNote {
    #[serde(rename = "CreditNoteID", default, skip_serializing_if = "Option::is_none")]
    pub credit_note_id: Option<String>,
    #[serde(rename = "Type", default)]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_note_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contact>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "money")]
    pub currency_rate: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line_amount_types: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub line_items: Vec<LineItem>,
    #[serde(flatten)]
    pub totals: Totals,
    #[serde(flatten)]
    pub element: ElementStatus,
}

/// A reference to an invoice or credit note by id (what payments and allocations send).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DocumentRef {
    #[serde(rename = "InvoiceID", default, skip_serializing_if = "Option::is_none")]
    pub invoice_id: Option<String>,
    #[serde(rename = "CreditNoteID", default, skip_serializing_if = "Option::is_none")]
    pub credit_note_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_note_number: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Allocation {
    #[serde(rename = "AllocationID", default, skip_serializing_if = "Option::is_none")]
    pub allocation_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice: Option<DocumentRef>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "money")]
    pub amount: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(flatten)]
    pub element: ElementStatus,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccountRef {
    #[serde(rename = "AccountID", default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Payment {
    #[serde(rename = "PaymentID", default, skip_serializing_if = "Option::is_none")]
    pub payment_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice: Option<DocumentRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_note: Option<DocumentRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<AccountRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "money")]
    pub amount: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "money")]
    pub currency_rate: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_type: Option<String>,
    #[serde(flatten)]
    pub element: ElementStatus,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Account {
    #[serde(rename = "AccountID", default)]
    pub account_id: Option<String>,
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(rename = "Type", default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub tax_type: Option<String>,
    #[serde(rename = "Class", default)]
    pub class: Option<String>,
    #[serde(default)]
    pub currency_code: Option<String>,
    #[serde(default)]
    pub enable_payments_to_account: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TaxRate {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub tax_type: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default, with = "money")]
    pub effective_rate: Option<Decimal>,
    #[serde(default, with = "money")]
    pub display_tax_rate: Option<Decimal>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TrackingOption {
    #[serde(rename = "TrackingOptionID", default)]
    pub tracking_option_id: Option<String>,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub status: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TrackingCategory {
    #[serde(rename = "TrackingCategoryID", default)]
    pub tracking_category_id: Option<String>,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub options: Vec<TrackingOption>,
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
