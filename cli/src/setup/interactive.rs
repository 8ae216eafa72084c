//! The prompts, in the order of the seed's API Setup screen: connection `xero-{namespace}`, the Xero app's
//! client id and secret (hidden) and redirect URI, the functions ticked; saved; then "Authenticate sign in",
//! "Set Xero Tenant", and the defaults chosen from the organisation's own data.

use super::{DEFAULT_CONNECTION, DEFAULT_REDIRECT_URI, default_state_dir, defaults, save};
use crate::args::{Function, LoginArgs};
use crate::failure::Failure;
use crate::{library, login};
use dialoguer::theme::SimpleTheme;
use dialoguer::{Confirm, Input, MultiSelect, Password, Select};
use serde_json::{Value, json};
use std::path::Path;

pub fn run(config_path: &Path, mut config: Value) -> Result<(), Failure> {
    eprintln!("API Setup (the ERP's Configuration Module > Security > API Setup). Enter keeps the value shown.");
    ask_connection(&mut config)?;
    ask_app(&mut config)?;
    ask_functions(&mut config)?;
    save(config_path, config.clone())?;
    let connection = config["connection"].as_str().unwrap_or(DEFAULT_CONNECTION).to_owned();
    if !confirm("Authenticate sign in now?", true)? {
        eprintln!("Later: xero-link login, then xero-link set-tenant NAME, then xero-link setup for the defaults.");
        return Ok(());
    }
    login::sign_in(&connection, &config, &LoginArgs { timeout: 300, ..Default::default() })?;
    choose_tenant(&connection)?;
    defaults::choose(&connection, &mut config)?;
    save(config_path, config)?;
    eprintln!("Set up. `xero-link status` shows the connection; `xero-link push KIND FILE` pushes records.");
    Ok(())
}

fn ask_connection(config: &mut Value) -> Result<(), Failure> {
    let current = config["connection"].as_str().unwrap_or(DEFAULT_CONNECTION).to_owned();
    let name = text("Connection name (xero-{namespace})", &current)?;
    if name != current && config["state_dir"] == json!(default_state_dir(&current)) {
        config["state_dir"] = json!(default_state_dir(&name));
    }
    config["connection"] = json!(name);
    Ok(())
}

/// The Xero app's details (developer.xero.com → My Apps → the app → Configuration).
fn ask_app(config: &mut Value) -> Result<(), Failure> {
    config["client_id"] = json!(text("Client id (from the Xero app)", config["client_id"].as_str().unwrap_or(""))?);
    let has_secret = config["client_secret"].is_string();
    let prompt = if has_secret {
        "Client secret (hidden; Enter keeps the current one)"
    } else {
        "Client secret (hidden; empty for an \"Auth Code with PKCE\" app)"
    };
    let secret = Password::with_theme(&SimpleTheme).with_prompt(prompt).allow_empty_password(true).interact();
    let secret = secret.map_err(prompt_failed)?;
    if !secret.is_empty() {
        config["client_secret"] = json!(secret);
    }
    if config["grant_type"] != "client_credentials" {
        let current = config["redirect_uri"].as_str().unwrap_or(DEFAULT_REDIRECT_URI).to_owned();
        config["redirect_uri"] = json!(text("Redirect URI (exactly as registered at Xero)", &current)?);
    }
    let state_dir = config["state_dir"].as_str().unwrap_or_default().to_owned();
    config["state_dir"] = json!(text("State directory (tokens, tenant, push ledger)", &state_dir)?);
    Ok(())
}

fn ask_functions(config: &mut Value) -> Result<(), Failure> {
    let ticked: Vec<&str> = config["functions"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    let labels: Vec<&str> = Function::ALL.iter().map(|f| f.label()).collect();
    let checked: Vec<bool> = Function::ALL.iter().map(|f| ticked.contains(&f.name())).collect();
    let chosen = MultiSelect::with_theme(&SimpleTheme)
        .with_prompt("Functions to activate (Space ticks, Enter accepts)")
        .items(&labels)
        .defaults(&checked)
        .interact()
        .map_err(prompt_failed)?;
    config["functions"] = json!(chosen.iter().map(|&i| Function::ALL[i].name()).collect::<Vec<_>>());
    Ok(())
}

/// "Set Xero Tenant": one of the organisations the sign-in reaches.
fn choose_tenant(connection: &str) -> Result<(), Failure> {
    let answer = library::on(connection, "connections", json!({}))?;
    let organisations: Vec<&Value> = answer["connections"].as_array().into_iter().flatten().collect();
    if organisations.is_empty() {
        return Err(Failure::Other("the sign-in reaches no organisation: sign in again and tick one".into()));
    }
    let names: Vec<String> = organisations.iter().map(|o| crate::output::cell(&o["tenant_name"])).collect();
    let current = organisations.iter().position(|o| o["selected"] == true).unwrap_or(0);
    let chosen = select("Set Xero Tenant", &names, current)?;
    login::set_tenant(connection, organisations[chosen]["tenant_id"].as_str().unwrap_or_default())?;
    Ok(())
}

pub fn text(prompt: &str, current: &str) -> Result<String, Failure> {
    let mut input = Input::<String>::with_theme(&SimpleTheme).with_prompt(prompt);
    if !current.is_empty() {
        input = input.default(current.to_owned());
    }
    input.interact_text().map_err(prompt_failed)
}

pub fn select(prompt: &str, items: &[String], current: usize) -> Result<usize, Failure> {
    let select = Select::with_theme(&SimpleTheme).with_prompt(prompt).items(items).default(current);
    select.interact().map_err(prompt_failed)
}

fn confirm(prompt: &str, default: bool) -> Result<bool, Failure> {
    Confirm::with_theme(&SimpleTheme).with_prompt(prompt).default(default).interact().map_err(prompt_failed)
}

fn prompt_failed(e: dialoguer::Error) -> Failure {
    Failure::Usage(format!("the prompt could not be answered: {e}"))
}
