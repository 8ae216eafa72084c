//! The control endpoint (`/_sim/...`): inspection, faults, limits, tokens, connections, clock.
//! The same operations are methods of [`crate::SimHandle`].

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::faults::{FaultRule, FaultSpec};
use crate::identity::Connection;
use crate::limits::{LimitsPatch, RemainingPatch, TenantLimitState};
use crate::server::{Resp, Sim, json_resp, openid_configuration};
use crate::stats::Counters;

impl Sim {
    /// The start-up description (also the binary's JSON line).
    pub(crate) fn info(&self) -> Value {
        let b = &self.base_url;
        let apps: Vec<Value> = self
            .cfg
            .apps
            .iter()
            .map(|a| {
                json!({
                    "client_id": a.client_id,
                    "client_secret": a.client_secret,
                    "redirect_uris": a.redirect_uris,
                    "grant_types": a.grant_types,
                    "scope_model": a.scope_model,
                    "custom_connection_tenant": a.custom_connection_tenant,
                })
            })
            .collect();
        json!({
            "base_url": b,
            "endpoints": {
                "authorize": format!("{b}/identity/connect/authorize"),
                "token": format!("{b}/connect/token"),
                "revocation": format!("{b}/connect/revocation"),
                "connections": format!("{b}/connections"),
                "accounting": format!("{b}/api.xro/2.0"),
                "openid_configuration": format!("{b}/.well-known/openid-configuration"),
            },
            "control": format!("{b}/_sim"),
            "apps": apps,
            "organisations": self.org_list(),
            "time_scale": self.cfg.time_scale,
        })
    }

    pub(crate) fn org_list(&self) -> Value {
        Value::Array(self.orgs.iter().map(|o| json!({ "tenant_id": o.tenant_id, "name": o.name })).collect())
    }

    pub(crate) fn snapshot(&self, tenant_id: &str) -> Option<Value> {
        self.org(tenant_id).map(|o| o.org.lock().snapshot())
    }

    pub(crate) fn patch_org(&self, tenant_id: &str, patch: &crate::accounting::OrgPatch) -> Option<Result<(), String>> {
        self.org(tenant_id).map(|o| o.org.lock().apply(patch))
    }

    pub(crate) fn counters(&self) -> Counters {
        self.stats.snapshot()
    }

    pub(crate) fn add_fault(&self, spec: FaultSpec) -> u64 {
        self.faults.lock().add(spec)
    }

    pub(crate) fn fault_rules(&self) -> Vec<FaultRule> {
        self.faults.lock().list()
    }

    pub(crate) fn limit_states(&self) -> Vec<TenantLimitState> {
        self.limits.lock().states(self.clock.now_ms())
    }

    pub(crate) fn set_remaining(&self, p: &RemainingPatch) {
        let clients: Vec<String> = match &p.client_id {
            Some(c) => vec![c.clone()],
            None => self.cfg.apps.iter().map(|a| a.client_id.clone()).collect(),
        };
        self.limits.lock().set_remaining(&clients, p, self.clock.now_ms());
    }

    pub(crate) fn expire_access_tokens(&self) -> usize {
        self.identity.lock().expire_access_tokens(self.clock.now_ms())
    }

    pub(crate) fn revoke_connection(&self, tenant_id: &str, client_id: Option<&str>) -> usize {
        self.identity.lock().revoke_tenant(tenant_id, client_id)
    }

    pub(crate) fn connections(&self) -> Vec<Connection> {
        self.identity.lock().all_connections()
    }

    /// Moves the clock forward by `xero_secs` simulated seconds.
    pub(crate) fn advance_clock(&self, xero_secs: f64) {
        self.clock.advance_ms((xero_secs * 1000.0) as i64);
    }
}

/// A control answer: 200 with a JSON body, or an error status with one.
type Answer = Result<Value, (u16, Value)>;

fn bad(msg: impl std::fmt::Display) -> (u16, Value) {
    (400, json!({ "error": msg.to_string() }))
}

fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, (u16, Value)> {
    let body = if body.iter().all(u8::is_ascii_whitespace) { b"{}" as &[u8] } else { body };
    serde_json::from_slice(body).map_err(bad)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RevokeBody {
    tenant_id: String,
    #[serde(default)]
    client_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AdvanceBody {
    seconds: f64,
}

/// Serves `/_sim/...`.
pub(crate) fn handle(sim: &Sim, method: &str, path: &str, _query: &str, body: &[u8]) -> Resp {
    match route(sim, method, path, body) {
        Ok(v) => json_resp(200, &v),
        Err((status, v)) => json_resp(status, &v),
    }
}

fn ok(v: Value) -> Answer {
    Ok(v)
}

fn route(sim: &Sim, method: &str, path: &str, body: &[u8]) -> Answer {
    let rest = path.trim_start_matches("/_sim").trim_end_matches('/');
    let segs: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    match segs.first() {
        Some(&("faults" | "limits")) => behaviour_route(sim, method, path, &segs, body),
        _ => state_route(sim, method, path, &segs, body),
    }
}

fn no_route(method: &str, path: &str) -> Answer {
    Err((404, json!({ "error": format!("no control route {method} {path}") })))
}

/// What the simulator holds: info, organisations, counters, connections, tokens, the clock.
fn state_route(sim: &Sim, method: &str, path: &str, segs: &[&str], body: &[u8]) -> Answer {
    match (method, segs) {
        ("GET", [] | ["info"]) => ok(sim.info()),
        ("GET", ["openid-configuration"]) => ok(openid_configuration(&sim.base_url)),
        ("GET", ["orgs"]) => ok(sim.org_list()),
        ("GET", ["orgs", id]) => match sim.snapshot(id) {
            Some(s) => ok(s),
            None => Err((404, json!({ "error": format!("no organisation {id}") }))),
        },
        ("POST", ["orgs", id, "settings"]) => {
            let p: crate::accounting::OrgPatch = parse(body)?;
            match sim.patch_org(id, &p) {
                Some(Ok(())) => ok(json!({ "ok": true })),
                Some(Err(e)) => Err(bad(&e)),
                None => Err((404, json!({ "error": format!("no organisation {id}") }))),
            }
        }
        ("GET", ["counters"]) => ok(serde_json::to_value(sim.counters()).unwrap_or_default()),
        ("POST", ["counters", "reset"]) => {
            sim.stats.reset();
            ok(json!({ "reset": true }))
        }
        ("POST", ["tokens", "expire"]) => ok(json!({ "expired": sim.expire_access_tokens() })),
        ("GET", ["connections"]) => ok(serde_json::to_value(sim.connections()).unwrap_or_default()),
        ("POST", ["connections", "revoke"]) => {
            let b: RevokeBody = parse(body)?;
            ok(json!({ "revoked": sim.revoke_connection(&b.tenant_id, b.client_id.as_deref()) }))
        }
        ("GET", ["clock"]) => ok(json!({ "now_ms": sim.clock.now_ms(), "time_scale": sim.clock.scale() })),
        ("POST", ["clock", "advance"]) => {
            let b: AdvanceBody = parse(body)?;
            if !(b.seconds.is_finite() && b.seconds >= 0.0) {
                return Err(bad("seconds must be >= 0"));
            }
            sim.advance_clock(b.seconds);
            ok(json!({ "now_ms": sim.clock.now_ms() }))
        }
        _ => no_route(method, path),
    }
}

/// How the simulator misbehaves: injected faults and rate limits.
fn behaviour_route(sim: &Sim, method: &str, path: &str, segs: &[&str], body: &[u8]) -> Answer {
    match (method, segs) {
        ("GET", ["faults"]) => ok(serde_json::to_value(sim.fault_rules()).unwrap_or_default()),
        ("POST", ["faults"]) => {
            let spec: FaultSpec = parse(body)?;
            ok(json!({ "id": sim.add_fault(spec) }))
        }
        ("DELETE", ["faults"]) => {
            sim.faults.lock().clear();
            ok(json!({ "cleared": true }))
        }
        ("DELETE", ["faults", id]) => {
            let id: u64 = id.parse().map_err(bad)?;
            ok(json!({ "removed": sim.faults.lock().remove(id) }))
        }
        ("GET", ["limits"]) => {
            let cfg = sim.limits.lock().cfg.clone();
            ok(json!({ "config": cfg, "tenants": sim.limit_states() }))
        }
        ("POST", ["limits"]) => {
            let p: LimitsPatch = parse(body)?;
            let mut l = sim.limits.lock();
            l.patch(&p);
            ok(json!({ "config": l.cfg }))
        }
        ("POST", ["limits", "remaining"]) => {
            let p: RemainingPatch = parse(body)?;
            sim.set_remaining(&p);
            ok(json!({ "tenants": sim.limit_states() }))
        }
        _ => no_route(method, path),
    }
}
