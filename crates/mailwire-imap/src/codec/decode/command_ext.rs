//! Command parsers for the message-level extensions (server side): the RFC 4466 parameter lists
//! of SELECT/EXAMINE, FETCH and STORE (typed for CONDSTORE and QRESYNC, RFC 7162), MULTIAPPEND
//! (RFC 3502) with the UTF8 data item (RFC 6855) and `append-ext`s, SORT and THREAD (RFC 5256),
//! the search keys of RFC 7162, RFC 5032, RFC 8514, RFC 8474 and Gmail's X-GM-EXT-1, and the
//! FETCH attributes those extensions add.

use super::command::{NAME_MAX, ext_value, more, non_empty, search_key, then_sp, upcase, word};
use super::core::*;
use super::response::uid_set;
use crate::codec::ErrorKind;
use crate::types::*;

// ---------------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------------

/// `mod-sequence-value`: 1 ..= 2^63 - 1.
pub(super) fn mod_seq(i: &[u8]) -> PResult<'_, ModSeq> {
    let (r, n) = nz_number64(i)?;
    match ModSeq::new(n.get()) {
        Ok(m) => Ok((r, m)),
        Err(_) => cut(i, ErrorKind::Number),
    }
}

/// `mod-sequence-valzer`: 0 ..= 2^63 - 1.
pub(super) fn mod_seq_valzer(i: &[u8]) -> PResult<'_, ModSeqValzer> {
    let (r, n) = number64(i)?;
    match ModSeqValzer::new(n) {
        Ok(m) => Ok((r, m)),
        Err(_) => cut(i, ErrorKind::Number),
    }
}

/// An unsigned 64-bit decimal number (Gmail's X-GM-MSGID and X-GM-THRID).
pub(super) fn number_u64(i: &[u8]) -> PResult<'_, u64> {
    let n = i.iter().take(21).take_while(|c| c.is_ascii_digit()).count();
    if n == 0 {
        return fail(i, "number");
    }
    let v = i[..n].iter().try_fold(0u64, |acc, &c| {
        acc.checked_mul(10)?.checked_add(u64::from(c - b'0'))
    });
    match v {
        Some(v) if n <= 20 => Ok((&i[n..], v)),
        _ => cut(i, ErrorKind::Number),
    }
}

/// `objectid = 1*255(ALPHA / DIGIT / "_" / "-")` (RFC 8474 §7).
pub(super) fn objectid(i: &[u8]) -> PResult<'_, ObjectId<'_>> {
    let n = i
        .iter()
        .take(256)
        .take_while(|&&c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
        .count();
    if n == 0 || n > 255 {
        return fail(i, "objectid");
    }
    // Only ASCII was taken.
    match core::str::from_utf8(&i[..n]) {
        Ok(s) => Ok((&i[n..], ObjectId::unchecked(s))),
        Err(_) => fail(i, "objectid"),
    }
}

/// A Gmail label: `\atom` (system label) or astring.
pub(super) fn gmail_label<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, GmailLabel<'a>> {
    match i.strip_prefix(b"\\") {
        Some(r) => atom(r).map(|(r, a)| (r, GmailLabel::System(a))),
        None => astring(ctx, i).map(|(r, a)| (r, GmailLabel::Label(a))),
    }
}

/// `SP "(" x *(SP x) ")"` if a parenthesized list follows a space; `Ok((i, None))` otherwise.
fn sp_paren_list<'a, T>(
    ctx: &Ctx,
    i: &'a [u8],
    item: impl FnMut(&'a [u8]) -> PResult<'a, T>,
) -> PResult<'a, Option<Vec1<T>>> {
    if !(peek_sp(i) && more(ctx, i)) {
        return Ok((i, None));
    }
    let x = then_sp(ctx, i)?;
    if x.first() != Some(&b'(') {
        return Ok((i, None));
    }
    let (r, items) = paren_list(ctx, x, item)?;
    Ok((r, Some(non_empty(x, items, "parameter")?)))
}

// ---------------------------------------------------------------------------------------------
// SELECT / EXAMINE parameters, FETCH and STORE modifiers (RFC 4466 §2.1, RFC 7162)
// ---------------------------------------------------------------------------------------------

/// `[select-params]` after the mailbox: `SP "(" select-param *(SP select-param) ")"`.
#[inline(never)]
pub(super) fn select_params<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, Vec<SelectParam<'a>>> {
    let (r, params) = sp_paren_list(ctx, i, |x| select_param(ctx, x))?;
    Ok((r, params.map(Vec1::into_vec).unwrap_or_default()))
}

/// `select-param = select-param-name [SP select-param-value]`.
fn select_param<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, SelectParam<'a>> {
    let (r, label) = tagged_label(i)?;
    let mut buf = [0u8; NAME_MAX];
    match upcase(label.as_str().as_bytes(), &mut buf) {
        b"CONDSTORE" => Ok((r, SelectParam::Condstore)),
        b"QRESYNC" => {
            let (r, q) = qresync(ctx, then_sp(ctx, r)?)?;
            Ok((r, SelectParam::Qresync(q)))
        }
        _ => {
            let (r, value) = ext_value(ctx, r, true)?;
            Ok((r, SelectParam::Other(label, value)))
        }
    }
}

/// `"(" uidvalidity SP mod-sequence-value [SP known-uids] [SP seq-match-data] ")"`.
fn qresync<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, QresyncParam> {
    let (r, ()) = open(i)?;
    let (r, uid_validity) = nz_number(r)?;
    let (r, mod_seq) = mod_seq(then_sp(ctx, r)?)?;
    let mut r = r;
    let mut known_uids = None;
    let mut seq_match = None;
    if peek_sp(r) {
        let x = then_sp(ctx, r)?;
        if x.first() != Some(&b'(') {
            let (x, set) = uid_set(x)?;
            known_uids = Some(set);
            r = x;
        }
    }
    if peek_sp(r) {
        // seq-match-data = "(" known-sequence-set SP known-uid-set ")"
        let x = then_sp(ctx, r)?;
        let (x, ()) = open(x)?;
        let (x, known_sequence_set) = uid_set(x)?;
        let (x, known_uid_set) = uid_set(then_sp(ctx, x)?)?;
        let (x, ()) = close(ctx, x)?;
        seq_match = Some(SeqMatchData {
            known_sequence_set,
            known_uid_set,
        });
        r = x;
    }
    let (r, ()) = close(ctx, r)?;
    Ok((
        r,
        QresyncParam {
            uid_validity,
            mod_seq,
            known_uids,
            seq_match,
        },
    ))
}

/// `[fetch-modifiers]` after the attributes.
pub(super) fn fetch_modifiers<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, Vec<FetchModifier<'a>>> {
    let (r, mods) = sp_paren_list(ctx, i, |x| {
        let (r, label) = tagged_label(x)?;
        let mut buf = [0u8; NAME_MAX];
        match upcase(label.as_str().as_bytes(), &mut buf) {
            b"CHANGEDSINCE" => {
                let (r, m) = mod_seq(then_sp(ctx, r)?)?;
                Ok((r, FetchModifier::ChangedSince(m)))
            }
            b"VANISHED" => Ok((r, FetchModifier::Vanished)),
            _ => {
                let (r, value) = ext_value(ctx, r, true)?;
                Ok((r, FetchModifier::Other(label, value)))
            }
        }
    })?;
    Ok((r, mods.map(Vec1::into_vec).unwrap_or_default()))
}

/// `"(" store-modifier *(SP store-modifier) ")" SP`, if the input starts with `(`.
pub(super) fn store_modifiers<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, Vec<StoreModifier<'a>>> {
    if i.first() != Some(&b'(') {
        return Ok((i, Vec::new()));
    }
    let (r, mods) = paren_list(ctx, i, |x| {
        let (r, label) = tagged_label(x)?;
        let mut buf = [0u8; NAME_MAX];
        match upcase(label.as_str().as_bytes(), &mut buf) {
            b"UNCHANGEDSINCE" => {
                let (r, m) = mod_seq_valzer(then_sp(ctx, r)?)?;
                Ok((r, StoreModifier::UnchangedSince(m)))
            }
            _ => {
                let (r, value) = ext_value(ctx, r, true)?;
                Ok((r, StoreModifier::Other(label, value)))
            }
        }
    })?;
    let mods = non_empty(i, mods, "store modifier")?;
    Ok((then_sp(ctx, r)?, mods.into_vec()))
}

// ---------------------------------------------------------------------------------------------
// FETCH attributes and STORE X-GM-LABELS
// ---------------------------------------------------------------------------------------------

/// The FETCH attributes of the extensions (`upper` is the attribute's name, upper-cased; `r`
/// the input after it), or `None` for a name this crate does not know.
#[inline(never)]
pub(super) fn ext_fetch_att<'a>(
    ctx: &Ctx,
    upper: &[u8],
    r: &'a [u8],
) -> Option<PResult<'a, FetchAttribute<'a>>> {
    use FetchAttribute as A;
    let att = match upper {
        b"MODSEQ" => A::ModSeq,
        b"SAVEDATE" => A::SaveDate,
        b"EMAILID" => A::EmailId,
        b"THREADID" => A::ThreadId,
        b"X-GM-MSGID" => A::GmailMsgId,
        b"X-GM-THRID" => A::GmailThrId,
        b"X-GM-LABELS" => A::GmailLabels,
        b"PREVIEW" => return Some(Ok(preview_modifiers(ctx, r))),
        _ => return None,
    };
    Some(Ok((r, att)))
}

/// `[SP "(" preview-mod *(SP preview-mod) ")"]` after PREVIEW (RFC 8970 §6), taken only when
/// the list holds nothing but `LAZY` (otherwise it is the command's fetch-modifiers).
fn preview_modifiers<'a>(ctx: &Ctx, r: &'a [u8]) -> (&'a [u8], FetchAttribute<'a>) {
    let plain = (r, FetchAttribute::Preview { lazy: false });
    let Ok(x) = then_sp(ctx, r) else {
        return plain;
    };
    match paren_list(ctx, x, kw("LAZY")) {
        Ok((y, mods)) if !mods.is_empty() => (y, FetchAttribute::Preview { lazy: true }),
        _ => plain,
    }
}

/// An attribute this crate does not know: an atom without `[` (but not a macro name).
#[inline(never)]
pub(super) fn other_fetch_att(i: &[u8]) -> PResult<'_, FetchAttribute<'_>> {
    let (r, name) = word(i, |c| is_atom_char(c) && c != b'[');
    let mut buf = [0u8; NAME_MAX];
    if matches!(upcase(name, &mut buf), b"ALL" | b"FAST" | b"FULL") {
        // A macro is not a fetch-att.
        return fail(i, "fetch attribute");
    }
    match core::str::from_utf8(name) {
        Ok(s) if !s.is_empty() => Ok((r, FetchAttribute::Other(Atom::unchecked(s)))),
        _ => fail(i, "fetch attribute"),
    }
}

/// `X-GM-LABELS[.SILENT] SP labels` after the mode sign of a STORE (the input starts at
/// `X-GM-LABELS`); `None` when another store attribute follows.
#[allow(clippy::too_many_arguments)]
pub(super) fn store_gmail_labels<'a>(
    ctx: &Ctx,
    i: &'a [u8],
    uid: bool,
    set: &SequenceSet,
    modifiers: &mut Vec<StoreModifier<'a>>,
    mode: StoreMode,
) -> Option<PResult<'a, CommandBody<'a>>> {
    let r = kw("X-GM-LABELS")(i).ok()?.0;
    let mut run = || -> PResult<'a, CommandBody<'a>> {
        let (r, silent) = match kw(".SILENT")(r) {
            Ok((r2, _)) => (r2, true),
            Err(_) => (r, false),
        };
        let (r, (labels, parenthesized)) =
            list_or_items(ctx, then_sp(ctx, r)?, |x| gmail_label(ctx, x))?;
        Ok((
            r,
            CommandBody::StoreGmailLabels {
                uid,
                set: set.clone(),
                modifiers: core::mem::take(modifiers),
                mode,
                silent,
                labels,
                parenthesized,
            },
        ))
    };
    Some(run())
}

/// `"(" [x *(SP x)] ")"` or `x *(SP x)`, and whether it was parenthesized (STORE flags and
/// labels).
pub(super) fn list_or_items<'a, T>(
    ctx: &Ctx,
    i: &'a [u8],
    mut item: impl FnMut(&'a [u8]) -> PResult<'a, T>,
) -> PResult<'a, (Vec<T>, bool)> {
    if i.first() == Some(&b'(') {
        let (r, v) = paren_list(ctx, i, item)?;
        return Ok((r, (v, true)));
    }
    let (mut r, first) = item(i)?;
    let mut v = vec![first];
    while more(ctx, r) {
        let (r2, x) = item(then_sp(ctx, r)?)?;
        v.push(x);
        r = r2;
    }
    Ok((r, (v, false)))
}

// ---------------------------------------------------------------------------------------------
// SEARCH keys
// ---------------------------------------------------------------------------------------------

/// The search keys of the extensions (`upper` is the key's name, upper-cased, or empty when it is
/// longer than [`NAME_MAX`]; `name` the name as sent; `r` the input after it), or `None` for a
/// name this crate does not know.
#[inline(never)]
pub(super) fn ext_search_key<'a>(
    ctx: &Ctx,
    upper: &[u8],
    name: &[u8],
    r: &'a [u8],
) -> Option<PResult<'a, SearchKey<'a>>> {
    use SearchKey as K;
    // The one key longer than NAME_MAX.
    let upper: &[u8] = if name.eq_ignore_ascii_case(b"SAVEDATESUPPORTED") {
        b"SAVEDATESUPPORTED"
    } else {
        upper
    };
    let arg = |r: &'a [u8]| then_sp(ctx, r);
    let run = || -> PResult<'a, SearchKey<'a>> {
        match upper {
            b"MODSEQ" => modseq_key(ctx, arg(r)?),
            b"OLDER" => nz_number(arg(r)?).map(|(r, n)| (r, K::Older(n))),
            b"YOUNGER" => nz_number(arg(r)?).map(|(r, n)| (r, K::Younger(n))),
            b"SAVEDBEFORE" => date(arg(r)?).map(|(r, d)| (r, K::SavedBefore(d))),
            b"SAVEDON" => date(arg(r)?).map(|(r, d)| (r, K::SavedOn(d))),
            b"SAVEDSINCE" => date(arg(r)?).map(|(r, d)| (r, K::SavedSince(d))),
            b"SAVEDATESUPPORTED" => Ok((r, K::SaveDateSupported)),
            b"EMAILID" => objectid(arg(r)?).map(|(r, o)| (r, K::EmailId(o))),
            b"THREADID" => objectid(arg(r)?).map(|(r, o)| (r, K::ThreadId(o))),
            b"X-GM-RAW" => astring(ctx, arg(r)?).map(|(r, a)| (r, K::GmailRaw(a))),
            b"X-GM-MSGID" => number_u64(arg(r)?).map(|(r, n)| (r, K::GmailMsgId(n))),
            b"X-GM-THRID" => number_u64(arg(r)?).map(|(r, n)| (r, K::GmailThrId(n))),
            b"X-GM-LABELS" => gmail_label(ctx, arg(r)?).map(|(r, l)| (r, K::GmailLabels(l))),
            _ => fail(r, "search key"),
        }
    };
    const KNOWN: [&[u8]; 13] = [
        b"MODSEQ",
        b"OLDER",
        b"YOUNGER",
        b"SAVEDBEFORE",
        b"SAVEDON",
        b"SAVEDSINCE",
        b"SAVEDATESUPPORTED",
        b"EMAILID",
        b"THREADID",
        b"X-GM-RAW",
        b"X-GM-MSGID",
        b"X-GM-THRID",
        b"X-GM-LABELS",
    ];
    KNOWN.contains(&upper).then(run)
}

/// `[entry-name SP entry-type-req SP] mod-sequence-valzer` after `MODSEQ SP` (RFC 7162 §7).
fn modseq_key<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, SearchKey<'a>> {
    let mut entry = None;
    let mut r = i;
    if i.first() == Some(&b'"') {
        let (x, name) = quoted(i)?;
        let Some(flag) = entry_flag_name(name.as_bytes()) else {
            return cut(
                i,
                ErrorKind::Syntax {
                    expected: "\"/flags/<flag>\"",
                },
            );
        };
        let x = then_sp(ctx, x)?;
        let (x, ty) = word(x, |c| c.is_ascii_alphabetic());
        let entry_type = if ty.eq_ignore_ascii_case(b"priv") {
            EntryType::Private
        } else if ty.eq_ignore_ascii_case(b"shared") {
            EntryType::Shared
        } else if ty.eq_ignore_ascii_case(b"all") {
            EntryType::All
        } else {
            return fail(x, "priv, shared or all");
        };
        entry = Some(ModSeqEntry { flag, entry_type });
        r = then_sp(ctx, x)?;
    }
    let (r, mod_seq) = mod_seq_valzer(r)?;
    Ok((r, SearchKey::ModSeq { entry, mod_seq }))
}

/// The flag of an `entry-flag-name` (the unescaped content of the quoted string).
fn entry_flag_name(content: &[u8]) -> Option<Flag<'static>> {
    const PREFIX: &[u8] = b"/flags/";
    if content.len() <= PREFIX.len() || !content[..PREFIX.len()].eq_ignore_ascii_case(PREFIX) {
        return None;
    }
    match flag(&content[PREFIX.len()..]) {
        Ok(([], f)) => Some(f.into_static()),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// SORT and THREAD (RFC 5256)
// ---------------------------------------------------------------------------------------------

/// `charset 1*(SP search-key)`
fn search_criteria<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, (Charset<'a>, Vec1<SearchKey<'a>>)> {
    let (r, cs) = charset(ctx, i)?;
    let (mut r, first) = search_key(ctx, then_sp(ctx, r)?)?;
    let mut keys = vec![first];
    while more(ctx, r) {
        let (r2, k) = search_key(ctx, then_sp(ctx, r)?)?;
        keys.push(k);
        r = r2;
    }
    Ok((r, (cs, Vec1::unchecked(keys))))
}

/// `sort-criterion = ["REVERSE" SP] sort-key`
fn sort_criterion(i: &[u8]) -> PResult<'_, SortCriterion<'_>> {
    let (mut r, mut name) = word(i, is_atom_char);
    let mut reverse = false;
    if name.eq_ignore_ascii_case(b"REVERSE") && peek_sp(r) {
        reverse = true;
        (r, name) = word(&r[1..], is_atom_char);
    }
    let mut buf = [0u8; NAME_MAX];
    let up = upcase(name, &mut buf);
    let key = match SortKey::KNOWN.iter().find(|(_, n)| n.as_bytes() == up) {
        Some((k, _)) => k.clone(),
        None => match core::str::from_utf8(name) {
            Ok(s) if !s.is_empty() => SortKey::Other(Atom::unchecked(s)),
            _ => return fail(r, "sort key"),
        },
    };
    Ok((r, SortCriterion { reverse, key }))
}

/// `[SP "RETURN" SP "(" ...  ")"] SP sort-criteria SP search-criteria`, after `SORT`.
#[inline(never)]
pub(super) fn sort<'a>(ctx: &Ctx, i: &'a [u8], uid: bool) -> PResult<'a, CommandBody<'a>> {
    let mut r = then_sp(ctx, i)?;
    let mut returns = None;
    if let Ok((r2, _)) = kw("RETURN")(r)
        && peek_sp(r2)
    {
        let (r2, opts) = paren_list(ctx, then_sp(ctx, r2)?, |x| {
            super::command::search_return_opt(ctx, x)
        })?;
        returns = Some(opts);
        r = then_sp(ctx, r2)?;
    }
    let (r2, criteria) = paren_list(ctx, r, sort_criterion)?;
    let criteria = non_empty(r, criteria, "sort criterion")?;
    let (r, (charset, keys)) = search_criteria(ctx, then_sp(ctx, r2)?)?;
    Ok((
        r,
        CommandBody::Sort {
            uid,
            returns,
            criteria,
            charset,
            keys,
        },
    ))
}

/// `SP thread-alg SP search-criteria`, after `THREAD`.
#[inline(never)]
pub(super) fn thread<'a>(ctx: &Ctx, i: &'a [u8], uid: bool) -> PResult<'a, CommandBody<'a>> {
    let (r, alg) = atom(then_sp(ctx, i)?)?;
    let algorithm = if alg.as_str().eq_ignore_ascii_case("ORDEREDSUBJECT") {
        ThreadAlgorithm::OrderedSubject
    } else if alg.as_str().eq_ignore_ascii_case("REFERENCES") {
        ThreadAlgorithm::References
    } else {
        ThreadAlgorithm::Other(alg)
    };
    let (r, (charset, keys)) = search_criteria(ctx, then_sp(ctx, r)?)?;
    Ok((
        r,
        CommandBody::Thread {
            uid,
            algorithm,
            charset,
            keys,
        },
    ))
}

// ---------------------------------------------------------------------------------------------
// APPEND (RFC 3502 MULTIAPPEND, RFC 4466 append-ext, RFC 6855 UTF8)
// ---------------------------------------------------------------------------------------------

/// `mailbox 1*append-message` after `APPEND SP`.
pub(super) fn append<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, CommandBody<'a>> {
    let (mut r, mailbox) = mailbox(ctx, i)?;
    let mut messages = Vec::new();
    loop {
        let (x, m) = append_message(ctx, then_sp(ctx, r)?)?;
        messages.push(m);
        r = x;
        if !more(ctx, r) {
            break;
        }
    }
    Ok((
        r,
        CommandBody::Append {
            mailbox,
            messages: Vec1::unchecked(messages),
        },
    ))
}

/// Whether `c` can start a `tagged-ext-label`.
fn label_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || matches!(c, b'-' | b'_' | b'.')
}

/// `append-message = append-opts SP append-data` (the leading SP already read), where
/// `append-opts = [flag-list SP] [date-time SP] *(append-ext SP)`.
///
/// `append-ext` and `append-data-ext` are both `label SP value`: a tagged extension is taken
/// as the message's data when no literal, literal8 or further extension follows it.
fn append_message<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, AppendMessage<'a>> {
    let mut r = i;
    let mut flags = None;
    if r.first() == Some(&b'(') {
        let (r2, f) = paren_list(ctx, r, flag)?;
        flags = Some(f);
        r = then_sp(ctx, r2)?;
    }
    let mut date = None;
    if r.first() == Some(&b'"') {
        let (r2, d) = date_time(r)?;
        date = Some(d);
        r = then_sp(ctx, r2)?;
    }
    let mut extensions = Vec::new();
    loop {
        let (r2, data) = match r.first() {
            Some(b'~') => literal8(ctx, r).map(|(r, l)| (r, AppendData::Literal8(l)))?,
            Some(b'{') => literal(ctx, r).map(|(r, l)| (r, AppendData::Literal(l)))?,
            Some(&c) if label_start(c) => {
                let (x, label) = tagged_label(r)?;
                let x = then_sp(ctx, x)?;
                if label.as_str().eq_ignore_ascii_case("UTF8") {
                    // utf8-literal = "UTF8" SP "(" literal8 ")"
                    let (x, ()) = open(x)?;
                    let (x, lit) = literal8(ctx, x)?;
                    let (x, ()) = close(ctx, x)?;
                    (x, AppendData::Utf8(lit))
                } else {
                    let (x, value) = tagged_ext_val(ctx, x, 0)?;
                    let next = if more(ctx, x) {
                        then_sp(ctx, x)?.first().copied()
                    } else {
                        None
                    };
                    match next {
                        Some(c) if c == b'{' || c == b'~' || label_start(c) => {
                            extensions.push((label, value));
                            r = then_sp(ctx, x)?;
                            continue;
                        }
                        _ => (x, AppendData::Other(label, value)),
                    }
                }
            }
            _ => return fail(r, "literal, literal8 or append extension"),
        };
        return Ok((
            r2,
            AppendMessage {
                flags,
                date,
                extensions,
                data,
            },
        ));
    }
}
