//! The host processes of the crash-recovery harness: this binary's own ignored tests, each running one phase of a
//! host's work through the C ABI in a loop until the parent kills it (or once, when the parent measures how long
//! a phase takes), and the one that recovers at the end. Run directly, without `XL_CRASH`, they do nothing.

use super::parts;
use crate::support::auth::{browser, consent, ok};
use crate::support::common::call_c;
use crate::support::e2e::ORG_NAME;
use crate::support::host_store::file;
use crate::support::process::{child_test, spawn_child};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::Child;
use xero_link::ffi::*;
use xero_link_fixtures::erp_day::ErpDay;

const ENV: &str = "XL_CRASH";

/// What a host process is doing when it is killed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    SignIn,
    Refresh,
    Push,
}

/// What a child is to do: its connection, where its sign-in state is, and how much work.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Brief {
    pub config: Value,
    /// The host's store (a file shared by the processes), when the sign-in state is kept there.
    pub host_file: Option<PathBuf>,
    /// The simulator's base URL (its control routes force a refresh).
    pub sim: String,
    /// Push: the first part to push; the recovering child pushes parts `0..first_part`.
    pub first_part: usize,
    /// Iterations of the phase; `None`: until killed.
    pub iterations: Option<usize>,
}

impl Brief {
    fn name(&self) -> String {
        self.config["connection"].as_str().expect("a connection name").to_owned()
    }
}

/// Starts a child running `phase` as `brief` says.
pub fn spawn(phase: Phase, brief: &Brief) -> Child {
    let test = match phase {
        Phase::SignIn => child_test!(child_signs_in),
        Phase::Refresh => child_test!(child_refreshes),
        Phase::Push => child_test!(child_pushes),
    };
    spawn_child(&test, &[(ENV, serde_json::to_string(brief).unwrap())])
}

/// Starts the child that pushes every part again and uses the connection.
pub fn spawn_recovery(brief: &Brief) -> Child {
    spawn_child(&child_test!(child_recovers), &[(ENV, serde_json::to_string(brief).unwrap())])
}

/// In a child: the brief, with the host's store registered and the connection configured; `None` when run directly.
fn setup() -> Option<Brief> {
    let brief: Brief = serde_json::from_str(&std::env::var(ENV).ok()?).unwrap();
    if let Some(path) = &brief.host_file {
        file::register(path);
    }
    ok(call_c(xero_configure, &brief.config.to_string()));
    Some(brief)
}

fn iterations(brief: &Brief) -> std::ops::Range<usize> {
    0..brief.iterations.unwrap_or(usize::MAX)
}

/// Signs the configured connection in as an administrator would: consent in a browser and the tenant chosen, or
/// (a custom connection) client credentials, which choose the one organisation themselves.
pub fn sign_in(config: &Value) {
    let name = config["connection"].as_str().unwrap();
    if config["grant_type"] == "client_credentials" {
        ok(call_c(xero_authenticate, &json!({"connection": name}).to_string()));
        return;
    }
    let started = ok(call_c(xero_authorize_url, &json!({"connection": name}).to_string()));
    let callback = consent(started["url"].as_str().unwrap());
    ok(call_c(xero_authenticate, &json!({"connection": name, "callback_url": callback.as_str()}).to_string()));
    ok(call_c(xero_set_tenant, &json!({"connection": name, "tenant_name": ORG_NAME}).to_string()));
}

/// Expires every access token at Xero, then makes a call that needs one: the connection must refresh.
pub fn force_refresh(sim: &str, name: &str, deadline_ms: u64) {
    let expired = browser().post(format!("{sim}/_sim/tokens/expire")).send().expect("the simulator answers");
    assert!(expired.status().is_success(), "{expired:?}");
    ok(call_c(xero_connections, &json!({"connection": name, "deadline_ms": deadline_ms}).to_string()));
}

/// Pushes the contacts, invoices and payments of `day`; every record must end created, updated or unchanged.
fn push_day(name: &str, day: &ErpDay) {
    let steps: [(PushFn, &str, Vec<Value>); 3] = [
        (xero_push_contacts, "contacts", day.contacts()),
        (xero_push_invoices, "invoices", day.invoices()),
        (xero_push_payments, "payments", day.payments.clone()),
    ];
    for (f, member, records) in steps {
        let answer = ok(call_c(f, &json!({"connection": name, member: records}).to_string()));
        let not_done: Vec<&Value> = answer["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| !matches!(r["outcome"].as_str(), Some("created" | "updated" | "unchanged")))
            .collect();
        assert!(not_done.is_empty(), "{member} not pushed: {not_done:?}");
    }
}

type PushFn = unsafe extern "C" fn(*const std::ffi::c_char) -> *mut std::ffi::c_char;

#[test]
#[ignore = "child process of the crash-recovery harness"]
fn child_signs_in() {
    let Some(brief) = setup() else { return };
    for _ in iterations(&brief) {
        sign_in(&brief.config);
    }
}

#[test]
#[ignore = "child process of the crash-recovery harness"]
fn child_refreshes() {
    let Some(brief) = setup() else { return };
    for _ in iterations(&brief) {
        force_refresh(&brief.sim, &brief.name(), 30_000);
    }
}

#[test]
#[ignore = "child process of the crash-recovery harness"]
fn child_pushes() {
    let Some(brief) = setup() else { return };
    for p in iterations(&brief).map(|i| brief.first_part + i) {
        // Said before anything of the part is sent (stdout is line-buffered): the parent counts the part as
        // possibly in Xero.
        println!("crash-harness: part {p} started");
        push_day(&brief.name(), &parts::part(p));
        println!("crash-harness: part {p} pushed");
    }
}

/// After the rounds (the last process killed while refreshing): a refresh that does not wait out the killed
/// process's lease, every part pushed again (all at once, so in other batches than the parts were), the
/// connection signed in, and a read.
#[test]
#[ignore = "child process of the crash-recovery harness"]
fn child_recovers() {
    let Some(brief) = setup() else { return };
    let name = brief.name();
    // Well inside the lease's lifetime (the request timeout and 5 s): only taking over the lease of a process
    // that is gone lets this refresh finish in time.
    force_refresh(&brief.sim, &name, 15_000);
    push_day(&name, &parts::parts(brief.first_part));
    let status = ok(call_c(xero_status, &json!({"connection": name}).to_string()));
    assert_eq!((&status["signed_in"], &status["reauth_required"]), (&json!(true), &json!(false)), "{status}");
    ok(call_c(xero_get_accounts, &json!({"connection": name}).to_string()));
}
