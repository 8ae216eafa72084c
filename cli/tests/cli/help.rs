//! `--help` documents the exit codes; `completions` prints a shell's script; a wrong command line is a usage error.

use crate::support::*;

#[test]
fn help_lists_the_exit_codes() {
    let world = World::new();
    let output = world.run(&["--help"]);
    assert_success(&output);
    let shown = text(&output);
    for line in ["2  usage", "3  validation", "4  authentication", "5  unavailable", "6  push"] {
        assert!(shown.contains(line), "`{line}` missing from:\n{shown}");
    }
}

#[test]
fn completions_are_printed_for_a_known_shell_and_refused_for_another() {
    let world = World::new();
    let output = world.run(&["completions", "bash"]);
    assert_success(&output);
    assert!(String::from_utf8_lossy(&output.stdout).contains("set-tenant"));
    assert_exit(&world.run(&["completions", "nosh"]), 2);
}

#[test]
fn a_command_without_a_configuration_says_to_run_setup() {
    let world = World::new();
    let shown = assert_exit(&world.run(&["status"]), 2);
    assert!(shown.contains("xero-link setup"), "{shown}");
}
