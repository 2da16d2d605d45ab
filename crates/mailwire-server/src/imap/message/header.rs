//! Header field helpers: unfolding, RFC 2047 decoding for matching, IMAP string building, and
//! `HEADER.FIELDS` subsets (RFC 5322 §2.2, RFC 2047, RFC 9051 §6.4.5.1).

use std::borrow::Cow;

use mail_parser::HeaderValue;
use mail_parser::parsers::MessageStream;
use mailwire_imap::types::{IString, Literal, NString, Quoted};

use super::tree::{Field, trim};

/// Unfolds a raw field value (RFC 5322 §2.2.3: a line break followed by WSP is removed, the WSP
/// kept), drops stray CR/LF and NUL bytes, and trims surrounding whitespace. Borrows when there
/// is nothing to remove.
pub(crate) fn unfold(raw: &[u8]) -> Cow<'_, [u8]> {
    let v = trim(raw);
    if !v.iter().any(|&b| matches!(b, b'\r' | b'\n' | 0)) {
        return Cow::Borrowed(v);
    }
    Cow::Owned(
        v.iter()
            .copied()
            .filter(|&b| !matches!(b, b'\r' | b'\n' | 0))
            .collect(),
    )
}

/// An IMAP `string` for `value`: quoted when it is short printable ASCII, otherwise a literal
/// (8-bit and long values; RFC 9051 §4.3, valid for IMAP4rev1 too). NUL bytes, which no IMAP
/// string can carry, are dropped.
pub(crate) fn istring(value: &[u8]) -> IString<'static> {
    if value.len() <= 1024
        && value
            .iter()
            .all(|&b| (0x20..0x7f).contains(&b) || b == b'\t')
    {
        if let Ok(q) = Quoted::new(value.to_vec()) {
            return IString::Quoted(q);
        }
    }
    let data: Vec<u8> = value.iter().copied().filter(|&b| b != 0).collect();
    // `Literal::new` only refuses NUL bytes, which were just removed.
    Literal::new(data).map_or_else(|_| empty(), IString::Literal)
}

fn empty() -> IString<'static> {
    IString::Quoted(Quoted::new(&b""[..]).expect("an empty quoted string is valid"))
}

/// `NIL` for `None`, else [`istring`].
pub(crate) fn nstring(value: Option<&[u8]>) -> NString<'static> {
    NString(value.map(istring))
}

/// The first field named `name` (ASCII case-insensitive).
pub(crate) fn first<'f>(fields: &'f [Field], src: &[u8], name: &[u8]) -> Option<&'f Field> {
    fields.iter().find(|f| f.is(src, name))
}

/// The last field named `name`.
pub(crate) fn last<'f>(fields: &'f [Field], src: &[u8], name: &[u8]) -> Option<&'f Field> {
    fields.iter().rev().find(|f| f.is(src, name))
}

/// Decodes RFC 2047 encoded words in an unstructured value, into UTF-8 (RFC 2047 §6). Folding
/// is removed; invalid UTF-8 outside encoded words is replaced.
pub(crate) fn decode_words(raw: &[u8]) -> String {
    let unfolded = unfold(raw);
    if memchr::memmem::find(&unfolded, b"=?").is_none() {
        return String::from_utf8_lossy(&unfolded).into_owned();
    }
    // The parser reads up to the end of the field: give it one.
    let mut line = unfolded.into_owned();
    line.push(b'\n');
    match MessageStream::new(&line).parse_unstructured() {
        HeaderValue::Text(t) => t.into_owned(),
        _ => String::new(),
    }
}

/// The bytes of the line that ends the header section (the blank line), if the header has one.
pub(crate) fn blank_line(src: &[u8], header_end: usize, last_field_end: usize) -> &[u8] {
    if header_end <= last_field_end {
        return b"";
    }
    let block = src.get(last_field_end..header_end).unwrap_or_default();
    // The blank line is the last line of the block.
    let body = block.strip_suffix(b"\n").unwrap_or(block);
    let start = memchr::memrchr(b'\n', body).map_or(0, |p| p + 1);
    &block[start..]
}

/// Builds a `HEADER.FIELDS` (`keep == true`) or `HEADER.FIELDS.NOT` subset: the matching fields
/// as written (folding included), then the blank line (RFC 9051 §6.4.5.1). Names match ASCII
/// case-insensitively.
pub(crate) fn subset(
    src: &[u8],
    fields: &[Field],
    header_end: usize,
    names: &[&[u8]],
    keep: bool,
) -> Vec<u8> {
    let mut out = Vec::new();
    for f in fields {
        let name = f.name(src);
        let listed = names.iter().any(|n| n.eq_ignore_ascii_case(name));
        if listed == keep {
            let raw = f.raw(src);
            out.extend_from_slice(raw);
            if !raw.ends_with(b"\n") {
                // The last field of a header cut by the end of the input.
                out.extend_from_slice(b"\r\n");
            }
        }
    }
    let last_end = fields.iter().map(|f| f.end).max().unwrap_or(0);
    out.extend_from_slice(blank_line(src, header_end, last_end));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unfold_removes_line_breaks_and_trims() {
        assert_eq!(&*unfold(b" a\r\n b \r\n"), b"a b");
        assert!(matches!(unfold(b" plain\r\n"), Cow::Borrowed(b"plain")));
    }

    #[test]
    fn istring_picks_quoted_or_literal() {
        assert!(matches!(istring(b"abc"), IString::Quoted(_)));
        assert!(matches!(istring("é".as_bytes()), IString::Literal(_)));
        assert_eq!(istring(b"a\0b").as_bytes(), b"ab");
    }

    #[test]
    fn decode_words_decodes_rfc2047() {
        assert_eq!(
            decode_words(b" =?ISO-8859-1?Q?Andr=E9?= Pirard\r\n"),
            "André Pirard"
        );
        assert_eq!(decode_words(b" no words\r\n"), "no words");
    }
}
