//! SORT and THREAD (RFC 5256): sort criteria, threading algorithms and the nested thread lists of
//! the THREAD response.

use std::num::NonZeroU32;

use super::core::{Atom, Vec1};

/// A sort key (RFC 5256 §5 `sort-key`; DISPLAYFROM and DISPLAYTO from RFC 5957).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum SortKey<'a> {
    /// `ARRIVAL`: the internal date.
    Arrival,
    /// `CC`: the first Cc address's mailbox.
    Cc,
    /// `DATE`: the sent date.
    Date,
    /// `FROM`: the first From address's mailbox.
    From,
    /// `SIZE`: RFC822.SIZE.
    Size,
    /// `SUBJECT`: the base subject.
    Subject,
    /// `TO`: the first To address's mailbox.
    To,
    /// `DISPLAYFROM` (RFC 5957): the display name of the first From address.
    DisplayFrom,
    /// `DISPLAYTO` (RFC 5957): the display name of the first To address.
    DisplayTo,
    /// A sort key this crate does not know (an atom).
    Other(Atom<'a>),
}

impl SortKey<'_> {
    /// The known keys with their names.
    pub const KNOWN: [(SortKey<'static>, &'static str); 9] = [
        (SortKey::Arrival, "ARRIVAL"),
        (SortKey::Cc, "CC"),
        (SortKey::Date, "DATE"),
        (SortKey::From, "FROM"),
        (SortKey::Size, "SIZE"),
        (SortKey::Subject, "SUBJECT"),
        (SortKey::To, "TO"),
        (SortKey::DisplayFrom, "DISPLAYFROM"),
        (SortKey::DisplayTo, "DISPLAYTO"),
    ];

    /// The key's name.
    pub fn name(&self) -> &str {
        match self {
            SortKey::Other(a) => a.as_str(),
            known => Self::KNOWN
                .iter()
                .find(|(k, _)| k == known)
                .map(|(_, n)| *n)
                .unwrap_or_default(),
        }
    }
}

/// `sort-criterion = ["REVERSE" SP] sort-key` (RFC 5256 §5).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SortCriterion<'a> {
    /// `REVERSE`: descending order.
    pub reverse: bool,
    /// The key.
    pub key: SortKey<'a>,
}

/// A threading algorithm (RFC 5256 §5 `thread-alg`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum ThreadAlgorithm<'a> {
    /// `ORDEREDSUBJECT` (RFC 5256 §3)
    OrderedSubject,
    /// `REFERENCES` (RFC 5256 §3)
    References,
    /// `thread-alg-ext = atom`: another registered algorithm (`REFS`...).
    Other(Atom<'a>),
}

/// One thread of a THREAD response (RFC 5256 §5 `thread-list = "(" (thread-members /
/// thread-nested) ")"`).
///
/// Lists nest without limit in the grammar; the decoder bounds the depth by
/// [`Options::max_depth`](crate::codec::Options::max_depth) and reads them without recursion.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ThreadList {
    /// `thread-members = nz-number *(SP nz-number) [SP thread-nested]`: successive parent and
    /// child messages, then the sub-threads they split into.
    Members {
        /// The messages, each the parent of the next.
        ids: Vec1<NonZeroU32>,
        /// The sub-threads of the last message (two or more in the grammar; one is tolerated).
        nested: Vec<ThreadList>,
    },
    /// `thread-nested = 2*thread-list`: siblings whose parent is missing (one is tolerated).
    Nested(Vec1<ThreadList>),
}
