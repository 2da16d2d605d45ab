//! The generic forms of unknown commands and untagged responses, so that a proxy can pass
//! extensions it does not know through unchanged (RFC 9051 §2.2.1 and §7: every message is a
//! line of text with literals).

use std::borrow::Cow;

use super::core::{ByteStr, Literal, Literal8, ValidationError};

/// One piece of [`RawArgs`].
#[derive(Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum RawPart<'a> {
    /// Bytes of the line (no CR, LF or NUL). A literal announcement is not part of the text: it
    /// is written from the literal that follows.
    Text(
        #[cfg_attr(
            feature = "serde",
            serde(
                serialize_with = "mailwire_core::serde_util::bytes::serialize",
                deserialize_with = "mailwire_core::serde_util::bytes::cow"
            )
        )]
        ByteStr<'a>,
    ),
    /// A literal (`{n}` or `{n+}` and its data).
    Literal(Literal<'a>),
    /// A binary literal (`~{n}` and its data, RFC 3516).
    Literal8(Literal8<'a>),
}

impl std::fmt::Debug for RawPart<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RawPart::Text(t) => write!(
                f,
                "Text({:?})",
                mailwire_core::text::Escaped::new(t, usize::MAX)
            ),
            RawPart::Literal(l) => l.fmt(f),
            RawPart::Literal8(l) => l.fmt(f),
        }
    }
}

impl RawPart<'_> {
    /// Copies any borrowed data.
    pub fn into_static(self) -> RawPart<'static> {
        match self {
            RawPart::Text(t) => RawPart::Text(Cow::Owned(t.into_owned())),
            RawPart::Literal(l) => RawPart::Literal(l.into_static()),
            RawPart::Literal8(l) => RawPart::Literal8(l.into_static()),
        }
    }
}

/// The arguments of an unknown command or response, as sent: everything after the name and
/// its SP up to the final CRLF, literals included.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct RawArgs<'a>(Vec<RawPart<'a>>);

impl<'a> RawArgs<'a> {
    /// Validates the pieces so that they read back as the same pieces: text holds no CR, LF or
    /// NUL and is not empty; two texts are not adjacent; a text at the end does not end in a
    /// literal announcement; a text before a literal does not end in `~` (which would make it a
    /// `~{n}` literal8).
    pub fn new(parts: Vec<RawPart<'a>>) -> Result<Self, ValidationError> {
        for (k, p) in parts.iter().enumerate() {
            let RawPart::Text(t) = p else { continue };
            let bad = |reason| Err(ValidationError::new("raw arguments", reason, t));
            if t.is_empty() {
                return bad("empty text piece");
            }
            if t.iter().any(|&b| matches!(b, b'\r' | b'\n' | 0)) {
                return bad("CR, LF or NUL");
            }
            match parts.get(k + 1) {
                Some(RawPart::Text(_)) => return bad("two adjacent text pieces"),
                None if crate::codec::frame::literal_announcement(t).is_some() => {
                    return bad("text ends in a literal announcement");
                }
                Some(RawPart::Literal(_)) if t.ends_with(b"~") => {
                    return bad("\"~\" before a literal");
                }
                _ => {}
            }
        }
        Ok(RawArgs(parts))
    }

    /// Arguments that are one piece of text.
    pub fn text(text: impl Into<ByteStr<'a>>) -> Result<Self, ValidationError> {
        Self::new(vec![RawPart::Text(text.into())])
    }

    pub(crate) fn unchecked(parts: Vec<RawPart<'a>>) -> Self {
        RawArgs(parts)
    }

    /// The pieces.
    pub fn parts(&self) -> &[RawPart<'a>] {
        &self.0
    }

    /// Copies any borrowed data.
    pub fn into_static(self) -> RawArgs<'static> {
        RawArgs(self.0.into_iter().map(RawPart::into_static).collect())
    }
}
