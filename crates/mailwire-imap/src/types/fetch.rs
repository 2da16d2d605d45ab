//! FETCH attributes and message data items (RFC 9051 §6.4.5 and §7.5.2, RFC 3501 §6.4.5 and
//! §7.4.2, RFC 3516 BINARY; RFC 7162 MODSEQ, RFC 8514 SAVEDATE, RFC 8474 EMAILID/THREADID,
//! RFC 8970 PREVIEW, Gmail's X-GM-EXT-1).

use std::num::{NonZeroU32, NonZeroU64};

use super::body::{BodyStructure, Envelope};
use super::core::{AString, Atom, Literal8, NString, Vec1};
use super::datetime::DateTime;
use super::ext_items::{GmailLabel, ObjectId, OpaqueValue};
use super::flag::FlagFetch;
use super::sync::ModSeq;

/// A body part number: `section-part = nz-number *("." nz-number)`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Part(pub Vec1<NonZeroU32>);

/// A `section-spec` (RFC 9051 §9): what part of a message `BODY[...]` addresses.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Section<'a> {
    /// `1.2`: a body part.
    Part(Part),
    /// `[part.]HEADER`
    Header(Option<Part>),
    /// `[part.]HEADER.FIELDS (names)`
    HeaderFields(Option<Part>, Vec1<AString<'a>>),
    /// `[part.]HEADER.FIELDS.NOT (names)`
    HeaderFieldsNot(Option<Part>, Vec1<AString<'a>>),
    /// `[part.]TEXT`
    Text(Option<Part>),
    /// `part.MIME`
    Mime(Part),
}

/// The FETCH macros (RFC 9051 §6.4.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Macro {
    /// `ALL` = `(FLAGS INTERNALDATE RFC822.SIZE ENVELOPE)`
    All,
    /// `FAST` = `(FLAGS INTERNALDATE RFC822.SIZE)`
    Fast,
    /// `FULL` = `(FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODY)`
    Full,
}

impl Macro {
    /// The attributes the macro stands for.
    pub fn expand(self) -> Vec<FetchAttribute<'static>> {
        use FetchAttribute::*;
        let mut v = vec![Flags, InternalDate, Rfc822Size];
        if self != Macro::Fast {
            v.push(Envelope);
        }
        if self == Macro::Full {
            v.push(Body);
        }
        v
    }
}

/// What FETCH asks for: a macro, or attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum MacroOrAttributes<'a> {
    /// `ALL`, `FAST` or `FULL`.
    Macro(Macro),
    /// One attribute (sent without parentheses) or a parenthesized list.
    Attributes(Vec<FetchAttribute<'a>>),
}

/// A partial range `<offset.count>` (RFC 9051 §9, `partial`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Partial {
    /// 0-based offset of the first octet.
    pub offset: u64,
    /// Number of octets.
    pub count: NonZeroU64,
}

/// A FETCH attribute (RFC 9051 §9 `fetch-att`, RFC 3501 §9 `fetch-att`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum FetchAttribute<'a> {
    /// `ENVELOPE`
    Envelope,
    /// `FLAGS`
    Flags,
    /// `INTERNALDATE`
    InternalDate,
    /// `RFC822.SIZE`
    Rfc822Size,
    /// `BODY` (non-extensible BODYSTRUCTURE)
    Body,
    /// `BODYSTRUCTURE`
    BodyStructure,
    /// `UID`
    Uid,
    /// `BODY[section]<partial>` or `BODY.PEEK[...]`
    BodySection {
        /// The section; `None` for `[]`.
        section: Option<Section<'a>>,
        /// The partial range.
        partial: Option<Partial>,
        /// `.PEEK`: do not set `\Seen`.
        peek: bool,
    },
    /// `BINARY[part]<partial>` or `BINARY.PEEK[...]` (RFC 3516, RFC 9051)
    Binary {
        /// The part; empty for the whole message.
        section: Vec<NonZeroU32>,
        /// The partial range.
        partial: Option<Partial>,
        /// `.PEEK`
        peek: bool,
    },
    /// `BINARY.SIZE[part]` (RFC 3516, RFC 9051)
    BinarySize {
        /// The part; empty for the whole message.
        section: Vec<NonZeroU32>,
    },
    /// `RFC822` (RFC 3501; `BODY[]`)
    Rfc822,
    /// `RFC822.HEADER` (RFC 3501; `BODY.PEEK[HEADER]`)
    Rfc822Header,
    /// `RFC822.TEXT` (RFC 3501; `BODY[TEXT]`)
    Rfc822Text,
    /// `MODSEQ` (RFC 7162 §3.1.4.2)
    ModSeq,
    /// `SAVEDATE` (RFC 8514 §4.2)
    SaveDate,
    /// `EMAILID` (RFC 8474 §5.3)
    EmailId,
    /// `THREADID` (RFC 8474 §5.3)
    ThreadId,
    /// `PREVIEW [(LAZY)]` (RFC 8970 §3 and §4)
    Preview {
        /// The `LAZY` modifier: the server may answer NIL rather than compute the preview.
        lazy: bool,
    },
    /// `X-GM-MSGID` (X-GM-EXT-1)
    GmailMsgId,
    /// `X-GM-THRID` (X-GM-EXT-1)
    GmailThrId,
    /// `X-GM-LABELS` (X-GM-EXT-1)
    GmailLabels,
    /// An attribute this crate does not know, kept by name (an atom without `[`). Attributes
    /// with arguments cannot be read generically.
    Other(Atom<'a>),
}

/// BINARY data: `nstring / literal8` (RFC 9051 §9, `msg-att-static`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum BinaryData<'a> {
    /// A string or NIL.
    NString(NString<'a>),
    /// A `~{n}` literal.
    Literal8(Literal8<'a>),
}

/// One item of a FETCH response (RFC 9051 §9 `msg-att`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum MessageDataItem<'a> {
    /// `FLAGS (...)`
    Flags(Vec<FlagFetch<'a>>),
    /// `ENVELOPE (...)`
    Envelope(Box<Envelope<'a>>),
    /// `INTERNALDATE "..."`
    InternalDate(DateTime),
    /// `RFC822.SIZE n` (number in RFC 3501, number64 in RFC 9051)
    Rfc822Size(u64),
    /// `BODY (...)`: the non-extensible structure (boxed: keeps the item small).
    Body(Box<BodyStructure<'a>>),
    /// `BODYSTRUCTURE (...)` (boxed: keeps the item small).
    BodyStructure(Box<BodyStructure<'a>>),
    /// `BODY[section]<origin> nstring`
    BodySection {
        /// The section; `None` for `[]`.
        section: Option<Section<'a>>,
        /// The origin octet of a partial fetch.
        origin: Option<u32>,
        /// The data.
        data: NString<'a>,
    },
    /// `BINARY[part]<origin> (nstring / literal8)`
    Binary {
        /// The part.
        section: Vec<NonZeroU32>,
        /// The origin octet of a partial fetch (RFC 3516 §4.3 and RFC 9051 §7.5.2 prose; the
        /// ABNF of both leaves it out).
        origin: Option<u32>,
        /// The data.
        value: BinaryData<'a>,
    },
    /// `BINARY.SIZE[part] n`
    BinarySize {
        /// The part.
        section: Vec<NonZeroU32>,
        /// The decoded size.
        size: u32,
    },
    /// `UID n`
    Uid(NonZeroU32),
    /// `RFC822 nstring` (RFC 3501)
    Rfc822(NString<'a>),
    /// `RFC822.HEADER nstring` (RFC 3501)
    Rfc822Header(NString<'a>),
    /// `RFC822.TEXT nstring` (RFC 3501)
    Rfc822Text(NString<'a>),
    /// `MODSEQ (n)` (RFC 7162 §3.1.4.2)
    ModSeq(ModSeq),
    /// `SAVEDATE (date-time / nil)` (RFC 8514 §4.2); NIL when the mailbox has no save dates.
    SaveDate(Option<DateTime>),
    /// `EMAILID (objectid)` (RFC 8474 §5.3)
    EmailId(ObjectId<'a>),
    /// `THREADID ((objectid) / nil)` (RFC 8474 §5.3); NIL without thread support.
    ThreadId(Option<ObjectId<'a>>),
    /// `PREVIEW nstring` (RFC 8970 §3.2); NIL only answers `PREVIEW (LAZY)`.
    Preview(NString<'a>),
    /// `X-GM-MSGID n` (X-GM-EXT-1): unsigned 64-bit.
    GmailMsgId(u64),
    /// `X-GM-THRID n` (X-GM-EXT-1): unsigned 64-bit.
    GmailThrId(u64),
    /// `X-GM-LABELS (labels)` (X-GM-EXT-1)
    GmailLabels(Vec<GmailLabel<'a>>),
    /// `name value` of an item this crate does not know, kept as sent.
    Other {
        /// The item name (an atom without `[`).
        name: Atom<'a>,
        /// Its value.
        value: OpaqueValue<'a>,
    },
}
