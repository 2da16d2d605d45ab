//! Body sections: `BODY[section]<partial>`, `BINARY[part]`, `BINARY.SIZE[part]` and the RFC 3501
//! `RFC822.*` items (RFC 9051 §6.4.5.1 and §7.5.2, RFC 3516 §4).
//!
//! Part numbers follow RFC 9051 §6.4.5.1: part 1 of a message whose body is not multipart is
//! that body; the part numbers under a `message/rfc822` part are those of the encapsulated
//! message's body; `HEADER`, `HEADER.FIELDS`, `HEADER.FIELDS.NOT` and `TEXT` after a part number
//! need a `message/rfc822` part; `MIME` needs a part number.

use std::borrow::Cow;
use std::num::NonZeroU32;

use bytes::Bytes;
use mail_parser::decoders::base64::base64_decode;
use mail_parser::parsers::MessageStream;
use mailwire_imap::types::{Partial, Section};

use super::header::subset;
use super::tree::{Kind, Msg, Part, TransferEncoding};

/// Why a section cannot be produced.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SectionError {
    /// The part number names no part of this message (RFC 9051 §6.4.5.1).
    #[error("no part {0} in this message")]
    NoSuchPart(String),
    /// `HEADER`, `HEADER.FIELDS[.NOT]` or `TEXT` after a part that is not `message/rfc822` or
    /// `message/global` (RFC 9051 §6.4.5.1).
    #[error("part {0} is not an encapsulated message")]
    NotAMessage(String),
    /// `BINARY` or `BINARY.SIZE` of a multipart or message part: only leaf parts can be decoded
    /// (RFC 9051 §6.4.5).
    #[error("part {0} is not a leaf part")]
    NotALeaf(String),
    /// `BINARY` of a part whose Content-Transfer-Encoding is unknown: answer `NO
    /// [UNKNOWN-CTE]` (RFC 3516 §4.3, RFC 9051 §7.1).
    #[error("unknown Content-Transfer-Encoding {0:?}")]
    UnknownCte(String),
}

fn path_text(path: &[NonZeroU32]) -> String {
    path.iter()
        .map(|n| n.to_string())
        .collect::<Vec<_>>()
        .join(".")
}

/// A position in the tree: the message that owns the buffer, and a part of it.
#[derive(Clone, Copy)]
pub(crate) struct Located<'a> {
    pub msg: &'a Msg,
    pub part: &'a Part,
}

/// Follows a part number from the top-level message (RFC 9051 §6.4.5.1).
pub(crate) fn locate<'a>(root: &'a Msg, path: &[NonZeroU32]) -> Result<Located<'a>, SectionError> {
    let missing = || SectionError::NoSuchPart(path_text(path));
    let mut at: Option<Located<'a>> = None;
    for n in path {
        let idx = (n.get() - 1) as usize;
        // The container whose parts `n` numbers.
        let (msg, container): (&Msg, &Part) = match at {
            None => (root, &root.body),
            Some(Located { part, msg }) => match &part.kind {
                Kind::Multipart(_) => (msg, part),
                Kind::Message(nested) => (nested, &nested.body),
                Kind::Leaf => return Err(missing()),
            },
        };
        let next = match &container.kind {
            Kind::Multipart(children) => children.get(idx).ok_or_else(missing)?,
            // A message whose body is not multipart has only part 1: that body.
            _ if idx == 0 && std::ptr::eq(container, &msg.body) => container,
            _ => return Err(missing()),
        };
        at = Some(Located { msg, part: next });
    }
    at.ok_or_else(missing)
}

/// The message that `HEADER`/`TEXT` after `path` refer to.
fn message_at<'a>(root: &'a Msg, path: Option<&[NonZeroU32]>) -> Result<&'a Msg, SectionError> {
    match path {
        None => Ok(root),
        Some(path) => {
            let at = locate(root, path)?;
            match &at.part.kind {
                Kind::Message(nested) => Ok(nested),
                _ => Err(SectionError::NotAMessage(path_text(path))),
            }
        }
    }
}

/// The data of `BODY[section]` (`None`: `BODY[]`). Contiguous sections are slices of the
/// message buffer (no copy); `HEADER.FIELDS[.NOT]` subsets are built.
pub(crate) fn body_section(
    root: &Msg,
    section: Option<&Section<'_>>,
) -> Result<Bytes, SectionError> {
    let Some(section) = section else {
        return Ok(root.src.clone());
    };
    let part_path =
        |p: &Option<mailwire_imap::types::Part>| p.as_ref().map(|p| p.0.as_slice().to_vec());
    match section {
        Section::Part(p) => {
            let at = locate(root, p.0.as_slice())?;
            Ok(at.msg.src.slice(at.part.body.clone()))
        }
        Section::Mime(p) => {
            let at = locate(root, p.0.as_slice())?;
            Ok(at.msg.src.slice(at.part.header.clone()))
        }
        Section::Header(p) => {
            let msg = message_at(root, part_path(p).as_deref())?;
            Ok(msg.src.slice(msg.header()))
        }
        Section::Text(p) => {
            let msg = message_at(root, part_path(p).as_deref())?;
            Ok(msg.src.slice(msg.header().end..msg.src.len()))
        }
        Section::HeaderFields(p, names) | Section::HeaderFieldsNot(p, names) => {
            let msg = message_at(root, part_path(p).as_deref())?;
            let names: Vec<&[u8]> = names.iter().map(|n| n.as_bytes()).collect();
            let keep = matches!(section, Section::HeaderFields(..));
            Ok(Bytes::from(subset(
                &msg.src,
                msg.fields(),
                msg.header().end,
                &names,
                keep,
            )))
        }
    }
}

/// Applies `<offset.count>` (RFC 9051 §6.4.5): an offset past the end gives an empty string, a
/// count past the end is cut. Returns the data and the origin octet to report.
pub fn apply_partial(data: Bytes, partial: Option<Partial>) -> (Bytes, Option<u64>) {
    match partial {
        None => (data, None),
        Some(p) => {
            let len = data.len() as u64;
            let start = p.offset.min(len);
            let end = p.offset.saturating_add(p.count.get()).min(len);
            (data.slice(start as usize..end as usize), Some(p.offset))
        }
    }
}

/// Turns bare LF into CRLF (RFC 9051 §7.5.2: BINARY text is sent with CRLF line ends).
fn crlf(data: Cow<'_, [u8]>) -> Cow<'_, [u8]> {
    let bare = memchr::memchr_iter(b'\n', &data)
        .filter(|&i| i == 0 || data[i - 1] != b'\r')
        .count();
    if bare == 0 {
        return data;
    }
    let mut out = Vec::with_capacity(data.len() + bare);
    let mut prev = 0u8;
    for &b in data.iter() {
        if b == b'\n' && prev != b'\r' {
            out.push(b'\r');
        }
        out.push(b);
        prev = b;
    }
    Cow::Owned(out)
}

/// Removes a Content-Transfer-Encoding (RFC 2045 §6) with mail-parser's decoders. Damaged
/// base64 is decoded leniently: characters outside the alphabet are skipped.
pub(crate) fn decode_body(body: &[u8], encoding: TransferEncoding) -> Option<Cow<'_, [u8]>> {
    match encoding {
        TransferEncoding::SevenBit | TransferEncoding::EightBit | TransferEncoding::Binary => {
            Some(Cow::Borrowed(body))
        }
        TransferEncoding::Base64 => {
            let (end, data) = MessageStream::new(body).decode_base64_mime(b"");
            if end != usize::MAX {
                return Some(Cow::Owned(data.into_owned()));
            }
            let clean: Vec<u8> = body
                .iter()
                .copied()
                .filter(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/'))
                .collect();
            let usable = clean.len() - clean.len() % 4;
            Some(Cow::Owned(
                base64_decode(&clean[..usable]).unwrap_or_default(),
            ))
        }
        TransferEncoding::QuotedPrintable => {
            let (_, data) = MessageStream::new(body).decode_quoted_printable_mime(b"");
            Some(Cow::Owned(data.into_owned()))
        }
        TransferEncoding::Unknown => None,
    }
}

fn unknown_cte(part: &Part, src: &[u8]) -> SectionError {
    let raw = super::header::last(&part.fields, src, b"content-transfer-encoding")
        .map(|f| String::from_utf8_lossy(&super::header::unfold(f.raw_value(src))).into_owned())
        .unwrap_or_default();
    SectionError::UnknownCte(raw)
}

/// `BINARY[part]`: the part's body with its transfer encoding removed; text with CRLF line
/// ends. An empty part number is the whole message, unchanged.
pub(crate) fn binary(root: &Msg, path: &[NonZeroU32]) -> Result<Bytes, SectionError> {
    if path.is_empty() {
        return Ok(root.src.clone());
    }
    let at = locate(root, path)?;
    if !matches!(at.part.kind, Kind::Leaf) {
        return Err(SectionError::NotALeaf(path_text(path)));
    }
    let body = &at.msg.src[at.part.body.clone()];
    let decoded = decode_body(body, at.part.mime.encoding)
        .ok_or_else(|| unknown_cte(at.part, &at.msg.src))?;
    let decoded = if &*at.part.mime.media_type == "text" {
        crlf(decoded)
    } else {
        decoded
    };
    Ok(match decoded {
        Cow::Borrowed(b) if b.len() == body.len() => at.msg.src.slice(at.part.body.clone()),
        Cow::Borrowed(b) => Bytes::copy_from_slice(b),
        Cow::Owned(v) => Bytes::from(v),
    })
}
