//! Documents: invoices, bills and credit notes, their types, lines, tracking on lines, and the totals Xero
//! computes for them.

use super::{Contact, ElementStatus, money};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

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
