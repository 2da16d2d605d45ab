//! Flags (RFC 9051 §2.3.2, §7.3.1 and §9; RFC 3501 §2.3.2) and mailbox attributes (RFC 9051
//! §7.3.1, RFC 6154 §2, RFC 3348).

use super::core::Atom;

/// A message flag (RFC 9051 §9, `flag`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Flag<'a> {
    /// `\Answered`
    Answered,
    /// `\Flagged`
    Flagged,
    /// `\Deleted`
    Deleted,
    /// `\Seen`
    Seen,
    /// `\Draft`
    Draft,
    /// A keyword such as `$Forwarded` or `$Junk` (`flag-keyword`).
    Keyword(Atom<'a>),
    /// Another system flag `\atom` (`flag-extension`), kept as sent, without the backslash.
    Extension(Atom<'a>),
}

impl<'a> Flag<'a> {
    /// Parses the text of a flag, with its backslash if it is a system flag.
    pub fn parse(s: &'a str) -> Result<Self, super::ValidationError> {
        match s.strip_prefix('\\') {
            Some(name) => Ok(match name.to_ascii_lowercase().as_str() {
                "answered" => Flag::Answered,
                "flagged" => Flag::Flagged,
                "deleted" => Flag::Deleted,
                "seen" => Flag::Seen,
                "draft" => Flag::Draft,
                _ => Flag::Extension(Atom::new(name)?),
            }),
            None => Ok(Flag::Keyword(Atom::new(s)?)),
        }
    }

    /// Copies any borrowed data.
    pub fn into_static(self) -> Flag<'static> {
        match self {
            Flag::Answered => Flag::Answered,
            Flag::Flagged => Flag::Flagged,
            Flag::Deleted => Flag::Deleted,
            Flag::Seen => Flag::Seen,
            Flag::Draft => Flag::Draft,
            Flag::Keyword(a) => Flag::Keyword(a.into_static()),
            Flag::Extension(a) => Flag::Extension(a.into_static()),
        }
    }
}

/// `flag-fetch = flag / "\Recent"` (RFC 9051 §9; `\Recent` is from RFC 3501).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum FlagFetch<'a> {
    /// A flag.
    Flag(Flag<'a>),
    /// `\Recent` (RFC 3501; obsolete in IMAP4rev2).
    Recent,
}

/// `flag-perm = flag / "\*"` (RFC 9051 §9).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum FlagPerm<'a> {
    /// A flag.
    Flag(Flag<'a>),
    /// `\*`: new keywords can be created.
    Asterisk,
}

/// A mailbox attribute in a LIST response (RFC 9051 §7.3.1 `mbx-list-oflag`/`mbx-list-sflag`,
/// RFC 6154 §2 special-use, RFC 3348 children).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum MailboxAttribute<'a> {
    /// `\Noinferiors`
    NoInferiors,
    /// `\Noselect`
    NoSelect,
    /// `\Marked`
    Marked,
    /// `\Unmarked`
    Unmarked,
    /// `\NonExistent` (RFC 5258)
    NonExistent,
    /// `\Subscribed` (RFC 5258)
    Subscribed,
    /// `\Remote` (RFC 5258)
    Remote,
    /// `\HasChildren` (RFC 3348)
    HasChildren,
    /// `\HasNoChildren` (RFC 3348)
    HasNoChildren,
    /// `\All` (RFC 6154)
    All,
    /// `\Archive` (RFC 6154)
    Archive,
    /// `\Drafts` (RFC 6154)
    Drafts,
    /// `\Flagged` (RFC 6154)
    Flagged,
    /// `\Junk` (RFC 6154)
    Junk,
    /// `\Sent` (RFC 6154)
    Sent,
    /// `\Trash` (RFC 6154)
    Trash,
    /// Another `\atom` attribute, without the backslash.
    Extension(Atom<'a>),
}

impl MailboxAttribute<'_> {
    pub(crate) const KNOWN: [(&'static str, MailboxAttribute<'static>); 16] = [
        ("Noinferiors", MailboxAttribute::NoInferiors),
        ("Noselect", MailboxAttribute::NoSelect),
        ("Marked", MailboxAttribute::Marked),
        ("Unmarked", MailboxAttribute::Unmarked),
        ("NonExistent", MailboxAttribute::NonExistent),
        ("Subscribed", MailboxAttribute::Subscribed),
        ("Remote", MailboxAttribute::Remote),
        ("HasChildren", MailboxAttribute::HasChildren),
        ("HasNoChildren", MailboxAttribute::HasNoChildren),
        ("All", MailboxAttribute::All),
        ("Archive", MailboxAttribute::Archive),
        ("Drafts", MailboxAttribute::Drafts),
        ("Flagged", MailboxAttribute::Flagged),
        ("Junk", MailboxAttribute::Junk),
        ("Sent", MailboxAttribute::Sent),
        ("Trash", MailboxAttribute::Trash),
    ];

    /// The attribute's name without the backslash.
    pub fn name(&self) -> &str {
        match self {
            MailboxAttribute::Extension(a) => a.as_str(),
            known => Self::KNOWN
                .iter()
                .find(|(_, k)| k == known)
                .map(|(n, _)| *n)
                .unwrap_or_default(),
        }
    }

    /// Copies any borrowed data.
    pub fn into_static(self) -> MailboxAttribute<'static> {
        match self {
            MailboxAttribute::Extension(a) => MailboxAttribute::Extension(a.into_static()),
            MailboxAttribute::NoInferiors => MailboxAttribute::NoInferiors,
            MailboxAttribute::NoSelect => MailboxAttribute::NoSelect,
            MailboxAttribute::Marked => MailboxAttribute::Marked,
            MailboxAttribute::Unmarked => MailboxAttribute::Unmarked,
            MailboxAttribute::NonExistent => MailboxAttribute::NonExistent,
            MailboxAttribute::Subscribed => MailboxAttribute::Subscribed,
            MailboxAttribute::Remote => MailboxAttribute::Remote,
            MailboxAttribute::HasChildren => MailboxAttribute::HasChildren,
            MailboxAttribute::HasNoChildren => MailboxAttribute::HasNoChildren,
            MailboxAttribute::All => MailboxAttribute::All,
            MailboxAttribute::Archive => MailboxAttribute::Archive,
            MailboxAttribute::Drafts => MailboxAttribute::Drafts,
            MailboxAttribute::Flagged => MailboxAttribute::Flagged,
            MailboxAttribute::Junk => MailboxAttribute::Junk,
            MailboxAttribute::Sent => MailboxAttribute::Sent,
            MailboxAttribute::Trash => MailboxAttribute::Trash,
        }
    }
}
