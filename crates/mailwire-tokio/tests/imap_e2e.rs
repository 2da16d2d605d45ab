//! End to end over real sockets: the IMAP server (mailwire-server over the memory store) behind
//! the tokio driver, and the mailwire IMAP client state machine on the other side.

use std::time::Duration;

use mailwire_core::{Interrupt, Io};
mod common;

use common::{Server, tls_client};
use mailwire_imap::client::{Connection, Event, Options};
use mailwire_imap::codec::{Options as CodecOptions, decode_command};
use mailwire_imap::types::{
    AppendData, CommandBody, Data, IntoStatic, Literal, Mailbox as WireMailbox, MessageDataItem,
    Status, StatusKind,
};
use mailwire_mailbox::memory::MemoryStore;
use mailwire_mailbox::{Account, Mailbox, MailboxName, UidSet};
use mailwire_server::ConnectionInfo;
use mailwire_server::imap::{ImapOptions, ImapServer, ImapSession, PlaintextAuth};
use mailwire_tokio::server::SessionFactory;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

struct Factory(ImapServer<MemoryStore>);

impl SessionFactory for Factory {
    type Session = ImapSession<MemoryStore>;
    fn create(&self, info: ConnectionInfo) -> Self::Session {
        self.0.session(info)
    }
    fn refusal(&self, _: &ConnectionInfo) -> Option<Vec<u8>> {
        Some(b"* BYE busy\r\n".to_vec())
    }
    fn protocol(&self) -> &'static str {
        "imap"
    }
}

async fn start(options: ImapOptions) -> Server {
    common::start(false, |store| Factory(ImapServer::new(store, options))).await
}

fn message(i: usize, size: usize) -> Vec<u8> {
    common::message(i, size, false)
}

fn options() -> ImapOptions {
    let mut o = ImapOptions::default();
    o.failed_login_delay = Duration::from_millis(10);
    o
}

/// A command body from its text (without tag).
fn body(text: &str) -> CommandBody<'static> {
    let line = format!("x {text}\r\n");
    let (_, cmd) = decode_command(line.as_bytes(), &CodecOptions::commands()).unwrap();
    cmd.body.into_static()
}

/// What one command brought back.
#[derive(Debug, Default)]
struct Answer {
    data: Vec<Data<'static>>,
    statuses: Vec<Status<'static>>,
    kind: Option<StatusKind>,
    text: String,
}

/// A minimal async driver for the client state machine.
struct Client<S> {
    conn: Connection,
    stream: S,
    buf: Vec<u8>,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Client<S> {
    fn new(stream: S) -> Self {
        Client {
            conn: Connection::new(Options::default()),
            stream,
            buf: vec![0; 64 * 1024],
        }
    }

    /// Runs the machine until `done` says the wanted event came; returns the events. `None`
    /// when the server closed the connection first.
    async fn pump(&mut self, mut done: impl FnMut(&Event) -> bool) -> Option<Vec<Event>> {
        let mut events = Vec::new();
        loop {
            match self.conn.next() {
                Ok(ev) => {
                    let stop = done(&ev);
                    events.push(ev);
                    if stop {
                        return Some(events);
                    }
                }
                Err(Interrupt::Io(Io::Output(b))) => self.stream.write_all(&b).await.unwrap(),
                Err(Interrupt::Io(Io::NeedMoreInput)) => {
                    let n = self.stream.read(&mut self.buf).await.unwrap_or(0);
                    if n == 0 {
                        return None;
                    }
                    self.conn.feed(&self.buf[..n]);
                }
                Err(Interrupt::Io(Io::Close | Io::UpgradeTls)) => return Some(events),
                Err(other) => panic!("client: {other:?}"),
            }
        }
    }

    async fn greeting(&mut self) -> String {
        let ev = self
            .pump(|e| matches!(e, Event::Greeting(_)))
            .await
            .unwrap();
        match ev.last() {
            Some(Event::Greeting(g)) => format!("{:?} {}", g.code, g.text.to_str_lossy()),
            other => panic!("{other:?}"),
        }
    }

    async fn run(&mut self, b: CommandBody<'_>) -> Answer {
        let tag = self.conn.enqueue(b).unwrap();
        let events = self
            .pump(|e| matches!(e, Event::Completed { tag: t, .. } if *t == tag))
            .await
            .expect("server closed");
        let mut a = Answer::default();
        for ev in events {
            match ev {
                Event::Data(d) => a.data.push(d),
                Event::Status(s) => a.statuses.push(s),
                Event::Completed { kind, text, .. } => {
                    a.kind = Some(kind);
                    a.text = text.to_str_lossy().into_owned();
                }
                _ => {}
            }
        }
        a
    }

    async fn cmd(&mut self, text: &str) -> Answer {
        self.run(body(text)).await
    }

    async fn ok(&mut self, text: &str) -> Answer {
        let a = self.cmd(text).await;
        assert_eq!(a.kind, Some(StatusKind::Ok), "{text}: {a:?}");
        a
    }
}

/// The message data of `BODY[]` items in FETCH responses, by sequence number.
fn bodies(a: &Answer) -> Vec<(u32, Vec<u8>)> {
    let mut out = Vec::new();
    for d in &a.data {
        if let Data::Fetch { seq, items } = d {
            for i in items.iter() {
                if let MessageDataItem::BodySection { data, .. } = i {
                    out.push((seq.get(), data.as_bytes().unwrap_or_default().to_vec()));
                }
            }
        }
    }
    out
}

async fn session<S: AsyncRead + AsyncWrite + Unpin>(c: &mut Client<S>, server: &Server) {
    c.ok("LOGIN alice secret").await;
    let sel = c.ok("SELECT INBOX").await;
    assert!(sel.data.contains(&Data::Exists(5)), "{sel:?}");
    let a = c
        .ok("FETCH 1:* (UID FLAGS RFC822.SIZE ENVELOPE BODYSTRUCTURE)")
        .await;
    let fetches: Vec<_> = a
        .data
        .iter()
        .filter_map(|d| match d {
            Data::Fetch { items, .. } => Some(items),
            _ => None,
        })
        .collect();
    assert_eq!(fetches.len(), 5);
    for (items, m) in fetches.iter().zip(&server.messages) {
        assert!(items.contains(&MessageDataItem::Rfc822Size(m.len() as u64)));
        assert!(
            items
                .iter()
                .any(|i| matches!(i, MessageDataItem::Envelope(_)))
        );
        assert!(
            items
                .iter()
                .any(|i| matches!(i, MessageDataItem::BodyStructure(_)))
        );
    }
    // Every body, the 3 MiB one included, byte for byte in one FETCH.
    let a = c.ok("FETCH 1:* BODY.PEEK[]").await;
    let got = bodies(&a);
    assert_eq!(got.len(), 5);
    for ((seq, data), m) in got.iter().zip(&server.messages) {
        assert_eq!(data, m, "message {seq}");
    }
    let a = c.ok("UID SEARCH SUBJECT \"message 3\"").await;
    assert_eq!(a.data, vec![Data::Search(vec![4.try_into().unwrap()])]);
    c.ok("STORE 2 +FLAGS (\\Flagged)").await;
}

#[tokio::test]
async fn plaintext_session() {
    let server = start(options()).await;
    let mut c = Client::new(TcpStream::connect(server.plain).await.unwrap());
    let g = c.greeting().await;
    assert!(
        g.contains("IMAP4rev2 server ready") && g.contains("StartTls"),
        "{g}"
    );
    session(&mut c, &server).await;
    // APPEND with a synchronizing literal of 1 MiB: the client waits for `+` (RFC 9051 §4.3).
    let big = message(9, 1 << 20);
    let a = c
        .run(CommandBody::append(
            WireMailbox::Inbox,
            None,
            None,
            AppendData::Literal(Literal::new(big.clone()).unwrap()),
        ))
        .await;
    assert_eq!(a.kind, Some(StatusKind::Ok), "{a:?}");
    assert!(a.data.contains(&Data::Exists(6)), "{a:?}");
    let a = c.ok("FETCH 6 BODY.PEEK[]").await;
    assert_eq!(bodies(&a)[0].1, big);
    let a = c.cmd("LOGOUT").await;
    assert_eq!(a.kind, Some(StatusKind::Ok));
    assert!(
        matches!(a.statuses.first(), Some(Status::Bye { .. })),
        "{a:?}"
    );
    let inbox = server
        .store
        .account("alice")
        .unwrap()
        .open(&MailboxName::inbox())
        .await
        .unwrap();
    let metas = inbox.list(&UidSet::all()).await.unwrap();
    assert_eq!(metas.len(), 6);
    assert!(metas[1].flags.has(mailwire_mailbox::SystemFlag::Flagged));
}

#[tokio::test]
async fn starttls_then_login() {
    let mut o = options();
    // Treat loopback like a remote peer: passwords need TLS (RFC 9051 §6.2.3).
    o.plaintext_auth = PlaintextAuth::Never;
    let server = start(o).await;
    let mut c = Client::new(TcpStream::connect(server.plain).await.unwrap());
    let g = c.greeting().await;
    assert!(g.contains("LoginDisabled"), "{g}");
    let refused = c.cmd("LOGIN alice secret").await;
    assert_eq!(refused.kind, Some(StatusKind::No));
    c.ok("STARTTLS").await;
    // The machine asks for the upgrade once the OK is read.
    let events = c.pump(|_| false).await.unwrap();
    assert!(events.is_empty());
    let Client { conn, stream, .. } = c;
    let tls = tls_client(stream, &server.cert).await;
    let mut c = Client {
        conn,
        stream: tls,
        buf: vec![0; 65536],
    };
    let caps = c.ok("CAPABILITY").await;
    let text = format!("{:?}", caps.data);
    assert!(
        !text.contains("StartTls") && !text.contains("LoginDisabled"),
        "{text}"
    );
    session(&mut c, &server).await;
}

#[tokio::test]
async fn implicit_tls() {
    let server = start(options()).await;
    let tcp = TcpStream::connect(server.implicit).await.unwrap();
    let tls = tls_client(tcp, &server.cert).await;
    let mut c = Client::new(tls);
    let g = c.greeting().await;
    assert!(!g.contains("StartTls"), "{g}");
    session(&mut c, &server).await;
}

#[tokio::test]
async fn idle_sees_other_connections_changes() {
    let server = start(options()).await;
    let mut a = Client::new(TcpStream::connect(server.plain).await.unwrap());
    a.greeting().await;
    a.ok("LOGIN alice secret").await;
    a.ok("SELECT INBOX").await;
    let idle = a.conn.enqueue(CommandBody::Idle).unwrap();
    a.pump(|e| matches!(e, Event::IdleStarted { .. }))
        .await
        .unwrap();
    let mut b = Client::new(TcpStream::connect(server.plain).await.unwrap());
    b.greeting().await;
    b.ok("LOGIN alice secret").await;
    b.run(CommandBody::append(
        WireMailbox::Inbox,
        None,
        None,
        AppendData::Literal(Literal::new(message(7, 300)).unwrap()),
    ))
    .await;
    // Pushed to the idling connection without it asking.
    a.pump(|e| matches!(e, Event::Data(Data::Exists(6))))
        .await
        .unwrap();
    b.ok("SELECT INBOX").await;
    b.ok("STORE 1 +FLAGS (\\Deleted)").await;
    b.ok("EXPUNGE").await;
    a.pump(|e| matches!(e, Event::Data(Data::Expunge(n)) if n.get() == 1))
        .await
        .unwrap();
    a.conn.idle_done().unwrap();
    a.pump(|e| matches!(e, Event::Completed { tag, .. } if *tag == idle))
        .await
        .unwrap();
    let s = a.ok("SEARCH ALL").await;
    assert_eq!(s.data.len(), 1);
    let Data::Search(ids) = &s.data[0] else {
        panic!("{s:?}")
    };
    assert_eq!(ids.len(), 5);
}

#[tokio::test]
async fn unauthenticated_connections_time_out_with_bye() {
    let mut o = options();
    o.login_timeout = Duration::from_millis(200);
    let server = start(o).await;
    let mut c = Client::new(TcpStream::connect(server.plain).await.unwrap());
    c.greeting().await;
    // Nothing is sent: the server says BYE and closes (RFC 9051 §5.4).
    let events = c.pump(|_| false).await.unwrap_or_default();
    assert!(
        matches!(events.last(), Some(Event::Status(Status::Bye { text, .. })) if text.to_str_lossy().starts_with("Autologout")),
        "{events:?}"
    );
    let mut raw = TcpStream::connect(server.plain).await.unwrap();
    let mut all = Vec::new();
    raw.read_to_end(&mut all).await.unwrap();
    let text = String::from_utf8_lossy(&all);
    assert!(
        text.ends_with("* BYE Autologout; idle for too long\r\n"),
        "{text}"
    );
}

#[tokio::test]
async fn shutdown_says_bye() {
    let server = start(options()).await;
    let mut c = Client::new(TcpStream::connect(server.plain).await.unwrap());
    c.greeting().await;
    c.ok("LOGIN alice secret").await;
    c.ok("SELECT INBOX").await;
    server.shutdown.trigger();
    let events = c
        .pump(|e| matches!(e, Event::Status(Status::Bye { .. })))
        .await
        .unwrap();
    assert!(format!("{events:?}").contains("server shutting down"));
    server.shutdown.wait().await;
}

#[tokio::test]
async fn pipelined_commands_are_answered_in_order() {
    let server = start(options()).await;
    let mut c = Client::new(TcpStream::connect(server.plain).await.unwrap());
    c.greeting().await;
    c.ok("LOGIN alice secret").await;
    c.ok("SELECT INBOX").await;
    let tags: Vec<_> = (0..50)
        .map(|i| {
            c.conn
                .enqueue(body(&format!("FETCH {} (UID RFC822.SIZE)", i % 5 + 1)))
                .unwrap()
        })
        .collect();
    let last = tags.last().unwrap().clone();
    let events = c
        .pump(|e| matches!(e, Event::Completed { tag, .. } if *tag == last))
        .await
        .unwrap();
    let done: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            Event::Completed { tag, kind, .. } => Some((tag.clone(), *kind)),
            _ => None,
        })
        .collect();
    assert_eq!(done.len(), 50);
    for ((t, k), want) in done.iter().zip(&tags) {
        assert_eq!(t, want);
        assert_eq!(*k, StatusKind::Ok);
    }
}

#[tokio::test]
async fn compressed_session() {
    let server = start(options()).await;
    let mut c = Client::new(TcpStream::connect(server.plain).await.unwrap());
    c.greeting().await;
    c.ok("LOGIN alice secret").await;
    // RFC 4978: everything after the OK is DEFLATE, both ways.
    c.ok("COMPRESS DEFLATE").await;
    assert!(c.conn.is_compressed());
    let again = c.cmd("COMPRESS DEFLATE").await;
    assert_eq!(again.kind, Some(StatusKind::No));
    c.ok("SELECT INBOX").await;
    let a = c.ok("FETCH 1:* BODY.PEEK[]").await;
    let got = bodies(&a);
    assert_eq!(got.len(), 5);
    for ((_, data), m) in got.iter().zip(&server.messages) {
        assert_eq!(data, m);
    }
    let a = c.cmd("LOGOUT").await;
    assert_eq!(a.kind, Some(StatusKind::Ok));
}

/// SCRAM-SHA-256 (RFC 7677) through the tokio IMAP client against the server: AUTHENTICATE with
/// SASL-IR, the server-final-message as the last challenge, then a wrong password and an
/// unknown user, which fail alike.
#[tokio::test]
async fn scram_sha256_through_the_client() {
    use mailwire_core::Secret;
    use mailwire_tokio::client::{Error, ImapClient, SaslCredentials};
    let scram = |user: &str, password: &str| SaslCredentials::ScramSha256 {
        authzid: None,
        user: user.into(),
        password: Secret::new(password.into()),
    };
    let server = start(options()).await;
    let mut c = ImapClient::new(TcpStream::connect(server.plain).await.unwrap())
        .await
        .unwrap();
    assert!(c.has_capability("AUTH=SCRAM-SHA-256") && c.has_capability("SASL-IR"));
    for (user, password) in [("alice", "wrong"), ("nobody", "secret")] {
        let e = c.authenticate(&scram(user, password)).await.unwrap_err();
        assert!(matches!(e, Error::ImapNo { .. }), "{user}: {e:?}");
    }
    c.authenticate(&scram("alice", "secret")).await.unwrap();
    let selected = c.select("INBOX").await.unwrap();
    assert_eq!(selected.exists, 5);
    c.logout().await.unwrap();
}
