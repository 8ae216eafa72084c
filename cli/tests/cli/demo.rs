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
