//! `xero-sim`: runs the simulator until killed, after printing one JSON line describing it.

use std::io::{Read, Write};
use std::process::ExitCode;
use std::sync::mpsc;

use xero_sim::{ConsentMode, SimConfig};

const USAGE: &str = "usage: xero-sim [--listen 127.0.0.1:0] [--seed seed.json] [--time-scale F] [--no-limits]
                [--consent auto|page|deny] [--exit-on-stdin-close]

Prints one JSON line (base_url, endpoints, control, apps, organisations) on stdout, then serves until
SIGTERM/SIGINT (or, with --exit-on-stdin-close, until standard input is closed).
Only loopback addresses are accepted for --listen.";

struct Args {
    listen: Option<String>,
    seed: Option<String>,
    time_scale: Option<f64>,
    no_limits: bool,
    consent: Option<ConsentMode>,
    exit_on_stdin_close: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        listen: None,
        seed: None,
        time_scale: None,
        no_limits: false,
        consent: None,
        exit_on_stdin_close: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let value = |it: &mut dyn Iterator<Item = String>| {
            inline.clone().or_else(|| it.next()).ok_or_else(|| format!("{name} needs a value"))
        };
        match name.as_str() {
            "--listen" => a.listen = Some(value(&mut it)?),
            "--seed" => a.seed = Some(value(&mut it)?),
            "--time-scale" => {
                let v = value(&mut it)?;
                a.time_scale = Some(v.parse().map_err(|_| format!("--time-scale: not a number: {v}"))?);
            }
            "--consent" => {
                let v = value(&mut it)?;
                a.consent = Some(
                    serde_json::from_value(serde_json::Value::String(v.clone()))
                        .map_err(|_| format!("--consent: auto, page or deny, not {v}"))?,
                );
            }
            "--no-limits" => a.no_limits = true,
            "--exit-on-stdin-close" => a.exit_on_stdin_close = true,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(a)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            if e.is_empty() {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            eprintln!("xero-sim: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let cfg = match config(&args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("xero-sim: seed: {e}");
            return ExitCode::from(2);
        }
    };
    // Signal handlers go in before the JSON line is printed, so a SIGTERM right after it is handled.
    use tokio::signal::unix::{SignalKind, signal};
    let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("xero-sim: {e}");
            return ExitCode::from(1);
        }
    };
    let signals = {
        let _guard = rt.enter();
        (signal(SignalKind::terminate()), signal(SignalKind::interrupt()))
    };
    let (Ok(term), Ok(int)) = signals else {
        eprintln!("xero-sim: cannot install signal handlers");
        return ExitCode::from(1);
    };
    let sim = match xero_sim::start(cfg) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("xero-sim: {e}");
            return ExitCode::from(1);
        }
    };
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{}", sim.info());
        let _ = out.flush();
    }

    wait_for_exit(rt, term, int, args.exit_on_stdin_close);
    sim.stop();
    ExitCode::SUCCESS
}

/// The configuration: the seed file's (or the default), with the command line's overrides.
fn config(args: &Args) -> Result<SimConfig, String> {
    let mut cfg = match &args.seed {
        Some(path) => SimConfig::from_json_file(std::path::Path::new(path)).map_err(|e| e.to_string())?,
        None => SimConfig::default(),
    };
    if let Some(l) = &args.listen {
        cfg.listen = l.clone();
    }
    if let Some(s) = args.time_scale {
        cfg.time_scale = s;
    }
    if args.no_limits {
        cfg.limits.enabled = false;
    }
    if let Some(c) = args.consent {
        cfg.consent = c;
    }
    Ok(cfg)
}

/// Blocks until SIGTERM, SIGINT or (with `--exit-on-stdin-close`) the end of stdin.
fn wait_for_exit(
    rt: tokio::runtime::Runtime,
    mut term: tokio::signal::unix::Signal,
    mut int: tokio::signal::unix::Signal,
    exit_on_stdin_close: bool,
) {
    let (tx, rx) = mpsc::channel::<&'static str>();
    if exit_on_stdin_close {
        let tx = tx.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 1024];
            let mut stdin = std::io::stdin();
            while matches!(stdin.read(&mut buf), Ok(n) if n > 0) {}
            let _ = tx.send("stdin closed");
        });
    }
    std::thread::spawn(move || {
        rt.block_on(async {
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
            }
        });
        let _ = tx.send("signal");
    });
    let _ = rx.recv();
}
