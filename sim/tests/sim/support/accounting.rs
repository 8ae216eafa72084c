//! Helpers of the accounting tests: call `handle` directly, no HTTP.

use serde_json::{Value, json};
use xero_sim::accounting::{ApiRequest, ApiResponse, OrgSeed, Organisation, handle, handle_with_headers};

/// 2024-03-15T10:00:00Z
pub const NOW: i64 = 1_710_496_800_000;

/// One logged call: method, path, query, request body, response.
pub type Exchange = (String, String, Vec<(String, String)>, Option<Value>, ApiResponse);

/// Sends one request (method, path, decoded query, body) elsewhere than to `handle` and returns the answer.
pub type Transport = Box<dyn FnMut(&str, &str, &[(String, String)], Option<&[u8]>) -> ApiResponse>;

pub struct Sim {
    /// The organisation `handle` serves (unused when a transport is set).
    pub org: Organisation,
    pub now: i64,
    /// Every (method, path, query, request body, response) seen, for the spec test.
    pub log: Vec<Exchange>,
    /// When set, calls go here instead (the spec test's run through the HTTP server).
    pub transport: Option<Transport>,
}

impl Sim {
    pub fn new() -> Sim {
        let seed: OrgSeed = serde_json::from_value(json!({ "name": "Demo Company (AU)" })).unwrap();
        Sim { org: Organisation::new(&seed), now: NOW, log: Vec::new(), transport: None }
    }

    /// A `Sim` whose calls all go through `transport`.
    pub fn over(transport: Transport) -> Sim {
        Sim { transport: Some(transport), ..Sim::new() }
    }

    pub fn call(&mut self, method: &str, path: &str, query: &[(&str, &str)], body: Option<Value>) -> ApiResponse {
        let q: Vec<(String, String)> = query.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let bytes = body.as_ref().map(|b| serde_json::to_vec(b).unwrap());
        self.now += 1000;
        let r = match &mut self.transport {
            Some(send) => send(method, path, &q, bytes.as_deref()),
            None => {
                let r = handle(
                    &mut self.org,
                    &ApiRequest { method, path, query: &q, body: bytes.as_deref(), now_ms: self.now },
                );
                // These tests send bodies that break the spec on purpose; the simulator's answers never may.
                let answers: Vec<String> =
                    self.org.take_spec_violations().into_iter().filter(|v| v.starts_with("response")).collect();
                assert!(answers.is_empty(), "{method} {path}: the answer breaks Xero's spec: {answers:?}");
                r
            }
        };
        self.log.push((method.into(), path.into(), q, body, r.clone()));
        r
    }

    /// A GET with request headers, straight to `handle_with_headers` (no transport).
    pub fn get_with_headers(&mut self, path: &str, query: &[(&str, &str)], headers: &[(&str, &str)]) -> Value {
        let q: Vec<(String, String)> = query.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        self.now += 1000;
        let req = ApiRequest { method: "GET", path, query: &q, body: None, now_ms: self.now };
        let r = handle_with_headers(&mut self.org, &req, headers);
        assert_eq!(r.status, 200, "GET {path}: {}", r.body);
        r.body
    }

    pub fn get(&mut self, path: &str, query: &[(&str, &str)]) -> Value {
        let r = self.call("GET", path, query, None);
        assert_eq!(r.status, 200, "GET {path}: {}", r.body);
        r.body
    }

    pub fn put(&mut self, path: &str, body: Value) -> ApiResponse {
        self.call("PUT", path, &[], Some(body))
    }

    pub fn post(&mut self, path: &str, body: Value) -> ApiResponse {
        self.call("POST", path, &[], Some(body))
    }

    /// PUT that must succeed; returns the first element.
    pub fn create(&mut self, path: &str, key: &str, element: Value) -> Value {
        let r = self.put(path, json!({ key: [element] }));
        assert_eq!(r.status, 200, "PUT {path}: {}", r.body);
        r.body[key][0].clone()
    }

    pub fn contact(&mut self, name: &str) -> String {
        let c = self.create("/Contacts", "Contacts", json!({ "Name": name }));
        c["ContactID"].as_str().unwrap().to_string()
    }

    /// An ACCREC invoice for `contact_id` with one line `qty × unit` on account 200 (OUTPUT 10 %).
    pub fn invoice(&mut self, contact_id: &str, status: &str, qty: &str, unit: &str) -> Value {
        self.create(
            "/Invoices",
            "Invoices",
            json!({
                "Type": "ACCREC",
                "Contact": { "ContactID": contact_id },
                "Date": "2024-03-01",
                "DueDate": "2024-03-31",
                "Status": status,
                "LineItems": [{ "Description": "Widget", "Quantity": num(qty), "UnitAmount": num(unit), "AccountCode": "200", "TaxType": "OUTPUT" }]
            }),
        )
    }
}

/// A JSON number with exactly this text.
pub fn num(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

/// The exact text of a JSON number.
pub fn t(v: &Value) -> String {
    match v {
        Value::Number(n) => n.to_string(),
        other => panic!("not a number: {other}"),
    }
}

/// The validation messages of element `i` of a 400 or summarizeErrors=false answer.
pub fn messages(body: &Value, key: &str, i: usize) -> Vec<String> {
    let el = if body.get("Elements").is_some() { &body["Elements"][i] } else { &body[key][i] };
    el["ValidationErrors"]
        .as_array()
        .map(|a| a.iter().map(|m| m["Message"].as_str().unwrap_or_default().to_string()).collect())
        .unwrap_or_default()
}

/// Asserts a 400 ValidationException whose element `i` carries a message containing `needle`.
pub fn assert_validation(r: &ApiResponse, i: usize, needle: &str) {
    assert_eq!(r.status, 400, "expected 400, got {}: {}", r.status, r.body);
    assert_eq!(r.body["ErrorNumber"], 10);
    assert_eq!(r.body["Type"], "ValidationException");
    assert_eq!(r.body["Message"], "A validation exception occurred");
    let msgs = messages(&r.body, "", i);
    assert!(msgs.iter().any(|m| m.contains(needle)), "no message containing {needle:?} in {msgs:?}");
}

/// Asserts Xero's answer to post data its reader cannot read: 400 `PostDataInvalidException` (ErrorNumber 14)
/// whose message contains `needle`, and no `Elements` (nothing was read, so nothing is echoed).
pub fn assert_post_data_invalid(r: &ApiResponse, needle: &str) {
    assert_eq!(r.status, 400, "expected 400, got {}: {}", r.status, r.body);
    assert_eq!(r.body["ErrorNumber"], 14, "{}", r.body);
    assert_eq!(r.body["Type"], "PostDataInvalidException");
    assert!(r.body.get("Elements").is_none(), "{}", r.body);
    let m = r.body["Message"].as_str().unwrap_or_default();
    assert!(m.contains(needle), "no {needle:?} in {m:?}");
}
