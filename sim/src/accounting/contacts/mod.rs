//! Contacts: GET list/by id/by ContactNumber, PUT creates (an existing ContactID in it is ignored), POST creates
//! or updates.
//!
//! POST matches an existing contact by ContactID, else ContactNumber, else Name (among active contacts).
//! Name: required on create, ≤255, unique among ACTIVE contacts. ContactNumber: ≤50, unique. AccountNumber: ≤50,
//! unique among all contacts (calcinai/xero-php#880).
//! IsSupplier/IsCustomer are read-only (set by ACCPAY/ACCREC documents) and ignored on input.

mod fields;
mod write;

use super::json::{self, get, str_of, uuid_of};
use super::model::*;
use super::query::{self, ListSpec};
use super::{ApiResponse, Ctx, ElementResult, Organisation, dates, envelope, errors, parse_elements, run_batch};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use write::process;

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
        ("PUT", []) => write(org, ctx, body, Mode::Create, None),
        ("POST", []) => write(org, ctx, body, Mode::Upsert, None),
        ("POST", [key]) => match find(org, key).map(|c| c.id) {
            Some(id) => write(org, ctx, body, Mode::Upsert, Some(id)),
            None => errors::not_found(),
        },
        _ => errors::method_not_allowed(),
    }
}

/// A PUT or POST of `Contacts` (`id`: the contact named in the path), one element at a time.
fn write(org: &mut Organisation, ctx: &Ctx, body: Option<&[u8]>, mode: Mode, id: Option<Uuid>) -> ApiResponse {
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
        |o, c, e| process(o, c, e, mode, id),
        |o, _, id| render(o, o.contact(id).expect("stored")),
    )
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
