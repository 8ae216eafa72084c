//! The sign-in state kept by the host (`"state_store": "host"`), through the C callbacks of
//! `xero_set_state_store` over a map with revisions: sign-in, tenant, refresh under contention exactly once per
//! expiry, sealed tokens, and a host whose machine-local files are gone.

use crate::support::auth::*;
use crate::support::common;
use crate::support::host_store::{self, Mem, host_config};
use serde_json::{Value, json};
use std::sync::LazyLock;
use std::time::Instant;

const KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

static MEM: LazyLock<Mem> = LazyLock::new(Mem::default);

/// The host store of these tests: each registers it and holds the process while it runs (the store is
/// process-wide).
fn mem() -> &'static Mem {
    &MEM
}

/// A signed-in connection with its tenant set, its state in the host's store.
fn ready(name: &str, base: &str, extra: Value) -> (std::path::PathBuf, Value) {
    let dir = common::temp_state_dir(name);
    let mut config = host_config(name, &dir, base);
    for (k, v) in extra.as_object().unwrap() {
        config[k] = v.clone();
    }
    configure(&config);
    sign_in(name);
    ok(op("set_tenant", json!({"connection": name, "tenant_name": "Huge ERP Test Ltd"})));
    (dir, config)
}

const THREADS: usize = 8;
const SECONDS: u64 = 8;

#[test]
fn refresh_under_contention_happens_once_per_expiry_in_the_host_store() {
    let _store = host_store::registered(&MEM);
    let sim = sim(sim_config(FAST));
    let name = "xero-host-many";
    let (dir, _) = ready(name, &sim.base_url(), json!({}));
    let key = format!("auth/{name}");
    let (_, before) = mem().get(&key).expect("the state is in the host's store");
    assert_eq!(before["tenant"]["tenant_id"], xero_sim::HUGE_TENANT_ID);
    assert!(before["grant"]["refresh_token"].as_str().unwrap().starts_with("plain:"));
    assert!(!dir.join("xero-link.sqlite3").exists(), "nothing of the sign-in went to state_dir");

    sim.reset_counters();
    let started = Instant::now();
    let calls = hammer_connections(name, THREADS, SECONDS);
    let elapsed = started.elapsed().as_secs_f64();
    let c = sim.counters();
    let (_, after) = mem().get(&key).unwrap();

    assert!(calls >= 100, "only {calls} calls");
    assert_eq!(c.invalid_grant, 0, "{c:?}");
    assert_eq!(c.refreshes_from_grace, 0, "no refresh token was used twice: {c:?}");
    assert_eq!(c.statuses.get("401"), None, "no call went out with an expired token: {c:?}");
    // Access tokens live 3 s and are refreshed 10 % early: one refresh per lifetime, never two.
    let lifetime = 3.0;
    let most = (elapsed / (lifetime * 0.9)).ceil() as u64;
    assert!(c.refreshes >= (SECONDS as f64 / lifetime) as u64 && c.refreshes <= most, "{} refreshes", c.refreshes);
    // Every refresh was committed to the host's store exactly once (a new generation each).
    let generations = after["generation"].as_u64().unwrap() - before["generation"].as_u64().unwrap();
    assert_eq!(generations, c.refreshes, "one stored token set per refresh");
    assert!(after["lease"].is_null(), "the lease was let go");
    assert_eq!(after["tenant"], before["tenant"]);
    assert!(!dir.join("xero-link.sqlite3").exists());
    let m = mem();
    assert_eq!(
        m.handed_out.load(std::sync::atomic::Ordering::SeqCst),
        m.freed.load(std::sync::atomic::Ordering::SeqCst),
        "every loaded value was handed back to free_fn exactly once"
    );
}

#[test]
fn the_state_follows_the_connection_to_a_machine_without_its_files() {
    let _store = host_store::registered(&MEM);
    let sim = sim(sim_config(1.0));
    let name = "xero-host-move";
    let (_dir, config) = ready(name, &sim.base_url(), json!({}));
    // The same connection set up on another application server: a fresh, empty state_dir.
    let mut elsewhere = config.clone();
    elsewhere["state_dir"] = json!(common::temp_state_dir("xero-host-move-elsewhere"));
    configure(&elsewhere);
    let s = status(name);
    assert_eq!(s["signed_in"], true);
    assert_eq!(s["tenant"]["tenant_id"], xero_sim::HUGE_TENANT_ID);
    sim.expire_access_tokens();
    ok(op("connections", json!({"connection": name})));
    assert_eq!(sim.counters().token_grants.get("authorization_code"), Some(&1), "nobody signed in again");

    // Export from the host's store, import into a connection that keeps its state in SQLite.
    let exported = ok(op("export_state", json!({"connection": name})));
    assert_eq!(exported["tenant"]["tenant_id"], xero_sim::HUGE_TENANT_ID);
    let local_dir = common::temp_state_dir("xero-host-local");
    configure(&web_config("xero-host-local", &local_dir, &sim.base_url()));
    let mut renamed = exported.clone();
    renamed["connection"] = json!("xero-host-local");
    ok(op("import_state", json!({"connection": "xero-host-local", "state": renamed})));
    assert_eq!(status("xero-host-local")["tenant"]["tenant_id"], xero_sim::HUGE_TENANT_ID);
    assert!(mem().get("auth/xero-host-local").is_none(), "a sqlite connection does not use the host's store");
}

#[test]
fn with_an_encryption_key_the_host_never_sees_a_plaintext_token() {
    let _store = host_store::registered(&MEM);
    let sim = sim(sim_config(1.0));
    let name = "xero-host-sealed";
    let (_dir, config) = ready(name, &sim.base_url(), json!({}));
    // Learn the plaintext tokens (this connection has no key yet), then give it a key.
    let exported = ok(op("export_state", json!({"connection": name})));
    let plain = |field: &str| exported["grant"][field].as_str().unwrap().strip_prefix("plain:").unwrap().to_owned();
    let secrets = [plain("access_token"), plain("refresh_token")];
    let mut keyed = config.clone();
    keyed["encryption_key"] = json!(KEY);
    configure(&keyed);
    let key = format!("auth/{name}");
    let writes_before = mem().writes_of(&key).len();
    ok(op("import_state", json!({"connection": name, "state": exported, "force": true})));
    sim.expire_access_tokens();
    ok(op("connections", json!({"connection": name}))); // refreshed: the new tokens are sealed too
    assert_eq!(status(name)["tokens_encrypted"], true);
    assert_eq!(status(name)["state_store"], "host", "status says where the sign-in state is kept");

    let (_, stored) = mem().get(&key).unwrap();
    for field in ["access_token", "refresh_token", "previous_refresh_token"] {
        let v = stored["grant"][field].as_str().unwrap();
        assert!(v.starts_with("aes256gcm:"), "{field} is sealed in the host's store");
    }
    let writes = mem().writes_of(&key);
    assert!(writes.len() > writes_before + 1, "the import and the refresh were written");
    for value in &writes[writes_before..] {
        assert!(!value.contains("plain:"), "a plaintext secret reached the host: {value}");
        for secret in &secrets {
            assert!(!value.contains(secret.as_str()), "a known token reached the host in clear");
        }
    }
}
