//! Capabilities listed by `CAPA` (RFC 2449 §6, RFC 2595 §4, RFC 3206 §6, RFC 5034 §3, RFC 6856).

use super::core::{Arg, CapaTag, Mechanism, Text};

/// The capability tags this crate knows, upper case.
pub(crate) const KNOWN_TAGS: [&str; 13] = [
    "TOP",
    "USER",
    "SASL",
    "RESP-CODES",
    "LOGIN-DELAY",
    "PIPELINING",
    "EXPIRE",
    "UIDL",
    "IMPLEMENTATION",
    "STLS",
    "AUTH-RESP-CODE",
    "UTF8",
    "LANG",
];

/// One line of a `CAPA` response.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Capability<'a> {
    /// `TOP` (RFC 2449 §6.1).
    Top,
    /// `USER` (RFC 2449 §6.2): USER/PASS are accepted.
    User,
    /// `SASL mech...` (RFC 2449 §6.3, RFC 5034 §3).
    Sasl(Vec<Mechanism<'a>>),
    /// `RESP-CODES` (RFC 2449 §6.4).
    RespCodes,
    /// `LOGIN-DELAY seconds [USER]` (RFC 2449 §6.5).
    LoginDelay {
        /// The minimum number of seconds between logins.
        seconds: u32,
        /// `USER`: the delay varies per user (announced in AUTHORIZATION).
        per_user: bool,
    },
    /// `PIPELINING` (RFC 2449 §6.6).
    Pipelining,
    /// `EXPIRE policy [USER]` (RFC 2449 §6.7).
    Expire {
        /// How long the server keeps messages after they were retrieved.
        policy: ExpirePolicy,
        /// `USER`: the policy varies per user (announced in AUTHORIZATION).
        per_user: bool,
    },
    /// `UIDL` (RFC 2449 §6.8).
    Uidl,
    /// `IMPLEMENTATION text` (RFC 2449 §6.9).
    Implementation(Text<'a>),
    /// `STLS` (RFC 2595 §4).
    Stls,
    /// `AUTH-RESP-CODE` (RFC 3206 §6).
    AuthRespCode,
    /// `UTF8 [USER]` (RFC 6856 §2); `user`: UTF-8 user names and passwords are accepted.
    Utf8 {
        /// The `USER` argument is present.
        user: bool,
    },
    /// `LANG` (RFC 6856 §3).
    Lang,
    /// A capability this crate does not know, kept as it was sent.
    Other {
        /// The tag.
        tag: CapaTag<'a>,
        /// Its parameters.
        params: Vec<Arg<'a>>,
    },
}

/// The argument of `EXPIRE` (RFC 2449 §6.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ExpirePolicy {
    /// `NEVER`: the server never deletes retrieved messages by itself.
    Never,
    /// Retrieved messages may be deleted after this many days (`0`: right after the session).
    Days(u32),
}

impl Capability<'_> {
    /// Copies any borrowed data.
    pub fn into_static(self) -> Capability<'static> {
        match self {
            Capability::Top => Capability::Top,
            Capability::User => Capability::User,
            Capability::Sasl(m) => {
                Capability::Sasl(m.into_iter().map(Mechanism::into_static).collect())
            }
            Capability::RespCodes => Capability::RespCodes,
            Capability::LoginDelay { seconds, per_user } => {
                Capability::LoginDelay { seconds, per_user }
            }
            Capability::Pipelining => Capability::Pipelining,
            Capability::Expire { policy, per_user } => Capability::Expire { policy, per_user },
            Capability::Uidl => Capability::Uidl,
            Capability::Implementation(t) => Capability::Implementation(t.into_static()),
            Capability::Stls => Capability::Stls,
            Capability::AuthRespCode => Capability::AuthRespCode,
            Capability::Utf8 { user } => Capability::Utf8 { user },
            Capability::Lang => Capability::Lang,
            Capability::Other { tag, params } => Capability::Other {
                tag: tag.into_static(),
                params: params.into_iter().map(Arg::into_static).collect(),
            },
        }
    }
}
