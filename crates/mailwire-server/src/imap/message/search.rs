//! SEARCH content matching (RFC 9051 §6.4.4, RFC 3501 §6.4.4).
//!
//! RFC 9051 §6.4.4: transfer encodings and RFC 2047 encoded words are decoded before comparing;
//! a key matches when its string is a substring of the associated text; matching is
//! case-insensitive. Both sides are lower-cased with Unicode's default case mapping
//! (`str::to_lowercase`), which covers the ASCII range the RFC requires and most of Unicode.
//! Bodies are decoded into UTF-8 with mail-parser's charset decoders; only `text/*` leaves take
//! part (RFC 9051 §6.4.4 lets servers skip other terminal types), including those inside
//! encapsulated messages. `TEXT` also searches every header field, MIME fields included.

use super::header::decode_words;
use super::section::decode_body;
use super::tree::{Kind, Msg, Part};

/// Lower-cases for case-insensitive matching.
pub(crate) fn fold(s: &str) -> String {
    if s.is_ascii() {
        s.to_ascii_lowercase()
    } else {
        s.to_lowercase()
    }
}

/// Appends `s` folded as [`fold`] does, without a temporary string for ASCII text.
pub(crate) fn push_folded(out: &mut String, s: &str) {
    if s.is_ascii() {
        let start = out.len();
        out.push_str(s);
        out[start..].make_ascii_lowercase();
    } else {
        out.push_str(&s.to_lowercase());
    }
}

/// Whether the folded `haystack` contains the folded `needle` (SIMD substring search).
pub(crate) fn contains(haystack: &str, needle: &str) -> bool {
    memchr::memmem::find(haystack.as_bytes(), needle.as_bytes()).is_some()
}

/// Bytes to text: valid UTF-8 as it is (checked with the fast validator), anything else
/// with U+FFFD for the bad sequences.
fn utf8_text(bytes: std::borrow::Cow<'_, [u8]>) -> String {
    match String::from_utf8(bytes.into_owned()) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }
}

/// Decodes a text leaf into UTF-8 using its charset parameter. `limit`: decode at most this many
/// octets of the encoded body (cut at a line end), for previews.
pub(crate) fn part_text(part: &Part, src: &[u8], limit: Option<usize>) -> String {
    match decode_text(part, src, limit) {
        Text::Ascii(b) => utf8_text(b),
        Text::Other(s) => s,
    }
}

/// A text leaf's decoded content.
enum Text<'a> {
    /// ASCII only, in an ASCII-compatible charset: reads as it is.
    Ascii(std::borrow::Cow<'a, [u8]>),
    /// Converted from its charset.
    Other(String),
}

fn decode_text<'a>(part: &Part, src: &'a [u8], limit: Option<usize>) -> Text<'a> {
    let mut body = src.get(part.body.clone()).unwrap_or_default();
    if let Some(limit) = limit {
        if body.len() > limit {
            let cut = memchr::memrchr(b'\n', &body[..limit]).map_or(limit, |p| p + 1);
            body = &body[..cut];
        }
    }
    let Some(decoded) = decode_body(body, part.mime.encoding) else {
        return Text::Other(String::new());
    };
    let charset = part.mime.param("charset");
    if decoded.is_ascii() && charset.is_none_or(ascii_compatible) {
        // ASCII text reads the same in every ASCII-compatible charset: skip the decoder, which
        // converts byte by byte.
        return Text::Ascii(decoded);
    }
    Text::Other(
        match charset
            .and_then(|c| mail_parser::decoders::charsets::map::charset_decoder(c.as_bytes()))
        {
            Some(decoder) => decoder(&decoded),
            None => utf8_text(decoded),
        },
    )
}

/// Whether ASCII bytes (without ESC) mean the same ASCII text in `charset`: true for the
/// single-byte and multi-byte charsets mail uses, false for UTF-7, UTF-16, UTF-32 and the
/// ISO-2022 and HZ shift encodings.
fn ascii_compatible(charset: &str) -> bool {
    let c = charset.to_ascii_lowercase();
    !(c.starts_with("utf-7")
        || c.starts_with("utf-16")
        || c.starts_with("utf-32")
        || c.starts_with("ucs-")
        || c.starts_with("unicode")
        || c.starts_with("iso-2022")
        || c.starts_with("hz"))
}

/// Visits the parts of `msg` depth-first in order, entering encapsulated messages; `f` gets
/// each part with the buffer it indexes. Iterative: no recursion.
pub(crate) fn walk<'a>(msg: &'a Msg, mut f: impl FnMut(&'a Part, &'a Msg) -> bool) {
    let mut stack: Vec<(&'a Part, &'a Msg)> = vec![(&msg.body, msg)];
    while let Some((part, owner)) = stack.pop() {
        if !f(part, owner) {
            return;
        }
        match &part.kind {
            Kind::Multipart(children) => {
                for c in children.iter().rev() {
                    stack.push((c, owner));
                }
            }
            Kind::Message(nested) => stack.push((&nested.body, nested)),
            Kind::Leaf => {}
        }
    }
}

/// Whether the decoded text of some text leaf contains `needle` (already folded), stopping
/// at the first leaf that does. ASCII leaves are folded a block at a time into a buffer that
/// stays in cache, so matching a message costs no copy of its body.
pub(crate) fn body_contains(msg: &Msg, needle: &str) -> bool {
    let finder = memchr::memmem::Finder::new(needle.as_bytes());
    let mut found = false;
    walk(msg, |part, owner| {
        if matches!(part.kind, Kind::Leaf) && &*part.mime.media_type == "text" {
            found = match decode_text(part, &owner.src, None) {
                Text::Ascii(b) => ascii_contains(&b, &finder),
                Text::Other(s) => finder.find(fold(&s).as_bytes()).is_some(),
            };
        }
        !found
    });
    found
}

/// Whether ASCII `hay`, lower-cased, contains the finder's needle (lower-case already).
fn ascii_contains(hay: &[u8], finder: &memchr::memmem::Finder<'_>) -> bool {
    const BLOCK: usize = 16 * 1024;
    const MAX_NEEDLE: usize = 1024;
    let n = finder.needle().len();
    if n > MAX_NEEDLE {
        return finder.find(&hay.to_ascii_lowercase()).is_some();
    }
    let mut buf = [0u8; BLOCK + MAX_NEEDLE];
    let mut start = 0;
    loop {
        // Each block overlaps the next by the needle's length less one, so a match across
        // the seam is seen.
        let end = (start + BLOCK + n).saturating_sub(1).min(hay.len());
        let piece = &mut buf[..end - start];
        piece.copy_from_slice(&hay[start..end]);
        piece.make_ascii_lowercase();
        if finder.find(piece).is_some() {
            return true;
        }
        if end == hay.len() {
            return false;
        }
        start += BLOCK;
    }
}

/// The folded, decoded header fields of every part (for `TEXT`): each field as `name: value` on
/// its own line.
pub(crate) fn header_text(msg: &Msg) -> String {
    let mut out = String::new();
    walk(msg, |part, owner| {
        for f in &part.fields {
            push_folded(&mut out, &String::from_utf8_lossy(f.name(&owner.src)));
            out.push_str(": ");
            push_folded(&mut out, &decode_words(f.raw_value(&owner.src)));
            out.push('\n');
        }
        true
    });
    out
}

#[cfg(test)]
mod tests {
    use super::ascii_contains;
    use memchr::memmem::Finder;

    #[test]
    fn block_folding_finds_matches_anywhere_and_only_real_ones() {
        // Long enough for several blocks; the needle placed across every seam region.
        let filler = "lorem ipsum dolor sit amet ".repeat(2000);
        for at in [
            0,
            1,
            16 * 1024 - 5,
            16 * 1024 - 1,
            16 * 1024,
            32 * 1024 - 3,
            filler.len(),
        ] {
            let mut hay = filler.clone();
            hay.insert_str(at, "Consectetur ADIPISCING");
            let f = Finder::new(b"consectetur adipiscing");
            assert!(ascii_contains(hay.as_bytes(), &f), "at {at}");
        }
        let f = Finder::new(b"consectetur adipiscing");
        assert!(!ascii_contains(filler.as_bytes(), &f));
        assert!(!ascii_contains(b"", &f));
        assert!(!ascii_contains(b"consectetur adipiscin", &f));
        // A needle longer than the block overlap takes the copying path, same answers.
        let long = "x".repeat(2000);
        let f = Finder::new(long.as_bytes());
        assert!(ascii_contains(
            format!("a{}b", long.to_uppercase()).as_bytes(),
            &f
        ));
        assert!(!ascii_contains(&long.as_bytes()[1..], &f));
    }
}
