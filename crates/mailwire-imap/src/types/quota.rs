//! QUOTA (RFC 9208, and the older forms of RFC 2087): resource names, usages and limits.

use super::core::{AString, Atom};

/// A quota resource name (RFC 9208 §7 `resource-name`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum QuotaResourceName<'a> {
    /// `STORAGE`: the physical space, in units of 1024 octets (RFC 9208 §5.1).
    Storage,
    /// `MESSAGE`: the number of messages (RFC 9208 §5.2).
    Message,
    /// `MAILBOX`: the number of mailboxes (RFC 9208 §5.3).
    Mailbox,
    /// `ANNOTATION-STORAGE`: the size of annotations, in units of 1024 octets (RFC 9208 §5.4).
    AnnotationStorage,
    /// `resource-name-ext = atom`: a future resource, as sent.
    Other(Atom<'a>),
}

impl<'a> QuotaResourceName<'a> {
    /// Classifies a resource name (case-insensitive).
    pub fn from_atom(atom: Atom<'a>) -> Self {
        let s = atom.as_str();
        if s.eq_ignore_ascii_case("STORAGE") {
            QuotaResourceName::Storage
        } else if s.eq_ignore_ascii_case("MESSAGE") {
            QuotaResourceName::Message
        } else if s.eq_ignore_ascii_case("MAILBOX") {
            QuotaResourceName::Mailbox
        } else if s.eq_ignore_ascii_case("ANNOTATION-STORAGE") {
            QuotaResourceName::AnnotationStorage
        } else {
            QuotaResourceName::Other(atom)
        }
    }

    /// The wire name.
    pub fn as_str(&self) -> &str {
        match self {
            QuotaResourceName::Storage => "STORAGE",
            QuotaResourceName::Message => "MESSAGE",
            QuotaResourceName::Mailbox => "MAILBOX",
            QuotaResourceName::AnnotationStorage => "ANNOTATION-STORAGE",
            QuotaResourceName::Other(a) => a.as_str(),
        }
    }

    /// Copies any borrowed data.
    pub fn into_static(self) -> QuotaResourceName<'static> {
        match self {
            QuotaResourceName::Storage => QuotaResourceName::Storage,
            QuotaResourceName::Message => QuotaResourceName::Message,
            QuotaResourceName::Mailbox => QuotaResourceName::Mailbox,
            QuotaResourceName::AnnotationStorage => QuotaResourceName::AnnotationStorage,
            QuotaResourceName::Other(a) => QuotaResourceName::Other(a.into_static()),
        }
    }
}

/// A resource's usage and limit in a QUOTA response (RFC 9208 §7 `quota-resource =
/// resource-name SP resource-usage SP resource-limit`; 32-bit numbers in RFC 2087).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct QuotaResource<'a> {
    /// The resource.
    pub name: QuotaResourceName<'a>,
    /// The current usage (`number64`).
    pub usage: u64,
    /// The limit (`number64`).
    pub limit: u64,
}

/// A limit to set with SETQUOTA (RFC 9208 §7 `setquota-resource = resource-name SP
/// resource-limit`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct QuotaLimit<'a> {
    /// The resource.
    pub name: QuotaResourceName<'a>,
    /// The limit (`number64`).
    pub limit: u64,
}

/// A quota root name (RFC 9208 §7 `quota-root-name = astring`; `""` is a common root).
pub type QuotaRoot<'a> = AString<'a>;
