//! The MIME tree of a message (RFC 2045 §3, RFC 2046 §5, RFC 9051 §6.4.5), built from
//! `mail-parser`'s parse and kept as byte ranges into the message's own buffer.
//!
//! `mail-parser` owns the MIME parsing (boundaries, header fields, Content-Type with RFC 2231
//! parameters, nested and encoded messages). This module only converts its flat part list into
//! a tree of ranges, clamps every offset into its buffer, and bounds the depth and the number
//! of parts so that hostile input cannot make the rest of the module recurse deeply or build
//! huge responses.

use std::ops::Range;

use bytes::Bytes;
use mail_parser::{ContentType, Header, HeaderName, HeaderValue, Message, MessageParser, PartType};

/// MIME levels below the top-level message that are opened (RFC 9051 §6.4.5 part numbers):
/// a deeper multipart or encapsulated message is reported as an opaque
/// `application/octet-stream` leaf.
pub(crate) const MAX_DEPTH: usize = 32;

/// Body parts kept in one message, nested messages included; further parts are dropped.
pub(crate) const MAX_PARTS: usize = 10_000;

/// Parameters kept per Content-Type or Content-Disposition field; hostile fields with more
/// would make BODYSTRUCTURE huge and the RFC 2231 checks slow.
pub(crate) const MAX_PARAMS: usize = 100;

/// One header field (RFC 5322 §2.2): offsets into the message buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Field {
    /// First byte of the field name.
    pub(crate) start: usize,
    /// End of the field name (before optional WSP and the colon).
    pub(crate) name_end: usize,
    /// First byte after the colon.
    pub(crate) value_start: usize,
    /// End of the field, after its final line break (or the end of the input).
    pub(crate) end: usize,
}

impl Field {
    /// The field name as written.
    pub(crate) fn name<'s>(&self, src: &'s [u8]) -> &'s [u8] {
        src.get(self.start..self.name_end).unwrap_or_default()
    }

    /// Everything after the colon, folding and final line break included.
    pub(crate) fn raw_value<'s>(&self, src: &'s [u8]) -> &'s [u8] {
        src.get(self.value_start..self.end).unwrap_or_default()
    }

    /// The whole field as written, final line break included.
    pub(crate) fn raw<'s>(&self, src: &'s [u8]) -> &'s [u8] {
        src.get(self.start..self.end).unwrap_or_default()
    }

    /// Whether the name matches `name`, ASCII case-insensitively (RFC 9051 §6.4.5.1).
    pub(crate) fn is(&self, src: &[u8], name: &[u8]) -> bool {
        self.name(src).eq_ignore_ascii_case(name)
    }
}

/// A Content-Transfer-Encoding (RFC 2045 §6.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransferEncoding {
    /// `7bit`, also the default when the field is absent.
    SevenBit,
    /// `8bit`
    EightBit,
    /// `binary`
    Binary,
    /// `base64`
    Base64,
    /// `quoted-printable`
    QuotedPrintable,
    /// Anything else (`x-uuencode`, a typo...): cannot be decoded (RFC 3516 `UNKNOWN-CTE`).
    Unknown,
}

impl TransferEncoding {
    pub(crate) fn from_value(value: &[u8]) -> TransferEncoding {
        let v = trim(value);
        if v.is_empty() || v.eq_ignore_ascii_case(b"7bit") {
            TransferEncoding::SevenBit
        } else if v.eq_ignore_ascii_case(b"8bit") {
            TransferEncoding::EightBit
        } else if v.eq_ignore_ascii_case(b"binary") {
            TransferEncoding::Binary
        } else if v.eq_ignore_ascii_case(b"base64") {
            TransferEncoding::Base64
        } else if v.eq_ignore_ascii_case(b"quoted-printable") {
            TransferEncoding::QuotedPrintable
        } else {
            TransferEncoding::Unknown
        }
    }
}

/// MIME parameters: lower-case names, decoded values.
pub(crate) type ParamList = Vec<(Box<str>, Box<str>)>;

/// The Content-Type and Content-Disposition of a part, with RFC 2045 §5.2 defaults applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Mime {
    /// Lower-case media type (`text`, `multipart`...).
    pub(crate) media_type: Box<str>,
    /// Lower-case subtype.
    pub(crate) subtype: Box<str>,
    /// Parameters: lower-case names, values with RFC 2231 continuations and charsets decoded.
    pub(crate) params: Vec<(Box<str>, Box<str>)>,
    /// Disposition type (lower-case) and its parameters.
    pub(crate) disposition: Option<(Box<str>, ParamList)>,
    /// The declared transfer encoding.
    pub(crate) encoding: TransferEncoding,
}

impl Mime {
    fn text_plain(encoding: TransferEncoding) -> Mime {
        Mime {
            media_type: "text".into(),
            subtype: "plain".into(),
            params: vec![("charset".into(), "us-ascii".into())],
            disposition: None,
            encoding,
        }
    }

    /// A parameter's value, by lower-case name.
    pub(crate) fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| &**v)
    }
}

/// What a part holds.
#[derive(Debug, Clone)]
pub(crate) enum Kind {
    /// A leaf: its body is the content.
    Leaf,
    /// `multipart/*`: at least one part.
    Multipart(Vec<Part>),
    /// `message/rfc822` or `message/global`: an encapsulated message, in its own buffer (a slice
    /// of this one, or the decoded body when the part was base64 or quoted-printable encoded).
    Message(Box<Msg>),
}

/// A body part (RFC 2045 §2.6 entity): its MIME header and body as ranges into the buffer of
/// the message that holds it.
#[derive(Debug, Clone)]
pub(crate) struct Part {
    /// The MIME header, blank line included (for a message's top-level part, the message header).
    pub(crate) header: Range<usize>,
    /// The header fields.
    pub(crate) fields: Vec<Field>,
    /// The body in its transfer encoding.
    pub(crate) body: Range<usize>,
    /// Content-Type and friends.
    pub(crate) mime: Mime,
    /// Leaf, multipart or message.
    pub(crate) kind: Kind,
}

/// A message (RFC 5322): the top-level one or an encapsulated one. Its `body` part carries the
/// message header as MIME header.
#[derive(Debug, Clone)]
pub(crate) struct Msg {
    /// The message's bytes; every range under this message indexes them.
    pub(crate) src: Bytes,
    /// The top-level part.
    pub(crate) body: Part,
}

impl Msg {
    /// The header section range, blank line included.
    pub(crate) fn header(&self) -> Range<usize> {
        self.body.header.clone()
    }

    /// The header fields.
    pub(crate) fn fields(&self) -> &[Field] {
        &self.body.fields
    }
}

pub(crate) fn trim(v: &[u8]) -> &[u8] {
    let start = v
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(v.len());
    let end = v
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    &v[start..end.max(start)]
}

/// The parser configuration: only the MIME fields that drive the structure are parsed; the
/// rest is skipped (their raw bytes are read through the field offsets when needed).
fn parser() -> MessageParser {
    MessageParser::new()
        .header_content_type(HeaderName::ContentType)
        .header_content_type(HeaderName::ContentDisposition)
        .header_text(HeaderName::ContentTransferEncoding)
        .default_header_ignore()
}

/// Converts `mail-parser` header offsets (relative to its buffer) into fields relative to ours.
fn fields(headers: &[Header<'_>], base: usize, len: usize) -> Vec<Field> {
    headers
        .iter()
        .map(|h| {
            let clamp = |o: u32| (o as usize).saturating_sub(base).min(len);
            let start = clamp(h.offset_field);
            let value_start = clamp(h.offset_start).max(start);
            let end = clamp(h.offset_end).max(value_start);
            Field {
                start,
                name_end: value_start, // fixed up by `fix_names`
                value_start,
                end,
            }
        })
        .collect()
}

/// Sets each field's `name_end` before the colon and any WSP that precedes it (RFC 5322 §4.5
/// obsolete syntax allows WSP there).
fn fix_names(fields: &mut [Field], src: &[u8]) {
    for f in fields {
        let name_area = src.get(f.start..f.value_start).unwrap_or_default();
        let colon = memchr::memrchr(b':', name_area).unwrap_or(name_area.len());
        let name = &name_area[..colon];
        let trimmed = name
            .iter()
            .rposition(|b| !matches!(b, b' ' | b'\t'))
            .map_or(0, |e| e + 1);
        f.name_end = f.start + trimmed;
    }
}

/// Finds the end of the header section that begins at `from`: just after the first line that
/// holds only blanks (`mail-parser` reads such a line as the end of the header), or the end of
/// the input.
pub(crate) fn header_end(src: &[u8], from: usize) -> (usize, bool) {
    let mut line = from.min(src.len());
    while line < src.len() {
        let rest = &src[line..];
        let nl = memchr::memchr(b'\n', rest);
        let content = &rest[..nl.unwrap_or(rest.len())];
        if content.iter().all(|&b| matches!(b, b' ' | b'\t' | b'\r')) {
            return match nl {
                Some(n) => (line + n + 1, true),
                None => (src.len(), false),
            };
        }
        match nl {
            Some(n) => line += n + 1,
            None => return (src.len(), false),
        }
    }
    (src.len(), false)
}

/// The header of a message without parsing its body: fields and the header range.
pub(crate) fn parse_header(src: &[u8]) -> (Vec<Field>, Range<usize>) {
    if src.len() > u32::MAX as usize {
        return (Vec::new(), 0..0);
    }
    let message = parser().parse_headers(src);
    let mut fields = message
        .as_ref()
        .and_then(|m| m.parts.first())
        .map(|p| self::fields(&p.headers, 0, src.len()))
        .unwrap_or_default();
    fix_names(&mut fields, src);
    let last = fields.iter().map(|f| f.end).max().unwrap_or(0);
    let (end, blank) = header_end(src, last);
    if fields.is_empty() && !blank {
        // No field and no blank line: mail-parser sees no header at all, only body.
        return (fields, 0..0);
    }
    (fields, 0..end)
}

/// Parse state shared along one message: how many parts were kept.
struct Budget {
    parts: usize,
}

/// Parses a whole message with `mail-parser`'s full parse only (tests compare it with
/// [`parse`]'s shortcut for single-part messages).
#[cfg(test)]
pub(crate) fn parse_without_shortcut(src: Bytes) -> Msg {
    let mut budget = Budget { parts: 0 };
    budget.parts += 1;
    parse_full(src, 0, &mut budget)
}

/// Parses a whole message.
pub(crate) fn parse(src: Bytes) -> Msg {
    let mut budget = Budget { parts: 0 };
    parse_in(src, 0, &mut budget)
}

fn parse_in(src: Bytes, depth: usize, budget: &mut Budget) -> Msg {
    budget.parts += 1;
    if src.len() > u32::MAX as usize {
        // mail-parser keeps u32 offsets: leave such a message unparsed.
        let body = opaque_part(
            0..0,
            Vec::new(),
            0..src.len(),
            Mime::text_plain(TransferEncoding::SevenBit),
        );
        return Msg { src, body };
    }
    if let Some(leaf) = single_leaf(&src) {
        return Msg { src, body: leaf };
    }
    parse_full(src, depth, budget)
}

/// The top-level part of a message whose body is one leaf (its Content-Type is neither
/// multipart nor message), read from the header alone. `mail-parser`'s full parse would give
/// the same part, but it also decodes a text body into a `String` (charset conversion
/// included), which the tree does not keep and which costs more than everything else: most
/// messages are a single text part. `None` for any other message, and for a header that does
/// not end in a blank line.
fn single_leaf(src: &Bytes) -> Option<Part> {
    let head = parser().parse_headers(&src[..])?;
    let p = head.parts.first()?;
    let mut fields = fields(&p.headers, 0, src.len());
    if fields.is_empty() {
        return None;
    }
    fix_names(&mut fields, src);
    let last = fields.iter().map(|f| f.end).max().unwrap_or(0);
    let (body_start, blank) = header_end(src, last);
    if !blank {
        return None;
    }
    let mime = mime_of(&p.headers, &fields, src, false);
    if matches!(&*mime.media_type, "multipart" | "message") {
        return None;
    }
    Some(opaque_part(
        0..body_start,
        fields,
        body_start..src.len(),
        mime,
    ))
}

/// Parses a message with `mail-parser`'s full parse.
fn parse_full(src: Bytes, depth: usize, budget: &mut Budget) -> Msg {
    let parsed = parser().parse(&src[..]);
    let body = match parsed {
        Some(message) if !message.parts.is_empty() => {
            let mut part = convert(&message, 0, 0, &src, false, depth, budget);
            dismantle(message);
            // The top-level part always extends to the end of the message.
            part.body.end = src.len();
            part.body.start = part.body.start.min(src.len());
            part
        }
        _ => {
            // No header at all: everything is body.
            opaque_part(
                0..0,
                Vec::new(),
                0..src.len(),
                Mime::text_plain(TransferEncoding::SevenBit),
            )
        }
    };
    Msg { src, body }
}

/// Drops a parse without recursion: mail-parser nests each encapsulated message inside its
/// parent, so a hostile chain of `message/rfc822` parts would otherwise overflow the stack when
/// the value is dropped.
fn dismantle(message: Message<'_>) {
    let mut stack = vec![message];
    while let Some(mut m) = stack.pop() {
        for part in &mut m.parts {
            if let PartType::Message(nested) = std::mem::take(&mut part.body) {
                stack.push(nested);
            }
        }
    }
}

fn opaque_part(header: Range<usize>, fields: Vec<Field>, body: Range<usize>, mime: Mime) -> Part {
    Part {
        header,
        fields,
        body,
        mime,
        kind: Kind::Leaf,
    }
}

/// The parameters of a Content-Type or Content-Disposition; `raw` is the field's value, used to
/// tell which parameters were RFC 2231 charset-encoded: those are named `name*` (RFC 9051
/// §7.5.2).
fn params(ct: &ContentType<'_>, raw: &[u8]) -> Vec<(Box<str>, Box<str>)> {
    ct.attributes()
        .unwrap_or_default()
        .iter()
        .take(MAX_PARAMS)
        .map(|a| {
            let name = if was_encoded(raw, &a.name) {
                format!("{}*", a.name).into_boxed_str()
            } else {
                Box::<str>::from(&*a.name)
            };
            (name, Box::<str>::from(&*a.value))
        })
        .collect()
}

/// Whether `raw` has `name*=` or `name*<digits>*=` (RFC 2231 §4, an extended value with
/// charset and language), ASCII case-insensitively.
fn was_encoded(raw: &[u8], name: &str) -> bool {
    let name = name.as_bytes();
    let mut from = 0;
    while let Some(at) = memchr::memchr(b'*', &raw[from..]).map(|p| p + from) {
        from = at + 1;
        if at < name.len() || !raw[at - name.len()..at].eq_ignore_ascii_case(name) {
            continue;
        }
        let before = at - name.len();
        if before > 0 && !matches!(raw[before - 1], b';' | b' ' | b'\t' | b'\r' | b'\n') {
            continue;
        }
        let rest = &raw[at + 1..];
        let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        let after = &rest[digits..];
        let encoded = if digits == 0 {
            after.first() == Some(&b'=')
        } else {
            after.starts_with(b"*=")
        };
        if encoded {
            return true;
        }
    }
    false
}

/// Drops the `NAME-language` parameters `mail-parser` adds for RFC 2231 language tags, unless
/// the field really has a parameter of that name.
fn drop_synthetic(params: &mut Vec<(Box<str>, Box<str>)>, raw: &[u8]) {
    params.retain(|(name, _)| {
        if !name.ends_with("-language") {
            return true;
        }
        let lower: Vec<u8> = raw.to_ascii_lowercase();
        memchr::memmem::find(&lower, name.as_bytes()).is_some_and(|at| {
            let after = lower[at + name.len()..]
                .iter()
                .find(|b| !b.is_ascii_whitespace());
            after == Some(&b'=') || after == Some(&b'*')
        })
    });
}

/// The value of the last field named `name`: mail-parser's own choice when it decides the
/// structure.
fn last_value<'h, 'x>(
    headers: &'h [Header<'x>],
    name: &HeaderName<'_>,
) -> Option<&'h HeaderValue<'x>> {
    headers
        .iter()
        .rev()
        .find(|h| h.name == *name)
        .map(|h| &h.value)
}

/// Reads the MIME fields of a part. `digest_parent`: the part is a child of `multipart/digest`,
/// whose default type is `message/rfc822` (RFC 2046 §5.1.5).
fn mime_of(headers: &[Header<'_>], fields: &[Field], src: &[u8], digest_parent: bool) -> Mime {
    let encoding = fields
        .iter()
        .rev()
        .find(|f| f.is(src, b"content-transfer-encoding"))
        .map_or(TransferEncoding::SevenBit, |f| {
            TransferEncoding::from_value(f.raw_value(src))
        });
    let raw_ct = fields
        .iter()
        .rev()
        .find(|f| f.is(src, b"content-type"))
        .map(|f| f.raw_value(src))
        .unwrap_or_default();
    let mut mime = match last_value(headers, &HeaderName::ContentType)
        .and_then(HeaderValue::as_content_type)
    {
        Some(ct)
            if ct.c_subtype.as_deref().is_some_and(|s| !s.is_empty()) && !ct.c_type.is_empty() =>
        {
            let mut params = params(ct, raw_ct);
            drop_synthetic(&mut params, raw_ct);
            Mime {
                media_type: ct.c_type.to_ascii_lowercase().into(),
                subtype: ct
                    .c_subtype
                    .as_deref()
                    .unwrap_or_default()
                    .to_ascii_lowercase()
                    .into(),
                params,
                disposition: None,
                encoding,
            }
        }
        Some(ct) if ct.c_type.eq_ignore_ascii_case("multipart") => Mime {
            // Structurally a multipart for mail-parser; RFC 2046 §5.1.3: unknown subtypes are
            // treated as "mixed".
            media_type: "multipart".into(),
            subtype: "mixed".into(),
            params: params(ct, raw_ct),
            disposition: None,
            encoding,
        },
        _ if digest_parent => Mime {
            media_type: "message".into(),
            subtype: "rfc822".into(),
            params: Vec::new(),
            disposition: None,
            encoding,
        },
        _ => Mime::text_plain(encoding),
    };
    if &*mime.media_type == "text" && mime.param("charset").is_none() {
        mime.params.push(("charset".into(), "us-ascii".into()));
    }
    let raw_cd = fields
        .iter()
        .rev()
        .find(|f| f.is(src, b"content-disposition"))
        .map(|f| f.raw_value(src))
        .unwrap_or_default();
    mime.disposition = last_value(headers, &HeaderName::ContentDisposition)
        .and_then(HeaderValue::as_content_type)
        .filter(|cd| !cd.c_type.is_empty())
        .map(|cd| {
            let mut params = params(cd, raw_cd);
            drop_synthetic(&mut params, raw_cd);
            (Box::<str>::from(cd.c_type.to_ascii_lowercase()), params)
        });
    mime
}

fn octet_stream(mime: &Mime) -> Mime {
    Mime {
        media_type: "application".into(),
        subtype: "octet-stream".into(),
        params: Vec::new(),
        disposition: mime.disposition.clone(),
        encoding: mime.encoding,
    }
}

/// Converts part `id` of `message` (whose offsets are relative to its own buffer; `base` is
/// where `src` starts in that buffer).
fn convert(
    message: &Message<'_>,
    id: usize,
    base: usize,
    src: &Bytes,
    digest_parent: bool,
    depth: usize,
    budget: &mut Budget,
) -> Part {
    let len = src.len();
    let Some(p) = message.parts.get(id) else {
        return opaque_part(
            len..len,
            Vec::new(),
            len..len,
            Mime::text_plain(TransferEncoding::SevenBit),
        );
    };
    let clamp = |o: u32| (o as usize).saturating_sub(base).min(len);
    let header_start = clamp(p.offset_header);
    let body_start = clamp(p.offset_body).max(header_start);
    let body_end = clamp(p.offset_end).max(body_start);
    let mut fields = fields(&p.headers, base, len);
    fix_names(&mut fields, src);
    let mut mime = mime_of(&p.headers, &fields, src, digest_parent);
    let kind = match &p.body {
        PartType::Multipart(children) if mime.media_type.as_ref() == "multipart" => {
            if depth >= MAX_DEPTH {
                mime = octet_stream(&mime);
                Kind::Leaf
            } else {
                let digest = &*mime.subtype == "digest";
                let mut parts = Vec::with_capacity(children.len().min(64));
                for &child in children {
                    if budget.parts >= MAX_PARTS {
                        break;
                    }
                    budget.parts += 1;
                    let mut part = convert(
                        message,
                        child as usize,
                        base,
                        src,
                        digest,
                        depth + 1,
                        budget,
                    );
                    // A part never ends past its container.
                    part.body.end = part.body.end.min(body_end.max(part.body.start));
                    parts.push(part);
                }
                if parts.is_empty() {
                    // RFC 2046 §5.1.1 requires one part; report an empty text/plain one.
                    parts.push(opaque_part(
                        body_end..body_end,
                        Vec::new(),
                        body_end..body_end,
                        Mime::text_plain(TransferEncoding::SevenBit),
                    ));
                }
                Kind::Multipart(parts)
            }
        }
        PartType::Message(nested)
            if mime.media_type.as_ref() == "message" && !nested.parts.is_empty() =>
        {
            if depth >= MAX_DEPTH {
                mime = octet_stream(&mime);
                Kind::Leaf
            } else {
                let (nested_src, nested_base) = match mime.encoding {
                    TransferEncoding::Base64 | TransferEncoding::QuotedPrintable => {
                        (Bytes::copy_from_slice(&nested.raw_message), 0)
                    }
                    _ => (src.slice(body_start..body_end), base + body_start),
                };
                let mut body = convert(
                    nested,
                    0,
                    nested_base,
                    &nested_src,
                    false,
                    depth + 1,
                    budget,
                );
                body.body.end = nested_src.len();
                body.body.start = body.body.start.min(body.body.end);
                Kind::Message(Box::new(Msg {
                    src: nested_src,
                    body,
                }))
            }
        }
        _ => {
            if matches!(&*mime.media_type, "multipart")
                || (mime.media_type.as_ref() == "message"
                    && matches!(&*mime.subtype, "rfc822" | "global"))
            {
                // Declared as a container, but mail-parser could not open it (no boundary,
                // nesting limit...): an opaque leaf.
                mime = octet_stream(&mime);
            }
            Kind::Leaf
        }
    };
    Part {
        header: header_start..body_start,
        fields,
        body: body_start..body_end,
        mime,
        kind,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Header lines a single-part message may have, odd ones included.
    fn header_line() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("Subject: hello\r\n".to_string()),
            Just("Content-Type: text/plain; charset=us-ascii\r\n".to_string()),
            Just(
                "Content-Type: text/html;\r\n charset=\"iso-8859-1\"; format=flowed\r\n"
                    .to_string()
            ),
            Just("Content-Type: application/pdf; name*=utf-8''%E2%82%AC.pdf\r\n".to_string()),
            Just("Content-Type: image/png\r\n".to_string()),
            Just("Content-Type: TEXT/PLAIN\r\n".to_string()),
            Just("Content-Type: text\r\n".to_string()),
            Just("Content-Type: ;;;\r\n".to_string()),
            Just("Content-Transfer-Encoding: base64\r\n".to_string()),
            Just("Content-Transfer-Encoding: x-weird\r\n".to_string()),
            Just("Content-Disposition: attachment; filename=\"a b.txt\"\r\n".to_string()),
            Just("X-Folded: one\r\n\ttwo\r\n".to_string()),
            Just("Bad header without colon\r\n".to_string()),
            "[A-Za-z-]{1,12}: [ -~]{0,40}\r\n",
        ]
    }

    proptest! {
        /// The single-part shortcut builds exactly the part the full parse builds.
        #[test]
        fn shortcut_equals_full_parse(
            lines in proptest::collection::vec(header_line(), 1..8),
            blank in any::<bool>(),
            body in "[ -~\r\n]{0,200}",
        ) {
            let mut m = lines.concat();
            if blank {
                m.push_str("\r\n");
            }
            m.push_str(&body);
            let src = Bytes::from(m);
            let fast = parse(src.clone());
            let full = parse_without_shortcut(src);
            prop_assert_eq!(format!("{:?}", fast.body), format!("{:?}", full.body));
        }
    }

    #[test]
    fn shortcut_is_taken_for_single_parts_only() {
        let leaf = Bytes::from_static(b"Subject: x\r\nContent-Type: text/plain\r\n\r\nbody\r\n");
        assert!(single_leaf(&leaf).is_some());
        let multi = Bytes::from_static(
            b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nx\r\n--b--\r\n",
        );
        assert!(single_leaf(&multi).is_none());
        let nested =
            Bytes::from_static(b"Content-Type: message/rfc822\r\n\r\nSubject: in\r\n\r\nx\r\n");
        assert!(single_leaf(&nested).is_none());
        let no_blank = Bytes::from_static(b"Subject: only a header\r\n");
        assert!(single_leaf(&no_blank).is_none());
    }
}
