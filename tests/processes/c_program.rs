//! Compiles tests/c/api_test.c against include/xero_link.h and the built libxero_link.so with warnings as
//! errors, runs it, and runs it again under valgrind (leaks and invalid accesses fail the test).

use crate::support::common;
use crate::support::process::shared;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where cargo put libxero_link.so for this test run: `target/<profile>/deps/` (beside this test's binary) when
/// only tests were built, `target/<profile>/` too after a `cargo build`. The copy in deps/ is the one built with
/// these tests, so it comes first.
fn library_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let deps = exe.parent().unwrap().to_path_buf();
    let profile = deps.parent().unwrap().to_path_buf();
    [deps, profile]
        .into_iter()
        .find(|dir| dir.join("libxero_link.so").exists())
        .expect("libxero_link.so is built with the tests (crate-type cdylib)")
}

fn build_c_test() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lib_dir = library_dir();
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("api_test");
    let status = Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()))
        .args(["-std=c11", "-Wall", "-Wextra", "-Wpedantic", "-Werror", "-g"])
        .arg("-I")
        .arg(root.join("include"))
        .arg(root.join("tests/c/api_test.c"))
        .arg("-L")
        .arg(&lib_dir)
        .arg(format!("-Wl,-rpath,{}", lib_dir.display()))
        .arg("-lxero_link")
        .arg("-o")
        .arg(&out)
        .status()
        .expect("a C compiler (cc) is installed");
    assert!(status.success(), "the C test does not compile cleanly against include/xero_link.h");
    out
}

#[test]
fn c_program_passes_and_is_clean_under_valgrind() {
    let _shared = shared();
    let exe = build_c_test();
    let state = common::temp_state_dir("c");
    let output = Command::new(&exe).arg(&state).output().unwrap();
    assert!(
        output.status.success(),
        "C test failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );

    let valgrind = Command::new("valgrind").arg("--version").output();
    if valgrind.is_err() {
        assert!(std::env::var_os("CI").is_none(), "valgrind is required in CI (.ci/run installs it)");
        eprintln!("valgrind not installed: skipping the memory check (CI runs it)");
        return;
    }
    let output = Command::new("valgrind")
        .args([
            "--error-exitcode=99",
            "--leak-check=full",
            "--show-leak-kinds=definite,indirect",
            "--errors-for-leak-kinds=definite,indirect",
            "--quiet",
        ])
        .arg(&exe)
        .arg(&state)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "valgrind found errors or leaks (exit {:?}):\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
}
