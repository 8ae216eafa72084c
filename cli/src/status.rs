//! `status`: the connection at a glance (signed in, tenant, token expiry, re-authentication needed and why, rate
//! limits left, the ledger's records per kind, the last pushes made from this command line), or the library's answer as JSON.

use crate::failure::Failure;
use crate::{config_file, library, output};
use serde_json::{Value, json};
use std::path::Path;

pub fn run(connection: &str, config_path: &Path, json_output: bool) -> Result<(), Failure> {
    let status = library::on(connection, "status", json!({}))?;
    let last_pushes = std::fs::read_to_string(config_file::last_push_path(config_path))
        .ok()
        .and_then(|t| serde_json::from_str::<Value>(&t).ok())
        .unwrap_or(Value::Null);
    if json_output {
        output::print_json(&json!({"status": status, "last_pushes": last_pushes}));
        return Ok(());
    }
    println!("{}", facts(&status));
    if let Some(ledger) = status["ledger"].as_object().filter(|l| !l.is_empty()) {
        let mut table = output::table(["in Xero, by the ledger", "records"]);
        for (kind, n) in ledger {
            table.add_row([kind.replace('_', " "), output::cell(n)]);
        }
        println!("{table}");
    }
    if let Some(pushes) = last_pushes.as_object().filter(|p| !p.is_empty()) {
        let mut table = output::table(["last push", "at", "records", "created", "updated", "unchanged", "failed"]);
        for (kind, push) in pushes {
            let n = |o: &str| output::cell(&push["summary"][o]);
            table.add_row([
                kind.replace('_', " "),
                output::cell(&push["at"]),
                output::cell(&push["records"]),
                n("created"),
                n("updated"),
                n("unchanged"),
                n("failed"),
            ]);
        }
        println!("{table}");
    }
    if let Some(next) = next_step(&status) {
        eprintln!("next: {next}");
    }
    Ok(())
}

fn facts(status: &Value) -> comfy_table::Table {
    let mut table = output::table(["", ""]);
    let yes_no = |v: &Value| if *v == true { "yes" } else { "no" }.to_owned();
    let tenant = match (status["tenant"]["tenant_name"].as_str(), status["tenant"]["tenant_id"].as_str()) {
        (Some(name), Some(id)) => format!("{name} ({id})"),
        _ => "not set".to_owned(),
    };
    let reauth = match status["reauth_required"] == true {
        true => format!("YES: {}", output::cell(&status["reauth_reason"])),
        false => "no".to_owned(),
    };
    table.add_row(["connection".to_owned(), output::cell(&status["connection"])]);
    table.add_row(["signed in".to_owned(), yes_no(&status["signed_in"])]);
    table.add_row(["signed in at".to_owned(), output::cell(&status["signed_in_at"])]);
    table.add_row(["tenant".to_owned(), tenant]);
    table.add_row(["access token expires".to_owned(), output::cell(&status["access_token_expires_at"])]);
    table.add_row(["re-authentication needed".to_owned(), reauth]);
    table.add_row(["scopes".to_owned(), scopes(&status["scopes"])]);
    table.add_row(["rate limits left".to_owned(), output::cell(&status["rate_limits"])]);
    if let Some(error) = status["last_refresh_error"].as_object() {
        let text = format!("{}: {}", output::cell(&error["code"]), output::cell(&error["message"]));
        table.add_row(["last refresh failed".to_owned(), text]);
    }
    if let Some(unreadable) = status["tokens_unreadable"].as_str() {
        table.add_row(["tokens unreadable".to_owned(), unreadable.to_owned()]);
    }
    table.add_row(["state directory".to_owned(), output::cell(&status["state_dir"])]);
    table
}

fn scopes(scopes: &Value) -> String {
    let names: Vec<&str> = scopes.as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    names.join(" ")
}

/// What the administrator does next, if anything.
fn next_step(status: &Value) -> Option<&'static str> {
    if status["reauth_required"] == true {
        Some("Xero no longer accepts the stored sign-in: run `xero-link login` (the tenant is kept)")
    } else if status["tokens_unreadable"].is_string() {
        Some(
            "the stored tokens do not open with this configuration's encryption_key: restore the key, or sign in again",
        )
    } else if status["signed_in"] != true {
        Some("sign in: `xero-link login`")
    } else if status["tenant"].is_null() {
        Some("choose the organisation: `xero-link tenants`, then `xero-link set-tenant NAME`")
    } else {
        None
    }
}
