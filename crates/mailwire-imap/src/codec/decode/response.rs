//! Response parsers (client side; RFC 9051 §7 and §9, RFC 3501 §7 and §9).
//!
//! How these parsers stay fast:
//!
//! - Keywords are read once, uppercased into a small stack buffer and matched as byte strings,
//!   so dispatch costs one pass over the keyword instead of a chain of alternatives.
//! - Nothing is parsed twice: a body structure is a multipart exactly when the byte after its
//!   `(` is another `(`; a `message/rfc822` part has an envelope exactly when `(` follows its
//!   fields; a `text` part has a line count exactly when a digit follows its fields.
//! - Strings, atoms, text and literals borrow from the input; literal data is never scanned.
//!
//! Every recursive production (multipart parts, the body of a `message/rfc822` part,
//! `body-extension` lists, `tagged-ext-comp`s) goes through [`Ctx::deeper`], so nesting is bounded
//! by [`Options::max_depth`](crate::codec::Options::max_depth) and the stack cannot overflow.

use std::borrow::Cow;
use std::num::NonZeroU32;

use super::core::*;
use super::response_ext;
use crate::types::*;

mod admin;

// ---------------------------------------------------------------------------------------------
// Small shared helpers (candidates for core.rs).
// ---------------------------------------------------------------------------------------------

// Fast paths for the hottest shared primitives. They handle the common case inline (one SP, a
// short quoted string without escapes, a short number, NIL) and hand everything else to the
// shared parser, so behaviour and errors are exactly those of `core`.

/// `SP` (see [`sp`]).
#[inline(always)]
pub(super) fn sp_<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, ()> {
    if i.first() == Some(&b' ') && i.get(1) != Some(&b' ') {
        return Ok((&i[1..], ()));
    }
    sp(ctx, i)
}

/// Bytes that end the fast scan of a quoted string: DQUOTE, `\\`, CR, LF and NUL.
static QUOTED_STOP: [bool; 256] = {
    let mut t = [false; 256];
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t[b'\r' as usize] = true;
    t[b'\n' as usize] = true;
    t[0] = true;
    t
};

/// The index of the first DQUOTE, `\\`, CR, LF or NUL in `b` (or its length), eight bytes at a
/// time.
#[inline(always)]
fn quoted_stop(b: &[u8]) -> usize {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    // High bit set in each byte of `w` equal to `c`; exact for the lowest such byte.
    let eq = |w: u64, c: u8| {
        let x = w ^ (LO * u64::from(c));
        x.wrapping_sub(LO) & !x & HI
    };
    let mut chunks = b.chunks_exact(8);
    let mut k = 0;
    for chunk in &mut chunks {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word);
        let m = eq(w, b'"') | eq(w, b'\\') | eq(w, b'\r') | eq(w, b'\n') | eq(w, 0);
        if m != 0 {
            return k + (m.trailing_zeros() / 8) as usize;
        }
        k += 8;
    }
    let tail = chunks.remainder();
    k + tail
        .iter()
        .position(|&c| QUOTED_STOP[c as usize])
        .unwrap_or(tail.len())
}

/// `quoted` (see [`quoted`]), borrowed.
#[inline(always)]
fn quoted_(i: &[u8]) -> PResult<'_, Quoted<'_>> {
    if let Some(body) = i.strip_prefix(b"\"") {
        let n = quoted_stop(body);
        if body.get(n) == Some(&b'"') {
            return Ok((&body[n + 1..], Quoted::unchecked(Cow::Borrowed(&body[..n]))));
        }
    }
    quoted(i)
}

/// `string` (see [`string`]).
#[inline(always)]
pub(super) fn string_<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, IString<'a>> {
    match i.first() {
        Some(b'"') => {
            let (r, q) = quoted_(i)?;
            check_8bit(ctx, i, q.as_bytes())?;
            Ok((r, IString::Quoted(q)))
        }
        _ => string(ctx, i),
    }
}

/// `nil` (see [`nil`]).
#[inline(always)]
fn nil_(i: &[u8]) -> PResult<'_, ()> {
    if i.len() >= 3
        && i[..3].eq_ignore_ascii_case(b"NIL")
        && !i.get(3).is_some_and(|&c| is_astring_char(c))
    {
        return Ok((&i[3..], ()));
    }
    nil(i)
}

/// `nstring` (see [`nstring`]).
#[inline(always)]
pub(super) fn nstring_<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, NString<'a>> {
    match i.first() {
        Some(b'"') => {
            let (r, q) = quoted_(i)?;
            check_8bit(ctx, i, q.as_bytes())?;
            Ok((r, NString(Some(IString::Quoted(q)))))
        }
        Some(b'N' | b'n') => nil_(i).map(|(r, ())| (r, NString(None))),
        _ => nstring(ctx, i),
    }
}

/// Up to `max` leading digits and their value; `None` when there are none or more than `max`.
#[inline(always)]
fn short_digits(i: &[u8], max: usize) -> Option<(usize, u64)> {
    let mut v = 0u64;
    let mut n = 0;
    while let Some(&c) = i.get(n) {
        if !c.is_ascii_digit() {
            break;
        }
        if n == max {
            return None;
        }
        v = v * 10 + u64::from(c - b'0');
        n += 1;
    }
    if n == 0 { None } else { Some((n, v)) }
}

/// `number` (see [`number`]).
#[inline(always)]
pub(super) fn number_(i: &[u8]) -> PResult<'_, u32> {
    match short_digits(i, 9) {
        Some((n, v)) => Ok((&i[n..], v as u32)),
        None => number(i),
    }
}

/// `nz-number` (see [`nz_number`]).
#[inline(always)]
pub(super) fn nz_number_(i: &[u8]) -> PResult<'_, NonZeroU32> {
    match short_digits(i, 9).and_then(|(n, v)| Some((n, NonZeroU32::new(v as u32)?))) {
        Some((n, v)) => Ok((&i[n..], v)),
        None => nz_number(i),
    }
}

/// `number64` (see [`number64`]).
#[inline(always)]
fn number64_(i: &[u8]) -> PResult<'_, u64> {
    match short_digits(i, 18) {
        Some((n, v)) => Ok((&i[n..], v)),
        None => number64(i),
    }
}

/// The longest keyword matched by [`upper`].
const KW: usize = 24;

/// Copies `word` uppercased into `buf` for matching against keywords. A word longer than the
/// buffer gives the empty slice, which matches no keyword.
fn upper<'b>(word: &[u8], buf: &'b mut [u8; KW]) -> &'b [u8] {
    if word.len() > KW {
        return &[];
    }
    // A loop, not copy_from_slice: keywords are short and a memcpy call costs more.
    for (d, &c) in buf.iter_mut().zip(word) {
        *d = c.to_ascii_uppercase();
    }
    &buf[..word.len()]
}

/// A keyword: letters, digits, `.` and `-` (`RFC822.SIZE`, `READ-WRITE`). May be empty.
fn word(i: &[u8]) -> (&[u8], &[u8]) {
    let n = i
        .iter()
        .position(|&c| !(c.is_ascii_alphanumeric() || c == b'.' || c == b'-'))
        .unwrap_or(i.len());
    (&i[n..], &i[..n])
}

/// Skips a run of spaces when the lenient-spaces quirk is on.
fn skip_sp<'a>(ctx: &Ctx, i: &'a [u8]) -> &'a [u8] {
    if ctx.opts.quirks.lenient_spaces {
        let n = i.iter().take_while(|&&c| c == b' ').count();
        &i[n..]
    } else {
        i
    }
}

/// `SP` followed by another element of the current sequence: the input after the space(s).
/// `None` when no space follows, or when the sequence ends after it (`)`, `]` or the end of the
/// line); the caller's `close`/`crlf` then accepts or refuses the trailing space according to the
/// lenient-spaces quirk.
pub(super) fn more<'a>(ctx: &Ctx, i: &'a [u8]) -> Option<&'a [u8]> {
    more_in(ctx, i, true)
}

/// [`more`] for a sequence at the top level of a line, where `]` cannot end anything and is an
/// `ASTRING-CHAR` like any other (`* QUOTAROOT INBOX ]`, a fuzz finding).
pub(super) fn more_on_line<'a>(ctx: &Ctx, i: &'a [u8]) -> Option<&'a [u8]> {
    more_in(ctx, i, false)
}

fn more_in<'a>(ctx: &Ctx, i: &'a [u8], in_code: bool) -> Option<&'a [u8]> {
    if i.first() != Some(&b' ') {
        return None;
    }
    let n = if ctx.opts.quirks.lenient_spaces {
        i.iter().take_while(|&&c| c == b' ').count()
    } else {
        1
    };
    let r = &i[n..];
    match r.first() {
        None | Some(b')' | b'\r' | b'\n') => None,
        // `]` ends a response code (`[CAPABILITY A B ]` with the lenient-spaces quirk) when a
        // space or the line end follows; otherwise it starts an astring (`(A ])`, `(a ]!)`).
        Some(b']') if in_code && matches!(r.get(1), None | Some(b' ' | b'\r' | b'\n')) => None,
        Some(_) => Some(r),
    }
}

/// What follows an element of a parenthesized list.
enum Step<'a> {
    /// `SP`: the next element starts here.
    Item(&'a [u8]),
    /// `)`: the list ended; the input after it.
    End(&'a [u8]),
}

fn step<'a>(ctx: &Ctx, r: &'a [u8]) -> Result<Step<'a>, nom::Err<PErr<'a>>> {
    if let Some(x) = more(ctx, r) {
        return Ok(Step::Item(x));
    }
    let (x, ()) = close(ctx, r)?;
    Ok(Step::End(x))
}

/// The rest of the input, for parsers that store their value through a reference.
pub(super) type Rest<'a> = Result<&'a [u8], nom::Err<PErr<'a>>>;

/// [`fail`] for a [`Rest`] parser.
fn fail_rest<'a>(i: &'a [u8], expected: &'static str) -> Rest<'a> {
    fail::<()>(i, expected).map(|(r, ())| r)
}

/// Whether the byte after an item ends it (SP, `)`, `]` or the end of the line).
fn at_item_end(i: &[u8]) -> bool {
    matches!(i.first(), None | Some(b' ' | b')' | b']' | b'\r' | b'\n'))
}

/// `SP nz-number`
fn sp_nz<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, NonZeroU32> {
    let (r, ()) = sp_(ctx, i)?;
    nz_number_(r)
}

/// A system flag name (after the backslash), uppercased, without allocating. `None` for
/// `flag-extension`s.
fn system_flag(upper_name: &[u8]) -> Option<Flag<'static>> {
    Some(match upper_name {
        b"ANSWERED" => Flag::Answered,
        b"FLAGGED" => Flag::Flagged,
        b"DELETED" => Flag::Deleted,
        b"SEEN" => Flag::Seen,
        b"DRAFT" => Flag::Draft,
        _ => return None,
    })
}

/// `flag` without the allocation of the shared `flag` parser; the flag is `\Recent` when the
/// boolean is set (then kept as a flag extension, as sent). System flags are matched on the bytes,
/// before any text is made.
fn flag_or_recent(i: &[u8]) -> PResult<'_, (Flag<'_>, bool)> {
    let (system, r) = match i.strip_prefix(b"\\") {
        Some(r) => (true, r),
        None => (false, i),
    };
    let n = r.iter().position(|&c| !is_atom_char(c)).unwrap_or(r.len());
    if n == 0 {
        return fail(r, "atom");
    }
    let (name, rest) = r.split_at(n);
    // Atom characters are ASCII, so this never fails.
    let atom = || Atom::unchecked(core::str::from_utf8(name).unwrap_or_default());
    if !system {
        return Ok((rest, (Flag::Keyword(atom()), false)));
    }
    let mut buf = [0; KW];
    let up = upper(name, &mut buf);
    Ok(match system_flag(up) {
        Some(f) => (rest, (f, false)),
        None => (rest, (Flag::Extension(atom()), up == b"RECENT")),
    })
}

/// `flag-fetch = flag / "\Recent"`
fn flag_fetch_r(i: &[u8]) -> PResult<'_, FlagFetch<'_>> {
    let (r, (f, recent)) = flag_or_recent(i)?;
    Ok((
        r,
        if recent {
            FlagFetch::Recent
        } else {
            FlagFetch::Flag(f)
        },
    ))
}

/// `flag` (a `\Recent` in a FLAGS list is kept as a flag extension).
fn flag_r(i: &[u8]) -> PResult<'_, Flag<'_>> {
    flag_or_recent(i).map(|(r, (f, _))| (r, f))
}

/// `flag-perm = flag / "\*"`
fn flag_perm_r(i: &[u8]) -> PResult<'_, FlagPerm<'_>> {
    if let Some(r) = i.strip_prefix(b"\\*") {
        return Ok((r, FlagPerm::Asterisk));
    }
    flag_r(i).map(|(r, f)| (r, FlagPerm::Flag(f)))
}

// ---------------------------------------------------------------------------------------------
// Entry points.
// ---------------------------------------------------------------------------------------------

/// `greeting = "*" SP (resp-cond-auth / resp-cond-bye) CRLF`
pub(crate) fn greeting<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, Greeting<'a>> {
    let (r, ()) = byte(b'*', "\"*\"")(i)?;
    let (r, ()) = sp_(ctx, r)?;
    let (r2, w) = word(r);
    let mut buf = [0; KW];
    let kind = match upper(w, &mut buf) {
        b"OK" => GreetingKind::Ok,
        b"PREAUTH" => GreetingKind::PreAuth,
        b"BYE" => GreetingKind::Bye,
        _ => return fail(r, "OK, PREAUTH or BYE"),
    };
    let (r, (code, text)) = cond_text(ctx, r2)?;
    let (r, ()) = crlf(ctx, r)?;
    Ok((r, Greeting { kind, code, text }))
}

/// `response-data / response-tagged / response-fatal / continue-req`, one of them.
pub(crate) fn response<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, Response<'a>> {
    any_response(ctx, i, false)
}

/// Like [`response`], but a continuation request with base64 text is a SASL challenge.
pub(crate) fn challenge<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, Response<'a>> {
    any_response(ctx, i, true)
}

fn any_response<'a>(ctx: &Ctx, i: &'a [u8], sasl: bool) -> PResult<'a, Response<'a>> {
    match i.first() {
        Some(b'+') => {
            let (r, c) = continue_req(ctx, &i[1..], sasl)?;
            Ok((r, Response::Continuation(c)))
        }
        Some(b'*') => {
            let (r, ()) = sp_(ctx, &i[1..])?;
            untagged(ctx, r)
        }
        _ => tagged(ctx, i),
    }
}

/// `continue-req = "+" SP (resp-text / base64) CRLF`, after the `+`.
fn continue_req<'a>(ctx: &Ctx, i: &'a [u8], sasl: bool) -> PResult<'a, Continuation<'a>> {
    let r = match i.first() {
        Some(b' ') => sp_(ctx, i)?.0,
        // "+" CRLF: tolerated (bare-continuation quirk).
        Some(b'\r' | b'\n') if ctx.opts.quirks.bare_continuation => i,
        _ => return fail(i, "SP after \"+\""),
    };
    if sasl {
        if let Ok((r2, data)) = base64_line(r) {
            let (r2, ()) = crlf(ctx, r2)?;
            return Ok((r2, Continuation::Base64(mailwire_core::Secret::new(data))));
        }
    }
    let (r, (code, text)) = resp_text(ctx, r)?;
    let (r, ()) = crlf(ctx, r)?;
    Ok((r, Continuation::Basic { code, text }))
}

/// `response-tagged = tag SP resp-cond-state CRLF`
fn tagged<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, Response<'a>> {
    let (r, tag) = tag(i)?;
    let (r, ()) = sp_(ctx, r)?;
    let (r2, w) = word(r);
    let mut buf = [0; KW];
    let kind = match upper(w, &mut buf) {
        b"OK" => StatusKind::Ok,
        b"NO" => StatusKind::No,
        b"BAD" => StatusKind::Bad,
        _ => return fail(r, "OK, NO or BAD"),
    };
    let (r, (code, text)) = cond_text(ctx, r2)?;
    let (r, ()) = crlf(ctx, r)?;
    Ok((
        r,
        Response::Status(Status::Tagged {
            tag,
            kind,
            code,
            text,
        }),
    ))
}

/// After `"*" SP`: a status, BYE, or untagged data.
fn untagged<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, Response<'a>> {
    if i.first().is_some_and(u8::is_ascii_digit) {
        let (r, d) = message_data(ctx, i)?;
        let (r, ()) = crlf(ctx, r)?;
        return Ok((r, Response::Data(d)));
    }
    let (r, w) = word(i);
    let mut buf = [0; KW];
    let status = |kind| -> PResult<'a, Response<'a>> {
        let (r, (code, text)) = cond_text(ctx, r)?;
        let (r, ()) = crlf(ctx, r)?;
        Ok((r, Response::Status(Status::Untagged { kind, code, text })))
    };
    let (r, data) = match upper(w, &mut buf) {
        b"OK" => return status(StatusKind::Ok),
        b"NO" => return status(StatusKind::No),
        b"BAD" => return status(StatusKind::Bad),
        b"BYE" => {
            let (r, (code, text)) = cond_text(ctx, r)?;
            let (r, ()) = crlf(ctx, r)?;
            return Ok((r, Response::Status(Status::Bye { code, text })));
        }
        b"CAPABILITY" => capabilities(ctx, r).map(|(r, c)| (r, Data::Capability(c)))?,
        b"ENABLED" => enabled(ctx, r)?,
        b"LIST" => {
            let (r, ()) = sp_(ctx, r)?;
            mailbox_list(ctx, r).map(|(r, l)| (r, Data::List(l)))?
        }
        b"LSUB" => {
            let (r, ()) = sp_(ctx, r)?;
            mailbox_list(ctx, r).map(|(r, l)| (r, Data::Lsub(l)))?
        }
        b"NAMESPACE" => namespace_response(ctx, r)?,
        b"STATUS" => status_response(ctx, r)?,
        b"ESEARCH" => esearch(ctx, r)?,
        b"SEARCH" => search(ctx, r)?,
        b"VANISHED" => response_ext::vanished(ctx, r)?,
        b"SORT" => response_ext::sort_data(ctx, r)?,
        b"THREAD" => response_ext::thread_data(ctx, r)?,
        b"FLAGS" => {
            let (r, ()) = sp_(ctx, r)?;
            paren_list(ctx, r, flag_r).map(|(r, f)| (r, Data::Flags(f)))?
        }
        b"ID" => admin::id(ctx, r)?,
        b"QUOTA" => admin::quota(ctx, r)?,
        b"QUOTAROOT" => admin::quotaroot(ctx, r)?,
        b"METADATA" => admin::metadata(ctx, r)?,
        b"ACL" => admin::acl(ctx, r)?,
        b"LISTRIGHTS" => admin::listrights(ctx, r)?,
        b"MYRIGHTS" => admin::myrights(ctx, r)?,
        // Valid only as the greeting (RFC 9051 §7.1.4), so not an unknown response.
        b"PREAUTH" => return fail(i, "status or untagged data"),
        _ => admin::other(ctx, i, None)?,
    };
    let (r, ()) = crlf(ctx, r)?;
    Ok((r, Response::Data(data)))
}

// ---------------------------------------------------------------------------------------------
// resp-text and response codes.
// ---------------------------------------------------------------------------------------------

/// `SP resp-text` after OK/NO/BAD/BYE/PREAUTH. A missing SP before the end of the line is
/// tolerated (empty text).
fn cond_text<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, (Option<Code<'a>>, Text<'a>)> {
    match i.first() {
        Some(b' ') => {
            let (r, ()) = sp_(ctx, i)?;
            resp_text(ctx, r)
        }
        Some(b'\r' | b'\n') => Ok((i, (None, Text::empty()))),
        _ => fail(i, "SP"),
    }
}

/// `resp-text = ["[" resp-text-code "]" SP] [text]`. The SP after `]` may be missing. A `[`
/// that does not start a well-formed code is part of the text.
fn resp_text<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, (Option<Code<'a>>, Text<'a>)> {
    if let Some(r) = i.strip_prefix(b"[") {
        if let Ok((r, c)) = code(ctx, r) {
            let r = if r.first() == Some(&b' ') {
                sp_(ctx, r)?.0
            } else {
                r
            };
            let (r, t) = text(ctx, r)?;
            return Ok((r, (Some(c), t)));
        }
    }
    let (r, t) = text(ctx, i)?;
    Ok((r, (None, t)))
}

/// `resp-text-code "]"`, after the `[`. A known code whose arguments do not parse becomes
/// [`Code::Other`] with its raw arguments, so the response still decodes and re-encodes as sent.
fn code<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, Code<'a>> {
    let (r, name) = atom(i)?;
    let mut buf = [0; KW];
    let up = upper(name.as_str().as_bytes(), &mut buf);
    if let Ok((r2, c)) = known_code(ctx, up, r) {
        if let Some(r3) = r2.strip_prefix(b"]") {
            return Ok((r3, c));
        }
    }
    other_code(name, r)
}

/// `atom [SP 1*<any TEXT-CHAR except "]">] "]"`
fn other_code<'a>(name: Atom<'a>, r: &'a [u8]) -> PResult<'a, Code<'a>> {
    match r.first() {
        Some(b']') => Ok((&r[1..], Code::Other { name, text: None })),
        Some(b' ') => {
            let body = &r[1..];
            match body
                .iter()
                .position(|&c| matches!(c, b']' | b'\r' | b'\n' | 0))
            {
                Some(n) if body[n] == b']' => Ok((
                    &body[n + 1..],
                    Code::Other {
                        name,
                        text: Some(Text::unchecked(&body[..n])),
                    },
                )),
                _ => fail(r, "\"]\""),
            }
        }
        _ => fail(r, "SP or \"]\""),
    }
}

/// The arguments of a known code (`name` uppercased), up to (not including) the `]`.
fn known_code<'a>(ctx: &Ctx, name: &[u8], r: &'a [u8]) -> PResult<'a, Code<'a>> {
    let code = match name {
        b"ALERT" => Code::Alert,
        b"PARSE" => Code::Parse,
        b"READ-ONLY" => Code::ReadOnly,
        b"READ-WRITE" => Code::ReadWrite,
        b"TRYCREATE" => Code::TryCreate,
        b"UIDNOTSTICKY" => Code::UidNotSticky,
        b"CLOSED" => Code::Closed,
        b"UNKNOWN-CTE" => Code::UnknownCte,
        b"USEATTR" => Code::UseAttr,
        b"COMPRESSIONACTIVE" => Code::CompressionActive,
        b"METADATA" => return admin::metadata_code(ctx, r),
        b"UIDNEXT" => return sp_nz(ctx, r).map(|(r, n)| (r, Code::UidNext(n))),
        b"UIDVALIDITY" => return sp_nz(ctx, r).map(|(r, n)| (r, Code::UidValidity(n))),
        b"UNSEEN" => return sp_nz(ctx, r).map(|(r, n)| (r, Code::Unseen(n))),
        b"BADCHARSET" => {
            if r.first() == Some(&b']') {
                return Ok((r, Code::BadCharset(None)));
            }
            let (r, ()) = sp_(ctx, r)?;
            let (r, list) = paren_list(ctx, r, |x| charset(ctx, x))?;
            return match Vec1::try_from(list) {
                Ok(v) => Ok((r, Code::BadCharset(Some(v)))),
                Err(_) => fail(r, "charset"),
            };
        }
        b"CAPABILITY" => return capabilities(ctx, r).map(|(r, c)| (r, Code::Capability(c))),
        b"PERMANENTFLAGS" => {
            let (r, ()) = sp_(ctx, r)?;
            return paren_list(ctx, r, flag_perm_r).map(|(r, f)| (r, Code::PermanentFlags(f)));
        }
        b"APPENDUID" => {
            let (r, uid_validity) = sp_nz(ctx, r)?;
            let (r, ()) = sp_(ctx, r)?;
            let (r, uids) = uid_set(r)?;
            return Ok((r, Code::AppendUid { uid_validity, uids }));
        }
        b"COPYUID" => {
            let (r, uid_validity) = sp_nz(ctx, r)?;
            let (r, ()) = sp_(ctx, r)?;
            let (r, source) = uid_set(r)?;
            let (r, ()) = sp_(ctx, r)?;
            let (r, destination) = uid_set(r)?;
            return Ok((
                r,
                Code::CopyUid {
                    uid_validity,
                    source,
                    destination,
                },
            ));
        }
        _ => match Condition::ALL.iter().find(|(_, n)| n.as_bytes() == name) {
            Some(&(c, _)) => Code::Condition(c),
            None => return response_ext::ext_code(ctx, name, r),
        },
    };
    Ok((r, code))
}

/// `uid-set`: a sequence set without `*` and `$`.
pub(super) fn uid_set(i: &[u8]) -> PResult<'_, SequenceSet> {
    let (r, set) = sequence_set(i)?;
    let ok = match &set {
        SequenceSet::LastResult => false,
        SequenceSet::Set(items) => items.iter().all(|s| match *s {
            Sequence::Single(a) => a != SeqOrUid::Asterisk,
            Sequence::Range(a, b) => a != SeqOrUid::Asterisk && b != SeqOrUid::Asterisk,
        }),
    };
    if ok { Ok((r, set)) } else { fail(i, "uid-set") }
}

/// `1*(SP capability)` (as in `capability-data` after its keyword).
fn capabilities<'a>(ctx: &Ctx, mut r: &'a [u8]) -> PResult<'a, Vec1<Capability<'a>>> {
    let mut caps = Vec::with_capacity(16);
    while let Some(x) = more(ctx, r) {
        let (x, c) = capability(x)?;
        caps.push(c);
        r = x;
    }
    if caps.is_empty() {
        return fail(r, "capability");
    }
    Ok((r, Vec1::unchecked(caps)))
}

// ---------------------------------------------------------------------------------------------
// Mailbox data.
// ---------------------------------------------------------------------------------------------

/// `enable-data = "ENABLED" *(SP capability)`, after the keyword.
fn enabled<'a>(ctx: &Ctx, mut r: &'a [u8]) -> PResult<'a, Data<'a>> {
    let mut v = Vec::new();
    while let Some(x) = more(ctx, r) {
        let (x, a) = atom(x)?;
        v.push(a);
        r = x;
    }
    Ok((r, Data::Enabled(v)))
}

/// `obsolete-search-response = "SEARCH" *(SP nz-number)`, after the keyword, with the
/// `SP "(" "MODSEQ" SP n ")"` of RFC 7162 §3.1.6.
fn search<'a>(ctx: &Ctx, r: &'a [u8]) -> PResult<'a, Data<'a>> {
    let (r, (v, mod_seq)) = response_ext::numbers_and_mod_seq(ctx, r)?;
    Ok((
        r,
        match mod_seq {
            Some(mod_seq) => Data::SearchModSeq {
                ids: Vec1::unchecked(v),
                mod_seq,
            },
            None => Data::Search(v),
        },
    ))
}

/// A LIST attribute: `\Noselect`, special-use and children names, any other `\atom`.
fn mbx_attribute(i: &[u8]) -> PResult<'_, MailboxAttribute<'_>> {
    let Some(r) = i.strip_prefix(b"\\") else {
        return fail(i, "mailbox attribute");
    };
    let (r, a) = atom(r)?;
    let mut buf = [0; KW];
    let attr = match upper(a.as_str().as_bytes(), &mut buf) {
        b"NOINFERIORS" => MailboxAttribute::NoInferiors,
        b"NOSELECT" => MailboxAttribute::NoSelect,
        b"MARKED" => MailboxAttribute::Marked,
        b"UNMARKED" => MailboxAttribute::Unmarked,
        b"NONEXISTENT" => MailboxAttribute::NonExistent,
        b"SUBSCRIBED" => MailboxAttribute::Subscribed,
        b"REMOTE" => MailboxAttribute::Remote,
        b"HASCHILDREN" => MailboxAttribute::HasChildren,
        b"HASNOCHILDREN" => MailboxAttribute::HasNoChildren,
        b"ALL" => MailboxAttribute::All,
        b"ARCHIVE" => MailboxAttribute::Archive,
        b"DRAFTS" => MailboxAttribute::Drafts,
        b"FLAGGED" => MailboxAttribute::Flagged,
        b"JUNK" => MailboxAttribute::Junk,
        b"SENT" => MailboxAttribute::Sent,
        b"TRASH" => MailboxAttribute::Trash,
        _ => MailboxAttribute::Extension(a),
    };
    Ok((r, attr))
}

/// `DQUOTE QUOTED-CHAR DQUOTE / nil` (any quoted string is accepted).
fn delimiter<'a>(i: &'a [u8]) -> PResult<'a, Option<Quoted<'a>>> {
    if i.first() == Some(&b'"') {
        return quoted_(i).map(|(r, q)| (r, Some(q)));
    }
    nil_(i).map(|(r, ())| (r, None))
}

/// `mailbox-list = "(" [mbx-list-flags] ")" SP (quoted-char / nil) SP mailbox
/// [SP mbox-list-extended]`
fn mailbox_list<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, MailboxList<'a>> {
    let (r, attributes) = paren_list(ctx, i, mbx_attribute)?;
    let (r, ()) = sp_(ctx, r)?;
    let (r, delimiter) = delimiter(r)?;
    let (r, ()) = sp_(ctx, r)?;
    let (r, mailbox) = mailbox(ctx, r)?;
    let (r, extended) = match more(ctx, r) {
        Some(x) if x.first() == Some(&b'(') => {
            let (x, e) = list_extended(ctx, x)?;
            (x, Some(e))
        }
        _ => (r, None),
    };
    Ok((
        r,
        MailboxList {
            attributes,
            delimiter,
            mailbox,
            extended,
        },
    ))
}

/// `mbox-list-extended = "(" [mbox-list-extended-item *(SP mbox-list-extended-item)] ")"`
fn list_extended<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, Vec<ListExtendedItem<'a>>> {
    paren_list(ctx, i, |x| {
        let (x, tag) = astring(ctx, x)?;
        let (x, ()) = sp_(ctx, x)?;
        let (x, value) = admin::list_extended_value(ctx, &tag, x)?;
        Ok((x, ListExtendedItem { tag, value }))
    })
}

/// `namespace-response = "NAMESPACE" SP namespace SP namespace SP namespace`, after the keyword.
fn namespace_response<'a>(ctx: &Ctx, r: &'a [u8]) -> PResult<'a, Data<'a>> {
    let (r, ()) = sp_(ctx, r)?;
    let (r, personal) = namespace(ctx, r)?;
    let (r, ()) = sp_(ctx, r)?;
    let (r, other) = namespace(ctx, r)?;
    let (r, ()) = sp_(ctx, r)?;
    let (r, shared) = namespace(ctx, r)?;
    Ok((
        r,
        Data::Namespace {
            personal,
            other,
            shared,
        },
    ))
}

/// `namespace = nil / "(" 1*namespace-descr ")"` (spaces between descriptions tolerated with
/// the lenient-spaces quirk).
fn namespace<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, Option<Vec1<NamespaceDescription<'a>>>> {
    let Some(mut r) = i.strip_prefix(b"(") else {
        return nil_(i).map(|(r, ())| (r, None));
    };
    let mut v = Vec::new();
    loop {
        r = skip_sp(ctx, r);
        match r.first() {
            Some(b'(') => {
                let (x, d) = namespace_descr(ctx, r)?;
                v.push(d);
                r = x;
            }
            Some(b')') if !v.is_empty() => return Ok((&r[1..], Some(Vec1::unchecked(v)))),
            _ => return fail(r, "namespace description"),
        }
    }
}

/// `namespace-descr = "(" string SP (quoted-char / nil) *namespace-response-extension ")"`
fn namespace_descr<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, NamespaceDescription<'a>> {
    let (r, ()) = open(i)?;
    let (r, prefix) = string_(ctx, r)?;
    let (r, ()) = sp_(ctx, r)?;
    let (mut r, delimiter) = delimiter(r)?;
    let mut extensions = Vec::new();
    // namespace-response-extension = SP string SP "(" string *(SP string) ")"
    while let Some(x) = more(ctx, r) {
        let (x, name) = string_(ctx, x)?;
        let (x, ()) = sp_(ctx, x)?;
        let (x, values) = string_list(ctx, x)?;
        extensions.push((name, values));
        r = x;
    }
    let (r, ()) = close(ctx, r)?;
    Ok((
        r,
        NamespaceDescription {
            prefix,
            delimiter,
            extensions,
        },
    ))
}

/// `"(" string *(SP string) ")"`
fn string_list<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, Vec1<IString<'a>>> {
    let (mut r, ()) = open(i)?;
    let mut v = Vec::new();
    loop {
        let (x, s) = string_(ctx, skip_sp(ctx, r))?;
        v.push(s);
        match step(ctx, x)? {
            Step::Item(y) => r = y,
            Step::End(y) => return Ok((y, Vec1::unchecked(v))),
        }
    }
}

/// `"STATUS" SP mailbox SP "(" [status-att-list] ")"`, after the keyword.
fn status_response<'a>(ctx: &Ctx, r: &'a [u8]) -> PResult<'a, Data<'a>> {
    let (r, ()) = sp_(ctx, r)?;
    let (r, mailbox) = mailbox(ctx, r)?;
    let (r, ()) = sp_(ctx, r)?;
    let (r, values) = paren_list(ctx, r, |x| status_att_val(ctx, x))?;
    Ok((r, Data::Status { mailbox, values }))
}

/// `status-att-val` (RFC 9051, plus RECENT from RFC 3501).
fn status_att_val<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, StatusValue> {
    let (r, w) = word(i);
    let mut buf = [0; KW];
    let up = upper(w, &mut buf);
    if !matches!(
        up,
        b"MESSAGES"
            | b"RECENT"
            | b"UIDNEXT"
            | b"UIDVALIDITY"
            | b"UNSEEN"
            | b"DELETED"
            | b"SIZE"
            | b"DELETED-STORAGE"
    ) || r.first().is_some_and(|&c| is_atom_char(c))
    {
        return response_ext::ext_status_att_val(ctx, up, i, r);
    }
    let (r, ()) = sp_(ctx, r)?;
    match up {
        b"MESSAGES" => number_(r).map(|(r, n)| (r, StatusValue::Messages(n))),
        b"RECENT" => number_(r).map(|(r, n)| (r, StatusValue::Recent(n))),
        b"UIDNEXT" => nz_number_(r).map(|(r, n)| (r, StatusValue::UidNext(n))),
        b"UIDVALIDITY" => nz_number_(r).map(|(r, n)| (r, StatusValue::UidValidity(n))),
        b"UNSEEN" => number_(r).map(|(r, n)| (r, StatusValue::Unseen(n))),
        b"DELETED" => number_(r).map(|(r, n)| (r, StatusValue::Deleted(n))),
        b"DELETED-STORAGE" => number64_(r).map(|(r, n)| (r, StatusValue::DeletedStorage(n))),
        _ => number64_(r).map(|(r, n)| (r, StatusValue::Size(n))),
    }
}

/// `esearch-response = "ESEARCH" [search-correlator] [SP "UID"] *(SP search-return-data)`,
/// after the keyword.
fn esearch<'a>(ctx: &Ctx, mut r: &'a [u8]) -> PResult<'a, Data<'a>> {
    let mut tag = None;
    // search-correlator = SP "(" "TAG" SP tag-string ")"
    if let Some(x) = more(ctx, r) {
        if let Some(x) = x.strip_prefix(b"(") {
            let (x, _) = kw("TAG")(x)?;
            let (x, ()) = sp_(ctx, x)?;
            let (x, t) = astring(ctx, x)?;
            let (x, ()) = close(ctx, x)?;
            tag = Some(t);
            r = x;
        }
    }
    let mut uid = false;
    if let Some(x) = more(ctx, r) {
        let (x2, w) = word(x);
        if w.eq_ignore_ascii_case(b"UID") && matches!(x2.first(), None | Some(b' ' | b'\r' | b'\n'))
        {
            uid = true;
            r = x2;
        }
    }
    let mut data = Vec::new();
    while let Some(x) = more(ctx, r) {
        let (x, d) = search_return_data(ctx, x)?;
        data.push(d);
        r = x;
    }
    Ok((r, Data::ESearch { tag, uid, data }))
}

/// `search-return-data`: MIN, MAX, ALL and COUNT typed, anything else (or a known item whose
/// value does not fit) as `search-ret-data-ext`.
fn search_return_data<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, SearchReturnData<'a>> {
    let (r, label) = tagged_label(i)?;
    let (r, ()) = sp_(ctx, r)?;
    let mut buf = [0; KW];
    let known = match upper(label.as_str().as_bytes(), &mut buf) {
        b"MIN" => nz_number_(r).map(|(x, n)| (x, SearchReturnData::Min(n))),
        b"MAX" => nz_number_(r).map(|(x, n)| (x, SearchReturnData::Max(n))),
        b"ALL" => sequence_set(r).map(|(x, s)| (x, SearchReturnData::All(s))),
        b"COUNT" => number_(r).map(|(x, n)| (x, SearchReturnData::Count(n))),
        b"MODSEQ" => super::command_ext::mod_seq(r).map(|(x, m)| (x, SearchReturnData::ModSeq(m))),
        _ => fail(r, ""),
    };
    if let Ok((x, d)) = known {
        if at_item_end(x) {
            return Ok((x, d));
        }
    }
    let (r, value) = ext_val(ctx, r, 0)?;
    Ok((r, SearchReturnData::Other(label, value)))
}

/// `tagged-ext-val = tagged-ext-simple / "(" [tagged-ext-comp] ")"`. Each parenthesis is one
/// nesting level.
///
/// (The shared `tagged_ext_val` is not used: its single-item path builds an empty `Vec1` eagerly,
/// which trips `Vec1::unchecked`'s debug assertion, and it swallows `TooDeep` after a SP.)
fn ext_val<'a>(ctx: &Ctx, i: &'a [u8], depth: usize) -> PResult<'a, TaggedExtValue<'a>> {
    if let Some(r) = i.strip_prefix(b"(") {
        let depth = ctx.deeper(i, depth)?;
        let r = skip_sp(ctx, r);
        if let Some(r) = r.strip_prefix(b")") {
            return Ok((r, TaggedExtValue::Comp(None)));
        }
        let (r, c) = ext_comp(ctx, r, depth)?;
        let (r, ()) = close(ctx, r)?;
        return Ok((r, TaggedExtValue::Comp(Some(c))));
    }
    // tagged-ext-simple = sequence-set / number / number64: a set when it is one (any 32-bit
    // non-zero number is), else a number (0, or beyond 32 bits).
    if let Ok((r, set)) = sequence_set(i) {
        if at_item_end(r) {
            return Ok((r, TaggedExtValue::Simple(TaggedExtSimple::SequenceSet(set))));
        }
    }
    number64_(i).map(|(r, n)| (r, TaggedExtValue::Simple(simple_number(n))))
}

/// `tagged-ext-comp = astring / tagged-ext-comp *(SP tagged-ext-comp) / "(" tagged-ext-comp ")"`
fn ext_comp<'a>(ctx: &Ctx, i: &'a [u8], depth: usize) -> PResult<'a, TaggedExtComp<'a>> {
    let (mut r, mut last) = ext_comp_one(ctx, i, depth)?;
    let mut many = Vec::new();
    while let Some(x) = more(ctx, r) {
        let (x, c) = ext_comp_one(ctx, x, depth)?;
        many.push(core::mem::replace(&mut last, c));
        r = x;
    }
    if many.is_empty() {
        return Ok((r, last));
    }
    many.push(last);
    Ok((r, TaggedExtComp::Many(Vec1::unchecked(many))))
}

/// `astring / "(" tagged-ext-comp ")"`
fn ext_comp_one<'a>(ctx: &Ctx, i: &'a [u8], depth: usize) -> PResult<'a, TaggedExtComp<'a>> {
    let Some(r) = i.strip_prefix(b"(") else {
        return astring(ctx, i).map(|(r, a)| (r, TaggedExtComp::AString(a)));
    };
    let depth = ctx.deeper(i, depth)?;
    let (r, c) = ext_comp(ctx, skip_sp(ctx, r), depth)?;
    let (r, ()) = close(ctx, r)?;
    Ok((r, TaggedExtComp::Paren(Box::new(c))))
}

// ---------------------------------------------------------------------------------------------
// Message data.
// ---------------------------------------------------------------------------------------------

/// `number SP ("EXISTS" / "RECENT" / "EXPUNGE" / "FETCH" SP msg-att)`
fn message_data<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, Data<'a>> {
    let (r, n) = number_(i)?;
    let (r, ()) = sp_(ctx, r)?;
    let (r2, w) = word(r);
    let mut buf = [0; KW];
    let nz = || match NonZeroU32::new(n) {
        Some(n) => Ok(n),
        None => Err(nom::Err::Error(PErr {
            input: i,
            kind: crate::codec::ErrorKind::Syntax {
                expected: "non-zero message number",
            },
        })),
    };
    match upper(w, &mut buf) {
        b"EXISTS" => Ok((r2, Data::Exists(n))),
        b"RECENT" => Ok((r2, Data::Recent(n))),
        b"EXPUNGE" => Ok((r2, Data::Expunge(nz()?))),
        b"FETCH" => {
            let seq = nz()?;
            let (r, ()) = sp_(ctx, r2)?;
            let (r, items) = msg_att(ctx, r)?;
            Ok((r, Data::Fetch { seq, items }))
        }
        b"UIDFETCH" => {
            let uid = nz()?;
            let (r, ()) = sp_(ctx, r2)?;
            let (r, items) = msg_att(ctx, r)?;
            Ok((r, Data::UidFetch { uid, items }))
        }
        _ => admin::other(ctx, r, Some(n)),
    }
}

/// `msg-att = "(" (msg-att-dynamic / msg-att-static) *(SP (msg-att-dynamic / msg-att-static)) ")"`
fn msg_att<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, Vec1<MessageDataItem<'a>>> {
    let (r, ()) = open(i)?;
    let mut r = skip_sp(ctx, r);
    // Items are large (hundreds of bytes): a short response gets a small vector (each item takes
    // at least eight bytes or so, like "UID 1 "), a long one room for eight.
    let mut items = Vec::with_capacity((r.len() / 8).clamp(1, 8));
    loop {
        let x = msg_att_item(ctx, r, &mut items)?;
        match step(ctx, x)? {
            Step::Item(y) => r = y,
            Step::End(y) => return Ok((y, Vec1::unchecked(items))),
        }
    }
}

/// One FETCH data item, pushed onto `out` (built in place: the items are large).
fn msg_att_item<'a>(ctx: &Ctx, i: &'a [u8], out: &mut Vec<MessageDataItem<'a>>) -> Rest<'a> {
    // The item name: atom characters up to a section's `[` (an unknown item is read whole).
    let n = i
        .iter()
        .position(|&c| !is_atom_char(c) || c == b'[')
        .unwrap_or(i.len());
    let (r, w) = (&i[n..], &i[..n]);
    let mut buf = [0; KW];
    let up = upper(w, &mut buf);
    // BODY[...] and BINARY[...] take no SP before their section.
    match up {
        b"BODY" if r.first() == Some(&b'[') => return body_section(ctx, r, out),
        b"BINARY" => return binary(ctx, r, out),
        b"BINARY.SIZE" => {
            let (r, section) = section_binary(r)?;
            let (r, ()) = sp_(ctx, r)?;
            let (r, size) = number_(r)?;
            out.push(MessageDataItem::BinarySize { section, size });
            return Ok(r);
        }
        _ => {}
    }
    // Each arm pushes its own variant, so that only its fields are written.
    let item_sp = |r: &'a [u8]| sp_(ctx, r).map(|(r, ())| r);
    let r = match up {
        b"BODYSTRUCTURE" => return body_item(ctx, item_sp(r)?, true, out),
        b"BODY" => return body_item(ctx, item_sp(r)?, false, out),
        b"UID" => {
            let (r, n) = nz_number_(item_sp(r)?)?;
            out.push(MessageDataItem::Uid(n));
            r
        }
        b"FLAGS" => {
            let (r, f) = paren_list(ctx, item_sp(r)?, flag_fetch_r)?;
            out.push(MessageDataItem::Flags(f));
            r
        }
        b"RFC822.SIZE" => {
            let (r, n) = number64_(item_sp(r)?)?;
            out.push(MessageDataItem::Rfc822Size(n));
            r
        }
        b"INTERNALDATE" => {
            let (r, d) = date_time(item_sp(r)?)?;
            out.push(MessageDataItem::InternalDate(d));
            r
        }
        b"ENVELOPE" => {
            let mut e = Box::new(empty_envelope());
            let r = envelope(ctx, item_sp(r)?, &mut e)?;
            out.push(MessageDataItem::Envelope(e));
            r
        }
        b"RFC822" => {
            let (r, s) = nstring_(ctx, item_sp(r)?)?;
            out.push(MessageDataItem::Rfc822(s));
            r
        }
        b"RFC822.HEADER" => {
            let (r, s) = nstring_(ctx, item_sp(r)?)?;
            out.push(MessageDataItem::Rfc822Header(s));
            r
        }
        b"RFC822.TEXT" => {
            let (r, s) = nstring_(ctx, item_sp(r)?)?;
            out.push(MessageDataItem::Rfc822Text(s));
            r
        }
        _ => return response_ext::ext_msg_att(ctx, up, i, r, out),
    };
    Ok(r)
}

/// `["<" number ">"]`: the origin octet of a partial FETCH response.
fn origin(r: &[u8]) -> PResult<'_, Option<u32>> {
    match r.strip_prefix(b"<") {
        Some(x) => {
            let (x, n) = number_(x)?;
            let (x, ()) = byte(b'>', "\">\"")(x)?;
            Ok((x, Some(n)))
        }
        None => Ok((r, None)),
    }
}

/// `"BODY" section ["<" number ">"] SP nstring`, after `BODY`.
fn body_section<'a>(ctx: &Ctx, i: &'a [u8], out: &mut Vec<MessageDataItem<'a>>) -> Rest<'a> {
    let (r, section) = section(ctx, i)?;
    let (r, origin) = origin(r)?;
    let (r, ()) = sp_(ctx, r)?;
    let (r, data) = nstring_(ctx, r)?;
    out.push(MessageDataItem::BodySection {
        section,
        origin,
        data,
    });
    Ok(r)
}

/// `"BINARY" section-binary ["<" number ">"] SP (nstring / literal8)`, after `BINARY` (the
/// origin is in the prose of RFC 3516 §4.3 and RFC 9051 §7.5.2, not in their ABNF).
fn binary<'a>(ctx: &Ctx, i: &'a [u8], out: &mut Vec<MessageDataItem<'a>>) -> Rest<'a> {
    let (r, section) = section_binary(i)?;
    let (r, origin) = origin(r)?;
    let (r, ()) = sp_(ctx, r)?;
    let (r, value) = if r.first() == Some(&b'~') {
        literal8(ctx, r).map(|(r, l)| (r, BinaryData::Literal8(l)))?
    } else {
        nstring_(ctx, r).map(|(r, s)| (r, BinaryData::NString(s)))?
    };
    out.push(MessageDataItem::Binary {
        section,
        origin,
        value,
    });
    Ok(r)
}

// ---------------------------------------------------------------------------------------------
// ENVELOPE.
// ---------------------------------------------------------------------------------------------

/// An envelope of NILs, to be filled in place by [`envelope`].
fn empty_envelope<'a>() -> Envelope<'a> {
    Envelope {
        date: NString(None),
        subject: NString(None),
        from: None,
        sender: None,
        reply_to: None,
        to: None,
        cc: None,
        bcc: None,
        in_reply_to: NString(None),
        message_id: NString(None),
    }
}

/// `envelope = "(" env-date SP env-subject SP env-from SP env-sender SP env-reply-to SP env-to
/// SP env-cc SP env-bcc SP env-in-reply-to SP env-message-id ")"`, into `e` (which the caller
/// has allocated in its final place).
fn envelope<'a>(ctx: &Ctx, i: &'a [u8], e: &mut Envelope<'a>) -> Rest<'a> {
    let (r, ()) = open(i)?;
    let (r, v) = nstring_(ctx, r)?;
    e.date = v;
    let (r, ()) = sp_(ctx, r)?;
    let (r, v) = nstring_(ctx, r)?;
    e.subject = v;
    let mut r = r;
    for list in [
        &mut e.from,
        &mut e.sender,
        &mut e.reply_to,
        &mut e.to,
        &mut e.cc,
        &mut e.bcc,
    ] {
        let (x, ()) = sp_(ctx, r)?;
        let (x, v) = address_list(ctx, x)?;
        *list = v;
        r = x;
    }
    let (r, ()) = sp_(ctx, r)?;
    let (r, v) = nstring_(ctx, r)?;
    e.in_reply_to = v;
    let (r, ()) = sp_(ctx, r)?;
    let (r, v) = nstring_(ctx, r)?;
    e.message_id = v;
    let (r, ()) = close(ctx, r)?;
    Ok(r)
}

/// `"(" 1*address ")" / nil`; `()` is tolerated as an empty list, and spaces between addresses
/// with the lenient-spaces quirk.
fn address_list<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, Option<Vec<Address<'a>>>> {
    let Some(mut r) = i.strip_prefix(b"(") else {
        return nil_(i).map(|(r, ())| (r, None));
    };
    let mut v = Vec::with_capacity(1);
    loop {
        r = skip_sp(ctx, r);
        match r.first() {
            Some(b'(') => r = address(ctx, r, &mut v)?,
            Some(b')') => return Ok((&r[1..], Some(v))),
            _ => return fail(r, "address or \")\""),
        }
    }
}

/// `address = "(" addr-name SP addr-adl SP addr-mailbox SP addr-host ")"`, pushed onto `out`
/// (filled in place).
#[inline]
fn address<'a>(ctx: &Ctx, i: &'a [u8], out: &mut Vec<Address<'a>>) -> Rest<'a> {
    let (r, ()) = open(i)?;
    let k = out.len();
    out.push(Address {
        name: NString(None),
        adl: NString(None),
        mailbox: NString(None),
        host: NString(None),
    });
    let a = &mut out[k];
    let (r, v) = nstring_(ctx, r)?;
    a.name = v;
    let (r, ()) = sp_(ctx, r)?;
    let (r, v) = nstring_(ctx, r)?;
    a.adl = v;
    let (r, ()) = sp_(ctx, r)?;
    let (r, v) = nstring_(ctx, r)?;
    a.mailbox = v;
    let (r, ()) = sp_(ctx, r)?;
    let (r, v) = nstring_(ctx, r)?;
    a.host = v;
    close(ctx, r).map(|(r, ())| r)
}

// ---------------------------------------------------------------------------------------------
// BODY / BODYSTRUCTURE.
// ---------------------------------------------------------------------------------------------

/// A cheap stand-in that a body structure is parsed into, in its final place (body structures
/// are large: building them where they are stored avoids copying them level by level).
fn placeholder<'a>() -> BodyStructure<'a> {
    BodyStructure::Single {
        fields: BasicFields {
            params: None,
            id: NString(None),
            description: NString(None),
            encoding: empty_string(),
            size: 0,
        },
        kind: SinglePartKind::Basic {
            media_type: empty_string(),
            subtype: empty_string(),
        },
        extension: None,
    }
}

fn empty_string<'a>() -> IString<'a> {
    IString::Quoted(Quoted::unchecked(Cow::Borrowed(&b""[..])))
}

/// `body` into a new last element of `out`.
fn body_push<'a>(
    ctx: &Ctx,
    i: &'a [u8],
    depth: usize,
    out: &mut Vec<BodyStructure<'a>>,
) -> Rest<'a> {
    let k = out.len();
    out.push(placeholder());
    body(ctx, i, depth, &mut out[k])
}

/// `body` into a new last FETCH item, `BODY` (`extensible` false) or `BODYSTRUCTURE`.
fn body_item<'a>(
    ctx: &Ctx,
    i: &'a [u8],
    extensible: bool,
    out: &mut Vec<MessageDataItem<'a>>,
) -> Rest<'a> {
    out.push(if extensible {
        MessageDataItem::BodyStructure(Box::new(placeholder()))
    } else {
        MessageDataItem::Body(Box::new(placeholder()))
    });
    match out.last_mut() {
        Some(MessageDataItem::BodyStructure(slot) | MessageDataItem::Body(slot)) => {
            body(ctx, i, 0, slot)
        }
        _ => fail_rest(i, "body"),
    }
}

/// `body = "(" (body-type-1part / body-type-mpart) ")"`, one nesting level deeper than `depth`,
/// into `slot` (a [`placeholder`]).
fn body<'a>(ctx: &Ctx, i: &'a [u8], depth: usize, slot: &mut BodyStructure<'a>) -> Rest<'a> {
    let depth = ctx.deeper(i, depth)?;
    let (r, ()) = open(i)?;
    if r.first() != Some(&b'(') {
        return body_single(ctx, r, depth, slot);
    }
    // body-type-mpart = 1*body SP media-subtype [SP body-ext-mpart]
    let mut parts = Vec::with_capacity(2);
    let mut r = body_push(ctx, r, depth, &mut parts)?;
    loop {
        // No SP between parts in the grammar; tolerated with the lenient-spaces quirk.
        let y = skip_sp(ctx, r);
        if y.first() != Some(&b'(') {
            break;
        }
        r = body_push(ctx, y, depth, &mut parts)?;
    }
    let (r, ()) = sp_(ctx, r)?;
    let (r, subtype) = string_(ctx, r)?;
    *slot = BodyStructure::Multi {
        parts: Vec1::unchecked(parts),
        subtype,
        extension: None,
    };
    let BodyStructure::Multi { extension, .. } = slot else {
        return fail_rest(r, "body");
    };
    let r = match more(ctx, r) {
        Some(x) => {
            let (x, params) = body_params(ctx, x)?;
            let ext = extension.insert(Box::new(MultiPartExtension { params, tail: None }));
            extension_tail(ctx, x, depth, &mut ext.tail)?
        }
        None => r,
    };
    let (r, ()) = close(ctx, r)?;
    Ok(r)
}

/// `body-type-1part = (body-type-basic / body-type-msg / body-type-text) [SP body-ext-1part]`,
/// then `)`, into `slot` (a [`placeholder`]).
fn body_single<'a>(ctx: &Ctx, r: &'a [u8], depth: usize, slot: &mut BodyStructure<'a>) -> Rest<'a> {
    if !matches!(slot, BodyStructure::Single { .. }) {
        *slot = placeholder();
    }
    let BodyStructure::Single {
        fields,
        kind,
        extension,
    } = slot
    else {
        return fail_rest(r, "body");
    };
    let (r, media_type) = string_(ctx, r)?;
    let (r, ()) = sp_(ctx, r)?;
    let (r, subtype) = string_(ctx, r)?;
    let (r, ()) = sp_(ctx, r)?;
    let r = body_fields(ctx, r, fields)?;
    let next = more(ctx, r).and_then(|x| x.first().copied());
    let ty = media_type.as_bytes();
    let r = if ty.eq_ignore_ascii_case(b"TEXT") && next.is_some_and(|c| c.is_ascii_digit()) {
        // body-type-text: the line count follows (without it, the part is kept as basic).
        let (r, ()) = sp_(ctx, r)?;
        let (r, lines) = number64_(r)?;
        *kind = SinglePartKind::Text { subtype, lines };
        r
    } else if ty.eq_ignore_ascii_case(b"MESSAGE")
        && (subtype.as_bytes().eq_ignore_ascii_case(b"RFC822")
            || subtype.as_bytes().eq_ignore_ascii_case(b"GLOBAL"))
        && next == Some(b'(')
    {
        // body-type-msg: envelope, body and line count follow (without them, basic).
        body_message(ctx, r, subtype, depth, kind)?
    } else {
        *kind = SinglePartKind::Basic {
            media_type,
            subtype,
        };
        r
    };
    let r = match more(ctx, r) {
        Some(x) => {
            let (x, md5) = nstring_(ctx, x)?;
            let ext = extension.insert(Box::new(SinglePartExtension { md5, tail: None }));
            extension_tail(ctx, x, depth, &mut ext.tail)?
        }
        None => r,
    };
    let (r, ()) = close(ctx, r)?;
    Ok(r)
}

/// `SP envelope SP body SP body-fld-lines` of a `message/rfc822` or `message/global` part.
fn body_message<'a>(
    ctx: &Ctx,
    r: &'a [u8],
    subtype: IString<'a>,
    depth: usize,
    kind: &mut SinglePartKind<'a>,
) -> Rest<'a> {
    let (r, ()) = sp_(ctx, r)?;
    let mut envelope = Box::new(empty_envelope());
    let r = self::envelope(ctx, r, &mut envelope)?;
    let (r, ()) = sp_(ctx, r)?;
    let mut inner = Box::new(placeholder());
    let r = body(ctx, r, depth, &mut inner)?;
    let (r, ()) = sp_(ctx, r)?;
    let (r, lines) = number64_(r)?;
    *kind = SinglePartKind::Message {
        subtype,
        envelope,
        body: inner,
        lines,
    };
    Ok(r)
}

/// `body-fields = body-fld-param SP body-fld-id SP body-fld-desc SP body-fld-enc SP
/// body-fld-octets`, into `f`.
#[inline]
fn body_fields<'a>(ctx: &Ctx, i: &'a [u8], f: &mut BasicFields<'a>) -> Rest<'a> {
    let (r, params) = body_params(ctx, i)?;
    f.params = params;
    let (r, ()) = sp_(ctx, r)?;
    let (r, id) = nstring_(ctx, r)?;
    f.id = id;
    let (r, ()) = sp_(ctx, r)?;
    let (r, description) = nstring_(ctx, r)?;
    f.description = description;
    let (r, ()) = sp_(ctx, r)?;
    let (r, encoding) = string_(ctx, r)?;
    f.encoding = encoding;
    let (r, ()) = sp_(ctx, r)?;
    let (r, size) = number_(r)?;
    f.size = size;
    Ok(r)
}

/// `body-fld-param = "(" string SP string *(SP string SP string) ")" / nil`; a NIL value is
/// tolerated with the nil-as-string quirk.
fn body_params<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, Params<'a>> {
    let Some(r) = i.strip_prefix(b"(") else {
        return nil_(i).map(|(r, ())| (r, None));
    };
    let mut r = skip_sp(ctx, r);
    // Most lists hold one pair (CHARSET, NAME, BOUNDARY, FILENAME).
    let mut v: Vec<(IString<'a>, NString<'a>)> = Vec::with_capacity(1);
    loop {
        // Filled in place, like addresses.
        let k = v.len();
        v.push((empty_string(), NString(None)));
        let pair = &mut v[k];
        let (x, name) = string_(ctx, r)?;
        pair.0 = name;
        let (x, ()) = sp_(ctx, x)?;
        let x = match x.first() {
            Some(b'"' | b'{') => {
                let (x, s) = string_(ctx, x)?;
                pair.1 = NString(Some(s));
                x
            }
            _ if ctx.opts.quirks.nil_as_string => nil_(x)?.0,
            _ => return fail(x, "string"),
        };
        match step(ctx, x)? {
            Step::Item(y) => r = y,
            Step::End(y) => return Ok((y, Some(Vec1::unchecked(v)))),
        }
    }
}

/// `[SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc *(SP body-extension)]]]`, into `out`.
fn extension_tail<'a>(
    ctx: &Ctx,
    r: &'a [u8],
    depth: usize,
    out: &mut Option<ExtensionTail<'a>>,
) -> Rest<'a> {
    let Some(x) = more(ctx, r) else {
        return Ok(r);
    };
    let (r, disposition) = body_disposition(ctx, x)?;
    let tail = out.insert(ExtensionTail {
        disposition,
        rest: None,
    });
    let Some(x) = more(ctx, r) else {
        return Ok(r);
    };
    let (r, language) = body_language(ctx, x)?;
    let rest = tail.rest.insert(LanguageTail {
        language,
        location: None,
    });
    let Some(x) = more(ctx, r) else {
        return Ok(r);
    };
    let (mut r, location) = nstring_(ctx, x)?;
    let loc = rest.location.insert(LocationTail {
        location,
        extensions: Vec::new(),
    });
    while let Some(x) = more(ctx, r) {
        let (x, e) = body_extension(ctx, x, depth)?;
        loc.extensions.push(e);
        r = x;
    }
    Ok(r)
}

/// `body-fld-dsp = "(" string SP body-fld-param ")" / nil`
fn body_disposition<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, Option<Disposition<'a>>> {
    let Some(r) = i.strip_prefix(b"(") else {
        return nil_(i).map(|(r, ())| (r, None));
    };
    let (r, kind) = string_(ctx, r)?;
    let (r, ()) = sp_(ctx, r)?;
    let (r, params) = body_params(ctx, r)?;
    let (r, ()) = close(ctx, r)?;
    Ok((r, Some(Disposition { kind, params })))
}

/// `body-fld-lang = nstring / "(" string *(SP string) ")"`
fn body_language<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, Language<'a>> {
    if i.first() == Some(&b'(') {
        return string_list(ctx, i).map(|(r, v)| (r, Language::List(v)));
    }
    nstring_(ctx, i).map(|(r, s)| (r, Language::Single(s)))
}

/// `body-extension = nstring / number / number64 / "(" body-extension *(SP body-extension) ")"`
fn body_extension<'a>(ctx: &Ctx, i: &'a [u8], depth: usize) -> PResult<'a, BodyExtension<'a>> {
    match i.first() {
        Some(b'(') => {
            let depth = ctx.deeper(i, depth)?;
            let mut r = skip_sp(ctx, &i[1..]);
            let mut v = Vec::new();
            loop {
                let (x, e) = body_extension(ctx, r, depth)?;
                v.push(e);
                match step(ctx, x)? {
                    Step::Item(y) => r = y,
                    Step::End(y) => return Ok((y, BodyExtension::List(Vec1::unchecked(v)))),
                }
            }
        }
        Some(c) if c.is_ascii_digit() => number64_(i).map(|(r, n)| (r, BodyExtension::Number(n))),
        _ => nstring_(ctx, i).map(|(r, s)| (r, BodyExtension::NString(s))),
    }
}
