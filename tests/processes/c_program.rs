//! Compiles tests/c/api_test.c against include/xero_link.h and the built libxero_link.so with warnings as
//! errors, runs it, and runs it again under valgrind (leaks and invalid accesses fail the test).

use crate::support::c_program::{build, valgrind};
use crate::support::common;
use crate::support::process::shared;
use std::process::Command;

#[test]
fn c_program_passes_and_is_clean_under_valgrind() {
    let _shared = shared();
    let exe = build(&["api_test.c"], "api_test", &[]);
    let state = common::temp_state_dir("c");
    let output = Command::new(&exe).arg(&state).output().unwrap();
    assert!(
        output.status.success(),
        "C test failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );

    let Some(mut valgrind) = valgrind() else { return };
    let output = valgrind.arg(&exe).arg(&state).output().unwrap();
    assert!(
        output.status.success(),
        "valgrind found errors or leaks (exit {:?}):\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
}
