//! The sans-IO POP3 server connection (RFC 1939 §3–§7, RFC 2449, RFC 2595 §4, RFC 5034 §4).
//!
//! [`Connection`] reads commands, answers on its own everything the protocol decides without the
//! mailbox (syntax errors, commands in the wrong state, `PASS` without `USER`, `STLS` twice,
//! plaintext logins without TLS, SASL cancellation and bad base64), and hands every other command
//! to the application as an [`Event`]. The application answers with [`Connection::respond`] (or
//! the streaming body calls), and the connection moves between the AUTHORIZATION, TRANSACTION and
//! UPDATE states according to those answers.
//!
//! One command is handed out at a time: a pipelined command (RFC 2449 §6.6) is read only after the
//! previous one was answered, so every state check sees the effect of the commands before it.
//!
//! **STLS.** After the `+OK` to `STLS` has been handed out, any plaintext the client had already
//! sent is discarded and reported ([`Event::PlaintextDiscarded`]) before [`Io::UpgradeTls`]: a
//! man in the middle cannot inject commands that would run inside the TLS session (RFC 2595 §4,
//! the class of CVE-2011-0411).

use std::collections::VecDeque;

use mailwire_core::dot::Stuffer;
use mailwire_core::line::{Frame, LineEnding, LineFramer};
use mailwire_core::sasl::encode_base64;
use mailwire_core::text::snippet;
use mailwire_core::{Interrupt, Io, Secret};

use crate::codec::{Encode, ErrorKind, Expect, Limits, parse_auth_line, parse_command};
use crate::types::{
    AuthLine, Command, Mechanism, Response, ResponseCode, SessionState, Status, StatusKind, Text,
};

/// Output is handed to the driver once this much is buffered, even while more pipelined commands
/// could be processed, so that memory stays bounded.
const FLUSH_AT: usize = 64 * 1024;

/// Server connection settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Line limits (RFC 2449 §4).
    pub limits: Limits,
    /// Line endings accepted from the client. Default: CRLF only (a bare LF is answered `-ERR`).
    pub line_ending: LineEnding,
    /// The transport is already TLS (implicit TLS on port 995, RFC 8314). `STLS` is then refused.
    pub tls_active: bool,
    /// Accept `USER`/`PASS` and the plaintext SASL mechanisms `PLAIN` and `LOGIN` without TLS.
    /// Default `false`, as RFC 5034 §4 and RFC 2595 §2.3 require.
    pub allow_plaintext_auth: bool,
    /// Turn bare LF into CRLF in bodies sent with [`Connection::body_chunk`] and in
    /// [`Response::Message`] bodies (stores that keep Unix line endings). Default `false`.
    pub normalize_line_endings: bool,
    /// Close the connection after this many consecutive commands answered `-ERR` by the
    /// connection itself (syntax, state). Default 10.
    pub max_consecutive_errors: u32,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            limits: Limits::default(),
            line_ending: LineEnding::Crlf,
            tls_active: false,
            allow_plaintext_auth: false,
            normalize_line_endings: false,
            max_consecutive_errors: 10,
        }
    }
}

/// What the server connection reports to the application.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// A command that is valid in the current state. Answer it before calling `next()` again to
    /// get the next command: [`Connection::respond`], the body calls, or
    /// [`Connection::sasl_challenge`] for `AUTH`.
    Command(Command<'static>),
    /// The client's next line in an `AUTH` exchange (RFC 5034 §4), decoded. Answer with another
    /// challenge or with the final `+OK`/`-ERR`.
    AuthResponse(Secret<Vec<u8>>),
    /// The connection answered a client line with `-ERR` by itself.
    Rejected(Rejection),
    /// Plaintext that followed `STLS` was discarded before the TLS upgrade (RFC 2595 §4).
    PlaintextDiscarded {
        /// How many bytes were dropped.
        bytes: usize,
    },
}

/// A client line the connection answered with `-ERR` itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason} near \"{near}\"")]
#[non_exhaustive]
pub struct Rejection {
    /// Why.
    pub reason: RejectReason,
    /// The start of the offending line, escaped; credentials in it are redacted.
    pub near: String,
}

/// Why a client line was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RejectReason {
    /// The line does not parse.
    #[error("syntax: {0}")]
    Syntax(ErrorKind),
    /// The command is not valid in this state.
    #[error("command not valid in the {0:?} state")]
    WrongState(SessionState),
    /// `PASS` without a successful `USER` just before (RFC 1939 §7).
    #[error("PASS without USER")]
    PassWithoutUser,
    /// A plaintext login without TLS while [`Options::allow_plaintext_auth`] is off.
    #[error("plaintext authentication disallowed without TLS")]
    PlaintextDisallowed,
    /// `STLS` on a connection that already uses TLS (wording from RFC 2595 §4's example).
    #[error("Command not permitted when TLS active")]
    TlsActive,
    /// The client cancelled an `AUTH` exchange with `*`.
    #[error("authentication cancelled")]
    AuthCancelled,
}

/// An application call that does not fit the connection's state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CallError {
    /// No command is waiting for an answer.
    #[error("no command is waiting for an answer")]
    NothingPending,
    /// The response's shape does not fit the pending command (a multi-line answer to a
    /// single-line command or the reverse).
    #[error("response shape does not fit the pending command (expected {expected:?})")]
    WrongShape {
        /// The shape the pending command needs.
        expected: Expect,
    },
    /// A SASL challenge outside an `AUTH` exchange.
    #[error("no AUTH exchange is in progress")]
    NoAuthExchange,
    /// A body call without [`Connection::begin_body`], or another answer while a body is open.
    #[error("body streaming out of order")]
    BodyOutOfOrder,
}

/// Fatal server errors. The POP3 server machine recovers from all bad input by answering `-ERR`,
/// so this is currently never produced; it exists so the signature can grow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sasl {
    None,
    /// AUTH handed out; waiting for the application's first answer.
    Started,
    /// A challenge was sent; waiting for the client's line.
    AwaitingClient,
    /// The client's line was handed out; waiting for the application.
    AwaitingApp,
}

/// The server side of one POP3 connection.
#[derive(Debug)]
pub struct Connection {
    options: Options,
    framer: LineFramer,
    output: Vec<u8>,
    events: VecDeque<Event>,
    state: SessionState,
    pending: Option<Command<'static>>,
    /// `USER` was accepted and `PASS` may follow.
    user_accepted: bool,
    sasl: Sasl,
    body: Option<Stuffer>,
    tls_active: bool,
    upgrade_pending: bool,
    closing: bool,
    closed: bool,
    utf8: bool,
    consecutive_errors: u32,
}

impl Connection {
    /// A connection that starts by sending `greeting` (RFC 1939 §4; include an APOP timestamp in
    /// its text to offer APOP).
    pub fn new(options: Options, greeting: Status<'_>) -> Self {
        let mut output = Vec::new();
        greeting.encode(&mut output);
        Connection {
            framer: LineFramer::with_line_ending(options.line_ending),
            tls_active: options.tls_active,
            options,
            output,
            events: VecDeque::new(),
            state: SessionState::Authorization,
            pending: None,
            user_accepted: false,
            sasl: Sasl::None,
            body: None,
            upgrade_pending: false,
            // A negative greeting ends the session (RFC 1939 §4 allows none, but servers send
            // -ERR when they refuse service).
            closing: greeting.kind == StatusKind::Err,
            closed: false,
            utf8: false,
            consecutive_errors: 0,
        }
    }

    /// The session state.
    pub fn state(&self) -> SessionState {
        self.state
    }

    /// `true` when the transport is TLS (implicit, or after `STLS`).
    pub fn is_tls(&self) -> bool {
        self.tls_active
    }

    /// `true` after a successful `UTF8` command (RFC 6856 §2.1).
    pub fn is_utf8(&self) -> bool {
        self.utf8
    }

    /// The command waiting for the application's answer.
    pub fn pending(&self) -> Option<&Command<'static>> {
        self.pending.as_ref()
    }

    /// Whether a plaintext login is acceptable now (TLS, or allowed by the options).
    pub fn plaintext_auth_allowed(&self) -> bool {
        self.tls_active || self.options.allow_plaintext_auth
    }

    /// Appends bytes received from the client.
    pub fn feed(&mut self, bytes: &[u8]) {
        if !self.closed {
            self.framer.feed(bytes);
        }
    }

    /// Answers the pending command.
    ///
    /// The answer drives the session: `+OK` to `PASS`, `APOP` or `AUTH` enters TRANSACTION;
    /// `+OK` to `USER` allows `PASS`; any answer to `QUIT` ends the session (after TRANSACTION,
    /// through UPDATE); `+OK` to `STLS` upgrades the transport; `+OK` to `UTF8` enters UTF-8 mode.
    pub fn respond(&mut self, response: Response<'_>) -> Result<(), CallError> {
        let expected = self.check_answer()?;
        let fits = match response.status_kind() {
            Some(StatusKind::Err) => {
                matches!(response, Response::Status(_))
            }
            Some(StatusKind::Ok) => {
                (expected == Expect::Guess || response.is_multi_line() == expected.is_multi_line())
                    && !matches!(response, Response::Greeting(_))
            }
            None => false, // challenges go through sasl_challenge
        };
        if !fits {
            return Err(CallError::WrongShape { expected });
        }
        match (&response, self.options.normalize_line_endings) {
            (Response::Message { status, body }, true) => {
                status.encode(&mut self.output);
                let mut s = Stuffer::normalizing();
                s.encode(body, &mut self.output);
                s.finish(&mut self.output);
            }
            _ => response.encode(&mut self.output),
        }
        self.complete(response.status_kind() == Some(StatusKind::Ok));
        Ok(())
    }

    /// Starts a multi-line body answer (`RETR`, `TOP`, or an extension's multi-line answer) with
    /// a `+OK` status; send the body with [`body_chunk`](Self::body_chunk) in any chunking and end
    /// it with [`end_body`](Self::end_body). Dot-stuffing happens here.
    pub fn begin_body(&mut self, status: Status<'_>) -> Result<(), CallError> {
        let expected = self.check_answer()?;
        if status.kind != StatusKind::Ok
            || !matches!(
                expected,
                Expect::Message | Expect::MultiLine | Expect::Guess
            )
        {
            return Err(CallError::WrongShape { expected });
        }
        status.encode(&mut self.output);
        self.body = Some(if self.options.normalize_line_endings {
            Stuffer::normalizing()
        } else {
            Stuffer::new()
        });
        Ok(())
    }

    /// Sends the next piece of a body started with [`begin_body`](Self::begin_body).
    pub fn body_chunk(&mut self, data: &[u8]) -> Result<(), CallError> {
        let stuffer = self.body.as_mut().ok_or(CallError::BodyOutOfOrder)?;
        stuffer.encode(data, &mut self.output);
        Ok(())
    }

    /// Ends a body: adds the final CRLF if needed and the `.` line.
    pub fn end_body(&mut self) -> Result<(), CallError> {
        let mut stuffer = self.body.take().ok_or(CallError::BodyOutOfOrder)?;
        stuffer.finish(&mut self.output);
        self.complete(true);
        Ok(())
    }

    /// Sends a SASL challenge `+ base64` (RFC 5034 §4) during an `AUTH` exchange; an empty
    /// challenge is `+ ` alone.
    pub fn sasl_challenge(&mut self, data: &[u8]) -> Result<(), CallError> {
        if !matches!(self.sasl, Sasl::Started | Sasl::AwaitingApp) || self.body.is_some() {
            return Err(CallError::NoAuthExchange);
        }
        self.output.extend_from_slice(b"+ ");
        self.output
            .extend_from_slice(encode_base64(data).as_bytes());
        self.output.extend_from_slice(b"\r\n");
        self.sasl = Sasl::AwaitingClient;
        Ok(())
    }

    /// The shape the pending command's answer must have; [`Expect::Guess`] for extension
    /// commands, which may be answered either way.
    fn check_answer(&self) -> Result<Expect, CallError> {
        if self.body.is_some() {
            return Err(CallError::BodyOutOfOrder);
        }
        match &self.pending {
            _ if self.sasl == Sasl::AwaitingClient => Err(CallError::NothingPending),
            None => Err(CallError::NothingPending),
            Some(Command::Other { .. }) => Ok(Expect::Guess),
            Some(cmd) => Ok(Expect::for_command(cmd)),
        }
    }

    /// Applies the effect of the answer to the pending command.
    fn complete(&mut self, ok: bool) {
        let Some(cmd) = self.pending.take() else {
            return;
        };
        self.sasl = Sasl::None;
        let was_user = matches!(cmd, Command::User(_));
        match cmd {
            Command::Pass(_) | Command::Apop { .. } | Command::Auth(Some(_)) if ok => {
                self.state = SessionState::Transaction;
            }
            Command::Quit => {
                if self.state == SessionState::Transaction {
                    self.state = SessionState::Update;
                }
                self.closing = true;
            }
            Command::Stls if ok => self.upgrade_pending = true,
            Command::Utf8 if ok => self.utf8 = true,
            _ => {}
        }
        self.user_accepted = was_user && ok;
        if ok {
            self.consecutive_errors = 0;
        }
    }

    fn reject(&mut self, reason: RejectReason, line: &[u8], code: Option<ResponseCode<'static>>) {
        let mut text = match &reason {
            RejectReason::Syntax(ErrorKind::UnknownCommand) => "unknown command".to_string(),
            RejectReason::WrongState(s) => format!("command not valid in {s:?} state"),
            other => other.to_string(),
        };
        self.consecutive_errors += 1;
        // The last answer says why the connection closes: one line per command, so a pipelining
        // client stays in step.
        let closing = self.consecutive_errors >= self.options.max_consecutive_errors;
        if closing {
            text.push_str(" (too many errors, closing)");
        }
        let status = Status {
            kind: StatusKind::Err,
            code,
            text: Text::new(text.into_bytes()).unwrap_or_default(),
        };
        status.encode(&mut self.output);
        self.events.push_back(Event::Rejected(Rejection {
            reason,
            near: redacted_snippet(line, self.sasl != Sasl::None),
        }));
        self.user_accepted = false;
        if closing {
            self.closing = true;
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
            if self.output.len() >= FLUSH_AT {
                return Err(self.flush());
            }
            if self.closed {
                return Err(Interrupt::Io(Io::Close));
            }
            if self.closing {
                if !self.output.is_empty() {
                    return Err(self.flush());
                }
                self.closed = true;
                self.framer.take_all();
                continue;
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
            let waiting_for_app = self.body.is_some()
                || matches!(self.sasl, Sasl::Started | Sasl::AwaitingApp)
                || (self.pending.is_some() && self.sasl == Sasl::None);
            if waiting_for_app || !self.read_line() {
                if !self.output.is_empty() {
                    return Err(self.flush());
                }
                return Err(Interrupt::Io(Io::NeedMoreInput));
            }
        }
    }

    fn flush(&mut self) -> Interrupt<Error> {
        Interrupt::Io(Io::Output(core::mem::take(&mut self.output)))
    }

    /// Reads and handles one line; `false` if none is complete.
    fn read_line(&mut self) -> bool {
        let in_sasl = self.sasl == Sasl::AwaitingClient;
        let limit = if in_sasl {
            self.options.limits.max_sasl_line
        } else {
            self.options.limits.max_command_line
        };
        let Some(frame) = self.framer.next_line(limit) else {
            return false;
        };
        let line = match frame {
            Frame::Line(l) => l,
            Frame::BareLf(l) => {
                self.abort_sasl();
                self.reject(RejectReason::Syntax(ErrorKind::BareLf), &l, None);
                return true;
            }
            Frame::TooLong(o) => {
                self.abort_sasl();
                self.reject(
                    RejectReason::Syntax(ErrorKind::LineTooLong { limit: o.limit }),
                    &o.head,
                    None,
                );
                return true;
            }
        };
        if in_sasl {
            match parse_auth_line(&line) {
                Ok(AuthLine::Response(data)) => {
                    self.sasl = Sasl::AwaitingApp;
                    self.events.push_back(Event::AuthResponse(data));
                }
                Ok(AuthLine::Cancel) => {
                    self.abort_sasl();
                    self.reject(RejectReason::AuthCancelled, &line, None);
                }
                Err(kind) => {
                    // RFC 5034 §4: a response that is not base64 fails the AUTH command.
                    self.abort_sasl();
                    self.reject(RejectReason::Syntax(kind), &line, None);
                }
            }
            return true;
        }
        let cmd = match parse_command(&line) {
            Ok(cmd) => cmd,
            Err(kind) => {
                self.reject(RejectReason::Syntax(kind), &line, None);
                return true;
            }
        };
        if !cmd.valid_in(self.state) {
            self.reject(RejectReason::WrongState(self.state), &line, None);
            return true;
        }
        let plaintext = match &cmd {
            Command::User(_) | Command::Pass(_) => true,
            Command::Auth(Some(a)) => {
                a.mechanism == Mechanism::PLAIN || a.mechanism == Mechanism::LOGIN
            }
            _ => false,
        };
        if plaintext && !self.plaintext_auth_allowed() {
            // Dovecot answers the same situation with [AUTH]; RFC 3206 §5 defines it for
            // credential problems, the closest fit.
            self.reject(
                RejectReason::PlaintextDisallowed,
                &line,
                Some(ResponseCode::Auth),
            );
            return true;
        }
        match cmd {
            Command::Pass(_) if !self.user_accepted => {
                self.reject(RejectReason::PassWithoutUser, &line, None);
                return true;
            }
            Command::Stls if self.tls_active => {
                self.reject(RejectReason::TlsActive, &line, None);
                return true;
            }
            _ => {}
        }
        if matches!(cmd, Command::Auth(Some(_))) {
            self.sasl = Sasl::Started;
        }
        let cmd = cmd.into_static();
        self.pending = Some(cmd.clone());
        self.events.push_back(Event::Command(cmd));
        true
    }

    fn abort_sasl(&mut self) {
        if self.sasl != Sasl::None {
            self.sasl = Sasl::None;
            self.pending = None;
        }
    }
}

/// An escaped snippet of a client line, with credentials replaced.
fn redacted_snippet(line: &[u8], in_sasl: bool) -> String {
    if in_sasl {
        return mailwire_core::secret::REDACTED.to_string();
    }
    let lower: Vec<u8> = line.iter().take(5).map(u8::to_ascii_uppercase).collect();
    if lower.starts_with(b"PASS") || lower.starts_with(b"AUTH ") || lower.starts_with(b"APOP") {
        let kw = &line[..line.len().min(4)];
        return format!("{} {}", snippet(kw), mailwire_core::secret::REDACTED);
    }
    snippet(line)
}
