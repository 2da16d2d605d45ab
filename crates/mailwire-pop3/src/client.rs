//! The sans-IO POP3 client connection (RFC 1939 §3–§7, RFC 2449 §6.6, RFC 2595 §4, RFC 5034 §4).
//!
//! [`Connection::enqueue`] takes a [`Command`] and returns a [`Handle`]; the answer comes back as
//! an [`Event`] carrying the same handle. The connection knows which shape of answer each command
//! gets ([`Expect::for_command`]: `LIST` vs `LIST n`, `UIDL` vs `UIDL n`, `AUTH` vs `AUTH mech`),
//! and that a `-ERR` is always a single line, so it never mistakes one response for another. The
//! same queue makes pipelining (RFC 2449 §6.6) work: with [`Options::pipelining`] on, commands are
//! written as soon as they are enqueued, except after `STLS`, `AUTH` and `QUIT`, which must be
//! answered first.
//!
//! Message bodies (`RETR`, `TOP`) are streamed: [`Event::BodyStart`], any number of
//! [`Event::BodyChunk`]s (zero-copy slices of the input where no stuffing dot was removed) and
//! [`Event::BodyEnd`]. Total work is linear in the body size whatever the chunking.
//!
//! **STLS.** When the `+OK` to `STLS` arrives, any bytes the server sent after it are discarded and
//! reported ([`Event::PlaintextDiscarded`]) before [`Io::UpgradeTls`], so a man in the middle
//! cannot inject responses that would be read as coming through TLS.

use std::collections::VecDeque;

use bytes::Bytes;
use mailwire_core::dot::Unstuffer;
use mailwire_core::line::{Frame, LineEnding, LineFramer};
use mailwire_core::{Interrupt, Io, Secret};

use crate::codec::{
    Encode, ErrorKind, Expect, FirstLine, Limits, ListItem, ParseError, assemble, parse_list_line,
    parse_single_line,
};
use crate::types::{AuthLine, Command, Response, SessionState, Status, StatusKind, Text};

/// Client connection settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Line limits (RFC 2449 §4).
    pub limits: Limits,
    /// Line endings accepted from the server. Default: CRLF only.
    pub line_ending: LineEnding,
    /// Quirk: accept `.` LF as the end of a multi-line body (servers that serve LF-only
    /// maildrops unconverted). Default `false`.
    pub bare_lf_terminator: bool,
    /// The transport is already TLS (implicit TLS on port 995). `STLS` is then refused.
    pub tls_active: bool,
    /// Write commands as soon as they are enqueued (RFC 2449 §6.6; only if the server announced
    /// `PIPELINING`). Default `false`: each command waits for the previous answer.
    pub pipelining: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            limits: Limits::default(),
            line_ending: LineEnding::Crlf,
            bare_lf_terminator: false,
            tls_active: false,
            pipelining: false,
        }
    }
}

/// Identifies an enqueued command in the events that answer it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Handle(u64);

impl Handle {
    /// The sequence number of the command (0 for the first).
    pub fn get(self) -> u64 {
        self.0
    }
}

/// What the client connection reports.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// The server greeting (RFC 1939 §4). A `-ERR` greeting ends the session.
    Greeting(Status<'static>),
    /// A complete answer to the command `handle`.
    Response {
        /// The command answered.
        handle: Handle,
        /// The answer.
        response: Response<'static>,
    },
    /// A `+OK` to `RETR` or `TOP`: the body follows as chunks.
    BodyStart {
        /// The command answered.
        handle: Handle,
        /// The status line.
        status: Status<'static>,
    },
    /// The next piece of a body, un-stuffed.
    BodyChunk {
        /// The command answered.
        handle: Handle,
        /// The bytes.
        data: Bytes,
    },
    /// The body is complete.
    BodyEnd {
        /// The command answered.
        handle: Handle,
    },
    /// A SASL challenge (RFC 5034 §4). Answer with [`Connection::auth_respond`] or
    /// [`Connection::auth_cancel`].
    Challenge {
        /// The `AUTH` command.
        handle: Handle,
        /// The decoded challenge.
        data: Secret<Vec<u8>>,
    },
    /// The answer to `handle` does not decode. The connection skipped to the end of it and goes
    /// on with the next answer.
    Failed {
        /// The command answered.
        handle: Handle,
        /// What was wrong.
        error: ParseError,
    },
    /// Bytes the server sent after its `+OK` to `STLS` were discarded before the TLS upgrade.
    PlaintextDiscarded {
        /// How many bytes were dropped.
        bytes: usize,
    },
}

/// Why [`Connection::enqueue`] refused a command.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EnqueueError {
    /// The command is not valid in the session state.
    #[error("{keyword} is not valid in the {state:?} state")]
    WrongState {
        /// The command keyword.
        keyword: String,
        /// The state.
        state: SessionState,
    },
    /// `STLS` on a TLS connection, or after login.
    #[error("STLS is not possible now")]
    TlsNotPossible,
    /// An `AUTH` exchange is waiting for [`Connection::auth_respond`].
    #[error("an AUTH exchange is in progress")]
    AuthInProgress,
    /// `QUIT` was sent or the session ended.
    #[error("the session is closing")]
    Closing,
}

/// Why an `auth_*` call was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("no SASL challenge is waiting for an answer")]
pub struct NoChallenge;

/// Fatal client errors: the connection cannot go on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server sent a line when no answer was expected.
    #[error("unsolicited data from the server near \"{near}\"")]
    Unsolicited {
        /// The data, escaped.
        near: String,
    },
    /// The greeting does not decode.
    #[error("invalid greeting: {0}")]
    Greeting(ParseError),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Login,
    Auth,
    Stls,
    Quit,
    Utf8,
    Other,
}

#[derive(Debug)]
struct InFlight {
    handle: Handle,
    expect: Expect,
    kind: Kind,
}

#[derive(Debug)]
enum Reading {
    Greeting,
    StatusLine,
    Listing {
        status: Status<'static>,
        items: Vec<ListItem<'static>>,
        error: Option<ParseError>,
    },
    Body(Unstuffer),
}

/// The client side of one POP3 connection.
#[derive(Debug)]
pub struct Connection {
    options: Options,
    framer: LineFramer,
    output: Vec<u8>,
    events: VecDeque<Event>,
    to_send: VecDeque<(InFlight, Vec<u8>)>,
    in_flight: VecDeque<InFlight>,
    reading: Reading,
    next_handle: u64,
    state: SessionState,
    tls_active: bool,
    challenge_open: bool,
    upgrade_pending: bool,
    quit_queued: bool,
    closed: bool,
    utf8: bool,
}

impl Connection {
    /// A connection waiting for the server greeting.
    pub fn new(options: Options) -> Self {
        Connection {
            framer: LineFramer::with_line_ending(options.line_ending),
            tls_active: options.tls_active,
            options,
            output: Vec::new(),
            events: VecDeque::new(),
            to_send: VecDeque::new(),
            in_flight: VecDeque::new(),
            reading: Reading::Greeting,
            next_handle: 0,
            state: SessionState::Authorization,
            challenge_open: false,
            upgrade_pending: false,
            quit_queued: false,
            closed: false,
            utf8: false,
        }
    }

    /// The session state, as of the answers received so far.
    pub fn state(&self) -> SessionState {
        self.state
    }

    /// `true` when the transport is TLS.
    pub fn is_tls(&self) -> bool {
        self.tls_active
    }

    /// `true` after a `+OK` to `UTF8` (RFC 6856 §2.1).
    pub fn is_utf8(&self) -> bool {
        self.utf8
    }

    /// Turns pipelining (RFC 2449 §6.6) on or off once the server's `CAPA` answer is known:
    /// with it on, commands are written as soon as they are enqueued (except after `STLS`,
    /// `AUTH` and `QUIT`).
    pub fn set_pipelining(&mut self, on: bool) {
        self.options.pipelining = on;
    }

    /// Commands enqueued and not yet fully answered.
    pub fn outstanding(&self) -> usize {
        self.in_flight.len() + self.to_send.len()
    }

    /// Appends bytes received from the server.
    pub fn feed(&mut self, bytes: &[u8]) {
        if !self.closed {
            self.framer.feed(bytes);
        }
    }

    /// Enqueues a command; its answer is decoded by the shape [`Expect::for_command`] gives.
    pub fn enqueue(&mut self, command: Command<'_>) -> Result<Handle, EnqueueError> {
        let expect = Expect::for_command(&command);
        self.enqueue_expecting(command, expect)
    }

    /// Enqueues a command whose answer has the given shape (for extension commands with a
    /// multi-line answer).
    pub fn enqueue_expecting(
        &mut self,
        command: Command<'_>,
        expect: Expect,
    ) -> Result<Handle, EnqueueError> {
        if self.quit_queued || self.closed {
            return Err(EnqueueError::Closing);
        }
        if self.challenge_open || self.auth_in_flight() {
            return Err(EnqueueError::AuthInProgress);
        }
        let login_in_flight = self.outstanding_kinds().any(|k| k == Kind::Login);
        // With a login in flight the state after it is not known yet: allow either state.
        let state_ok = command.valid_in(self.state)
            || (login_in_flight && command.valid_in(SessionState::Transaction));
        if !state_ok {
            return Err(EnqueueError::WrongState {
                keyword: command.keyword().to_string(),
                state: self.state,
            });
        }
        let kind = match &command {
            Command::Stls
                if self.tls_active || self.outstanding_kinds().any(|k| k == Kind::Stls) =>
            {
                return Err(EnqueueError::TlsNotPossible);
            }
            Command::Stls => Kind::Stls,
            Command::Pass(_) | Command::Apop { .. } => Kind::Login,
            Command::Auth(Some(_)) => Kind::Auth,
            Command::Quit => Kind::Quit,
            Command::Utf8 => Kind::Utf8,
            _ => Kind::Other,
        };
        if kind == Kind::Quit {
            self.quit_queued = true;
        }
        let handle = Handle(self.next_handle);
        self.next_handle += 1;
        let bytes = command.to_wire();
        self.to_send.push_back((
            InFlight {
                handle,
                expect,
                kind,
            },
            bytes,
        ));
        Ok(handle)
    }

    fn outstanding_kinds(&self) -> impl Iterator<Item = Kind> + '_ {
        self.in_flight
            .iter()
            .map(|f| f.kind)
            .chain(self.to_send.iter().map(|(f, _)| f.kind))
    }

    fn auth_in_flight(&self) -> bool {
        self.outstanding_kinds().any(|k| k == Kind::Auth)
    }

    /// Answers the open SASL challenge with `data` (sent base64-encoded).
    pub fn auth_respond(&mut self, data: &[u8]) -> Result<(), NoChallenge> {
        if !self.challenge_open {
            return Err(NoChallenge);
        }
        self.challenge_open = false;
        AuthLine::Response(Secret::new(data.to_vec())).encode(&mut self.output);
        Ok(())
    }

    /// Cancels the open SASL exchange with `*`; the server answers `-ERR`.
    pub fn auth_cancel(&mut self) -> Result<(), NoChallenge> {
        if !self.challenge_open {
            return Err(NoChallenge);
        }
        self.challenge_open = false;
        AuthLine::Cancel.encode(&mut self.output);
        Ok(())
    }

    /// Moves queued commands to the output as far as the pipelining rules allow.
    fn send_queued(&mut self) {
        if matches!(self.reading, Reading::Greeting) {
            return;
        }
        while let Some((f, _)) = self.to_send.front() {
            let barrier = self
                .in_flight
                .back()
                .is_some_and(|b| matches!(b.kind, Kind::Stls | Kind::Auth | Kind::Quit));
            let may_send = self.in_flight.is_empty() || (self.options.pipelining && !barrier);
            if !may_send || (f.kind == Kind::Stls && !self.in_flight.is_empty()) {
                return;
            }
            if let Some((f, bytes)) = self.to_send.pop_front() {
                self.output.extend_from_slice(&bytes);
                self.in_flight.push_back(f);
            }
        }
    }

    /// Runs the machine: returns the next event, or the I/O the driver must perform.
    // Not an Iterator: the "end" is an interrupt that tells the driver what to do, not `None`.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Result<Event, Interrupt<Error>> {
        loop {
            if let Some(ev) = self.events.pop_front() {
                return Ok(ev);
            }
            if self.closed {
                if !self.output.is_empty() {
                    return Err(self.flush());
                }
                return Err(Interrupt::Io(Io::Close));
            }
            if self.upgrade_pending {
                if !self.output.is_empty() {
                    return Err(self.flush());
                }
                if !self.framer.is_empty() {
                    let dropped = self.framer.take_all().len();
                    self.events.push_back(Event::PlaintextDiscarded {
                        bytes: dropped.max(1),
                    });
                    continue;
                }
                self.upgrade_pending = false;
                self.tls_active = true;
                return Err(Interrupt::Io(Io::UpgradeTls));
            }
            self.send_queued();
            match self.read() {
                Ok(true) => continue,
                Ok(false) => {
                    if !self.output.is_empty() {
                        return Err(self.flush());
                    }
                    return Err(Interrupt::Io(Io::NeedMoreInput));
                }
                Err(e) => {
                    self.closed = true;
                    return Err(Interrupt::Error(e));
                }
            }
        }
    }

    fn flush(&mut self) -> Interrupt<Error> {
        Interrupt::Io(Io::Output(core::mem::take(&mut self.output)))
    }

    /// Reads what is buffered; `Ok(true)` if progress was made.
    fn read(&mut self) -> Result<bool, Error> {
        match &mut self.reading {
            Reading::Body(unstuffer) => {
                let Some(front) = self.in_flight.front() else {
                    return Ok(false);
                };
                let handle = front.handle;
                let buffered = self.framer.buffered();
                if buffered.is_empty() {
                    return Ok(false);
                }
                let mut ranges: Vec<core::ops::Range<usize>> = Vec::new();
                let progress = unstuffer.decode(buffered, |r| ranges.push(r));
                if progress.consumed == 0 && !progress.finished {
                    return Ok(false);
                }
                let taken = self.framer.take(progress.consumed);
                let data = match ranges.as_slice() {
                    [] => Bytes::new(),
                    [one] => taken.slice(one.clone()),
                    many => {
                        let mut v = Vec::with_capacity(many.iter().map(|r| r.len()).sum());
                        for r in many {
                            v.extend_from_slice(&taken[r.clone()]);
                        }
                        Bytes::from(v)
                    }
                };
                if !data.is_empty() {
                    self.events.push_back(Event::BodyChunk { handle, data });
                }
                if progress.finished {
                    self.events.push_back(Event::BodyEnd { handle });
                    self.finish_response(true);
                }
                Ok(true)
            }
            Reading::Listing { .. } => self.read_listing_line(),
            Reading::Greeting | Reading::StatusLine => self.read_status_line(),
        }
    }

    fn read_status_line(&mut self) -> Result<bool, Error> {
        let greeting = matches!(self.reading, Reading::Greeting);
        let expect = if greeting {
            Expect::Greeting
        } else {
            match self.in_flight.front() {
                Some(f) => f.expect,
                None if self.framer.buffered().is_empty() => return Ok(false),
                // Data with no command waiting: wait for a whole line to show it in the error.
                None => Expect::Status,
            }
        };
        let limit = if expect == Expect::Auth {
            self.options.limits.max_sasl_line
        } else {
            self.options.limits.max_status_line
        };
        let Some(frame) = self.framer.next_line(limit) else {
            return Ok(false);
        };
        let (line, err) = match frame {
            Frame::Line(l) => (l, None),
            Frame::BareLf(l) => (l, Some(ErrorKind::BareLf)),
            Frame::TooLong(o) => (o.head, Some(ErrorKind::LineTooLong { limit: o.limit })),
        };
        let parsed = match err {
            Some(kind) => Err(kind),
            None => parse_single_line(expect, &line),
        };
        if greeting {
            return match parsed {
                Ok(FirstLine::Done(Response::Greeting(status))) => {
                    if status.kind == StatusKind::Err {
                        self.closed = true;
                    }
                    self.reading = Reading::StatusLine;
                    self.events.push_back(Event::Greeting(status.into_static()));
                    Ok(true)
                }
                Ok(_) => Err(Error::Greeting(ParseError::new(
                    ErrorKind::InvalidStatus,
                    &line,
                ))),
                Err(kind) => Err(Error::Greeting(ParseError::new(kind, &line))),
            };
        }
        let Some(front) = self.in_flight.front() else {
            return Err(Error::Unsolicited {
                near: mailwire_core::text::snippet(&line),
            });
        };
        let handle = front.handle;
        match parsed {
            Ok(FirstLine::Done(Response::Challenge(data))) => {
                self.challenge_open = true;
                self.events.push_back(Event::Challenge { handle, data });
            }
            Ok(FirstLine::Done(response)) => {
                let ok = response.status_kind() == Some(StatusKind::Ok);
                self.events.push_back(Event::Response {
                    handle,
                    response: response.into_static(),
                });
                self.finish_response(ok);
            }
            Ok(FirstLine::MultiLine(status)) => {
                let status = status.into_static();
                if matches!(expect, Expect::Message | Expect::MultiLine) {
                    self.events.push_back(Event::BodyStart { handle, status });
                    self.reading = Reading::Body(
                        Unstuffer::new().with_bare_lf_terminator(self.options.bare_lf_terminator),
                    );
                } else {
                    self.reading = Reading::Listing {
                        status,
                        items: Vec::new(),
                        error: None,
                    };
                }
            }
            Err(kind) => {
                self.events.push_back(Event::Failed {
                    handle,
                    error: ParseError::new(kind, &line),
                });
                self.finish_response(false);
            }
        }
        Ok(true)
    }

    fn read_listing_line(&mut self) -> Result<bool, Error> {
        let Some(front) = self.in_flight.front() else {
            return Ok(false);
        };
        let (handle, expect) = (front.handle, front.expect);
        let Some(frame) = self.framer.next_line(self.options.limits.max_status_line) else {
            return Ok(false);
        };
        let max_lines = self.options.limits.max_listing_lines;
        let Reading::Listing {
            status,
            items,
            error,
        } = &mut self.reading
        else {
            return Ok(false);
        };
        let line = match frame {
            Frame::Line(l) => l,
            Frame::BareLf(l) => {
                error.get_or_insert_with(|| ParseError::new(ErrorKind::BareLf, &l));
                return Ok(true);
            }
            Frame::TooLong(o) => {
                error.get_or_insert_with(|| {
                    ParseError::new(ErrorKind::LineTooLong { limit: o.limit }, &o.head)
                });
                return Ok(true);
            }
        };
        if &line[..] == b"." {
            let status = core::mem::replace(
                status,
                Status {
                    kind: StatusKind::Ok,
                    code: None,
                    text: Text::empty(),
                },
            );
            let items = core::mem::take(items);
            let event = match error.take() {
                Some(error) => Event::Failed { handle, error },
                None => Event::Response {
                    handle,
                    response: assemble(expect, status, items),
                },
            };
            self.events.push_back(event);
            self.finish_response(true);
            return Ok(true);
        }
        if error.is_some() {
            return Ok(true);
        }
        let l = line.strip_prefix(b".").unwrap_or(&line);
        if items.len() >= max_lines {
            *error = Some(ParseError::new(ErrorKind::TooManyLines(max_lines), l));
            items.clear();
            return Ok(true);
        }
        match parse_list_line(expect, l) {
            Ok(item) => items.push(item.into_static()),
            Err(kind) => {
                *error = Some(ParseError::new(kind, l));
                items.clear();
            }
        }
        Ok(true)
    }

    /// The front command's answer is complete: apply its effect.
    fn finish_response(&mut self, ok: bool) {
        self.reading = Reading::StatusLine;
        let Some(done) = self.in_flight.pop_front() else {
            return;
        };
        match done.kind {
            Kind::Login | Kind::Auth if ok => self.state = SessionState::Transaction,
            Kind::Stls if ok => self.upgrade_pending = true,
            Kind::Utf8 if ok => self.utf8 = true,
            Kind::Quit => {
                if self.state == SessionState::Transaction {
                    self.state = SessionState::Update;
                }
                self.closed = true;
            }
            _ => {}
        }
        if done.kind == Kind::Auth {
            self.challenge_open = false;
        }
    }
}
