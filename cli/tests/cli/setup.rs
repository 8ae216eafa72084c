//! `setup` from flags and from a file: the configuration written owner-only, the secret never shown.

use crate::support::*;
use std::os::unix::fs::PermissionsExt;

#[test]
fn flags_write_an_owner_only_configuration_the_library_accepts_and_never_show_the_secret() {
    let world = World::new();
    let output = world.set_up();
    assert_success(&output);
    let shown = text(&output);
    assert!(!shown.contains(SECRET), "the secret was shown:\n{shown}");
    assert!(shown.contains("sim-client") && shown.contains("xero-hugeerp"), "{shown}");
    let mode = std::fs::metadata(world.config_path()).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let config: serde_json::Value = serde_json::from_slice(&std::fs::read(world.config_path()).unwrap()).unwrap();
    assert_eq!(config["client_secret"], SECRET, "kept for the other commands and hosts");
    assert_eq!(config["functions"].as_array().unwrap().len(), 7, "every function ticked by default");
    assert_eq!(config["redirect_uri"], world.loopback_uri.as_str());
}

#[test]
fn a_refused_value_names_its_field_and_flag_and_writes_nothing() {
    let world = World::new();
    let output = world.run(&[
        "setup",
        "--non-interactive",
        "--client-id",
        "sim-client",
        "--redirect-uri",
        "http://127.0.0.1:0/callback",
    ]);
    let shown = assert_exit(&output, 3);
    assert!(shown.contains("field: redirect_uri (setup --redirect-uri)"), "{shown}");
    assert!(shown.contains("next: "), "{shown}");
    assert!(!world.config_path().exists());
}

#[test]
fn without_a_client_id_it_is_a_usage_error() {
    let world = World::new();
    let shown = assert_exit(&world.run(&["setup", "--non-interactive"]), 2);
    assert!(shown.contains("--client-id"), "{shown}");
}

#[test]
fn a_configuration_file_is_adopted_and_flags_change_one_value_keeping_the_rest() {
    let world = World::new();
    let file = write(
        &world.home,
        "host.json",
        &serde_json::json!({"connection": "xero-acme", "client_id": "sim-client", "client_secret": SECRET,
                            "redirect_uri": "https://erp.example.com/csp/sys/oauth2/OAuth2.Response.cls",
                            "state_dir": world.home.join("state")})
        .to_string(),
    );
    let output = world.run(&["setup", "--from-file", file.to_str().unwrap()]);
    assert_success(&output);
    assert!(!text(&output).contains(SECRET));
    let output =
        world.run(&["setup", "--non-interactive", "--sales-account", "200", "--functions", "debtors,payments"]);
    assert_success(&output);
    let config: serde_json::Value = serde_json::from_slice(&std::fs::read(world.config_path()).unwrap()).unwrap();
    assert_eq!(config["connection"], "xero-acme");
    assert_eq!(config["client_secret"], SECRET);
    assert_eq!(config["defaults"]["sales_account"], "200");
    assert_eq!(config["functions"], serde_json::json!(["debtors", "payments"]));
}

#[test]
fn setup_refuses_to_ask_without_a_terminal() {
    let world = World::new();
    let shown = assert_exit(&world.run(&["setup"]), 2);
    assert!(shown.contains("--non-interactive"), "{shown}");
}
