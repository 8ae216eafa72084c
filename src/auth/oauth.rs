//! Xero's identity server through the oauth2 crate: the consent URL, code exchange, refresh, client
//! credentials, revocation. Xero's refusals become errors that say what the administrator must change; nothing
//! here ever shows a token, code, verifier or secret (the oauth2 crate's parse errors carry the answer's body, so
//! they are never formatted).

use crate::auth::http;
use crate::config::Config;
use crate::deadline::Deadline;
use crate::error::{Error, ErrorCode, Result};
use crate::secret::Secret;
use oauth2::basic::{BasicErrorResponseType, BasicTokenResponse};
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, PkceCodeChallenge, PkceCodeVerifier,
    RedirectUrl, RefreshToken, RequestTokenError, Scope, TokenResponse, TokenUrl,
};
use std::cell::Cell;
use std::time::Duration;

type Client = oauth2::basic::BasicClient<
    oauth2::EndpointSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointSet,
>;

fn oauth_client(config: &Config) -> Client {
    let mut client = oauth2::basic::BasicClient::new(ClientId::new(config.client_id.clone()))
        .set_auth_uri(AuthUrl::from_url(config.endpoints.authorize.clone()))
        .set_token_uri(TokenUrl::from_url(config.endpoints.token.clone()))
        // HTTP Basic when there is a secret; a PKCE app without a secret sends its client_id in the form.
        .set_auth_type(AuthType::BasicAuth);
    if let Some(secret) = &config.client_secret {
        client = client.set_client_secret(ClientSecret::new(secret.expose().to_owned()));
    }
    if let Some(redirect) = &config.redirect_uri {
        client = client.set_redirect_uri(RedirectUrl::from_url(redirect.clone()));
    }
    client
}

/// A consent URL and what must be remembered to complete it.
pub struct Consent {
    pub url: url::Url,
    pub state: String,
    pub verifier: Secret,
}

/// The consent URL with the configured scopes, a fresh CSRF state and a PKCE S256 challenge.
pub fn consent(config: &Config) -> Consent {
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, state) = oauth_client(config)
        .authorize_url(|| CsrfToken::new_random_len(32))
        .add_scopes(config.effective_scopes().into_iter().map(Scope::new))
        .set_pkce_challenge(challenge)
        .url();
    Consent { url, state: state.secret().clone(), verifier: Secret::new(verifier.secret().clone()) }
}

/// A token answer. `sent_at_ms` is when the request left, so expiry is never later than Xero's.
pub struct TokenSet {
    pub access_token: Secret,
    pub refresh_token: Option<Secret>,
    pub lifetime: Duration,
    pub scopes: Option<Vec<String>>,
    pub sent_at_ms: i64,
}

impl TokenSet {
    pub fn expires_at_ms(&self) -> i64 {
        self.sent_at_ms + self.lifetime.as_millis() as i64
    }
}

/// Why the token endpoint gave no token.
#[derive(Debug)]
pub enum TokenFailure {
    /// Xero answered with an OAuth error (`invalid_grant`, `invalid_client`, ...).
    Refused { error: String },
    /// No answer came back; `HttpFailure::uncertain` says whether Xero may have acted on it.
    NoAnswer(http::HttpFailure),
    /// An answer that is not a token nor an OAuth error (5xx, 429, a redirect, unparsable).
    Unexpected { status: Option<u16> },
}

impl TokenFailure {
    pub fn is_invalid_grant(&self) -> bool {
        matches!(self, TokenFailure::Refused { error } if error == "invalid_grant")
    }

    /// Whether Xero may have rotated the refresh token although we got no token.
    pub fn uncertain(&self) -> bool {
        match self {
            TokenFailure::NoAnswer(f) => f.uncertain(),
            // A 5xx may come from a proxy after Xero processed the request.
            TokenFailure::Unexpected { status } => status.is_none_or(|s| s >= 500),
            TokenFailure::Refused { .. } => false,
        }
    }

    /// Worth retrying at once (network trouble, Xero briefly unavailable).
    pub fn transient(&self) -> bool {
        match self {
            TokenFailure::NoAnswer(_) => true,
            TokenFailure::Unexpected { status } => status.is_none_or(|s| s >= 500),
            TokenFailure::Refused { .. } => false,
        }
    }

    /// The error for the host. `during` names the step (e.g. "signing in", "refreshing the access token").
    pub fn into_error(self, during: &str) -> Error {
        match self {
            TokenFailure::Refused { error } => refused(&error, during),
            TokenFailure::NoAnswer(f) => f.into_error(&format!("Xero's token endpoint did not answer while {during}")),
            TokenFailure::Unexpected { status: Some(429) } => Error::new(
                ErrorCode::RateLimited,
                format!("Xero's token endpoint is rate limiting this app while {during}: try again shortly"),
            )
            .with("http_status", 429),
            TokenFailure::Unexpected { status: Some(s) } if (300..400).contains(&s) => Error::new(
                ErrorCode::AuthFailed,
                format!(
                    "Xero's token endpoint answered with a redirect (HTTP {s}) while {during}; redirects are never followed \
                     on token calls: check endpoints.token in the configuration"
                ),
            )
            .with("http_status", s),
            TokenFailure::Unexpected { status: Some(s) } if s >= 500 => Error::new(
                ErrorCode::XeroUnavailable,
                format!("Xero's token endpoint failed (HTTP {s}) while {during}: try again shortly"),
            )
            .with("http_status", s),
            TokenFailure::Unexpected { status } => {
                let mut e = Error::new(
                    ErrorCode::AuthFailed,
                    format!("Xero's token endpoint gave an answer that is not a token while {during}: check endpoints.token"),
                );
                if let Some(s) = status {
                    e = e.with("http_status", s);
                }
                e
            }
        }
    }
}

/// What each OAuth refusal means for the administrator. Xero's own description is not repeated: it is free text
/// from the server and could echo what we sent.
pub(crate) fn refused(error: &str, during: &str) -> Error {
    let advice = match error {
        "invalid_grant" => {
            "Xero refused the grant (invalid_grant): the authorization code was already used, has expired (codes last 5 \
             minutes) or was issued for another redirect URI, or the refresh token expired, was revoked or was replaced. \
             Sign in again (authorize_url, then authenticate)"
        }
        "invalid_client" => {
            "Xero did not recognise the client (invalid_client): check client_id and client_secret against the app at \
             developer.xero.com"
        }
        "unauthorized_client" => {
            "Xero does not allow this app this grant (unauthorized_client): check the app's type at developer.xero.com \
             (web app or PKCE for authorization_code, custom connection for client_credentials) and grant_type in the \
             configuration"
        }
        "invalid_scope" => {
            "Xero refused the requested scopes (invalid_scope): apps created since 2 March 2026 must use granular scopes \
             (scope_profile \"granular\"); older apps use scope_profile \"legacy\"; a custom connection only gets the \
             scopes ticked for it at developer.xero.com"
        }
        "access_denied" => {
            "the administrator did not allow access at Xero (access_denied): sign in again and choose \"Allow access\""
        }
        "unsupported_grant_type" => "Xero does not support this grant type (unsupported_grant_type): check grant_type",
        "invalid_request" => {
            "Xero refused the request as malformed (invalid_request): check redirect_uri (exactly as registered at Xero) \
             and client_id"
        }
        _ => "Xero refused the sign-in: check the app's settings at developer.xero.com",
    };
    let code = if error == "invalid_grant" && during.starts_with("refresh") {
        ErrorCode::ReauthRequired
    } else {
        ErrorCode::AuthFailed
    };
    Error::new(code, format!("{advice} (while {during})")).with("oauth_error", safe_error_code(error))
}

/// OAuth error codes are short ASCII words; anything else is not echoed.
fn safe_error_code(error: &str) -> String {
    if error.len() <= 64 && error.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.') {
        error.to_owned()
    } else {
        "unrecognised".to_owned()
    }
}

/// Runs one token request through the oauth2 crate over our client.
fn token_request(
    config: &Config,
    deadline: Deadline,
    run: impl FnOnce(
        &dyn Fn(oauth2::HttpRequest) -> std::result::Result<oauth2::HttpResponse, http::HttpFailure>,
    ) -> std::result::Result<
        BasicTokenResponse,
        RequestTokenError<http::HttpFailure, oauth2::basic::BasicErrorResponse>,
    >,
) -> std::result::Result<TokenSet, TokenFailure> {
    let timeout = http::exchange_timeout(config, deadline).map_err(|e| {
        TokenFailure::NoAnswer(http::HttpFailure { kind: http::FailureKind::Connect, message: e.message })
    })?;
    let client = http::client(config).map_err(|e| {
        TokenFailure::NoAnswer(http::HttpFailure { kind: http::FailureKind::Connect, message: e.message })
    })?;
    let status = Cell::new(None);
    let sent_at_ms = chrono::Utc::now().timestamp_millis();
    let send = |request: oauth2::HttpRequest| http::send(config, &client, request, timeout, &status);
    token_outcome(run(&send), status.get(), sent_at_ms)
}

/// What the oauth2 crate made of Xero's token answer (whose HTTP status was `status`), as tokens or a failure.
fn token_outcome(
    answer: std::result::Result<
        BasicTokenResponse,
        RequestTokenError<http::HttpFailure, oauth2::basic::BasicErrorResponse>,
    >,
    status: Option<u16>,
    sent_at_ms: i64,
) -> std::result::Result<TokenSet, TokenFailure> {
    match answer {
        Ok(answer) => Ok(TokenSet {
            access_token: Secret::new(answer.access_token().secret().clone()),
            refresh_token: answer.refresh_token().map(|t| Secret::new(t.secret().clone())),
            // Xero always sends expires_in (1800); without it assume Xero's 30 minutes.
            lifetime: answer.expires_in().unwrap_or(Duration::from_secs(1800)),
            scopes: answer.scopes().map(|s| s.iter().map(|s| s.to_string()).collect()),
            sent_at_ms,
        }),
        Err(RequestTokenError::Request(f)) => Err(TokenFailure::NoAnswer(f)),
        Err(RequestTokenError::ServerResponse(e)) if matches!(status, Some(400 | 401)) => {
            let error = match e.error() {
                BasicErrorResponseType::InvalidClient => "invalid_client".to_owned(),
                BasicErrorResponseType::InvalidGrant => "invalid_grant".to_owned(),
                BasicErrorResponseType::InvalidRequest => "invalid_request".to_owned(),
                BasicErrorResponseType::InvalidScope => "invalid_scope".to_owned(),
                BasicErrorResponseType::UnauthorizedClient => "unauthorized_client".to_owned(),
                BasicErrorResponseType::UnsupportedGrantType => "unsupported_grant_type".to_owned(),
                BasicErrorResponseType::Extension(other) => other.clone(),
            };
            Err(TokenFailure::Refused { error })
        }
        Err(_) => Err(TokenFailure::Unexpected { status }),
    }
}

/// The outcome of a refresh that Xero answered with `answer`, without a network (the fuzz targets' entry).
pub(crate) fn refresh_answered(
    config: &Config,
    answer: oauth2::HttpResponse,
) -> std::result::Result<TokenSet, TokenFailure> {
    let status = Some(answer.status().as_u16());
    let answer = std::cell::RefCell::new(Some(answer));
    let send = |_: oauth2::HttpRequest| -> std::result::Result<oauth2::HttpResponse, http::HttpFailure> {
        Ok(answer.borrow_mut().take().expect("one request per refresh"))
    };
    let token = RefreshToken::new("fuzz-refresh-token".to_owned());
    token_outcome(oauth_client(config).exchange_refresh_token(&token).request(&send), status, 0)
}

/// Exchanges an authorization code (with its PKCE verifier) for tokens.
pub fn exchange_code(
    config: &Config,
    code: &Secret,
    verifier: &Secret,
    deadline: Deadline,
) -> std::result::Result<TokenSet, TokenFailure> {
    let client = oauth_client(config);
    token_request(config, deadline, |send| {
        client
            .exchange_code(AuthorizationCode::new(code.expose().to_owned()))
            .set_pkce_verifier(PkceCodeVerifier::new(verifier.expose().to_owned()))
            .request(&send)
    })
}

/// Uses a refresh token.
pub fn refresh(
    config: &Config,
    refresh_token: &Secret,
    deadline: Deadline,
) -> std::result::Result<TokenSet, TokenFailure> {
    let client = oauth_client(config);
    let token = RefreshToken::new(refresh_token.expose().to_owned());
    token_request(config, deadline, |send| client.exchange_refresh_token(&token).request(&send))
}

/// A client-credentials token (custom connections).
pub fn client_credentials(config: &Config, deadline: Deadline) -> std::result::Result<TokenSet, TokenFailure> {
    let client = oauth_client(config);
    token_request(config, deadline, |send| {
        client
            .exchange_client_credentials()
            .add_scopes(config.effective_scopes().into_iter().map(Scope::new))
            .request(&send)
    })
}

/// Revokes a refresh token at Xero (which removes every connection of its grant). Sent by hand: the oauth2
/// crate insists on https for revocation, and the simulator is plain http on loopback (config validation already
/// allows only https or loopback).
pub fn revoke(config: &Config, refresh_token: &Secret, deadline: Deadline) -> Result<()> {
    let timeout = http::exchange_timeout(config, deadline)?;
    let client = http::client(config)?;
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    form.append_pair("token", refresh_token.expose()).append_pair("token_type_hint", "refresh_token");
    let mut request = client
        .post(config.endpoints.revocation.clone())
        .header(::http::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .timeout(timeout);
    match &config.client_secret {
        // RFC 6749 2.3.1: id and secret are form-urlencoded before Basic encoding.
        Some(secret) => {
            let id: String = url::form_urlencoded::byte_serialize(config.client_id.as_bytes()).collect();
            let secret: String = url::form_urlencoded::byte_serialize(secret.expose().as_bytes()).collect();
            request = request.basic_auth(id, Some(secret));
        }
        None => {
            form.append_pair("client_id", &config.client_id);
        }
    }
    let (url, started) = (config.endpoints.revocation.as_str(), std::time::Instant::now());
    let response = request.body(form.finish()).send().map_err(|e| {
        let failure = http::failure(e);
        http::log_exchange(config, "POST", url, Err(&failure), started);
        failure.into_error("Xero's revocation endpoint did not answer")
    })?;
    http::log_exchange(config, "POST", url, Ok(response.status().as_u16()), started);
    match response.status().as_u16() {
        200 => Ok(()),
        status => {
            let error: Option<String> = response
                .bytes()
                .ok()
                .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
                .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(str::to_owned));
            match error {
                Some(error) if status == 400 || status == 401 => Err(refused(&error, "revoking the refresh token")),
                _ => Err(TokenFailure::Unexpected { status: Some(status) }.into_error("revoking the refresh token")),
            }
        }
    }
}
