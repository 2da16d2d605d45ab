//! Sequence sets (RFC 9051 §9 `sequence-set`, RFC 5182 `$`).

use std::num::NonZeroU32;

use super::core::Vec1;

/// `seq-number = nz-number / "*"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum SeqOrUid {
    /// A message sequence number or UID.
    Value(NonZeroU32),
    /// `*`: the largest number in use.
    Asterisk,
}

impl SeqOrUid {
    /// Resolves `*` to `largest`.
    pub fn resolve(self, largest: u32) -> u32 {
        match self {
            SeqOrUid::Value(v) => v.get(),
            SeqOrUid::Asterisk => largest,
        }
    }
}

/// `seq-number / seq-range`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Sequence {
    /// One number.
    Single(SeqOrUid),
    /// `a:b`, all numbers between `a` and `b` in either order.
    Range(SeqOrUid, SeqOrUid),
}

/// `sequence-set` (RFC 9051 §9), including `$` (RFC 5182, RFC 9051 §6.4.4.1).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum SequenceSet {
    /// Numbers and ranges, comma-separated.
    Set(Vec1<Sequence>),
    /// `$`: the result saved by the last `SEARCH RETURN (SAVE)`.
    LastResult,
}

impl SequenceSet {
    /// A set holding one number.
    pub fn single(n: NonZeroU32) -> Self {
        SequenceSet::Set(Vec1::one(Sequence::Single(SeqOrUid::Value(n))))
    }

    /// `1:*`.
    pub fn all() -> Self {
        SequenceSet::Set(Vec1::one(Sequence::Range(
            SeqOrUid::Value(NonZeroU32::MIN),
            SeqOrUid::Asterisk,
        )))
    }

    /// Whether `n` is in the set, with `*` standing for `largest` (`$` contains nothing).
    pub fn contains(&self, n: u32, largest: u32) -> bool {
        match self {
            SequenceSet::LastResult => false,
            SequenceSet::Set(items) => items.iter().any(|s| match *s {
                Sequence::Single(v) => v.resolve(largest) == n,
                Sequence::Range(a, b) => {
                    let (a, b) = (a.resolve(largest), b.resolve(largest));
                    a.min(b) <= n && n <= a.max(b)
                }
            }),
        }
    }
}
