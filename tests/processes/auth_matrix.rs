//! Sign-in and refresh across the configuration matrix: with and without `encryption_key`, the SQLite and the
//! host state store, authorization code and client credentials, one process and several. Each combination signs
//! in, lives through three expiries of its 3-second access token and then pushes a contact, in its own thread
//! against its own simulator; "several" is the sign-in in this process and two child processes (this binary's
//! ignored `child_lives_through_the_expiries`) that each cache a token, live through the expiries side by side
//! and push.
//!
//! The host store is process-wide: the test holds the process and registers one file-backed store (the children
//! register the same file, as hosts on several machines share a database) that serves every host connection
//! here (their keys differ).

use crate::support::auth::*;
use crate::support::common;
use crate::support::host_store::file::{self, FileStore};
use crate::support::process::{alone, child_test, expect_success, spawn_child};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

const KEY: &str = "5c0ffee5deadbeef00112233445566778899aabbccddeeff0123456789abcdef";
const REFRESHES: u64 = 3;
/// Child processes of a "several processes" combination.
const CHILDREN: u64 = 2;

/// The host store of this (parent) process: one file for every combination (their keys differ).
fn parent_store() -> &'static FileStore {
    static STORE: OnceLock<&'static FileStore> = OnceLock::new();
    STORE.get_or_init(|| file::new(&common::temp_state_dir("matrix-host").join("state.json")))
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

#[derive(Debug, Clone, Copy, PartialEq)]
enum Processes {
    One,
    Several,
}

#[derive(Debug, Clone, Copy)]
struct Combination {
    grant: Grant,
    store: Store,
    encrypted: bool,
    processes: Processes,
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
        let sealed = if self.encrypted { "sealed" } else { "plain" };
        let processes = match self.processes {
            Processes::One => "one",
            Processes::Several => "several",
        };
        format!("xero-matrix-{grant}-{store}-{sealed}-{processes}")
    }

    fn config(&self, base: &str) -> Value {
        let name = self.name();
        let dir = common::temp_state_dir(&name);
        let mut config = web_config(&name, &dir, base);
        config["functions"] = json!(["debtors"]);
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

    /// The record as stored (in the host's file or in state_dir's database).
    fn stored(&self, config: &Value) -> Value {
        let name = self.name();
        match self.store {
            Store::Host => parent_store().get(&format!("auth/{name}")).expect("the record is in the host's store").1,
            Store::Sqlite => stored_record(std::path::Path::new(config["state_dir"].as_str().unwrap()), &name),
        }
    }

    /// What a child process is given: the configuration (for the host store, on another "machine": its own
    /// empty state_dir), the host store's file, the contact it pushes.
    fn child_env(&self, config: &Value, contact: &str) -> Vec<(&'static str, String)> {
        let mut config = config.clone();
        let mut env = vec![("XL_CONTACT", contact.to_owned())];
        if self.store == Store::Host {
            config["state_dir"] = json!(common::temp_state_dir("matrix-child"));
            env.push(("XL_HOST_FILE", parent_store().path.display().to_string()));
        }
        env.push(("XL_CONFIG", config.to_string()));
        env
    }
}

fn all_combinations() -> Vec<Combination> {
    let mut all = Vec::new();
    for grant in [Grant::AuthorizationCode, Grant::ClientCredentials] {
        for store in [Store::Sqlite, Store::Host] {
            for encrypted in [false, true] {
                for processes in [Processes::One, Processes::Several] {
                    all.push(Combination { grant, store, encrypted, processes });
                }
            }
        }
    }
    all
}

/// Asserts `answer` succeeded, saying which step of which connection failed otherwise.
fn step(name: &str, what: &str, answer: Value) -> Value {
    assert_eq!(answer["ok"], true, "{name}: {what} failed: {answer}");
    answer["result"].clone()
}

/// Three expiries of the access token, each followed by a call (which needs a fresh token) and a look at the
/// status; then a push of one new contact. Run by the one process, or by each of the several.
fn live_through_expiries_and_push(name: &str, encrypted: bool, contact: &str) {
    // A token in this process's memory first, so that the others' refreshes make it stale here.
    step(name, "connections before the expiries", op("connections", json!({"connection": name})));
    for n in 1..=REFRESHES {
        // Past the refresh margin of a 3-second token.
        std::thread::sleep(Duration::from_millis(3_100));
        step(name, &format!("connections after expiry {n}"), op("connections", json!({"connection": name})));
        let s = step(name, "status", op("status", json!({"connection": name})));
        assert_eq!(
            (&s["signed_in"], &s["reauth_required"], &s["tokens_encrypted"]),
            (&json!(true), &json!(false), &json!(encrypted)),
            "{name} after expiry {n}: {s}"
        );
        assert!(s["last_refresh_error"].is_null() && s["tokens_unreadable"].is_null(), "{name} after expiry {n}: {s}");
    }
    let contacts = json!([{"code": contact, "role": "debtor", "name": format!("Matrix {contact}")}]);
    let pushed = step(name, "push_contacts", op("push_contacts", json!({"connection": name, "contacts": contacts})));
    assert_eq!(pushed["results"][0]["outcome"], "created", "{name}: {pushed}");
}

/// One combination from sign-in through three refreshes and a push.
fn lifecycle(c: Combination) {
    let name = c.name();
    let sim = sim(sim_config(FAST));
    let config = c.config(&sim.base_url());
    step(&name, "configure", op("configure", config.clone()));
    match c.grant {
        Grant::AuthorizationCode => {
            let started = step(&name, "authorize_url", op("authorize_url", json!({"connection": name})));
            let callback = consent(started["url"].as_str().unwrap());
            step(
                &name,
                "authenticate",
                op("authenticate", json!({"connection": name, "callback_url": callback.as_str()})),
            );
            step(
                &name,
                "set_tenant",
                op("set_tenant", json!({"connection": name, "tenant_id": xero_sim::HUGE_TENANT_ID})),
            );
        }
        Grant::ClientCredentials => {
            step(&name, "authenticate", op("authenticate", json!({"connection": name})));
        }
    }
    let contacts: Vec<String> = match c.processes {
        Processes::One => {
            let contact = format!("M-{name}");
            live_through_expiries_and_push(&name, c.encrypted, &contact);
            vec![contact]
        }
        Processes::Several => {
            let contacts: Vec<String> = (1..=CHILDREN).map(|n| format!("M-{name}-{n}")).collect();
            let children: Vec<_> = contacts
                .iter()
                .map(|contact| {
                    spawn_child(&child_test!(child_lives_through_the_expiries), &c.child_env(&config, contact))
                })
                .collect();
            for child in children {
                expect_success(child);
            }
            contacts
        }
    };

    let stored = c.stored(&config);
    assert!(stored["lease"].is_null(), "{name}: the lease was let go: {}", stored["lease"]);
    let counters = sim.counters();
    // One refresh per expiry; processes whose calls fall far apart may each find the token expired.
    let most = match c.processes {
        Processes::One => REFRESHES,
        Processes::Several => REFRESHES * CHILDREN,
    };
    match c.grant {
        Grant::AuthorizationCode => {
            assert_eq!(counters.token_grants.get("authorization_code"), Some(&1), "{name}: {counters:?}");
            assert!((REFRESHES..=most).contains(&counters.refreshes), "{name}: one refresh per expiry: {counters:?}");
            assert_eq!((counters.invalid_grant, counters.refreshes_from_grace), (0, 0), "{name}: {counters:?}");
        }
        Grant::ClientCredentials => {
            // Client credentials have no refresh token: every expiry asks for a new token.
            let grants = counters.token_grants.get("client_credentials").copied().unwrap_or(0);
            assert!((1 + REFRESHES..=1 + most).contains(&grants), "{name}: {counters:?}");
            assert_eq!(counters.refreshes, 0, "{name}: {counters:?}");
        }
    }
    assert_eq!(counters.statuses.get("401"), None, "{name}: no call went out with an expired token");

    let tenant = step(&name, "status", op("status", json!({"connection": name})))["tenant"]["tenant_id"].clone();
    let xero = sim.snapshot(tenant.as_str().unwrap()).expect("the organisation");
    let names: Vec<&str> = xero["Contacts"].as_array().unwrap().iter().filter_map(|c| c["Name"].as_str()).collect();
    for contact in &contacts {
        let want = format!("Matrix {contact}");
        let found = names.iter().filter(|n| **n == want).count();
        assert_eq!(found, 1, "{name}: {want} is in Xero once: {names:?}");
    }

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
fn every_configuration_signs_in_lives_through_three_refreshes_and_pushes() {
    let _alone = alone();
    file::register_store(parent_store());
    let threads: Vec<_> = all_combinations()
        .into_iter()
        .map(|c| (c, std::thread::Builder::new().name(c.name()).spawn(move || lifecycle(c)).unwrap()))
        .collect();
    let total = threads.len();
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
    assert!(failed.is_empty(), "{} of {total} combinations failed:\n{}", failed.len(), failed.join("\n"));
}

#[test]
#[ignore = "child process of every_configuration_signs_in_lives_through_three_refreshes_and_pushes"]
fn child_lives_through_the_expiries() {
    let Ok(config) = std::env::var("XL_CONFIG") else { return };
    let config: Value = serde_json::from_str(&config).unwrap();
    if let Ok(path) = std::env::var("XL_HOST_FILE") {
        file::register(&PathBuf::from(path));
    }
    let name = config["connection"].as_str().unwrap().to_owned();
    step(&name, "configure", op("configure", config.clone()));
    let contact = std::env::var("XL_CONTACT").unwrap();
    live_through_expiries_and_push(&name, !config["encryption_key"].is_null(), &contact);
}
