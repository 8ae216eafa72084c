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

/// The C functions the library exports: every `extern "C" fn xero_*` in `src/ffi/`, read from the source, so a
/// new export is checked without anyone adding it to a list.
fn exported_functions() -> Vec<String> {
    fn scan(dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                scan(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                let pattern = "extern \"C\" fn ";
                for (at, _) in text.match_indices(pattern) {
                    let rest = &text[at + pattern.len()..];
                    let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                    if name.starts_with("xero_") {
                        out.push(name);
                    }
                }
            }
        }
    }
    let mut out = Vec::new();
    scan(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ffi"), &mut out);
    out.sort();
    out.dedup();
    out
}

#[test]
fn every_exported_function_is_declared_and_documented() {
    let h = committed();
    let lines: Vec<&str> = h.lines().collect();
    let exported = exported_functions();
    // The scan finds what the README's C API table lists (a scan that found nothing would check nothing).
    for name in ["xero_call", "xero_string_free", "xero_push_invoices", "xero_set_state_store", "xero_abi_version"] {
        assert!(exported.iter().any(|e| e == name), "{name} not found in src/ffi: {exported:?}");
    }
    for name in &exported {
        let decl = lines
            .iter()
            .position(|l| !l.trim_start().starts_with('*') && !l.starts_with("/*") && l.contains(&format!("{name}(")))
            .unwrap_or_else(|| panic!("header lacks a declaration of {name}"));
        assert!(decl > 0 && lines[decl - 1].trim() == "*/", "{name} has no doc comment right above it");
    }
}
