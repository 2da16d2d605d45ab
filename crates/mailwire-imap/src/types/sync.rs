//! CONDSTORE and QRESYNC (RFC 7162): mod-sequences, the SELECT/EXAMINE parameters, the FETCH and
//! STORE modifiers, and the generic parameter syntax of RFC 4466 §2.1 (`select-param`,
//! `fetch-modifier`, `store-modifier`) that unknown extensions use.

use std::num::{NonZeroU32, NonZeroU64};

use super::core::ValidationError;
use super::extension::{TaggedExtValue, TaggedLabel};
use super::flag::Flag;
use super::sequence::SequenceSet;

/// The largest mod-sequence, `2^63 - 1` (RFC 7162 §7 `mod-sequence-value`).
const MOD_SEQ_MAX: u64 = i64::MAX as u64;

/// A mod-sequence (RFC 7162 §7 `mod-sequence-value`): a positive 63-bit number,
/// 1 ..= 9,223,372,036,854,775,807.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "u64", into = "u64"))]
pub struct ModSeq(NonZeroU64);

impl ModSeq {
    /// The largest mod-sequence, `2^63 - 1`.
    pub const MAX: ModSeq = ModSeq(NonZeroU64::new(MOD_SEQ_MAX).expect("non-zero"));

    /// Validates `n` (1 ..= 2^63 - 1).
    pub fn new(n: u64) -> Result<Self, ValidationError> {
        match NonZeroU64::new(n) {
            Some(v) if n <= MOD_SEQ_MAX => Ok(ModSeq(v)),
            _ => Err(ValidationError::new(
                "mod-sequence",
                "not in 1..=2^63-1",
                n.to_string().as_bytes(),
            )),
        }
    }

    /// The value.
    pub fn get(self) -> u64 {
        self.0.get()
    }
}

impl TryFrom<u64> for ModSeq {
    type Error = ValidationError;
    fn try_from(n: u64) -> Result<Self, Self::Error> {
        ModSeq::new(n)
    }
}

impl From<ModSeq> for u64 {
    fn from(m: ModSeq) -> u64 {
        m.get()
    }
}

/// A mod-sequence or zero (RFC 7162 §7 `mod-sequence-valzer`): 0 ..= 2^63 - 1. Zero means "no
/// persistent mod-sequences" in STATUS HIGHESTMODSEQ and "always fails" in UNCHANGEDSINCE.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "u64", into = "u64"))]
pub struct ModSeqValzer(u64);

impl ModSeqValzer {
    /// Zero.
    pub const ZERO: ModSeqValzer = ModSeqValzer(0);

    /// Validates `n` (0 ..= 2^63 - 1).
    pub fn new(n: u64) -> Result<Self, ValidationError> {
        if n <= MOD_SEQ_MAX {
            Ok(ModSeqValzer(n))
        } else {
            Err(ValidationError::new(
                "mod-sequence",
                "above 2^63-1",
                n.to_string().as_bytes(),
            ))
        }
    }

    /// The value.
    pub fn get(self) -> u64 {
        self.0
    }
}

impl TryFrom<u64> for ModSeqValzer {
    type Error = ValidationError;
    fn try_from(n: u64) -> Result<Self, Self::Error> {
        ModSeqValzer::new(n)
    }
}

impl From<ModSeqValzer> for u64 {
    fn from(m: ModSeqValzer) -> u64 {
        m.get()
    }
}

impl From<ModSeq> for ModSeqValzer {
    fn from(m: ModSeq) -> Self {
        ModSeqValzer(m.get())
    }
}

/// `seq-match-data = "(" known-sequence-set SP known-uid-set ")"` (RFC 7162 §3.2.5.2): message
/// numbers and the UIDs they had, in ascending order (no `*`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SeqMatchData {
    /// `known-sequence-set`: message numbers.
    pub known_sequence_set: SequenceSet,
    /// `known-uid-set`: the UIDs of those messages, in the same order.
    pub known_uid_set: SequenceSet,
}

/// The QRESYNC SELECT/EXAMINE parameter (RFC 7162 §3.2.5): `"QRESYNC" SP "(" uidvalidity SP
/// mod-sequence-value [SP known-uids] [SP seq-match-data] ")"`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct QresyncParam {
    /// The last known UIDVALIDITY.
    pub uid_validity: NonZeroU32,
    /// The last known HIGHESTMODSEQ.
    pub mod_seq: ModSeq,
    /// `known-uids`: the UIDs the client knows (no `*`).
    pub known_uids: Option<SequenceSet>,
    /// `seq-match-data`.
    pub seq_match: Option<SeqMatchData>,
}

/// A SELECT/EXAMINE parameter (RFC 4466 §2.1 `select-param`; RFC 7162 §3.1.8 and §3.2.5).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum SelectParam<'a> {
    /// `CONDSTORE` (RFC 7162 §3.1.8)
    Condstore,
    /// `QRESYNC (...)` (RFC 7162 §3.2.5)
    Qresync(QresyncParam),
    /// `select-param-name [SP select-param-value]`: a parameter this crate does not know.
    Other(TaggedLabel<'a>, Option<TaggedExtValue<'a>>),
}

/// A FETCH modifier (RFC 4466 §2.1 `fetch-modifier`; RFC 7162 §3.1.4.1 and §3.2.6).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum FetchModifier<'a> {
    /// `CHANGEDSINCE mod-sequence-value` (RFC 7162 §3.1.4.1)
    ChangedSince(ModSeq),
    /// `VANISHED` (RFC 7162 §3.2.6; UID FETCH only)
    Vanished,
    /// `fetch-modifier-name [SP fetch-modif-params]`: a modifier this crate does not know.
    Other(TaggedLabel<'a>, Option<TaggedExtValue<'a>>),
}

/// A STORE modifier (RFC 4466 §2.1 `store-modifier`; RFC 7162 §3.1.3).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum StoreModifier<'a> {
    /// `UNCHANGEDSINCE mod-sequence-valzer` (RFC 7162 §3.1.3)
    UnchangedSince(ModSeqValzer),
    /// `store-modifier-name [SP store-modif-params]`: a modifier this crate does not know.
    Other(TaggedLabel<'a>, Option<TaggedExtValue<'a>>),
}

/// Which metadata item a MODSEQ search looks at (RFC 7162 §3.1.5 `entry-type-req`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum EntryType {
    /// `priv`: the private item.
    Private,
    /// `shared`: the shared item.
    Shared,
    /// `all`: both.
    All,
}

/// The optional `SP entry-name SP entry-type-req` of a MODSEQ search key (RFC 7162 §3.1.5):
/// the flag whose mod-sequence is compared, sent as the quoted entry name `"/flags/<flag>"`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ModSeqEntry<'a> {
    /// The flag (`entry-flag-name`).
    pub flag: Flag<'a>,
    /// Private, shared or both.
    pub entry_type: EntryType,
}
