//! How the library copes with Xero's limits on an organisation and a request (issue 11), through the C ABI against
//! the simulator over HTTP: an organisation no longer active, tracking categories at Xero's limit or archived, the
//! 3.5 MB request limit, 500 items per Items request.

use crate::support::common::call_c;
use crate::support::e2e::{self, ready, simulator};
use serde_json::{Value, json};
use xero_link::ffi::*;
use xero_sim::SimHandle;

fn push(f: e2e::PushFn, name: &str, member: &str, records: Value) -> Value {
    call_c(f, &json!({"connection": name, member: records}).to_string())
}

fn outcomes(r: &Value) -> Vec<String> {
    r["result"]["results"].as_array().unwrap().iter().map(|x| x["outcome"].as_str().unwrap().to_owned()).collect()
}

fn contacts(name: &str) {
    let r = push(
        xero_push_contacts,
        name,
        "contacts",
        json!([{"code": "D1", "role": "debtor", "name": "Debtor One"},
               {"code": "C1", "role": "creditor", "name": "Creditor One"}]),
    );
    assert_eq!(outcomes(&r), ["created", "created"], "{r}");
}

fn document(number: &str, kind: &str, lines: Vec<Value>) -> Value {
    let who = if kind == "sales" { "debtor" } else { "creditor" };
    let (code, account) = if kind == "sales" { ("D1", "200") } else { ("C1", "310") };
    let lines: Vec<Value> = lines
        .into_iter()
        .map(|mut l| {
            l["account"] = json!(account);
            l
        })
        .collect();
    json!({"number": number, "type": kind, who: code, "date": "2026-11-25", "lines": lines})
}

fn line(description: &str) -> Value {
    json!({"description": description, "quantity": "1", "unit_price": "10.00", "account": "200"})
}

/// What an administrator does in Xero by hand, through Xero's API with the custom connection of the simulator's
/// only organisation.
fn by_hand(sim: &SimHandle, method: &str, path: &str, body: Value) -> Value {
    let c = reqwest::blocking::Client::new();
    let token: Value = c
        .post(format!("{}/connect/token", sim.base_url()))
        .basic_auth("sim-custom-client", Some("sim-custom-secret"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .unwrap()
        .bytes()
        .map(|b| serde_json::from_slice(&b).unwrap())
        .unwrap();
    let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let r = c
        .request(m, format!("{}/api.xro/2.0{path}", sim.base_url()))
        .bearer_auth(token["access_token"].as_str().unwrap())
        .body(body.to_string())
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 200, "{method} {path}");
    serde_json::from_slice(&r.bytes().unwrap()).unwrap()
}

fn category_id(sim: &SimHandle, tenant: &str, name: &str) -> String {
    let snap = sim.snapshot(tenant).unwrap();
    let cats = snap["TrackingCategories"].as_array().unwrap();
    cats.iter().find(|c| c["Name"] == name).unwrap()["TrackingCategoryID"].as_str().unwrap().to_owned()
}

// developer.xero.com/documentation/oauth2/troubleshooting: a tenant no longer active (deleted, trial ended, demo
// company reset) answers 403 AuthenticationUnsuccessful. The push says so, and that nothing was written.
#[test]
fn an_organisation_no_longer_active_is_reported_as_such() {
    let (sim, tenant) = simulator(60.0, false);
    let name = "xero-limits-inactive";
    ready(name, &sim, json!({}));
    let patch = serde_json::from_value(json!({"active": false})).unwrap();
    sim.patch_org(&tenant, &patch).unwrap().unwrap();
    let r = push(xero_push_contacts, name, "contacts", json!([{"code": "D1", "role": "debtor", "name": "Debtor One"}]));
    assert_eq!(outcomes(&r), ["failed"], "{r}");
    let e = &r["result"]["results"][0]["errors"][0];
    assert_eq!(e["code"], "tenant_not_connected", "{e}");
    assert!(e["message"].as_str().unwrap().contains("the organisation is no longer active"), "{e}");
    assert_eq!(sim.snapshot(&tenant).unwrap()["Contacts"], json!([]));
}

// Xero's limit of two active tracking categories (four in all) makes an administrator archive one: the
// connection's sales rep category, here. Sales documents (which carry the sales rep) fail on their own, saying
// why and what to do, before anything is sent; bills (division only) land. An archived option likewise.
#[test]
fn documents_needing_an_archived_tracking_category_or_option_fail_alone_and_say_why() {
    let (sim, tenant) = simulator(60.0, false);
    let name = "xero-limits-tracking";
    ready(name, &sim, json!({}));
    contacts(name);
    let reps = category_id(&sim, &tenant, "Sales Rep");
    by_hand(&sim, "POST", &format!("/TrackingCategories/{reps}"), json!({"Status": "ARCHIVED"}));
    by_hand(&sim, "PUT", "/TrackingCategories", json!({"Name": "Project"}));
    let writes = e2e::handled_writes(&sim);
    let r = push(
        xero_push_invoices,
        name,
        "invoices",
        json!([document("SI-1", "sales", vec![line("Work")]), document("B-1", "purchase", vec![line("Parts")])]),
    );
    assert_eq!(outcomes(&r), ["failed", "created"], "{r}");
    let e = &r["result"]["results"][0]["errors"][0];
    assert_eq!(e["code"], "validation", "{e}");
    let m = e["message"].as_str().unwrap();
    assert!(m.contains("\"Sales Rep\" is ARCHIVED") && m.contains("two active tracking categories"), "{m}");
    assert_eq!(e2e::handled_writes(&sim), writes + 1, "only the bill was sent");

    // An archived option of an active category: the same, for the documents that use it.
    let division = category_id(&sim, &tenant, "Division");
    let snap = sim.snapshot(&tenant).unwrap();
    let cats = snap["TrackingCategories"].as_array().unwrap();
    let options = &cats.iter().find(|c| c["Name"] == "Division").unwrap()["Options"];
    let north = options.as_array().unwrap().iter().find(|o| o["Name"] == "North").unwrap()["TrackingOptionID"].clone();
    by_hand(
        &sim,
        "POST",
        &format!("/TrackingCategories/{division}/Options/{}", north.as_str().unwrap()),
        json!({"Status": "ARCHIVED"}),
    );
    let mut south = line("Parts");
    south["division"] = json!("South");
    let r = push(
        xero_push_invoices,
        name,
        "invoices",
        json!([document("B-2", "purchase", vec![line("Parts")]), document("B-3", "purchase", vec![south])]),
    );
    assert_eq!(outcomes(&r), ["failed", "created"], "{r}");
    // The library read the organisation's tracking a moment ago and keeps it a few minutes (three calls saved per
    // push), so this one is sent and Xero refuses it: the record fails alone with Xero's message.
    let e = &r["result"]["results"][0]["errors"][0];
    assert_eq!(e["code"], "xero", "{e}");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("Tracking option 'North' of tracking category 'Division' is not active"),
        "{e}"
    );
}

fn description(n: usize) -> String {
    "d".repeat(n)
}

// "A single POST to the Accounting or Payroll APIs has a size limit of 3.5MB" (developer.xero.com/documentation/
// auth-and-limits/xero-api-limits). Batches are cut by size as well as by count: twelve bills of ~300 KB (3.6 MB)
// go in more than one request and all land; one bill over the limit on its own fails alone, saying why.
#[test]
fn batches_stay_under_xeros_request_size_and_an_oversize_record_fails_alone() {
    let (sim, tenant) = simulator(60.0, false);
    let name = "xero-limits-size";
    ready(name, &sim, json!({}));
    contacts(name);
    let lines = |n: usize| (0..n).map(|_| line(&description(4000))).collect::<Vec<_>>();
    let bills: Vec<Value> = (0..12).map(|i| document(&format!("B-{i}"), "purchase", lines(75))).collect();
    sim.reset_counters();
    let r = push(xero_push_invoices, name, "invoices", json!(bills));
    assert!(outcomes(&r).iter().all(|o| o == "created"), "{}", outcomes(&r).join(","));
    let handled = sim.counters().handled;
    let writes: u64 = ["PUT", "POST"].iter().filter_map(|m| handled.get(&format!("{m} /api.xro/2.0/Invoices"))).sum();
    assert!(writes >= 2, "twelve bills of ~300 KB need two requests at least: {handled:?}");
    assert_eq!(sim.counters().statuses.get("413"), None, "no request over the limit");

    let r = push(
        xero_push_invoices,
        name,
        "invoices",
        json!([document("B-HUGE", "purchase", lines(900)), document("B-SMALL", "purchase", vec![line("Parts")])]),
    );
    assert_eq!(outcomes(&r), ["failed", "created"], "{r}");
    let e = &r["result"]["results"][0]["errors"][0];
    assert!(e["message"].as_str().unwrap().contains("larger than Xero accepts in one call (3.5 MB"), "{e}");
    let stored = sim.snapshot(&tenant).unwrap()["Invoices"].as_array().unwrap().len();
    assert_eq!(stored, 13);
}

// "You can create or update a maximum of 500 items per request" (Xero's Items page, quoted in
// calcinai/xero-php#577; the simulator refuses more): 600 items go in batches Xero accepts.
#[test]
fn six_hundred_items_go_in_batches_xero_accepts() {
    let (sim, tenant) = simulator(60.0, false);
    let name = "xero-limits-items";
    ready(name, &sim, json!({}));
    let items: Vec<Value> = (0..600).map(|i| json!({"code": format!("IT-{i}"), "sales_price": "1.00"})).collect();
    let r = push(xero_push_items, name, "items", json!(items));
    assert!(outcomes(&r).iter().all(|o| o == "created"), "{r}");
    assert_eq!(sim.snapshot(&tenant).unwrap()["Items"].as_array().unwrap().len(), 600);
    let puts = sim.counters().handled.get("PUT /api.xro/2.0/Items").copied().unwrap_or(0);
    assert!(puts >= 2, "{puts}");
}
