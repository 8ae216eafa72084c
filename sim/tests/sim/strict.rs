//! Xero's strictness the simulator models beyond per-element rules (issue 11): post data Xero cannot read, warnings
//! on saved elements, day rates, filters on large organisations, lock dates, organisation state, request limits,
//! and the OpenAPI spec checked on every request and response.

use crate::support::accounting::*;
use crate::support::http as common;
use serde_json::json;

fn invoice_with(extra: serde_json::Value, line_extra: serde_json::Value) -> serde_json::Value {
    let mut line = json!({ "Description": "Widget", "Quantity": 1, "UnitAmount": 10, "AccountCode": "200" });
    for (k, v) in line_extra.as_object().unwrap() {
        line[k] = v.clone();
    }
    let mut inv =
        json!({ "Type": "ACCREC", "Contact": { "Name": "Strict Ltd" }, "Date": "2024-03-01", "LineItems": [line] });
    for (k, v) in extra.as_object().unwrap() {
        inv[k] = v.clone();
    }
    inv
}

// §1.5: a member the spec's schema cannot read is Xero's 400 PostDataInvalidException, for the whole request,
// never a saved element echoing the value back.
#[test]
fn unreadable_post_data_is_refused_whole_and_nothing_is_saved() {
    let mut sim = Sim::new();
    let good = invoice_with(json!({}), json!({}));
    for (bad, needle) in [
        (invoice_with(json!({ "LineAmountTypes": "Sideways" }), json!({})), "Invoices[1].LineAmountTypes"),
        (invoice_with(json!({}), json!({ "Quantity": "one" })), "Invoices[1].LineItems[0].Quantity"),
        (invoice_with(json!({ "Contact": "Strict Ltd" }), json!({})), "Invoices[1].Contact"),
        (invoice_with(json!({ "InvoiceID": "not-a-guid" }), json!({})), "Invoices[1].InvoiceID"),
    ] {
        for query in [&[][..], &[("summarizeErrors", "false")][..]] {
            let r = sim.call("PUT", "/Invoices", query, Some(json!({ "Invoices": [good.clone(), bad.clone()] })));
            assert_post_data_invalid(&r, needle);
            assert!(r.body["Message"].as_str().unwrap().starts_with("JSON for post data was invalid,"));
        }
    }
    assert_eq!(sim.org.snapshot()["Invoices"], json!([]), "nothing saved, the good sibling neither");
    // The same members, readable, are saved.
    let r = sim.put(
        "/Invoices",
        json!({ "Invoices": [invoice_with(json!({ "LineAmountTypes": "Inclusive" }), json!({ "Quantity": 2 }))] }),
    );
    assert_eq!(r.status, 200, "{}", r.body);
}

#[test]
fn unreadable_contacts_items_and_payments_are_refused_too() {
    let mut sim = Sim::new();
    let r = sim.put("/Contacts", json!({ "Contacts": [{ "Name": "A", "IsSupplier": "sometimes" }] }));
    assert_post_data_invalid(&r, "Contacts[0].IsSupplier");
    let r = sim.put("/Items", json!({ "Items": [{ "Code": "W", "SalesDetails": { "UnitPrice": "cheap" } }] }));
    assert_post_data_invalid(&r, "Items[0].SalesDetails.UnitPrice");
    let r = sim.put("/Payments", json!({ "Payments": [{ "Amount": "ten" }] }));
    assert_post_data_invalid(&r, "Payments[0].Amount");
    // Rules Xero checks per element (a length) stay per element: ValidationException.
    let r = sim.put("/Contacts", json!({ "Contacts": [{ "Name": "n".repeat(256) }] }));
    assert_validation(&r, 0, "255 characters");
}

// §2: the spec is checked on every request and response, and a violation nobody takes fails the test.
#[test]
fn a_request_breaking_the_spec_is_recorded_until_taken() {
    let seed = serde_json::from_value(json!({ "name": "Spec Org" })).unwrap();
    let mut org = xero_sim::accounting::Organisation::new(&seed);
    let body =
        serde_json::to_vec(&json!({ "Invoices": [invoice_with(json!({ "LineAmountTypes": "Sideways" }), json!({}))] }))
            .unwrap();
    let req = xero_sim::accounting::ApiRequest {
        method: "PUT",
        path: "/Invoices",
        query: &[],
        body: Some(&body),
        now_ms: NOW,
    };
    assert_eq!(xero_sim::accounting::handle(&mut org, &req).status, 400);
    let taken = org.take_spec_violations();
    assert_eq!(taken.len(), 1, "{taken:?}");
    assert!(taken[0].starts_with("request PUT /Invoices") && taken[0].contains("Sideways"), "{taken:?}");
    assert!(org.take_spec_violations().is_empty(), "forgotten once taken");
}

#[test]
#[should_panic(expected = "violation(s) of Xero's OpenAPI spec were recorded and never taken")]
fn an_organisation_dropped_with_violations_fails_the_test() {
    let seed = serde_json::from_value(json!({ "name": "Spec Org" })).unwrap();
    let mut org = xero_sim::accounting::Organisation::new(&seed);
    let body = serde_json::to_vec(&json!({ "Contacts": [{ "Name": "n".repeat(300) }] })).unwrap();
    let req = xero_sim::accounting::ApiRequest {
        method: "PUT",
        path: "/Contacts",
        query: &[],
        body: Some(&body),
        now_ms: NOW,
    };
    assert_eq!(xero_sim::accounting::handle(&mut org, &req).status, 400);
    drop(org);
}

#[test]
#[should_panic(expected = "violation(s) of Xero's OpenAPI spec were recorded and never taken")]
fn a_server_stopped_with_violations_fails_the_test() {
    let sim = common::start(xero_sim::SimConfig::default());
    let c = common::client();
    let token = common::custom_token(&c, &sim.base_url());
    let r = common::api(&c, &sim.base_url(), "PUT", "/Items", &token, None)
        .header("content-type", "application/json")
        .body(json!({ "Items": [{ "Code": "W", "IsSold": "yes" }] }).to_string())
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    sim.stop();
}

#[test]
fn a_deliberately_wrong_response_body_breaks_the_spec() {
    let spec = xero_sim::spec::spec();
    // What the simulator answers for a created invoice, then the same with a total as text and a bad id.
    let mut sim = Sim::new();
    let r = sim.put("/Invoices", json!({ "Invoices": [invoice_with(json!({}), json!({}))] }));
    assert_eq!(spec.response_violations("PUT", "/Invoices", 200, &r.body).map(|v| v.len()), Some(0));
    let mut wrong = r.body.clone();
    wrong["Invoices"][0]["Total"] = json!("11.00");
    wrong["Invoices"][0]["InvoiceID"] = json!("not-a-guid");
    let found = spec.response_violations("PUT", "/Invoices", 200, &wrong).unwrap();
    assert_eq!(found.len(), 2, "{found:?}");
    // Reference cycles are followed: an Allocation inside a CreditNote inside a Payment inside an Invoice.
    let deep = json!({ "Invoices": [{ "Payments": [{ "Invoice": { "CreditNotes": [{ "Allocations": [{ "Amount": "x" }] }] } }] }] });
    let found = spec.response_violations("GET", "/Invoices", 200, &deep).unwrap();
    let amount = "Invoices[0].Payments[0].Invoice.CreditNotes[0].Allocations[0].Amount";
    assert!(found.iter().any(|v| v.path == amount && v.unreadable), "{found:?}");
    // An undocumented status has no schema to check against.
    assert!(spec.response_violations("GET", "/Invoices", 404, &json!({})).is_none());
}

// §1.10: without a CurrencyRate a document takes Xero's day rate for its date; §1.8: a rate far from it is saved
// with a warning.
#[test]
fn a_foreign_document_takes_the_day_rate_of_its_date() {
    let mut sim = Sim::new();
    let patch: xero_sim::accounting::OrgPatch = serde_json::from_value(json!({ "day_rates": [
        { "currency": "USD", "date": "2024-02-28", "rate": "0.7" },
        { "currency": "usd", "date": "2024-03-01", "rate": "0.661234" }
    ] }))
    .unwrap();
    sim.org.apply(&patch).unwrap();
    let usd = |date: &str| invoice_with(json!({ "CurrencyCode": "USD", "Date": date }), json!({}));
    for (date, rate) in
        [("2024-03-01", "0.661234"), ("2024-03-09", "0.661234"), ("2024-02-29", "0.700000"), ("2024-01-02", "0.650000")]
    {
        let r = sim.put("/Invoices", json!({ "Invoices": [usd(date)] }));
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(t(&r.body["Invoices"][0]["CurrencyRate"]), rate, "dated {date}");
        assert_eq!(r.body["Invoices"][0]["StatusAttributeString"], "OK");
        assert!(r.body["Invoices"][0].get("Warnings").is_none());
    }
    let bad: xero_sim::accounting::OrgPatch =
        serde_json::from_value(json!({ "day_rates": [{ "currency": "XYZ", "date": "2024-03-01", "rate": "1" }] }))
            .unwrap();
    assert!(sim.org.apply(&bad).is_err(), "only enabled currencies");
}

#[test]
fn a_document_saved_far_from_the_day_rate_carries_a_warning() {
    let mut sim = Sim::new();
    let mut inv = invoice_with(json!({ "CurrencyCode": "USD", "Date": "2024-03-01", "CurrencyRate": 1.5 }), json!({}));
    let r = sim.call("PUT", "/Invoices", &[("summarizeErrors", "false")], Some(json!({ "Invoices": [inv.clone()] })));
    assert_eq!(r.status, 200, "{}", r.body);
    let el = &r.body["Invoices"][0];
    assert_eq!(el["StatusAttributeString"], "WARNING");
    assert_eq!(t(&el["CurrencyRate"]), "1.500000");
    let w = el["Warnings"][0]["Message"].as_str().unwrap();
    assert!(w.contains("day rate 0.650000") && w.contains("2024-03-01"), "{w}");
    // Only the write's answer shows it.
    let id = el["InvoiceID"].as_str().unwrap().to_owned();
    assert!(sim.get(&format!("/Invoices/{id}"), &[])["Invoices"][0].get("Warnings").is_none());
    // Within 10 % of the day rate: no notice.
    inv["CurrencyRate"] = json!(0.66);
    inv["Date"] = json!("2024-03-02");
    let r = sim.put("/Invoices", json!({ "Invoices": [inv] }));
    assert_eq!(r.body["Invoices"][0]["StatusAttributeString"], "OK", "{}", r.body);
}

// §1.7: Xero's high volume threshold: above it, `where` filters outside the optimised list are refused.
#[test]
fn unoptimised_filters_are_refused_above_the_threshold() {
    let mut sim = Sim::new();
    for n in 1..=3 {
        sim.create(
            "/Contacts",
            "Contacts",
            json!({ "Name": format!("C{n}"), "ContactNumber": format!("N{n}"), "AccountNumber": format!("A{n}") }),
        );
    }
    // Off by default.
    assert_eq!(sim.call("GET", "/Contacts", &[("where", "ContactNumber==\"N1\"")], None).status, 200);
    let on: xero_sim::accounting::OrgPatch =
        serde_json::from_value(json!({ "unoptimised_filter_threshold": 2 })).unwrap();
    sim.org.apply(&on).unwrap();
    let r = sim.call("GET", "/Contacts", &[("where", "ContactNumber==\"N1\"")], None);
    assert_eq!(r.status, 400, "{}", r.body);
    // Xero's answer, as XeroAPI/xero-python#148 reports it.
    assert_eq!(r.body["Type"], "HighVolumeException", "{}", r.body);
    assert!(r.body["Message"].as_str().unwrap().contains("not filtering Contacts efficiently"), "{}", r.body);
    // searchTerm is no `where` filter: it finds a contact by its number, ignoring case, whatever the volume.
    let found = sim.get("/Contacts", &[("searchTerm", "n1")]);
    assert_eq!(found["Contacts"].as_array().unwrap().len(), 1, "{found}");
    for ok in ["Name==\"C1\"", "AccountNumber==\"A1\" OR EmailAddress==\"x@y\""] {
        let r = sim.call("GET", "/Contacts", &[("where", ok)], None);
        assert_eq!(r.status, 200, "{ok}: {}", r.body);
    }
    assert_eq!(sim.get("/Contacts", &[("where", "Name==\"C1\"")])["Contacts"].as_array().unwrap().len(), 1);
    // Invoices: Contact.ContactID and Status are optimised, InvoiceNumber is not; the InvoiceNumbers list is no filter.
    let cid =
        sim.get("/Contacts", &[("where", "Name==\"C1\"")])["Contacts"][0]["ContactID"].as_str().unwrap().to_owned();
    for n in 1..=3 {
        sim.invoice(&cid, "DRAFT", "1", &format!("{n}"));
    }
    assert_eq!(sim.call("GET", "/Invoices", &[("where", "InvoiceNumber==\"INV-0001\"")], None).status, 400);
    let by_contact = format!("Contact.ContactID==Guid(\"{cid}\") AND Status==\"DRAFT\"");
    assert_eq!(sim.call("GET", "/Invoices", &[("where", by_contact.as_str())], None).status, 200);
    assert_eq!(sim.call("GET", "/Invoices", &[("InvoiceNumbers", "INV-0001")], None).status, 200);
    // At or below the threshold every filter works.
    let high: xero_sim::accounting::OrgPatch =
        serde_json::from_value(json!({ "unoptimised_filter_threshold": 3 })).unwrap();
    sim.org.apply(&high).unwrap();
    assert_eq!(sim.call("GET", "/Contacts", &[("where", "ContactNumber==\"N1\"")], None).status, 200);
}

// §5: the period lock date: a document dated on or before it is refused per element.
#[test]
fn a_document_in_a_locked_period_is_refused() {
    let mut sim = Sim::new();
    let lock: xero_sim::accounting::OrgPatch =
        serde_json::from_value(json!({ "period_lock_date": "2024-02-29" })).unwrap();
    sim.org.apply(&lock).unwrap();
    for date in ["2024-02-29", "2023-12-31"] {
        let r = sim.put("/Invoices", json!({ "Invoices": [invoice_with(json!({ "Date": date }), json!({}))] }));
        assert_validation(&r, 0, "The document date cannot be before the period lock date");
    }
    let r = sim.put("/Invoices", json!({ "Invoices": [invoice_with(json!({ "Date": "2024-03-01" }), json!({}))] }));
    assert_eq!(r.status, 200, "{}", r.body);
}
