//! `demo`: the main job offline, to completion, and the second push writes nothing.

use crate::support::*;

#[test]
fn the_small_demo_runs_offline_and_its_second_push_writes_nothing() {
    let world = World::new();
    let output = world.run(&["demo", "--small"]);
    assert_success(&output);
    let shown = text(&output);
    assert!(shown.contains("The second push wrote nothing"), "{shown}");
    assert!(shown.contains("What Xero now holds"), "{shown}");
    assert!(!shown.contains("sim-secret"), "{shown}");
    assert!(!world.config_path().exists(), "the demo leaves the administrator's configuration alone");
}

#[test]
fn the_demo_refuses_an_unknown_flag() {
    let world = World::new();
    assert_exit(&world.run(&["demo", "--large"]), 2);
}

#[test]
fn on_a_terminal_the_pushes_show_a_progress_bar_fed_by_the_library() {
    let world = World::new();
    let mut session = rexpect::session::spawn_command(world.command(&["demo", "--small"]), Some(60_000)).unwrap();
    // The bar's prefix is the kind, then the bar, `done/total`, and the operation the library's progress event
    // names (only an event from the library sets it): the small day's 60 sales invoices, before its 15 bills.
    let (_, bar) = session.exp_regex(r"sales invoices and bills \[[=> ]+\] \d+/60 sales invoice").unwrap();
    assert!(bar.contains("/60 "), "the 60 sales invoices of the 75 documents: {bar}");
    session.exp_string("The second push wrote nothing").unwrap();
    session.exp_eof().unwrap();
}
