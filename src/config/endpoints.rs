//! Where the connection reaches Xero: the endpoints' URLs (Xero's own unless overridden) and which URLs may
//! ever be contacted.

use super::Config;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::net::IpAddr;
use url::Url;

/// Xero's real endpoints (the securitySchemes of Xero's accounting OpenAPI spec; `xero-identity.yaml`).
pub const XERO_AUTHORIZE_URL: &str = "https://login.xero.com/identity/connect/authorize";
pub const XERO_TOKEN_URL: &str = "https://identity.xero.com/connect/token";
pub const XERO_REVOCATION_URL: &str = "https://identity.xero.com/connect/revocation";
pub const XERO_CONNECTIONS_URL: &str = "https://api.xero.com/connections";
pub const XERO_ACCOUNTING_URL: &str = "https://api.xero.com/api.xro/2.0";

/// Full URLs of Xero's endpoints; each may be overridden on its own (tests point them at the simulator).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Endpoints {
    #[serde(default = "default_authorize")]
    pub authorize: Url,
    #[serde(default = "default_token")]
    pub token: Url,
    #[serde(default = "default_revocation")]
    pub revocation: Url,
    #[serde(default = "default_connections")]
    pub connections: Url,
    /// The Accounting API base, e.g. `https://api.xero.com/api.xro/2.0`.
    #[serde(default = "default_accounting")]
    pub accounting: Url,
}

fn parse_const(url: &str) -> Url {
    Url::parse(url).expect("built-in Xero URL is valid")
}
fn default_authorize() -> Url {
    parse_const(XERO_AUTHORIZE_URL)
}
fn default_token() -> Url {
    parse_const(XERO_TOKEN_URL)
}
fn default_revocation() -> Url {
    parse_const(XERO_REVOCATION_URL)
}
fn default_connections() -> Url {
    parse_const(XERO_CONNECTIONS_URL)
}
fn default_accounting() -> Url {
    parse_const(XERO_ACCOUNTING_URL)
}

impl Default for Endpoints {
    fn default() -> Self {
        Endpoints {
            authorize: default_authorize(),
            token: default_token(),
            revocation: default_revocation(),
            connections: default_connections(),
            accounting: default_accounting(),
        }
    }
}

impl Config {
    /// Every endpoint is one that may be contacted (see [`check_endpoint`]).
    pub(super) fn validate_endpoints(&self) -> Result<()> {
        let endpoints = [
            ("endpoints.authorize", &self.endpoints.authorize),
            ("endpoints.token", &self.endpoints.token),
            ("endpoints.revocation", &self.endpoints.revocation),
            ("endpoints.connections", &self.endpoints.connections),
            ("endpoints.accounting", &self.endpoints.accounting),
        ];
        for (path, url) in endpoints {
            check_endpoint(url).map_err(|e| e.at(path))?;
        }
        Ok(())
    }
}

/// Only https, or plain http to a loopback address (the simulator, a local redirect), is ever contacted.
pub fn check_endpoint(url: &Url) -> Result<()> {
    match url.scheme() {
        "https" if url.host().is_some() => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        "http" => {
            Err(Error::validation(format!("{url} is plain http to a host that is not a loopback address: use https")))
        }
        other => {
            Err(Error::validation(format!("{url} has scheme `{other}`: only https (or http to loopback) is allowed")))
        }
    }
}

/// Whether the URL's host is 127.0.0.0/8, ::1 or `localhost`.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}
