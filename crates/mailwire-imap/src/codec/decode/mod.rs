//! The whole-message decoders (RFC 9051 §9), built on the framer and the nom parsers.

pub(crate) mod command;
mod command_ext;
pub(crate) mod core;
pub(crate) mod raw;
pub(crate) mod response;
mod response_ext;

use self::core::{Ctx, PErr, PResult};
use super::frame::{FrameStatus, find_message_end};
use super::{DecodeError, ErrorKind, Options, ParseError};
use crate::types::{AuthenticateData, Command, Greeting, IdleDone, LiteralMode, Response, Tag};

/// The tag at the start of a message, if it has one (for `tag BAD` answers and errors).
pub(crate) fn leading_tag(msg: &[u8]) -> Option<Tag<'static>> {
    match self::core::tag(msg) {
        Ok((rest, t)) if rest.first() == Some(&b' ') => Some(t.into_static()),
        _ => None,
    }
}

/// Runs `parser` over one complete message `msg` (which ends in CRLF).
pub(crate) fn parse_message<'a, T>(
    msg: &'a [u8],
    opts: &Options,
    parser: impl FnOnce(&Ctx, &'a [u8]) -> PResult<'a, T>,
) -> Result<T, ParseError> {
    let ctx = Ctx::new(opts);
    match parser(&ctx, msg) {
        Ok(([], v)) => Ok(v),
        Ok((rest, _)) => Err(error(
            msg,
            PErr {
                input: rest,
                kind: ErrorKind::Trailing,
            },
        )),
        Err(nom::Err::Error(e) | nom::Err::Failure(e)) => Err(error(msg, e)),
        Err(nom::Err::Incomplete(_)) => Err(error(
            msg,
            PErr {
                input: &msg[msg.len()..],
                kind: ErrorKind::Syntax {
                    expected: "more input",
                },
            },
        )),
    }
}

fn error(msg: &[u8], e: PErr<'_>) -> ParseError {
    let at = msg.len().saturating_sub(e.input.len());
    let mut pe = ParseError::new(e.kind, msg, at);
    pe.skip = msg.len();
    pe.tag = leading_tag(msg);
    pe
}

fn run<'a, T>(
    input: &'a [u8],
    opts: &Options,
    parser: impl FnOnce(&Ctx, &'a [u8]) -> PResult<'a, T>,
) -> Result<(&'a [u8], T), DecodeError> {
    match find_message_end(input, &opts.limits, opts.quirks.bare_lf) {
        FrameStatus::Complete { len } => parse_message(&input[..len], opts, parser)
            .map(|v| (&input[len..], v))
            .map_err(Into::into),
        FrameStatus::Incomplete => Err(DecodeError::Incomplete),
        FrameStatus::LiteralAnnounced { length, .. } => Err(DecodeError::LiteralFound {
            tag: leading_tag(input),
            length,
            mode: LiteralMode::Sync,
        }),
        FrameStatus::Error { error, end } => {
            let mut e = ParseError::new(ErrorKind::Frame(error), input, 0);
            e.skip = end.unwrap_or(0);
            e.tag = leading_tag(input);
            Err(e.into())
        }
    }
}

/// Decodes one command (server side; RFC 9051 §6).
///
/// `LiteralFound` asks the server to send a continuation request (or refuse the literal) before
/// the client sends the literal's data.
///
/// ```
/// use mailwire_imap::codec::{decode_command, DecodeError, Options};
/// use mailwire_imap::types::CommandBody;
///
/// let (rest, cmd) = decode_command(b"a1 NOOP\r\n", &Options::commands()).unwrap();
/// assert_eq!(cmd.body, CommandBody::Noop);
/// assert!(rest.is_empty());
/// assert!(matches!(
///     decode_command(b"a2 LOGIN {5}\r\n", &Options::commands()),
///     Err(DecodeError::LiteralFound { length: 5, .. })
/// ));
/// ```
pub fn decode_command<'a>(
    input: &'a [u8],
    opts: &Options,
) -> Result<(&'a [u8], Command<'a>), DecodeError> {
    run(input, opts, command::command)
}

/// Decodes the server greeting (client side; RFC 9051 §7.1).
pub fn decode_greeting<'a>(
    input: &'a [u8],
    opts: &Options,
) -> Result<(&'a [u8], Greeting<'a>), DecodeError> {
    run(input, opts, response::greeting)
}

/// Decodes one response: status, untagged data or continuation request (client side; RFC 9051
/// §7). A continuation request decodes as [`Continuation::Basic`](crate::types::Continuation);
/// use [`decode_challenge`] while an AUTHENTICATE exchange expects base64.
pub fn decode_response<'a>(
    input: &'a [u8],
    opts: &Options,
) -> Result<(&'a [u8], Response<'a>), DecodeError> {
    run(input, opts, response::response)
}

/// Decodes one response while an AUTHENTICATE exchange runs: a continuation request whose text is
/// strict base64 becomes [`Continuation::Base64`](crate::types::Continuation) (RFC 9051 §6.2.2).
pub fn decode_challenge<'a>(
    input: &'a [u8],
    opts: &Options,
) -> Result<(&'a [u8], Response<'a>), DecodeError> {
    run(input, opts, response::challenge)
}

/// Decodes one client line of an AUTHENTICATE exchange: base64 or `*` (RFC 9051 §6.2.2).
pub fn decode_authenticate_data<'a>(
    input: &'a [u8],
    opts: &Options,
) -> Result<(&'a [u8], AuthenticateData), DecodeError> {
    run(input, opts, command::authenticate_data)
}

/// Decodes the `DONE` line that ends IDLE (RFC 9051 §6.3.13).
pub fn decode_idle_done<'a>(
    input: &'a [u8],
    opts: &Options,
) -> Result<(&'a [u8], IdleDone), DecodeError> {
    run(input, opts, command::idle_done)
}
