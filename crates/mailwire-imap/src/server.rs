//! The sans-IO IMAP server connection (RFC 9051 §2.2, §3, §5.5, §6; RFC 3501).
//!
//! [`Connection`] frames and decodes commands, answers on its own what the protocol decides
//! without the mailbox (syntax errors, commands in the wrong state, plaintext LOGIN without TLS,
//! STARTTLS twice, AUTHENTICATE cancelled), runs the literal continuation flow, and hands every
//! other command to the application as an [`Event`]. The application answers with untagged
//! responses ([`Connection::send`]) and completes each command with
//! [`Connection::complete`]; the completions drive the state (Not Authenticated, Authenticated,
//! Selected, Logout).
//!
//! Commands are handed out one at a time: a pipelined command is read only after the previous
//! one completed, so state checks always see the effect of the commands before.
//!
//! **STARTTLS.** Plaintext the client sent after `STARTTLS` and before the TLS handshake could
//! have been injected by a man in the middle (RFC 9051 §11.1, CVE-2011-0411); the connection
//! treats it as a fatal error instead of running it inside the TLS session.

use std::collections::VecDeque;

use mailwire_core::{Interrupt, Io, Secret};

use crate::codec::decode::{command, leading_tag, parse_message};
use crate::codec::frame::{Frame, Framer};
use crate::codec::{Encode, Options as DecodeOptions, ParseError};
use crate::compress::{CompressError, Layer};
use crate::types::{
    Code, Command, CommandBody, Condition, Continuation, Data, EnabledSet, Greeting, GreetingKind,
    IntoStatic, Response, State, Status, StatusKind, Tag, Text,
};

/// Output is handed to the driver once this much is buffered.
const FLUSH_AT: usize = 64 * 1024;

/// Server connection settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Decoder settings (limits, depth, quirks). Default: [`DecodeOptions::commands`].
    pub decode: DecodeOptions,
    /// The transport is already TLS (implicit TLS on port 993, RFC 8314).
    pub tls_active: bool,
    /// Accept LOGIN and the plaintext SASL mechanisms (PLAIN, LOGIN) without TLS. Default `false`
    /// (RFC 9051 §6.2.3: advertise LOGINDISABLED instead).
    pub allow_plaintext_login: bool,
    /// Answer synchronizing literal announcements with a continuation request automatically.
    /// With `false`, [`Event::LiteralAnnounced`] asks the application. Default `true`.
    pub auto_accept_literals: bool,
    /// Send `BYE` and close after this many consecutive commands answered `BAD` by the
    /// connection itself. Default 10.
    pub max_consecutive_errors: u32,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            decode: DecodeOptions::commands(),
            tls_active: false,
            allow_plaintext_login: false,
            auto_accept_literals: true,
            max_consecutive_errors: 10,
        }
    }
}

/// What the server connection reports.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// A command valid in the current state. Answer with [`Connection::send`] and finish with
    /// [`Connection::complete`] before the next command is read.
    Command(Command<'static>),
    /// A synchronizing literal was announced (only with `auto_accept_literals` off): call
    /// [`Connection::accept_literal`] or [`Connection::reject_literal`].
    LiteralAnnounced {
        /// The command's tag, if known.
        tag: Option<Tag<'static>>,
        /// The announced size.
        length: u64,
    },
    /// The client's next line in an AUTHENTICATE exchange, decoded (RFC 9051 §6.2.2).
    AuthenticateData(Secret<Vec<u8>>),
    /// The client cancelled AUTHENTICATE with `*`; the connection answered `BAD`.
    AuthenticateCancelled,
    /// The client ended IDLE with `DONE`; complete the IDLE command.
    IdleDone,
    /// The connection answered a client message with `BAD` or `NO` by itself.
    Rejected(Rejection),
}

/// A client message the connection refused by itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
#[non_exhaustive]
pub struct Rejection {
    /// The command's tag, if it could be read.
    pub tag: Option<Tag<'static>>,
    /// Why.
    pub reason: RejectReason,
}

/// Why the connection refused a client message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RejectReason {
    /// The message does not parse or breaks a limit.
    #[error("{0}")]
    Syntax(ParseError),
    /// The command is not valid in this state.
    #[error("{command} is not valid in the {state:?} state")]
    WrongState {
        /// The command name.
        command: &'static str,
        /// The state.
        state: State,
    },
    /// LOGIN or a plaintext mechanism without TLS.
    #[error("plaintext authentication is disabled without TLS")]
    PlaintextDisabled,
    /// STARTTLS on a TLS connection.
    #[error("TLS is already active")]
    TlsActive,
    /// A literal the application or the limits refused.
    #[error("literal refused")]
    LiteralRefused,
    /// IDLE was ended by something other than DONE.
    #[error("expected DONE")]
    ExpectedDone,
}

/// An application call that does not fit the connection's state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CallError {
    /// No command is waiting for its completion.
    #[error("no command is waiting for completion")]
    NothingPending,
    /// A tagged status passed to `send`: use `complete`.
    #[error("tagged responses are sent with complete()")]
    TaggedStatus,
    /// No literal announcement is waiting for a decision.
    #[error("no literal is waiting for a decision")]
    NoLiteral,
    /// The connection is closing.
    #[error("the connection is closing")]
    Closing,
    /// `begin_literal` got a response that does not end with an empty literal.
    #[error("the response does not end with an empty literal")]
    NoEmptyLiteral,
    /// More literal data than `begin_literal` announced.
    #[error("more literal data than announced")]
    LiteralOverrun,
    /// A response was sent or a command completed while a streamed literal is unfinished.
    #[error("a streamed literal is unfinished")]
    LiteralUnfinished,
}

/// Fatal server errors: close the connection.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The client sent data after STARTTLS before the TLS handshake (possible injection).
    #[error("{bytes} bytes of plaintext after STARTTLS")]
    PlaintextAfterStartTls {
        /// How many bytes.
        bytes: usize,
    },
    /// The COMPRESS layer failed (RFC 4978): the client's data is not valid DEFLATE.
    #[error("{0}")]
    Compress(CompressError),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Commands,
    /// An AUTHENTICATE challenge was sent; the client's line is awaited.
    Authenticate,
    /// IDLE was accepted; `DONE` is awaited.
    Idle,
    /// A literal announcement waits for the application's decision.
    LiteralDecision,
}

#[derive(Debug)]
struct Pending {
    tag: Tag<'static>,
    body: CommandBody<'static>,
}

/// The server side of one IMAP connection.
#[derive(Debug)]
pub struct Connection {
    options: Options,
    framer: Framer,
    output: Vec<u8>,
    events: VecDeque<Event>,
    state: State,
    pending: Option<Pending>,
    mode: Mode,
    literal_tag: Option<Tag<'static>>,
    tls_active: bool,
    upgrade_pending: bool,
    closing: bool,
    closed: bool,
    consecutive_errors: u32,
    /// Extensions the application reported as enabled (`ENABLED`, RFC 5161).
    enabled: EnabledSet,
    /// COMPRESS (RFC 4978): switched on once the OK has been written.
    compress_pending: bool,
    /// The COMPRESS layer; its wire buffer goes out before `output`.
    compress: Layer,
    /// A fatal error found while reading, reported by `next`.
    fatal: Option<Error>,
    /// Octets still due of a literal sent in pieces (`begin_literal`).
    literal_due: Option<u64>,
}

impl Connection {
    /// A connection that starts by sending `greeting` (RFC 9051 §7.1). `PREAUTH` starts in the
    /// Authenticated state; `BYE` closes.
    pub fn new(options: Options, greeting: Greeting<'_>) -> Self {
        let framer = Framer::new(options.decode.limits, options.decode.quirks.bare_lf, true);
        let state = match greeting.kind {
            GreetingKind::PreAuth => State::Authenticated,
            _ => State::NotAuthenticated,
        };
        let closing = greeting.kind == GreetingKind::Bye;
        Connection {
            framer,
            output: greeting.encode().dump(),
            events: VecDeque::new(),
            state,
            pending: None,
            mode: Mode::Commands,
            literal_tag: None,
            tls_active: options.tls_active,
            upgrade_pending: false,
            closing,
            closed: false,
            consecutive_errors: 0,
            enabled: EnabledSet::default(),
            compress_pending: false,
            compress: Layer::default(),
            fatal: None,
            literal_due: None,
            options,
        }
    }

    /// The extensions enabled so far (RFC 5161 `ENABLED` responses the application sent; reset by
    /// UNAUTHENTICATE, RFC 8437 §4.1). QRESYNC, UTF8=ACCEPT and IMAP4rev2 change what the
    /// server sends once enabled.
    pub fn enabled(&self) -> &EnabledSet {
        &self.enabled
    }

    /// Whether the COMPRESS=DEFLATE layer is active (RFC 4978).
    pub fn is_compressed(&self) -> bool {
        self.compress.is_active()
    }

    /// The connection state.
    pub fn state(&self) -> State {
        self.state
    }

    /// `true` when the transport is TLS.
    pub fn is_tls(&self) -> bool {
        self.tls_active
    }

    /// The command waiting for completion.
    pub fn pending(&self) -> Option<(&Tag<'static>, &CommandBody<'static>)> {
        self.pending.as_ref().map(|p| (&p.tag, &p.body))
    }

    /// Appends bytes received from the client (compressed ones once COMPRESS is active).
    pub fn feed(&mut self, bytes: &[u8]) {
        if self.closed {
            return;
        }
        self.compress.feed(&mut self.framer, bytes);
    }

    /// Sends an untagged response or a continuation request. A continuation request while
    /// AUTHENTICATE is pending is a SASL challenge (the client's answer comes as
    /// [`Event::AuthenticateData`]); while IDLE is pending it starts idling (the client's `DONE`
    /// comes as [`Event::IdleDone`]).
    pub fn send(&mut self, response: Response<'_>) -> Result<(), CallError> {
        if self.closed {
            return Err(CallError::Closing);
        }
        if self.literal_due.is_some() {
            return Err(CallError::LiteralUnfinished);
        }
        match &response {
            Response::Status(Status::Tagged { .. }) => return Err(CallError::TaggedStatus),
            Response::Status(Status::Bye { .. }) => self.closing = true,
            Response::Continuation(_) => match self.pending.as_ref().map(|p| &p.body) {
                Some(CommandBody::Authenticate { .. }) => self.mode = Mode::Authenticate,
                Some(CommandBody::Idle) => self.mode = Mode::Idle,
                _ => {}
            },
            Response::Data(Data::Enabled(caps)) => self.enabled.record(caps),
            _ => {}
        }
        response.encode_into(&mut self.output);
        Ok(())
    }

    /// Completes the pending command with a tagged status (RFC 9051 §7.1). An `OK` moves the
    /// state: LOGIN and AUTHENTICATE to Authenticated, SELECT and EXAMINE to Selected, CLOSE and
    /// UNSELECT back to Authenticated, LOGOUT to Logout (send `BYE` first), STARTTLS to the TLS
    /// upgrade, COMPRESS to compression after the OK (RFC 4978 §3), UNAUTHENTICATE to Not
    /// Authenticated with the enabled extensions and compression reset after the OK (RFC 8437).
    /// A failed SELECT or EXAMINE leaves no mailbox selected (§6.3.2).
    pub fn complete(
        &mut self,
        kind: StatusKind,
        code: Option<Code<'_>>,
        text: &str,
    ) -> Result<(), CallError> {
        if self.literal_due.is_some() {
            return Err(CallError::LiteralUnfinished);
        }
        let pending = self.pending.take().ok_or(CallError::NothingPending)?;
        self.mode = Mode::Commands;
        let status = Status::Tagged {
            tag: pending.tag,
            kind,
            code,
            text: Text::new(text.as_bytes()).unwrap_or_else(|_| Text::empty()),
        };
        status.encode_into(&mut self.output);
        let ok = kind == StatusKind::Ok;
        match pending.body {
            CommandBody::Login { .. } | CommandBody::Authenticate { .. } if ok => {
                self.state = State::Authenticated
            }
            CommandBody::Select { .. } | CommandBody::Examine { .. } => {
                self.state = if ok {
                    State::Selected
                } else {
                    State::Authenticated
                }
            }
            CommandBody::Close | CommandBody::Unselect if ok => self.state = State::Authenticated,
            CommandBody::Logout => {
                self.state = State::Logout;
                self.closing = true;
            }
            CommandBody::StartTls if ok => self.upgrade_pending = true,
            CommandBody::Compress(_) if ok && !self.is_compressed() => self.compress_pending = true,
            CommandBody::Unauthenticate if ok => {
                self.state = State::NotAuthenticated;
                self.enabled.clear();
                // RFC 8437 §4.1: compression ends after this OK's CRLF.
                if let Err(e) = self.compress.stop_output(&mut self.output) {
                    self.fatal = Some(Error::Compress(e));
                }
            }
            _ => {}
        }
        if ok {
            self.consecutive_errors = 0;
        }
        Ok(())
    }

    /// Starts an untagged response whose last item is a literal too large to hold in memory
    /// at once, such as the body of a large message in a FETCH response (RFC 9051 §4.3,
    /// §7.5.2). `response` is that response with the literal empty; it goes out announcing
    /// `length` octets, which the application then passes to [`Connection::literal_data`] in
    /// pieces, calling [`Connection::next`] in between to hand the output to the driver. The
    /// response ends by itself after the last octet.
    pub fn begin_literal(&mut self, response: Response<'_>, length: u64) -> Result<(), CallError> {
        if self.closed {
            return Err(CallError::Closing);
        }
        if self.literal_due.is_some() {
            return Err(CallError::LiteralUnfinished);
        }
        const EMPTY_LAST: &[u8] = b"{0}\r\n)\r\n";
        let wire = response.encode().dump();
        let Some(head) = wire.strip_suffix(EMPTY_LAST) else {
            return Err(CallError::NoEmptyLiteral);
        };
        self.output.extend_from_slice(head);
        self.output
            .extend_from_slice(format!("{{{length}}}\r\n").as_bytes());
        self.literal_due = Some(length);
        self.finish_literal();
        Ok(())
    }

    /// The next octets of the literal started by [`Connection::begin_literal`]. A literal may
    /// hold any octet but NUL (RFC 9051 §4.3): the application replaces or refuses NUL octets.
    pub fn literal_data(&mut self, data: &[u8]) -> Result<(), CallError> {
        let due = self.literal_due.ok_or(CallError::NoLiteral)?;
        if data.len() as u64 > due {
            return Err(CallError::LiteralOverrun);
        }
        self.output.extend_from_slice(data);
        self.literal_due = Some(due - data.len() as u64);
        self.finish_literal();
        Ok(())
    }

    /// Closes the response once its literal is complete.
    fn finish_literal(&mut self) {
        if self.literal_due == Some(0) {
            self.literal_due = None;
            self.output.extend_from_slice(b")\r\n");
        }
    }

    /// Makes room for at least `additional` more octets of output, so that a driver producing a
    /// known amount (a FETCH of message bodies) does not grow the buffer step by step, copying
    /// it each time. Only a hint: output never needs it.
    pub fn reserve_output(&mut self, additional: usize) {
        self.output.reserve(additional);
    }

    fn has_output(&self) -> bool {
        !self.output.is_empty() || self.compress.has_wire()
    }

    /// Accepts the announced literal: sends the continuation request.
    pub fn accept_literal(&mut self) -> Result<(), CallError> {
        if self.mode != Mode::LiteralDecision {
            return Err(CallError::NoLiteral);
        }
        self.output
            .extend_from_slice(b"+ Ready for literal data\r\n");
        self.framer.accept_literal();
        self.mode = Mode::Commands;
        Ok(())
    }

    /// Refuses the announced literal with a tagged `NO` (RFC 9051 §4.3, RFC 7888 §4).
    pub fn reject_literal(&mut self, code: Option<Code<'_>>, text: &str) -> Result<(), CallError> {
        if self.mode != Mode::LiteralDecision {
            return Err(CallError::NoLiteral);
        }
        self.framer.reject_literal();
        self.mode = Mode::Commands;
        let tag = self.literal_tag.take();
        self.write_status(tag.clone(), StatusKind::No, code, text);
        Ok(())
    }

    fn write_status(
        &mut self,
        tag: Option<Tag<'static>>,
        kind: StatusKind,
        code: Option<Code<'_>>,
        text: &str,
    ) {
        let text = Text::new(text.as_bytes()).unwrap_or_else(|_| Text::empty());
        let status = match tag {
            Some(tag) => Status::Tagged {
                tag,
                kind,
                code,
                text,
            },
            None => Status::Untagged { kind, code, text },
        };
        status.encode_into(&mut self.output);
    }

    fn reject(&mut self, tag: Option<Tag<'static>>, reason: RejectReason) {
        let (kind, code) = match &reason {
            RejectReason::PlaintextDisabled => (
                StatusKind::No,
                Some(Code::Condition(Condition::PrivacyRequired)),
            ),
            RejectReason::LiteralRefused => (
                StatusKind::No,
                Some(Code::Other {
                    name: crate::types::Atom::unchecked("TOOBIG"),
                    text: None,
                }),
            ),
            RejectReason::Syntax(_) => (StatusKind::Bad, None),
            _ => (StatusKind::Bad, None),
        };
        let text = reason.to_string();
        self.write_status(tag.clone(), kind, code, &text);
        self.events
            .push_back(Event::Rejected(Rejection { tag, reason }));
        self.consecutive_errors += 1;
        if self.consecutive_errors >= self.options.max_consecutive_errors {
            let bye = Status::Bye {
                code: None,
                text: Text::new(&b"Too many errors"[..]).unwrap_or_else(|_| Text::empty()),
            };
            bye.encode_into(&mut self.output);
            self.closing = true;
        }
    }

    /// Runs the machine: the next event, or the I/O the driver must perform.
    // Not an Iterator: the "end" is an interrupt telling the driver what to do.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Result<Event, Interrupt<Error>> {
        loop {
            if let Some(ev) = self.events.pop_front() {
                return Ok(ev);
            }
            if let Some(e) = self.fatal.take() {
                self.closed = true;
                return Err(Interrupt::Error(e));
            }
            if self.output.len() >= FLUSH_AT {
                return Err(self.flush());
            }
            if self.closed {
                return Err(Interrupt::Io(Io::Close));
            }
            if self.closing {
                if self.has_output() {
                    return Err(self.flush());
                }
                self.closed = true;
                self.framer.take_all();
                continue;
            }
            if self.compress_pending {
                // RFC 4978 §3: the OK goes out uncompressed (in an output of its own);
                // everything after it is compressed, and what the client sent after COMPRESS is
                // compressed data.
                if self.has_output() {
                    return Err(self.flush());
                }
                self.compress_pending = false;
                if let Err(e) = self.compress.start(&mut self.output, &mut self.framer) {
                    self.closed = true;
                    return Err(Interrupt::Error(Error::Compress(e)));
                }
                continue;
            }
            if self.upgrade_pending {
                if self.has_output() {
                    return Err(self.flush());
                }
                self.upgrade_pending = false;
                if !self.framer.is_empty() {
                    let bytes = self.framer.take_all().len();
                    self.closed = true;
                    return Err(Interrupt::Error(Error::PlaintextAfterStartTls { bytes }));
                }
                self.tls_active = true;
                return Err(Interrupt::Io(Io::UpgradeTls));
            }
            let waiting = self.mode == Mode::LiteralDecision
                || (self.pending.is_some() && self.mode == Mode::Commands);
            if waiting || !self.read() {
                if self.fatal.is_some() {
                    continue;
                }
                if self.has_output() {
                    return Err(self.flush());
                }
                return Err(Interrupt::Io(Io::NeedMoreInput));
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

    /// The next frame, pulling decompressed input through the framer while COMPRESS is active.
    fn next_frame(&mut self) -> Option<Frame> {
        loop {
            if let Some(frame) = self.framer.next() {
                return Some(frame);
            }
            match self.compress.pull(&mut self.framer) {
                Ok(true) => {}
                Ok(false) => return None,
                Err(e) => {
                    self.fatal = Some(Error::Compress(e));
                    return None;
                }
            }
        }
    }

    /// Reads one frame; `false` when none is complete.
    fn read(&mut self) -> bool {
        let Some(frame) = self.next_frame() else {
            return false;
        };
        match frame {
            Frame::LiteralAnnounced { head, length } => {
                let tag = leading_tag(&head);
                if matches!(self.mode, Mode::Authenticate | Mode::Idle) {
                    // An AUTHENTICATE response or DONE never carries a literal: end the exchange
                    // (fuzz finding: deciding on the literal used to forget the exchange).
                    self.framer.reject_literal();
                    let pending = self.pending.take().map(|p| p.tag);
                    self.mode = Mode::Commands;
                    let e = ParseError::new(
                        crate::codec::ErrorKind::Syntax {
                            expected: "base64 or DONE",
                        },
                        &head,
                        0,
                    );
                    self.reject(pending, RejectReason::Syntax(e));
                } else if tag.is_none() {
                    self.framer.reject_literal();
                    let e = ParseError::new(
                        crate::codec::ErrorKind::Syntax { expected: "tag" },
                        &head,
                        0,
                    );
                    self.reject(None, RejectReason::Syntax(e));
                } else if self.options.auto_accept_literals {
                    self.output
                        .extend_from_slice(b"+ Ready for literal data\r\n");
                    self.framer.accept_literal();
                } else {
                    self.literal_tag = tag.clone();
                    self.mode = Mode::LiteralDecision;
                    self.events
                        .push_back(Event::LiteralAnnounced { tag, length });
                }
            }
            Frame::Error { error, head } => {
                let tag = leading_tag(&head);
                let reason = match error {
                    crate::codec::FrameError::LiteralTooLong { .. }
                    | crate::codec::FrameError::MessageTooLong { .. } => {
                        RejectReason::LiteralRefused
                    }
                    e => RejectReason::Syntax(ParseError::new(
                        crate::codec::ErrorKind::Frame(e),
                        &head,
                        0,
                    )),
                };
                self.end_exchange();
                self.reject(tag, reason);
            }
            Frame::Message(msg) => match self.mode {
                Mode::Authenticate => {
                    let opts = self.options.decode;
                    match parse_message(&msg, &opts, command::authenticate_data) {
                        Ok(crate::types::AuthenticateData::Continue(data)) => {
                            self.events.push_back(Event::AuthenticateData(data));
                        }
                        Ok(crate::types::AuthenticateData::Cancel) => {
                            let tag = self.pending.take().map(|p| p.tag);
                            self.mode = Mode::Commands;
                            self.write_status(tag, StatusKind::Bad, None, "AUTHENTICATE cancelled");
                            self.events.push_back(Event::AuthenticateCancelled);
                        }
                        Err(e) => {
                            let tag = self.pending.take().map(|p| p.tag);
                            self.mode = Mode::Commands;
                            self.reject(tag, RejectReason::Syntax(e));
                        }
                    }
                }
                Mode::Idle => {
                    let opts = self.options.decode;
                    match parse_message(&msg, &opts, command::idle_done) {
                        Ok(_) => {
                            self.mode = Mode::Commands;
                            self.events.push_back(Event::IdleDone);
                        }
                        Err(_) => {
                            let tag = self.pending.take().map(|p| p.tag);
                            self.mode = Mode::Commands;
                            self.reject(tag, RejectReason::ExpectedDone);
                        }
                    }
                }
                Mode::Commands | Mode::LiteralDecision => self.command(&msg),
            },
        }
        true
    }

    fn end_exchange(&mut self) {
        if matches!(self.mode, Mode::Authenticate | Mode::Idle) {
            self.pending = None;
            self.mode = Mode::Commands;
        }
    }

    fn command(&mut self, msg: &[u8]) {
        let opts = self.options.decode;
        let cmd = match parse_message(msg, &opts, command::command) {
            Ok(cmd) => cmd,
            Err(e) => {
                let tag = e.tag.clone();
                self.reject(tag, RejectReason::Syntax(e));
                return;
            }
        };
        if matches!(cmd.body, CommandBody::Unauthenticate) {
            // RFC 8437 §4.1: the client's compression ends after the CRLF of UNAUTHENTICATE;
            // what follows is plaintext.
            self.compress.stop_input();
        }
        let tag = Some(cmd.tag.clone().into_static());
        if !cmd.body.valid_in(self.state) {
            let reason = RejectReason::WrongState {
                command: cmd.body.name(),
                state: self.state,
            };
            self.reject(tag, reason);
            return;
        }
        let plaintext = match &cmd.body {
            CommandBody::Login { .. } => true,
            CommandBody::Authenticate { mechanism, .. } => {
                mechanism.is("PLAIN") || mechanism.is("LOGIN")
            }
            _ => false,
        };
        if plaintext && !self.tls_active && !self.options.allow_plaintext_login {
            self.reject(tag, RejectReason::PlaintextDisabled);
            return;
        }
        if matches!(cmd.body, CommandBody::StartTls) && self.tls_active {
            self.reject(tag, RejectReason::TlsActive);
            return;
        }
        let cmd = cmd.into_static();
        self.pending = Some(Pending {
            tag: cmd.tag.clone(),
            body: cmd.body.clone(),
        });
        self.events.push_back(Event::Command(cmd));
    }
}

/// The text of a continuation request the server sends for IDLE (RFC 9051 §6.3.13 example).
pub fn idling() -> Response<'static> {
    Response::Continuation(Continuation::Basic {
        code: None,
        text: Text::new(&b"idling"[..]).unwrap_or_else(|_| Text::empty()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{IString, Literal, MessageDataItem, NString, Vec1};
    use std::num::NonZeroU32;

    fn drain(c: &mut Connection) -> Vec<u8> {
        let mut out = Vec::new();
        while let Err(Interrupt::Io(Io::Output(b))) = c.next() {
            out.extend_from_slice(&b);
        }
        out
    }

    fn fetch(items: Vec<MessageDataItem<'static>>) -> Response<'static> {
        Response::Data(Data::Fetch {
            seq: NonZeroU32::MIN,
            items: Vec1::try_from(items).unwrap(),
        })
    }

    fn body(data: &'static [u8]) -> MessageDataItem<'static> {
        MessageDataItem::BodySection {
            section: None,
            origin: None,
            data: NString(Some(IString::Literal(Literal::new(data).unwrap()))),
        }
    }

    #[test]
    fn a_literal_sent_in_pieces() {
        let greeting = Greeting {
            kind: GreetingKind::PreAuth,
            code: None,
            text: Text::new(&b"hi"[..]).unwrap(),
        };
        let mut c = Connection::new(Options::default(), greeting);
        drain(&mut c);
        c.feed(b"s SELECT INBOX\r\n");
        assert!(matches!(c.next(), Ok(Event::Command(_))));
        c.complete(StatusKind::Ok, None, "selected").unwrap();
        drain(&mut c);
        c.feed(b"a FETCH 1 (UID BODY.PEEK[])\r\n");
        assert!(matches!(c.next(), Ok(Event::Command(_))));
        // The response must end with an empty literal.
        assert_eq!(
            c.begin_literal(fetch(vec![body(b"x")]), 3),
            Err(CallError::NoEmptyLiteral)
        );
        let head = fetch(vec![MessageDataItem::Uid(NonZeroU32::MIN), body(b"")]);
        c.begin_literal(head, 10).unwrap();
        c.literal_data(b"01234").unwrap();
        // Pieces reach the driver as they come.
        assert_eq!(drain(&mut c), b"* 1 FETCH (UID 1 BODY[] {10}\r\n01234");
        assert_eq!(
            c.send(fetch(vec![MessageDataItem::Uid(NonZeroU32::MIN)])),
            Err(CallError::LiteralUnfinished)
        );
        assert_eq!(
            c.complete(StatusKind::Ok, None, "done"),
            Err(CallError::LiteralUnfinished)
        );
        assert_eq!(c.literal_data(b"56789!"), Err(CallError::LiteralOverrun));
        c.literal_data(b"56789").unwrap();
        assert_eq!(c.literal_data(b"x"), Err(CallError::NoLiteral));
        c.complete(StatusKind::Ok, None, "done").unwrap();
        assert_eq!(drain(&mut c), b"56789)\r\na OK done\r\n");
        // A zero-length literal ends the response at once.
        c.feed(b"b FETCH 1 BODY[]\r\n");
        assert!(matches!(c.next(), Ok(Event::Command(_))));
        c.begin_literal(fetch(vec![body(b"")]), 0).unwrap();
        c.complete(StatusKind::Ok, None, "done").unwrap();
        assert_eq!(
            drain(&mut c),
            b"* 1 FETCH (BODY[] {0}\r\n)\r\nb OK done\r\n"
        );
    }
}
