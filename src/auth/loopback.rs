//! Sign-in for hosts without a web server: the library listens on the redirect URI's loopback port for the
//! browser's return from Xero, answers the browser with a short page, and completes the sign-in.
//!
//! The consent URL reaches the host through the log callback (level info, target `xero_link::auth`, a message
//! starting `open this URL`) and, when given, an `open_command` run with the URL as its last argument (no shell).
//! A URL from an earlier `authorize_url` works too, as long as the listener is up when the browser returns.
//!
//! An `open_command` that cannot be started, or that exits with a failure status, does not end the wait: the
//! URL can still be opened by hand while the listener is up. The failure is logged at once (warn, with the URL),
//! and if no answer comes, the timeout error names it and carries the URL (`consent_url`).

use crate::auth::LOG_TARGET as TARGET;
use crate::auth::signin::{self, Callback, SignedIn};
use crate::auth::tenants;
use crate::config::{Config, GrantType};
use crate::deadline::Deadline;
use crate::error::{Error, ErrorCode, Result};
use crate::log::Level;
use crate::xlog;
use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::process::Child;
use std::time::Duration;

const MAX_HEAD: usize = 16 * 1024;

/// Where to listen: the redirect URI's loopback address and explicit port.
pub fn listen_address(config: &Config) -> Result<SocketAddr> {
    let bad = |why: &str| {
        Error::validation(format!(
            "loopback sign-in needs redirect_uri http://127.0.0.1:PORT/path (or localhost, [::1]) registered at Xero: {why}"
        ))
        .at("redirect_uri")
    };
    if config.grant_type != GrantType::AuthorizationCode {
        return Err(Error::validation("client_credentials connections sign in without a browser").at("grant_type"));
    }
    let redirect = config.redirect_uri.as_ref().ok_or_else(|| bad("no redirect_uri is configured"))?;
    if redirect.scheme() != "http" {
        return Err(bad("the scheme is not http"));
    }
    let ip = match redirect.host() {
        Some(url::Host::Ipv4(ip)) if ip.is_loopback() => IpAddr::V4(ip),
        Some(url::Host::Ipv6(ip)) if ip.is_loopback() => IpAddr::V6(ip),
        Some(url::Host::Domain(d)) if d.eq_ignore_ascii_case("localhost") => IpAddr::V4(Ipv4Addr::LOCALHOST),
        _ => return Err(bad("the host is not a loopback address")),
    };
    let port = redirect.port().ok_or_else(|| bad("the port must be given explicitly"))?;
    Ok(SocketAddr::new(ip, port))
}

/// Listens, shows the consent URL, waits (at most `wait`) for the browser, completes the sign-in.
pub fn sign_in(
    config: &Config,
    wait: Duration,
    open_command: Option<&[String]>,
    deadline: Deadline,
) -> Result<SignedIn> {
    let (address, listener) = listen(config)?;
    let started = signin::start(config)?;
    xlog!(Level::Info, TARGET, "open this URL in a browser to sign in to Xero (waiting on {address}): {}", started.url);
    let mut opener = Opener::start(open_command, &started.url);
    let redirect_path = config.redirect_uri.as_ref().map(|u| u.path().to_owned()).unwrap_or_default();
    let wait_until = Deadline::after(wait).min(deadline);
    let mut last_refusal: Option<Error> = None;
    while !wait_until.expired() {
        opener.notice_failure(address, &started.url);
        let stream = match listener.accept() {
            Ok((stream, _)) => stream,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(20));
                continue;
            }
            Err(e) => return Err(Error::new(ErrorCode::Network, format!("accepting the browser's connection: {e}"))),
        };
        let Some((mut stream, target)) = read_request(stream) else { continue };
        let Ok(url) = url::Url::parse(&format!("http://{address}{target}")) else {
            respond(&mut stream, 400, "Not a sign-in answer", "This address only receives Xero's sign-in answer.");
            continue;
        };
        let callback = Callback::from_url(&url);
        if url.path() != redirect_path || !callback.is_sign_in_answer() {
            respond(&mut stream, 404, "Not a sign-in answer", "This address only receives Xero's sign-in answer.");
            continue;
        }
        match signin::complete(config, callback, deadline) {
            Ok(signed_in) => {
                respond(&mut stream, 200, "Signed in to Xero", &what_next(config, &signed_in, deadline));
                return Ok(signed_in);
            }
            Err(e) if e.path.as_deref() == Some("state") => {
                // Not this sign-in's answer (stale tab, or forged): keep waiting for the right one.
                respond(&mut stream, 400, "Sign-in not completed", &e.message);
                last_refusal = Some(e);
            }
            Err(e) => {
                respond(&mut stream, 400, "Sign-in failed", &e.message);
                return Err(e);
            }
        }
    }
    opener.notice_failure(address, &started.url);
    Err(unanswered(address, wait, started, opener.failure.take(), last_refusal))
}

/// The listener for the browser's return, on the redirect URI's loopback address.
fn listen(config: &Config) -> Result<(SocketAddr, TcpListener)> {
    let address = listen_address(config)?;
    let listener = TcpListener::bind(address).map_err(|e| {
        Error::validation(format!("cannot listen on {address} for the browser's return from Xero: {e}"))
            .at("redirect_uri")
    })?;
    listener.set_nonblocking(true).map_err(|e| Error::internal(format!("listener: {e}")))?;
    Ok((address, listener))
}

/// Why no sign-in completed while the listener waited: a refused answer, no answer, or a browser that never
/// opened (then with the consent URL to open by hand).
fn unanswered(
    address: SocketAddr,
    wait: Duration,
    started: signin::Started,
    open_failure: Option<String>,
    last_refusal: Option<Error>,
) -> Error {
    let Some(failure) = open_failure else {
        return last_refusal.unwrap_or_else(|| {
            Error::new(
                ErrorCode::Timeout,
                format!(
                    "no sign-in answer reached {address} within {} ms: open the consent URL and sign in, then try \
                     again",
                    wait.as_millis()
                ),
            )
        });
    };
    // The administrator never saw a browser: say why, and give the URL to open by hand. Until the pending sign-in
    // expires, any loopback listener of this connection completes it.
    let by_hand = format!(
        "open this consent URL in a browser by hand while authenticate with loopback waits (without open_command, or \
         with one that works); it is valid until {}: {}",
        started.expires_at, started.url
    );
    let error = match last_refusal {
        Some(refusal) => {
            let message =
                format!("{}; besides, the browser could not be opened ({failure}): {by_hand}", refusal.message);
            Error { message, ..refusal }
        }
        None => Error::new(
            ErrorCode::Timeout,
            format!(
                "the browser could not be opened ({failure}) and no sign-in answer reached {address} within {} ms: \
                 {by_hand}",
                wait.as_millis()
            ),
        )
        .at("loopback.open_command"),
    };
    error.with("open_command_error", failure).with("consent_url", started.url)
}

/// The page's message after a sign-in: what the administrator does next. With no organisation chosen yet, the
/// link is not ready: nothing reaches Xero until one is.
fn what_next(config: &Config, signed_in: &SignedIn, deadline: Deadline) -> String {
    let Some(tenant) = &signed_in.tenant else {
        return "Signed in to Xero. Return to the ERP and choose the organisation (Set Xero Tenant): nothing is sent \
                to Xero until then. You can close this window."
            .to_owned();
    };
    // The organisation chosen earlier is kept; on Xero's consent screen it may have been left out this time.
    let check = Deadline::after(Duration::from_secs(10)).min(deadline);
    match tenants::list(config, check) {
        Ok(list) if !list.iter().any(|c| c.tenant_id.eq_ignore_ascii_case(&tenant.tenant_id)) => format!(
            "Signed in to Xero, but the organisation {} chosen before is no longer connected. Return to the ERP \
             and choose the organisation (Set Xero Tenant). You can close this window.",
            tenant.tenant_name
        ),
        Ok(_) => format!(
            "Signed in to Xero. The ERP is ready: it sends its records to the organisation {}. You can close this \
             window.",
            tenant.tenant_name
        ),
        Err(e) => {
            xlog!(
                Level::Warn,
                TARGET,
                "{}: after signing in, the organisations could not be listed: {e}",
                config.connection
            );
            format!(
                "Signed in to Xero. The ERP keeps the organisation {} chosen before. You can close this window.",
                tenant.tenant_name
            )
        }
    }
}

/// The `open_command` run, watched so that its failure reaches the administrator with the URL.
struct Opener {
    program: String,
    child: Option<Child>,
    /// Why the browser could not be opened, until reported.
    failure: Option<String>,
    /// The failure was logged.
    logged: bool,
}

impl Opener {
    fn start(command: Option<&[String]>, url: &str) -> Opener {
        let mut opener = Opener { program: String::new(), child: None, failure: None, logged: false };
        let Some((program, args)) = command.and_then(<[String]>::split_first) else { return opener };
        opener.program = program.clone();
        match std::process::Command::new(program).args(args).arg(url).spawn() {
            Ok(child) => opener.child = Some(child),
            Err(e) => opener.failure = Some(format!("open_command `{program}` could not be started: {e}")),
        }
        opener
    }

    /// Notes a command that has exited with a failure status, and logs a failure once, with the URL.
    fn notice_failure(&mut self, address: SocketAddr, url: &str) {
        if let Some(child) = &mut self.child {
            match child.try_wait() {
                Ok(None) => {}
                Ok(Some(status)) => {
                    self.child = None;
                    if !status.success() {
                        self.failure = Some(format!("open_command `{}` exited with {status}", self.program));
                    }
                }
                Err(_) => {} // Asked again next time; the drop reaps it in any case.
            }
        }
        if let (Some(failure), false) = (&self.failure, self.logged) {
            self.logged = true;
            xlog!(
                Level::Warn,
                TARGET,
                "the browser could not be opened ({failure}): still waiting on {address}; open the URL by hand: {url}"
            );
        }
    }
}

impl Drop for Opener {
    fn drop(&mut self) {
        // A browser may outlive the sign-in: reap it in the background so it never lingers as a zombie.
        if let Some(mut child) = self.child.take() {
            std::thread::spawn(move || {
                let _ = child.wait();
            });
        }
    }
}

/// Reads the request head; returns the stream and the request target of a GET.
fn read_request(mut stream: TcpStream) -> Option<(TcpStream, String)> {
    stream.set_nonblocking(false).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    stream.set_write_timeout(Some(Duration::from_secs(5))).ok()?;
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).ok()?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
        if head.len() > MAX_HEAD {
            respond(&mut stream, 431, "Request too large", "The request head is too large.");
            return None;
        }
    }
    let line = head.split(|&b| b == b'\n').next()?;
    let line = std::str::from_utf8(line).ok()?.trim_end();
    let mut parts = line.split(' ');
    let (method, target) = (parts.next()?, parts.next()?);
    if method != "GET" || !target.starts_with('/') {
        respond(&mut stream, 405, "Method not allowed", "This address only receives Xero's sign-in answer.");
        return None;
    }
    Some((stream, target.to_owned()))
}

fn respond(stream: &mut TcpStream, status: u16, title: &str, message: &str) {
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        _ => "Bad Request",
    };
    let body = format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{t}</title></head>\
         <body><h1>{t}</h1><p>{m}</p></body></html>",
        t = escape(title),
        m = escape(message)
    );
    let answer = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(answer.as_bytes());
    let _ = stream.flush();
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
