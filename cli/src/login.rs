//! "Authenticate sign in" and "Set Xero Tenant": `login`, `tenants`, `set-tenant`.
//!
//! Which sign-in: a custom connection (`client_credentials`) needs no browser; a redirect URI on loopback
//! (`http://127.0.0.1:PORT/...`) is listened on by the library while the browser signs in; any other (the ERP's
//! own page) is finished by pasting the address the browser was sent back to.

use crate::args::LoginArgs;
use crate::failure::Failure;
use crate::library;
use crate::output;
use serde_json::{Value, json};
use std::io::BufRead as _;

pub fn login(connection: &str, config: &Value, args: &LoginArgs) -> Result<(), Failure> {
    if sign_in(connection, config, args)? {
        after_sign_in(connection)?;
    }
    Ok(())
}

/// Signs in the way the configuration calls for; false when only the consent URL was printed (`--url-only`).
pub fn sign_in(connection: &str, config: &Value, args: &LoginArgs) -> Result<bool, Failure> {
    if let Some(callback) = &args.callback_url {
        library::on(connection, "authenticate", json!({"callback_url": callback}))?;
    } else if config["grant_type"] == "client_credentials" {
        library::on(connection, "authenticate", json!({}))?;
    } else if args.url_only {
        let started = library::on(connection, "authorize_url", json!({}))?;
        println!("{}", started["url"].as_str().unwrap_or_default());
        eprintln!("Open it in a browser within 10 minutes, then: xero-link login --callback-url 'ADDRESS'");
        return Ok(false);
    } else if args.paste || !is_loopback(config["redirect_uri"].as_str().unwrap_or("")) {
        paste_sign_in(connection, args)?;
    } else {
        loopback_sign_in(connection, args)?;
    }
    eprintln!("Signed in to Xero.");
    Ok(true)
}

/// http to a loopback address with a port: the library can listen there (README, "The loopback sign-in").
fn is_loopback(uri: &str) -> bool {
    ["http://127.0.0.1:", "http://localhost:", "http://[::1]:"].iter().any(|p| uri.starts_with(p))
}

fn loopback_sign_in(connection: &str, args: &LoginArgs) -> Result<(), Failure> {
    library::consent_url_to(|url| {
        eprintln!("Open this URL in a browser to sign in to Xero:\n\n  {url}\n");
    });
    let open_command = if args.no_browser { None } else { browser_command() };
    let mut loopback = json!({"timeout_ms": args.timeout.clamp(1, 3600) * 1000});
    if let Some(command) = open_command {
        loopback["open_command"] = json!(command);
    }
    eprintln!("Waiting up to {} s for the browser to come back...", args.timeout);
    library::on(connection, "authenticate", json!({"loopback": loopback}))?;
    Ok(())
}

fn paste_sign_in(connection: &str, args: &LoginArgs) -> Result<(), Failure> {
    let started = library::on(connection, "authorize_url", json!({}))?;
    let url = started["url"].as_str().unwrap_or_default();
    eprintln!("Open this URL in a browser to sign in to Xero:\n\n  {url}\n");
    if !args.no_browser {
        open_browser(url);
    }
    eprintln!("After signing in, paste the whole address the browser was sent back to, then Enter:");
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Failure::Usage(format!("cannot read the pasted address: {e}")))?;
    let callback = line.trim();
    if callback.is_empty() {
        return Err(Failure::Usage("no address was pasted: run `xero-link login --paste` again".into()));
    }
    library::on(connection, "authenticate", json!({"callback_url": callback}))?;
    Ok(())
}

/// What comes next: the organisations, and whether one is chosen.
fn after_sign_in(connection: &str) -> Result<(), Failure> {
    let status = library::on(connection, "status", json!({}))?;
    match status["tenant"]["tenant_name"].as_str() {
        Some(name) => eprintln!("Organisation: {name}"),
        None => {
            print_tenants(&library::on(connection, "connections", json!({}))?);
            eprintln!("Next: xero-link set-tenant NAME (\"Set Xero Tenant\", once)");
        }
    }
    Ok(())
}

/// `$BROWSER` (a command, the URL appended), else the desktop's opener where there is a desktop.
pub fn browser_command() -> Option<Vec<String>> {
    if let Some(browser) = std::env::var("BROWSER").ok().filter(|b| !b.trim().is_empty()) {
        return Some(browser.split_whitespace().map(str::to_owned).collect());
    }
    if cfg!(target_os = "macos") {
        return Some(vec!["open".into()]);
    }
    let desktop = ["DISPLAY", "WAYLAND_DISPLAY"].iter().any(|v| std::env::var_os(v).is_some_and(|d| !d.is_empty()));
    desktop.then(|| vec!["xdg-open".into()])
}

/// Starts the browser on `url` without waiting; a failure only leaves the URL printed above to open by hand.
fn open_browser(url: &str) {
    let Some(command) = browser_command() else { return };
    let started = std::process::Command::new(&command[0])
        .args(&command[1..])
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if let Err(e) = started {
        eprintln!("(could not start the browser `{}`: {e}; open the URL by hand)", command[0]);
    }
}

pub fn tenants(connection: &str, json_output: bool) -> Result<(), Failure> {
    let answer = library::on(connection, "connections", json!({}))?;
    if json_output {
        output::print_json(&answer);
    } else {
        print_tenants(&answer);
    }
    Ok(())
}

fn print_tenants(answer: &Value) {
    let mut table = output::table(["", "organisation", "tenant id", "type", "connected"]);
    for c in answer["connections"].as_array().into_iter().flatten() {
        let text = |k: &str| c[k].as_str().unwrap_or("").to_owned();
        let chosen = if c["selected"] == true { "*" } else { "" };
        table.add_row([
            chosen.to_owned(),
            text("tenant_name"),
            text("tenant_id"),
            text("tenant_type"),
            text("created_date_utc"),
        ]);
    }
    println!("{table}");
}

/// A tenant id is a UUID; anything else is taken as the organisation's name.
pub fn set_tenant(connection: &str, tenant: &str) -> Result<Value, Failure> {
    let is_uuid = tenant.len() == 36 && tenant.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
    let request = if is_uuid { json!({"tenant_id": tenant}) } else { json!({"tenant_name": tenant}) };
    let answer = library::on(connection, "set_tenant", request)?;
    eprintln!("Xero tenant set: {}", answer["tenant_name"].as_str().unwrap_or(tenant));
    Ok(answer)
}
