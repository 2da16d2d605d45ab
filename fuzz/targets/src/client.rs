//! `pop3_client`: the client connection with planned commands, fed arbitrary server bytes.

use std::collections::VecDeque;

use mailwire_core::line::LineEnding;
use mailwire_core::{Interrupt, Io};
use mailwire_pop3::AuthLine;
use mailwire_pop3::client::{self, Event, Handle};
use mailwire_pop3::codec::{Encode, Expect};

use crate::util::{
    Planned, Rng, chunk_len, header, is_multi_line_extension, parse_plan, split_at_empty_line,
};

/// Enqueues `p` on `conn` with its planned shape (`XTND` defaults to a multi-line answer).
pub(crate) fn enqueue(
    conn: &mut client::Connection,
    p: &Planned,
) -> Result<Handle, client::EnqueueError> {
    let expect = p
        .expect
        .or_else(|| is_multi_line_extension(&p.command).then_some(Expect::MultiLine));
    match expect {
        Some(e) => conn.enqueue_expecting(p.command.clone(), e),
        None => conn.enqueue(p.command.clone()),
    }
}

/// A SASL response the harness sends: never 3 bytes long, so that its base64 (4 characters)
/// cannot be mistaken for a 4-letter command line when the output is checked.
pub(crate) fn auth_data(rng: &mut Rng) -> Vec<u8> {
    let mut len = rng.range(0, 40);
    if len == 3 {
        len = 4;
    }
    rng.bytes(len)
}

/// Checks the client's output against what was enqueued and answered: every line is the next
/// enqueued command, in order, or the next SASL line once its AUTH command was written.
#[derive(Debug, Default)]
pub(crate) struct OutputModel {
    commands: VecDeque<Vec<u8>>,
    /// SASL lines with the number of commands that must have been written before each.
    auth: VecDeque<(usize, Vec<u8>)>,
    written: usize,
    partial: Vec<u8>,
}

impl OutputModel {
    pub(crate) fn command(&mut self, wire: Vec<u8>) {
        self.commands.push_back(wire);
    }

    pub(crate) fn auth_line(&mut self, after_commands: usize, line: &AuthLine) {
        self.auth.push_back((after_commands, line.to_wire()));
    }

    pub(crate) fn output(&mut self, bytes: &[u8]) {
        assert!(!bytes.is_empty(), "empty output");
        assert!(
            bytes.ends_with(b"\r\n"),
            "output does not end at a line end"
        );
        self.partial.extend_from_slice(bytes);
        while let Some(lf) = self.partial.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = self.partial.drain(..=lf).collect();
            if self.commands.front() == Some(&line) {
                self.commands.pop_front();
                self.written += 1;
            } else if matches!(self.auth.front(), Some((after, l)) if *l == line && self.written >= *after)
            {
                self.auth.pop_front();
            } else {
                panic!(
                    "unexpected output line {:?} (next command {:?})",
                    String::from_utf8_lossy(&line),
                    self.commands
                        .front()
                        .map(|c| String::from_utf8_lossy(c).into_owned())
                );
            }
        }
    }
}

/// Header: `[flags, seed, chunk_max]`. Flags: bit 0 pipelining, bit 1 TLS active, bit 2 accept
/// bare LF, bit 3 accept `.` LF as body end, bit 4 tiny limits, bit 5 enqueue the plan a little at a
/// time between feeds (else all of it before the first feed). Then a command plan (see
/// `parse_plan`) up to the first empty line, then the server's byte stream, fed in chunks.
pub(crate) fn client(data: &[u8]) {
    let (h, rest) = header::<3>(data);
    let flags = h[0];
    let mut opts = client::Options::default();
    opts.pipelining = flags & 1 != 0;
    opts.tls_active = flags & 2 != 0;
    opts.line_ending = if flags & 4 != 0 {
        LineEnding::CrlfOrLf
    } else {
        LineEnding::Crlf
    };
    opts.bare_lf_terminator = flags & 8 != 0;
    if flags & 16 != 0 {
        opts.limits.max_status_line = 40;
        opts.limits.max_sasl_line = 64;
        opts.limits.max_listing_lines = 3;
    }
    let (section, stream) = split_at_empty_line(rest);
    let mut plan: VecDeque<Planned> = parse_plan(section).into();
    let mut rng = Rng::new(u64::from(h[1]) | (data.len() as u64) << 8);
    let chunk_max = h[2];
    let tls_at_start = opts.tls_active;
    let mut conn = client::Connection::new(opts);
    assert_eq!(conn.is_tls(), tls_at_start);

    let mut enqueued: Vec<Handle> = Vec::new();
    let mut out = OutputModel::default();
    let mut completed = 0usize;
    let mut body_open: Option<Handle> = None;
    let mut greeted = false;
    let mut errored = false;
    let mut closed = false;
    let mut upgraded_since_feed = false;
    let mut fed = 0;

    let enqueue_some = |conn: &mut client::Connection,
                        plan: &mut VecDeque<Planned>,
                        enqueued: &mut Vec<Handle>,
                        out: &mut OutputModel,
                        n: usize| {
        for _ in 0..n {
            let Some(p) = plan.pop_front() else { break };
            match enqueue(conn, &p) {
                Ok(h) => {
                    assert_eq!(
                        h.get(),
                        enqueued.len() as u64,
                        "handles are sequence numbers"
                    );
                    enqueued.push(h);
                    out.command(p.command.to_wire());
                }
                Err(client::EnqueueError::AuthInProgress) => {
                    // Retried once the exchange is over.
                    plan.push_front(p);
                    break;
                }
                Err(_) => {}
            }
        }
    };
    let trickle = flags & 32 != 0;
    let n = if trickle {
        rng.range(0, plan.len())
    } else {
        plan.len()
    };
    enqueue_some(&mut conn, &mut plan, &mut enqueued, &mut out, n);

    let max_steps = 64 * (data.len() + 16);
    for step in 0.. {
        assert!(step < max_steps, "no progress after {step} steps");
        match conn.next() {
            Ok(ev) => {
                assert!(!errored && !closed, "event after the end: {ev:?}");
                let answer_event = !matches!(ev, Event::PlaintextDiscarded { .. });
                assert!(
                    !(upgraded_since_feed && answer_event),
                    "{ev:?} after UpgradeTls from pre-TLS input"
                );
                let front = enqueued.get(completed).copied();
                match ev {
                    Event::Greeting(_) => {
                        assert!(!greeted, "two greetings");
                        greeted = true;
                    }
                    Event::Response { handle, .. } | Event::Failed { handle, .. } => {
                        assert!(greeted && body_open.is_none());
                        assert_eq!(Some(handle), front, "completion out of FIFO order");
                        completed += 1;
                    }
                    Event::BodyStart { handle, .. } => {
                        assert!(greeted && body_open.is_none());
                        assert_eq!(Some(handle), front);
                        body_open = Some(handle);
                    }
                    Event::BodyChunk { handle, data } => {
                        assert_eq!(body_open, Some(handle), "chunk outside its body");
                        assert!(!data.is_empty());
                    }
                    Event::BodyEnd { handle } => {
                        assert_eq!(body_open.take(), Some(handle), "end without start");
                        assert_eq!(Some(handle), front);
                        completed += 1;
                    }
                    Event::Challenge { handle, .. } => {
                        assert!(greeted && body_open.is_none());
                        assert_eq!(Some(handle), front);
                        let line = if rng.one_in(4) {
                            conn.auth_cancel().expect("auth_cancel after a challenge");
                            AuthLine::Cancel
                        } else {
                            let d = auth_data(&mut rng);
                            conn.auth_respond(&d)
                                .expect("auth_respond after a challenge");
                            AuthLine::Response(d.into())
                        };
                        out.auth_line(completed + 1, &line);
                        // Only one answer per challenge.
                        assert!(conn.auth_respond(b"again").is_err());
                        assert!(conn.auth_cancel().is_err());
                    }
                    Event::PlaintextDiscarded { bytes } => assert!(bytes > 0),
                    _ => {}
                }
            }
            Err(Interrupt::Io(Io::Output(bytes))) => {
                assert!(!closed);
                out.output(&bytes);
            }
            Err(Interrupt::Io(Io::NeedMoreInput)) => {
                assert!(!errored && !closed);
                assert_eq!(conn.outstanding(), enqueued.len() - completed);
                assert!(conn.auth_respond(b"none").is_err(), "no challenge is open");
                if !plan.is_empty() && (conn.outstanding() == 0 || rng.one_in(2)) {
                    let n = rng.range(1, 3);
                    enqueue_some(&mut conn, &mut plan, &mut enqueued, &mut out, n);
                    continue;
                }
                if fed == stream.len() {
                    break;
                }
                let n = chunk_len(&mut rng, chunk_max, stream.len() - fed);
                conn.feed(&stream[fed..fed + n]);
                fed += n;
                upgraded_since_feed = false;
            }
            Err(Interrupt::Io(Io::UpgradeTls)) => {
                assert!(!errored && !closed);
                assert!(conn.is_tls() && !tls_at_start);
                upgraded_since_feed = true;
            }
            Err(Interrupt::Io(Io::Close)) => {
                if closed {
                    break;
                }
                closed = true;
                assert!(conn.enqueue(mailwire_pop3::Command::Noop).is_err());
                conn.feed(b"+OK\r\n");
            }
            Err(Interrupt::Error(_)) => {
                assert!(!errored && !closed, "two errors");
                errored = true;
            }
        }
    }
}
