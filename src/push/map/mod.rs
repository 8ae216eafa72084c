//! ERP records → Xero elements, with every check that needs no call to Xero: required fields, lengths as Xero
//! has them, decimal places, and the administrator's defaults. Checks against the organisation's reference data
//! (accounts, tax rates, tracking options) are collected as [`RefCheck`]s and run once that data is read.

use super::amount::Amount;
use super::element::Element;
use super::schema::*;
use crate::config::Config;
use crate::error::ErrorCode;
use crate::xero;
use rust_decimal::Decimal;
use serde_json::{Map, Value};
use std::fmt::Display;

mod compare;
mod contact;
mod document;
mod item;
mod payment;

pub use compare::{matches, xero_date};
pub use contact::contact;
pub use document::{
    CheckedDocument, DocumentInput, allocation, check_credit_note, check_document_head, check_invoice, credit_note,
    invoice, lines, type_word,
};
pub use item::{MappedItem, item};
pub use payment::{check_payment, payment};

/// A reference the organisation must hold for the record to be accepted.
#[derive(Debug, Clone, PartialEq)]
pub enum RefCheck {
    /// An active account usable on a line or item (`what` says where the code came from).
    Account {
        path: String,
        code: String,
        what: String,
    },
    Bank {
        path: String,
        code: String,
    },
    Inventory {
        path: String,
        code: String,
    },
    Tax {
        path: String,
        code: String,
    },
    Tracking {
        path: String,
        category: String,
        option: String,
        what: String,
    },
}

/// Problems found in one record.
#[derive(Debug, Default)]
pub struct Problems(pub Vec<RecordError>);

impl Problems {
    /// `path` is formatted only here, when there is a problem to report: checks of valid fields stay cheap.
    pub fn add(&mut self, path: impl Display, message: impl Into<String>) {
        self.0.push(RecordError { code: ErrorCode::Validation, message: message.into(), path: Some(path.to_string()) });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Required text of `min..=max` characters, not only blanks.
    pub fn text(&mut self, path: impl Display + Copy, value: &str, max: usize) {
        let len = value.chars().count();
        if value.trim().is_empty() {
            self.add(path, "is required and must not be blank");
        } else if len > max {
            self.add(path, format!("has {len} characters; Xero allows at most {max}"));
        }
    }

    pub fn opt_text(&mut self, path: impl Display + Copy, value: &Option<String>, max: usize) {
        if let Some(v) = value {
            let len = v.chars().count();
            if len > max {
                self.add(path, format!("has {len} characters; Xero allows at most {max}"));
            }
        }
    }

    /// A code (account, tax, item...) when present: not blank, at most `max`.
    pub fn opt_code(&mut self, path: impl Display + Copy, value: &Option<String>, max: usize) {
        if let Some(v) = value {
            self.text(path, v, max);
        }
    }

    pub fn places(&mut self, path: impl Display + Copy, value: Amount, max: u32) {
        if value.places() > max {
            self.add(path, format!("{} has {} decimal places; at most {max} are allowed", value.0, value.places()));
        }
    }

    pub fn currency(&mut self, path: impl Display + Copy, value: &Option<String>) {
        if let Some(c) = value {
            if c.len() != 3 || !c.bytes().all(|b| b.is_ascii_uppercase()) {
                self.add(path, format!("\"{c}\" is not an ISO 4217 currency code (three capital letters, e.g. NZD)"));
            }
        }
    }

    pub fn rate(&mut self, path: impl Display + Copy, value: Option<Amount>) {
        if let Some(r) = value {
            if r.0 <= Decimal::ZERO {
                self.add(path, "must be greater than zero");
            }
            self.places(path, r, 6);
        }
    }
}

/// Merges the host's `xero` pass-through into the element (its members win).
fn merge(element: &mut Value, pass: &XeroPassThrough) {
    if let (Some(obj), Some(pass)) = (element.as_object_mut(), pass) {
        for (k, v) in pass {
            obj.insert(k.clone(), v.clone());
        }
    }
}

fn to_value<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).expect("Xero wire types always serialise")
}

fn norm(d: Decimal) -> Decimal {
    d.normalize()
}

/// A date as Xero takes it.
fn date(d: chrono::NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn some_text(v: &Option<String>) -> Option<String> {
    v.as_ref().filter(|s| !s.trim().is_empty()).cloned()
}

/// Object member access for found elements.
pub fn member<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// A decimal member as Xero wrote it (`"5.50"` stays `5.50`).
pub fn member_decimal(v: &Value, key: &str) -> Option<Decimal> {
    let text = match v.get(key)? {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        _ => return None,
    };
    super::amount::parse_decimal(&text).ok()
}

/// An object with one member, for bodies like `{"Invoices": [...]}`.
pub fn wrap(collection: &str, elements: Vec<Value>) -> Value {
    let mut m = Map::new();
    m.insert(collection.to_owned(), Value::Array(elements));
    Value::Object(m)
}
