//! The spec test: every response body of a realistic scenario (create, get, list, update and errors for each
//! kind) validates against the response schema that Xero's OpenAPI spec (v16.1.0, vendored as
//! `sim/spec/xero_accounting.yaml`) gives for that operation and status, and every request body the scenario sends
//! validates against the operation's request schema.
//!
//! How the OpenAPI 3.0 schemas are used as JSON Schema:
//! * The operation is found from the spec's `paths` (segments compared case-insensitively, `{param}` matches
//!   any segment); the schema is `responses[status].content["application/json"].schema` (following
//!   `#/components/responses/...`) or `requestBody.content["application/json"].schema` (following
//!   `#/components/requestBodies/...`).
//! * Each schema is compiled as Draft 4 (the JSON Schema dialect OpenAPI 3.0 is based on, where `$ref` siblings
//!   such as `type: string` beside `$ref` are ignored) with the spec's `components` attached to the root, so
//!   `#/components/schemas/...` references resolve inside the spec document, reference cycles included
//!   (Contact↔ContactGroup, Invoice↔Payment↔CreditNote↔Allocation).
//! * `nullable: true` (none in v16.1.0, converted anyway) becomes `type: [T, "null"]`; `x-*` extensions,
//!   `example`, `readOnly`, `default` are annotations and are ignored by the validator; `format: uuid` is
//!   checked (registered explicitly: Draft 4 has no uuid format), the unknown formats `double` and `int32` are ignored.
//! * Responses with no documented schema for their status (404/405 bodies) are counted as skipped, not passed.

use crate::support::accounting::*;
use crate::support::http;
use jsonschema::{Draft, Validator};
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use xero_sim::accounting::ApiResponse;

fn load_spec() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("spec/xero_accounting.yaml");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("the spec test needs Xero's OpenAPI spec vendored at {}: {e}", path.display()));
    let mut v: Value = serde_norway::from_str(&text).expect("the spec is valid YAML");
    convert_nullable(&mut v);
    v
}

fn convert_nullable(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if m.get("nullable") == Some(&Value::Bool(true)) {
                if let Some(Value::String(t)) = m.get("type").cloned() {
                    m.insert("type".into(), json!([t, "null"]));
                }
            }
            m.values_mut().for_each(convert_nullable);
        }
        Value::Array(a) => a.iter_mut().for_each(convert_nullable),
        _ => {}
    }
}

struct Spec {
    doc: Value,
    cache: HashMap<String, Validator>,
}

impl Spec {
    fn resolve<'a>(&'a self, v: &'a Value) -> &'a Value {
        match v.get("$ref").and_then(Value::as_str) {
            Some(r) => self.doc.pointer(r.trim_start_matches('#')).unwrap_or_else(|| panic!("unresolved {r}")),
            None => v,
        }
    }

    fn operation(&self, method: &str, path: &str) -> Option<&Value> {
        let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let paths = self.doc["paths"].as_object().unwrap();
        paths.iter().find_map(|(tpl, item)| {
            let t: Vec<&str> = tpl.split('/').filter(|s| !s.is_empty()).collect();
            let same = t.len() == segs.len()
                && t.iter().zip(&segs).all(|(a, b)| a.starts_with('{') || a.eq_ignore_ascii_case(b));
            if same { item.get(method.to_ascii_lowercase()) } else { None }
        })
    }

    fn response_schema(&self, method: &str, path: &str, status: u16) -> Option<Value> {
        let op = self.operation(method, path)?;
        let resp = self.resolve(op.get("responses")?.get(status.to_string())?);
        resp.pointer("/content/application~1json/schema").cloned()
    }

    fn request_schema(&self, method: &str, path: &str) -> Option<Value> {
        let op = self.operation(method, path)?;
        let body = self.resolve(op.get("requestBody")?);
        body.pointer("/content/application~1json/schema").cloned()
    }

    fn check(&mut self, schema: &Value, instance: &Value) -> Vec<String> {
        let key = schema.to_string();
        if !self.cache.contains_key(&key) {
            let mut root: Map<String, Value> = schema.as_object().cloned().unwrap_or_default();
            root.insert("components".into(), self.doc["components"].clone());
            let v = jsonschema::options()
                .with_draft(Draft::Draft4)
                .should_validate_formats(true)
                .should_ignore_unknown_formats(true)
                .with_format("uuid", |s: &str| uuid::Uuid::parse_str(s).is_ok())
                .build(&Value::Object(root))
                .unwrap_or_else(|e| panic!("schema {key} does not compile: {e}"));
            self.cache.insert(key.clone(), v);
        }
        self.cache[&key].iter_errors(instance).map(|e| format!("{} at {}", e, e.instance_path())).collect()
    }
}

/// A realistic run over every kind: creates, reads, lists, updates and errors.
fn scenario(sim: &mut Sim) {
    for p in ["/Organisation", "/Accounts", "/TaxRates", "/TrackingCategories", "/Currencies"] {
        sim.get(p, &[]);
    }
    let tc = sim.get("/TrackingCategories", &[]);
    let cat_id = tc["TrackingCategories"][0]["TrackingCategoryID"].as_str().unwrap().to_string();
    sim.get(&format!("/TrackingCategories/{cat_id}"), &[]);
    let acct_id =
        sim.get("/Accounts", &[("where", "Code==\"090\"")])["Accounts"][0]["AccountID"].as_str().unwrap().to_string();
    sim.get(&format!("/Accounts/{acct_id}"), &[]);

    // Contacts
    let c = sim.create(
        "/Contacts",
        "Contacts",
        json!({ "Name": "Spec Customer", "ContactNumber": "SPEC-1", "EmailAddress": "ap@spec.test", "FirstName": "Sam",
            "Addresses": [{ "AddressType": "POBOX", "AddressLine1": "PO Box 1", "City": "Sydney", "PostalCode": "2000", "Country": "Australia" }],
            "Phones": [{ "PhoneType": "DEFAULT", "PhoneNumber": "555 0100", "PhoneAreaCode": "02" }],
            "DefaultCurrency": "AUD", "AccountsReceivableTaxType": "OUTPUT" }),
    );
    let cid = c["ContactID"].as_str().unwrap().to_string();
    let supplier = sim.contact("Spec Supplier");
    sim.get("/Contacts", &[]);
    sim.get("/Contacts", &[("page", "1"), ("where", "ContactNumber==\"SPEC-1\"")]);
    sim.get(&format!("/Contacts/{cid}"), &[]);
    sim.get("/Contacts/SPEC-1", &[]);
    assert_eq!(sim.post(&format!("/Contacts/{cid}"), json!({ "Contacts": [{ "LastName": "Spec" }] })).status, 200);
    assert_eq!(
        sim.post("/Contacts", json!({ "Contacts": [{ "ContactNumber": "SPEC-1", "Name": "Spec Customer" }] })).status,
        200
    );
    assert_eq!(sim.put("/Contacts", json!({ "Contacts": [{ "Name": "Spec Customer" }] })).status, 400);
    let r = sim.call(
        "PUT",
        "/Contacts",
        &[("summarizeErrors", "false")],
        Some(json!({ "Contacts": [{ "Name": "Spec Customer" }, { "Name": "Spec Other" }] })),
    );
    assert_eq!(r.status, 200);

    // Items
    sim.create(
        "/Items",
        "Items",
        json!({ "Code": "SPEC-W", "Name": "Spec widget", "Description": "Widget", "PurchaseDescription": "Widget (buy)",
            "SalesDetails": { "UnitPrice": 19.95, "AccountCode": "200", "TaxType": "OUTPUT" },
            "PurchaseDetails": { "UnitPrice": 8.5, "AccountCode": "310", "TaxType": "INPUT" } }),
    );
    sim.create(
        "/Items",
        "Items",
        json!({ "Code": "SPEC-T", "Name": "Tracked", "InventoryAssetAccountCode": "630",
        "PurchaseDetails": { "COGSAccountCode": "310", "UnitPrice": 2 } }),
    );
    sim.get("/Items", &[]);
    sim.get("/Items/SPEC-W", &[("unitdp", "4")]);
    assert_eq!(
        sim.call(
            "POST",
            "/Items/SPEC-W",
            &[("unitdp", "4")],
            Some(json!({ "Items": [{ "Code": "SPEC-W", "SalesDetails": { "UnitPrice": 19.9512 } }] }))
        )
        .status,
        200
    );
    assert_eq!(sim.put("/Items", json!({ "Items": [{ "Code": "SPEC-W" }] })).status, 400);
    assert_eq!(
        sim.call(
            "PUT",
            "/Items",
            &[("summarizeErrors", "false")],
            Some(json!({ "Items": [{ "Code": "SPEC-W" }, { "Code": "SPEC-X" }] }))
        )
        .status,
        200
    );

    // Invoices
    let inv = sim.create(
        "/Invoices",
        "Invoices",
        json!({ "Type": "ACCREC", "Contact": { "ContactID": cid }, "Date": "2024-03-01", "DueDate": "2024-03-31",
            "Reference": "PO-77", "Status": "AUTHORISED", "LineAmountTypes": "Exclusive", "CurrencyCode": "AUD",
            "LineItems": [
                { "Description": "Consulting", "Quantity": 2.5, "UnitAmount": 120, "AccountCode": "200", "TaxType": "OUTPUT", "DiscountRate": 10,
                  "Tracking": [{ "Name": "Division", "Option": "North" }, { "Name": "Sales Rep", "Option": "Alice Brown" }] },
                { "ItemCode": "SPEC-W", "Quantity": 3 }
            ] }),
    );
    let iid = inv["InvoiceID"].as_str().unwrap().to_string();
    let draft = sim.create(
        "/Invoices",
        "Invoices",
        json!({ "Type": "ACCREC", "Contact": { "ContactNumber": "SPEC-1" }, "LineAmountTypes": "Inclusive", "CurrencyCode": "USD",
            "LineItems": [{ "Description": "Inclusive", "Quantity": 1, "UnitAmount": 10.01, "AccountCode": "200" }] }),
    );
    sim.create(
        "/Invoices",
        "Invoices",
        json!({ "Type": "ACCPAY", "Contact": { "ContactID": supplier }, "InvoiceNumber": "SUP-9", "Status": "AUTHORISED",
            "LineItems": [{ "Description": "Stock", "Quantity": 10, "UnitAmount": 8.5, "AccountCode": "310", "TaxType": "INPUT" }] }),
    );
    sim.get("/Invoices", &[]);
    sim.get(
        "/Invoices",
        &[("page", "1"), ("pageSize", "2"), ("Statuses", "AUTHORISED,DRAFT"), ("order", "Total DESC")],
    );
    sim.get(&format!("/Invoices/{iid}"), &[("unitdp", "4")]);
    sim.get("/Invoices/INV-0001", &[]);
    let did = draft["InvoiceID"].as_str().unwrap().to_string();
    assert_eq!(sim.post(&format!("/Invoices/{did}"), json!({ "Invoices": [{ "Reference": "changed", "LineItems": [{ "Description": "New", "Quantity": 1, "UnitAmount": 5, "AccountCode": "200" }] }] })).status, 200);
    assert_eq!(sim.post("/Invoices", json!({ "Invoices": [{ "InvoiceID": did, "Status": "DELETED" }] })).status, 200);
    assert_eq!(
        sim.put("/Invoices", json!({ "Invoices": [{ "Type": "ACCREC", "Contact": {}, "LineItems": [] }] })).status,
        400
    );
    assert_eq!(
        sim.call(
            "PUT",
            "/Invoices",
            &[("summarizeErrors", "false")],
            Some(json!({ "Invoices": [
                { "Type": "ACCREC", "Contact": { "Name": "Walk-in" }, "LineItems": [{ "Description": "ok", "Quantity": 1, "UnitAmount": 1, "AccountCode": "200" }] },
                { "Type": "ACCREC", "Contact": { "Name": "Walk-in" }, "LineItems": [{ "Description": "bad", "Quantity": 1, "UnitAmount": 1, "AccountCode": "999" }] }
            ] }))
        )
        .status,
        200
    );

    // Credit notes and allocations
    let cn = sim.create(
        "/CreditNotes",
        "CreditNotes",
        json!({ "Type": "ACCRECCREDIT", "Contact": { "ContactID": cid }, "Date": "2024-03-05", "Status": "AUTHORISED",
            "LineItems": [{ "Description": "Goodwill", "Quantity": 1, "UnitAmount": 20, "AccountCode": "200", "TaxType": "OUTPUT" }] }),
    );
    let cnid = cn["CreditNoteID"].as_str().unwrap().to_string();
    let r = sim.put(
        &format!("/CreditNotes/{cnid}/Allocations"),
        json!({ "Allocations": [{ "Invoice": { "InvoiceID": iid }, "Amount": 10, "Date": "2024-03-06" }] }),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        sim.put(
            &format!("/CreditNotes/{cnid}/Allocations"),
            json!({ "Allocations": [{ "Invoice": { "InvoiceID": iid }, "Amount": 1000, "Date": "2024-03-06" }] })
        )
        .status,
        400
    );
    sim.get("/CreditNotes", &[]);
    sim.get("/CreditNotes", &[("page", "1")]);
    sim.get(&format!("/CreditNotes/{cnid}"), &[]);
    let draft_cn = sim.create(
        "/CreditNotes",
        "CreditNotes",
        json!({ "Type": "ACCPAYCREDIT", "Contact": { "ContactID": supplier },
        "LineItems": [{ "Description": "Return", "Quantity": 1, "UnitAmount": 8.5, "AccountCode": "310" }] }),
    );
    assert_eq!(
        sim.post(
            &format!("/CreditNotes/{}", draft_cn["CreditNoteID"].as_str().unwrap()),
            json!({ "CreditNotes": [{ "Status": "AUTHORISED" }] })
        )
        .status,
        200
    );

    // Payments
    let p = sim.put("/Payments", json!({ "Payments": [{ "Invoice": { "InvoiceID": iid }, "Account": { "Code": "090" }, "Amount": 50, "Date": "2024-03-20", "Reference": "EFT 1" }] }));
    assert_eq!(p.status, 200, "{}", p.body);
    let pid = p.body["Payments"][0]["PaymentID"].as_str().unwrap().to_string();
    assert_eq!(sim.post("/Payments", json!({ "Invoice": { "InvoiceNumber": "SUP-9" }, "Account": { "AccountID": acct_id }, "Amount": 10, "Date": "2024-03-21" })).status, 200);
    assert_eq!(
        sim.put(
            "/Payments",
            json!({ "Payments": [{ "Invoice": { "InvoiceID": iid }, "Account": { "Code": "200" }, "Amount": 1 }] })
        )
        .status,
        400
    );
    sim.get("/Payments", &[]);
    sim.get("/Payments", &[("page", "1"), ("where", "Status==\"AUTHORISED\"")]);
    sim.get(&format!("/Payments/{pid}"), &[]);
    sim.get(&format!("/Invoices/{iid}"), &[]);
    assert_eq!(sim.post(&format!("/Payments/{pid}"), json!({ "Status": "DELETED" })).status, 200);
    sim.get(&format!("/Invoices/{iid}"), &[]);
}

/// Validates every logged request and response; fails listing every violation. Returns how many responses and
/// requests were validated.
fn assert_log_matches(spec: &mut Spec, log: &[Exchange]) -> (usize, usize) {
    let mut failures = Vec::new();
    let (mut responses, mut requests, mut skipped) = (0, 0, Vec::new());
    for (method, path, _q, req, resp) in log {
        if let Some(body) = req {
            let schema = spec
                .request_schema(method, path)
                .unwrap_or_else(|| panic!("{method} {path}: the spec has no request body"));
            for e in spec.check(&schema, body) {
                failures.push(format!("request {method} {path}: {e}"));
            }
            requests += 1;
        }
        match spec.response_schema(method, path, resp.status) {
            Some(schema) => {
                for e in spec.check(&schema, &resp.body) {
                    failures.push(format!("response {method} {path} {}: {e}", resp.status));
                }
                responses += 1;
            }
            None => skipped.push(format!("{method} {path} {}", resp.status)),
        }
    }
    assert!(failures.is_empty(), "{} spec violations:\n{}", failures.len(), failures.join("\n"));
    assert!(skipped.is_empty(), "responses without a documented schema: {skipped:?}");
    (responses, requests)
}

#[test]
fn every_response_and_request_matches_the_openapi_spec() {
    let mut spec = Spec { doc: load_spec(), cache: HashMap::new() };
    let mut sim = Sim::new();
    scenario(&mut sim);
    let (responses, requests) = assert_log_matches(&mut spec, &sim.log);
    assert!(responses >= 50, "only {responses} responses validated");
    assert!(requests >= 25, "only {requests} requests validated");
}

/// The same scenario through the simulator's HTTP server (token, tenant, limits, JSON on the wire): what a client
/// actually receives, for every kind, matches the spec too, and it all landed in the server's organisation.
#[test]
fn every_response_served_over_http_matches_the_openapi_spec() {
    let mut spec = Spec { doc: load_spec(), cache: HashMap::new() };
    // limits off: the scenario makes more than a minute's 60 calls
    let server = http::start(xero_sim::SimConfig {
        limits: xero_sim::LimitsConfig { enabled: false, ..Default::default() },
        ..xero_sim::SimConfig::default()
    });
    let c = http::client();
    let base = server.base_url();
    // a custom connection: the demo organisation, with the settings, contacts, invoices and payments scopes
    let token = http::custom_token(&c, &base);
    let send = move |method: &str, path: &str, query: &[(String, String)], body: Option<&[u8]>| {
        let path = if query.is_empty() {
            path.to_string()
        } else {
            let q = form_urlencoded::Serializer::new(String::new()).extend_pairs(query).finish();
            format!("{path}?{q}")
        };
        let mut rb = http::api(&c, &base, method, &path, &token, None);
        if let Some(b) = body {
            rb = rb.header("content-type", "application/json").body(b.to_vec());
        }
        let r = rb.send().expect("a response");
        let status = r.status().as_u16();
        let ct = http::header(&r, "content-type").unwrap_or_default();
        assert!(ct.starts_with("application/json"), "{method} {path} {status}: content-type {ct:?}");
        let body: Value = r.json().expect("a JSON body");
        ApiResponse { status, body }
    };
    let mut sim = Sim::over(Box::new(send));
    scenario(&mut sim);
    let (responses, requests) = assert_log_matches(&mut spec, &sim.log);
    assert!(responses >= 50, "only {responses} responses validated");
    assert!(requests >= 25, "only {requests} requests validated");
    let snap = server.snapshot(xero_sim::DEMO_TENANT_ID).expect("the demo organisation");
    for key in ["Contacts", "Items", "Invoices", "CreditNotes", "Payments", "Allocations"] {
        assert!(!snap[key].as_array().unwrap().is_empty(), "{key} landed in the server's organisation");
    }
    assert_eq!(sim.org.snapshot()["Invoices"], json!([]), "nothing went to the local organisation");
}

#[test]
fn error_bodies_match_the_error_schema_and_sims_own_snapshot_matches_shapes() {
    let mut spec = Spec { doc: load_spec(), cache: HashMap::new() };
    let mut sim = Sim::new();
    scenario(&mut sim);
    let snap = sim.org.snapshot();
    for (key, schema) in [
        ("Invoices", "Invoices"),
        ("CreditNotes", "CreditNotes"),
        ("Contacts", "Contacts"),
        ("Items", "Items"),
        ("Payments", "Payments"),
        ("Allocations", "Allocations"),
        ("Accounts", "Accounts"),
        ("TaxRates", "TaxRates"),
        ("TrackingCategories", "TrackingCategories"),
        ("Currencies", "Currencies"),
    ] {
        let s = json!({ "$ref": format!("#/components/schemas/{schema}") });
        let errs = spec.check(&s, &json!({ key: snap[key] }));
        assert!(errs.is_empty(), "snapshot {key}: {errs:?}");
    }
    let errs = spec.check(&json!({ "$ref": "#/components/schemas/Organisation" }), &snap["Organisation"]);
    assert!(errs.is_empty(), "snapshot Organisation: {errs:?}");
    // The spec's own 400 example is an Error; so are ours (checked in the scenario); sanity-check the validator.
    let bad = json!({ "ErrorNumber": "ten" });
    assert!(!spec.check(&json!({ "$ref": "#/components/schemas/Error" }), &bad).is_empty());
    let deep = json!({ "Invoices": [{ "Payments": [{ "Invoice": { "CreditNotes": [{ "Allocations": [{ "Amount": "x" }] }] } }] }] });
    assert!(!spec.check(&json!({ "$ref": "#/components/schemas/Invoices" }), &deep).is_empty(), "cycles are followed");
    let bad_total = json!({ "Invoices": [{ "Total": "110.00" }] });
    assert!(
        !spec.check(&json!({ "$ref": "#/components/schemas/Invoices" }), &bad_total).is_empty(),
        "money is a number"
    );
    let bad_uuid = json!({ "Invoices": [{ "InvoiceID": "not-a-uuid" }] });
    assert!(
        !spec.check(&json!({ "$ref": "#/components/schemas/Invoices" }), &bad_uuid).is_empty(),
        "formats are checked"
    );
}
