//! The token endpoint: client authentication, the code, refresh and client-credentials grants, and revocation.

use super::*;
use crate::stats::Stats;

fn oauth_error(code: &str) -> (u16, Value) {
    (400, json!({ "error": code }))
}

impl Identity {
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
}
