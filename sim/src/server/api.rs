//! One Accounting API call: authenticate, tenant, scope, limits, faults, idempotency, then the domain.

use super::*;
use crate::identity::AccessToken;

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
pub(super) async fn api(
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

    let (tok, tenant, sub) = match caller(sim, method, path, headers, now) {
        Ok(c) => (c.token, c.tenant, c.sub),
        Err(refused) => return Ok(with_limits(*refused.response, peek(&refused.client_id))),
    };
    let remaining = match admit(sim, &tok.client_id, &tenant, now) {
        Ok(r) => r,
        Err(refused) => return Ok(*refused),
    };
    let _slot = Slot { sim, client: tok.client_id.clone(), tenant: tenant.clone() };

    let drop_after = match apply_fault(sim.take_fault(method, path)).await? {
        Pre::Respond(r) => return Ok(with_limits(r, remaining)),
        Pre::Continue { drop_after } => drop_after,
    };

    let idem_key = idempotency_key(method, headers);
    if idem_key.as_ref().is_some_and(|k| k.chars().count() > 128) {
        let body = validation_error("Idempotency-Key must be no longer than 128 characters");
        return Ok(with_limits(json_resp(400, &body), remaining));
    }

    let call = OrgCall { method, path, sub, query, headers, body: &body };
    let stored = call_org(sim, &call, &tenant, &tok.client_id, idem_key, now);
    if drop_after {
        return Err(Dropped);
    }
    let mut r = respond(stored.status, stored.content_type, stored.body);
    header(&mut r, "Xero-Correlation-Id", uuid::Uuid::new_v4());
    Ok(with_limits(r, remaining))
}

/// Who calls, and on which tenant: the bearer token, the tenant it may reach and the path under the API prefix.
struct Caller<'p> {
    token: AccessToken,
    tenant: String,
    sub: &'p str,
}

/// A call refused before it reaches the limits: the response, and the client whose limits it shows ("" before
/// the token is known).
struct Refused {
    response: Box<Resp>,
    client_id: String,
}

impl Refused {
    fn new(response: Resp, client_id: String) -> Self {
        Refused { response: Box::new(response), client_id }
    }
}

/// Authenticates the bearer token, finds the tenant it acts on and checks its scopes.
fn caller<'p>(sim: &Sim, method: &str, path: &'p str, headers: &HeaderMap, now: i64) -> Result<Caller<'p>, Refused> {
    let tenant_header = headers.get("xero-tenant-id").and_then(|v| v.to_str().ok()).map(str::trim);
    let Some(token) = auth_param(headers, "Bearer") else {
        return Err(Refused::new(unauthorized("AuthenticationUnsuccessful"), String::new()));
    };
    let (tok, tenant) = {
        let id = sim.identity.lock();
        let tok = match id.authenticate(token, now) {
            Ok(t) => t,
            Err(e) => {
                drop(id);
                return Err(Refused::new(auth_error(e), String::new()));
            }
        };
        let tenant = id.tenant_for(&tok, tenant_header.filter(|t| !t.is_empty()));
        (tok, tenant)
    };
    let Some(tenant) = tenant.filter(|t| sim.org(t).is_some_and(|o| o.org.lock().is_active())) else {
        return Err(Refused::new(forbidden(), tok.client_id));
    };
    let sub = &path[API_PREFIX.len()..];
    let required = accounting::required_scopes(method, sub);
    if !scopes_allow(required, &tok.scopes) {
        return Err(Refused::new(unauthorized("AuthorizationUnsuccessful"), tok.client_id));
    }
    Ok(Caller { token: tok, tenant, sub })
}

/// Limits: counts the call and takes a concurrency slot; the remaining counts to show (when limits are on), or
/// the 429 refusal.
fn admit(sim: &Sim, client_id: &str, tenant: &str, now: i64) -> Result<Option<Remaining>, Box<Resp>> {
    let (admitted, shown) = {
        let mut limits = sim.limits.lock();
        (limits.admit(client_id, tenant, now), limits.cfg.enabled)
    };
    match admitted {
        Ok((rem, in_flight)) => {
            sim.stats.with(|c| {
                c.in_flight.insert(tenant.to_string(), in_flight);
                let m = c.max_in_flight.entry(tenant.to_string()).or_default();
                *m = (*m).max(in_flight);
            });
            Ok(shown.then_some(rem))
        }
        Err(refusal) => {
            sim.stats.with(|c| *c.rate_limited.entry(refusal.problem.to_string()).or_default() += 1);
            let retry = refusal.retry_after_ms.map(|ms| sim.clock.real_secs(ms));
            Err(Box::new(with_limits(rate_limited(refusal.problem, retry), Some(refusal.remaining))))
        }
    }
}

/// The Idempotency-Key of a PUT, POST or PATCH.
fn idempotency_key(method: &str, headers: &HeaderMap) -> Option<String> {
    if matches!(method, "PUT" | "POST" | "PATCH") {
        headers.get("idempotency-key").map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    } else {
        None
    }
}

/// The request as the Accounting module gets it.
struct OrgCall<'a> {
    method: &'a str,
    path: &'a str,
    /// The path under the API prefix.
    sub: &'a str,
    query: &'a str,
    headers: &'a HeaderMap,
    body: &'a Bytes,
}

/// Runs the call on the tenant's organisation, or replays (or refuses) it by its idempotency key.
fn call_org(sim: &Sim, call: &OrgCall, tenant: &str, client_id: &str, idem_key: Option<String>, now: i64) -> Stored {
    let OrgCall { method, path, sub, query, headers, body } = *call;
    let query_pairs = parse_pairs(query.as_bytes());
    // The request headers the Accounting module reads.
    let passed: Vec<(&str, &str)> = ["If-Modified-Since"]
        .into_iter()
        .filter_map(|n| headers.get(n).and_then(|v| v.to_str().ok()).map(|v| (n, v)))
        .collect();
    let url = if query.is_empty() { path.to_string() } else { format!("{path}?{query}") };
    let entry = sim.org(tenant).expect("tenant checked above");
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
            let fp = idempotency::fingerprint(method, tenant, &url, body);
            let looked = sim.idem.lock().lookup(client_id, &key, &fp, now);
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
                    sim.idem.lock().put(client_id, &key, fp, now, s.clone());
                    s
                }
            }
        }
    }
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
