//! The loopback sign-in driven by a real browser: headless Chromium, started as the `open_command`, opens the
//! consent URL, follows the simulator's consent redirect to the library's listener and shows its page. Skipped
//! (one printed line) where /usr/bin/chromium is missing; `.ci/run` installs Debian's `chromium`.
//!
//! In the `processes` binary: it listens on the default simulator app's fixed loopback port, which a test of
//! `in_process` listens on too (the binaries run one after the other, never at once).

use crate::support::auth::*;
use crate::support::common::temp_state_dir;
use crate::support::process::shared;
use serde_json::json;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";

#[test]
fn headless_chromium_completes_the_loopback_sign_in() {
    let _shared = shared();
    if !Path::new(CHROMIUM).exists() {
        // Straight to stdout, past the test harness's capture, so the skip shows in every run.
        let _ = writeln!(std::io::stdout(), "skipped: chromium not installed");
        return;
    }
    // The default simulator: consent is automatic (302 to the redirect URI at once), and the default app
    // registers the fixed-port loopback redirect URI.
    let sim = sim(sim_config(1.0));
    let dir = temp_state_dir("browser");
    let mut config = web_config("xero-browser", &dir, &sim.base_url());
    config["redirect_uri"] = json!(xero_sim::LOOPBACK_REDIRECT_URI);
    configure(&config);

    let profile = dir.join("chromium-profile");
    let page = dir.join("page.html");
    let chromium_log = dir.join("chromium.log");
    // The URL comes last, as `open_command` appends it ($4); paths travel as arguments, never through quoting.
    // `timeout` ends a Chromium that hangs; --dump-dom prints the page it ends on and exits.
    let script = "exec timeout 60 \"$0\" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
                  --disable-quic --no-first-run --disable-background-networking --disable-component-update \
                  --disable-sync --user-data-dir=\"$1\" --dump-dom \"$4\" >\"$2\" 2>\"$3\"";
    let open_command = json!(["/bin/sh", "-c", script, CHROMIUM, profile, page, chromium_log,]);
    let started = Instant::now();
    let answer = op(
        "authenticate",
        json!({"connection": "xero-browser", "loopback": {"timeout_ms": 60000, "open_command": open_command}}),
    );
    let chromium_said = || std::fs::read_to_string(&chromium_log).unwrap_or_default();
    assert_eq!(answer["ok"], true, "{answer}\nchromium's log:\n{}", chromium_said());
    let signed_in = ok(answer);
    assert_eq!(signed_in["grant_type"], "authorization_code");
    assert_eq!(status("xero-browser")["signed_in"], true);
    let _ = writeln!(std::io::stdout(), "chromium signed in after {} ms", started.elapsed().as_millis());

    // What the browser showed: Chromium writes the page when it exits, just after the listener answered.
    let until = Instant::now() + Duration::from_secs(30);
    let dom = loop {
        let dom = std::fs::read_to_string(&page).unwrap_or_default();
        if dom.contains("</html>") || Instant::now() > until {
            break dom;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(dom.contains("Signed in to Xero"), "{dom}\nchromium's log:\n{}", chromium_said());
    assert!(dom.contains("choose the organisation (Set Xero Tenant)"), "{dom}");
    let _ = std::fs::remove_dir_all(&profile);
}
