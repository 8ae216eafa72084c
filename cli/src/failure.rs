//! Why a command failed, how it reads (what happened, which field, what to do next) and its exit code.

use serde_json::Value;
use std::fmt::Write as _;

/// The exit codes, as `--help` and docs/admin.md list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    Other = 1,
    Usage = 2,
    Validation = 3,
    Authentication = 4,
    Unavailable = 5,
    RecordsFailed = 6,
}

/// An error the library answered with: its code, message, field and details, as in the envelope.
#[derive(Debug)]
pub struct LibraryError {
    pub operation: String,
    pub code: String,
    pub message: String,
    pub path: Option<String>,
    pub details: Value,
}

impl LibraryError {
    pub fn from_value(operation: &str, error: Value) -> Self {
        let text = |k: &str| error[k].as_str().map(str::to_owned);
        LibraryError {
            operation: operation.to_owned(),
            code: text("code").unwrap_or_else(|| "internal".into()),
            message: text("message").unwrap_or_else(|| error.to_string()),
            path: text("path"),
            details: error,
        }
    }
}

#[derive(Debug)]
pub enum Failure {
    /// A wrong command line, a missing configuration, an input that cannot be read.
    Usage(String),
    /// Input the CLI itself refuses before the library sees it (a record file that is not JSON).
    Validation {
        message: String,
        field: Option<String>,
    },
    Library(Box<LibraryError>),
    /// A push that ran: `count` of its records failed or are uncertain; `code` is their error code when they all
    /// share one (e.g. `tenant_not_connected`), which then decides the exit code and the next step.
    RecordsFailed {
        count: usize,
        code: Option<String>,
    },
    Other(String),
}

impl Failure {
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Failure::Usage(_) => ExitCode::Usage,
            Failure::Validation { .. } => ExitCode::Validation,
            Failure::RecordsFailed { code, .. } => match code.as_deref().map(code_class) {
                Some(class @ (ExitCode::Authentication | ExitCode::Unavailable)) => class,
                _ => ExitCode::RecordsFailed,
            },
            Failure::Other(_) => ExitCode::Other,
            Failure::Library(e) => code_class(&e.code),
        }
    }

    /// The text for stderr: what happened, the field, what to do next.
    pub fn explain(&self) -> String {
        match self {
            Failure::Usage(m) | Failure::Other(m) => format!("error: {m}"),
            Failure::Validation { message, field } => {
                let mut text = format!("error: {message}");
                if let Some(field) = field {
                    let _ = write!(text, "\n  field: {field}");
                }
                text
            }
            Failure::RecordsFailed { count, code } => {
                let mut text = format!("error: {count} record(s) failed or are uncertain (listed above)");
                if let Some(code) = code {
                    let _ = write!(text, "\n  next: {}", next_step("push", code, &Value::Null));
                }
                text
            }
            Failure::Library(e) => explain_library(e),
        }
    }
}

fn code_class(code: &str) -> ExitCode {
    match code {
        // not_found: the CLI only asks for what the administrator named (an organisation, a document).
        "validation" | "bad_request" | "bad_json" | "function_disabled" | "not_found" => ExitCode::Validation,
        "not_authenticated" | "reauth_required" | "auth_failed" | "tenant_not_set" | "tenant_not_connected" => {
            ExitCode::Authentication
        }
        "xero_unavailable" | "network" | "timeout" | "rate_limited" => ExitCode::Unavailable,
        "not_configured" => ExitCode::Usage,
        _ => ExitCode::Other,
    }
}

fn explain_library(e: &LibraryError) -> String {
    let mut text = format!("error: {} ({}, in {})", e.message, e.code, e.operation);
    if let Some(path) = &e.path {
        match flag_for(path) {
            Some(flag) => _ = write!(text, "\n  field: {path} (setup {flag})"),
            None => _ = write!(text, "\n  field: {path}"),
        }
    }
    for detail in e.details["errors"].as_array().into_iter().flatten().take(5) {
        let path = detail["path"].as_str().unwrap_or("");
        let _ = write!(text, "\n  - {path}: {}", detail["message"].as_str().unwrap_or(""));
    }
    let _ = write!(text, "\n  next: {}", next_step(&e.operation, &e.code, &e.details));
    text
}

/// What an administrator does about an error of this code, met in `operation`.
fn next_step(operation: &str, code: &str, details: &Value) -> String {
    match code {
        "timeout" if operation == "authenticate" => {
            "run `xero-link login` again and finish in the browser in time (`--timeout SECONDS`)".into()
        }
        "not_authenticated" => "sign in: `xero-link login`".into(),
        "reauth_required" => "Xero no longer accepts the stored sign-in: sign in again with `xero-link login` \
                              (the organisation chosen before is kept)"
            .into(),
        "auth_failed" => "start the sign-in again: `xero-link login`".into(),
        "tenant_not_set" => "choose the organisation: `xero-link tenants`, then `xero-link set-tenant NAME`".into(),
        "tenant_not_connected" => "the organisation is no longer connected to the app, or a scope is missing: \
                                   `xero-link login`, then `xero-link set-tenant NAME`"
            .into(),
        "function_disabled" => {
            "tick the function: `xero-link setup` (or `setup --non-interactive --functions ...`)".into()
        }
        "rate_limited" => {
            let wait = details["retry_after"].as_u64().map(|s| format!(" in {s} s")).unwrap_or_default();
            let limit = details["limit"].as_str().unwrap_or("a");
            format!("Xero's {limit} limit is reached: try again{wait}")
        }
        "xero_unavailable" | "network" | "timeout" | "uncertain" => {
            "Xero did not answer: try again later; pushing again settles it, never writing anything twice".into()
        }
        "not_found" if operation == "set_tenant" => {
            "name one of the organisations listed above (`xero-link tenants`), by name or tenant id".into()
        }
        "validation" | "bad_request" | "bad_json" | "not_found" => {
            "correct the field named above and run the command again".into()
        }
        "store" => "the state directory could not be used: check its owner, permissions and free space".into(),
        "internal" => "this is a bug in xero-link: please report it with this message".into(),
        _ => "see docs/admin.md, or `xero-link status`".into(),
    }
}

/// The setup flag that sets a configuration field.
fn flag_for(path: &str) -> Option<&'static str> {
    Some(match path {
        "connection" => "--connection",
        "client_id" => "--client-id",
        "client_secret" => "--client-secret-file",
        "redirect_uri" => "--redirect-uri",
        "state_dir" => "--state-dir",
        "grant_type" => "--grant-type",
        "defaults.sales_account" => "--sales-account",
        "defaults.cos_account" => "--cos-account",
        "defaults.division" => "--division",
        "defaults.sales_rep" => "--sales-rep",
        p if p.starts_with("functions") => "--functions",
        p if p.starts_with("endpoints") => "--simulator",
        _ => return None,
    })
}
