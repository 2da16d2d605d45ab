//! The contract between a protocol session and the driver that moves its bytes.
//!
//! A driver (a tokio task, a test harness) loops:
//!
//! 1. `session.step().await` tells it what to do next ([`Step`]);
//! 2. on [`Step::Read`] it reads from the peer and calls [`Session::feed`], or, if
//!    [`Session::notified`] resolves or [`Session::wake_interval`] passes first, simply steps
//!    again (IMAP IDLE pushes, RFC 2177);
//! 3. on [`Step::Write`] it writes the bytes (and may keep reading meanwhile, feeding what
//!    arrives, so that a peer that pipelines while not reading cannot deadlock both sides);
//! 4. on [`Step::StartTls`] it performs the TLS handshake (RFC 2595 §4, RFC 9051 §6.2.1) and calls
//!    [`Session::tls_established`];
//! 5. on [`Step::Delay`] it waits (a failed login is answered late);
//! 6. on [`Step::Close`] it flushes and closes the transport.
//!
//! Time is the driver's: it applies [`Session::timeout`] to reads and calls
//! [`Session::timed_out`] or [`Session::shutdown`] to get the farewell bytes to send.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

/// What a session asks its driver to do next.
/// Drivers must handle every step, so the enum is exhaustive.
#[derive(Clone, PartialEq, Eq)]
pub enum Step {
    /// Read from the peer and [`Session::feed`] what arrives; step again when
    /// [`Session::notified`] resolves.
    Read,
    /// Write these bytes to the peer, then step again.
    Write(Vec<u8>),
    /// All output is written and no input is buffered: perform the TLS handshake now, then call
    /// [`Session::tls_established`].
    StartTls,
    /// Wait this long, then step again (used to slow down failed logins).
    Delay(Duration),
    /// The session is over: flush and close the transport.
    Close,
}

impl std::fmt::Debug for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Step::Read => f.write_str("Read"),
            // Output may echo credentials in a broken session: show its size only.
            Step::Write(b) => write!(f, "Write({} bytes)", b.len()),
            Step::StartTls => f.write_str("StartTls"),
            Step::Delay(d) => write!(f, "Delay({d:?})"),
            Step::Close => f.write_str("Close"),
        }
    }
}

/// What the driver knows about a connection when it creates the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionInfo {
    /// The peer's address.
    pub peer: SocketAddr,
    /// The local address the connection came in on.
    pub local: SocketAddr,
    /// The transport is TLS from the first byte (implicit TLS, RFC 8314 §3.3: ports 993 and 995).
    pub tls_active: bool,
    /// The driver can upgrade the transport to TLS (STARTTLS/STLS may be offered).
    pub tls_available: bool,
}

impl ConnectionInfo {
    /// Whether the peer connects over the loopback interface.
    pub fn is_loopback(&self) -> bool {
        self.peer.ip().is_loopback()
    }
}

/// A protocol session, as seen by its driver.
///
/// Futures are `Send` so a multi-threaded runtime can move sessions between threads.
pub trait Session: Send {
    /// Bytes arrived from the peer.
    fn feed(&mut self, bytes: &[u8]);

    /// What to do next. Awaiting may perform mailbox operations.
    fn step(&mut self) -> impl Future<Output = Step> + Send + '_;

    /// Resolves when the session has something to tell the peer without being asked (a mailbox
    /// change during IMAP IDLE). The default never resolves.
    fn notified(&mut self) -> impl Future<Output = ()> + Send + '_ {
        std::future::pending()
    }

    /// While the driver waits for input, step again after this long even if nothing arrived, so
    /// the session can look for changes that no in-process notification reports (another
    /// process delivering into a Maildir during IMAP IDLE). `None` (the default): never.
    fn wake_interval(&self) -> Option<Duration> {
        None
    }

    /// The TLS handshake asked for by [`Step::StartTls`] succeeded.
    fn tls_established(&mut self);

    /// How long the driver may wait for the peer's next bytes before calling
    /// [`Session::timed_out`]. It may change with the session's state (shorter before login).
    fn timeout(&self) -> Duration;

    /// The peer was silent for [`Session::timeout`]: the bytes to send before closing (an IMAP
    /// `* BYE`, RFC 9051 §5.4), if any. Nothing the client asked for is committed (RFC 1939 §6:
    /// a POP3 session that ends without QUIT deletes nothing).
    fn timed_out(&mut self) -> Option<Vec<u8>>;

    /// The server shuts down: the bytes to send before closing, if any.
    fn shutdown(&mut self) -> Option<Vec<u8>>;

    /// The peer closed its side or the transport failed. The session must not commit anything
    /// pending; the driver drops it afterwards.
    fn closed(&mut self) {}
}
