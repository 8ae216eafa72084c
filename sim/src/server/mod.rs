//! The HTTP server: one port, Xero's own paths, plus the control endpoint under `/_sim/`.

mod api;
mod identity_routes;

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

use api::api;
use identity_routes::identity_route;
pub(crate) use identity_routes::openid_configuration;

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

fn auth_error(e: AuthError) -> Resp {
    match e {
        AuthError::Unknown => unauthorized("AuthenticationUnsuccessful"),
        AuthError::Expired(at) => unauthorized(&format!("TokenExpired: token expired at {}", rfc3339(at))),
    }
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
    // A server finishes a request it received whole whether or not its client still waits (the retry with the same
    // Idempotency-Key that Xero's accounting spec offers exists because a write whose answer was lost may have been
    // done): a host process killed while a delay holds its write or refresh leaves it done. The rest runs in a task
    // of its own, which the end of the connection does not cancel.
    let task = tokio::spawn(async move { process(&sim, &method, &path, &query, &parts.headers, body).await });
    task.await.unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()))
}

/// A request to Xero's paths, received whole: counted, then answered (faults first).
async fn process(
    sim: &Sim,
    method: &str,
    path: &str,
    query: &str,
    headers: &HeaderMap,
    body: Bytes,
) -> Result<Resp, Dropped> {
    sim.stats.call(&normalise(method, path));
    let is_api = path.len() >= API_PREFIX.len()
        && path[..API_PREFIX.len()].eq_ignore_ascii_case(API_PREFIX)
        && (path.len() == API_PREFIX.len() || path.as_bytes()[API_PREFIX.len()] == b'/');
    let out = if is_api {
        api(sim, method, path, query, headers, body).await
    } else {
        let fault = sim.take_fault(method, path);
        match apply_fault(fault).await? {
            Pre::Respond(r) => Ok(r),
            Pre::Continue { drop_after } => {
                let r = identity_route(sim, method, path, query, headers, &body);
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
