//! One connection's configuration, as the host supplies it to `xero_configure`, and its validation.
//!
//! A connection is named like the seed's IRIS OAuth2 client, `xero-{namespace}` (e.g. `xero-hugeerp`). Its
//! configuration is what the administrator enters in the ERP's API setup: the Xero app's client id, secret and
//! redirect URI, the link functions ticked, the defaults (sales account, cost-of-sales account, division, sales
//! rep), where durable state lives, and (for tests and the simulator) the Xero endpoints.

mod checks;
mod endpoints;
mod limits;
mod sign_in;
mod timeouts;

pub use checks::validate_connection_name;
pub use endpoints::{
    Endpoints, XERO_ACCOUNTING_URL, XERO_AUTHORIZE_URL, XERO_CONNECTIONS_URL, XERO_REVOCATION_URL, XERO_TOKEN_URL,
    check_endpoint, is_loopback,
};
pub use limits::Limits;
pub use sign_in::{GRANULAR_SCOPES, GrantType, LEGACY_SCOPES, ScopeProfile};
pub use timeouts::Timeouts;

use checks::check_text;

use crate::error::{Error, Result};
use crate::secret::Secret;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::PathBuf;
use url::Url;

/// Where a connection's sign-in state is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StateStore {
    /// The SQLite database in `state_dir`, shared by the processes of one machine.
    #[default]
    Sqlite,
    /// The host's own store (e.g. its database, shared by several machines), through host callbacks.
    Host,
}

/// The link functions an administrator ticks in the ERP's API setup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkFunction {
    Debtors,
    Creditors,
    Inventory,
    SalesInvoices,
    PurchaseInvoices,
    CreditNotes,
    Payments,
}

impl LinkFunction {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkFunction::Debtors => "debtors",
            LinkFunction::Creditors => "creditors",
            LinkFunction::Inventory => "inventory",
            LinkFunction::SalesInvoices => "sales_invoices",
            LinkFunction::PurchaseInvoices => "purchase_invoices",
            LinkFunction::CreditNotes => "credit_notes",
            LinkFunction::Payments => "payments",
        }
    }
}

/// The administrator's defaults (seed: Xero Sales Acc, Xero COS Acc, Xero Division, Xero Sales Rep).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    /// Xero account code that sales lines go to when they name none.
    #[serde(default)]
    pub sales_account: Option<String>,
    /// Xero account code for cost of sales (items' purchase details).
    #[serde(default)]
    pub cos_account: Option<String>,
    /// Default option of the division tracking category.
    #[serde(default)]
    pub division: Option<String>,
    /// Default option of the sales-rep tracking category.
    #[serde(default)]
    pub sales_rep: Option<String>,
}

/// The names of the Xero tracking categories that stand for the ERP's division and sales rep.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TrackingNames {
    #[serde(default = "default_division_category")]
    pub division: String,
    #[serde(default = "default_sales_rep_category")]
    pub sales_rep: String,
}

fn default_division_category() -> String {
    "Division".to_owned()
}

fn default_sales_rep_category() -> String {
    "Sales Rep".to_owned()
}

impl Default for TrackingNames {
    fn default() -> Self {
        TrackingNames { division: default_division_category(), sales_rep: default_sales_rep_category() }
    }
}

/// A connection's configuration, validated by [`Config::from_json`].
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The connection's name, e.g. `xero-hugeerp`.
    pub connection: String,
    pub client_id: String,
    /// Optional only for apps registered at Xero as "Auth Code with PKCE" (no secret issued).
    #[serde(default)]
    pub client_secret: Option<Secret>,
    /// Required for `authorization_code`: exactly as registered at Xero.
    #[serde(default)]
    pub redirect_uri: Option<Url>,
    #[serde(default)]
    pub grant_type: GrantType,
    /// Explicit scopes; when absent, the set named by `scope_profile`.
    #[serde(default)]
    pub scopes: Option<Vec<String>>,
    #[serde(default)]
    pub scope_profile: ScopeProfile,
    #[serde(default)]
    pub functions: BTreeSet<LinkFunction>,
    #[serde(default)]
    pub defaults: Defaults,
    #[serde(default)]
    pub tracking_categories: TrackingNames,
    /// Directory of the durable state (tokens, tenant, ledger). Created 0700 if missing.
    pub state_dir: PathBuf,
    /// Where the sign-in state (tokens, tenant) lives: `sqlite` in `state_dir`, or `host` (the host's own
    /// store, through the callbacks of `xero_set_state_store`). The push ledger stays in `state_dir`.
    #[serde(default)]
    pub state_store: StateStore,
    #[serde(default)]
    pub endpoints: Endpoints,
    #[serde(default)]
    pub timeouts: Timeouts,
    /// Optional key that encrypts tokens at rest (AES-256-GCM): 64 hexadecimal characters.
    #[serde(default)]
    pub encryption_key: Option<Secret>,
    /// Xero's rate limits as this connection's app and organisation are subject to them.
    #[serde(default)]
    pub limits: Limits,
    /// Also append one JSON line per Xero request to `xero-link-requests.log` in `state_dir` (mode 0600).
    #[serde(default)]
    pub log_file: bool,
    /// What a debtor or creditor whose name another Xero contact already holds becomes.
    #[serde(default)]
    pub contact_names: ContactNames,
}

/// Xero keeps contact names unique among active contacts, ignoring case, and a create that names an existing
/// contact overwrites that contact (XeroAPI/xero-php-oauth2#191). An ERP may have two debtors of one name; this
/// says what becomes of the second.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactNames {
    /// The second record fails, naming the ERP code that holds the name in Xero (the default: nothing is
    /// renamed without the administrator choosing it).
    #[default]
    Refuse,
    /// The second record is named "Name (CODE)" in Xero, on its create and every later update.
    AddCode,
}

impl Config {
    /// Parses and validates; every error names the offending field.
    pub fn from_value(value: serde_json::Value) -> Result<Config> {
        let config: Config = crate::json::from_value(value)?;
        config.validate()?;
        Ok(config)
    }

    pub fn function_enabled(&self, function: LinkFunction) -> bool {
        self.functions.contains(&function)
    }

    fn validate(&self) -> Result<()> {
        validate_connection_name(&self.connection).map_err(|e| e.at("connection"))?;
        self.validate_client()?;
        self.validate_grant()?;
        self.validate_scopes()?;
        self.validate_defaults()?;
        if !self.state_dir.is_absolute() {
            return Err(Error::validation("state_dir must be an absolute path").at("state_dir"));
        }
        self.validate_endpoints()?;
        self.validate_timeouts()?;
        self.validate_encryption_key()?;
        self.validate_limits()
    }

    /// The defaults and tracking category names fit Xero's fields; the two categories differ.
    fn validate_defaults(&self) -> Result<()> {
        if let Some(code) = &self.defaults.sales_account {
            check_text("defaults.sales_account", code, 1, 10)?;
        }
        if let Some(code) = &self.defaults.cos_account {
            check_text("defaults.cos_account", code, 1, 10)?;
        }
        if let Some(option) = &self.defaults.division {
            check_text("defaults.division", option, 1, 100)?;
        }
        if let Some(option) = &self.defaults.sales_rep {
            check_text("defaults.sales_rep", option, 1, 100)?;
        }
        check_text("tracking_categories.division", &self.tracking_categories.division, 1, 100)?;
        check_text("tracking_categories.sales_rep", &self.tracking_categories.sales_rep, 1, 100)?;
        if self.tracking_categories.division == self.tracking_categories.sales_rep {
            return Err(Error::validation("the division and sales-rep tracking categories must differ")
                .at("tracking_categories.sales_rep"));
        }
        Ok(())
    }

    /// A key is 32 bytes in hexadecimal.
    fn validate_encryption_key(&self) -> Result<()> {
        if let Some(key) = &self.encryption_key {
            let k = key.expose();
            if k.len() != 64 || !k.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(Error::validation("encryption_key must be 64 hexadecimal characters (32 bytes)")
                    .at("encryption_key"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn base() -> serde_json::Value {
        json!({
            "connection": "xero-hugeerp",
            "client_id": "CLIENT",
            "client_secret": "SECRET",
            "redirect_uri": "https://erp.example.com/csp/sys/oauth2/OAuth2.Response.cls",
            "state_dir": "/tmp/xero-link-test"
        })
    }

    #[test]
    fn minimal_config_gets_xero_defaults() {
        let c = Config::from_value(base()).unwrap();
        assert_eq!(c.endpoints.accounting.as_str(), XERO_ACCOUNTING_URL);
        assert_eq!(c.effective_scopes(), GRANULAR_SCOPES.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(c.tracking_categories.division, "Division");
        assert_eq!(c.limits, Limits::default());
        assert_eq!((c.limits.concurrent, c.limits.per_minute, c.limits.per_day), (5, 60, 5000));
        assert!(!c.log_file);
    }

    #[test]
    fn invalid_fields_are_named() {
        let cases = [
            ("connection", json!("bad name!")),
            ("redirect_uri", json!("http://erp.example.com/cb")),
            ("state_dir", json!("relative/dir")),
            ("timeouts", json!({"connect_ms": 0})),
            ("scopes", json!(["accounting.contacts"])),
            ("encryption_key", json!("abc")),
            ("limits", json!({"concurrent": 0})),
            ("limits", json!({"minute_ms": 1})),
        ];
        for (field, value) in cases {
            let mut v = base();
            v[field] = value;
            let err = Config::from_value(v).unwrap_err();
            assert!(err.path.as_deref().unwrap_or("").starts_with(field), "{field}: {err}");
        }
    }

    #[test]
    fn a_redirect_uri_with_port_0_is_refused() {
        for uri in ["http://127.0.0.1:0/callback", "http://localhost:0/callback", "http://[::1]:0/cb"] {
            let mut v = base();
            v["redirect_uri"] = json!(uri);
            let err = Config::from_value(v).unwrap_err();
            assert_eq!((err.code, err.path.as_deref()), (crate::error::ErrorCode::Validation, Some("redirect_uri")));
            assert!(err.message.contains("exactly, port included"), "{err}");
        }
        let mut v = base();
        v["redirect_uri"] = json!("http://127.0.0.1:8765/callback");
        assert!(Config::from_value(v).is_ok());
    }

    #[test]
    fn loopback_http_endpoint_is_allowed_and_remote_http_is_not() {
        let mut v = base();
        v["endpoints"] = json!({"token": "http://127.0.0.1:9/connect/token"});
        assert!(Config::from_value(v.clone()).is_ok());
        v["endpoints"] = json!({"token": "http://10.0.0.1/connect/token"});
        assert_eq!(Config::from_value(v).unwrap_err().path.as_deref(), Some("endpoints.token"));
    }

    #[test]
    fn debug_output_hides_the_secret() {
        let c = Config::from_value(base()).unwrap();
        assert!(!format!("{c:?}").contains("SECRET"));
    }
}
