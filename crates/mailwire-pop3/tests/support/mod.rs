//! A tiny in-memory maildrop application over the server state machine, and a driver that wires a
//! client connection to a server connection in memory. Test support only: the real session logic
//! lives in mailwire-server.
#![allow(dead_code, unreachable_pub)]

use mailwire_core::sasl::PlainCredentials;
use mailwire_core::{Interrupt, Io};
use mailwire_pop3::client::{self, Handle};
use mailwire_pop3::server;
use mailwire_pop3::*;

pub struct Maildrop {
    pub messages: Vec<(Vec<u8>, String)>,
    pub deleted: Vec<bool>,
    pub committed: bool,
    pub stls_ok: bool,
    user: Option<String>,
    /// How many bytes per body_chunk call when sending bodies.
    pub chunk: usize,
}

impl Maildrop {
    pub fn new(messages: Vec<Vec<u8>>) -> Self {
        let n = messages.len();
        Maildrop {
            messages: messages
                .into_iter()
                .enumerate()
                .map(|(i, m)| (m, format!("uid-{i}")))
                .collect(),
            deleted: vec![false; n],
            committed: false,
            stls_ok: true,
            user: None,
            chunk: 7,
        }
    }

    fn live(&self, n: MsgNum) -> Option<&(Vec<u8>, String)> {
        let i = n.index();
        (i < self.messages.len() && !self.deleted[i]).then(|| &self.messages[i])
    }

    fn ok() -> Status<'static> {
        Status::ok("").unwrap()
    }

    fn no_such() -> Response<'static> {
        Response::Status(Status::err("no such message").unwrap())
    }

    /// Answers one server event.
    pub fn handle(&mut self, conn: &mut server::Connection, ev: server::Event) {
        let cmd = match ev {
            server::Event::Command(c) => c,
            server::Event::AuthResponse(data) => {
                let ok = PlainCredentials::parse(data.expose())
                    .is_ok_and(|c| c.authcid == "alice" && c.password.expose() == "secret");
                let r = if ok {
                    Status::ok("welcome")
                } else {
                    Status::err("bad")
                };
                conn.respond(r.unwrap().into()).unwrap();
                return;
            }
            _ => return,
        };
        let r: Response<'static> = match cmd {
            Command::User(name) => {
                self.user = Some(name.as_str().to_string());
                Response::Status(Self::ok())
            }
            Command::Pass(p) => {
                let ok = self.user.as_deref() == Some("alice") && p.expose() == b"secret";
                Response::Status(if ok {
                    Status::ok("maildrop ready").unwrap()
                } else {
                    Status::err("invalid")
                        .unwrap()
                        .with_code(ResponseCode::Auth)
                })
            }
            Command::Auth(None) => Response::Mechanisms {
                status: Self::ok(),
                mechanisms: vec![Mechanism::PLAIN],
            },
            Command::Auth(Some(a)) if a.mechanism == Mechanism::PLAIN => match a.initial_response {
                None => {
                    conn.sasl_challenge(b"").unwrap();
                    return;
                }
                Some(ir) => {
                    self.handle(conn, server::Event::AuthResponse(ir));
                    return;
                }
            },
            Command::Auth(Some(_)) => Response::Status(Status::err("unsupported").unwrap()),
            Command::Capa => Response::Capabilities {
                status: Self::ok(),
                capabilities: vec![
                    Capability::Top,
                    Capability::Uidl,
                    Capability::User,
                    Capability::Pipelining,
                    Capability::Sasl(vec![Mechanism::PLAIN]),
                ],
            },
            Command::Stat => {
                let live: Vec<_> = (0..self.messages.len())
                    .filter(|&i| !self.deleted[i])
                    .collect();
                Response::Stat {
                    count: live.len() as u32,
                    size: live.iter().map(|&i| self.messages[i].0.len() as u64).sum(),
                    text: Text::empty(),
                }
            }
            Command::List(None) | Command::Uidl(None) => {
                let live = (0..self.messages.len()).filter(|&i| !self.deleted[i]);
                let status = Self::ok();
                if matches!(cmd, Command::List(_)) {
                    Response::ScanList {
                        status,
                        listings: live
                            .map(|i| ScanListing {
                                msg: MsgNum::from_index(i).unwrap(),
                                size: self.messages[i].0.len() as u64,
                                info: Text::empty(),
                            })
                            .collect(),
                    }
                } else {
                    Response::UidList {
                        status,
                        listings: live
                            .map(|i| UidListing {
                                msg: MsgNum::from_index(i).unwrap(),
                                uid: UniqueId::new(self.messages[i].1.clone()).unwrap(),
                            })
                            .collect(),
                    }
                }
            }
            Command::List(Some(n)) => match self.live(n) {
                Some((m, _)) => Response::Scan(ScanListing {
                    msg: n,
                    size: m.len() as u64,
                    info: Text::empty(),
                }),
                None => Self::no_such(),
            },
            Command::Uidl(Some(n)) => match self.live(n) {
                Some((_, uid)) => Response::Uid(UidListing {
                    msg: n,
                    uid: UniqueId::new(uid.clone()).unwrap(),
                }),
                None => Self::no_such(),
            },
            Command::Retr(n) | Command::Top { msg: n, .. } => {
                let Some((m, _)) = self.live(n) else {
                    conn.respond(Self::no_such()).unwrap();
                    return;
                };
                let body = match cmd {
                    Command::Top { lines, .. } => top(m, lines),
                    _ => m.clone(),
                };
                conn.begin_body(Status::ok("follows").unwrap()).unwrap();
                for piece in body.chunks(self.chunk.max(1)) {
                    conn.body_chunk(piece).unwrap();
                }
                conn.end_body().unwrap();
                return;
            }
            Command::Dele(n) => match self.live(n) {
                Some(_) => {
                    self.deleted[n.index()] = true;
                    Response::Status(Status::ok("deleted").unwrap())
                }
                None => Self::no_such(),
            },
            Command::Rset => {
                self.deleted.iter_mut().for_each(|d| *d = false);
                Response::Status(Self::ok())
            }
            Command::Noop | Command::Utf8 => Response::Status(Self::ok()),
            Command::Quit => {
                if conn.state() == SessionState::Transaction {
                    self.committed = true;
                }
                Response::Status(Status::ok("bye").unwrap())
            }
            Command::Stls => Response::Status(if self.stls_ok {
                Status::ok("begin TLS").unwrap()
            } else {
                Status::err("no TLS").unwrap()
            }),
            _ => Response::Status(Status::err("not supported").unwrap()),
        };
        conn.respond(r).unwrap();
    }
}

/// RFC 1939 §7 TOP: the header, the blank line, and the first `lines` lines of the body.
pub fn top(msg: &[u8], lines: u32) -> Vec<u8> {
    let Some(hdr_end) = msg.windows(4).position(|w| w == b"\r\n\r\n").map(|p| p + 4) else {
        return msg.to_vec();
    };
    let mut end = hdr_end;
    for _ in 0..lines {
        match msg[end..].iter().position(|&b| b == b'\n') {
            Some(p) => end += p + 1,
            None => {
                end = msg.len();
                break;
            }
        }
    }
    msg[..end].to_vec()
}

/// One answer as the client saw it (bodies reassembled).
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Response(Response<'static>),
    Body(Status<'static>, Vec<u8>),
    Failed(String),
}

/// A client and a server connection wired together in memory.
pub struct Pair {
    pub client: client::Connection,
    pub server: server::Connection,
    pub drop: Maildrop,
    pub answers: Vec<(Handle, Answer)>,
    pub client_events: Vec<client::Event>,
    pub server_events: Vec<server::Event>,
    pub server_closed: bool,
    pub client_closed: bool,
    body: Option<(Status<'static>, Vec<u8>)>,
    /// Bytes moved per feed call (0 = all at once).
    pub wire_chunk: usize,
}

impl Pair {
    pub fn new(client_opts: client::Options, server_opts: server::Options, drop: Maildrop) -> Self {
        Pair {
            client: client::Connection::new(client_opts),
            server: server::Connection::new(
                server_opts,
                Status::ok("POP3 ready <1.2@test>").unwrap(),
            ),
            drop,
            answers: Vec::new(),
            client_events: Vec::new(),
            server_events: Vec::new(),
            server_closed: false,
            client_closed: false,
            body: None,
            wire_chunk: 0,
        }
    }

    pub fn plaintext() -> server::Options {
        server::Options {
            allow_plaintext_auth: true,
            ..server::Options::default()
        }
    }

    fn take_chunk(buf: &mut Vec<u8>, chunk: usize) -> Vec<u8> {
        let n = if chunk == 0 {
            buf.len()
        } else {
            chunk.min(buf.len())
        };
        buf.drain(..n).collect()
    }

    /// Feeds raw bytes to the server as if from the client, and discards what the server answers.
    pub fn inject(&mut self, bytes: &[u8]) {
        self.server.feed(bytes);
        loop {
            match self.server.next() {
                Ok(ev) => {
                    self.server_events.push(ev.clone());
                    self.drop.handle(&mut self.server, ev);
                }
                Err(Interrupt::Io(Io::Output(_))) => {}
                Err(Interrupt::Io(Io::NeedMoreInput)) => return,
                Err(other) => panic!("{other:?}"),
            }
        }
    }

    /// Moves bytes (at most `wire_chunk` per feed, draining events in between) until both sides
    /// are quiet.
    pub fn run(&mut self) {
        let (mut to_client, mut to_server) = (Vec::new(), Vec::new());
        for _ in 0..10_000_000 {
            let mut progress = false;
            loop {
                match self.server.next() {
                    Ok(ev) => {
                        progress = true;
                        self.server_events.push(ev.clone());
                        self.drop.handle(&mut self.server, ev);
                    }
                    Err(Interrupt::Io(Io::Output(b))) => {
                        progress = true;
                        to_client.extend_from_slice(&b);
                    }
                    Err(Interrupt::Io(Io::NeedMoreInput)) if !to_server.is_empty() => {
                        progress = true;
                        let c = Self::take_chunk(&mut to_server, self.wire_chunk);
                        self.server.feed(&c);
                    }
                    Err(Interrupt::Io(Io::Close)) => {
                        self.server_closed = true;
                        break;
                    }
                    Err(Interrupt::Io(_)) => break,
                    Err(Interrupt::Error(e)) => panic!("server error {e}"),
                }
            }
            loop {
                match self.client.next() {
                    Ok(ev) => {
                        progress = true;
                        self.client_event(ev);
                    }
                    Err(Interrupt::Io(Io::Output(b))) => {
                        progress = true;
                        to_server.extend_from_slice(&b);
                    }
                    Err(Interrupt::Io(Io::NeedMoreInput)) if !to_client.is_empty() => {
                        progress = true;
                        let c = Self::take_chunk(&mut to_client, self.wire_chunk);
                        self.client.feed(&c);
                    }
                    Err(Interrupt::Io(Io::Close)) => {
                        self.client_closed = true;
                        break;
                    }
                    Err(Interrupt::Io(_)) => break,
                    Err(Interrupt::Error(e)) => panic!("client error {e}"),
                }
            }
            if !progress {
                return;
            }
        }
        panic!("pair did not settle");
    }

    fn client_event(&mut self, ev: client::Event) {
        self.client_events.push(ev.clone());
        match ev {
            client::Event::Response { handle, response } => {
                self.answers.push((handle, Answer::Response(response)))
            }
            client::Event::BodyStart { status, .. } => self.body = Some((status, Vec::new())),
            client::Event::BodyChunk { data, .. } => self
                .body
                .as_mut()
                .expect("chunk inside body")
                .1
                .extend_from_slice(&data),
            client::Event::BodyEnd { handle } => {
                let (s, b) = self.body.take().expect("end after start");
                self.answers.push((handle, Answer::Body(s, b)));
            }
            client::Event::Failed { handle, error } => self
                .answers
                .push((handle, Answer::Failed(error.to_string()))),
            _ => {}
        }
    }

    /// Enqueues, runs, and returns the answer to `cmd`.
    pub fn call(&mut self, cmd: Command<'_>) -> Answer {
        let h = self.client.enqueue(cmd).expect("enqueue");
        self.run();
        self.answer(h)
    }

    pub fn answer(&self, h: Handle) -> Answer {
        self.answers
            .iter()
            .find(|(x, _)| *x == h)
            .map(|(_, a)| a.clone())
            .unwrap_or_else(|| panic!("no answer for {h:?}; events {:?}", self.client_events))
    }

    pub fn login(&mut self) {
        assert!(is_ok(&self.call(Command::User(Arg::new("alice").unwrap()))));
        assert!(is_ok(&self.call(pass("secret"))));
        assert_eq!(self.client.state(), SessionState::Transaction);
        assert_eq!(self.server.state(), SessionState::Transaction);
    }
}

pub fn pass(p: &str) -> Command<'static> {
    Command::Pass(Password::new(p.as_bytes().to_vec()).unwrap())
}

pub fn n(x: u32) -> MsgNum {
    MsgNum::new(x).unwrap()
}

pub fn is_ok(a: &Answer) -> bool {
    match a {
        Answer::Response(r) => r.status_kind() == Some(StatusKind::Ok),
        Answer::Body(s, _) => s.is_ok(),
        Answer::Failed(_) => false,
    }
}

pub fn err_text(a: &Answer) -> Option<String> {
    match a {
        Answer::Response(Response::Status(s)) if !s.is_ok() => Some(s.text.to_string()),
        _ => None,
    }
}

/// Three messages: plain, one with dot lines, one 8-bit without a final CRLF.
pub fn sample_messages() -> Vec<Vec<u8>> {
    vec![
        b"From: a@example.org\r\nSubject: one\r\n\r\nline 1\r\nline 2\r\nline 3\r\n".to_vec(),
        b"Subject: dots\r\n\r\n.\r\n..\r\n.leading\r\nmiddle . dot\r\n".to_vec(),
        b"Subject: 8bit\r\n\r\n\xff\xfe caf\xc3\xa9 \x00\x01 no final newline".to_vec(),
    ]
}
