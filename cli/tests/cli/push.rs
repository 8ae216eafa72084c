//! `push KIND FILE`: JSON, NDJSON and stdin; tables and JSON; dry runs; failed records make the exit code 6.

use crate::support::*;
use std::io::Write as _;
use std::process::Stdio;
use xero_link_fixtures::erp_day;

fn ndjson(records: &[serde_json::Value]) -> String {
    records.iter().map(|r| format!("{r}\n")).collect()
}

#[test]
fn ndjson_records_are_pushed_once_and_a_second_push_writes_nothing() {
    let world = World::new();
    world.ready();
    let day = erp_day::generate(2026, erp_day::Scale::SMALL);
    let file = write(&world.home, "contacts.ndjson", &ndjson(&day.contacts()));
    let first = world.run(&["push", "contacts", file.to_str().unwrap(), "--json"]);
    assert_success(&first);
    let answer = stdout_json(&first);
    assert_eq!(answer["summary"]["created"], day.contacts().len());
    let writes = || world.sim.counters().calls.iter().filter(|(k, _)| k.starts_with("P")).map(|(_, n)| n).sum::<u64>();
    let writes_before = writes();
    let again = world.run(&["push", "contacts", file.to_str().unwrap()]);
    assert_success(&again);
    assert!(text(&again).contains("| unchanged"), "{}", text(&again));
    assert_eq!(writes(), writes_before, "nothing written the second time");
}

#[test]
fn records_from_stdin_in_a_request_object_and_a_dry_run_writes_nothing() {
    let world = World::new();
    world.ready();
    let request =
        serde_json::json!({"items": [{"code": "BEAM-6M", "name": "Steel beam 6 m", "sales_price": "19.9950"}]});
    let mut child = world
        .command(&["push", "items", "-", "--dry-run", "--all"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    write!(child.stdin.take().unwrap(), "{request}").unwrap();
    let output = child.wait_with_output().unwrap();
    assert_success(&output);
    let shown = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(shown.contains("BEAM-6M") && shown.contains("dry run"), "{shown}");
    let org = world.sim.snapshot(xero_sim::HUGE_TENANT_ID).unwrap();
    assert_eq!(org["Items"].as_array().unwrap().len(), 0, "a dry run writes nothing");
}

#[test]
fn a_failed_record_is_listed_with_its_field_and_the_exit_code_is_6() {
    let world = World::new();
    world.ready();
    let records = r#"[{"code": "D1", "role": "debtor", "name": "Acme Builders"},
                      {"code": "D2", "role": "debtor", "name": ""}]"#;
    let file = write(&world.home, "contacts.json", records);
    let shown = assert_exit(&world.run(&["push", "contacts", file.to_str().unwrap()]), 6);
    assert!(shown.contains("D2") && shown.contains("validation") && shown.contains("name"), "{shown}");
    assert!(!shown.contains("| D1 "), "records that went well are not listed without --all:\n{shown}");
}

#[test]
fn input_that_is_not_json_is_a_validation_error_naming_the_line() {
    let world = World::new();
    world.ready();
    let file = write(&world.home, "bad.ndjson", "{\"code\": \"D1\"}\n{\"code\": \n");
    let shown = assert_exit(&world.run(&["push", "contacts", file.to_str().unwrap()]), 3);
    assert!(shown.contains("line 2"), "{shown}");
    assert_exit(&world.run(&["push", "contacts", "/no/such/file.json"]), 2);
}

#[test]
fn xero_offline_for_maintenance_is_unavailable_exit_5_and_the_push_again_settles_it() {
    let world = World::new();
    world.ready();
    let fault = world.sim.add_fault(maintenance("/api.xro/2.0/Contacts"));
    let file = write(&world.home, "c.json", r#"[{"code": "D1", "role": "debtor", "name": "Acme Builders"}]"#);
    let shown = assert_exit(&world.run(&["push", "contacts", file.to_str().unwrap()]), 5);
    assert!(shown.contains("try again later"), "{shown}");
    world.sim.remove_fault(fault);
    let output = world.run(&["push", "contacts", file.to_str().unwrap(), "--json"]);
    assert_success(&output);
    assert_eq!(stdout_json(&output)["summary"]["created"], 1);
}
