//! Framing, decoding and encoding of IMAP messages (RFC 9051 §2.2, §4, §9).
//!
//! The pipeline is *frame, then parse*:
//!
//! 1. [`frame`] splits the byte stream into whole messages: lines, and the literals they announce
//!    (`{n}`, `{n+}`, `~{n}`), with limits on line length, literal size and message size. Literal
//!    bytes are skipped by count, never scanned.
//! 2. The nom parsers in `decode` run over one complete message, so they never see partial input;
//!    literals become borrowed slices, so decode cost does not grow with literal size.
//! 3. [`encode`] turns messages into [`Fragment`]s (lines and literals) so a driver can wait for
//!    the `+` continuation before sending a synchronizing literal.
//!
//! Nesting (body structures, search keys, parenthesized lists) is bounded by
//! [`Options::max_depth`].

pub(crate) mod decode;
pub mod encode;
pub mod frame;

use mailwire_core::text::snippet;

pub use self::decode::{
    decode_authenticate_data, decode_challenge, decode_command, decode_greeting, decode_idle_done,
    decode_response,
};
pub use self::encode::{Encode, Encoded, Fragment};
pub use self::frame::{FrameError, Limits};

use crate::types::{LiteralMode, Tag};

/// Deviations from the RFC grammar that real peers commit, each a named switch.
///
/// The defaults accept what widely deployed servers send when decoding responses and stay strict
/// when decoding commands (a server should not teach clients bad habits), except where noted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quirks {
    /// Accept runs of spaces where one SP is required, a space before `)`, and trailing spaces at
    /// the end of a line. Seen from Microsoft Exchange (`* LIST (\HasNoChildren) "/" Foo ` with a
    /// trailing space) and in hand-typed sessions. Default: on for responses, off for commands.
    pub lenient_spaces: bool,
    /// Accept a continuation request `+` with no space and no text (RFC 9051 requires `+ text`).
    /// Seen from several servers answering IDLE and literals with a bare `+` (Gmail's IDLE
    /// answer is `+ idling`; older Courier and Zimbra builds send `+` alone). Default: on.
    pub bare_continuation: bool,
    /// Accept NIL where a body structure expects a string for a parameter value (the value types
    /// are `NString` so the form survives re-encoding). Seen from imap.mail.ru
    /// (`("boundary" NIL)`) and yahoo.co.jp; see the response decoder tests. Default: on for
    /// responses.
    pub nil_as_string: bool,
    /// Accept a bare LF as a line end. Seen in hand-typed sessions and test scripts. Default: off.
    pub bare_lf: bool,
    /// Accept bytes that are not UTF-8 in text and quoted strings (literals may always hold any
    /// byte but NUL). IMAP4rev2 text is UTF-8; older servers send Latin-1 and other 8-bit
    /// charsets in status text and quoted header fields (seen in ENVELOPE subjects from servers
    /// that pass raw 8-bit headers through, e.g. Dovecot with unencoded headers). Default: on for
    /// responses, off for commands.
    pub eight_bit: bool,
    /// Accept NUL bytes in `{n}` literals (RFC 9051 allows them only in `~{n}` literal8). Checking
    /// would make decode cost grow with literal size, and a client has no use for refusing a
    /// server's literal over it. With this on, a decoded [`Literal`](crate::types::Literal) may
    /// hold NUL. Default: on for responses, off for commands (a server refuses NUL in APPEND).
    pub nul_in_literals: bool,
}

impl Quirks {
    /// The defaults for decoding server responses.
    pub const RESPONSES: Quirks = Quirks {
        lenient_spaces: true,
        bare_continuation: true,
        nil_as_string: true,
        bare_lf: false,
        eight_bit: true,
        nul_in_literals: true,
    };

    /// The defaults for decoding client commands.
    pub const COMMANDS: Quirks = Quirks {
        lenient_spaces: false,
        bare_continuation: false,
        nil_as_string: false,
        bare_lf: false,
        eight_bit: false,
        nul_in_literals: false,
    };

    /// Nothing tolerated: the RFC grammar only.
    pub const STRICT: Quirks = Quirks::COMMANDS;
}

/// The largest nesting depth [`Options::max_depth`] may be set to. Values this deep are still
/// dropped, cloned, compared and printed by recursion well within a 1 MiB stack.
pub const MAX_DEPTH_LIMIT: usize = 512;

/// Decoder settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Framing limits.
    pub limits: Limits,
    /// How deeply body structures, search keys and parenthesized lists may nest. Default 64;
    /// values above [`MAX_DEPTH_LIMIT`] are clamped to it.
    pub max_depth: usize,
    /// Tolerated deviations.
    pub quirks: Quirks,
}

impl Options {
    /// Defaults for decoding responses (client side).
    pub const fn responses() -> Options {
        Options {
            limits: Limits::DEFAULT,
            max_depth: 64,
            quirks: Quirks::RESPONSES,
        }
    }

    /// Defaults for decoding commands (server side).
    pub const fn commands() -> Options {
        Options {
            limits: Limits::DEFAULT,
            max_depth: 64,
            quirks: Quirks::COMMANDS,
        }
    }

    pub(crate) fn depth(&self) -> usize {
        self.max_depth.min(MAX_DEPTH_LIMIT)
    }
}

/// Why a decoder returned without a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The message has not fully arrived: call again with more input. Not a failure.
    #[error("incomplete input")]
    Incomplete,
    /// A synchronizing literal was announced and its data has not arrived: the server must send
    /// a continuation request (or refuse the literal) before the client sends it. Not a failure.
    #[error("literal of {length} octets announced")]
    LiteralFound {
        /// The command's tag, if the line so far starts with one.
        tag: Option<Tag<'static>>,
        /// The announced size.
        length: u64,
        /// Always [`LiteralMode::Sync`] here: non-synchronizing literals just follow.
        mode: LiteralMode,
    },
    /// The input is not a valid message (or breaks a limit).
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
    /// The input where parsing stopped (escaped, shortened).
    pub near: String,
    /// Byte offset of `near` in the message.
    pub offset: usize,
    /// How many input bytes to skip to reach the next message boundary (the end of the bad
    /// message). 0 when unknown (the message's end has not arrived).
    pub skip: usize,
    /// The tag of the bad command, when one could be read (a server answers `tag BAD`).
    pub tag: Option<Tag<'static>>,
}

impl ParseError {
    pub(crate) fn new(kind: ErrorKind, message: &[u8], at: usize) -> Self {
        let at = at.min(message.len());
        ParseError {
            kind,
            near: snippet(&message[at..]),
            offset: at,
            skip: 0,
            tag: None,
        }
    }
}

/// The kinds of [`ParseError`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A framing limit was exceeded or the framing is broken.
    #[error("{0}")]
    Frame(FrameError),
    /// The input does not match the grammar; `expected` names what was expected.
    #[error("syntax error, expected {expected}")]
    Syntax {
        /// What the parser expected at that point.
        expected: &'static str,
    },
    /// Nesting deeper than [`Options::max_depth`].
    #[error("nesting deeper than {0} levels")]
    TooDeep(usize),
    /// A number out of its range.
    #[error("number out of range")]
    Number,
    /// An invalid date or time.
    #[error("invalid date")]
    Date,
    /// Invalid base64 (RFC 4648 §4, strict).
    #[error("invalid base64")]
    Base64,
    /// The command name is not known.
    #[error("unknown command")]
    UnknownCommand,
    /// Bytes after the end of the message.
    #[error("trailing input")]
    Trailing,
}
