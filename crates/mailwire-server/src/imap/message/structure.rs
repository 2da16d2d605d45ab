//! BODYSTRUCTURE and BODY (RFC 9051 §7.5.2 and §9 `body`, RFC 3501 §7.4.2).
//!
//! Choices (the RFC leaves them open):
//!
//! * Media type, subtype, parameter names, disposition type and encoding are sent in upper case,
//!   as in the RFC 9051 §7.5.2 examples; parameter values are kept as decoded by `mail-parser`
//!   (RFC 2231 continuations joined, charsets converted to UTF-8, the name without `*`).
//! * A part without a valid Content-Type is `TEXT/PLAIN ("CHARSET" "US-ASCII")`, or
//!   `MESSAGE/RFC822` inside `multipart/digest` (RFC 2045 §5.2, RFC 2046 §5.1.5).
//! * Sizes and line counts are of the body as stored (bare LF counts as one octet); lines are
//!   the number of line breaks (Dovecot 2.3 counts the same way).
//! * A `text/*` part without a charset parameter gets `("CHARSET" "US-ASCII")`, its RFC 2046
//!   §4.1.2 default (Dovecot 2.3 does the same).
//! * Parameters that were RFC 2231 charset-encoded (`name*=` or `name*0*=`) are sent as
//!   `"NAME*"` with the decoded UTF-8 value, as RFC 9051 §7.5.2 says; plain continuations
//!   (`name*0=`) are joined under the plain name.
//! * BODYSTRUCTURE always sends the extension data up to the location (MD5, disposition,
//!   language, location for single parts; parameters, disposition, language, location for
//!   multiparts).

use mailwire_imap::types::{
    BasicFields, BodyStructure, Disposition, ExtensionTail, IString, Language, LanguageTail,
    LocationTail, MultiPartExtension, NString, Params, SinglePartExtension, SinglePartKind, Vec1,
};

use super::envelope::envelope;
use super::header::{istring, last, unfold};
use super::tree::{Kind, Part, TransferEncoding, trim};

fn upper(s: &str) -> IString<'static> {
    istring(s.to_ascii_uppercase().as_bytes())
}

fn params(list: &[(Box<str>, Box<str>)]) -> Params<'static> {
    let pairs: Vec<(IString<'static>, NString<'static>)> = list
        .iter()
        .map(|(k, v)| (upper(k), NString(Some(istring(v.as_bytes())))))
        .collect();
    Vec1::try_from(pairs).ok()
}

fn field_text(part: &Part, src: &[u8], name: &[u8]) -> NString<'static> {
    NString(last(&part.fields, src, name).map(|f| istring(&unfold(f.raw_value(src)))))
}

/// Counts lines as line breaks: a last line without a break (always the case for a body part
/// of a multipart, RFC 2046 §5.1.1) is not counted, as UW-IMAP and Dovecot count.
pub(crate) fn count_lines(body: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', body).count() as u64
}

fn encoding_name(part: &Part, src: &[u8]) -> IString<'static> {
    match part.mime.encoding {
        TransferEncoding::SevenBit => {
            // Absent, empty, or "7bit" in any case.
            istring(b"7BIT")
        }
        _ => {
            let raw = last(&part.fields, src, b"content-transfer-encoding")
                .map(|f| unfold(f.raw_value(src)).to_ascii_uppercase())
                .unwrap_or_else(|| b"7BIT".to_vec());
            istring(&raw)
        }
    }
}

/// `body-fld-lang`: Content-Language, a comma-separated list of tags (RFC 3282).
fn language(part: &Part, src: &[u8]) -> Language<'static> {
    let Some(f) = last(&part.fields, src, b"content-language") else {
        return Language::Single(NString(None));
    };
    let value = unfold(f.raw_value(src));
    let mut tags: Vec<IString<'static>> = Vec::new();
    let mut depth = 0usize;
    let mut cleaned = Vec::with_capacity(value.len());
    for &b in value.iter() {
        match b {
            b'(' => depth += 1,
            b')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => cleaned.push(b),
            _ => {}
        }
    }
    for tag in cleaned.split(|&b| b == b',') {
        let tag = trim(tag);
        if !tag.is_empty() {
            tags.push(istring(tag));
        }
    }
    match tags.len() {
        0 => Language::Single(NString(None)),
        1 => Language::Single(NString(tags.pop())),
        _ => Vec1::try_from(tags).map_or(Language::Single(NString(None)), Language::List),
    }
}

fn disposition(part: &Part) -> Option<Disposition<'static>> {
    part.mime.disposition.as_ref().map(|(kind, p)| Disposition {
        kind: upper(kind),
        params: params(p),
    })
}

fn tail(part: &Part, src: &[u8]) -> ExtensionTail<'static> {
    ExtensionTail {
        disposition: disposition(part),
        rest: Some(LanguageTail {
            language: language(part, src),
            location: Some(LocationTail {
                location: field_text(part, src, b"content-location"),
                extensions: Vec::new(),
            }),
        }),
    }
}

/// Builds the structure of `part`, whose ranges index `src`; `extensible`: BODYSTRUCTURE
/// rather than BODY. Recursion is bounded by the tree's depth limit.
pub(crate) fn body_structure(part: &Part, src: &[u8], extensible: bool) -> BodyStructure<'static> {
    match &part.kind {
        Kind::Multipart(children) => {
            let parts: Vec<BodyStructure<'static>> = children
                .iter()
                .map(|c| body_structure(c, src, extensible))
                .collect();
            let parts = match Vec1::try_from(parts) {
                Ok(p) => p,
                // The tree never holds an empty multipart; keep the type total anyway.
                Err(_) => Vec1::one(empty_text()),
            };
            let boundary_and_params: Vec<(Box<str>, Box<str>)> = part.mime.params.clone();
            BodyStructure::Multi {
                parts,
                subtype: upper(&part.mime.subtype),
                extension: extensible.then(|| {
                    Box::new(MultiPartExtension {
                        params: params(&boundary_and_params),
                        tail: Some(tail(part, src)),
                    })
                }),
            }
        }
        _ => {
            let body = src.get(part.body.clone()).unwrap_or_default();
            let fields = BasicFields {
                params: params(&part.mime.params),
                id: field_text(part, src, b"content-id"),
                description: field_text(part, src, b"content-description"),
                encoding: encoding_name(part, src),
                size: u32::try_from(body.len()).unwrap_or(u32::MAX),
            };
            let kind = match &part.kind {
                Kind::Message(nested) => SinglePartKind::Message {
                    subtype: upper(&part.mime.subtype),
                    envelope: Box::new(envelope(nested.fields(), &nested.src)),
                    body: Box::new(body_structure(&nested.body, &nested.src, extensible)),
                    lines: count_lines(body),
                },
                _ if &*part.mime.media_type == "text" => SinglePartKind::Text {
                    subtype: upper(&part.mime.subtype),
                    lines: count_lines(body),
                },
                _ => SinglePartKind::Basic {
                    media_type: upper(&part.mime.media_type),
                    subtype: upper(&part.mime.subtype),
                },
            };
            BodyStructure::Single {
                fields,
                kind,
                extension: extensible.then(|| {
                    Box::new(SinglePartExtension {
                        md5: field_text(part, src, b"content-md5"),
                        tail: Some(tail(part, src)),
                    })
                }),
            }
        }
    }
}

fn empty_text() -> BodyStructure<'static> {
    BodyStructure::Single {
        fields: BasicFields {
            params: params(&[("charset".into(), "us-ascii".into())]),
            id: NString(None),
            description: NString(None),
            encoding: istring(b"7BIT"),
            size: 0,
        },
        kind: SinglePartKind::Text {
            subtype: istring(b"PLAIN"),
            lines: 0,
        },
        extension: None,
    }
}
