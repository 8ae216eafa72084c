//! What an organisation stores.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::{Map, Value};
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct Currency {
    pub code: String,
    pub description: String,
    /// Units of this currency per one unit of base currency (Xero's `CurrencyRate`).
    pub rate: Decimal,
}

#[derive(Debug, Clone)]
pub struct Account {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub typ: String,
    pub status: String,
    pub tax_type: Option<String>,
    pub description: Option<String>,
    pub bank_account_number: Option<String>,
    pub currency_code: Option<String>,
    pub enable_payments: bool,
    pub system_account: Option<String>,
    pub updated_ms: i64,
}

impl Account {
    pub fn class(&self) -> &'static str {
        match self.typ.as_str() {
            "BANK" | "CURRENT" | "FIXED" | "INVENTORY" | "NONCURRENT" | "PREPAYMENT" => "ASSET",
            "CURRLIAB" | "LIABILITY" | "TERMLIAB" | "PAYG" => "LIABILITY",
            "EQUITY" => "EQUITY",
            "REVENUE" | "SALES" | "OTHERINCOME" => "REVENUE",
            _ => "EXPENSE",
        }
    }
    pub fn active(&self) -> bool {
        self.status == "ACTIVE"
    }
}

#[derive(Debug, Clone)]
pub struct TaxRate {
    pub tax_type: String,
    pub name: String,
    /// Percent, e.g. 10 for 10 %.
    pub rate: Decimal,
    pub status: String,
    pub report_tax_type: Option<String>,
}

#[derive(Debug, Clone)]
pub struct TrackingOption {
    pub id: Uuid,
    pub name: String,
    pub status: String,
}

#[derive(Debug, Clone)]
pub struct TrackingCategory {
    pub id: Uuid,
    pub name: String,
    pub status: String,
    pub options: Vec<TrackingOption>,
}

#[derive(Debug, Clone)]
pub struct Contact {
    pub id: Uuid,
    pub name: String,
    pub number: Option<String>,
    pub status: String,
    pub is_supplier: bool,
    pub is_customer: bool,
    /// Other writable fields, stored as sent (already checked).
    pub fields: Map<String, Value>,
    pub updated_ms: i64,
}

#[derive(Debug, Clone, Default)]
pub struct Details {
    pub unit_price: Option<Decimal>,
    pub account_code: Option<String>,
    pub cogs_account_code: Option<String>,
    pub tax_type: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Item {
    pub id: Uuid,
    pub code: String,
    pub name: Option<String>,
    pub description: Option<String>,
    pub purchase_description: Option<String>,
    pub is_sold: bool,
    pub is_purchased: bool,
    pub sales: Option<Details>,
    pub purchase: Option<Details>,
    pub inventory_asset_account_code: Option<String>,
    pub updated_ms: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocKind {
    Invoice,
    CreditNote,
}

impl DocKind {
    pub fn id_field(self) -> &'static str {
        match self {
            DocKind::Invoice => "InvoiceID",
            DocKind::CreditNote => "CreditNoteID",
        }
    }
    pub fn number_field(self) -> &'static str {
        match self {
            DocKind::Invoice => "InvoiceNumber",
            DocKind::CreditNote => "CreditNoteNumber",
        }
    }
    pub fn collection(self) -> &'static str {
        match self {
            DocKind::Invoice => "Invoices",
            DocKind::CreditNote => "CreditNotes",
        }
    }
    pub fn noun(self) -> &'static str {
        match self {
            DocKind::Invoice => "Invoice",
            DocKind::CreditNote => "Credit Note",
        }
    }
    pub fn types(self) -> &'static [&'static str] {
        match self {
            DocKind::Invoice => &["ACCREC", "ACCPAY"],
            DocKind::CreditNote => &["ACCRECCREDIT", "ACCPAYCREDIT"],
        }
    }
}

#[derive(Debug, Clone)]
pub struct Line {
    pub id: Uuid,
    pub description: Option<String>,
    pub quantity: Option<Decimal>,
    pub unit_amount: Option<Decimal>,
    pub item_code: Option<String>,
    pub account_code: Option<String>,
    pub tax_type: Option<String>,
    pub tax_amount: Decimal,
    pub line_amount: Decimal,
    /// (category, option)
    pub tracking: Vec<(Uuid, Uuid)>,
    pub discount_rate: Option<Decimal>,
    pub discount_amount: Option<Decimal>,
}

/// An invoice or a credit note.
#[derive(Debug, Clone)]
pub struct Doc {
    pub kind: DocKind,
    pub id: Uuid,
    pub typ: String,
    pub contact_id: Uuid,
    pub number: String,
    pub reference: Option<String>,
    pub date: NaiveDate,
    pub due_date: Option<NaiveDate>,
    pub line_amount_types: String,
    pub currency_code: String,
    pub currency_rate: Decimal,
    pub status: String,
    pub lines: Vec<Line>,
    pub sub_total: Decimal,
    pub total_tax: Decimal,
    pub total: Decimal,
    pub total_discount: Decimal,
    /// Payments (invoices) or cash refunds (credit notes).
    pub amount_paid: Decimal,
    /// Credit applied: credit notes allocated to this invoice, or this credit note's allocations.
    pub amount_credited: Decimal,
    pub url: Option<String>,
    pub branding_theme_id: Option<String>,
    pub sent_to_contact: bool,
    pub expected_payment_date: Option<NaiveDate>,
    pub planned_payment_date: Option<NaiveDate>,
    pub fully_paid_on: Option<NaiveDate>,
    pub updated_ms: i64,
    /// Notices given with the write that saved this version (`Warnings`), shown in that write's answer only.
    pub warnings: Vec<String>,
}

impl Doc {
    /// AmountDue for invoices, RemainingCredit for credit notes.
    pub fn outstanding(&self) -> Decimal {
        self.total - self.amount_paid - self.amount_credited
    }
}

#[derive(Debug, Clone)]
pub struct Payment {
    pub id: Uuid,
    pub doc_id: Uuid,
    pub doc_kind: DocKind,
    pub account_id: Uuid,
    pub date: NaiveDate,
    pub amount: Decimal,
    pub bank_amount: Decimal,
    pub currency_rate: Decimal,
    pub reference: Option<String>,
    pub is_reconciled: bool,
    pub status: String,
    pub payment_type: String,
    pub updated_ms: i64,
}

#[derive(Debug, Clone)]
pub struct Allocation {
    pub id: Uuid,
    pub credit_note_id: Uuid,
    pub invoice_id: Uuid,
    pub amount: Decimal,
    pub date: NaiveDate,
}
