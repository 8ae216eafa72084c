//! The organisation's reference data (accounts, tax rates, tracking categories), read once per call and used to
//! check records before anything is written.

use super::api::{XeroApi, fetch, get};
use crate::deadline::Deadline;
use crate::error::Result;
use crate::xero::{Account, TaxRate, TrackingCategory};
use std::collections::HashMap;

#[derive(Debug, Default, Clone)]
pub struct RefData {
    /// Accounts by code (every status).
    pub accounts: HashMap<String, Account>,
    /// Tax rates by tax type (every status).
    pub tax_rates: HashMap<String, TaxRate>,
    /// Tracking categories by name (every status).
    pub tracking: HashMap<String, TrackingCategory>,
}

impl RefData {
    pub fn load(api: &dyn XeroApi, deadline: Deadline) -> Result<RefData> {
        let accounts = fetch(api, "reading accounts", &get("/Accounts", vec![]), deadline)?.accounts;
        let tax_rates = fetch(api, "reading tax rates", &get("/TaxRates", vec![]), deadline)?.tax_rates;
        let tracking = fetch(
            api,
            "reading tracking categories",
            &get("/TrackingCategories", vec![("includeArchived".into(), "true".into())]),
            deadline,
        )?
        .tracking_categories;
        Ok(RefData {
            accounts: accounts.into_iter().filter_map(|a| a.code.clone().map(|c| (c, a))).collect(),
            tax_rates: tax_rates.into_iter().filter_map(|t| t.tax_type.clone().map(|k| (k, t))).collect(),
            tracking: tracking.into_iter().map(|t| (t.name.clone(), t)).collect(),
        })
    }

    /// Why `code` cannot be used as an account on a line or item, if it cannot.
    pub fn account_problem(&self, code: &str) -> Option<String> {
        match self.accounts.get(code) {
            None => Some(format!("account code \"{code}\" does not exist in the Xero organisation")),
            Some(a) if a.status.as_deref().is_some_and(|s| s != "ACTIVE") => Some(format!(
                "account \"{code}\" is {} in Xero: use an active account",
                a.status.as_deref().unwrap_or("?")
            )),
            Some(_) => None,
        }
    }

    /// Why `code` cannot take payments, if it cannot.
    pub fn bank_account_problem(&self, code: &str) -> Option<String> {
        if let Some(p) = self.account_problem(code) {
            return Some(p);
        }
        let a = &self.accounts[code];
        if a.kind.as_deref() == Some("BANK") || a.enable_payments_to_account == Some(true) {
            None
        } else {
            Some(format!("account \"{code}\" is not a bank account and does not have payments enabled in Xero"))
        }
    }

    /// Why an inventory asset account cannot be used, if it cannot.
    pub fn inventory_account_problem(&self, code: &str) -> Option<String> {
        if let Some(p) = self.account_problem(code) {
            return Some(p);
        }
        match self.accounts[code].kind.as_deref() {
            Some("INVENTORY") | None => None,
            Some(other) => {
                Some(format!("account \"{code}\" is of type {other}; tracked items need an INVENTORY account"))
            }
        }
    }

    pub fn tax_problem(&self, tax_type: &str) -> Option<String> {
        match self.tax_rates.get(tax_type) {
            None => Some(format!("tax code \"{tax_type}\" is not a tax rate of the Xero organisation")),
            Some(t) if t.status.as_deref().is_some_and(|s| s != "ACTIVE") => {
                Some(format!("tax rate \"{tax_type}\" is {} in Xero", t.status.as_deref().unwrap_or("?")))
            }
            Some(_) => None,
        }
    }

    /// Why `option` of category `category` cannot be used, if it cannot.
    pub fn tracking_problem(&self, category: &str, option: &str) -> Option<String> {
        // An organisation has at most two ACTIVE tracking categories and four in all
        // (developer.xero.com/documentation/api/accounting/trackingcategories): an administrator who needed room
        // may have archived one of the connection's, or never added it.
        const WAY_OUT: &str = "Xero allows two active tracking categories at once: make it active in Xero, or map \
                               the connection's `tracking_categories` to an active one";
        let Some(cat) = self.tracking.get(category) else {
            return Some(format!("the Xero organisation has no tracking category \"{category}\" ({WAY_OUT})"));
        };
        if cat.status.as_deref().is_some_and(|s| s != "ACTIVE") {
            return Some(format!(
                "tracking category \"{category}\" is {} in Xero ({WAY_OUT})",
                cat.status.as_deref().unwrap_or("?")
            ));
        }
        match cat.options.iter().find(|o| o.name == option) {
            None => {
                let known: Vec<&str> = cat
                    .options
                    .iter()
                    .filter(|o| o.status.as_deref().is_none_or(|s| s == "ACTIVE"))
                    .map(|o| o.name.as_str())
                    .collect();
                Some(format!(
                    "\"{option}\" is not an option of tracking category \"{category}\" (options: {})",
                    known.join(", ")
                ))
            }
            Some(o) if o.status.as_deref().is_some_and(|s| s != "ACTIVE") => Some(format!(
                "option \"{option}\" of tracking category \"{category}\" is {} in Xero",
                o.status.as_deref().unwrap_or("?")
            )),
            Some(_) => None,
        }
    }
}
