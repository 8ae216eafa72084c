//! The Accounting API's domain (`/api.xro/2.0/...`): organisations' data, Xero's rules, Xero's responses.
//!
//! Pure and synchronous: the server authenticates, checks the tenant, applies limits, idempotency and faults,
//! then calls [`handle`] with the organisation locked.

use serde::Deserialize;
use serde_json::Value;

/// How to build one organisation (tenant) at start-up. Defaults describe a fresh demo company.
#[derive(Debug, Clone, Deserialize)]
pub struct OrgSeed {
    /// Xero tenant id (a UUID); generated when absent.
    #[serde(default)]
    pub tenant_id: Option<String>,
    pub name: String,
}

/// One organisation's state.
#[derive(Debug)]
pub struct Organisation {
    pub tenant_id: String,
    pub name: String,
}

impl Organisation {
    pub fn new(seed: &OrgSeed) -> Self {
        Organisation {
            tenant_id: seed
                .tenant_id
                .clone()
                .unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
            name: seed.name.clone(),
        }
    }

    /// Everything stored, for inspection by tests.
    pub fn snapshot(&self) -> Value {
        serde_json::json!({ "tenant_id": self.tenant_id, "name": self.name })
    }
}

/// One Accounting API request, as the server hands it over.
pub struct ApiRequest<'a> {
    /// `GET`, `PUT`, `POST` or `DELETE`.
    pub method: &'a str,
    /// The path after `/api.xro/2.0`, e.g. `/Invoices` or `/Invoices/0f1e...`.
    pub path: &'a str,
    /// Decoded query parameters, in order.
    pub query: &'a [(String, String)],
    /// The raw request body, if any.
    pub body: Option<&'a [u8]>,
    /// The simulator's clock: milliseconds since the Unix epoch (scaled time).
    pub now_ms: i64,
}

/// The answer: HTTP status and JSON body.
pub struct ApiResponse {
    pub status: u16,
    pub body: Value,
}

/// Scopes of which the access token must hold at least one for this request (empty: none needed).
pub fn required_scopes(_method: &str, _path: &str) -> &'static [&'static str] {
    &[]
}

/// Serves one request against `org`.
pub fn handle(_org: &mut Organisation, _req: &ApiRequest<'_>) -> ApiResponse {
    ApiResponse {
        status: 501,
        body: serde_json::json!({"Message": "not implemented"}),
    }
}
