//! Outcomes that were wrong against Xero's documented behaviour while every other suite passed, through the C
//! ABI against the simulator: keys with capitals found again on every recovery path (Xero's `where` equality is
//! case-sensitive), two ERP contacts of one name never merged into one Xero contact, no discount sent on a credit
//! note, a dry run that agrees with the push, and request errors that say where they are.

use crate::support::auth::{self, ok};
use crate::support::common::{call, call_c};
use crate::support::e2e::{self, ready, simulator, writes};
use crate::support::process::alone;
use serde_json::{Value, json};
use xero_link::ffi::*;
use xero_sim::{FaultKind, FaultSpec};

/// The records of a small day whose keys all mix upper and lower case.
fn mixed_case_day() -> (Vec<Value>, Vec<Value>, Vec<Value>, Vec<Value>) {
    let contacts = vec![
        json!({"code": "Deb-Mx1", "role": "debtor", "name": "Mixed Case Debtor"}),
        json!({"code": "SUP-Mx1", "role": "creditor", "name": "Mixed Case Supplier"}),
    ];
    let items = vec![json!({"code": "Beam-6M", "name": "Beam 6 m", "sales_price": "120.00", "purchase_price": "80"})];
    let line =
        |account: &str| json!({"description": "Work", "quantity": "2", "unit_price": "50.00", "account": account});
    let invoices = vec![
        json!({"number": "SI-Mx-1001", "type": "sales", "debtor": "Deb-Mx1", "date": "2026-11-25",
               "due_date": "2026-12-25", "lines": [{"item": "Beam-6M", "quantity": "1"}, line("200")]}),
        json!({"number": "Bill-Mx-77", "type": "purchase", "creditor": "SUP-Mx1", "date": "2026-11-25",
               "due_date": "2026-12-25", "lines": [line("310")]}),
    ];
    let credit_notes = vec![
        json!({"number": "CN-Mx-12", "type": "sales", "debtor": "Deb-Mx1", "date": "2026-11-26", "lines": [line("200")]}),
        json!({"number": "SCN-Mx-3", "type": "purchase", "creditor": "SUP-Mx1", "date": "2026-11-26",
               "lines": [line("310")]}),
    ];
    (contacts, items, invoices, credit_notes)
}

/// Pushes the mixed-case day on `name`; returns every record result (dependencies included).
fn push_mixed_case_day(name: &str) -> Vec<Value> {
    let (contacts, items, invoices, credit_notes) = mixed_case_day();
    let mut out = Vec::new();
    for (f, member, records) in [
        (xero_push_contacts as e2e::PushFn, "contacts", contacts),
        (xero_push_items, "items", items),
        (xero_push_invoices, "invoices", invoices),
        (xero_push_credit_notes, "credit_notes", credit_notes),
    ] {
        let result = ok(call_c(f, &json!({"connection": name, member: records}).to_string()));
        out.extend(e2e::all_results(&result));
    }
    out
}

/// A sales invoice of one line for `debtor`.
fn sales_invoice(number: &str, debtor: &str) -> Value {
    json!({"number": number, "type": "sales", "debtor": debtor, "date": "2026-11-25",
           "lines": [{"description": "x", "quantity": 1, "unit_price": "10.00"}]})
}

/// How many live records of `collection` Xero holds under `number` in `field`.
fn count(sim: &xero_sim::SimHandle, tenant: &str, collection: &str, field: &str, number: &str) -> usize {
    let snapshot = sim.snapshot(tenant).unwrap();
    snapshot[collection]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r[field] == number && !matches!(r["Status"].as_str(), Some("DELETED" | "VOIDED")))
        .count()
}

fn assert_each_once(sim: &xero_sim::SimHandle, tenant: &str) {
    for (collection, field, key) in [
        ("Contacts", "ContactNumber", "Deb-Mx1"),
        ("Contacts", "ContactNumber", "SUP-Mx1"),
        ("Items", "Code", "Beam-6M"),
        ("Invoices", "InvoiceNumber", "SI-Mx-1001"),
        ("Invoices", "InvoiceNumber", "Bill-Mx-77"),
        ("CreditNotes", "CreditNoteNumber", "CN-Mx-12"),
        ("CreditNotes", "CreditNoteNumber", "SCN-Mx-3"),
    ] {
        assert_eq!(count(sim, tenant, collection, field, key), 1, "{collection} {key} is in Xero once");
    }
}

#[test]
fn keys_with_capitals_are_found_again_when_the_ledger_is_lost() {
    let (sim, tenant) = simulator(60.0, false);
    ready("xero-case-first", &sim, json!({}));
    for r in push_mixed_case_day("xero-case-first") {
        assert_eq!(r["outcome"], "created", "{r}");
    }
    // Another state_dir: a ledger that knows nothing, as after a restore or a move to another server. Every record
    // is found in Xero by its key as the ERP wrote it, and adopted: none is refused, none created twice.
    ready("xero-case-again", &sim, json!({}));
    let before = writes(&sim);
    for r in push_mixed_case_day("xero-case-again") {
        assert_eq!(r["outcome"], "unchanged", "found in Xero and adopted: {r}");
    }
    assert_each_once(&sim, &tenant);
    // Items and sales documents are created first (Xero refuses a duplicate key); only those refusals wrote.
    assert!(writes(&sim) - before <= 3, "at most the three refused creates were sent");
}

#[test]
fn keys_with_capitals_are_found_after_lost_answers() {
    let (sim, tenant) = simulator(60.0, false);
    let name = "xero-case-lost";
    ready(name, &sim, json!({"timeouts": {"connect_ms": 2000, "request_ms": 2000, "default_deadline_ms": 30000}}));
    // Every write lands in Xero and its answer is lost, more often than the transport and the push send it again:
    // what the lookups do not find is left uncertain, pending in the ledger.
    for path in ["/api.xro/2.0/Contacts", "/api.xro/2.0/Items", "/api.xro/2.0/Invoices", "/api.xro/2.0/CreditNotes"] {
        for method in ["PUT", "POST"] {
            let mut f = FaultSpec::next(method, path, FaultKind::DropAfter, 12);
            f.method = Some(method.to_owned());
            sim.add_fault(f);
        }
    }
    let first = push_mixed_case_day(name);
    sim.clear_faults();
    // Past Xero's 6 minutes of Idempotency-Key replay: only a lookup by the key as the ERP wrote it finds them.
    sim.advance_clock(7.0 * 60.0);
    for r in push_mixed_case_day(name) {
        assert!(matches!(r["outcome"].as_str(), Some("created" | "unchanged")), "found, not refused: {r}\n{first:?}");
    }
    assert_each_once(&sim, &tenant);
}

fn contact_named(snapshot: &Value, name: &str) -> Vec<Value> {
    snapshot["Contacts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["Name"].as_str().is_some_and(|n| n.eq_ignore_ascii_case(name)))
        .cloned()
        .collect()
}

fn push_contacts(name: &str, contacts: Value) -> Value {
    ok(call_c(xero_push_contacts, &json!({"connection": name, "contacts": contacts}).to_string()))
}

#[test]
fn two_debtors_of_one_name_never_become_one_xero_contact() {
    let (sim, tenant) = simulator(60.0, false);
    let name = "xero-names-refuse";
    ready(name, &sim, json!({}));
    // In one call.
    let result = push_contacts(
        name,
        json!([{"code": "T1", "role": "debtor", "name": "John Smith"},
               {"code": "T2", "role": "debtor", "name": "John Smith"}]),
    );
    assert_eq!(result["results"][0]["outcome"], "created");
    let refused = &result["results"][1];
    assert_eq!(refused["outcome"], "failed", "{refused}");
    assert_eq!(refused["errors"][0]["code"], "conflict");
    assert_eq!(refused["errors"][0]["path"], "contacts[1]");
    let message = refused["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("\"T1\"") && message.contains("add_code"), "names the holder and the way out: {message}");
    // In two calls, the names differing in case only.
    push_contacts(name, json!([{"code": "B1", "role": "debtor", "name": "Beta Traders"}]));
    let result = push_contacts(name, json!([{"code": "B2", "role": "debtor", "name": "BETA TRADERS"}]));
    assert_eq!(result["results"][0]["outcome"], "failed", "{result}");
    assert!(result["results"][0]["errors"][0]["message"].as_str().unwrap().contains("\"B1\""));
    // A dry run says the same before anything is written.
    let dry = ok(call_c(
        xero_push_contacts,
        &json!({"connection": name, "dry_run": true, "contacts": [{"code": "B3", "role": "debtor", "name": "beta traders"}]})
            .to_string(),
    ));
    assert_eq!(dry["results"][0]["outcome"], "failed", "{dry}");

    let snapshot = sim.snapshot(&tenant).unwrap();
    for (holder, n) in [("T1", "John Smith"), ("B1", "Beta Traders")] {
        let found = contact_named(&snapshot, n);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0]["ContactNumber"], holder, "the first record's contact keeps its number");
    }
    // The refused debtor's invoice is not posted to the other debtor's account.
    let answer = ok(call_c(
        xero_push_invoices,
        &json!({"connection": name, "invoices": [sales_invoice("SI-T2-1", "T2")]}).to_string(),
    ));
    assert_eq!(answer["results"][0]["outcome"], "failed", "{answer}");
    assert_eq!(count(&sim, &tenant, "Invoices", "InvoiceNumber", "SI-T2-1"), 0);
}

#[test]
fn with_add_code_the_second_debtor_of_a_name_gets_its_code_in_the_name_for_good() {
    let (sim, tenant) = simulator(60.0, false);
    let name = "xero-names-add-code";
    ready(name, &sim, json!({"contact_names": "add_code"}));
    let smiths = json!([{"code": "T1", "role": "debtor", "name": "John Smith"},
                        {"code": "T2", "role": "debtor", "name": "John Smith"}]);
    let result = push_contacts(name, smiths.clone());
    let (t1, t2) = (&result["results"][0], &result["results"][1]);
    assert_eq!((t1["outcome"].as_str(), t2["outcome"].as_str()), (Some("created"), Some("created")), "{result}");
    assert_ne!(t1["xero_id"], t2["xero_id"], "two Xero contacts");
    assert!(t2["warnings"][0].as_str().unwrap().contains("John Smith (T2)"), "{t2}");
    // Pushed again: nothing to do. Edited: updated, and still under its unique name.
    let again = push_contacts(name, smiths);
    assert_eq!(again["results"][1]["outcome"], "unchanged");
    let edited = push_contacts(
        name,
        json!([{"code": "T2", "role": "debtor", "name": "John Smith", "email": "john@t2.example"}]),
    );
    assert_eq!(edited["results"][0]["outcome"], "updated", "{edited}");
    let snapshot = sim.snapshot(&tenant).unwrap();
    let t2 = contact_named(&snapshot, "John Smith (T2)");
    assert_eq!(t2.len(), 1);
    assert_eq!(
        (t2[0]["ContactNumber"].as_str(), t2[0]["EmailAddress"].as_str()),
        (Some("T2"), Some("john@t2.example"))
    );
    assert_eq!(contact_named(&snapshot, "John Smith")[0]["ContactNumber"], "T1");
}

#[test]
fn a_contact_typed_in_xero_without_a_number_is_taken_over_with_a_warning() {
    let (sim, tenant) = simulator(60.0, false);
    let name = "xero-names-typed";
    let dir = ready(name, &sim, json!({}));
    by_hand(&sim, &tenant, &dir, name, "PUT", "/Contacts", json!({"Contacts": [{"Name": "Gamma Co"}]}));
    let result = push_contacts(name, json!([{"code": "G1", "role": "debtor", "name": "Gamma Co"}]));
    let r = &result["results"][0];
    assert_eq!(r["outcome"], "created", "{r}");
    assert!(r["warnings"][0].as_str().unwrap().contains("typed in by hand"), "{r}");
    let found = contact_named(&sim.snapshot(&tenant).unwrap(), "Gamma Co");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["ContactNumber"], "G1");
}

/// Writes to the simulator's Accounting API as a person in Xero would, with the connection's access token.
fn by_hand(
    sim: &xero_sim::SimHandle,
    tenant: &str,
    _dir: &std::path::Path,
    name: &str,
    method: &str,
    path: &str,
    body: Value,
) {
    let state = ok(call("export_state", &json!({"connection": name}).to_string()));
    let token = state["grant"]["access_token"].as_str().unwrap();
    let token = token.strip_prefix("plain:").expect("tokens stored plain in this test");
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let response = auth::browser()
        .request(method, format!("{}/api.xro/2.0{path}", sim.base_url()))
        .bearer_auth(token)
        .header("xero-tenant-id", tenant)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .unwrap();
    assert_eq!(response.status().as_u16(), 200, "{:?}", response.text());
}

#[test]
fn a_discount_on_a_credit_note_is_refused_before_anything_is_sent() {
    let (sim, _tenant) = simulator(60.0, false);
    let name = "xero-cn-discount";
    ready(name, &sim, json!({}));
    push_contacts(name, json!([{"code": "D1", "role": "debtor", "name": "Discount Debtor"}]));
    let before = writes(&sim);
    let answer = ok(call_c(
        xero_push_credit_notes,
        &json!({"connection": name, "credit_notes": [
            {"number": "CN-D1", "type": "sales", "debtor": "D1", "date": "2026-11-26",
             "lines": [{"description": "Refund", "quantity": 1, "unit_price": "100.00", "discount": "10"}]},
            {"number": "CN-D2", "type": "sales", "debtor": "D1", "date": "2026-11-26",
             "lines": [{"description": "Refund", "quantity": 1, "unit_price": "100.00", "xero": {"DiscountRate": 10}}]}]})
        .to_string(),
    ));
    for (i, path) in [(0, "credit_notes[0].lines[0].discount"), (1, "credit_notes[1].lines[0].xero.DiscountRate")] {
        let r = &answer["results"][i];
        assert_eq!(r["outcome"], "failed", "{r}");
        assert_eq!(
            (r["errors"][0]["code"].as_str(), r["errors"][0]["path"].as_str()),
            (Some("validation"), Some(path))
        );
    }
    assert_eq!(writes(&sim), before, "nothing was sent");
}

#[test]
fn a_credit_note_twice_in_one_request_is_named_in_words() {
    let (sim, _tenant) = simulator(60.0, false);
    let name = "xero-cn-twice";
    ready(name, &sim, json!({}));
    push_contacts(name, json!([{"code": "D1", "role": "debtor", "name": "Twice Debtor"}]));
    let note = json!({"number": "CN-T1", "type": "sales", "debtor": "D1", "date": "2026-11-26",
                      "lines": [{"description": "Refund", "quantity": 1, "unit_price": "10.00", "account": "200"}]});
    let answer = ok(call_c(
        xero_push_credit_notes,
        &json!({"connection": name, "dry_run": true, "credit_notes": [note.clone(), note]}).to_string(),
    ));
    let error = &answer["results"][1]["errors"][0];
    assert_eq!(error["path"], "credit_notes[1]", "{answer}");
    // The message names the record as a person would, without the library's internal key separator.
    assert_eq!(error["message"], "sales credit note CN-T1 appears twice in the request", "{answer}");
}

#[test]
fn a_bill_for_a_tracked_item_is_created_by_the_dry_run_and_by_the_push_alike() {
    let (sim, tenant) = simulator(60.0, false);
    let name = "xero-tracked-bill";
    ready(name, &sim, json!({}));
    let request = |dry_run: bool| {
        json!({"connection": name, "dry_run": dry_run,
            "contacts": [{"code": "S1", "role": "creditor", "name": "Steel Supplier"}],
            "items": [{"code": "TRK-1", "name": "Tracked beam", "purchase_price": "40", "sales_price": "90",
                       "tracked": true, "inventory_account": "630"}],
            "invoices": [{"number": "PB-1", "type": "purchase", "creditor": "S1", "date": "2026-11-25",
                          "due_date": "2026-12-25", "lines": [{"item": "TRK-1", "quantity": "5", "unit_price": "40"}]}]})
        .to_string()
    };
    let dry = ok(call_c(xero_push_invoices, &request(true)));
    assert_eq!(dry["results"][0]["outcome"], "created", "{dry}");
    let pushed = ok(call_c(xero_push_invoices, &request(false)));
    assert_eq!(pushed["results"][0]["outcome"], "created", "what the dry run said: {pushed}");
    let snapshot = sim.snapshot(&tenant).unwrap();
    let bill = snapshot["Invoices"].as_array().unwrap().iter().find(|i| i["InvoiceNumber"] == "PB-1").unwrap().clone();
    assert_eq!(bill["LineItems"][0]["AccountCode"], "630", "a tracked purchase posts to the inventory account");
}

#[test]
fn every_request_error_says_where_it_is() {
    let (sim, _tenant) = simulator(60.0, false);
    let name = "xero-errors-paths";
    ready(name, &sim, json!({}));
    let error = |op: &str, request: &str| {
        let answer = call(op, request);
        assert_eq!(answer["ok"], false, "{answer}");
        answer["error"].clone()
    };
    let e = error("push_invoices", &format!(r#"{{"connection":"{name}"}}"#));
    assert_eq!((e["code"].as_str(), e["path"].as_str()), (Some("bad_request"), Some("invoices")), "{e}");
    let e = error("push_contacts", &format!(r#"{{"connection":"{name}","connection":"{name}","contacts":[]}}"#));
    assert_eq!((e["code"].as_str(), e["path"].as_str()), (Some("bad_request"), Some("connection")), "{e}");
    let e = error("push_contacts", &format!(r#"{{"connection":"{name}","contacts":[],"extra":1}}"#));
    assert_eq!(e["path"], "extra", "{e}");

    // Inside records: the record fails alone, with its path.
    let answer = ok(call(
        "push_contacts",
        &format!(
            r#"{{"connection":"{name}","dry_run":true,"contacts":[{{"code":"OK1","role":"debtor","name":"Fine"}},{{"code":"X1","role":"debtor","name":"Bad \ud800 name"}},{{"code":"X2","role":"debtor"}}]}}"#
        ),
    ));
    assert_eq!(answer["results"][0]["outcome"], "created");
    for (i, path) in [(1, "contacts[1].name"), (2, "contacts[2].name")] {
        let r = &answer["results"][i];
        assert_eq!(r["outcome"], "failed", "{r}");
        assert_eq!(r["errors"][0]["path"], path, "{r}");
        assert_eq!(r["key"], format!("X{i}"), "the record is named by its code: {r}");
    }

    // A string amount is decimal text, as the published schema's pattern says.
    let answer = ok(call(
        "push_items",
        &format!(r#"{{"connection":"{name}","dry_run":true,"items":[{{"code":"E1","sales_price":"1e2"}}]}}"#),
    ));
    assert_eq!(answer["results"][0]["errors"][0]["path"], "items[0].sales_price", "{answer}");

    // A call carries at most 10,000 records of a kind.
    let many: Vec<Value> =
        (0..10_001).map(|n| json!({"code": format!("M{n}"), "role": "debtor", "name": "x"})).collect();
    let e = error("push_contacts", &json!({"connection": name, "contacts": many}).to_string());
    assert_eq!((e["code"].as_str(), e["path"].as_str()), (Some("bad_request"), Some("contacts")), "{e}");
    assert!(e["message"].as_str().unwrap().contains("10000"), "{e}");
}

#[test]
fn a_contact_archived_in_xero_after_it_was_pushed_is_restored_when_the_erp_uses_it() {
    let (sim, tenant) = simulator(60.0, false);
    let name = "xero-archived-later";
    let dir = ready(name, &sim, json!({}));
    let debtor = json!({"code": "A1", "role": "debtor", "name": "Archived Later Ltd"});
    let id = push_contacts(name, json!([debtor.clone()]))["results"][0]["xero_id"].as_str().unwrap().to_owned();
    let archive = || {
        by_hand(
            &sim,
            &tenant,
            &dir,
            name,
            "POST",
            "/Contacts",
            json!({"Contacts": [{"ContactID": id, "ContactStatus": "ARCHIVED"}]}),
        );
    };
    let status = || {
        let snapshot = sim.snapshot(&tenant).unwrap();
        let c =
            snapshot["Contacts"].as_array().unwrap().iter().find(|c| c["ContactID"] == id.as_str()).unwrap().clone();
        c["ContactStatus"].as_str().unwrap().to_owned()
    };
    let invoice = |number: &str| {
        ok(call_c(
            xero_push_invoices,
            &json!({"connection": name, "contacts": [debtor.clone()], "invoices": [sales_invoice(number, "A1")]})
                .to_string(),
        ))
    };
    // Unchanged in the ERP: no call for the contact; its invoice restores it, with a warning, and lands.
    archive();
    let answer = invoice("SI-AL-1");
    assert_eq!(answer["contacts"][0]["outcome"], "unchanged");
    let r = &answer["results"][0];
    assert_eq!(r["outcome"], "created", "{r}");
    assert!(r["warnings"].to_string().contains("ARCHIVED"), "{r}");
    assert_eq!(status(), "ACTIVE");
    assert_eq!(count(&sim, &tenant, "Invoices", "InvoiceNumber", "SI-AL-1"), 1);
    // Edited in the ERP: the update makes it usable again too.
    archive();
    let edited = push_contacts(
        name,
        json!([{"code": "A1", "role": "debtor", "name": "Archived Later Ltd",
                                             "email": "accounts@al.example"}]),
    );
    assert_eq!(edited["results"][0]["outcome"], "updated");
    assert_eq!(status(), "ACTIVE", "never reported pushed while still unusable");
}

/// Log records with the thread they arrived on.
static THREAD_LOGS: std::sync::Mutex<Vec<(std::thread::ThreadId, String)>> = std::sync::Mutex::new(Vec::new());

unsafe extern "C" fn log_with_thread(
    _: *mut std::ffi::c_void,
    _level: i32,
    _target: *const std::ffi::c_char,
    message: *const std::ffi::c_char,
) {
    let message = unsafe { std::ffi::CStr::from_ptr(message) }.to_string_lossy().into_owned();
    THREAD_LOGS.lock().unwrap().push((std::thread::current().id(), message));
}

#[test]
fn log_records_arrive_on_the_thread_that_made_the_call() {
    let _alone = alone();
    let (sim, _tenant) = simulator(60.0, false);
    let name = "xero-log-thread";
    ready(name, &sim, json!({}));
    assert_eq!(unsafe { xero_set_log_callback(Some(log_with_thread), std::ptr::null_mut()) }, 0);
    // 120 invoices: three batches, written by helper threads at once.
    let invoices: Vec<Value> = (0..120).map(|n| sales_invoice(&format!("LT-{n}"), "L1")).collect();
    let answer = ok(call_c(
        xero_push_invoices,
        &json!({"connection": name, "contacts": [{"code": "L1", "role": "debtor", "name": "Log Thread Ltd"}],
                "invoices": invoices})
        .to_string(),
    ));
    assert_eq!(answer["summary"]["created"], 120, "{}", answer["summary"]);
    let me = std::thread::current().id();
    let ours: Vec<(std::thread::ThreadId, String)> = THREAD_LOGS
        .lock()
        .unwrap()
        .iter()
        .filter(|(_, m)| m.contains(&format!("connection {name}")))
        .cloned()
        .collect();
    let batches = ours.iter().filter(|(_, m)| m.starts_with("PUT /Invoices")).count();
    assert!(batches >= 3, "a record per batch request: {ours:?}");
    let elsewhere: Vec<&String> = ours.iter().filter(|(t, _)| *t != me).map(|(_, m)| m).collect();
    assert!(elsewhere.is_empty(), "records delivered on other threads: {elsewhere:?}");
}

#[test]
fn verify_reports_a_document_voided_by_hand_in_xero() {
    let (sim, tenant) = simulator(60.0, false);
    let name = "xero-verify";
    let dir = ready(name, &sim, json!({}));
    let request = |verify: bool| {
        json!({"connection": name, "verify": verify,
            "contacts": [{"code": "V1", "role": "debtor", "name": "Verify Ltd"}],
            "invoices": [sales_invoice("SI-V-1", "V1"), sales_invoice("SI-V-2", "V1")]})
        .to_string()
    };
    let first = ok(call_c(xero_push_invoices, &request(false)));
    let voided = first["results"][0]["xero_id"].as_str().unwrap().to_owned();
    by_hand(
        &sim,
        &tenant,
        &dir,
        name,
        "POST",
        "/Invoices",
        json!({"Invoices": [{"InvoiceID": voided, "Status": "VOIDED"}]}),
    );
    // By default the ledger answers: no call, and nothing says Xero no longer has it.
    let calls = e2e::api_calls(&sim);
    let plain = ok(call_c(xero_push_invoices, &request(false)));
    assert_eq!(plain["results"][0]["outcome"], "unchanged");
    assert_eq!(e2e::api_calls(&sim), calls, "no call without verify");
    // With verify, Xero is asked (one read for both) and the voided one is reported.
    let verified = ok(call_c(xero_push_invoices, &request(true)));
    let r = &verified["results"][0];
    assert_eq!((r["outcome"].as_str(), r["errors"][0]["code"].as_str()), (Some("failed"), Some("conflict")), "{r}");
    assert!(r["errors"][0]["message"].as_str().unwrap().contains("VOIDED"), "{r}");
    assert_eq!(verified["results"][1]["outcome"], "unchanged", "{verified}");
    assert_eq!(count(&sim, &tenant, "Invoices", "InvoiceNumber", "SI-V-2"), 1);
}

#[test]
fn the_request_log_file_has_a_line_for_every_sign_in_exchange_too() {
    let (sim, _tenant) = simulator(60.0, false);
    let name = "xero-log-file";
    let dir = ready(name, &sim, json!({"log_file": true}));
    ok(call("connections", &json!({"connection": name}).to_string()));
    let text = std::fs::read_to_string(dir.join("xero-link-requests.log")).unwrap();
    let lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let paths: Vec<(String, String)> = lines
        .iter()
        .map(|l| (l["method"].as_str().unwrap().to_owned(), l["path"].as_str().unwrap().to_owned()))
        .collect();
    for wanted in [("POST", "/connect/token"), ("GET", "/connections")] {
        assert!(paths.iter().any(|(m, p)| (m.as_str(), p.as_str()) == wanted), "{wanted:?} in {paths:?}");
    }
    assert!(!text.contains("code=") && !text.contains("Bearer"), "nothing secret: {text}");
}
