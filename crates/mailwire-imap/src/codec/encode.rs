//! Encoders: messages to fragments (RFC 9051 §4.3, §7.5, §9, RFC 7888).
//!
//! A message encodes to [`Fragment`]s: lines and literals. A synchronizing literal's line ends in
//! `{n}` CRLF; a client driver sends it, waits for the server's `+`, then sends the literal's
//! bytes and the next line. [`Encoded::dump`] joins everything for callers that need no flow
//! control (servers, non-synchronizing literals, tests).
//!
//! Every value is written in the canonical form of the RFC 9051 §9 grammar (one SP between
//! tokens, upper-case keywords) and in the form the value keeps (atom, quoted string or literal
//! and its mode; parentheses where the type records them), so that a decoded message encodes back
//! to the bytes it came from whenever those bytes were canonical.
//!
//! Choices where the grammar leaves room or a type cannot say:
//!
//! * Status responses, greetings and continuation requests always write the SP after the
//!   keyword, also when the text is empty: `a1 OK [ALERT] ` CRLF, `* OK ` CRLF, `+ ` CRLF.
//!   RFC 9051 `resp-cond-state = ("OK" / "NO" / "BAD") SP resp-text`,
//!   `resp-text = ["[" resp-text-code "]" SP] [text]` and `continue-req = "+" SP (resp-text /
//!   base64)` make those spaces part of the grammar.
//! * [`MacroOrAttributes::Attributes`] with one attribute is written without parentheses
//!   (`FETCH 1 FLAGS`), with several in parentheses. An empty list is written `()`, which the
//!   grammar does not allow (`fetch` needs at least one attribute): do not send it.
//! * A STORE without flags and with `parenthesized == false` is written with `()`: the bare form
//!   `flag *(SP flag)` needs at least one flag.
//! * LIST patterns are parenthesized when there are several or `patterns_parenthesized` is set.
//! * The `TEXT` and `MESSAGE` media types, which [`SinglePartKind`] does not keep, are written
//!   as the quoted upper-case strings of `media-text` and `media-message`.
//! * Body structure, envelope and namespace lists are written the way the grammar concatenates
//!   them: `1*body`, `1*address` and `1*namespace-descr` have no SP between items.
//! * Values outside the grammar's ranges (a `number64` above `i64::MAX`, a non-synchronizing
//!   literal in a response, extension data in a non-extensible `BODY`) are written as given:
//!   the types do not forbid them, and encoding never fails.
//!
//! Encoding appends to one buffer per line: no per-item allocation except the copy of each
//! literal's data into its own fragment. Numbers are formatted by hand into a stack buffer.

use std::num::{NonZeroU32, NonZeroU64};

use base64::Engine as _;

use crate::types::*;

mod admin;
mod ext;

/// A piece of an encoded message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fragment {
    /// Bytes ending in CRLF (possibly with a literal announcement before it).
    Line {
        /// The bytes.
        data: Vec<u8>,
    },
    /// A literal's data, announced by the previous line.
    Literal {
        /// The bytes.
        data: Vec<u8>,
        /// Synchronizing (wait for `+`) or not.
        mode: LiteralMode,
    },
}

/// An encoded message: its fragments, in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Encoded {
    fragments: Vec<Fragment>,
}

impl Encoded {
    /// The fragments.
    pub fn fragments(&self) -> &[Fragment] {
        &self.fragments
    }

    /// All bytes, joined.
    pub fn dump(&self) -> Vec<u8> {
        let len = self
            .fragments
            .iter()
            .map(|f| match f {
                Fragment::Line { data } | Fragment::Literal { data, .. } => data.len(),
            })
            .sum();
        let mut out = Vec::with_capacity(len);
        for f in &self.fragments {
            match f {
                Fragment::Line { data } | Fragment::Literal { data, .. } => {
                    out.extend_from_slice(data)
                }
            }
        }
        out
    }
}

impl IntoIterator for Encoded {
    type Item = Fragment;
    type IntoIter = std::vec::IntoIter<Fragment>;
    fn into_iter(self) -> Self::IntoIter {
        self.fragments.into_iter()
    }
}

/// Two decimal digits for each value 0–99.
const DIGITS2: &[u8; 200] = b"0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// Whether `s` holds `"` or `\`: an OR-reduction without early exit, which the compiler
/// vectorizes.
#[inline]
fn has_quoted_special(s: &[u8]) -> bool {
    s.iter().fold(0u8, |acc, &b| {
        acc | (((b == b'"') as u8) | ((b == b'\\') as u8))
    }) != 0
}

/// Collects fragments while encoding.
#[derive(Debug, Default)]
pub struct EncodeContext {
    line: Vec<u8>,
    fragments: Vec<Fragment>,
    /// Literal data goes into `line` too ([`EncodeContext::flat`]).
    flat: bool,
}

impl EncodeContext {
    /// A new context.
    pub fn new() -> Self {
        // Most messages fit: one allocation instead of a series of doublings.
        EncodeContext {
            line: Vec::with_capacity(512),
            fragments: Vec::new(),
            flat: false,
        }
    }

    /// A context that appends everything, literal data included, to `out` as one run of bytes
    /// ([`EncodeContext::into_bytes`] gives it back): for a sender that never waits between
    /// fragments, such as a server sending responses (RFC 9051 §4.3: a server's literals need
    /// no continuation), without copying each literal into a fragment of its own.
    pub fn flat(out: Vec<u8>) -> Self {
        EncodeContext {
            line: out,
            fragments: Vec::new(),
            flat: true,
        }
    }

    /// Every byte encoded so far, joined (after whatever a [`EncodeContext::flat`] context
    /// started with).
    pub fn into_bytes(self) -> Vec<u8> {
        if self.flat {
            return self.line;
        }
        self.finish().dump()
    }

    /// Appends bytes to the current line.
    #[inline]
    pub fn push(&mut self, bytes: &[u8]) {
        self.line.extend_from_slice(bytes);
    }

    /// Appends one byte to the current line.
    #[inline]
    pub fn push_byte(&mut self, byte: u8) {
        self.line.push(byte);
    }

    /// Appends a number in decimal (`number`, `number64`, `nz-number`).
    #[inline]
    pub fn push_number(&mut self, n: u64) {
        if n < 10 {
            self.line.push(b'0' + n as u8);
            return;
        }
        let mut buf = [0u8; 20];
        let mut i = buf.len();
        let mut n = n;
        while n >= 100 {
            let r = (n % 100) as usize * 2;
            n /= 100;
            i -= 2;
            buf[i..i + 2].copy_from_slice(&DIGITS2[r..r + 2]);
        }
        if n >= 10 {
            let r = n as usize * 2;
            i -= 2;
            buf[i..i + 2].copy_from_slice(&DIGITS2[r..r + 2]);
        } else {
            i -= 1;
            buf[i] = b'0' + n as u8;
        }
        self.line.extend_from_slice(&buf[i..]);
    }

    /// Appends `content` as a quoted string (RFC 9051 §4.3): `"` and `\` are escaped with `\`.
    /// The content must not hold CR, LF or NUL ([`Quoted`] guarantees it).
    pub fn push_quoted(&mut self, content: &[u8]) {
        self.line.reserve(content.len() + 2);
        self.line.push(b'"');
        // Short strings (most of them): a branch-free scan the compiler vectorizes beats
        // memchr's setup.
        if content.len() <= 64 && !has_quoted_special(content) {
            self.line.extend_from_slice(content);
            self.line.push(b'"');
            return;
        }
        let mut rest = content;
        while let Some(k) = memchr::memchr2(b'"', b'\\', rest) {
            self.line.extend_from_slice(&rest[..k]);
            self.line.push(b'\\');
            self.line.push(rest[k]);
            rest = &rest[k + 1..];
        }
        self.line.extend_from_slice(rest);
        self.line.push(b'"');
    }

    /// Appends a literal: writes its announcement (`{n}`, `{n+}`, or with `binary` `~{n}`) and
    /// CRLF to the current line, ends the line, and adds the data as a literal fragment.
    pub fn push_literal(&mut self, data: &[u8], mode: LiteralMode, binary: bool) {
        if binary {
            self.line.push(b'~');
        }
        self.line.push(b'{');
        self.push_number(data.len() as u64);
        match mode {
            LiteralMode::Sync => self.line.extend_from_slice(b"}\r\n"),
            LiteralMode::NonSync => self.line.extend_from_slice(b"+}\r\n"),
        }
        if self.flat {
            self.line.extend_from_slice(data);
            return;
        }
        let line = core::mem::replace(&mut self.line, Vec::with_capacity(64));
        self.fragments.push(Fragment::Line { data: line });
        self.fragments.push(Fragment::Literal {
            data: data.to_vec(),
            mode,
        });
    }

    /// Appends `data` in base64 (RFC 4648 §4, with padding).
    pub fn push_base64(&mut self, data: &[u8]) {
        let start = self.line.len();
        self.line
            .resize(start + mailwire_core::sasl::encoded_len(data.len()), 0);
        let written = base64::engine::general_purpose::STANDARD
            .encode_slice(data, &mut self.line[start..])
            .unwrap_or(0);
        self.line.truncate(start + written);
    }

    /// Ends the message: the current line becomes the last fragment.
    pub fn finish(mut self) -> Encoded {
        if !self.line.is_empty() {
            self.fragments.push(Fragment::Line { data: self.line });
        }
        Encoded {
            fragments: self.fragments,
        }
    }

    #[inline]
    fn sp(&mut self) {
        self.line.push(b' ');
    }

    #[inline]
    fn crlf(&mut self) {
        self.line.extend_from_slice(b"\r\n");
    }

    #[inline]
    fn nil(&mut self) {
        self.line.extend_from_slice(b"NIL");
    }

    #[inline]
    fn nz(&mut self, n: NonZeroU32) {
        self.push_number(n.get() as u64);
    }

    /// `x *(SP x)`.
    #[inline]
    fn join<T: Encode>(&mut self, items: &[T]) {
        self.join_with(items, b' ');
    }

    fn join_with<T: Encode>(&mut self, items: &[T], sep: u8) {
        let mut first = true;
        for item in items {
            if !first {
                self.line.push(sep);
            }
            first = false;
            item.encode_ctx(self);
        }
    }

    /// `"(" [x *(SP x)] ")"`.
    fn paren<T: Encode>(&mut self, items: &[T]) {
        self.line.push(b'(');
        self.join(items);
        self.line.push(b')');
    }

    /// `"(" *x ")"`: items without separators (`1*body`, `1*address`, `1*namespace-descr`).
    fn paren_concat<T: Encode>(&mut self, items: &[T]) {
        self.line.push(b'(');
        for item in items {
            item.encode_ctx(self);
        }
        self.line.push(b')');
    }

    /// `section-part`: `1.2.3`.
    fn part(&mut self, part: &[NonZeroU32]) {
        let mut first = true;
        for n in part {
            if !first {
                self.line.push(b'.');
            }
            first = false;
            self.nz(*n);
        }
    }

    /// `["[" resp-text-code "]" SP] [text]`.
    fn resp_text(&mut self, code: Option<&Code<'_>>, text: &Text<'_>) {
        if let Some(code) = code {
            self.line.push(b'[');
            code.encode_ctx(self);
            self.line.extend_from_slice(b"] ");
        }
        self.push(text.as_bytes());
    }

    /// Two digits, zero-padded.
    #[inline]
    fn two_digits(&mut self, n: u8) {
        let r = (n as usize % 100) * 2;
        self.line.extend_from_slice(&DIGITS2[r..r + 2]);
    }
}

/// Writes a message or a part of one.
pub trait Encode {
    /// Appends the encoding to `ctx`.
    fn encode_ctx(&self, ctx: &mut EncodeContext);

    /// Encodes a whole message.
    fn encode(&self) -> Encoded {
        let mut ctx = EncodeContext::new();
        self.encode_ctx(&mut ctx);
        ctx.finish()
    }

    /// Appends the whole message to `out` as one run of bytes: what [`Encoded::dump`] of
    /// [`Encode::encode`] gives, without the intermediate fragments.
    fn encode_into(&self, out: &mut Vec<u8>) {
        let mut ctx = EncodeContext::flat(core::mem::take(out));
        self.encode_ctx(&mut ctx);
        *out = ctx.into_bytes();
    }
}

impl<T: Encode + ?Sized> Encode for &T {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        (**self).encode_ctx(ctx);
    }
}

impl<T: Encode + ?Sized> Encode for Box<T> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        (**self).encode_ctx(ctx);
    }
}

// ---------------------------------------------------------------------------------------------
// Strings and tokens (RFC 9051 §4, §9)
// ---------------------------------------------------------------------------------------------

macro_rules! encode_as_str {
    ($($t:ident),*) => {$(
        impl Encode for $t<'_> {
            #[inline]
            fn encode_ctx(&self, ctx: &mut EncodeContext) {
                ctx.push(self.as_str().as_bytes());
            }
        }
    )*};
}

encode_as_str!(
    Tag,
    Atom,
    AtomExt,
    ListCharString,
    AuthMechanism,
    TaggedLabel
);

impl Encode for Quoted<'_> {
    #[inline]
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        ctx.push_quoted(self.as_bytes());
    }
}

impl Encode for Literal<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        ctx.push_literal(self.data(), self.mode(), false);
    }
}

impl Encode for Literal8<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        ctx.push_literal(&self.data, self.mode, true);
    }
}

impl Encode for IString<'_> {
    #[inline]
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        match self {
            IString::Quoted(q) => ctx.push_quoted(q.as_bytes()),
            IString::Literal(l) => l.encode_ctx(ctx),
        }
    }
}

impl Encode for NString<'_> {
    #[inline]
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        match &self.0 {
            Some(s) => s.encode_ctx(ctx),
            None => ctx.nil(),
        }
    }
}

impl Encode for AString<'_> {
    #[inline]
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        match self {
            AString::Atom(a) => a.encode_ctx(ctx),
            AString::String(s) => s.encode_ctx(ctx),
        }
    }
}

impl Encode for Text<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        ctx.push(self.as_bytes());
    }
}

impl Encode for Charset<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        match self {
            Charset::Atom(a) => a.encode_ctx(ctx),
            Charset::Quoted(q) => q.encode_ctx(ctx),
        }
    }
}

impl Encode for Mailbox<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        match self {
            Mailbox::Inbox => ctx.push(b"INBOX"),
            Mailbox::Other(a) => a.encode_ctx(ctx),
        }
    }
}

impl Encode for ListMailbox<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        match self {
            ListMailbox::Token(t) => t.encode_ctx(ctx),
            ListMailbox::String(s) => s.encode_ctx(ctx),
        }
    }
}

impl Encode for NonZeroU32 {
    #[inline]
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        ctx.push_number(self.get() as u64);
    }
}

impl Encode for NonZeroU64 {
    #[inline]
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        ctx.push_number(self.get());
    }
}

// ---------------------------------------------------------------------------------------------
// Flags and attributes
// ---------------------------------------------------------------------------------------------

impl Encode for Flag<'_> {
    #[inline]
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        match self {
            Flag::Answered => ctx.push(b"\\Answered"),
            Flag::Flagged => ctx.push(b"\\Flagged"),
            Flag::Deleted => ctx.push(b"\\Deleted"),
            Flag::Seen => ctx.push(b"\\Seen"),
            Flag::Draft => ctx.push(b"\\Draft"),
            Flag::Keyword(a) => a.encode_ctx(ctx),
            Flag::Extension(a) => {
                ctx.push_byte(b'\\');
                a.encode_ctx(ctx);
            }
        }
    }
}

impl Encode for FlagFetch<'_> {
    #[inline]
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        match self {
            FlagFetch::Flag(f) => f.encode_ctx(ctx),
            FlagFetch::Recent => ctx.push(b"\\Recent"),
        }
    }
}

impl Encode for FlagPerm<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        match self {
            FlagPerm::Flag(f) => f.encode_ctx(ctx),
            FlagPerm::Asterisk => ctx.push(b"\\*"),
        }
    }
}

impl Encode for MailboxAttribute<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        use MailboxAttribute as M;
        let name: &[u8] = match self {
            M::NoInferiors => b"\\Noinferiors",
            M::NoSelect => b"\\Noselect",
            M::Marked => b"\\Marked",
            M::Unmarked => b"\\Unmarked",
            M::NonExistent => b"\\NonExistent",
            M::Subscribed => b"\\Subscribed",
            M::Remote => b"\\Remote",
            M::HasChildren => b"\\HasChildren",
            M::HasNoChildren => b"\\HasNoChildren",
            M::All => b"\\All",
            M::Archive => b"\\Archive",
            M::Drafts => b"\\Drafts",
            M::Flagged => b"\\Flagged",
            M::Junk => b"\\Junk",
            M::Sent => b"\\Sent",
            M::Trash => b"\\Trash",
            M::Extension(a) => {
                ctx.push_byte(b'\\');
                return a.encode_ctx(ctx);
            }
        };
        ctx.push(name);
    }
}

// ---------------------------------------------------------------------------------------------
// Sequence sets, dates
// ---------------------------------------------------------------------------------------------

impl Encode for SeqOrUid {
    #[inline]
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        match self {
            SeqOrUid::Value(n) => ctx.nz(*n),
            SeqOrUid::Asterisk => ctx.push_byte(b'*'),
        }
    }
}

impl Encode for Sequence {
    #[inline]
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        match self {
            Sequence::Single(s) => s.encode_ctx(ctx),
            Sequence::Range(a, b) => {
                a.encode_ctx(ctx);
                ctx.push_byte(b':');
                b.encode_ctx(ctx);
            }
        }
    }
}

impl Encode for SequenceSet {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        match self {
            SequenceSet::Set(items) => ctx.join_with(items, b','),
            SequenceSet::LastResult => ctx.push_byte(b'$'),
        }
    }
}

/// `date-text`: `d-Mon-yyyy`, unquoted.
impl Encode for NaiveDate {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        ctx.push_number(self.day() as u64);
        ctx.push_byte(b'-');
        ctx.push(MONTHS[(self.month() as usize).clamp(1, 12) - 1].as_bytes());
        ctx.push_byte(b'-');
        let y = self.year();
        ctx.two_digits((y / 100) as u8);
        ctx.two_digits((y % 100) as u8);
    }
}

/// `date-time`: `"dd-Mon-yyyy hh:mm:ss +zzzz"`, quoted, the day padded with a space
/// (`date-day-fixed`), as [`DateTime`]'s `Display` does.
impl Encode for DateTime {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        let date = self.date();
        let (h, m, s) = self.time();
        ctx.push_byte(b'"');
        let day = date.day();
        if day < 10 {
            ctx.push_byte(b' ');
            ctx.push_byte(b'0' + day);
        } else {
            ctx.two_digits(day);
        }
        ctx.push_byte(b'-');
        ctx.push(MONTHS[(date.month() as usize).clamp(1, 12) - 1].as_bytes());
        ctx.push_byte(b'-');
        let y = date.year();
        ctx.two_digits((y / 100) as u8);
        ctx.two_digits((y % 100) as u8);
        ctx.push_byte(b' ');
        ctx.two_digits(h);
        ctx.push_byte(b':');
        ctx.two_digits(m);
        ctx.push_byte(b':');
        ctx.two_digits(s);
        let z = self.zone_minutes();
        ctx.push(if z < 0 { b" -" } else { b" +" });
        let z = z.unsigned_abs();
        ctx.two_digits((z / 60) as u8);
        ctx.two_digits((z % 60) as u8);
        ctx.push_byte(b'"');
    }
}

// ---------------------------------------------------------------------------------------------
// FETCH
// ---------------------------------------------------------------------------------------------

impl Encode for Part {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        ctx.part(&self.0);
    }
}

/// `section-spec`, without the brackets.
impl Encode for Section<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        fn prefix(ctx: &mut EncodeContext, part: &Option<Part>) {
            if let Some(p) = part {
                ctx.part(&p.0);
                ctx.push_byte(b'.');
            }
        }
        match self {
            Section::Part(p) => ctx.part(&p.0),
            Section::Header(p) => {
                prefix(ctx, p);
                ctx.push(b"HEADER");
            }
            Section::HeaderFields(p, names) => {
                prefix(ctx, p);
                ctx.push(b"HEADER.FIELDS ");
                ctx.paren(names);
            }
            Section::HeaderFieldsNot(p, names) => {
                prefix(ctx, p);
                ctx.push(b"HEADER.FIELDS.NOT ");
                ctx.paren(names);
            }
            Section::Text(p) => {
                prefix(ctx, p);
                ctx.push(b"TEXT");
            }
            Section::Mime(p) => {
                ctx.part(&p.0);
                ctx.push(b".MIME");
            }
        }
    }
}

/// `"[" [section-spec] "]"`.
fn section(ctx: &mut EncodeContext, section: &Option<Section<'_>>) {
    ctx.push_byte(b'[');
    if let Some(s) = section {
        s.encode_ctx(ctx);
    }
    ctx.push_byte(b']');
}

/// `"[" [section-part] "]"`.
fn section_binary(ctx: &mut EncodeContext, part: &[NonZeroU32]) {
    ctx.push_byte(b'[');
    ctx.part(part);
    ctx.push_byte(b']');
}

/// `partial = "<" number64 "." nz-number64 ">"`.
impl Encode for Partial {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        ctx.push_byte(b'<');
        ctx.push_number(self.offset);
        ctx.push_byte(b'.');
        ctx.push_number(self.count.get());
        ctx.push_byte(b'>');
    }
}

impl Encode for FetchAttribute<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        use FetchAttribute as F;
        match self {
            F::Envelope => ctx.push(b"ENVELOPE"),
            F::Flags => ctx.push(b"FLAGS"),
            F::InternalDate => ctx.push(b"INTERNALDATE"),
            F::Rfc822Size => ctx.push(b"RFC822.SIZE"),
            F::Body => ctx.push(b"BODY"),
            F::BodyStructure => ctx.push(b"BODYSTRUCTURE"),
            F::Uid => ctx.push(b"UID"),
            F::BodySection {
                section: s,
                partial,
                peek,
            } => {
                ctx.push(if *peek { b"BODY.PEEK" } else { b"BODY" });
                section(ctx, s);
                if let Some(p) = partial {
                    p.encode_ctx(ctx);
                }
            }
            F::Binary {
                section,
                partial,
                peek,
            } => {
                ctx.push(if *peek { b"BINARY.PEEK" } else { b"BINARY" });
                section_binary(ctx, section);
                if let Some(p) = partial {
                    p.encode_ctx(ctx);
                }
            }
            F::BinarySize { section } => {
                ctx.push(b"BINARY.SIZE");
                section_binary(ctx, section);
            }
            F::Rfc822 => ctx.push(b"RFC822"),
            F::Rfc822Header => ctx.push(b"RFC822.HEADER"),
            F::Rfc822Text => ctx.push(b"RFC822.TEXT"),
            ext @ (F::ModSeq
            | F::SaveDate
            | F::EmailId
            | F::ThreadId
            | F::Preview { .. }
            | F::GmailMsgId
            | F::GmailThrId
            | F::GmailLabels
            | F::Other(_)) => ext::fetch_attribute(ctx, ext),
        }
    }
}

impl Encode for Macro {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        ctx.push(match self {
            Macro::All => b"ALL",
            Macro::Fast => b"FAST",
            Macro::Full => b"FULL",
        });
    }
}

/// A macro; one attribute without parentheses; several (or none: invalid) in parentheses.
impl Encode for MacroOrAttributes<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        match self {
            MacroOrAttributes::Macro(m) => m.encode_ctx(ctx),
            MacroOrAttributes::Attributes(a) if a.len() == 1 => a[0].encode_ctx(ctx),
            MacroOrAttributes::Attributes(a) => ctx.paren(a),
        }
    }
}

impl Encode for BinaryData<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        match self {
            BinaryData::NString(s) => s.encode_ctx(ctx),
            BinaryData::Literal8(l) => l.encode_ctx(ctx),
        }
    }
}

impl Encode for MessageDataItem<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        use MessageDataItem as M;
        match self {
            M::Flags(flags) => {
                ctx.push(b"FLAGS ");
                ctx.paren(flags);
            }
            M::Envelope(e) => {
                ctx.push(b"ENVELOPE ");
                e.encode_ctx(ctx);
            }
            M::InternalDate(d) => {
                ctx.push(b"INTERNALDATE ");
                d.encode_ctx(ctx);
            }
            M::Rfc822Size(n) => {
                ctx.push(b"RFC822.SIZE ");
                ctx.push_number(*n);
            }
            M::Body(b) => {
                ctx.push(b"BODY ");
                b.encode_ctx(ctx);
            }
            M::BodyStructure(b) => {
                ctx.push(b"BODYSTRUCTURE ");
                b.encode_ctx(ctx);
            }
            M::BodySection {
                section: s,
                origin,
                data,
            } => {
                ctx.push(b"BODY");
                section(ctx, s);
                if let Some(o) = origin {
                    ctx.push_byte(b'<');
                    ctx.push_number(*o as u64);
                    ctx.push_byte(b'>');
                }
                ctx.sp();
                data.encode_ctx(ctx);
            }
            M::Binary {
                section,
                origin,
                value,
            } => {
                ctx.push(b"BINARY");
                section_binary(ctx, section);
                if let Some(o) = origin {
                    ctx.push_byte(b'<');
                    ctx.push_number(*o as u64);
                    ctx.push_byte(b'>');
                }
                ctx.sp();
                value.encode_ctx(ctx);
            }
            M::BinarySize { section, size } => {
                ctx.push(b"BINARY.SIZE");
                section_binary(ctx, section);
                ctx.sp();
                ctx.push_number(*size as u64);
            }
            M::Uid(n) => {
                ctx.push(b"UID ");
                ctx.nz(*n);
            }
            M::Rfc822(s) => {
                ctx.push(b"RFC822 ");
                s.encode_ctx(ctx);
            }
            M::Rfc822Header(s) => {
                ctx.push(b"RFC822.HEADER ");
                s.encode_ctx(ctx);
            }
            M::Rfc822Text(s) => {
                ctx.push(b"RFC822.TEXT ");
                s.encode_ctx(ctx);
            }
            ext @ (M::ModSeq(_)
            | M::SaveDate(_)
            | M::EmailId(_)
            | M::ThreadId(_)
            | M::Preview(_)
            | M::GmailMsgId(_)
            | M::GmailThrId(_)
            | M::GmailLabels(_)
            | M::Other { .. }) => ext::message_data_item(ctx, ext),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// ENVELOPE and BODYSTRUCTURE
// ---------------------------------------------------------------------------------------------

impl Encode for Address<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        ctx.push_byte(b'(');
        self.name.encode_ctx(ctx);
        ctx.sp();
        self.adl.encode_ctx(ctx);
        ctx.sp();
        self.mailbox.encode_ctx(ctx);
        ctx.sp();
        self.host.encode_ctx(ctx);
        ctx.push_byte(b')');
    }
}

/// `"(" 1*address ")" / nil` (an empty list is written `()`).
fn address_list(ctx: &mut EncodeContext, list: &Option<Vec<Address<'_>>>) {
    match list {
        Some(l) => ctx.paren_concat(l),
        None => ctx.nil(),
    }
}

impl Encode for Envelope<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        ctx.push_byte(b'(');
        self.date.encode_ctx(ctx);
        ctx.sp();
        self.subject.encode_ctx(ctx);
        for list in [
            &self.from,
            &self.sender,
            &self.reply_to,
            &self.to,
            &self.cc,
            &self.bcc,
        ] {
            ctx.sp();
            address_list(ctx, list);
        }
        ctx.sp();
        self.in_reply_to.encode_ctx(ctx);
        ctx.sp();
        self.message_id.encode_ctx(ctx);
        ctx.push_byte(b')');
    }
}

/// `body-fld-param`: `nil` or `"(" string SP string *(SP string SP string) ")"`.
fn params(ctx: &mut EncodeContext, params: &Params<'_>) {
    match params {
        None => ctx.nil(),
        Some(pairs) => {
            ctx.push_byte(b'(');
            let mut first = true;
            for (k, v) in pairs {
                if !first {
                    ctx.sp();
                }
                first = false;
                k.encode_ctx(ctx);
                ctx.sp();
                v.encode_ctx(ctx);
            }
            ctx.push_byte(b')');
        }
    }
}

impl Encode for BasicFields<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        params(ctx, &self.params);
        ctx.sp();
        self.id.encode_ctx(ctx);
        ctx.sp();
        self.description.encode_ctx(ctx);
        ctx.sp();
        self.encoding.encode_ctx(ctx);
        ctx.sp();
        ctx.push_number(self.size as u64);
    }
}

impl Encode for Disposition<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        ctx.push_byte(b'(');
        self.kind.encode_ctx(ctx);
        ctx.sp();
        params(ctx, &self.params);
        ctx.push_byte(b')');
    }
}

impl Encode for Language<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        match self {
            Language::Single(s) => s.encode_ctx(ctx),
            Language::List(l) => ctx.paren(l),
        }
    }
}

impl Encode for BodyExtension<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        match self {
            BodyExtension::NString(s) => s.encode_ctx(ctx),
            BodyExtension::Number(n) => ctx.push_number(*n),
            BodyExtension::List(l) => ctx.paren(l),
        }
    }
}

/// `SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc *(SP body-extension)]]`, with the
/// leading SP.
fn extension_tail(ctx: &mut EncodeContext, tail: &ExtensionTail<'_>) {
    {
        ctx.sp();
        match &tail.disposition {
            Some(d) => d.encode_ctx(ctx),
            None => ctx.nil(),
        }
        if let Some(rest) = &tail.rest {
            ctx.sp();
            rest.language.encode_ctx(ctx);
            if let Some(loc) = &rest.location {
                ctx.sp();
                loc.location.encode_ctx(ctx);
                for e in &loc.extensions {
                    ctx.sp();
                    e.encode_ctx(ctx);
                }
            }
        }
    }
}

impl Encode for BodyStructure<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        ctx.push_byte(b'(');
        match self {
            BodyStructure::Single {
                fields,
                kind,
                extension,
            } => {
                match kind {
                    SinglePartKind::Basic {
                        media_type,
                        subtype,
                    } => {
                        media_type.encode_ctx(ctx);
                        ctx.sp();
                        subtype.encode_ctx(ctx);
                        ctx.sp();
                        fields.encode_ctx(ctx);
                    }
                    SinglePartKind::Text { subtype, lines } => {
                        ctx.push(b"\"TEXT\" ");
                        subtype.encode_ctx(ctx);
                        ctx.sp();
                        fields.encode_ctx(ctx);
                        ctx.sp();
                        ctx.push_number(*lines);
                    }
                    SinglePartKind::Message {
                        subtype,
                        envelope,
                        body,
                        lines,
                    } => {
                        ctx.push(b"\"MESSAGE\" ");
                        subtype.encode_ctx(ctx);
                        ctx.sp();
                        fields.encode_ctx(ctx);
                        ctx.sp();
                        envelope.encode_ctx(ctx);
                        ctx.sp();
                        body.encode_ctx(ctx);
                        ctx.sp();
                        ctx.push_number(*lines);
                    }
                }
                if let Some(ext) = extension {
                    ctx.sp();
                    ext.md5.encode_ctx(ctx);
                    if let Some(tail) = &ext.tail {
                        extension_tail(ctx, tail);
                    }
                }
            }
            BodyStructure::Multi {
                parts,
                subtype,
                extension,
            } => {
                for p in parts {
                    p.encode_ctx(ctx);
                }
                ctx.sp();
                subtype.encode_ctx(ctx);
                if let Some(ext) = extension {
                    ctx.sp();
                    params(ctx, &ext.params);
                    if let Some(tail) = &ext.tail {
                        extension_tail(ctx, tail);
                    }
                }
            }
        }
        ctx.push_byte(b')');
    }
}

// ---------------------------------------------------------------------------------------------
// Capabilities, codes, STATUS, SEARCH, extensions
// ---------------------------------------------------------------------------------------------

impl Encode for Capability<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        match self {
            Capability::Imap4Rev1 => ctx.push(b"IMAP4rev1"),
            Capability::Imap4Rev2 => ctx.push(b"IMAP4rev2"),
            Capability::Auth(m) => {
                ctx.push(b"AUTH=");
                m.encode_ctx(ctx);
            }
            Capability::LoginDisabled => ctx.push(b"LOGINDISABLED"),
            Capability::StartTls => ctx.push(b"STARTTLS"),
            Capability::Other(a) => a.encode_ctx(ctx),
            other => admin::capability(ctx, other),
        }
    }
}

impl Encode for Condition {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        ctx.push(self.name().as_bytes());
    }
}

/// `resp-text-code`, without the brackets.
impl Encode for Code<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        match self {
            Code::Alert => ctx.push(b"ALERT"),
            Code::BadCharset(None) => ctx.push(b"BADCHARSET"),
            Code::BadCharset(Some(c)) => {
                ctx.push(b"BADCHARSET ");
                ctx.paren(c);
            }
            Code::Capability(caps) => {
                ctx.push(b"CAPABILITY");
                for c in caps {
                    ctx.sp();
                    c.encode_ctx(ctx);
                }
            }
            Code::Parse => ctx.push(b"PARSE"),
            Code::PermanentFlags(flags) => {
                ctx.push(b"PERMANENTFLAGS ");
                ctx.paren(flags);
            }
            Code::ReadOnly => ctx.push(b"READ-ONLY"),
            Code::ReadWrite => ctx.push(b"READ-WRITE"),
            Code::TryCreate => ctx.push(b"TRYCREATE"),
            Code::UidNext(n) => {
                ctx.push(b"UIDNEXT ");
                ctx.nz(*n);
            }
            Code::UidValidity(n) => {
                ctx.push(b"UIDVALIDITY ");
                ctx.nz(*n);
            }
            Code::Unseen(n) => {
                ctx.push(b"UNSEEN ");
                ctx.nz(*n);
            }
            Code::AppendUid { uid_validity, uids } => {
                ctx.push(b"APPENDUID ");
                ctx.nz(*uid_validity);
                ctx.sp();
                uids.encode_ctx(ctx);
            }
            Code::CopyUid {
                uid_validity,
                source,
                destination,
            } => {
                ctx.push(b"COPYUID ");
                ctx.nz(*uid_validity);
                ctx.sp();
                source.encode_ctx(ctx);
                ctx.sp();
                destination.encode_ctx(ctx);
            }
            Code::UidNotSticky => ctx.push(b"UIDNOTSTICKY"),
            Code::Closed => ctx.push(b"CLOSED"),
            Code::UnknownCte => ctx.push(b"UNKNOWN-CTE"),
            Code::Condition(c) => c.encode_ctx(ctx),
            Code::Other { name, text } => {
                name.encode_ctx(ctx);
                if let Some(t) = text {
                    ctx.sp();
                    t.encode_ctx(ctx);
                }
            }
            Code::UseAttr => ctx.push(b"USEATTR"),
            Code::CompressionActive => ctx.push(b"COMPRESSIONACTIVE"),
            Code::Metadata(m) => m.encode_ctx(ctx),
            ext @ (Code::HighestModSeq(_)
            | Code::NoModSeq
            | Code::Modified(_)
            | Code::MailboxId(_)
            | Code::UidRequired
            | Code::TooBig) => ext::code(ctx, ext),
        }
    }
}

impl Encode for StatusAttribute {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        ctx.push(self.name().as_bytes());
    }
}

impl Encode for StatusValue {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        let (name, n): (&[u8], u64) = match *self {
            StatusValue::Messages(n) => (b"MESSAGES ", n as u64),
            StatusValue::Recent(n) => (b"RECENT ", n as u64),
            StatusValue::UidNext(n) => (b"UIDNEXT ", n.get() as u64),
            StatusValue::UidValidity(n) => (b"UIDVALIDITY ", n.get() as u64),
            StatusValue::Unseen(n) => (b"UNSEEN ", n as u64),
            StatusValue::Deleted(n) => (b"DELETED ", n as u64),
            StatusValue::Size(n) => (b"SIZE ", n),
            StatusValue::DeletedStorage(n) => (b"DELETED-STORAGE ", n),
            ref ext @ (StatusValue::HighestModSeq(_)
            | StatusValue::MailboxId(_)
            | StatusValue::AppendLimit(_)
            | StatusValue::Other { .. }) => return ext::status_value(ctx, ext),
        };
        ctx.push(name);
        ctx.push_number(n);
    }
}

impl Encode for TaggedExtSimple {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        match self {
            TaggedExtSimple::SequenceSet(s) => s.encode_ctx(ctx),
            TaggedExtSimple::Number(n) => ctx.push_number(*n),
        }
    }
}

impl Encode for TaggedExtComp<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        match self {
            TaggedExtComp::AString(a) => a.encode_ctx(ctx),
            TaggedExtComp::Many(items) => ctx.join(items),
            TaggedExtComp::Paren(inner) => {
                ctx.push_byte(b'(');
                inner.encode_ctx(ctx);
                ctx.push_byte(b')');
            }
        }
    }
}

impl Encode for TaggedExtValue<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        match self {
            TaggedExtValue::Simple(s) => s.encode_ctx(ctx),
            TaggedExtValue::Comp(c) => {
                ctx.push_byte(b'(');
                if let Some(c) = c {
                    c.encode_ctx(ctx);
                }
                ctx.push_byte(b')');
            }
        }
    }
}

/// `label [SP value]`.
pub(crate) fn labelled(
    ctx: &mut EncodeContext,
    label: &TaggedLabel<'_>,
    value: Option<&TaggedExtValue<'_>>,
) {
    label.encode_ctx(ctx);
    if let Some(v) = value {
        ctx.sp();
        v.encode_ctx(ctx);
    }
}

impl Encode for SearchKey<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        use SearchKey as K;
        fn arg<T: Encode>(ctx: &mut EncodeContext, name: &[u8], value: &T) {
            ctx.push(name);
            value.encode_ctx(ctx);
        }
        match self {
            K::All => ctx.push(b"ALL"),
            K::Answered => ctx.push(b"ANSWERED"),
            K::Bcc(s) => arg(ctx, b"BCC ", s),
            K::Before(d) => arg(ctx, b"BEFORE ", d),
            K::Body(s) => arg(ctx, b"BODY ", s),
            K::Cc(s) => arg(ctx, b"CC ", s),
            K::Deleted => ctx.push(b"DELETED"),
            K::Draft => ctx.push(b"DRAFT"),
            K::Flagged => ctx.push(b"FLAGGED"),
            K::From(s) => arg(ctx, b"FROM ", s),
            K::Header(name, value) => {
                arg(ctx, b"HEADER ", name);
                ctx.sp();
                value.encode_ctx(ctx);
            }
            K::Keyword(a) => arg(ctx, b"KEYWORD ", a),
            K::Larger(n) => {
                ctx.push(b"LARGER ");
                ctx.push_number(*n);
            }
            K::New => ctx.push(b"NEW"),
            K::Not(k) => arg(ctx, b"NOT ", k),
            K::Old => ctx.push(b"OLD"),
            K::On(d) => arg(ctx, b"ON ", d),
            K::Or(a, b) => {
                arg(ctx, b"OR ", a);
                ctx.sp();
                b.encode_ctx(ctx);
            }
            K::Recent => ctx.push(b"RECENT"),
            K::Seen => ctx.push(b"SEEN"),
            K::SentBefore(d) => arg(ctx, b"SENTBEFORE ", d),
            K::SentOn(d) => arg(ctx, b"SENTON ", d),
            K::SentSince(d) => arg(ctx, b"SENTSINCE ", d),
            K::Since(d) => arg(ctx, b"SINCE ", d),
            K::Smaller(n) => {
                ctx.push(b"SMALLER ");
                ctx.push_number(*n);
            }
            K::Subject(s) => arg(ctx, b"SUBJECT ", s),
            K::Text(s) => arg(ctx, b"TEXT ", s),
            K::To(s) => arg(ctx, b"TO ", s),
            K::Uid(set) => arg(ctx, b"UID ", set),
            K::Unanswered => ctx.push(b"UNANSWERED"),
            K::Undeleted => ctx.push(b"UNDELETED"),
            K::Undraft => ctx.push(b"UNDRAFT"),
            K::Unflagged => ctx.push(b"UNFLAGGED"),
            K::Unkeyword(a) => arg(ctx, b"UNKEYWORD ", a),
            K::Unseen => ctx.push(b"UNSEEN"),
            K::SequenceSet(set) => set.encode_ctx(ctx),
            K::And(keys) => ctx.paren(keys),
            ext @ (K::ModSeq { .. }
            | K::Older(_)
            | K::Younger(_)
            | K::SavedBefore(_)
            | K::SavedOn(_)
            | K::SavedSince(_)
            | K::SaveDateSupported
            | K::EmailId(_)
            | K::ThreadId(_)
            | K::GmailRaw(_)
            | K::GmailMsgId(_)
            | K::GmailThrId(_)
            | K::GmailLabels(_)) => ext::search_key(ctx, ext),
        }
    }
}

impl Encode for SearchReturnOption<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        match self {
            SearchReturnOption::Min => ctx.push(b"MIN"),
            SearchReturnOption::Max => ctx.push(b"MAX"),
            SearchReturnOption::All => ctx.push(b"ALL"),
            SearchReturnOption::Count => ctx.push(b"COUNT"),
            SearchReturnOption::Save => ctx.push(b"SAVE"),
            SearchReturnOption::Other(label, value) => labelled(ctx, label, value.as_ref()),
        }
    }
}

impl Encode for SearchReturnData<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        match self {
            SearchReturnData::Min(n) => {
                ctx.push(b"MIN ");
                ctx.nz(*n);
            }
            SearchReturnData::Max(n) => {
                ctx.push(b"MAX ");
                ctx.nz(*n);
            }
            SearchReturnData::All(set) => {
                ctx.push(b"ALL ");
                set.encode_ctx(ctx);
            }
            SearchReturnData::Count(n) => {
                ctx.push(b"COUNT ");
                ctx.push_number(*n as u64);
            }
            SearchReturnData::Other(label, value) => labelled(ctx, label, Some(value)),
            SearchReturnData::ModSeq(m) => {
                ctx.push(b"MODSEQ ");
                ctx.push_number(m.get());
            }
        }
    }
}

impl Encode for ListSelectOption<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        match self {
            ListSelectOption::Subscribed => ctx.push(b"SUBSCRIBED"),
            ListSelectOption::Remote => ctx.push(b"REMOTE"),
            ListSelectOption::RecursiveMatch => ctx.push(b"RECURSIVEMATCH"),
            ListSelectOption::SpecialUse => ctx.push(b"SPECIAL-USE"),
            ListSelectOption::Other(name, value) => admin::option(ctx, name, value.as_ref()),
        }
    }
}

impl Encode for ListReturnOption<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        match self {
            ListReturnOption::Subscribed => ctx.push(b"SUBSCRIBED"),
            ListReturnOption::Children => ctx.push(b"CHILDREN"),
            ListReturnOption::Status(atts) => {
                ctx.push(b"STATUS ");
                ctx.paren(atts);
            }
            ListReturnOption::SpecialUse => ctx.push(b"SPECIAL-USE"),
            ListReturnOption::Other(name, value) => admin::option(ctx, name, value.as_ref()),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Responses (RFC 9051 §7)
// ---------------------------------------------------------------------------------------------

/// `"(" string SP (DQUOTE QUOTED-CHAR DQUOTE / nil) *(SP string SP "(" string *(SP string) ")")
/// ")"`.
impl Encode for NamespaceDescription<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        ctx.push_byte(b'(');
        self.prefix.encode_ctx(ctx);
        ctx.sp();
        match &self.delimiter {
            Some(d) => d.encode_ctx(ctx),
            None => ctx.nil(),
        }
        for (name, values) in &self.extensions {
            ctx.sp();
            name.encode_ctx(ctx);
            ctx.sp();
            ctx.paren(values);
        }
        ctx.push_byte(b')');
    }
}

/// `nil / "(" 1*namespace-descr ")"`.
fn namespace(ctx: &mut EncodeContext, ns: &Option<Vec1<NamespaceDescription<'_>>>) {
    match ns {
        Some(list) => ctx.paren_concat(list),
        None => ctx.nil(),
    }
}

impl Encode for ListExtendedItem<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        self.tag.encode_ctx(ctx);
        ctx.sp();
        self.value.encode_ctx(ctx);
    }
}

/// `"(" [mbx-list-flags] ")" SP (DQUOTE QUOTED-CHAR DQUOTE / nil) SP mailbox
/// [SP mbox-list-extended]`.
impl Encode for MailboxList<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        ctx.paren(&self.attributes);
        ctx.sp();
        match &self.delimiter {
            Some(d) => d.encode_ctx(ctx),
            None => ctx.nil(),
        }
        ctx.sp();
        self.mailbox.encode_ctx(ctx);
        if let Some(ext) = &self.extended {
            ctx.sp();
            ctx.paren(ext);
        }
    }
}

impl Encode for StatusKind {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        ctx.push(match self {
            StatusKind::Ok => b"OK",
            StatusKind::No => b"NO",
            StatusKind::Bad => b"BAD",
        });
    }
}

/// `"*" SP ("OK" / "PREAUTH" / "BYE") SP resp-text CRLF`.
impl Encode for Greeting<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        ctx.push(match self.kind {
            GreetingKind::Ok => b"* OK ",
            GreetingKind::PreAuth => b"* PREAUTH ",
            GreetingKind::Bye => b"* BYE ",
        });
        ctx.resp_text(self.code.as_ref(), &self.text);
        ctx.crlf();
    }
}

/// `tag SP resp-cond-state CRLF`, `"*" SP resp-cond-state CRLF` or `"*" SP resp-cond-bye CRLF`.
impl Encode for Status<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        match self {
            Status::Tagged {
                tag,
                kind,
                code,
                text,
            } => {
                tag.encode_ctx(ctx);
                ctx.sp();
                kind.encode_ctx(ctx);
                ctx.sp();
                ctx.resp_text(code.as_ref(), text);
            }
            Status::Untagged { kind, code, text } => {
                ctx.push(b"* ");
                kind.encode_ctx(ctx);
                ctx.sp();
                ctx.resp_text(code.as_ref(), text);
            }
            Status::Bye { code, text } => {
                ctx.push(b"* BYE ");
                ctx.resp_text(code.as_ref(), text);
            }
        }
        ctx.crlf();
    }
}

/// `"*" SP (mailbox-data / message-data / capability-data / enable-data) CRLF`.
impl Encode for Data<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        ctx.push(b"* ");
        match self {
            Data::Capability(caps) => {
                ctx.push(b"CAPABILITY");
                for c in caps {
                    ctx.sp();
                    c.encode_ctx(ctx);
                }
            }
            Data::Enabled(caps) => {
                ctx.push(b"ENABLED");
                for c in caps {
                    ctx.sp();
                    c.encode_ctx(ctx);
                }
            }
            Data::List(l) => {
                ctx.push(b"LIST ");
                l.encode_ctx(ctx);
            }
            Data::Lsub(l) => {
                ctx.push(b"LSUB ");
                l.encode_ctx(ctx);
            }
            Data::Namespace {
                personal,
                other,
                shared,
            } => {
                ctx.push(b"NAMESPACE ");
                namespace(ctx, personal);
                ctx.sp();
                namespace(ctx, other);
                ctx.sp();
                namespace(ctx, shared);
            }
            Data::Status { mailbox, values } => {
                ctx.push(b"STATUS ");
                mailbox.encode_ctx(ctx);
                ctx.sp();
                ctx.paren(values);
            }
            Data::ESearch { tag, uid, data } => {
                ctx.push(b"ESEARCH");
                if let Some(t) = tag {
                    ctx.push(b" (TAG ");
                    t.encode_ctx(ctx);
                    ctx.push_byte(b')');
                }
                if *uid {
                    ctx.push(b" UID");
                }
                for d in data {
                    ctx.sp();
                    d.encode_ctx(ctx);
                }
            }
            Data::Search(nums) => {
                ctx.push(b"SEARCH");
                for n in nums {
                    ctx.sp();
                    ctx.nz(*n);
                }
            }
            Data::Flags(flags) => {
                ctx.push(b"FLAGS ");
                ctx.paren(flags);
            }
            Data::Exists(n) => {
                ctx.push_number(*n as u64);
                ctx.push(b" EXISTS");
            }
            Data::Recent(n) => {
                ctx.push_number(*n as u64);
                ctx.push(b" RECENT");
            }
            Data::Expunge(n) => {
                ctx.nz(*n);
                ctx.push(b" EXPUNGE");
            }
            Data::Fetch { seq, items } => {
                ctx.nz(*seq);
                ctx.push(b" FETCH ");
                ctx.paren(items);
            }
            d @ (Data::Id(_)
            | Data::Quota { .. }
            | Data::QuotaRoot { .. }
            | Data::Metadata { .. }
            | Data::Acl { .. }
            | Data::ListRights { .. }
            | Data::MyRights { .. }
            | Data::Other { .. }) => admin::data(ctx, d),
            ext @ (Data::SearchModSeq { .. }
            | Data::Vanished { .. }
            | Data::Sort(_)
            | Data::SortModSeq { .. }
            | Data::Thread(_)
            | Data::UidFetch { .. }) => ext::data(ctx, ext),
        }
        ctx.crlf();
    }
}

/// `"+" SP (resp-text / base64) CRLF`; with no code and no text, `+ ` CRLF.
impl Encode for Continuation<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        ctx.push(b"+ ");
        match self {
            Continuation::Basic { code, text } => ctx.resp_text(code.as_ref(), text),
            Continuation::Base64(data) => ctx.push_base64(data.expose()),
        }
        ctx.crlf();
    }
}

impl Encode for Response<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        match self {
            Response::Status(s) => s.encode_ctx(ctx),
            Response::Data(d) => d.encode_ctx(ctx),
            Response::Continuation(c) => c.encode_ctx(ctx),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Commands (RFC 9051 §6)
// ---------------------------------------------------------------------------------------------

/// `tag SP command CRLF`.
impl Encode for Command<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        self.tag.encode_ctx(ctx);
        ctx.sp();
        self.body.encode_ctx(ctx);
        ctx.crlf();
    }
}

impl Encode for StoreMode {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        ctx.push(match self {
            StoreMode::Replace => b"FLAGS",
            StoreMode::Add => b"+FLAGS",
            StoreMode::Remove => b"-FLAGS",
        });
    }
}

impl Encode for AppendData<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        match self {
            AppendData::Literal(l) => l.encode_ctx(ctx),
            AppendData::Literal8(l) => l.encode_ctx(ctx),
            AppendData::Utf8(l) => {
                ctx.push(b"UTF8 (");
                l.encode_ctx(ctx);
                ctx.push_byte(b')');
            }
            AppendData::Other(label, value) => labelled(ctx, label, Some(value)),
        }
    }
}

/// The command without tag and CRLF.
impl Encode for CommandBody<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        use CommandBody as C;
        fn one<T: Encode>(ctx: &mut EncodeContext, name: &[u8], arg: &T) {
            ctx.push(name);
            arg.encode_ctx(ctx);
        }
        fn uid(ctx: &mut EncodeContext, uid: bool) {
            if uid {
                ctx.push(b"UID ");
            }
        }
        match self {
            C::Capability => ctx.push(b"CAPABILITY"),
            C::Noop => ctx.push(b"NOOP"),
            C::Logout => ctx.push(b"LOGOUT"),
            C::StartTls => ctx.push(b"STARTTLS"),
            C::Authenticate {
                mechanism,
                initial_response,
            } => {
                one(ctx, b"AUTHENTICATE ", mechanism);
                if let Some(ir) = initial_response {
                    ctx.sp();
                    if ir.expose().is_empty() {
                        ctx.push_byte(b'=');
                    } else {
                        ctx.push_base64(ir.expose());
                    }
                }
            }
            C::Login { username, password } => {
                one(ctx, b"LOGIN ", username);
                ctx.sp();
                password.expose().encode_ctx(ctx);
            }
            C::Enable(caps) => {
                ctx.push(b"ENABLE");
                for c in caps {
                    ctx.sp();
                    c.encode_ctx(ctx);
                }
            }
            C::Select { mailbox, params } => {
                one(ctx, b"SELECT ", mailbox);
                ext::params(ctx, params);
            }
            C::Examine { mailbox, params } => {
                one(ctx, b"EXAMINE ", mailbox);
                ext::params(ctx, params);
            }
            C::Create(m) => one(ctx, b"CREATE ", m),
            C::Delete(m) => one(ctx, b"DELETE ", m),
            C::Rename { from, to } => {
                one(ctx, b"RENAME ", from);
                ctx.sp();
                to.encode_ctx(ctx);
            }
            C::Subscribe(m) => one(ctx, b"SUBSCRIBE ", m),
            C::Unsubscribe(m) => one(ctx, b"UNSUBSCRIBE ", m),
            C::List {
                selection,
                reference,
                patterns,
                patterns_parenthesized,
                returns,
            } => {
                ctx.push(b"LIST ");
                if let Some(sel) = selection {
                    ctx.paren(sel);
                    ctx.sp();
                }
                reference.encode_ctx(ctx);
                ctx.sp();
                if patterns.len() > 1 || *patterns_parenthesized {
                    ctx.paren(patterns);
                } else {
                    patterns.first().encode_ctx(ctx);
                }
                if let Some(ret) = returns {
                    ctx.push(b" RETURN ");
                    ctx.paren(ret);
                }
            }
            C::Lsub { reference, pattern } => {
                one(ctx, b"LSUB ", reference);
                ctx.sp();
                pattern.encode_ctx(ctx);
            }
            C::Namespace => ctx.push(b"NAMESPACE"),
            C::Status {
                mailbox,
                attributes,
            } => {
                one(ctx, b"STATUS ", mailbox);
                ctx.sp();
                ctx.paren(attributes);
            }
            C::Append { mailbox, messages } => {
                one(ctx, b"APPEND ", mailbox);
                for m in messages {
                    ctx.sp();
                    m.encode_ctx(ctx);
                }
            }
            C::Idle => ctx.push(b"IDLE"),
            C::Check => ctx.push(b"CHECK"),
            C::Close => ctx.push(b"CLOSE"),
            C::Unselect => ctx.push(b"UNSELECT"),
            C::Expunge => ctx.push(b"EXPUNGE"),
            C::UidExpunge(set) => one(ctx, b"UID EXPUNGE ", set),
            C::Search {
                uid: u,
                returns,
                charset,
                criteria,
            } => {
                uid(ctx, *u);
                ctx.push(b"SEARCH");
                if let Some(ret) = returns {
                    ctx.push(b" RETURN ");
                    ctx.paren(ret);
                }
                if let Some(cs) = charset {
                    ctx.push(b" CHARSET ");
                    cs.encode_ctx(ctx);
                }
                for key in criteria {
                    ctx.sp();
                    key.encode_ctx(ctx);
                }
            }
            C::Fetch {
                uid: u,
                set,
                attributes,
                modifiers,
            } => {
                uid(ctx, *u);
                one(ctx, b"FETCH ", set);
                ctx.sp();
                attributes.encode_ctx(ctx);
                ext::params(ctx, modifiers);
            }
            C::Store {
                uid: u,
                set,
                modifiers,
                mode,
                silent,
                flags,
                parenthesized,
            } => {
                uid(ctx, *u);
                one(ctx, b"STORE ", set);
                ext::store_modifiers(ctx, modifiers);
                ctx.sp();
                mode.encode_ctx(ctx);
                if *silent {
                    ctx.push(b".SILENT");
                }
                ctx.sp();
                if *parenthesized || flags.is_empty() {
                    ctx.paren(flags);
                } else {
                    ctx.join(flags);
                }
            }
            C::Copy {
                uid: u,
                set,
                mailbox,
            } => {
                uid(ctx, *u);
                one(ctx, b"COPY ", set);
                ctx.sp();
                mailbox.encode_ctx(ctx);
            }
            C::Move {
                uid: u,
                set,
                mailbox,
            } => {
                uid(ctx, *u);
                one(ctx, b"MOVE ", set);
                ctx.sp();
                mailbox.encode_ctx(ctx);
            }
            c @ (C::Id(_)
            | C::CreateWithParams { .. }
            | C::GetQuota(_)
            | C::GetQuotaRoot(_)
            | C::SetQuota { .. }
            | C::GetMetadata { .. }
            | C::SetMetadata { .. }
            | C::SetAcl { .. }
            | C::DeleteAcl { .. }
            | C::GetAcl(_)
            | C::ListRights { .. }
            | C::MyRights(_)
            | C::Unauthenticate
            | C::Compress(_)
            | C::Other { .. }) => admin::command_body(ctx, c),
            ext @ (C::Sort { .. } | C::Thread { .. } | C::StoreGmailLabels { .. }) => {
                ext::command_body(ctx, ext)
            }
        }
    }
}

/// `base64 CRLF` or `"*" CRLF`.
impl Encode for AuthenticateData {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        match self {
            AuthenticateData::Continue(data) => ctx.push_base64(data.expose()),
            AuthenticateData::Cancel => ctx.push_byte(b'*'),
        }
        ctx.crlf();
    }
}

/// `"DONE" CRLF`.
impl Encode for IdleDone {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        ctx.push(b"DONE\r\n");
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use mailwire_core::Secret;

    use super::*;

    fn wire<T: Encode>(v: &T) -> String {
        String::from_utf8(v.encode().dump()).expect("test values are UTF-8")
    }

    fn nz(n: u32) -> NonZeroU32 {
        NonZeroU32::new(n).expect("non-zero")
    }

    fn atom(s: &'static str) -> Atom<'static> {
        Atom::new(s).expect("atom")
    }

    fn q(s: &'static str) -> IString<'static> {
        IString::Quoted(Quoted::new(s.as_bytes()).expect("quoted"))
    }

    fn ns(s: &'static str) -> NString<'static> {
        NString(Some(q(s)))
    }

    fn astr(s: &'static str) -> AString<'static> {
        AString::try_from(s).expect("astring")
    }

    fn text(s: &'static str) -> Text<'static> {
        Text::try_from(s).expect("text")
    }

    fn tag(s: &'static str) -> Tag<'static> {
        Tag::new(s).expect("tag")
    }

    fn cmd(t: &'static str, body: CommandBody<'static>) -> String {
        wire(&Command { tag: tag(t), body })
    }

    fn addr(
        name: Option<&'static str>,
        mailbox: &'static str,
        host: &'static str,
    ) -> Address<'static> {
        Address {
            name: NString(name.map(q)),
            adl: NString::NIL,
            mailbox: ns(mailbox),
            host: ns(host),
        }
    }

    fn set(s: &[(u32, Option<u32>)]) -> SequenceSet {
        let items = s
            .iter()
            .map(|&(a, b)| {
                let v = |n: u32| {
                    if n == 0 {
                        SeqOrUid::Asterisk
                    } else {
                        SeqOrUid::Value(nz(n))
                    }
                };
                match b {
                    None => Sequence::Single(v(a)),
                    Some(b) => Sequence::Range(v(a), v(b)),
                }
            })
            .collect::<Vec<_>>();
        SequenceSet::Set(Vec1::try_from(items).expect("non-empty"))
    }

    #[test]
    fn numbers() {
        for n in [
            0u64,
            7,
            9,
            10,
            42,
            99,
            100,
            101,
            999,
            1000,
            4286,
            65_535,
            u32::MAX as u64,
            i64::MAX as u64,
            u64::MAX,
        ] {
            let mut ctx = EncodeContext::new();
            ctx.push_number(n);
            assert_eq!(ctx.finish().dump(), n.to_string().into_bytes());
        }
    }

    #[test]
    fn quoted_strings_are_escaped() {
        assert_eq!(wire(&q(r#"a "b" \c"#)), r#""a \"b\" \\c""#);
        assert_eq!(wire(&q("")), r#""""#);
        assert_eq!(wire(&q("grüße")), "\"grüße\"");
    }

    #[test]
    fn synchronizing_literal_fragments() {
        let c = Command {
            tag: tag("A003"),
            body: CommandBody::Login {
                username: AString::String(IString::Literal(
                    Literal::new(&b"fred"[..]).expect("literal"),
                )),
                password: Secret::new(astr("secret")),
            },
        };
        let enc = c.encode();
        assert_eq!(
            enc.fragments(),
            &[
                Fragment::Line {
                    data: b"A003 LOGIN {4}\r\n".to_vec()
                },
                Fragment::Literal {
                    data: b"fred".to_vec(),
                    mode: LiteralMode::Sync
                },
                Fragment::Line {
                    data: b" secret\r\n".to_vec()
                },
            ]
        );
        assert_eq!(enc.dump(), b"A003 LOGIN {4}\r\nfred secret\r\n");
    }

    #[test]
    fn non_synchronizing_and_binary_literals() {
        let c = Command {
            tag: tag("A1"),
            body: CommandBody::append(
                Mailbox::Inbox,
                Some(vec![Flag::Seen, Flag::Keyword(atom("$Forwarded"))]),
                Some(
                    DateTime::new(
                        NaiveDate::new(1994, 2, 7).expect("date"),
                        21,
                        52,
                        25,
                        -8 * 60,
                    )
                    .expect("date-time"),
                ),
                AppendData::Literal(
                    Literal::with_mode(&b"Hi\r\n"[..], LiteralMode::NonSync).expect("literal"),
                ),
            ),
        };
        assert_eq!(
            wire(&c),
            "A1 APPEND INBOX (\\Seen $Forwarded) \" 7-Feb-1994 21:52:25 -0800\" {4+}\r\nHi\r\n\r\n"
        );
        let c = Command {
            tag: tag("A2"),
            body: CommandBody::append(
                Mailbox::Other(astr("Sent")),
                Some(vec![]),
                None,
                AppendData::Literal8(Literal8 {
                    data: Cow::Borrowed(b"a\0b"),
                    mode: LiteralMode::Sync,
                }),
            ),
        };
        let enc = c.encode();
        assert_eq!(
            enc.fragments()[0],
            Fragment::Line {
                data: b"A2 APPEND Sent () ~{3}\r\n".to_vec()
            }
        );
        assert_eq!(enc.dump(), b"A2 APPEND Sent () ~{3}\r\na\0b\r\n");
    }

    #[test]
    fn simple_commands() {
        assert_eq!(cmd("a1", CommandBody::Capability), "a1 CAPABILITY\r\n");
        assert_eq!(cmd("a2", CommandBody::Noop), "a2 NOOP\r\n");
        assert_eq!(cmd("a3", CommandBody::Idle), "a3 IDLE\r\n");
        assert_eq!(
            cmd("a4", CommandBody::select(Mailbox::Inbox)),
            "a4 SELECT INBOX\r\n"
        );
        assert_eq!(
            cmd(
                "a5",
                CommandBody::Rename {
                    from: Mailbox::Other(astr("blurdybloop")),
                    to: Mailbox::Other(astr("sarasoop"))
                }
            ),
            "a5 RENAME blurdybloop sarasoop\r\n"
        );
        assert_eq!(
            cmd(
                "a6",
                CommandBody::Enable(
                    Vec1::try_from(vec![atom("IMAP4rev2"), atom("UTF8=ACCEPT")]).expect("v")
                )
            ),
            "a6 ENABLE IMAP4rev2 UTF8=ACCEPT\r\n"
        );
        assert_eq!(
            cmd("a7", CommandBody::UidExpunge(set(&[(3000, Some(3002))]))),
            "a7 UID EXPUNGE 3000:3002\r\n"
        );
        assert_eq!(
            cmd(
                "a8",
                CommandBody::Login {
                    username: astr("smith"),
                    password: Secret::new(AString::try_from("pa ss").expect("a"))
                }
            ),
            "a8 LOGIN smith \"pa ss\"\r\n"
        );
    }

    #[test]
    fn authenticate() {
        let c = |ir: Option<&'static [u8]>| {
            cmd(
                "A01",
                CommandBody::Authenticate {
                    mechanism: AuthMechanism::plain(),
                    initial_response: ir.map(|b| Secret::new(b.to_vec())),
                },
            )
        };
        assert_eq!(c(None), "A01 AUTHENTICATE PLAIN\r\n");
        assert_eq!(c(Some(b"")), "A01 AUTHENTICATE PLAIN =\r\n");
        assert_eq!(
            c(Some(b"\0tim\0tanstaaftanstaaf")),
            "A01 AUTHENTICATE PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm\r\n"
        );
        assert_eq!(
            wire(&AuthenticateData::Continue(Secret::new(b"test".to_vec()))),
            "dGVzdA==\r\n"
        );
        assert_eq!(
            wire(&AuthenticateData::Continue(Secret::new(Vec::new()))),
            "\r\n"
        );
        assert_eq!(wire(&AuthenticateData::Cancel), "*\r\n");
        assert_eq!(wire(&IdleDone), "DONE\r\n");
        assert_eq!(
            wire(&Continuation::Base64(Secret::new(b"test".to_vec()))),
            "+ dGVzdA==\r\n"
        );
    }

    #[test]
    fn fetch_commands() {
        let fetch = |attributes| {
            cmd(
                "A654",
                CommandBody::Fetch {
                    uid: false,
                    set: set(&[(2, Some(4))]),
                    attributes,
                    modifiers: vec![],
                },
            )
        };
        assert_eq!(
            fetch(MacroOrAttributes::Macro(Macro::Full)),
            "A654 FETCH 2:4 FULL\r\n"
        );
        assert_eq!(
            fetch(MacroOrAttributes::Attributes(vec![FetchAttribute::Flags])),
            "A654 FETCH 2:4 FLAGS\r\n"
        );
        assert_eq!(
            fetch(MacroOrAttributes::Attributes(vec![])),
            "A654 FETCH 2:4 ()\r\n"
        );
        assert_eq!(
            fetch(MacroOrAttributes::Attributes(vec![
                FetchAttribute::Flags,
                FetchAttribute::BodySection {
                    section: Some(Section::HeaderFields(
                        None,
                        Vec1::try_from(vec![astr("DATE"), astr("FROM")]).expect("v")
                    )),
                    partial: None,
                    peek: true,
                },
                FetchAttribute::BodySection {
                    section: Some(Section::Mime(Part(
                        Vec1::try_from(vec![nz(1), nz(2)]).expect("v")
                    ))),
                    partial: Some(Partial {
                        offset: 0,
                        count: NonZeroU64::new(1024).expect("nz")
                    }),
                    peek: false,
                },
                FetchAttribute::BodySection {
                    section: None,
                    partial: None,
                    peek: false
                },
                FetchAttribute::BodySection {
                    section: Some(Section::Text(Some(Part(Vec1::one(nz(3)))))),
                    partial: None,
                    peek: false
                },
                FetchAttribute::Binary {
                    section: vec![nz(1), nz(1)],
                    partial: None,
                    peek: true
                },
                FetchAttribute::BinarySize { section: vec![] },
                FetchAttribute::Rfc822Size,
            ])),
            "A654 FETCH 2:4 (FLAGS BODY.PEEK[HEADER.FIELDS (DATE FROM)] BODY[1.2.MIME]<0.1024> BODY[] BODY[3.TEXT] \
             BINARY.PEEK[1.1] BINARY.SIZE[] RFC822.SIZE)\r\n"
        );
        assert_eq!(
            cmd(
                "A1",
                CommandBody::Fetch {
                    uid: true,
                    set: SequenceSet::LastResult,
                    attributes: MacroOrAttributes::Macro(Macro::Fast),
                    modifiers: vec![],
                }
            ),
            "A1 UID FETCH $ FAST\r\n"
        );
    }

    #[test]
    fn store_and_copy() {
        let store = |mode, silent, flags, parenthesized| {
            cmd(
                "A003",
                CommandBody::Store {
                    uid: false,
                    set: set(&[(2, Some(4))]),
                    modifiers: vec![],
                    mode,
                    silent,
                    flags,
                    parenthesized,
                },
            )
        };
        assert_eq!(
            store(StoreMode::Add, false, vec![Flag::Deleted], true),
            "A003 STORE 2:4 +FLAGS (\\Deleted)\r\n"
        );
        assert_eq!(
            store(
                StoreMode::Remove,
                true,
                vec![Flag::Deleted, Flag::Extension(atom("Foo"))],
                false
            ),
            "A003 STORE 2:4 -FLAGS.SILENT \\Deleted \\Foo\r\n"
        );
        assert_eq!(
            store(StoreMode::Replace, false, vec![], false),
            "A003 STORE 2:4 FLAGS ()\r\n"
        );
        assert_eq!(
            cmd(
                "A4",
                CommandBody::Move {
                    uid: true,
                    set: set(&[(42, None), (7, Some(0))]),
                    mailbox: Mailbox::Other(astr("Trash"))
                }
            ),
            "A4 UID MOVE 42,7:* Trash\r\n"
        );
    }

    #[test]
    fn list_and_status_commands() {
        let pat = |s: &'static str| ListMailbox::Token(ListCharString::new(s).expect("pattern"));
        assert_eq!(
            cmd(
                "A101",
                CommandBody::List {
                    selection: None,
                    reference: Mailbox::Other(AString::String(q(""))),
                    patterns: Vec1::one(pat("%")),
                    patterns_parenthesized: false,
                    returns: None,
                }
            ),
            "A101 LIST \"\" %\r\n"
        );
        assert_eq!(
            cmd(
                "A02",
                CommandBody::List {
                    selection: Some(vec![
                        ListSelectOption::Subscribed,
                        ListSelectOption::RecursiveMatch
                    ]),
                    reference: Mailbox::Other(AString::String(q(""))),
                    patterns: Vec1::try_from(vec![pat("*"), ListMailbox::String(q("Foo/%"))])
                        .expect("v"),
                    patterns_parenthesized: true,
                    returns: Some(vec![
                        ListReturnOption::Children,
                        ListReturnOption::Status(
                            Vec1::try_from(vec![
                                StatusAttribute::Messages,
                                StatusAttribute::Unseen
                            ])
                            .expect("v")
                        ),
                    ]),
                }
            ),
            "A02 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" (* \"Foo/%\") RETURN (CHILDREN STATUS (MESSAGES UNSEEN))\r\n"
        );
        assert_eq!(
            cmd(
                "A042",
                CommandBody::Status {
                    mailbox: Mailbox::Other(astr("blurdybloop")),
                    attributes: Vec1::try_from(vec![
                        StatusAttribute::UidNext,
                        StatusAttribute::Messages
                    ])
                    .expect("v"),
                }
            ),
            "A042 STATUS blurdybloop (UIDNEXT MESSAGES)\r\n"
        );
    }

    #[test]
    fn search_command() {
        let date = NaiveDate::new(1994, 2, 1).expect("date");
        assert_eq!(
            cmd(
                "A282",
                CommandBody::Search {
                    uid: false,
                    returns: Some(vec![SearchReturnOption::Min, SearchReturnOption::Count]),
                    charset: Some(Charset::Atom(atom("UTF-8"))),
                    criteria: Vec1::try_from(vec![
                        SearchKey::Flagged,
                        SearchKey::Since(date),
                        SearchKey::Not(Box::new(SearchKey::From(astr("Smith")))),
                        SearchKey::Or(
                            Box::new(SearchKey::Larger(4096)),
                            Box::new(SearchKey::Header(astr("X-Foo"), AString::String(q("a b"))))
                        ),
                        SearchKey::And(
                            Vec1::try_from(vec![
                                SearchKey::Seen,
                                SearchKey::Uid(set(&[(1, Some(0))]))
                            ])
                            .expect("v")
                        ),
                        SearchKey::SequenceSet(set(&[(5, None)])),
                    ])
                    .expect("v"),
                }
            ),
            "A282 SEARCH RETURN (MIN COUNT) CHARSET UTF-8 FLAGGED SINCE 1-Feb-1994 NOT FROM Smith \
             OR LARGER 4096 HEADER X-Foo \"a b\" (SEEN UID 1:*) 5\r\n"
        );
    }

    #[test]
    fn greetings_and_status_responses() {
        assert_eq!(
            wire(&Greeting {
                kind: GreetingKind::Ok,
                code: None,
                text: text("IMAP4rev2 Service Ready")
            }),
            "* OK IMAP4rev2 Service Ready\r\n"
        );
        assert_eq!(
            wire(&Greeting {
                kind: GreetingKind::PreAuth,
                code: Some(Code::Capability(
                    Vec1::try_from(vec![
                        Capability::Imap4Rev2,
                        Capability::Auth(AuthMechanism::plain())
                    ])
                    .expect("v")
                )),
                text: text("Logged in as Smith"),
            }),
            "* PREAUTH [CAPABILITY IMAP4rev2 AUTH=PLAIN] Logged in as Smith\r\n"
        );
        assert_eq!(
            wire(&Status::Tagged {
                tag: tag("A003"),
                kind: StatusKind::Ok,
                code: Some(Code::AppendUid {
                    uid_validity: nz(38505),
                    uids: set(&[(3955, None)])
                }),
                text: text("APPEND completed")
            }),
            "A003 OK [APPENDUID 38505 3955] APPEND completed\r\n"
        );
        assert_eq!(
            wire(&Status::Tagged {
                tag: tag("A004"),
                kind: StatusKind::Ok,
                code: Some(Code::CopyUid {
                    uid_validity: nz(38505),
                    source: set(&[(304, None), (319, Some(320))]),
                    destination: set(&[(3956, Some(3958))])
                }),
                text: text("Done"),
            }),
            "A004 OK [COPYUID 38505 304,319:320 3956:3958] Done\r\n"
        );
        assert_eq!(
            wire(&Status::Untagged {
                kind: StatusKind::Ok,
                code: Some(Code::PermanentFlags(vec![
                    FlagPerm::Flag(Flag::Deleted),
                    FlagPerm::Flag(Flag::Seen),
                    FlagPerm::Asterisk
                ])),
                text: text("Limited"),
            }),
            "* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n"
        );
        assert_eq!(
            wire(&Status::Tagged {
                tag: tag("a"),
                kind: StatusKind::No,
                code: Some(Code::Condition(Condition::AlreadyExists)),
                text: text("Mailbox exists")
            }),
            "a NO [ALREADYEXISTS] Mailbox exists\r\n"
        );
        assert_eq!(
            wire(&Status::Untagged {
                kind: StatusKind::Bad,
                code: Some(Code::Other {
                    name: atom("X-FOO"),
                    text: Some(text("1 2"))
                }),
                text: Text::empty()
            }),
            "* BAD [X-FOO 1 2] \r\n"
        );
        assert_eq!(
            wire(&Status::Untagged {
                kind: StatusKind::No,
                code: Some(Code::BadCharset(Some(
                    Vec1::try_from(vec![
                        Charset::Atom(atom("UTF-8")),
                        Charset::Quoted(Quoted::new(&b"x y"[..]).expect("q"))
                    ])
                    .expect("v")
                ))),
                text: text("x")
            }),
            "* NO [BADCHARSET (UTF-8 \"x y\")] x\r\n"
        );
        assert_eq!(
            wire(&Status::Bye {
                code: None,
                text: text("Autologout; idle for too long")
            }),
            "* BYE Autologout; idle for too long\r\n"
        );
        assert_eq!(
            wire(&Status::Tagged {
                tag: tag("a1"),
                kind: StatusKind::Ok,
                code: None,
                text: Text::empty()
            }),
            "a1 OK \r\n"
        );
    }

    #[test]
    fn continuations() {
        assert_eq!(
            wire(&Continuation::Basic {
                code: None,
                text: text("Ready for additional command text")
            }),
            "+ Ready for additional command text\r\n"
        );
        assert_eq!(
            wire(&Continuation::Basic {
                code: None,
                text: Text::empty()
            }),
            "+ \r\n"
        );
        assert_eq!(
            wire(&Continuation::Basic {
                code: Some(Code::Alert),
                text: text("x")
            }),
            "+ [ALERT] x\r\n"
        );
    }

    #[test]
    fn mailbox_data() {
        let data = |d: Data<'static>| wire(&Response::Data(d));
        assert_eq!(data(Data::Exists(18)), "* 18 EXISTS\r\n");
        assert_eq!(data(Data::Recent(0)), "* 0 RECENT\r\n");
        assert_eq!(data(Data::Expunge(nz(44))), "* 44 EXPUNGE\r\n");
        assert_eq!(
            data(Data::Flags(vec![
                Flag::Answered,
                Flag::Flagged,
                Flag::Deleted,
                Flag::Seen,
                Flag::Draft
            ])),
            "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"
        );
        assert_eq!(
            data(Data::Search(vec![nz(2), nz(84), nz(882)])),
            "* SEARCH 2 84 882\r\n"
        );
        assert_eq!(data(Data::Search(vec![])), "* SEARCH\r\n");
        assert_eq!(
            data(Data::Enabled(vec![atom("IMAP4rev2")])),
            "* ENABLED IMAP4rev2\r\n"
        );
        assert_eq!(
            data(Data::Capability(
                Vec1::try_from(vec![
                    Capability::Imap4Rev2,
                    Capability::StartTls,
                    Capability::Auth(AuthMechanism::new("GSSAPI").expect("m")),
                    Capability::LoginDisabled
                ])
                .expect("v")
            )),
            "* CAPABILITY IMAP4rev2 STARTTLS AUTH=GSSAPI LOGINDISABLED\r\n"
        );
        assert_eq!(
            data(Data::Status {
                mailbox: Mailbox::Other(astr("blurdybloop")),
                values: vec![StatusValue::Messages(231), StatusValue::UidNext(nz(44292))]
            }),
            "* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)\r\n"
        );
        assert_eq!(
            data(Data::ESearch {
                tag: Some(AString::String(q("A282"))),
                uid: false,
                data: vec![SearchReturnData::Min(nz(2)), SearchReturnData::Count(3)]
            }),
            "* ESEARCH (TAG \"A282\") MIN 2 COUNT 3\r\n"
        );
        assert_eq!(
            data(Data::ESearch {
                tag: None,
                uid: true,
                data: vec![
                    SearchReturnData::All(set(&[(4, Some(6)), (9, None)])),
                    SearchReturnData::Other(
                        TaggedLabel::new("X-FOO").expect("l"),
                        TaggedExtValue::Comp(Some(TaggedExtComp::Many(
                            Vec1::try_from(vec![
                                TaggedExtComp::AString(astr("a")),
                                TaggedExtComp::Paren(Box::new(TaggedExtComp::AString(
                                    AString::String(q("b c"))
                                )))
                            ])
                            .expect("v")
                        )))
                    ),
                ],
            }),
            "* ESEARCH UID ALL 4:6,9 X-FOO (a (\"b c\"))\r\n"
        );
    }

    #[test]
    fn list_responses() {
        let quoted = |s: &'static str| Some(Quoted::new(s.as_bytes()).expect("q"));
        assert_eq!(
            wire(&Data::List(MailboxList {
                attributes: vec![MailboxAttribute::NoSelect],
                delimiter: quoted("/"),
                mailbox: Mailbox::Other(astr("foo")),
                extended: None
            })),
            "* LIST (\\Noselect) \"/\" foo\r\n"
        );
        assert_eq!(
            wire(&Data::List(MailboxList {
                attributes: vec![],
                delimiter: None,
                mailbox: Mailbox::Inbox,
                extended: None
            })),
            "* LIST () NIL INBOX\r\n"
        );
        assert_eq!(
            wire(&Data::List(MailboxList {
                attributes: vec![
                    MailboxAttribute::Subscribed,
                    MailboxAttribute::NonExistent,
                    MailboxAttribute::Extension(atom("X-Foo"))
                ],
                delimiter: quoted("\\"),
                mailbox: Mailbox::Other(AString::String(q("Fruit/Peach"))),
                extended: Some(vec![ListExtendedItem {
                    tag: AString::String(q("OLDNAME")),
                    value: ListExtendedValue::OldName(AString::String(q("OldMailbox"))),
                }]),
            })),
            "* LIST (\\Subscribed \\NonExistent \\X-Foo) \"\\\\\" \"Fruit/Peach\" (\"OLDNAME\" (\"OldMailbox\"))\r\n"
        );
        assert_eq!(
            wire(&Data::Lsub(MailboxList {
                attributes: vec![MailboxAttribute::HasNoChildren, MailboxAttribute::Junk],
                delimiter: quoted("."),
                mailbox: Mailbox::Other(astr("#news.comp.mail.misc")),
                extended: None
            })),
            "* LSUB (\\HasNoChildren \\Junk) \".\" #news.comp.mail.misc\r\n"
        );
    }

    #[test]
    fn namespace_response() {
        let d = |p: &'static str, delim: &'static str| NamespaceDescription {
            prefix: q(p),
            delimiter: Some(Quoted::new(delim.as_bytes()).expect("q")),
            extensions: vec![],
        };
        let mut mh = d("#mh/", "/");
        mh.extensions.push((
            q("X-PARAM"),
            Vec1::try_from(vec![q("FLAG1"), q("FLAG2")]).expect("v"),
        ));
        assert_eq!(
            wire(&Data::Namespace {
                personal: Some(Vec1::try_from(vec![d("", "/"), mh]).expect("v")),
                other: None,
                shared: None
            }),
            "* NAMESPACE ((\"\" \"/\")(\"#mh/\" \"/\" \"X-PARAM\" (\"FLAG1\" \"FLAG2\"))) NIL NIL\r\n"
        );
        assert_eq!(
            wire(&Data::Namespace {
                personal: Some(Vec1::one(d("", "/"))),
                other: Some(Vec1::one(d("~", "/"))),
                shared: Some(
                    Vec1::try_from(vec![
                        d("#shared/", "/"),
                        NamespaceDescription {
                            prefix: q("#news."),
                            delimiter: None,
                            extensions: vec![]
                        }
                    ])
                    .expect("v")
                ),
            }),
            "* NAMESPACE ((\"\" \"/\")) ((\"~\" \"/\")) ((\"#shared/\" \"/\")(\"#news.\" NIL))\r\n"
        );
    }

    /// RFC 9051 §6.4.5 example, with the line breaks of the RFC's layout removed.
    #[test]
    fn rfc9051_fetch_full() {
        let gray = || Some(vec![addr(Some("Terry Gray"), "gray", "cac.washington.edu")]);
        let envelope = Envelope {
            date: ns("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)"),
            subject: ns("IMAP4rev2 WG mtg summary and minutes"),
            from: gray(),
            sender: gray(),
            reply_to: gray(),
            to: Some(vec![addr(None, "imap", "cac.washington.edu")]),
            cc: Some(vec![
                addr(None, "minutes", "CNRI.Reston.VA.US"),
                addr(Some("John Klensin"), "KLENSIN", "MIT.EDU"),
            ]),
            bcc: None,
            in_reply_to: NString::NIL,
            message_id: ns("<B27397-0100000@cac.washington.ed>"),
        };
        let body = BodyStructure::Single {
            fields: BasicFields {
                params: Some(Vec1::one((q("CHARSET"), ns("US-ASCII")))),
                id: NString::NIL,
                description: NString::NIL,
                encoding: q("7BIT"),
                size: 3028,
            },
            kind: SinglePartKind::Text {
                subtype: q("PLAIN"),
                lines: 92,
            },
            extension: None,
        };
        let date =
            DateTime::new(NaiveDate::new(1996, 7, 17).expect("d"), 2, 44, 25, -7 * 60).expect("dt");
        let r = Response::Data(Data::Fetch {
            seq: nz(12),
            items: Vec1::try_from(vec![
                MessageDataItem::Flags(vec![FlagFetch::Flag(Flag::Seen)]),
                MessageDataItem::InternalDate(date),
                MessageDataItem::Rfc822Size(4286),
                MessageDataItem::Envelope(Box::new(envelope)),
                MessageDataItem::Body(Box::new(body)),
            ])
            .expect("v"),
        });
        assert_eq!(
            wire(&r),
            concat!(
                "* 12 FETCH (FLAGS (\\Seen) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" RFC822.SIZE 4286 ENVELOPE (",
                "\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \"IMAP4rev2 WG mtg summary and minutes\" ",
                "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ",
                "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ",
                "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ",
                "((NIL NIL \"imap\" \"cac.washington.edu\")) ",
                "((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\")(\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) NIL NIL ",
                "\"<B27397-0100000@cac.washington.ed>\") ",
                "BODY (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 92))\r\n"
            )
        );
    }

    #[test]
    fn fetch_items() {
        let fetch = |item: MessageDataItem<'static>| {
            wire(&Data::Fetch {
                seq: nz(1),
                items: Vec1::one(item),
            })
        };
        let lit = |s: &'static [u8]| NString(Some(IString::Literal(Literal::new(s).expect("l"))));
        let enc = Data::Fetch {
            seq: nz(12),
            items: Vec1::try_from(vec![
                MessageDataItem::BodySection {
                    section: Some(Section::Header(None)),
                    origin: None,
                    data: lit(b"Date: x\r\n\r\n"),
                },
                MessageDataItem::Uid(nz(7)),
            ])
            .expect("v"),
        }
        .encode();
        assert_eq!(enc.fragments().len(), 3);
        assert_eq!(
            enc.dump(),
            b"* 12 FETCH (BODY[HEADER] {11}\r\nDate: x\r\n\r\n UID 7)\r\n"
        );
        assert_eq!(
            fetch(MessageDataItem::BodySection {
                section: Some(Section::HeaderFieldsNot(
                    Some(Part(Vec1::one(nz(2)))),
                    Vec1::one(astr("Received"))
                )),
                origin: Some(0),
                data: NString::NIL
            }),
            "* 1 FETCH (BODY[2.HEADER.FIELDS.NOT (Received)]<0> NIL)\r\n"
        );
        assert_eq!(
            fetch(MessageDataItem::Binary {
                section: vec![nz(1), nz(2)],
                origin: None,
                value: BinaryData::Literal8(Literal8 {
                    data: Cow::Borrowed(b"\0\x01"),
                    mode: LiteralMode::Sync
                })
            }),
            "* 1 FETCH (BINARY[1.2] ~{2}\r\n\0\x01)\r\n"
        );
        assert_eq!(
            fetch(MessageDataItem::BinarySize {
                section: vec![nz(3)],
                size: 4096
            }),
            "* 1 FETCH (BINARY.SIZE[3] 4096)\r\n"
        );
        assert_eq!(
            fetch(MessageDataItem::Flags(vec![
                FlagFetch::Recent,
                FlagFetch::Flag(Flag::Keyword(atom("$Junk")))
            ])),
            "* 1 FETCH (FLAGS (\\Recent $Junk))\r\n"
        );
        assert_eq!(
            fetch(MessageDataItem::Rfc822Header(ns("x"))),
            "* 1 FETCH (RFC822.HEADER \"x\")\r\n"
        );
        assert_eq!(
            fetch(MessageDataItem::InternalDate(
                DateTime::new(
                    NaiveDate::new(2024, 12, 31).expect("d"),
                    23,
                    59,
                    60,
                    5 * 60 + 30
                )
                .expect("dt")
            )),
            "* 1 FETCH (INTERNALDATE \"31-Dec-2024 23:59:60 +0530\")\r\n"
        );
    }

    #[test]
    fn body_structure_with_extensions() {
        let text_part = |sub: &'static str, size, lines| BodyStructure::Single {
            fields: BasicFields {
                params: Some(Vec1::one((q("CHARSET"), ns("UTF-8")))),
                id: NString::NIL,
                description: NString::NIL,
                encoding: q("QUOTED-PRINTABLE"),
                size,
            },
            kind: SinglePartKind::Text {
                subtype: q(sub),
                lines,
            },
            extension: Some(Box::new(SinglePartExtension {
                md5: NString::NIL,
                tail: None,
            })),
        };
        let attachment = BodyStructure::Single {
            fields: BasicFields {
                params: Some(Vec1::one((q("NAME"), ns("a.pdf")))),
                id: ns("<id@x>"),
                description: NString::NIL,
                encoding: q("BASE64"),
                size: 4554,
            },
            kind: SinglePartKind::Basic {
                media_type: q("APPLICATION"),
                subtype: q("PDF"),
            },
            extension: Some(Box::new(SinglePartExtension {
                md5: NString::NIL,
                tail: Some(ExtensionTail {
                    disposition: Some(Disposition {
                        kind: q("attachment"),
                        params: Some(Vec1::one((q("filename"), ns("a.pdf")))),
                    }),
                    rest: Some(LanguageTail {
                        language: Language::List(
                            Vec1::try_from(vec![q("en"), q("de")]).expect("v"),
                        ),
                        location: Some(LocationTail {
                            location: NString::NIL,
                            extensions: vec![
                                BodyExtension::Number(5),
                                BodyExtension::List(
                                    Vec1::try_from(vec![
                                        BodyExtension::NString(ns("x")),
                                        BodyExtension::NString(NString::NIL),
                                    ])
                                    .expect("v"),
                                ),
                            ],
                        }),
                    }),
                }),
            })),
        };
        let alt = BodyStructure::Multi {
            parts: Vec1::try_from(vec![text_part("PLAIN", 100, 3), text_part("HTML", 200, 5)])
                .expect("v"),
            subtype: q("ALTERNATIVE"),
            extension: Some(Box::new(MultiPartExtension {
                params: Some(Vec1::one((q("BOUNDARY"), ns("b1")))),
                tail: Some(ExtensionTail {
                    disposition: None,
                    rest: Some(LanguageTail {
                        language: Language::Single(NString::NIL),
                        location: None,
                    }),
                }),
            })),
        };
        let mixed = BodyStructure::Multi {
            parts: Vec1::try_from(vec![alt, attachment]).expect("v"),
            subtype: q("MIXED"),
            extension: None,
        };
        assert_eq!(
            wire(&MessageDataItem::BodyStructure(Box::new(mixed))),
            concat!(
                "BODYSTRUCTURE (((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"UTF-8\") NIL NIL \"QUOTED-PRINTABLE\" 100 3 NIL)",
                "(\"TEXT\" \"HTML\" (\"CHARSET\" \"UTF-8\") NIL NIL \"QUOTED-PRINTABLE\" 200 5 NIL) \"ALTERNATIVE\" (\"BOUNDARY\" \"b1\") NIL NIL)",
                "(\"APPLICATION\" \"PDF\" (\"NAME\" \"a.pdf\") \"<id@x>\" NIL \"BASE64\" 4554 NIL (\"attachment\" (\"filename\" \"a.pdf\")) ",
                "(\"en\" \"de\") NIL 5 (\"x\" NIL)) \"MIXED\")"
            )
        );
    }

    #[test]
    fn message_rfc822_part() {
        let inner = BodyStructure::Single {
            fields: BasicFields {
                params: None,
                id: NString::NIL,
                description: NString::NIL,
                encoding: q("7BIT"),
                size: 10,
            },
            kind: SinglePartKind::Text {
                subtype: q("PLAIN"),
                lines: 1,
            },
            extension: None,
        };
        let envelope = Envelope {
            date: NString::NIL,
            subject: ns("s"),
            from: Some(vec![]),
            sender: None,
            reply_to: None,
            to: None,
            cc: None,
            bcc: None,
            in_reply_to: NString::NIL,
            message_id: NString::NIL,
        };
        let msg = BodyStructure::Single {
            fields: BasicFields {
                params: None,
                id: NString::NIL,
                description: NString::NIL,
                encoding: q("7BIT"),
                size: 300,
            },
            kind: SinglePartKind::Message {
                subtype: q("RFC822"),
                envelope: Box::new(envelope),
                body: Box::new(inner),
                lines: 12,
            },
            extension: None,
        };
        assert_eq!(
            wire(&msg),
            "(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 300 (NIL \"s\" () NIL NIL NIL NIL NIL NIL NIL) (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 10 1) 12)"
        );
    }

    #[test]
    fn dates() {
        assert_eq!(wire(&NaiveDate::new(2, 3, 9).expect("d")), "9-Mar-0002");
        assert_eq!(
            wire(
                &DateTime::new(NaiveDate::new(1994, 2, 7).expect("d"), 21, 52, 25, -8 * 60)
                    .expect("dt")
            ),
            "\" 7-Feb-1994 21:52:25 -0800\""
        );
        let dt = DateTime::new(NaiveDate::new(2000, 10, 10).expect("d"), 0, 0, 0, 0).expect("dt");
        assert_eq!(wire(&dt), format!("\"{dt}\""));
    }
}
