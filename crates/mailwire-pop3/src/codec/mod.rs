//! Decoding and encoding of POP3 commands and responses.
//!
//! Decoders are pure functions over borrowed input. Each returns the rest of the input and one
//! message, [`DecodeError::Incomplete`] when the message has not fully arrived (a status, not a
//! failure: feed more input and call again), or [`DecodeError::Failed`] with the offending bytes
//! and where to resume.
//!
//! | function | reads | RFC |
//! |---|---|---|
//! | [`decode_command`] | one command line (server side) | RFC 1939 §3, RFC 2449 §3 |
//! | [`decode_auth_line`] | one client line of an `AUTH` exchange | RFC 5034 §4 |
//! | [`decode_response`] | one response of the [`Expect`]ed shape (client side) | RFC 1939 §3, RFC 2449 §3 |
//!
//! A POP3 response does not say whether it is single- or multi-line: that depends on the command
//! it answers, so the client passes the [`Expect`]ed shape ([`Expect::for_command`]).
//! [`Expect::Guess`] decodes without the command, by a documented heuristic.
//!
//! These whole-message decoders are for complete buffers (tests, tools, captured traffic). A
//! connection that receives a large body in pieces should use the client state machine
//! ([`crate::client`]), which decodes bodies incrementally with total work linear in their size.
//!
//! Encoders append the canonical wire form to a `Vec<u8>` ([`Encode`]). Multi-line bodies are
//! dot-stuffed while encoding.

mod decode;
mod encode;

use mailwire_core::text::snippet;

pub(crate) use self::decode::{
    FirstLine, ListItem, assemble, parse_auth_line, parse_command, parse_list_line,
    parse_single_line,
};
pub use self::decode::{decode_auth_line, decode_command, decode_response};
pub use self::encode::Encode;

use crate::types::Command;

/// Line-length limits (RFC 2449 §4), in octets including CRLF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Longest command line a server accepts. Default 255 (RFC 2449 §4).
    pub max_command_line: usize,
    /// Longest status line (first line of a response, or greeting) and listing line a client
    /// accepts. Default 512 (RFC 2449 §4).
    pub max_status_line: usize,
    /// Longest line of a SASL exchange in either direction. RFC 5034 §4 puts no limit on them;
    /// default 16 KiB, which covers Kerberos tickets and OAuth tokens.
    pub max_sasl_line: usize,
    /// Most listing lines collected for one `LIST`, `UIDL`, `CAPA`, `AUTH` or `LANG` response.
    /// Default 4,000,000. Message bodies (`RETR`, `TOP`) have no limit: they are streamed.
    pub max_listing_lines: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_command_line: 255,
            max_status_line: 512,
            max_sasl_line: 16 * 1024,
            max_listing_lines: 4_000_000,
        }
    }
}

/// The shape of the response a client expects, decided by the command it answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Expect {
    /// The greeting that opens the session.
    Greeting,
    /// A single status line.
    Status,
    /// `+OK count size` (STAT).
    Stat,
    /// `+OK msg size` (LIST msg).
    Scan,
    /// Multi-line scan listings (LIST).
    ScanList,
    /// `+OK msg uid` (UIDL msg).
    Uid,
    /// Multi-line unique-id listings (UIDL).
    UidList,
    /// Multi-line capabilities (CAPA).
    Capabilities,
    /// Multi-line message body (RETR, TOP).
    Message,
    /// Multi-line mechanism list (bare AUTH).
    Mechanisms,
    /// Multi-line language list (bare LANG).
    Languages,
    /// A SASL challenge `+ ...` or the final status (AUTH mechanism).
    Auth,
    /// A multi-line response of unknown content.
    MultiLine,
    /// Unknown: the command is not known (decoding a one-sided capture). A `+OK` whose next line
    /// starts with neither `+` nor `-` is taken as multi-line with an unknown body; a line
    /// starting with `+ ` is a challenge. Only for tools: a real client always knows the command.
    Guess,
}

impl Expect {
    /// The shape of the answer to `command` (RFC 1939 §5 and §7, RFC 2449 §5, RFC 5034 §4, RFC 6856
    /// §3.2). Extension commands are assumed to be answered by a single line.
    pub fn for_command(command: &Command<'_>) -> Expect {
        match command {
            Command::Stat => Expect::Stat,
            Command::List(None) => Expect::ScanList,
            Command::List(Some(_)) => Expect::Scan,
            Command::Uidl(None) => Expect::UidList,
            Command::Uidl(Some(_)) => Expect::Uid,
            Command::Retr(_) | Command::Top { .. } => Expect::Message,
            Command::Capa => Expect::Capabilities,
            Command::Auth(None) => Expect::Mechanisms,
            Command::Auth(Some(_)) => Expect::Auth,
            Command::Lang(None) => Expect::Languages,
            _ => Expect::Status,
        }
    }

    /// `true` if a `+OK` answer of this shape is followed by lines up to a `.` line.
    pub fn is_multi_line(self) -> bool {
        matches!(
            self,
            Expect::ScanList
                | Expect::UidList
                | Expect::Capabilities
                | Expect::Message
                | Expect::Mechanisms
                | Expect::Languages
                | Expect::MultiLine
        )
    }
}

/// Why a decoder returned without a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The message has not fully arrived: call again with more input. Not a failure.
    #[error("incomplete input")]
    Incomplete,
    /// The input is not a valid message.
    #[error(transparent)]
    Failed(#[from] ParseError),
}

/// Invalid input, with the offending bytes and where decoding can resume.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} near \"{near}\"")]
#[non_exhaustive]
pub struct ParseError {
    /// What is wrong.
    pub kind: ErrorKind,
    /// The offending line (escaped, shortened).
    pub near: String,
    /// How many input bytes to skip to reach the next message boundary (the end of the bad line,
    /// or of the whole bad multi-line response). 0 when unknown.
    pub skip: usize,
}

impl ParseError {
    pub(crate) fn new(kind: ErrorKind, line: &[u8]) -> Self {
        ParseError {
            kind,
            near: snippet(line),
            skip: 0,
        }
    }

    pub(crate) fn skipping(mut self, skip: usize) -> Self {
        self.skip = skip;
        self
    }
}

/// The kinds of [`ParseError`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The line is longer than the limit.
    #[error("line longer than {limit} octets")]
    LineTooLong {
        /// The limit, including CRLF.
        limit: usize,
    },
    /// The line ends in a bare LF.
    #[error("line ends in LF without CR")]
    BareLf,
    /// The command keyword is not known.
    #[error("unknown command")]
    UnknownCommand,
    /// A required argument is missing.
    #[error("missing argument")]
    MissingArgument,
    /// More arguments than the command takes.
    #[error("too many arguments")]
    TooManyArguments,
    /// An argument does not satisfy its grammar.
    #[error("invalid {0}")]
    InvalidArgument(&'static str),
    /// A response line starts with neither `+OK` nor `-ERR` (nor `+ ` where a challenge may come).
    #[error("not a status line")]
    InvalidStatus,
    /// A line of a multi-line response does not fit the expected shape.
    #[error("invalid {0} line")]
    InvalidListing(&'static str),
    /// A base64 string is not strict RFC 4648 base64 (RFC 5034 §4).
    #[error("invalid base64")]
    InvalidBase64,
    /// More listing lines than [`Limits::max_listing_lines`].
    #[error("more than {0} listing lines")]
    TooManyLines(usize),
}
