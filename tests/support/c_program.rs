//! The C programs of tests/c/, built as a C host builds them (against include/xero_link.h and the
//! libxero_link.so cargo built with these tests, warnings as errors) and run under valgrind's memcheck.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Where cargo put libxero_link.so for this test run: `target/<profile>/deps/` (beside this test's binary) when
/// only tests were built, `target/<profile>/` too after a `cargo build`. The copy in deps/ is the one built with
/// these tests, so it comes first.
pub fn library_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let deps = exe.parent().unwrap().to_path_buf();
    let profile = deps.parent().unwrap().to_path_buf();
    [deps, profile]
        .into_iter()
        .find(|dir| dir.join("libxero_link.so").exists())
        .expect("libxero_link.so is built with the tests (crate-type cdylib)")
}

/// Compiles `sources` (paths under tests/c/) into the executable `name` in cargo's test temp dir, C11 with
/// `-Wall -Wextra -Wpedantic -Werror`, and `extra` flags (e.g. sanitizers) after those.
pub fn build(sources: &[&str], name: &str, extra: &[&str]) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lib_dir = library_dir();
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let output = Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()))
        .args(["-std=c11", "-Wall", "-Wextra", "-Wpedantic", "-Werror", "-g", "-pthread"])
        .args(extra)
        .arg("-I")
        .arg(root.join("include"))
        .args(sources.iter().map(|s| root.join("tests/c").join(s)))
        .arg("-L")
        .arg(&lib_dir)
        // DT_RPATH rather than the newer DT_RUNPATH: it is searched before LD_LIBRARY_PATH, in which cargo test
        // puts target/<profile>/ (with the copy of an earlier `cargo build`, maybe stale) before deps/.
        .arg(format!("-Wl,--disable-new-dtags,-rpath,{}", lib_dir.display()))
        .arg("-lxero_link")
        .arg("-o")
        .arg(&out)
        .output()
        .expect("a C compiler (cc) is installed");
    assert!(
        output.status.success(),
        "{sources:?} do not compile cleanly against include/xero_link.h with {extra:?}:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    out
}

/// valgrind's memcheck as the C programs run under it: an invalid access or a definite or indirect leak makes
/// the exit status 99. `None` when valgrind is not installed, which CI does not allow (.ci/run installs it).
pub fn valgrind() -> Option<Command> {
    if Command::new("valgrind").arg("--version").output().is_err() {
        assert!(std::env::var_os("CI").is_none(), "valgrind is required in CI (.ci/run installs it)");
        eprintln!("valgrind not installed: skipping the memory check (CI runs it)");
        return None;
    }
    let mut command = Command::new("valgrind");
    command.args([
        "--error-exitcode=99",
        "--leak-check=full",
        "--show-leak-kinds=definite,indirect",
        "--errors-for-leak-kinds=definite,indirect",
        "--quiet",
    ]);
    Some(command)
}
