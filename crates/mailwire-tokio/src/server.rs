//! The server driver: listeners, one task per connection, timeouts, limits, TLS, shutdown.
//!
//! The driver knows no protocol: a [`SessionFactory`] makes a [`Session`] per connection and the
//! driver performs the [`Step`]s it asks for.

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mailwire_server::{ConnectionInfo, Session, Step};
use tokio::io::{AsyncReadExt, AsyncWriteExt, ReadHalf, WriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::{Instrument, debug, info, info_span, warn};

use crate::transport::Transport;

/// Makes a session for each accepted connection.
pub trait SessionFactory: Send + Sync + 'static {
    /// The session type.
    type Session: Session + 'static;

    /// A session for a new connection.
    fn create(&self, info: ConnectionInfo) -> Self::Session;

    /// The bytes to send to a connection refused because a limit is reached (a POP3
    /// `-ERR [SYS/TEMP]`, RFC 3206 §4, or an IMAP `* BYE`, RFC 9051 §7.1.5), if any.
    fn refusal(&self, info: &ConnectionInfo) -> Option<Vec<u8>>;

    /// A short name for logs (`pop3`, `imap`).
    fn protocol(&self) -> &'static str;
}

/// Limits and timeouts shared by the listeners of a server.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ServerOptions {
    /// At most this many connections at once over all listeners sharing these options' limiter.
    pub max_connections: usize,
    /// At most this many connections at once from one IP address.
    pub max_connections_per_ip: usize,
    /// How long a write may block on a peer that does not read before the connection is closed.
    pub write_timeout: Duration,
    /// How long the TLS handshake may take.
    pub handshake_timeout: Duration,
    /// Bytes read ahead from a peer while a response is being written to it (pipelined
    /// commands), so that a peer that writes without reading cannot deadlock the connection.
    pub read_ahead: usize,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions {
            max_connections: 10_000,
            max_connections_per_ip: 1_000,
            write_timeout: Duration::from_secs(300),
            handshake_timeout: Duration::from_secs(30),
            read_ahead: 256 * 1024,
        }
    }
}

impl ServerOptions {
    /// Sets [`ServerOptions::max_connections`].
    pub fn max_connections(mut self, n: usize) -> Self {
        self.max_connections = n;
        self
    }

    /// Sets [`ServerOptions::max_connections_per_ip`].
    pub fn max_connections_per_ip(mut self, n: usize) -> Self {
        self.max_connections_per_ip = n;
        self
    }

    /// Sets [`ServerOptions::write_timeout`].
    pub fn write_timeout(mut self, d: Duration) -> Self {
        self.write_timeout = d;
        self
    }
}

/// Stops the listeners and asks every connection to say goodbye, then waits for them.
#[derive(Debug, Clone, Default)]
pub struct Shutdown {
    token: CancellationToken,
    tracker: TaskTracker,
}

impl Shutdown {
    /// A fresh handle.
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts the shutdown: listeners stop accepting, connections send their farewell and close.
    pub fn trigger(&self) {
        self.token.cancel();
    }

    /// Whether [`Shutdown::trigger`] was called.
    pub fn is_triggered(&self) -> bool {
        self.token.is_cancelled()
    }

    /// Waits until the shutdown has been triggered and every listener and connection task has
    /// finished.
    pub async fn wait(&self) {
        self.token.cancelled().await;
        self.tracker.close();
        self.tracker.wait().await;
    }
}

/// Counts connections for the limits.
#[derive(Debug, Default)]
struct Limiter {
    total: usize,
    per_ip: HashMap<IpAddr, usize>,
}

/// A connection's slot in the [`Limiter`]; released on drop.
struct Slot {
    limiter: Arc<Mutex<Limiter>>,
    ip: IpAddr,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut l = self.limiter.lock().unwrap_or_else(|e| e.into_inner());
        l.total = l.total.saturating_sub(1);
        if let Some(n) = l.per_ip.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                l.per_ip.remove(&self.ip);
            }
        }
    }
}

fn acquire(limiter: &Arc<Mutex<Limiter>>, ip: IpAddr, options: &ServerOptions) -> Option<Slot> {
    let mut l = limiter.lock().unwrap_or_else(|e| e.into_inner());
    let here = l.per_ip.get(&ip).copied().unwrap_or(0);
    if l.total >= options.max_connections || here >= options.max_connections_per_ip {
        return None;
    }
    l.total += 1;
    *l.per_ip.entry(ip).or_insert(0) += 1;
    Some(Slot {
        limiter: limiter.clone(),
        ip,
    })
}

/// A bound listener for one protocol.
pub struct Listener {
    listener: TcpListener,
    implicit_tls: bool,
    tls: Option<TlsAcceptor>,
}

impl std::fmt::Debug for Listener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Listener")
            .field("addr", &self.listener.local_addr().ok())
            .field("implicit_tls", &self.implicit_tls)
            .field("tls_available", &self.tls.is_some())
            .finish()
    }
}

impl Listener {
    /// Binds `addr`. With `implicit_tls`, every connection starts with a TLS handshake (ports
    /// 993 and 995, RFC 8314 §3.3) and `tls` must be given; otherwise `tls`, when given, allows
    /// STARTTLS/STLS.
    pub async fn bind(
        addr: SocketAddr,
        implicit_tls: bool,
        tls: Option<TlsAcceptor>,
    ) -> io::Result<Self> {
        if implicit_tls && tls.is_none() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "implicit TLS needs a certificate",
            ));
        }
        let listener = TcpListener::bind(addr).await?;
        Ok(Listener {
            listener,
            implicit_tls,
            tls,
        })
    }

    /// The address actually bound (useful with port 0).
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Accepts connections until `shutdown` is triggered, each in its own task tracked by
    /// `shutdown`. Returns at once; the accept loop runs as a task.
    pub fn spawn<F: SessionFactory>(
        self,
        factory: Arc<F>,
        options: ServerOptions,
        shutdown: &Shutdown,
    ) {
        let limiter = Arc::new(Mutex::new(Limiter::default()));
        self.spawn_with_limiter(factory, options, limiter, shutdown);
    }

    fn spawn_with_limiter<F: SessionFactory>(
        self,
        factory: Arc<F>,
        options: ServerOptions,
        limiter: Arc<Mutex<Limiter>>,
        shutdown: &Shutdown,
    ) {
        let shutdown = shutdown.clone();
        let tracker = shutdown.tracker.clone();
        tracker.spawn(async move {
            let local = self.listener.local_addr().ok();
            info!(protocol = factory.protocol(), addr = ?local, tls = self.implicit_tls, "listening");
            loop {
                let accepted = tokio::select! {
                    _ = shutdown.token.cancelled() => break,
                    a = self.listener.accept() => a,
                };
                let (stream, peer) = match accepted {
                    Ok(a) => a,
                    Err(e) => {
                        // Running out of descriptors must not end the listener.
                        warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let info = ConnectionInfo {
                    peer,
                    local: stream.local_addr().unwrap_or(peer),
                    tls_active: self.implicit_tls,
                    tls_available: self.tls.is_some(),
                };
                let span = info_span!("conn", protocol = factory.protocol(), %peer);
                let conn = Connection {
                    factory: factory.clone(),
                    options: options.clone(),
                    tls: self.tls.clone(),
                    token: shutdown.token.clone(),
                    slot: acquire(&limiter, peer.ip(), &options),
                };
                shutdown
                    .tracker
                    .spawn(conn.run(stream, info).instrument(span));
            }
        });
    }
}

/// Starts several listeners that share one set of connection limits.
pub fn spawn_all<F: SessionFactory>(
    listeners: Vec<Listener>,
    factory: Arc<F>,
    options: ServerOptions,
    shutdown: &Shutdown,
) {
    let limiter = Arc::new(Mutex::new(Limiter::default()));
    for l in listeners {
        l.spawn_with_limiter(factory.clone(), options.clone(), limiter.clone(), shutdown);
    }
}

/// The read buffer of a connection: small while the peer sends short commands (an idle
/// connection holds 1 KiB, not the 16 KiB a bulk upload reads at a time), doubled when a read
/// fills it, shrunk again when reads are small.
struct ReadBuf {
    buf: Vec<u8>,
}

impl ReadBuf {
    const MIN: usize = 1024;
    const MAX: usize = 64 * 1024;

    fn new() -> Self {
        ReadBuf {
            buf: vec![0; Self::MIN],
        }
    }

    /// Where the next read goes.
    fn space(&mut self) -> &mut [u8] {
        &mut self.buf
    }

    /// The `n` bytes a read put in; adapts the size for the next read.
    fn filled(&mut self, n: usize) -> &[u8] {
        let len = self.buf.len();
        if n == len && len < Self::MAX {
            // The peer sends faster than we read: read more at a time.
            self.buf.resize(len * 2, 0);
        } else if n < Self::MIN / 2 && len > Self::MIN {
            // Back to short commands: give the memory back.
            self.buf.truncate(Self::MIN);
            self.buf.shrink_to_fit();
            return &self.buf[..n];
        }
        &self.buf[..n]
    }
}

/// Sleeps for `d`, or forever.
async fn sleep_opt(d: Option<Duration>) {
    match d {
        Some(d) => tokio::time::sleep(d).await,
        None => std::future::pending().await,
    }
}

struct Connection<F> {
    factory: Arc<F>,
    options: ServerOptions,
    tls: Option<TlsAcceptor>,
    token: CancellationToken,
    slot: Option<Slot>,
}

/// Why a connection ended, for the log.
#[derive(Debug)]
enum End {
    Closed,
    PeerClosed,
    TimedOut,
    Shutdown,
    Io(io::Error),
}

impl<F: SessionFactory> Connection<F> {
    async fn run(self, mut stream: TcpStream, info: ConnectionInfo) {
        if self.slot.is_none() {
            info!("connection refused: limit reached");
            if let Some(bytes) = self.factory.refusal(&info) {
                let _ =
                    tokio::time::timeout(Duration::from_secs(5), stream.write_all(&bytes)).await;
            }
            return;
        }
        debug!("connected");
        let transport = if info.tls_active {
            let Some(acceptor) = self.tls.clone() else {
                return;
            };
            match tokio::time::timeout(self.options.handshake_timeout, acceptor.accept(stream))
                .await
            {
                Ok(Ok(tls)) => Transport::Tls(Box::new(tls)),
                Ok(Err(e)) => {
                    debug!(error = %e, "TLS handshake failed");
                    return;
                }
                Err(_) => {
                    debug!("TLS handshake timed out");
                    return;
                }
            }
        } else {
            Transport::Plain(stream)
        };
        let session = self.factory.create(info);
        let end = self.drive(session, transport).await;
        match end {
            End::Io(e) => debug!(error = %e, "connection ended"),
            other => debug!(end = ?other, "connection ended"),
        }
    }

    async fn drive(&self, mut session: F::Session, transport: Transport) -> End {
        let (mut rd, mut wr) = tokio::io::split(transport);
        let mut buf = ReadBuf::new();
        // The inactivity deadline runs from the peer's last bytes, not from the last wake-up.
        let mut last_input = tokio::time::Instant::now();
        let end = loop {
            let step = tokio::select! {
                biased;
                _ = self.token.cancelled() => {
                    if let Some(bye) = session.shutdown() {
                        let _ = self.write(&mut wr, &bye).await;
                    }
                    break End::Shutdown;
                }
                step = session.step() => step,
            };
            match step {
                Step::Read => {
                    let timeout = session.timeout();
                    let wake = session.wake_interval();
                    let read = tokio::select! {
                        biased;
                        _ = self.token.cancelled() => {
                            if let Some(bye) = session.shutdown() {
                                let _ = self.write(&mut wr, &bye).await;
                            }
                            break End::Shutdown;
                        }
                        _ = session.notified() => continue,
                        _ = sleep_opt(wake) => continue,
                        r = tokio::time::timeout_at(last_input + timeout, rd.read(buf.space())) => r,
                    };
                    match read {
                        Err(_) => {
                            if let Some(bye) = session.timed_out() {
                                let _ = self.write(&mut wr, &bye).await;
                            }
                            break End::TimedOut;
                        }
                        Ok(Ok(0)) => break End::PeerClosed,
                        Ok(Ok(n)) => {
                            last_input = tokio::time::Instant::now();
                            session.feed(buf.filled(n));
                        }
                        Ok(Err(e)) => break End::Io(e),
                    }
                }
                Step::Write(bytes) => {
                    if let Err(e) = self
                        .write_reading(&mut session, &mut rd, &mut wr, &bytes, buf.space())
                        .await
                    {
                        break End::Io(e);
                    }
                }
                Step::StartTls => {
                    let Some(acceptor) = self.tls.clone() else {
                        break End::Closed;
                    };
                    let transport = rd.unsplit(wr);
                    let Transport::Plain(tcp) = transport else {
                        // The session asked for TLS twice: a session bug, not the peer's.
                        warn!("STARTTLS on a TLS transport");
                        return End::Closed;
                    };
                    match tokio::time::timeout(self.options.handshake_timeout, acceptor.accept(tcp))
                        .await
                    {
                        Ok(Ok(tls)) => {
                            (rd, wr) = tokio::io::split(Transport::Tls(Box::new(tls)));
                            session.tls_established();
                            debug!("TLS established");
                        }
                        Ok(Err(e)) => {
                            session.closed();
                            return End::Io(e);
                        }
                        Err(_) => {
                            session.closed();
                            return End::TimedOut;
                        }
                    }
                }
                Step::Delay(d) => tokio::time::sleep(d).await,
                Step::Close => break End::Closed,
            }
        };
        session.closed();
        let _ = tokio::time::timeout(Duration::from_secs(5), wr.shutdown()).await;
        end
    }

    async fn write(&self, wr: &mut WriteHalf<Transport>, bytes: &[u8]) -> io::Result<()> {
        match tokio::time::timeout(self.options.write_timeout, async {
            wr.write_all(bytes).await?;
            wr.flush().await
        })
        .await
        {
            Ok(r) => r,
            Err(_) => Err(io::Error::new(io::ErrorKind::TimedOut, "write timed out")),
        }
    }

    /// Writes `bytes` while reading ahead (up to [`ServerOptions::read_ahead`] bytes) what the
    /// peer pipelines meanwhile.
    async fn write_reading(
        &self,
        session: &mut F::Session,
        rd: &mut ReadHalf<Transport>,
        wr: &mut WriteHalf<Transport>,
        bytes: &[u8],
        buf: &mut [u8],
    ) -> io::Result<()> {
        let mut budget = self.options.read_ahead;
        let mut reading = true;
        let write = self.write(wr, bytes);
        tokio::pin!(write);
        loop {
            tokio::select! {
                biased;
                r = &mut write => return r,
                r = rd.read(buf), if reading && budget > 0 => match r {
                    // End of input or an error: let the next read step see it.
                    Ok(0) | Err(_) => reading = false,
                    Ok(n) => {
                        session.feed(&buf[..n]);
                        budget = budget.saturating_sub(n);
                    }
                },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ReadBuf;

    #[test]
    fn read_buffer_grows_for_bulk_and_shrinks_when_idle() {
        let mut b = ReadBuf::new();
        assert_eq!(b.space().len(), ReadBuf::MIN);
        // Full reads double the buffer up to the maximum; the data stays in place.
        for i in 0..10 {
            let n = b.space().len();
            b.space()[n - 1] = i;
            assert_eq!(b.filled(n)[n - 1], i);
        }
        assert_eq!(b.space().len(), ReadBuf::MAX);
        // A short command line shrinks it back.
        b.space()[..6].copy_from_slice(b"a IDLE");
        assert_eq!(b.filled(6), b"a IDLE");
        assert_eq!(b.space().len(), ReadBuf::MIN);
    }
}
