//! The contract run (issue 11 §3): the same end-to-end scenario against the simulator (in the normal suite) and
//! against a real Xero organisation when the environment holds credentials. `scenario` is the run, `proxy` the
//! relay that counts calls and loses an answer, `cleanup` voids and archives what the run created.

pub mod cleanup;
pub mod proxy;
pub mod scenario;

use serde_json::{Value, json};
use std::path::PathBuf;
use xero_sim::SimHandle;

/// The environment variables of a live run, named in the skip line and the README.
pub const ENV_HELP: &str = "set XERO_LIVE_CLIENT_ID and XERO_LIVE_CLIENT_SECRET (a custom connection to a Xero demo \
                            company; or a web app's, with XERO_LIVE_STATE_FILE holding an export_state of a \
                            signed-in connection) to run it; see README, \"The live contract run\"";

/// How the run signs in.
#[derive(Debug, Clone)]
pub enum SignIn {
    /// A custom connection: client credentials, no browser.
    Custom,
    /// A stored sign-in (an `export_state` JSON of a connection of a web app); rotated tokens are written back.
    Stored(PathBuf),
}

/// Where the scenario runs and what it needs from the organisation.
pub struct Target {
    pub label: &'static str,
    /// The Accounting API's host (`https://api.xero.com` or the simulator's base URL); the relay forwards there.
    pub upstream: String,
    /// The identity endpoints (`token`, `connections`, ...); `None`: Xero's.
    pub identity: Option<Value>,
    pub client_id: String,
    pub client_secret: String,
    pub sign_in: SignIn,
    /// With a stored sign-in: the organisation to use (default the first connected).
    pub tenant_id: Option<String>,
    /// Account codes: sales, purchases (cost of sales), bank.
    pub accounts: (String, String, String),
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

impl Target {
    /// The simulator, its one organisation reached through the custom connection `sim-custom-client`.
    pub fn simulator() -> (Target, SimHandle, String) {
        let (sim, tenant) = crate::support::e2e::simulator(60.0, false);
        let mut identity = crate::support::auth::endpoints(&sim.base_url());
        identity.as_object_mut().unwrap().remove("accounting");
        let target = Target {
            label: "simulator",
            upstream: sim.base_url(),
            identity: Some(identity),
            client_id: "sim-custom-client".into(),
            client_secret: "sim-custom-secret".into(),
            sign_in: SignIn::Custom,
            tenant_id: None,
            accounts: ("200".into(), "310".into(), "090".into()),
        };
        (target, sim, tenant)
    }

    /// The simulator reached by a web app's sign-in stored in a file (as `XERO_LIVE_STATE_FILE` holds one): the
    /// connection `name` signs in through the browser's way once, and its `export_state` is written to `file`.
    pub fn simulator_stored(name: &str, file: &std::path::Path) -> (Target, SimHandle, String) {
        let (mut target, sim, tenant) = Target::simulator();
        crate::support::e2e::ready(name, &sim, json!({}));
        let request = json!({"connection": name}).to_string();
        let state = crate::support::auth::ok(crate::support::common::call("export_state", &request));
        std::fs::write(file, state.to_string()).unwrap();
        target.client_id = "sim-client".into();
        target.client_secret = "sim-secret".into();
        target.sign_in = SignIn::Stored(file.to_owned());
        (target, sim, tenant)
    }

    /// Real Xero, from the environment; `Err` with the skip line when the credentials are not there.
    pub fn live_from_env() -> Result<Target, String> {
        let (Some(client_id), Some(client_secret)) = (env("XERO_LIVE_CLIENT_ID"), env("XERO_LIVE_CLIENT_SECRET"))
        else {
            return Err(format!("live Xero contract run skipped: {ENV_HELP}"));
        };
        let sign_in = env("XERO_LIVE_STATE_FILE").map_or(SignIn::Custom, |f| SignIn::Stored(PathBuf::from(f)));
        Ok(Target {
            label: "live Xero",
            upstream: env("XERO_LIVE_API_HOST").unwrap_or_else(|| "https://api.xero.com".into()),
            identity: None,
            client_id,
            client_secret,
            sign_in,
            tenant_id: env("XERO_LIVE_TENANT_ID"),
            accounts: (
                env("XERO_LIVE_SALES_ACCOUNT").unwrap_or_else(|| "200".into()),
                env("XERO_LIVE_PURCHASE_ACCOUNT").unwrap_or_else(|| "310".into()),
                env("XERO_LIVE_BANK_ACCOUNT").unwrap_or_else(|| "090".into()),
            ),
        })
    }

    /// The connection's configuration, its Accounting calls going through `relay`.
    pub fn config(&self, name: &str, state_dir: &std::path::Path, relay: &str) -> Value {
        let mut endpoints = self.identity.clone().unwrap_or_else(|| json!({}));
        endpoints["accounting"] = json!(relay);
        let mut c = json!({
            "connection": name,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "grant_type": "client_credentials",
            "functions": ["debtors", "creditors", "inventory", "sales_invoices", "purchase_invoices", "credit_notes", "payments"],
            "defaults": {"sales_account": self.accounts.0, "cos_account": self.accounts.1},
            "state_dir": state_dir,
            "endpoints": endpoints,
        });
        if let SignIn::Stored(_) = self.sign_in {
            // Never used to sign in (the stored state is imported), but required of a web app's connection.
            c["grant_type"] = json!("authorization_code");
            c["redirect_uri"] = json!(xero_sim::LOOPBACK_REDIRECT_URI);
        }
        c
    }
}
