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
    let abi = read_abi_version(&crate_dir);
    let number: u64 = major.parse::<u64>().unwrap() * 1_000_000
        + minor.parse::<u64>().unwrap() * 1_000
        + patch.parse::<u64>().unwrap();

    let mut config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")).expect("cbindgen.toml is valid");
    config.after_includes = Some(format!(
        "\n#define XERO_VERSION \"{version}\"\n#define XERO_VERSION_MAJOR {major}\n#define XERO_VERSION_MINOR {minor}\n\
         #define XERO_VERSION_PATCH {patch}\n/** MAJOR * 1000000 + MINOR * 1000 + PATCH */\n\
         #define XERO_VERSION_NUMBER {number}\n/** The ABI version this header describes; compare with xero_abi_version(). */\n\
         #define XERO_ABI_VERSION {abi}\n\n/** Log levels passed to xero_log_callback. */\n#define XERO_LOG_ERROR 1\n\
         #define XERO_LOG_WARN 2\n#define XERO_LOG_INFO 3\n#define XERO_LOG_DEBUG 4\n#define XERO_LOG_TRACE 5\n\n\
         /** Return codes of the state-store callbacks (xero_set_state_store). */\n#define XERO_STATE_OK 0\n\
         #define XERO_STATE_NOT_FOUND 1\n#define XERO_STATE_CONFLICT 2\n#define XERO_STATE_ERROR (-1)\n"
    ));
    cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header")
        .write_to_file(&out);

    if env::var_os("XERO_UPDATE_HEADER").is_some() {
        std::fs::create_dir_all(crate_dir.join("include")).unwrap();
        std::fs::copy(&out, crate_dir.join("include/xero_link.h")).expect("copy header into include/");
    }
}

/// `ABI_VERSION` lives in src/lib.rs, the one place it is set.
fn read_abi_version(crate_dir: &std::path::Path) -> u32 {
    let lib = std::fs::read_to_string(crate_dir.join("src/lib.rs")).unwrap();
    lib.lines()
        .find_map(|l| l.trim().strip_prefix("pub const ABI_VERSION: u32 = "))
        .and_then(|rest| rest.trim_end_matches(';').trim().parse().ok())
        .expect("src/lib.rs defines `pub const ABI_VERSION: u32 = N;`")
}
