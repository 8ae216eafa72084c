//! The protections SECURITY.md lists that no other suite pins down: the state directory and its files are the
//! owner's only; a certificate the platform does not trust ends the connection before anything is sent; no
//! redirect is followed, so credentials reach only the endpoint they were meant for; no endpoint is plain http to
//! a remote host; a request over the size or depth limit is refused before it is decoded.

use crate::support::auth::*;
use crate::support::common::{call, temp_state_dir};
use crate::support::impostor::{Answer, Impostor};
use serde_json::{Value, json};
use std::os::unix::fs::PermissionsExt;

/// A client-credentials connection (the simulator's custom connection) against `base`, endpoints patched.
fn custom_config(name: &str, dir: &std::path::Path, base: &str, endpoints_patch: Value) -> Value {
    let mut endpoints = endpoints(base);
    for (k, v) in endpoints_patch.as_object().unwrap() {
        endpoints[k] = v.clone();
    }
    json!({
        "connection": name,
        "client_id": "sim-custom-client",
        "client_secret": "sim-custom-secret",
        "grant_type": "client_credentials",
        "state_dir": dir,
        "endpoints": endpoints,
        "functions": ["debtors"],
        "timeouts": {"connect_ms": 2000, "request_ms": 5000, "default_deadline_ms": 10000},
    })
}

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).permissions().mode() & 0o777
}

#[test]
fn the_state_dir_and_its_files_are_the_owners_only() {
    let sim = sim(sim_config(1.0));
    // A state_dir that does not exist yet: the library creates it (and its parent).
    let dir = temp_state_dir("owner-only").join("erp").join("xero");
    configure(&custom_config("xero-owner-only", &dir, &sim.base_url(), json!({})));
    ok(op("authenticate", json!({"connection": "xero-owner-only"})));
    assert_eq!(mode(&dir), 0o700, "state_dir is the owner's only");
    for file in ["xero-link.sqlite3", "xero-link.sqlite3-wal", "xero-link.sqlite3-shm"] {
        assert_eq!(mode(&dir.join(file)) & 0o077, 0, "{file} is the owner's only");
    }
}

#[test]
fn a_certificate_the_platform_does_not_trust_ends_the_connection_before_anything_is_sent() {
    let sim = sim(sim_config(1.0));
    let impostor = Impostor::start(Answer::UntrustedTls);
    let token = format!("https://127.0.0.1:{}/connect/token", impostor.port);
    let dir = temp_state_dir("untrusted-tls");
    configure(&custom_config("xero-untrusted-tls", &dir, &sim.base_url(), json!({"token": token})));
    let err = assert_error(&op("authenticate", json!({"connection": "xero-untrusted-tls"})), "network");
    let message = err["message"].as_str().unwrap();
    assert!(message.contains("certificate"), "the failure names the certificate: {message}");
    let visits = impostor.visits();
    assert!(!visits.is_empty(), "the library did connect");
    for visit in &visits {
        assert!(!visit.handshake_completed, "the handshake was refused: {visit:?}");
        assert!(visit.head.is_empty(), "no request (carrying the client secret) was sent: {visit:?}");
    }
    assert_eq!(status("xero-untrusted-tls")["signed_in"], false);
}

/// `endpoint` of a connection pointed at a server that redirects every request to another one: the call fails,
/// the first server saw `credential` (the header it was meant to get), the other one saw nothing.
fn redirect_is_not_followed(endpoint: &str, credential: &str, call_it: impl FnOnce(&str) -> Value, name: &str) {
    let elsewhere = Impostor::start(Answer::Empty);
    let redirector = Impostor::start(Answer::RedirectTo(format!("http://127.0.0.1:{}/stolen", elsewhere.port)));
    let url = match endpoint {
        "token" => format!("http://127.0.0.1:{}/connect/token", redirector.port),
        _ => format!("http://127.0.0.1:{}/api.xro/2.0", redirector.port),
    };
    let answer = call_it(&url);
    assert_eq!(answer["ok"], false, "{name}: a redirect is an error: {answer}");
    let message = answer["error"]["message"].as_str().unwrap().to_owned();
    assert!(message.contains("redirect") || message.contains("302"), "{name}: {message}");
    let redirected = redirector.visits();
    assert!(
        redirected.iter().any(|v| v.head.to_ascii_lowercase().contains(credential)),
        "{name}: the endpoint got the request with its {credential}: {redirected:?}"
    );
    let stolen = elsewhere.visits();
    assert!(stolen.is_empty(), "{name}: the redirect was followed: {stolen:?}");
}

#[test]
fn redirects_are_never_followed_so_credentials_reach_only_their_endpoint() {
    let sim = sim(sim_config(1.0));
    let base = sim.base_url();

    // The token endpoint: the client secret (HTTP Basic) stays with it.
    let dir = temp_state_dir("redirect-token");
    redirect_is_not_followed(
        "token",
        "authorization: basic",
        |url| {
            configure(&custom_config("xero-redirect-token", &dir, &base, json!({"token": url})));
            op("authenticate", json!({"connection": "xero-redirect-token"}))
        },
        "token endpoint",
    );

    // The Accounting API: the bearer token stays with it.
    let dir = temp_state_dir("redirect-api");
    let config = custom_config("xero-redirect-api", &dir, &base, json!({}));
    configure(&config);
    ok(op("authenticate", json!({"connection": "xero-redirect-api"})));
    redirect_is_not_followed(
        "accounting",
        "authorization: bearer",
        |url| {
            let mut moved = config.clone();
            moved["endpoints"]["accounting"] = json!(url);
            configure(&moved);
            op("get_accounts", json!({"connection": "xero-redirect-api", "deadline_ms": 5000}))
        },
        "Accounting API",
    );
}

#[test]
fn no_endpoint_is_plain_http_to_a_remote_host() {
    let dir = temp_state_dir("endpoints");
    let base = web_config("xero-endpoints", &dir, "http://127.0.0.1:9");
    ok(call("configure", &base.to_string()));
    let refused = ["http://10.1.2.3/x", "http://xero.example.com/x", "ftp://127.0.0.1/x", "file:///etc/passwd"];
    let allowed = ["https://xero.example.com/x", "http://127.0.0.1:9/x", "http://[::1]:9/x", "http://localhost:9/x"];
    for endpoint in ["authorize", "token", "revocation", "connections", "accounting"] {
        for url in refused {
            let mut config = base.clone();
            config["endpoints"][endpoint] = json!(url);
            let err = assert_error(&call("configure", &config.to_string()), "validation");
            assert_eq!(err["path"], format!("endpoints.{endpoint}"), "{url}: {err}");
        }
        for url in allowed {
            let mut config = base.clone();
            config["endpoints"][endpoint] = json!(url);
            ok(call("configure", &config.to_string()));
        }
    }
    for url in refused {
        let mut config = base.clone();
        config["redirect_uri"] = json!(url);
        let err = assert_error(&call("configure", &config.to_string()), "validation");
        assert_eq!(err["path"], "redirect_uri", "{url}: {err}");
    }
}

#[test]
fn a_request_over_the_size_or_depth_limit_is_refused_before_it_is_decoded() {
    let limit = xero_link::json::MAX_REQUEST_BYTES;
    let padding = "a".repeat(limit);
    let too_big = format!(r#"{{"connection":"xero-big","pad":"{padding}"}}"#);
    let err = assert_error(&call("status", &too_big), "bad_json");
    assert_eq!(err["max_bytes"], limit, "{}", err["message"]);
    assert!(err["message"].as_str().unwrap().contains("split it over several calls"));

    let deep = format!(r#"{{"connection":"xero-deep","pad":{}{}}}"#, "[".repeat(129), "]".repeat(129));
    let err = assert_error(&call("status", &deep), "bad_json");
    assert_eq!(err["max_depth"], 128, "{}", err["message"]);
}

const KEY: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";

#[test]
fn the_encryption_key_is_never_echoed() {
    let sim = sim(sim_config(1.0));
    let dir = temp_state_dir("key-echo");
    let mut config = custom_config("xero-key-echo", &dir, &sim.base_url(), json!({}));
    config["encryption_key"] = json!(KEY);
    let mut answers = vec![op("configure", config.clone())];
    assert_eq!(answers[0]["result"]["config"]["encryption_key"], "<redacted>", "{}", answers[0]);
    answers.push(op("authenticate", json!({"connection": "xero-key-echo"})));
    answers.push(op("status", json!({"connection": "xero-key-echo"})));
    answers.push(op("export_state", json!({"connection": "xero-key-echo"})));
    // A wrong key is refused without quoting either.
    let mut wrong = config.clone();
    wrong["encryption_key"] = json!(KEY.replace('0', "a"));
    answers.push(op("configure", wrong));
    answers.push(op("status", json!({"connection": "xero-key-echo"})));
    answers.push(op("connections", json!({"connection": "xero-key-echo"})));
    let parsed = xero_link::config::Config::from_value(config).unwrap();
    let debug = format!("{parsed:?}");
    for text in answers.iter().map(|a| a.to_string()).chain([debug]) {
        assert!(!text.to_ascii_lowercase().contains(KEY), "the key: {text}");
        assert!(!text.to_ascii_lowercase().contains(&KEY.replace('0', "a")), "the wrong key: {text}");
    }
}

/// Without `encryption_key`, `export_state` hands out the live tokens in clear (the host asked for them to keep
/// them in its own database) and nothing else secret: not the client secret, not a waiting sign-in's verifier.
/// With a key, the same export holds no token in clear.
#[test]
fn an_export_without_a_key_holds_the_tokens_in_clear_and_no_other_secret() {
    let sim = sim(sim_config(1.0));
    let (dir, config) = ready_connection("xero-export-clear", &sim.base_url());
    ok(op("authorize_url", json!({"connection": "xero-export-clear"}))); // a sign-in left waiting
    let record = stored_record(&dir, "xero-export-clear");
    let verifier = record["pending"][0]["verifier"].as_str().unwrap().strip_prefix("plain:").unwrap().to_owned();
    let exported = ok(op("export_state", json!({"connection": "xero-export-clear"})));

    let mut members: Vec<&str> = exported.as_object().unwrap().keys().map(String::as_str).collect();
    members.sort();
    assert_eq!(
        members,
        ["connection", "exported_at", "format", "generation", "grant", "reauth", "tenant", "tokens_encrypted"],
        "{exported}"
    );
    assert_eq!(exported["tokens_encrypted"], false);
    for field in ["access_token", "refresh_token"] {
        assert_eq!(exported["grant"][field], record["grant"][field], "{field}: the stored (plain) token itself");
        assert!(exported["grant"][field].as_str().unwrap().starts_with("plain:"));
    }
    let text = exported.to_string();
    assert!(!text.contains(WEB_SECRET), "no client secret");
    assert!(!text.contains(&verifier), "no PKCE verifier");
    assert!(!text.contains("pending"), "no waiting sign-in");

    let mut keyed = config.clone();
    keyed["encryption_key"] = json!(KEY);
    configure(&keyed);
    ok(op("import_state", json!({"connection": "xero-export-clear", "state": exported, "force": true})));
    let sealed = ok(op("export_state", json!({"connection": "xero-export-clear"})));
    assert_eq!(sealed["tokens_encrypted"], true);
    for field in ["access_token", "refresh_token"] {
        let clear = record["grant"][field].as_str().unwrap().strip_prefix("plain:").unwrap();
        assert!(!sealed.to_string().contains(clear), "{field} is not in a keyed export in clear");
        assert!(sealed["grant"][field].as_str().unwrap().starts_with("aes256gcm:"));
    }
}

/// A consent answer is good for 10 minutes (the sign-in it belongs to is then forgotten), and while it waits
/// its PKCE verifier is sealed like the tokens when the connection has a key.
#[test]
fn a_waiting_sign_in_expires_after_ten_minutes_and_its_verifier_is_sealed() {
    let sim = sim(sim_config(1.0));
    let dir = temp_state_dir("pending-expiry");
    let mut config = web_config("xero-pending-expiry", &dir, &sim.base_url());
    config["encryption_key"] = json!(KEY);
    configure(&config);
    let started = ok(op("authorize_url", json!({"connection": "xero-pending-expiry"})));
    let callback = consent(started["url"].as_str().unwrap());
    let mut record = stored_record(&dir, "xero-pending-expiry");
    let verifier = record["pending"][0]["verifier"].as_str().unwrap();
    assert!(verifier.starts_with("aes256gcm:"), "the waiting verifier is sealed: {verifier}");

    // As if started 10 minutes and a second ago.
    let pending = &mut record["pending"][0];
    let eleven_minutes_ms = 601_000;
    pending["created_at_ms"] = json!(pending["created_at_ms"].as_i64().unwrap() - eleven_minutes_ms);
    pending["expires_at_ms"] = json!(pending["expires_at_ms"].as_i64().unwrap() - eleven_minutes_ms);
    store_record(&dir, "xero-pending-expiry", &record);
    let err = assert_error(
        &op("authenticate", json!({"connection": "xero-pending-expiry", "callback_url": callback.as_str()})),
        "auth_failed",
    );
    assert_eq!(err["path"], "state", "{err}");
    assert_eq!(sim.counters().token_grants.get("authorization_code"), None, "the code was not exchanged");
    assert_eq!(status("xero-pending-expiry")["signed_in"], false);
}

/// At most 20 sign-ins wait at once per connection: a 21st forgets the oldest, whose answer is then refused.
#[test]
fn at_most_twenty_sign_ins_wait_and_the_oldest_goes_first() {
    let sim = sim(sim_config(1.0));
    let dir = temp_state_dir("pending-many");
    configure(&web_config("xero-pending-many", &dir, &sim.base_url()));
    let urls: Vec<String> = (0..21)
        .map(|_| {
            ok(op("authorize_url", json!({"connection": "xero-pending-many"})))["url"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(status("xero-pending-many")["pending_sign_ins"], 20);
    let oldest = consent(&urls[0]);
    let err = assert_error(
        &op("authenticate", json!({"connection": "xero-pending-many", "callback_url": oldest.as_str()})),
        "auth_failed",
    );
    assert_eq!(err["path"], "state", "{err}");
    let second = consent(&urls[1]);
    ok(op("authenticate", json!({"connection": "xero-pending-many", "callback_url": second.as_str()})));
}

/// The loopback listener reads at most 16 KiB of a request head (431 beyond), and goes on waiting.
#[test]
fn the_loopback_listener_refuses_a_request_head_over_16_kib() {
    use std::io::{Read, Write};
    let port = xero_link_fixtures::ports::free_loopback_port();
    let redirect = format!("http://127.0.0.1:{port}/callback");
    let sim = sim(sim_config(1.0));
    let dir = temp_state_dir("loopback-head");
    let mut config = web_config("xero-loopback-head", &dir, &sim.base_url());
    config["redirect_uri"] = json!(redirect);
    configure(&config);
    let waiting = std::thread::spawn(|| {
        op(
            "authenticate",
            json!({"connection": "xero-loopback-head", "loopback": {"timeout_ms": 2500, "open_command": ["true"]}}),
        )
    });
    let send = |head: String| -> String {
        let started = std::time::Instant::now();
        let mut stream = loop {
            match std::net::TcpStream::connect(("127.0.0.1", port)) {
                Ok(s) => break s,
                Err(e) => {
                    assert!(started.elapsed().as_secs() < 2, "the listener never came up: {e}");
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
            }
        };
        let _ = stream.write_all(head.as_bytes());
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        answer
    };
    let big = format!("GET /callback?state=x&code=y HTTP/1.1\r\nx-padding: {}\r\n\r\n", "a".repeat(17 * 1024));
    let answer = send(big);
    assert!(answer.starts_with("HTTP/1.1 431"), "{answer}");
    let answer = send("GET /favicon.ico HTTP/1.1\r\n\r\n".to_owned());
    assert!(answer.starts_with("HTTP/1.1 404"), "still listening: {answer}");
    assert_error(&waiting.join().unwrap(), "timeout");
}

/// The loopback sign-in, where the code reaches the library's own listener and the browser is shown the
/// library's pages: no code, verifier, token or client secret in a log record, a page or the answer, a forged
/// answer included.
#[test]
fn the_loopback_sign_in_shows_and_logs_no_secret() {
    let _logs = capture_logs();
    let port = xero_link_fixtures::ports::free_loopback_port();
    let redirect = format!("http://127.0.0.1:{port}/callback");
    let mut config = sim_config(1.0);
    config.apps[0].redirect_uris.push(redirect.clone());
    let sim = sim(config);
    let dir = temp_state_dir("loopback-secrets");
    let mut config = web_config("xero-loopback-secrets", &dir, &sim.base_url());
    config["redirect_uri"] = json!(redirect);
    configure(&config);
    let since = logs().len();
    let waiting = std::thread::spawn(|| {
        op(
            "authenticate",
            json!({"connection": "xero-loopback-secrets", "loopback": {"timeout_ms": 20000, "open_command": ["true"]}}),
        )
    });
    let ours = format!("127.0.0.1%3A{port}%2F");
    let url = loop {
        let found = logs().iter().skip(since).find_map(|l| {
            let url = &l[l.find("open this URL in a browser").and(l.find("http://"))?..];
            url.contains(&ours).then(|| url.to_owned())
        });
        if let Some(url) = found {
            break url;
        }
        assert!(!waiting.is_finished(), "authenticate ended before logging the consent URL");
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let verifier = stored_record(&dir, "xero-loopback-secrets")["pending"][0]["verifier"]
        .as_str()
        .unwrap()
        .strip_prefix("plain:")
        .unwrap()
        .to_owned();
    let back = consent(&url);
    let code = query(&back, "code").unwrap();
    let forged = browser().get(format!("{redirect}?code={code}&state=forged")).send().unwrap();
    assert_eq!(forged.status().as_u16(), 400);
    let mut texts = vec![forged.text().unwrap()];
    let page = browser().get(back.as_str()).send().unwrap();
    assert_eq!(page.status().as_u16(), 200);
    texts.push(page.text().unwrap());
    texts.push(ok(waiting.join().unwrap()).to_string());
    let record = stored_record(&dir, "xero-loopback-secrets");
    let plain = |field: &str| record["grant"][field].as_str().unwrap().strip_prefix("plain:").unwrap().to_owned();
    let secrets = [WEB_SECRET.to_owned(), code, verifier, plain("access_token"), plain("refresh_token")];
    texts.extend(logs());
    for secret in &secrets {
        assert!(secret.len() >= 8);
        for text in &texts {
            assert!(!text.contains(secret.as_str()), "a secret in a log record, a page or the answer: {text}");
        }
    }
}

/// An Accounting answer nested far deeper than any of Xero's, in a member the reader skips, is read without a
/// stack overflow in the host's process (the reader skips it without recursing into it; a reader that did would
/// meet serde_json's recursion limit, an error).
#[test]
fn an_answer_nested_200_000_deep_is_read_without_a_crash() {
    let sim = sim(sim_config(1.0));
    let dir = temp_state_dir("deep-answer");
    let config = custom_config("xero-deep-answer", &dir, &sim.base_url(), json!({}));
    configure(&config);
    ok(op("authenticate", json!({"connection": "xero-deep-answer"})));
    let depth = 200_000;
    let deep = format!(r#"{{"Accounts":[],"Unknown":{}{}}}"#, "[".repeat(depth), "]".repeat(depth));
    let impostor = Impostor::start(Answer::Json(deep));
    let mut moved = config.clone();
    moved["endpoints"]["accounting"] = json!(format!("http://127.0.0.1:{}/api.xro/2.0", impostor.port));
    configure(&moved);
    let accounts = ok(op("get_accounts", json!({"connection": "xero-deep-answer", "deadline_ms": 5000})));
    assert_eq!(accounts["accounts"], json!([]));
    assert_eq!(impostor.visits().len(), 1, "the answer came from the impostor");
}

/// A database file that already exists with a looser mode (an empty one, as a copy or a restore might leave) is
/// made the owner's only when the library opens it.
#[test]
fn an_existing_database_file_is_made_the_owners_only() {
    let sim = sim(sim_config(1.0));
    let dir = temp_state_dir("loose-db");
    let db = dir.join("xero-link.sqlite3");
    std::fs::write(&db, b"").unwrap();
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    configure(&custom_config("xero-loose-db", &dir, &sim.base_url(), json!({})));
    ok(op("authenticate", json!({"connection": "xero-loose-db"})));
    assert_eq!(mode(&db) & 0o077, 0, "the database is the owner's only now");
}
