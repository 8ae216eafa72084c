//! Identity: apps, consent, authorization codes, access/refresh/id tokens, grants and connections.
//!
//! One simulated user. A *grant* is one consent (one `authentication_event_id`); connections are per
//! (app, tenant) and belong to the grant that last connected them. Revoking a grant removes its tokens and
//! its connections.

mod authorize;
mod bearer;
mod token;

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use rand::RngCore;
use serde::Serialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::clock::{Clock, connection_date, secs};
use crate::config::{AppConfig, ConsentMode, GraceRefresh, GrantType, Lifetimes, RevokedAccess, ScopeModel, Unknowns};

/// Every scope name the simulator knows.
const KNOWN_SCOPES: &[&str] = &[
    "openid",
    "profile",
    "email",
    "offline_access",
    "accounting.transactions",
    "accounting.transactions.read",
    "accounting.invoices",
    "accounting.invoices.read",
    "accounting.payments",
    "accounting.payments.read",
    "accounting.banktransactions",
    "accounting.banktransactions.read",
    "accounting.manualjournals",
    "accounting.manualjournals.read",
    "accounting.classicexpenses",
    "accounting.classicexpenses.read",
    "accounting.reports.read",
    "accounting.reports.aged.read",
    "accounting.reports.balancesheet.read",
    "accounting.reports.profitandloss.read",
    "accounting.reports.trialbalance.read",
    "accounting.reports.budgetsummary.read",
    "accounting.reports.banksummary.read",
    "accounting.reports.executivesummary.read",
    "accounting.reports.taxreports.read",
    "accounting.reports.tenninetynine.read",
    "accounting.contacts",
    "accounting.contacts.read",
    "accounting.settings",
    "accounting.settings.read",
    "accounting.attachments",
    "accounting.attachments.read",
    "accounting.journals.read",
    "accounting.budgets.read",
    "paymentservices",
    "app.connections",
];

/// Broad scopes that apps on the granular model may not request.
const BROAD_ONLY: &[&str] = &["accounting.transactions", "accounting.transactions.read", "accounting.reports.read"];

/// A connection (app ↔ tenant), as in Xero's `Connection` schema plus the owning app.
#[derive(Debug, Clone, Serialize)]
pub struct Connection {
    pub id: String,
    pub client_id: String,
    pub auth_event_id: String,
    pub tenant_id: String,
    pub tenant_name: String,
    pub created_ms: i64,
    pub updated_ms: i64,
    #[serde(skip)]
    grant_id: String,
}

impl Connection {
    /// Xero's JSON for `GET /connections`.
    pub(crate) fn to_xero(&self) -> Value {
        json!({
            "id": self.id,
            "authEventId": self.auth_event_id,
            "tenantId": self.tenant_id,
            "tenantType": "ORGANISATION",
            "tenantName": self.tenant_name,
            "createdDateUtc": connection_date(self.created_ms),
            "updatedDateUtc": connection_date(self.updated_ms),
        })
    }
}

struct Grant {
    client_id: String,
    scopes: Vec<String>,
    auth_event_id: String,
    revoked: bool,
}

/// What an access token stands for.
#[derive(Debug, Clone)]
pub(crate) struct AccessToken {
    grant_id: String,
    pub client_id: String,
    pub scopes: Vec<String>,
    pub expires_ms: i64,
    /// Client-credentials tokens: their one organisation.
    pub custom_tenant: Option<String>,
}

struct RefreshToken {
    grant_id: String,
    client_id: String,
    expires_ms: i64,
    /// The token issued when this one was used, and when.
    successor: Option<(String, i64)>,
}

struct AuthCode {
    client_id: String,
    redirect_uri: String,
    grant_id: String,
    challenge: Option<String>,
    nonce: Option<String>,
    expires_ms: i64,
    used: bool,
}

#[derive(Clone)]
struct AuthRequest {
    client_id: String,
    redirect_uri: String,
    scopes: Vec<String>,
    state: Option<String>,
    challenge: Option<String>,
    nonce: Option<String>,
}

/// What the authorize endpoint answers.
pub(crate) enum Page {
    Html(u16, String),
    Redirect(String),
}

/// Why a bearer token was refused.
pub(crate) enum AuthError {
    Unknown,
    Expired(i64),
}

pub(crate) struct Identity {
    issuer: String,
    apps: Vec<AppConfig>,
    orgs: Vec<(String, String)>,
    lifetimes: Lifetimes,
    consent: ConsentMode,
    consent_tenants: Option<Vec<String>>,
    user_id: String,
    session_id: String,
    grants: HashMap<String, Grant>,
    connections: Vec<Connection>,
    access: HashMap<String, AccessToken>,
    refresh: HashMap<String, RefreshToken>,
    codes: HashMap<String, AuthCode>,
    pending: HashMap<String, (AuthRequest, i64)>,
    custom_grants: HashMap<String, String>,
    /// What a grace-window refresh returns, and whether a revoked grant's access tokens still work.
    unknowns: Unknowns,
}

pub(crate) fn get<'a>(q: &'a [(String, String)], k: &str) -> Option<&'a str> {
    q.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str())
}

fn random_token(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut b);
    URL_SAFE_NO_PAD.encode(b)
}

fn uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

fn jwt(payload: &Value) -> String {
    let header = json!({"alg": "RS256", "kid": "xero-sim", "typ": "JWT"});
    format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(payload.to_string()),
        random_token(64)
    )
}

/// `base64url(sha256(verifier))`, the S256 code challenge.
pub fn pkce_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

impl Identity {
    pub(crate) fn new(
        issuer: String,
        apps: Vec<AppConfig>,
        orgs: Vec<(String, String)>,
        lifetimes: Lifetimes,
        consent: ConsentMode,
        consent_tenants: Option<Vec<String>>,
        unknowns: Unknowns,
    ) -> Self {
        Identity {
            unknowns,
            issuer,
            apps,
            orgs,
            lifetimes,
            consent,
            consent_tenants,
            user_id: uuid(),
            session_id: uuid().replace('-', ""),
            grants: HashMap::new(),
            connections: Vec::new(),
            access: HashMap::new(),
            refresh: HashMap::new(),
            codes: HashMap::new(),
            pending: HashMap::new(),
            custom_grants: HashMap::new(),
        }
    }

    fn app(&self, client_id: &str) -> Option<&AppConfig> {
        self.apps.iter().find(|a| a.client_id == client_id)
    }

    /// A tenant id or an organisation name → `(tenant_id, name)`.
    fn resolve_org(&self, id_or_name: &str) -> Option<(String, String)> {
        self.orgs.iter().find(|(id, name)| id.eq_ignore_ascii_case(id_or_name) || name == id_or_name).cloned()
    }

    fn check_scopes(app: &AppConfig, scope: &str) -> Result<Vec<String>, String> {
        let mut out: Vec<String> = Vec::new();
        for s in scope.split_whitespace() {
            if !KNOWN_SCOPES.contains(&s) {
                return Err(format!("Unknown scope: {s}"));
            }
            if app.scope_model == ScopeModel::Granular && BROAD_ONLY.contains(&s) {
                return Err(format!("Invalid scope for client: {s}"));
            }
            if !out.iter().any(|o| o == s) {
                out.push(s.to_string());
            }
        }
        if out.is_empty() {
            return Err("No scope requested".into());
        }
        Ok(out)
    }
}
