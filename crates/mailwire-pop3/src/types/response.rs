//! POP3 responses (RFC 1939 §3–§7, RFC 2449 §3 and §8, RFC 3206, RFC 5034 §4, RFC 6856).

use std::borrow::Cow;

use mailwire_core::Secret;

use super::capability::Capability;
use super::core::{LanguageTag, Mechanism, MsgNum, RespCodeText, Text, UniqueId};

/// The response codes this crate knows, upper case.
pub(crate) const KNOWN_CODES: [&str; 6] = [
    "IN-USE",
    "LOGIN-DELAY",
    "SYS/TEMP",
    "SYS/PERM",
    "AUTH",
    "UTF8",
];

/// `+OK` or `-ERR` (RFC 1939 §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum StatusKind {
    /// `+OK`
    Ok,
    /// `-ERR`
    Err,
}

/// An extended response code (RFC 2449 §8), written in brackets after the status indicator.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum ResponseCode<'a> {
    /// `[IN-USE]` (RFC 2449 §8.1.1): the maildrop is locked by another session.
    InUse,
    /// `[LOGIN-DELAY]` (RFC 2449 §8.1.2): the user logged in too recently.
    LoginDelay,
    /// `[SYS/TEMP]` (RFC 3206 §4): a temporary system error.
    SysTemp,
    /// `[SYS/PERM]` (RFC 3206 §4): a permanent system error.
    SysPerm,
    /// `[AUTH]` (RFC 3206 §5): the credentials are wrong.
    Auth,
    /// `[UTF8]` (RFC 6856 §5): the message needs UTF-8 mode.
    Utf8,
    /// A response code this crate does not know, kept as sent.
    Other(RespCodeText<'a>),
}

impl ResponseCode<'_> {
    /// The code as written between the brackets.
    pub fn as_str(&self) -> &str {
        match self {
            ResponseCode::InUse => "IN-USE",
            ResponseCode::LoginDelay => "LOGIN-DELAY",
            ResponseCode::SysTemp => "SYS/TEMP",
            ResponseCode::SysPerm => "SYS/PERM",
            ResponseCode::Auth => "AUTH",
            ResponseCode::Utf8 => "UTF8",
            ResponseCode::Other(t) => t.as_str(),
        }
    }

    /// Copies any borrowed data.
    pub fn into_static(self) -> ResponseCode<'static> {
        match self {
            ResponseCode::InUse => ResponseCode::InUse,
            ResponseCode::LoginDelay => ResponseCode::LoginDelay,
            ResponseCode::SysTemp => ResponseCode::SysTemp,
            ResponseCode::SysPerm => ResponseCode::SysPerm,
            ResponseCode::Auth => ResponseCode::Auth,
            ResponseCode::Utf8 => ResponseCode::Utf8,
            ResponseCode::Other(t) => ResponseCode::Other(t.into_static()),
        }
    }
}

/// A status line: `+OK`/`-ERR`, an optional response code and text (RFC 2449 §3 `single-line`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Status<'a> {
    /// `+OK` or `-ERR`.
    pub kind: StatusKind,
    /// The extended response code, if any.
    pub code: Option<ResponseCode<'a>>,
    /// The human-readable text, without the separating space.
    pub text: Text<'a>,
}

impl<'a> Status<'a> {
    /// A status line with `text` (bytes; CR and LF are refused).
    pub fn new(
        kind: StatusKind,
        text: impl Into<Cow<'a, [u8]>>,
    ) -> Result<Self, super::ValidationError> {
        Ok(Status {
            kind,
            code: None,
            text: Text::new(text)?,
        })
    }

    /// `+OK text`; CR and LF in `text` are refused.
    pub fn ok(text: &'a str) -> Result<Self, super::ValidationError> {
        Self::new(StatusKind::Ok, text.as_bytes())
    }

    /// `-ERR text`; CR and LF in `text` are refused.
    pub fn err(text: &'a str) -> Result<Self, super::ValidationError> {
        Self::new(StatusKind::Err, text.as_bytes())
    }

    /// Adds a response code.
    pub fn with_code(mut self, code: ResponseCode<'a>) -> Self {
        self.code = Some(code);
        self
    }

    /// `true` for `+OK`.
    pub fn is_ok(&self) -> bool {
        self.kind == StatusKind::Ok
    }

    /// The APOP timestamp in a greeting (RFC 1939 §7: `<` … `>`, an RFC 822 msg-id), with its angle
    /// brackets, if the text holds one.
    pub fn apop_timestamp(&self) -> Option<&[u8]> {
        let t = self.text.as_bytes();
        let start = memchr::memchr(b'<', t)?;
        let end = start + memchr::memchr(b'>', &t[start..])?;
        let stamp = &t[start..=end];
        stamp[1..stamp.len() - 1]
            .iter()
            .all(|&c| super::core::is_vchar(c) && c != b'<')
            .then_some(stamp)
    }

    /// Copies any borrowed data.
    pub fn into_static(self) -> Status<'static> {
        Status {
            kind: self.kind,
            code: self.code.map(ResponseCode::into_static),
            text: self.text.into_static(),
        }
    }
}

/// A scan listing: `msg size [info]` (RFC 1939 §5 `LIST`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ScanListing<'a> {
    /// The message number.
    pub msg: MsgNum,
    /// The exact size in octets.
    pub size: u64,
    /// Extra information after the size, which RFC 1939 "STRONGLY discourages"; usually empty.
    pub info: Text<'a>,
}

/// A unique-id listing: `msg unique-id` (RFC 1939 §7 `UIDL`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct UidListing<'a> {
    /// The message number.
    pub msg: MsgNum,
    /// The unique-id.
    pub uid: UniqueId<'a>,
}

/// A language listing: `tag [description]` (RFC 6856 §3.2).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LanguageListing<'a> {
    /// The language tag.
    pub tag: LanguageTag<'a>,
    /// The description in the language itself (UTF-8); may be empty.
    pub description: Text<'a>,
}

/// A response a server sends and a client reads.
///
/// Which variant a line decodes to depends on the command it answers (see
/// [`Expect`](crate::codec::Expect)): a `-ERR` to any command is [`Response::Status`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Response<'a> {
    /// The server greeting (RFC 1939 §4, RFC 2449 §3 `greeting`).
    Greeting(Status<'a>),
    /// A plain status line: the answer to most commands, and any `-ERR`.
    Status(Status<'a>),
    /// `+OK count size [text]`, the answer to `STAT` (RFC 1939 §5).
    Stat {
        /// Messages in the maildrop (not counting deleted ones).
        count: u32,
        /// Their total size in octets.
        size: u64,
        /// Text after the numbers; usually empty.
        text: Text<'a>,
    },
    /// `+OK msg size`, the answer to `LIST msg` (RFC 1939 §5).
    Scan(ScanListing<'a>),
    /// The multi-line answer to `LIST` (RFC 1939 §5).
    ScanList {
        /// The first line.
        status: Status<'a>,
        /// One listing per message.
        listings: Vec<ScanListing<'a>>,
    },
    /// `+OK msg unique-id`, the answer to `UIDL msg` (RFC 1939 §7).
    Uid(UidListing<'a>),
    /// The multi-line answer to `UIDL` (RFC 1939 §7).
    UidList {
        /// The first line.
        status: Status<'a>,
        /// One listing per message.
        listings: Vec<UidListing<'a>>,
    },
    /// The multi-line answer to `CAPA` (RFC 2449 §5).
    Capabilities {
        /// The first line.
        status: Status<'a>,
        /// The capabilities, in the server's order.
        capabilities: Vec<Capability<'a>>,
    },
    /// The multi-line answer to the bare `AUTH` that lists mechanisms.
    Mechanisms {
        /// The first line.
        status: Status<'a>,
        /// The mechanisms.
        mechanisms: Vec<Mechanism<'a>>,
    },
    /// The multi-line answer to a bare `LANG` (RFC 6856 §3.2).
    Languages {
        /// The first line.
        status: Status<'a>,
        /// The languages.
        languages: Vec<LanguageListing<'a>>,
    },
    /// The multi-line answer to `RETR` or `TOP` (RFC 1939 §5, §7): the message bytes, un-stuffed.
    /// Bodies are bytes; nothing assumes UTF-8.
    Message {
        /// The first line.
        status: Status<'a>,
        /// The message (or its header and first lines), with CRLF line ends as sent.
        #[cfg_attr(
            feature = "serde",
            serde(
                serialize_with = "mailwire_core::serde_util::bytes::serialize",
                deserialize_with = "mailwire_core::serde_util::bytes::cow"
            )
        )]
        body: Cow<'a, [u8]>,
    },
    /// A multi-line answer whose shape is not known (an extension command, or decoding without the
    /// command that was sent).
    MultiLine {
        /// The first line.
        status: Status<'a>,
        /// The body, un-stuffed.
        #[cfg_attr(
            feature = "serde",
            serde(
                serialize_with = "mailwire_core::serde_util::bytes::serialize",
                deserialize_with = "mailwire_core::serde_util::bytes::cow"
            )
        )]
        body: Cow<'a, [u8]>,
    },
    /// `+ base64`: a SASL challenge during `AUTH` (RFC 5034 §4), decoded.
    Challenge(Secret<Vec<u8>>),
}

impl Response<'_> {
    /// The status line of the response, if it has one (all but `Challenge`; for the typed
    /// single-line answers a `+OK` status without code is synthesised).
    pub fn status_kind(&self) -> Option<StatusKind> {
        match self {
            Response::Greeting(s) | Response::Status(s) => Some(s.kind),
            Response::ScanList { status, .. }
            | Response::UidList { status, .. }
            | Response::Capabilities { status, .. }
            | Response::Mechanisms { status, .. }
            | Response::Languages { status, .. }
            | Response::Message { status, .. }
            | Response::MultiLine { status, .. } => Some(status.kind),
            Response::Stat { .. } | Response::Scan(_) | Response::Uid(_) => Some(StatusKind::Ok),
            Response::Challenge(_) => None,
        }
    }

    /// `true` when the response is multi-line on the wire.
    pub fn is_multi_line(&self) -> bool {
        matches!(
            self,
            Response::ScanList { .. }
                | Response::UidList { .. }
                | Response::Capabilities { .. }
                | Response::Mechanisms { .. }
                | Response::Languages { .. }
                | Response::Message { .. }
                | Response::MultiLine { .. }
        )
    }

    /// Copies any borrowed data.
    pub fn into_static(self) -> Response<'static> {
        fn scan(l: ScanListing<'_>) -> ScanListing<'static> {
            ScanListing {
                msg: l.msg,
                size: l.size,
                info: l.info.into_static(),
            }
        }
        fn uid(l: UidListing<'_>) -> UidListing<'static> {
            UidListing {
                msg: l.msg,
                uid: l.uid.into_static(),
            }
        }
        match self {
            Response::Greeting(s) => Response::Greeting(s.into_static()),
            Response::Status(s) => Response::Status(s.into_static()),
            Response::Stat { count, size, text } => Response::Stat {
                count,
                size,
                text: text.into_static(),
            },
            Response::Scan(l) => Response::Scan(scan(l)),
            Response::ScanList { status, listings } => Response::ScanList {
                status: status.into_static(),
                listings: listings.into_iter().map(scan).collect(),
            },
            Response::Uid(l) => Response::Uid(uid(l)),
            Response::UidList { status, listings } => Response::UidList {
                status: status.into_static(),
                listings: listings.into_iter().map(uid).collect(),
            },
            Response::Capabilities {
                status,
                capabilities,
            } => Response::Capabilities {
                status: status.into_static(),
                capabilities: capabilities
                    .into_iter()
                    .map(Capability::into_static)
                    .collect(),
            },
            Response::Mechanisms { status, mechanisms } => Response::Mechanisms {
                status: status.into_static(),
                mechanisms: mechanisms.into_iter().map(Mechanism::into_static).collect(),
            },
            Response::Languages { status, languages } => Response::Languages {
                status: status.into_static(),
                languages: languages
                    .into_iter()
                    .map(|l| LanguageListing {
                        tag: l.tag.into_static(),
                        description: l.description.into_static(),
                    })
                    .collect(),
            },
            Response::Message { status, body } => Response::Message {
                status: status.into_static(),
                body: Cow::Owned(body.into_owned()),
            },
            Response::MultiLine { status, body } => Response::MultiLine {
                status: status.into_static(),
                body: Cow::Owned(body.into_owned()),
            },
            Response::Challenge(c) => Response::Challenge(c),
        }
    }
}
