//! POP3 commands (RFC 1939 §4–§7, RFC 2449 §5–§6, RFC 2595 §4, RFC 5034 §4, RFC 6856 §2–§3).

use mailwire_core::Secret;

use super::core::{ApopDigest, Arg, Keyword, LanguageTag, Mechanism, MsgNum, Password};

/// The command keywords this crate knows, upper case.
pub(crate) const KNOWN_KEYWORDS: [&str; 17] = [
    "USER", "PASS", "APOP", "STAT", "LIST", "RETR", "DELE", "NOOP", "RSET", "QUIT", "TOP", "UIDL",
    "CAPA", "STLS", "AUTH", "UTF8", "LANG",
];

/// The states of a POP3 session (RFC 1939 §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum SessionState {
    /// Before a successful login (RFC 1939 §4).
    Authorization,
    /// After login: the maildrop is open (RFC 1939 §5).
    Transaction,
    /// After `QUIT` in the TRANSACTION state: deletions are committed (RFC 1939 §6).
    Update,
}

/// A command a client sends and a server reads.
///
/// Keywords are case-insensitive on the wire (RFC 1939 §3); the encoder writes them in upper case.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Command<'a> {
    /// `USER name` (RFC 1939 §7).
    User(Arg<'a>),
    /// `PASS string` (RFC 1939 §7). The password is the rest of the line and may contain spaces.
    Pass(Password<'a>),
    /// `APOP name digest` (RFC 1939 §7).
    Apop {
        /// The mailbox name.
        name: Arg<'a>,
        /// MD5 of the greeting timestamp and the shared secret.
        digest: ApopDigest,
    },
    /// `STAT` (RFC 1939 §5).
    Stat,
    /// `LIST [msg]` (RFC 1939 §5).
    List(Option<MsgNum>),
    /// `RETR msg` (RFC 1939 §5).
    Retr(MsgNum),
    /// `DELE msg` (RFC 1939 §5).
    Dele(MsgNum),
    /// `NOOP` (RFC 1939 §5).
    Noop,
    /// `RSET` (RFC 1939 §5).
    Rset,
    /// `QUIT` (RFC 1939 §4 and §6).
    Quit,
    /// `TOP msg n` (RFC 1939 §7): the header and the first `lines` lines of the body.
    Top {
        /// The message.
        msg: MsgNum,
        /// How many body lines; 0 means the header only.
        lines: u32,
    },
    /// `UIDL [msg]` (RFC 1939 §7).
    Uidl(Option<MsgNum>),
    /// `CAPA` (RFC 2449 §5).
    Capa,
    /// `STLS` (RFC 2595 §4).
    Stls,
    /// `AUTH [mechanism [initial-response]]` (RFC 5034 §4; RFC 1734). `None` is the bare `AUTH`
    /// that asks for the list of mechanisms, which many servers answer.
    Auth(Option<SaslAuth<'a>>),
    /// `UTF8` (RFC 6856 §2.1).
    Utf8,
    /// `LANG [lang-range]` (RFC 6856 §3). `None` asks for the list of languages.
    Lang(Option<LangRequest<'a>>),
    /// An extension command this crate does not know (RFC 2449 §3 `keyword *(SP param)`).
    Other {
        /// The keyword as sent.
        keyword: Keyword<'a>,
        /// The parameters.
        params: Vec<Arg<'a>>,
    },
}

/// `AUTH mechanism [initial-response]` (RFC 5034 §4).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SaslAuth<'a> {
    /// The SASL mechanism.
    pub mechanism: Mechanism<'a>,
    /// The decoded initial response. `Some(empty)` is sent as `=`.
    pub initial_response: Option<Secret<Vec<u8>>>,
}

/// The argument of `LANG` (RFC 6856 §3.2).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum LangRequest<'a> {
    /// `*`: the server's preferred language.
    Wildcard,
    /// A basic language range such as `en` or `de-CH`.
    Range(LanguageTag<'a>),
}

/// A line the client sends during an `AUTH` exchange (RFC 5034 §4).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum AuthLine {
    /// A base64 response, decoded.
    Response(Secret<Vec<u8>>),
    /// `*`: the client cancels the exchange.
    Cancel,
}

impl Command<'_> {
    /// The command's keyword, upper case.
    pub fn keyword(&self) -> &str {
        match self {
            Command::User(_) => "USER",
            Command::Pass(_) => "PASS",
            Command::Apop { .. } => "APOP",
            Command::Stat => "STAT",
            Command::List(_) => "LIST",
            Command::Retr(_) => "RETR",
            Command::Dele(_) => "DELE",
            Command::Noop => "NOOP",
            Command::Rset => "RSET",
            Command::Quit => "QUIT",
            Command::Top { .. } => "TOP",
            Command::Uidl(_) => "UIDL",
            Command::Capa => "CAPA",
            Command::Stls => "STLS",
            Command::Auth(_) => "AUTH",
            Command::Utf8 => "UTF8",
            Command::Lang(_) => "LANG",
            Command::Other { keyword, .. } => keyword.as_str(),
        }
    }

    /// Whether the command may be sent in `state` (RFC 1939 §4–§7, RFC 2449 §5, RFC 2595 §4,
    /// RFC 5034 §4, RFC 6856). Extension commands are allowed in both AUTHORIZATION and
    /// TRANSACTION; nothing is allowed in UPDATE.
    pub fn valid_in(&self, state: SessionState) -> bool {
        use SessionState::*;
        match self {
            Command::User(_)
            | Command::Pass(_)
            | Command::Apop { .. }
            | Command::Stls
            | Command::Auth(_)
            | Command::Utf8 => state == Authorization,
            Command::Stat
            | Command::List(_)
            | Command::Retr(_)
            | Command::Dele(_)
            | Command::Noop
            | Command::Rset
            | Command::Top { .. }
            | Command::Uidl(_) => state == Transaction,
            Command::Quit | Command::Capa | Command::Lang(_) | Command::Other { .. } => {
                state != Update
            }
        }
    }

    /// Copies any borrowed data so the command no longer borrows the input.
    pub fn into_static(self) -> Command<'static> {
        match self {
            Command::User(a) => Command::User(a.into_static()),
            Command::Pass(p) => Command::Pass(p.into_static()),
            Command::Apop { name, digest } => Command::Apop {
                name: name.into_static(),
                digest,
            },
            Command::Stat => Command::Stat,
            Command::List(n) => Command::List(n),
            Command::Retr(n) => Command::Retr(n),
            Command::Dele(n) => Command::Dele(n),
            Command::Noop => Command::Noop,
            Command::Rset => Command::Rset,
            Command::Quit => Command::Quit,
            Command::Top { msg, lines } => Command::Top { msg, lines },
            Command::Uidl(n) => Command::Uidl(n),
            Command::Capa => Command::Capa,
            Command::Stls => Command::Stls,
            Command::Auth(a) => Command::Auth(a.map(|a| SaslAuth {
                mechanism: a.mechanism.into_static(),
                initial_response: a.initial_response,
            })),
            Command::Utf8 => Command::Utf8,
            Command::Lang(l) => Command::Lang(l.map(|l| match l {
                LangRequest::Wildcard => LangRequest::Wildcard,
                LangRequest::Range(t) => LangRequest::Range(t.into_static()),
            })),
            Command::Other { keyword, params } => Command::Other {
                keyword: keyword.into_static(),
                params: params.into_iter().map(Arg::into_static).collect(),
            },
        }
    }
}
