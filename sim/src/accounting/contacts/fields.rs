//! A contact's other fields: strings with their lengths, addresses and phones, defaults that name a tax rate,
//! account or currency, and enumerated values.

use super::*;

/// Top-level string fields stored as sent, with their maximum lengths.
const STRING_FIELDS: &[(&str, usize)] = &[
    ("AccountNumber", 50),
    ("FirstName", 255),
    ("LastName", 255),
    ("CompanyNumber", 50),
    ("EmailAddress", 255),
    ("BankAccountDetails", 255),
    ("TaxNumber", 50),
    ("XeroNetworkKey", 255),
    ("Website", 255),
];
const ARRAY_FIELDS: &[&str] =
    &["Addresses", "Phones", "ContactPersons", "SalesTrackingCategories", "PurchasesTrackingCategories"];
const LIMITS: &[(&str, usize)] = &[
    ("AddressLine1", 500),
    ("AddressLine2", 500),
    ("AddressLine3", 500),
    ("AddressLine4", 500),
    ("City", 255),
    ("Region", 255),
    ("PostalCode", 50),
    ("Country", 50),
    ("AttentionTo", 255),
    ("PhoneNumber", 50),
    ("PhoneAreaCode", 10),
    ("PhoneCountryCode", 20),
];

/// Checks the fields beyond name, number and status, copying the accepted ones `into` the stored fields.
pub(super) fn check_fields(
    org: &Organisation,
    obj: &Map<String, Value>,
    into: &mut Map<String, Value>,
    errs: &mut Vec<String>,
) {
    check_strings(obj, into, errs);
    check_arrays(obj, into, errs);
    check_references(org, obj, into, errs);
    check_enumerated(obj, into, errs);
}

/// STRING_FIELDS: a string within its length (null removes the field).
fn check_strings(obj: &Map<String, Value>, into: &mut Map<String, Value>, errs: &mut Vec<String>) {
    for (f, max) in STRING_FIELDS {
        if json::has(obj, f) {
            match get(obj, f) {
                None => {
                    into.remove(*f);
                }
                Some(Value::String(s)) if s.chars().count() > *max => {
                    errs.push(format!("{f} must not be more than {max} characters long."))
                }
                Some(Value::String(s)) => {
                    into.insert(f.to_string(), json!(s));
                }
                Some(_) => errs.push(format!("{f} must be a string.")),
            }
        }
    }
}

/// ARRAY_FIELDS (Addresses, Phones ...): arrays of objects, stored as sent.
fn check_arrays(obj: &Map<String, Value>, into: &mut Map<String, Value>, errs: &mut Vec<String>) {
    for f in ARRAY_FIELDS {
        let Some(v) = get(obj, f) else { continue };
        let Some(arr) = v.as_array() else {
            errs.push(format!("{f} must be an array."));
            continue;
        };
        for el in arr {
            let Some(o) = el.as_object() else {
                errs.push(format!("Each of {f} must be an object."));
                break;
            };
            check_array_element(f, o, errs);
        }
        into.insert(f.to_string(), v.clone());
    }
}

/// One address or phone: its strings within LIMITS, its AddressType or PhoneType a known one.
fn check_array_element(f: &str, o: &Map<String, Value>, errs: &mut Vec<String>) {
    for (k, lim) in LIMITS {
        if let Some(Value::String(s)) = get(o, k) {
            if s.chars().count() > *lim {
                errs.push(format!("{k} must not be more than {lim} characters long."));
            }
        }
    }
    if f == "Addresses" {
        if let Some(t) = str_of(o, "AddressType") {
            if !["POBOX", "STREET"].contains(&t.to_uppercase().as_str()) {
                errs.push(format!("'{t}' is not a valid AddressType."));
            }
        }
    }
    if f == "Phones" {
        if let Some(t) = str_of(o, "PhoneType") {
            if !["DEFAULT", "DDI", "MOBILE", "FAX", "OFFICE"].contains(&t.to_uppercase().as_str()) {
                errs.push(format!("'{t}' is not a valid PhoneType."));
            }
        }
    }
}

/// Default tax types, accounts and currency: each must name an active one of the organisation's.
fn check_references(
    org: &Organisation,
    obj: &Map<String, Value>,
    into: &mut Map<String, Value>,
    errs: &mut Vec<String>,
) {
    for f in ["AccountsReceivableTaxType", "AccountsPayableTaxType"] {
        if let Some(t) = str_of(obj, f) {
            match org.tax_rate(&t) {
                Some(r) if r.status == "ACTIVE" => {
                    into.insert(f.into(), json!(r.tax_type));
                }
                _ => errs.push(format!(
                    "The TaxType code '{t}' does not exist or cannot be used for this type of transaction."
                )),
            }
        }
    }
    for f in ["SalesDefaultAccountCode", "PurchasesDefaultAccountCode"] {
        if let Some(code) = str_of(obj, f) {
            match org.account_by_code(&code) {
                Some(a) if a.active() => {
                    into.insert(f.into(), json!(a.code));
                }
                _ => errs.push(format!("Account code '{code}' is not a valid code.")),
            }
        }
    }
    if let Some(c) = str_of(obj, "DefaultCurrency") {
        match org.currency(&c) {
            Some(cur) => {
                into.insert("DefaultCurrency".into(), json!(cur.code));
            }
            None => errs.push(format!("Organisation is not subscribed to currency {c}")),
        }
    }
}

/// Default line amount types, TaxNumberType and PaymentTerms.
fn check_enumerated(obj: &Map<String, Value>, into: &mut Map<String, Value>, errs: &mut Vec<String>) {
    for f in ["SalesDefaultLineAmountType", "PurchasesDefaultLineAmountType"] {
        if let Some(v) = str_of(obj, f) {
            let up = v.to_uppercase();
            if ["INCLUSIVE", "EXCLUSIVE", "NONE"].contains(&up.as_str()) {
                into.insert(f.into(), json!(up));
            } else {
                errs.push(format!("'{v}' is not a valid value for {f}."));
            }
        }
    }
    if let Some(v) = str_of(obj, "TaxNumberType") {
        if ["SSN", "EIN", "ITIN", "ATIN"].contains(&v.as_str()) {
            into.insert("TaxNumberType".into(), json!(v));
        } else {
            errs.push(format!("'{v}' is not a valid value for TaxNumberType."));
        }
    }
    if let Some(v) = get(obj, "PaymentTerms") {
        if v.is_object() {
            into.insert("PaymentTerms".into(), v.clone());
        } else {
            errs.push("PaymentTerms must be an object.".into());
        }
    }
}
