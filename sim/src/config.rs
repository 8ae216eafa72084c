//! The simulator's configuration: apps, organisations, consent, clock scale, limits and lifetimes.
//!
//! Every field has a default, so `{}` is a valid seed file.

use serde::{Deserialize, Serialize};

use crate::accounting::OrgSeed;

/// Everything the simulator needs at start-up (also the shape of a `--seed` JSON file).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SimConfig {
    /// Address to listen on; must be a loopback address. Default `127.0.0.1:0` (any free port).
    pub listen: String,
    /// Registered apps (OAuth clients).
    pub apps: Vec<AppConfig>,
    /// Organisations (tenants) that exist in the simulated Xero.
    pub organisations: Vec<OrgSeed>,
    /// What happens at the authorize endpoint.
    pub consent: ConsentMode,
    /// With `auto` consent: the organisations (tenant ids or names) to connect; `None` = all.
    pub consent_tenants: Option<Vec<String>>,
    /// Every clock runs this many times faster than real time (token lifetimes, limit windows, idempotency
    /// retention, refresh grace). Must be > 0.
    pub time_scale: f64,
    /// Rate limits (Xero's numbers by default).
    pub limits: LimitsConfig,
    /// Token and code lifetimes, in Xero (simulated) seconds.
    pub lifetimes: Lifetimes,
    /// How long an `Idempotency-Key` is remembered, in Xero seconds (6 minutes).
    pub idempotency_retention_secs: u64,
    /// Worker threads of the server's runtime.
    pub worker_threads: usize,
    /// Checks every Accounting response against Xero's OpenAPI spec and records every request or response
    /// that breaks it (see `xero_sim::spec`); the handle panics when dropped with violations nobody took.
    /// Default on, unless the environment says `XERO_SIM_VALIDATE_SPEC=0`.
    pub validate_spec: bool,
    /// Largest Accounting API request body, in bytes: Xero's 3.5 MB ("A single POST to the Accounting or Payroll
    /// APIs has a size limit of 3.5MB", developer.xero.com/documentation/auth-and-limits/xero-api-limits), read
    /// as 3,500,000 (the stricter of MB and MiB). A larger one is answered 413.
    pub max_request_bytes: usize,
    /// Behaviours Xero does not document, each of which the simulator can show either way.
    pub unknowns: Unknowns,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            listen: "127.0.0.1:0".into(),
            apps: vec![AppConfig::default_web(), AppConfig::default_pkce(), AppConfig::default_custom()],
            organisations: default_organisations(),
            consent: ConsentMode::Auto,
            consent_tenants: None,
            time_scale: 1.0,
            limits: LimitsConfig::default(),
            lifetimes: Lifetimes::default(),
            idempotency_retention_secs: 360,
            worker_threads: 2,
            validate_spec: crate::spec::default_enabled(),
            max_request_bytes: 3_500_000,
            unknowns: Unknowns::default(),
        }
    }
}

/// Tenant id of the first default organisation, "Demo Company (AU)".
pub const DEMO_TENANT_ID: &str = "8d1c8f5e-2b4a-4c1e-9a3f-0d5e6f7a8b91";
/// Tenant id of the second default organisation, "Huge ERP Test Ltd".
pub const HUGE_TENANT_ID: &str = "3f2e1d0c-5b6a-4978-8e9d-1a2b3c4d5e6f";

fn default_organisations() -> Vec<OrgSeed> {
    [(DEMO_TENANT_ID, "Demo Company (AU)"), (HUGE_TENANT_ID, "Huge ERP Test Ltd")]
        .iter()
        .map(|(id, name)| {
            serde_json::from_value(serde_json::json!({ "tenant_id": id, "name": name }))
                .expect("an OrgSeed with a tenant id and a name deserialises")
        })
        .collect()
}

/// How the authorize endpoint answers a valid request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentMode {
    /// 302 to the redirect URI at once, connecting all (or `consent_tenants`) organisations.
    Auto,
    /// An HTML consent page: tick organisations, then Allow or Cancel.
    Page,
    /// 302 with `error=access_denied`.
    Deny,
}

/// OAuth grant types an app may use (`refresh_token` is implied by `authorization_code`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GrantType {
    AuthorizationCode,
    ClientCredentials,
}

/// Which scope names an app may request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScopeModel {
    /// Apps created since 2 March 2026: the broad `accounting.transactions(.read)` and `accounting.reports.read`
    /// are refused with `invalid_scope`.
    Granular,
    /// Older apps: broad and granular scopes both accepted.
    Broad,
}

/// One registered app.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppConfig {
    pub client_id: String,
    /// `None`: a PKCE-only app (no secret; must send a code challenge).
    #[serde(default)]
    pub client_secret: Option<String>,
    /// Exact-match redirect URIs.
    #[serde(default)]
    pub redirect_uris: Vec<String>,
    #[serde(default = "default_grant_types")]
    pub grant_types: Vec<GrantType>,
    /// For `client_credentials`: the one organisation (tenant id or name); default the first organisation.
    #[serde(default)]
    pub custom_connection_tenant: Option<String>,
    /// For `client_credentials` without a `scope` parameter: the scopes granted.
    #[serde(default = "default_custom_scopes")]
    pub custom_connection_scopes: Vec<String>,
    #[serde(default = "default_scope_model")]
    pub scope_model: ScopeModel,
}

fn default_grant_types() -> Vec<GrantType> {
    vec![GrantType::AuthorizationCode]
}

fn default_custom_scopes() -> Vec<String> {
    ["accounting.contacts", "accounting.invoices", "accounting.payments", "accounting.settings"]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

fn default_scope_model() -> ScopeModel {
    ScopeModel::Granular
}

/// The default apps' redirect URI for a client that listens on loopback for the browser's return (the library's
/// loopback sign-in): a fixed port, because redirect URIs match exactly, port included, as at Xero. RFC 8252
/// §7.3 lets a loopback port vary; Xero documents no such exception (developer.xero.com/faq/oauth2: no
/// wildcards), and desktop clients register each port they listen on (littleearth/delphiXERO wiki). 9376 spells
/// XERO on a phone keypad and lies below Linux's ephemeral range (32768-60999), so no simulator or client socket
/// is ever given it by the system.
pub const LOOPBACK_REDIRECT_URI: &str = "http://127.0.0.1:9376/callback";

fn default_redirect_uris() -> Vec<String> {
    vec![
        "http://127.0.0.1/callback".into(),
        LOOPBACK_REDIRECT_URI.into(),
        "http://localhost/callback".into(),
        "https://erp.example.com/csp/sys/oauth2/OAuth2.Response.cls".into(),
    ]
}

impl AppConfig {
    /// `sim-client` / `sim-secret`: a web app (authorization code with a secret).
    pub fn default_web() -> Self {
        AppConfig {
            client_id: "sim-client".into(),
            client_secret: Some("sim-secret".into()),
            redirect_uris: default_redirect_uris(),
            grant_types: default_grant_types(),
            custom_connection_tenant: None,
            custom_connection_scopes: default_custom_scopes(),
            scope_model: ScopeModel::Granular,
        }
    }

    /// `sim-pkce-client`: a PKCE-only app without a secret.
    pub fn default_pkce() -> Self {
        AppConfig { client_id: "sim-pkce-client".into(), client_secret: None, ..Self::default_web() }
    }

    /// `sim-custom-client` / `sim-custom-secret`: a custom connection (client credentials) to the first organisation.
    pub fn default_custom() -> Self {
        AppConfig {
            client_id: "sim-custom-client".into(),
            client_secret: Some("sim-custom-secret".into()),
            redirect_uris: Vec::new(),
            grant_types: vec![GrantType::ClientCredentials],
            ..Self::default_web()
        }
    }

    pub(crate) fn has_grant(&self, g: GrantType) -> bool {
        self.grant_types.contains(&g)
    }
}

/// Rate limits; per tenant per app, plus app-wide per minute.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LimitsConfig {
    /// `false`: never answer 429 (calls are still counted and the headers still sent).
    pub enabled: bool,
    pub concurrent: u32,
    pub per_minute: u32,
    pub per_day: u32,
    pub app_per_minute: u32,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        LimitsConfig { enabled: true, concurrent: 5, per_minute: 60, per_day: 5000, app_per_minute: 10_000 }
    }
}

/// Lifetimes in Xero seconds (divided by `time_scale` in real time).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Lifetimes {
    pub access_token_secs: u64,
    pub refresh_token_secs: u64,
    pub refresh_grace_secs: u64,
    pub code_secs: u64,
    pub id_token_secs: u64,
}

impl Default for Lifetimes {
    fn default() -> Self {
        Lifetimes {
            access_token_secs: 1800,
            refresh_token_secs: 60 * 86_400,
            refresh_grace_secs: 1800,
            code_secs: 300,
            id_token_secs: 300,
        }
    }
}

impl SimConfig {
    /// Reads a seed file (JSON, every field optional).
    pub fn from_json_file(path: &std::path::Path) -> std::io::Result<Self> {
        let text = std::fs::read(path)?;
        serde_json::from_slice(&text)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, format!("{}: {e}", path.display())))
    }

    pub(crate) fn validate(&self) -> std::io::Result<()> {
        let bad = |m: String| Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, m));
        if !(self.time_scale.is_finite() && self.time_scale > 0.0) {
            return bad(format!("time_scale must be > 0, got {}", self.time_scale));
        }
        if self.organisations.is_empty() {
            return bad("at least one organisation is needed".into());
        }
        let mut ids = std::collections::HashSet::new();
        for a in &self.apps {
            if !ids.insert(a.client_id.as_str()) {
                return bad(format!("duplicate client_id {}", a.client_id));
            }
        }
        Ok(())
    }
}

/// What Xero does where no public source says (sim/README.md, "Unknowns"): the simulator takes one answer by
/// default and the other on request, so that a client is tested against both.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Unknowns {
    /// How an exact half cent is rounded in line amounts and tax.
    pub half_cent: HalfCent,
    /// What a refresh with an already used refresh token answers inside the grace window.
    pub grace_refresh: GraceRefresh,
    /// Whether the access tokens of a revoked grant still work until they expire.
    pub revoked_access: RevokedAccess,
}

/// Rounding of an exact half cent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HalfCent {
    /// 0.125 → 0.13, -0.125 → -0.13.
    #[default]
    AwayFromZero,
    /// Banker's rounding: 0.125 → 0.12, 0.135 → 0.14 (what help.file.ai/xero-rounding-issues claims).
    ToEven,
}

/// A second refresh with the same (already used) refresh token, inside the grace window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GraceRefresh {
    /// The same successor refresh token again, with a fresh access token.
    #[default]
    SameSuccessor,
    /// A new successor each time; the one issued before stops working (only the newest is valid).
    NewSuccessor,
}

/// Access tokens of a revoked grant.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RevokedAccess {
    /// Refused at once (401).
    #[default]
    Refused,
    /// Honoured until they expire (a JWT checked by signature alone); the connections are gone all the same.
    UntilExpiry,
}
