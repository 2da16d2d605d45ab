//! Mailbox names (RFC 9051 §5.1, RFC 3501 §5.1.3 modified UTF-7, RFC 6855 UTF-8).

use std::borrow::Cow;

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use super::core::{AString, IString, ListCharString, ValidationError};

/// A mailbox name as sent (RFC 9051 §9, `mailbox = "INBOX" / astring`). Any case of `INBOX` is
/// [`Mailbox::Inbox`].
///
/// On the wire the name is modified UTF-7 (RFC 3501 §5.1.3) unless UTF-8 was enabled
/// (`UTF8=ACCEPT`, RFC 6855, or IMAP4rev2, RFC 9051 §5.1); [`Mailbox::from_name`] and
/// [`Mailbox::name`] convert.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Mailbox<'a> {
    /// `INBOX`, in any case.
    Inbox,
    /// Any other name, as sent (never a case variant of `INBOX`).
    Other(AString<'a>),
}

impl<'a> Mailbox<'a> {
    /// Wraps a raw wire name, mapping case variants of `INBOX` to [`Mailbox::Inbox`].
    pub fn from_astring(name: AString<'a>) -> Self {
        if name.as_bytes().eq_ignore_ascii_case(b"INBOX") {
            Mailbox::Inbox
        } else {
            Mailbox::Other(name)
        }
    }

    /// The mailbox for a human-readable name: modified UTF-7 (RFC 3501 §5.1.3) unless `utf8` is
    /// set (RFC 6855 / IMAP4rev2), then UTF-8 as is.
    pub fn from_name(name: &str, utf8: bool) -> Result<Mailbox<'static>, ValidationError> {
        let wire = if utf8 {
            name.to_string()
        } else {
            encode_mutf7(name)
        };
        Ok(Mailbox::from_astring(AString::from_bytes(
            wire.into_bytes(),
        )?))
    }

    /// The raw bytes on the wire.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Mailbox::Inbox => b"INBOX",
            Mailbox::Other(a) => a.as_bytes(),
        }
    }

    /// The human-readable name: decoded from modified UTF-7 unless `utf8`; UTF-8 otherwise.
    pub fn name(&self, utf8: bool) -> Result<Cow<'_, str>, ValidationError> {
        let raw = self.as_bytes();
        if utf8 {
            core::str::from_utf8(raw)
                .map(Cow::Borrowed)
                .map_err(|_| ValidationError::new("mailbox name", "not UTF-8", raw))
        } else {
            decode_mutf7(raw).map(Cow::Owned)
        }
    }

    /// Copies any borrowed data.
    pub fn into_static(self) -> Mailbox<'static> {
        match self {
            Mailbox::Inbox => Mailbox::Inbox,
            Mailbox::Other(a) => Mailbox::Other(a.into_static()),
        }
    }
}

/// A LIST pattern (RFC 9051 §9, `list-mailbox = 1*list-char / string`), which may hold `%` and
/// `*`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ListMailbox<'a> {
    /// The unquoted form.
    Token(ListCharString<'a>),
    /// A quoted string or literal.
    String(IString<'a>),
}

impl ListMailbox<'_> {
    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            ListMailbox::Token(t) => t.as_str().as_bytes(),
            ListMailbox::String(s) => s.as_bytes(),
        }
    }

    /// Copies any borrowed data.
    pub fn into_static(self) -> ListMailbox<'static> {
        match self {
            ListMailbox::Token(t) => ListMailbox::Token(t.into_static()),
            ListMailbox::String(s) => ListMailbox::String(s.into_static()),
        }
    }
}

const MUTF7: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::IMAP_MUTF7,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone),
);

/// Encodes a name in modified UTF-7 (RFC 3501 §5.1.3): printable ASCII but `&` as is, `&` as
/// `&-`, everything else as UTF-16BE in modified base64 between `&` and `-`.
///
/// ```
/// use mailwire_imap::types::encode_mutf7;
/// // RFC 3501 §5.1.3 example.
/// assert_eq!(encode_mutf7("~peter/mail/台北/日本語"), "~peter/mail/&U,BTFw-/&ZeVnLIqe-");
/// assert_eq!(encode_mutf7("a&b"), "a&-b");
/// ```
pub fn encode_mutf7(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut pending: Vec<u16> = Vec::new();
    let flush = |pending: &mut Vec<u16>, out: &mut String| {
        if pending.is_empty() {
            return;
        }
        let bytes: Vec<u8> = pending.iter().flat_map(|u| u.to_be_bytes()).collect();
        out.push('&');
        out.push_str(&MUTF7.encode(bytes));
        out.push('-');
        pending.clear();
    };
    for c in name.chars() {
        if (' '..='~').contains(&c) {
            flush(&mut pending, &mut out);
            if c == '&' {
                out.push_str("&-");
            } else {
                out.push(c);
            }
        } else {
            let mut buf = [0u16; 2];
            pending.extend_from_slice(c.encode_utf16(&mut buf));
        }
    }
    flush(&mut pending, &mut out);
    out
}

/// Decodes a modified UTF-7 name (RFC 3501 §5.1.3).
///
/// ```
/// use mailwire_imap::types::decode_mutf7;
/// assert_eq!(decode_mutf7(b"~peter/mail/&U,BTFw-/&ZeVnLIqe-").unwrap(), "~peter/mail/台北/日本語");
/// assert!(decode_mutf7(b"&Jjo!").is_err());
/// ```
pub fn decode_mutf7(raw: &[u8]) -> Result<String, ValidationError> {
    let err = |reason| ValidationError::new("modified UTF-7 name", reason, raw);
    let mut out = String::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        if b == b'&' {
            let end = memchr::memchr(b'-', &raw[i + 1..])
                .ok_or_else(|| err("unterminated shift"))?
                + i
                + 1;
            let run = &raw[i + 1..end];
            if run.is_empty() {
                out.push('&');
            } else {
                let bytes = MUTF7.decode(run).map_err(|_| err("bad modified base64"))?;
                if bytes.len() % 2 != 0 {
                    return Err(err("odd UTF-16 length"));
                }
                let units: Vec<u16> = bytes
                    .chunks_exact(2)
                    .map(|p| u16::from_be_bytes([p[0], p[1]]))
                    .collect();
                let s = String::from_utf16(&units).map_err(|_| err("bad UTF-16"))?;
                out.push_str(&s);
            }
            i = end + 1;
        } else if (0x20..=0x7e).contains(&b) {
            out.push(b as char);
            i += 1;
        } else {
            return Err(err("byte outside printable ASCII"));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn mutf7_round_trip(s in "\\PC{0,20}") {
            let enc = encode_mutf7(&s);
            proptest::prop_assert!(enc.bytes().all(|b| (0x20..=0x7e).contains(&b)));
            proptest::prop_assert_eq!(decode_mutf7(enc.as_bytes()).unwrap(), s);
        }
    }

    #[test]
    fn inbox_is_case_insensitive() {
        let m = Mailbox::from_astring(AString::try_from("iNbOx").unwrap());
        assert_eq!(m, Mailbox::Inbox);
    }
}
