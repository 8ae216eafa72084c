//! Generates the C header from the Rust source with cbindgen into `$OUT_DIR/xero_link.h`.
//!
//! The committed copy is `include/xero_link.h`; `tests/in_process/header.rs` fails when it differs from this one.
//! To refresh it: `XERO_UPDATE_HEADER=1 cargo build` (copies the fresh header into `include/`).

use std::env;
use std::path::PathBuf;

fn main() {
    let crate_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let out = PathBuf::from(env::var("OUT_DIR").unwrap()).join("xero_link.h");
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-env-changed=XERO_UPDATE_HEADER");

    let major = env::var("CARGO_PKG_VERSION_MAJOR").unwrap();
    let minor = env::var("CARGO_PKG_VERSION_MINOR").unwrap();
    let patch = env::var("CARGO_PKG_VERSION_PATCH").unwrap();
    let version = env::var("CARGO_PKG_VERSION").unwrap();
    let number: u64 = major.parse::<u64>().unwrap() * 1_000_000
        + minor.parse::<u64>().unwrap() * 1_000
        + patch.parse::<u64>().unwrap();

    let mut config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")).expect("cbindgen.toml is valid");
    // The version comes from Cargo.toml; every other constant (ABI version, log levels, state-store codes) is a
    // `pub const` in src/ffi/ that cbindgen exports.
    config.after_includes = Some(format!(
        "\n#define XERO_VERSION \"{version}\"\n#define XERO_VERSION_MAJOR {major}\n#define XERO_VERSION_MINOR {minor}\n\
         #define XERO_VERSION_PATCH {patch}\n/** MAJOR * 1000000 + MINOR * 1000 + PATCH */\n\
         #define XERO_VERSION_NUMBER {number}\n"
    ));
    // Only the boundary: `src/ffi/mod.rs` and the modules it declares, in declaration order (the header's order).
    // Everything they declare public is the C API, and nothing else in the crate is.
    let mut header = Vec::new();
    cbindgen::Builder::new()
        .with_src(crate_dir.join("src/ffi/mod.rs"))
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header")
        .write(&mut header);
    // A new file renamed into place, never written in place: a target directory copied with hard links (`cp -al`)
    // would otherwise get this build's header in every copy.
    let fresh = out.with_extension("h.new");
    std::fs::write(&fresh, &header).expect("write the header");
    std::fs::rename(&fresh, &out).expect("move the header into place");

    if env::var_os("XERO_UPDATE_HEADER").is_some() {
        std::fs::create_dir_all(crate_dir.join("include")).unwrap();
        std::fs::copy(&out, crate_dir.join("include/xero_link.h")).expect("copy header into include/");
    }
}
