//! What the link does in the books, as the administrator sets it up in the ERP: the link functions ticked, the
//! defaults, the names of the tracking categories, and what becomes of a contact whose name Xero already holds.

use super::Config;
use super::checks::check_text;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// The link functions an administrator ticks in the ERP's API setup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkFunction {
    Debtors,
    Creditors,
    Inventory,
    SalesInvoices,
    PurchaseInvoices,
    CreditNotes,
    Payments,
}

impl LinkFunction {
    /// Every link function, in the order the ERP's API setup lists them.
    pub const ALL: [LinkFunction; 7] = [
        LinkFunction::Debtors,
        LinkFunction::Creditors,
        LinkFunction::Inventory,
        LinkFunction::SalesInvoices,
        LinkFunction::PurchaseInvoices,
        LinkFunction::CreditNotes,
        LinkFunction::Payments,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LinkFunction::Debtors => "debtors",
            LinkFunction::Creditors => "creditors",
            LinkFunction::Inventory => "inventory",
            LinkFunction::SalesInvoices => "sales_invoices",
            LinkFunction::PurchaseInvoices => "purchase_invoices",
            LinkFunction::CreditNotes => "credit_notes",
            LinkFunction::Payments => "payments",
        }
    }
}

/// The administrator's defaults (seed: Xero Sales Acc, Xero COS Acc, Xero Division, Xero Sales Rep).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    /// Xero account code that sales lines go to when they name none.
    #[serde(default)]
    pub sales_account: Option<String>,
    /// Xero account code for cost of sales (items' purchase details).
    #[serde(default)]
    pub cos_account: Option<String>,
    /// Default option of the division tracking category.
    #[serde(default)]
    pub division: Option<String>,
    /// Default option of the sales-rep tracking category.
    #[serde(default)]
    pub sales_rep: Option<String>,
}

/// The names of the Xero tracking categories that stand for the ERP's division and sales rep.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TrackingNames {
    #[serde(default = "default_division_category")]
    pub division: String,
    #[serde(default = "default_sales_rep_category")]
    pub sales_rep: String,
}

fn default_division_category() -> String {
    "Division".to_owned()
}

fn default_sales_rep_category() -> String {
    "Sales Rep".to_owned()
}

impl Default for TrackingNames {
    fn default() -> Self {
        TrackingNames { division: default_division_category(), sales_rep: default_sales_rep_category() }
    }
}

/// Xero keeps contact names unique among active contacts, ignoring case, and a create that names an existing
/// contact overwrites that contact (XeroAPI/xero-php-oauth2#191). An ERP may have two debtors of one name; this
/// says what becomes of the second.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactNames {
    /// The second record fails, naming the ERP code that holds the name in Xero (the default: nothing is
    /// renamed without the administrator choosing it).
    #[default]
    Refuse,
    /// The second record is named "Name (CODE)" in Xero, on its create and every later update.
    AddCode,
}

impl Config {
    pub fn function_enabled(&self, function: LinkFunction) -> bool {
        self.functions.contains(&function)
    }

    /// The defaults and tracking category names fit Xero's fields; the two categories differ.
    pub(super) fn validate_defaults(&self) -> Result<()> {
        if let Some(code) = &self.defaults.sales_account {
            check_text("defaults.sales_account", code, 1, 10)?;
        }
        if let Some(code) = &self.defaults.cos_account {
            check_text("defaults.cos_account", code, 1, 10)?;
        }
        if let Some(option) = &self.defaults.division {
            check_text("defaults.division", option, 1, 100)?;
        }
        if let Some(option) = &self.defaults.sales_rep {
            check_text("defaults.sales_rep", option, 1, 100)?;
        }
        check_text("tracking_categories.division", &self.tracking_categories.division, 1, 100)?;
        check_text("tracking_categories.sales_rep", &self.tracking_categories.sales_rep, 1, 100)?;
        if self.tracking_categories.division == self.tracking_categories.sales_rep {
            return Err(Error::validation("the division and sales-rep tracking categories must differ")
                .at("tracking_categories.sales_rep"));
        }
        Ok(())
    }
}
