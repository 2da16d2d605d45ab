//! Shared nom parsers for the IMAP grammar (RFC 9051 §9): whitespace, numbers, strings,
//! sequence sets, dates, flags, mailboxes, sections, capabilities and the RFC 4466 generic
//! extension syntax.
//!
//! Every parser works on one complete, framed message, so "incomplete" never happens here: running
//! out of input is a syntax error. Parsers that recurse take a `depth` and fail with
//! [`ErrorKind::TooDeep`] past [`Options::max_depth`](crate::codec::Options::max_depth).

use std::borrow::Cow;
use std::num::{NonZeroU32, NonZeroU64};

use nom::IResult;

use crate::codec::{ErrorKind, Options};
use crate::types::*;

/// A parse error: where and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PErr<'a> {
    pub(crate) input: &'a [u8],
    pub(crate) kind: ErrorKind,
}

impl<'a> nom::error::ParseError<&'a [u8]> for PErr<'a> {
    fn from_error_kind(input: &'a [u8], _kind: nom::error::ErrorKind) -> Self {
        PErr {
            input,
            kind: ErrorKind::Syntax {
                expected: "valid syntax",
            },
        }
    }

    fn append(_input: &'a [u8], _kind: nom::error::ErrorKind, other: Self) -> Self {
        other
    }

    fn or(self, other: Self) -> Self {
        // Keep the error that got furthest into the input: it names the most specific problem.
        if other.input.len() < self.input.len() {
            other
        } else {
            self
        }
    }
}

pub(crate) type PResult<'a, T> = IResult<&'a [u8], T, PErr<'a>>;

/// A recoverable syntax error ("expected X here"): `alt` may try another branch.
pub(crate) fn fail<'a, T>(input: &'a [u8], expected: &'static str) -> PResult<'a, T> {
    Err(nom::Err::Error(PErr {
        input,
        kind: ErrorKind::Syntax { expected },
    }))
}

/// An unrecoverable error: no other branch can succeed.
pub(crate) fn cut<'a, T>(input: &'a [u8], kind: ErrorKind) -> PResult<'a, T> {
    Err(nom::Err::Failure(PErr { input, kind }))
}

/// Parser context: the options in force.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ctx {
    pub(crate) opts: Options,
}

impl Ctx {
    pub(crate) fn new(opts: &Options) -> Self {
        Ctx { opts: *opts }
    }

    /// The depth after entering one more level, or a `TooDeep` failure.
    pub(crate) fn deeper<'a>(
        &self,
        input: &'a [u8],
        depth: usize,
    ) -> Result<usize, nom::Err<PErr<'a>>> {
        let max = self.opts.depth();
        if depth + 1 > max {
            Err(nom::Err::Failure(PErr {
                input,
                kind: ErrorKind::TooDeep(max),
            }))
        } else {
            Ok(depth + 1)
        }
    }
}

/// Exactly `lit` (ASCII case-insensitive).
pub(crate) fn kw<'a>(lit: &'static str) -> impl Fn(&'a [u8]) -> PResult<'a, &'a [u8]> {
    move |i: &'a [u8]| {
        let n = lit.len();
        if i.len() >= n && i[..n].eq_ignore_ascii_case(lit.as_bytes()) {
            Ok((&i[n..], &i[..n]))
        } else {
            fail(i, lit)
        }
    }
}

/// Exactly the byte `b`.
pub(crate) fn byte<'a>(b: u8, name: &'static str) -> impl Fn(&'a [u8]) -> PResult<'a, ()> {
    move |i: &'a [u8]| match i.first() {
        Some(&c) if c == b => Ok((&i[1..], ())),
        _ => fail(i, name),
    }
}

/// `SP`; with the lenient-spaces quirk, one or more.
pub(crate) fn sp<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, ()> {
    match i.first() {
        Some(b' ') => {
            if ctx.opts.quirks.lenient_spaces {
                let n = i.iter().take_while(|&&c| c == b' ').count();
                Ok((&i[n..], ()))
            } else {
                Ok((&i[1..], ()))
            }
        }
        _ => fail(i, "SP"),
    }
}

/// `(`
pub(crate) fn open<'a>(i: &'a [u8]) -> PResult<'a, ()> {
    byte(b'(', "\"(\"")(i)
}

/// `)`; with the lenient-spaces quirk, spaces before it are skipped.
pub(crate) fn close<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, ()> {
    let i = if ctx.opts.quirks.lenient_spaces {
        skip_spaces(i)
    } else {
        i
    };
    byte(b')', "\")\"")(i)
}

fn skip_spaces(i: &[u8]) -> &[u8] {
    let n = i.iter().take_while(|&&c| c == b' ').count();
    &i[n..]
}

/// Refuses bytes that are not UTF-8 in `bytes` (a quoted string's or text's content) unless the
/// eight-bit quirk is on. ASCII, the common case, is checked by a fast scan.
#[inline]
pub(crate) fn check_8bit<'a>(
    ctx: &Ctx,
    at: &'a [u8],
    bytes: &[u8],
) -> Result<(), nom::Err<PErr<'a>>> {
    if ctx.opts.quirks.eight_bit || bytes.is_ascii() {
        return Ok(());
    }
    match std::str::from_utf8(bytes) {
        Ok(_) => Ok(()),
        // `at` starts where `bytes` does for text, one quote earlier for quoted strings.
        Err(e) => Err(nom::Err::Failure(PErr {
            input: &at[e.valid_up_to().min(at.len())..],
            kind: ErrorKind::Syntax {
                expected: "UTF-8 (8-bit text refused)",
            },
        })),
    }
}

/// `CRLF` (LF alone with the bare-LF quirk; trailing spaces with the lenient-spaces quirk).
pub(crate) fn crlf<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, ()> {
    let i = if ctx.opts.quirks.lenient_spaces {
        skip_spaces(i)
    } else {
        i
    };
    if let Some(r) = i.strip_prefix(b"\r\n") {
        Ok((r, ()))
    } else if let (true, Some(r)) = (ctx.opts.quirks.bare_lf, i.strip_prefix(b"\n")) {
        Ok((r, ()))
    } else {
        fail(i, "CRLF")
    }
}

/// Whether a space follows (without consuming it).
pub(crate) fn peek_sp(i: &[u8]) -> bool {
    i.first() == Some(&b' ')
}

fn digits(i: &[u8], max: usize) -> PResult<'_, &[u8]> {
    let n = i
        .iter()
        .take(max + 1)
        .take_while(|c| c.is_ascii_digit())
        .count();
    if n == 0 {
        return fail(i, "number");
    }
    if n > max {
        return cut(i, ErrorKind::Number);
    }
    Ok((&i[n..], &i[..n]))
}

fn parse_u64(d: &[u8]) -> Option<u64> {
    d.iter().try_fold(0u64, |acc, &c| {
        acc.checked_mul(10)?.checked_add((c - b'0') as u64)
    })
}

/// `number`: unsigned 32-bit.
pub(crate) fn number(i: &[u8]) -> PResult<'_, u32> {
    let (r, d) = digits(i, 10)?;
    match parse_u64(d).and_then(|v| u32::try_from(v).ok()) {
        Some(v) => Ok((r, v)),
        None => cut(i, ErrorKind::Number),
    }
}

/// `number64`: unsigned 63-bit.
pub(crate) fn number64(i: &[u8]) -> PResult<'_, u64> {
    let (r, d) = digits(i, 19)?;
    match parse_u64(d).filter(|&v| v <= i64::MAX as u64) {
        Some(v) => Ok((r, v)),
        None => cut(i, ErrorKind::Number),
    }
}

/// `nz-number`.
pub(crate) fn nz_number(i: &[u8]) -> PResult<'_, NonZeroU32> {
    let (r, v) = number(i)?;
    match NonZeroU32::new(v) {
        Some(v) => Ok((r, v)),
        None => fail(i, "non-zero number"),
    }
}

/// `nz-number64`.
pub(crate) fn nz_number64(i: &[u8]) -> PResult<'_, NonZeroU64> {
    let (r, v) = number64(i)?;
    match NonZeroU64::new(v) {
        Some(v) => Ok((r, v)),
        None => fail(i, "non-zero number"),
    }
}

fn take_while1<'a>(i: &'a [u8], f: fn(u8) -> bool, what: &'static str) -> PResult<'a, &'a str> {
    let n = i.iter().take_while(|&&c| f(c)).count();
    if n == 0 {
        return fail(i, what);
    }
    // Every byte these predicates accept is ASCII.
    match core::str::from_utf8(&i[..n]) {
        Ok(s) => Ok((&i[n..], s)),
        Err(_) => fail(i, what),
    }
}

/// `atom`
pub(crate) fn atom(i: &[u8]) -> PResult<'_, Atom<'_>> {
    let (r, s) = take_while1(i, is_atom_char, "atom")?;
    Ok((r, Atom::unchecked(s)))
}

/// `1*ASTRING-CHAR`
pub(crate) fn atom_ext(i: &[u8]) -> PResult<'_, AtomExt<'_>> {
    let (r, s) = take_while1(i, is_astring_char, "astring")?;
    Ok((r, AtomExt::unchecked(s)))
}

/// `tag`
pub(crate) fn tag(i: &[u8]) -> PResult<'_, Tag<'_>> {
    let (r, s) = take_while1(i, is_tag_char, "tag")?;
    Ok((r, Tag::unchecked(s)))
}

/// `quoted`: unescaped content, borrowed when there is no escape.
pub(crate) fn quoted<'a>(i: &'a [u8]) -> PResult<'a, Quoted<'a>> {
    let Some(body) = i.strip_prefix(b"\"") else {
        return fail(i, "quoted string");
    };
    let mut owned: Option<Vec<u8>> = None;
    let mut pos = 0;
    loop {
        let Some(k) = memchr::memchr3(b'"', b'\\', b'\n', &body[pos..]) else {
            return fail(i, "closing quote");
        };
        let at = pos + k;
        match body[at] {
            b'"' => {
                let content = match owned {
                    None => Cow::Borrowed(&body[..at]),
                    Some(mut o) => {
                        o.extend_from_slice(&body[pos..at]);
                        Cow::Owned(o)
                    }
                };
                if content.iter().any(|&c| c == b'\r' || c == 0) {
                    return fail(i, "quoted string without CR or NUL");
                }
                return Ok((&body[at + 1..], Quoted::unchecked(content)));
            }
            b'\\' => match body.get(at + 1) {
                Some(&c @ (b'"' | b'\\')) => {
                    let o = owned.get_or_insert_with(Vec::new);
                    o.extend_from_slice(&body[pos..at]);
                    o.push(c);
                    pos = at + 2;
                }
                _ => return fail(&body[at..], "\\\" or \\\\"),
            },
            _ => return fail(&body[at..], "closing quote"),
        }
    }
}

/// The literal header `{n}` / `{n+}` and its CRLF; returns the length and mode.
fn literal_header<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, (u64, LiteralMode)> {
    let (r, ()) = byte(b'{', "literal")(i)?;
    let (r, n) = number64(r)?;
    let (r, mode) = match r.first() {
        Some(b'+') => (&r[1..], LiteralMode::NonSync),
        _ => (r, LiteralMode::Sync),
    };
    let (r, ()) = byte(b'}', "\"}\"")(r)?;
    let r = if let Some(x) = r.strip_prefix(b"\r\n") {
        x
    } else if let (true, Some(x)) = (ctx.opts.quirks.bare_lf, r.strip_prefix(b"\n")) {
        x
    } else {
        return fail(r, "CRLF after literal size");
    };
    Ok((r, (n, mode)))
}

/// `literal`: `{n}` CRLF and n octets, borrowed.
pub(crate) fn literal<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, Literal<'a>> {
    let (r, (n, mode)) = literal_header(ctx, i)?;
    if (r.len() as u64) < n {
        return fail(r, "literal data");
    }
    let n = n as usize;
    let data = &r[..n];
    if !ctx.opts.quirks.nul_in_literals && memchr::memchr(0, data).is_some() {
        return fail(r, "literal without NUL (use literal8)");
    }
    Ok((&r[n..], Literal::unchecked(Cow::Borrowed(data), mode)))
}

/// `literal8`: `~{n}` CRLF and n octets (NUL allowed), borrowed.
pub(crate) fn literal8<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, Literal8<'a>> {
    let (r, ()) = byte(b'~', "literal8")(i)?;
    let (r, (n, mode)) = literal_header(ctx, r)?;
    if (r.len() as u64) < n {
        return fail(r, "literal data");
    }
    let n = n as usize;
    Ok((
        &r[n..],
        Literal8 {
            data: Cow::Borrowed(&r[..n]),
            mode,
        },
    ))
}

/// `string = quoted / literal`
pub(crate) fn string<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, IString<'a>> {
    match i.first() {
        Some(b'"') => {
            let (r, q) = quoted(i)?;
            check_8bit(ctx, i, q.as_bytes())?;
            Ok((r, IString::Quoted(q)))
        }
        Some(b'{') => literal(ctx, i).map(|(r, l)| (r, IString::Literal(l))),
        _ => fail(i, "string"),
    }
}

/// `nil`
pub(crate) fn nil(i: &[u8]) -> PResult<'_, ()> {
    let (r, _) = kw("NIL")(i)?;
    // NIL must not be the start of a longer atom.
    if r.first().is_some_and(|&c| is_astring_char(c)) {
        return fail(i, "NIL");
    }
    Ok((r, ()))
}

/// `nstring = string / nil`
pub(crate) fn nstring<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, NString<'a>> {
    match i.first() {
        Some(b'"' | b'{') => string(ctx, i).map(|(r, s)| (r, NString(Some(s)))),
        _ => nil(i).map(|(r, ())| (r, NString(None))),
    }
}

/// `astring = 1*ASTRING-CHAR / string`
pub(crate) fn astring<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, AString<'a>> {
    match i.first() {
        Some(b'"' | b'{') => string(ctx, i).map(|(r, s)| (r, AString::String(s))),
        _ => atom_ext(i).map(|(r, a)| (r, AString::Atom(a))),
    }
}

/// `text`: the rest of the line (may be empty), up to CR or LF.
pub(crate) fn text<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, Text<'a>> {
    let n = memchr::memchr2(b'\r', b'\n', i).unwrap_or(i.len());
    let t = &i[..n];
    check_8bit(ctx, i, t)?;
    if memchr::memchr(0, t).is_some() {
        return fail(i, "text without NUL");
    }
    Ok((&i[n..], Text::unchecked(t)))
}

/// Strict base64 up to the end of the line, decoded.
pub(crate) fn base64_line(i: &[u8]) -> PResult<'_, Vec<u8>> {
    let n = memchr::memchr2(b'\r', b'\n', i).unwrap_or(i.len());
    match mailwire_core::sasl::decode_base64(&i[..n]) {
        Ok(v) => Ok((&i[n..], v)),
        Err(_) => fail(i, "base64"),
    }
}

/// `seq-number = nz-number / "*"`
pub(crate) fn seq_or_uid(i: &[u8]) -> PResult<'_, SeqOrUid> {
    if let Some(r) = i.strip_prefix(b"*") {
        return Ok((r, SeqOrUid::Asterisk));
    }
    nz_number(i).map(|(r, n)| (r, SeqOrUid::Value(n)))
}

/// `sequence-set` (and `$`, RFC 5182).
pub(crate) fn sequence_set(i: &[u8]) -> PResult<'_, SequenceSet> {
    if let Some(r) = i.strip_prefix(b"$") {
        return Ok((r, SequenceSet::LastResult));
    }
    let mut items = Vec::new();
    let mut r = i;
    loop {
        let (r1, a) = seq_or_uid(r)?;
        let (r1, item) = match r1.strip_prefix(b":") {
            Some(r2) => {
                let (r3, b) = seq_or_uid(r2)?;
                (r3, Sequence::Range(a, b))
            }
            None => (r1, Sequence::Single(a)),
        };
        items.push(item);
        match r1.strip_prefix(b",") {
            Some(r2) => r = r2,
            None => return Ok((r1, SequenceSet::Set(Vec1::unchecked(items)))),
        }
    }
}

fn month(i: &[u8]) -> PResult<'_, u8> {
    if i.len() >= 3 {
        for (k, m) in MONTHS.iter().enumerate() {
            if i[..3].eq_ignore_ascii_case(m.as_bytes()) {
                return Ok((&i[3..], k as u8 + 1));
            }
        }
    }
    fail(i, "month")
}

fn fixed_digits(i: &[u8], n: usize) -> PResult<'_, u32> {
    if i.len() >= n && i[..n].iter().all(u8::is_ascii_digit) {
        Ok((
            &i[n..],
            i[..n].iter().fold(0u32, |a, &c| a * 10 + (c - b'0') as u32),
        ))
    } else {
        fail(i, "digits")
    }
}

/// `date-text = date-day "-" date-month "-" date-year`
fn date_text(i: &[u8]) -> PResult<'_, NaiveDate> {
    let (r, d) = digits(i, 2)?;
    let day = d.iter().fold(0u8, |a, &c| a * 10 + (c - b'0'));
    let (r, ()) = byte(b'-', "\"-\"")(r)?;
    let (r, m) = month(r)?;
    let (r, ()) = byte(b'-', "\"-\"")(r)?;
    let (r, y) = fixed_digits(r, 4)?;
    match NaiveDate::new(y as u16, m, day) {
        Ok(date) => Ok((r, date)),
        Err(_) => cut(i, ErrorKind::Date),
    }
}

/// `date = date-text / DQUOTE date-text DQUOTE`
pub(crate) fn date(i: &[u8]) -> PResult<'_, NaiveDate> {
    match i.strip_prefix(b"\"") {
        Some(r) => {
            let (r, d) = date_text(r)?;
            let (r, ()) = byte(b'"', "closing quote")(r)?;
            Ok((r, d))
        }
        None => date_text(i),
    }
}

/// `date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE`
pub(crate) fn date_time(i: &[u8]) -> PResult<'_, DateTime> {
    let (r, ()) = byte(b'"', "date-time")(i)?;
    // date-day-fixed = (SP DIGIT) / 2DIGIT; a single digit is tolerated.
    let r = r.strip_prefix(b" ").unwrap_or(r);
    let (r, d) = digits(r, 2)?;
    let day = d.iter().fold(0u8, |a, &c| a * 10 + (c - b'0'));
    let (r, ()) = byte(b'-', "\"-\"")(r)?;
    let (r, m) = month(r)?;
    let (r, ()) = byte(b'-', "\"-\"")(r)?;
    let (r, y) = fixed_digits(r, 4)?;
    let (r, ()) = byte(b' ', "SP")(r)?;
    let (r, hh) = fixed_digits(r, 2)?;
    let (r, ()) = byte(b':', "\":\"")(r)?;
    let (r, mm) = fixed_digits(r, 2)?;
    let (r, ()) = byte(b':', "\":\"")(r)?;
    let (r, ss) = fixed_digits(r, 2)?;
    let (r, ()) = byte(b' ', "SP")(r)?;
    let (r, sign) = match r.first() {
        Some(b'+') => (&r[1..], 1i16),
        Some(b'-') => (&r[1..], -1i16),
        _ => return fail(r, "zone"),
    };
    let (r, z) = fixed_digits(r, 4)?;
    let (r, ()) = byte(b'"', "closing quote")(r)?;
    let zone = sign * ((z / 100) as i16 * 60 + (z % 100) as i16);
    let value = NaiveDate::new(y as u16, m, day)
        .and_then(|date| DateTime::new(date, hh as u8, mm as u8, ss as u8, zone));
    match value {
        Ok(dt) => Ok((r, dt)),
        Err(_) => cut(i, ErrorKind::Date),
    }
}

/// `flag` (system flags, keywords and `\atom` extensions).
pub(crate) fn flag(i: &[u8]) -> PResult<'_, Flag<'_>> {
    match i.strip_prefix(b"\\") {
        Some(r) => {
            let (r2, a) = atom(r)?;
            let f = match a.as_str().to_ascii_lowercase().as_str() {
                "answered" => Flag::Answered,
                "flagged" => Flag::Flagged,
                "deleted" => Flag::Deleted,
                "seen" => Flag::Seen,
                "draft" => Flag::Draft,
                _ => Flag::Extension(a),
            };
            Ok((r2, f))
        }
        None => atom(i).map(|(r, a)| (r, Flag::Keyword(a))),
    }
}

/// `"(" [x *(SP x)] ")"` for any item parser.
pub(crate) fn paren_list<'a, T>(
    ctx: &Ctx,
    i: &'a [u8],
    mut item: impl FnMut(&'a [u8]) -> PResult<'a, T>,
) -> PResult<'a, Vec<T>> {
    let (mut r, ()) = open(i)?;
    let mut out = Vec::new();
    if ctx.opts.quirks.lenient_spaces {
        r = skip_spaces(r);
    }
    if let Ok((r2, ())) = close(ctx, r) {
        return Ok((r2, out));
    }
    loop {
        let (r2, v) = item(r)?;
        out.push(v);
        if let Ok((r3, ())) = close(ctx, r2) {
            return Ok((r3, out));
        }
        let (r3, ()) = sp(ctx, r2)?;
        r = r3;
    }
}

/// `mailbox = "INBOX" / astring`
pub(crate) fn mailbox<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, Mailbox<'a>> {
    let (r, a) = astring(ctx, i)?;
    Ok((r, Mailbox::from_astring(a)))
}

/// `list-mailbox = 1*list-char / string`
pub(crate) fn list_mailbox<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, ListMailbox<'a>> {
    match i.first() {
        Some(b'"' | b'{') => string(ctx, i).map(|(r, s)| (r, ListMailbox::String(s))),
        _ => {
            let (r, s) = take_while1(i, is_list_char, "list pattern")?;
            Ok((r, ListMailbox::Token(ListCharString::unchecked(s))))
        }
    }
}

/// `charset = atom / quoted`
pub(crate) fn charset<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, Charset<'a>> {
    match i.first() {
        Some(b'"') => {
            let (r, q) = quoted(i)?;
            check_8bit(ctx, i, q.as_bytes())?;
            Ok((r, Charset::Quoted(q)))
        }
        _ => atom(i).map(|(r, a)| (r, Charset::Atom(a))),
    }
}

/// `capability = ("AUTH=" auth-type) / atom`
pub(crate) fn capability(i: &[u8]) -> PResult<'_, Capability<'_>> {
    atom(i).map(|(r, a)| (r, Capability::from_atom(a)))
}

/// `section-part = nz-number *("." nz-number)`; stops before `.` followed by a non-digit.
pub(crate) fn section_part(i: &[u8]) -> PResult<'_, Vec<NonZeroU32>> {
    let (mut r, first) = nz_number(i)?;
    let mut parts = vec![first];
    while let Some(r2) = r.strip_prefix(b".") {
        match nz_number(r2) {
            Ok((r3, n)) => {
                parts.push(n);
                r = r3;
            }
            Err(_) => break,
        }
    }
    Ok((r, parts))
}

fn header_list<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, Vec1<AString<'a>>> {
    let (r, names) = paren_list(ctx, i, |x| astring(ctx, x))?;
    match Vec1::try_from(names) {
        Ok(v) => Ok((r, v)),
        Err(_) => fail(i, "header field names"),
    }
}

/// `section-msgtext` / `section-text` after an optional part.
fn section_text<'a>(ctx: &Ctx, i: &'a [u8], part: Option<Part>) -> PResult<'a, Section<'a>> {
    if let Ok((r, _)) = kw("HEADER.FIELDS.NOT")(i) {
        let (r, ()) = sp(ctx, r)?;
        let (r, names) = header_list(ctx, r)?;
        return Ok((r, Section::HeaderFieldsNot(part, names)));
    }
    if let Ok((r, _)) = kw("HEADER.FIELDS")(i) {
        let (r, ()) = sp(ctx, r)?;
        let (r, names) = header_list(ctx, r)?;
        return Ok((r, Section::HeaderFields(part, names)));
    }
    if let Ok((r, _)) = kw("HEADER")(i) {
        return Ok((r, Section::Header(part)));
    }
    if let Ok((r, _)) = kw("TEXT")(i) {
        return Ok((r, Section::Text(part)));
    }
    if let (Some(p), Ok((r, _))) = (part, kw("MIME")(i)) {
        return Ok((r, Section::Mime(p)));
    }
    fail(i, "HEADER, HEADER.FIELDS, TEXT or MIME")
}

/// `section = "[" [section-spec] "]"`
pub(crate) fn section<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, Option<Section<'a>>> {
    let (r, ()) = byte(b'[', "\"[\"")(i)?;
    if let Some(r2) = r.strip_prefix(b"]") {
        return Ok((r2, None));
    }
    let (r, s) = match r.first() {
        Some(c) if c.is_ascii_digit() => {
            let (r2, parts) = section_part(r)?;
            let part = Part(Vec1::unchecked(parts));
            match r2.strip_prefix(b".") {
                Some(r3) => section_text(ctx, r3, Some(part))?,
                None => (r2, Section::Part(part)),
            }
        }
        _ => section_text(ctx, r, None)?,
    };
    let (r, ()) = byte(b']', "\"]\"")(r)?;
    Ok((r, Some(s)))
}

/// `section-binary = "[" [section-part] "]"`
pub(crate) fn section_binary(i: &[u8]) -> PResult<'_, Vec<NonZeroU32>> {
    let (r, ()) = byte(b'[', "\"[\"")(i)?;
    if let Some(r2) = r.strip_prefix(b"]") {
        return Ok((r2, Vec::new()));
    }
    let (r, parts) = section_part(r)?;
    let (r, ()) = byte(b']', "\"]\"")(r)?;
    Ok((r, parts))
}

/// `partial = "<" number64 "." nz-number64 ">"`
pub(crate) fn partial(i: &[u8]) -> PResult<'_, Partial> {
    let (r, ()) = byte(b'<', "\"<\"")(i)?;
    let (r, offset) = number64(r)?;
    let (r, ()) = byte(b'.', "\".\"")(r)?;
    let (r, count) = nz_number64(r)?;
    let (r, ()) = byte(b'>', "\">\"")(r)?;
    Ok((r, Partial { offset, count }))
}

/// `tagged-ext-label`
pub(crate) fn tagged_label(i: &[u8]) -> PResult<'_, TaggedLabel<'_>> {
    let n = i
        .iter()
        .take_while(|&&c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b':'))
        .count();
    match core::str::from_utf8(&i[..n])
        .ok()
        .and_then(|s| TaggedLabel::new(s).ok())
    {
        Some(l) => Ok((&i[n..], l)),
        None => fail(i, "tagged-ext-label"),
    }
}

/// `tagged-ext-comp`
pub(crate) fn tagged_ext_comp<'a>(
    ctx: &Ctx,
    i: &'a [u8],
    depth: usize,
) -> PResult<'a, TaggedExtComp<'a>> {
    let depth = ctx.deeper(i, depth)?;
    let one = |x: &'a [u8]| -> PResult<'a, TaggedExtComp<'a>> {
        if x.first() == Some(&b'(') {
            let (r, ()) = open(x)?;
            let (r, inner) = tagged_ext_comp(ctx, r, depth)?;
            let (r, ()) = close(ctx, r)?;
            Ok((r, TaggedExtComp::Paren(Box::new(inner))))
        } else {
            astring(ctx, x).map(|(r, a)| (r, TaggedExtComp::AString(a)))
        }
    };
    let (mut r, first) = one(i)?;
    let mut items = vec![first];
    while peek_sp(r) {
        let (r2, ()) = sp(ctx, r)?;
        if r2.first() == Some(&b')') {
            // Spaces before ")" (lenient-spaces quirk): leave them to close().
            break;
        }
        let (r3, c) = one(r2)?;
        items.push(c);
        r = r3;
    }
    let comp = match items.len() {
        1 => items.remove(0),
        _ => TaggedExtComp::Many(Vec1::unchecked(items)),
    };
    Ok((r, comp))
}

/// `tagged-ext-val = tagged-ext-simple / "(" [tagged-ext-comp] ")"`
pub(crate) fn tagged_ext_val<'a>(
    ctx: &Ctx,
    i: &'a [u8],
    depth: usize,
) -> PResult<'a, TaggedExtValue<'a>> {
    if i.first() == Some(&b'(') {
        let (r, ()) = open(i)?;
        if let Ok((r2, ())) = close(ctx, r) {
            return Ok((r2, TaggedExtValue::Comp(None)));
        }
        let (r, c) = tagged_ext_comp(ctx, r, depth)?;
        let (r, ()) = close(ctx, r)?;
        return Ok((r, TaggedExtValue::Comp(Some(c))));
    }
    if let Ok((r, set)) = sequence_set(i) {
        // A number beyond 32 bits is a number64, not a set.
        if !r.first().is_some_and(u8::is_ascii_digit) {
            return Ok((r, TaggedExtValue::Simple(TaggedExtSimple::SequenceSet(set))));
        }
    }
    number64(i).map(|(r, n)| (r, TaggedExtValue::Simple(simple_number(n))))
}

/// A `tagged-ext-simple` number: a sequence set when it is one (a number with leading zeros,
/// `03`, reads as such), so that the value re-encodes to itself (fuzz finding).
pub(crate) fn simple_number(n: u64) -> TaggedExtSimple {
    match u32::try_from(n).ok().and_then(NonZeroU32::new) {
        Some(v) => TaggedExtSimple::SequenceSet(SequenceSet::single(v)),
        None => TaggedExtSimple::Number(n),
    }
}
