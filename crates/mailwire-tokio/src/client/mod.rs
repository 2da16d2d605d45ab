//! Async POP3 and IMAP clients: thin typed layers over the sans-IO client machines of
//! `mailwire-pop3` and `mailwire-imap` (RFC 1939, RFC 9051), with TLS (RFC 8314 implicit TLS,
//! RFC 2595 STLS/STARTTLS) over rustls and its ring provider.
//!
//! - [`Pop3Client`]: every POP3 command, APOP, SASL, pipelining (RFC 2449 §6.6) and message
//!   bodies as a stream of chunks.
//! - [`ImapClient`]: the IMAP4rev1/rev2 commands and the extensions the codec knows, unsolicited
//!   responses, FETCH as a `futures::Stream`, IDLE (RFC 2177) for long-running watchers and
//!   CONDSTORE/QRESYNC sync helpers (RFC 7162).
//!
//! The clients own no grammar: commands are typed values encoded by the codecs, answers are the
//! typed events of the machines.
//!
//! Both are generic over any `AsyncRead + AsyncWrite` transport; [`Pop3Client::connect`] and
//! [`ImapClient::connect`] open a TCP connection by host and port with implicit TLS, STARTTLS or
//! no TLS ([`Security`]).

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::ServerName;

/// The constructors both clients share: `connect`/`connect_with` by host and port, `new`,
/// `with_options` and `new_tls` over a given transport. `$upgrade` is the STARTTLS method.
macro_rules! constructors {
    ($client:ident, $ports:literal, $upgrade:ident) => {
        impl $client<tokio::net::TcpStream> {
            #[doc = concat!("Connects to `host:port` (", $ports, "), secures the connection as")]
            /// asked and reads the greeting and capabilities. `tls` defaults to the platform's
            /// roots with `host` as the server name.
            pub async fn connect(
                host: &str,
                port: u16,
                security: super::Security,
                tls: Option<super::TlsSettings>,
            ) -> Result<Self, super::Error> {
                Self::connect_with(host, port, security, tls, super::ClientOptions::default()).await
            }

            #[doc = concat!("[`", stringify!($client), "::connect`] with options.")]
            pub async fn connect_with(
                host: &str,
                port: u16,
                security: super::Security,
                tls: Option<super::TlsSettings>,
                options: super::ClientOptions,
            ) -> Result<Self, super::Error> {
                let (stream, tls) = super::open(host, port, security, tls, &options).await?;
                let mut client = Self::start(stream, &options).await?;
                if security == super::Security::StartTls {
                    let tls =
                        tls.ok_or_else(|| super::Error::Tls("STARTTLS needs TLS settings".into()))?;
                    client.$upgrade(tls).await?;
                }
                Ok(client)
            }
        }

        impl<S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin> $client<S> {
            /// A session over a plaintext transport: reads the greeting and the capabilities.
            pub async fn new(stream: S) -> Result<Self, super::Error> {
                Self::start(
                    super::MaybeTls::Plain(stream),
                    &super::ClientOptions::default(),
                )
                .await
            }

            #[doc = concat!("[`", stringify!($client), "::new`] with options.")]
            pub async fn with_options(
                stream: S,
                options: super::ClientOptions,
            ) -> Result<Self, super::Error> {
                Self::start(super::MaybeTls::Plain(stream), &options).await
            }

            /// A session over a transport that is already TLS (implicit TLS, RFC 8314 §3.3).
            pub async fn new_tls(
                stream: tokio_rustls::client::TlsStream<S>,
                options: super::ClientOptions,
            ) -> Result<Self, super::Error> {
                Self::start(super::MaybeTls::Tls(Box::new(stream)), &options).await
            }
        }
    };
}
use constructors;

pub mod imap;
pub mod pop3;

pub use imap::ImapClient;
pub use mailwire_core::sasl_client::SaslCredentials;
pub use pop3::Pop3Client;

/// Why a client call failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading from or writing to the transport failed.
    #[error("I/O error: {0}")]
    Io(#[from] io::Error),
    /// The TLS handshake or configuration failed (RFC 8314, RFC 2595).
    #[error("TLS error: {0}")]
    Tls(String),
    /// The server did not answer in time.
    #[error("no answer from the server within {0:?}")]
    Timeout(Duration),
    /// A POP3 server answered `-ERR` (RFC 1939 §3), with its extended response code (RFC 2449
    /// §8) if any.
    #[error("POP3 server answered -ERR{}: {text}", code_suffix(.code.as_ref().map(|c| c.as_str().to_string())))]
    Pop3Err {
        /// The response code.
        code: Option<mailwire_pop3::ResponseCode<'static>>,
        /// The server's text.
        text: String,
    },
    /// An IMAP server answered `NO` (RFC 9051 §7.1.2).
    #[error("IMAP server answered NO{}: {text}", code_suffix(.code.as_ref().map(|c| format!("{c:?}"))))]
    ImapNo {
        /// The response code.
        code: Option<mailwire_imap::types::Code<'static>>,
        /// The server's text.
        text: String,
    },
    /// An IMAP server answered `BAD` (RFC 9051 §7.1.3).
    #[error("IMAP server answered BAD{}: {text}", code_suffix(.code.as_ref().map(|c| format!("{c:?}"))))]
    ImapBad {
        /// The response code.
        code: Option<mailwire_imap::types::Code<'static>>,
        /// The server's text.
        text: String,
    },
    /// The server's answer broke the protocol (it does not decode, or has an unexpected
    /// shape), or the session cannot go on.
    #[error("protocol error: {0}")]
    Protocol(String),
    /// A value given to a client method is not valid on the wire (e.g. a CR in a password).
    #[error("invalid argument: {0}")]
    Invalid(String),
    /// The command needs a capability the server did not announce.
    #[error("the server does not support {0}")]
    Unsupported(String),
    /// The connection is closed (by the server, or after `QUIT`/`LOGOUT`).
    #[error("the connection is closed")]
    Closed,
    /// The client's side of a SASL exchange failed (RFC 4422 §3.4): for SCRAM-SHA-256, a
    /// malformed server message or a server signature that is wrong or missing (RFC 5802 §5.1).
    #[error("SASL: {0}")]
    Sasl(mailwire_core::sasl_client::SaslClientError),
}

pub(crate) fn sasl_error(e: mailwire_core::sasl_client::SaslClientError) -> Error {
    Error::Sasl(e)
}

fn code_suffix(code: Option<String>) -> String {
    code.map(|c| format!(" [{c}]")).unwrap_or_default()
}

impl From<mailwire_core::ValidationError> for Error {
    fn from(e: mailwire_core::ValidationError) -> Self {
        Error::Invalid(e.to_string())
    }
}

/// How a client secures its connection (RFC 8314 §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Security {
    /// TLS from the first byte (ports 993 and 995; RFC 8314 §3.3).
    Implicit,
    /// Plaintext first, then `STLS` (POP3, RFC 2595 §4) or `STARTTLS` (IMAP, RFC 9051 §6.2.1)
    /// before anything else; the client fails if the server does not offer it.
    StartTls,
    /// No TLS at all (loopback tests and trusted networks only).
    None,
}

/// What a client needs to perform a TLS handshake: the rustls configuration (ring provider) and
/// the name the server's certificate must match.
#[derive(Clone)]
pub struct TlsSettings {
    connector: TlsConnector,
    server_name: ServerName<'static>,
}

impl std::fmt::Debug for TlsSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsSettings")
            .field("server_name", &self.server_name)
            .finish_non_exhaustive()
    }
}

impl TlsSettings {
    /// Settings from a rustls configuration and the server's DNS name or IP address.
    pub fn new(config: Arc<rustls::ClientConfig>, server_name: &str) -> Result<Self, Error> {
        let server_name = ServerName::try_from(server_name.to_string())
            .map_err(|e| Error::Tls(format!("invalid server name {server_name:?}: {e}")))?;
        Ok(TlsSettings {
            connector: TlsConnector::from(config),
            server_name,
        })
    }

    /// Settings that trust the platform's root certificates ([`native_roots_config`]).
    pub fn native(server_name: &str) -> Result<Self, Error> {
        Self::new(native_roots_config()?, server_name)
    }

    async fn handshake<S: AsyncRead + AsyncWrite + Unpin>(
        &self,
        stream: S,
    ) -> Result<TlsStream<S>, Error> {
        self.connector
            .connect(self.server_name.clone(), stream)
            .await
            .map_err(|e| Error::Tls(e.to_string()))
    }
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// A client configuration (ring provider, safe default protocol versions) trusting `roots`.
pub fn client_config(roots: rustls::RootCertStore) -> Result<Arc<rustls::ClientConfig>, Error> {
    let config = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Tls(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// A client configuration trusting the platform's root certificates (`rustls-native-certs`).
/// Certificates the platform store holds but rustls cannot parse are skipped; no usable root at
/// all is an error.
pub fn native_roots_config() -> Result<Arc<rustls::ClientConfig>, Error> {
    let found = rustls_native_certs::load_native_certs();
    let mut roots = rustls::RootCertStore::empty();
    let (added, _ignored) = roots.add_parsable_certificates(found.certs);
    if added == 0 {
        let why = found
            .errors
            .first()
            .map(|e| e.to_string())
            .unwrap_or_else(|| "no certificates found".into());
        return Err(Error::Tls(format!("no platform root certificates: {why}")));
    }
    client_config(roots)
}

/// A client configuration trusting exactly the certificates in a PEM file (a private CA, or a
/// server's self-signed certificate).
pub fn ca_file_config(path: &std::path::Path) -> Result<Arc<rustls::ClientConfig>, Error> {
    let pem = std::fs::read_to_string(path)
        .map_err(|e| Error::Tls(format!("{}: {e}", path.display())))?;
    crate::tls::client_config_trusting(&pem).map_err(|e| Error::Tls(e.to_string()))
}

/// Settings shared by both clients.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ClientOptions {
    /// How long one read or write may wait for the server before the call fails with
    /// [`Error::Timeout`] (IDLE waits have their own timers). Default 2 minutes.
    pub io_timeout: Option<Duration>,
    /// Size of the read buffer. Default 64 KiB.
    pub read_buffer: usize,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            io_timeout: Some(Duration::from_secs(120)),
            read_buffer: 64 * 1024,
        }
    }
}

impl ClientOptions {
    /// Sets [`ClientOptions::io_timeout`].
    pub fn io_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.io_timeout = timeout;
        self
    }
}

/// A transport that may have been upgraded to TLS.
#[derive(Debug)]
pub(crate) enum MaybeTls<S> {
    Plain(S),
    Tls(Box<TlsStream<S>>),
    /// The stream was lost in a failed TLS handshake.
    Gone,
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncRead for MaybeTls<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            MaybeTls::Plain(s) => Pin::new(s).poll_read(cx, buf),
            MaybeTls::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
            MaybeTls::Gone => Poll::Ready(Err(io::ErrorKind::NotConnected.into())),
        }
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncWrite for MaybeTls<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            MaybeTls::Plain(s) => Pin::new(s).poll_write(cx, buf),
            MaybeTls::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
            MaybeTls::Gone => Poll::Ready(Err(io::ErrorKind::NotConnected.into())),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            MaybeTls::Plain(s) => Pin::new(s).poll_flush(cx),
            MaybeTls::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
            MaybeTls::Gone => Poll::Ready(Ok(())),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            MaybeTls::Plain(s) => Pin::new(s).poll_shutdown(cx),
            MaybeTls::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
            MaybeTls::Gone => Poll::Ready(Ok(())),
        }
    }
}

/// A sans-IO client machine as the clients drive it (`mailwire_core::sansio`).
pub(crate) trait Machine {
    /// What the machine reports.
    type Event;
    /// Its fatal error.
    type Error: std::fmt::Display;
    /// Appends bytes from the server.
    fn feed(&mut self, bytes: &[u8]);
    /// The next event, or the I/O to perform.
    fn next(&mut self) -> Result<Self::Event, mailwire_core::Interrupt<Self::Error>>;
}

impl Machine for mailwire_pop3::client::Connection {
    type Event = mailwire_pop3::client::Event;
    type Error = mailwire_pop3::client::Error;
    fn feed(&mut self, bytes: &[u8]) {
        mailwire_pop3::client::Connection::feed(self, bytes);
    }
    fn next(&mut self) -> Result<Self::Event, mailwire_core::Interrupt<Self::Error>> {
        mailwire_pop3::client::Connection::next(self)
    }
}

impl Machine for mailwire_imap::client::Connection {
    type Event = mailwire_imap::client::Event;
    type Error = mailwire_imap::client::Error;
    fn feed(&mut self, bytes: &[u8]) {
        mailwire_imap::client::Connection::feed(self, bytes);
    }
    fn next(&mut self) -> Result<Self::Event, mailwire_core::Interrupt<Self::Error>> {
        mailwire_imap::client::Connection::next(self)
    }
}

/// The I/O half shared by both clients: a transport, a read buffer, timeouts, the TLS upgrade.
pub(crate) struct Wire<S> {
    stream: MaybeTls<S>,
    pub(crate) buf: Vec<u8>,
    tls: Option<TlsSettings>,
    timeout: Option<Duration>,
}

impl<S> std::fmt::Debug for Wire<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The read buffer holds message data: show only what the connection is.
        f.debug_struct("Wire")
            .field("tls", &matches!(self.stream, MaybeTls::Tls(_)))
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> Wire<S> {
    pub(crate) fn new(stream: MaybeTls<S>, options: &ClientOptions) -> Self {
        Wire {
            stream,
            buf: vec![0; options.read_buffer.max(512)],
            tls: None,
            timeout: options.io_timeout,
        }
    }

    pub(crate) fn is_tls(&self) -> bool {
        matches!(self.stream, MaybeTls::Tls(_))
    }

    pub(crate) fn set_tls(&mut self, tls: TlsSettings) {
        self.tls = Some(tls);
    }

    async fn timed<T>(
        timeout: Option<Duration>,
        fut: impl Future<Output = io::Result<T>>,
    ) -> Result<T, Error> {
        match timeout {
            Some(t) => match tokio::time::timeout(t, fut).await {
                Ok(r) => Ok(r?),
                Err(_) => Err(Error::Timeout(t)),
            },
            None => Ok(fut.await?),
        }
    }

    /// Writes all of `bytes` and flushes.
    pub(crate) async fn write(&mut self, bytes: &[u8]) -> Result<(), Error> {
        let stream = &mut self.stream;
        Self::timed(self.timeout, async move {
            stream.write_all(bytes).await?;
            stream.flush().await
        })
        .await
    }

    /// Reads what is available into `buf`; `Error::Closed` at the end of the stream.
    pub(crate) async fn read(&mut self) -> Result<usize, Error> {
        let n = Self::timed(self.timeout, self.stream.read(&mut self.buf)).await?;
        if n == 0 {
            return Err(Error::Closed);
        }
        Ok(n)
    }

    /// Like [`Wire::read`] without the timeout; cancel-safe (for `select!` during IDLE).
    pub(crate) async fn read_untimed(&mut self) -> Result<usize, Error> {
        let n = self.stream.read(&mut self.buf).await?;
        if n == 0 {
            return Err(Error::Closed);
        }
        Ok(n)
    }

    /// Performs the TLS handshake on the plaintext stream (STLS/STARTTLS).
    pub(crate) async fn upgrade(&mut self) -> Result<(), Error> {
        let Some(tls) = self.tls.clone() else {
            return Err(Error::Tls(
                "the server accepted STARTTLS but no TLS settings were given".into(),
            ));
        };
        let MaybeTls::Plain(plain) = std::mem::replace(&mut self.stream, MaybeTls::Gone) else {
            return Err(Error::Tls("the connection is not plaintext".into()));
        };
        let stream = Self::timed(self.timeout, async {
            tls.handshake(plain)
                .await
                .map_err(|e| io::Error::other(e.to_string()))
        })
        .await
        .map_err(|e| match e {
            Error::Io(e) => Error::Tls(e.to_string()),
            e => e,
        })?;
        self.stream = MaybeTls::Tls(Box::new(stream));
        Ok(())
    }

    /// Runs `machine` without reading: its next event, or `None` when it needs input. Output
    /// is written, the TLS upgrade performed, a close ends in [`Error::Closed`].
    pub(crate) async fn ready_event<M: Machine>(
        &mut self,
        machine: &mut M,
    ) -> Result<Option<M::Event>, Error> {
        use mailwire_core::{Interrupt, Io};
        loop {
            match machine.next() {
                Ok(ev) => return Ok(Some(ev)),
                Err(Interrupt::Io(Io::Output(bytes))) => self.write(&bytes).await?,
                Err(Interrupt::Io(Io::NeedMoreInput)) => return Ok(None),
                Err(Interrupt::Io(Io::UpgradeTls)) => self.upgrade().await?,
                Err(Interrupt::Io(Io::Close)) => {
                    self.shutdown().await;
                    return Err(Error::Closed);
                }
                Err(Interrupt::Error(e)) => return Err(Error::Protocol(e.to_string())),
            }
        }
    }

    /// Runs `machine` until it has an event, reading as needed.
    pub(crate) async fn next_event<M: Machine>(
        &mut self,
        machine: &mut M,
    ) -> Result<M::Event, Error> {
        loop {
            if let Some(ev) = self.ready_event(machine).await? {
                return Ok(ev);
            }
            let n = self.read().await?;
            machine.feed(&self.buf[..n]);
        }
    }

    /// Closes the transport, ignoring errors (the peer may be gone already).
    pub(crate) async fn shutdown(&mut self) {
        let _ = Self::timed(self.timeout, self.stream.shutdown()).await;
    }
}

/// Opens a TCP connection to `host:port` and, for [`Security::Implicit`], performs the TLS
/// handshake.
async fn connect_tcp(
    host: &str,
    port: u16,
    security: Security,
    tls: Option<&TlsSettings>,
    options: &ClientOptions,
) -> Result<MaybeTls<TcpStream>, Error> {
    let connect = TcpStream::connect((host, port));
    let tcp = match options.io_timeout {
        Some(t) => tokio::time::timeout(t, connect)
            .await
            .map_err(|_| Error::Timeout(t))??,
        None => connect.await?,
    };
    tcp.set_nodelay(true)?;
    match security {
        Security::Implicit => {
            let tls = tls.ok_or_else(|| Error::Tls("implicit TLS needs TLS settings".into()))?;
            let stream = match options.io_timeout {
                Some(t) => tokio::time::timeout(t, tls.handshake(tcp))
                    .await
                    .map_err(|_| Error::Timeout(t))??,
                None => tls.handshake(tcp).await?,
            };
            Ok(MaybeTls::Tls(Box::new(stream)))
        }
        Security::StartTls | Security::None => Ok(MaybeTls::Plain(tcp)),
    }
}

/// What the connect helpers share: the TLS settings (the given ones, or the platform's roots for
/// `host`) and the connected transport, TLS already for [`Security::Implicit`].
pub(crate) async fn open(
    host: &str,
    port: u16,
    security: Security,
    tls: Option<TlsSettings>,
    options: &ClientOptions,
) -> Result<(MaybeTls<TcpStream>, Option<TlsSettings>), Error> {
    let tls = settings_for(host, security, tls)?;
    let stream = connect_tcp(host, port, security, tls.as_ref(), options).await?;
    Ok((stream, tls))
}

/// The TLS settings for `host` a connect helper uses: the given ones, or the platform roots.
fn settings_for(
    host: &str,
    security: Security,
    tls: Option<TlsSettings>,
) -> Result<Option<TlsSettings>, Error> {
    match (security, tls) {
        (Security::None, t) => Ok(t),
        (_, Some(t)) => Ok(Some(t)),
        (_, None) => Ok(Some(TlsSettings::native(host)?)),
    }
}
