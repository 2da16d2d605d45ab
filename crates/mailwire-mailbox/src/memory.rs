//! [`MemoryStore`]: the reference implementation of the store traits, everything in memory.
//!
//! Fast and simple, for tests and for embedding. It implements every operation of the traits,
//! with the semantics the conformance suite checks; nothing survives the process.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;
use mailwire_core::Secret;

use crate::error::{Error, Result};
use crate::state::{Entry, MboxState, lock, now_seconds, to_seconds};
use crate::types::{
    Appended, Changes, Copied, ExpungeMode, FlagOp, Flags, MailboxInfo, MailboxName, MailboxStatus,
    MessageMeta, ModSeq, NewMessage, Quota, QuotaUsage, SpecialUse, StoreResult, Uid, UidSet,
    UidValidity, UniqueId,
};
use crate::users::{UserName, constant_time_eq};
use crate::watch::{Notifier, Watcher};
use crate::{Account, Mailbox, ScramVerifier, Store};

/// A store that keeps everything in memory. Clones share the same store.
#[derive(Clone, Default)]
pub struct MemoryStore {
    inner: Arc<StoreInner>,
}

#[derive(Default)]
struct StoreInner {
    users: Mutex<HashMap<String, Arc<User>>>,
    /// The last UIDVALIDITY given, for all mailboxes of the store.
    uid_validity: AtomicU32,
}

struct User {
    name: String,
    password: Mutex<Secret<String>>,
    /// The SCRAM-SHA-256 verifier of `password`, derived on first use (PBKDF2 costs a few
    /// milliseconds, which most tests adding users never need); `None` again when the password
    /// changes.
    scram: Mutex<Option<ScramVerifier>>,
    quota: Mutex<Quota>,
    /// Lock order: `mailboxes`, then a mailbox's `state`.
    mailboxes: Mutex<BTreeMap<MailboxName, Arc<MemMailbox>>>,
    subscriptions: Mutex<BTreeSet<MailboxName>>,
}

struct MemMailbox {
    state: Mutex<MboxState<Bytes>>,
    notifier: Notifier,
    /// Set when the mailbox is deleted or renamed away.
    gone: AtomicBool,
    special_use: Option<SpecialUse>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    /// Adds a user with an empty INBOX. Fails with [`Error::UserExists`] if the name is taken.
    pub fn add_user(&self, name: &str, password: &str, quota: Quota) -> Result<()> {
        let name = UserName::new(name)?;
        let mut users = lock(&self.inner.users);
        if users.contains_key(name.as_str()) {
            return Err(Error::UserExists {
                name: name.as_str().to_owned(),
            });
        }
        let user = Arc::new(User {
            name: name.as_str().to_owned(),
            password: Mutex::new(Secret::new(password.to_owned())),
            scram: Mutex::new(None),
            quota: Mutex::new(quota),
            mailboxes: Mutex::new(BTreeMap::new()),
            subscriptions: Mutex::new(BTreeSet::new()),
        });
        let inbox = self.inner.new_mailbox(None);
        lock(&user.mailboxes).insert(MailboxName::inbox(), inbox);
        users.insert(name.as_str().to_owned(), user);
        Ok(())
    }

    /// Changes a user's password.
    pub fn set_password(&self, name: &str, password: &str) -> Result<()> {
        let user = self.user(name)?;
        let mut pw = lock(&user.password);
        *pw = Secret::new(password.to_owned());
        *lock(&user.scram) = None;
        Ok(())
    }

    /// Changes a user's quota.
    pub fn set_quota(&self, name: &str, quota: Quota) -> Result<()> {
        let user = self.user(name)?;
        *lock(&user.quota) = quota;
        Ok(())
    }

    /// Opens an account without a password (pre-authenticated sessions, tools).
    pub fn account(&self, name: &str) -> Result<MemoryAccount> {
        Ok(MemoryAccount {
            user: self.user(name)?,
            store: Arc::clone(&self.inner),
        })
    }

    fn user(&self, name: &str) -> Result<Arc<User>> {
        lock(&self.inner.users)
            .get(name)
            .cloned()
            .ok_or(Error::AuthenticationFailed)
    }
}

impl StoreInner {
    fn next_uid_validity(&self) -> UidValidity {
        let now = u32::try_from(crate::state::unix_seconds(now_seconds())).unwrap_or(1);
        let mut cur = self.uid_validity.load(Ordering::SeqCst);
        loop {
            let next = now.max(cur.saturating_add(1)).max(1);
            match self
                .uid_validity
                .compare_exchange(cur, next, Ordering::SeqCst, Ordering::SeqCst)
            {
                Ok(_) => return UidValidity::new(next).unwrap_or(UidValidity::new(1).unwrap()),
                Err(c) => cur = c,
            }
        }
    }

    fn new_mailbox(&self, special_use: Option<SpecialUse>) -> Arc<MemMailbox> {
        Arc::new(MemMailbox {
            state: Mutex::new(MboxState::new(self.next_uid_validity())),
            notifier: Notifier::new(),
            gone: AtomicBool::new(false),
            special_use,
        })
    }
}

impl core::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("MemoryStore")
            .field("users", &lock(&self.inner.users).len())
            .finish()
    }
}

impl Store for MemoryStore {
    type Account = MemoryAccount;

    async fn authenticate(&self, user: &str, password: Secret<&str>) -> Result<MemoryAccount> {
        let found = lock(&self.inner.users).get(user).cloned();
        let ok = match &found {
            Some(u) => constant_time_eq(
                lock(&u.password).expose().as_bytes(),
                password.expose().as_bytes(),
            ),
            None => false,
        };
        match found {
            Some(user) if ok => Ok(MemoryAccount {
                user,
                store: Arc::clone(&self.inner),
            }),
            _ => Err(Error::AuthenticationFailed),
        }
    }

    fn offers_scram_sha256(&self) -> bool {
        true
    }

    /// Derives the verifier from the stored password with a random salt on first use, then
    /// keeps it until the password changes. A password SASLprep refuses has none.
    async fn scram_sha256(&self, user: &str) -> Result<Option<ScramVerifier>> {
        let Some(found) = lock(&self.inner.users).get(user).cloned() else {
            return Ok(None);
        };
        let password = lock(&found.password);
        let mut scram = lock(&found.scram);
        if scram.is_none() {
            *scram = ScramVerifier::generate(Secret::new(password.expose())).ok();
        }
        Ok(scram.clone())
    }

    async fn open_authenticated(&self, user: &str) -> Result<MemoryAccount> {
        self.account(user)
    }
}

/// An account of a [`MemoryStore`].
pub struct MemoryAccount {
    user: Arc<User>,
    store: Arc<StoreInner>,
}

impl core::fmt::Debug for MemoryAccount {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("MemoryAccount")
            .field("user", &self.user.name)
            .finish()
    }
}

fn not_found(name: &MailboxName) -> Error {
    Error::MailboxNotFound { name: name.clone() }
}

impl User {
    fn usage(&self, boxes: &BTreeMap<MailboxName, Arc<MemMailbox>>) -> QuotaUsage {
        let (mut storage, mut messages) = (0, 0);
        for m in boxes.values() {
            let st = lock(&m.state);
            storage += st.total_size;
            messages += st.msgs.len() as u64;
        }
        QuotaUsage::new(storage, messages, *lock(&self.quota))
    }

    fn check_quota(
        &self,
        boxes: &BTreeMap<MailboxName, Arc<MemMailbox>>,
        bytes: u64,
        count: u64,
    ) -> Result<()> {
        let quota = *lock(&self.quota);
        if quota == Quota::UNLIMITED {
            return Ok(());
        }
        quota
            .check(&self.usage(boxes), bytes, count)
            .map_err(|resource| Error::OverQuota { resource })
    }
}

/// Appends copies of `src` entries to `dst`, keeping flags and internal dates.
fn insert_copies(dst: &mut MboxState<Bytes>, src: &[Entry<Bytes>]) -> Result<Vec<Uid>> {
    let modseq = dst.bump_modseq();
    let now = now_seconds();
    let mut uids = Vec::with_capacity(src.len());
    for e in src {
        let uid = dst.alloc_uid()?;
        dst.push(Entry {
            uid,
            modseq,
            size: e.size,
            internal_date: e.internal_date,
            save_date: now,
            flags: e.flags.clone(),
            unique_id: memory_unique_id(dst.uid_validity, uid),
            extra: e.extra.clone(),
        });
        uids.push(uid);
    }
    Ok(uids)
}

fn memory_unique_id(v: UidValidity, uid: Uid) -> UniqueId {
    UniqueId::derive(&format!("{:08x}{:08x}", v.get(), uid.get()))
}

impl Account for MemoryAccount {
    type Mailbox = MemoryMailbox;

    fn user(&self) -> &str {
        &self.user.name
    }

    async fn list(&self) -> Result<Vec<MailboxInfo>> {
        let boxes = lock(&self.user.mailboxes);
        let subs = lock(&self.user.subscriptions);
        let names: Vec<&MailboxName> = boxes.keys().collect();
        Ok(boxes
            .iter()
            .map(|(name, m)| MailboxInfo {
                name: name.clone(),
                subscribed: subs.contains(name),
                has_children: names.iter().any(|n| n.is_descendant_of(name)),
                special_use: m.special_use,
            })
            .collect())
    }

    async fn subscriptions(&self) -> Result<Vec<MailboxName>> {
        Ok(lock(&self.user.subscriptions).iter().cloned().collect())
    }

    async fn create(&self, name: &MailboxName, special_use: Option<SpecialUse>) -> Result<()> {
        let mut boxes = lock(&self.user.mailboxes);
        if boxes.contains_key(name) {
            return Err(Error::MailboxExists { name: name.clone() });
        }
        let mut parent = name.parent();
        while let Some(p) = parent {
            if !boxes.contains_key(&p) {
                boxes.insert(p.clone(), self.store.new_mailbox(None));
            }
            parent = p.parent();
        }
        boxes.insert(name.clone(), self.store.new_mailbox(special_use));
        Ok(())
    }

    async fn delete(&self, name: &MailboxName) -> Result<()> {
        if name.is_inbox() {
            return Err(Error::PermissionDenied {
                reason: "INBOX cannot be deleted",
            });
        }
        let removed = lock(&self.user.mailboxes)
            .remove(name)
            .ok_or_else(|| not_found(name))?;
        removed.gone.store(true, Ordering::SeqCst);
        removed.notifier.notify();
        Ok(())
    }

    async fn rename(&self, from: &MailboxName, to: &MailboxName) -> Result<()> {
        let mut boxes = lock(&self.user.mailboxes);
        if !boxes.contains_key(from) {
            return Err(not_found(from));
        }
        if boxes.contains_key(to) {
            return Err(Error::MailboxExists { name: to.clone() });
        }
        if to.is_descendant_of(from) || to.is_inbox() {
            return Err(Error::PermissionDenied {
                reason: "a mailbox cannot be renamed into itself or to INBOX",
            });
        }
        if from.is_inbox() {
            // RFC 9051 §6.3.6: the messages move to the new mailbox, INBOX stays (empty).
            let inbox = Arc::clone(&boxes[from]);
            let target = self.store.new_mailbox(None);
            {
                let mut src = lock(&inbox.state);
                let mut dst = lock(&target.state);
                let all: Vec<usize> = (0..src.msgs.len()).collect();
                insert_copies(&mut dst, &src.msgs)?;
                let m = src.bump_modseq();
                src.remove(&all, m);
            }
            boxes.insert(to.clone(), target);
            inbox.notifier.notify();
            return Ok(());
        }
        let moving: Vec<MailboxName> = boxes
            .keys()
            .filter(|n| *n == from || n.is_descendant_of(from))
            .cloned()
            .collect();
        for old in moving {
            let new = old.rebase(from, to).ok_or(Error::PermissionDenied {
                reason: "the new name is too long",
            })?;
            if boxes.contains_key(&new) {
                return Err(Error::MailboxExists { name: new });
            }
            let Some(m) = boxes.remove(&old) else {
                continue;
            };
            // Old handles see the mailbox gone; the state moves to a new object.
            let validity = m.state_validity();
            let state = std::mem::replace(&mut *lock(&m.state), MboxState::new(validity));
            m.gone.store(true, Ordering::SeqCst);
            m.notifier.notify();
            boxes.insert(
                new,
                Arc::new(MemMailbox {
                    state: Mutex::new(state),
                    notifier: Notifier::new(),
                    gone: AtomicBool::new(false),
                    special_use: m.special_use,
                }),
            );
        }
        let mut parent = to.parent();
        while let Some(p) = parent {
            if !boxes.contains_key(&p) {
                boxes.insert(p.clone(), self.store.new_mailbox(None));
            }
            parent = p.parent();
        }
        Ok(())
    }

    async fn subscribe(&self, name: &MailboxName, subscribed: bool) -> Result<()> {
        let mut subs = lock(&self.user.subscriptions);
        if subscribed {
            subs.insert(name.clone());
        } else {
            subs.remove(name);
        }
        Ok(())
    }

    async fn quota(&self) -> Result<QuotaUsage> {
        Ok(self.user.usage(&lock(&self.user.mailboxes)))
    }

    async fn open(&self, name: &MailboxName) -> Result<MemoryMailbox> {
        let mbox = lock(&self.user.mailboxes)
            .get(name)
            .cloned()
            .ok_or_else(|| not_found(name))?;
        Ok(MemoryMailbox {
            name: name.clone(),
            mbox,
            user: Arc::clone(&self.user),
        })
    }
}

impl MemMailbox {
    fn state_validity(&self) -> UidValidity {
        lock(&self.state).uid_validity
    }
}

/// An open mailbox of a [`MemoryStore`].
pub struct MemoryMailbox {
    name: MailboxName,
    mbox: Arc<MemMailbox>,
    user: Arc<User>,
}

impl core::fmt::Debug for MemoryMailbox {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("MemoryMailbox")
            .field("user", &self.user.name)
            .field("name", &self.name)
            .finish()
    }
}

impl MemoryMailbox {
    fn state(&self) -> Result<MutexGuard<'_, MboxState<Bytes>>> {
        let st = lock(&self.mbox.state);
        if self.mbox.gone.load(Ordering::SeqCst) {
            return Err(not_found(&self.name));
        }
        Ok(st)
    }

    fn copy_impl(&self, uids: &UidSet, to: &MailboxName, expunge_source: bool) -> Result<Copied> {
        let boxes = lock(&self.user.mailboxes);
        let dst = boxes.get(to).cloned().ok_or_else(|| not_found(to))?;
        let entries: Vec<Entry<Bytes>> = {
            let src = self.state()?;
            src.indexes(uids)
                .into_iter()
                .map(|i| src.msgs[i].clone())
                .collect()
        };
        if entries.is_empty() {
            return Ok(Copied {
                uid_validity: lock(&dst.state).uid_validity,
                mapping: Vec::new(),
            });
        }
        if !expunge_source {
            // A move leaves the account's usage as it is.
            let bytes: u64 = entries.iter().map(|e| e.size).sum();
            self.user.check_quota(&boxes, bytes, entries.len() as u64)?;
        }
        let (uid_validity, new_uids) = {
            let mut d = lock(&dst.state);
            (d.uid_validity, insert_copies(&mut d, &entries)?)
        };
        dst.notifier.notify();
        if expunge_source {
            let mut src = self.state()?;
            let idx: Vec<usize> = entries.iter().filter_map(|e| src.index_of(e.uid)).collect();
            let m = src.bump_modseq();
            src.remove(&idx, m);
            drop(src);
            self.mbox.notifier.notify();
        }
        Ok(Copied {
            uid_validity,
            mapping: entries.iter().map(|e| e.uid).zip(new_uids).collect(),
        })
    }
}

impl Mailbox for MemoryMailbox {
    fn name(&self) -> &MailboxName {
        &self.name
    }

    async fn status(&self) -> Result<MailboxStatus> {
        Ok(self.state()?.status())
    }

    async fn list(&self, uids: &UidSet) -> Result<Vec<MessageMeta>> {
        Ok(self.state()?.list(uids))
    }

    async fn read(&self, uid: Uid, range: Option<Range<u64>>) -> Result<Bytes> {
        let bytes = self.state()?.get(uid)?.extra.clone();
        Ok(slice(bytes, range))
    }

    async fn append(&self, message: NewMessage) -> Result<Appended> {
        let content = crate::state::crlf_normalize(message.content);
        let size = content.len() as u64;
        let boxes = lock(&self.user.mailboxes);
        self.user.check_quota(&boxes, size, 1)?;
        let mut st = self.state()?;
        let uid = st.alloc_uid()?;
        let modseq = st.bump_modseq();
        let now = now_seconds();
        let unique_id = memory_unique_id(st.uid_validity, uid);
        st.push(Entry {
            uid,
            modseq,
            size,
            internal_date: message.internal_date.map_or(now, to_seconds),
            save_date: now,
            flags: message.flags,
            unique_id,
            extra: content,
        });
        let uid_validity = st.uid_validity;
        drop(st);
        drop(boxes);
        self.mbox.notifier.notify();
        Ok(Appended {
            uid_validity,
            uid,
            modseq,
        })
    }

    async fn store_flags(
        &self,
        uids: &UidSet,
        op: FlagOp,
        flags: &Flags,
        unchanged_since: Option<ModSeq>,
    ) -> Result<StoreResult> {
        let mut st = self.state()?;
        let plan = st.plan_flags(uids, op, flags, unchanged_since);
        let changed = !plan.changes.is_empty();
        let modseq = changed.then(|| st.bump_modseq());
        let result = st.apply_flags(plan, modseq);
        drop(st);
        if changed {
            self.mbox.notifier.notify();
        }
        Ok(result)
    }

    async fn expunge(&self, uids: &UidSet, mode: ExpungeMode) -> Result<UidSet> {
        let mut st = self.state()?;
        let idx = st.plan_expunge(uids, mode);
        if idx.is_empty() {
            return Ok(UidSet::new());
        }
        let m = st.bump_modseq();
        let (set, _) = st.remove(&idx, m);
        drop(st);
        self.mbox.notifier.notify();
        Ok(set)
    }

    async fn copy(&self, uids: &UidSet, to: &MailboxName) -> Result<Copied> {
        self.copy_impl(uids, to, false)
    }

    async fn move_to(&self, uids: &UidSet, to: &MailboxName) -> Result<Copied> {
        self.copy_impl(uids, to, true)
    }

    async fn changes_since(&self, since: ModSeq) -> Result<Changes> {
        Ok(self.state()?.changes_since(since))
    }

    fn watch(&self) -> Watcher {
        self.mbox.notifier.watch()
    }
}

/// Cuts `bytes` to `range`, clamped to the end.
pub(crate) fn slice(bytes: Bytes, range: Option<Range<u64>>) -> Bytes {
    match range {
        None => bytes,
        Some(r) => {
            let len = bytes.len() as u64;
            let start = r.start.min(len);
            let end = r.end.clamp(start, len);
            bytes.slice(start as usize..end as usize)
        }
    }
}
