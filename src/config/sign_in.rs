//! How a connection signs in to Xero: the app's client id and secret, the grant type, and the scopes it requests.

use super::Config;
use super::checks::check_text;
use super::endpoints::check_endpoint;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// The minimal granular scope set for apps created at Xero since 2 March 2026
/// (developer.xero.com/documentation/guides/oauth2/scopes).
/// Items are reachable through `accounting.invoices`; tracking categories and accounts are only read.
pub const GRANULAR_SCOPES: &[&str] = &[
    "offline_access",
    "accounting.contacts",
    "accounting.invoices",
    "accounting.payments",
    "accounting.settings.read",
];

/// The broad scope set for apps created before 2 March 2026, accepted by Xero until September 2027.
pub const LEGACY_SCOPES: &[&str] =
    &["offline_access", "accounting.transactions", "accounting.contacts", "accounting.settings"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GrantType {
    /// A person signs in once in a browser; Xero issues a rotating refresh token.
    #[default]
    AuthorizationCode,
    /// A Xero "custom connection": one organisation, no browser, no refresh token.
    ClientCredentials,
}

/// Which scope set to request when `scopes` is not given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ScopeProfile {
    #[default]
    Granular,
    Legacy,
}

impl Config {
    /// The scopes this connection requests, in a stable order.
    pub fn effective_scopes(&self) -> Vec<String> {
        match &self.scopes {
            Some(scopes) => scopes.clone(),
            None => {
                let base = match self.scope_profile {
                    ScopeProfile::Granular => GRANULAR_SCOPES,
                    ScopeProfile::Legacy => LEGACY_SCOPES,
                };
                base.iter()
                    .filter(|s| self.grant_type == GrantType::AuthorizationCode || **s != "offline_access")
                    .map(|s| (*s).to_owned())
                    .collect()
            }
        }
    }

    /// The client id is 1 to 255 characters; a secret, when given, is not empty.
    pub(super) fn validate_client(&self) -> Result<()> {
        check_text("client_id", &self.client_id, 1, 255)?;
        if let Some(secret) = &self.client_secret {
            if secret.is_empty() {
                return Err(Error::validation("client_secret must not be empty; leave it out for a PKCE app")
                    .at("client_secret"));
            }
        }
        Ok(())
    }

    /// What the grant type needs: a registered redirect URI, or a secret.
    pub(super) fn validate_grant(&self) -> Result<()> {
        match self.grant_type {
            GrantType::AuthorizationCode => {
                let Some(redirect) = &self.redirect_uri else {
                    return Err(Error::validation(
                        "redirect_uri is required for grant_type authorization_code: the URI registered for the app at Xero",
                    )
                    .at("redirect_uri"));
                };
                check_endpoint(redirect).map_err(|e| e.at("redirect_uri"))?;
                // Port 0 would be advertised as such in the consent URL, and no browser is ever sent back to it.
                // RFC 8252 §7.3 lets a loopback port vary, but Xero compares redirect URIs with the registered ones
                // exactly (no wildcards: developer.xero.com/faq/oauth2), so the port is a fixed, registered one.
                if redirect.port() == Some(0) {
                    return Err(Error::validation(
                        "redirect_uri has port 0: Xero matches redirect URIs exactly, port included, so the \
                         loopback sign-in needs a fixed port registered with the app at Xero (e.g. \
                         http://127.0.0.1:8765/callback), given here exactly as registered",
                    )
                    .at("redirect_uri"));
                }
            }
            GrantType::ClientCredentials => {
                if self.client_secret.is_none() {
                    return Err(Error::validation("client_secret is required for grant_type client_credentials")
                        .at("client_secret"));
                }
            }
        }
        Ok(())
    }

    /// Scopes given are words, and include offline_access exactly when the grant has refresh tokens.
    pub(super) fn validate_scopes(&self) -> Result<()> {
        if let Some(scopes) = &self.scopes {
            if scopes.is_empty() {
                return Err(Error::validation("scopes must name at least one scope, or be left out").at("scopes"));
            }
            for (i, scope) in scopes.iter().enumerate() {
                if scope.is_empty() || scope.len() > 100 || scope.chars().any(|c| c.is_whitespace() || c.is_control()) {
                    return Err(
                        Error::validation("a scope is a non-empty word without spaces").at(format!("scopes[{i}]"))
                    );
                }
            }
            let offline = scopes.iter().any(|s| s == "offline_access");
            match self.grant_type {
                GrantType::AuthorizationCode if !offline => {
                    return Err(Error::validation(
                        "scopes must include offline_access: without it Xero issues no refresh token and the link stops after 30 minutes",
                    )
                    .at("scopes"));
                }
                GrantType::ClientCredentials if offline => {
                    return Err(Error::validation(
                        "client_credentials connections get no refresh token: remove offline_access from scopes",
                    )
                    .at("scopes"));
                }
                _ => {}
            }
        }
        Ok(())
    }
}
