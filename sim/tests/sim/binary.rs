//! The `xero-sim` binary: one JSON line on stdout, serves until stdin closes; loopback only.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use serde_json::Value;

#[test]
fn prints_one_json_line_then_serves_until_stdin_closes() {
    let seed = std::env::temp_dir().join(format!("xero-sim-seed-{}.json", std::process::id()));
    std::fs::write(
        &seed,
        r#"{"organisations":[{"name":"Seeded Org","tenant_id":"11111111-2222-4333-8444-555555555555"}],
            "apps":[{"client_id":"erp","client_secret":"shh","redirect_uris":["http://127.0.0.1/cb"]}]}"#,
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_xero-sim"))
        .args(["--listen", "127.0.0.1:0", "--time-scale", "60", "--no-limits", "--exit-on-stdin-close", "--seed"])
        .arg(&seed)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let info: Value = serde_json::from_str(&line).unwrap();
    let base = info["base_url"].as_str().unwrap().to_string();
    assert!(base.starts_with("http://127.0.0.1:"));
    assert_eq!(info["endpoints"]["token"], format!("{base}/connect/token"));
    assert_eq!(info["endpoints"]["authorize"], format!("{base}/identity/connect/authorize"));
    assert_eq!(info["endpoints"]["revocation"], format!("{base}/connect/revocation"));
    assert_eq!(info["endpoints"]["connections"], format!("{base}/connections"));
    assert_eq!(info["endpoints"]["accounting"], format!("{base}/api.xro/2.0"));
    assert_eq!(info["control"], format!("{base}/_sim"));
    assert_eq!(info["apps"][0]["client_id"], "erp");
    assert_eq!(info["apps"][0]["client_secret"], "shh");
    assert_eq!(info["apps"][0]["grant_types"][0], "authorization_code");
    assert_eq!(info["organisations"][0]["name"], "Seeded Org");
    assert_eq!(info["time_scale"], 60.0);

    let r = crate::support::http::client().get(format!("{base}/.well-known/openid-configuration")).send().unwrap();
    assert_eq!(r.status(), 200);
    let limits: Value =
        crate::support::http::client().get(format!("{base}/_sim/limits")).send().unwrap().json().unwrap();
    assert_eq!(limits["config"]["enabled"], false);

    drop(child.stdin.take());
    let status = child.wait().unwrap();
    assert!(status.success());
    let _ = std::fs::remove_file(seed);
}

#[test]
fn refuses_non_loopback_addresses() {
    let out = Command::new(env!("CARGO_BIN_EXE_xero-sim")).args(["--listen", "0.0.0.0:0"]).output().unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("loopback"));
    assert!(xero_sim::start(xero_sim::SimConfig { listen: "0.0.0.0:0".into(), ..Default::default() }).is_err());
}

#[test]
fn exits_cleanly_on_sigterm() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_xero-sim"))
        .args(["--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    assert!(serde_json::from_str::<Value>(&line).unwrap()["base_url"].is_string());
    let killed = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    assert!(child.wait().unwrap().success());
}
