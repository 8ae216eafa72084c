//! Crash recovery: host processes SIGKILLed at random points while they sign in, refresh and push, restarted,
//! and the whole day pushed again at the end. Every record ends in Xero exactly once and to the cent, the
//! connection still works (signed in, a read, a refresh), no refresh lease is left for anyone to wait out, and no
//! refresh token was used beyond Xero's grace rules (no `invalid_grant`, no new sign-in needed).
//!
//! Each round a seeded generator picks a phase and a kill time, uniform within the time the phase took when it
//! was measured at the start (one un-killed run each, process start included): so kills land before a request,
//! while Xero holds it (every write and token request is delayed), after Xero committed but before the ledger or
//! the record was written, and between requests. Push rounds sometimes lose a write's answer (`drop_after`),
//! refresh rounds a token answer; in slow rounds Xero holds requests long enough that the next process starts
//! while it still does. A new child starts each round from the state the killed one left, and the last process
//! is killed while Xero holds its refresh, so the recovering one always meets a dead process's lease.
//!
//! `XL_CRASH_SEED` replays a run's choices (the seed and the rounds are printed when one fails; where a kill lands
//! in the child's work still varies with the machine's load); `XL_CRASH_ROUNDS` makes it longer.

mod children;
mod parts;

use crate::support::e2e::{self, assert_day_in_xero, simulator, wait_idle};
use crate::support::host_store::file;
use crate::support::process::{alone, expect_success, shared};
use crate::support::{auth, common};
use children::{Brief, Phase};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use xero_sim::{FaultKind, FaultSpec, SimHandle};

/// Rounds of each test unless `XL_CRASH_ROUNDS` says otherwise.
const ROUNDS: usize = 20;
/// How long Xero holds every write and token request: long enough for kills to land while it does.
const DELAY_MS: u64 = 150;
/// How long it holds them in slow rounds: the next process starts while Xero still holds the killed one's request.
const SLOW_DELAY_MS: u64 = 600;
/// The share of slow rounds.
const SLOW_SHARE: f64 = 0.3;
/// The share of push and refresh rounds in which one answer is lost on the way back.
const DROP_SHARE: f64 = 0.3;
/// The write requests a push makes, one of which may lose its answer.
const WRITES: [(&str, &str); 4] = [
    ("POST", "/api.xro/2.0/Contacts"),
    ("PUT", "/api.xro/2.0/Invoices"),
    ("POST", "/api.xro/2.0/Invoices"),
    ("PUT", "/api.xro/2.0/Payments"),
];

#[test]
fn kills_while_signing_in_refreshing_and_pushing_lose_and_duplicate_nothing() {
    let _shared = shared();
    Harness::new("xero-crash-sqlite", json!({}), None).run();
}

#[test]
fn kills_with_the_host_store_and_client_credentials_lose_and_duplicate_nothing() {
    // The host's store is process-wide.
    let _alone = alone();
    let store = file::register(&common::temp_state_dir("crash-host").join("state.json"));
    let patch = json!({
        "state_store": "host",
        "client_id": "sim-custom-client",
        "client_secret": "sim-custom-secret",
        "grant_type": "client_credentials",
        "redirect_uri": null,
    });
    Harness::new("xero-crash-host", patch, Some(store)).run();
}

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok().map(|v| v.parse().unwrap_or_else(|e| panic!("{name}={v}: {e}")))
}

/// One run: the simulator, the connection, the generator, and what the rounds did so far.
struct Harness {
    sim: SimHandle,
    tenant: String,
    config: Value,
    dir: PathBuf,
    /// The host's store, when the sign-in state is kept there.
    host_store: Option<&'static file::FileStore>,
    seed: u64,
    rng: StdRng,
    /// How long each phase took un-killed, by `phase_index`, and how many of its requests Xero held.
    windows: [Duration; 3],
    held: [u64; 3],
    /// The first part no push finished; parts `0..started` may be in Xero.
    next_part: usize,
    started: usize,
    /// One line per round, printed with the seed when the run fails.
    log: Vec<String>,
    kills: [usize; 3],
    /// Kills after which the record held a lease of the killed process (for the next one to take over).
    leases_left: usize,
}

fn phase_index(phase: Phase) -> usize {
    match phase {
        Phase::SignIn => 0,
        Phase::Refresh => 1,
        Phase::Push => 2,
    }
}

impl Harness {
    fn new(name: &str, patch: Value, host_store: Option<&'static file::FileStore>) -> Harness {
        let seed = env_number("XL_CRASH_SEED").unwrap_or_else(rand::random);
        let (sim, tenant) = simulator(60.0, false);
        let dir = common::temp_state_dir(name);
        let mut config = e2e::config(name, &sim, &dir, patch);
        config.as_object_mut().unwrap().retain(|_, v| !v.is_null());
        auth::configure(&config);
        children::sign_in(&config);
        let log = vec![format!("seed {seed}")];
        let rng = StdRng::seed_from_u64(seed);
        Harness {
            sim,
            tenant,
            config,
            dir,
            host_store,
            seed,
            rng,
            windows: [Duration::ZERO; 3],
            held: [0; 3],
            next_part: 0,
            started: 0,
            log,
            kills: [0; 3],
            leases_left: 0,
        }
    }

    fn name(&self) -> &str {
        self.config["connection"].as_str().unwrap()
    }

    fn brief(&self, first_part: usize, iterations: Option<usize>) -> Brief {
        Brief {
            config: self.config.clone(),
            host_file: self.host_store.map(|s| s.path.clone()),
            sim: self.sim.base_url(),
            first_part,
            iterations,
        }
    }

    fn run(mut self) {
        let begun = Instant::now();
        for phase in [Phase::Push, Phase::SignIn, Phase::Refresh] {
            self.measure(phase);
        }
        let rounds = env_number("XL_CRASH_ROUNDS").map_or(ROUNDS, |n| n as usize);
        for n in 1..=rounds {
            self.round(n);
        }
        self.recover_and_check();
        let c = self.sim.counters();
        println!(
            "{}: {rounds} rounds, kills (sign-in, refresh, push) {:?} within {:?}, {} leases left by killed \
             processes, {} parts, {} refreshes answered from the grace window, {} writes answered from the \
             idempotency store (and one last kill mid-refresh), seed {}, {:.1} s",
            self.name(),
            self.kills,
            self.windows,
            self.leases_left,
            self.started,
            c.refreshes_from_grace,
            c.idempotent_replays,
            self.seed,
            begun.elapsed().as_secs_f64()
        );
    }

    /// Runs `phase` once, un-killed, with the faults of its rounds: its window for the kills.
    fn measure(&mut self, phase: Phase) {
        self.faults(phase, false, DELAY_MS);
        let delays = || self.sim.counters().faults_injected.get("delay").copied().unwrap_or(0);
        let (begun, before) = (Instant::now(), delays());
        let out = expect_success(children::spawn(phase, &self.brief(self.next_part, Some(1))));
        self.windows[phase_index(phase)] = begun.elapsed();
        self.held[phase_index(phase)] = delays() - before;
        self.note_parts(&out);
        self.log.push(format!("measured {phase:?}: {:?}", begun.elapsed()));
    }

    /// One round: a phase started in a new process and killed at a random point of its window.
    fn round(&mut self, n: usize) {
        // Half the rounds push: pushes are what a kill could duplicate or lose.
        let phase = [Phase::SignIn, Phase::Refresh, Phase::Push, Phase::Push][self.rng.gen_range(0..4)];
        let lose = phase != Phase::SignIn && self.rng.gen_bool(DROP_SHARE);
        let delay = if self.rng.gen_bool(SLOW_SHARE) { SLOW_DELAY_MS } else { DELAY_MS };
        let dropped = self.faults(phase, lose, delay);
        // The measured window, with the longer time Xero holds each of the phase's requests in a slow round.
        let window = self.windows[phase_index(phase)]
            + Duration::from_millis(self.held[phase_index(phase)] * (delay - DELAY_MS));
        let kill_at = window.mul_f64(self.rng.gen_range(0.0..1.0));
        let mut child = children::spawn(phase, &self.brief(self.next_part, None));
        let pid = child.id();
        std::thread::sleep(kill_at);
        if child.try_wait().unwrap().is_none() {
            assert_eq!(unsafe { libc::kill(pid as i32, libc::SIGKILL) }, 0, "the child is killed");
        }
        let out = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        self.log.push(format!(
            "round {n}: {phase:?} from part {}, requests held {delay} ms, killed at {kill_at:?}{}",
            self.next_part,
            dropped.map(|d| format!(", answer of {d} lost")).unwrap_or_default()
        ));
        assert_eq!(
            out.status.signal(),
            Some(libc::SIGKILL),
            "the child was running when killed:\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        self.kills[phase_index(phase)] += 1;
        self.note_parts(&stdout);
        self.check_between_rounds(pid);
    }

    /// The faults of `phase`'s rounds: every write and token request held by Xero `delay_ms`, and (`lose`) one
    /// answer of the phase lost after Xero committed. Returns the request whose answer is lost.
    fn faults(&mut self, phase: Phase, lose: bool, delay_ms: u64) -> Option<String> {
        self.sim.clear_faults();
        let lost = lose.then(|| match phase {
            Phase::Push => WRITES[self.rng.gen_range(0..WRITES.len())],
            _ => ("POST", "/connect/token"),
        });
        // The first rule that matches fires: the lost answer before the delays.
        if let Some((method, path)) = lost {
            self.sim.add_fault(FaultSpec::next(method, path, FaultKind::DropAfter, 1));
        }
        for (method, path) in [("PUT", "/api.xro/2.0/"), ("POST", "/api.xro/2.0/"), ("POST", "/connect/token")] {
            let mut slow = FaultSpec::next(method, path, FaultKind::Delay, u32::MAX);
            slow.delay_ms = Some(delay_ms);
            self.sim.add_fault(slow);
        }
        lost.map(|(method, path)| format!("{method} {path}"))
    }

    /// Follows the parts a push child started and finished.
    fn note_parts(&mut self, stdout: &str) {
        for line in stdout.lines() {
            let Some(rest) = line.strip_prefix("crash-harness: part ") else { continue };
            let (part, what) = rest.split_once(' ').unwrap();
            let part: usize = part.parse().unwrap();
            match what {
                "started" => self.started = self.started.max(part + 1),
                "pushed" => self.next_part = self.next_part.max(part + 1),
                other => panic!("unknown child line: {other}"),
            }
        }
    }

    /// The sign-in state as stored (the host's file or state_dir's database).
    fn stored(&self) -> Value {
        match self.host_store {
            Some(store) => store.get(&format!("auth/{}", self.name())).expect("a stored record").1,
            None => auth::stored_record(&self.dir, self.name()),
        }
    }

    /// After a kill: still signed in (nothing asks for a new sign-in), and Xero refused no refresh token.
    fn check_between_rounds(&mut self, killed: u32) {
        let status = auth::status(self.name());
        assert_eq!((&status["signed_in"], &status["reauth_required"]), (&json!(true), &json!(false)), "{status}");
        let counters = self.sim.counters();
        assert_eq!(counters.invalid_grant, 0, "a refresh token was refused: {counters:?}");
        let lease = &self.stored()["lease"];
        if lease["owner"].as_str().is_some_and(|owner| owner.contains(&format!("/{killed}/"))) {
            self.leases_left += 1;
        }
    }

    /// A fresh process pushes every part again and uses the connection; then Xero holds every record once.
    fn recover_and_check(&mut self) {
        // Pushed again later: after Xero finished what the killed processes gave it.
        wait_idle(&self.sim, &self.tenant);
        self.kill_mid_refresh();
        let token_requests = || self.sim.counters().calls.get("POST /connect/token").copied().unwrap_or(0);
        let before = token_requests();
        expect_success(children::spawn_recovery(&self.brief(self.started, Some(1))));
        assert!(token_requests() > before, "the recovering process refreshed");
        let context = format!("{} after {} kills", self.name(), self.kills.iter().sum::<usize>() + 1);
        assert_day_in_xero(&self.sim.snapshot(&self.tenant).unwrap(), &parts::parts(self.started), &context);
        let counters = self.sim.counters();
        assert_eq!(counters.invalid_grant, 0, "{counters:?}");
        let stored = self.stored();
        assert!(stored["lease"].is_null(), "no refresh lease is held: {}", stored["lease"]);
        assert!(stored["grant"]["refresh_in_doubt_since_ms"].is_null(), "{}", stored["grant"]);
    }

    /// The last kill, for sure while a refresh is at Xero: the recovering process meets its lease.
    fn kill_mid_refresh(&mut self) {
        self.sim.clear_faults();
        let mut slow = FaultSpec::next("POST", "/connect/token", FaultKind::Delay, 1);
        slow.delay_ms = Some(1_000);
        self.sim.add_fault(slow);
        let delays = || self.sim.counters().faults_injected.get("delay").copied().unwrap_or(0);
        let before = delays();
        let mut child = children::spawn(Phase::Refresh, &self.brief(self.next_part, None));
        let waited = Instant::now();
        while delays() == before {
            let why = "the child never sent its refresh to Xero (waiting for a lease nobody holds?)";
            assert!(waited.elapsed() < Duration::from_secs(30), "{why}");
            std::thread::sleep(Duration::from_millis(5));
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        self.log.push("last: killed while Xero held its refresh".to_owned());
        let lease = self.stored()["lease"].clone();
        let pid = child.id();
        assert!(lease["owner"].as_str().is_some_and(|o| o.contains(&format!("/{pid}/"))), "{lease}");
        // The recovering process's refresh has a 15 s deadline: it cannot wait this lease out.
        let lifetime = lease["expires_at_ms"].as_i64().unwrap() - lease["taken_at_ms"].as_i64().unwrap();
        assert!(lifetime >= 30_000, "the lease lives {lifetime} ms");
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!(
                "crash harness failed; replay with XL_CRASH_SEED={} (and XL_CRASH_ROUNDS if set). Rounds:\n{}",
                self.seed,
                self.log.join("\n")
            );
        }
    }
}
