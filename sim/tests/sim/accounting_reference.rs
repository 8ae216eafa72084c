//! Seed and reference data: Organisation, Accounts, TaxRates, TrackingCategories, Currencies, scopes, routing.

use crate::support::accounting::*;
use serde_json::json;
use xero_sim::accounting::{OrgSeed, Organisation, required_scopes};

#[test]
fn organisation_is_an_au_demo_company() {
    let mut sim = Sim::new();
    let b = sim.get("/Organisation", &[]);
    assert_eq!(b["Status"], "OK");
    let o = &b["Organisations"][0];
    assert_eq!(o["Name"], "Demo Company (AU)");
    assert_eq!(o["BaseCurrency"], "AUD");
    assert_eq!(o["CountryCode"], "AU");
    assert!(b["DateTimeUTC"].as_str().unwrap().starts_with("/Date("));
}

#[test]
fn chart_of_accounts_has_the_demo_codes() {
    let mut sim = Sim::new();
    let b = sim.get("/Accounts", &[]);
    let accts = b["Accounts"].as_array().unwrap();
    let find = |c: &str| accts.iter().find(|a| a["Code"] == c).unwrap_or_else(|| panic!("no account {c}")).clone();
    assert_eq!(find("090")["Type"], "BANK");
    assert!(find("090")["BankAccountNumber"].as_str().is_some());
    assert_eq!(find("200")["Type"], "REVENUE");
    assert_eq!(find("310")["Type"], "DIRECTCOSTS");
    assert_eq!(find("429")["Type"], "EXPENSE");
    assert_eq!(find("610")["SystemAccount"], "DEBTORS");
    assert_eq!(find("630")["Type"], "INVENTORY");
    assert_eq!(find("800")["SystemAccount"], "CREDITORS");
    assert_eq!(find("499")["Status"], "ARCHIVED");
    // where filter and GET by id
    let banks = sim.get("/Accounts", &[("where", "Type==\"BANK\"")]);
    assert!(banks["Accounts"].as_array().unwrap().iter().all(|a| a["Type"] == "BANK"));
    let id = find("200")["AccountID"].as_str().unwrap().to_string();
    assert_eq!(sim.get(&format!("/Accounts/{id}"), &[])["Accounts"][0]["Code"], "200");
}

#[test]
fn tax_rates_tracking_and_currencies() {
    let mut sim = Sim::new();
    let tr = sim.get("/TaxRates", &[]);
    let rates = tr["TaxRates"].as_array().unwrap();
    let output = rates.iter().find(|r| r["TaxType"] == "OUTPUT").unwrap();
    assert_eq!(output["Name"], "GST on Income");
    assert_eq!(t(&output["EffectiveRate"]), "10.0000");
    for tt in ["INPUT", "EXEMPTOUTPUT", "EXEMPTEXPENSES", "BASEXCLUDED", "INPUTTAXED"] {
        assert!(rates.iter().any(|r| r["TaxType"] == tt), "{tt}");
    }
    assert!(rates.iter().any(|r| r["Status"] != "ACTIVE"));

    let tc = sim.get("/TrackingCategories", &[]);
    let cats = tc["TrackingCategories"].as_array().unwrap();
    assert_eq!(cats.len(), 2, "only the ACTIVE ones by default");
    let division = cats.iter().find(|c| c["Name"] == "Division").unwrap();
    let names: Vec<&str> =
        division["Options"].as_array().unwrap().iter().map(|o| o["Name"].as_str().unwrap()).collect();
    assert_eq!(names, ["North", "South", "Head Office"]);
    let all = sim.get("/TrackingCategories", &[("includeArchived", "true")]);
    assert_eq!(all["TrackingCategories"].as_array().unwrap().len(), 3);
    let id = division["TrackingCategoryID"].as_str().unwrap().to_string();
    assert_eq!(sim.get(&format!("/trackingcategories/{id}"), &[])["TrackingCategories"][0]["Name"], "Division");

    let cur = sim.get("/Currencies", &[]);
    let codes: Vec<&str> = cur["Currencies"].as_array().unwrap().iter().map(|c| c["Code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["AUD", "USD", "EUR", "GBP", "NZD"]);
}

#[test]
fn seed_overrides_lists() {
    let seed: OrgSeed = serde_json::from_value(json!({
        "tenant_id": "11111111-2222-3333-4444-555555555555",
        "name": "Kiwi Ltd",
        "base_currency": "NZD",
        "country_code": "NZ",
        "currencies": [{ "code": "AUD", "rate": "0.92" }],
        "accounts": [
            { "code": "100", "name": "Cheque", "type": "BANK" },
            { "code": "400", "name": "Sales", "type": "REVENUE", "tax_type": "OUTPUT2" }
        ],
        "tax_rates": [{ "tax_type": "OUTPUT2", "name": "GST on Income", "rate": "15" }],
        "tracking_categories": [{ "name": "Region", "options": ["East", { "name": "West", "status": "ARCHIVED" }] }]
    }))
    .unwrap();
    let org = Organisation::new(&seed);
    assert_eq!(org.tenant_id, "11111111-2222-3333-4444-555555555555");
    let s = org.snapshot();
    assert_eq!(s["Organisation"]["BaseCurrency"], "NZD");
    assert_eq!(s["Accounts"].as_array().unwrap().len(), 2);
    assert_eq!(s["TaxRates"][0]["TaxType"], "OUTPUT2");
    assert_eq!(s["TrackingCategories"][0]["Options"][1]["Status"], "ARCHIVED");
    let codes: Vec<&str> = s["Currencies"].as_array().unwrap().iter().map(|c| c["Code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["NZD", "AUD"]);
}

#[test]
fn scopes_per_endpoint() {
    assert!(required_scopes("GET", "/Invoices").contains(&"accounting.invoices.read"));
    assert!(required_scopes("GET", "/Invoices").contains(&"accounting.transactions.read"));
    assert!(!required_scopes("PUT", "/Invoices").contains(&"accounting.invoices.read"));
    assert!(required_scopes("PUT", "/CreditNotes/x/Allocations").contains(&"accounting.invoices"));
    assert!(required_scopes("POST", "/Payments").contains(&"accounting.payments"));
    assert!(required_scopes("POST", "/payments/abc").contains(&"accounting.transactions"));
    assert_eq!(required_scopes("PUT", "/Contacts"), &["accounting.contacts"]);
    assert!(required_scopes("GET", "/Contacts").contains(&"accounting.contacts.read"));
    assert!(required_scopes("GET", "/Items").contains(&"accounting.settings.read"));
    assert!(required_scopes("POST", "/Items").contains(&"accounting.invoices"));
    assert!(required_scopes("GET", "/TaxRates").contains(&"accounting.settings.read"));
    assert!(required_scopes("GET", "/Organisation").contains(&"accounting.settings"));
}

#[test]
fn routing_is_case_insensitive_and_unknown_is_404() {
    let mut sim = Sim::new();
    assert_eq!(sim.call("GET", "/INVOICES", &[], None).status, 200);
    assert_eq!(sim.call("GET", "/Nope", &[], None).status, 404);
    assert_eq!(sim.call("GET", "/Invoices/00000000-0000-0000-0000-000000000001", &[], None).status, 404);
    assert_eq!(sim.call("DELETE", "/Invoices", &[], None).status, 405);
}

#[test]
fn malformed_json_is_post_data_invalid() {
    let mut sim = Sim::new();
    let q: Vec<(String, String)> = vec![];
    let r = xero_sim::accounting::handle(
        &mut sim.org,
        &xero_sim::accounting::ApiRequest {
            method: "PUT",
            path: "/Contacts",
            query: &q,
            body: Some(b"{\"Contacts\": [ {"),
            now_ms: NOW,
        },
    );
    assert_eq!(r.status, 400);
    assert_eq!(r.body["Type"], "PostDataInvalidException");
    assert_eq!(r.body["ErrorNumber"], 14);
}
