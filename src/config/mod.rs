//! One connection's configuration, as the host supplies it to `xero_configure`, and its validation.
//!
//! A connection is named like the seed's IRIS OAuth2 client, `xero-{namespace}` (e.g. `xero-hugeerp`). Its
//! configuration is what the administrator enters in the ERP's API setup: the Xero app's client id, secret and
//! redirect URI, the link functions ticked, the defaults (sales account, cost-of-sales account, division, sales
//! rep), where durable state lives, and (for tests and the simulator) the Xero endpoints.
//!
//! [`Config`] and the order of its checks live here; each section's types, defaults and checks live in the file
//! named for it.

mod checks;
mod endpoints;
mod limits;
mod link;
mod sign_in;
mod state;
mod timeouts;

pub use checks::validate_connection_name;
pub use endpoints::{
    Endpoints, XERO_ACCOUNTING_URL, XERO_AUTHORIZE_URL, XERO_CONNECTIONS_URL, XERO_REVOCATION_URL, XERO_TOKEN_URL,
    check_endpoint, is_loopback,
};
pub use limits::Limits;
pub use link::{ContactNames, Defaults, LinkFunction, TrackingNames};
pub use sign_in::{GRANULAR_SCOPES, GrantType, LEGACY_SCOPES, ScopeProfile};
pub use state::StateStore;
pub use timeouts::Timeouts;

use crate::error::Result;
use crate::secret::Secret;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::PathBuf;
use url::Url;

/// A connection's configuration, validated by [`Config::from_value`].
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

impl Config {
    /// Parses and validates; every error names the offending field.
    pub fn from_value(value: serde_json::Value) -> Result<Config> {
        let config: Config = crate::json::from_value(value)?;
        config.validate()?;
        Ok(config)
    }

    /// Each section in turn; the first field found wrong is the one the error names.
    fn validate(&self) -> Result<()> {
        validate_connection_name(&self.connection).map_err(|e| e.at("connection"))?;
        self.validate_client()?;
        self.validate_grant()?;
        self.validate_scopes()?;
        self.validate_defaults()?;
        self.validate_state_dir()?;
        self.validate_endpoints()?;
        self.validate_timeouts()?;
        self.validate_encryption_key()?;
        self.validate_limits()
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
