//! IMAP for `mailwire decode`: walks client and server streams with the whole-message decoders of
//! `mailwire-imap` (`decode_command`, `decode_authenticate_data`, `decode_idle_done`,
//! `decode_greeting`, `decode_response`, `decode_challenge`).
//!
//! - A client stream is a sequence of commands (a command's literals follow its announcing line in
//!   a capture, after the server's `+`, so the decoder sees the whole command). Two commands change
//!   how the next lines are read:
//!   - after `AUTHENTICATE mechanism [initial-response]`, client lines are AUTHENTICATE data
//!     (base64 or `*`). In a transcript, until the server's tagged completion of that command; in
//!     a raw client stream, until a line that looks like a command ([`ClientSide::step`]).
//!   - after `IDLE`, the next client line is `DONE`. In a transcript, unless the server completes
//!     the IDLE command first (it refused it); in a raw client stream, a line that decodes as a
//!     command instead of `DONE` is taken as a command (the server refused IDLE).
//! - A server stream starts with the greeting (in a transcript, unless the client speaks first:
//!   RFC examples often start after it); every later message is a response. While an
//!   AUTHENTICATE exchange runs (transcript mode), a continuation request with base64 text is a
//!   SASL challenge ([`Continuation::Base64`](mailwire_imap::types::Continuation)). A raw server
//!   stream does not know when an exchange runs, so its continuation requests stay text.
//! - A synchronizing literal announced at the very end of a stream (`DecodeError::LiteralFound`)
//!   means the capture stopped before the literal's data: it is reported as truncated input.

use std::io::{self, Write};

use mailwire_core::text::snippet;
use mailwire_imap::codec::{
    DecodeError, Encode, Options, ParseError, decode_authenticate_data, decode_challenge,
    decode_command, decode_greeting, decode_idle_done, decode_response,
};
use mailwire_imap::types::{AuthenticateData, Command, CommandBody, Response, Status, Tag};
use serde::Serialize;

use super::{Direction, Output, Stream, Transcript};

/// Decodes one raw direction.
pub(super) fn decode_raw<W: Write, E: Write>(
    stream: &Stream,
    from: Direction,
    out: &mut Output<W, E>,
) -> io::Result<()> {
    match from {
        Direction::Client => {
            let mut client = ClientSide::new(Exchanges::Guessed);
            while client.cursor.has_more(stream) {
                client.step(stream, out)?;
            }
        }
        Direction::Server => {
            let mut server = ServerSide::default();
            while server.cursor.has_more(stream) {
                server.step(stream, false, out)?;
            }
        }
    }
    Ok(())
}

/// Decodes both streams of a transcript, in transcript order.
pub(super) fn decode_transcript<W: Write, E: Write>(
    transcript: &Transcript,
    out: &mut Output<W, E>,
) -> io::Result<()> {
    let (cs, ss) = (&transcript.client, &transcript.server);
    let mut client = ClientSide::new(Exchanges::Known);
    // An excerpt in which the client speaks first has no greeting.
    let mut server = ServerSide {
        greeted: matches!((cs.line_at(0), ss.line_at(0)), (Some(c), Some(s)) if c < s),
        ..ServerSide::default()
    };
    loop {
        // The side whose next message starts first in the transcript goes next.
        let next_client = client
            .cursor
            .has_more(cs)
            .then(|| cs.line_at(client.cursor.pos));
        let next_server = server
            .cursor
            .has_more(ss)
            .then(|| ss.line_at(server.cursor.pos));
        let client_first = match (next_client, next_server) {
            (None, None) => return Ok(()),
            (Some(c), Some(s)) => c < s,
            (Some(_), None) => true,
            (None, Some(_)) => false,
        };
        if client_first {
            client.step(cs, out)?;
        } else if let Some(tag) = server.step(ss, client.authenticating(), out)? {
            client.completed(&tag);
        }
    }
}

/// How the end of an AUTHENTICATE or IDLE exchange is found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Exchanges {
    /// From the server's tagged completion (transcript mode).
    Known,
    /// From the client lines alone (raw client stream).
    Guessed,
}

/// What the next client line is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Mode {
    /// A command.
    Command,
    /// AUTHENTICATE data, for the AUTHENTICATE command with this tag.
    Authenticate(Tag<'static>),
    /// `DONE`, for the IDLE command with this tag.
    Idle(Tag<'static>),
}

/// The client stream's decoder.
#[derive(Debug)]
struct ClientSide {
    cursor: Cursor,
    exchanges: Exchanges,
    mode: Mode,
}

impl ClientSide {
    fn new(exchanges: Exchanges) -> Self {
        ClientSide {
            cursor: Cursor::default(),
            exchanges,
            mode: Mode::Command,
        }
    }

    /// Whether an AUTHENTICATE exchange runs (the server's `+` lines are SASL challenges).
    fn authenticating(&self) -> bool {
        matches!(self.mode, Mode::Authenticate(_))
    }

    /// The server completed the command tagged `tag` (transcript mode): an AUTHENTICATE or IDLE
    /// exchange of that command is over.
    fn completed(&mut self, tag: &Tag<'_>) {
        if let Mode::Authenticate(t) | Mode::Idle(t) = &self.mode
            && t.as_str() == tag.as_str()
        {
            self.mode = Mode::Command;
        }
    }

    /// Decodes the next client message.
    ///
    /// In a raw client stream an AUTHENTICATE exchange ends at `*` or at a line that looks like a
    /// command: one that decodes as a command, or that starts with a tag and a space, or ends in a
    /// literal announcement. Base64 and `*` lines have neither spaces nor `{`, so the two never
    /// mix up; a command that does not decode is still reported as a bad command.
    fn step<W: Write, E: Write>(
        &mut self,
        stream: &Stream,
        out: &mut Output<W, E>,
    ) -> io::Result<()> {
        let input = self.cursor.input(stream);
        let opts = Options::commands();
        match (&self.mode, self.exchanges) {
            (Mode::Command, _) => {}
            (Mode::Authenticate(_), Exchanges::Known) => {
                self.cursor
                    .accept(stream, decode_authenticate_data(input, &opts), out)?;
                return Ok(());
            }
            (Mode::Authenticate(_), Exchanges::Guessed) => {
                let command = decode_command(input, &opts);
                let looks_like_command = match &command {
                    Ok(_) | Err(DecodeError::LiteralFound { .. }) => true,
                    Err(DecodeError::Failed(e)) => e.tag.is_some(),
                    Err(DecodeError::Incomplete) => false,
                };
                if looks_like_command {
                    self.mode = Mode::Command;
                    return self.command(stream, command, out);
                }
                let data =
                    self.cursor
                        .accept(stream, decode_authenticate_data(input, &opts), out)?;
                if matches!(data, Step::Message(AuthenticateData::Cancel)) {
                    self.mode = Mode::Command;
                }
                return Ok(());
            }
            (Mode::Idle(_), exchanges) => {
                let done = decode_idle_done(input, &opts);
                if exchanges == Exchanges::Guessed && done.is_err() {
                    self.mode = Mode::Command;
                    let command = decode_command(input, &opts);
                    if command.is_ok() {
                        // Not `DONE` but a command: the server refused IDLE.
                        return self.command(stream, command, out);
                    }
                }
                if let Step::Message(_) = self.cursor.accept(stream, done, out)? {
                    self.mode = Mode::Command;
                }
                return Ok(());
            }
        }
        self.command(stream, decode_command(input, &opts), out)
    }

    /// Reports a command (or why it did not decode) and follows the exchanges it starts.
    fn command<'s, W: Write, E: Write>(
        &mut self,
        stream: &'s Stream,
        result: Result<(&'s [u8], Command<'s>), DecodeError>,
        out: &mut Output<W, E>,
    ) -> io::Result<()> {
        if let Step::Message(command) = self.cursor.accept(stream, result, out)? {
            match command.body {
                CommandBody::Authenticate { .. } => {
                    self.mode = Mode::Authenticate(command.tag.into_static());
                }
                CommandBody::Idle => self.mode = Mode::Idle(command.tag.into_static()),
                _ => {}
            }
        }
        Ok(())
    }
}

/// The server stream's decoder.
#[derive(Debug, Default)]
struct ServerSide {
    cursor: Cursor,
    greeted: bool,
}

impl ServerSide {
    /// Decodes the next server message: the greeting first, then responses (`authenticating`:
    /// while an AUTHENTICATE exchange runs). Returns the tag of a tagged status response, also of
    /// one that does not decode but starts with a tag.
    fn step<W: Write, E: Write>(
        &mut self,
        stream: &Stream,
        authenticating: bool,
        out: &mut Output<W, E>,
    ) -> io::Result<Option<Tag<'static>>> {
        let input = self.cursor.input(stream);
        let opts = Options::responses();
        if !self.greeted {
            self.greeted = true;
            self.cursor
                .accept(stream, decode_greeting(input, &opts), out)?;
            return Ok(None);
        }
        let result = if authenticating {
            decode_challenge(input, &opts)
        } else {
            decode_response(input, &opts)
        };
        Ok(match self.cursor.accept(stream, result, out)? {
            Step::Message(Response::Status(Status::Tagged { tag, .. })) => Some(tag.into_static()),
            Step::Message(_) | Step::End => None,
            Step::Failed(tag) => tag,
        })
    }
}

/// What [`Cursor::accept`] did.
#[derive(Debug)]
enum Step<M> {
    /// Reported a decoded message.
    Message(M),
    /// Reported input that does not decode (and skipped it); the tag it starts with, if any.
    Failed(Option<Tag<'static>>),
    /// Reported truncated input: the stream is over.
    End,
}

/// Where decoding stands in one stream.
#[derive(Debug, Default)]
struct Cursor {
    pos: usize,
    done: bool,
}

impl Cursor {
    fn has_more(&self, stream: &Stream) -> bool {
        !self.done && self.pos < stream.bytes.len()
    }

    /// The undecoded rest of `stream`.
    fn input<'s>(&self, stream: &'s Stream) -> &'s [u8] {
        &stream.bytes[self.pos..]
    }

    /// Reports the result of decoding at the cursor and moves past what it covered: the message,
    /// the bad message (its `skip`, or through the next LF when the decoder did not know), or all
    /// the rest for truncated input.
    fn accept<'s, M: Serialize + Encode, W: Write, E: Write>(
        &mut self,
        stream: &'s Stream,
        result: Result<(&'s [u8], M), DecodeError>,
        out: &mut Output<W, E>,
    ) -> io::Result<Step<M>> {
        let input = self.input(stream);
        let at = stream.position(self.pos);
        match result {
            Ok((rest, message)) => {
                out.message(at, &message, || message.encode().dump())?;
                self.pos = stream.bytes.len() - rest.len();
                Ok(Step::Message(message))
            }
            // A synchronizing literal is announced at the end of the input: the capture stopped
            // before its data.
            Err(DecodeError::Incomplete | DecodeError::LiteralFound { .. }) => {
                out.error(at, "truncated input", &snippet(input))?;
                self.pos = stream.bytes.len();
                self.done = true;
                Ok(Step::End)
            }
            Err(DecodeError::Failed(e)) => {
                out.error(at, &e.to_string(), &e.near)?;
                self.pos += skip(input, &e);
                Ok(Step::Failed(e.tag))
            }
        }
    }
}

/// Where decoding resumes after `e`: its `skip`, or after the next LF when the decoder did not
/// know. Always moves forward.
fn skip(input: &[u8], e: &ParseError) -> usize {
    let n = if e.skip > 0 {
        e.skip
    } else {
        memchr::memchr(b'\n', input).map_or(input.len(), |lf| lf + 1)
    };
    n.clamp(1, input.len().max(1))
}
