//! A build of xero-link alone (what `pip install ./bindings/python` runs: `cargo rustc -p xero-link`) and the fuzz
//! targets' build (`fuzz/run`) reuse every dependency the workspace's test build compiled. Cargo unifies features over the packages one build selects, so
//! without workspace-hack/Cargo.toml those builds compiled the dependencies a second time (about 250 s of CI each).
//! This compares the two builds' unit graphs (cargo's `--unit-graph`, unstable: `RUSTC_BOOTSTRAP=1`, nothing is
//! built) and names each dependency the lone build would compile again.

use crate::support::process::shared;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::process::Command;

/// The unit graph `cargo <args> --unit-graph` prints for this workspace.
fn unit_graph(args: &[&str]) -> Value {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args(args)
        .args(["--offline", "--unit-graph", "-Z", "unstable-options"])
        .env("RUSTC_BOOTSTRAP", "1")
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo {args:?} --unit-graph failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("the unit graph is JSON")
}

/// One key per unit that stands for what cargo's fingerprint depends on here: package, target, mode, features,
/// optimisation and debug info, and the same of every dependency, recursively.
fn unit_keys(graph: &Value) -> Vec<String> {
    let units = graph["units"].as_array().expect("units");
    let mut keys: HashMap<usize, String> = HashMap::new();
    fn key(i: usize, units: &[Value], keys: &mut HashMap<usize, String>) -> String {
        if let Some(k) = keys.get(&i) {
            return k.clone();
        }
        let unit = &units[i];
        let mut deps: Vec<String> = unit["dependencies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| key(d["index"].as_u64().unwrap() as usize, units, keys))
            .collect();
        deps.sort();
        let profile = &unit["profile"];
        let k = format!(
            "{} {} {} {} opt={} debug={} [{}]",
            unit["pkg_id"],
            unit["target"]["name"],
            unit["mode"],
            unit["features"],
            profile["opt_level"],
            profile["debuginfo"],
            deps.join(",")
        );
        keys.insert(i, k.clone());
        k
    }
    (0..units.len()).map(|i| key(i, units, &mut keys)).collect()
}

/// The dependencies a build selecting `packages` would compile although the workspace's test build compiled the
/// same crate: their features or profile differ from the workspace build's, or those of a dependency of theirs do.
fn compiled_again(workspace: &HashSet<String>, workspace_packages: &HashSet<&str>, args: &[&str]) -> Vec<String> {
    let graph = unit_graph(args);
    let units = graph["units"].as_array().unwrap();
    unit_keys(&graph)
        .into_iter()
        .zip(units)
        .filter(|(key, unit)| {
            let package = unit["pkg_id"].as_str().unwrap();
            !workspace.contains(key) && workspace_packages.contains(package) && !package.starts_with("path+")
        })
        .map(|(_, unit)| {
            let profile = &unit["profile"];
            let (opt, debug) = (&profile["opt_level"], &profile["debuginfo"]);
            format!(
                "{} {} features {} opt-level {opt} debuginfo {debug}",
                unit["pkg_id"], unit["mode"], unit["features"]
            )
        })
        .collect()
}

#[test]
fn builds_of_the_library_alone_and_of_the_fuzz_targets_reuse_the_workspace_builds_dependencies() {
    let _shared = shared();
    let workspace = unit_graph(&["test", "--workspace", "--no-run"]);
    let built: HashSet<String> = unit_keys(&workspace).into_iter().collect();
    let packages: HashSet<&str> =
        workspace["units"].as_array().unwrap().iter().map(|u| u["pkg_id"].as_str().unwrap()).collect();
    for args in [&["build", "-p", "xero-link", "--lib"][..], &["build", "-p", "xero-link-fuzz", "--bins"]] {
        let again = compiled_again(&built, &packages, args);
        assert!(
            again.is_empty(),
            "`cargo {}` would compile these dependencies again: their features or profile differ from the \
             workspace build's, or those of a dependency of theirs do. Add the missing features to \
             workspace-hack/Cargo.toml (or the crate itself where only the workspace build also uses a build \
             script's dependency as a normal one, as with tempfile):\n{}",
            args.join(" "),
            again.join("\n")
        );
    }
}
