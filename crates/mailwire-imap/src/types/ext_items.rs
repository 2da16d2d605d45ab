//! Values of message-level extensions: OBJECTID identifiers (RFC 8474), Gmail labels
//! (X-GM-EXT-1), and the opaque value form in which unknown FETCH items and STATUS values are kept
//! so that they re-encode to the bytes they came from.

use super::core::{AString, Atom, IString, Literal8};
use mailwire_core::validated_str;

fn validate_objectid(b: &[u8]) -> Result<(), &'static str> {
    if b.is_empty() {
        Err("empty")
    } else if b.len() > 255 {
        Err("longer than 255 characters")
    } else if b
        .iter()
        .all(|&c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
    {
        Ok(())
    } else {
        Err("character not allowed (ALPHA / DIGIT / \"_\" / \"-\")")
    }
}

validated_str!(
    /// An object identifier (RFC 8474 §7 `objectid = 1*255(ALPHA / DIGIT / "_" / "-")`), case
    /// sensitive: MAILBOXID, EMAILID, THREADID.
    ObjectId, "objectid", validate_objectid
);

/// A Gmail label (X-GM-EXT-1, <https://developers.google.com/gmail/imap/imap-extensions>,
/// "Access to Gmail labels: X-GM-LABELS"): an astring, or a system label written like a flag
/// (`\Inbox`, `\Sent`, `\Important`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum GmailLabel<'a> {
    /// `\atom`, held without the backslash.
    System(Atom<'a>),
    /// A label name (modified UTF-7 where needed), atom, quoted or literal.
    Label(AString<'a>),
}

fn validate_token(b: &[u8]) -> Result<(), &'static str> {
    match b.first() {
        None => Err("empty"),
        Some(b'~') if b.get(1) == Some(&b'{') => Err("starts a literal8"),
        _ if b.iter().all(|&c| is_token_char(c)) => Ok(()),
        _ => Err("character not allowed"),
    }
}

/// Characters of an [`OpaqueToken`]: printable ASCII but SP, `(`, `)`, `"` and `{`.
pub(crate) fn is_token_char(c: u8) -> bool {
    c > 0x20 && c < 0x7f && !matches!(c, b'(' | b')' | b'"' | b'{')
}

validated_str!(
    /// A bare token of an [`OpaqueValue`]: printable ASCII without SP, `(`, `)`, `"` and `{`
    /// (atoms, numbers, `NIL`, `\Flag`s, sequence sets), not starting with `~{`.
    OpaqueToken, "token", validate_token
);

/// The value of an extension item this crate does not type (an unknown FETCH data item or
/// STATUS value), kept in the form it was sent in: tokens, strings, literal8s and parenthesized
/// lists. RFC 4466 recommends `tagged-ext-val` for such values; this form also holds what that
/// grammar cannot (`NIL`, `\Flag`s, literal8s), so that a proxy passes them on unchanged.
///
/// Lists nest; the decoder bounds the depth by
/// [`Options::max_depth`](crate::codec::Options::max_depth).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum OpaqueValue<'a> {
    /// A bare token.
    Token(OpaqueToken<'a>),
    /// A quoted string or literal.
    String(IString<'a>),
    /// A `~{n}` literal8.
    Literal8(Literal8<'a>),
    /// `"(" [value *(SP value)] ")"`
    List(Vec<OpaqueValue<'a>>),
}
