//! The client state machine against the server state machine, in memory, including each pitfall
//! that real POP3 implementations got wrong.

mod support;

use mailwire_pop3::{client, server, *};
use support::*;

fn pair() -> Pair {
    let mut p = Pair::new(
        client::Options::default(),
        Pair::plaintext(),
        Maildrop::new(sample_messages()),
    );
    p.run();
    assert!(matches!(
        p.client_events.first(),
        Some(client::Event::Greeting(_))
    ));
    p
}

#[test]
fn full_session_with_deletes_committed_at_quit() {
    let mut p = pair();
    p.login();
    let stat = p.call(Command::Stat);
    assert!(
        matches!(stat, Answer::Response(Response::Stat { count: 3, .. })),
        "{stat:?}"
    );
    // RETR returns exactly the stored bytes; the third message gains the CRLF its last line lacked.
    for (i, m) in sample_messages().iter().enumerate() {
        let Answer::Body(_, body) = p.call(Command::Retr(n(i as u32 + 1))) else {
            panic!()
        };
        let mut expected = m.clone();
        if !expected.ends_with(b"\r\n") {
            expected.extend_from_slice(b"\r\n");
        }
        assert_eq!(body, expected, "message {}", i + 1);
    }
    assert!(is_ok(&p.call(Command::Dele(n(2)))));
    assert!(!p.drop.committed);
    assert!(is_ok(&p.call(Command::Quit)));
    assert!(p.drop.committed && p.drop.deleted[1]);
    assert!(p.client_closed && p.server_closed);
    assert_eq!(p.client.state(), SessionState::Update);
    assert_eq!(p.server.state(), SessionState::Update);
}

#[test]
fn deleted_messages_are_absent_from_list_uidl_stat_and_rset_restores_them() {
    let mut p = pair();
    p.login();
    assert!(is_ok(&p.call(Command::Dele(n(1)))));
    let Answer::Response(Response::Stat { count, size, .. }) = p.call(Command::Stat) else {
        panic!()
    };
    let msgs = sample_messages();
    assert_eq!((count, size), (2, (msgs[1].len() + msgs[2].len()) as u64));
    let Answer::Response(Response::ScanList { listings, .. }) = p.call(Command::List(None)) else {
        panic!()
    };
    assert_eq!(
        listings.iter().map(|l| l.msg.get()).collect::<Vec<_>>(),
        [2, 3]
    );
    let Answer::Response(Response::UidList { listings, .. }) = p.call(Command::Uidl(None)) else {
        panic!()
    };
    assert_eq!(
        listings.iter().map(|l| l.msg.get()).collect::<Vec<_>>(),
        [2, 3]
    );
    assert!(err_text(&p.call(Command::List(Some(n(1))))).is_some());
    assert!(err_text(&p.call(Command::Retr(n(1)))).is_some());
    assert!(is_ok(&p.call(Command::Rset)));
    let Answer::Response(Response::Stat { count, .. }) = p.call(Command::Stat) else {
        panic!()
    };
    assert_eq!(count, 3);
}

#[test]
fn top_zero_sends_the_header_and_blank_line_only() {
    let mut p = pair();
    p.login();
    let Answer::Body(_, body) = p.call(Command::Top {
        msg: n(1),
        lines: 0,
    }) else {
        panic!()
    };
    assert_eq!(body, b"From: a@example.org\r\nSubject: one\r\n\r\n");
    let Answer::Body(_, body) = p.call(Command::Top {
        msg: n(1),
        lines: 2,
    }) else {
        panic!()
    };
    assert!(body.ends_with(b"\r\n\r\nline 1\r\nline 2\r\n"));
    // TOP of a body made of dot lines: the dots survive stuffing.
    let Answer::Body(_, body) = p.call(Command::Top {
        msg: n(2),
        lines: 3,
    }) else {
        panic!()
    };
    assert!(
        body.ends_with(b"\r\n\r\n.\r\n..\r\n.leading\r\n"),
        "{}",
        String::from_utf8_lossy(&body)
    );
}

#[test]
fn retr_zero_is_rejected_by_the_decoder_and_the_session_goes_on() {
    let mut p = pair();
    p.login();
    p.inject(b"RETR 0\r\nRETR -1\r\nRETR 4294967296\r\nNOOP\r\n");
    let rejected: Vec<_> = p
        .server_events
        .iter()
        .filter(|e| matches!(e, server::Event::Rejected(_)))
        .collect();
    assert_eq!(rejected.len(), 3, "{rejected:?}");
    assert!(matches!(
        p.server_events.last(),
        Some(server::Event::Command(Command::Noop))
    ));
    assert_eq!(p.server.state(), SessionState::Transaction);
    // MsgNum cannot even represent 0.
    assert!(MsgNum::new(0).is_none());
}

#[test]
fn err_to_a_multi_line_command_is_one_line() {
    let mut p = Pair::new(
        client::Options::default(),
        Pair::plaintext(),
        Maildrop::new(vec![]),
    );
    p.run();
    p.login();
    // The server answers LIST with -ERR (here: scripted raw), then the next answer must decode.
    let mut c = client::Connection::new(client::Options::default());
    c.feed(b"+OK hi\r\n");
    let h1 = c.enqueue(Command::Capa).unwrap();
    let h2 = c.enqueue(Command::Capa).unwrap();
    c.feed(b"-ERR no listing\r\n+OK\r\nTOP\r\n.\r\n");
    let mut got = Vec::new();
    while let Ok(ev) = c.next().or_else(|_| c.next()) {
        got.push(ev);
        if got.len() > 5 {
            break;
        }
    }
    assert!(
        got.iter().any(|e| matches!(e, client::Event::Response { handle, response: Response::Status(s) } if *handle == h1 && !s.is_ok())),
        "{got:?}"
    );
    assert!(got.iter().any(|e| matches!(e, client::Event::Response { handle, response: Response::Capabilities { capabilities, .. } } if *handle == h2 && capabilities == &[Capability::Top])), "{got:?}");
}

#[test]
fn list_err_through_the_state_machines() {
    let mut p = pair();
    p.login();
    // Message 9 does not exist: the -ERR is one line and the following STAT is intact.
    assert!(err_text(&p.call(Command::List(Some(n(9))))).is_some());
    assert!(matches!(
        p.call(Command::Stat),
        Answer::Response(Response::Stat { count: 3, .. })
    ));
}

#[test]
fn empty_body_is_ok_dot() {
    let mut c = client::Connection::new(client::Options::default());
    c.feed(b"+OK hi\r\n");
    let h = c.enqueue(Command::User(Arg::new("a").unwrap())).unwrap();
    let _ = h;
    let mut server = server::Connection::new(Pair::plaintext(), Status::ok("x").unwrap());
    let _ = server.next();
    // Encoding an empty body gives +OK CRLF . CRLF, and it decodes to an empty body.
    let wire = mailwire_pop3::codec::Encode::to_wire(&Response::Message {
        status: Status::ok("").unwrap(),
        body: Vec::new().into(),
    });
    assert_eq!(wire, b"+OK\r\n.\r\n");
    let (rest, r) = mailwire_pop3::codec::decode_response(
        &wire,
        mailwire_pop3::codec::Expect::Message,
        &Default::default(),
    )
    .unwrap();
    assert!(rest.is_empty());
    assert!(matches!(r, Response::Message { body, .. } if body.is_empty()));
    // And through the machines.
    let mut p = Pair::new(
        client::Options::default(),
        Pair::plaintext(),
        Maildrop::new(vec![Vec::new()]),
    );
    p.run();
    p.login();
    assert_eq!(
        p.call(Command::Retr(n(1))),
        Answer::Body(Status::ok("follows").unwrap(), Vec::new())
    );
}

#[test]
fn large_body_in_odd_chunks_both_ways() {
    let mut big = Vec::new();
    for i in 0..60_000u32 {
        if i % 7 == 0 {
            big.extend_from_slice(b"..");
        }
        big.extend_from_slice(format!("line {i} \u{e9}").as_bytes());
        big.push(0xff);
        big.extend_from_slice(b"\r\n");
    }
    let mut drop = Maildrop::new(vec![big.clone()]);
    drop.chunk = 65_521;
    let mut p = Pair::new(client::Options::default(), Pair::plaintext(), drop);
    p.wire_chunk = 4093;
    p.run();
    p.login();
    let Answer::Body(_, body) = p.call(Command::Retr(n(1))) else {
        panic!()
    };
    assert_eq!(body.len(), big.len());
    assert!(body == big);
    // The client emitted many chunks, none of them after the end.
    let chunks = p
        .client_events
        .iter()
        .filter(|e| matches!(e, client::Event::BodyChunk { .. }))
        .count();
    assert!(chunks > 100, "{chunks}");
}

#[test]
fn pipelined_commands_get_the_same_answers_as_sequential_ones() {
    let commands = || {
        vec![
            Command::Stat,
            Command::List(None),
            Command::List(Some(n(2))),
            Command::Uidl(None),
            Command::Uidl(Some(n(3))),
            Command::Retr(n(2)),
            Command::Top {
                msg: n(3),
                lines: 0,
            },
            Command::Dele(n(1)),
            Command::List(Some(n(1))),
            Command::Capa,
            Command::Noop,
        ]
    };
    let mut seq = pair();
    seq.login();
    let sequential: Vec<Answer> = commands().into_iter().map(|c| seq.call(c)).collect();

    let opts = client::Options {
        pipelining: true,
        ..client::Options::default()
    };
    let mut p = Pair::new(opts, Pair::plaintext(), Maildrop::new(sample_messages()));
    p.run();
    let u = p
        .client
        .enqueue(Command::User(Arg::new("alice").unwrap()))
        .unwrap();
    let pw = p.client.enqueue(pass("secret")).unwrap();
    let handles: Vec<_> = commands()
        .into_iter()
        .map(|c| p.client.enqueue(c).unwrap())
        .collect();
    // All of it goes out in one write.
    let first_write = match p.client.next() {
        Err(mailwire_core::Interrupt::Io(mailwire_core::Io::Output(b))) => b,
        other => panic!("{other:?}"),
    };
    assert!(
        first_write.ends_with(b"NOOP\r\n"),
        "{}",
        String::from_utf8_lossy(&first_write)
    );
    p.server.feed(&first_write);
    p.run();
    assert!(is_ok(&p.answer(u)) && is_ok(&p.answer(pw)));
    let pipelined: Vec<Answer> = handles.iter().map(|h| p.answer(*h)).collect();
    assert_eq!(pipelined, sequential);
}

#[test]
fn wrong_state_commands_are_answered_by_the_machine() {
    let mut p = pair();
    // Transaction commands before login; PASS without USER.
    p.inject(b"STAT\r\nRETR 1\r\nPASS secret\r\nDELE 1\r\n");
    let reasons: Vec<_> = p
        .server_events
        .iter()
        .filter_map(|e| match e {
            server::Event::Rejected(r) => Some(r.reason.clone()),
            _ => None,
        })
        .collect();
    use server::RejectReason::*;
    assert_eq!(
        reasons,
        [
            WrongState(SessionState::Authorization),
            WrongState(SessionState::Authorization),
            PassWithoutUser,
            WrongState(SessionState::Authorization)
        ]
    );
    // The client refuses to send them in the first place.
    assert!(matches!(
        p.client.enqueue(Command::Stat),
        Err(client::EnqueueError::WrongState { .. })
    ));
    p.login();
    // After login: USER, STLS, AUTH are wrong.
    for c in [Command::Stls, Command::Auth(None)] {
        assert!(p.client.enqueue(c).is_err());
    }
    p.inject(b"USER x\r\nSTLS\r\n");
    let n_rejected = p
        .server_events
        .iter()
        .filter(|e| matches!(e, server::Event::Rejected(_)))
        .count();
    assert_eq!(n_rejected, 6);
}

#[test]
fn plaintext_login_refused_without_tls_unless_allowed() {
    let mut p = Pair::new(
        client::Options::default(),
        server::Options::default(),
        Maildrop::new(vec![]),
    );
    p.run();
    let a = p.call(Command::User(Arg::new("alice").unwrap()));
    match a {
        Answer::Response(Response::Status(s)) => {
            assert!(!s.is_ok());
            assert_eq!(s.code, Some(ResponseCode::Auth));
        }
        other => panic!("{other:?}"),
    }
    let plain = Command::Auth(Some(SaslAuth {
        mechanism: Mechanism::PLAIN,
        initial_response: Some(mailwire_core::Secret::new(b"\0alice\0secret".to_vec())),
    }));
    assert!(!is_ok(&p.call(plain)));
    assert_eq!(p.server.state(), SessionState::Authorization);
}

#[test]
fn sasl_plain_with_challenge_and_cancel() {
    let mut p = pair();
    // Empty challenge, then the response.
    let h = p
        .client
        .enqueue(Command::Auth(Some(SaslAuth {
            mechanism: Mechanism::PLAIN,
            initial_response: None,
        })))
        .unwrap();
    p.run();
    assert!(
        matches!(p.client_events.last(), Some(client::Event::Challenge { handle, data }) if *handle == h && data.expose().is_empty())
    );
    // Cancel: the server answers -ERR by itself.
    p.client.auth_cancel().unwrap();
    p.run();
    assert!(err_text(&p.answer(h)).is_some());
    assert!(p.server_events.iter().any(|e| matches!(e, server::Event::Rejected(r) if r.reason == server::RejectReason::AuthCancelled)));
    // Again, with the right credentials.
    let h = p
        .client
        .enqueue(Command::Auth(Some(SaslAuth {
            mechanism: Mechanism::PLAIN,
            initial_response: None,
        })))
        .unwrap();
    p.run();
    p.client.auth_respond(b"\0alice\0secret").unwrap();
    p.run();
    assert!(is_ok(&p.answer(h)));
    assert_eq!(p.server.state(), SessionState::Transaction);
    assert_eq!(p.client.state(), SessionState::Transaction);
    // Initial response with "=" (empty) is accepted by the codec.
    let (_, c) =
        mailwire_pop3::codec::decode_command(b"AUTH PLAIN =\r\n", &Default::default()).unwrap();
    assert!(
        matches!(c, Command::Auth(Some(SaslAuth { initial_response: Some(ir), .. })) if ir.expose().is_empty())
    );
}

#[test]
fn bad_base64_in_sasl_fails_the_exchange() {
    let mut s = server::Connection::new(Pair::plaintext(), Status::ok("hi").unwrap());
    s.feed(b"AUTH PLAIN\r\n");
    let mut out = Vec::new();
    let mut events = Vec::new();
    loop {
        match s.next() {
            Ok(server::Event::Command(_)) => s.sasl_challenge(b"").unwrap(),
            Ok(e) => events.push(e),
            Err(mailwire_core::Interrupt::Io(mailwire_core::Io::Output(b))) => out.extend(b),
            Err(_) => break,
        }
    }
    s.feed(b"not base64!\r\nCAPA\r\n");
    loop {
        match s.next() {
            Ok(e) => events.push(e),
            Err(mailwire_core::Interrupt::Io(mailwire_core::Io::Output(b))) => out.extend(b),
            Err(_) => break,
        }
    }
    assert!(
        matches!(&events[0], server::Event::Rejected(r) if r.reason == server::RejectReason::Syntax(mailwire_pop3::codec::ErrorKind::InvalidBase64))
    );
    // The exchange is over: CAPA is an ordinary command again.
    assert!(matches!(&events[1], server::Event::Command(Command::Capa)));
    assert!(String::from_utf8_lossy(&out).contains("+ \r\n-ERR"));
}

#[test]
fn stls_discards_pipelined_plaintext_on_the_server() {
    let mut s = server::Connection::new(server::Options::default(), Status::ok("hi").unwrap());
    let _ = s.next();
    // A man in the middle appends a command after STLS in the same packet.
    s.feed(b"STLS\r\nUSER mallory\r\n");
    assert_eq!(s.next(), Ok(server::Event::Command(Command::Stls)));
    s.respond(Status::ok("Begin TLS").unwrap().into()).unwrap();
    assert_eq!(
        s.next(),
        Err(mailwire_core::Interrupt::Io(mailwire_core::Io::Output(
            b"+OK Begin TLS\r\n".to_vec()
        )))
    );
    assert_eq!(
        s.next(),
        Ok(server::Event::PlaintextDiscarded { bytes: 14 })
    );
    assert_eq!(
        s.next(),
        Err(mailwire_core::Interrupt::Io(mailwire_core::Io::UpgradeTls))
    );
    assert!(s.is_tls());
    // Inside TLS the injected USER never appears; a new CAPA does; STLS again is refused.
    s.feed(b"CAPA\r\nSTLS\r\n");
    assert_eq!(s.next(), Ok(server::Event::Command(Command::Capa)));
    s.respond(Response::Capabilities {
        status: Status::ok("").unwrap(),
        capabilities: vec![],
    })
    .unwrap();
    assert!(
        matches!(s.next(), Ok(server::Event::Rejected(r)) if r.reason == server::RejectReason::TlsActive)
    );
}

#[test]
fn stls_discards_injected_responses_on_the_client() {
    let mut c = client::Connection::new(client::Options::default());
    c.feed(b"+OK hi\r\n");
    assert!(matches!(c.next(), Ok(client::Event::Greeting(_))));
    let h = c.enqueue(Command::Stls).unwrap();
    assert!(matches!(
        c.next(),
        Err(mailwire_core::Interrupt::Io(mailwire_core::Io::Output(_)))
    ));
    c.feed(b"+OK go\r\n+OK injected\r\n");
    assert!(matches!(c.next(), Ok(client::Event::Response { handle, .. }) if handle == h));
    assert_eq!(
        c.next(),
        Ok(client::Event::PlaintextDiscarded { bytes: 14 })
    );
    assert_eq!(
        c.next(),
        Err(mailwire_core::Interrupt::Io(mailwire_core::Io::UpgradeTls))
    );
    assert!(c.is_tls());
    assert_eq!(
        c.enqueue(Command::Stls),
        Err(client::EnqueueError::TlsNotPossible)
    );
}

#[test]
fn oversized_command_line_is_skipped_and_answered() {
    let mut p = pair();
    let mut line = b"USER ".to_vec();
    line.extend(std::iter::repeat_n(b'a', 10_000));
    line.extend_from_slice(b"\r\n");
    p.inject(&line);
    assert!(p.server_events.iter().any(|e| matches!(e, server::Event::Rejected(r) if matches!(r.reason, server::RejectReason::Syntax(mailwire_pop3::codec::ErrorKind::LineTooLong { limit: 255 })))));
    p.login();
}

#[test]
fn too_many_errors_close_the_connection() {
    let mut s = server::Connection::new(server::Options::default(), Status::ok("hi").unwrap());
    for _ in 0..20 {
        s.feed(b"BOGUS\r\n");
    }
    let mut closed = false;
    let mut rejected = 0;
    for _ in 0..100 {
        match s.next() {
            Ok(server::Event::Rejected(_)) => rejected += 1,
            Err(mailwire_core::Interrupt::Io(mailwire_core::Io::Close)) => {
                closed = true;
                break;
            }
            _ => {}
        }
    }
    assert!(closed);
    assert_eq!(rejected, 10);
}

#[test]
fn secrets_never_reach_debug_output() {
    let (_, c) =
        mailwire_pop3::codec::decode_command(b"PASS hunter2 with spaces\r\n", &Default::default())
            .unwrap();
    assert_eq!(c, pass("hunter2 with spaces"));
    assert!(!format!("{c:?}").contains("hunter2"));
    let (_, c) = mailwire_pop3::codec::decode_command(
        b"AUTH PLAIN AGFsaWNlAGh1bnRlcjI=\r\n",
        &Default::default(),
    )
    .unwrap();
    assert!(!format!("{c:?}").contains("hunter2") && !format!("{c:?}").contains("AGFsaWNl"));
    // A rejected PASS line (too long) does not leak the password either.
    let mut s = server::Connection::new(Pair::plaintext(), Status::ok("hi").unwrap());
    let mut line = b"PASS hunter2".to_vec();
    line.extend(std::iter::repeat_n(b'x', 300));
    line.extend_from_slice(b"\r\nPASS hunter2\r\n");
    s.feed(&line);
    let mut shown = String::new();
    for _ in 0..10 {
        match s.next() {
            Ok(e) => shown.push_str(&format!("{e:?} {e:#?}")),
            Err(mailwire_core::Interrupt::Io(mailwire_core::Io::NeedMoreInput)) => break,
            Err(_) => {}
        }
    }
    assert!(shown.contains("Rejected"), "{shown}");
    assert!(!shown.contains("hunter2"), "{shown}");
    // SASL responses in events.
    let ev = server::Event::AuthResponse(mailwire_core::Secret::new(b"hunter2".to_vec()));
    assert!(!format!("{ev:?}").contains("104")); // 'h'
}

#[test]
fn client_enqueue_rules() {
    let mut c = client::Connection::new(client::Options::default());
    // Commands wait for the greeting.
    c.enqueue(Command::Capa).unwrap();
    assert_eq!(
        c.next(),
        Err(mailwire_core::Interrupt::Io(
            mailwire_core::Io::NeedMoreInput
        ))
    );
    c.feed(b"+OK <a@b>\r\n");
    assert!(
        matches!(c.next(), Ok(client::Event::Greeting(g)) if g.apop_timestamp() == Some(&b"<a@b>"[..]))
    );
    assert!(
        matches!(c.next(), Err(mailwire_core::Interrupt::Io(mailwire_core::Io::Output(b))) if b == b"CAPA\r\n")
    );
    c.enqueue(Command::Quit).unwrap();
    assert_eq!(c.enqueue(Command::Noop), Err(client::EnqueueError::Closing));
}

#[test]
fn unsolicited_server_data_is_a_fatal_client_error() {
    let mut c = client::Connection::new(client::Options::default());
    c.feed(b"+OK hi\r\n+OK surprise\r\n");
    assert!(matches!(c.next(), Ok(client::Event::Greeting(_))));
    assert!(matches!(
        c.next(),
        Err(mailwire_core::Interrupt::Error(
            client::Error::Unsolicited { .. }
        ))
    ));
}

#[test]
fn negative_greeting_closes() {
    let mut c = client::Connection::new(client::Options::default());
    c.feed(b"-ERR [SYS/TEMP] go away\r\n");
    assert!(
        matches!(c.next(), Ok(client::Event::Greeting(g)) if g.code == Some(ResponseCode::SysTemp))
    );
    assert_eq!(
        c.next(),
        Err(mailwire_core::Interrupt::Io(mailwire_core::Io::Close))
    );
}
