//! The configuration file: the JSON object the library's `configure` takes, kept owner-only (0600) because it
//! holds the client secret. Every command loads it and configures the connection in this process first.

use crate::failure::Failure;
use crate::library;
use serde_json::Value;
use std::io::Write as _;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// The file `--config` (or `XERO_LINK_CONFIG`) names, else `$XDG_CONFIG_HOME/xero-link/config.json`.
pub fn resolve(flag: Option<PathBuf>) -> PathBuf {
    flag.unwrap_or_else(|| xdg_dir("XDG_CONFIG_HOME", ".config").join("xero-link").join("config.json"))
}

/// `$VAR`, else `$HOME/fallback` (the XDG base directory rules), else the current directory.
pub fn xdg_dir(var: &str, fallback: &str) -> PathBuf {
    match std::env::var_os(var).filter(|v| !v.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => std::env::var_os("HOME").map(|h| PathBuf::from(h).join(fallback)).unwrap_or_else(|| ".".into()),
    }
}

/// The configuration at `path`, or `None` when there is no file.
pub fn read(path: &Path) -> Result<Option<Value>, Failure> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Failure::Usage(format!("cannot read the configuration {}: {e}", path.display()))),
    };
    let config: Value = serde_json::from_str(&text).map_err(|e| Failure::Validation {
        message: format!("the configuration {} is not JSON: {e}", path.display()),
        field: None,
    })?;
    if !config.is_object() {
        return Err(Failure::Validation {
            message: format!("the configuration {} is not a JSON object", path.display()),
            field: None,
        });
    }
    Ok(Some(config))
}

/// The configuration at `path`, configured in this process; its connection's name.
pub fn load_and_configure(path: &Path) -> Result<(String, Value), Failure> {
    let config = read(path)?.ok_or_else(|| {
        Failure::Usage(format!(
            "no configuration at {}: run `xero-link setup` first (or pass --config FILE)",
            path.display()
        ))
    })?;
    let configured = library::call("configure", &config)?;
    let name = configured["connection"].as_str().unwrap_or_default().to_owned();
    Ok((name, config))
}

/// Writes `config` to `path` owner-only, replacing the file in one step (a crash leaves the old one whole).
pub fn write(path: &Path, config: &Value) -> Result<(), Failure> {
    let fail = |what: &str, e: std::io::Error| Failure::Other(format!("cannot {what} {}: {e}", path.display()));
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| fail("create the folder of", e))?;
    }
    let temporary = path.with_extension(format!("tmp{}", std::process::id()));
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&temporary)
        .map_err(|e| fail("write", e))?;
    // A file left by an earlier run keeps its mode when opened: make sure of owner-only.
    file.set_permissions(std::fs::Permissions::from_mode(0o600)).map_err(|e| fail("protect", e))?;
    let text = serde_json::to_string_pretty(config).map_err(|e| Failure::Other(e.to_string()))?;
    file.write_all(format!("{text}\n").as_bytes()).map_err(|e| fail("write", e))?;
    file.sync_all().map_err(|e| fail("write", e))?;
    std::fs::rename(&temporary, path).map_err(|e| fail("replace", e))
}

/// Where the CLI keeps the last push results of each kind, beside the configuration (its own presentation
/// state; the library's ledger stays in `state_dir`).
pub fn last_push_path(config_path: &Path) -> PathBuf {
    config_path.with_extension("last-push.json")
}

/// The endpoints of a xero-sim at `base`, as it prints them at start-up (sim/README.md).
pub fn simulator_endpoints(base: &str) -> Value {
    let base = base.trim_end_matches('/');
    serde_json::json!({
        "authorize": format!("{base}/identity/connect/authorize"),
        "token": format!("{base}/connect/token"),
        "revocation": format!("{base}/connect/revocation"),
        "connections": format!("{base}/connections"),
        "accounting": format!("{base}/api.xro/2.0"),
    })
}
