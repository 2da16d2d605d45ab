//! The sans-IO IMAP client connection (RFC 9051 §2.2, §3, §5.5, §6; RFC 3501; RFC 7888).
//!
//! [`Connection::enqueue`] takes a command body, gives it a fresh tag and returns the tag; the
//! tagged completion comes back as [`Event::Completed`] with the same tag, and everything the
//! server sends untagged in between as [`Event::Data`] and [`Event::Status`] (never dropped).
//!
//! The connection runs the literal flow: a command's line up to a synchronizing literal is sent,
//! then the literal waits for the server's `+` (RFC 9051 §4.3); with
//! [`Options::literal_plus`] literals are sent non-synchronizing (RFC 7888). If the server
//! answers a waiting command with a tagged `NO`/`BAD` instead of `+`, the rest of that command is
//! dropped. AUTHENTICATE challenges come as [`Event::AuthChallenge`]; IDLE as
//! [`Event::IdleStarted`], ended by [`Connection::idle_done`].
//!
//! Commands are pipelined (RFC 9051 §5.5) except after those that change the state or need the
//! server's answer first (STARTTLS, AUTHENTICATE, LOGIN, SELECT, EXAMINE, CLOSE, UNSELECT,
//! LOGOUT, IDLE): commands after them wait.
//!
//! **STARTTLS.** Bytes the server sent after its `OK` to STARTTLS could have been injected
//! (RFC 9051 §11.1); they make the connection fail instead of being read as coming through TLS.

use std::collections::VecDeque;

use mailwire_core::{Interrupt, Io, Secret};

use crate::codec::decode::{parse_message, response};
use crate::codec::frame::{Frame, Framer};
use crate::codec::{Encode, Fragment, Options as DecodeOptions, ParseError};
use crate::compress::{CompressError, Layer};
use crate::types::{
    AuthenticateData, Code, Command, CommandBody, Continuation, Data, EnabledSet, Greeting,
    GreetingKind, IdleDone, IntoStatic, LiteralMode, Response, State, Status, StatusKind, Tag,
    Text,
};

/// Client connection settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Decoder settings. Default: [`DecodeOptions::responses`].
    pub decode: DecodeOptions,
    /// The transport is already TLS.
    pub tls_active: bool,
    /// The server supports LITERAL+ (RFC 7888): send literals without waiting for `+`.
    pub literal_plus: bool,
    /// Prefix of generated tags (followed by a counter). Default `"A"`.
    pub tag_prefix: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            decode: DecodeOptions::responses(),
            tls_active: false,
            literal_plus: false,
            tag_prefix: "A".to_string(),
        }
    }
}

/// What the client connection reports.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// The server greeting. `BYE` ends the connection.
    Greeting(Greeting<'static>),
    /// Untagged data.
    Data(Data<'static>),
    /// An untagged status (`* OK/NO/BAD/BYE`). `BYE` ends the connection.
    Status(Status<'static>),
    /// A command completed.
    Completed {
        /// The command's tag.
        tag: Tag<'static>,
        /// OK, NO or BAD.
        kind: StatusKind,
        /// The response code.
        code: Option<Code<'static>>,
        /// The text.
        text: Text<'static>,
    },
    /// A SASL challenge during AUTHENTICATE: answer with [`Connection::authenticate_respond`]
    /// or [`Connection::authenticate_cancel`].
    AuthChallenge {
        /// The AUTHENTICATE command's tag.
        tag: Tag<'static>,
        /// The decoded challenge.
        data: Secret<Vec<u8>>,
    },
    /// The server accepted IDLE; untagged updates follow until [`Connection::idle_done`].
    IdleStarted {
        /// The IDLE command's tag.
        tag: Tag<'static>,
    },
    /// A continuation request nothing was waiting for.
    Continuation(Continuation<'static>),
    /// A response that does not decode; the connection skipped it.
    Failed(ParseError),
}

/// Why [`Connection::enqueue`] refused a command.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EnqueueError {
    /// The command is not valid in the state (as far as the answers so far tell).
    #[error("{command} is not valid in the {state:?} state")]
    WrongState {
        /// The command name.
        command: &'static str,
        /// The state.
        state: State,
    },
    /// IDLE is running: end it with `idle_done` first.
    #[error("IDLE is running")]
    Idling,
    /// STARTTLS on a connection that already uses TLS.
    #[error("TLS is already active")]
    TlsActive,
    /// The connection is closing.
    #[error("the connection is closing")]
    Closing,
}

/// A call that does not fit the connection's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CallError {
    /// No AUTHENTICATE challenge is waiting for an answer.
    #[error("no AUTHENTICATE challenge is waiting")]
    NoChallenge,
    /// IDLE is not running.
    #[error("IDLE is not running")]
    NotIdling,
}

/// Fatal client errors.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server sent data after its OK to STARTTLS (possible injection).
    #[error("{bytes} bytes after the STARTTLS OK")]
    DataAfterStartTls {
        /// How many bytes.
        bytes: usize,
    },
    /// The greeting does not decode.
    #[error("invalid greeting: {0}")]
    Greeting(ParseError),
    /// The COMPRESS layer failed (RFC 4978): the server's data is not valid DEFLATE.
    #[error("{0}")]
    Compress(CompressError),
}

#[derive(Debug)]
struct Outgoing {
    tag: Tag<'static>,
    body_kind: Kind,
    fragments: VecDeque<Fragment>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Login,
    Authenticate,
    Select,
    Unselect,
    Logout,
    StartTls,
    Idle,
    Other,
    Compress,
    Unauthenticate,
}

impl Kind {
    fn of(body: &CommandBody<'_>) -> Kind {
        match body {
            CommandBody::Login { .. } => Kind::Login,
            CommandBody::Authenticate { .. } => Kind::Authenticate,
            CommandBody::Select { .. } | CommandBody::Examine { .. } => Kind::Select,
            CommandBody::Close | CommandBody::Unselect => Kind::Unselect,
            CommandBody::Logout => Kind::Logout,
            CommandBody::StartTls => Kind::StartTls,
            CommandBody::Idle => Kind::Idle,
            CommandBody::Compress(_) => Kind::Compress,
            CommandBody::Unauthenticate => Kind::Unauthenticate,
            _ => Kind::Other,
        }
    }

    /// Later commands wait for this one's completion.
    fn is_barrier(self) -> bool {
        self != Kind::Other
    }
}

#[derive(Debug)]
struct InFlight {
    tag: Tag<'static>,
    kind: Kind,
}

/// The client side of one IMAP connection.
#[derive(Debug)]
pub struct Connection {
    options: Options,
    framer: Framer,
    output: Vec<u8>,
    events: VecDeque<Event>,
    queue: VecDeque<Outgoing>,
    /// The command whose fragments are being sent (waiting for `+` before a literal).
    sending: Option<Outgoing>,
    in_flight: VecDeque<InFlight>,
    state: State,
    greeted: bool,
    next_tag: u64,
    challenge_open: bool,
    idling: bool,
    upgrade_pending: bool,
    closed: bool,
    /// Extensions the server reported as enabled (RFC 5161 `ENABLED`).
    enabled: EnabledSet,
    /// COMPRESS (RFC 4978); its wire buffer goes out before `output`.
    compress: Layer,
}

impl Connection {
    /// A connection waiting for the greeting.
    pub fn new(options: Options) -> Self {
        Connection {
            framer: Framer::new(options.decode.limits, options.decode.quirks.bare_lf, false),
            options,
            output: Vec::new(),
            events: VecDeque::new(),
            queue: VecDeque::new(),
            sending: None,
            in_flight: VecDeque::new(),
            state: State::NotAuthenticated,
            greeted: false,
            next_tag: 1,
            challenge_open: false,
            idling: false,
            upgrade_pending: false,
            closed: false,
            enabled: EnabledSet::default(),
            compress: Layer::default(),
        }
    }

    /// The extensions enabled so far (RFC 5161 `ENABLED` responses the server sent; reset by
    /// UNAUTHENTICATE, RFC 8437 §4.1). QRESYNC, UTF8=ACCEPT and IMAP4rev2 change what the
    /// server sends once enabled.
    pub fn enabled(&self) -> &EnabledSet {
        &self.enabled
    }

    /// Whether the COMPRESS=DEFLATE layer is active (RFC 4978).
    pub fn is_compressed(&self) -> bool {
        self.compress.is_active()
    }

    /// The state, as far as the completions received so far tell.
    pub fn state(&self) -> State {
        self.state
    }

    /// `true` when the transport is TLS.
    pub fn is_tls(&self) -> bool {
        self.options.tls_active
    }

    /// Commands enqueued and not yet completed.
    pub fn outstanding(&self) -> usize {
        self.queue.len() + self.in_flight.len()
    }

    /// Sets whether the server supports LITERAL+ (after reading its capabilities).
    pub fn set_literal_plus(&mut self, on: bool) {
        self.options.literal_plus = on;
    }

    /// Appends bytes received from the server (compressed ones once COMPRESS is active).
    pub fn feed(&mut self, bytes: &[u8]) {
        if self.closed {
            return;
        }
        self.compress.feed(&mut self.framer, bytes);
    }

    /// Enqueues a command with a fresh tag and returns the tag.
    pub fn enqueue(&mut self, body: CommandBody<'_>) -> Result<Tag<'static>, EnqueueError> {
        if self.closed || self.state == State::Logout {
            return Err(EnqueueError::Closing);
        }
        if self.idling || self.in_flight.iter().any(|f| f.kind == Kind::Idle) {
            return Err(EnqueueError::Idling);
        }
        let changing = self
            .in_flight
            .iter()
            .map(|f| f.kind)
            .chain(self.queue.iter().map(|o| o.body_kind))
            .any(|k| {
                matches!(
                    k,
                    Kind::Login | Kind::Authenticate | Kind::Select | Kind::Unselect
                )
            });
        let leaving = self
            .in_flight
            .iter()
            .map(|f| f.kind)
            .chain(self.queue.iter().map(|o| o.body_kind))
            .any(|k| k == Kind::Unauthenticate);
        let ok = body.valid_in(self.state)
            || (changing
                && (body.valid_in(State::Authenticated) || body.valid_in(State::Selected)))
            || (leaving && body.valid_in(State::NotAuthenticated));
        if !ok {
            return Err(EnqueueError::WrongState {
                command: body.name(),
                state: self.state,
            });
        }
        let tag = Tag::new(format!("{}{}", self.options.tag_prefix, self.next_tag))
            .unwrap_or_else(|_| Tag::unchecked(format!("A{}", self.next_tag)));
        self.next_tag += 1;
        if matches!(body, CommandBody::StartTls)
            && (self.options.tls_active
                || self.queue.iter().any(|o| o.body_kind == Kind::StartTls)
                || self.in_flight.iter().any(|f| f.kind == Kind::StartTls))
        {
            return Err(EnqueueError::TlsActive);
        }
        let body_kind = Kind::of(&body);
        let cmd = Command {
            tag: tag.clone(),
            body,
        };
        let mut fragments: VecDeque<Fragment> = cmd.encode().into_iter().collect();
        if self.options.literal_plus {
            for f in fragments.iter_mut() {
                if let Fragment::Literal { mode, .. } = f {
                    *mode = LiteralMode::NonSync;
                }
            }
            fragments = rewrite_announcements(fragments);
        }
        self.queue.push_back(Outgoing {
            tag: tag.clone(),
            body_kind,
            fragments,
        });
        Ok(tag)
    }

    /// Answers the open AUTHENTICATE challenge (sent base64-encoded).
    pub fn authenticate_respond(&mut self, data: &[u8]) -> Result<(), CallError> {
        if !self.challenge_open {
            return Err(CallError::NoChallenge);
        }
        self.challenge_open = false;
        let line = AuthenticateData::Continue(Secret::new(data.to_vec()))
            .encode()
            .dump();
        self.output.extend_from_slice(&line);
        Ok(())
    }

    /// Cancels AUTHENTICATE with `*`; the server answers `BAD`.
    pub fn authenticate_cancel(&mut self) -> Result<(), CallError> {
        if !self.challenge_open {
            return Err(CallError::NoChallenge);
        }
        self.challenge_open = false;
        self.output
            .extend_from_slice(&AuthenticateData::Cancel.encode().dump());
        Ok(())
    }

    /// Ends IDLE with `DONE`; the IDLE command then completes.
    pub fn idle_done(&mut self) -> Result<(), CallError> {
        if !self.idling {
            return Err(CallError::NotIdling);
        }
        self.idling = false;
        self.output.extend_from_slice(&IdleDone.encode().dump());
        Ok(())
    }

    /// Runs the machine: the next event, or the I/O the driver must perform.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Result<Event, Interrupt<Error>> {
        loop {
            if let Some(ev) = self.events.pop_front() {
                return Ok(ev);
            }
            if self.closed {
                if !self.output.is_empty() || self.compress.has_wire() {
                    return Err(self.flush());
                }
                return Err(Interrupt::Io(Io::Close));
            }
            if self.upgrade_pending {
                if !self.output.is_empty() || self.compress.has_wire() {
                    return Err(self.flush());
                }
                self.upgrade_pending = false;
                if !self.framer.is_empty() {
                    let bytes = self.framer.take_all().len();
                    self.closed = true;
                    return Err(Interrupt::Error(Error::DataAfterStartTls { bytes }));
                }
                self.options.tls_active = true;
                return Err(Interrupt::Io(Io::UpgradeTls));
            }
            self.send_queued();
            match self.read() {
                Ok(true) => continue,
                Ok(false) => {
                    if !self.output.is_empty() || self.compress.has_wire() {
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
        if let Err(e) = self.compress.seal(&mut self.output) {
            self.closed = true;
            return Interrupt::Error(Error::Compress(e));
        }
        Interrupt::Io(Io::Output(self.compress.take_wire()))
    }

    /// Sends fragments as far as the literal flow and pipelining rules allow.
    fn send_queued(&mut self) {
        if !self.greeted {
            return;
        }
        loop {
            if let Some(out) = &mut self.sending {
                while let Some(f) = out.fragments.front() {
                    match f {
                        // Waits for "+". A zero-length literal has nothing to wait for: the
                        // server connection does not ask for it (the framer announces only
                        // literals with data), and the rest of the command follows at once.
                        Fragment::Literal {
                            mode: LiteralMode::Sync,
                            data,
                        } if !data.is_empty() => return,
                        _ => {
                            if let Some(Fragment::Line { data } | Fragment::Literal { data, .. }) =
                                out.fragments.pop_front()
                            {
                                self.output.extend_from_slice(&data);
                            }
                            // A line ending in a sync announcement: stop before the literal.
                            if matches!(
                                out.fragments.front(),
                                Some(Fragment::Literal {
                                    mode: LiteralMode::Sync,
                                    data,
                                }) if !data.is_empty()
                            ) {
                                return;
                            }
                        }
                    }
                }
                self.sending = None;
            }
            let barrier = self.in_flight.back().is_some_and(|f| f.kind.is_barrier());
            if barrier || self.queue.is_empty() {
                return;
            }
            if let Some(out) = self.queue.pop_front() {
                self.in_flight.push_back(InFlight {
                    tag: out.tag.clone(),
                    kind: out.body_kind,
                });
                if out.body_kind == Kind::Unauthenticate && self.compress.compressing() {
                    // RFC 8437 §4.1: the client's compression ends after the CRLF of
                    // UNAUTHENTICATE (one line, no literal).
                    for f in out.fragments {
                        let (Fragment::Line { data } | Fragment::Literal { data, .. }) = f;
                        self.output.extend_from_slice(&data);
                    }
                    if self.compress.stop_output(&mut self.output).is_err() {
                        self.closed = true;
                    }
                    continue;
                }
                self.sending = Some(out);
            }
        }
    }

    /// The next frame, pulling decompressed input through the framer while COMPRESS is active.
    fn next_frame(&mut self) -> Result<Option<Frame>, Error> {
        loop {
            if let Some(frame) = self.framer.next() {
                return Ok(Some(frame));
            }
            if !self
                .compress
                .pull(&mut self.framer)
                .map_err(Error::Compress)?
            {
                return Ok(None);
            }
        }
    }

    /// Reads one frame; `Ok(false)` when none is complete.
    fn read(&mut self) -> Result<bool, Error> {
        let Some(frame) = self.next_frame()? else {
            return Ok(false);
        };
        let msg = match frame {
            Frame::Message(m) => m,
            Frame::Error { error, head } => {
                let e = ParseError::new(crate::codec::ErrorKind::Frame(error), &head, 0);
                if !self.greeted {
                    return Err(Error::Greeting(e));
                }
                self.events.push_back(Event::Failed(e));
                return Ok(true);
            }
            Frame::LiteralAnnounced { .. } => return Ok(true),
        };
        let opts = self.options.decode;
        if !self.greeted {
            let g = parse_message(&msg, &opts, response::greeting).map_err(Error::Greeting)?;
            self.greeted = true;
            match g.kind {
                GreetingKind::PreAuth => self.state = State::Authenticated,
                GreetingKind::Bye => self.closed = true,
                GreetingKind::Ok => {}
            }
            self.events.push_back(Event::Greeting(g.into_static()));
            return Ok(true);
        }
        let expecting_challenge = self.sending.is_none()
            && self
                .in_flight
                .back()
                .is_some_and(|f| f.kind == Kind::Authenticate);
        let parsed = if expecting_challenge {
            parse_message(&msg, &opts, response::challenge)
        } else {
            parse_message(&msg, &opts, response::response)
        };
        let resp = match parsed {
            Ok(r) => r.into_static(),
            Err(e) => {
                self.events.push_back(Event::Failed(e));
                return Ok(true);
            }
        };
        match resp {
            Response::Continuation(c) => self.continuation(c),
            Response::Data(d) => {
                if let Data::Enabled(caps) = &d {
                    self.enabled.record(caps);
                }
                self.events.push_back(Event::Data(d))
            }
            Response::Status(Status::Tagged {
                tag,
                kind,
                code,
                text,
            }) => self.completed(tag, kind, code, text)?,
            Response::Status(s @ Status::Bye { .. }) => {
                self.events.push_back(Event::Status(s));
                // The server closes; a BYE before LOGOUT's OK is normal (RFC 9051 §7.1.5).
                if !self.in_flight.iter().any(|f| f.kind == Kind::Logout) {
                    self.closed = true;
                }
            }
            Response::Status(s) => self.events.push_back(Event::Status(s)),
        }
        Ok(true)
    }

    fn continuation(&mut self, c: Continuation<'static>) {
        // A command waiting to send a synchronizing literal takes the "+".
        if let Some(out) = &mut self.sending {
            if let Some(Fragment::Literal {
                mode: LiteralMode::Sync,
                ..
            }) = out.fragments.front()
            {
                if let Some(Fragment::Literal { data, .. }) = out.fragments.pop_front() {
                    self.output.extend_from_slice(&data);
                }
                return;
            }
        }
        match (self.in_flight.back().map(|f| (f.kind, f.tag.clone())), c) {
            (Some((Kind::Authenticate, tag)), Continuation::Base64(data)) => {
                self.challenge_open = true;
                self.events.push_back(Event::AuthChallenge { tag, data });
            }
            (Some((Kind::Authenticate, tag)), Continuation::Basic { text, .. })
                if text.as_bytes().is_empty() =>
            {
                self.challenge_open = true;
                self.events.push_back(Event::AuthChallenge {
                    tag,
                    data: Secret::new(Vec::new()),
                });
            }
            (Some((Kind::Idle, tag)), Continuation::Basic { .. }) if !self.idling => {
                self.idling = true;
                self.events.push_back(Event::IdleStarted { tag });
            }
            (_, c) => self.events.push_back(Event::Continuation(c)),
        }
    }

    fn completed(
        &mut self,
        tag: Tag<'static>,
        kind: StatusKind,
        code: Option<Code<'static>>,
        text: Text<'static>,
    ) -> Result<(), Error> {
        let Some(pos) = self.in_flight.iter().position(|f| f.tag == tag) else {
            // A completion for no command we sent: report it as an untagged-looking status.
            self.events.push_back(Event::Completed {
                tag,
                kind,
                code,
                text,
            });
            return Ok(());
        };
        let done = self.in_flight.remove(pos).map(|f| f.kind);
        // A command refused while we waited to send its literal: drop the rest of it.
        if self.sending.as_ref().is_some_and(|s| s.tag == tag) {
            self.sending = None;
        }
        let ok = kind == StatusKind::Ok;
        match done {
            Some(Kind::Login | Kind::Authenticate) if ok => self.state = State::Authenticated,
            Some(Kind::Authenticate) => self.challenge_open = false,
            Some(Kind::Select) => {
                self.state = if ok {
                    State::Selected
                } else {
                    State::Authenticated
                }
            }
            Some(Kind::Unselect) if ok => self.state = State::Authenticated,
            Some(Kind::Logout) => {
                self.state = State::Logout;
                self.closed = true;
            }
            Some(Kind::StartTls) if ok => self.upgrade_pending = true,
            Some(Kind::Idle) => self.idling = false,
            Some(Kind::Compress) if ok && !self.is_compressed() => {
                // RFC 4978 §3: everything after the OK's CRLF is compressed, in both directions;
                // what already arrived goes through the inflater.
                self.compress
                    .start(&mut self.output, &mut self.framer)
                    .map_err(Error::Compress)?;
            }
            Some(Kind::Unauthenticate) if ok => {
                // RFC 8437 §3 and §4.1: back to Not Authenticated, enabled extensions reset;
                // the server's compression ends after this OK's CRLF.
                self.state = State::NotAuthenticated;
                self.enabled.clear();
                self.compress
                    .stop_output(&mut self.output)
                    .map_err(Error::Compress)?;
                self.compress.stop_input();
            }
            _ => {}
        }
        self.events.push_back(Event::Completed {
            tag,
            kind,
            code,
            text,
        });
        Ok(())
    }
}

/// Rewrites `{n}` announcements at the end of lines into `{n+}` (LITERAL+, RFC 7888).
fn rewrite_announcements(fragments: VecDeque<Fragment>) -> VecDeque<Fragment> {
    let mut out = VecDeque::with_capacity(fragments.len());
    let mut iter = fragments.into_iter().peekable();
    while let Some(f) = iter.next() {
        match f {
            Fragment::Line { mut data }
                if matches!(iter.peek(), Some(Fragment::Literal { .. })) =>
            {
                if data.ends_with(b"}\r\n") && !data.ends_with(b"+}\r\n") {
                    let at = data.len() - 3;
                    data.insert(at, b'+');
                }
                out.push_back(Fragment::Line { data });
            }
            f => out.push_back(f),
        }
    }
    out
}
