//! `status`: readable and as JSON; what it says when the organisation was disconnected from Xero's side.

use crate::support::*;

#[test]
fn status_shows_sign_in_tenant_and_the_last_push_and_never_a_secret() {
    let world = World::new();
    world.ready();
    let records = write(&world.home, "c.json", r#"[{"code": "D1", "role": "debtor", "name": "Acme Builders"}]"#);
    assert_success(&world.run(&["push", "contacts", records.to_str().unwrap()]));
    let output = world.run(&["status"]);
    assert_success(&output);
    let shown = text(&output);
    assert!(shown.contains("| signed in ") && shown.contains("| yes"), "{shown}");
    assert!(shown.contains("Huge ERP Test Ltd"), "{shown}");
    assert!(shown.contains("| contacts "), "the last push is listed:\n{shown}");
    assert!(shown.contains("| contact                | 1 "), "the ledger's count per kind:\n{shown}");
    assert!(!shown.contains(SECRET), "{shown}");
    let json_output = world.run(&["status", "--json"]);
    let answer = stdout_json(&json_output);
    assert_eq!(answer["status"]["signed_in"], true);
    assert_eq!(answer["last_pushes"]["contacts"]["summary"]["created"], 1);
    assert_eq!(answer["status"]["ledger"], serde_json::json!({"contact": 1}));
    assert!(!text(&json_output).contains(SECRET));
}

#[test]
fn an_organisation_disconnected_at_xero_makes_commands_fail_as_authentication_with_what_to_do() {
    let world = World::new();
    world.ready();
    world.sim.revoke_connection(xero_sim::HUGE_TENANT_ID, None);
    let records = write(&world.home, "c.json", r#"[{"code": "D1", "role": "debtor", "name": "Acme Builders"}]"#);
    let shown = assert_exit(&world.run(&["push", "contacts", records.to_str().unwrap()]), 4);
    assert!(shown.contains("xero-link login"), "{shown}");
}

#[test]
fn a_refresh_token_xero_no_longer_accepts_shows_reauthentication_and_login_puts_it_right_keeping_the_tenant() {
    let world = World::new();
    world.ready();
    // 61 days unused: Xero's refresh token has expired (developer.xero.com/faq/oauth2: 60 days).
    world.sim.advance_clock(61.0 * 86_400.0);
    let records = write(&world.home, "c.json", r#"[{"code": "D1", "role": "debtor", "name": "Acme Builders"}]"#);
    let shown = assert_exit(&world.run(&["push", "contacts", records.to_str().unwrap()]), 4);
    assert!(shown.contains("reauth_required") && shown.contains("xero-link login"), "{shown}");
    let status = world.run(&["status"]);
    assert_success(&status);
    let shown = text(&status);
    assert!(shown.contains("| re-authentication needed | YES"), "{shown}");
    assert!(shown.contains("next: Xero no longer accepts the stored sign-in"), "{shown}");
    world.sign_in();
    let answer = stdout_json(&world.run(&["status", "--json"]));
    assert_eq!(answer["status"]["reauth_required"], false);
    assert_eq!(answer["status"]["tenant"]["tenant_name"], "Huge ERP Test Ltd", "the tenant is kept");
    assert_success(&world.run(&["push", "contacts", records.to_str().unwrap()]));
}
