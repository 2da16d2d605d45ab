//! Message content for the IMAP server: ENVELOPE, BODYSTRUCTURE/BODY, body sections and
//! BINARY, SEARCH content keys, SORT/THREAD keys and the THREAD algorithms, PREVIEW
//! (RFC 9051 §6.4.4, §6.4.5, §7.5.2; RFC 3501; RFC 3516; RFC 5256; RFC 5957; RFC 8970).
//!
//! A [`ParsedMessage`] wraps the stored bytes of one message (a [`Bytes`], so sections are
//! zero-copy slices). Creating one reads only the top-level header, which is all ENVELOPE and
//! the header SEARCH keys need; the MIME tree is parsed with `mail-parser` on first use and
//! kept. Nothing here panics on malformed input: bare LF line ends, missing headers, broken
//! boundaries and deep nesting all give a best-effort structure. MIME nesting is opened to 32
//! levels and 10,000 parts; deeper containers are reported as opaque
//! `application/octet-stream` leaves.
//!
//! Sizes and ranges are of the bytes as stored: a message stored with bare LF line ends has
//! smaller sizes than the CRLF form a server like Dovecot reports for it.
//!
//! # Use from a session
//!
//! | request | call |
//! |---|---|
//! | `ENVELOPE` | [`ParsedMessage::envelope`] |
//! | `BODYSTRUCTURE` / `BODY` | [`ParsedMessage::body_structure`] / [`ParsedMessage::body`] |
//! | `BODY[section]<p>`, `BODY.PEEK[...]` | [`ParsedMessage::section`], then [`apply_partial`] |
//! | `BINARY[part]<p>` / `BINARY.SIZE[part]` | [`ParsedMessage::binary`] / [`ParsedMessage::binary_size`] |
//! | `RFC822`, `RFC822.HEADER`, `RFC822.TEXT`, `RFC822.SIZE` | [`ParsedMessage::raw`], [`ParsedMessage::rfc822_header`], [`ParsedMessage::rfc822_text`], [`ParsedMessage::size`] |
//! | `PREVIEW` (RFC 8970) | [`ParsedMessage::preview`] |
//! | SEARCH content keys | [`ParsedMessage::matches_key`] (or `matches_header`/`matches_body`/`matches_text`/`sent_date`) |
//! | SORT keys (RFC 5256, RFC 5957) | [`ParsedMessage::sent_timestamp`], [`ParsedMessage::base_subject`] with [`subject_key`], [`ParsedMessage::first_mailbox`], [`ParsedMessage::display_name`] |
//! | THREAD | [`ParsedMessage::thread_input`] per message, then [`thread_orderedsubject`] or [`thread_references`]; [`write_thread_list`] gives the wire text |
//!
//! [`SectionError`]s map to answers: `NoSuchPart` is best sent as an empty string (Dovecot 2.3
//! answers `BODY[9] ""` for a missing part); `UnknownCte` is `NO [UNKNOWN-CTE]` (RFC 3516 §4.3);
//! `NotALeaf` and `NotAMessage` are client errors (`BAD` or `NO`). BINARY data holding NUL must
//! go out as a `literal8` (RFC 9051 §7.5.2).

mod address;
mod envelope;
mod header;
mod preview;
mod search;
mod section;
mod sort;
mod structure;
mod thread;
mod tree;

use std::num::NonZeroU32;
use std::ops::Range;
use std::sync::OnceLock;

use bytes::Bytes;
use mail_parser::HeaderValue;
use mail_parser::parsers::MessageStream;
use mailwire_imap::types::{BodyStructure, Envelope, NaiveDate, SearchKey, Section};

pub use preview::PREVIEW_CHARS;
pub use section::{SectionError, apply_partial};
pub use sort::{BaseSubject, base_subject, message_ids, subject_key};
pub use thread::{
    ThreadInput, ThreadNode, thread_orderedsubject, thread_references, write_thread_list,
};
pub use tree::TransferEncoding;

/// Where the header of `raw` ends (blank line included) and whether a blank line was found,
/// without parsing the body: for reading a message's header in pieces.
pub fn header_range(raw: &[u8]) -> (bool, Range<usize>) {
    let (fields, range) = tree::parse_header(raw);
    let last = fields.iter().map(|f| f.end).max().unwrap_or(0);
    let (_, blank) = tree::header_end(raw, last);
    (blank, range)
}

use self::header::{decode_words, first, unfold};
use self::tree::{Field, Msg};

/// The address fields SORT and RFC 5957 display sorting look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AddressField {
    /// `From:`
    From,
    /// `To:`
    To,
    /// `Cc:`
    Cc,
}

impl AddressField {
    fn name(self) -> &'static [u8] {
        match self {
            AddressField::From => b"from",
            AddressField::To => b"to",
            AddressField::Cc => b"cc",
        }
    }
}

/// One message, parsed for the IMAP server (see the module documentation).
#[derive(Debug)]
pub struct ParsedMessage {
    raw: Bytes,
    fields: Vec<Field>,
    header: Range<usize>,
    tree: OnceLock<Msg>,
    header_text: OnceLock<String>,
}

impl ParsedMessage {
    /// Wraps a stored message (RFC 5322 bytes, CRLF or bare LF line ends). Reads the top-level
    /// header only.
    pub fn new(raw: Bytes) -> ParsedMessage {
        let (fields, header) = tree::parse_header(&raw);
        ParsedMessage {
            raw,
            fields,
            header,
            tree: OnceLock::new(),
            header_text: OnceLock::new(),
        }
    }

    fn tree(&self) -> &Msg {
        self.tree.get_or_init(|| tree::parse(self.raw.clone()))
    }

    /// The whole message (`BODY[]`, RFC 3501 `RFC822`).
    pub fn raw(&self) -> &Bytes {
        &self.raw
    }

    /// `RFC822.SIZE` (RFC 9051 §2.3.4): the size of the message as stored.
    pub fn size(&self) -> u64 {
        self.raw.len() as u64
    }

    /// `ENVELOPE` (RFC 9051 §7.5.2).
    pub fn envelope(&self) -> Envelope<'static> {
        envelope::envelope(&self.fields, &self.raw)
    }

    /// `BODYSTRUCTURE` (RFC 9051 §7.5.2), with extension data.
    pub fn body_structure(&self) -> BodyStructure<'static> {
        let t = self.tree();
        structure::body_structure(&t.body, &t.src, true)
    }

    /// `BODY` (RFC 9051 §7.5.2): the structure without extension data.
    pub fn body(&self) -> BodyStructure<'static> {
        let t = self.tree();
        structure::body_structure(&t.body, &t.src, false)
    }

    /// `BODY[section]` (RFC 9051 §6.4.5.1); `None` is `BODY[]`. Apply a `<partial>` with
    /// [`apply_partial`].
    pub fn section(&self, section: Option<&Section<'_>>) -> Result<Bytes, SectionError> {
        match section {
            // The header needs no MIME parse.
            Some(Section::Header(None)) => Ok(self.rfc822_header()),
            Some(Section::Text(None)) => Ok(self.rfc822_text()),
            None => Ok(self.raw.clone()),
            Some(s) => section::body_section(self.tree(), Some(s)),
        }
    }

    /// `BINARY[part]` (RFC 3516 §4.2, RFC 9051 §6.4.5): the part with its transfer encoding
    /// removed, text with CRLF line ends. Fails with [`SectionError::UnknownCte`] for an encoding
    /// that cannot be decoded (answer `NO [UNKNOWN-CTE]`).
    pub fn binary(&self, part: &[NonZeroU32]) -> Result<Bytes, SectionError> {
        section::binary(self.tree(), part)
    }

    /// `BINARY.SIZE[part]` (RFC 3516 §4.2): the size [`Self::binary`] returns.
    pub fn binary_size(&self, part: &[NonZeroU32]) -> Result<u64, SectionError> {
        self.binary(part).map(|b| b.len() as u64)
    }

    /// `RFC822.HEADER` = `BODY.PEEK[HEADER]` (RFC 3501 §6.4.5): the header, blank line included.
    pub fn rfc822_header(&self) -> Bytes {
        self.raw.slice(self.header.clone())
    }

    /// `RFC822.TEXT` = `BODY[TEXT]` (RFC 3501 §6.4.5): everything after the header.
    pub fn rfc822_text(&self) -> Bytes {
        self.raw.slice(self.header.end..)
    }

    // ---- SEARCH (RFC 9051 §6.4.4) ------------------------------------------------------------

    /// `HEADER field string` (and `FROM`/`TO`/`CC`/`BCC`/`SUBJECT`, which search the same
    /// header text): whether a top-level field named `field` (ASCII case-insensitive) contains
    /// `needle` case-insensitively, after unfolding and RFC 2047 decoding. An empty needle
    /// matches when the field is present.
    pub fn matches_header(&self, field: &[u8], needle: &str) -> bool {
        let needle = search::fold(needle);
        self.fields
            .iter()
            .filter(|f| f.is(&self.raw, field))
            .any(|f| {
                needle.is_empty()
                    || search::contains(
                        &search::fold(&decode_words(f.raw_value(&self.raw))),
                        &needle,
                    )
            })
    }

    /// `BODY string`: whether the decoded text of the message's text parts contains `needle`,
    /// case-insensitively.
    pub fn matches_body(&self, needle: &str) -> bool {
        // The empty string is in every text, even a message without text parts.
        needle.is_empty() || search::body_contains(self.tree(), &search::fold(needle))
    }

    /// `TEXT string`: like [`Self::matches_body`], also searching every header field (MIME
    /// fields included).
    pub fn matches_text(&self, needle: &str) -> bool {
        let folded = search::fold(needle);
        search::contains(
            self.header_text
                .get_or_init(|| search::header_text(self.tree())),
            &folded,
        ) || self.matches_body(needle)
    }

    /// The date of the `Date:` field as written, time and zone disregarded (`SENTBEFORE`,
    /// `SENTON`, `SENTSINCE`; RFC 9051 §6.4.4). `None` when absent or unreadable.
    pub fn sent_date(&self) -> Option<NaiveDate> {
        let dt = self.date_time()?;
        NaiveDate::new(dt.year, dt.month, dt.day).ok()
    }

    fn date_time(&self) -> Option<mail_parser::DateTime> {
        let f = first(&self.fields, &self.raw, b"date")?;
        let value = unfold(f.raw_value(&self.raw));
        match MessageStream::new(&value).parse_date() {
            HeaderValue::DateTime(dt) if dt.is_valid() => Some(dt),
            _ => None,
        }
    }

    /// Evaluates the SEARCH keys that depend on the message content: `BCC`, `CC`, `FROM`,
    /// `TO`, `SUBJECT`, `HEADER`, `BODY`, `TEXT`, `SENTBEFORE`, `SENTON`, `SENTSINCE`. Other
    /// keys (flags, sizes, dates, sets, `NOT`/`OR`/`AND`) are the session's: `None`. Strings are
    /// read as UTF-8 (RFC 9051 §6.4.4; convert other CHARSETs first).
    pub fn matches_key(&self, key: &SearchKey<'_>) -> Option<bool> {
        let s = |a: &mailwire_imap::types::AString<'_>| {
            String::from_utf8_lossy(a.as_bytes()).into_owned()
        };
        Some(match key {
            SearchKey::Bcc(v) => self.matches_header(b"bcc", &s(v)),
            SearchKey::Cc(v) => self.matches_header(b"cc", &s(v)),
            SearchKey::From(v) => self.matches_header(b"from", &s(v)),
            SearchKey::To(v) => self.matches_header(b"to", &s(v)),
            SearchKey::Subject(v) => self.matches_header(b"subject", &s(v)),
            SearchKey::Header(name, v) => self.matches_header(name.as_bytes(), &s(v)),
            SearchKey::Body(v) => self.matches_body(&s(v)),
            SearchKey::Text(v) => self.matches_text(&s(v)),
            SearchKey::SentBefore(d) => self.sent_date().is_some_and(|s| s < *d),
            SearchKey::SentOn(d) => self.sent_date().is_some_and(|s| s == *d),
            SearchKey::SentSince(d) => self.sent_date().is_some_and(|s| s >= *d),
            _ => return None,
        })
    }

    // ---- SORT and THREAD (RFC 5256, RFC 5957) ------------------------------------------------

    /// The sent date for SORT and THREAD (RFC 5256 §2.2): the `Date:` field in Unix seconds,
    /// adjusted to UTC. `None` when absent or unreadable: use the INTERNALDATE then.
    pub fn sent_timestamp(&self) -> Option<i64> {
        self.date_time().map(|dt| dt.to_timestamp())
    }

    /// The decoded `Subject:` (RFC 2047), `""` when absent.
    pub fn subject(&self) -> String {
        first(&self.fields, &self.raw, b"subject")
            .map(|f| decode_words(f.raw_value(&self.raw)))
            .unwrap_or_default()
    }

    /// The base subject of the `Subject:` field (RFC 5256 §2.1).
    pub fn base_subject(&self) -> BaseSubject {
        sort::base_subject(&self.subject())
    }

    /// SORT `FROM`/`TO`/`CC` key (RFC 5256 §3): the mailbox (local part) of the first address
    /// of the field; `None` when there is none.
    pub fn first_mailbox(&self, field: AddressField) -> Option<String> {
        envelope::raw_addresses(&self.fields, &self.raw, field.name())
            .into_iter()
            .find(|a| a.host.is_some())
            .and_then(|a| a.mailbox)
            .map(|m| String::from_utf8_lossy(&m).into_owned())
    }

    /// SORT `DISPLAYFROM`/`DISPLAYTO` key (RFC 5957 §3): the decoded display name of the first
    /// address of the field, or its `mailbox@host` when it has no display name; `None` when the
    /// field has no address.
    pub fn display_name(&self, field: AddressField) -> Option<String> {
        let a = envelope::raw_addresses(&self.fields, &self.raw, field.name())
            .into_iter()
            .find(|a| a.host.is_some())?;
        if let Some(name) = a.name.as_deref().filter(|n| !n.is_empty()) {
            let decoded = decode_words(name);
            if !decoded.trim().is_empty() {
                return Some(decoded);
            }
        }
        let mut spec = a.mailbox.unwrap_or_default();
        if let Some(host) = a.host.filter(|h| h.as_slice() != address::MISSING_HOST) {
            spec.push(b'@');
            spec.extend_from_slice(&host);
        }
        Some(String::from_utf8_lossy(&spec).into_owned())
    }

    /// The normalized `Message-ID:` (RFC 5256 §3 REFERENCES: quoting removed, no brackets).
    pub fn message_id(&self) -> Option<String> {
        first(&self.fields, &self.raw, b"message-id")
            .and_then(|f| message_ids(f.raw_value(&self.raw)).into_iter().next())
    }

    /// The references for THREAD=REFERENCES (RFC 5256 §3): the ids of `References:`, or else
    /// the first id of `In-Reply-To:`, or none.
    pub fn thread_references(&self) -> Vec<String> {
        let refs = first(&self.fields, &self.raw, b"references")
            .map(|f| message_ids(f.raw_value(&self.raw)))
            .unwrap_or_default();
        if !refs.is_empty() {
            return refs;
        }
        first(&self.fields, &self.raw, b"in-reply-to")
            .and_then(|f| message_ids(f.raw_value(&self.raw)).into_iter().next())
            .into_iter()
            .collect()
    }

    /// Everything THREAD needs about this message; `internal_date` (Unix seconds) stands in for
    /// a missing sent date (RFC 5256 §2.2).
    pub fn thread_input(&self, id: u32, internal_date: i64) -> ThreadInput {
        let base = self.base_subject();
        ThreadInput {
            id,
            message_id: self.message_id(),
            references: self.thread_references(),
            base_subject: base.text,
            is_reply_or_forward: base.is_reply_or_forward,
            sent: self.sent_timestamp().unwrap_or(internal_date),
        }
    }

    // ---- PREVIEW (RFC 8970) ------------------------------------------------------------------

    /// The `PREVIEW` text (RFC 8970 §3.3): at most [`PREVIEW_CHARS`] characters of the first
    /// plain or HTML text part, whitespace collapsed; `""` when there is none.
    pub fn preview(&self) -> String {
        preview::preview(self.tree())
    }
}
