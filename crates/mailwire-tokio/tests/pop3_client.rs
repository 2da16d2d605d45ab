//! The async POP3 client against the mailwire POP3 server (mailwire-server over the memory store
//! behind the tokio driver) on loopback: every command, each login method, STLS, implicit TLS,
//! pipelining, streamed bodies up to 20 MiB, and `-ERR` answers as typed errors.

use std::sync::Arc;

use futures::TryStreamExt;
use mailwire_core::Secret;
use mailwire_mailbox::memory::MemoryStore;
use mailwire_mailbox::{Account, Mailbox, MailboxName, NewMessage, Quota, UidSet};
use mailwire_pop3::{Capability, MsgNum, ResponseCode, SessionState};
use mailwire_server::ConnectionInfo;
use mailwire_server::pop3::{PlaintextAuth, Pop3Options, Pop3Server, Pop3Session, SharedSecrets};
use mailwire_tokio::client::{
    Error, Pop3Client, SaslCredentials, Security, TlsSettings, client_config,
};
use mailwire_tokio::server::{Listener, ServerOptions, SessionFactory, Shutdown};
use mailwire_tokio::tls;
use tokio::net::TcpStream;

struct Factory(Pop3Server<MemoryStore>);

impl SessionFactory for Factory {
    type Session = Pop3Session<MemoryStore>;
    fn create(&self, info: ConnectionInfo) -> Self::Session {
        self.0.session(info)
    }
    fn refusal(&self, _: &ConnectionInfo) -> Option<Vec<u8>> {
        None
    }
    fn protocol(&self) -> &'static str {
        "pop3"
    }
}

struct Secrets;

impl SharedSecrets for Secrets {
    fn shared_secret(&self, user: &str) -> Option<Secret<String>> {
        (user == "alice").then(|| Secret::new("secret".to_string()))
    }
}

struct Server {
    store: Arc<MemoryStore>,
    plain: std::net::SocketAddr,
    implicit: std::net::SocketAddr,
    cert: String,
    messages: Vec<Vec<u8>>,
    _shutdown: Shutdown,
}

/// A message of about `size` bytes whose lines often start with a dot (stuffed on the wire).
fn message(i: usize, size: usize) -> Vec<u8> {
    let mut m = format!("Subject: message {i}\r\n\r\n").into_bytes();
    let mut n = 0;
    while m.len() < size {
        let dot = if n % 3 == 0 { "." } else { "" };
        m.extend_from_slice(format!("{dot}line {n} of message {i}\r\n").as_bytes());
        n += 1;
    }
    m
}

async fn start(options: Pop3Options, sizes: &[usize]) -> Server {
    let store = MemoryStore::new();
    store.add_user("alice", "secret", Quota::UNLIMITED).unwrap();
    let inbox = store
        .account("alice")
        .unwrap()
        .open(&MailboxName::inbox())
        .await
        .unwrap();
    let messages: Vec<Vec<u8>> = sizes
        .iter()
        .enumerate()
        .map(|(i, &s)| message(i, s))
        .collect();
    for m in &messages {
        inbox.append(NewMessage::new(m.clone())).await.unwrap();
    }
    let store = Arc::new(store);
    let pair = tls::self_signed(&["localhost".into()]).unwrap();
    let acceptor = tls::TlsAcceptor::from(tls::server_config(&pair).unwrap());
    let server = Pop3Server::new(store.clone(), options).with_shared_secrets(Arc::new(Secrets));
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
        Arc::new(Factory(server)),
        ServerOptions::default(),
        &shutdown,
    );
    Server {
        store,
        plain: pa,
        implicit: ia,
        cert: pair.cert_pem,
        messages,
        _shutdown: shutdown,
    }
}

fn tls_settings(server: &Server) -> TlsSettings {
    TlsSettings::new(
        tls::client_config_trusting(&server.cert).unwrap(),
        "localhost",
    )
    .unwrap()
}

fn n(i: u32) -> MsgNum {
    MsgNum::new(i).unwrap()
}

fn secret() -> Secret<String> {
    Secret::new("secret".to_string())
}

async fn plain_client(server: &Server) -> Pop3Client<TcpStream> {
    Pop3Client::new(TcpStream::connect(server.plain).await.unwrap())
        .await
        .unwrap()
}

async fn inbox_uids(store: &MemoryStore) -> Vec<u32> {
    let inbox = store
        .account("alice")
        .unwrap()
        .open(&MailboxName::inbox())
        .await
        .unwrap();
    inbox
        .list(&UidSet::all())
        .await
        .unwrap()
        .iter()
        .map(|m| m.uid.get())
        .collect()
}

#[tokio::test]
async fn every_transaction_command() {
    let server = start(Pop3Options::default(), &[100, 5_000, 70_000, 10]).await;
    let mut c = plain_client(&server).await;
    assert!(
        c.greeting()
            .text
            .to_str_lossy()
            .starts_with("mailwire POP3 server ready")
    );
    assert!(c.capabilities().contains(&Capability::Uidl));
    assert_eq!(c.state(), SessionState::Authorization);
    c.login("alice", &secret()).await.unwrap();
    assert_eq!(c.state(), SessionState::Transaction);

    let sizes: Vec<u64> = server.messages.iter().map(|m| m.len() as u64).collect();
    assert_eq!(
        c.stat().await.unwrap(),
        (sizes.len() as u32, sizes.iter().sum())
    );
    let list = c.list().await.unwrap();
    assert_eq!(list.iter().map(|l| l.size).collect::<Vec<_>>(), sizes);
    assert_eq!(c.list_one(n(2)).await.unwrap().size, sizes[1]);
    let uidl = c.uidl().await.unwrap();
    assert_eq!(uidl.len(), sizes.len());
    assert_eq!(c.uidl_one(n(3)).await.unwrap().uid, uidl[2].uid);
    for (i, m) in server.messages.iter().enumerate() {
        assert_eq!(&c.retr(n(i as u32 + 1)).await.unwrap(), m, "RETR {i}");
    }
    let top = c.top(n(2), 1).await.unwrap();
    assert_eq!(top, b"Subject: message 1\r\n\r\n.line 0 of message 1\r\n");
    let mut streamed = Vec::new();
    let mut body = c.top_stream(n(2), 0).await.unwrap().into_stream();
    while let Some(chunk) = body.try_next().await.unwrap() {
        streamed.extend_from_slice(&chunk);
    }
    drop(body);
    assert_eq!(streamed, b"Subject: message 1\r\n\r\n");
    c.noop().await.unwrap();
    c.dele(n(1)).await.unwrap();
    // A deleted message is gone from the listings until RSET.
    assert!(matches!(c.list_one(n(1)).await, Err(Error::Pop3Err { .. })));
    c.rset().await.unwrap();
    assert_eq!(c.list_one(n(1)).await.unwrap().size, sizes[0]);
    c.dele(n(4)).await.unwrap();
    c.quit().await.unwrap();
    assert_eq!(inbox_uids(&server.store).await, vec![1, 2, 3]);
}

#[tokio::test]
async fn err_answers_are_typed_and_the_session_goes_on() {
    let mut o = Pop3Options::default();
    o.failed_login_delay = std::time::Duration::ZERO;
    let server = start(o, &[100]).await;
    let mut c = plain_client(&server).await;
    let e = c
        .login("alice", &Secret::new("wrong".into()))
        .await
        .unwrap_err();
    let Error::Pop3Err { code, text } = &e else {
        panic!("{e:?}")
    };
    assert_eq!(code.as_ref(), Some(&ResponseCode::Auth), "{text}");
    assert!(e.to_string().contains("[AUTH]"), "{e}");
    c.login("alice", &secret()).await.unwrap();
    let e = c.retr(n(9)).await.unwrap_err();
    assert!(matches!(e, Error::Pop3Err { code: None, .. }), "{e:?}");
    assert_eq!(c.retr(n(1)).await.unwrap(), server.messages[0]);
    c.quit().await.unwrap();
}

#[tokio::test]
async fn stls_then_apop_refreshes_capabilities() {
    let mut o = Pop3Options::default();
    o.plaintext_auth = PlaintextAuth::Never;
    let server = start(o, &[100, 200]).await;
    let mut c = plain_client(&server).await;
    assert!(c.capabilities().contains(&Capability::Stls));
    assert!(!c.is_tls());
    c.stls(tls_settings(&server)).await.unwrap();
    assert!(c.is_tls());
    assert!(
        !c.capabilities().contains(&Capability::Stls),
        "capabilities read again over TLS: {:?}",
        c.capabilities()
    );
    c.apop("alice", &secret()).await.unwrap();
    assert_eq!(c.list().await.unwrap().len(), 2);
    c.quit().await.unwrap();
}

#[tokio::test]
async fn connect_helpers_with_each_security() {
    let server = start(Pop3Options::default(), &[100]).await;
    let host = "localhost";
    let implicit = Pop3Client::connect(
        host,
        server.implicit.port(),
        Security::Implicit,
        Some(tls_settings(&server)),
    )
    .await
    .unwrap();
    assert!(implicit.is_tls());
    implicit.quit().await.unwrap();
    let starttls = Pop3Client::connect(
        host,
        server.plain.port(),
        Security::StartTls,
        Some(tls_settings(&server)),
    )
    .await
    .unwrap();
    assert!(starttls.is_tls());
    starttls.quit().await.unwrap();
    let plain = Pop3Client::connect("127.0.0.1", server.plain.port(), Security::None, None)
        .await
        .unwrap();
    assert!(!plain.is_tls());
    plain.quit().await.unwrap();
    // A certificate nobody vouches for fails the handshake with a TLS error.
    let untrusted = TlsSettings::new(
        client_config(tokio_rustls::rustls::RootCertStore::empty()).unwrap(),
        host,
    )
    .unwrap();
    let e = Pop3Client::connect(
        host,
        server.implicit.port(),
        Security::Implicit,
        Some(untrusted),
    )
    .await
    .unwrap_err();
    assert!(matches!(e, Error::Tls(_)), "{e:?}");
}

#[tokio::test]
async fn sasl_plain_and_login() {
    let mut o = Pop3Options::default();
    o.failed_login_delay = std::time::Duration::from_millis(10);
    let server = start(o, &[100]).await;
    let mut c = plain_client(&server).await;
    assert!(c.sasl_mechanisms().contains(&"PLAIN".to_string()));
    c.authenticate(&SaslCredentials::Plain {
        authzid: None,
        user: "alice".into(),
        password: secret(),
    })
    .await
    .unwrap();
    assert_eq!(c.state(), SessionState::Transaction);
    c.quit().await.unwrap();
    let mut c = plain_client(&server).await;
    c.authenticate(&SaslCredentials::Login {
        user: "alice".into(),
        password: secret(),
    })
    .await
    .unwrap();
    assert_eq!(c.stat().await.unwrap().0, 1);
    c.quit().await.unwrap();

    // SCRAM-SHA-256 (RFC 7677): the server proves that it knows the password too.
    let mut c = plain_client(&server).await;
    assert!(c.sasl_mechanisms().contains(&"SCRAM-SHA-256".to_string()));
    c.authenticate(&scram("alice", secret())).await.unwrap();
    assert_eq!(c.state(), SessionState::Transaction);
    assert_eq!(c.stat().await.unwrap().0, 1);
    c.quit().await.unwrap();
    // A wrong password and an unknown user fail alike, and the session goes on.
    let mut c = plain_client(&server).await;
    for (user, password) in [("alice", "wrong"), ("nobody", "secret")] {
        let e = c
            .authenticate(&scram(user, Secret::new(password.into())))
            .await
            .unwrap_err();
        assert!(
            matches!(
                &e,
                Error::Pop3Err {
                    code: Some(ResponseCode::Auth),
                    ..
                }
            ),
            "{e:?}"
        );
    }
    c.authenticate(&scram("alice", secret())).await.unwrap();
    c.quit().await.unwrap();
}

fn scram(user: &str, password: Secret<String>) -> SaslCredentials {
    SaslCredentials::ScramSha256 {
        authzid: None,
        user: user.into(),
        password,
    }
}

#[tokio::test]
async fn pipelined_dele_and_batches() {
    let server = start(Pop3Options::default(), &[100, 200, 300, 400, 500]).await;
    let mut c = plain_client(&server).await;
    assert!(c.supports_pipelining());
    c.login("alice", &secret()).await.unwrap();
    let answers = c
        .pipeline(vec![
            mailwire_pop3::Command::Stat,
            mailwire_pop3::Command::Retr(n(2)),
            mailwire_pop3::Command::Retr(n(42)),
            mailwire_pop3::Command::Uidl(None),
        ])
        .await
        .unwrap();
    assert!(matches!(
        answers[0],
        Ok(mailwire_pop3::Response::Stat { count: 5, .. })
    ));
    assert!(
        matches!(&answers[1], Ok(mailwire_pop3::Response::Message { body, .. }) if body[..] == server.messages[1][..])
    );
    assert!(matches!(answers[2], Err(Error::Pop3Err { .. })));
    assert!(matches!(
        &answers[3],
        Ok(mailwire_pop3::Response::UidList { listings, .. }) if listings.len() == 5
    ));
    let results = c.dele_many(&[n(1), n(3), n(9)]).await.unwrap();
    assert!(results[0].is_ok() && results[1].is_ok() && results[2].is_err());
    c.quit().await.unwrap();
    assert_eq!(inbox_uids(&server.store).await, vec![2, 4, 5]);
}

#[tokio::test]
async fn a_twenty_mib_message_streams_in_bounded_chunks() {
    const SIZE: usize = 20 << 20;
    let server = start(Pop3Options::default(), &[SIZE, 300]).await;
    let mut c = Pop3Client::connect(
        "localhost",
        server.implicit.port(),
        Security::Implicit,
        Some(tls_settings(&server)),
    )
    .await
    .unwrap();
    c.login("alice", &secret()).await.unwrap();
    let expected = &server.messages[0];
    let mut reader = c.retr_stream(n(1)).await.unwrap();
    assert!(reader.status().is_ok());
    let (mut total, mut largest, mut offset) = (0usize, 0usize, 0usize);
    while let Some(chunk) = reader.chunk().await.unwrap() {
        assert_eq!(&chunk[..], &expected[offset..offset + chunk.len()]);
        offset += chunk.len();
        total += chunk.len();
        largest = largest.max(chunk.len());
    }
    assert_eq!(total, expected.len());
    assert!(largest <= 1 << 20, "chunks stay small: {largest}");
    // The session goes on after the body.
    assert_eq!(c.retr(n(2)).await.unwrap(), server.messages[1]);
    c.quit().await.unwrap();
}

#[tokio::test]
async fn an_abandoned_body_stream_is_skipped_by_the_next_command() {
    let server = start(Pop3Options::default(), &[300_000, 100]).await;
    let mut c = plain_client(&server).await;
    c.login("alice", &secret()).await.unwrap();
    {
        let mut reader = c.retr_stream(n(1)).await.unwrap();
        let first = reader.chunk().await.unwrap().unwrap();
        assert!(!first.is_empty());
    }
    assert_eq!(c.retr(n(2)).await.unwrap(), server.messages[1]);
    assert_eq!(c.stat().await.unwrap().0, 2);
    c.quit().await.unwrap();
}

#[tokio::test]
async fn debug_output_shows_no_password() {
    let server = start(Pop3Options::default(), &[100]).await;
    let mut c = plain_client(&server).await;
    let password = Secret::new("Tr0ub4dor&3-unique".to_string());
    let e = c.login("alice", &password).await.unwrap_err();
    let shown = format!("{c:?} {e:?} {e}");
    assert!(!shown.contains("Tr0ub4dor"), "{shown}");
}
