//! Command parsers (server side; RFC 9051 §6 and §9, RFC 3501 §6 and §9).
//!
//! Keywords (command names, search keys, fetch attributes, status attributes) are read as a run
//! of their possible characters, upper-cased into a small stack buffer and dispatched with one
//! `match`, so there is no ordering trap between keywords that share a prefix (`UNSEEN` and
//! `UNDELETED`, `RFC822` and `RFC822.SIZE`, `BODY` and `BODYSTRUCTURE`).

use mailwire_core::Secret;

use super::command_ext;
use super::core::*;
use crate::codec::ErrorKind;
use crate::types::*;

mod admin;

pub(crate) use self::admin::{entry_values, id_params, identifier, metadata_entry};

/// Longest keyword we dispatch on; longer words match nothing.
pub(super) const NAME_MAX: usize = 16;

/// `name` upper-cased into `buf` (empty, and so never a keyword, when it does not fit).
pub(super) fn upcase<'b>(name: &[u8], buf: &'b mut [u8; NAME_MAX]) -> &'b [u8] {
    if name.len() > NAME_MAX {
        return &[];
    }
    let out = &mut buf[..name.len()];
    out.copy_from_slice(name);
    out.make_ascii_uppercase();
    out
}

/// The longest prefix of `i` whose bytes satisfy `f`: `(rest, word)`.
#[inline]
pub(super) fn word(i: &[u8], f: impl Fn(u8) -> bool) -> (&[u8], &[u8]) {
    let n = i.iter().take_while(|&&c| f(c)).count();
    (&i[n..], &i[..n])
}

/// Characters of a fetch attribute name (`RFC822.SIZE`, `BODY.PEEK`, `X-GM-MSGID`, ...): atom
/// characters up to a section's `[`, so that an unknown attribute is read whole.
#[inline]
fn is_fetch_name_char(c: u8) -> bool {
    FETCH_NAME_CHAR[c as usize]
}

/// [`is_fetch_name_char`] as a table.
static FETCH_NAME_CHAR: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        t[c] = is_atom_char(c as u8) && c != b'[' as usize;
        c += 1;
    }
    t
};

/// Whether an `SP` followed by another item comes next (with the lenient-spaces quirk, spaces
/// before the end of the line are left for `crlf`).
pub(super) fn more(ctx: &Ctx, r: &[u8]) -> bool {
    if !peek_sp(r) {
        return false;
    }
    if !ctx.opts.quirks.lenient_spaces {
        return true;
    }
    let n = r.iter().take_while(|&&c| c == b' ').count();
    !matches!(r.get(n), None | Some(b'\r' | b'\n'))
}

/// `SP`, returning the rest.
pub(super) fn then_sp<'a>(ctx: &Ctx, i: &'a [u8]) -> Result<&'a [u8], nom::Err<PErr<'a>>> {
    sp(ctx, i).map(|(r, ())| r)
}

/// The end of the command: `CRLF`, or [`ErrorKind::Trailing`] for anything else.
fn eol<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, ()> {
    match crlf(ctx, i) {
        Ok(ok) => Ok(ok),
        Err(_) => Err(nom::Err::Failure(PErr {
            input: i,
            kind: ErrorKind::Trailing,
        })),
    }
}

/// A non-empty list, or a syntax error at `at`.
pub(super) fn non_empty<'a, T>(
    at: &'a [u8],
    v: Vec<T>,
    expected: &'static str,
) -> Result<Vec1<T>, nom::Err<PErr<'a>>> {
    match Vec1::try_from(v) {
        Ok(v) => Ok(v),
        Err(_) => Err(nom::Err::Error(PErr {
            input: at,
            kind: ErrorKind::Syntax { expected },
        })),
    }
}

/// `command = tag SP (command-any / command-auth / command-nonauth / command-select) CRLF`
pub(crate) fn command<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, Command<'a>> {
    let (r, t) = tag(i)?;
    let r = then_sp(ctx, r)?;
    let (r, body) = command_body(ctx, r)?;
    let (r, ()) = eol(ctx, r)?;
    Ok((r, Command { tag: t, body }))
}

/// The command name and its arguments (without the final CRLF).
fn command_body<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, CommandBody<'a>> {
    use CommandBody as C;
    let (r, name) = word(i, is_atom_char);
    if name.is_empty() {
        return fail(i, "command name");
    }
    let mut buf = [0u8; NAME_MAX];
    let one_mailbox = |f: fn(Mailbox<'a>) -> CommandBody<'a>| -> PResult<'a, CommandBody<'a>> {
        let (r, m) = mailbox(ctx, then_sp(ctx, r)?)?;
        Ok((r, f(m)))
    };
    let select = |examine: bool| -> PResult<'a, CommandBody<'a>> {
        let (r, mailbox) = mailbox(ctx, then_sp(ctx, r)?)?;
        let (r, params) = command_ext::select_params(ctx, r)?;
        Ok((
            r,
            if examine {
                C::Examine { mailbox, params }
            } else {
                C::Select { mailbox, params }
            },
        ))
    };
    match upcase(name, &mut buf) {
        b"CAPABILITY" => Ok((r, C::Capability)),
        b"NOOP" => Ok((r, C::Noop)),
        b"LOGOUT" => Ok((r, C::Logout)),
        b"STARTTLS" => Ok((r, C::StartTls)),
        b"AUTHENTICATE" => authenticate(ctx, then_sp(ctx, r)?),
        b"LOGIN" => login(ctx, then_sp(ctx, r)?),
        b"ENABLE" => enable(ctx, then_sp(ctx, r)?),
        b"SELECT" => select(false),
        b"EXAMINE" => select(true),
        b"CREATE" => admin::create(ctx, then_sp(ctx, r)?),
        b"DELETE" => one_mailbox(C::Delete),
        b"SUBSCRIBE" => one_mailbox(C::Subscribe),
        b"UNSUBSCRIBE" => one_mailbox(C::Unsubscribe),
        b"RENAME" => {
            let (r, from) = mailbox(ctx, then_sp(ctx, r)?)?;
            let (r, to) = mailbox(ctx, then_sp(ctx, r)?)?;
            Ok((r, C::Rename { from, to }))
        }
        b"LIST" => list(ctx, then_sp(ctx, r)?),
        b"LSUB" => {
            let (r, reference) = mailbox(ctx, then_sp(ctx, r)?)?;
            let (r, pattern) = list_mailbox(ctx, then_sp(ctx, r)?)?;
            Ok((r, C::Lsub { reference, pattern }))
        }
        b"NAMESPACE" => Ok((r, C::Namespace)),
        b"STATUS" => status(ctx, then_sp(ctx, r)?),
        b"APPEND" => append(ctx, then_sp(ctx, r)?),
        b"IDLE" => Ok((r, C::Idle)),
        b"CHECK" => Ok((r, C::Check)),
        b"CLOSE" => Ok((r, C::Close)),
        b"UNSELECT" => Ok((r, C::Unselect)),
        b"EXPUNGE" => Ok((r, C::Expunge)),
        b"SEARCH" => search(ctx, then_sp(ctx, r)?, false),
        b"FETCH" => fetch(ctx, then_sp(ctx, r)?, false),
        b"STORE" => store(ctx, then_sp(ctx, r)?, false),
        b"COPY" => copy_or_move(ctx, then_sp(ctx, r)?, false, false),
        b"MOVE" => copy_or_move(ctx, then_sp(ctx, r)?, false, true),
        // An unknown UID subcommand (RFC 9051 §6.4.9 leaves room for extensions) is kept whole.
        b"UID" => match uid(ctx, then_sp(ctx, r)?) {
            Err(nom::Err::Failure(PErr {
                kind: ErrorKind::UnknownCommand,
                ..
            })) => admin::other(ctx, i),
            parsed => parsed,
        },
        b"ID" => admin::id(ctx, then_sp(ctx, r)?),
        b"GETQUOTA" => astring(ctx, then_sp(ctx, r)?).map(|(r, q)| (r, C::GetQuota(q))),
        b"GETQUOTAROOT" => one_mailbox(C::GetQuotaRoot),
        b"SETQUOTA" => admin::setquota(ctx, then_sp(ctx, r)?),
        b"GETMETADATA" => admin::getmetadata(ctx, then_sp(ctx, r)?),
        b"SETMETADATA" => admin::setmetadata(ctx, then_sp(ctx, r)?),
        b"SETACL" => admin::setacl(ctx, then_sp(ctx, r)?),
        b"DELETEACL" => admin::acl_pair(ctx, then_sp(ctx, r)?, false),
        b"GETACL" => one_mailbox(C::GetAcl),
        b"LISTRIGHTS" => admin::acl_pair(ctx, then_sp(ctx, r)?, true),
        b"MYRIGHTS" => one_mailbox(C::MyRights),
        b"UNAUTHENTICATE" => Ok((r, C::Unauthenticate)),
        b"COMPRESS" => admin::compress(then_sp(ctx, r)?),
        b"SORT" => command_ext::sort(ctx, r, false),
        b"THREAD" => command_ext::thread(ctx, r, false),
        _ => admin::other(ctx, i),
    }
}

/// `uid = "UID" SP (copy / move / fetch / search / store / uid-expunge)`, after `UID SP`.
fn uid<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, CommandBody<'a>> {
    let (r, name) = word(i, is_atom_char);
    if name.is_empty() {
        return fail(i, "command name after UID");
    }
    let mut buf = [0u8; NAME_MAX];
    match upcase(name, &mut buf) {
        b"SEARCH" => search(ctx, then_sp(ctx, r)?, true),
        b"FETCH" => fetch(ctx, then_sp(ctx, r)?, true),
        b"STORE" => store(ctx, then_sp(ctx, r)?, true),
        b"COPY" => copy_or_move(ctx, then_sp(ctx, r)?, true, false),
        b"MOVE" => copy_or_move(ctx, then_sp(ctx, r)?, true, true),
        b"EXPUNGE" => {
            let (r, set) = sequence_set(then_sp(ctx, r)?)?;
            Ok((r, CommandBody::UidExpunge(set)))
        }
        b"SORT" => command_ext::sort(ctx, r, true),
        b"THREAD" => command_ext::thread(ctx, r, true),
        _ => cut(i, ErrorKind::UnknownCommand),
    }
}

/// `auth-type [SP initial-resp]`, `initial-resp = base64 / "="` (RFC 4959).
fn authenticate<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, CommandBody<'a>> {
    let (r, mech) = atom(i)?;
    let mechanism = AuthMechanism::unchecked(mech.into_inner());
    if !peek_sp(r) {
        return Ok((
            r,
            CommandBody::Authenticate {
                mechanism,
                initial_response: None,
            },
        ));
    }
    let r = then_sp(ctx, r)?;
    let end = memchr::memchr2(b'\r', b'\n', r).unwrap_or(r.len());
    let mut data = &r[..end];
    if ctx.opts.quirks.lenient_spaces {
        // Trailing spaces are left for `crlf`.
        while let Some(d) = data.strip_suffix(b" ") {
            data = d;
        }
        if data.is_empty() {
            return Ok((
                r,
                CommandBody::Authenticate {
                    mechanism,
                    initial_response: None,
                },
            ));
        }
    }
    let initial = match data {
        b"" => return fail(r, "initial response"),
        b"=" => Vec::new(),
        _ => match mailwire_core::sasl::decode_base64(data) {
            Ok(v) => v,
            Err(_) => return cut(r, ErrorKind::Base64),
        },
    };
    Ok((
        &r[data.len()..],
        CommandBody::Authenticate {
            mechanism,
            initial_response: Some(Secret::new(initial)),
        },
    ))
}

/// `userid SP password`
fn login<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, CommandBody<'a>> {
    let (r, username) = astring(ctx, i)?;
    let (r, password) = astring(ctx, then_sp(ctx, r)?)?;
    Ok((
        r,
        CommandBody::Login {
            username,
            password: Secret::new(password),
        },
    ))
}

/// `capability *(SP capability)` (after `ENABLE SP`).
fn enable<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, CommandBody<'a>> {
    let (mut r, first) = atom(i)?;
    let mut caps = vec![first];
    while more(ctx, r) {
        let (r2, c) = atom(then_sp(ctx, r)?)?;
        caps.push(c);
        r = r2;
    }
    Ok((r, CommandBody::Enable(Vec1::unchecked(caps))))
}

/// `[SP option-value]` after an option name (RFC 5258 `option-extension`), or a
/// `search-mod-params` when `simple` (RFC 4466).
pub(super) fn ext_value<'a>(
    ctx: &Ctx,
    i: &'a [u8],
    simple: bool,
) -> PResult<'a, Option<TaggedExtValue<'a>>> {
    if let Ok((r, ())) = sp(ctx, i) {
        let starts_value = match r.first() {
            Some(b'(') => true,
            Some(c) => simple && (c.is_ascii_digit() || *c == b'$' || *c == b'*'),
            None => false,
        };
        if starts_value {
            let (r, v) = tagged_ext_val(ctx, r, 0)?;
            return Ok((r, Some(v)));
        }
    }
    Ok((i, None))
}

/// `list-select-opt` (RFC 5258 §6, RFC 6154 §6).
fn list_select_opt<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, ListSelectOption<'a>> {
    // option-standard-tag / option-vendor-tag are atoms (RFC 5258 §6).
    let (r, label) = atom(i)?;
    let mut buf = [0u8; NAME_MAX];
    let opt = match upcase(label.as_str().as_bytes(), &mut buf) {
        b"SUBSCRIBED" => ListSelectOption::Subscribed,
        b"REMOTE" => ListSelectOption::Remote,
        b"RECURSIVEMATCH" => ListSelectOption::RecursiveMatch,
        b"SPECIAL-USE" => ListSelectOption::SpecialUse,
        _ => {
            let (r, (name, value)) = admin::list_option_other(ctx, i)?;
            return Ok((r, ListSelectOption::Other(name, value)));
        }
    };
    Ok((r, opt))
}

/// `return-option` (RFC 5258 §6, RFC 5819 §4, RFC 6154 §6).
fn list_return_opt<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, ListReturnOption<'a>> {
    // option-standard-tag / option-vendor-tag are atoms (RFC 5258 §6).
    let (r, label) = atom(i)?;
    let mut buf = [0u8; NAME_MAX];
    let opt = match upcase(label.as_str().as_bytes(), &mut buf) {
        b"SUBSCRIBED" => ListReturnOption::Subscribed,
        b"CHILDREN" => ListReturnOption::Children,
        b"SPECIAL-USE" => ListReturnOption::SpecialUse,
        b"STATUS" => {
            let (r, atts) = status_atts(ctx, then_sp(ctx, r)?)?;
            return Ok((r, ListReturnOption::Status(atts)));
        }
        _ => {
            let (r, (name, value)) = admin::list_option_other(ctx, i)?;
            return Ok((r, ListReturnOption::Other(name, value)));
        }
    };
    Ok((r, opt))
}

/// `[list-select-opts SP] mailbox SP mbox-or-pat [SP list-return-opts]` (RFC 9051, RFC 5258).
fn list<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, CommandBody<'a>> {
    let (r, selection) = if i.first() == Some(&b'(') {
        let (r, opts) = paren_list(ctx, i, |x| list_select_opt(ctx, x))?;
        (then_sp(ctx, r)?, Some(opts))
    } else {
        (i, None)
    };
    let (r, reference) = mailbox(ctx, r)?;
    let r = then_sp(ctx, r)?;
    let (r, patterns, patterns_parenthesized) = if r.first() == Some(&b'(') {
        let (r2, pats) = paren_list(ctx, r, |x| list_mailbox(ctx, x))?;
        (r2, non_empty(r, pats, "list pattern")?, true)
    } else {
        let (r2, p) = list_mailbox(ctx, r)?;
        (r2, Vec1::one(p), false)
    };
    let (r, returns) = match sp(ctx, r).and_then(|(r2, ())| kw("RETURN")(r2)) {
        Ok((r2, _)) => {
            let (r2, opts) = paren_list(ctx, then_sp(ctx, r2)?, |x| list_return_opt(ctx, x))?;
            (r2, Some(opts))
        }
        Err(_) => (r, None),
    };
    Ok((
        r,
        CommandBody::List {
            selection,
            reference,
            patterns,
            patterns_parenthesized,
            returns,
        },
    ))
}

/// `status-att` (RFC 9051; RECENT from RFC 3501; HIGHESTMODSEQ, RFC 7162; MAILBOXID, RFC 8474;
/// APPENDLIMIT, RFC 7889; any other atom kept as [`StatusAttribute::Other`]).
fn status_att(i: &[u8]) -> PResult<'_, StatusAttribute> {
    let (r, name) = word(i, is_atom_char);
    let mut buf = [0u8; NAME_MAX];
    let att = match upcase(name, &mut buf) {
        b"MESSAGES" => StatusAttribute::Messages,
        b"RECENT" => StatusAttribute::Recent,
        b"UIDNEXT" => StatusAttribute::UidNext,
        b"UIDVALIDITY" => StatusAttribute::UidValidity,
        b"UNSEEN" => StatusAttribute::Unseen,
        b"DELETED" => StatusAttribute::Deleted,
        b"SIZE" => StatusAttribute::Size,
        b"DELETED-STORAGE" => StatusAttribute::DeletedStorage,
        b"HIGHESTMODSEQ" => StatusAttribute::HighestModSeq,
        b"MAILBOXID" => StatusAttribute::MailboxId,
        b"APPENDLIMIT" => StatusAttribute::AppendLimit,
        _ => match core::str::from_utf8(name) {
            Ok(s) if !s.is_empty() => StatusAttribute::Other(Atom::unchecked(s.to_string())),
            _ => return fail(i, "status attribute"),
        },
    };
    Ok((r, att))
}

/// `"(" status-att *(SP status-att) ")"`
fn status_atts<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, Vec1<StatusAttribute>> {
    let (r, atts) = paren_list(ctx, i, status_att)?;
    Ok((r, non_empty(i, atts, "status attribute")?))
}

/// `mailbox SP "(" status-att *(SP status-att) ")"`
fn status<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, CommandBody<'a>> {
    let (r, mailbox) = mailbox(ctx, i)?;
    let (r, attributes) = status_atts(ctx, then_sp(ctx, r)?)?;
    Ok((
        r,
        CommandBody::Status {
            mailbox,
            attributes,
        },
    ))
}

/// `mailbox 1*append-message` (RFC 9051, RFC 3516, RFC 3502, RFC 4466, RFC 6855).
fn append<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, CommandBody<'a>> {
    command_ext::append(ctx, i)
}

/// `sequence-set SP mailbox` for COPY and MOVE.
fn copy_or_move<'a>(
    ctx: &Ctx,
    i: &'a [u8],
    uid: bool,
    is_move: bool,
) -> PResult<'a, CommandBody<'a>> {
    let (r, set) = sequence_set(i)?;
    let (r, mailbox) = mailbox(ctx, then_sp(ctx, r)?)?;
    let body = if is_move {
        CommandBody::Move { uid, set, mailbox }
    } else {
        CommandBody::Copy { uid, set, mailbox }
    };
    Ok((r, body))
}

/// `search-return-opt` (RFC 9051, RFC 4731, RFC 5182, RFC 4466 `search-ret-opt-ext`).
pub(super) fn search_return_opt<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, SearchReturnOption<'a>> {
    let (r, label) = tagged_label(i)?;
    let mut buf = [0u8; NAME_MAX];
    let opt = match upcase(label.as_str().as_bytes(), &mut buf) {
        b"MIN" => SearchReturnOption::Min,
        b"MAX" => SearchReturnOption::Max,
        b"ALL" => SearchReturnOption::All,
        b"COUNT" => SearchReturnOption::Count,
        b"SAVE" => SearchReturnOption::Save,
        _ => {
            let (r, value) = ext_value(ctx, r, true)?;
            return Ok((r, SearchReturnOption::Other(label, value)));
        }
    };
    Ok((r, opt))
}

/// `[RETURN (opts) SP] [CHARSET charset SP] search-key *(SP search-key)` (after `SEARCH SP`).
fn search<'a>(ctx: &Ctx, i: &'a [u8], uid: bool) -> PResult<'a, CommandBody<'a>> {
    let mut r = i;
    let mut returns = None;
    if let Ok((r2, _)) = kw("RETURN")(r)
        && peek_sp(r2)
    {
        let (r2, opts) = paren_list(ctx, then_sp(ctx, r2)?, |x| search_return_opt(ctx, x))?;
        returns = Some(opts);
        r = then_sp(ctx, r2)?;
    }
    let mut charset_name = None;
    if let Ok((r2, _)) = kw("CHARSET")(r)
        && peek_sp(r2)
    {
        let (r2, c) = charset(ctx, then_sp(ctx, r2)?)?;
        charset_name = Some(c);
        r = then_sp(ctx, r2)?;
    }
    let (mut r, first) = search_key(ctx, r)?;
    let mut criteria = vec![first];
    while more(ctx, r) {
        let (r2, k) = search_key(ctx, then_sp(ctx, r)?)?;
        criteria.push(k);
        r = r2;
    }
    Ok((
        r,
        CommandBody::Search {
            uid,
            returns,
            charset: charset_name,
            criteria: Vec1::unchecked(criteria),
        },
    ))
}

/// A search key being built while [`search_key`] reads what it nests.
enum Pending<'a> {
    /// `NOT` read; its key is next.
    Not,
    /// `OR` read; its first key is next.
    OrFirst,
    /// `OR` and its first key read; the second key is next.
    OrSecond(SearchKey<'a>),
    /// `(` and these keys read; another key or `)` is next.
    Group(Vec<SearchKey<'a>>),
}

/// `search-key` (RFC 9051 §9; NEW, OLD and RECENT from RFC 3501).
///
/// NOT, OR and parenthesized groups nest. They are kept on a heap stack rather than by
/// recursion, so the call stack stays flat at any depth; each level still counts against
/// [`Options::max_depth`](crate::codec::Options::max_depth) through [`Ctx::deeper`].
pub(super) fn search_key<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, SearchKey<'a>> {
    let mut pending: Vec<Pending<'a>> = Vec::new();
    let mut r = i;
    loop {
        // Opening forms: push them and read the key they start with.
        if r.first() == Some(&b'(') {
            ctx.deeper(r, pending.len())?;
            let (mut r2, ()) = open(r)?;
            if ctx.opts.quirks.lenient_spaces {
                r2 = &r2[r2.iter().take_while(|&&c| c == b' ').count()..];
            }
            pending.push(Pending::Group(Vec::new()));
            r = r2;
            continue;
        }
        let (after, name) = word(r, is_atom_char);
        if name.eq_ignore_ascii_case(b"NOT") || name.eq_ignore_ascii_case(b"OR") {
            ctx.deeper(r, pending.len())?;
            pending.push(if name.len() == 3 {
                Pending::Not
            } else {
                Pending::OrFirst
            });
            r = then_sp(ctx, after)?;
            continue;
        }
        let (r2, mut key) = simple_search_key(ctx, r)?;
        r = r2;
        // Closing: complete the pending forms this key finishes.
        loop {
            match pending.pop() {
                None => return Ok((r, key)),
                Some(Pending::Not) => key = SearchKey::Not(Box::new(key)),
                Some(Pending::OrFirst) => {
                    pending.push(Pending::OrSecond(key));
                    r = then_sp(ctx, r)?;
                    break;
                }
                Some(Pending::OrSecond(first)) => {
                    key = SearchKey::Or(Box::new(first), Box::new(key))
                }
                Some(Pending::Group(mut keys)) => {
                    keys.push(key);
                    if let Ok((r2, ())) = close(ctx, r) {
                        r = r2;
                        key = SearchKey::And(Vec1::unchecked(keys));
                    } else {
                        r = then_sp(ctx, r)?;
                        pending.push(Pending::Group(keys));
                        break;
                    }
                }
            }
        }
    }
}

/// The search keys that do not nest.
fn simple_search_key<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, SearchKey<'a>> {
    use SearchKey as K;
    if let Some(c) = i.first()
        && (c.is_ascii_digit() || *c == b'*' || *c == b'$')
    {
        return sequence_set(i).map(|(r, s)| (r, K::SequenceSet(s)));
    }
    let (r, name) = word(i, is_atom_char);
    let mut buf = [0u8; NAME_MAX];
    let arg_astring = |f: fn(AString<'a>) -> SearchKey<'a>| -> PResult<'a, SearchKey<'a>> {
        let (r, s) = astring(ctx, then_sp(ctx, r)?)?;
        Ok((r, f(s)))
    };
    let arg_date = |f: fn(NaiveDate) -> SearchKey<'a>| -> PResult<'a, SearchKey<'a>> {
        let (r, d) = date(then_sp(ctx, r)?)?;
        Ok((r, f(d)))
    };
    let arg_atom = |f: fn(Atom<'a>) -> SearchKey<'a>| -> PResult<'a, SearchKey<'a>> {
        let (r, a) = atom(then_sp(ctx, r)?)?;
        Ok((r, f(a)))
    };
    let arg_number = |f: fn(u64) -> SearchKey<'a>| -> PResult<'a, SearchKey<'a>> {
        let (r, n) = number64(then_sp(ctx, r)?)?;
        Ok((r, f(n)))
    };
    let key = match upcase(name, &mut buf) {
        b"ALL" => K::All,
        b"ANSWERED" => K::Answered,
        b"DELETED" => K::Deleted,
        b"DRAFT" => K::Draft,
        b"FLAGGED" => K::Flagged,
        b"NEW" => K::New,
        b"OLD" => K::Old,
        b"RECENT" => K::Recent,
        b"SEEN" => K::Seen,
        b"UNANSWERED" => K::Unanswered,
        b"UNDELETED" => K::Undeleted,
        b"UNDRAFT" => K::Undraft,
        b"UNFLAGGED" => K::Unflagged,
        b"UNSEEN" => K::Unseen,
        b"BCC" => return arg_astring(K::Bcc),
        b"BODY" => return arg_astring(K::Body),
        b"CC" => return arg_astring(K::Cc),
        b"FROM" => return arg_astring(K::From),
        b"SUBJECT" => return arg_astring(K::Subject),
        b"TEXT" => return arg_astring(K::Text),
        b"TO" => return arg_astring(K::To),
        b"BEFORE" => return arg_date(K::Before),
        b"ON" => return arg_date(K::On),
        b"SINCE" => return arg_date(K::Since),
        b"SENTBEFORE" => return arg_date(K::SentBefore),
        b"SENTON" => return arg_date(K::SentOn),
        b"SENTSINCE" => return arg_date(K::SentSince),
        b"KEYWORD" => return arg_atom(K::Keyword),
        b"UNKEYWORD" => return arg_atom(K::Unkeyword),
        b"LARGER" => return arg_number(K::Larger),
        b"SMALLER" => return arg_number(K::Smaller),
        b"HEADER" => {
            let (r, field) = astring(ctx, then_sp(ctx, r)?)?;
            let (r, value) = astring(ctx, then_sp(ctx, r)?)?;
            return Ok((r, K::Header(field, value)));
        }
        b"UID" => {
            let (r, set) = sequence_set(then_sp(ctx, r)?)?;
            return Ok((r, K::Uid(set)));
        }
        up => {
            return command_ext::ext_search_key(ctx, up, name, r)
                .unwrap_or_else(|| fail(i, "search key"));
        }
    };
    Ok((r, key))
}

/// `sequence-set SP ("ALL" / "FULL" / "FAST" / fetch-att / "(" fetch-att *(SP fetch-att) ")")`
fn fetch<'a>(ctx: &Ctx, i: &'a [u8], uid: bool) -> PResult<'a, CommandBody<'a>> {
    let (r, set) = sequence_set(i)?;
    let r = then_sp(ctx, r)?;
    let (r, attributes) = if r.first() == Some(&b'(') {
        let (r2, atts) = paren_list(ctx, r, |x| fetch_att(ctx, x))?;
        if atts.is_empty() {
            return fail(r, "fetch attribute");
        }
        (r2, MacroOrAttributes::Attributes(atts))
    } else {
        let (r2, name) = word(r, is_fetch_name_char);
        let mut buf = [0u8; NAME_MAX];
        match upcase(name, &mut buf) {
            b"ALL" => (r2, MacroOrAttributes::Macro(Macro::All)),
            b"FAST" => (r2, MacroOrAttributes::Macro(Macro::Fast)),
            b"FULL" => (r2, MacroOrAttributes::Macro(Macro::Full)),
            _ => {
                let (r2, a) = fetch_att(ctx, r)?;
                (r2, MacroOrAttributes::Attributes(vec![a]))
            }
        }
    };
    let (r, modifiers) = command_ext::fetch_modifiers(ctx, r)?;
    Ok((
        r,
        CommandBody::Fetch {
            uid,
            set,
            attributes,
            modifiers,
        },
    ))
}

/// `[partial]`
fn opt_partial(i: &[u8]) -> PResult<'_, Option<Partial>> {
    if i.first() == Some(&b'<') {
        partial(i).map(|(r, p)| (r, Some(p)))
    } else {
        Ok((i, None))
    }
}

/// `fetch-att` (RFC 9051 §9; RFC822, RFC822.HEADER and RFC822.TEXT from RFC 3501).
fn fetch_att<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, FetchAttribute<'a>> {
    use FetchAttribute as A;
    let (r, name) = word(i, is_fetch_name_char);
    let mut buf = [0u8; NAME_MAX];
    let body_section = |peek: bool| -> PResult<'a, FetchAttribute<'a>> {
        let (r, section) = super::core::section(ctx, r)?;
        let (r, partial) = opt_partial(r)?;
        Ok((
            r,
            A::BodySection {
                section,
                partial,
                peek,
            },
        ))
    };
    let binary = |peek: bool| -> PResult<'a, FetchAttribute<'a>> {
        let (r, section) = section_binary(r)?;
        let (r, partial) = opt_partial(r)?;
        Ok((
            r,
            A::Binary {
                section,
                partial,
                peek,
            },
        ))
    };
    let att = match upcase(name, &mut buf) {
        b"ENVELOPE" => A::Envelope,
        b"FLAGS" => A::Flags,
        b"INTERNALDATE" => A::InternalDate,
        b"RFC822.SIZE" => A::Rfc822Size,
        b"RFC822.HEADER" => A::Rfc822Header,
        b"RFC822.TEXT" => A::Rfc822Text,
        b"RFC822" => A::Rfc822,
        b"BODYSTRUCTURE" => A::BodyStructure,
        b"UID" => A::Uid,
        b"BODY" if r.first() == Some(&b'[') => return body_section(false),
        b"BODY" => A::Body,
        b"BODY.PEEK" => return body_section(true),
        b"BINARY" => return binary(false),
        b"BINARY.PEEK" => return binary(true),
        b"BINARY.SIZE" => {
            let (r, section) = section_binary(r)?;
            return Ok((r, A::BinarySize { section }));
        }
        up => {
            return command_ext::ext_fetch_att(ctx, up, r)
                .unwrap_or_else(|| command_ext::other_fetch_att(i));
        }
    };
    Ok((r, att))
}

/// `sequence-set SP (["+" / "-"] "FLAGS" [".SILENT"]) SP (flag-list / (flag *(SP flag)))`
fn store<'a>(ctx: &Ctx, i: &'a [u8], uid: bool) -> PResult<'a, CommandBody<'a>> {
    let (r, set) = sequence_set(i)?;
    let r = then_sp(ctx, r)?;
    let (r, mut modifiers) = command_ext::store_modifiers(ctx, r)?;
    let (r, mode) = match r.first() {
        Some(b'+') => (&r[1..], StoreMode::Add),
        Some(b'-') => (&r[1..], StoreMode::Remove),
        _ => (r, StoreMode::Replace),
    };
    if let Some(res) = command_ext::store_gmail_labels(ctx, r, uid, &set, &mut modifiers, mode) {
        return res;
    }
    let (r, _) = kw("FLAGS")(r)?;
    let (r, silent) = match kw(".SILENT")(r) {
        Ok((r2, _)) => (r2, true),
        Err(_) => (r, false),
    };
    let (r, (flags, parenthesized)) = command_ext::list_or_items(ctx, then_sp(ctx, r)?, flag)?;
    Ok((
        r,
        CommandBody::Store {
            uid,
            set,
            modifiers,
            mode,
            silent,
            flags,
            parenthesized,
        },
    ))
}

/// One client line during AUTHENTICATE: `base64 CRLF` or `"*" CRLF`.
pub(crate) fn authenticate_data<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, AuthenticateData> {
    if let Some(r) = i.strip_prefix(b"*") {
        let (r, ()) = crlf(ctx, r)?;
        return Ok((r, AuthenticateData::Cancel));
    }
    let (r, data) = base64_line(i)?;
    let (r, ()) = crlf(ctx, r)?;
    Ok((
        r,
        AuthenticateData::Continue(mailwire_core::Secret::new(data)),
    ))
}

/// `"DONE" CRLF`
pub(crate) fn idle_done<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, IdleDone> {
    let (r, _) = kw("DONE")(i)?;
    let (r, ()) = crlf(ctx, r)?;
    Ok((r, IdleDone))
}
