//! Identity: apps, consent, authorization codes, access/refresh/id tokens, grants and connections.
//!
//! One simulated user. A *grant* is one consent (one `authentication_event_id`); connections are per
//! (app, tenant) and belong to the grant that last connected them. Revoking a grant removes its tokens and
//! its connections.

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use rand::RngCore;
use serde::Serialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::clock::{Clock, connection_date, secs};
use crate::config::{AppConfig, ConsentMode, GraceRefresh, GrantType, Lifetimes, RevokedAccess, ScopeModel, Unknowns};
use crate::stats::Stats;

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

fn oauth_error(code: &str) -> (u16, Value) {
    (400, json!({ "error": code }))
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

pub(crate) fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

fn error_page(message: &str) -> Page {
    Page::Html(
        400,
        format!(
            "<!DOCTYPE html><html><head><title>Xero | Error</title></head><body><h1>Sorry, something went wrong</h1>\
             <p id=\"error\">{}</p></body></html>",
            html_escape(message)
        ),
    )
}

fn with_query(uri: &str, pairs: &[(&str, &str)]) -> String {
    match url::Url::parse(uri) {
        Ok(mut u) => {
            {
                let mut q = u.query_pairs_mut();
                for (k, v) in pairs {
                    q.append_pair(k, v);
                }
            }
            u.to_string()
        }
        Err(_) => {
            let q: String = form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish();
            format!("{uri}{}{q}", if uri.contains('?') { '&' } else { '?' })
        }
    }
}

fn error_redirect(req_uri: &str, error: &str, description: &str, state: Option<&str>) -> Page {
    let mut pairs = vec![("error", error), ("error_description", description)];
    if let Some(s) = state {
        pairs.push(("state", s));
    }
    Page::Redirect(with_query(req_uri, &pairs))
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

    // ----- authorize -----

    /// `GET /identity/connect/authorize`.
    pub(crate) fn authorize(&mut self, q: &[(String, String)], now: i64) -> Page {
        let Some(client_id) = get(q, "client_id") else {
            return error_page("unauthorized_client: client_id is missing");
        };
        let Some(app) = self.app(client_id).cloned() else {
            return error_page("unauthorized_client: Unknown client or client not enabled");
        };
        let redirect_uri = get(q, "redirect_uri").unwrap_or_default();
        if !app.redirect_uris.iter().any(|u| u == redirect_uri) {
            return error_page("invalid_request: Invalid redirect_uri");
        }
        let state = get(q, "state");
        let fail = |e: &str, d: &str| error_redirect(redirect_uri, e, d, state);
        if get(q, "response_type") != Some("code") {
            return fail("unsupported_response_type", "response_type must be code");
        }
        if !app.has_grant(GrantType::AuthorizationCode) {
            return fail("unauthorized_client", "The client is not allowed the authorization code flow");
        }
        let scopes = match Self::check_scopes(&app, get(q, "scope").unwrap_or_default()) {
            Ok(s) => s,
            Err(d) => return fail("invalid_scope", &d),
        };
        let challenge = get(q, "code_challenge").filter(|c| !c.is_empty());
        if let Some(c) = challenge {
            if get(q, "code_challenge_method") != Some("S256") {
                return fail("invalid_request", "code_challenge_method must be S256");
            }
            if c.len() != 43 {
                return fail("invalid_request", "code_challenge must be a base64url SHA-256 (43 characters)");
            }
        } else if app.client_secret.is_none() {
            return fail("invalid_request", "code_challenge is required for this client");
        }
        let req = AuthRequest {
            client_id: app.client_id.clone(),
            redirect_uri: redirect_uri.to_string(),
            scopes,
            state: state.map(str::to_string),
            challenge: challenge.map(str::to_string),
            nonce: get(q, "nonce").map(str::to_string),
        };
        match self.consent {
            ConsentMode::Deny => fail("access_denied", "The user denied the request"),
            ConsentMode::Auto => {
                let tenants: Vec<(String, String)> = match &self.consent_tenants {
                    None => self.orgs.clone(),
                    Some(list) => list.iter().filter_map(|t| self.resolve_org(t)).collect(),
                };
                Page::Redirect(self.consent_given(&req, &tenants, now))
            }
            ConsentMode::Page => {
                let id = random_token(16);
                self.pending.retain(|_, (_, exp)| *exp > now);
                self.pending.insert(id.clone(), (req.clone(), now + secs(3600)));
                Page::Html(200, self.consent_page(&id, &app))
            }
        }
    }

    fn consent_page(&self, request_id: &str, app: &AppConfig) -> String {
        let mut orgs = String::new();
        for (i, (id, name)) in self.orgs.iter().enumerate() {
            orgs.push_str(&format!(
                "<li><label><input type=\"checkbox\" name=\"tenant\" value=\"{}\"{}> {}</label></li>",
                html_escape(id),
                if i == 0 { " checked" } else { "" },
                html_escape(name)
            ));
        }
        format!(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Xero | Authorise {app}</title></head><body>\
             <h1>{app} wants to access your Xero data</h1>\
             <form method=\"post\" action=\"/identity/connect/consent\">\
             <input type=\"hidden\" name=\"request\" value=\"{rid}\"><ul>{orgs}</ul>\
             <button type=\"submit\" name=\"action\" value=\"allow\">Allow access</button> \
             <button type=\"submit\" name=\"action\" value=\"cancel\">Cancel</button></form></body></html>",
            app = html_escape(&app.client_id),
            rid = html_escape(request_id),
        )
    }

    /// `POST /identity/connect/consent` (the consent page's form).
    pub(crate) fn consent_submit(&mut self, form: &[(String, String)], now: i64) -> Page {
        let Some(id) = get(form, "request") else {
            return error_page("invalid_request: consent request is missing");
        };
        let Some((req, exp)) = self.pending.remove(id) else {
            return error_page("invalid_request: consent request is unknown or already answered");
        };
        if exp <= now {
            return error_page("invalid_request: consent request expired");
        }
        if get(form, "action") != Some("allow") {
            return error_redirect(
                &req.redirect_uri,
                "access_denied",
                "The user denied the request",
                req.state.as_deref(),
            );
        }
        let tenants: Vec<(String, String)> =
            form.iter().filter(|(k, _)| k == "tenant").filter_map(|(_, v)| self.resolve_org(v)).collect();
        Page::Redirect(self.consent_given(&req, &tenants, now))
    }

    fn connect(&mut self, client_id: &str, grant_id: &str, auth_event_id: &str, tenant: &(String, String), now: i64) {
        match self.connections.iter_mut().find(|c| c.client_id == client_id && c.tenant_id == tenant.0) {
            Some(c) => {
                c.grant_id = grant_id.to_string();
                c.auth_event_id = auth_event_id.to_string();
                c.updated_ms = now;
            }
            None => self.connections.push(Connection {
                id: uuid(),
                client_id: client_id.to_string(),
                auth_event_id: auth_event_id.to_string(),
                tenant_id: tenant.0.clone(),
                tenant_name: tenant.1.clone(),
                created_ms: now,
                updated_ms: now,
                grant_id: grant_id.to_string(),
            }),
        }
    }

    /// Creates the grant and its connections, and the code; returns the redirect.
    fn consent_given(&mut self, req: &AuthRequest, tenants: &[(String, String)], now: i64) -> String {
        let grant_id = uuid();
        let auth_event_id = uuid();
        self.grants.insert(
            grant_id.clone(),
            Grant {
                client_id: req.client_id.clone(),
                scopes: req.scopes.clone(),
                auth_event_id: auth_event_id.clone(),
                revoked: false,
            },
        );
        for t in tenants {
            self.connect(&req.client_id, &grant_id, &auth_event_id, t, now);
        }
        let code = random_token(32);
        self.codes.retain(|_, c| c.expires_ms > now - secs(86_400));
        self.codes.insert(
            code.clone(),
            AuthCode {
                client_id: req.client_id.clone(),
                redirect_uri: req.redirect_uri.clone(),
                grant_id,
                challenge: req.challenge.clone(),
                nonce: req.nonce.clone(),
                expires_ms: now + secs(self.lifetimes.code_secs),
                used: false,
            },
        );
        let scope = req.scopes.join(" ");
        let mut pairs = vec![("code", code.as_str()), ("scope", scope.as_str())];
        if let Some(s) = &req.state {
            pairs.push(("state", s));
        }
        pairs.push(("session_state", &self.session_id));
        with_query(&req.redirect_uri, &pairs)
    }

    // ----- token endpoint -----

    fn client_auth(&self, basic: Option<&str>, form: &[(String, String)]) -> Result<AppConfig, (u16, Value)> {
        let (id, secret) = match basic {
            Some(b) => {
                let decoded = STANDARD.decode(b.trim()).ok().and_then(|d| String::from_utf8(d).ok());
                let Some((id, secret)) = decoded.as_deref().and_then(|d| d.split_once(':')) else {
                    return Err(oauth_error("invalid_client"));
                };
                let dec =
                    |s: &str| form_urlencoded::parse(format!("x={s}").as_bytes()).next().map(|(_, v)| v.into_owned());
                (dec(id), dec(secret))
            }
            None => (get(form, "client_id").map(str::to_string), get(form, "client_secret").map(str::to_string)),
        };
        let Some(app) = id.as_deref().and_then(|id| self.app(id)) else {
            return Err(oauth_error("invalid_client"));
        };
        match &app.client_secret {
            Some(s) if secret.as_deref() != Some(s.as_str()) => Err(oauth_error("invalid_client")),
            _ => Ok(app.clone()),
        }
    }

    fn new_access(&mut self, grant_id: &str, scopes: &[String], custom_tenant: Option<String>, now: i64) -> String {
        let g = &self.grants[grant_id];
        let expires_ms = now + secs(self.lifetimes.access_token_secs);
        let payload = json!({
            "nbf": now / 1000,
            "exp": expires_ms / 1000,
            "iss": self.issuer,
            "aud": format!("{}/resources", self.issuer),
            "client_id": g.client_id,
            "sub": self.user_id.replace('-', ""),
            "auth_time": now / 1000,
            "xero_userid": self.user_id,
            "global_session_id": self.session_id,
            "sid": self.session_id,
            "jti": random_token(16),
            "authentication_event_id": g.auth_event_id,
            "scope": scopes,
        });
        let token = jwt(&payload);
        if self.access.len() > 20_000 {
            let horizon = now - secs(86_400);
            self.access.retain(|_, t| t.expires_ms > horizon);
        }
        self.access.insert(
            token.clone(),
            AccessToken {
                grant_id: grant_id.to_string(),
                client_id: g.client_id.clone(),
                scopes: scopes.to_vec(),
                expires_ms,
                custom_tenant,
            },
        );
        token
    }

    fn new_refresh(&mut self, grant_id: &str, client_id: &str, now: i64) -> String {
        let token = random_token(32);
        self.refresh.insert(
            token.clone(),
            RefreshToken {
                grant_id: grant_id.to_string(),
                client_id: client_id.to_string(),
                expires_ms: now + secs(self.lifetimes.refresh_token_secs),
                successor: None,
            },
        );
        token
    }

    fn id_token(&self, grant_id: &str, nonce: Option<&str>, now: i64) -> String {
        let g = &self.grants[grant_id];
        let mut p = json!({
            "nbf": now / 1000,
            "exp": (now + secs(self.lifetimes.id_token_secs)) / 1000,
            "iss": self.issuer,
            "aud": g.client_id,
            "iat": now / 1000,
            "at_hash": random_token(16),
            "sid": self.session_id,
            "sub": self.user_id.replace('-', ""),
            "auth_time": now / 1000,
            "xero_userid": self.user_id,
            "global_session_id": self.session_id,
            "preferred_username": "sim.user@example.com",
            "email": "sim.user@example.com",
            "given_name": "Sim",
            "family_name": "User",
        });
        if let Some(n) = nonce {
            p["nonce"] = json!(n);
        }
        jwt(&p)
    }

    fn token_response(
        &self,
        access: String,
        refresh: Option<String>,
        id_token: Option<String>,
        scopes: &[String],
        clock: &Clock,
    ) -> (u16, Value) {
        let mut body = json!({
            "access_token": access,
            "expires_in": clock.real_secs(secs(self.lifetimes.access_token_secs)),
            "token_type": "Bearer",
            "scope": scopes.join(" "),
        });
        if let Some(r) = refresh {
            body["refresh_token"] = json!(r);
        }
        if let Some(i) = id_token {
            body["id_token"] = json!(i);
        }
        (200, body)
    }

    /// `POST /connect/token`.
    pub(crate) fn token(
        &mut self,
        basic: Option<&str>,
        form: &[(String, String)],
        clock: &Clock,
        stats: &Stats,
    ) -> (u16, Value) {
        let now = clock.now_ms();
        let app = match self.client_auth(basic, form) {
            Ok(a) => a,
            Err(e) => return e,
        };
        let grant_type = get(form, "grant_type").unwrap_or_default();
        let out = match grant_type {
            "authorization_code" => self.code_grant(&app, form, now, clock),
            "refresh_token" => self.refresh_grant(&app, form, now, clock, stats),
            "client_credentials" => self.client_credentials(&app, form, now, clock),
            "" => oauth_error("invalid_request"),
            _ => oauth_error("unsupported_grant_type"),
        };
        if out.0 == 200 {
            stats.grant(grant_type);
        } else if out.1["error"] == "invalid_grant" {
            stats.invalid_grant();
        }
        out
    }

    fn code_grant(&mut self, app: &AppConfig, form: &[(String, String)], now: i64, clock: &Clock) -> (u16, Value) {
        if !app.has_grant(GrantType::AuthorizationCode) {
            return oauth_error("unauthorized_client");
        }
        let Some(code) = get(form, "code") else {
            return oauth_error("invalid_request");
        };
        let Some(c) = self.codes.get_mut(code) else {
            return oauth_error("invalid_grant");
        };
        if c.used || c.expires_ms <= now || c.client_id != app.client_id {
            return oauth_error("invalid_grant");
        }
        // A failed attempt burns the code too (it is single-use whatever happens).
        c.used = true;
        if get(form, "redirect_uri") != Some(c.redirect_uri.as_str()) {
            return oauth_error("invalid_grant");
        }
        if let Some(ch) = &c.challenge {
            match get(form, "code_verifier") {
                Some(v) if (43..=128).contains(&v.len()) && &pkce_challenge(v) == ch => {}
                _ => return oauth_error("invalid_grant"),
            }
        }
        let (grant_id, nonce) = (c.grant_id.clone(), c.nonce.clone());
        let g = &self.grants[&grant_id];
        if g.revoked {
            return oauth_error("invalid_grant");
        }
        let scopes = g.scopes.clone();
        let access = self.new_access(&grant_id, &scopes, None, now);
        let refresh =
            scopes.iter().any(|s| s == "offline_access").then(|| self.new_refresh(&grant_id, &app.client_id, now));
        let id_token = scopes.iter().any(|s| s == "openid").then(|| self.id_token(&grant_id, nonce.as_deref(), now));
        self.token_response(access, refresh, id_token, &scopes, clock)
    }

    fn refresh_grant(
        &mut self,
        app: &AppConfig,
        form: &[(String, String)],
        now: i64,
        clock: &Clock,
        stats: &Stats,
    ) -> (u16, Value) {
        let Some(rt) = get(form, "refresh_token") else {
            return oauth_error("invalid_request");
        };
        let grace = secs(self.lifetimes.refresh_grace_secs);
        let Some(r) = self.refresh.get(rt) else {
            return oauth_error("invalid_grant");
        };
        if r.client_id != app.client_id || r.expires_ms <= now || self.grants[&r.grant_id].revoked {
            return oauth_error("invalid_grant");
        }
        let grant_id = r.grant_id.clone();
        let prior = r.successor.clone();
        let (successor, from_grace) = match &prior {
            Some((s, at)) if now < at + grace && self.refresh.contains_key(s) => match self.unknowns.grace_refresh {
                GraceRefresh::SameSuccessor => (s.clone(), true),
                GraceRefresh::NewSuccessor => (self.replace_successor(rt, &grant_id, &app.client_id, now), true),
            },
            Some(_) => return oauth_error("invalid_grant"),
            None => {
                let s = self.new_refresh(&grant_id, &app.client_id, now);
                if let Some(r) = self.refresh.get_mut(rt) {
                    r.successor = Some((s.clone(), now));
                }
                (s, false)
            }
        };
        stats.with(|c| {
            c.refreshes += 1;
            if from_grace {
                c.refreshes_from_grace += 1;
            }
        });
        let scopes = self.grants[&grant_id].scopes.clone();
        let access = self.new_access(&grant_id, &scopes, None, now);
        let id_token = scopes.iter().any(|s| s == "openid").then(|| self.id_token(&grant_id, None, now));
        self.token_response(access, Some(successor), id_token, &scopes, clock)
    }

    /// A grace-window retry answered with a new successor: the one issued before stops working, so only the
    /// newest is valid (one of the two ways Xero may behave; sim/README.md, "Unknowns"). The grace window still
    /// counts from the first use.
    fn replace_successor(&mut self, used: &str, grant_id: &str, client_id: &str, now: i64) -> String {
        let fresh = self.new_refresh(grant_id, client_id, now);
        if let Some(r) = self.refresh.get_mut(used) {
            if let Some((old, _)) = r.successor.as_mut() {
                let old = std::mem::replace(old, fresh.clone());
                self.refresh.remove(&old);
            }
        }
        fresh
    }

    fn client_credentials(
        &mut self,
        app: &AppConfig,
        form: &[(String, String)],
        now: i64,
        clock: &Clock,
    ) -> (u16, Value) {
        if !app.has_grant(GrantType::ClientCredentials) {
            return oauth_error("unauthorized_client");
        }
        let scopes = match get(form, "scope").filter(|s| !s.trim().is_empty()) {
            Some(s) => match Self::check_scopes(app, s) {
                Ok(s) => s,
                Err(_) => return oauth_error("invalid_scope"),
            },
            None => app.custom_connection_scopes.clone(),
        };
        let tenant = match &app.custom_connection_tenant {
            Some(t) => self.resolve_org(t),
            None => self.orgs.first().cloned(),
        };
        let Some(tenant) = tenant else {
            return oauth_error("invalid_request");
        };
        let existing = self.custom_grants.get(&app.client_id).filter(|g| !self.grants[*g].revoked).cloned();
        let grant_id = match existing {
            Some(g) => g,
            None => {
                let g = uuid();
                self.grants.insert(
                    g.clone(),
                    Grant {
                        client_id: app.client_id.clone(),
                        scopes: scopes.clone(),
                        auth_event_id: uuid(),
                        revoked: false,
                    },
                );
                self.custom_grants.insert(app.client_id.clone(), g.clone());
                g
            }
        };
        if !self.connections.iter().any(|c| c.client_id == app.client_id && c.tenant_id == tenant.0) {
            let ev = self.grants[&grant_id].auth_event_id.clone();
            self.connect(&app.client_id, &grant_id, &ev, &tenant, now);
        }
        let access = self.new_access(&grant_id, &scopes, Some(tenant.0), now);
        self.token_response(access, None, None, &scopes, clock)
    }

    /// `POST /connect/revocation`: revokes the grant of a refresh (or access) token. Unknown tokens: 200 too.
    pub(crate) fn revoke(&mut self, basic: Option<&str>, form: &[(String, String)]) -> (u16, Value) {
        let app = match self.client_auth(basic, form) {
            Ok(a) => a,
            Err(e) => return e,
        };
        let Some(token) = get(form, "token") else {
            return oauth_error("invalid_request");
        };
        let grant = match (self.refresh.get(token), self.access.get(token)) {
            (Some(r), _) if r.client_id == app.client_id => Some(r.grant_id.clone()),
            (_, Some(a)) if a.client_id == app.client_id => Some(a.grant_id.clone()),
            _ => None,
        };
        if let Some(g) = grant {
            self.revoke_grant(&g);
        }
        (200, Value::Null)
    }

    fn revoke_grant(&mut self, grant_id: &str) {
        if let Some(g) = self.grants.get_mut(grant_id) {
            g.revoked = true;
        }
        self.connections.retain(|c| c.grant_id != grant_id);
        self.refresh.retain(|_, r| r.grant_id != grant_id);
        self.custom_grants.retain(|_, g| g != grant_id);
    }

    // ----- bearer tokens and connections -----

    pub(crate) fn authenticate(&self, token: &str, now: i64) -> Result<AccessToken, AuthError> {
        let Some(t) = self.access.get(token) else {
            return Err(AuthError::Unknown);
        };
        let revoked = self.grants.get(&t.grant_id).is_none_or(|g| g.revoked);
        if revoked && self.unknowns.revoked_access == RevokedAccess::Refused {
            return Err(AuthError::Unknown);
        }
        if t.expires_ms <= now {
            return Err(AuthError::Expired(t.expires_ms));
        }
        Ok(t.clone())
    }

    /// The tenant an Accounting call acts on, if the token may reach it.
    pub(crate) fn tenant_for(&self, tok: &AccessToken, header: Option<&str>) -> Option<String> {
        let tenant = match (&tok.custom_tenant, header) {
            (Some(ct), None) => ct.clone(),
            (Some(ct), Some(h)) if h.eq_ignore_ascii_case(ct) => ct.clone(),
            (Some(_), Some(_)) => return None,
            (None, Some(h)) => h.to_ascii_lowercase(),
            (None, None) => return None,
        };
        self.connections
            .iter()
            .find(|c| c.client_id == tok.client_id && c.tenant_id.eq_ignore_ascii_case(&tenant))
            .map(|c| c.tenant_id.clone())
    }

    /// `GET /connections` for this token.
    pub(crate) fn connections_of(&self, tok: &AccessToken, auth_event_id: Option<&str>) -> Vec<Value> {
        self.connections
            .iter()
            .filter(|c| c.client_id == tok.client_id)
            .filter(|c| tok.custom_tenant.as_ref().is_none_or(|t| t == &c.tenant_id))
            .filter(|c| auth_event_id.is_none_or(|e| c.auth_event_id.eq_ignore_ascii_case(e)))
            .map(Connection::to_xero)
            .collect()
    }

    /// `DELETE /connections/{id}`.
    pub(crate) fn delete_connection(&mut self, tok: &AccessToken, id: &str) -> bool {
        let before = self.connections.len();
        self.connections.retain(|c| !(c.client_id == tok.client_id && c.id.eq_ignore_ascii_case(id)));
        before != self.connections.len()
    }

    // ----- control -----

    pub(crate) fn all_connections(&self) -> Vec<Connection> {
        self.connections.clone()
    }

    /// Removes connections to `tenant` (of one app or all), as if disconnected from Xero's side.
    pub(crate) fn revoke_tenant(&mut self, tenant: &str, client_id: Option<&str>) -> usize {
        let before = self.connections.len();
        self.connections
            .retain(|c| !(c.tenant_id.eq_ignore_ascii_case(tenant) && client_id.is_none_or(|id| id == c.client_id)));
        before - self.connections.len()
    }

    /// Makes every access token expired as of `now`.
    pub(crate) fn expire_access_tokens(&mut self, now: i64) -> usize {
        let mut n = 0;
        for t in self.access.values_mut() {
            if t.expires_ms > now {
                t.expires_ms = now;
                n += 1;
            }
        }
        n
    }
}
