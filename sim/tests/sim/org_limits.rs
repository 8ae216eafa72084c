//! What Xero has that limits an organisation or a request (issue 11): tracking categories (2 active, 4 in all),
//! 500 items per Items request, 3.5 MB per Accounting request, an organisation that is no longer active.

use crate::support::accounting::*;
use crate::support::http::{self as common, INVOICE, api, client, custom_token};
use serde_json::{Value, json};
use xero_sim::{DEMO_TENANT_ID, SimConfig};

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}")).to_owned()
}

fn category(sim: &mut Sim, name: &str) -> xero_sim::accounting::ApiResponse {
    sim.put("/TrackingCategories", json!({ "Name": name }))
}

fn statuses(sim: &mut Sim) -> Vec<(String, String)> {
    let all = sim.get("/TrackingCategories", &[("includeArchived", "true")]);
    all["TrackingCategories"].as_array().unwrap().iter().map(|c| (text(&c["Name"]), text(&c["Status"]))).collect()
}

// developer.xero.com/documentation/api/accounting/trackingcategories: "a maximum of two ACTIVE tracking categories
// and four tracking categories total (ACTIVE and ARCHIVED)". Seeded: Division, Sales Rep (active), Region (old).
#[test]
fn tracking_categories_stop_at_two_active_and_four_in_all() {
    let mut sim = Sim::new();
    assert_validation(&category(&mut sim, "Project"), 0, "maximum of 2 ACTIVE tracking categories");
    // Archive one to make room: a third active is refused, a new one fits (three in all, two active).
    let reps = sim.get("/TrackingCategories", &[])["TrackingCategories"][1].clone();
    assert_eq!(reps["Name"], "Sales Rep");
    let id = text(&reps["TrackingCategoryID"]);
    let r = sim.post(&format!("/TrackingCategories/{id}"), json!({ "Status": "ARCHIVED" }));
    assert_eq!((r.status, text(&r.body["TrackingCategories"][0]["Status"])), (200, "ARCHIVED".into()), "{}", r.body);
    let r = category(&mut sim, "Project");
    assert_eq!(r.status, 200, "{}", r.body);
    // Four in all now: none more, whatever is archived.
    let project = text(&r.body["TrackingCategories"][0]["TrackingCategoryID"]);
    sim.post(&format!("/TrackingCategories/{project}"), json!({ "Status": "ARCHIVED" }));
    assert_validation(&category(&mut sim, "Cost Centre"), 0, "4 tracking categories in total");
    // Making an archived one active again counts against the two.
    assert_eq!(sim.post(&format!("/TrackingCategories/{id}"), json!({ "Status": "ACTIVE" })).status, 200);
    let r = sim.post(&format!("/TrackingCategories/{project}"), json!({ "Status": "ACTIVE" }));
    assert_validation(&r, 0, "maximum of 2 ACTIVE");
    assert_eq!(statuses(&mut sim).iter().filter(|(_, s)| s == "ACTIVE").count(), 2, "{:?}", statuses(&mut sim));
    // Names are unique, whatever the case.
    assert_validation(&category(&mut sim, "division"), 0, "name must be unique");
}

#[test]
fn an_archived_option_cannot_go_on_a_line_and_can_come_back() {
    let mut sim = Sim::new();
    let division = sim.get("/TrackingCategories", &[])["TrackingCategories"][0].clone();
    let (cat, north) = (text(&division["TrackingCategoryID"]), text(&division["Options"][0]["TrackingOptionID"]));
    assert_eq!(division["Options"][0]["Name"], "North");
    let option = |sim: &mut Sim, status: &str| {
        let r = sim.post(&format!("/TrackingCategories/{cat}/Options/{north}"), json!({ "Status": status }));
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.body["Options"][0]["Status"], status);
    };
    option(&mut sim, "ARCHIVED");
    let contact = sim.contact("Tracked Ltd");
    let line = json!({ "Description": "x", "Quantity": 1, "UnitAmount": 10, "AccountCode": "200",
                       "Tracking": [{ "Name": "Division", "Option": "North" }] });
    let invoice = json!({ "Invoices": [{ "Type": "ACCREC", "Contact": { "ContactID": contact },
                                         "Date": "2024-03-01", "LineItems": [line] }] });
    assert_validation(&sim.put("/Invoices", invoice.clone()), 0, "is not active");
    option(&mut sim, "ACTIVE");
    assert_eq!(sim.put("/Invoices", invoice).status, 200);
    // New options: names unique within the category (Xero's message, calcinai/xero-php#920).
    let r = sim.put(&format!("/TrackingCategories/{cat}/Options"), json!({ "Name": "East" }));
    assert_eq!((r.status, text(&r.body["Options"][0]["Name"])), (200, "East".into()), "{}", r.body);
    let r = sim.put(&format!("/TrackingCategories/{cat}/Options"), json!({ "Name": "east" }));
    assert_validation(&r, 0, "For each specified tracking option the name must be unique.");
}

fn items(n: usize) -> Value {
    let items: Vec<Value> = (0..n).map(|i| json!({ "Code": format!("I{i}"), "Name": format!("Item {i}") })).collect();
    json!({ "Items": items })
}

// "You can create or update a maximum of 500 items per request" (Xero's Items page, as quoted in
// calcinai/xero-php#577). Xero's answer above it is not documented.
#[test]
fn an_items_request_takes_at_most_500_items() {
    let mut sim = Sim::new();
    let r = sim.put("/Items", items(501));
    assert_eq!((r.status, text(&r.body["Type"])), (400, "ValidationException".into()), "{}", r.body);
    assert!(text(&r.body["Message"]).contains("No more than 500 items"), "{}", r.body);
    assert_eq!(sim.org.snapshot()["Items"], json!([]), "nothing saved");
    let r = sim.put("/Items", items(500));
    assert_eq!(r.status, 200);
    assert_eq!(r.body["Items"].as_array().unwrap().len(), 500);
}

// "A single POST to the Accounting or Payroll APIs has a size limit of 3.5MB" (developer.xero.com/documentation/
// auth-and-limits/xero-api-limits): over it, 413 as Xero answered an attachment over its limit
// (XeroAPI/Xero-Java#349), before anything else, and nothing saved.
#[test]
fn an_accounting_request_over_the_size_limit_is_refused_413() {
    let sim = common::start(SimConfig { max_request_bytes: 100_000, ..SimConfig::default() });
    let (c, base) = (client(), sim.base_url());
    let token = custom_token(&c, &base);
    let big = INVOICE.replace("\"x\"", &format!("\"{}\"", "x".repeat(100_000)));
    let r = api(&c, &base, "PUT", "/Invoices", &token, Some(DEMO_TENANT_ID)).body(big).send().unwrap();
    assert_eq!(r.status().as_u16(), 413);
    let body: Value = r.json().unwrap();
    assert_eq!(
        (text(&body["Title"]), text(&body["Detail"])),
        ("RequestEntityTooLarge".into(), "PayloadTooLarge".into())
    );
    assert_eq!(common::stored(&sim, DEMO_TENANT_ID, "Invoices"), Vec::<Value>::new());
    // Under it, the same request is served; the default limit is Xero's 3.5 MB.
    let r = api(&c, &base, "PUT", "/Invoices", &token, Some(DEMO_TENANT_ID)).body(INVOICE).send().unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(SimConfig::default().max_request_bytes, 3_500_000);
}

// developer.xero.com/documentation/oauth2/troubleshooting: "The tenant is no longer active. This generally occurs
// when an organisation has been deleted, the free trial has ended or a demo organisation has been reset", answered
// 403 AuthenticationUnsuccessful.
#[test]
fn an_organisation_no_longer_active_refuses_every_call_403() {
    let sim = common::start(SimConfig::default());
    let (c, base) = (client(), sim.base_url());
    let token = custom_token(&c, &base);
    let get = || api(&c, &base, "GET", "/Organisation", &token, Some(DEMO_TENANT_ID)).send().unwrap();
    assert_eq!(get().status().as_u16(), 200);
    let patch = serde_json::from_value(json!({ "active": false })).unwrap();
    sim.patch_org(DEMO_TENANT_ID, &patch).unwrap().unwrap();
    let r = get();
    assert_eq!(r.status().as_u16(), 403);
    let body: Value = r.json().unwrap();
    assert_eq!(
        (text(&body["Title"]), text(&body["Detail"])),
        ("Forbidden".into(), "AuthenticationUnsuccessful".into())
    );
    let r = api(&c, &base, "PUT", "/Invoices", &token, Some(DEMO_TENANT_ID)).body(INVOICE).send().unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let patch = serde_json::from_value(json!({ "active": true })).unwrap();
    sim.patch_org(DEMO_TENANT_ID, &patch).unwrap().unwrap();
    assert_eq!(get().status().as_u16(), 200);
}
