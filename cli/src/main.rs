//! `xero-link`: the administrator's command line over the xero-link library (docs/admin.md). Each command loads
//! the configuration file, configures the connection in this process, runs the library's operations and shows
//! their answers; the tokens, tenant and push ledger stay in the library's state directory.

mod args;
mod config_file;
mod demo;
mod failure;
mod input;
mod library;
mod login;
mod output;
mod push;
mod setup;
mod status;

use args::{Cli, Command};
use clap::{CommandFactory as _, Parser as _};
use failure::Failure;
use serde_json::json;

fn main() {
    let cli = Cli::parse();
    if let Err(failure) = run(cli) {
        eprintln!("{}", failure.explain());
        std::process::exit(failure.exit_code() as i32);
    }
}

fn run(cli: Cli) -> Result<(), Failure> {
    let config_path = config_file::resolve(cli.config);
    match cli.command {
        Command::Setup(args) => setup::run(&config_path, &args),
        Command::Demo(args) => demo::run(&args),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "xero-link", &mut std::io::stdout());
            Ok(())
        }
        command => {
            let (connection, config) = config_file::load_and_configure(&config_path)?;
            on_connection(&connection, &config, &config_path, command)
        }
    }
}

/// The commands that work on the configured connection.
fn on_connection(
    connection: &str,
    config: &serde_json::Value,
    config_path: &std::path::Path,
    command: Command,
) -> Result<(), Failure> {
    match command {
        Command::Login(args) => login::login(connection, config, &args),
        Command::Tenants(flag) => login::tenants(connection, flag.json),
        Command::SetTenant { tenant } => login::set_tenant(connection, &tenant).map(|_| ()),
        Command::Status(flag) => status::run(connection, config_path, flag.json),
        Command::Push(args) => push::run(connection, config_path, &args),
        Command::Disconnect { yes } => disconnect(connection, yes),
        Command::Setup(_) | Command::Demo(_) | Command::Completions { .. } => unreachable!("handled by run"),
    }
}

fn disconnect(connection: &str, yes: bool) -> Result<(), Failure> {
    use std::io::IsTerminal as _;
    if !yes && std::io::stdin().is_terminal() {
        let prompt = format!("Disconnect {connection} from its Xero organisation and forget the sign-in?");
        let confirmed = dialoguer::Confirm::with_theme(&dialoguer::theme::SimpleTheme)
            .with_prompt(prompt)
            .default(false)
            .interact()
            .map_err(|e| Failure::Usage(format!("the prompt could not be answered: {e}")))?;
        if !confirmed {
            return Err(Failure::Usage("not disconnected".into()));
        }
    }
    let answer = library::on(connection, "disconnect", json!({}))?;
    if answer["was_signed_in"] != true {
        eprintln!("{connection} was not signed in: nothing to disconnect.");
        return Ok(());
    }
    let at_xero = match (answer["removed_at_xero"] == true, answer["revoked"] == true) {
        (true, true) => "the organisation's connection is removed at Xero and the sign-in revoked",
        (true, false) => "the organisation's connection is removed at Xero",
        (false, _) => "Xero no longer had the connection",
    };
    eprintln!("Disconnected {connection}: {at_xero}; the tokens and the tenant are forgotten here.");
    eprintln!("To connect again: xero-link login, then xero-link set-tenant NAME.");
    Ok(())
}
