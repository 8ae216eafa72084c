//! The test process itself: the one guard over the library's process-wide state, and child processes that run
//! one of the binary's own tests.
//!
//! Process-wide in xero-link: the log callback and level, the progress callback and the host state store; a fork
//! copies whatever another thread holds. Tests from many files share a process, so a test that changes any of
//! these, forks, or must see only its own log records takes [`alone`]. In the `processes` binary every other test
//! takes [`shared`], so that an `alone` test is alone there; in `in_process` the tests that touch none of it take
//! nothing and may run beside an `alone` one (their log records reach its callback too, which its checks allow).

use std::process::{Child, Command, Stdio};
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

static PROCESS: RwLock<()> = RwLock::new(());

/// The process for one test: no other guarded test runs while it is held. Dropped, it puts the process-wide
/// state back as the library starts (no log or progress callback, level info, no host store), so nothing a test
/// installed outlives it.
pub struct Alone {
    _guard: RwLockWriteGuard<'static, ()>,
}

/// Waits until no other guarded test runs, and keeps it so until the returned guard is dropped.
pub fn alone() -> Alone {
    // A test that fails while holding the guard poisons it: the next one goes on (the state is reset on drop).
    Alone { _guard: PROCESS.write().unwrap_or_else(|e| e.into_inner()) }
}

impl Drop for Alone {
    fn drop(&mut self) {
        // Runs before the guard is released (fields drop after this).
        xero_link::log::set_sink(None);
        xero_link::log::set_max_level(xero_link::log::Level::Info);
        xero_link::progress::set_sink(None);
        // NULL load and cas remove the store (and cannot fail).
        unsafe { xero_link::ffi::xero_set_state_store(None, None, None, std::ptr::null_mut()) };
    }
}

/// Runs beside other `shared` tests, never beside an [`alone`] one (every test of `processes` that is not alone).
pub fn shared() -> RwLockReadGuard<'static, ()> {
    PROCESS.read().unwrap_or_else(|e| e.into_inner())
}

// ----- child processes -----

/// The name the test harness gives the test `test` of the module `module` (a `module_path!()`): the module path
/// without the crate's name, as `--exact` wants it.
pub fn test_name(module: &str, test: &str) -> String {
    match module.split_once("::") {
        Some((_crate, path)) => format!("{path}::{test}"),
        None => test.to_owned(),
    }
}

/// The exact name of the test function `$test` of the calling module, for [`spawn_child`]. Naming the function
/// makes the compiler check that it exists, so a child test cannot be moved or renamed without its parent.
// Unused in `in_process`, which starts no child.
#[allow(unused_macros)]
macro_rules! child_test {
    ($test:ident) => {{
        let _exists: fn() = $test;
        $crate::support::process::test_name(module_path!(), stringify!($test))
    }};
}
#[allow(unused_imports)]
pub(crate) use child_test;

/// Runs the ignored test `test` (its exact name: [`child_test!`]) of this test binary in a new process with
/// `env`; returns the child.
pub fn spawn_child(test: &str, env: &[(&str, String)]) -> Child {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command.args(["--exact", test, "--ignored", "--nocapture", "--test-threads", "1"]);
    for (k, v) in env {
        command.env(k, v);
    }
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    command.spawn().expect("the child test starts")
}

/// Waits for a child and asserts it passed, showing its output otherwise.
pub fn expect_success(child: Child) -> String {
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "child failed ({}):\n{stdout}\n{stderr}", out.status);
    assert!(stdout.contains("1 passed"), "the child test did not run:\n{stdout}\n{stderr}");
    stdout
}
