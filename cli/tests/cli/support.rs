//! A simulator per test, a home and configuration of its own, the program run in it, and a signed-in start.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use xero_sim::{SimConfig, SimHandle};

pub const SECRET: &str = "sim-secret";

/// A test's world: the simulator, and a home folder holding the configuration and state.
pub struct World {
    pub sim: SimHandle,
    pub home: PathBuf,
    /// `http://127.0.0.1:PORT/callback` on a port free when the test started, registered at the simulator's
    /// `sim-client` (Xero matches redirect URIs exactly, port included).
    pub loopback_uri: String,
}

impl World {
    pub fn new() -> World {
        let port = xero_link_fixtures::ports::free_loopback_port();
        let loopback_uri = format!("http://127.0.0.1:{port}/callback");
        let mut config = SimConfig::default();
        config.organisations.truncate(2);
        for app in config.apps.iter_mut().filter(|a| a.client_id == "sim-client") {
            app.redirect_uris.push(loopback_uri.clone());
        }
        let sim = xero_sim::start(config).expect("the simulator starts");
        let home = std::env::temp_dir().join(format!("xero-link-cli-test-{}-{}", std::process::id(), unique()));
        std::fs::create_dir_all(&home).unwrap();
        World { sim, home, loopback_uri }
    }

    pub fn config_path(&self) -> PathBuf {
        self.home.join("config.json")
    }

    /// The program with this world's configuration, home and no browser, desktop or inherited XDG folders.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_xero-link"));
        command.args(args).env("XERO_LINK_CONFIG", self.config_path()).env("HOME", &self.home);
        for var in
            ["BROWSER", "DISPLAY", "WAYLAND_DISPLAY", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XERO_LINK_CLIENT_SECRET"]
        {
            command.env_remove(var);
        }
        command
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).stdin(std::process::Stdio::null()).output().expect("the program runs")
    }

    /// `setup --non-interactive` against the simulator, with the loopback redirect URI.
    pub fn set_up(&self) -> Output {
        let base = self.sim.base_url();
        let mut command = self.command(&[
            "setup",
            "--non-interactive",
            "--client-id",
            "sim-client",
            "--redirect-uri",
            &self.loopback_uri,
            "--simulator",
            &base,
            "--state-dir",
            self.home.join("state").to_str().unwrap(),
        ]);
        command.env("XERO_LINK_CLIENT_SECRET", SECRET).stdin(std::process::Stdio::null());
        command.output().unwrap()
    }

    /// Set up, signed in (consent URL followed, its answer passed back) and the tenant chosen.
    pub fn ready(&self) {
        assert_success(&self.set_up());
        self.sign_in();
        assert_success(&self.run(&["set-tenant", "Huge ERP Test Ltd"]));
    }

    /// `login --url-only`, the browser's visit, then `login --callback-url`.
    pub fn sign_in(&self) {
        let started = self.run(&["login", "--url-only"]);
        assert_success(&started);
        let url = String::from_utf8(started.stdout).unwrap().trim().to_owned();
        let callback = follow_consent(&url);
        assert_success(&self.run(&["login", "--callback-url", &callback]));
    }
}

impl Drop for World {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.home);
    }
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

/// A test browser that follows no redirects (reqwest is built without a crypto provider: the library's).
pub fn browser() -> reqwest::blocking::Client {
    xero_link::transport::client::install_tls_provider();
    reqwest::blocking::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// What a browser shows at `url`, after the redirects it follows (as a person's browser does).
pub fn get_following_redirects(url: &str) -> reqwest::blocking::Response {
    xero_link::transport::client::install_tls_provider();
    reqwest::blocking::get(url).unwrap()
}

/// What a browser does at the consent URL: the simulator consents at once and sends it back; where to.
pub fn follow_consent(url: &str) -> String {
    let answer = browser().get(url).send().expect("the simulator's authorize endpoint answers");
    answer.headers()["location"].to_str().unwrap().to_owned()
}

pub fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

pub fn stdout_json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(output)))
}

pub fn assert_success(output: &Output) {
    assert!(output.status.success(), "expected success, got {:?}:\n{}", output.status.code(), text(output));
}

/// Fails unless the program exited with `code`; its output.
pub fn assert_exit(output: &Output, code: i32) -> String {
    assert_eq!(output.status.code(), Some(code), "unexpected exit code; output:\n{}", text(output));
    text(output)
}

pub fn write(dir: &Path, name: &str, content: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

/// Xero's 503 "offline for maintenance" on every call whose path starts with `path`.
pub fn maintenance(path: &str) -> xero_sim::FaultSpec {
    xero_sim::FaultSpec {
        method: None,
        path: path.into(),
        kind: xero_sim::FaultKind::Maintenance503,
        count: None,
        rate: None,
        seed: None,
        delay_ms: None,
        retry_after_secs: None,
        problem: None,
    }
}
