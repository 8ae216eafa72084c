//! Contacts: create, upsert, uniqueness, lengths, read-only flags, archived contacts.

use crate::support::accounting::*;
use serde_json::json;

#[test]
fn create_and_get_by_id_and_number() {
    let mut sim = Sim::new();
    let c = sim.create(
        "/Contacts",
        "Contacts",
        json!({ "Name": "Acme Pty Ltd", "ContactNumber": "CUST-001", "EmailAddress": "a@acme.test",
        "Addresses": [{ "AddressType": "STREET", "City": "Sydney" }] }),
    );
    assert_eq!(c["ContactStatus"], "ACTIVE");
    assert_eq!(c["StatusAttributeString"], "OK");
    let id = c["ContactID"].as_str().unwrap().to_string();
    assert_eq!(sim.get(&format!("/Contacts/{id}"), &[])["Contacts"][0]["Name"], "Acme Pty Ltd");
    let by_number = sim.get("/Contacts/CUST-001", &[]);
    assert_eq!(by_number["Contacts"][0]["ContactID"], id.as_str());
    assert_eq!(by_number["Contacts"][0]["Addresses"][0]["City"], "Sydney");
}

#[test]
fn name_is_required_on_create() {
    let mut sim = Sim::new();
    let r = sim.put("/Contacts", json!({ "Contacts": [{ "ContactNumber": "X1" }] }));
    assert_validation(&r, 0, "name must be specified");
}

#[test]
fn name_at_most_255() {
    let mut sim = Sim::new();
    let r = sim.put("/Contacts", json!({ "Contacts": [{ "Name": "n".repeat(256) }] }));
    assert_validation(&r, 0, "255");
    let ok = sim.put("/Contacts", json!({ "Contacts": [{ "Name": "n".repeat(255) }] }));
    assert_eq!(ok.status, 200);
}

#[test]
fn name_unique_among_active_contacts() {
    let mut sim = Sim::new();
    sim.contact("Buzz Lightyear");
    let r = sim.put("/Contacts", json!({ "Contacts": [{ "Name": "Buzz Lightyear" }] }));
    assert_validation(
        &r,
        0,
        "The contact name Buzz Lightyear is already assigned to another contact. The contact name must be unique across all active contacts.",
    );
    // Archive the first: the name is free again.
    let id = sim.get("/Contacts", &[("where", "Name==\"Buzz Lightyear\"")])["Contacts"][0]["ContactID"]
        .as_str()
        .unwrap()
        .to_string();
    let r = sim.post(&format!("/Contacts/{id}"), json!({ "Contacts": [{ "ContactStatus": "ARCHIVED" }] }));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(sim.put("/Contacts", json!({ "Contacts": [{ "Name": "Buzz Lightyear" }] })).status, 200);
}

#[test]
fn contact_number_max_50_and_unique() {
    let mut sim = Sim::new();
    let r = sim.put("/Contacts", json!({ "Contacts": [{ "Name": "A", "ContactNumber": "x".repeat(51) }] }));
    assert_validation(&r, 0, "50");
    sim.create("/Contacts", "Contacts", json!({ "Name": "A", "ContactNumber": "C-1" }));
    let r = sim.put("/Contacts", json!({ "Contacts": [{ "Name": "B", "ContactNumber": "C-1" }] }));
    assert_validation(&r, 0, "already assigned to another contact");
}

#[test]
fn post_upserts_by_id_then_number_then_name() {
    let mut sim = Sim::new();
    let c = sim.create("/Contacts", "Contacts", json!({ "Name": "Old Name", "ContactNumber": "K-9" }));
    let r = sim
        .post("/Contacts", json!({ "Contacts": [{ "ContactNumber": "K-9", "Name": "New Name", "FirstName": "Kay" }] }));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["Contacts"][0]["ContactID"], c["ContactID"]);
    assert_eq!(r.body["Contacts"][0]["Name"], "New Name");
    let r = sim.post("/Contacts", json!({ "Contacts": [{ "Name": "New Name", "LastName": "Nine" }] }));
    assert_eq!(r.body["Contacts"][0]["ContactID"], c["ContactID"]);
    assert_eq!(r.body["Contacts"][0]["FirstName"], "Kay");
    assert_eq!(r.body["Contacts"][0]["LastName"], "Nine");
    assert_eq!(sim.org.snapshot()["Contacts"].as_array().unwrap().len(), 1);
    // An unknown ContactID is an error, not a create.
    let r = sim.post(
        "/Contacts",
        json!({ "Contacts": [{ "ContactID": "9b1b1d7e-0000-4000-8000-000000000001", "Name": "Z" }] }),
    );
    assert_validation(&r, 0, "could not be found");
}

#[test]
fn is_supplier_and_is_customer_are_read_only() {
    let mut sim = Sim::new();
    let c = sim.create("/Contacts", "Contacts", json!({ "Name": "Flags", "IsSupplier": true, "IsCustomer": true }));
    assert_eq!(c["IsSupplier"], false);
    assert_eq!(c["IsCustomer"], false);
    let id = c["ContactID"].as_str().unwrap().to_string();
    sim.invoice(&id, "DRAFT", "1", "10");
    let c = &sim.get(&format!("/Contacts/{id}"), &[])["Contacts"][0];
    assert_eq!(c["IsCustomer"], true);
    assert_eq!(c["IsSupplier"], false);
}

#[test]
fn archived_contacts_hidden_by_default_and_unusable_on_documents() {
    let mut sim = Sim::new();
    let id = sim.contact("Gone Ltd");
    sim.post(&format!("/Contacts/{id}"), json!({ "ContactStatus": "ARCHIVED" }));
    assert_eq!(sim.get("/Contacts", &[])["Contacts"].as_array().unwrap().len(), 0);
    assert_eq!(sim.get("/Contacts", &[("includeArchived", "true")])["Contacts"].as_array().unwrap().len(), 1);
    let r = sim.put(
        "/Invoices",
        json!({ "Invoices": [{ "Type": "ACCREC", "Contact": { "ContactID": id }, "LineItems": [{ "Description": "x", "Quantity": 1, "UnitAmount": 1, "AccountCode": "200" }] }] }),
    );
    assert_validation(&r, 0, "archived");
}

#[test]
fn addresses_and_phones_are_checked() {
    let mut sim = Sim::new();
    let r = sim.put("/Contacts", json!({ "Contacts": [{ "Name": "P", "Phones": [{ "PhoneType": "PAGER" }] }] }));
    // Not one of the spec's PhoneTypes: Xero cannot read it (see tests/strict.rs).
    assert_post_data_invalid(&r, "Phones[0].PhoneType");
    let r =
        sim.put("/Contacts", json!({ "Contacts": [{ "Name": "P", "Addresses": [{ "PostalCode": "1".repeat(51) }] }] }));
    assert_validation(&r, 0, "PostalCode");
}

#[test]
fn contact_number_in_the_path_is_percent_decoded() {
    let mut sim = Sim::new();
    sim.create("/Contacts", "Contacts", json!({ "Name": "Plus", "ContactNumber": "A+B 1" }));
    assert_eq!(sim.get("/Contacts/A+B%201", &[])["Contacts"][0]["Name"], "Plus");
}

/// A second contact with an existing AccountNumber is refused, per element (calcinai/xero-php#880).
#[test]
fn account_number_unique() {
    const TAKEN: &str = "The Account Number already exists. Please enter a different Account Number.";
    let mut sim = Sim::new();
    let a = sim.create("/Contacts", "Contacts", json!({ "Name": "Holder", "AccountNumber": "ACC-1" }));
    assert_validation(
        &sim.put("/Contacts", json!({ "Contacts": [{ "Name": "Other", "AccountNumber": "ACC-1" }] })),
        0,
        TAKEN,
    );
    assert_validation(
        &sim.put("/Contacts", json!({ "Contacts": [{ "Name": "Other", "AccountNumber": "acc-1" }] })),
        0,
        TAKEN,
    );
    let b = sim.create("/Contacts", "Contacts", json!({ "Name": "Other" }));
    let r = sim.post(
        &format!("/Contacts/{}", b["ContactID"].as_str().unwrap()),
        json!({ "Contacts": [{ "AccountNumber": "ACC-1" }] }),
    );
    assert_validation(&r, 0, TAKEN);
    // The holder itself may send its own number again.
    let r = sim.post(
        "/Contacts",
        json!({ "Contacts": [{ "ContactID": a["ContactID"], "AccountNumber": "ACC-1", "FirstName": "H" }] }),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    // Per element, like the other uniqueness errors: the rest of the batch is saved with summarizeErrors=false.
    let r = sim.call(
        "PUT",
        "/Contacts",
        &[("summarizeErrors", "false")],
        Some(json!({ "Contacts": [{ "Name": "Third", "AccountNumber": "ACC-1" }, { "Name": "Fourth", "AccountNumber": "ACC-4" }] })),
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.body["Contacts"][0]["StatusAttributeString"], "ERROR");
    assert_eq!(r.body["Contacts"][0]["HasValidationErrors"], true);
    assert_eq!(messages(&r.body, "Contacts", 0), vec![TAKEN.to_string()]);
    assert_eq!(r.body["Contacts"][1]["StatusAttributeString"], "OK");
    // An archived holder still holds it.
    sim.post(&format!("/Contacts/{}", a["ContactID"].as_str().unwrap()), json!({ "ContactStatus": "ARCHIVED" }));
    assert_validation(
        &sim.put("/Contacts", json!({ "Contacts": [{ "Name": "Fifth", "AccountNumber": "ACC-1" }] })),
        0,
        TAKEN,
    );
}

/// PUT creates (XeroAPI/Xero-NetStandard#226): an existing ContactID in a PUT is ignored; the new contact's name
/// must then be free among active contacts. POST with the ContactID updates.
#[test]
fn put_with_an_existing_contact_id_creates() {
    let mut sim = Sim::new();
    let c = sim.create("/Contacts", "Contacts", json!({ "Name": "Original", "ContactNumber": "N-1" }));
    let r = sim.put("/Contacts", json!({ "Contacts": [{ "ContactID": c["ContactID"], "Name": "Original" }] }));
    assert_validation(&r, 0, "already assigned to another contact");
    let r = sim.put(
        "/Contacts",
        json!({ "Contacts": [{ "ContactID": c["ContactID"], "Name": "Renamed", "ContactNumber": "N-1" }] }),
    );
    assert_validation(&r, 0, "The contact number N-1 is already assigned");
    let other = sim.create("/Contacts", "Contacts", json!({ "ContactID": c["ContactID"], "Name": "Renamed" }));
    assert_ne!(other["ContactID"], c["ContactID"]);
    let id = c["ContactID"].as_str().unwrap().to_string();
    assert_eq!(sim.get(&format!("/Contacts/{id}"), &[])["Contacts"][0]["Name"], "Original");
    let r = sim.post("/Contacts", json!({ "Contacts": [{ "ContactID": id, "Name": "Original 2" }] }));
    assert_eq!(r.body["Contacts"][0]["ContactID"], id.as_str());
    assert_eq!(sim.get(&format!("/Contacts/{id}"), &[])["Contacts"][0]["Name"], "Original 2");
    assert_eq!(sim.org.snapshot()["Contacts"].as_array().unwrap().len(), 2);
}
