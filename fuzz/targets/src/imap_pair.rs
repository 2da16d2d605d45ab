//! `imap_pair`: the IMAP client and server connections back to back, with the scripted server
//! application.

use std::collections::VecDeque;

use mailwire_core::{Interrupt, Io};
use mailwire_imap::client::{self, EnqueueError};
use mailwire_imap::server;
use mailwire_imap::types::{CommandBody, Response, Tag};

use crate::imap_app::{App, Sent};
use crate::imap_server::{OutputChecker, greeting};
use crate::imap_util::parse_plan;
use crate::util::{Rng, header};

/// Header: `[flags, seed, chunk_max]`. Flags: bit 0 TLS from the start (both sides), bit 1 the
/// server allows plaintext LOGIN, bit 2 the client uses LITERAL+, bit 3 the application decides
/// on literals (accepting or refusing them; else the server accepts them itself), bit 4 the
/// application answers OK, NO or BAD at random (else OK), bit 5 PREAUTH greeting. The rest is a
/// command plan (see `parse_plan`); it ends at the first LOGOUT. Bytes travel in chunks of
/// `1..=chunk_max` (`0`: everything at once). A plan with COMPRESS DEFLATE (and UNAUTHENTICATE)
/// runs the two machines through the RFC 4978 layer.
pub(crate) fn pair(data: &[u8]) {
    let (h, rest) = header::<3>(data);
    let flags = h[0];
    let seed = u64::from(h[1]) | (data.len() as u64) << 8;
    let mut rng = Rng::new(seed);
    let chunk_max = h[2];
    let (plan, _) = parse_plan(rest, 24);
    let mut plan: VecDeque<CommandBody<'static>> = plan.into();
    if let Some(i) = plan.iter().position(|b| matches!(b, CommandBody::Logout)) {
        plan.truncate(i + 1);
    }

    let mut copts = client::Options::default();
    copts.tls_active = flags & 1 != 0;
    copts.literal_plus = flags & 4 != 0;
    let literal_plus = copts.literal_plus;
    let mut sopts = server::Options::default();
    sopts.tls_active = flags & 1 != 0;
    sopts.allow_plaintext_login = flags & 2 != 0;
    sopts.auto_accept_literals = flags & 8 == 0;
    // The application never misbehaves, but refused commands count as errors.
    sopts.max_consecutive_errors = u32::MAX;
    let g = if flags & 32 != 0 {
        greeting(b"* PREAUTH IMAP4rev2 server logged in as Smith\r\n")
    } else {
        greeting(b"* OK [CAPABILITY IMAP4rev2 LITERAL+ AUTH=PLAIN] ready\r\n")
    };
    let mut c = client::Connection::new(copts);
    let mut s = server::Connection::new(sopts, g);
    let mut app = App::new(seed.rotate_left(23));
    app.always_ok = flags & 16 == 0;
    app.always_accept = false;
    let mut out = OutputChecker::new();

    // What the client enqueued: tag, the command, and whether it completed.
    let mut enqueued: Vec<(Tag<'static>, CommandBody<'static>, bool)> = Vec::new();
    // Untagged responses the application sent that the client has not reported yet.
    let mut expect_untagged: VecDeque<Response<'static>> = VecDeque::new();
    let mut seen_sent = 0;
    let mut auth_sent: Vec<Vec<u8>> = Vec::new();
    let (mut to_c, mut to_s) = (Vec::<u8>::new(), Vec::<u8>::new());
    let (mut c_closed, mut s_closed) = (false, false);
    let mut logout_done = false;
    let mut compressed = false;

    for round in 0.. {
        assert!(round < 10_000, "the pair does not settle");
        let mut progress = false;
        // Enqueue what the client takes now.
        while let Some(body) = plan.front().cloned() {
            match c.enqueue(body.clone()) {
                Ok(tag) => {
                    progress = true;
                    plan.pop_front();
                    enqueued.push((tag, body, false));
                }
                Err(EnqueueError::Idling) => break,
                Err(EnqueueError::WrongState { .. } | EnqueueError::TlsActive) => {
                    plan.pop_front();
                }
                Err(e) => panic!("enqueue: {e:?}"),
            }
        }
        // The server side.
        while !s_closed {
            let next = s.next();
            // Compression may start and end (UNAUTHENTICATE) between two outputs.
            compressed |= s.is_compressed();
            match next {
                Ok(ev) => {
                    progress = true;
                    match &ev {
                        server::Event::Command(cmd) => {
                            let e = enqueued
                                .iter()
                                .find(|e| e.0 == cmd.tag)
                                .unwrap_or_else(|| panic!("server got unknown {cmd:?}"));
                            assert!(!e.2, "server got a completed command");
                            if !literal_plus {
                                assert_eq!(cmd.body, e.1, "the server decoded another command");
                            }
                        }
                        server::Event::Rejected(r) => {
                            // Wrong state or plaintext refused: fine. Syntax errors are not.
                            assert!(
                                !matches!(r.reason, server::RejectReason::Syntax(_)),
                                "server rejected the client's bytes: {r:?}"
                            );
                        }
                        server::Event::AuthenticateCancelled
                        | server::Event::IdleDone
                        | server::Event::LiteralAnnounced { .. } => {}
                        server::Event::AuthenticateData(d) => {
                            assert_eq!(Some(d.expose()), auth_sent.first(), "SASL data");
                            auth_sent.remove(0);
                        }
                        other => panic!("unexpected server event {other:?}"),
                    }
                    app.event(&mut s, &ev);
                    for sent in &app.sent[seen_sent..] {
                        if let Sent::Untagged(r) = sent {
                            expect_untagged.push_back(r.clone());
                        }
                    }
                    seen_sent = app.sent.len();
                }
                Err(Interrupt::Io(Io::Output(b))) => {
                    progress = true;
                    // Once COMPRESS is on, the bytes are DEFLATE: the client's decoding (its
                    // events are compared with what the application sent) checks them instead.
                    if !compressed {
                        out.output(&b);
                    }
                    to_c.extend_from_slice(&b);
                }
                Err(Interrupt::Io(Io::NeedMoreInput)) => {
                    if to_s.is_empty() {
                        break;
                    }
                    progress = true;
                    let n = chunk(&mut rng, chunk_max, to_s.len());
                    s.feed(&to_s[..n]);
                    to_s.drain(..n);
                }
                Err(Interrupt::Io(Io::UpgradeTls)) => {
                    progress = true;
                    assert!(app.starttls_ok);
                    app.starttls_ok = false;
                }
                Err(Interrupt::Io(Io::Close)) => s_closed = true,
                Err(Interrupt::Error(e)) => panic!("server error: {e:?}"),
            }
        }
        // The client side.
        while !c_closed {
            match c.next() {
                Ok(ev) => {
                    progress = true;
                    match ev {
                        client::Event::Greeting(_) => {}
                        client::Event::Completed { tag, .. } => {
                            let e = enqueued
                                .iter_mut()
                                .find(|e| e.0 == tag)
                                .unwrap_or_else(|| panic!("completion for unknown {tag:?}"));
                            assert!(!e.2, "{tag:?} completed twice");
                            e.2 = true;
                            if matches!(e.1, CommandBody::Logout) {
                                logout_done = true;
                            }
                        }
                        client::Event::AuthChallenge { .. } => {
                            if rng.one_in(4) {
                                c.authenticate_cancel().expect("cancel");
                            } else {
                                let len = rng.range(0, 20);
                                let d = rng.bytes(len);
                                auth_sent.push(d.clone());
                                c.authenticate_respond(&d).expect("respond");
                            }
                        }
                        client::Event::IdleStarted { .. } => c.idle_done().expect("DONE"),
                        client::Event::Data(d) => {
                            let want = expect_untagged.pop_front();
                            assert_eq!(want, Some(Response::Data(d)), "untagged data");
                        }
                        client::Event::Status(st) => {
                            let want = expect_untagged.pop_front();
                            assert_eq!(want, Some(Response::Status(st)), "untagged status");
                        }
                        other => panic!("unexpected client event {other:?}"),
                    }
                }
                Err(Interrupt::Io(Io::Output(b))) => {
                    progress = true;
                    to_s.extend_from_slice(&b);
                }
                Err(Interrupt::Io(Io::NeedMoreInput)) => {
                    if to_c.is_empty() {
                        break;
                    }
                    progress = true;
                    let n = chunk(&mut rng, chunk_max, to_c.len());
                    c.feed(&to_c[..n]);
                    to_c.drain(..n);
                }
                Err(Interrupt::Io(Io::UpgradeTls)) => progress = true,
                Err(Interrupt::Io(Io::Close)) => c_closed = true,
                Err(Interrupt::Error(e)) => panic!("client error: {e:?}"),
            }
        }
        if !progress {
            break;
        }
    }
    // Every enqueued command completed exactly once (commands after LOGOUT are never enqueued).
    for (tag, body, done) in &enqueued {
        assert!(done, "{tag:?} {} never completed", body.name());
    }
    assert!(plan.is_empty() || logout_done, "plan left: {plan:?}");
    assert!(
        expect_untagged.is_empty(),
        "untagged responses lost: {expect_untagged:?}"
    );
    assert_eq!(c.outstanding(), 0);
    if !logout_done {
        assert!(!c_closed && !s_closed, "a connection closed without LOGOUT");
    }
}

fn chunk(rng: &mut Rng, chunk_max: u8, left: usize) -> usize {
    crate::util::chunk_len(rng, chunk_max, left)
}
