//! `setup`: the ERP's API Setup screen on a terminal. Interactive (prompts, then sign-in, tenant and the
//! defaults chosen from the organisation's own accounts and tracking options), or from flags, or adopting a
//! whole configuration file. The library checks every value (`configure`) before anything is written.

mod defaults;
mod interactive;

use crate::args::{Function, SetupArgs};
use crate::failure::Failure;
use crate::{config_file, input, library};
use serde_json::{Value, json};
use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};

/// The connection name the seed's screen shows, `xero-{namespace}`.
pub const DEFAULT_CONNECTION: &str = "xero-hugeerp";
/// A loopback redirect URI on a fixed port (Xero matches redirect URIs exactly, port included); the same one
/// the simulator's default apps register (`xero_sim::LOOPBACK_REDIRECT_URI`).
pub const DEFAULT_REDIRECT_URI: &str = "http://127.0.0.1:9376/callback";

pub fn run(config_path: &Path, args: &SetupArgs) -> Result<(), Failure> {
    if let Some(file) = &args.from_file {
        let config: Value = serde_json::from_str(&input::read(file)?).map_err(|e| Failure::Validation {
            message: format!("{} is not a JSON configuration: {e}", file.display()),
            field: None,
        })?;
        return save(config_path, config).map(|_| ());
    }
    let existing = config_file::read(config_path)?.unwrap_or_else(|| json!({}));
    let config = from_flags(existing, args)?;
    if args.non_interactive {
        return save(config_path, config).map(|_| ());
    }
    if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        return Err(Failure::Usage(
            "setup asks its questions on a terminal: run it in one, or pass --non-interactive with flags \
             (or --from-file FILE)"
                .into(),
        ));
    }
    interactive::run(config_path, config)
}

/// The configuration checked by the library, then written (0600); what the library made of it.
pub fn save(config_path: &Path, config: Value) -> Result<Value, Failure> {
    let configured = library::call("configure", &config)?;
    config_file::write(config_path, &config)?;
    eprintln!("Saved {} (owner-only; it holds the client secret).", config_path.display());
    eprintln!("{}", summary(&configured));
    Ok(configured)
}

/// What was saved, as the library now holds it (its secrets shown redacted by the library itself).
fn summary(configured: &Value) -> String {
    let config = &configured["config"];
    let functions: Vec<&str> = config["functions"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    let scopes: Vec<&str> = configured["scopes"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    format!(
        "  connection   {}\n  client id    {}\n  redirect URI {}\n  functions    {}\n  scopes       {}\n  defaults     {}\n  state dir    {}",
        crate::output::cell(&configured["connection"]),
        crate::output::cell(&config["client_id"]),
        crate::output::cell(&config["redirect_uri"]),
        functions.join(", "),
        scopes.join(" "),
        defaults(&config["defaults"]),
        crate::output::cell(&config["state_dir"]),
    )
}

fn defaults(defaults: &Value) -> String {
    let set: Vec<String> = defaults
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(_, v)| v.is_string())
        .map(|(k, v)| format!("{k} {}", crate::output::cell(v)))
        .collect();
    if set.is_empty() { "none yet (chosen after sign-in: `xero-link setup`)".into() } else { set.join(", ") }
}

/// The existing configuration with every flag given applied, and the defaults filled in where nothing is set.
fn from_flags(mut config: Value, args: &SetupArgs) -> Result<Value, Failure> {
    let set = |config: &mut Value, key: &str, value: &Option<String>| {
        if let Some(value) = value {
            config[key] = json!(value);
        }
    };
    set(&mut config, "connection", &args.connection);
    if config["connection"].is_null() {
        config["connection"] = json!(DEFAULT_CONNECTION);
    }
    set(&mut config, "client_id", &args.client_id);
    set(&mut config, "grant_type", &args.grant_type);
    set(&mut config, "redirect_uri", &args.redirect_uri);
    if config["redirect_uri"].is_null() && config["grant_type"] != "client_credentials" {
        config["redirect_uri"] = json!(DEFAULT_REDIRECT_URI);
    }
    if let Some(secret) = client_secret(args)? {
        config["client_secret"] = json!(secret);
    }
    config["state_dir"] = match &args.state_dir {
        Some(dir) => json!(absolute(dir)?),
        None if config["state_dir"].is_string() => config["state_dir"].take(),
        None => json!(default_state_dir(config["connection"].as_str().unwrap_or(DEFAULT_CONNECTION))),
    };
    if let Some(functions) = &args.functions {
        config["functions"] = json!(functions.iter().map(|f| f.name()).collect::<Vec<_>>());
    } else if config["functions"].is_null() {
        config["functions"] = json!(Function::ALL.map(Function::name));
    }
    let defaults = [
        ("sales_account", &args.sales_account),
        ("cos_account", &args.cos_account),
        ("division", &args.division),
        ("sales_rep", &args.sales_rep),
    ];
    for (key, value) in defaults {
        if let Some(value) = value {
            config["defaults"][key] = json!(value);
        }
    }
    if let Some(base) = &args.simulator {
        config["endpoints"] = config_file::simulator_endpoints(base);
    }
    if config["client_id"].is_null() && args.non_interactive {
        return Err(Failure::Usage("--client-id is required: the Xero app's client id".into()));
    }
    Ok(config)
}

/// The secret from `--client-secret-file` (`-`: stdin) or `XERO_LINK_CLIENT_SECRET`; trailing newline removed.
fn client_secret(args: &SetupArgs) -> Result<Option<String>, Failure> {
    if let Some(file) = &args.client_secret_file {
        let text = input::read(file)?;
        return Ok(Some(text.trim_end_matches(['\r', '\n']).to_owned()));
    }
    Ok(std::env::var("XERO_LINK_CLIENT_SECRET").ok().filter(|s| !s.is_empty()))
}

fn absolute(dir: &Path) -> Result<PathBuf, Failure> {
    std::path::absolute(dir).map_err(|e| Failure::Usage(format!("--state-dir {}: {e}", dir.display())))
}

/// `$XDG_STATE_HOME/xero-link/CONNECTION` (or `~/.local/state/...`).
pub fn default_state_dir(connection: &str) -> PathBuf {
    config_file::xdg_dir("XDG_STATE_HOME", ".local/state").join("xero-link").join(connection)
}
