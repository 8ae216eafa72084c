//! Undoing a contract run in the organisation: payments deleted, credit note allocations removed, invoices, bills
//! and credit notes voided, contacts archived, items deleted; each by the keys the run gave them (all carry the
//! run's prefix). Straight to the Accounting API with the connection's access token, past the library.

use serde_json::{Value, json};

/// Xero's Accounting API as an administrator would use it for one organisation.
pub struct Admin {
    client: reqwest::blocking::Client,
    base: String,
    token: String,
    tenant: String,
    /// Calls made (retries after a 429 included).
    pub calls: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

/// What a run created, by its keys.
#[derive(Debug, Default, Clone)]
pub struct Created {
    pub contacts: Vec<String>,
    pub items: Vec<String>,
    pub invoices: Vec<String>,
    pub credit_notes: Vec<String>,
}

impl Admin {
    /// `upstream` is the API host; `token` and `tenant` come from the connection's `export_state`.
    pub fn new(
        upstream: &str,
        token: String,
        tenant: String,
        calls: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    ) -> Admin {
        let client = reqwest::blocking::Client::builder().timeout(std::time::Duration::from_secs(60)).build().unwrap();
        Admin { client, base: format!("{}/api.xro/2.0", upstream.trim_end_matches('/')), token, tenant, calls }
    }

    /// One call; the answer's status and JSON body (`null` when there is none).
    pub fn call(&self, method: &str, path: &str, query: &[(&str, &str)], body: Option<Value>) -> (u16, Value) {
        let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut url = url::Url::parse(&format!("{}{path}", self.base)).unwrap();
        url.query_pairs_mut().extend_pairs(query);
        let mut rb = self
            .client
            .request(m, url)
            .bearer_auth(&self.token)
            .header("xero-tenant-id", &self.tenant)
            .header("accept", "application/json");
        if let Some(b) = body {
            rb = rb.header("content-type", "application/json").body(b.to_string());
        }
        let request = rb.build().unwrap();
        let r = loop {
            self.calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let r = self.client.execute(request.try_clone().unwrap()).expect("the Accounting API answers");
            if r.status().as_u16() != 429 {
                break r;
            }
            // Xero's limits are shared with the library's calls: wait as Xero says (developer.xero.com/documentation/
            // oauth2/limits, Retry-After), at most a minute.
            let wait = r.headers().get("retry-after").and_then(|v| v.to_str().ok()?.parse().ok()).unwrap_or(5u64);
            std::thread::sleep(std::time::Duration::from_secs(wait.min(60)));
        };
        let status = r.status().as_u16();
        let bytes = r.bytes().unwrap_or_default();
        (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    /// The elements of `key` a GET returns.
    pub fn list(&self, path: &str, key: &str, query: &[(&str, &str)]) -> Vec<Value> {
        let (status, body) = self.call("GET", path, query, None);
        assert_eq!(status, 200, "GET {path} {query:?}: {body}");
        body[key].as_array().cloned().unwrap_or_default()
    }

    /// Invoices (and bills) with these exact numbers.
    pub fn invoices(&self, numbers: &[String]) -> Vec<Value> {
        self.list("/Invoices", "Invoices", &[("InvoiceNumbers", &numbers.join(",")), ("page", "1")])
    }

    fn step(&self, leftovers: &mut Vec<String>, what: String, (method, path): (&str, String), body: Option<Value>) {
        let (status, answer) = self.call(method, &path, &[], body);
        if !(200..300).contains(&status) {
            leftovers.push(format!("{what}: {method} {path} answered {status}: {answer}"));
        }
    }

    /// Undoes `created`; returns what could not be undone (empty when all went).
    pub fn undo(&self, created: &Created) -> Vec<String> {
        let mut left = Vec::new();
        let invoices = self.invoices(&created.invoices);
        for inv in &invoices {
            let id = inv["InvoiceID"].as_str().unwrap_or_default();
            let filter = format!("Invoice.InvoiceID==Guid(\"{id}\")");
            for p in self.list("/Payments", "Payments", &[("where", &filter)]) {
                let pid = p["PaymentID"].as_str().unwrap_or_default().to_owned();
                let what = format!("payment on {}", inv["InvoiceNumber"]);
                self.step(&mut left, what, ("POST", format!("/Payments/{pid}")), Some(json!({"Status": "DELETED"})));
            }
        }
        for number in &created.credit_notes {
            let filter = format!("CreditNoteNumber==\"{number}\"");
            for cn in self.list("/CreditNotes", "CreditNotes", &[("where", &filter)]) {
                let id = cn["CreditNoteID"].as_str().unwrap_or_default().to_owned();
                let (_, full) = self.call("GET", &format!("/CreditNotes/{id}"), &[], None);
                for a in full["CreditNotes"][0]["Allocations"].as_array().into_iter().flatten() {
                    let aid = a["AllocationID"].as_str().unwrap_or_default();
                    let path = format!("/CreditNotes/{id}/Allocations/{aid}");
                    self.step(&mut left, format!("allocation of {number}"), ("DELETE", path), None);
                }
                let void = json!({"CreditNotes": [{"CreditNoteID": id, "Status": "VOIDED"}]});
                self.step(&mut left, format!("credit note {number}"), ("POST", "/CreditNotes".into()), Some(void));
            }
        }
        for inv in &invoices {
            let void = json!({"Invoices": [{"InvoiceID": inv["InvoiceID"], "Status": "VOIDED"}]});
            self.step(&mut left, format!("invoice {}", inv["InvoiceNumber"]), ("POST", "/Invoices".into()), Some(void));
        }
        self.undo_contacts_and_items(created, &mut left);
        left
    }

    fn undo_contacts_and_items(&self, created: &Created, left: &mut Vec<String>) {
        for code in &created.contacts {
            let filter = format!("ContactNumber==\"{code}\"");
            for c in self.list("/Contacts", "Contacts", &[("where", &filter)]) {
                let archive = json!({"Contacts": [{"ContactID": c["ContactID"], "ContactStatus": "ARCHIVED"}]});
                self.step(left, format!("contact {code}"), ("POST", "/Contacts".into()), Some(archive));
            }
        }
        for code in &created.items {
            let filter = format!("Code==\"{code}\"");
            for i in self.list("/Items", "Items", &[("where", &filter)]) {
                let id = i["ItemID"].as_str().unwrap_or_default();
                self.step(left, format!("item {code}"), ("DELETE", format!("/Items/{id}")), None);
            }
        }
    }
}
