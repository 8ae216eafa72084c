//! The HTTP server: one port, Xero's own paths, plus the control endpoint under `/_sim/`.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderMap, HeaderValue, LOCATION};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use parking_lot::Mutex;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::accounting::{self, ApiRequest, Organisation};
use crate::clock::{Clock, rfc3339, secs};
use crate::config::SimConfig;
use crate::faults::{FaultKind, FaultSpec, Faults};
use crate::idempotency::{self, Lookup, Stored};
use crate::identity::{AuthError, Identity, Page, get};
use crate::limits::{Limits, Remaining};
use crate::stats::{Stats, normalise};

pub(crate) type Resp = Response<Full<Bytes>>;

/// Largest request body read at all (Xero's Files API takes 10 MB; the Accounting API's own limit is
/// `SimConfig::max_request_bytes`).
const MAX_BODY: usize = 10 * 1024 * 1024;
const API_PREFIX: &str = "/api.xro/2.0";
const JSON: &str = "application/json; charset=utf-8";

/// Returned by the service to make hyper close the connection without a response.
#[derive(Debug)]
pub(crate) struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped on purpose (fault injection)")
    }
}

impl std::error::Error for Dropped {}

pub(crate) struct OrgEntry {
    pub tenant_id: String,
    pub name: String,
    pub org: Mutex<Organisation>,
}

/// The whole simulator's state.
pub(crate) struct Sim {
    pub base_url: String,
    pub cfg: SimConfig,
    pub clock: Clock,
    pub identity: Mutex<Identity>,
    pub orgs: Vec<OrgEntry>,
    pub limits: Mutex<Limits>,
    pub idem: Mutex<idempotency::Store>,
    pub faults: Mutex<Faults>,
    pub stats: Stats,
}

impl Sim {
    pub(crate) fn new(cfg: SimConfig, base_url: String) -> Self {
        let orgs: Vec<OrgEntry> = cfg
            .organisations
            .iter()
            .map(|seed| {
                let mut org = Organisation::new(seed);
                org.set_spec_validation(cfg.validate_spec);
                org.half_cent = cfg.unknowns.half_cent;
                OrgEntry { tenant_id: org.tenant_id.clone(), name: org.name.clone(), org: Mutex::new(org) }
            })
            .collect();
        let identity = Identity::new(
            base_url.clone(),
            cfg.apps.clone(),
            orgs.iter().map(|o| (o.tenant_id.clone(), o.name.clone())).collect(),
            cfg.lifetimes.clone(),
            cfg.consent,
            cfg.consent_tenants.clone(),
            cfg.unknowns,
        );
        Sim {
            clock: Clock::new(cfg.time_scale),
            identity: Mutex::new(identity),
            limits: Mutex::new(Limits::new(cfg.limits.clone())),
            idem: Mutex::new(idempotency::Store::new(secs(cfg.idempotency_retention_secs))),
            faults: Mutex::new(Faults::new()),
            stats: Stats::default(),
            orgs,
            base_url,
            cfg,
        }
    }

    pub(crate) fn org(&self, tenant_id: &str) -> Option<&OrgEntry> {
        self.orgs.iter().find(|o| o.tenant_id.eq_ignore_ascii_case(tenant_id))
    }

    fn take_fault(&self, method: &str, path: &str) -> Option<FaultSpec> {
        let f = self.faults.lock().take(method, path);
        if let Some(f) = &f {
            self.stats.fault(f.kind.name());
        }
        f
    }
}

// ----- responses -----

fn respond(status: u16, content_type: &str, body: impl Into<Bytes>) -> Resp {
    let mut r = Response::new(Full::new(body.into()));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    r.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_str(content_type).expect("a valid content type"));
    r
}

pub(crate) fn json_resp(status: u16, body: &Value) -> Resp {
    respond(status, JSON, serde_json::to_vec(body).unwrap_or_default())
}

fn empty(status: u16) -> Resp {
    let mut r = Response::new(Full::new(Bytes::new()));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    r
}

fn header(r: &mut Resp, name: &'static str, value: impl ToString) {
    if let Ok(v) = HeaderValue::from_str(&value.to_string()) {
        r.headers_mut().insert(name, v);
    }
}

/// Xero's problem-details error body (401, 403, 429, 500).
fn problem(status: u16, title: &str, detail: &str) -> Value {
    json!({
        "Type": null,
        "Title": title,
        "Status": status,
        "Detail": detail,
        "Instance": uuid::Uuid::new_v4().to_string(),
        "Extensions": {},
    })
}

fn unauthorized(detail: &str) -> Resp {
    json_resp(401, &problem(401, "Unauthorized", detail))
}

fn forbidden() -> Resp {
    json_resp(403, &problem(403, "Forbidden", "AuthenticationUnsuccessful"))
}

/// A request body over the Accounting API's limit: "A single POST to the Accounting or Payroll APIs has a size
/// limit of 3.5MB" (developer.xero.com/documentation/auth-and-limits/xero-api-limits), answered as Xero answered
/// an attachment over its limit: 413 `{"Title":"RequestEntityTooLarge","Detail":"PayloadTooLarge"}`
/// (XeroAPI/Xero-Java#349). Refused before authentication, as a front end refuses it; not counted.
fn too_large() -> Resp {
    json_resp(413, &problem(413, "RequestEntityTooLarge", "PayloadTooLarge"))
}

fn validation_error(message: &str) -> Value {
    json!({ "ErrorNumber": 10, "Type": "ValidationException", "Message": message })
}

fn rate_limited(problem_name: &str, retry_after_real_secs: Option<u64>) -> Resp {
    let mut r = json_resp(
        429,
        &problem(429, "Too Many Requests", &format!("Rate limit exceeded: {problem_name} limit reached")),
    );
    header(&mut r, "X-Rate-Limit-Problem", problem_name);
    if let Some(s) = retry_after_real_secs {
        header(&mut r, "Retry-After", s);
    }
    r
}

/// Adds the `X-*Limit-Remaining` headers, when the limits are on (`None` when they are off: a client pacing
/// to them would wait for budgets nothing enforces).
fn with_limits(mut r: Resp, rem: Option<Remaining>) -> Resp {
    if let Some(rem) = rem {
        header(&mut r, "X-MinLimit-Remaining", rem.minute);
        header(&mut r, "X-DayLimit-Remaining", rem.day);
        header(&mut r, "X-AppMinLimit-Remaining", rem.app_minute);
    }
    r
}

fn page(p: Page) -> Resp {
    match p {
        Page::Html(status, html) => respond(status, "text/html; charset=utf-8", html),
        Page::Redirect(url) => {
            let mut r = empty(302);
            header(&mut r, LOCATION.as_str(), url);
            r
        }
    }
}

fn not_found() -> Resp {
    json_resp(404, &problem(404, "Not Found", "The resource you have specified cannot be found"))
}

// ----- faults -----

enum Pre {
    Respond(Resp),
    Continue { drop_after: bool },
}

async fn apply_fault(fault: Option<FaultSpec>) -> Result<Pre, Dropped> {
    let Some(f) = fault else {
        return Ok(Pre::Continue { drop_after: false });
    };
    Ok(match f.kind {
        FaultKind::Delay => {
            tokio::time::sleep(Duration::from_millis(f.delay_ms.unwrap_or(1000))).await;
            Pre::Continue { drop_after: false }
        }
        FaultKind::DropBefore => return Err(Dropped),
        FaultKind::DropAfter => Pre::Continue { drop_after: true },
        FaultKind::Error500 => Pre::Respond(json_resp(
            500,
            &problem(
                500,
                "An error occurred",
                "An error occurred in Xero. Check the API Status page http://status.developer.xero.com for current service status.",
            ),
        )),
        FaultKind::Maintenance503 => {
            Pre::Respond(respond(503, "text/plain; charset=utf-8", "The Xero API is currently offline for maintenance"))
        }
        FaultKind::OrgOffline503 => Pre::Respond(respond(
            503,
            "text/plain; charset=utf-8",
            "The organisation temporarily cannot be connected to",
        )),
        FaultKind::RateLimit429 => {
            let problem_name = f.problem.unwrap_or_else(|| "minute".into());
            let retry = (problem_name != "concurrent").then(|| f.retry_after_secs.unwrap_or(60));
            Pre::Respond(rate_limited(&problem_name, retry))
        }
    })
}

// ----- the service -----

pub(crate) async fn run(sim: Arc<Sim>, listener: TcpListener, mut stop: oneshot::Receiver<()>) {
    loop {
        tokio::select! {
            _ = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    let sim = sim.clone();
                    tokio::spawn(async move {
                        let svc = service_fn(move |req| serve(sim.clone(), req));
                        let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), svc).await;
                    });
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
        }
    }
}

async fn serve(sim: Arc<Sim>, req: Request<Incoming>) -> Result<Resp, Dropped> {
    let method = req.method().as_str().to_string();
    let path = req.uri().path().to_string();
    let query = req.uri().query().unwrap_or("").to_string();
    let (parts, body) = req.into_parts();
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => {
            return Ok(respond(413, "text/plain; charset=utf-8", "Request entity too large"));
        }
    };
    if path == "/_sim" || path.starts_with("/_sim/") {
        return Ok(crate::control::handle(&sim, &method, &path, &query, &body));
    }
    sim.stats.call(&normalise(&method, &path));
    let is_api = path.len() >= API_PREFIX.len()
        && path[..API_PREFIX.len()].eq_ignore_ascii_case(API_PREFIX)
        && (path.len() == API_PREFIX.len() || path.as_bytes()[API_PREFIX.len()] == b'/');
    let out = if is_api {
        api(&sim, &method, &path, &query, &parts.headers, body).await
    } else {
        let fault = sim.take_fault(&method, &path);
        match apply_fault(fault).await? {
            Pre::Respond(r) => Ok(r),
            Pre::Continue { drop_after } => {
                let r = identity_route(&sim, &method, &path, &query, &parts.headers, &body);
                if drop_after { Err(Dropped) } else { Ok(r) }
            }
        }
    };
    if let Ok(r) = &out {
        sim.stats.status(r.status().as_u16());
    }
    out
}

fn parse_pairs(s: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(s).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

fn auth_param<'a>(headers: &'a HeaderMap, scheme: &str) -> Option<&'a str> {
    let v = headers.get(hyper::header::AUTHORIZATION)?.to_str().ok()?;
    let (s, rest) = v.split_once(' ')?;
    s.eq_ignore_ascii_case(scheme).then(|| rest.trim())
}

fn identity_route(sim: &Sim, method: &str, path: &str, query: &str, headers: &HeaderMap, body: &[u8]) -> Resp {
    let now = sim.clock.now_ms();
    let lower = path.to_ascii_lowercase();
    let lower = lower.trim_end_matches('/');
    match (method, lower) {
        ("GET", "/identity/connect/authorize") => {
            page(sim.identity.lock().authorize(&parse_pairs(query.as_bytes()), now))
        }
        ("POST", "/identity/connect/consent") => page(sim.identity.lock().consent_submit(&parse_pairs(body), now)),
        ("POST", "/connect/token") => {
            let form = parse_pairs(body);
            let (status, v) = sim.identity.lock().token(auth_param(headers, "Basic"), &form, &sim.clock, &sim.stats);
            let mut r = json_resp(status, &v);
            header(&mut r, CACHE_CONTROL.as_str(), "no-store");
            r
        }
        ("POST", "/connect/revocation") => {
            let form = parse_pairs(body);
            match sim.identity.lock().revoke(auth_param(headers, "Basic"), &form) {
                (200, _) => empty(200),
                (s, v) => json_resp(s, &v),
            }
        }
        ("GET", "/.well-known/openid-configuration") => json_resp(200, &openid_configuration(&sim.base_url)),
        ("GET", "/.well-known/openid-configuration/jwks") => json_resp(200, &json!({ "keys": [] })),
        ("GET", "/connections") => {
            let Some(token) = auth_param(headers, "Bearer") else {
                return unauthorized("AuthenticationUnsuccessful");
            };
            let id = sim.identity.lock();
            match id.authenticate(token, now) {
                Ok(tok) => {
                    let q = parse_pairs(query.as_bytes());
                    json_resp(200, &Value::Array(id.connections_of(&tok, get(&q, "authEventId"))))
                }
                Err(e) => auth_error(e),
            }
        }
        ("DELETE", p) if p.starts_with("/connections/") => {
            let Some(token) = auth_param(headers, "Bearer") else {
                return unauthorized("AuthenticationUnsuccessful");
            };
            let mut id = sim.identity.lock();
            match id.authenticate(token, now) {
                Ok(tok) => {
                    if id.delete_connection(&tok, &path["/connections/".len()..]) {
                        empty(204)
                    } else {
                        not_found()
                    }
                }
                Err(e) => auth_error(e),
            }
        }
        (
            _,
            "/identity/connect/authorize"
            | "/identity/connect/consent"
            | "/connect/token"
            | "/connect/revocation"
            | "/connections",
        ) => empty(405),
        _ => not_found(),
    }
}

fn auth_error(e: AuthError) -> Resp {
    match e {
        AuthError::Unknown => unauthorized("AuthenticationUnsuccessful"),
        AuthError::Expired(at) => unauthorized(&format!("TokenExpired: token expired at {}", rfc3339(at))),
    }
}

pub(crate) fn openid_configuration(base: &str) -> Value {
    json!({
        "issuer": base,
        "authorization_endpoint": format!("{base}/identity/connect/authorize"),
        "token_endpoint": format!("{base}/connect/token"),
        "revocation_endpoint": format!("{base}/connect/revocation"),
        "jwks_uri": format!("{base}/.well-known/openid-configuration/jwks"),
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
    })
}

/// The token must hold at least one of the required scopes (none required: always allowed).
fn scopes_allow(required: &[&str], held: &[String]) -> bool {
    required.is_empty() || required.iter().any(|r| held.iter().any(|s| s == r))
}

/// Frees the tenant's concurrency slot when the request ends (also when the connection drops).
struct Slot<'a> {
    sim: &'a Sim,
    client: String,
    tenant: String,
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        let n = self.sim.limits.lock().release(&self.client, &self.tenant);
        self.sim.stats.with(|c| {
            c.in_flight.insert(self.tenant.clone(), n);
        });
    }
}

/// One Accounting API call: authenticate, tenant, scope, limits, faults, idempotency, then the domain.
async fn api(
    sim: &Sim,
    method: &str,
    path: &str,
    query: &str,
    headers: &HeaderMap,
    body: Bytes,
) -> Result<Resp, Dropped> {
    if body.len() > sim.cfg.max_request_bytes {
        return Ok(too_large());
    }
    let now = sim.clock.now_ms();
    let tenant_header = headers.get("xero-tenant-id").and_then(|v| v.to_str().ok()).map(str::trim);
    let peek = |client: &str| sim.limits.lock().shown(client, tenant_header.unwrap_or(""), now);

    let Some(token) = auth_param(headers, "Bearer") else {
        return Ok(with_limits(unauthorized("AuthenticationUnsuccessful"), peek("")));
    };
    let (tok, tenant) = {
        let id = sim.identity.lock();
        let tok = match id.authenticate(token, now) {
            Ok(t) => t,
            Err(e) => {
                drop(id);
                return Ok(with_limits(auth_error(e), peek("")));
            }
        };
        let tenant = id.tenant_for(&tok, tenant_header.filter(|t| !t.is_empty()));
        (tok, tenant)
    };
    let Some(tenant) = tenant.filter(|t| sim.org(t).is_some_and(|o| o.org.lock().is_active())) else {
        return Ok(with_limits(forbidden(), peek(&tok.client_id)));
    };
    let sub = &path[API_PREFIX.len()..];
    let required = accounting::required_scopes(method, sub);
    if !scopes_allow(required, &tok.scopes) {
        return Ok(with_limits(unauthorized("AuthorizationUnsuccessful"), peek(&tok.client_id)));
    }

    // Limits: count the call and take a concurrency slot.
    let (admitted, shown) = {
        let mut limits = sim.limits.lock();
        (limits.admit(&tok.client_id, &tenant, now), limits.cfg.enabled)
    };
    let remaining = match admitted {
        Ok((rem, in_flight)) => {
            sim.stats.with(|c| {
                c.in_flight.insert(tenant.clone(), in_flight);
                let m = c.max_in_flight.entry(tenant.clone()).or_default();
                *m = (*m).max(in_flight);
            });
            shown.then_some(rem)
        }
        Err(refusal) => {
            sim.stats.with(|c| *c.rate_limited.entry(refusal.problem.to_string()).or_default() += 1);
            let retry = refusal.retry_after_ms.map(|ms| sim.clock.real_secs(ms));
            return Ok(with_limits(rate_limited(refusal.problem, retry), Some(refusal.remaining)));
        }
    };
    let _slot = Slot { sim, client: tok.client_id.clone(), tenant: tenant.clone() };

    let drop_after = match apply_fault(sim.take_fault(method, path)).await? {
        Pre::Respond(r) => return Ok(with_limits(r, remaining)),
        Pre::Continue { drop_after } => drop_after,
    };

    let idem_key = if matches!(method, "PUT" | "POST" | "PATCH") {
        headers.get("idempotency-key").map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    } else {
        None
    };
    if idem_key.as_ref().is_some_and(|k| k.chars().count() > 128) {
        let body = validation_error("Idempotency-Key must be no longer than 128 characters");
        return Ok(with_limits(json_resp(400, &body), remaining));
    }

    let query_pairs = parse_pairs(query.as_bytes());
    // The request headers the Accounting module reads.
    let passed: Vec<(&str, &str)> = ["If-Modified-Since"]
        .into_iter()
        .filter_map(|n| headers.get(n).and_then(|v| v.to_str().ok()).map(|v| (n, v)))
        .collect();
    let url = if query.is_empty() { path.to_string() } else { format!("{path}?{query}") };
    let entry = sim.org(&tenant).expect("tenant checked above");
    let stored = {
        let mut org = entry.org.lock();
        let call = |org: &mut Organisation| {
            let req = ApiRequest {
                method,
                path: sub,
                query: &query_pairs,
                body: (!body.is_empty()).then_some(&body[..]),
                now_ms: sim.clock.now_ms(),
            };
            let out = accounting::handle_with_headers(org, &req, &passed);
            sim.stats.with(|c| *c.handled.entry(normalise(method, path)).or_default() += 1);
            Stored {
                status: out.status,
                content_type: JSON,
                body: Bytes::from(serde_json::to_vec(&out.body).unwrap_or_default()),
            }
        };
        match idem_key {
            None => call(&mut org),
            Some(key) => {
                let fp = idempotency::fingerprint(method, &tenant, &url, &body);
                let looked = sim.idem.lock().lookup(&tok.client_id, &key, &fp, now);
                match looked {
                    Lookup::Replay(s) => {
                        sim.stats.with(|c| c.idempotent_replays += 1);
                        s
                    }
                    Lookup::Conflict => {
                        sim.stats.with(|c| c.idempotency_conflicts += 1);
                        let msg = format!("Idempotency Key {key} is used with a different request");
                        Stored {
                            status: 400,
                            content_type: JSON,
                            body: Bytes::from(serde_json::to_vec(&validation_error(&msg)).unwrap_or_default()),
                        }
                    }
                    Lookup::Miss => {
                        let s = call(&mut org);
                        sim.idem.lock().put(&tok.client_id, &key, fp, now, s.clone());
                        s
                    }
                }
            }
        }
    };
    if drop_after {
        return Err(Dropped);
    }
    let mut r = respond(stored.status, stored.content_type, stored.body);
    header(&mut r, "Xero-Correlation-Id", uuid::Uuid::new_v4());
    Ok(with_limits(r, remaining))
}

#[cfg(test)]
mod tests {
    use super::scopes_allow;

    #[test]
    fn one_of_the_required_scopes_is_enough() {
        let held = vec!["offline_access".to_string(), "accounting.invoices".to_string()];
        assert!(scopes_allow(&[], &held));
        assert!(scopes_allow(&["accounting.transactions", "accounting.invoices"], &held));
        assert!(!scopes_allow(&["accounting.contacts", "accounting.contacts.read"], &held));
    }
}
