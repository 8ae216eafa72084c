//! Shared by the push tests: an in-process Xero (the simulator's accounting domain) behind `XeroApi`, with
//! faults injected on chosen write calls, and a connection whose state lives in a fresh directory.

use parking_lot::Mutex;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use xero_link::config::Config;
use xero_link::deadline::Deadline;
use xero_link::error::{Error, ErrorCode};
use xero_link::push::XeroApi;
use xero_link::registry::Connection;
use xero_link::transport::{ApiCall, ApiResponse, CallError};
use xero_sim::accounting::{self, ApiRequest, OrgSeed, Organisation};

/// What goes wrong on a given write call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Xero answers this status and commits nothing.
    Status(u16),
    /// The connection fails before Xero sees the request.
    NetworkBeforeSend,
    /// The request may have reached Xero but did not (the transport reports `uncertain`).
    LostBeforeCommit,
    /// Xero commits, the answer is lost (the transport reports `uncertain`).
    LostAfterCommit,
    /// Xero commits, then the process dies (a panic stands for the kill).
    CrashAfterCommit,
}

/// Xero for one organisation, in-process.
pub struct SimApi {
    pub org: Mutex<Organisation>,
    tenant: String,
    /// 1-based write-call number → fault.
    faults: Mutex<HashMap<usize, Fault>>,
    writes: AtomicUsize,
    reads: AtomicUsize,
    pub log: Mutex<Vec<String>>,
}

/// 2026-11-26 in the simulator's clock.
const NOW_MS: i64 = 1_795_651_200_000;

impl SimApi {
    pub fn new() -> Arc<SimApi> {
        let org = Organisation::new(&OrgSeed {
            tenant_id: None,
            name: "Huge ERP Demo".into(),
            legal_name: None,
            base_currency: None,
            country_code: None,
            currencies: None,
            accounts: None,
            tax_rates: None,
            tracking_categories: None,
        });
        let tenant = org.tenant_id.clone();
        Arc::new(SimApi {
            org: Mutex::new(org),
            tenant,
            faults: Mutex::new(HashMap::new()),
            writes: AtomicUsize::new(0),
            reads: AtomicUsize::new(0),
            log: Mutex::new(Vec::new()),
        })
    }

    /// Makes the `n`th write call from now (1-based) fail with `fault`.
    pub fn fault_on_write(&self, n: usize, fault: Fault) {
        let base = self.writes.load(Ordering::SeqCst);
        self.faults.lock().insert(base + n, fault);
    }

    pub fn writes(&self) -> usize {
        self.writes.load(Ordering::SeqCst)
    }

    pub fn reads(&self) -> usize {
        self.reads.load(Ordering::SeqCst)
    }

    pub fn snapshot(&self) -> Value {
        self.org.lock().snapshot()
    }

    /// GET through the domain, as the tests inspect Xero.
    pub fn get(&self, path: &str, query: &[(&str, &str)]) -> Value {
        let q: Vec<(String, String)> = query.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let mut org = self.org.lock();
        let r =
            accounting::handle(&mut org, &ApiRequest { method: "GET", path, query: &q, body: None, now_ms: NOW_MS });
        assert_eq!(r.status, 200, "GET {path}: {}", r.body);
        r.body
    }
}

impl SimApi {
    /// A write made in Xero by someone else (typed in by hand): `method path` with `body`, which Xero accepts.
    pub fn by_hand(&self, method: http::Method, path: &str, body: Value) {
        let call = ApiCall {
            method: method.clone(),
            path: path.into(),
            query: vec![],
            body: Some(body.to_string().into_bytes()),
            idempotency_key: None,
        };
        let r = self.send(&call, Deadline::after_ms(1000)).unwrap();
        assert_eq!(r.status, 200, "{method} {path} by hand: {}", String::from_utf8_lossy(&r.body));
    }
}

impl XeroApi for SimApi {
    fn tenant_id(&self) -> &str {
        &self.tenant
    }

    fn send(&self, call: &ApiCall, _deadline: Deadline) -> Result<ApiResponse, CallError> {
        let method = call.method.as_str().to_owned();
        let fault = if method == "GET" {
            self.reads.fetch_add(1, Ordering::SeqCst);
            None
        } else {
            let n = self.writes.fetch_add(1, Ordering::SeqCst) + 1;
            self.faults.lock().remove(&n)
        };
        self.log.lock().push(format!("{method} {}", call.path));
        match fault {
            Some(Fault::Status(status)) => {
                return Ok(ApiResponse {
                    status,
                    body: json!({"Message": "simulated failure"}).to_string().into_bytes(),
                    correlation_id: None,
                });
            }
            Some(Fault::NetworkBeforeSend) => {
                return Err(CallError {
                    error: Error::new(ErrorCode::Network, "connection refused (simulated)"),
                    uncertain: false,
                });
            }
            Some(Fault::LostBeforeCommit) => {
                return Err(CallError {
                    error: Error::new(ErrorCode::Timeout, "no answer within the request timeout (simulated)"),
                    uncertain: true,
                });
            }
            _ => {}
        }
        let response = {
            let mut org = self.org.lock();
            accounting::handle(
                &mut org,
                &ApiRequest {
                    method: &method,
                    path: &call.path,
                    query: &call.query,
                    body: call.body.as_deref(),
                    now_ms: NOW_MS,
                },
            )
        };
        match fault {
            Some(Fault::LostAfterCommit) => Err(CallError {
                error: Error::new(ErrorCode::Network, "connection reset after the request was sent (simulated)"),
                uncertain: true,
            }),
            Some(Fault::CrashAfterCommit) => panic!("simulated crash after Xero committed"),
            _ => Ok(ApiResponse {
                status: response.status,
                body: response.body.to_string().into_bytes(),
                correlation_id: None,
            }),
        }
    }
}

/// A connection with every function ticked and the demo defaults; `patch` edits the configuration JSON.
pub fn connection(tag: &str, patch: impl FnOnce(&mut Value)) -> Connection {
    let mut v = json!({
        "connection": "xero-hugeerp",
        "client_id": "sim-client",
        "client_secret": "sim-secret",
        "redirect_uri": "http://127.0.0.1/callback",
        "functions": ["debtors", "creditors", "inventory", "sales_invoices", "purchase_invoices", "credit_notes", "payments"],
        "defaults": {"sales_account": "200", "cos_account": "310", "division": "North", "sales_rep": "Alice Brown"},
        "state_dir": crate::support::common::temp_state_dir(tag),
    });
    patch(&mut v);
    Connection { config: Config::from_value(v).expect("test configuration is valid") }
}

/// Decodes a request JSON into the typed request, as the operation would.
pub fn request<T: serde::de::DeserializeOwned>(v: Value) -> T {
    serde_json::from_value(v).expect("request decodes")
}

/// The results as JSON (what the host sees).
pub fn as_json(r: &xero_link::push::schema::PushResponse) -> Value {
    serde_json::to_value(r).unwrap()
}
