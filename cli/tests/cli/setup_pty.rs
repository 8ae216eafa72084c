//! The interactive `setup` on a pseudo-terminal, its prompts answered as an administrator would: the seed's
//! API Setup screen, then the sign-in, the tenant and the defaults from the organisation's own data.

use crate::support::*;
use rexpect::session::PtySession;

const DOWN: &str = "\x1b[B";
const ENTER: &str = "\r";

/// Waits for the menu or question `needle` to be drawn, then a moment for the program to switch the terminal
/// to reading single keys (keys sent before that may be flushed with the line buffer).
fn expect_menu(session: &mut PtySession, needle: &str, seen: &mut String) {
    expect(session, needle, seen);
    std::thread::sleep(std::time::Duration::from_millis(300));
}

/// Sends keys as typed (rexpect buffers what `send` writes until a flush).
fn keys(session: &mut PtySession, keys: &str) {
    session.send(keys).unwrap();
    session.flush().unwrap();
}

/// Waits for `needle`, keeping everything the terminal showed in `seen`.
fn expect(session: &mut PtySession, needle: &str, seen: &mut String) {
    let before = session.exp_string(needle).unwrap_or_else(|e| panic!("`{needle}` not shown ({e}); so far:\n{seen}"));
    seen.push_str(&before);
    seen.push_str(needle);
}

#[test]
fn interactive_setup_answers_the_screen_signs_in_sets_the_tenant_and_picks_the_defaults() {
    let world = World::new();
    let base = world.sim.base_url();
    let state_dir = world.home.join("state");
    let mut command = world.command(&[
        "setup",
        "--simulator",
        &base,
        "--redirect-uri",
        &world.loopback_uri,
        "--state-dir",
        state_dir.to_str().unwrap(),
    ]);
    command.env("TERM", "xterm");
    let mut session = rexpect::session::spawn_command(command, Some(30_000)).unwrap();
    let mut seen = String::new();
    expect(&mut session, "Connection name", &mut seen);
    session.send_line("xero-pty").unwrap();
    expect(&mut session, "Client id", &mut seen);
    session.send_line("sim-client").unwrap();
    expect(&mut session, "Client secret", &mut seen);
    session.send_line(SECRET).unwrap();
    expect(&mut session, "Redirect URI", &mut seen);
    session.send_line("").unwrap();
    expect(&mut session, "State directory", &mut seen);
    session.send_line("").unwrap();
    expect_menu(&mut session, "Payments", &mut seen);
    keys(&mut session, " "); // unticks the first, Debtors
    keys(&mut session, ENTER);
    expect_menu(&mut session, "Authenticate sign in now?", &mut seen);
    keys(&mut session, "y");
    let (before, url) = session.exp_regex(r"http://127\.0\.0\.1:\d+/identity/connect/authorize\S+").unwrap();
    seen.push_str(&before);
    let page = crate::support::get_following_redirects(&url);
    assert!(page.status().is_success(), "{}", page.status());
    expect_menu(&mut session, "Set Xero Tenant", &mut seen);
    keys(&mut session, DOWN); // the second organisation
    keys(&mut session, ENTER);
    expect(&mut session, "Xero tenant set: Huge ERP Test Ltd", &mut seen);
    for default in ["Xero Sales Acc", "Xero COS Acc", "Xero Division", "Xero Sales Rep"] {
        expect_menu(&mut session, default, &mut seen);
        keys(&mut session, ENTER);
    }
    expect(&mut session, "Set up.", &mut seen);
    seen.push_str(&session.exp_eof().unwrap());
    assert!(!seen.contains(SECRET), "the secret was echoed:\n{seen}");

    let config: serde_json::Value = serde_json::from_slice(&std::fs::read(world.config_path()).unwrap()).unwrap();
    assert_eq!(config["connection"], "xero-pty");
    assert_eq!(config["client_secret"], SECRET);
    assert!(!config["functions"].as_array().unwrap().contains(&"debtors".into()), "{config}");
    let defaults = &config["defaults"];
    for key in ["sales_account", "cos_account", "division", "sales_rep"] {
        assert!(defaults[key].is_string(), "{key} chosen: {config}");
    }
    let status = stdout_json(&world.run(&["status", "--json"]));
    assert_eq!(status["status"]["tenant"]["tenant_id"], xero_sim::HUGE_TENANT_ID);
}
