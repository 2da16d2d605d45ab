//! `FETCH` and `UID FETCH` (RFC 9051 §6.4.5, §7.5.2; RFC 3501 `RFC822*`; RFC 3516 BINARY;
//! RFC 7162 `MODSEQ`, `CHANGEDSINCE` and `VANISHED`; RFC 8514 `SAVEDATE`; RFC 8970 `PREVIEW`).
//!
//! One store listing gives the metadata of every message asked for; message bytes are read
//! only when an attribute needs them (just the header for ENVELOPE and header sections), and
//! each message is parsed once for all its attributes. A FETCH of many messages runs as a job
//! over several steps: the session hands each `ImapOptions::output_chunk` of output to the
//! driver before reading more messages, so memory stays bounded whatever the mailbox size.

use std::borrow::Cow;
use std::num::NonZeroU32;
use std::sync::Arc;

use bytes::Bytes;
use mailwire_imap::types::{
    BinaryData, Code, Condition, Data, FetchAttribute, FetchModifier, IString, IntoStatic, Literal,
    Literal8, LiteralMode, MacroOrAttributes, MessageDataItem, NString, Response, SequenceSet,
    Vec1,
};
use mailwire_mailbox::{
    Flag, FlagOp, Flags, Mailbox, MessageMeta, ModSeq, Store, SystemFlag, Uid, UidSet,
};

use super::super::cache::{MessageKey, Summary};
use super::super::convert::{date_time_out, flags_out};
use super::super::error::{Completion, store_error};
use super::super::message::{ParsedMessage, SectionError, apply_partial};
use super::super::view::{uid_sequence_set, uid_set_of};
use super::{ImapSession, Job};
use crate::session::Step;

/// How much of a message an attribute needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Content {
    /// Metadata only (FLAGS, UID, sizes, dates, MODSEQ).
    None,
    /// The top-level header (ENVELOPE, `BODY[HEADER...]`, `RFC822.HEADER`).
    Header,
    /// The whole message.
    Full,
}

/// The bytes read first for a header-only need: enough for nearly every header; a longer header
/// is read on in larger pieces.
pub(super) const HEADER_READ: u64 = 8 * 1024;

/// The content an attribute needs; ENVELOPE and BODYSTRUCTURE are served from the summary
/// cache and counted apart.
fn content_of(a: &FetchAttribute<'_>) -> Content {
    use mailwire_imap::types::Section;
    match a {
        FetchAttribute::Envelope | FetchAttribute::BodyStructure => Content::None,
        FetchAttribute::Rfc822Header => Content::Header,
        FetchAttribute::BodySection {
            section:
                Some(
                    Section::Header(None)
                    | Section::HeaderFields(None, _)
                    | Section::HeaderFieldsNot(None, _),
                ),
            ..
        } => Content::Header,
        FetchAttribute::Body
        | FetchAttribute::BodySection { .. }
        | FetchAttribute::Binary { .. }
        | FetchAttribute::BinarySize { .. }
        | FetchAttribute::Rfc822
        | FetchAttribute::Rfc822Text
        | FetchAttribute::Preview { .. } => Content::Full,
        _ => Content::None,
    }
}

/// Whether the attribute sets `\Seen` (RFC 9051 §6.4.5: `BODY[...]` without `.PEEK`; RFC 3501
/// `RFC822` and `RFC822.TEXT`; RFC 3516 `BINARY[...]`).
fn sets_seen(a: &FetchAttribute<'_>) -> bool {
    matches!(
        a,
        FetchAttribute::BodySection { peek: false, .. }
            | FetchAttribute::Binary { peek: false, .. }
            | FetchAttribute::Rfc822
            | FetchAttribute::Rfc822Text
    )
}

/// A message as far as it was read: its cached header, or the whole message.
pub(super) enum Loaded {
    Header(Arc<Summary>),
    Whole(Box<ParsedMessage>),
}

impl Loaded {
    pub(super) fn get(&self) -> &ParsedMessage {
        match self {
            Loaded::Header(s) => s.parsed_header(),
            Loaded::Whole(p) => p,
        }
    }
}

/// Whether a FETCH needs a message summary (ENVELOPE, BODYSTRUCTURE).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Summarize {
    No,
    /// ENVELOPE only: a miss reads the header.
    EnvelopeOnly,
    /// BODYSTRUCTURE: a miss reads the message and fills the cache.
    Full,
}

/// A FETCH in progress.
pub(super) struct FetchJob {
    uid_command: bool,
    attributes: Vec<FetchAttribute<'static>>,
    content: Content,
    /// ENVELOPE or BODYSTRUCTURE is asked for.
    summary: Summarize,
    /// `(sequence number, metadata, whether FLAGS must be sent because \Seen was just set)`.
    messages: Vec<(u32, MessageMeta, bool)>,
    pos: usize,
    /// Some messages could not be read (expunged meanwhile).
    missing: bool,
    /// A section could not be produced: the completion to send instead of OK.
    failure: Option<Completion>,
    /// The one attribute that is the whole message (`BODY[]`, `BODY.PEEK[]`, `RFC822`), when
    /// nothing else needs the whole message: large messages then go out in pieces read from
    /// the store (see [`Streamed`]).
    streamable: Option<usize>,
    /// The content the other attributes need when the whole message is streamed.
    content_without_stream: Content,
    /// A message being streamed.
    stream: Option<Streamed>,
}

/// A message literal going out in pieces: the store range still to send.
#[derive(Debug, Clone, Copy)]
struct Streamed {
    uid: Uid,
    next: u64,
    end: u64,
}

/// The attribute a FETCH can stream, if there is exactly one and no other attribute needs the
/// whole message.
fn streamable(attributes: &[FetchAttribute<'_>]) -> Option<usize> {
    let whole = |a: &FetchAttribute<'_>| {
        matches!(
            a,
            FetchAttribute::BodySection { section: None, .. } | FetchAttribute::Rfc822
        )
    };
    let mut found = None;
    for (i, a) in attributes.iter().enumerate() {
        if whole(a) {
            if found.is_some() {
                return None;
            }
            found = Some(i);
        } else if content_of(a) == Content::Full {
            return None;
        }
    }
    found
}

/// The placeholder response item of a streamed attribute, and the literal's range.
fn stream_item(
    a: &FetchAttribute<'_>,
    size: u64,
) -> Option<(MessageDataItem<'static>, std::ops::Range<u64>)> {
    let empty = || NString(Some(IString::Literal(empty_literal())));
    match a {
        FetchAttribute::BodySection {
            section: None,
            partial,
            ..
        } => {
            let (range, origin) = match partial {
                Some(p) => {
                    let start = p.offset.min(size);
                    let end = p.offset.saturating_add(p.count.get()).min(size);
                    (start..end, origin(Some(p.offset)))
                }
                None => (0..size, None),
            };
            Some((
                MessageDataItem::BodySection {
                    section: None,
                    origin,
                    data: empty(),
                },
                range,
            ))
        }
        FetchAttribute::Rfc822 => Some((MessageDataItem::Rfc822(empty()), 0..size)),
        _ => None,
    }
}

/// `Literal` for message data; NUL bytes, which a `literal` cannot carry (RFC 9051 §4.3), are
/// sent as 0x80 as Dovecot does.
fn literal(data: &[u8]) -> Literal<'_> {
    match Literal::new(Cow::Borrowed(data)) {
        Ok(l) => l,
        Err(_) => {
            let cleaned: Vec<u8> = data
                .iter()
                .map(|&b| if b == 0 { 0x80 } else { b })
                .collect();
            Literal::new(cleaned).unwrap_or_else(|_| empty_literal())
        }
    }
}

fn empty_literal() -> Literal<'static> {
    Literal::new(Vec::new()).expect("an empty literal holds no NUL")
}

/// Message data: a literal, or `""` when empty.
fn nstring(data: &[u8]) -> NString<'_> {
    if data.is_empty() {
        return NString(IString::from_bytes(&b""[..]).ok());
    }
    NString(Some(IString::Literal(literal(data))))
}

fn origin(o: Option<u64>) -> Option<u32> {
    o.map(|o| u32::try_from(o).unwrap_or(u32::MAX))
}

impl<S: Store> ImapSession<S> {
    /// Starts a `[UID] FETCH`.
    pub(super) async fn fetch(
        &mut self,
        uid: bool,
        set: &SequenceSet,
        attributes: MacroOrAttributes<'static>,
        modifiers: &[FetchModifier<'_>],
    ) {
        if !self.require_selected() {
            return;
        }
        let mut attributes = match attributes {
            MacroOrAttributes::Macro(m) => m.expand(),
            MacroOrAttributes::Attributes(a) => a,
        };
        let mut changed_since = None;
        let mut vanished = false;
        for m in modifiers {
            match m {
                FetchModifier::ChangedSince(v) => {
                    self.enabled.condstore = true;
                    changed_since = ModSeq::new(v.get());
                }
                FetchModifier::Vanished => vanished = true,
                _ => {
                    self.complete(Completion::bad("unknown FETCH modifier"));
                    return;
                }
            }
        }
        if vanished && !(uid && self.enabled.qresync && changed_since.is_some()) {
            // RFC 7162 §3.2.6: UID FETCH only, with CHANGEDSINCE, once QRESYNC is enabled.
            self.complete(Completion::bad(
                "VANISHED needs UID FETCH, CHANGEDSINCE and QRESYNC",
            ));
            return;
        }
        if attributes.iter().any(|a| {
            matches!(
                a,
                FetchAttribute::EmailId
                    | FetchAttribute::ThreadId
                    | FetchAttribute::GmailMsgId
                    | FetchAttribute::GmailThrId
                    | FetchAttribute::GmailLabels
                    | FetchAttribute::Other(_)
            )
        }) {
            self.complete(Completion::bad("unsupported FETCH attribute"));
            return;
        }
        if uid && !attributes.contains(&FetchAttribute::Uid) {
            // RFC 9051 §6.4.9: UID FETCH answers always carry the UID.
            attributes.insert(0, FetchAttribute::Uid);
        }
        if attributes.contains(&FetchAttribute::ModSeq) {
            self.enabled.condstore = true;
        } else if changed_since.is_some() {
            // RFC 7162 §3.1.4.1: CHANGEDSINCE implies MODSEQ.
            attributes.push(FetchAttribute::ModSeq);
        }
        let Some(targets) = self.resolve_set(set, uid) else {
            return;
        };
        let Some(sel) = self.selected() else {
            return;
        };
        let uids: UidSet = targets.iter().map(|&(_, u)| u).collect();
        if vanished {
            if let Some(since) = changed_since {
                match sel.mailbox.changes_since(since).await {
                    Ok(ch) => {
                        let largest = sel.view.map.last_uid().map_or(u32::MAX, Uid::get);
                        let requested = uid_set_of(set, largest);
                        let gone = super::mailboxes::intersect(&ch.expunged, &requested);
                        if let Some(uids) = uid_sequence_set(&gone) {
                            self.data(Data::Vanished {
                                earlier: true,
                                uids,
                            });
                        }
                    }
                    Err(e) => {
                        self.complete(store_error(&e));
                        return;
                    }
                }
            }
        }
        let Some(sel) = self.selected() else {
            return;
        };
        let metas = if uids.is_empty() {
            Ok(Vec::new())
        } else {
            sel.mailbox.list(&uids).await
        };
        let metas = match metas {
            Ok(m) => m,
            Err(e) => {
                self.complete(store_error(&e));
                return;
            }
        };
        let missing = metas.len() < targets.len();
        // Pair metadata with sequence numbers (both ascend by UID).
        let mut messages = Vec::with_capacity(metas.len());
        let mut t = targets.iter().peekable();
        for m in metas {
            while t.peek().is_some_and(|(_, u)| *u < m.uid) {
                t.next();
            }
            if let Some(&&(seq, u)) = t.peek() {
                if u == m.uid && changed_since.is_none_or(|c| m.modseq > c) {
                    messages.push((seq, m, false));
                }
            }
        }
        // Implicit \Seen (RFC 9051 §6.4.5), set in one store call before answering.
        let read_only = self.selected().is_some_and(|s| s.read_only);
        if !read_only && attributes.iter().any(sets_seen) {
            let unseen: UidSet = messages
                .iter()
                .filter(|(_, m, _)| !m.flags.has(SystemFlag::Seen))
                .map(|(_, m, _)| m.uid)
                .collect();
            if !unseen.is_empty() {
                let seen: Flags = [Flag::System(SystemFlag::Seen)].into_iter().collect();
                let result = match self.selected() {
                    Some(s) => {
                        s.mailbox
                            .store_flags(&unseen, FlagOp::Add, &seen, None)
                            .await
                    }
                    None => return,
                };
                match result {
                    Ok(r) => {
                        if let Some(sel) = self.selected_mut() {
                            sel.view
                                .note_own(r.updated.iter().map(|u| (u.uid, u.modseq)));
                        }
                        let mut updates = r.updated.into_iter().peekable();
                        for (_, m, flags_due) in &mut messages {
                            while updates.peek().is_some_and(|u| u.uid < m.uid) {
                                updates.next();
                            }
                            if let Some(u) = updates.peek() {
                                if u.uid == m.uid {
                                    m.flags = u.flags.clone();
                                    m.modseq = u.modseq;
                                    *flags_due = true;
                                }
                            }
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "could not set \\Seen"),
                }
            }
        }
        let summary = if attributes.contains(&FetchAttribute::BodyStructure) {
            Summarize::Full
        } else if attributes.contains(&FetchAttribute::Envelope) {
            Summarize::EnvelopeOnly
        } else {
            Summarize::No
        };
        let content = attributes
            .iter()
            .map(content_of)
            .max()
            .unwrap_or(Content::None);
        let streamable = streamable(&attributes);
        let content_without_stream = attributes
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != streamable)
            .map(|(_, a)| content_of(a))
            .max()
            .unwrap_or(Content::None);
        self.job = Some(Job::Fetch(Box::new(FetchJob {
            uid_command: uid,
            attributes,
            content,
            summary,
            messages,
            pos: 0,
            missing,
            failure: None,
            streamable,
            content_without_stream,
            stream: None,
        })));
    }

    /// Runs a FETCH until it produced an output chunk or finished; the chunk to write, or
    /// `None` once the command is complete.
    pub(super) async fn run_fetch(&mut self, mut job: Box<FetchJob>) -> Option<Vec<u8>> {
        let mut produced = 0usize;
        if job.content == Content::Full && job.pos < job.messages.len() {
            // Bodies fill the chunk: room for it at once instead of a series of doublings,
            // each copying what is there (about one extra copy of every byte sent).
            self.conn
                .reserve_output(self.options.output_chunk + 16 * 1024);
        }
        while (job.pos < job.messages.len() || job.stream.is_some())
            && produced < self.options.output_chunk
        {
            if let Some(st) = job.stream {
                match self.stream_piece(st).await {
                    Some(next) => {
                        produced += (next.next - st.next) as usize;
                        job.stream = (next.next < next.end).then_some(next);
                    }
                    None => {
                        // Too late for NO: the literal started. Close the connection so the
                        // client cannot mistake a truncated message for a whole one.
                        self.queued.push_back(Step::Close);
                        return self.take_output();
                    }
                }
                continue;
            }
            let i = job.pos;
            job.pos += 1;
            let (seq, uid, size) = {
                let (seq, m, _) = &job.messages[i];
                (*seq, m.uid, m.size)
            };
            let stream = job.streamable.filter(|_| size > self.options.literal_chunk);
            let content = if stream.is_some() {
                job.content_without_stream
            } else {
                job.content
            };
            let (summary, parsed) = match self.message_content(&job, content, uid, size).await {
                Ok(x) => x,
                Err(e) if e.kind() == mailwire_mailbox::ErrorKind::Nonexistent => {
                    job.missing = true;
                    continue;
                }
                Err(e) => {
                    job.failure = Some(store_error(&e));
                    continue;
                }
            };
            let (_, meta, flags_due) = &job.messages[i];
            let attributes: Vec<FetchAttribute<'_>> = match stream {
                Some(k) => {
                    let mut a = job.attributes.clone();
                    a.remove(k);
                    a
                }
                None => job.attributes.clone(),
            };
            let (mut pieces, n) = self.fetch_pieces(
                &attributes,
                meta,
                *flags_due,
                parsed.as_ref().map(Loaded::get),
                summary.as_deref(),
                &mut job.failure,
            );
            produced += n;
            let mut items: Vec<MessageDataItem<'_>> = pieces.iter_mut().map(Piece::item).collect();
            let Some(seq) = NonZeroU32::new(seq) else {
                continue;
            };
            let streamed = stream.and_then(|k| stream_item(&job.attributes[k], size));
            match streamed {
                Some((item, range)) => {
                    items.push(item);
                    let Ok(items) = Vec1::try_from(items) else {
                        continue;
                    };
                    let head = Response::Data(Data::Fetch { seq, items });
                    if let Err(e) = self.conn.begin_literal(head, range.end - range.start) {
                        tracing::warn!(error = %e, "streamed literal refused");
                        continue;
                    }
                    if range.start < range.end {
                        job.stream = Some(Streamed {
                            uid,
                            next: range.start,
                            end: range.end,
                        });
                    }
                }
                None => {
                    if let Ok(items) = Vec1::try_from(items) {
                        self.data(Data::Fetch { seq, items });
                    }
                }
            }
        }
        if job.pos < job.messages.len() || job.stream.is_some() {
            self.job = Some(Job::Fetch(job));
            // `None` with the job still set: nothing was buffered, the step loop goes on.
            return self.take_output();
        }
        let c = match job.failure.take() {
            Some(c) => c,
            // A UID FETCH announces the expunges right after (RFC 2180 §4.1).
            None if job.missing && !job.uid_command => Completion::no(
                Some(Code::Condition(Condition::ExpungeIssued)),
                "some of the requested messages no longer exist",
            ),
            None => Completion::ok(None, "FETCH completed"),
        };
        // RFC 9051 §7.5.1: no EXPUNGE during FETCH; UID FETCH may carry them.
        self.finish(c, job.uid_command).await;
        None
    }

    /// The summary cache's key for a message of the selected mailbox.
    fn summary_key(&self, uid: Uid) -> Option<MessageKey> {
        let sel = self.selected()?;
        Some(MessageKey {
            user: self.user()?,
            mailbox: sel.name.clone(),
            uid_validity: sel.view.uid_validity.get(),
            uid,
        })
    }

    /// What FETCH needs of one message: its summary (ENVELOPE, BODYSTRUCTURE, header) when
    /// asked for, and the message parsed as far as the other attributes need it. Each message
    /// is read at most once, and not at all when the summary cache has what is needed.
    async fn message_content(
        &self,
        job: &FetchJob,
        content: Content,
        uid: Uid,
        size: u64,
    ) -> Result<(Option<Arc<Summary>>, Option<Loaded>), mailwire_mailbox::Error> {
        let wants_summary = job.summary != Summarize::No || content == Content::Header;
        let cached = if wants_summary {
            self.summary_key(uid).and_then(|k| self.caches.summary(&k))
        } else {
            None
        };
        let need_full = content == Content::Full
            || (job.summary == Summarize::Full
                && cached.as_ref().is_none_or(|s| s.body_structure().is_none()));
        let full = if need_full {
            Some(self.read_whole(uid, false).await?)
        } else {
            None
        };
        let summary = match (cached, &full) {
            (Some(s), _) => Some(s),
            (None, Some(p)) if wants_summary => {
                Some(self.keep_summary(uid, Summary::new(&p.rfc822_header())))
            }
            (None, None) if wants_summary => Some(self.summary(uid, size).await?),
            _ => None,
        };
        if let (Summarize::Full, Some(s), Some(p)) = (job.summary, &summary, &full) {
            s.keep_body_structure(p);
        }

        let parsed = match (full, &summary) {
            (Some(p), _) => Some(Loaded::Whole(Box::new(p))),
            (None, Some(s)) if content == Content::Header => Some(Loaded::Header(s.clone())),
            _ => None,
        };
        Ok((summary, parsed))
    }

    /// Sends the next piece of a streamed message literal; `None` when the store failed.
    async fn stream_piece(&mut self, st: Streamed) -> Option<Streamed> {
        let chunk = self.options.literal_chunk.max(1);
        let end = st.end.min(st.next.saturating_add(chunk));
        let data = match self.selected() {
            Some(sel) => sel.mailbox.read(st.uid, Some(st.next..end)).await,
            None => return None,
        };
        let data = match data {
            Ok(d) if d.len() as u64 == end - st.next => d,
            Ok(_) => {
                tracing::warn!(uid = %st.uid, "message changed size while being sent");
                return None;
            }
            Err(e) => {
                tracing::warn!(error = %e, uid = %st.uid, "message vanished while being sent");
                return None;
            }
        };
        let sent = match memchr::memchr(0, &data) {
            // A literal cannot carry NUL (RFC 9051 §4.3): 0x80 instead, as Dovecot sends.
            Some(_) => {
                let cleaned: Vec<u8> = data
                    .iter()
                    .map(|&b| if b == 0 { 0x80 } else { b })
                    .collect();
                self.conn.literal_data(&cleaned)
            }
            None => self.conn.literal_data(&data),
        };
        if let Err(e) = sent {
            tracing::warn!(error = %e, "streamed literal out of step");
            return None;
        }
        Some(Streamed { next: end, ..st })
    }

    fn keep_summary(&self, uid: Uid, summary: Summary) -> Arc<Summary> {
        let s = Arc::new(summary);
        if let Some(k) = self.summary_key(uid) {
            self.caches.put_summary(k, s.clone());
        }
        s
    }

    /// A message's summary, from the cache or from its header (read in part when the message
    /// is large).
    pub(super) async fn summary(
        &self,
        uid: Uid,
        size: u64,
    ) -> Result<Arc<Summary>, mailwire_mailbox::Error> {
        if let Some(s) = self.summary_key(uid).and_then(|k| self.caches.summary(&k)) {
            return Ok(s);
        }
        let Some(sel) = self.selected() else {
            return Err(mailwire_mailbox::Error::MessageNotFound { uid });
        };
        let mut want = HEADER_READ.min(size.max(1));
        loop {
            let head = sel.mailbox.read(uid, Some(0..want)).await?;
            let (blank, range) = super::super::message::header_range(&head);
            let complete = blank || (head.len() as u64) < want;
            if complete || want >= size {
                let end = range.end.min(head.len());
                return Ok(self.keep_summary(uid, Summary::new(&head[..end])));
            }
            want = (want * 8).min(size);
        }
    }

    /// A message parsed for `level`: its header (from the summary cache, shared) or the whole
    /// message.
    pub(super) async fn read_message(
        &self,
        uid: Uid,
        size: u64,
        level: Content,
    ) -> Result<Loaded, mailwire_mailbox::Error> {
        if level == Content::Header {
            return Ok(Loaded::Header(self.summary(uid, size).await?));
        }
        Ok(Loaded::Whole(Box::new(self.read_whole(uid, false).await?)))
    }

    /// A whole message, parsed. `as_stored` (for SEARCH, never sent to the client): as the
    /// store keeps it, bare LFs and all (`Mailbox::read_content`), which the parser reads the
    /// same and saves converting every line.
    pub(super) async fn read_whole(
        &self,
        uid: Uid,
        as_stored: bool,
    ) -> Result<ParsedMessage, mailwire_mailbox::Error> {
        let Some(sel) = self.selected() else {
            return Err(mailwire_mailbox::Error::MessageNotFound { uid });
        };
        let raw = if as_stored {
            sel.mailbox.read_content(uid).await?
        } else {
            sel.mailbox.read(uid, None).await?
        };
        Ok(ParsedMessage::new(raw))
    }

    /// The parts of one message's FETCH response and the bytes of message data in them.
    fn fetch_pieces(
        &self,
        attributes: &[FetchAttribute<'_>],
        meta: &MessageMeta,
        flags_due: bool,
        parsed: Option<&ParsedMessage>,
        summary: Option<&Summary>,
        failure: &mut Option<Completion>,
    ) -> (Vec<Piece>, usize) {
        let mut out = Vec::with_capacity(attributes.len() + 1);
        let mut bytes = 64usize;
        let recent = self.recent_flag(meta.uid);
        let mut flags_sent = false;
        for a in attributes {
            let item = match a {
                FetchAttribute::Uid => match NonZeroU32::new(meta.uid.get()) {
                    Some(u) => MessageDataItem::Uid(u),
                    None => continue,
                },
                FetchAttribute::Flags => {
                    flags_sent = true;
                    MessageDataItem::Flags(flags_out(&meta.flags, recent))
                }
                FetchAttribute::InternalDate => {
                    MessageDataItem::InternalDate(date_time_out(meta.internal_date))
                }
                FetchAttribute::Rfc822Size => MessageDataItem::Rfc822Size(meta.size),
                FetchAttribute::ModSeq => {
                    match mailwire_imap::types::ModSeq::new(meta.modseq.get()) {
                        Ok(m) => MessageDataItem::ModSeq(m),
                        Err(_) => continue,
                    }
                }
                FetchAttribute::SaveDate => {
                    MessageDataItem::SaveDate(Some(date_time_out(meta.save_date)))
                }
                FetchAttribute::Envelope => {
                    bytes += 512;
                    match (summary, parsed) {
                        (Some(s), _) => MessageDataItem::Envelope(Box::new(s.envelope().clone())),
                        (None, Some(p)) => MessageDataItem::Envelope(Box::new(p.envelope())),
                        (None, None) => continue,
                    }
                }
                FetchAttribute::BodyStructure => {
                    bytes += 512;
                    match (summary.and_then(Summary::body_structure), parsed) {
                        (Some(b), _) => MessageDataItem::BodyStructure(Box::new(b.clone())),
                        (None, Some(p)) => {
                            MessageDataItem::BodyStructure(Box::new(p.body_structure()))
                        }
                        (None, None) => continue,
                    }
                }
                FetchAttribute::Body => {
                    let Some(p) = parsed else { continue };
                    bytes += 512;
                    MessageDataItem::Body(Box::new(p.body()))
                }
                FetchAttribute::BodySection {
                    section, partial, ..
                } => {
                    let Some(p) = parsed else { continue };
                    let data = match p.section(section.as_ref()) {
                        Ok(d) => d,
                        // Dovecot answers an empty string for a missing part.
                        Err(SectionError::NoSuchPart(_)) => Bytes::new(),
                        Err(e) => {
                            *failure = Some(section_failure(&e));
                            continue;
                        }
                    };
                    let (data, o) = apply_partial(data, *partial);
                    bytes += data.len();
                    out.push(Piece::Section {
                        section: section.clone().map(IntoStatic::into_static),
                        origin: origin(o),
                        data,
                    });
                    continue;
                }
                FetchAttribute::Binary {
                    section, partial, ..
                } => {
                    let Some(p) = parsed else { continue };
                    let data = match p.binary(section) {
                        Ok(d) => d,
                        Err(e) => {
                            *failure = Some(section_failure(&e));
                            continue;
                        }
                    };
                    let (data, o) = apply_partial(data, *partial);
                    bytes += data.len();
                    out.push(Piece::Binary {
                        section: section.clone(),
                        origin: origin(o),
                        data,
                    });
                    continue;
                }
                FetchAttribute::BinarySize { section } => {
                    let Some(p) = parsed else { continue };
                    match p.binary_size(section) {
                        Ok(n) => MessageDataItem::BinarySize {
                            section: section.clone(),
                            size: u32::try_from(n).unwrap_or(u32::MAX),
                        },
                        Err(e) => {
                            *failure = Some(section_failure(&e));
                            continue;
                        }
                    }
                }
                FetchAttribute::Rfc822
                | FetchAttribute::Rfc822Header
                | FetchAttribute::Rfc822Text => {
                    let Some(p) = parsed else { continue };
                    let (kind, data) = match a {
                        FetchAttribute::Rfc822 => (Rfc822::Whole, p.raw().clone()),
                        FetchAttribute::Rfc822Header => (Rfc822::Header, p.rfc822_header()),
                        _ => (Rfc822::Text, p.rfc822_text()),
                    };
                    bytes += data.len();
                    out.push(Piece::Rfc822(kind, data));
                    continue;
                }
                FetchAttribute::Preview { .. } => {
                    let Some(p) = parsed else { continue };
                    let text = p.preview();
                    let s = if !self.enabled.rev2 && !text.is_ascii() {
                        // RFC 9051 Appendix A: no UTF-8 quoted strings for IMAP4rev1 clients.
                        NString(Some(IString::Literal(
                            literal(text.as_bytes()).into_static(),
                        )))
                    } else {
                        NString(IString::from_bytes(text.into_bytes()).ok())
                    };
                    MessageDataItem::Preview(s)
                }
                _ => continue,
            };
            out.push(Piece::Item(item));
        }
        if flags_due && !flags_sent {
            // RFC 9051 §6.4.5: the \Seen just set is reported with the data.
            out.push(Piece::Item(MessageDataItem::Flags(flags_out(
                &meta.flags,
                recent,
            ))));
        }
        // Message data last, as Dovecot sends it: clients that read the response line by line
        // (Python's imaplib) find the small items before the first literal.
        out.sort_by_key(|p| !matches!(p, Piece::Item(_)));
        (out, bytes)
    }
}

/// Which RFC 3501 item.
#[derive(Debug, Clone, Copy)]
enum Rfc822 {
    Whole,
    Header,
    Text,
}

/// A part of a FETCH response: an item, or message data kept as shared bytes until the
/// response is encoded (no copy before the machine's).
enum Piece {
    Item(MessageDataItem<'static>),
    Section {
        section: Option<mailwire_imap::types::Section<'static>>,
        origin: Option<u32>,
        data: Bytes,
    },
    Binary {
        section: Vec<NonZeroU32>,
        origin: Option<u32>,
        data: Bytes,
    },
    Rfc822(Rfc822, Bytes),
}

impl Piece {
    /// The response item; message data is borrowed, other items are moved out.
    fn item(&mut self) -> MessageDataItem<'_> {
        match self {
            Piece::Item(i) => std::mem::replace(i, MessageDataItem::Rfc822Size(0)),
            Piece::Section {
                section,
                origin,
                data,
            } => MessageDataItem::BodySection {
                section: section.clone(),
                origin: *origin,
                data: nstring(data),
            },
            Piece::Binary {
                section,
                origin,
                data,
            } => {
                let value = if memchr::memchr(0, data).is_some() {
                    // RFC 3516 §4.3: NUL bytes need a literal8.
                    BinaryData::Literal8(Literal8 {
                        data: Cow::Borrowed(&data[..]),
                        mode: LiteralMode::Sync,
                    })
                } else {
                    BinaryData::NString(nstring(data))
                };
                MessageDataItem::Binary {
                    section: section.clone(),
                    origin: *origin,
                    value,
                }
            }
            Piece::Rfc822(kind, data) => match kind {
                Rfc822::Whole => MessageDataItem::Rfc822(nstring(data)),
                Rfc822::Header => MessageDataItem::Rfc822Header(nstring(data)),
                Rfc822::Text => MessageDataItem::Rfc822Text(nstring(data)),
            },
        }
    }
}

fn section_failure(e: &SectionError) -> Completion {
    match e {
        SectionError::UnknownCte(_) => Completion::no(Some(Code::UnknownCte), e.to_string()),
        _ => Completion::no(None, e.to_string()),
    }
}
