//! Mailbox commands: SELECT and EXAMINE (with CONDSTORE and QRESYNC), CREATE, DELETE, RENAME,
//! SUBSCRIBE, UNSUBSCRIBE, LIST (LIST-EXTENDED, LIST-STATUS, SPECIAL-USE, CHILDREN), LSUB,
//! STATUS (STATUS=SIZE) and APPEND (MULTIAPPEND, APPENDLIMIT) — RFC 9051 §6.3, RFC 3501 §6.3.9,
//! RFC 5258, RFC 5819, RFC 6154, RFC 3348, RFC 7162, RFC 3502, RFC 7889, RFC 4315.

use std::collections::{BTreeMap, BTreeSet};
use std::num::NonZeroU32;
use std::sync::Arc;

use bytes::Bytes;
use mailwire_imap::types::{
    AString, AppendData, AppendMessage, Code, Condition, Data, ListExtendedItem, ListExtendedValue,
    ListMailbox, ListReturnOption, ListSelectOption, Mailbox as WireMailbox, MailboxAttribute,
    MailboxList, Quoted, SelectParam, StatusAttribute, StatusValue, Vec1,
};
use mailwire_mailbox::{
    Account, ExpungeMode, Flags, Mailbox, MailboxInfo, MailboxName, MailboxStatus, NewMessage,
    SpecialUse, Store, Uid, UidSet,
};

use super::super::cache::{SelectSnapshot, select_key};
use super::super::convert::{date_time_in, flags_in};
use super::super::error::{Completion, store_error};
use super::super::names::{self, NameError, Pattern};
use super::super::view::{SeqMap, View, uid_sequence_set, uid_set_of};
use super::{ImapSession, Selected, State};

/// `OK text`, or the store error's `NO`.
fn done(result: Result<(), mailwire_mailbox::Error>, text: &str) -> Completion {
    match result {
        Ok(()) => Completion::ok(None, text),
        Err(e) => store_error(&e),
    }
}

/// `NO [TRYCREATE]` (RFC 9051 §7.1): the target of APPEND, COPY or MOVE does not exist.
pub(super) fn trycreate() -> Completion {
    Completion::no(Some(Code::TryCreate), "no such mailbox")
}

fn name_error(e: &NameError) -> Completion {
    match e {
        NameError::Encoding => Completion::bad("mailbox name is not valid modified UTF-7 or UTF-8"),
        NameError::Invalid(why) => Completion::no(
            Some(Code::Condition(Condition::Cannot)),
            format!("invalid mailbox name: {why}"),
        ),
    }
}

fn delimiter() -> Option<Quoted<'static>> {
    Quoted::new(&b"/"[..]).ok()
}

fn special_use_attribute(u: SpecialUse) -> MailboxAttribute<'static> {
    match u {
        SpecialUse::All => MailboxAttribute::All,
        SpecialUse::Archive => MailboxAttribute::Archive,
        SpecialUse::Drafts => MailboxAttribute::Drafts,
        SpecialUse::Flagged => MailboxAttribute::Flagged,
        SpecialUse::Junk => MailboxAttribute::Junk,
        SpecialUse::Sent => MailboxAttribute::Sent,
        _ => MailboxAttribute::Trash,
    }
}

/// What LIST knows about one name.
#[derive(Debug, Default, Clone)]
struct Entry {
    exists: bool,
    subscribed: bool,
    has_children: bool,
    special_use: Option<SpecialUse>,
    /// Has a subscribed descendant (RFC 5258 §3.5 `CHILDINFO ("SUBSCRIBED")`).
    subscribed_child: bool,
}

impl<S: Store> ImapSession<S> {
    /// A name for a new mailbox (CREATE, RENAME): no LIST wildcards in it (RFC 9051 §5.1: `%`
    /// and `*` would make it unlistable).
    fn new_mailbox_name(&mut self, m: &WireMailbox<'_>) -> Option<MailboxName> {
        let name = self.mailbox_name(m)?;
        if name.as_str().contains(['%', '*']) {
            self.complete(Completion::no(
                Some(Code::Condition(Condition::Cannot)),
                "mailbox names cannot hold % or *",
            ));
            return None;
        }
        Some(name)
    }

    pub(super) fn mailbox_name(&mut self, m: &WireMailbox<'_>) -> Option<MailboxName> {
        match names::from_wire(m, self.enabled.utf8_names()) {
            Ok(n) => Some(n),
            Err(e) => {
                self.complete(name_error(&e));
                None
            }
        }
    }

    pub(super) fn wire_name(&self, name: &str) -> WireMailbox<'static> {
        names::to_wire(name, self.enabled.utf8_names())
    }

    /// `SELECT` and `EXAMINE` (RFC 9051 §6.3.2, §6.3.3; RFC 7162 §3.1.8, §3.2.5).
    pub(super) async fn select(
        &mut self,
        mailbox: &WireMailbox<'_>,
        params: &[SelectParam<'_>],
        read_only: bool,
    ) {
        // The current mailbox is closed first, whatever happens next (§6.3.2).
        if let State::Authenticated(a) = &mut self.state {
            if a.selected.take().is_some() {
                self.untagged_ok(Some(Code::Closed), "previous mailbox is now closed");
            }
        }
        let mut qresync = None;
        for p in params {
            match p {
                SelectParam::Condstore => self.enabled.condstore = true,
                SelectParam::Qresync(q) => {
                    if !self.enabled.qresync {
                        // RFC 7162 §3.2.5: QRESYNC must be enabled first.
                        self.complete(Completion::bad("QRESYNC is not enabled"));
                        return;
                    }
                    qresync = Some(q.clone());
                }
                _ => {
                    self.complete(Completion::bad("unknown SELECT parameter"));
                    return;
                }
            }
        }
        let Some(name) = self.mailbox_name(mailbox) else {
            return;
        };
        let (Some(account), Some(user)) = (self.account(), self.user()) else {
            return;
        };
        let caches = self.caches.clone();
        let opened = async {
            let mbox = account.open(&name).await?;
            let watcher = mbox.watch();
            let status = mbox.status().await?;
            // Sessions selecting an unchanged mailbox share one listing.
            let snap = match caches.select(&user, &name, &status) {
                Some(s) => s,
                None => {
                    let snap = Arc::new(snapshot(&mbox, &status).await?);
                    caches.put_select(user.clone(), name.clone(), snap.clone());
                    snap
                }
            };
            Ok::<_, mailwire_mailbox::Error>((mbox, watcher, status, snap))
        }
        .await;
        let (mbox, watcher, status, snap) = match opened {
            Ok(x) => x,
            Err(e) => {
                self.complete(store_error(&e));
                return;
            }
        };
        let view = View::new(
            snap.map.clone(),
            status.uid_validity,
            status.uid_next,
            status.highest_modseq,
        );
        let exists = view.map.len();
        let first_unseen = snap.first_unseen;
        let in_use = snap.keywords.clone();
        drop(snap);
        self.send_flag_lists(&in_use, read_only, true);
        let keywords = in_use;
        self.data(Data::Exists(exists));
        if !self.enabled.rev2 {
            self.data(Data::Recent(0));
            if let Some(n) = first_unseen.and_then(NonZeroU32::new) {
                self.untagged_ok(Some(Code::Unseen(n)), "first unseen message");
            }
        }
        if let Some(v) = NonZeroU32::new(status.uid_validity.get()) {
            self.untagged_ok(Some(Code::UidValidity(v)), "UIDs valid");
        }
        if let Some(v) = NonZeroU32::new(status.uid_next.get()) {
            self.untagged_ok(Some(Code::UidNext(v)), "predicted next UID");
        }
        if let Ok(m) = mailwire_imap::types::ModSeq::new(status.highest_modseq.get()) {
            self.untagged_ok(Some(Code::HighestModSeq(m)), "highest modseq");
        }
        if self.enabled.rev2 {
            // RFC 9051 §6.3.2: a LIST response with the mailbox name.
            let info = self.mailbox_info(&name).await;
            let entry = Entry {
                exists: true,
                has_children: info.as_ref().is_some_and(|i| i.has_children),
                special_use: info.as_ref().and_then(|i| i.special_use),
                ..Entry::default()
            };
            let list = self.list_item(&name, &entry, false, false);
            self.data(Data::List(list));
        }
        let mut selected = Selected {
            mailbox: mbox,
            name,
            read_only,
            view,
            watcher,
            keywords,
        };
        if let Some(q) = qresync {
            if q.uid_validity.get() == status.uid_validity.get() {
                self.qresync_select(&mut selected, &q).await;
            }
        }
        if let State::Authenticated(a) = &mut self.state {
            a.selected = Some(selected);
        }
        let code = if read_only {
            Code::ReadOnly
        } else {
            Code::ReadWrite
        };
        let verb = if read_only { "EXAMINE" } else { "SELECT" };
        self.complete(Completion::ok(Some(code), format!("{verb} completed")));
    }

    /// QRESYNC's resynchronisation at SELECT (RFC 7162 §3.2.5.1): `VANISHED (EARLIER)` for the
    /// messages expunged since the client's mod-sequence and a FETCH for every message changed
    /// since.
    async fn qresync_select(
        &mut self,
        sel: &mut Selected<<S::Account as Account>::Mailbox>,
        q: &mailwire_imap::types::QresyncParam,
    ) {
        let Some(since) = mailwire_mailbox::ModSeq::new(q.mod_seq.get()) else {
            return;
        };
        let changes = match sel.mailbox.changes_since(since).await {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "QRESYNC changes");
                return;
            }
        };
        // RFC 7162 §3.2.5.1: the server may limit VANISHED to the client's known UIDs.
        let vanished = match &q.known_uids {
            Some(k) => intersect(&changes.expunged, &uid_set_of(k, u32::MAX)),
            None => changes.expunged.clone(),
        };
        if let Some(uids) = uid_sequence_set(&vanished) {
            self.data(Data::Vanished {
                earlier: true,
                uids,
            });
        }
        for m in changes.changed {
            let Some(seq) = sel.view.map.seq(m.uid).and_then(NonZeroU32::new) else {
                continue;
            };
            self.announce_keywords(&m.flags);
            let items = self.flag_items(m.uid, &m.flags, m.modseq, false, true);
            if let Ok(items) = Vec1::try_from(items) {
                self.data(Data::Fetch { seq, items });
            }
        }
    }

    async fn mailbox_info(&self, name: &MailboxName) -> Option<MailboxInfo> {
        let account = self.account()?;
        let list = account.list().await.ok()?;
        list.into_iter().find(|i| &i.name == name)
    }

    /// `CREATE` (RFC 9051 §6.3.4; RFC 6154 §3 `USE`).
    pub(super) async fn create(
        &mut self,
        mailbox: &WireMailbox<'_>,
        special_use: Option<SpecialUse>,
    ) {
        // A trailing separator says the client means to create children (§6.3.4).
        let stripped;
        let mailbox = match mailbox {
            WireMailbox::Other(a) if a.as_bytes().len() > 1 && a.as_bytes().ends_with(b"/") => {
                let b = &a.as_bytes()[..a.as_bytes().len() - 1];
                stripped = match AString::from_bytes(b.to_vec()) {
                    Ok(s) => WireMailbox::from_astring(s),
                    Err(_) => {
                        self.complete(Completion::bad("invalid mailbox name"));
                        return;
                    }
                };
                &stripped
            }
            m => m,
        };
        let Some(name) = self.new_mailbox_name(mailbox) else {
            return;
        };
        if name.is_inbox() {
            self.complete(Completion::no(
                Some(Code::Condition(Condition::AlreadyExists)),
                "INBOX always exists",
            ));
            return;
        }
        let Some(account) = self.account() else {
            return;
        };
        let result = account.create(&name, special_use).await;
        self.finish(done(result, "CREATE completed"), true).await;
    }

    /// `DELETE` (RFC 9051 §6.3.5).
    pub(super) async fn delete(&mut self, mailbox: &WireMailbox<'_>) {
        let Some(name) = self.mailbox_name(mailbox) else {
            return;
        };
        if name.is_inbox() {
            self.complete(Completion::no(
                Some(Code::Condition(Condition::Cannot)),
                "INBOX cannot be deleted",
            ));
            return;
        }
        let Some(account) = self.account() else {
            return;
        };
        let result = account.delete(&name).await;
        self.finish(done(result, "DELETE completed"), true).await;
    }

    /// `RENAME` (RFC 9051 §6.3.6).
    pub(super) async fn rename(&mut self, from: &WireMailbox<'_>, to: &WireMailbox<'_>) {
        let Some(from) = self.mailbox_name(from) else {
            return;
        };
        let Some(to) = self.new_mailbox_name(to) else {
            return;
        };
        let Some(account) = self.account() else {
            return;
        };
        let result = account.rename(&from, &to).await;
        self.finish(done(result, "RENAME completed"), true).await;
    }

    /// `SUBSCRIBE` and `UNSUBSCRIBE` (RFC 9051 §6.3.7, §6.3.8).
    pub(super) async fn subscribe(&mut self, mailbox: &WireMailbox<'_>, on: bool) {
        let Some(name) = self.mailbox_name(mailbox) else {
            return;
        };
        let Some(account) = self.account() else {
            return;
        };
        let result = account.subscribe(&name, on).await;
        let text = if on {
            "SUBSCRIBE completed"
        } else {
            "UNSUBSCRIBE completed"
        };
        self.finish(done(result, text), true).await;
    }

    /// Every name LIST may report: existing mailboxes, their missing parents, subscriptions.
    async fn list_entries(&self) -> Result<BTreeMap<MailboxName, Entry>, mailwire_mailbox::Error> {
        let Some(account) = self.account() else {
            return Ok(BTreeMap::new());
        };
        let mut map: BTreeMap<MailboxName, Entry> = BTreeMap::new();
        for info in account.list().await? {
            let e = map.entry(info.name.clone()).or_default();
            e.exists = true;
            e.subscribed = info.subscribed;
            e.special_use = info.special_use;
            e.has_children |= info.has_children;
        }
        for name in account.subscriptions().await? {
            map.entry(name).or_default().subscribed = true;
        }
        // Parents: has-children, missing parents, subscribed children.
        let names: Vec<(MailboxName, bool, bool)> = map
            .iter()
            .map(|(n, e)| (n.clone(), e.exists, e.subscribed))
            .collect();
        for (name, exists, subscribed) in names {
            let mut parent = name.parent();
            while let Some(p) = parent {
                let e = map.entry(p.clone()).or_default();
                if exists {
                    e.has_children = true;
                }
                if subscribed {
                    e.subscribed_child = true;
                }
                parent = p.parent();
            }
        }
        Ok(map)
    }

    fn list_item(
        &self,
        name: &MailboxName,
        e: &Entry,
        extended: bool,
        show_subscribed: bool,
    ) -> MailboxList<'static> {
        let mut attributes = Vec::new();
        if !e.exists {
            if extended || self.enabled.rev2 {
                attributes.push(MailboxAttribute::NonExistent);
            } else {
                attributes.push(MailboxAttribute::NoSelect);
            }
        }
        if show_subscribed && e.subscribed {
            attributes.push(MailboxAttribute::Subscribed);
        }
        if e.has_children {
            attributes.push(MailboxAttribute::HasChildren);
        } else if e.exists {
            attributes.push(MailboxAttribute::HasNoChildren);
        }
        if let Some(u) = e.special_use {
            attributes.push(special_use_attribute(u));
        }
        MailboxList {
            attributes,
            delimiter: delimiter(),
            mailbox: self.wire_name(name.as_str()),
            extended: None,
        }
    }

    fn decode_pattern(&self, raw: &[u8]) -> Option<String> {
        if self.enabled.utf8_names() {
            String::from_utf8(raw.to_vec()).ok()
        } else {
            mailwire_imap::types::decode_mutf7(raw).ok()
        }
    }

    /// `LIST` (RFC 9051 §6.3.9, RFC 5258 LIST-EXTENDED, RFC 5819 LIST-STATUS, RFC 6154
    /// SPECIAL-USE, RFC 3348 CHILDREN).
    pub(super) async fn list(
        &mut self,
        selection: Option<&[ListSelectOption<'_>]>,
        reference: &WireMailbox<'_>,
        patterns: &Vec1<ListMailbox<'_>>,
        returns: Option<&[ListReturnOption<'_>]>,
    ) {
        let mut only_subscribed = false;
        let mut recursive = false;
        let mut only_special = false;
        for o in selection.unwrap_or_default() {
            match o {
                ListSelectOption::Subscribed => only_subscribed = true,
                ListSelectOption::RecursiveMatch => recursive = true,
                ListSelectOption::SpecialUse => only_special = true,
                ListSelectOption::Remote => {}
                _ => {
                    self.complete(Completion::bad("unknown LIST selection option"));
                    return;
                }
            }
        }
        if recursive && !only_subscribed && !only_special {
            // RFC 5258 §3.1: RECURSIVEMATCH needs another selection option.
            self.complete(Completion::bad(
                "RECURSIVEMATCH needs another selection option",
            ));
            return;
        }
        let mut show_subscribed = only_subscribed;
        let mut status_atts: Option<Vec<StatusAttribute>> = None;
        for o in returns.unwrap_or_default() {
            match o {
                ListReturnOption::Subscribed => show_subscribed = true,
                ListReturnOption::Children | ListReturnOption::SpecialUse => {}
                ListReturnOption::Status(atts) => status_atts = Some(atts.to_vec()),
                _ => {
                    self.complete(Completion::bad("unknown LIST return option"));
                    return;
                }
            }
        }
        let extended = selection.is_some() || returns.is_some() || patterns.len() > 1;
        let Some(reference) = self.decode_pattern(reference.as_bytes()) else {
            self.complete(Completion::bad("invalid reference name"));
            return;
        };
        let mut compiled = Vec::new();
        for p in patterns.iter() {
            let Some(p) = self.decode_pattern(p.as_bytes()) else {
                self.complete(Completion::bad("invalid mailbox pattern"));
                return;
            };
            match Pattern::new(&reference, &p) {
                Some(p) => compiled.push(p),
                None => {
                    self.complete(Completion::bad("mailbox pattern too long"));
                    return;
                }
            }
        }
        if compiled.len() == 1 && compiled[0].is_empty() && !only_subscribed && !only_special {
            // `LIST "" ""`: the hierarchy delimiter and root (§6.3.9).
            self.data(Data::List(MailboxList {
                attributes: vec![MailboxAttribute::NoSelect],
                delimiter: delimiter(),
                mailbox: WireMailbox::Other(
                    AString::from_bytes(Vec::new()).unwrap_or_else(|_| unreachable_astring()),
                ),
                extended: None,
            }));
            self.finish(Completion::ok(None, "LIST completed"), true)
                .await;
            return;
        }
        let entries = match self.list_entries().await {
            Ok(e) => e,
            Err(e) => {
                self.complete(store_error(&e));
                return;
            }
        };
        let matches = |n: &str| compiled.iter().any(|p| p.matches(n));
        let mut out: Vec<(MailboxName, Entry, bool)> = Vec::new();
        for (name, e) in &entries {
            if !matches(name.as_str()) {
                continue;
            }
            let childinfo = recursive && only_subscribed && !e.subscribed && e.subscribed_child;
            let wanted = if only_subscribed {
                e.subscribed || childinfo
            } else if only_special {
                e.special_use.is_some() && e.exists
            } else if e.exists {
                true
            } else {
                // A missing parent shows only where no matching descendant tells of it (the `%`
                // case of RFC 9051 §6.3.9).
                !entries
                    .range(name.clone()..)
                    .skip(1)
                    .take_while(|(n, _)| n.is_descendant_of(name))
                    .any(|(n, c)| c.exists && matches(n.as_str()))
            };
            if wanted {
                out.push((name.clone(), e.clone(), childinfo));
            }
        }
        for (name, e, childinfo) in out {
            let mut item = self.list_item(&name, &e, extended, show_subscribed);
            if childinfo {
                // RFC 5258 §3.5: `("CHILDINFO" ("SUBSCRIBED"))`.
                if let (Some(tag), Ok(sub)) = (
                    super::search::quoted("CHILDINFO"),
                    Quoted::new(&b"SUBSCRIBED"[..]),
                ) {
                    item.extended = Some(vec![ListExtendedItem {
                        tag,
                        value: ListExtendedValue::ChildInfo(Vec1::one(sub)),
                    }]);
                }
            }
            self.data(Data::List(item));
            if let Some(atts) = &status_atts {
                if e.exists {
                    // RFC 5819 §2: a STATUS response after the LIST of each selectable mailbox;
                    // errors are not reported.
                    if let Some(values) = self.status_values(&name, atts).await {
                        let mailbox = self.wire_name(name.as_str());
                        self.data(Data::Status { mailbox, values });
                    }
                }
            }
        }
        self.finish(Completion::ok(None, "LIST completed"), true)
            .await;
    }

    /// `LSUB` (RFC 3501 §6.3.9).
    pub(super) async fn lsub(&mut self, reference: &WireMailbox<'_>, pattern: &ListMailbox<'_>) {
        let (Some(reference), Some(pattern)) = (
            self.decode_pattern(reference.as_bytes()),
            self.decode_pattern(pattern.as_bytes()),
        ) else {
            self.complete(Completion::bad("invalid mailbox pattern"));
            return;
        };
        let Some(p) = Pattern::new(&reference, &pattern) else {
            self.complete(Completion::bad("mailbox pattern too long"));
            return;
        };
        let entries = match self.list_entries().await {
            Ok(e) => e,
            Err(e) => {
                self.complete(store_error(&e));
                return;
            }
        };
        let subscribed: BTreeSet<&MailboxName> = entries
            .iter()
            .filter(|(_, e)| e.subscribed)
            .map(|(n, _)| n)
            .collect();
        for (name, e) in &entries {
            if !p.matches(name.as_str()) {
                continue;
            }
            let attributes = if e.subscribed {
                Vec::new()
            } else if e.subscribed_child
                && !subscribed
                    .iter()
                    .any(|s| s.is_descendant_of(name) && p.matches(s.as_str()))
            {
                // RFC 3501 §6.3.9: a parent matched by `%` whose child is subscribed.
                vec![MailboxAttribute::NoSelect]
            } else {
                continue;
            };
            self.data(Data::Lsub(MailboxList {
                attributes,
                delimiter: delimiter(),
                mailbox: self.wire_name(name.as_str()),
                extended: None,
            }));
        }
        self.finish(Completion::ok(None, "LSUB completed"), true)
            .await;
    }

    /// The STATUS values of a mailbox; `None` when it cannot be opened.
    async fn status_values(
        &self,
        name: &MailboxName,
        atts: &[StatusAttribute],
    ) -> Option<Vec<StatusValue>> {
        let status = match self.selected() {
            Some(s) if &s.name == name => s.mailbox.status().await.ok()?,
            _ => {
                let account = self.account()?;
                account.open(name).await.ok()?.status().await.ok()?
            }
        };
        Some(self.status_from(&status, atts, name))
    }

    fn status_from(
        &self,
        st: &MailboxStatus,
        atts: &[StatusAttribute],
        name: &MailboxName,
    ) -> Vec<StatusValue> {
        let mut v = Vec::with_capacity(atts.len());
        for a in atts {
            match a {
                StatusAttribute::Messages => v.push(StatusValue::Messages(st.messages)),
                StatusAttribute::Recent => {
                    let recent = match self.selected() {
                        Some(s) if &s.name == name => s.view.recent_count(),
                        _ => 0,
                    };
                    v.push(StatusValue::Recent(recent));
                }
                StatusAttribute::UidNext => {
                    if let Some(n) = NonZeroU32::new(st.uid_next.get()) {
                        v.push(StatusValue::UidNext(n));
                    }
                }
                StatusAttribute::UidValidity => {
                    if let Some(n) = NonZeroU32::new(st.uid_validity.get()) {
                        v.push(StatusValue::UidValidity(n));
                    }
                }
                StatusAttribute::Unseen => v.push(StatusValue::Unseen(st.unseen)),
                StatusAttribute::Deleted => v.push(StatusValue::Deleted(st.deleted)),
                StatusAttribute::Size => v.push(StatusValue::Size(st.size)),
                StatusAttribute::HighestModSeq => {
                    if let Ok(m) = mailwire_imap::types::ModSeqValzer::new(st.highest_modseq.get())
                    {
                        v.push(StatusValue::HighestModSeq(m));
                    }
                }
                StatusAttribute::AppendLimit => {
                    v.push(StatusValue::AppendLimit(Some(self.append_limit())))
                }
                _ => {}
            }
        }
        v
    }

    /// `STATUS` (RFC 9051 §6.3.11; RFC 8438 SIZE; RFC 7162 HIGHESTMODSEQ; RFC 7889
    /// APPENDLIMIT).
    pub(super) async fn status(&mut self, mailbox: &WireMailbox<'_>, atts: &[StatusAttribute]) {
        if atts
            .iter()
            .any(|a| matches!(a, StatusAttribute::MailboxId | StatusAttribute::Other(_)))
        {
            self.complete(Completion::bad("unsupported STATUS attribute"));
            return;
        }
        if atts.contains(&StatusAttribute::HighestModSeq) {
            // RFC 7162 §3.1: a CONDSTORE enabling command.
            self.enabled.condstore = true;
        }
        let Some(name) = self.mailbox_name(mailbox) else {
            return;
        };
        let result = match self.selected() {
            Some(s) if s.name == name => s.mailbox.status().await,
            _ => match self.account() {
                Some(a) => match a.open(&name).await {
                    Ok(m) => m.status().await,
                    Err(e) => Err(e),
                },
                None => return,
            },
        };
        match result {
            Ok(st) => {
                let values = self.status_from(&st, atts, &name);
                let mailbox = self.wire_name(name.as_str());
                self.data(Data::Status { mailbox, values });
                self.finish(Completion::ok(None, "STATUS completed"), true)
                    .await;
            }
            Err(e) => self.complete(store_error(&e)),
        }
    }

    /// `APPEND` (RFC 9051 §6.3.12; several messages, atomically as far as the store allows:
    /// RFC 3502 MULTIAPPEND; `APPENDUID`: RFC 4315 §3; limit: RFC 7889).
    pub(super) async fn append(
        &mut self,
        mailbox: &WireMailbox<'_>,
        messages: Vec1<AppendMessage<'_>>,
    ) {
        let Some(name) = self.mailbox_name(mailbox) else {
            return;
        };
        let mut new = Vec::with_capacity(messages.len());
        let mut total: u64 = 0;
        for m in messages.iter() {
            let data = match &m.data {
                AppendData::Literal(_) | AppendData::Literal8(_) | AppendData::Utf8(_) => {
                    m.data.data()
                }
                _ => {
                    self.complete(Completion::no(
                        Some(Code::Condition(Condition::Cannot)),
                        "unsupported APPEND data",
                    ));
                    return;
                }
            };
            if data.is_empty() {
                self.complete(Completion::no(None, "empty message"));
                return;
            }
            if data.len() as u64 > u64::from(self.append_limit()) {
                self.complete(Completion::no(Some(Code::TooBig), "message too large"));
                return;
            }
            if !m.extensions.is_empty() {
                self.complete(Completion::bad("unsupported APPEND extension"));
                return;
            }
            let flags = match flags_in(m.flags.iter().flatten()) {
                Ok(f) => f,
                Err(e) => {
                    self.complete(Completion::bad(e.to_string()));
                    return;
                }
            };
            total += data.len() as u64;
            let mut msg = NewMessage::new(Bytes::copy_from_slice(data)).with_flags(flags);
            if let Some(d) = &m.date {
                msg = msg.with_internal_date(date_time_in(d));
            }
            new.push(msg);
        }
        drop(messages);
        let Some(account) = self.account() else {
            return;
        };
        // The target's handle: the selected one, or a fresh one.
        let opened = match self.selected() {
            Some(s) if s.name == name => None,
            _ => match account.open(&name).await {
                Ok(m) => Some(m),
                Err(e) if e.kind() == mailwire_mailbox::ErrorKind::Nonexistent => {
                    self.complete(trycreate());
                    return;
                }
                Err(e) => {
                    self.complete(store_error(&e));
                    return;
                }
            },
        };
        if new.len() > 1 {
            // MULTIAPPEND: check the quota for all at once, so that the store does not take half.
            if let Ok(usage) = account.quota().await {
                if usage.limits.check(&usage, total, new.len() as u64).is_err() {
                    self.complete(Completion::no(
                        Some(Code::Condition(Condition::OverQuota)),
                        "over quota",
                    ));
                    return;
                }
            }
        }
        let target = match (&opened, self.selected()) {
            (Some(m), _) => m,
            (None, Some(s)) => &s.mailbox,
            (None, None) => return,
        };
        let mut uids = Vec::with_capacity(new.len());
        let mut validity = None;
        let mut failure = None;
        for msg in new {
            match target.append(msg).await {
                Ok(a) => {
                    validity = Some(a.uid_validity);
                    uids.push(a.uid);
                }
                Err(e) => {
                    failure = Some(e);
                    break;
                }
            }
        }
        if let Some(e) = failure {
            if !uids.is_empty() {
                // RFC 3502 §3: all or nothing; take back what went in.
                let set: UidSet = uids.iter().copied().collect();
                if let Err(e2) = target.expunge(&set, ExpungeMode::Any).await {
                    tracing::warn!(error = %e2, "MULTIAPPEND could not take back its messages");
                }
            }
            drop(opened);
            self.finish(store_error(&e), true).await;
            return;
        }
        drop(opened);
        let set: UidSet = uids.iter().copied().collect();
        let code = match (
            validity.and_then(|v| NonZeroU32::new(v.get())),
            uid_sequence_set(&set),
        ) {
            (Some(uid_validity), Some(uids)) => Some(Code::AppendUid { uid_validity, uids }),
            _ => None,
        };
        self.finish(Completion::ok(code, "APPEND completed"), true)
            .await;
    }
}

/// Lists a mailbox for SELECT: its UIDs, first unseen message and keywords.
async fn snapshot<M: Mailbox>(
    mbox: &M,
    status: &MailboxStatus,
) -> Result<SelectSnapshot, mailwire_mailbox::Error> {
    let metas = mbox.list(&UidSet::all()).await?;
    let mut keywords = Flags::new();
    let mut first_unseen = None;
    for (i, m) in metas.iter().enumerate() {
        for k in m.flags.keywords() {
            keywords.insert(k.clone());
        }
        if first_unseen.is_none() && !m.flags.has(mailwire_mailbox::SystemFlag::Seen) {
            first_unseen = Some(i as u32 + 1);
        }
    }
    Ok(SelectSnapshot {
        key: select_key(status),
        map: SeqMap::from_uids(metas.iter().map(|m| m.uid)),
        first_unseen,
        keywords,
    })
}

/// The UIDs in both sets, range by range.
pub(super) fn intersect(a: &UidSet, b: &UidSet) -> UidSet {
    let mut out = UidSet::new();
    let bs: Vec<(Uid, Uid)> = b.ranges().collect();
    let mut j = 0;
    for (a0, a1) in a.ranges() {
        while j < bs.len() && bs[j].1 < a0 {
            j += 1;
        }
        let mut k = j;
        while k < bs.len() && bs[k].0 <= a1 {
            let lo = a0.max(bs[k].0);
            let hi = a1.min(bs[k].1);
            if lo <= hi {
                out.insert_range(lo, hi);
            }
            k += 1;
        }
    }
    out
}

fn unreachable_astring() -> AString<'static> {
    AString::try_from("X").expect("X is an atom")
}
