//! The server driver with a toy line protocol: plaintext, implicit TLS, STARTTLS, timeouts,
//! connection limits, graceful shutdown and pipelined input during large writes.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use mailwire_server::{ConnectionInfo, Session, Step};
use mailwire_tokio::server::{Listener, ServerOptions, SessionFactory, Shutdown};
use mailwire_tokio::tls;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::pki_types::ServerName;

/// `big N` answers N bytes of `x` plus CRLF, `tls` upgrades, `quit` closes, anything else is
/// echoed. The greeting says whether TLS is active.
struct Toy {
    input: Vec<u8>,
    out: Vec<u8>,
    tls: bool,
    starting_tls: bool,
    closing: bool,
    timeout: Duration,
}

impl Session for Toy {
    fn feed(&mut self, bytes: &[u8]) {
        self.input.extend_from_slice(bytes);
    }

    async fn step(&mut self) -> Step {
        loop {
            if !self.out.is_empty() {
                return Step::Write(std::mem::take(&mut self.out));
            }
            if self.closing {
                return Step::Close;
            }
            if self.starting_tls {
                self.starting_tls = false;
                return Step::StartTls;
            }
            let Some(end) = self.input.windows(2).position(|w| w == b"\r\n") else {
                return Step::Read;
            };
            let line: Vec<u8> = self.input.drain(..end + 2).take(end).collect();
            let line = String::from_utf8_lossy(&line).into_owned();
            if line == "quit" {
                self.out.extend_from_slice(b"bye\r\n");
                self.closing = true;
            } else if line == "tls" {
                self.out.extend_from_slice(b"go\r\n");
                self.starting_tls = true;
            } else if let Some(n) = line.strip_prefix("big ") {
                let n: usize = n.parse().unwrap_or(0);
                self.out.resize(n, b'x');
                self.out.extend_from_slice(b"\r\n");
            } else {
                self.out
                    .extend_from_slice(format!("echo {line}\r\n").as_bytes());
            }
        }
    }

    fn tls_established(&mut self) {
        self.tls = true;
        self.out.extend_from_slice(b"secure\r\n");
    }

    fn timeout(&self) -> Duration {
        self.timeout
    }

    fn wake_interval(&self) -> Option<Duration> {
        // Frequent wake-ups must not reset the inactivity timeout.
        Some(self.timeout / 10)
    }

    fn timed_out(&mut self) -> Option<Vec<u8>> {
        Some(b"timeout\r\n".to_vec())
    }

    fn shutdown(&mut self) -> Option<Vec<u8>> {
        Some(b"shutting down\r\n".to_vec())
    }
}

struct ToyFactory {
    timeout: Duration,
}

impl SessionFactory for ToyFactory {
    type Session = Toy;

    fn create(&self, info: ConnectionInfo) -> Toy {
        let greeting = if info.tls_active {
            "hello tls\r\n"
        } else {
            "hello\r\n"
        };
        Toy {
            input: Vec::new(),
            out: greeting.as_bytes().to_vec(),
            tls: info.tls_active,
            starting_tls: false,
            closing: false,
            timeout: self.timeout,
        }
    }

    fn refusal(&self, _info: &ConnectionInfo) -> Option<Vec<u8>> {
        Some(b"busy\r\n".to_vec())
    }

    fn protocol(&self) -> &'static str {
        "toy"
    }
}

struct Server {
    addr: SocketAddr,
    shutdown: Shutdown,
    cert_pem: String,
}

async fn start(implicit_tls: bool, options: ServerOptions, timeout: Duration) -> Server {
    let pair = tls::self_signed(&["localhost".into()]).unwrap();
    let acceptor = tls::TlsAcceptor::from(tls::server_config(&pair).unwrap());
    let listener = Listener::bind("127.0.0.1:0".parse().unwrap(), implicit_tls, Some(acceptor))
        .await
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let shutdown = Shutdown::new();
    listener.spawn(Arc::new(ToyFactory { timeout }), options, &shutdown);
    Server {
        addr,
        shutdown,
        cert_pem: pair.cert_pem,
    }
}

async fn line<R: AsyncRead + Unpin>(r: &mut BufReader<R>) -> String {
    let mut s = String::new();
    r.read_line(&mut s).await.unwrap();
    s
}

fn connector(cert_pem: &str) -> TlsConnector {
    TlsConnector::from(tls::client_config_trusting(cert_pem).unwrap())
}

async fn exchange<S: AsyncRead + AsyncWrite + Unpin>(s: S) {
    let mut s = BufReader::new(s);
    s.write_all(b"ping\r\nquit\r\n").await.unwrap();
    assert_eq!(line(&mut s).await, "echo ping\r\n");
    assert_eq!(line(&mut s).await, "bye\r\n");
    assert_eq!(line(&mut s).await, "", "closed after quit");
}

#[tokio::test]
async fn plaintext_session() {
    let server = start(false, ServerOptions::default(), Duration::from_secs(60)).await;
    let mut s = BufReader::new(TcpStream::connect(server.addr).await.unwrap());
    assert_eq!(line(&mut s).await, "hello\r\n");
    exchange(s.into_inner()).await;
}

#[tokio::test]
async fn implicit_tls_session() {
    let server = start(true, ServerOptions::default(), Duration::from_secs(60)).await;
    let tcp = TcpStream::connect(server.addr).await.unwrap();
    let name = ServerName::try_from("localhost").unwrap();
    let tls = connector(&server.cert_pem)
        .connect(name, tcp)
        .await
        .unwrap();
    let mut s = BufReader::new(tls);
    assert_eq!(line(&mut s).await, "hello tls\r\n");
    exchange(s.into_inner()).await;
}

#[tokio::test]
async fn starttls_upgrade() {
    let server = start(false, ServerOptions::default(), Duration::from_secs(60)).await;
    let mut s = BufReader::new(TcpStream::connect(server.addr).await.unwrap());
    assert_eq!(line(&mut s).await, "hello\r\n");
    s.write_all(b"tls\r\n").await.unwrap();
    assert_eq!(line(&mut s).await, "go\r\n");
    let tcp = s.into_inner();
    let name = ServerName::try_from("localhost").unwrap();
    let tls = connector(&server.cert_pem)
        .connect(name, tcp)
        .await
        .unwrap();
    let mut s = BufReader::new(tls);
    assert_eq!(line(&mut s).await, "secure\r\n");
    exchange(s.into_inner()).await;
}

#[tokio::test]
async fn idle_timeout_says_goodbye_and_closes() {
    let server = start(false, ServerOptions::default(), Duration::from_millis(100)).await;
    let mut s = BufReader::new(TcpStream::connect(server.addr).await.unwrap());
    assert_eq!(line(&mut s).await, "hello\r\n");
    // Stay silent: the server times the connection out.
    assert_eq!(line(&mut s).await, "timeout\r\n");
    assert_eq!(line(&mut s).await, "");
}

#[tokio::test]
async fn connection_limit_refuses_with_a_message() {
    let options = ServerOptions::default().max_connections(1);
    let server = start(false, options, Duration::from_secs(60)).await;
    let mut first = BufReader::new(TcpStream::connect(server.addr).await.unwrap());
    assert_eq!(line(&mut first).await, "hello\r\n");
    let mut second = BufReader::new(TcpStream::connect(server.addr).await.unwrap());
    assert_eq!(line(&mut second).await, "busy\r\n");
    assert_eq!(line(&mut second).await, "");
    // The first connection is unaffected; once it is gone a new one is accepted.
    exchange(first.into_inner()).await;
    let mut third = BufReader::new(TcpStream::connect(server.addr).await.unwrap());
    let mut greeting = line(&mut third).await;
    // The slot is released when the first connection's task ends, which may be a moment after
    // its socket closed: retry until the refusal turns into a greeting.
    while greeting == "busy\r\n" {
        third = BufReader::new(TcpStream::connect(server.addr).await.unwrap());
        greeting = line(&mut third).await;
    }
    assert_eq!(greeting, "hello\r\n");
}

#[tokio::test]
async fn per_ip_limit() {
    let options = ServerOptions::default().max_connections_per_ip(2);
    let server = start(false, options, Duration::from_secs(60)).await;
    let mut a = BufReader::new(TcpStream::connect(server.addr).await.unwrap());
    let mut b = BufReader::new(TcpStream::connect(server.addr).await.unwrap());
    let mut c = BufReader::new(TcpStream::connect(server.addr).await.unwrap());
    assert_eq!(line(&mut a).await, "hello\r\n");
    assert_eq!(line(&mut b).await, "hello\r\n");
    assert_eq!(line(&mut c).await, "busy\r\n");
}

#[tokio::test]
async fn graceful_shutdown_reaches_every_connection() {
    let server = start(false, ServerOptions::default(), Duration::from_secs(60)).await;
    let mut conns = Vec::new();
    for _ in 0..5 {
        let mut s = BufReader::new(TcpStream::connect(server.addr).await.unwrap());
        assert_eq!(line(&mut s).await, "hello\r\n");
        conns.push(s);
    }
    server.shutdown.trigger();
    for s in &mut conns {
        assert_eq!(line(s).await, "shutting down\r\n");
        assert_eq!(line(s).await, "");
    }
    server.shutdown.wait().await;
    assert!(
        TcpStream::connect(server.addr).await.is_err(),
        "listener closed"
    );
}

#[tokio::test]
async fn pipelined_commands_during_large_writes() {
    let server = start(false, ServerOptions::default(), Duration::from_secs(60)).await;
    let s = TcpStream::connect(server.addr).await.unwrap();
    let (r, mut w) = s.into_split();
    let mut r = BufReader::new(r);
    assert_eq!(line(&mut r).await, "hello\r\n");
    // 200 commands each answered with 1 MiB, written before reading anything: 200 MiB of
    // answers cannot sit in socket buffers, so the server must write while the client writes.
    let n = 200;
    let size = 1 << 20;
    let writer = tokio::spawn(async move {
        for _ in 0..n {
            w.write_all(format!("big {size}\r\n").as_bytes())
                .await
                .unwrap();
        }
        w.write_all(b"quit\r\n").await.unwrap();
        w
    });
    let mut total = 0usize;
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let k = r.read(&mut buf).await.unwrap();
        if k == 0 {
            break;
        }
        total += k;
    }
    let _w = writer.await.unwrap();
    assert_eq!(total, n * (size + 2) + b"bye\r\n".len());
}
