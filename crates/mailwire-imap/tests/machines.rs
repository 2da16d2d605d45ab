//! The IMAP client state machine against the server state machine, in memory.

use std::num::NonZeroU32;

use mailwire_core::{Interrupt, Io, Secret};
use mailwire_imap::types::*;
use mailwire_imap::{client, server};

fn text(s: &'static str) -> Text<'static> {
    Text::try_from(s).unwrap()
}

fn greeting() -> Greeting<'static> {
    Greeting {
        kind: GreetingKind::Ok,
        code: None,
        text: text("mailwire ready"),
    }
}

fn mailbox(name: &'static str) -> Mailbox<'static> {
    Mailbox::from_astring(AString::try_from(name).unwrap())
}

/// A scripted application: answers commands like a tiny server with one mailbox of `messages`.
struct App {
    messages: Vec<Vec<u8>>,
    appended: Vec<Vec<u8>>,
    reject_literals: bool,
}

impl App {
    fn handle(&mut self, conn: &mut server::Connection, ev: server::Event) {
        use CommandBody::*;
        let cmd = match ev {
            server::Event::Command(c) => c,
            server::Event::AuthenticateData(d) => {
                let ok = d.expose() == b"\0alice\0secret";
                let kind = if ok { StatusKind::Ok } else { StatusKind::No };
                conn.complete(kind, None, "done").unwrap();
                return;
            }
            server::Event::IdleDone => {
                conn.complete(StatusKind::Ok, None, "IDLE terminated")
                    .unwrap();
                return;
            }
            server::Event::LiteralAnnounced { .. } => {
                if self.reject_literals {
                    conn.reject_literal(None, "no thanks").unwrap();
                } else {
                    conn.accept_literal().unwrap();
                }
                return;
            }
            _ => return,
        };
        match cmd.body {
            Capability => {
                conn.send(Response::Data(Data::Capability(
                    Vec1::try_from(vec![mailwire_imap::types::Capability::Imap4Rev2]).unwrap(),
                )))
                .unwrap();
                conn.complete(StatusKind::Ok, None, "done").unwrap();
            }
            Login { password, .. } => {
                let ok = password.expose().as_bytes() == b"secret";
                let kind = if ok { StatusKind::Ok } else { StatusKind::No };
                conn.complete(kind, None, "login").unwrap();
            }
            Authenticate {
                initial_response: None,
                ..
            } => {
                conn.send(Response::Continuation(Continuation::Base64(Secret::new(
                    Vec::new(),
                ))))
                .unwrap();
            }
            Select { .. } => {
                conn.send(Response::Data(Data::Exists(self.messages.len() as u32)))
                    .unwrap();
                conn.complete(StatusKind::Ok, Some(Code::ReadWrite), "selected")
                    .unwrap();
            }
            Fetch { .. } => {
                for (i, m) in self.messages.iter().enumerate() {
                    let items = Vec1::try_from(vec![
                        MessageDataItem::Uid(NonZeroU32::new(i as u32 + 100).unwrap()),
                        MessageDataItem::BodySection {
                            section: None,
                            origin: None,
                            data: NString(Some(IString::Literal(Literal::new(m.clone()).unwrap()))),
                        },
                    ])
                    .unwrap();
                    conn.send(Response::Data(Data::Fetch {
                        seq: NonZeroU32::new(i as u32 + 1).unwrap(),
                        items,
                    }))
                    .unwrap();
                }
                conn.complete(StatusKind::Ok, None, "fetched").unwrap();
            }
            Append { messages, .. } => {
                for m in messages.iter() {
                    self.appended.push(m.data.data().to_vec());
                }
                conn.complete(StatusKind::Ok, None, "appended").unwrap();
            }
            Idle => {
                conn.send(server::idling()).unwrap();
                // Another session delivers mail while we idle.
                conn.send(Response::Data(Data::Exists(7))).unwrap();
            }
            Logout => {
                conn.send(Response::Status(mailwire_imap::types::Status::Bye {
                    code: None,
                    text: text("bye"),
                }))
                .unwrap();
                conn.complete(StatusKind::Ok, None, "logout").unwrap();
            }
            StartTls => conn.complete(StatusKind::Ok, None, "begin TLS").unwrap(),
            _ => conn.complete(StatusKind::Ok, None, "ok").unwrap(),
        }
    }
}

struct Pair {
    client: client::Connection,
    server: server::Connection,
    app: App,
    events: Vec<client::Event>,
    server_events: Vec<server::Event>,
    client_closed: bool,
    server_closed: bool,
    chunk: usize,
}

impl Pair {
    fn new(sopts: server::Options) -> Pair {
        Pair {
            client: client::Connection::new(client::Options::default()),
            server: server::Connection::new(sopts, greeting()),
            app: App {
                messages: vec![b"Subject: a\r\n\r\nhello\r\n".to_vec(), b"x".to_vec()],
                appended: vec![],
                reject_literals: false,
            },
            events: vec![],
            server_events: vec![],
            client_closed: false,
            server_closed: false,
            chunk: 0,
        }
    }

    fn plaintext() -> server::Options {
        server::Options {
            allow_plaintext_login: true,
            ..server::Options::default()
        }
    }

    fn run(&mut self) {
        let (mut to_c, mut to_s) = (Vec::<u8>::new(), Vec::<u8>::new());
        for _ in 0..1_000_000 {
            let mut progress = false;
            loop {
                match self.server.next() {
                    Ok(ev) => {
                        progress = true;
                        self.server_events.push(ev.clone());
                        self.app.handle(&mut self.server, ev);
                    }
                    Err(Interrupt::Io(Io::Output(b))) => {
                        progress = true;
                        to_c.extend(b);
                    }
                    Err(Interrupt::Io(Io::NeedMoreInput)) if !to_s.is_empty() => {
                        progress = true;
                        let n = if self.chunk == 0 {
                            to_s.len()
                        } else {
                            self.chunk.min(to_s.len())
                        };
                        let c: Vec<u8> = to_s.drain(..n).collect();
                        self.server.feed(&c);
                    }
                    Err(Interrupt::Io(Io::Close)) => {
                        self.server_closed = true;
                        break;
                    }
                    Err(Interrupt::Io(Io::UpgradeTls)) => progress = true,
                    Err(Interrupt::Io(_)) => break,
                    Err(Interrupt::Error(e)) => panic!("server: {e}"),
                }
            }
            loop {
                match self.client.next() {
                    Ok(ev) => {
                        progress = true;
                        self.events.push(ev);
                    }
                    Err(Interrupt::Io(Io::Output(b))) => {
                        progress = true;
                        to_s.extend(b);
                    }
                    Err(Interrupt::Io(Io::NeedMoreInput)) if !to_c.is_empty() => {
                        progress = true;
                        let n = if self.chunk == 0 {
                            to_c.len()
                        } else {
                            self.chunk.min(to_c.len())
                        };
                        let c: Vec<u8> = to_c.drain(..n).collect();
                        self.client.feed(&c);
                    }
                    Err(Interrupt::Io(Io::Close)) => {
                        self.client_closed = true;
                        break;
                    }
                    Err(Interrupt::Io(Io::UpgradeTls)) => progress = true,
                    Err(Interrupt::Io(_)) => break,
                    Err(Interrupt::Error(e)) => panic!("client: {e}"),
                }
            }
            if !progress {
                return;
            }
        }
        panic!("did not settle");
    }

    fn call(&mut self, body: CommandBody<'_>) -> (StatusKind, Vec<client::Event>) {
        let start = self.events.len();
        let tag = self.client.enqueue(body).unwrap();
        self.run();
        let evs = self.events[start..].to_vec();
        let kind = evs
            .iter()
            .find_map(|e| match e {
                client::Event::Completed { tag: t, kind, .. } if *t == tag => Some(*kind),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no completion for {tag:?}: {evs:?}"));
        (kind, evs)
    }

    fn login(&mut self) {
        let (k, _) = self.call(CommandBody::Login {
            username: AString::try_from("alice").unwrap(),
            password: Secret::new(AString::try_from("secret").unwrap()),
        });
        assert_eq!(k, StatusKind::Ok);
        assert_eq!(self.client.state(), State::Authenticated);
        assert_eq!(self.server.state(), State::Authenticated);
    }
}

#[test]
fn session_with_literals_both_ways() {
    for chunk in [0, 1, 7] {
        let mut p = Pair::new(Pair::plaintext());
        p.chunk = chunk;
        p.run();
        assert!(matches!(p.events.first(), Some(client::Event::Greeting(_))));
        let (k, evs) = p.call(CommandBody::Capability);
        assert_eq!(k, StatusKind::Ok);
        assert!(
            evs.iter()
                .any(|e| matches!(e, client::Event::Data(Data::Capability(_))))
        );
        p.login();
        let (k, _) = p.call(CommandBody::select(Mailbox::Inbox));
        assert_eq!(k, StatusKind::Ok);
        assert_eq!(p.client.state(), State::Selected);
        let (k, evs) = p.call(CommandBody::Fetch {
            uid: false,
            set: SequenceSet::all(),
            attributes: MacroOrAttributes::Attributes(vec![
                FetchAttribute::Uid,
                FetchAttribute::BodySection {
                    section: None,
                    partial: None,
                    peek: true,
                },
            ]),
            modifiers: vec![],
        });
        assert_eq!(k, StatusKind::Ok);
        let bodies: Vec<Vec<u8>> = evs
            .iter()
            .filter_map(|e| match e {
                client::Event::Data(Data::Fetch { items, .. }) => {
                    items.iter().find_map(|i| match i {
                        MessageDataItem::BodySection { data, .. } => {
                            data.as_bytes().map(<[u8]>::to_vec)
                        }
                        _ => None,
                    })
                }
                _ => None,
            })
            .collect();
        assert_eq!(bodies, p.app.messages, "chunk {chunk}");
        // APPEND with a synchronizing literal: the client waits for "+".
        let msg = b"From: x\r\n\r\nline with CRLF\r\n.\r\n".to_vec();
        let (k, _) = p.call(CommandBody::append(
            mailbox("Sent"),
            Some(vec![Flag::Seen]),
            None,
            AppendData::Literal(Literal::new(msg.clone()).unwrap()),
        ));
        assert_eq!(k, StatusKind::Ok);
        assert_eq!(p.app.appended, vec![msg]);
        let (k, evs) = p.call(CommandBody::Logout);
        assert_eq!(k, StatusKind::Ok);
        assert!(
            evs.iter()
                .any(|e| matches!(e, client::Event::Status(Status::Bye { .. })))
        );
        assert!(p.client_closed && p.server_closed);
    }
}

#[test]
fn rejected_literal_drops_the_rest_of_the_command() {
    let opts = server::Options {
        auto_accept_literals: false,
        ..Pair::plaintext()
    };
    let mut p = Pair::new(opts);
    p.app.reject_literals = true;
    p.run();
    p.login();
    let (k, _) = p.call(CommandBody::append(
        Mailbox::Inbox,
        None,
        None,
        AppendData::Literal(Literal::new(&b"data"[..]).unwrap()),
    ));
    assert_eq!(k, StatusKind::No);
    assert!(p.app.appended.is_empty());
    // The connection is in sync: the next command works.
    assert_eq!(p.call(CommandBody::Noop).0, StatusKind::Ok);
}

#[test]
fn idle_sees_updates_and_ends_with_done() {
    let mut p = Pair::new(Pair::plaintext());
    p.run();
    p.login();
    p.call(CommandBody::select(Mailbox::Inbox));
    let start = p.events.len();
    let tag = p.client.enqueue(CommandBody::Idle).unwrap();
    p.run();
    let evs = &p.events[start..];
    assert!(
        evs.iter()
            .any(|e| matches!(e, client::Event::IdleStarted { tag: t } if *t == tag)),
        "{evs:?}"
    );
    assert!(
        evs.iter()
            .any(|e| matches!(e, client::Event::Data(Data::Exists(7))))
    );
    assert!(matches!(
        p.client.enqueue(CommandBody::Noop),
        Err(client::EnqueueError::Idling)
    ));
    p.client.idle_done().unwrap();
    p.run();
    assert!(p.events.iter().any(
        |e| matches!(e, client::Event::Completed { tag: t, kind: StatusKind::Ok, .. } if *t == tag)
    ));
    assert_eq!(p.call(CommandBody::Noop).0, StatusKind::Ok);
}

#[test]
fn authenticate_with_challenge_and_cancel() {
    let mut p = Pair::new(Pair::plaintext());
    p.run();
    let plain = || CommandBody::Authenticate {
        mechanism: AuthMechanism::plain(),
        initial_response: None,
    };
    let tag = p.client.enqueue(plain()).unwrap();
    p.run();
    assert!(
        p.events
            .iter()
            .any(|e| matches!(e, client::Event::AuthChallenge { tag: t, .. } if *t == tag))
    );
    p.client.authenticate_cancel().unwrap();
    p.run();
    assert!(p.events.iter().any(
        |e| matches!(e, client::Event::Completed { tag: t, kind: StatusKind::Bad, .. } if *t == tag)
    ));
    assert!(
        p.server_events
            .iter()
            .any(|e| matches!(e, server::Event::AuthenticateCancelled))
    );
    let tag = p.client.enqueue(plain()).unwrap();
    p.run();
    p.client.authenticate_respond(b"\0alice\0secret").unwrap();
    p.run();
    assert!(p.events.iter().any(
        |e| matches!(e, client::Event::Completed { tag: t, kind: StatusKind::Ok, .. } if *t == tag)
    ));
    assert_eq!(p.client.state(), State::Authenticated);
    assert_eq!(p.server.state(), State::Authenticated);
}

#[test]
fn wrong_state_and_plaintext_login_are_refused_by_the_server() {
    let mut p = Pair::new(server::Options::default());
    p.run();
    // LOGIN without TLS: NO [PRIVACYREQUIRED].
    let (k, evs) = p.call(CommandBody::Login {
        username: AString::try_from("alice").unwrap(),
        password: Secret::new(AString::try_from("secret").unwrap()),
    });
    assert_eq!(k, StatusKind::No);
    assert!(evs.iter().any(|e| matches!(
        e,
        client::Event::Completed {
            code: Some(Code::Condition(Condition::PrivacyRequired)),
            ..
        }
    )));
    // The client refuses to send FETCH before SELECT; the server refuses it too.
    assert!(p.client.enqueue(CommandBody::Expunge).is_err());
    p.server.feed(b"x1 EXPUNGE\r\nx2 FROB\r\n");
    p.run();
    let reasons: Vec<_> = p
        .server_events
        .iter()
        .filter_map(|e| match e {
            server::Event::Rejected(r) => Some(r.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(matches!(
        reasons[1].reason,
        server::RejectReason::WrongState {
            command: "EXPUNGE",
            ..
        }
    ));
    // An unknown command goes to the application in its generic form (it decides; a server
    // without the extension answers BAD).
    assert!(p.server_events.iter().any(|e| matches!(
        e,
        server::Event::Command(c) if c.tag.as_str() == "x2"
            && matches!(&c.body, CommandBody::Other { name, args: None } if name.as_str() == "FROB")
    )));
}

#[test]
fn starttls_injection_is_fatal_on_both_sides() {
    // Server: plaintext pipelined after STARTTLS.
    let mut s = server::Connection::new(server::Options::default(), greeting());
    let _ = s.next();
    s.feed(b"a STARTTLS\r\nb LOGIN mallory x\r\n");
    assert!(matches!(
        s.next(),
        Ok(server::Event::Command(Command {
            body: CommandBody::StartTls,
            ..
        }))
    ));
    s.complete(StatusKind::Ok, None, "go").unwrap();
    assert!(matches!(s.next(), Err(Interrupt::Io(Io::Output(_)))));
    assert_eq!(
        s.next(),
        Err(Interrupt::Error(server::Error::PlaintextAfterStartTls {
            bytes: 19
        }))
    );
    // Server, clean: upgrade.
    let mut s = server::Connection::new(server::Options::default(), greeting());
    let _ = s.next();
    s.feed(b"a STARTTLS\r\n");
    assert!(matches!(s.next(), Ok(server::Event::Command(_))));
    s.complete(StatusKind::Ok, None, "go").unwrap();
    assert!(matches!(s.next(), Err(Interrupt::Io(Io::Output(_)))));
    assert_eq!(s.next(), Err(Interrupt::Io(Io::UpgradeTls)));
    assert!(s.is_tls());
    // Client: the server sends something after its OK.
    let mut c = client::Connection::new(client::Options::default());
    c.feed(b"* OK hi\r\n");
    assert!(matches!(c.next(), Ok(client::Event::Greeting(_))));
    let tag = c.enqueue(CommandBody::StartTls).unwrap();
    assert!(matches!(c.next(), Err(Interrupt::Io(Io::Output(_)))));
    c.feed(format!("{} OK go\r\n* OK injected\r\n", tag.as_str()).as_bytes());
    assert!(matches!(c.next(), Ok(client::Event::Completed { .. })));
    assert_eq!(
        c.next(),
        Err(Interrupt::Error(client::Error::DataAfterStartTls {
            bytes: 15
        }))
    );
}

#[test]
fn literal_plus_sends_without_waiting() {
    let mut c = client::Connection::new(client::Options {
        literal_plus: true,
        ..client::Options::default()
    });
    c.feed(b"* PREAUTH hi\r\n");
    assert!(matches!(c.next(), Ok(client::Event::Greeting(_))));
    c.enqueue(CommandBody::append(
        Mailbox::Inbox,
        None,
        None,
        AppendData::Literal(Literal::new(&b"abc"[..]).unwrap()),
    ))
    .unwrap();
    match c.next() {
        Err(Interrupt::Io(Io::Output(b))) => assert_eq!(b, b"A1 APPEND INBOX {3+}\r\nabc\r\n"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn untagged_responses_are_never_dropped() {
    let mut c = client::Connection::new(client::Options::default());
    c.feed(b"* OK hi\r\n* 3 EXISTS\r\n* 1 EXPUNGE\r\n* 2 FETCH (FLAGS (\\Seen))\r\n* OK [ALERT] disk full\r\n");
    let mut got = Vec::new();
    while let Ok(ev) = c.next() {
        got.push(ev);
    }
    assert_eq!(got.len(), 5, "{got:?}");
}

#[test]
fn starttls_is_enqueued_once_and_never_under_tls() {
    let mut c = client::Connection::new(client::Options::default());
    c.feed(b"* OK hi\r\n");
    assert!(matches!(c.next(), Ok(client::Event::Greeting(_))));
    c.enqueue(CommandBody::StartTls).unwrap();
    assert!(matches!(c.next(), Err(Interrupt::Io(Io::Output(_)))));
    // In flight: a second one is refused.
    assert_eq!(
        c.enqueue(CommandBody::StartTls),
        Err(client::EnqueueError::TlsActive)
    );
    let mut tls = client::Connection::new(client::Options {
        tls_active: true,
        ..client::Options::default()
    });
    assert_eq!(
        tls.enqueue(CommandBody::StartTls),
        Err(client::EnqueueError::TlsActive)
    );
}
