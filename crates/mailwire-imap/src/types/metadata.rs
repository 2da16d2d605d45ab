//! METADATA and METADATA-SERVER (RFC 5464): entry names, values, GETMETADATA options and the
//! METADATA response code.

use super::core::{AString, Literal8, NString, ValidationError, Vec1};
use super::extension::{TaggedExtValue, TaggedLabel};

/// Checks an entry name against RFC 5464 §3.2: it starts with `/`, holds only ASCII from 0x20 up
/// without `*` and `%`, has no two consecutive `/` and does not end with `/`.
pub(crate) fn check_entry(b: &[u8]) -> Result<(), &'static str> {
    if b.first() != Some(&b'/') {
        return Err("entry name must start with \"/\"");
    }
    if let Some(&c) = b
        .iter()
        .find(|&&c| !(0x20..0x7f).contains(&c) || c == b'*' || c == b'%')
    {
        return Err(if c == b'*' || c == b'%' {
            "\"*\" or \"%\" in entry name"
        } else {
            "entry name not printable ASCII"
        });
    }
    if b.windows(2).any(|w| w == b"//") {
        return Err("\"//\" in entry name");
    }
    if b.len() > 1 && b.ends_with(b"/") || b.len() == 1 {
        return Err("entry name ends with \"/\"");
    }
    Ok(())
}

/// An entry name (RFC 5464 §3.2 and §5 `entry = astring`), validated, in the form it was sent
/// (atom, quoted string or literal). Entry names are case-insensitive.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(try_from = "AString<'a>", into = "AString<'a>")
)]
pub struct MetadataEntry<'a>(AString<'a>);

impl<'a> MetadataEntry<'a> {
    /// Validates a wire name.
    pub fn new(name: AString<'a>) -> Result<Self, ValidationError> {
        match check_entry(name.as_bytes()) {
            Ok(()) => Ok(MetadataEntry(name)),
            Err(reason) => Err(ValidationError::new(
                "metadata entry",
                reason,
                name.as_bytes(),
            )),
        }
    }

    /// An entry from its text, in the simplest form (atom where possible).
    pub fn parse(name: &'a str) -> Result<Self, ValidationError> {
        Self::new(AString::from_bytes(name.as_bytes())?)
    }

    /// The name as sent.
    pub fn as_astring(&self) -> &AString<'a> {
        &self.0
    }

    /// The name's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// The scope (RFC 5464 §3.2: the first component, `/private` or `/shared`).
    pub fn scope(&self) -> Option<MetadataScope> {
        let b = self.as_bytes();
        let first = b[1..].split(|&c| c == b'/').next().unwrap_or_default();
        if first.eq_ignore_ascii_case(b"private") {
            Some(MetadataScope::Private)
        } else if first.eq_ignore_ascii_case(b"shared") {
            Some(MetadataScope::Shared)
        } else {
            None
        }
    }

    /// Copies any borrowed data.
    pub fn into_static(self) -> MetadataEntry<'static> {
        MetadataEntry(self.0.into_static())
    }
}

impl<'a> TryFrom<AString<'a>> for MetadataEntry<'a> {
    type Error = ValidationError;
    fn try_from(a: AString<'a>) -> Result<Self, ValidationError> {
        MetadataEntry::new(a)
    }
}

impl<'a> From<MetadataEntry<'a>> for AString<'a> {
    fn from(e: MetadataEntry<'a>) -> AString<'a> {
        e.0
    }
}

/// The scope of an entry (RFC 5464 §3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum MetadataScope {
    /// `/private`: per user.
    Private,
    /// `/shared`: one value for all users.
    Shared,
}

/// An entry's value (RFC 5464 §5 `value = nstring / literal8`); `NIL` removes the entry in
/// SETMETADATA.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum MetadataValue<'a> {
    /// A string or `NIL`.
    NString(NString<'a>),
    /// Binary data `~{n}` (RFC 3516 literal8).
    Literal8(Literal8<'a>),
}

impl MetadataValue<'_> {
    /// The value's bytes, `None` for NIL.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            MetadataValue::NString(s) => s.as_bytes(),
            MetadataValue::Literal8(l) => Some(&l.data),
        }
    }

    /// Copies any borrowed data.
    pub fn into_static(self) -> MetadataValue<'static> {
        match self {
            MetadataValue::NString(s) => MetadataValue::NString(s.into_static()),
            MetadataValue::Literal8(l) => MetadataValue::Literal8(l.into_static()),
        }
    }
}

/// The DEPTH of a GETMETADATA (RFC 5464 §5 `scope-opt`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum MetadataDepth {
    /// `0`: the entry only.
    Zero,
    /// `1`: the entry and its children.
    One,
    /// `infinity`: the entry and all below it.
    Infinity,
}

/// A GETMETADATA option (RFC 5464 §4.2 and §5 `getmetadata-option`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum GetMetadataOption<'a> {
    /// `MAXSIZE n` (§4.2.1)
    MaxSize(u32),
    /// `DEPTH 0/1/infinity` (§4.2.2)
    Depth(MetadataDepth),
    /// Another option (`tagged-ext-label [SP tagged-ext-val]`, RFC 4466).
    Other(TaggedLabel<'a>, Option<TaggedExtValue<'a>>),
}

/// The entries of a METADATA response (RFC 5464 §4.4 `metadata-resp`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum MetadataItems<'a> {
    /// `entry-values`: entries with their values (§4.4.1).
    Values(Vec1<(MetadataEntry<'a>, MetadataValue<'a>)>),
    /// `entry-list`: entries that changed, without values (unsolicited, §4.4.2).
    Entries(Vec1<MetadataEntry<'a>>),
}

/// The `METADATA` response code (RFC 5464 §4.2.1, §4.3, §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum MetadataCode {
    /// `LONGENTRIES n`: the biggest value left out by MAXSIZE.
    LongEntries(u32),
    /// `MAXSIZE n`: the largest value the server accepts.
    MaxSize(u32),
    /// `TOOMANY`: too many entries.
    TooMany,
    /// `NOPRIVATE`: no private entries on this server.
    NoPrivate,
}
