//! No token, code, verifier or secret in any log record or error; tokens encrypted at rest with a key;
//! export and import of a connection's state.

use crate::support::auth;
use crate::support::auth::*;
use crate::support::common::temp_state_dir;
use serde_json::{Value, json};
use std::time::Duration;
use xero_sim::{ConsentMode, FaultKind, FaultSpec};

const KEY: &str = "8f3a1c2e4b5d6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8";

fn plain(value: &Value) -> String {
    value.as_str().unwrap().strip_prefix("plain:").expect("a plain stored value").to_owned()
}

#[test]
fn no_secret_appears_in_any_log_record_or_error() {
    let _logs = capture_logs();
    let sim = sim(sim_config(600.0));
    let mut secrets: Vec<String> = vec![WEB_SECRET.to_owned(), "sim-custom-secret".to_owned()];
    let mut answers: Vec<Value> = Vec::new();
    let mut keep = |answer: Value| {
        answers.push(answer.clone());
        answer
    };

    let dir = temp_state_dir("secrets");
    configure(&web_config("xero-secrets", &dir, &sim.base_url()));
    // A sign-in whose verifier we read from the store before completing it.
    let started = ok(keep(op("authorize_url", json!({"connection": "xero-secrets"}))));
    let record = stored_record(&dir, "xero-secrets");
    secrets.push(plain(&record["pending"][0]["verifier"]));
    let callback = consent(started["url"].as_str().unwrap());
    let code = query(&callback, "code").unwrap();
    secrets.push(code.clone());
    // Wrong state, then the genuine answer, then the code reused.
    keep(op("authenticate", json!({"connection": "xero-secrets", "code": code, "state": "forged"})));
    ok(keep(op("authenticate", json!({"connection": "xero-secrets", "callback_url": callback.as_str()}))));
    let again = ok(keep(op("authorize_url", json!({"connection": "xero-secrets"}))));
    keep(op("authenticate", json!({"connection": "xero-secrets", "code": code, "state": again["state"]})));
    ok(keep(op("set_tenant", json!({"connection": "xero-secrets", "tenant_name": "Huge ERP Test Ltd"}))));
    keep(op("set_tenant", json!({"connection": "xero-secrets", "tenant_name": "Nope"})));
    let record = stored_record(&dir, "xero-secrets");
    secrets.push(plain(&record["grant"]["access_token"]));
    secrets.push(plain(&record["grant"]["refresh_token"]));

    // A refresh whose answer is lost, then one that works.
    std::thread::sleep(Duration::from_millis(3_100));
    sim.add_fault(FaultSpec::next("POST", "/connect/token", FaultKind::DropAfter, 1));
    ok(keep(op("connections", json!({"connection": "xero-secrets"}))));
    let record = stored_record(&dir, "xero-secrets");
    secrets.push(plain(&record["grant"]["access_token"]));
    secrets.push(plain(&record["grant"]["refresh_token"]));
    // Xero failing at the token endpoint.
    std::thread::sleep(Duration::from_millis(3_100));
    sim.add_fault(FaultSpec::next("POST", "/connect/token", FaultKind::Error500, 5));
    keep(op("connections", json!({"connection": "xero-secrets", "deadline_ms": 3000})));
    sim.clear_faults();
    // The grant revoked at Xero: invalid_grant.
    let record = stored_record(&dir, "xero-secrets");
    let rt = plain(&record["grant"]["refresh_token"]);
    browser()
        .post(format!("{}/connect/revocation", sim.base_url()))
        .basic_auth(WEB_CLIENT, Some(WEB_SECRET))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("token={rt}"))
        .send()
        .unwrap();
    sim.expire_access_tokens();
    keep(op("connections", json!({"connection": "xero-secrets"})));
    keep(op("status", json!({"connection": "xero-secrets"})));
    keep(op("disconnect", json!({"connection": "xero-secrets"})));

    // A denied consent and a client-credentials sign-in with a wrong secret.
    let mut denying = sim_config(1.0);
    denying.consent = ConsentMode::Deny;
    let denying = auth::sim(denying);
    let dir2 = temp_state_dir("secrets-deny");
    configure(&web_config("xero-secrets-deny", &dir2, &denying.base_url()));
    let started = ok(keep(op("authorize_url", json!({"connection": "xero-secrets-deny"}))));
    let callback = consent(started["url"].as_str().unwrap());
    keep(op("authenticate", json!({"connection": "xero-secrets-deny", "callback_url": callback.as_str()})));
    let cc = json!({
        "connection": "xero-secrets-cc", "client_id": "sim-custom-client", "client_secret": "not-the-secret-123",
        "grant_type": "client_credentials", "state_dir": dir2, "endpoints": endpoints(&sim.base_url()),
    });
    secrets.push("not-the-secret-123".to_owned());
    keep(configure(&cc));
    keep(op("authenticate", json!({"connection": "xero-secrets-cc"})));

    let errors = answers.iter().filter(|a| a["ok"] == false).count();
    assert!(errors >= 7, "the flows above produced their errors: {answers:?}");
    let logs = logs();
    assert!(logs.len() >= 10, "the flows above logged: {logs:?}");
    for secret in &secrets {
        assert!(secret.len() >= 8);
        for line in &logs {
            assert!(!line.contains(secret.as_str()), "a secret in a log record: {line}");
        }
        for answer in &answers {
            assert!(!answer.to_string().contains(secret.as_str()), "a secret in an answer: {answer}");
        }
    }
}

#[test]
fn tokens_at_rest_are_encrypted_with_the_key() {
    let sim = sim(sim_config(1.0));
    let dir = temp_state_dir("encrypted");
    let mut config = web_config("xero-enc", &dir, &sim.base_url());
    config["encryption_key"] = json!(KEY);
    configure(&config);
    let started = ok(op("authorize_url", json!({"connection": "xero-enc"})));
    let callback = consent(started["url"].as_str().unwrap());
    ok(op("authenticate", json!({"connection": "xero-enc", "callback_url": callback.as_str()})));
    ok(op("set_tenant", json!({"connection": "xero-enc", "tenant_id": xero_sim::HUGE_TENANT_ID})));
    sim.expire_access_tokens();
    ok(op("connections", json!({"connection": "xero-enc"}))); // refreshed: new tokens sealed too
    let record = stored_record(&dir, "xero-enc");
    for field in ["access_token", "refresh_token", "previous_refresh_token"] {
        let v = record["grant"][field].as_str().unwrap();
        assert!(v.starts_with("aes256gcm:"), "{field} is sealed");
    }
    assert_eq!(status("xero-enc")["tokens_encrypted"], true);
    assert_eq!(status("xero-enc")["state_store"], "sqlite");
    assert!(status("xero-enc")["state_dir"].as_str().is_some_and(|d| !d.is_empty()));

    // Another key cannot read them: a clear error, no guessing.
    let mut wrong = config.clone();
    wrong["encryption_key"] = json!(KEY.replace('8', "9"));
    configure(&wrong);
    let err = assert_error(&op("connections", json!({"connection": "xero-enc"})), "store");
    assert!(err["message"].as_str().unwrap().contains("encryption_key"), "{err}");
    wrong.as_object_mut().unwrap().remove("encryption_key");
    configure(&wrong);
    assert_error(&op("connections", json!({"connection": "xero-enc"})), "store");
    configure(&config);
    ok(op("connections", json!({"connection": "xero-enc"})));
}

#[test]
fn state_exports_and_imports_between_hosts() {
    let sim = sim(sim_config(1.0));
    let (_dir, _) = ready_connection("xero-move", &sim.base_url());
    let exported = ok(op("export_state", json!({"connection": "xero-move"})));
    assert_eq!(exported["format"], "xero-link-auth-state/1");
    assert_eq!(exported["tokens_encrypted"], false);
    assert_eq!(exported["tenant"]["tenant_id"], xero_sim::HUGE_TENANT_ID);

    // Another host, with its own store and an encryption key, takes the state over.
    let other = temp_state_dir("xero-move-other");
    let mut config = web_config("xero-move", &other, &sim.base_url());
    config["encryption_key"] = json!(KEY);
    configure(&config);
    assert_eq!(status("xero-move")["signed_in"], false);
    let imported = ok(op("import_state", json!({"connection": "xero-move", "state": exported})));
    assert_eq!(imported["signed_in"], true);
    assert!(stored_record(&other, "xero-move")["grant"]["refresh_token"].as_str().unwrap().starts_with("aes256gcm:"));
    let db = std::fs::read(other.join("xero-link.sqlite3")).unwrap();
    let wal = std::fs::read(other.join("xero-link.sqlite3-wal")).unwrap_or_default();
    let rt = plain(&exported["grant"]["refresh_token"]);
    for bytes in [&db, &wal] {
        assert!(!bytes.windows(rt.len()).any(|w| w == rt.as_bytes()), "the refresh token is not stored in clear");
    }
    sim.expire_access_tokens();
    ok(op("connections", json!({"connection": "xero-move"})));
    assert_eq!(status("xero-move")["tenant"]["tenant_id"], xero_sim::HUGE_TENANT_ID);

    // The old export is now older than the store: refused unless forced.
    let err = assert_error(&op("import_state", json!({"connection": "xero-move", "state": exported})), "conflict");
    assert_eq!(err["path"], "state.generation");
    ok(op("import_state", json!({"connection": "xero-move", "state": exported, "force": true})));

    // An encrypted export opens only with its key and its connection name.
    let sealed = ok(op("export_state", json!({"connection": "xero-move"})));
    assert_eq!(sealed["tokens_encrypted"], true);
    let mut renamed = sealed.clone();
    renamed["connection"] = json!("xero-elsewhere");
    configure(&web_config("xero-elsewhere", &temp_state_dir("xero-elsewhere"), &sim.base_url()));
    assert_error(&op("import_state", json!({"connection": "xero-elsewhere", "state": sealed})), "validation");
    let err = assert_error(&op("import_state", json!({"connection": "xero-elsewhere", "state": renamed})), "store");
    assert_eq!(err["path"], "state.grant");
    assert_eq!(status("xero-elsewhere")["signed_in"], false, "a refused import changes nothing");
}
