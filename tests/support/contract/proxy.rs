//! A loopback relay in front of an Accounting API (the simulator's or Xero's): it counts the calls and the writes
//! that pass, and on request loses the answer to the next write after Xero has processed it, as a network does.
//! The library reaches it as its `accounting` endpoint (loopback http is allowed); it forwards over https to Xero.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// What passed through the relay.
#[derive(Default)]
pub struct Tally {
    pub calls: AtomicUsize,
    pub writes: AtomicUsize,
    /// Set: the next write is forwarded, then its answer is dropped (the connection closes without a byte).
    pub lose_next_answer: AtomicBool,
    pub answers_lost: AtomicUsize,
    /// `METHOD target` of every write, in order.
    pub written: std::sync::Mutex<Vec<String>>,
}

pub struct Relay {
    /// `http://127.0.0.1:PORT/api.xro/2.0`
    pub accounting: String,
    pub tally: Arc<Tally>,
}

/// Starts a relay to `upstream` (a base such as `https://api.xero.com`; paths are kept).
pub fn start(upstream: &str) -> Relay {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let port = listener.local_addr().unwrap().port();
    let tally = Arc::new(Tally::default());
    let (upstream, shared) = (upstream.trim_end_matches('/').to_owned(), tally.clone());
    std::thread::spawn(move || {
        let client = reqwest::blocking::Client::builder().timeout(std::time::Duration::from_secs(120)).build().unwrap();
        for stream in listener.incoming().flatten() {
            let (client, upstream, tally) = (client.clone(), upstream.clone(), shared.clone());
            std::thread::spawn(move || {
                let _ = relay_one(stream, &client, &upstream, &tally);
            });
        }
    });
    Relay { accounting: format!("http://127.0.0.1:{port}/api.xro/2.0"), tally }
}

struct Request {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn read_request(stream: &TcpStream) -> std::io::Result<Request> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or("").to_owned(), parts.next().unwrap_or("").to_owned());
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_owned(), v.trim().to_owned()));
        }
    }
    let length = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .map_or(0, |(_, v)| v.parse().unwrap_or(0));
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    Ok(Request { method, target, headers, body })
}

const HOP_BY_HOP: [&str; 5] = ["host", "connection", "content-length", "transfer-encoding", "keep-alive"];

fn relay_one(
    mut stream: TcpStream,
    client: &reqwest::blocking::Client,
    upstream: &str,
    tally: &Tally,
) -> std::io::Result<()> {
    let req = read_request(&stream)?;
    let write = matches!(req.method.as_str(), "PUT" | "POST" | "DELETE");
    tally.calls.fetch_add(1, Ordering::SeqCst);
    if write {
        tally.writes.fetch_add(1, Ordering::SeqCst);
        tally.written.lock().unwrap().push(format!("{} {}", req.method, req.target));
    }
    let method = reqwest::Method::from_bytes(req.method.as_bytes()).map_err(std::io::Error::other)?;
    let mut rb = client.request(method, format!("{upstream}{}", req.target)).body(req.body);
    for (k, v) in req.headers.iter().filter(|(k, _)| !HOP_BY_HOP.contains(&k.to_ascii_lowercase().as_str())) {
        rb = rb.header(k, v);
    }
    let answer = rb.send().map_err(std::io::Error::other)?;
    if write && tally.lose_next_answer.swap(false, Ordering::SeqCst) {
        tally.answers_lost.fetch_add(1, Ordering::SeqCst);
        return Ok(()); // processed upstream; the connection closes without an answer
    }
    let status = answer.status();
    let mut head = format!("HTTP/1.1 {} {}\r\n", status.as_u16(), status.canonical_reason().unwrap_or("-"));
    for (k, v) in answer.headers() {
        if !HOP_BY_HOP.contains(&k.as_str()) {
            head.push_str(&format!("{k}: {}\r\n", v.to_str().unwrap_or("")));
        }
    }
    let body = answer.bytes().map_err(std::io::Error::other)?;
    head.push_str(&format!("content-length: {}\r\nconnection: close\r\n\r\n", body.len()));
    stream.write_all(head.as_bytes())?;
    stream.write_all(&body)?;
    stream.flush()
}
