//! Response parsers for the message-level extensions (client side): the VANISHED, SORT, THREAD
//! and UIDFETCH responses, the `(MODSEQ n)` suffix of SEARCH and SORT, the response codes, FETCH
//! data items and STATUS values of RFC 7162, RFC 8474, RFC 8514, RFC 8970, RFC 9586, RFC 7889
//! and Gmail's X-GM-EXT-1, and the opaque form of unknown FETCH items and STATUS values.
//!
//! THREAD lists and opaque values nest: both count each parenthesis against
//! [`Options::max_depth`](crate::codec::Options::max_depth); thread lists are read with a heap
//! stack rather than by recursion.

use std::borrow::Cow;
use std::num::NonZeroU32;

use super::command_ext::{mod_seq, mod_seq_valzer, number_u64, objectid};
use super::core::*;
use super::response::{Rest, more, nstring_, number_, nz_number_, sp_, string_, uid_set};
use crate::types::*;

/// `SP` then the rest.
fn after_sp<'a>(ctx: &Ctx, i: &'a [u8]) -> Rest<'a> {
    sp_(ctx, i).map(|(r, ())| r)
}

/// `"(" objectid ")"`
fn paren_objectid(i: &[u8]) -> PResult<'_, ObjectId<'_>> {
    let (r, ()) = open(i)?;
    let (r, o) = objectid(r)?;
    let (r, ()) = byte(b')', "\")\"")(r)?;
    Ok((r, o))
}

/// `"(" "MODSEQ" SP mod-sequence-value ")"` (RFC 7162 §7 `search-sort-mod-seq`).
fn search_sort_mod_seq<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, ModSeq> {
    let (r, ()) = open(i)?;
    let (r, _) = kw("MODSEQ")(r)?;
    let (r, m) = mod_seq(after_sp(ctx, r)?)?;
    let (r, ()) = close(ctx, r)?;
    Ok((r, m))
}

/// `*(SP nz-number) [SP search-sort-mod-seq]` after SEARCH or SORT; the mod-sequence only after
/// at least one number (RFC 7162 §7 `mailbox-data =/ "SEARCH" [1*(SP nz-number) SP
/// search-sort-mod-seq]`).
pub(super) fn numbers_and_mod_seq<'a>(
    ctx: &Ctx,
    mut r: &'a [u8],
) -> PResult<'a, (Vec<NonZeroU32>, Option<ModSeq>)> {
    let mut v = Vec::new();
    while let Some(x) = more(ctx, r) {
        if x.first() == Some(&b'(') && !v.is_empty() {
            let (x, m) = search_sort_mod_seq(ctx, x)?;
            return Ok((x, (v, Some(m))));
        }
        let (x, n) = nz_number_(x)?;
        v.push(n);
        r = x;
    }
    Ok((r, (v, None)))
}

/// `"SORT" *(SP nz-number) [SP search-sort-mod-seq]`, after the keyword.
pub(super) fn sort_data<'a>(ctx: &Ctx, r: &'a [u8]) -> PResult<'a, Data<'a>> {
    let (r, (ids, mod_seq)) = numbers_and_mod_seq(ctx, r)?;
    Ok((
        r,
        match mod_seq {
            Some(mod_seq) => Data::SortModSeq {
                ids: Vec1::unchecked(ids),
                mod_seq,
            },
            None => Data::Sort(ids),
        },
    ))
}

/// `expunged-resp = "VANISHED" [SP "(EARLIER)"] SP known-uids`, after the keyword.
pub(super) fn vanished<'a>(ctx: &Ctx, r: &'a [u8]) -> PResult<'a, Data<'a>> {
    let mut r = after_sp(ctx, r)?;
    let mut earlier = false;
    if r.first() == Some(&b'(') {
        let (x, _) = kw("(EARLIER)")(r)?;
        earlier = true;
        r = after_sp(ctx, x)?;
    }
    let (r, uids) = uid_set(r)?;
    Ok((r, Data::Vanished { earlier, uids }))
}

/// A thread list being read.
struct Frame {
    ids: Vec<NonZeroU32>,
    nested: Vec<ThreadList>,
}

/// `thread-data = "THREAD" [SP 1*thread-list]`, after the keyword.
pub(super) fn thread_data<'a>(ctx: &Ctx, r: &'a [u8]) -> PResult<'a, Data<'a>> {
    let mut threads = Vec::new();
    let Some(mut r) = more(ctx, r) else {
        return Ok((r, Data::Thread(threads)));
    };
    loop {
        let (x, t) = thread_list(ctx, r)?;
        threads.push(t);
        r = x;
        // 1*thread-list: no SP between lists (tolerated with the lenient-spaces quirk).
        let y = skip_sp_lenient(ctx, r);
        if y.first() != Some(&b'(') {
            return Ok((r, Data::Thread(threads)));
        }
        r = y;
    }
}

fn skip_sp_lenient<'a>(ctx: &Ctx, i: &'a [u8]) -> &'a [u8] {
    if ctx.opts.quirks.lenient_spaces {
        &i[i.iter().take_while(|&&c| c == b' ').count()..]
    } else {
        i
    }
}

/// `thread-list = "(" (thread-members / thread-nested) ")"`, read without recursion.
fn thread_list<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, ThreadList> {
    let mut stack: Vec<Frame> = Vec::new();
    let mut r = i;
    loop {
        match r.first() {
            Some(b'(') => {
                ctx.deeper(r, stack.len())?;
                stack.push(Frame {
                    ids: Vec::new(),
                    nested: Vec::new(),
                });
                r = &r[1..];
            }
            Some(c) if c.is_ascii_digit() => {
                let top = stack.last_mut().filter(|f| f.nested.is_empty());
                let Some(top) = top else {
                    return fail(r, "\"(\" or \")\"");
                };
                let (x, n) = nz_number_(r)?;
                top.ids.push(n);
                r = match more(ctx, x) {
                    Some(y) => y,
                    None => skip_sp_lenient(ctx, x),
                };
            }
            Some(b')') => {
                let Some(f) = stack.pop() else {
                    return fail(r, "\"(\"");
                };
                let t = match (Vec1::try_from(f.ids), Vec1::try_from(f.nested)) {
                    (Ok(ids), nested) => ThreadList::Members {
                        ids,
                        nested: nested.map(Vec1::into_vec).unwrap_or_default(),
                    },
                    (Err(_), Ok(nested)) => ThreadList::Nested(nested),
                    (Err(_), Err(_)) => return fail(r, "thread member"),
                };
                r = &r[1..];
                match stack.last_mut() {
                    None => return Ok((r, t)),
                    Some(parent) => {
                        parent.nested.push(t);
                        let y = skip_sp_lenient(ctx, r);
                        if matches!(y.first(), Some(b'(' | b')')) {
                            r = y;
                        }
                    }
                }
            }
            _ => return fail(r, "thread list"),
        }
    }
}

/// The codes of the extensions (`name` upper-cased), up to the `]`.
pub(super) fn ext_code<'a>(ctx: &Ctx, name: &[u8], r: &'a [u8]) -> PResult<'a, Code<'a>> {
    match name {
        b"HIGHESTMODSEQ" => mod_seq(after_sp(ctx, r)?).map(|(r, m)| (r, Code::HighestModSeq(m))),
        b"NOMODSEQ" => Ok((r, Code::NoModSeq)),
        b"MODIFIED" => sequence_set(after_sp(ctx, r)?).map(|(r, s)| (r, Code::Modified(s))),
        b"MAILBOXID" => paren_objectid(after_sp(ctx, r)?).map(|(r, o)| (r, Code::MailboxId(o))),
        b"UIDREQUIRED" => Ok((r, Code::UidRequired)),
        b"TOOBIG" => Ok((r, Code::TooBig)),
        _ => fail(r, "known response code"),
    }
}

/// The STATUS values of the extensions (`up` is the attribute name, upper-cased; `i` the input
/// at the name, `r` after it); any other attribute is kept as [`StatusValue::Other`].
pub(super) fn ext_status_att_val<'a>(
    ctx: &Ctx,
    up: &[u8],
    i: &'a [u8],
    r: &'a [u8],
) -> PResult<'a, StatusValue> {
    let known = !r.first().is_some_and(|&c| is_atom_char(c));
    match up {
        b"HIGHESTMODSEQ" if known => {
            mod_seq_valzer(after_sp(ctx, r)?).map(|(r, m)| (r, StatusValue::HighestModSeq(m)))
        }
        b"MAILBOXID" if known => paren_objectid(after_sp(ctx, r)?)
            .map(|(r, o)| (r, StatusValue::MailboxId(o.into_static()))),
        b"APPENDLIMIT" if known => {
            let r = after_sp(ctx, r)?;
            if r.first().is_some_and(u8::is_ascii_digit) {
                number_(r).map(|(r, n)| (r, StatusValue::AppendLimit(Some(n))))
            } else {
                nil(r).map(|(r, ())| (r, StatusValue::AppendLimit(None)))
            }
        }
        _ => {
            let (r, name) = atom(i)?;
            let (r, value) = opaque(ctx, after_sp(ctx, r)?, 0)?;
            Ok((
                r,
                StatusValue::Other {
                    name: name.into_static(),
                    value: value.into_static(),
                },
            ))
        }
    }
}

/// An [`OpaqueValue`]: a token, a string, a literal8, or a parenthesized list of them. Each
/// parenthesis is one nesting level.
pub(super) fn opaque<'a>(ctx: &Ctx, i: &'a [u8], depth: usize) -> PResult<'a, OpaqueValue<'a>> {
    match i.first() {
        Some(b'(') => {
            let depth = ctx.deeper(i, depth)?;
            let mut r = skip_sp_lenient(ctx, &i[1..]);
            let mut v = Vec::new();
            if let Some(x) = r.strip_prefix(b")") {
                return Ok((x, OpaqueValue::List(v)));
            }
            loop {
                let (x, item) = opaque(ctx, r, depth)?;
                v.push(item);
                if x.first() == Some(&b' ') {
                    let y = if ctx.opts.quirks.lenient_spaces {
                        skip_sp_lenient(ctx, x)
                    } else {
                        &x[1..]
                    };
                    if y.first() != Some(&b')') {
                        r = y;
                        continue;
                    }
                }
                let (x, ()) = close(ctx, x)?;
                return Ok((x, OpaqueValue::List(v)));
            }
        }
        Some(b'"' | b'{') => string_(ctx, i).map(|(r, s)| (r, OpaqueValue::String(s))),
        Some(b'~') if i.get(1) == Some(&b'{') => {
            literal8(ctx, i).map(|(r, l)| (r, OpaqueValue::Literal8(l)))
        }
        _ => {
            let n = i.iter().take_while(|&&c| is_token_char(c)).count();
            match core::str::from_utf8(&i[..n]) {
                Ok(s) if n > 0 => Ok((&i[n..], OpaqueValue::Token(OpaqueToken::unchecked(s)))),
                _ => fail(i, "value"),
            }
        }
    }
}

/// The FETCH data items of the extensions (`up` is the item name, upper-cased; `i` the input at
/// the name, `r` after it), pushed onto `out`; any other name is kept as
/// [`MessageDataItem::Other`].
pub(super) fn ext_msg_att<'a>(
    ctx: &Ctx,
    up: &[u8],
    i: &'a [u8],
    r: &'a [u8],
    out: &mut Vec<MessageDataItem<'a>>,
) -> Rest<'a> {
    use MessageDataItem as M;
    let (r, item) = match up {
        b"MODSEQ" => {
            let (r, ()) = open(after_sp(ctx, r)?)?;
            let (r, m) = mod_seq(r)?;
            let (r, ()) = close(ctx, r)?;
            (r, M::ModSeq(m))
        }
        b"SAVEDATE" => {
            let r = after_sp(ctx, r)?;
            if r.first() == Some(&b'"') {
                date_time(r).map(|(r, d)| (r, M::SaveDate(Some(d))))?
            } else {
                nil(r).map(|(r, ())| (r, M::SaveDate(None)))?
            }
        }
        b"EMAILID" => paren_objectid(after_sp(ctx, r)?).map(|(r, o)| (r, M::EmailId(o)))?,
        b"THREADID" => {
            let r = after_sp(ctx, r)?;
            if r.first() == Some(&b'(') {
                paren_objectid(r).map(|(r, o)| (r, M::ThreadId(Some(o))))?
            } else {
                nil(r).map(|(r, ())| (r, M::ThreadId(None)))?
            }
        }
        b"PREVIEW" => nstring_(ctx, after_sp(ctx, r)?).map(|(r, s)| (r, M::Preview(s)))?,
        b"X-GM-MSGID" => number_u64(after_sp(ctx, r)?).map(|(r, n)| (r, M::GmailMsgId(n)))?,
        b"X-GM-THRID" => number_u64(after_sp(ctx, r)?).map(|(r, n)| (r, M::GmailThrId(n)))?,
        b"X-GM-LABELS" => {
            let r = after_sp(ctx, r)?;
            paren_list(ctx, r, |x| gmail_label_r(ctx, x)).map(|(r, l)| (r, M::GmailLabels(l)))?
        }
        _ => {
            let n = i
                .iter()
                .take_while(|&&c| is_atom_char(c) && c != b'[')
                .count();
            let Ok(name) = core::str::from_utf8(&i[..n]) else {
                return fail::<()>(i, "FETCH data item").map(|(r, ())| r);
            };
            if n == 0 {
                return fail::<()>(i, "FETCH data item").map(|(r, ())| r);
            }
            let (r, value) = opaque(ctx, after_sp(ctx, &i[n..])?, 0)?;
            (
                r,
                M::Other {
                    name: Atom::unchecked(Cow::Borrowed(name)),
                    value,
                },
            )
        }
    };
    out.push(item);
    Ok(r)
}

/// A Gmail label in a response: `\atom` or astring.
fn gmail_label_r<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, GmailLabel<'a>> {
    match i.strip_prefix(b"\\") {
        Some(r) => atom(r).map(|(r, a)| (r, GmailLabel::System(a))),
        None => astring(ctx, i).map(|(r, a)| (r, GmailLabel::Label(a))),
    }
}
