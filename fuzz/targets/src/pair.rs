//! `pop3_pair`: client and server connections back to back, with the scripted application.

use std::collections::VecDeque;

use mailwire_core::line::LineEnding;
use mailwire_core::{Interrupt, Io};
use mailwire_pop3::client::{self, Handle};
use mailwire_pop3::server::{self, RejectReason};
use mailwire_pop3::{AuthLine, Response, Status, StatusKind};

use crate::app::{Answer, App};
use crate::client::{OutputModel, auth_data, enqueue};
use crate::util::{Planned, Rng, header, parse_plan};

/// What the client should see for one command, in order.
#[derive(Debug)]
enum Want {
    /// An answer from the application.
    App(Answer),
    /// A `-ERR` the server connection sent by itself.
    Rejected(RejectReason),
}

/// A body being received by the client.
#[derive(Debug)]
struct OpenBody {
    handle: Handle,
    status: Status<'static>,
    data: Vec<u8>,
}

/// Header: `[flags, seed, chunk_max]`. Flags: bit 0 pipelining, bit 1 TLS from the start, bit 2
/// allow plaintext auth, bit 3 normalize line endings, bit 4 the client accepts bare LF, bit 5 the
/// client accepts `.` LF. The rest is the command plan (see `parse_plan`; `~` shapes are ignored).
/// Bytes move between the machines in chunks of `1..=chunk_max` (`0`: all at once).
pub(crate) fn pair(data: &[u8]) {
    let (h, rest) = header::<3>(data);
    let flags = h[0];
    let mut plan: VecDeque<Planned> = parse_plan(rest)
        .into_iter()
        .map(|mut p| {
            p.expect = None;
            p
        })
        .collect();
    let seed = u64::from(h[1]) | (data.len() as u64) << 8;
    let mut rng = Rng::new(seed);
    let chunk_max = h[2];

    let mut copts = client::Options::default();
    copts.pipelining = flags & 1 != 0;
    copts.tls_active = flags & 2 != 0;
    copts.line_ending = if flags & 16 != 0 {
        LineEnding::CrlfOrLf
    } else {
        LineEnding::Crlf
    };
    copts.bare_lf_terminator = flags & 32 != 0;
    let mut sopts = server::Options::default();
    sopts.tls_active = flags & 2 != 0;
    sopts.allow_plaintext_auth = flags & 4 != 0;
    sopts.normalize_line_endings = flags & 8 != 0;
    // The server must not close the session on its own: every command gets an answer.
    sopts.max_consecutive_errors = u32::MAX;
    let greeting = Status::ok("POP3 server ready <1896.697170952@dbc.mr.net>").expect("text");
    let mut app = App::new(seed.rotate_left(23), sopts.normalize_line_endings);
    let mut srv = server::Connection::new(sopts, greeting.clone());
    let mut cli = client::Connection::new(copts);

    let mut to_server: VecDeque<u8> = VecDeque::new();
    let mut to_client: VecDeque<u8> = VecDeque::new();
    let mut wants: VecDeque<Want> = VecDeque::new();
    let mut challenges: VecDeque<Vec<u8>> = VecDeque::new();
    let mut auth_sent: VecDeque<AuthLine> = VecDeque::new();
    let mut enqueued: Vec<Handle> = Vec::new();
    let mut out = OutputModel::default();
    let mut completed = 0usize;
    let mut body: Option<OpenBody> = None;
    let mut greeted = false;
    let mut srv_closed = false;
    let mut cli_closed = false;

    let transfer = |from: &mut VecDeque<u8>, rng: &mut Rng| -> Vec<u8> {
        let n = if chunk_max == 0 {
            from.len()
        } else {
            rng.range(1, chunk_max as usize).min(from.len())
        };
        from.drain(..n).collect()
    };

    let mut quiet_rounds = 0;
    for round in 0.. {
        assert!(round < 100_000, "no end after {round} rounds");
        let mut progress = false;

        // Enqueue what the plan says next, when the client takes it.
        if !plan.is_empty() && (rng.one_in(2) || quiet_rounds > 0) && !cli_closed {
            let p = plan.pop_front().expect("non-empty");
            match enqueue(&mut cli, &p) {
                Ok(h) => {
                    enqueued.push(h);
                    out.command(mailwire_pop3::codec::Encode::to_wire(&p.command));
                    progress = true;
                }
                Err(client::EnqueueError::AuthInProgress) => plan.push_front(p),
                Err(_) => progress = true,
            }
        }

        // The server.
        while !srv_closed {
            match srv.next() {
                Ok(server::Event::Command(cmd)) => {
                    let answer = app.command(&mut srv, &cmd);
                    record(&mut wants, &mut challenges, answer);
                }
                Ok(server::Event::AuthResponse(data)) => {
                    match auth_sent.pop_front() {
                        Some(AuthLine::Response(d)) => assert_eq!(d, data),
                        other => panic!("server got a SASL response, client sent {other:?}"),
                    }
                    let answer = app.auth_response(&mut srv);
                    record(&mut wants, &mut challenges, answer);
                }
                Ok(server::Event::Rejected(r)) => {
                    if r.reason == RejectReason::AuthCancelled {
                        assert_eq!(auth_sent.pop_front(), Some(AuthLine::Cancel));
                    }
                    wants.push_back(Want::Rejected(r.reason));
                }
                Ok(ev) => panic!("unexpected server event {ev:?}"),
                Err(Interrupt::Io(Io::Output(b))) => {
                    to_client.extend(b);
                    progress = true;
                }
                Err(Interrupt::Io(Io::UpgradeTls)) => progress = true,
                Err(Interrupt::Io(Io::NeedMoreInput)) => break,
                Err(Interrupt::Io(Io::Close)) => srv_closed = true,
                Err(e) => panic!("server: {e:?}"),
            }
        }
        if !to_server.is_empty() && !srv_closed {
            let chunk = transfer(&mut to_server, &mut rng);
            srv.feed(&chunk);
            progress = true;
        }

        // The client.
        while !cli_closed {
            match cli.next() {
                Ok(client::Event::Greeting(s)) => {
                    assert!(!greeted);
                    assert_eq!(s, greeting);
                    greeted = true;
                }
                Ok(client::Event::Response { handle, response }) => {
                    assert!(body.is_none());
                    assert_eq!(Some(&handle), enqueued.get(completed), "FIFO");
                    completed += 1;
                    match wants.pop_front() {
                        Some(Want::App(Answer::Response(r))) => assert_eq!(response, r),
                        Some(Want::Rejected(reason)) => match response {
                            Response::Status(s) => assert_eq!(s.kind, StatusKind::Err, "{reason}"),
                            other => panic!("rejection ({reason}) read as {other:?}"),
                        },
                        other => panic!("client got {response:?}, server sent {other:?}"),
                    }
                }
                Ok(client::Event::BodyStart { handle, status }) => {
                    assert!(body.is_none());
                    assert_eq!(Some(&handle), enqueued.get(completed), "FIFO");
                    body = Some(OpenBody {
                        handle,
                        status,
                        data: Vec::new(),
                    });
                }
                Ok(client::Event::BodyChunk { handle, data }) => {
                    let b = body.as_mut().expect("chunk inside a body");
                    assert_eq!(b.handle, handle);
                    b.data.extend_from_slice(&data);
                }
                Ok(client::Event::BodyEnd { handle }) => {
                    let b = body.take().expect("end inside a body");
                    assert_eq!(b.handle, handle);
                    completed += 1;
                    match wants.pop_front() {
                        Some(Want::App(Answer::Body { status, body })) => {
                            assert_eq!(b.status, status);
                            assert!(b.data == body, "body differs");
                        }
                        other => panic!("client got a body, server sent {other:?}"),
                    }
                }
                Ok(client::Event::Challenge { handle, data }) => {
                    assert_eq!(Some(&handle), enqueued.get(completed));
                    assert_eq!(Some(data.expose()), challenges.pop_front().as_ref());
                    let line = if rng.one_in(4) {
                        cli.auth_cancel().expect("auth_cancel");
                        AuthLine::Cancel
                    } else {
                        let d = auth_data(&mut rng);
                        cli.auth_respond(&d).expect("auth_respond");
                        AuthLine::Response(d.into())
                    };
                    out.auth_line(completed + 1, &line);
                    auth_sent.push_back(line);
                }
                Ok(client::Event::Failed { handle, error }) => {
                    panic!(
                        "{handle:?} failed: {error}; server sent {:?}",
                        wants.front()
                    )
                }
                Ok(ev) => panic!("unexpected client event {ev:?}"),
                Err(Interrupt::Io(Io::Output(b))) => {
                    out.output(&b);
                    to_server.extend(b);
                    progress = true;
                }
                Err(Interrupt::Io(Io::UpgradeTls)) => progress = true,
                Err(Interrupt::Io(Io::NeedMoreInput)) => break,
                Err(Interrupt::Io(Io::Close)) => cli_closed = true,
                Err(Interrupt::Error(e)) => panic!("client error: {e}"),
            }
        }
        if !to_client.is_empty() && !cli_closed {
            let chunk = transfer(&mut to_client, &mut rng);
            cli.feed(&chunk);
            progress = true;
        }

        if progress {
            quiet_rounds = 0;
        } else {
            quiet_rounds += 1;
            if quiet_rounds > 1 && (plan.is_empty() || cli_closed) {
                break;
            }
        }
    }
    assert!(greeted);
    assert!(body.is_none(), "body left open");
    assert_eq!(completed, enqueued.len(), "commands without an answer");
    assert!(wants.is_empty(), "answers the client never read: {wants:?}");
    assert!(challenges.is_empty() && auth_sent.is_empty());
    assert_eq!(cli_closed, srv_closed);
}

fn record(wants: &mut VecDeque<Want>, challenges: &mut VecDeque<Vec<u8>>, answer: Answer) {
    match answer {
        Answer::Challenge(d) => challenges.push_back(d),
        a => wants.push_back(Want::App(a)),
    }
}
