//! tests/c/stress.c: threads calling every entry point of libxero_link at once against xero-sim, with good and
//! bad input, while the callbacks and the host's state store are replaced. Built with AddressSanitizer and
//! UndefinedBehaviorSanitizer and run under them (leak detection on), and built plain and run under valgrind's
//! memcheck with smaller numbers. A sanitizer report, a valgrind error, a definite or indirect leak, a crash or a
//! broken promise of the header (the program's own checks) fails the test, with the report.

use crate::support::c_program::{build, valgrind};
use crate::support::common::temp_state_dir;
use crate::support::process::shared;
use std::process::{Command, Output};
use xero_sim::{SimConfig, SimHandle};

const SOURCES: [&str; 3] = ["stress.c", "stress_host.c", "stress_input.c"];

/// Threads, connections, rounds and the size of the long strings among the bad input.
struct Load {
    threads: u32,
    connections: u32,
    iterations: u32,
    big: u32,
}

/// The simulator with Xero's default organisations (the custom connection's is "Demo Company (AU)"), limits
/// off: the program measures nothing, and waiting for a minute's limit would only make it slower.
fn simulator() -> SimHandle {
    let mut config = SimConfig::default();
    config.limits.enabled = false;
    xero_sim::start(config).expect("the simulator starts")
}

fn run(mut command: Command, sim: &SimHandle, load: Load) -> Output {
    let state = temp_state_dir("c-stress");
    let numbers = [load.threads, load.connections, load.iterations, load.big].map(|n| n.to_string());
    command.arg(sim.base_url()).arg(&state).args(numbers).output().expect("the stress program starts")
}

fn report(output: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}--- stderr\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn c_stress_is_clean_under_address_and_undefined_behaviour_sanitizers() {
    let _shared = shared();
    let sanitizers = ["-fsanitize=address,undefined", "-fno-omit-frame-pointer", "-fno-sanitize-recover=undefined"];
    let exe = build(&SOURCES, "stress-sanitized", &sanitizers);
    let sim = simulator();
    let mut command = Command::new(exe);
    // Leak detection runs at exit; any finding, a memory error or undefined behaviour makes the exit status 86.
    command.env("ASAN_OPTIONS", "detect_leaks=1:exitcode=86:halt_on_error=1");
    command.env("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1:exitcode=86");
    let output = run(command, &sim, Load { threads: 8, connections: 16, iterations: 3, big: 256 * 1024 });
    let stderr = String::from_utf8_lossy(&output.stderr);
    let reported = ["Sanitizer", "runtime error:"].iter().any(|s| stderr.contains(s));
    assert!(output.status.success() && !reported, "the stress program under ASan + UBSan: {}", report(&output));
}

#[test]
fn c_stress_is_clean_under_valgrind() {
    let _shared = shared();
    let exe = build(&SOURCES, "stress", &[]);
    let Some(mut valgrind) = valgrind() else { return };
    let sim = simulator();
    valgrind.arg(exe);
    // memcheck runs one thread at a time, some 30 times slower: a few of each, and short long strings.
    let output = run(valgrind, &sim, Load { threads: 2, connections: 4, iterations: 1, big: 4096 });
    assert!(output.status.success(), "the stress program under valgrind: {}", report(&output));
}
