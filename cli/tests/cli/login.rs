//! `login` (loopback, pasted address, started and finished in two runs), and `disconnect`.

use crate::support::*;
use std::io::{BufRead as _, BufReader, Write as _};
use std::process::{Child, Stdio};

/// Reads the child's stderr until the consent URL appears, and keeps draining it (a closed stderr would end the
/// program at its next message); the URL, and the rest of stderr when the child is done.
fn consent_url_from(child: &mut Child) -> (String, std::thread::JoinHandle<String>) {
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let (found, url) = std::sync::mpsc::channel();
    let rest = std::thread::spawn(move || {
        let mut rest = String::new();
        for line in stderr.lines().map_while(Result::ok) {
            if let Some(at) = line.find("http").filter(|_| line.contains("/identity/connect/authorize")) {
                let _ = found.send(line[at..].trim().to_owned());
            }
            rest.push_str(&line);
            rest.push('\n');
        }
        rest
    });
    let url = url.recv_timeout(std::time::Duration::from_secs(30)).expect("the consent URL is printed");
    (url, rest)
}

#[test]
fn loopback_sign_in_prints_the_url_and_finishes_when_the_browser_comes_back() {
    let world = World::new();
    assert_success(&world.set_up());
    let mut child =
        world.command(&["login", "--no-browser", "--timeout", "60"]).stderr(Stdio::piped()).spawn().unwrap();
    let (url, stderr) = consent_url_from(&mut child);
    // The browser follows Xero's redirect to the loopback address the program listens on.
    let page = crate::support::get_following_redirects(&url);
    assert!(page.status().is_success(), "{}", page.status());
    let status = child.wait().unwrap();
    let stderr = stderr.join().unwrap();
    assert!(status.success(), "{status:?}: {stderr}");
    assert!(stderr.contains("Signed in to Xero"), "{stderr}");
    let answer = stdout_json(&world.run(&["status", "--json"]));
    assert_eq!(answer["status"]["signed_in"], true);
    assert!(answer["status"]["tenant"].is_null(), "the tenant is chosen separately");
}

#[test]
fn a_pasted_address_completes_the_sign_in_when_the_redirect_uri_is_the_erps_page() {
    let world = World::new();
    assert_success(&world.set_up());
    let erp_page = "https://erp.example.com/csp/sys/oauth2/OAuth2.Response.cls";
    assert_success(&world.run(&["setup", "--non-interactive", "--redirect-uri", erp_page]));
    let mut child =
        world.command(&["login", "--no-browser"]).stdin(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let (url, stderr) = consent_url_from(&mut child);
    let callback = follow_consent(&url);
    assert!(callback.starts_with(erp_page), "{callback}");
    writeln!(child.stdin.take().unwrap(), "{callback}").unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}: {}", stderr.join().unwrap());
    assert_eq!(stdout_json(&world.run(&["status", "--json"]))["status"]["signed_in"], true);
}

#[test]
fn a_forged_callback_is_refused_as_an_authentication_failure() {
    let world = World::new();
    assert_success(&world.set_up());
    let forged = format!("{}?code=stolen&state=forged", world.loopback_uri);
    let shown = assert_exit(&world.run(&["login", "--callback-url", &forged]), 4);
    assert!(shown.contains("auth_failed") && shown.contains("xero-link login"), "{shown}");
}

#[test]
fn disconnect_forgets_the_sign_in_and_then_commands_need_a_new_one() {
    let world = World::new();
    world.ready();
    let output = world.run(&["disconnect", "--yes"]);
    assert_success(&output);
    assert!(text(&output).contains("the organisation's connection is removed at Xero"), "{}", text(&output));
    let still_connected = world.sim.connections().into_iter().filter(|c| c.tenant_id == xero_sim::HUGE_TENANT_ID);
    assert_eq!(still_connected.count(), 0, "the organisation's connection is removed at Xero");
    assert_eq!(stdout_json(&world.run(&["status", "--json"]))["status"]["signed_in"], false);
    let shown = assert_exit(&world.run(&["tenants"]), 4);
    assert!(shown.contains("xero-link login"), "{shown}");
    let again = world.run(&["disconnect", "--yes"]);
    assert_success(&again);
    assert!(text(&again).contains("was not signed in: nothing to disconnect"), "{}", text(&again));
}

#[test]
fn disconnect_while_xero_is_down_fails_as_unavailable_and_keeps_the_sign_in() {
    let world = World::new();
    world.ready();
    world.sim.add_fault(maintenance("/connections"));
    world.sim.add_fault(maintenance("/connect/revocation"));
    let output = world.run(&["disconnect", "--yes"]);
    let shown = assert_exit(&output, 5);
    assert!(shown.contains("next: "), "{shown}");
    assert_eq!(stdout_json(&world.run(&["status", "--json"]))["status"]["signed_in"], true);
}
