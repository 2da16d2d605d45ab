//! The client and server machines with the session-changing extensions: COMPRESS=DEFLATE (RFC
//! 4978) over a whole session, ENABLE tracking (RFC 5161), UNAUTHENTICATE (RFC 8437) and unknown
//! commands handed to the application.

use std::num::NonZeroU32;

use mailwire_core::{Interrupt, Io};
use mailwire_imap::types::*;
use mailwire_imap::{client, server};

fn text(s: &'static str) -> Text<'static> {
    Text::new(s.as_bytes()).unwrap()
}

fn atom(s: &'static str) -> Atom<'static> {
    Atom::new(s).unwrap()
}

/// A body large and repetitive enough that compression shows.
fn body() -> Vec<u8> {
    let mut b = b"Subject: compress me\r\n\r\n".to_vec();
    for k in 0..200 {
        b.extend_from_slice(format!("line {k} of a rather repetitive message body\r\n").as_bytes());
    }
    b
}

/// A scripted server application.
fn answer(conn: &mut server::Connection, ev: server::Event, log: &mut Vec<String>) {
    let cmd = match ev {
        server::Event::Command(c) => c,
        server::Event::IdleDone => {
            conn.complete(StatusKind::Ok, None, "IDLE done").unwrap();
            return;
        }
        other => {
            log.push(format!("{other:?}"));
            return;
        }
    };
    log.push(format!("{} {}", cmd.tag.as_str(), cmd.body.name()));
    match cmd.body {
        CommandBody::Enable(caps) => {
            let known: Vec<Atom<'static>> = caps
                .iter()
                .filter(|c| !c.as_str().eq_ignore_ascii_case("X-UNKNOWN"))
                .cloned()
                .collect();
            conn.send(Response::Data(Data::Enabled(known))).unwrap();
            conn.complete(StatusKind::Ok, None, "enabled").unwrap();
        }
        CommandBody::Compress(CompressionAlgorithm::Deflate) => {
            if conn.is_compressed() {
                conn.complete(
                    StatusKind::No,
                    Some(Code::CompressionActive),
                    "already compressing",
                )
                .unwrap();
            } else {
                conn.complete(StatusKind::Ok, None, "DEFLATE active")
                    .unwrap();
            }
        }
        CommandBody::Select { .. } => {
            conn.send(Response::Data(Data::Exists(1))).unwrap();
            conn.complete(StatusKind::Ok, Some(Code::ReadWrite), "selected")
                .unwrap();
        }
        CommandBody::Fetch { .. } => {
            let items = Vec1::try_from(vec![
                MessageDataItem::Uid(NonZeroU32::new(7).unwrap()),
                MessageDataItem::BodySection {
                    section: None,
                    origin: None,
                    data: NString(Some(IString::Literal(Literal::new(body()).unwrap()))),
                },
            ])
            .unwrap();
            conn.send(Response::Data(Data::Fetch {
                seq: NonZeroU32::new(1).unwrap(),
                items,
            }))
            .unwrap();
            conn.complete(StatusKind::Ok, None, "fetched").unwrap();
        }
        CommandBody::Idle => {
            conn.send(server::idling()).unwrap();
            conn.send(Response::Data(Data::Exists(2))).unwrap();
        }
        CommandBody::Other { .. } => conn
            .complete(StatusKind::Bad, None, "unknown command")
            .unwrap(),
        CommandBody::Logout => {
            conn.send(Response::Status(Status::Bye {
                code: None,
                text: text("bye"),
            }))
            .unwrap();
            conn.complete(StatusKind::Ok, None, "logout").unwrap();
        }
        _ => conn.complete(StatusKind::Ok, None, "done").unwrap(),
    }
}

/// What one run of the session saw.
#[derive(Debug, PartialEq)]
struct Outcome {
    client_events: Vec<String>,
    server_log: Vec<String>,
    /// Every byte each side put on the wire.
    to_server: Vec<u8>,
    to_client: Vec<u8>,
}

/// Client steps: a command to enqueue once the previous one completed, or `DONE` for IDLE.
enum Step {
    Cmd(CommandBody<'static>),
    Done,
    /// Checks on both machines at this point.
    Check(fn(&client::Connection, &server::Connection)),
}

fn session(chunk: usize, steps: Vec<Step>) -> Outcome {
    let sopts = server::Options {
        allow_plaintext_login: true,
        ..server::Options::default()
    };
    let greeting = Greeting {
        kind: GreetingKind::Ok,
        code: None,
        text: text("ready"),
    };
    let mut s = server::Connection::new(sopts, greeting);
    let mut c = client::Connection::new(client::Options::default());
    let mut out = Outcome {
        client_events: vec![],
        server_log: vec![],
        to_server: vec![],
        to_client: vec![],
    };
    let (mut to_c, mut to_s) = (Vec::<u8>::new(), Vec::<u8>::new());
    let mut steps = steps.into_iter();
    let mut waiting: Option<Tag<'static>> = None;
    let mut greeted = false;
    let mut idling = false;
    for _ in 0..1_000_000 {
        let mut progress = false;
        loop {
            match s.next() {
                Ok(ev) => {
                    progress = true;
                    answer(&mut s, ev, &mut out.server_log);
                }
                Err(Interrupt::Io(Io::Output(b))) => {
                    progress = true;
                    out.to_client.extend_from_slice(&b);
                    to_c.extend(b);
                }
                Err(Interrupt::Io(Io::NeedMoreInput)) if !to_s.is_empty() => {
                    progress = true;
                    let n = if chunk == 0 {
                        to_s.len()
                    } else {
                        chunk.min(to_s.len())
                    };
                    let piece: Vec<u8> = to_s.drain(..n).collect();
                    s.feed(&piece);
                }
                Err(Interrupt::Io(Io::NeedMoreInput)) => break,
                Err(Interrupt::Io(Io::Close)) => break,
                Err(other) => panic!("server: {other:?}"),
            }
        }
        loop {
            match c.next() {
                Ok(ev) => {
                    progress = true;
                    match &ev {
                        client::Event::Greeting(_) => greeted = true,
                        client::Event::Completed { tag, .. } if Some(tag) == waiting.as_ref() => {
                            waiting = None
                        }
                        client::Event::IdleStarted { .. } => idling = true,
                        _ => {}
                    }
                    out.client_events.push(format!("{ev:?}"));
                }
                Err(Interrupt::Io(Io::Output(b))) => {
                    progress = true;
                    out.to_server.extend_from_slice(&b);
                    to_s.extend(b);
                }
                Err(Interrupt::Io(Io::NeedMoreInput)) if !to_c.is_empty() => {
                    progress = true;
                    let n = if chunk == 0 {
                        to_c.len()
                    } else {
                        chunk.min(to_c.len())
                    };
                    let piece: Vec<u8> = to_c.drain(..n).collect();
                    c.feed(&piece);
                }
                Err(Interrupt::Io(Io::NeedMoreInput)) => break,
                Err(Interrupt::Io(Io::Close)) => return out,
                Err(other) => panic!("client: {other:?}"),
            }
        }
        if greeted && waiting.is_none() && to_c.is_empty() && to_s.is_empty() {
            match steps.next() {
                Some(Step::Cmd(body)) => {
                    waiting = Some(c.enqueue(body).unwrap());
                    progress = true;
                }
                Some(Step::Done) => panic!("DONE outside IDLE"),
                Some(Step::Check(f)) => {
                    f(&c, &s);
                    progress = true;
                }
                None => {}
            }
        } else if idling && to_c.is_empty() && to_s.is_empty() {
            // IDLE runs: the next step ends it.
            idling = false;
            if let Some(Step::Done) = steps.next() {
                c.idle_done().unwrap();
                progress = true;
            }
        }
        if !progress {
            return out;
        }
    }
    panic!("no end");
}

fn login() -> CommandBody<'static> {
    CommandBody::Login {
        username: AString::try_from("alice").unwrap(),
        password: mailwire_core::Secret::new(AString::try_from("secret").unwrap()),
    }
}

fn compressed_session() -> Vec<Step> {
    vec![
        Step::Cmd(login()),
        Step::Cmd(CommandBody::Enable(
            Vec1::try_from(vec![atom("CONDSTORE"), atom("X-UNKNOWN")]).unwrap(),
        )),
        Step::Check(|c, s| {
            assert!(c.enabled().contains("condstore") && !c.enabled().contains("X-UNKNOWN"));
            assert_eq!(s.enabled(), c.enabled());
            assert!(!c.is_compressed() && !s.is_compressed());
        }),
        Step::Cmd(CommandBody::Compress(CompressionAlgorithm::Deflate)),
        Step::Check(|c, s| assert!(c.is_compressed() && s.is_compressed())),
        Step::Cmd(CommandBody::Compress(CompressionAlgorithm::Deflate)),
        Step::Cmd(CommandBody::select(Mailbox::Inbox)),
        Step::Cmd(CommandBody::Fetch {
            uid: false,
            set: SequenceSet::single(NonZeroU32::new(1).unwrap()),
            attributes: MacroOrAttributes::Attributes(vec![FetchAttribute::BodySection {
                section: None,
                partial: None,
                peek: true,
            }]),
            modifiers: Vec::new(),
        }),
        Step::Cmd(CommandBody::append(
            Mailbox::Inbox,
            None,
            None,
            AppendData::Literal(Literal::new(body()).unwrap()),
        )),
        Step::Cmd(CommandBody::Other {
            name: atom("XFROB"),
            args: Some(RawArgs::text(&b"1 (two)"[..]).unwrap()),
        }),
        Step::Cmd(CommandBody::Idle),
        Step::Done,
        Step::Cmd(CommandBody::Unauthenticate),
        Step::Check(|c, s| {
            assert_eq!(c.state(), State::NotAuthenticated);
            assert_eq!(s.state(), State::NotAuthenticated);
            assert!(c.enabled().as_slice().is_empty() && s.enabled().as_slice().is_empty());
            assert!(!c.is_compressed() && !s.is_compressed());
        }),
        Step::Cmd(login()),
        Step::Cmd(CommandBody::Noop),
        Step::Cmd(CommandBody::Logout),
    ]
}

#[test]
fn compress_round_trip_over_a_whole_session_in_any_chunking() {
    let whole = session(0, compressed_session());
    // Everything completed, in order, and the client saw the body it was sent.
    let completions: Vec<&String> = whole
        .client_events
        .iter()
        .filter(|e| e.starts_with("Completed"))
        .collect();
    assert_eq!(completions.len(), 13, "{:#?}", whole.client_events);
    assert!(
        completions[3].contains("CompressionActive"),
        "{}",
        completions[3]
    );
    assert!(completions[7].contains("Bad"), "{}", completions[7]);
    assert!(completions.last().unwrap().contains("logout"));
    assert!(
        whole
            .client_events
            .iter()
            .any(|e| e.contains("IdleStarted"))
    );
    assert!(
        whole.server_log.iter().any(|l| l.ends_with("(unknown)")),
        "{:?}",
        whole.server_log
    );
    // On the wire: plaintext up to COMPRESS's OK, then compressed (the FETCH body never shows,
    // and the 8 KB body takes far less room), then plaintext again after UNAUTHENTICATE.
    let ok = b"OK DEFLATE active\r\n";
    let at = whole
        .to_client
        .windows(ok.len())
        .position(|w| w == ok)
        .unwrap();
    let after = &whole.to_client[at + ok.len()..];
    assert!(!after.windows(10).any(|w| w == b"repetitive"));
    assert!(
        whole.to_client.len() < body().len() / 2,
        "{}",
        whole.to_client.len()
    );
    assert!(!whole.to_server.windows(6).any(|w| w == b"APPEND"));
    assert!(whole.to_server.windows(5).any(|w| w == b"LOGIN"));
    assert!(whole.to_server.ends_with(b" LOGOUT\r\n"));
    assert!(whole.to_client.ends_with(b" OK logout\r\n"));
    for chunk in [1, 2, 3, 5, 7, 64, 1000] {
        let split = session(chunk, compressed_session());
        assert_eq!(split.client_events, whole.client_events, "chunk {chunk}");
        assert_eq!(split.server_log, whole.server_log, "chunk {chunk}");
    }
}

#[test]
fn rfc4978_example_refused_twice() {
    // RFC 4978 §3: the second COMPRESS is refused with COMPRESSIONACTIVE (the RFC's example has
    // the server refuse because TLS compresses; here because COMPRESS already does).
    let out = session(
        0,
        vec![
            Step::Cmd(login()),
            Step::Cmd(CommandBody::Compress(CompressionAlgorithm::Deflate)),
            Step::Cmd(CommandBody::Compress(CompressionAlgorithm::Deflate)),
            Step::Cmd(CommandBody::Logout),
        ],
    );
    let completions: Vec<&String> = out
        .client_events
        .iter()
        .filter(|e| e.starts_with("Completed"))
        .collect();
    assert!(completions[1].contains("kind: Ok"), "{}", completions[1]);
    assert!(completions[2].contains("No") && completions[2].contains("CompressionActive"));
}

#[test]
fn garbage_after_compress_is_a_fatal_error() {
    let mut c = client::Connection::new(client::Options::default());
    c.feed(b"* OK ready\r\n");
    assert!(matches!(c.next(), Ok(client::Event::Greeting(_))));
    c.enqueue(login()).unwrap();
    let _ = c.next();
    c.feed(b"A1 OK in\r\n");
    assert!(matches!(c.next(), Ok(client::Event::Completed { .. })));
    c.enqueue(CommandBody::Compress(CompressionAlgorithm::Deflate))
        .unwrap();
    let _ = c.next();
    // The OK, then bytes that are no DEFLATE stream.
    c.feed(b"A2 OK go\r\n\xff\xff\xff\xff\xff\xff");
    assert!(matches!(c.next(), Ok(client::Event::Completed { .. })));
    assert!(c.is_compressed());
    assert!(matches!(
        c.next(),
        Err(Interrupt::Error(client::Error::Compress(_)))
    ));
}

#[test]
fn unauthenticate_allows_login_to_be_queued_behind_it() {
    let mut c = client::Connection::new(client::Options {
        decode: mailwire_imap::codec::Options::responses(),
        ..client::Options::default()
    });
    c.feed(b"* PREAUTH hi\r\n");
    assert!(matches!(c.next(), Ok(client::Event::Greeting(_))));
    assert_eq!(c.state(), State::Authenticated);
    // LOGIN is refused in the Authenticated state, but not behind UNAUTHENTICATE.
    assert!(c.enqueue(login()).is_err());
    c.enqueue(CommandBody::Unauthenticate).unwrap();
    c.enqueue(login()).unwrap();
    let Err(Interrupt::Io(Io::Output(out))) = c.next() else {
        panic!()
    };
    // UNAUTHENTICATE is a barrier: LOGIN waits for its completion.
    assert_eq!(out, b"A1 UNAUTHENTICATE\r\n");
    c.feed(b"A1 OK bye for now\r\n");
    assert!(matches!(c.next(), Ok(client::Event::Completed { .. })));
    assert_eq!(c.state(), State::NotAuthenticated);
    let Err(Interrupt::Io(Io::Output(out))) = c.next() else {
        panic!()
    };
    assert!(out.starts_with(b"A2 LOGIN"));
}

#[test]
fn the_server_sends_the_compress_ok_uncompressed_and_then_compresses() {
    // RFC 4978 §3. (STARTTLS cannot follow COMPRESS: COMPRESS needs the authenticated state,
    // STARTTLS the not authenticated one, and UNAUTHENTICATE ends compression.)
    let greeting = Greeting {
        kind: GreetingKind::PreAuth,
        code: None,
        text: text("hi"),
    };
    let mut s = server::Connection::new(server::Options::default(), greeting);
    assert!(matches!(s.next(), Err(Interrupt::Io(Io::Output(_)))));
    s.feed(b"a1 COMPRESS DEFLATE\r\n");
    assert!(matches!(s.next(), Ok(server::Event::Command(_))));
    s.complete(StatusKind::Ok, None, "DEFLATE active").unwrap();
    // The OK goes out on its own, uncompressed.
    let Err(Interrupt::Io(Io::Output(ok))) = s.next() else {
        panic!()
    };
    assert_eq!(ok, b"a1 OK DEFLATE active\r\n");
    assert!(matches!(s.next(), Err(Interrupt::Io(Io::NeedMoreInput))));
    assert!(s.is_compressed());
    let mut d = mailwire_imap::compress::Deflater::new();
    let mut wire = Vec::new();
    d.compress(b"a2 STARTTLS\r\n", &mut wire).unwrap();
    s.feed(&wire);
    let Ok(server::Event::Rejected(r)) = s.next() else {
        panic!()
    };
    assert!(matches!(r.reason, server::RejectReason::WrongState { .. }));
    // The refusal is compressed.
    let Err(Interrupt::Io(Io::Output(bad))) = s.next() else {
        panic!()
    };
    let mut i = mailwire_imap::compress::Inflater::new();
    i.feed(&bad);
    let mut plain = Vec::new();
    while i.inflate(&mut plain, 100).unwrap() {}
    assert!(plain.starts_with(b"a2 BAD "), "{plain:?}");
}

#[test]
fn a_zero_length_synchronizing_literal_needs_no_continuation() {
    // The server connection asks for no continuation for `{0}` (fuzz finding: the client used
    // to wait for one, and the pair stalled).
    let mut c = client::Connection::new(client::Options::default());
    c.feed(b"* PREAUTH hi\r\n");
    assert!(matches!(c.next(), Ok(client::Event::Greeting(_))));
    let args = RawArgs::new(vec![
        RawPart::Literal(Literal::new(&b""[..]).unwrap()),
        RawPart::Text(std::borrow::Cow::Borrowed(&b"abc"[..])),
    ])
    .unwrap();
    c.enqueue(CommandBody::Other {
        name: atom("XFROB"),
        args: Some(args),
    })
    .unwrap();
    let Err(Interrupt::Io(Io::Output(out))) = c.next() else {
        panic!()
    };
    assert_eq!(out, b"A1 XFROB {0}\r\nabc\r\n");
}
