//! The identity paths (authorize, consent, token, revocation, OpenID discovery) and `/connections`.

use super::*;

pub(super) fn identity_route(
    sim: &Sim,
    method: &str,
    path: &str,
    query: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Resp {
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
        ("GET", "/connections") => list_connections(sim, query, headers, now),
        ("DELETE", p) if p.starts_with("/connections/") => delete_connection(sim, path, headers, now),
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

/// `GET /connections` (optionally `?authEventId=`).
fn list_connections(sim: &Sim, query: &str, headers: &HeaderMap, now: i64) -> Resp {
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

/// `DELETE /connections/{id}`.
fn delete_connection(sim: &Sim, path: &str, headers: &HeaderMap, now: i64) -> Resp {
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
