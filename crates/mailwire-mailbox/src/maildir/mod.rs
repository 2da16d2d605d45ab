//! [`MaildirStore`]: the embedded default store, a Maildir++ tree per account.
//!
//! # Layout
//!
//! ```text
//! <mail root>/<user>/                  the account; also INBOX (cur/ new/ tmp/)
//! <mail root>/<user>/.Sent/            a mailbox "Sent" (Maildir++: a dot directory)
//! <mail root>/<user>/.Work.Projects/   "Work/Projects": levels joined by '.'
//! <mailbox>/mailwire-index             UIDVALIDITY, UIDs, modseqs, keywords (see below)
//! <mailbox>/mailwire-index.lock        the mailbox's lock file
//! <mailbox>/mailwire-special-use       the RFC 6154 attribute, e.g. "\Sent"
//! <user>/mailwire-subscriptions        subscribed names, one per line
//! <user>/mailwire-uidvalidity          the last UIDVALIDITY given in the account
//! ```
//!
//! This is the layout Dovecot (`maildir:~/Maildir:LAYOUT=maildir++`), mutt and mbsync read:
//! messages are files named `<unique>:2,<letters>` in `cur/`, the letters `D F R S T` standing
//! for `\Draft \Flagged \Answered \Seen \Deleted` (`P` and lower-case letters are kept as they
//! are). A `.` or `%` inside a hierarchy level is written `%2E` or `%25`. Keywords, UIDs and
//! modification sequences live in the index, not in file names.
//!
//! # Durability and concurrency
//!
//! - An append writes the message to `tmp/`, fsyncs it, renames it into `cur/`, fsyncs the
//!   directory and then appends its record to the index and fsyncs that; only then does it
//!   return. A crash before the index record leaves a file the next sync indexes with a new UID;
//!   an acknowledged message is never lost.
//! - The index is an append-only log; a torn last record is ignored and cut off. A missing or
//!   damaged index is rebuilt from the files with a new (greater) UIDVALIDITY; POP3 unique-ids
//!   come from file names, so they survive a rebuild.
//! - Writers in this and other processes take the mailbox's lock file (`flock`). Every handle on
//!   a mailbox in one process shares one cache, which is brought up to date from the index's new
//!   records and from the directories' modification times, so a warm listing reads no file.
//! - Mail that other programs deliver into `new/` gets UIDs at the next call on the mailbox; flag
//!   changes and removals by other programs in `cur/` are seen the same way.
//! - Mailbox names cannot leave the account's directory: [`MailboxName`] refuses `..`, `.`,
//!   empty levels and control characters, the separator `/` never reaches the file system, and
//!   user names are restricted ([`UserName`]).
//!
//! The store does blocking file I/O. By default it does it inside the futures it returns; pass a
//! [`Spawner`] (e.g. one that calls `tokio::task::spawn_blocking`) to move it off the
//! executor's threads.

mod index;
mod mailbox;

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use mailwire_core::Secret;

use self::mailbox::MboxDir;
use crate::error::{Error, Result};
use crate::fsutil::{FileLock, sync_dir, unique_suffix, write_atomic};
use crate::state::{crlf_normalize, lock, now_seconds, unix_seconds};
use crate::types::{
    Appended, Changes, Copied, ExpungeMode, FlagOp, Flags, InvalidValue, MailboxInfo, MailboxName,
    MailboxStatus, MessageMeta, ModSeq, NewMessage, Quota, QuotaUsage, SpecialUse, StoreResult,
    Uid, UidSet, UidValidity,
};
use crate::users::{UserName, UsersFile};
use crate::watch::Watcher;
use crate::{Account, Mailbox, Store};

/// Runs a blocking job somewhere else (e.g. `tokio::task::spawn_blocking`); the job sends its
/// own result back.
pub type Spawner = Arc<dyn Fn(Box<dyn FnOnce() + Send + 'static>) + Send + Sync>;

/// Options of a [`MaildirStore`].
#[derive(Clone)]
#[non_exhaustive]
pub struct MaildirOptions {
    /// Where blocking file I/O runs; `None` runs it inside the returned futures.
    pub spawner: Option<Spawner>,
    /// Whether to fsync files and directories (default `true`). Turning it off loses the
    /// durability promise; only for throwaway stores.
    pub fsync: bool,
}

impl Default for MaildirOptions {
    fn default() -> Self {
        MaildirOptions {
            spawner: None,
            fsync: true,
        }
    }
}

impl MaildirOptions {
    /// Runs blocking I/O through `spawner`.
    pub fn spawner(mut self, spawner: Spawner) -> Self {
        self.spawner = Some(spawner);
        self
    }

    /// Sets [`MaildirOptions::fsync`].
    pub fn fsync(mut self, on: bool) -> Self {
        self.fsync = on;
        self
    }
}

impl core::fmt::Debug for MaildirOptions {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("MaildirOptions")
            .field("spawner", &self.spawner.is_some())
            .field("fsync", &self.fsync)
            .finish()
    }
}

/// A store of Maildir++ accounts under one directory, with a [`UsersFile`] for logins and
/// quotas. Clones share the store.
#[derive(Clone)]
pub struct MaildirStore {
    shared: Arc<Shared>,
}

struct Shared {
    root: PathBuf,
    users: UsersFile,
    options: MaildirOptions,
    hostname: Arc<str>,
    /// One cache per mailbox directory, shared by every handle in the process, and kept when
    /// the last handle goes (up to [`KEEP_CACHES`] unused ones), so the next open is warm.
    dirs: Mutex<std::collections::HashMap<PathBuf, Arc<MboxDir>>>,
}

impl core::fmt::Debug for MaildirStore {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("MaildirStore")
            .field("root", &self.shared.root)
            .field("options", &self.shared.options)
            .finish()
    }
}

fn hostname() -> Arc<str> {
    let raw = fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| fs::read_to_string("/etc/hostname"))
        .unwrap_or_default();
    let mut out = String::new();
    for c in raw.trim().chars() {
        match c {
            // Maildir spec: '/' and ':' in host names are written as octal escapes.
            '/' => out.push_str("\\057"),
            ':' => out.push_str("\\072"),
            ',' => out.push_str("\\054"),
            c if c.is_ascii_graphic() => out.push(c),
            _ => out.push('_'),
        }
    }
    if out.is_empty() {
        out.push_str("localhost");
    }
    Arc::from(out)
}

async fn run<T: Send + 'static>(
    shared: &Shared,
    job: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    match &shared.options.spawner {
        None => job(),
        Some(spawn) => {
            let (tx, rx) = futures::channel::oneshot::channel();
            spawn(Box::new(move || {
                let _ = tx.send(job());
            }));
            rx.await.map_err(|_| Error::TryAgain {
                reason: "the blocking job was dropped",
            })?
        }
    }
}

fn io_err(what: &str, path: &Path, e: io::Error) -> Error {
    Error::io(format!("{what} {}", path.display()), e)
}

impl MaildirStore {
    /// A store whose accounts live in `mail_root/<user>/`, with logins and quotas from `users`.
    pub fn new(mail_root: impl Into<PathBuf>, users: UsersFile, options: MaildirOptions) -> Self {
        MaildirStore {
            shared: Arc::new(Shared {
                root: mail_root.into(),
                users,
                options,
                hostname: hostname(),
                dirs: Mutex::new(std::collections::HashMap::new()),
            }),
        }
    }

    /// The users file.
    pub fn users(&self) -> &UsersFile {
        &self.shared.users
    }

    /// Opens an account without a password (pre-authenticated sessions, delivery agents,
    /// tools), creating its Maildir if needed. The user must be in the users file.
    pub fn open_account(&self, user: &str) -> Result<MaildirAccount> {
        let rec = self
            .shared
            .users
            .get(user)?
            .ok_or(Error::AuthenticationFailed)?;
        self.account_for(rec.name)
    }

    fn account_for(&self, name: UserName) -> Result<MaildirAccount> {
        let dir = self.shared.root.join(name.as_str());
        for sub in ["cur", "new", "tmp"] {
            let p = dir.join(sub);
            fs::create_dir_all(&p).map_err(|e| io_err("create", &p, e))?;
        }
        Ok(MaildirAccount {
            inner: Arc::new(AccountInner {
                shared: Arc::clone(&self.shared),
                user: name,
                dir,
            }),
        })
    }
}

impl Store for MaildirStore {
    type Account = MaildirAccount;

    async fn authenticate(&self, user: &str, password: Secret<&str>) -> Result<MaildirAccount> {
        let this = self.clone();
        let user = user.to_owned();
        let password: Secret<String> = Secret::new((*password.expose()).to_owned());
        run(&self.shared, move || {
            let rec = this
                .shared
                .users
                .verify(&user, Secret::new(password.expose().as_str()))?;
            this.account_for(rec.name)
        })
        .await
    }

    fn offers_scram_sha256(&self) -> bool {
        true
    }

    /// The verifier kept in the users file (see [`crate::users`]).
    async fn scram_sha256(&self, user: &str) -> Result<Option<crate::ScramVerifier>> {
        let this = self.clone();
        let user = user.to_owned();
        run(&self.shared, move || this.shared.users.scram_sha256(&user)).await
    }

    async fn open_authenticated(&self, user: &str) -> Result<MaildirAccount> {
        let this = self.clone();
        let user = user.to_owned();
        run(&self.shared, move || this.open_account(&user)).await
    }
}

/// The directory of a mailbox: the account directory for INBOX, `.level1.level2` below it
/// otherwise, with `.` and `%` in levels percent-encoded.
fn mailbox_dir(account_dir: &Path, name: &MailboxName) -> Result<PathBuf> {
    if name.is_inbox() {
        return Ok(account_dir.to_owned());
    }
    let mut s = String::new();
    for level in name.levels() {
        s.push('.');
        for c in level.chars() {
            match c {
                '.' => s.push_str("%2E"),
                '%' => s.push_str("%25"),
                c => s.push(c),
            }
        }
    }
    if s.len() > 255 {
        return Err(Error::InvalidValue(InvalidValue::TooLong {
            what: "mailbox name on disk",
            max: 255,
        }));
    }
    Ok(account_dir.join(s))
}

/// The mailbox name of a Maildir++ folder directory name (`.a.b` is `a/b`).
fn dir_name_to_mailbox(file_name: &str) -> Option<MailboxName> {
    let rest = file_name.strip_prefix('.')?;
    if rest.is_empty() || rest.starts_with('.') {
        return None;
    }
    let mut levels = Vec::new();
    for level in rest.split('.') {
        levels.push(index::percent_decode(level).filter(|l| !l.is_empty())?);
    }
    MailboxName::new(&levels.join("/")).ok()
}

/// Gives a new UIDVALIDITY for a mailbox of the account: greater than every one given before in
/// the account and than `above`, and at least the current time in seconds (RFC 9051 §2.3.1.1).
fn allocate_uid_validity(account_dir: &Path, above: Option<UidValidity>) -> Result<UidValidity> {
    let _lock = FileLock::acquire(&account_dir.join("mailwire-uidvalidity.lock"))?;
    let path = account_dir.join("mailwire-uidvalidity");
    let last: u32 = match fs::read_to_string(&path) {
        Ok(s) => s.trim().parse().unwrap_or(0),
        Err(e) if e.kind() == io::ErrorKind::NotFound => 0,
        Err(e) => return Err(io_err("read", &path, e)),
    };
    let now = u32::try_from(unix_seconds(now_seconds())).unwrap_or(u32::MAX - 1);
    let floor = last.max(above.map_or(0, UidValidity::get));
    let v = now.max(floor.saturating_add(1)).max(1);
    write_atomic(&path, format!("{v}\n").as_bytes())?;
    UidValidity::new(v).ok_or(Error::PermissionDenied {
        reason: "UIDVALIDITY values are used up",
    })
}

/// An account of a [`MaildirStore`].
pub struct MaildirAccount {
    inner: Arc<AccountInner>,
}

struct AccountInner {
    shared: Arc<Shared>,
    user: UserName,
    dir: PathBuf,
}

impl core::fmt::Debug for MaildirAccount {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("MaildirAccount")
            .field("user", &self.inner.user)
            .field("dir", &self.inner.dir)
            .finish()
    }
}

/// How many mailbox caches a store keeps before it drops those no handle uses.
const KEEP_CACHES: usize = 256;

const SUBSCRIPTIONS: &str = "mailwire-subscriptions";
const SPECIAL_USE: &str = "mailwire-special-use";

impl AccountInner {
    fn mbox(&self, name: &MailboxName) -> Result<Arc<MboxDir>> {
        let dir = mailbox_dir(&self.dir, name)?;
        let mut dirs = lock(&self.shared.dirs);
        if let Some(m) = dirs.get(&dir) {
            return Ok(Arc::clone(m));
        }
        if dirs.len() >= KEEP_CACHES {
            dirs.retain(|_, m| Arc::strong_count(m) > 1);
        }
        let m = Arc::new(MboxDir::new(
            name.clone(),
            dir.clone(),
            self.dir.clone(),
            Arc::clone(&self.shared.hostname),
            self.shared.options.fsync,
        ));
        dirs.insert(dir, Arc::clone(&m));
        Ok(m)
    }

    fn lock(&self) -> Result<FileLock> {
        FileLock::acquire(&self.dir.join("mailwire-account.lock"))
    }

    fn names(&self) -> Result<Vec<(MailboxName, PathBuf)>> {
        let mut out = vec![(MailboxName::inbox(), self.dir.clone())];
        let rd = fs::read_dir(&self.dir).map_err(|e| io_err("read directory", &self.dir, e))?;
        for ent in rd {
            let ent = ent.map_err(|e| io_err("read directory", &self.dir, e))?;
            let Ok(fname) = ent.file_name().into_string() else {
                continue;
            };
            let Some(name) = dir_name_to_mailbox(&fname) else {
                continue;
            };
            let path = ent.path();
            if path.join("cur").is_dir() && !name.is_inbox() {
                out.push((name, path));
            }
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    }

    fn read_subscriptions(&self) -> Result<BTreeSet<MailboxName>> {
        let path = self.dir.join(SUBSCRIPTIONS);
        match fs::read_to_string(&path) {
            Ok(s) => Ok(s.lines().filter_map(|l| MailboxName::new(l).ok()).collect()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(BTreeSet::new()),
            Err(e) => Err(io_err("read", &path, e)),
        }
    }

    fn list(&self) -> Result<Vec<MailboxInfo>> {
        let names = self.names()?;
        let subs = self.read_subscriptions()?;
        Ok(names
            .iter()
            .map(|(name, path)| MailboxInfo {
                name: name.clone(),
                subscribed: subs.contains(name),
                has_children: names.iter().any(|(n, _)| n.is_descendant_of(name)),
                special_use: fs::read_to_string(path.join(SPECIAL_USE))
                    .ok()
                    .and_then(|s| SpecialUse::from_name(s.trim())),
            })
            .collect())
    }

    /// Creates one mailbox: built in `tmp/`, then renamed into place, with a fresh index.
    fn create_one(&self, name: &MailboxName, special_use: Option<SpecialUse>) -> Result<()> {
        let target = mailbox_dir(&self.dir, name)?;
        let staging = self
            .dir
            .join("tmp")
            .join(format!(".mailwire-create-{}", unique_suffix()));
        let res = (|| {
            for sub in ["cur", "new", "tmp"] {
                let p = staging.join(sub);
                fs::create_dir_all(&p).map_err(|e| io_err("create", &p, e))?;
            }
            let folder = staging.join("maildirfolder");
            fs::write(&folder, b"").map_err(|e| io_err("create", &folder, e))?;
            if let Some(u) = special_use {
                write_atomic(
                    &staging.join(SPECIAL_USE),
                    format!("{}\n", u.name()).as_bytes(),
                )?;
            }
            let v = allocate_uid_validity(&self.dir, None)?;
            write_atomic(&staging.join(index::INDEX), index::header(v).as_bytes())?;
            fs::rename(&staging, &target).map_err(|e| io_err("rename", &target, e))?;
            if self.shared.options.fsync {
                sync_dir(&self.dir)?;
            }
            Ok(())
        })();
        if res.is_err() {
            let _ = fs::remove_dir_all(&staging);
        }
        res
    }

    fn exists(&self, name: &MailboxName) -> Result<bool> {
        Ok(mailbox_dir(&self.dir, name)?.join("cur").is_dir())
    }

    fn create_parents(&self, name: &MailboxName) -> Result<()> {
        let mut parents = Vec::new();
        let mut p = name.parent();
        while let Some(n) = p {
            p = n.parent();
            parents.push(n);
        }
        for n in parents.into_iter().rev() {
            if !self.exists(&n)? {
                self.create_one(&n, None)?;
            }
        }
        Ok(())
    }

    fn create(&self, name: &MailboxName, special_use: Option<SpecialUse>) -> Result<()> {
        let _lock = self.lock()?;
        if self.exists(name)? {
            return Err(Error::MailboxExists { name: name.clone() });
        }
        self.create_parents(name)?;
        self.create_one(name, special_use)
    }

    fn delete(&self, name: &MailboxName) -> Result<()> {
        if name.is_inbox() {
            return Err(Error::PermissionDenied {
                reason: "INBOX cannot be deleted",
            });
        }
        let _lock = self.lock()?;
        let dir = mailbox_dir(&self.dir, name)?;
        if !dir.join("cur").is_dir() {
            return Err(Error::MailboxNotFound { name: name.clone() });
        }
        let trash = self
            .dir
            .join("tmp")
            .join(format!(".mailwire-deleted-{}", unique_suffix()));
        fs::rename(&dir, &trash).map_err(|e| io_err("rename", &dir, e))?;
        if self.shared.options.fsync {
            sync_dir(&self.dir)?;
        }
        let _ = fs::remove_dir_all(&trash);
        self.notify_moved(&dir);
        Ok(())
    }

    /// Forgets the cache of a mailbox that was deleted or renamed away and wakes its watchers.
    fn notify_moved(&self, dir: &Path) {
        if let Some(m) = lock(&self.shared.dirs).remove(dir) {
            m.notifier.notify();
        }
    }

    fn rename(&self, from: &MailboxName, to: &MailboxName) -> Result<()> {
        if to.is_descendant_of(from) || to.is_inbox() {
            return Err(Error::PermissionDenied {
                reason: "a mailbox cannot be renamed into itself or to INBOX",
            });
        }
        let _lock = self.lock()?;
        if !self.exists(from)? {
            return Err(Error::MailboxNotFound { name: from.clone() });
        }
        if self.exists(to)? {
            return Err(Error::MailboxExists { name: to.clone() });
        }
        if from.is_inbox() {
            return Ok(());
        }
        let mut moves = Vec::new();
        for (name, path) in self.names()? {
            if let Some(new) = name.rebase(from, to) {
                let target = mailbox_dir(&self.dir, &new)?;
                if target.exists() {
                    return Err(Error::MailboxExists { name: new });
                }
                moves.push((path, target));
            }
        }
        self.create_parents(to)?;
        for (old, new) in &moves {
            fs::rename(old, new).map_err(|e| io_err("rename", old, e))?;
        }
        if self.shared.options.fsync {
            sync_dir(&self.dir)?;
        }
        for (old, _) in &moves {
            self.notify_moved(old);
        }
        Ok(())
    }

    fn subscribe(&self, name: &MailboxName, on: bool) -> Result<()> {
        let _lock = self.lock()?;
        let mut subs = self.read_subscriptions()?;
        let changed = if on {
            subs.insert(name.clone())
        } else {
            subs.remove(name)
        };
        if changed {
            let mut text = String::new();
            for s in &subs {
                text.push_str(s.as_str());
                text.push('\n');
            }
            write_atomic(&self.dir.join(SUBSCRIPTIONS), text.as_bytes())?;
        }
        Ok(())
    }

    fn quota(&self) -> Result<QuotaUsage> {
        let limits = self
            .shared
            .users
            .get(self.user.as_str())?
            .map_or(Quota::UNLIMITED, |r| r.quota);
        let (mut storage, mut messages) = (0, 0);
        for (name, _) in self.names()? {
            match self
                .mbox(&name)?
                .read(None, |st| Ok((st.total_size, st.msgs.len())))
            {
                Ok((s, n)) => {
                    storage += s;
                    messages += n as u64;
                }
                Err(e) if e.kind() == crate::ErrorKind::Nonexistent => {}
                Err(e) => return Err(e),
            }
        }
        Ok(QuotaUsage::new(storage, messages, limits))
    }

    /// Checks that `bytes` more in `count` more messages fit the quota.
    fn check_quota(&self, bytes: u64, count: u64) -> Result<()> {
        let limits = self
            .shared
            .users
            .get(self.user.as_str())?
            .map_or(Quota::UNLIMITED, |r| r.quota);
        if limits == Quota::UNLIMITED {
            return Ok(());
        }
        limits
            .check(&self.quota()?, bytes, count)
            .map_err(|resource| Error::OverQuota { resource })
    }
}

impl Account for MaildirAccount {
    type Mailbox = MaildirMailbox;

    fn user(&self) -> &str {
        self.inner.user.as_str()
    }

    async fn list(&self) -> Result<Vec<MailboxInfo>> {
        let a = Arc::clone(&self.inner);
        run(&self.inner.shared, move || a.list()).await
    }

    async fn subscriptions(&self) -> Result<Vec<MailboxName>> {
        let a = Arc::clone(&self.inner);
        run(&self.inner.shared, move || {
            Ok(a.read_subscriptions()?.into_iter().collect())
        })
        .await
    }

    async fn create(&self, name: &MailboxName, special_use: Option<SpecialUse>) -> Result<()> {
        let (a, name) = (Arc::clone(&self.inner), name.clone());
        run(&self.inner.shared, move || a.create(&name, special_use)).await
    }

    async fn delete(&self, name: &MailboxName) -> Result<()> {
        let (a, name) = (Arc::clone(&self.inner), name.clone());
        run(&self.inner.shared, move || a.delete(&name)).await
    }

    async fn rename(&self, from: &MailboxName, to: &MailboxName) -> Result<()> {
        let (a, f, t) = (Arc::clone(&self.inner), from.clone(), to.clone());
        run(&self.inner.shared, move || a.rename(&f, &t)).await?;
        if from.is_inbox() {
            // RFC 9051 §6.3.6: INBOX's messages move to the new mailbox; INBOX stays.
            self.create(to, None).await?;
            let inbox = self.open(from).await?;
            inbox.move_to(&UidSet::all(), to).await?;
        }
        Ok(())
    }

    async fn subscribe(&self, name: &MailboxName, subscribed: bool) -> Result<()> {
        let (a, name) = (Arc::clone(&self.inner), name.clone());
        run(&self.inner.shared, move || a.subscribe(&name, subscribed)).await
    }

    async fn quota(&self) -> Result<QuotaUsage> {
        let a = Arc::clone(&self.inner);
        run(&self.inner.shared, move || a.quota()).await
    }

    async fn open(&self, name: &MailboxName) -> Result<MaildirMailbox> {
        let (a, n) = (Arc::clone(&self.inner), name.clone());
        run(&self.inner.shared, move || {
            let mbox = a.mbox(&n)?;
            let uid_validity = mbox.uid_validity()?;
            Ok(MaildirMailbox {
                account: a,
                name: n,
                mbox,
                uid_validity,
            })
        })
        .await
    }
}

/// An open mailbox of a [`MaildirStore`]. A handle stays bound to the mailbox it opened: after
/// the mailbox is deleted, renamed away or its index rebuilt with a new UIDVALIDITY, it fails with
/// [`Error::MailboxNotFound`].
pub struct MaildirMailbox {
    account: Arc<AccountInner>,
    name: MailboxName,
    mbox: Arc<MboxDir>,
    uid_validity: UidValidity,
}

impl core::fmt::Debug for MaildirMailbox {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("MaildirMailbox")
            .field("user", &self.account.user)
            .field("name", &self.name)
            .field("uid_validity", &self.uid_validity)
            .finish()
    }
}

impl MaildirMailbox {
    /// The mailbox's directory.
    pub fn path(&self) -> &Path {
        &self.mbox.dir
    }

    async fn with<T: Send + 'static>(
        &self,
        job: impl FnOnce(&MboxDir, UidValidity) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let (m, v) = (Arc::clone(&self.mbox), self.uid_validity);
        run(&self.account.shared, move || job(&m, v)).await
    }

    async fn copy_impl(&self, uids: &UidSet, to: &MailboxName, expunge: bool) -> Result<Copied> {
        let (a, src, v, uids, to) = (
            Arc::clone(&self.account),
            Arc::clone(&self.mbox),
            self.uid_validity,
            uids.clone(),
            to.clone(),
        );
        run(&self.account.shared, move || {
            if !a.exists(&to)? {
                return Err(Error::MailboxNotFound { name: to });
            }
            let dst = a.mbox(&to)?;
            let sources = src.sources(v, &uids)?;
            let dst_v = dst.uid_validity()?;
            if sources.is_empty() {
                return Ok(Copied {
                    uid_validity: dst_v,
                    mapping: Vec::new(),
                });
            }
            if !expunge {
                let bytes = sources.iter().map(|s| s.size).sum();
                a.check_quota(bytes, sources.len() as u64)?;
            }
            let mut staged = Vec::with_capacity(sources.len());
            let mut src_uids = Vec::with_capacity(sources.len());
            for s in &sources {
                match dst.stage_copy(s) {
                    Ok(Some(st)) => {
                        staged.push(st);
                        src_uids.push(s.uid);
                    }
                    Ok(None) => {}
                    Err(e) => {
                        for st in staged {
                            let _ = fs::remove_file(st.tmp);
                        }
                        return Err(e);
                    }
                }
            }
            let (uid_validity, new_uids, _) = dst.commit(Some(dst_v), staged)?;
            if expunge {
                src.expunge(v, &src_uids.iter().copied().collect(), ExpungeMode::Any)?;
            }
            Ok(Copied {
                uid_validity,
                mapping: src_uids.into_iter().zip(new_uids).collect(),
            })
        })
        .await
    }
}

impl Mailbox for MaildirMailbox {
    fn name(&self) -> &MailboxName {
        &self.name
    }

    async fn status(&self) -> Result<MailboxStatus> {
        self.with(|m, v| m.read(Some(v), |st| Ok(st.status())))
            .await
    }

    async fn list(&self, uids: &UidSet) -> Result<Vec<MessageMeta>> {
        let uids = uids.clone();
        self.with(move |m, v| m.read(Some(v), |st| Ok(st.list(&uids))))
            .await
    }

    async fn read(&self, uid: Uid, range: Option<Range<u64>>) -> Result<Bytes> {
        self.with(move |m, v| m.read_message(v, uid, range, true))
            .await
    }

    async fn read_content(&self, uid: Uid) -> Result<Bytes> {
        self.with(move |m, v| m.read_message(v, uid, None, false))
            .await
    }

    async fn append(&self, message: NewMessage) -> Result<Appended> {
        let a = Arc::clone(&self.account);
        self.with(move |m, v| {
            let content = crlf_normalize(message.content);
            a.check_quota(content.len() as u64, 1)?;
            let date = message.internal_date.unwrap_or_else(now_seconds);
            let staged = m.stage(&content, date, message.flags)?;
            let (uid_validity, uids, modseq) = m.commit(Some(v), vec![staged])?;
            let uid = uids.first().copied().ok_or(Error::TryAgain {
                reason: "append lost its message",
            })?;
            Ok(Appended {
                uid_validity,
                uid,
                modseq,
            })
        })
        .await
    }

    async fn store_flags(
        &self,
        uids: &UidSet,
        op: FlagOp,
        flags: &Flags,
        unchanged_since: Option<ModSeq>,
    ) -> Result<StoreResult> {
        let (uids, flags) = (uids.clone(), flags.clone());
        self.with(move |m, v| m.store_flags(v, &uids, op, &flags, unchanged_since))
            .await
    }

    async fn expunge(&self, uids: &UidSet, mode: ExpungeMode) -> Result<UidSet> {
        let uids = uids.clone();
        self.with(move |m, v| m.expunge(v, &uids, mode)).await
    }

    async fn copy(&self, uids: &UidSet, to: &MailboxName) -> Result<Copied> {
        self.copy_impl(uids, to, false).await
    }

    async fn move_to(&self, uids: &UidSet, to: &MailboxName) -> Result<Copied> {
        self.copy_impl(uids, to, true).await
    }

    async fn changes_since(&self, since: ModSeq) -> Result<Changes> {
        self.with(move |m, v| m.read(Some(v), |st| Ok(st.changes_since(since))))
            .await
    }

    fn watch(&self) -> Watcher {
        self.mbox.notifier.watch()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_map_to_maildir_plus_plus() {
        let root = Path::new("/m/alice");
        let n = |s| MailboxName::new(s).unwrap();
        assert_eq!(mailbox_dir(root, &n("inbox")).unwrap(), root);
        assert_eq!(
            mailbox_dir(root, &n("Work/Projects")).unwrap(),
            root.join(".Work.Projects")
        );
        assert_eq!(
            mailbox_dir(root, &n("Mr. Smith/100%")).unwrap(),
            root.join(".Mr%2E Smith.100%25")
        );
        for s in [
            "Work/Projects",
            "Mr. Smith/100%",
            "Sent Items",
            "INBOX/sub",
            "-/x",
        ] {
            let d = mailbox_dir(root, &n(s)).unwrap();
            let f = d.file_name().unwrap().to_str().unwrap();
            assert_eq!(dir_name_to_mailbox(f), Some(n(s)), "{f}");
            assert_eq!(d.parent(), Some(root), "stays in the account");
        }
        for bad in [".", "..", "...", ".a..b", "cur", ".a.", ".%zz"] {
            assert_eq!(dir_name_to_mailbox(bad), None, "{bad}");
        }
        assert!(mailbox_dir(root, &n(&"x".repeat(300))).is_err());
    }
}
