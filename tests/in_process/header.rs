//! The committed C header is the one the source generates, and its version macros are the crate's.

use std::path::Path;

fn committed() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("include/xero_link.h");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{} cannot be read: {e}", path.display()))
}

#[test]
fn committed_header_matches_a_fresh_generation() {
    let fresh = std::fs::read_to_string(Path::new(env!("OUT_DIR")).join("xero_link.h")).unwrap();
    assert!(
        committed() == fresh,
        "include/xero_link.h differs from the header the source generates: run `XERO_UPDATE_HEADER=1 cargo build` and commit it"
    );
}

fn define(header: &str, name: &str) -> String {
    let prefix = format!("#define {name} ");
    header
        .lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("header lacks {name}"))
        .trim()
        .to_owned()
}

#[test]
fn version_macros_match_the_crate() {
    let h = committed();
    let major: u64 = env!("CARGO_PKG_VERSION_MAJOR").parse().unwrap();
    let minor: u64 = env!("CARGO_PKG_VERSION_MINOR").parse().unwrap();
    let patch: u64 = env!("CARGO_PKG_VERSION_PATCH").parse().unwrap();
    assert_eq!(define(&h, "XERO_VERSION"), format!("\"{}\"", env!("CARGO_PKG_VERSION")));
    assert_eq!(define(&h, "XERO_VERSION_MAJOR"), major.to_string());
    assert_eq!(define(&h, "XERO_VERSION_MINOR"), minor.to_string());
    assert_eq!(define(&h, "XERO_VERSION_PATCH"), patch.to_string());
    assert_eq!(define(&h, "XERO_VERSION_NUMBER"), (major * 1_000_000 + minor * 1_000 + patch).to_string());
    assert_eq!(define(&h, "XERO_ABI_VERSION"), xero_link::ABI_VERSION.to_string());
}

#[test]
fn every_exported_function_is_declared_and_documented() {
    let h = committed();
    for name in [
        "xero_version",
        "xero_abi_version",
        "xero_call",
        "xero_configure",
        "xero_authorize_url",
        "xero_authenticate",
        "xero_connections",
        "xero_set_tenant",
        "xero_status",
        "xero_disconnect",
        "xero_push_invoice",
        "xero_string_free",
        "xero_set_log_callback",
    ] {
        let lines: Vec<&str> = h.lines().collect();
        let decl = lines
            .iter()
            .position(|l| !l.trim_start().starts_with('*') && !l.starts_with("/*") && l.contains(&format!("{name}(")))
            .unwrap_or_else(|| panic!("header lacks a declaration of {name}"));
        assert!(decl > 0 && lines[decl - 1].trim() == "*/", "{name} has no doc comment right above it");
    }
}
