//! Contacts: GET list/by id/by ContactNumber, PUT creates (an existing ContactID in it is ignored), POST creates
//! or updates.
//!
//! POST matches an existing contact by ContactID, else ContactNumber, else Name (among active contacts).
//! Name: required on create, ≤255, unique among ACTIVE contacts. ContactNumber: ≤50, unique. AccountNumber: ≤50,
//! unique among all contacts (calcinai/xero-php#880).
//! IsSupplier/IsCustomer are read-only (set by ACCPAY/ACCREC documents) and ignored on input.

use super::json::{self, get, str_of, uuid_of};
use super::model::*;
use super::query::{self, ListSpec};
use super::{ApiResponse, Ctx, ElementResult, Organisation, dates, envelope, errors, parse_elements, run_batch};
use serde_json::{Map, Value, json};
use uuid::Uuid;

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Create,
    Upsert,
}

pub fn handle(org: &mut Organisation, ctx: &Ctx, method: &str, rest: &[&str], body: Option<&[u8]>) -> ApiResponse {
    match (method, rest) {
        ("GET", []) => list(org, ctx),
        ("GET", [key]) => match find(org, key) {
            Some(c) => envelope(ctx, "Contacts", vec![render(org, c)], None),
            None => errors::not_found(),
        },
        ("PUT", []) | ("POST", []) => {
            let mode = if method == "PUT" { Mode::Create } else { Mode::Upsert };
            let elems = match parse_elements(body, "Contacts") {
                Ok(e) => e,
                Err(r) => return r,
            };
            run_batch(
                org,
                ctx,
                "Contacts",
                Some("HasValidationErrors"),
                elems,
                |o, c, e| process(o, c, e, mode, None),
                |o, _, id| render(o, o.contact(id).expect("stored")),
            )
        }
        ("POST", [key]) => {
            let Some(id) = find(org, key).map(|c| c.id) else {
                return errors::not_found();
            };
            let elems = match parse_elements(body, "Contacts") {
                Ok(e) => e,
                Err(r) => return r,
            };
            run_batch(
                org,
                ctx,
                "Contacts",
                Some("HasValidationErrors"),
                elems,
                |o, c, e| process(o, c, e, Mode::Upsert, Some(id)),
                |o, _, id| render(o, o.contact(id).expect("stored")),
            )
        }
        _ => errors::method_not_allowed(),
    }
}

fn find<'a>(org: &'a Organisation, key: &str) -> Option<&'a Contact> {
    match Uuid::parse_str(key) {
        Ok(u) => org.contact(u),
        Err(_) => org.contacts.iter().find(|c| c.number.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(key))),
    }
}

fn list(org: &Organisation, ctx: &Ctx) -> ApiResponse {
    let include_archived = ctx.flag("includeArchived");
    let search = ctx.param("searchTerm").map(|s| s.to_lowercase());
    let records: Vec<Value> = org
        .contacts
        .iter()
        .filter(|c| include_archived || c.status != "ARCHIVED")
        .filter(|c| {
            search.as_ref().is_none_or(|s| {
                let mut hay = vec![c.name.clone(), c.number.clone().unwrap_or_default()];
                for f in ["FirstName", "LastName", "EmailAddress"] {
                    if let Some(Value::String(v)) = c.fields.get(f) {
                        hay.push(v.clone());
                    }
                }
                hay.iter().any(|h| h.to_lowercase().contains(s.as_str()))
            })
        })
        .map(|c| render(org, c))
        .collect();
    let spec = ListSpec {
        fields: &[
            "ContactID",
            "ContactNumber",
            "AccountNumber",
            "ContactStatus",
            "Name",
            "FirstName",
            "LastName",
            "EmailAddress",
            "IsSupplier",
            "IsCustomer",
            "UpdatedDateUTC",
            "TaxNumber",
            "CompanyNumber",
            "DefaultCurrency",
        ],
        lists: &[("IDs", "ContactID")],
        paged: true,
        modified_since: true,
    };
    // Optimised contact filters (CData's Xero documentation, see query::check_optimised).
    let optimised = ["Name", "EmailAddress", "AccountNumber"];
    if let Err(refused) = query::check_optimised(ctx, "contacts", &spec, &optimised, org.contacts.len()) {
        return refused;
    }
    match query::apply(ctx, &spec, records) {
        Ok((items, p)) => envelope(ctx, "Contacts", items, p),
        Err(e) => e,
    }
}

/// The contact as GET returns it.
pub fn render(_org: &Organisation, c: &Contact) -> Value {
    let mut m = Map::new();
    m.insert("ContactID".into(), json!(c.id.to_string()));
    if let Some(n) = &c.number {
        m.insert("ContactNumber".into(), json!(n));
    }
    m.insert("ContactStatus".into(), json!(c.status));
    m.insert("Name".into(), json!(c.name));
    for (k, v) in &c.fields {
        m.insert(k.clone(), v.clone());
    }
    for k in ["Addresses", "Phones", "ContactPersons"] {
        m.entry(k.to_string()).or_insert_with(|| json!([]));
    }
    m.insert("UpdatedDateUTC".into(), json!(dates::ms_datetime(c.updated_ms)));
    m.insert("ContactGroups".into(), json!([]));
    m.insert("IsSupplier".into(), json!(c.is_supplier));
    m.insert("IsCustomer".into(), json!(c.is_customer));
    m.insert("HasAttachments".into(), json!(false));
    m.insert("HasValidationErrors".into(), json!(false));
    Value::Object(m)
}

/// The short form embedded in invoices, credit notes and payments.
pub fn summary(c: &Contact) -> Value {
    let mut m = Map::new();
    m.insert("ContactID".into(), json!(c.id.to_string()));
    if let Some(n) = &c.number {
        m.insert("ContactNumber".into(), json!(n));
    }
    m.insert("Name".into(), json!(c.name));
    m.insert("ContactStatus".into(), json!(c.status));
    m.insert("Addresses".into(), json!([]));
    m.insert("Phones".into(), json!([]));
    m.insert("ContactGroups".into(), json!([]));
    m.insert("ContactPersons".into(), json!([]));
    m.insert("HasValidationErrors".into(), json!(false));
    Value::Object(m)
}

const ACCOUNT_NUMBER_TAKEN: &str = "The Account Number already exists. Please enter a different Account Number.";

pub fn name_taken_message(name: &str) -> String {
    format!(
        "The contact name {name} is already assigned to another contact. The contact name must be unique across all active contacts."
    )
}

/// Checks a new contact's name (used when a document names a contact that does not exist yet).
pub fn check_new_name(name: &str) -> Result<(), String> {
    if name.chars().count() > 255 {
        return Err("The contact name must not be more than 255 characters long.".into());
    }
    Ok(())
}

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

fn check_fields(org: &Organisation, obj: &Map<String, Value>, into: &mut Map<String, Value>, errs: &mut Vec<String>) {
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
            for (k, lim) in LIMITS {
                if let Some(Value::String(s)) = get(o, k) {
                    if s.chars().count() > *lim {
                        errs.push(format!("{k} must not be more than {lim} characters long."));
                    }
                }
            }
            if *f == "Addresses" {
                if let Some(t) = str_of(o, "AddressType") {
                    if !["POBOX", "STREET"].contains(&t.to_uppercase().as_str()) {
                        errs.push(format!("'{t}' is not a valid AddressType."));
                    }
                }
            }
            if *f == "Phones" {
                if let Some(t) = str_of(o, "PhoneType") {
                    if !["DEFAULT", "DDI", "MOBILE", "FAX", "OFFICE"].contains(&t.to_uppercase().as_str()) {
                        errs.push(format!("'{t}' is not a valid PhoneType."));
                    }
                }
            }
        }
        into.insert(f.to_string(), v.clone());
    }
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

fn process(org: &mut Organisation, ctx: &Ctx, elem: &Value, mode: Mode, path_id: Option<Uuid>) -> ElementResult {
    let Some(obj) = elem.as_object() else {
        return Err(vec!["A Contact must be a JSON object.".into()]);
    };
    let mut errs = Vec::new();
    let id = uuid_of(obj, "ContactID").map_err(|e| vec![e])?;
    // PUT creates: an existing ContactID is ignored (XeroAPI/Xero-NetStandard#226); the new contact's name and
    // numbers then go through the uniqueness checks like any other.
    let id = match id {
        Some(i) if mode == Mode::Create && org.contact(i).is_some() => None,
        other => other,
    };
    let number = str_of(obj, "ContactNumber").map(|s| s.trim().to_string());
    let name = str_of(obj, "Name").map(|s| s.trim().to_string());

    let idx: Option<usize> = if let Some(pid) = path_id.or(id) {
        match org.contacts.iter().position(|c| c.id == pid) {
            Some(i) => Some(i),
            None => {
                return Err(vec!["The contact with the specified ContactID could not be found.".into()]);
            }
        }
    } else if mode == Mode::Upsert {
        number
            .as_ref()
            .and_then(|n| {
                org.contacts.iter().position(|c| c.number.as_deref().is_some_and(|x| x.eq_ignore_ascii_case(n)))
            })
            .or_else(|| {
                name.as_ref().and_then(|n| {
                    org.contacts.iter().position(|c| c.status == "ACTIVE" && c.name.eq_ignore_ascii_case(n))
                })
            })
    } else {
        None
    };
    let existing = idx.map(|i| org.contacts[i].clone());
    let self_id = existing.as_ref().map(|c| c.id);

    let final_name = match (&name, &existing) {
        (Some(n), _) => n.clone(),
        (None, Some(c)) => c.name.clone(),
        (None, None) => {
            errs.push("The contact name must be specified.".into());
            String::new()
        }
    };
    if let Err(e) = check_new_name(&final_name) {
        errs.push(e);
    }
    let status = match str_of(obj, "ContactStatus").map(|s| s.to_uppercase()) {
        None => existing.as_ref().map(|c| c.status.clone()).unwrap_or_else(|| "ACTIVE".into()),
        Some(s) if s == "ACTIVE" || s == "ARCHIVED" => s,
        Some(s) => {
            errs.push(format!("'{s}' is not a valid value for ContactStatus."));
            "ACTIVE".into()
        }
    };
    if status == "ACTIVE"
        && !final_name.is_empty()
        && org
            .contacts
            .iter()
            .any(|c| Some(c.id) != self_id && c.status == "ACTIVE" && c.name.eq_ignore_ascii_case(&final_name))
    {
        errs.push(name_taken_message(&final_name));
    }
    let final_number =
        if json::has(obj, "ContactNumber") { number.clone() } else { existing.as_ref().and_then(|c| c.number.clone()) };
    if let Some(n) = &final_number {
        if n.chars().count() > 50 {
            errs.push("The ContactNumber must not be more than 50 characters long.".into());
        }
        if org
            .contacts
            .iter()
            .any(|c| Some(c.id) != self_id && c.number.as_deref().is_some_and(|x| x.eq_ignore_ascii_case(n)))
        {
            errs.push(format!(
                "The contact number {n} is already assigned to another contact. The contact number must be unique."
            ));
        }
    }
    let mut fields = existing.as_ref().map(|c| c.fields.clone()).unwrap_or_default();
    check_fields(org, obj, &mut fields, &mut errs);
    // AccountNumber is unique too: Xero refuses a second one with this message (calcinai/xero-php#880, where the
    // holder could not be found by a `where`, so archived contacts count as well). Case ignored, like the others.
    let account_number = |f: &Map<String, Value>| match f.get("AccountNumber") {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
        _ => None,
    };
    if let Some(n) = account_number(&fields) {
        if org
            .contacts
            .iter()
            .any(|c| Some(c.id) != self_id && account_number(&c.fields).is_some_and(|x| x.eq_ignore_ascii_case(&n)))
        {
            errs.push(ACCOUNT_NUMBER_TAKEN.into());
        }
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    let c = Contact {
        id: self_id.unwrap_or_else(Uuid::new_v4),
        name: final_name,
        number: final_number,
        status,
        is_supplier: existing.as_ref().is_some_and(|c| c.is_supplier),
        is_customer: existing.as_ref().is_some_and(|c| c.is_customer),
        fields,
        updated_ms: ctx.now_ms,
    };
    let id = c.id;
    match idx {
        Some(i) => org.contacts[i] = c,
        None => org.contacts.push(c),
    }
    Ok(id)
}
