//! The command line as clap reads it: subcommands, their flags, and the help text with the exit codes.

use clap::builder::PossibleValue;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use xero_link::config::LinkFunction;

const EXIT_CODES: &str = "\
Exit codes:
  0  done
  1  failed for another reason (a bug, the state directory, a Xero conflict): the message says what
  2  usage: a wrong command line, a missing configuration or an unreadable input file
  3  validation: the configuration, the request or a name given was refused; the field is named
  4  authentication: not signed in, sign-in refused or to be redone, or no organisation chosen
  5  unavailable: Xero or the network did not answer, or a Xero rate limit; try again later
  6  push: some records failed (or are uncertain); the others were pushed. When every one of them failed
     for an authentication or unavailability reason, the exit code is that class's (4 or 5) instead

The configuration is a JSON file (0600), by default $XDG_CONFIG_HOME/xero-link/config.json; it is the very
object the library's xero_configure takes, so any host can load it. Guide: docs/admin.md.";

/// The administrator's command line for xero-link: the Xero side of an ERP link.
#[derive(Debug, Parser)]
#[command(name = "xero-link", version, after_help = EXIT_CODES)]
pub struct Cli {
    /// The configuration file [default: $XDG_CONFIG_HOME/xero-link/config.json]
    #[arg(long, global = true, env = "XERO_LINK_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// API setup, as the ERP's screen has it: Xero app, functions, sign-in, tenant, defaults
    Setup(Box<SetupArgs>),
    /// "Authenticate sign in": sign in to Xero in a browser
    Login(LoginArgs),
    /// The Xero organisations the sign-in may reach
    Tenants(JsonFlag),
    /// "Set Xero Tenant": choose the organisation, by name or tenant id
    SetTenant {
        /// The organisation's name or tenant id, as `xero-link tenants` lists them
        tenant: String,
    },
    /// Signed in?, tenant, token expiry, re-authentication needed and why, rate limits, last pushes
    Status(JsonFlag),
    /// Push ERP records (JSON array, a request object, or NDJSON) into Xero
    Push(PushArgs),
    /// Remove the organisation's connection at Xero and forget the tokens
    Disconnect {
        /// Do not ask for confirmation
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// The main job against a local Xero simulator: setup, sign-in, tenant, a day of records pushed twice
    Demo(DemoArgs),
    /// Print a shell completion script
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Args)]
pub struct JsonFlag {
    /// Print the library's answer as JSON, for scripts
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args, Default)]
pub struct SetupArgs {
    /// Ask nothing: take every value from the flags (and the existing configuration)
    #[arg(long)]
    pub non_interactive: bool,
    /// Adopt a complete configuration (the JSON object xero_configure takes; `-` for stdin)
    #[arg(long, value_name = "FILE", conflicts_with = "non_interactive")]
    pub from_file: Option<PathBuf>,
    /// The connection's name, `xero-{namespace}` [default: xero-hugeerp]
    #[arg(long)]
    pub connection: Option<String>,
    /// The Xero app's client id (developer.xero.com → My Apps → Configuration)
    #[arg(long)]
    pub client_id: Option<String>,
    /// A file holding the client secret (`-` for stdin); or set XERO_LINK_CLIENT_SECRET. Never a flag value,
    /// so it stays out of process lists and shell history.
    #[arg(long, value_name = "FILE")]
    pub client_secret_file: Option<PathBuf>,
    /// The redirect URI exactly as registered at Xero [default: http://127.0.0.1:9376/callback]
    #[arg(long)]
    pub redirect_uri: Option<String>,
    /// Where tokens, tenant and the push ledger are kept [default: $XDG_STATE_HOME/xero-link/CONNECTION]
    #[arg(long)]
    pub state_dir: Option<PathBuf>,
    /// The functions ticked, comma-separated [default: all]
    #[arg(long, value_enum, value_delimiter = ',')]
    pub functions: Option<Vec<Function>>,
    /// `authorization_code` (a web app; default) or `client_credentials` (a custom connection)
    #[arg(long)]
    pub grant_type: Option<String>,
    /// Xero Sales Acc: the account code sales lines go to when they name none
    #[arg(long)]
    pub sales_account: Option<String>,
    /// Xero COS Acc: the account code purchase lines go to when they name none
    #[arg(long)]
    pub cos_account: Option<String>,
    /// Xero Division: the default option of the Division tracking category
    #[arg(long)]
    pub division: Option<String>,
    /// Xero Sales Rep: the default option of the Sales Rep tracking category
    #[arg(long)]
    pub sales_rep: Option<String>,
    /// Point the connection at a local xero-sim (its base URL) instead of Xero
    #[arg(long, value_name = "BASE_URL")]
    pub simulator: Option<String>,
}

/// A link function as the command line takes it: the library's, by the name its configuration takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Function(pub LinkFunction);

impl Function {
    pub const ALL: [Function; 7] = {
        let mut all = [Function(LinkFunction::Debtors); 7];
        let mut i = 0;
        while i < all.len() {
            all[i] = Function(LinkFunction::ALL[i]);
            i += 1;
        }
        all
    };

    /// The name the library's `functions` takes.
    pub fn name(self) -> &'static str {
        self.0.as_str()
    }

    /// The label the ERP's API Setup screen shows.
    pub fn label(self) -> &'static str {
        match self.0 {
            LinkFunction::Debtors => "Debtors",
            LinkFunction::Creditors => "Creditors",
            LinkFunction::Inventory => "Inventory",
            LinkFunction::SalesInvoices => "Sales invoices",
            LinkFunction::PurchaseInvoices => "Purchase invoices (bills)",
            LinkFunction::CreditNotes => "Credit notes",
            LinkFunction::Payments => "Payments",
        }
    }
}

impl ValueEnum for Function {
    fn value_variants<'a>() -> &'a [Self] {
        &Function::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.name()))
    }
}

#[derive(Debug, Args, Default)]
pub struct LoginArgs {
    /// Paste the address the browser was sent back to, instead of listening on the loopback redirect URI
    #[arg(long)]
    pub paste: bool,
    /// Finish a sign-in started earlier (`--url-only`) with the address Xero sent the browser back to
    #[arg(long, value_name = "URL", conflicts_with_all = ["paste", "url_only"])]
    pub callback_url: Option<String>,
    /// Only print the consent URL (valid 10 minutes); finish with `--callback-url`
    #[arg(long)]
    pub url_only: bool,
    /// Do not try to open a browser (the URL is printed either way)
    #[arg(long)]
    pub no_browser: bool,
    /// How long to wait for the browser, in seconds
    #[arg(long, default_value_t = 300, value_name = "SECONDS")]
    pub timeout: u64,
}

#[derive(Debug, Args)]
pub struct PushArgs {
    /// What the records are
    #[arg(value_enum)]
    pub kind: Kind,
    /// A JSON array of records, a request object (`{"invoices": [...]}`), or NDJSON; `-` for stdin
    pub file: PathBuf,
    /// Say what would be created, updated, left unchanged or fail, writing nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Print the library's answer as JSON instead of tables
    #[arg(long)]
    pub json: bool,
    /// List every record, not only those that failed or are uncertain
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "kebab-case")]
pub enum Kind {
    Contacts,
    Items,
    Invoices,
    CreditNotes,
    Payments,
}

impl Kind {
    /// The library's operation and the request member holding the records.
    pub fn operation(self) -> (&'static str, &'static str) {
        match self {
            Kind::Contacts => ("push_contacts", "contacts"),
            Kind::Items => ("push_items", "items"),
            Kind::Invoices => ("push_invoices", "invoices"),
            Kind::CreditNotes => ("push_credit_notes", "credit_notes"),
            Kind::Payments => ("push_payments", "payments"),
        }
    }
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// A smaller day (faster)
    #[arg(long)]
    pub small: bool,
}
