//! One log record per request, to the host's callback and the optional log file, and never a secret in a
//! record or an error: not the client secret, not an access token.
//!
//! Each test holds the process (`alone`): they install process-wide sinks, one checks that every record it sees
//! is the transport's (so no other test may log meanwhile), and one forks.

use crate::support::process::alone;
use crate::support::transport::*;
use parking_lot::Mutex;
use serde_json::json;
use std::sync::Arc;
use xero_link::log::{self, Level};
use xero_sim::{FaultKind, FaultSpec};

#[test]
fn records_describe_every_request_and_nothing_leaks_a_secret() {
    let _alone = alone();
    let app = "logs-secrets";
    let sim = start_sim(app);
    let config = config(&sim.base_url(), app, json!({"log_file": true, "timeouts": {"request_ms": 300}}));
    let _ = std::fs::remove_file(config.state_dir.join("xero-link-requests.log"));
    let tokens = SimTokens::new(&config);

    let records: Arc<Mutex<Vec<(Level, String, String)>>> = Arc::default();
    let sink_records = Arc::clone(&records);
    log::set_max_level(Level::Trace);
    log::set_sink(Some(Arc::new(move |level: Level, target: &str, message: &str| {
        sink_records.lock().push((level, target.to_owned(), message.to_owned()));
    })));

    let contacts = "/api.xro/2.0/Contacts";
    let mut errors = Vec::new();
    let mut run = |call, faults: Vec<FaultSpec>| {
        for fault in faults {
            sim.add_fault(fault);
        }
        if let Err(e) = send(&config, &tokens, &call, 20_000) {
            errors.push(e);
        }
        sim.clear_faults();
    };
    run(create_contact("Log Ltd", true), vec![]);
    sim.expire_access_tokens();
    run(create_contact("Log Two Ltd", true), vec![FaultSpec::next("PUT", contacts, FaultKind::Maintenance503, 1)]);
    run(create_contact("Log Three Ltd", false), vec![FaultSpec::next("PUT", contacts, FaultKind::DropAfter, 1)]);
    run(create_contact("Log Four Ltd", true), vec![FaultSpec::next("PUT", contacts, FaultKind::Error500, 1)]);
    run(
        create_contact("Log Five Ltd", true),
        vec![FaultSpec { delay_ms: Some(600), ..FaultSpec::next("PUT", contacts, FaultKind::Delay, 1) }],
    );
    let mut with_query = get("/Contacts");
    with_query.query = vec![("where".into(), format!("Name==\"{SECRET}\"")), ("page".into(), "1".into())];
    run(with_query, vec![]);
    log::set_sink(None);

    let records = records.lock().clone();
    let lines: Vec<&str> = records.iter().map(|(_, _, m)| m.as_str()).collect();
    assert!(lines.iter().any(|l| l.starts_with("PUT /Contacts -> 200") && l.contains("attempt 1")), "{lines:#?}");
    assert!(lines.iter().any(|l| l.starts_with("PUT /Contacts -> 401")), "the rejected token is logged");
    assert!(lines.iter().any(|l| l.starts_with("PUT /Contacts -> 503") && l.contains("remaining minute")));
    assert!(lines.iter().any(|l| l.contains("-> connection dropped")), "{lines:#?}");
    assert!(lines.iter().any(|l| l.contains("-> timeout")), "{lines:#?}");
    assert!(lines.iter().any(|l| l.contains("correlation ")), "correlation ids are logged");
    assert!(lines.iter().any(|l| l.starts_with("GET /Contacts?where=…&page=1 -> 200")), "{lines:#?}");
    assert!(records.iter().all(|(_, target, _)| target == "xero_link::transport"));
    assert!(records.iter().any(|(level, _, m)| *level == Level::Warn && m.contains("-> 503")));

    let file = std::fs::read_to_string(config.state_dir.join("xero-link-requests.log")).expect("the log file");
    let file_records: Vec<serde_json::Value> = file.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(file_records.len() >= 8, "one line per request: {}", file_records.len());
    assert!(file_records.iter().all(|r| r["connection"] == "xero-logs-secrets" && r["attempt"].is_u64()));
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(config.state_dir.join("xero-link-requests.log")).unwrap().permissions().mode();
    assert_eq!(mode & 0o077, 0, "the log file is the owner's only");

    assert!(!errors.is_empty(), "some calls failed and their errors are scanned too");
    let mut texts: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    texts.push(file);
    for e in &errors {
        texts.push(format!("{} {:?} {}", e.error, e, serde_json::to_string(&e.error).unwrap()));
    }
    texts.push(format!("{config:?} {}", serde_json::to_string(&config).unwrap()));
    let issued = tokens.issued.lock().clone();
    assert!(issued.len() >= 2, "a token was refreshed, so there are several to look for");
    for text in &texts {
        assert!(!text.contains(SECRET), "the client secret leaked: {text}");
        for token in &issued {
            assert!(!text.contains(token.as_str()), "an access token leaked: {text}");
        }
        assert!(!text.to_ascii_lowercase().contains("bearer"), "an authorization header leaked: {text}");
    }
}

#[test]
fn a_wait_for_the_minute_limit_is_reported_as_progress() {
    let _alone = alone();
    use xero_link::progress;
    let app = "progress-wait";
    let sim = start_sim(app);
    let config = config(&sim.base_url(), app, json!({"limits": {"per_minute": 2, "minute_ms": MINUTE_MS}}));
    let tokens = SimTokens::new(&config);
    let events: Arc<Mutex<Vec<progress::Event>>> = Arc::default();
    let sink_events = Arc::clone(&events);
    progress::set_sink(Some(Arc::new(move |e: &progress::Event| sink_events.lock().push(e.clone()))));
    {
        let tracker = progress::begin("push_contacts", &config.connection, 3);
        for i in 0..3 {
            send(&config, &tokens, &create_contact(&format!("Progress {i}"), true), 10_000).expect("sent");
            tracker.advance(1);
        }
    }
    progress::set_sink(None);
    let events = events.lock();
    let waits: Vec<_> = events.iter().filter(|e| e.limit.is_some()).collect();
    assert_eq!(waits.len(), 1, "{events:?}");
    assert_eq!((waits[0].done, waits[0].total, waits[0].limit), (2, 3, Some("minute")));
    assert_eq!(waits[0].waiting_seconds, Some(1));
    assert_eq!(events.last().map(|e| e.done), Some(3));
}

#[test]
fn a_forked_child_gets_its_own_http_client_and_its_calls_go_through() {
    let _alone = alone();
    let app = "fork-child";
    let sim = start_sim(app);
    let config = config(&sim.base_url(), app, json!({}));
    let tokens = SimTokens::new(&config);
    // The parent's client exists (with its runtime thread) before the fork.
    send(&config, &tokens, &get("/Organisation"), 10_000).expect("the parent's call");

    // SAFETY: the child only makes HTTP calls through the library and leaves with _exit.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        let ok = send(&config, &tokens, &create_contact("Forked Ltd", true), 10_000).is_ok_and(|r| r.status == 200);
        unsafe { libc::_exit(if ok { 0 } else { 1 }) };
    }
    let started = std::time::Instant::now();
    let mut status = 0;
    loop {
        let done = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
        if done == pid {
            break;
        }
        if started.elapsed() > std::time::Duration::from_secs(30) {
            unsafe { libc::kill(pid, libc::SIGKILL) };
            panic!("the forked child hung: it used the parent's client");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0, "the child's call failed: {status}");
    assert_eq!(contacts_named(&sim, "Forked Ltd"), 1);
    send(&config, &tokens, &get("/Organisation"), 10_000).expect("the parent's client still works");
}
