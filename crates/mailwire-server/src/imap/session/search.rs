//! `SEARCH` (RFC 9051 §6.4.4 with ESEARCH, RFC 4731, and SEARCHRES, RFC 5182; RFC 3501 keys;
//! MODSEQ, RFC 7162 §3.1.5; WITHIN, RFC 5032; SAVEDATE keys, RFC 8514), `SORT` and `THREAD`
//! (RFC 5256, RFC 5957 DISPLAYFROM/DISPLAYTO).
//!
//! Keys on metadata (flags, sizes, dates, sets, mod-sequences) are evaluated from one store
//! listing; a message's bytes are read only when a key needs them, and only its header for
//! header keys.

use std::cmp::Ordering;
use std::num::NonZeroU32;
use std::time::SystemTime;

use mailwire_imap::types::{
    Charset, Code, Data, SearchKey, SearchReturnData, SearchReturnOption, SequenceSet,
    SortCriterion, SortKey, ThreadAlgorithm, ThreadList, Vec1,
};
use mailwire_mailbox::{Flag, Keyword, Mailbox, MessageMeta, Store, SystemFlag, Uid, UidSet};

use super::super::convert::{date_out, unix_seconds};
use super::super::error::{Completion, store_error};
use super::super::message::{
    AddressField, ParsedMessage, ThreadNode, subject_key, thread_orderedsubject, thread_references,
};
use super::super::view::{SeqMap, to_sequence_set, uid_set_of};
use super::ImapSession;
use super::fetch::{Content, Loaded};

/// The deepest THREAD nesting sent; deeper replies are listed flat at that level, so that
/// encoding and the client's parser never recurse without bound.
const MAX_THREAD_DEPTH: usize = 64;

/// One message as SEARCH sees it.
struct Candidate {
    seq: u32,
    meta: MessageMeta,
    recent: bool,
}

/// What the keys refer to besides the message.
struct Context<'a> {
    map: &'a SeqMap,
    saved: Option<&'a UidSet>,
    now: SystemTime,
}

/// The content a key needs.
fn key_content(key: &SearchKey<'_>) -> Content {
    match key {
        SearchKey::Bcc(_)
        | SearchKey::Cc(_)
        | SearchKey::From(_)
        | SearchKey::To(_)
        | SearchKey::Subject(_)
        | SearchKey::Header(..)
        | SearchKey::SentBefore(_)
        | SearchKey::SentOn(_)
        | SearchKey::SentSince(_) => Content::Header,
        SearchKey::Body(_) | SearchKey::Text(_) => Content::Full,
        SearchKey::Not(k) => key_content(k),
        SearchKey::Or(a, b) => key_content(a).max(key_content(b)),
        SearchKey::And(keys) => keys.iter().map(key_content).max().unwrap_or(Content::None),
        _ => Content::None,
    }
}

/// Whether a `BODY` or `TEXT` string holds a CR or LF: such a key must see the message's CRLF
/// form, not bare LFs as stored (RFC 9051 §6.4.4 matches against the message as sent).
fn needs_crlf(key: &SearchKey<'_>) -> bool {
    match key {
        SearchKey::Body(v) | SearchKey::Text(v) => {
            v.as_bytes().iter().any(|&b| b == b'\r' || b == b'\n')
        }
        SearchKey::Not(k) => needs_crlf(k),
        SearchKey::Or(a, b) => needs_crlf(a) || needs_crlf(b),
        SearchKey::And(keys) => keys.iter().any(needs_crlf),
        _ => false,
    }
}

/// Whether the keys use a key this server does not support (OBJECTID, Gmail).
fn unsupported(key: &SearchKey<'_>) -> bool {
    match key {
        SearchKey::EmailId(_)
        | SearchKey::ThreadId(_)
        | SearchKey::GmailRaw(_)
        | SearchKey::GmailMsgId(_)
        | SearchKey::GmailThrId(_)
        | SearchKey::GmailLabels(_) => true,
        SearchKey::Not(k) => unsupported(k),
        SearchKey::Or(a, b) => unsupported(a) || unsupported(b),
        SearchKey::And(keys) => keys.iter().any(unsupported),
        _ => false,
    }
}

/// Whether the keys use MODSEQ (RFC 7162 §3.1.5: the response then carries `(MODSEQ n)`).
fn uses_modseq(key: &SearchKey<'_>) -> bool {
    match key {
        SearchKey::ModSeq { .. } => true,
        SearchKey::Not(k) => uses_modseq(k),
        SearchKey::Or(a, b) => uses_modseq(a) || uses_modseq(b),
        SearchKey::And(keys) => keys.iter().any(uses_modseq),
        _ => false,
    }
}

fn has_keyword(meta: &MessageMeta, name: &str) -> bool {
    match Keyword::new(name) {
        Ok(k) => meta.flags.contains(&Flag::Keyword(k)),
        Err(_) => false,
    }
}

/// Evaluates a key; `None` when the key needs the message's bytes and `msg` is `None`.
/// Recursion is bounded by the decoder's nesting limit.
fn eval(
    key: &SearchKey<'_>,
    c: &Candidate,
    ctx: &Context<'_>,
    msg: Option<&ParsedMessage>,
) -> Option<bool> {
    let f = &c.meta.flags;
    let has = |s: SystemFlag| f.has(s);
    Some(match key {
        SearchKey::All => true,
        SearchKey::Answered => has(SystemFlag::Answered),
        SearchKey::Deleted => has(SystemFlag::Deleted),
        SearchKey::Draft => has(SystemFlag::Draft),
        SearchKey::Flagged => has(SystemFlag::Flagged),
        SearchKey::Seen => has(SystemFlag::Seen),
        SearchKey::Unanswered => !has(SystemFlag::Answered),
        SearchKey::Undeleted => !has(SystemFlag::Deleted),
        SearchKey::Undraft => !has(SystemFlag::Draft),
        SearchKey::Unflagged => !has(SystemFlag::Flagged),
        SearchKey::Unseen => !has(SystemFlag::Seen),
        SearchKey::New => c.recent && !has(SystemFlag::Seen),
        SearchKey::Old => !c.recent,
        SearchKey::Recent => c.recent,
        SearchKey::Keyword(k) => has_keyword(&c.meta, k.as_str()),
        SearchKey::Unkeyword(k) => !has_keyword(&c.meta, k.as_str()),
        SearchKey::Larger(n) => c.meta.size > *n,
        SearchKey::Smaller(n) => c.meta.size < *n,
        SearchKey::Before(d) => date_out(c.meta.internal_date) < *d,
        SearchKey::On(d) => date_out(c.meta.internal_date) == *d,
        SearchKey::Since(d) => date_out(c.meta.internal_date) >= *d,
        SearchKey::SavedBefore(d) => date_out(c.meta.save_date) < *d,
        SearchKey::SavedOn(d) => date_out(c.meta.save_date) == *d,
        SearchKey::SavedSince(d) => date_out(c.meta.save_date) >= *d,
        SearchKey::SaveDateSupported => true,
        SearchKey::Older(secs) => {
            // RFC 5032 §3: INTERNALDATE older than the interval.
            age(ctx.now, c.meta.internal_date) >= i64::from(secs.get())
        }
        SearchKey::Younger(secs) => age(ctx.now, c.meta.internal_date) <= i64::from(secs.get()),
        SearchKey::ModSeq { mod_seq, .. } => c.meta.modseq.get() >= mod_seq.get(),
        SearchKey::Uid(set) => match set {
            SequenceSet::LastResult => ctx.saved.is_some_and(|s| s.contains(c.meta.uid)),
            set => {
                let largest = ctx.map.last_uid().map_or(0, Uid::get);
                uid_set_of(set, largest).contains(c.meta.uid)
            }
        },
        SearchKey::SequenceSet(set) => match set {
            SequenceSet::LastResult => ctx.saved.is_some_and(|s| s.contains(c.meta.uid)),
            set => set.contains(c.seq, ctx.map.len()),
        },
        SearchKey::Not(k) => !eval(k, c, ctx, msg)?,
        SearchKey::Or(a, b) => match (eval(a, c, ctx, msg), eval(b, c, ctx, msg)) {
            (Some(true), _) | (_, Some(true)) => true,
            (Some(false), Some(false)) => false,
            _ => return None,
        },
        SearchKey::And(keys) => return eval_all(keys, c, ctx, msg),
        content => match msg {
            Some(m) => m.matches_key(content).unwrap_or(false),
            None => return None,
        },
    })
}

fn eval_all(
    keys: &[SearchKey<'_>],
    c: &Candidate,
    ctx: &Context<'_>,
    msg: Option<&ParsedMessage>,
) -> Option<bool> {
    let mut unknown = false;
    for k in keys {
        match eval(k, c, ctx, msg) {
            Some(false) => return Some(false),
            Some(true) => {}
            None => unknown = true,
        }
    }
    if unknown { None } else { Some(true) }
}

fn age(now: SystemTime, then: SystemTime) -> i64 {
    unix_seconds(now) - unix_seconds(then)
}

/// Whether a CHARSET can be searched with (RFC 9051 §6.4.4: US-ASCII and UTF-8 at least).
fn charset_ok(c: Option<&Charset<'_>>) -> bool {
    let Some(c) = c else { return true };
    let name = match c {
        Charset::Atom(a) => a.as_str().as_bytes().to_vec(),
        Charset::Quoted(q) => q.as_bytes().to_vec(),
    };
    name.eq_ignore_ascii_case(b"UTF-8") || name.eq_ignore_ascii_case(b"US-ASCII")
}

fn bad_charset() -> Completion {
    let list = ["UTF-8", "US-ASCII"]
        .iter()
        .filter_map(|c| mailwire_imap::types::Atom::new(c.to_string()).ok())
        .map(Charset::Atom)
        .collect::<Vec<_>>();
    Completion::no(
        Some(Code::BadCharset(Vec1::try_from(list).ok())),
        "unsupported charset",
    )
}

/// The highest mod-sequence of the messages found, when the keys use MODSEQ (RFC 7162
/// §3.1.5).
fn result_modseq(
    keys: &[SearchKey<'_>],
    found: &[Candidate],
) -> Option<mailwire_imap::types::ModSeq> {
    if !keys.iter().any(uses_modseq) {
        return None;
    }
    let m = found.iter().map(|c| c.meta.modseq).max()?;
    mailwire_imap::types::ModSeq::new(m.get()).ok()
}

/// A quoted string as an astring.
pub(super) fn quoted(s: &str) -> Option<mailwire_imap::types::AString<'static>> {
    mailwire_imap::types::Quoted::new(s.as_bytes().to_vec())
        .ok()
        .map(|q| mailwire_imap::types::AString::String(mailwire_imap::types::IString::Quoted(q)))
}

/// What RETURN asked for (RFC 4731 §3.1, RFC 5182).
#[derive(Debug, Default, Clone, Copy)]
struct Returns {
    min: bool,
    max: bool,
    all: bool,
    count: bool,
    save: bool,
}

impl<S: Store> ImapSession<S> {
    /// The messages of the selected mailbox matching `keys` (ANDed), ascending; `None` after
    /// answering an error.
    async fn matching(&mut self, keys: &[SearchKey<'_>]) -> Option<Vec<Candidate>> {
        let sel = self.selected()?;
        let uids = sel.view.map.uid_set();
        let metas = if uids.is_empty() {
            Vec::new()
        } else {
            match sel.mailbox.list(&uids).await {
                Ok(m) => m,
                Err(e) => {
                    self.complete(store_error(&e));
                    return None;
                }
            }
        };
        let content = keys.iter().map(key_content).max().unwrap_or(Content::None);
        let as_stored = content == Content::Full && !keys.iter().any(needs_crlf);
        let mut out = Vec::new();
        for meta in metas {
            let (seq, recent) = match self.selected() {
                Some(s) => match s.view.map.seq(meta.uid) {
                    Some(seq) => (seq, !self.enabled.rev2 && s.view.is_recent(meta.uid)),
                    None => continue,
                },
                None => return None,
            };
            let c = Candidate { seq, meta, recent };
            let verdict = {
                let sel = self.selected()?;
                let ctx = Context {
                    map: &sel.view.map,
                    saved: sel.view.saved.as_ref(),
                    now: SystemTime::now(),
                };
                eval_all(keys, &c, &ctx, None)
            };
            let keep = match verdict {
                Some(v) => v,
                None => {
                    let loaded = if as_stored {
                        self.read_whole(c.meta.uid, true)
                            .await
                            .map(|m| Loaded::Whole(Box::new(m)))
                    } else {
                        self.read_message(c.meta.uid, c.meta.size, content).await
                    };
                    let msg = match loaded {
                        Ok(m) => m,
                        // Expunged meanwhile: it does not match.
                        Err(_) => continue,
                    };
                    let sel = self.selected()?;
                    let ctx = Context {
                        map: &sel.view.map,
                        saved: sel.view.saved.as_ref(),
                        now: SystemTime::now(),
                    };
                    eval_all(keys, &c, &ctx, Some(msg.get())).unwrap_or(false)
                }
            };
            if keep {
                out.push(c);
            }
        }
        Some(out)
    }

    /// Checks what SEARCH, SORT and THREAD share; `false` after answering.
    fn check_keys(&mut self, charset: Option<&Charset<'_>>, keys: &[SearchKey<'_>]) -> bool {
        if !self.require_selected() {
            return false;
        }
        if !charset_ok(charset) {
            self.complete(bad_charset());
            return false;
        }
        if keys.iter().any(unsupported) {
            self.complete(Completion::bad("unsupported search key"));
            return false;
        }
        if keys.iter().any(uses_modseq) {
            self.enabled.condstore = true;
        }
        true
    }

    /// `[UID] SEARCH` (RFC 9051 §6.4.4; RFC 4731; RFC 5182).
    pub(super) async fn search(
        &mut self,
        uid: bool,
        returns: Option<&[SearchReturnOption<'_>]>,
        charset: Option<&Charset<'_>>,
        keys: &Vec1<SearchKey<'_>>,
    ) {
        if !self.check_keys(charset, keys) {
            return;
        }
        let mut ret = Returns::default();
        let esearch = returns.is_some() || self.enabled.rev2;
        for o in returns.unwrap_or_default() {
            match o {
                SearchReturnOption::Min => ret.min = true,
                SearchReturnOption::Max => ret.max = true,
                SearchReturnOption::All => ret.all = true,
                SearchReturnOption::Count => ret.count = true,
                SearchReturnOption::Save => ret.save = true,
                _ => {
                    self.complete(Completion::bad("unknown SEARCH return option"));
                    return;
                }
            }
        }
        if !(ret.min || ret.max || ret.count || ret.save) {
            // RFC 4731 §3.1: `RETURN ()` means ALL; so does an IMAP4rev2 SEARCH without RETURN.
            ret.all = true;
        }
        let Some(found) = self.matching(keys).await else {
            return;
        };
        let modseq = result_modseq(keys, &found);
        let number = |c: &Candidate| if uid { c.meta.uid.get() } else { c.seq };
        if ret.save {
            // RFC 5182 §2.4: with MIN or MAX alone, only those are saved.
            let saved: UidSet = if (ret.min || ret.max) && !(ret.all || ret.count) {
                let mut s = UidSet::new();
                if ret.min {
                    if let Some(c) = found.first() {
                        s.insert(c.meta.uid);
                    }
                }
                if ret.max {
                    if let Some(c) = found.last() {
                        s.insert(c.meta.uid);
                    }
                }
                s
            } else {
                found.iter().map(|c| c.meta.uid).collect()
            };
            if let Some(sel) = self.selected_mut() {
                sel.view.saved = Some(saved);
            }
        }
        if esearch {
            // RFC 5182 §2.1: SAVE alone returns no ESEARCH.
            let only_save = ret.save && !(ret.min || ret.max || ret.count || ret.all);
            if !only_save {
                let mut data = Vec::new();
                if ret.min {
                    if let Some(n) = found.first().and_then(|c| NonZeroU32::new(number(c))) {
                        data.push(SearchReturnData::Min(n));
                    }
                }
                if ret.max {
                    if let Some(n) = found.last().and_then(|c| NonZeroU32::new(number(c))) {
                        data.push(SearchReturnData::Max(n));
                    }
                }
                if ret.all {
                    let mut nums: Vec<u32> = found.iter().map(number).collect();
                    nums.sort_unstable();
                    if let Some(set) = to_sequence_set(nums) {
                        data.push(SearchReturnData::All(set));
                    }
                }
                if ret.count {
                    data.push(SearchReturnData::Count(found.len() as u32));
                }
                if let Some(m) = modseq {
                    if !found.is_empty() {
                        data.push(SearchReturnData::ModSeq(m));
                    }
                }
                // RFC 4731 §3.1: the correlator is a string.
                let tag = self.conn.pending().and_then(|(t, _)| quoted(t.as_str()));
                self.data(Data::ESearch { tag, uid, data });
            }
        } else {
            let ids: Vec<NonZeroU32> = found
                .iter()
                .filter_map(|c| NonZeroU32::new(number(c)))
                .collect();
            match (modseq, Vec1::try_from(ids.clone())) {
                (Some(mod_seq), Ok(ids)) => self.data(Data::SearchModSeq { ids, mod_seq }),
                _ => self.data(Data::Search(ids)),
            }
        }
        self.finish(Completion::ok(None, "SEARCH completed"), uid)
            .await;
    }

    /// `[UID] SORT` (RFC 5256 §3; RFC 5957 display keys).
    pub(super) async fn sort(
        &mut self,
        uid: bool,
        returns: Option<&[SearchReturnOption<'_>]>,
        criteria: &Vec1<SortCriterion<'_>>,
        charset: &Charset<'_>,
        keys: &Vec1<SearchKey<'_>>,
    ) {
        if !self.check_keys(Some(charset), keys) {
            return;
        }
        if returns.is_some() {
            self.complete(Completion::bad("ESORT is not supported"));
            return;
        }
        if criteria.iter().any(|c| matches!(c.key, SortKey::Other(_))) {
            self.complete(Completion::bad("unknown sort key"));
            return;
        }
        let Some(found) = self.matching(keys).await else {
            return;
        };
        let needs_header = criteria
            .iter()
            .any(|c| !matches!(c.key, SortKey::Arrival | SortKey::Size));
        // The keys of each message, computed once.
        let mut rows: Vec<(Vec<SortValue>, &Candidate)> = Vec::with_capacity(found.len());
        for c in &found {
            let msg = if needs_header {
                self.read_message(c.meta.uid, c.meta.size, Content::Header)
                    .await
                    .ok()
            } else {
                None
            };
            let values = criteria
                .iter()
                .map(|k| sort_value(&k.key, &c.meta, msg.as_ref().map(Loaded::get)))
                .collect();
            rows.push((values, c));
        }
        rows.sort_by(|(a, ca), (b, cb)| {
            for (i, k) in criteria.iter().enumerate() {
                let o = a[i].cmp(&b[i]);
                let o = if k.reverse { o.reverse() } else { o };
                if o != Ordering::Equal {
                    return o;
                }
            }
            // RFC 5256 §3: ties are broken by sequence number.
            ca.seq.cmp(&cb.seq)
        });
        let ids: Vec<NonZeroU32> = rows
            .iter()
            .filter_map(|(_, c)| NonZeroU32::new(if uid { c.meta.uid.get() } else { c.seq }))
            .collect();
        let modseq = result_modseq(keys, &found);
        match (modseq, Vec1::try_from(ids.clone())) {
            (Some(mod_seq), Ok(ids)) => self.data(Data::SortModSeq { ids, mod_seq }),
            _ => self.data(Data::Sort(ids)),
        }
        self.finish(Completion::ok(None, "SORT completed"), uid)
            .await;
    }

    /// `[UID] THREAD` (RFC 5256 §3: ORDEREDSUBJECT and REFERENCES).
    pub(super) async fn thread(
        &mut self,
        uid: bool,
        algorithm: &ThreadAlgorithm<'_>,
        charset: &Charset<'_>,
        keys: &Vec1<SearchKey<'_>>,
    ) {
        if !self.check_keys(Some(charset), keys) {
            return;
        }
        if matches!(algorithm, ThreadAlgorithm::Other(_)) {
            self.complete(Completion::bad("unsupported threading algorithm"));
            return;
        }
        let Some(found) = self.matching(keys).await else {
            return;
        };
        let mut inputs = Vec::with_capacity(found.len());
        for c in &found {
            let id = if uid { c.meta.uid.get() } else { c.seq };
            let internal = unix_seconds(c.meta.internal_date);
            match self
                .read_message(c.meta.uid, c.meta.size, Content::Header)
                .await
            {
                Ok(m) => inputs.push(m.get().thread_input(id, internal)),
                Err(_) => continue,
            }
        }
        let nodes = match algorithm {
            ThreadAlgorithm::References => thread_references(&inputs),
            _ => thread_orderedsubject(&inputs),
        };
        let lists = nodes.iter().filter_map(thread_list).collect();
        self.data(Data::Thread(lists));
        self.finish(Completion::ok(None, "THREAD completed"), uid)
            .await;
    }
}

/// A sort key's value for one message (RFC 5256 §3).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum SortValue {
    Number(i64),
    Text(String),
}

fn sort_value(key: &SortKey<'_>, meta: &MessageMeta, msg: Option<&ParsedMessage>) -> SortValue {
    let text = |f: &dyn Fn(&ParsedMessage) -> Option<String>| {
        // RFC 5256 §3: comparisons use i;ascii-casemap; missing values sort as "".
        SortValue::Text(msg.and_then(f).unwrap_or_default().to_ascii_uppercase())
    };
    match key {
        SortKey::Arrival => SortValue::Number(unix_seconds(meta.internal_date)),
        SortKey::Size => SortValue::Number(i64::try_from(meta.size).unwrap_or(i64::MAX)),
        SortKey::Date => SortValue::Number(
            msg.and_then(ParsedMessage::sent_timestamp)
                .unwrap_or_else(|| unix_seconds(meta.internal_date)),
        ),
        SortKey::Subject => SortValue::Text(
            msg.map(|m| subject_key(&m.base_subject().text))
                .unwrap_or_default(),
        ),
        SortKey::From => text(&|m| m.first_mailbox(AddressField::From)),
        SortKey::To => text(&|m| m.first_mailbox(AddressField::To)),
        SortKey::Cc => text(&|m| m.first_mailbox(AddressField::Cc)),
        SortKey::DisplayFrom => text(&|m| m.display_name(AddressField::From)),
        SortKey::DisplayTo => text(&|m| m.display_name(AddressField::To)),
        _ => SortValue::Number(0),
    }
}

/// A thread tree as a THREAD response list (RFC 5256 §4), built without recursion; below
/// [`MAX_THREAD_DEPTH`] nested levels, the rest of a branch is listed as one flat run.
fn thread_list(root: &ThreadNode) -> Option<ThreadList> {
    // Collect each node's chain of only-children, then build bottom-up with an explicit stack.
    enum Frame<'a> {
        Enter(&'a ThreadNode, usize),
        /// The ids of a chain of only-children and how many sub-threads follow it.
        Exit(Vec<NonZeroU32>, usize),
    }
    let mut stack = vec![Frame::Enter(root, 0)];
    let mut built: Vec<ThreadList> = Vec::new();
    while let Some(f) = stack.pop() {
        match f {
            Frame::Enter(node, depth) => {
                let mut ids = Vec::new();
                let mut cur = node;
                loop {
                    if let Some(id) = cur.id.and_then(NonZeroU32::new) {
                        ids.push(id);
                    }
                    match cur.children.as_slice() {
                        [only] => cur = only,
                        _ => break,
                    }
                }
                if depth >= MAX_THREAD_DEPTH {
                    // Flatten the rest of the branch.
                    let mut rest = Vec::new();
                    let mut todo: Vec<&ThreadNode> = cur.children.iter().rev().collect();
                    while let Some(n) = todo.pop() {
                        if let Some(id) = n.id.and_then(NonZeroU32::new) {
                            rest.push(id);
                        }
                        todo.extend(n.children.iter().rev());
                    }
                    ids.extend(rest);
                    stack.push(Frame::Exit(ids, 0));
                    continue;
                }
                let children = &cur.children;
                stack.push(Frame::Exit(ids, children.len()));
                for c in children.iter().rev() {
                    stack.push(Frame::Enter(c, depth + 1));
                }
            }
            Frame::Exit(ids, n) => {
                let nested = built.split_off(built.len().saturating_sub(n));
                let list = match Vec1::try_from(ids) {
                    Ok(ids) => ThreadList::Members { ids, nested },
                    Err(_) => match Vec1::try_from(nested) {
                        Ok(n) => ThreadList::Nested(n),
                        Err(_) => continue,
                    },
                };
                built.push(list);
            }
        }
    }
    built.pop()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: Option<u32>, children: Vec<ThreadNode>) -> ThreadNode {
        ThreadNode { id, children }
    }

    fn wire(t: &ThreadList) -> String {
        let d = Data::Thread(vec![t.clone()]);
        let b =
            mailwire_imap::codec::Encode::encode(&mailwire_imap::types::Response::Data(d)).dump();
        String::from_utf8(b).unwrap()
    }

    #[test]
    fn thread_lists() {
        // RFC 5256 §4 example: (3 6 (4 23)(44 7 96))
        let t = node(
            Some(3),
            vec![node(
                Some(6),
                vec![
                    node(Some(4), vec![node(Some(23), vec![])]),
                    node(Some(44), vec![node(Some(7), vec![node(Some(96), vec![])])]),
                ],
            )],
        );
        assert_eq!(
            wire(&thread_list(&t).unwrap()),
            "* THREAD (3 6 (4 23)(44 7 96))\r\n"
        );
        // A dummy parent: ((1)(2))
        let d = node(None, vec![node(Some(1), vec![]), node(Some(2), vec![])]);
        assert_eq!(wire(&thread_list(&d).unwrap()), "* THREAD ((1)(2))\r\n");
    }

    #[test]
    fn deep_threads_are_flattened() {
        // A binary tree 200 levels deep: each node has a leaf child and a deeper child.
        let mut t = node(Some(1000), vec![]);
        for i in 0..200u32 {
            t = node(Some(i + 1), vec![node(Some(5000 + i), vec![]), t]);
        }
        let list = thread_list(&t).unwrap();
        let s = wire(&list);
        let depth = s.chars().fold((0i32, 0i32), |(d, m), c| match c {
            '(' => (d + 1, m.max(d + 1)),
            ')' => (d - 1, m),
            _ => (d, m),
        });
        assert!(depth.1 <= MAX_THREAD_DEPTH as i32 + 2, "{}", depth.1);
        for id in [1000, 5000, 5199, 200] {
            assert!(s.contains(&format!("{id}")), "{id}");
        }
    }
}
