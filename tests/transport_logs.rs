//! One log record per request, to the host's callback and the optional log file, and never a secret in a
//! record or an error: not the client secret, not an access token.

mod transport_support;

use parking_lot::Mutex;
use serde_json::json;
use std::sync::Arc;
use transport_support::*;
use xero_link::log::{self, Level};
use xero_sim::{FaultKind, FaultSpec};

#[test]
fn records_describe_every_request_and_nothing_leaks_a_secret() {
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
