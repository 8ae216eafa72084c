//! Signing in: the consent URL (state + PKCE, remembered durably so any host process may receive the callback),
//! completing it with the code Xero sends back, and client credentials for custom connections.

use crate::auth::LOG_TARGET as TARGET;
use crate::auth::state::{State, now_ms, rfc3339};
use crate::auth::{oauth, refresh, tenants, tokens};
use crate::config::{Config, GrantType};
use crate::deadline::Deadline;
use crate::error::{Error, ErrorCode, Result};
use crate::log::Level;
use crate::secret::Secret;
use crate::store::tokens::{PendingSignIn, TenantRecord};
use crate::xlog;
use serde::Serialize;

/// How long a consent URL stays usable.
pub const PENDING_TTL_MS: i64 = 10 * 60 * 1000;
/// At most this many sign-ins wait at once; the oldest is dropped first.
const MAX_PENDING: usize = 20;

/// A consent URL to open in a browser.
#[derive(Debug, Clone, Serialize)]
pub struct Started {
    pub url: String,
    pub state: String,
    pub expires_at: String,
}

fn require_authorization_code(config: &Config) -> Result<()> {
    if config.grant_type != GrantType::AuthorizationCode {
        return Err(Error::validation(
            "this connection uses grant_type client_credentials (a custom connection): there is no browser sign-in; \
             call authenticate with the connection alone",
        )
        .at("grant_type"));
    }
    Ok(())
}

/// Starts a sign-in: the consent URL, with its state and PKCE verifier remembered for 10 minutes.
pub fn start(config: &Config) -> Result<Started> {
    require_authorization_code(config)?;
    let consent = oauth::consent(config);
    let tokens = tokens(config)?;
    let state = tokens.state();
    let verifier = state.seal("verifier", &consent.verifier)?;
    let now = now_ms();
    let expires_at_ms = now + PENDING_TTL_MS;
    state.update(|record| {
        record.pending.retain(|p| p.expires_at_ms > now);
        while record.pending.len() >= MAX_PENDING {
            record.pending.remove(0);
        }
        record.pending.push(PendingSignIn {
            state: consent.state.clone(),
            verifier: verifier.clone(),
            created_at_ms: now,
            expires_at_ms,
        });
        Ok(())
    })?;
    xlog!(Level::Info, TARGET, "{}: sign-in started; the consent URL is valid for 10 minutes", config.connection);
    Ok(Started { url: consent.url.to_string(), state: consent.state, expires_at: rfc3339(expires_at_ms) })
}

/// What Xero sent back to the redirect URI.
#[derive(Debug, Default)]
pub struct Callback {
    pub code: Option<Secret>,
    pub state: Option<String>,
    pub error: Option<String>,
}

impl Callback {
    /// The callback's query (`code`, `state`, `error`); other members are ignored.
    pub fn from_url(url: &url::Url) -> Callback {
        let mut callback = Callback::default();
        for (name, value) in url.query_pairs() {
            match name.as_ref() {
                "code" => callback.code = Some(Secret::new(value.into_owned())),
                "state" => callback.state = Some(value.into_owned()),
                "error" => callback.error = Some(value.into_owned()),
                _ => {}
            }
        }
        callback
    }

    pub fn is_sign_in_answer(&self) -> bool {
        self.state.is_some() && (self.code.is_some() || self.error.is_some())
    }
}

/// The result of a completed sign-in.
#[derive(Debug, Clone, Serialize)]
pub struct SignedIn {
    pub connection: String,
    pub grant_type: GrantType,
    pub scopes: Vec<String>,
    pub signed_in_at: String,
    pub access_token_expires_at: String,
    /// The organisation in use: kept from before, or (client credentials) the custom connection's one.
    pub tenant: Option<tenants::TenantView>,
}

pub(crate) fn unknown_state(connection: &str) -> Error {
    Error::new(
        ErrorCode::AuthFailed,
        format!(
            "the sign-in answer's state matches no sign-in waiting on connection `{connection}`: it was already \
             completed, is older than 10 minutes, or did not come from this sign-in. Start again with authorize_url"
        ),
    )
    .at("state")
}

/// Completes a sign-in from Xero's answer. A wrong state, a refused code or a denied consent changes nothing but
/// the pending sign-in they used (a state is good for one answer only).
pub fn complete(config: &Config, callback: Callback, deadline: Deadline) -> Result<SignedIn> {
    require_authorization_code(config)?;
    let Some(state_value) = callback.state.as_deref() else {
        return Err(Error::bad_request("the sign-in answer has no state").at("state"));
    };
    let tokens = tokens(config)?;
    let state = tokens.state();
    let now = now_ms();
    // Take the pending sign-in out: whichever process gets it first completes it, exactly once.
    let pending = state.update(|record| {
        let Some(i) = record.pending.iter().position(|p| p.state == state_value) else {
            return Err(unknown_state(&config.connection));
        };
        Ok(record.pending.remove(i))
    })?;
    if pending.expires_at_ms <= now {
        return Err(Error::new(
            ErrorCode::AuthFailed,
            "this sign-in was started more than 10 minutes ago and has expired: start again with authorize_url",
        )
        .at("state"));
    }
    if let Some(error) = &callback.error {
        xlog!(Level::Warn, TARGET, "{}: sign-in refused at Xero", config.connection);
        return Err(oauth::refused(error, "signing in"));
    }
    let Some(code) = &callback.code else {
        return Err(Error::bad_request("the sign-in answer has neither code nor error").at("code"));
    };
    let verifier = state.open("verifier", &pending.verifier)?;
    let set = oauth::exchange_code(config, code, &verifier, deadline).map_err(|f| f.into_error("signing in"))?;
    let signed_in = commit_grant(config, state, GrantType::AuthorizationCode, &set, None)?;
    tokens.forget_cache();
    xlog!(Level::Info, TARGET, "{}: signed in to Xero", config.connection);
    Ok(signed_in)
}

/// Stores a new sign-in's tokens (replacing any earlier ones, clearing `reauth_required`), keeping the tenant
/// unless `tenant` gives one.
fn commit_grant(
    config: &Config,
    state: &State,
    grant_type: GrantType,
    set: &oauth::TokenSet,
    tenant: Option<TenantRecord>,
) -> Result<SignedIn> {
    let grant = refresh::new_grant(state, grant_type, set, config.effective_scopes())?;
    let record = state.update(|record| {
        record.grant = Some(grant.clone());
        record.reauth = None;
        record.lease = None;
        record.refresh_failure = None;
        record.generation += 1;
        if let Some(t) = &tenant {
            record.tenant = Some(t.clone());
        }
        Ok(record.clone())
    })?;
    let grant = record.grant.as_ref().expect("just stored");
    Ok(SignedIn {
        connection: config.connection.clone(),
        grant_type,
        scopes: grant.scopes.clone(),
        signed_in_at: rfc3339(grant.signed_in_at_ms),
        access_token_expires_at: rfc3339(grant.access_expires_at_ms),
        tenant: record.tenant.as_ref().map(tenants::TenantView::from),
    })
}

/// Signs in a custom connection: a client-credentials token, then its one organisation, set as the tenant.
pub fn client_credentials(config: &Config, deadline: Deadline) -> Result<SignedIn> {
    if config.grant_type != GrantType::ClientCredentials {
        return Err(Error::bad_request(
            "give callback_url, code and state, or loopback: this connection signs in through a browser \
             (grant_type authorization_code)",
        ));
    }
    let tokens = tokens(config)?;
    let set =
        oauth::client_credentials(config, deadline).map_err(|f| f.into_error("signing in with client credentials"))?;
    let connections = tenants::list_with(config, &set.access_token, deadline)?;
    let organisations: Vec<_> = connections.iter().filter(|c| c.tenant_type == "ORGANISATION").collect();
    let tenant = match organisations.as_slice() {
        [one] => Some(TenantRecord {
            tenant_id: one.tenant_id.clone(),
            tenant_name: one.tenant_name.clone(),
            tenant_type: one.tenant_type.clone(),
            connection_id: Some(one.id.clone()),
            set_at_ms: now_ms(),
        }),
        [] => {
            return Err(Error::new(
                ErrorCode::AuthFailed,
                "the custom connection reaches no Xero organisation: connect one to it at developer.xero.com",
            ));
        }
        _ => None,
    };
    let signed_in = commit_grant(config, tokens.state(), GrantType::ClientCredentials, &set, tenant)?;
    tokens.forget_cache();
    xlog!(Level::Info, TARGET, "{}: signed in to Xero with client credentials", config.connection);
    Ok(signed_in)
}
