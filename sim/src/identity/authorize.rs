//! The authorize endpoint and the consent page: scopes checked, the user's consent, the grant and its code.

use super::*;

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

impl Identity {
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

    pub(super) fn connect(
        &mut self,
        client_id: &str,
        grant_id: &str,
        auth_event_id: &str,
        tenant: &(String, String),
        now: i64,
    ) {
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
}
