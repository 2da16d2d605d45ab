//! End to end over real sockets: the POP3 server (mailwire-server over the memory store) behind
//! the tokio driver, and the mailwire POP3 client state machine on the other side.

use std::sync::Arc;
use std::time::Duration;

mod common;

use bytes::BytesMut;
use common::{Server, tls_client};
use mailwire_core::{Interrupt, Io};
use mailwire_mailbox::memory::MemoryStore;
use mailwire_mailbox::{Account, Mailbox, MailboxName, UidSet};
use mailwire_pop3::client::{Connection, Event, Options};
use mailwire_pop3::{Arg, Command, MsgNum, Password, Response};
use mailwire_server::ConnectionInfo;
use mailwire_server::pop3::{Pop3Options, Pop3Server, Pop3Session};
use mailwire_tokio::server::SessionFactory;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

struct Factory(Pop3Server<MemoryStore>);

impl SessionFactory for Factory {
    type Session = Pop3Session<MemoryStore>;
    fn create(&self, info: ConnectionInfo) -> Self::Session {
        self.0.session(info)
    }
    fn refusal(&self, _: &ConnectionInfo) -> Option<Vec<u8>> {
        Some(b"-ERR [SYS/TEMP] busy\r\n".to_vec())
    }
    fn protocol(&self) -> &'static str {
        "pop3"
    }
}

async fn start(options: Pop3Options) -> Server {
    common::start(true, |store| Factory(Pop3Server::new(store, options))).await
}

/// A minimal async driver for the client state machine.
struct Client<S> {
    conn: Connection,
    stream: S,
    buf: Vec<u8>,
}

/// The answer to one command.
#[derive(Debug, Default)]
struct Answer {
    response: Option<Response<'static>>,
    body: Option<BytesMut>,
    ok: bool,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Client<S> {
    fn new(stream: S) -> Self {
        Client {
            conn: Connection::new(Options::default()),
            stream,
            buf: vec![0; 64 * 1024],
        }
    }

    /// Runs the machine until `done` says the wanted event came; returns the events.
    async fn pump(&mut self, mut done: impl FnMut(&Event) -> bool) -> Vec<Event> {
        let mut events = Vec::new();
        loop {
            match self.conn.next() {
                Ok(ev) => {
                    let stop = done(&ev);
                    events.push(ev);
                    if stop {
                        return events;
                    }
                }
                Err(Interrupt::Io(Io::Output(b))) => self.stream.write_all(&b).await.unwrap(),
                Err(Interrupt::Io(Io::NeedMoreInput)) => {
                    let n = self.stream.read(&mut self.buf).await.unwrap();
                    assert!(n > 0, "server closed early; events so far: {events:?}");
                    self.conn.feed(&self.buf[..n]);
                }
                Err(Interrupt::Io(Io::Close | Io::UpgradeTls)) => return events,
                Err(other) => panic!("client: {other:?}"),
            }
        }
    }

    async fn greeting(&mut self) -> String {
        let ev = self.pump(|e| matches!(e, Event::Greeting(_))).await;
        match ev.last() {
            Some(Event::Greeting(s)) => s.text.to_str_lossy().into_owned(),
            other => panic!("{other:?}"),
        }
    }

    async fn cmd(&mut self, command: Command<'_>) -> Answer {
        let h = self.conn.enqueue(command).unwrap();
        let events = self
            .pump(|e| matches!(e, Event::Response { handle, .. } | Event::BodyEnd { handle } | Event::Failed { handle, .. } if *handle == h))
            .await;
        let mut a = Answer::default();
        for ev in events {
            match ev {
                Event::Response { response, .. } => {
                    a.ok = response.status_kind() == Some(mailwire_pop3::StatusKind::Ok);
                    a.response = Some(response);
                }
                Event::BodyStart { .. } => {
                    a.ok = true;
                    a.body = Some(BytesMut::new());
                }
                Event::BodyChunk { data, .. } => a.body.as_mut().unwrap().extend_from_slice(&data),
                _ => {}
            }
        }
        a
    }

    async fn login(&mut self) {
        assert!(self.cmd(Command::User(Arg::new("alice").unwrap())).await.ok);
        let a = self
            .cmd(Command::Pass(Password::new(&b"secret"[..]).unwrap()))
            .await;
        assert!(a.ok, "{a:?}");
    }
}

fn n(i: u32) -> MsgNum {
    MsgNum::new(i).unwrap()
}

async fn full_session<S: AsyncRead + AsyncWrite + Unpin>(c: &mut Client<S>, server: &Server) {
    c.login().await;
    let list = c.cmd(Command::List(None)).await;
    let Some(Response::ScanList { listings, .. }) = list.response else {
        panic!("{list:?}")
    };
    assert_eq!(listings.len(), server.messages.len());
    for (l, m) in listings.iter().zip(&server.messages) {
        assert_eq!(l.size, m.len() as u64);
    }
    for (i, m) in server.messages.iter().enumerate() {
        let a = c.cmd(Command::Retr(n(i as u32 + 1))).await;
        assert_eq!(a.body.as_deref(), Some(&m[..]), "message {i}");
    }
    let top = c
        .cmd(Command::Top {
            msg: n(2),
            lines: 1,
        })
        .await;
    assert_eq!(
        top.body.as_deref(),
        Some(&b"Subject: message 1\r\n\r\n.line 0 of message 1\r\n"[..])
    );
}

#[tokio::test]
async fn plaintext_session_with_dele_and_quit() {
    let server = start(Pop3Options::default()).await;
    let mut c = Client::new(TcpStream::connect(server.plain).await.unwrap());
    assert!(c.greeting().await.starts_with("mailwire POP3 server ready"));
    full_session(&mut c, &server).await;
    assert!(c.cmd(Command::Dele(n(4))).await.ok);
    assert!(c.cmd(Command::Quit).await.ok);
    let inbox = server
        .store
        .account("alice")
        .unwrap()
        .open(&MailboxName::inbox())
        .await
        .unwrap();
    let uids: Vec<u32> = inbox
        .list(&UidSet::all())
        .await
        .unwrap()
        .iter()
        .map(|m| m.uid.get())
        .collect();
    assert_eq!(uids, vec![1, 2, 3, 5]);
}

#[tokio::test]
async fn stls_then_login() {
    let mut o = Pop3Options::default();
    // Treat loopback like a remote peer: passwords need TLS.
    o.plaintext_auth = mailwire_server::pop3::PlaintextAuth::Never;
    let server = start(o).await;
    let mut c = Client::new(TcpStream::connect(server.plain).await.unwrap());
    c.greeting().await;
    let refused = c.cmd(Command::User(Arg::new("alice").unwrap())).await;
    assert!(!refused.ok);
    assert!(c.cmd(Command::Stls).await.ok);
    // The machine asks for the upgrade once the +OK is read.
    let events = c.pump(|_| false).await;
    assert!(events.is_empty());
    let Client { conn, stream, .. } = c;
    let tls = tls_client(stream, &server.cert).await;
    let mut c = Client {
        conn,
        stream: tls,
        buf: vec![0; 65536],
    };
    full_session(&mut c, &server).await;
    assert!(c.cmd(Command::Quit).await.ok);
}

#[tokio::test]
async fn implicit_tls() {
    let server = start(Pop3Options::default()).await;
    let tcp = TcpStream::connect(server.implicit).await.unwrap();
    let tls = tls_client(tcp, &server.cert).await;
    let mut c = Client::new(tls);
    c.greeting().await;
    full_session(&mut c, &server).await;
    assert!(c.cmd(Command::Quit).await.ok);
}

#[tokio::test]
async fn dropped_connections_delete_nothing_and_release_the_lock() {
    let server = start(Pop3Options::default()).await;
    for _ in 0..3 {
        let mut c = Client::new(TcpStream::connect(server.plain).await.unwrap());
        c.greeting().await;
        c.login().await;
        assert!(c.cmd(Command::Dele(n(1))).await.ok);
        assert!(c.cmd(Command::Dele(n(2))).await.ok);
        drop(c);
        // The next login waits until the dropped session released the maildrop lock; the
        // server then answers -ERR [IN-USE], so retry until it is released.
        loop {
            let mut c = Client::new(TcpStream::connect(server.plain).await.unwrap());
            c.greeting().await;
            assert!(c.cmd(Command::User(Arg::new("alice").unwrap())).await.ok);
            let a = c
                .cmd(Command::Pass(Password::new(&b"secret"[..]).unwrap()))
                .await;
            if a.ok {
                let stat = c.cmd(Command::Stat).await;
                assert!(
                    matches!(stat.response, Some(Response::Stat { count: 5, .. })),
                    "{stat:?}"
                );
                break;
            }
            tokio::task::yield_now().await;
        }
    }
    server.shutdown.trigger();
    server.shutdown.wait().await;
    let inbox = server
        .store
        .account("alice")
        .unwrap()
        .open(&MailboxName::inbox())
        .await
        .unwrap();
    assert_eq!(inbox.list(&UidSet::all()).await.unwrap().len(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_concurrent_sessions() {
    let mut o = Pop3Options::default();
    o.exclusive_lock = false;
    let server = Arc::new(start(o).await);
    let mut tasks = Vec::new();
    for _ in 0..32 {
        let server = server.clone();
        tasks.push(tokio::spawn(async move {
            let mut c = Client::new(TcpStream::connect(server.plain).await.unwrap());
            c.greeting().await;
            c.login().await;
            let uidl = c.cmd(Command::Uidl(None)).await;
            let Some(Response::UidList { listings, .. }) = uidl.response else {
                panic!()
            };
            assert_eq!(listings.len(), 5);
            let a = c.cmd(Command::Retr(n(3))).await;
            assert_eq!(a.body.as_deref(), Some(&server.messages[2][..]));
            assert!(c.cmd(Command::Quit).await.ok);
            listings
                .iter()
                .map(|l| l.uid.as_str().to_string())
                .collect::<Vec<_>>()
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.push(t.await.unwrap());
    }
    assert!(
        all.windows(2).all(|w| w[0] == w[1]),
        "UIDL is the same for every session"
    );
}

#[tokio::test]
async fn wrong_password_then_right() {
    let mut o = Pop3Options::default();
    o.failed_login_delay = Duration::from_millis(50);
    let server = start(o).await;
    let mut c = Client::new(TcpStream::connect(server.plain).await.unwrap());
    c.greeting().await;
    assert!(c.cmd(Command::User(Arg::new("alice").unwrap())).await.ok);
    let started = std::time::Instant::now();
    let a = c
        .cmd(Command::Pass(Password::new(&b"wrong"[..]).unwrap()))
        .await;
    assert!(!a.ok);
    assert!(
        started.elapsed() >= Duration::from_millis(50),
        "the failure is answered late"
    );
    c.login().await;
}
