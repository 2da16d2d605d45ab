//! What the end-to-end tests share: a memory store with test messages behind a plain and an
//! implicit-TLS listener, and TLS on the client side.

#![allow(dead_code)]

use std::sync::Arc;

use mailwire_mailbox::memory::MemoryStore;
use mailwire_mailbox::{Account, Mailbox, MailboxName, NewMessage, Quota};
use mailwire_tokio::server::{Listener, ServerOptions, SessionFactory, Shutdown};
use mailwire_tokio::tls;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use tokio_rustls::rustls::pki_types::ServerName;

/// A test message of about `size` bytes; with `dots`, every fifth line starts with a dot (POP3
/// dot-stuffing).
pub(crate) fn message(i: usize, size: usize, dots: bool) -> Vec<u8> {
    let mut m = format!("Subject: message {i}\r\n\r\n").into_bytes();
    let mut n = 0;
    while m.len() < size {
        let dot = if dots && n % 5 == 0 { "." } else { "" };
        m.extend_from_slice(format!("{dot}line {n} of message {i}\r\n").as_bytes());
        n += 1;
    }
    m
}

/// A running server.
pub(crate) struct Server {
    pub(crate) store: Arc<MemoryStore>,
    pub(crate) plain: std::net::SocketAddr,
    pub(crate) implicit: std::net::SocketAddr,
    pub(crate) shutdown: Shutdown,
    pub(crate) cert: String,
    pub(crate) messages: Vec<Vec<u8>>,
}

/// Starts a server for user alice/secret whose INBOX holds five messages of up to 3 MiB (larger
/// than any socket buffer); `factory` makes the protocol's sessions over the store.
pub(crate) async fn start<F: SessionFactory>(
    dots: bool,
    factory: impl FnOnce(Arc<MemoryStore>) -> F,
) -> Server {
    let store = MemoryStore::new();
    store.add_user("alice", "secret", Quota::UNLIMITED).unwrap();
    let inbox = store
        .account("alice")
        .unwrap()
        .open(&MailboxName::inbox())
        .await
        .unwrap();
    let messages: Vec<Vec<u8>> = [100, 5_000, 70_000, 3 << 20, 10]
        .iter()
        .enumerate()
        .map(|(i, &s)| message(i, s, dots))
        .collect();
    for m in &messages {
        inbox.append(NewMessage::new(m.clone())).await.unwrap();
    }
    let store = Arc::new(store);
    let pair = tls::self_signed(&["localhost".into()]).unwrap();
    let acceptor = tls::TlsAcceptor::from(tls::server_config(&pair).unwrap());
    let factory = Arc::new(factory(store.clone()));
    let shutdown = Shutdown::new();
    let plain = Listener::bind(
        "127.0.0.1:0".parse().unwrap(),
        false,
        Some(acceptor.clone()),
    )
    .await
    .unwrap();
    let implicit = Listener::bind("127.0.0.1:0".parse().unwrap(), true, Some(acceptor))
        .await
        .unwrap();
    let (pa, ia) = (plain.local_addr().unwrap(), implicit.local_addr().unwrap());
    mailwire_tokio::server::spawn_all(
        vec![plain, implicit],
        factory,
        ServerOptions::default(),
        &shutdown,
    );
    Server {
        store,
        plain: pa,
        implicit: ia,
        shutdown,
        cert: pair.cert_pem,
        messages,
    }
}

/// A TLS client handshake on `tcp`, trusting the server's certificate.
pub(crate) async fn tls_client(tcp: TcpStream, cert: &str) -> TlsStream<TcpStream> {
    let connector = TlsConnector::from(tls::client_config_trusting(cert).unwrap());
    connector
        .connect(ServerName::try_from("localhost").unwrap(), tcp)
        .await
        .unwrap()
}
