//! Sign-in and refresh across the configuration matrix: with and without `encryption_key`, the SQLite and the
//! host state store, authorization code and client credentials. Each combination signs in and lives through three
//! expiries of its 3-second access token, in its own thread against its own simulator.
//!
//! The host store is process-wide, so the test holds the process and registers one in-memory store that serves
//! every host connection here (their keys differ).

use crate::support::auth::*;
use crate::support::common;
use crate::support::host_store::{self, Mem};
use serde_json::{Value, json};
use std::sync::LazyLock;
use std::time::Duration;

const KEY: &str = "5c0ffee5deadbeef00112233445566778899aabbccddeeff0123456789abcdef";
const REFRESHES: u64 = 3;

static MEM: LazyLock<Mem> = LazyLock::new(Mem::default);

fn mem() -> &'static Mem {
    &MEM
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Grant {
    AuthorizationCode,
    ClientCredentials,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Store {
    Sqlite,
    Host,
}

#[derive(Debug, Clone, Copy)]
struct Combination {
    grant: Grant,
    store: Store,
    encrypted: bool,
}

impl Combination {
    fn name(&self) -> String {
        let grant = match self.grant {
            Grant::AuthorizationCode => "code",
            Grant::ClientCredentials => "cc",
        };
        let store = match self.store {
            Store::Sqlite => "sqlite",
            Store::Host => "host",
        };
        format!("xero-matrix-{grant}-{store}-{}", if self.encrypted { "sealed" } else { "plain" })
    }

    fn config(&self, base: &str) -> Value {
        let name = self.name();
        let dir = common::temp_state_dir(&name);
        let mut config = web_config(&name, &dir, base);
        if self.grant == Grant::ClientCredentials {
            config["client_id"] = json!("sim-custom-client");
            config["client_secret"] = json!("sim-custom-secret");
            config["grant_type"] = json!("client_credentials");
            config.as_object_mut().unwrap().remove("redirect_uri");
        }
        if self.store == Store::Host {
            config["state_store"] = json!("host");
        }
        if self.encrypted {
            config["encryption_key"] = json!(KEY);
        }
        config
    }

    /// The record as stored (in the host's map or in state_dir's database).
    fn stored(&self, config: &Value) -> Value {
        let name = self.name();
        match self.store {
            Store::Host => mem().get(&format!("auth/{name}")).expect("the record is in the host's store").1,
            Store::Sqlite => stored_record(std::path::Path::new(config["state_dir"].as_str().unwrap()), &name),
        }
    }
}

fn all_combinations() -> Vec<Combination> {
    let mut all = Vec::new();
    for grant in [Grant::AuthorizationCode, Grant::ClientCredentials] {
        for store in [Store::Sqlite, Store::Host] {
            for encrypted in [false, true] {
                all.push(Combination { grant, store, encrypted });
            }
        }
    }
    all
}

/// Asserts `answer` succeeded, saying which step of which combination failed otherwise.
fn step(c: &Combination, what: &str, answer: Value) -> Value {
    assert_eq!(answer["ok"], true, "{}: {what} failed: {answer}", c.name());
    answer["result"].clone()
}

/// One combination from sign-in through three refreshes.
fn lifecycle(c: Combination) {
    let name = c.name();
    let sim = sim(sim_config(FAST));
    let config = c.config(&sim.base_url());
    step(&c, "configure", op("configure", config.clone()));
    match c.grant {
        Grant::AuthorizationCode => {
            let started = step(&c, "authorize_url", op("authorize_url", json!({"connection": name})));
            let callback = consent(started["url"].as_str().unwrap());
            step(
                &c,
                "authenticate",
                op("authenticate", json!({"connection": name, "callback_url": callback.as_str()})),
            );
            step(
                &c,
                "set_tenant",
                op("set_tenant", json!({"connection": name, "tenant_id": xero_sim::HUGE_TENANT_ID})),
            );
        }
        Grant::ClientCredentials => {
            step(&c, "authenticate", op("authenticate", json!({"connection": name})));
        }
    }
    step(&c, "connections after sign-in", op("connections", json!({"connection": name})));
    for n in 1..=REFRESHES {
        // Past the refresh margin of a 3-second token.
        std::thread::sleep(Duration::from_millis(3_100));
        step(&c, &format!("connections after expiry {n}"), op("connections", json!({"connection": name})));
        let s = step(&c, "status", op("status", json!({"connection": name})));
        assert_eq!(
            (&s["signed_in"], &s["reauth_required"], &s["tokens_encrypted"]),
            (&json!(true), &json!(false), &json!(c.encrypted)),
            "{name} after expiry {n}: {s}"
        );
        assert!(s["last_refresh_error"].is_null() && s["tokens_unreadable"].is_null(), "{name} after expiry {n}: {s}");
        let stored = c.stored(&config);
        assert!(stored["lease"].is_null(), "{name} after expiry {n}: the lease was let go: {}", stored["lease"]);
    }

    let counters = sim.counters();
    match c.grant {
        Grant::AuthorizationCode => {
            assert_eq!(counters.token_grants.get("authorization_code"), Some(&1), "{name}: {counters:?}");
            assert_eq!(counters.refreshes, REFRESHES, "{name}: one refresh per expiry: {counters:?}");
            assert_eq!((counters.invalid_grant, counters.refreshes_from_grace), (0, 0), "{name}: {counters:?}");
        }
        Grant::ClientCredentials => {
            // Client credentials have no refresh token: every expiry asks for a new token.
            assert_eq!(counters.token_grants.get("client_credentials"), Some(&(1 + REFRESHES)), "{name}: {counters:?}");
            assert_eq!(counters.refreshes, 0, "{name}: {counters:?}");
        }
    }
    assert_eq!(counters.statuses.get("401"), None, "{name}: no call went out with an expired token");

    let stored = c.stored(&config);
    let grant = &stored["grant"];
    let mut fields = vec!["access_token"];
    if c.grant == Grant::AuthorizationCode {
        fields.extend(["refresh_token", "previous_refresh_token"]);
    } else {
        assert!(grant["refresh_token"].is_null(), "{name}: {grant}");
    }
    let prefix = if c.encrypted { "aes256gcm:" } else { "plain:" };
    for field in fields {
        let value = grant[field].as_str().unwrap_or_else(|| panic!("{name}: no {field}"));
        assert!(value.starts_with(prefix), "{name}: {field} is stored `{prefix}`");
    }
}

#[test]
fn every_configuration_signs_in_and_lives_through_three_refreshes() {
    let _store = host_store::registered(&MEM);
    let threads: Vec<_> = all_combinations()
        .into_iter()
        .map(|c| (c, std::thread::Builder::new().name(c.name()).spawn(move || lifecycle(c)).unwrap()))
        .collect();
    let mut failed = Vec::new();
    for (c, thread) in threads {
        if let Err(panic) = thread.join() {
            let why = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            failed.push(format!("{c:?}: {why}"));
        }
    }
    assert!(failed.is_empty(), "{} of 8 combinations failed:\n{}", failed.len(), failed.join("\n"));
}
