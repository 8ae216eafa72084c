//! A host process that forks (as a job server does) after it has pushed: the child's pushes go through its own
//! database connection, HTTP client and tokens, land once, and the parent sees them in the shared ledger. The
//! parent's SQLite connection is refused in the child rather than used (SQLite connections must not cross a fork).

use crate::support::auth::ok;
use crate::support::common::call_c;
use crate::support::e2e::{self, simulator, writes};
use crate::support::process::alone;
use serde_json::json;
use std::time::{Duration, Instant};
use xero_link::ffi::*;

fn invoice(number: &str) -> serde_json::Value {
    json!({"number": number, "type": "sales", "debtor": "FORK-D1", "date": "2026-11-26",
           "lines": [{"description": "made in the child", "quantity": 2, "unit_price": "12.50"}]})
}

#[test]
fn a_forked_child_pushes_through_its_own_connections_and_the_parent_sees_its_records() {
    let _alone = alone();
    let (sim, tenant) = simulator(60.0, false);
    let name = "xero-e2e-fork";
    let dir = e2e::ready(name, &sim, json!({}));
    let contacts = json!({"connection": name, "contacts": [{"code": "FORK-D1", "role": "debtor", "name": "Fork Ltd"}]});
    ok(call_c(xero_push_contacts, &contacts.to_string()));
    // The parent's own database connection, as the library holds it (opened before the fork).
    let parents_store = xero_link::store::open(&dir).expect("the parent's store");

    // SAFETY: only this test's thread uses the library (no other test runs: `alone`); the child makes library
    // calls and leaves with _exit.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        let code = (|| {
            if parents_store.read(|_| Ok(())).is_ok() {
                return 2; // the parent's connection must be refused here
            }
            let pushed =
                call_c(xero_push_invoices, &json!({"connection": name, "invoices": [invoice("FORK-1")]}).to_string());
            if pushed["ok"] != true || pushed["result"]["results"][0]["outcome"] != "created" {
                eprintln!("child push: {pushed}");
                return 3;
            }
            0
        })();
        unsafe { libc::_exit(code) };
    }
    let started = Instant::now();
    let mut status = 0;
    while unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) } != pid {
        if started.elapsed() > Duration::from_secs(60) {
            unsafe { libc::kill(pid, libc::SIGKILL) };
            panic!("the forked child hung");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let code = if libc::WIFEXITED(status) { libc::WEXITSTATUS(status) } else { -1 };
    assert_eq!(code, 0, "the child failed (2: it could use the parent's database connection; 3: its push failed)");

    // The child's ledger entry is in the shared database: the parent's push of the same invoice writes nothing.
    let before = writes(&sim);
    let again =
        ok(call_c(xero_push_invoices, &json!({"connection": name, "invoices": [invoice("FORK-1")]}).to_string()));
    assert_eq!(again["results"][0]["outcome"], "unchanged", "{again}");
    assert_eq!(writes(&sim), before);
    let in_xero = sim.snapshot(&tenant).expect("the organisation");
    let same: Vec<_> =
        in_xero["Invoices"].as_array().unwrap().iter().filter(|i| i["InvoiceNumber"] == "FORK-1").collect();
    assert_eq!(same.len(), 1);
    assert!(parents_store.read(|_| Ok(())).is_ok(), "the parent's connection still works in the parent");
}
