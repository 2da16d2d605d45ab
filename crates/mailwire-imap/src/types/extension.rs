//! The generic extension syntax of RFC 4466 (RFC 9051 §9 `tagged-ext-*`), used by LIST
//! extended data, SEARCH return options and ESEARCH, so that unknown extensions decode without
//! loss.

use super::core::{AString, Vec1};
use super::sequence::SequenceSet;
use mailwire_core::validated_str;

fn validate_label(b: &[u8]) -> Result<(), &'static str> {
    // tagged-label-fchar = ALPHA / "-" / "_" / "."; tagged-label-char adds DIGIT and ":".
    match b.split_first() {
        None => Err("empty"),
        Some((f, rest)) => {
            let fchar = |c: u8| c.is_ascii_alphabetic() || matches!(c, b'-' | b'_' | b'.');
            if fchar(*f)
                && rest
                    .iter()
                    .all(|&c| fchar(c) || c.is_ascii_digit() || c == b':')
            {
                Ok(())
            } else {
                Err("not a tagged-ext-label")
            }
        }
    }
}

validated_str!(
    /// `tagged-ext-label` (RFC 4466 §2.1).
    TaggedLabel, "tagged-ext-label", validate_label
);

/// `tagged-ext-val` (RFC 4466 §2.1).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum TaggedExtValue<'a> {
    /// `tagged-ext-simple`: a sequence set (a number is a one-element set) or a 64-bit number.
    Simple(TaggedExtSimple),
    /// `"(" [tagged-ext-comp] ")"`
    Comp(Option<TaggedExtComp<'a>>),
}

/// `tagged-ext-simple = sequence-set / number / number64`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum TaggedExtSimple {
    /// A sequence set (also any 32-bit non-zero number).
    SequenceSet(SequenceSet),
    /// A number that is not a valid sequence set (0 or beyond 32 bits).
    Number(u64),
}

/// `tagged-ext-comp = astring / tagged-ext-comp *(SP tagged-ext-comp) / "(" tagged-ext-comp ")"`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum TaggedExtComp<'a> {
    /// A single astring.
    AString(AString<'a>),
    /// Several components separated by spaces.
    Many(Vec1<TaggedExtComp<'a>>),
    /// A parenthesized component.
    Paren(Box<TaggedExtComp<'a>>),
}
