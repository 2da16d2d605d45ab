//! Encoders for the message-level extensions: RFC 4466 parameter lists, CONDSTORE/QRESYNC
//! (RFC 7162), SORT/THREAD (RFC 5256), MULTIAPPEND (RFC 3502), OBJECTID (RFC 8474), SAVEDATE
//! (RFC 8514), PREVIEW (RFC 8970), UIDONLY (RFC 9586), APPENDLIMIT (RFC 7889), Gmail's
//! X-GM-EXT-1, and the opaque form of unknown items.
//!
//! The functions taking a whole enum are called by the main encoders for exactly the variants
//! these extensions add (the main `match` lists them, so it stays exhaustive); other variants
//! encode nothing here.

use super::{Encode, EncodeContext, labelled};
use crate::types::*;

/// `SP "(" x *(SP x) ")"` when `items` is not empty (select-params, fetch-modifiers).
pub(super) fn params<T: Encode>(ctx: &mut EncodeContext, items: &[T]) {
    if !items.is_empty() {
        ctx.sp();
        ctx.paren(items);
    }
}

/// `SP "(" store-modifier *(SP store-modifier) ")"` when `mods` is not empty.
pub(super) fn store_modifiers(ctx: &mut EncodeContext, mods: &[StoreModifier<'_>]) {
    params(ctx, mods);
}

impl Encode for ModSeq {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        ctx.push_number(self.get());
    }
}

impl Encode for ModSeqValzer {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        ctx.push_number(self.get());
    }
}

impl Encode for ObjectId<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        ctx.push(self.as_str().as_bytes());
    }
}

/// `"(" objectid ")"`
fn paren_objectid(ctx: &mut EncodeContext, o: &ObjectId<'_>) {
    ctx.push_byte(b'(');
    o.encode_ctx(ctx);
    ctx.push_byte(b')');
}

impl Encode for OpaqueToken<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        ctx.push(self.as_str().as_bytes());
    }
}

impl Encode for OpaqueValue<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        match self {
            OpaqueValue::Token(t) => t.encode_ctx(ctx),
            OpaqueValue::String(s) => s.encode_ctx(ctx),
            OpaqueValue::Literal8(l) => l.encode_ctx(ctx),
            OpaqueValue::List(v) => ctx.paren(v),
        }
    }
}

/// `"\" atom` or astring.
impl Encode for GmailLabel<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        match self {
            GmailLabel::System(a) => {
                ctx.push_byte(b'\\');
                a.encode_ctx(ctx);
            }
            GmailLabel::Label(a) => a.encode_ctx(ctx),
        }
    }
}

/// `"(" uidvalidity SP mod-sequence-value [SP known-uids] [SP seq-match-data] ")"`.
impl Encode for QresyncParam {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        ctx.push_byte(b'(');
        ctx.nz(self.uid_validity);
        ctx.sp();
        self.mod_seq.encode_ctx(ctx);
        if let Some(k) = &self.known_uids {
            ctx.sp();
            k.encode_ctx(ctx);
        }
        if let Some(m) = &self.seq_match {
            ctx.push(b" (");
            m.known_sequence_set.encode_ctx(ctx);
            ctx.sp();
            m.known_uid_set.encode_ctx(ctx);
            ctx.push_byte(b')');
        }
        ctx.push_byte(b')');
    }
}

impl Encode for SelectParam<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        match self {
            SelectParam::Condstore => ctx.push(b"CONDSTORE"),
            SelectParam::Qresync(q) => {
                ctx.push(b"QRESYNC ");
                q.encode_ctx(ctx);
            }
            SelectParam::Other(label, value) => labelled(ctx, label, value.as_ref()),
        }
    }
}

impl Encode for FetchModifier<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        match self {
            FetchModifier::ChangedSince(m) => {
                ctx.push(b"CHANGEDSINCE ");
                m.encode_ctx(ctx);
            }
            FetchModifier::Vanished => ctx.push(b"VANISHED"),
            FetchModifier::Other(label, value) => labelled(ctx, label, value.as_ref()),
        }
    }
}

impl Encode for StoreModifier<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        match self {
            StoreModifier::UnchangedSince(m) => {
                ctx.push(b"UNCHANGEDSINCE ");
                m.encode_ctx(ctx);
            }
            StoreModifier::Other(label, value) => labelled(ctx, label, value.as_ref()),
        }
    }
}

/// `[SP flag-list] [SP date-time] *(SP append-ext) SP append-data`, without the leading SP.
impl Encode for AppendMessage<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        if let Some(f) = &self.flags {
            ctx.paren(f);
            ctx.sp();
        }
        if let Some(d) = &self.date {
            d.encode_ctx(ctx);
            ctx.sp();
        }
        for (label, value) in &self.extensions {
            labelled(ctx, label, Some(value));
            ctx.sp();
        }
        self.data.encode_ctx(ctx);
    }
}

impl Encode for SortKey<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        ctx.push(self.name().as_bytes());
    }
}

impl Encode for SortCriterion<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        if self.reverse {
            ctx.push(b"REVERSE ");
        }
        self.key.encode_ctx(ctx);
    }
}

impl Encode for ThreadAlgorithm<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        match self {
            ThreadAlgorithm::OrderedSubject => ctx.push(b"ORDEREDSUBJECT"),
            ThreadAlgorithm::References => ctx.push(b"REFERENCES"),
            ThreadAlgorithm::Other(a) => a.encode_ctx(ctx),
        }
    }
}

/// `"(" (thread-members / thread-nested) ")"`; nested lists follow each other without SP.
impl Encode for ThreadList {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        ctx.push_byte(b'(');
        match self {
            ThreadList::Members { ids, nested } => {
                ctx.join(ids);
                if !nested.is_empty() {
                    ctx.sp();
                    for t in nested {
                        t.encode_ctx(ctx);
                    }
                }
            }
            ThreadList::Nested(lists) => {
                for t in lists {
                    t.encode_ctx(ctx);
                }
            }
        }
        ctx.push_byte(b')');
    }
}

/// `date` of a search key, after its name.
fn key_arg<T: Encode>(ctx: &mut EncodeContext, name: &[u8], value: &T) {
    ctx.push(name);
    value.encode_ctx(ctx);
}

/// `"/flags/" flag` as a quoted string (RFC 7162 §7 `entry-flag-name`).
fn entry_flag_name(ctx: &mut EncodeContext, flag: &Flag<'_>) {
    let mut name = EncodeContext::new();
    flag.encode_ctx(&mut name);
    let mut content = b"/flags/".to_vec();
    content.extend_from_slice(&name.finish().dump());
    ctx.push_quoted(&content);
}

pub(super) fn search_key(ctx: &mut EncodeContext, key: &SearchKey<'_>) {
    use SearchKey as K;
    match key {
        K::ModSeq { entry, mod_seq } => {
            ctx.push(b"MODSEQ ");
            if let Some(e) = entry {
                entry_flag_name(ctx, &e.flag);
                ctx.push(match e.entry_type {
                    EntryType::Private => b" priv ",
                    EntryType::Shared => b" shared ",
                    EntryType::All => b" all ",
                });
            }
            mod_seq.encode_ctx(ctx);
        }
        K::Older(n) => key_arg(ctx, b"OLDER ", n),
        K::Younger(n) => key_arg(ctx, b"YOUNGER ", n),
        K::SavedBefore(d) => key_arg(ctx, b"SAVEDBEFORE ", d),
        K::SavedOn(d) => key_arg(ctx, b"SAVEDON ", d),
        K::SavedSince(d) => key_arg(ctx, b"SAVEDSINCE ", d),
        K::SaveDateSupported => ctx.push(b"SAVEDATESUPPORTED"),
        K::EmailId(o) => key_arg(ctx, b"EMAILID ", o),
        K::ThreadId(o) => key_arg(ctx, b"THREADID ", o),
        K::GmailRaw(a) => key_arg(ctx, b"X-GM-RAW ", a),
        K::GmailMsgId(n) => {
            ctx.push(b"X-GM-MSGID ");
            ctx.push_number(*n);
        }
        K::GmailThrId(n) => {
            ctx.push(b"X-GM-THRID ");
            ctx.push_number(*n);
        }
        K::GmailLabels(l) => key_arg(ctx, b"X-GM-LABELS ", l),
        _ => {}
    }
}

pub(super) fn fetch_attribute(ctx: &mut EncodeContext, att: &FetchAttribute<'_>) {
    use FetchAttribute as F;
    match att {
        F::ModSeq => ctx.push(b"MODSEQ"),
        F::SaveDate => ctx.push(b"SAVEDATE"),
        F::EmailId => ctx.push(b"EMAILID"),
        F::ThreadId => ctx.push(b"THREADID"),
        F::Preview { lazy: false } => ctx.push(b"PREVIEW"),
        F::Preview { lazy: true } => ctx.push(b"PREVIEW (LAZY)"),
        F::GmailMsgId => ctx.push(b"X-GM-MSGID"),
        F::GmailThrId => ctx.push(b"X-GM-THRID"),
        F::GmailLabels => ctx.push(b"X-GM-LABELS"),
        F::Other(a) => a.encode_ctx(ctx),
        _ => {}
    }
}

pub(super) fn message_data_item(ctx: &mut EncodeContext, item: &MessageDataItem<'_>) {
    use MessageDataItem as M;
    match item {
        M::ModSeq(m) => {
            ctx.push(b"MODSEQ (");
            m.encode_ctx(ctx);
            ctx.push_byte(b')');
        }
        M::SaveDate(Some(d)) => key_arg(ctx, b"SAVEDATE ", d),
        M::SaveDate(None) => ctx.push(b"SAVEDATE NIL"),
        M::EmailId(o) => {
            ctx.push(b"EMAILID ");
            paren_objectid(ctx, o);
        }
        M::ThreadId(Some(o)) => {
            ctx.push(b"THREADID ");
            paren_objectid(ctx, o);
        }
        M::ThreadId(None) => ctx.push(b"THREADID NIL"),
        M::Preview(s) => key_arg(ctx, b"PREVIEW ", s),
        M::GmailMsgId(n) => {
            ctx.push(b"X-GM-MSGID ");
            ctx.push_number(*n);
        }
        M::GmailThrId(n) => {
            ctx.push(b"X-GM-THRID ");
            ctx.push_number(*n);
        }
        M::GmailLabels(labels) => {
            ctx.push(b"X-GM-LABELS ");
            ctx.paren(labels);
        }
        M::Other { name, value } => {
            name.encode_ctx(ctx);
            ctx.sp();
            value.encode_ctx(ctx);
        }
        _ => {}
    }
}

pub(super) fn code(ctx: &mut EncodeContext, code: &Code<'_>) {
    match code {
        Code::HighestModSeq(m) => key_arg(ctx, b"HIGHESTMODSEQ ", m),
        Code::NoModSeq => ctx.push(b"NOMODSEQ"),
        Code::Modified(set) => key_arg(ctx, b"MODIFIED ", set),
        Code::MailboxId(o) => {
            ctx.push(b"MAILBOXID ");
            paren_objectid(ctx, o);
        }
        Code::UidRequired => ctx.push(b"UIDREQUIRED"),
        Code::TooBig => ctx.push(b"TOOBIG"),
        _ => {}
    }
}

pub(super) fn status_value(ctx: &mut EncodeContext, value: &StatusValue) {
    match value {
        StatusValue::HighestModSeq(m) => key_arg(ctx, b"HIGHESTMODSEQ ", m),
        StatusValue::MailboxId(o) => {
            ctx.push(b"MAILBOXID ");
            paren_objectid(ctx, o);
        }
        StatusValue::AppendLimit(Some(n)) => {
            ctx.push(b"APPENDLIMIT ");
            ctx.push_number(u64::from(*n));
        }
        StatusValue::AppendLimit(None) => ctx.push(b"APPENDLIMIT NIL"),
        StatusValue::Other { name, value } => {
            name.encode_ctx(ctx);
            ctx.sp();
            value.encode_ctx(ctx);
        }
        _ => {}
    }
}

/// `SP nz-number *(SP nz-number) SP "(" "MODSEQ" SP n ")"` (without a leading keyword).
fn numbers(ctx: &mut EncodeContext, ids: &[std::num::NonZeroU32], mod_seq: Option<ModSeq>) {
    for n in ids {
        ctx.sp();
        ctx.nz(*n);
    }
    if let Some(m) = mod_seq {
        ctx.push(b" (MODSEQ ");
        m.encode_ctx(ctx);
        ctx.push_byte(b')');
    }
}

/// Untagged data, after `"*" SP` and before CRLF.
pub(super) fn data(ctx: &mut EncodeContext, data: &Data<'_>) {
    match data {
        Data::SearchModSeq { ids, mod_seq } => {
            ctx.push(b"SEARCH");
            numbers(ctx, ids, Some(*mod_seq));
        }
        Data::Vanished { earlier, uids } => {
            ctx.push(if *earlier {
                b"VANISHED (EARLIER) "
            } else {
                b"VANISHED "
            });
            uids.encode_ctx(ctx);
        }
        Data::Sort(ids) => {
            ctx.push(b"SORT");
            numbers(ctx, ids, None);
        }
        Data::SortModSeq { ids, mod_seq } => {
            ctx.push(b"SORT");
            numbers(ctx, ids, Some(*mod_seq));
        }
        Data::Thread(threads) => {
            ctx.push(b"THREAD");
            if !threads.is_empty() {
                ctx.sp();
                for t in threads {
                    t.encode_ctx(ctx);
                }
            }
        }
        Data::UidFetch { uid, items } => {
            ctx.nz(*uid);
            ctx.push(b" UIDFETCH ");
            ctx.paren(items);
        }
        _ => {}
    }
}

/// `charset 1*(SP search-key)`
fn search_criteria(ctx: &mut EncodeContext, charset: &Charset<'_>, keys: &[SearchKey<'_>]) {
    charset.encode_ctx(ctx);
    for k in keys {
        ctx.sp();
        k.encode_ctx(ctx);
    }
}

/// The commands the extensions add, without tag and CRLF.
pub(super) fn command_body(ctx: &mut EncodeContext, body: &CommandBody<'_>) {
    let uid = |ctx: &mut EncodeContext, uid: bool| {
        if uid {
            ctx.push(b"UID ");
        }
    };
    match body {
        CommandBody::Sort {
            uid: u,
            returns,
            criteria,
            charset,
            keys,
        } => {
            uid(ctx, *u);
            ctx.push(b"SORT");
            if let Some(ret) = returns {
                ctx.push(b" RETURN ");
                ctx.paren(ret);
            }
            ctx.sp();
            ctx.paren(criteria);
            ctx.sp();
            search_criteria(ctx, charset, keys);
        }
        CommandBody::Thread {
            uid: u,
            algorithm,
            charset,
            keys,
        } => {
            uid(ctx, *u);
            ctx.push(b"THREAD ");
            algorithm.encode_ctx(ctx);
            ctx.sp();
            search_criteria(ctx, charset, keys);
        }
        CommandBody::StoreGmailLabels {
            uid: u,
            set,
            modifiers,
            mode,
            silent,
            labels,
            parenthesized,
        } => {
            uid(ctx, *u);
            ctx.push(b"STORE ");
            set.encode_ctx(ctx);
            store_modifiers(ctx, modifiers);
            ctx.push(match mode {
                StoreMode::Replace => b" X-GM-LABELS",
                StoreMode::Add => b" +X-GM-LABELS",
                StoreMode::Remove => b" -X-GM-LABELS",
            });
            if *silent {
                ctx.push(b".SILENT");
            }
            ctx.sp();
            if *parenthesized || labels.is_empty() {
                ctx.paren(labels);
            } else {
                ctx.join(labels);
            }
        }
        _ => {}
    }
}
