//! `tenants` and `set-tenant` ("Set Xero Tenant"), by name and by id.

use crate::support::*;

#[test]
fn tenants_lists_the_organisations_and_set_tenant_chooses_one_by_name_or_id() {
    let world = World::new();
    assert_success(&world.set_up());
    world.sign_in();
    let listed = world.run(&["tenants"]);
    assert_success(&listed);
    let shown = text(&listed);
    assert!(shown.contains("Demo Company (AU)") && shown.contains("Huge ERP Test Ltd"), "{shown}");
    let output = world.run(&["set-tenant", "Huge ERP Test Ltd"]);
    assert_success(&output);
    let answer = stdout_json(&world.run(&["tenants", "--json"]));
    let selected: Vec<&serde_json::Value> =
        answer["connections"].as_array().unwrap().iter().filter(|c| c["selected"] == true).collect();
    assert_eq!(selected.len(), 1);
    assert_eq!(selected[0]["tenant_id"], xero_sim::HUGE_TENANT_ID);
    assert_success(&world.run(&["set-tenant", xero_sim::DEMO_TENANT_ID]));
    let status = stdout_json(&world.run(&["status", "--json"]));
    assert_eq!(status["status"]["tenant"]["tenant_name"], "Demo Company (AU)");
}

#[test]
fn an_organisation_the_sign_in_does_not_reach_is_refused() {
    let world = World::new();
    assert_success(&world.set_up());
    world.sign_in();
    let shown = assert_exit(&world.run(&["set-tenant", "No Such Ltd"]), 3);
    assert!(shown.contains("`No Such Ltd` is not among") && shown.contains("Huge ERP Test Ltd"), "{shown}");
    assert!(shown.contains("field: tenant_name") && shown.contains("xero-link tenants"), "{shown}");
    let status = stdout_json(&world.run(&["status", "--json"]));
    assert!(status["status"]["tenant"].is_null(), "nothing chosen");
}

#[test]
fn tenants_before_signing_in_is_an_authentication_error() {
    let world = World::new();
    assert_success(&world.set_up());
    let shown = assert_exit(&world.run(&["tenants"]), 4);
    assert!(shown.contains("not_authenticated") && shown.contains("xero-link login"), "{shown}");
}
