//! POP3 for `mailwire decode`: walks client and server streams with the pure decoders of
//! `mailwire-pop3` (`decode_command`, `decode_auth_line`, `decode_response`).
//!
//! - A client stream is a sequence of command lines, except during an `AUTH mechanism` exchange,
//!   whose client lines are SASL lines (base64 or `*`, RFC 5034 §4). In a transcript the exchange
//!   lasts until the server's final `+OK`/`-ERR`; in a raw client stream, until a line that decodes
//!   as a standard command (see [`Sasl::Guessed`]).
//! - A server stream starts with the greeting. The shape of each later response depends on the
//!   command it answers ([`Expect::for_command`]): in a transcript the commands are known (queued
//!   in order, so pipelining works); in a raw server stream, and for a transcript response with no
//!   command outstanding, the shape is guessed ([`Expect::Guess`]).

use std::collections::VecDeque;
use std::io::{self, Write};

use mailwire_core::text::snippet;
use mailwire_pop3::codec::{
    DecodeError, Encode, ErrorKind, Expect, Limits, ParseError, decode_auth_line, decode_command,
    decode_response,
};
use mailwire_pop3::{AuthLine, Command, Response};

use super::{Direction, Output, Stream, Transcript};

/// Decodes one raw direction.
pub(super) fn decode_raw<W: Write, E: Write>(
    stream: &Stream,
    from: Direction,
    out: &mut Output<W, E>,
) -> io::Result<()> {
    match from {
        Direction::Client => {
            let mut client = ClientSide::new(Sasl::Guessed);
            while client.has_more(stream) {
                client.step(stream, out)?;
            }
        }
        Direction::Server => {
            let mut server = ServerSide::default();
            while server.has_more(stream) {
                server.step(stream, out)?;
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
    let mut client = ClientSide::new(Sasl::Known);
    let mut server = ServerSide::default();
    loop {
        // The side whose next message starts first in the transcript goes next.
        let next_client = client.has_more(cs).then(|| cs.line_at(client.pos));
        let next_server = server.has_more(ss).then(|| ss.line_at(server.pos));
        let client_first = match (next_client, next_server) {
            (None, None) => return Ok(()),
            (Some(c), Some(s)) => c < s,
            (Some(_), None) => true,
            (None, Some(_)) => false,
        };
        if client_first {
            if let Some(expect) = client.step(cs, out)? {
                server.pending.push_back(expect);
            }
        } else if server.step(ss, out)? {
            client.sasl = Sasl::Off;
        }
    }
}

/// How client lines after `AUTH mechanism` are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sasl {
    /// No exchange is running: lines are commands.
    Off,
    /// An exchange the server has not ended yet (transcript mode): every line is a SASL line.
    Known,
    /// An exchange may be running (raw client stream): a line that decodes as a standard command
    /// (not [`Command::Other`]) is a command and ends the exchange; any other line is a SASL line
    /// if it is one, and `*` ends the exchange.
    Guessed,
}

/// The client stream's decoder.
#[derive(Debug)]
struct ClientSide {
    pos: usize,
    sasl: Sasl,
    /// The mode an `AUTH mechanism` command switches to.
    on_auth: Sasl,
    done: bool,
}

impl ClientSide {
    fn new(on_auth: Sasl) -> Self {
        ClientSide {
            pos: 0,
            sasl: Sasl::Off,
            on_auth,
            done: false,
        }
    }

    fn has_more(&self, stream: &Stream) -> bool {
        !self.done && self.pos < stream.bytes.len()
    }

    /// Decodes the next client line. Returns the shape of the answer the server owes for it: for
    /// a command, and for a line that does not decode as a command (the server answers `-ERR`).
    fn step<W: Write, E: Write>(
        &mut self,
        stream: &Stream,
        out: &mut Output<W, E>,
    ) -> io::Result<Option<Expect>> {
        let input = &stream.bytes[self.pos..];
        let at = stream.position(self.pos);
        let limits = Limits::default();
        if self.sasl == Sasl::Known {
            match decode_auth_line(input, &limits) {
                Ok((rest, line)) => {
                    out.message(at, &line, || line.to_wire())?;
                    self.pos = stream.bytes.len() - rest.len();
                }
                Err(e) => self.pos += report(input, at, e, out)?,
            }
            return Ok(None);
        }
        let command = decode_command(input, &limits);
        if self.sasl == Sasl::Guessed {
            let standard = matches!(&command, Ok((_, c)) if !matches!(c, Command::Other { .. }));
            if !standard {
                match decode_auth_line(input, &limits) {
                    Ok((rest, line)) => {
                        out.message(at, &line, || line.to_wire())?;
                        self.pos = stream.bytes.len() - rest.len();
                        if line == AuthLine::Cancel {
                            self.sasl = Sasl::Off;
                        }
                        return Ok(None);
                    }
                    Err(DecodeError::Failed(e)) => {
                        // Neither a SASL line nor a command keyword: report it as a SASL line.
                        let unknown = matches!(
                            &command,
                            Err(DecodeError::Failed(c)) if c.kind == ErrorKind::UnknownCommand
                        );
                        if unknown {
                            self.pos += report(input, at, DecodeError::Failed(e), out)?;
                            return Ok(None);
                        }
                    }
                    Err(DecodeError::Incomplete) => {
                        self.pos += report(input, at, DecodeError::Incomplete, out)?;
                        self.done = true;
                        return Ok(None);
                    }
                }
            }
            self.sasl = Sasl::Off;
        }
        match command {
            Ok((rest, command)) => {
                out.message(at, &command, || command.to_wire())?;
                self.pos = stream.bytes.len() - rest.len();
                if matches!(command, Command::Auth(Some(_))) {
                    self.sasl = self.on_auth;
                }
                Ok(Some(Expect::for_command(&command)))
            }
            Err(DecodeError::Incomplete) => {
                self.pos += report(input, at, DecodeError::Incomplete, out)?;
                self.done = true;
                Ok(None)
            }
            Err(e) => {
                self.pos += report(input, at, e, out)?;
                Ok(Some(Expect::Status))
            }
        }
    }
}

/// The server stream's decoder.
#[derive(Debug, Default)]
struct ServerSide {
    pos: usize,
    greeted: bool,
    /// The shapes of the answers still owed, oldest first (transcript mode).
    pending: VecDeque<Expect>,
    done: bool,
}

impl ServerSide {
    fn has_more(&self, stream: &Stream) -> bool {
        !self.done && self.pos < stream.bytes.len()
    }

    /// Decodes the next response. Returns `true` when it ended an `AUTH mechanism` exchange.
    fn step<W: Write, E: Write>(
        &mut self,
        stream: &Stream,
        out: &mut Output<W, E>,
    ) -> io::Result<bool> {
        let input = &stream.bytes[self.pos..];
        let at = stream.position(self.pos);
        let limits = Limits::default();
        let expect = if self.greeted {
            self.pending.front().copied().unwrap_or(Expect::Guess)
        } else {
            Expect::Greeting
        };
        let mut result = decode_response(input, expect, &limits);
        if expect == Expect::Guess {
            match &result {
                Err(DecodeError::Incomplete) if is_single_line(input) => {
                    // A last `+OK` line: nothing follows that could make it multi-line.
                    result = decode_response(input, Expect::Status, &limits);
                }
                Err(DecodeError::Failed(e))
                    if matches!(e.kind, ErrorKind::LineTooLong { .. })
                        && input.starts_with(b"+ ") =>
                {
                    // `Expect::Guess` checks a challenge against the status-line limit (512)
                    // instead of the SASL line limit; `Expect::Auth` reads it as a challenge.
                    result = decode_response(input, Expect::Auth, &limits);
                }
                _ => {}
            }
        }
        let challenge = match result {
            Ok((rest, response)) => {
                out.message(at, &response, || response.to_wire())?;
                self.pos = stream.bytes.len() - rest.len();
                matches!(response, Response::Challenge(_))
            }
            Err(DecodeError::Incomplete) => {
                self.pos += report(input, at, DecodeError::Incomplete, out)?;
                self.done = true;
                return Ok(false);
            }
            Err(e) => {
                let challenge = input.starts_with(b"+ ") || input.starts_with(b"+\r\n");
                self.pos += report(input, at, e, out)?;
                challenge
            }
        };
        if !self.greeted {
            self.greeted = true;
            return Ok(false);
        }
        if expect == Expect::Auth && challenge {
            // The exchange goes on.
            return Ok(false);
        }
        Ok(self.pending.pop_front() == Some(Expect::Auth))
    }
}

/// `true` when `input` is exactly one line, ending in LF.
fn is_single_line(input: &[u8]) -> bool {
    memchr::memchr(b'\n', input) == Some(input.len().saturating_sub(1))
}

/// Reports a decode error at the start of `input`; returns how many bytes to skip.
fn report<W: Write, E: Write>(
    input: &[u8],
    at: super::Position,
    error: DecodeError,
    out: &mut Output<W, E>,
) -> io::Result<usize> {
    match error {
        DecodeError::Incomplete => {
            out.error(at, "truncated input", &snippet(input))?;
            Ok(input.len())
        }
        DecodeError::Failed(e) => {
            out.error(at, &e.to_string(), &e.near)?;
            Ok(skip(input, &e))
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
