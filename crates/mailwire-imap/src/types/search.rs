//! SEARCH keys and ESEARCH (RFC 9051 §6.4.4 and §7.3.4, RFC 3501 §6.4.4, RFC 4731, RFC 5182;
//! the keys of RFC 7162, RFC 5032, RFC 8514, RFC 8474 and Gmail's X-GM-EXT-1).
//!
//! A search key an extension adds cannot be decoded generically (its arguments have no common
//! syntax), so unknown keys are refused rather than kept.

use std::num::NonZeroU32;

use super::core::{AString, Atom, Vec1};
use super::datetime::NaiveDate;
use super::ext_items::{GmailLabel, ObjectId};
use super::extension::{TaggedExtValue, TaggedLabel};
use super::sequence::SequenceSet;
use super::sync::{ModSeq, ModSeqEntry, ModSeqValzer};

/// A search key (RFC 9051 §9 `search-key`; RFC 3501 adds NEW, OLD, RECENT).
///
/// Keys nest (`NOT`, `OR`, parentheses); the decoder bounds the depth.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum SearchKey<'a> {
    /// `ALL`
    All,
    /// `ANSWERED`
    Answered,
    /// `BCC string`
    Bcc(AString<'a>),
    /// `BEFORE date`
    Before(NaiveDate),
    /// `BODY string`
    Body(AString<'a>),
    /// `CC string`
    Cc(AString<'a>),
    /// `DELETED`
    Deleted,
    /// `DRAFT`
    Draft,
    /// `FLAGGED`
    Flagged,
    /// `FROM string`
    From(AString<'a>),
    /// `HEADER field-name string`
    Header(AString<'a>, AString<'a>),
    /// `KEYWORD flag`
    Keyword(Atom<'a>),
    /// `LARGER n`
    Larger(u64),
    /// `NEW` (RFC 3501)
    New,
    /// `NOT key`
    Not(Box<SearchKey<'a>>),
    /// `OLD` (RFC 3501)
    Old,
    /// `ON date`
    On(NaiveDate),
    /// `OR key key`
    Or(Box<SearchKey<'a>>, Box<SearchKey<'a>>),
    /// `RECENT` (RFC 3501)
    Recent,
    /// `SEEN`
    Seen,
    /// `SENTBEFORE date`
    SentBefore(NaiveDate),
    /// `SENTON date`
    SentOn(NaiveDate),
    /// `SENTSINCE date`
    SentSince(NaiveDate),
    /// `SINCE date`
    Since(NaiveDate),
    /// `SMALLER n`
    Smaller(u64),
    /// `SUBJECT string`
    Subject(AString<'a>),
    /// `TEXT string`
    Text(AString<'a>),
    /// `TO string`
    To(AString<'a>),
    /// `UID set`
    Uid(SequenceSet),
    /// `UNANSWERED`
    Unanswered,
    /// `UNDELETED`
    Undeleted,
    /// `UNDRAFT`
    Undraft,
    /// `UNFLAGGED`
    Unflagged,
    /// `UNKEYWORD flag`
    Unkeyword(Atom<'a>),
    /// `UNSEEN`
    Unseen,
    /// A sequence set.
    SequenceSet(SequenceSet),
    /// `( key *(SP key) )`
    And(Vec1<SearchKey<'a>>),
    /// `MODSEQ [entry-name entry-type] mod-sequence-valzer` (RFC 7162 §3.1.5)
    ModSeq {
        /// The metadata item compared, if one is named.
        entry: Option<ModSeqEntry<'a>>,
        /// Messages with a mod-sequence at least this.
        mod_seq: ModSeqValzer,
    },
    /// `OLDER seconds` (RFC 5032 WITHIN)
    Older(NonZeroU32),
    /// `YOUNGER seconds` (RFC 5032 WITHIN)
    Younger(NonZeroU32),
    /// `SAVEDBEFORE date` (RFC 8514)
    SavedBefore(NaiveDate),
    /// `SAVEDON date` (RFC 8514)
    SavedOn(NaiveDate),
    /// `SAVEDSINCE date` (RFC 8514)
    SavedSince(NaiveDate),
    /// `SAVEDATESUPPORTED` (RFC 8514)
    SaveDateSupported,
    /// `EMAILID objectid` (RFC 8474 §6)
    EmailId(ObjectId<'a>),
    /// `THREADID objectid` (RFC 8474 §6)
    ThreadId(ObjectId<'a>),
    /// `X-GM-RAW astring`: Gmail search syntax (X-GM-EXT-1)
    GmailRaw(AString<'a>),
    /// `X-GM-MSGID n`: a Gmail message ID, unsigned 64-bit (X-GM-EXT-1)
    GmailMsgId(u64),
    /// `X-GM-THRID n`: a Gmail thread ID, unsigned 64-bit (X-GM-EXT-1)
    GmailThrId(u64),
    /// `X-GM-LABELS label` (X-GM-EXT-1)
    GmailLabels(GmailLabel<'a>),
}

/// A SEARCH return option (RFC 9051 §6.4.4, RFC 4731 §3.1, RFC 5182).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum SearchReturnOption<'a> {
    /// `MIN`
    Min,
    /// `MAX`
    Max,
    /// `ALL`
    All,
    /// `COUNT`
    Count,
    /// `SAVE` (RFC 5182)
    Save,
    /// `search-ret-opt-ext`: an option this crate does not know.
    Other(TaggedLabel<'a>, Option<TaggedExtValue<'a>>),
}

/// One item of an ESEARCH response (RFC 9051 §7.3.4 `search-return-data`, RFC 4731).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum SearchReturnData<'a> {
    /// `MIN n`
    Min(NonZeroU32),
    /// `MAX n`
    Max(NonZeroU32),
    /// `ALL set`
    All(SequenceSet),
    /// `COUNT n`
    Count(u32),
    /// `search-ret-data-ext`: an item this crate does not know.
    Other(TaggedLabel<'a>, TaggedExtValue<'a>),
    /// `MODSEQ n` (RFC 4731 §3.2, RFC 7162 §3.1.10): the highest mod-sequence of the messages
    /// returned.
    ModSeq(ModSeq),
}
