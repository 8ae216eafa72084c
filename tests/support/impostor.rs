//! Endpoints that are not Xero, on 127.0.0.1, for the security tests: an https server whose certificate no
//! platform trusts (a self-signed one, valid for 127.0.0.1 and localhost, in `tls/`), and plain http servers that
//! answer every request with a redirect or with an empty 200. Each records what reached it.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

/// What an impostor answers.
#[derive(Clone)]
pub enum Answer {
    /// TLS with the untrusted certificate, then a 500 to any request that gets through.
    UntrustedTls,
    /// Plain http: `302 Found` to this location.
    RedirectTo(String),
    /// Plain http: `200` with `{}`.
    Empty,
    /// Plain http: `200` with this JSON body.
    Json(String),
}

/// One connection made to an impostor.
#[derive(Debug, Default)]
pub struct Visit {
    /// TLS only: whether the client finished the handshake (it accepted the certificate).
    pub handshake_completed: bool,
    /// The request's head as received (decrypted for TLS), empty when none arrived.
    pub head: String,
}

pub struct Impostor {
    pub port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<Vec<Visit>>>,
}

impl Impostor {
    pub fn start(answer: Answer) -> Impostor {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = stop.clone();
        let thread = std::thread::spawn(move || {
            let mut visits = Vec::new();
            while !stopping.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        stream.set_nonblocking(false).unwrap();
                        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
                        visits.push(serve(stream, &answer));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
            visits
        });
        Impostor { port, stop, thread: Some(thread) }
    }

    /// Stops listening; every connection that was made.
    pub fn visits(mut self) -> Vec<Visit> {
        self.stop.store(true, Ordering::SeqCst);
        self.thread.take().unwrap().join().unwrap()
    }
}

/// Reads until the end of a request head (or the connection ends or fails).
fn read_head(stream: &mut impl Read) -> String {
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    String::from_utf8_lossy(&head).into_owned()
}

fn serve(mut stream: TcpStream, answer: &Answer) -> Visit {
    match answer {
        Answer::UntrustedTls => {
            xero_link::transport::client::install_tls_provider();
            let cert = rustls::pki_types::CertificateDer::from(include_bytes!("tls/untrusted-cert.der").to_vec());
            let key = rustls::pki_types::PrivateKeyDer::Pkcs8(rustls::pki_types::PrivatePkcs8KeyDer::from(
                include_bytes!("tls/untrusted-key.pk8.der").to_vec(),
            ));
            let config =
                rustls::ServerConfig::builder().with_no_client_auth().with_single_cert(vec![cert], key).unwrap();
            let conn = rustls::ServerConnection::new(Arc::new(config)).unwrap();
            let mut tls = rustls::StreamOwned::new(conn, stream);
            let head = read_head(&mut tls);
            let handshake_completed = !tls.conn.is_handshaking();
            if !head.is_empty() {
                let _ = tls
                    .write_all(b"HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
            }
            Visit { handshake_completed, head }
        }
        Answer::RedirectTo(location) => {
            let head = read_head(&mut stream);
            let _ = write!(
                stream,
                "HTTP/1.1 302 Found\r\nlocation: {location}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
            );
            Visit { handshake_completed: false, head }
        }
        Answer::Empty => serve(stream, &Answer::Json("{}".to_owned())),
        Answer::Json(body) => {
            let head = read_head(&mut stream);
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(body.as_bytes());
            Visit { handshake_completed: false, head }
        }
    }
}
