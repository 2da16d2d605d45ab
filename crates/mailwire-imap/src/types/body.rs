//! ENVELOPE and BODYSTRUCTURE (RFC 9051 §7.5.2, RFC 3501 §7.4.2).
//!
//! Body structures nest (multipart parts, `message/rfc822` bodies, extension lists). The decoder
//! bounds the nesting depth ([`crate::codec::Options::max_depth`]); every value it produces is
//! therefore shallow enough to be dropped, cloned, compared and printed by recursion.

use super::core::{IString, NString, Vec1};

/// An address (RFC 9051 §9, `address`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Address<'a> {
    /// The display name (phrase).
    pub name: NString<'a>,
    /// The source route (obsolete).
    pub adl: NString<'a>,
    /// The local part; with `host` NIL, a group name or the end of a group.
    pub mailbox: NString<'a>,
    /// The domain; NIL in group syntax.
    pub host: NString<'a>,
}

/// An envelope (RFC 9051 §9, `envelope`). Address lists are `NIL` or non-empty; an empty list
/// `()` is tolerated and kept as an empty vector.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Envelope<'a> {
    /// `Date:`
    pub date: NString<'a>,
    /// `Subject:`
    pub subject: NString<'a>,
    /// `From:`
    pub from: Option<Vec<Address<'a>>>,
    /// `Sender:`
    pub sender: Option<Vec<Address<'a>>>,
    /// `Reply-To:`
    pub reply_to: Option<Vec<Address<'a>>>,
    /// `To:`
    pub to: Option<Vec<Address<'a>>>,
    /// `Cc:`
    pub cc: Option<Vec<Address<'a>>>,
    /// `Bcc:`
    pub bcc: Option<Vec<Address<'a>>>,
    /// `In-Reply-To:`
    pub in_reply_to: NString<'a>,
    /// `Message-ID:`
    pub message_id: NString<'a>,
}

/// `body-fld-param`: `NIL` or a list of attribute/value pairs. Values are `nstring` because real
/// servers send `NIL` values (tolerated when decoding responses).
pub type Params<'a> = Option<Vec1<(IString<'a>, NString<'a>)>>;

/// The fields common to every single-part body (RFC 9051 §9, `body-fields`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BasicFields<'a> {
    /// Content-Type parameters.
    pub params: Params<'a>,
    /// Content-ID.
    pub id: NString<'a>,
    /// Content-Description.
    pub description: NString<'a>,
    /// Content-Transfer-Encoding.
    pub encoding: IString<'a>,
    /// Size in octets, in the transfer encoding.
    pub size: u32,
}

/// What distinguishes the kinds of single-part bodies (RFC 9051 §9 `body-type-1part`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum SinglePartKind<'a> {
    /// `body-type-basic`: any type but text and message/rfc822 (message/global).
    Basic {
        /// Media type.
        media_type: IString<'a>,
        /// Media subtype.
        subtype: IString<'a>,
    },
    /// `body-type-text`
    Text {
        /// Media subtype (`PLAIN`, `HTML`...).
        subtype: IString<'a>,
        /// Size in lines.
        lines: u64,
    },
    /// `body-type-msg`: `message/rfc822` or `message/global`.
    Message {
        /// Media subtype (`RFC822` or `GLOBAL`).
        subtype: IString<'a>,
        /// The encapsulated message's envelope.
        envelope: Box<Envelope<'a>>,
        /// The encapsulated message's structure.
        body: Box<BodyStructure<'a>>,
        /// Size in lines.
        lines: u64,
    },
}

/// `body-fld-dsp`: a disposition and its parameters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Disposition<'a> {
    /// `inline`, `attachment`...
    pub kind: IString<'a>,
    /// Parameters.
    pub params: Params<'a>,
}

/// `body-fld-lang`: NIL, one language, or a list.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Language<'a> {
    /// `nstring`
    Single(NString<'a>),
    /// `"(" string *(SP string) ")"`
    List(Vec1<IString<'a>>),
}

/// `body-extension`: future extension data, nested lists allowed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum BodyExtension<'a> {
    /// A string or NIL.
    NString(NString<'a>),
    /// A number.
    Number(u64),
    /// A parenthesized list.
    List(Vec1<BodyExtension<'a>>),
}

/// The extension data after the required fields; each level is present only if the previous one
/// is (RFC 9051 §9, `body-ext-1part`/`body-ext-mpart`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ExtensionTail<'a> {
    /// `body-fld-dsp`
    pub disposition: Option<Disposition<'a>>,
    /// Present only if the disposition was.
    pub rest: Option<LanguageTail<'a>>,
}

/// Language, location and further extensions.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LanguageTail<'a> {
    /// `body-fld-lang`
    pub language: Language<'a>,
    /// `body-fld-loc` and extensions, present only if the language was.
    pub location: Option<LocationTail<'a>>,
}

/// Location and further extensions.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LocationTail<'a> {
    /// `body-fld-loc`
    pub location: NString<'a>,
    /// `*(SP body-extension)`
    pub extensions: Vec<BodyExtension<'a>>,
}

/// Single-part extension data: MD5, then the tail.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SinglePartExtension<'a> {
    /// `body-fld-md5`
    pub md5: NString<'a>,
    /// Disposition and the rest, if present.
    pub tail: Option<ExtensionTail<'a>>,
}

/// Multipart extension data: parameters, then the tail.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MultiPartExtension<'a> {
    /// `body-fld-param`
    pub params: Params<'a>,
    /// Disposition and the rest, if present.
    pub tail: Option<ExtensionTail<'a>>,
}

/// A body structure (RFC 9051 §9, `body`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum BodyStructure<'a> {
    /// A single part.
    Single {
        /// The common fields.
        fields: BasicFields<'a>,
        /// Type-specific fields.
        kind: SinglePartKind<'a>,
        /// Extension data (BODYSTRUCTURE only; boxed, as most parts have little).
        extension: Option<Box<SinglePartExtension<'a>>>,
    },
    /// A multipart body.
    Multi {
        /// The parts (at least one; RFC 9051 `1*body`).
        parts: Vec1<BodyStructure<'a>>,
        /// The multipart subtype (`MIXED`, `ALTERNATIVE`...).
        subtype: IString<'a>,
        /// Extension data (BODYSTRUCTURE only; boxed).
        extension: Option<Box<MultiPartExtension<'a>>>,
    },
}
