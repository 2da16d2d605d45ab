//! One Maildir mailbox on disk: its `cur/`, `new/`, `tmp/` directories, its index, and the
//! in-process cache shared by every handle on it.

use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use bytes::Bytes;

use super::index::{
    self, DirStamp, FileInfo, INDEX, Replayer, flags_from, letters_for, push_add, push_expunge,
    push_flags, push_stamps, render,
};
use crate::error::{Error, Result};
use crate::fsutil::{FileLock, sync_dir, unique_suffix, write_atomic};
use crate::state::{Entry, MboxState, bare_lf_count, lock, now_seconds, to_seconds};
use crate::types::{
    ExpungeMode, FlagOp, Flags, MailboxName, ModSeq, StoreResult, Uid, UidSet, UidValidity,
    UniqueId,
};
use crate::watch::Notifier;

/// Files in `tmp/` older than this are leftovers of interrupted deliveries (Maildir spec: 36 h).
const TMP_MAX_AGE_SECS: u64 = 36 * 3600;
/// A directory stamp is trusted only once this much time has passed since the directory's mtime
/// (file systems with coarse timestamps can hide a change made in the same tick).
const STAMP_SETTLE_NS: u64 = 1_000_000_000;

/// Whether a stamp was taken long enough after the mtime it records (see `dirs_to_scan`).
fn settled(s: DirStamp) -> bool {
    s.checked >= s.mtime.saturating_add(STAMP_SETTLE_NS)
}

fn io_err(what: &str, path: &Path, e: io::Error) -> Error {
    Error::io(format!("{what} {}", path.display()), e)
}

fn now_ns() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

fn mtime_ns(m: &fs::Metadata) -> u64 {
    let secs = u64::try_from(m.mtime()).unwrap_or(0);
    let nsec = u64::try_from(m.mtime_nsec()).unwrap_or(0);
    secs.saturating_mul(1_000_000_000).saturating_add(nsec)
}

/// Splits a file name into its base and its flag letters (`base:2,letters`).
pub(crate) fn split_name(name: &str) -> (&str, &str) {
    match name.split_once(':') {
        Some((base, info)) => (base, info.strip_prefix("2,").unwrap_or("")),
        None => (name, ""),
    }
}

/// The value of a `,K=value` field of a Maildir++ base name (`S=` size, `W=` CRLF size).
fn name_field(base: &str, key: char) -> Option<u64> {
    base.split(',').skip(1).find_map(|f| {
        f.strip_prefix(key)
            .and_then(|r| r.strip_prefix('='))
            .and_then(|v| v.parse().ok())
    })
}

/// A message to add to a mailbox, already written to its `tmp/`.
pub(crate) struct Staged {
    pub(crate) tmp: PathBuf,
    pub(crate) base: String,
    pub(crate) size: u64,
    pub(crate) internal_date: SystemTime,
    pub(crate) flags: Flags,
}

/// A source message for a copy.
pub(crate) struct Source {
    pub(crate) uid: Uid,
    pub(crate) path: PathBuf,
    pub(crate) size: u64,
    pub(crate) raw_size: u64,
    pub(crate) internal_date: SystemTime,
    pub(crate) flags: Flags,
}

#[derive(Default)]
struct Cache {
    state: Option<MboxState<FileInfo>>,
    by_base: Option<HashMap<Box<str>, Uid>>,
    /// `(device, inode)` of the index file the state was read from.
    index_id: Option<(u64, u64)>,
    /// Bytes of the index consumed (complete lines).
    offset: u64,
    /// Records in the index since it was last rewritten.
    log_lines: usize,
    stamps: Option<(DirStamp, DirStamp)>,
    /// Set when a file was missing: rescan the directories before trusting the index.
    force_scan: bool,
}

impl Cache {
    fn invalidate(&mut self) {
        *self = Cache::default();
    }
}

/// The shared state of one mailbox directory.
pub(crate) struct MboxDir {
    pub(crate) name: MailboxName,
    pub(crate) dir: PathBuf,
    account_dir: PathBuf,
    hostname: std::sync::Arc<str>,
    fsync: bool,
    pub(crate) notifier: Notifier,
    cache: Mutex<Cache>,
}

enum IndexRead {
    Ok,
    Missing,
    Damaged(Option<UidValidity>),
}

impl MboxDir {
    pub(crate) fn new(
        name: MailboxName,
        dir: PathBuf,
        account_dir: PathBuf,
        hostname: std::sync::Arc<str>,
        fsync: bool,
    ) -> MboxDir {
        MboxDir {
            name,
            dir,
            account_dir,
            hostname,
            fsync,
            notifier: Notifier::new(),
            cache: Mutex::new(Cache::default()),
        }
    }

    fn gone(&self) -> Error {
        Error::MailboxNotFound {
            name: self.name.clone(),
        }
    }

    fn sub(&self, d: &str) -> PathBuf {
        self.dir.join(d)
    }

    /// Locks the mailbox against writers in this and other processes. The lock file is opened
    /// each time, so a mailbox deleted and created again is locked through its new file.
    fn acquire(&self) -> Result<FileLock> {
        if !self.dir.is_dir() {
            return Err(self.gone());
        }
        FileLock::acquire(&self.dir.join("mailwire-index.lock"))
    }

    /// Reads what is new in the index (or all of it when it was replaced).
    fn read_index(&self, c: &mut Cache) -> Result<IndexRead> {
        let path = self.dir.join(INDEX);
        let mut file = match File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if !self.sub("cur").is_dir() {
                    return Err(self.gone());
                }
                return Ok(IndexRead::Missing);
            }
            Err(e) => return Err(io_err("open", &path, e)),
        };
        let meta = file.metadata().map_err(|e| io_err("stat", &path, e))?;
        let id = (meta.dev(), meta.ino());
        if c.index_id != Some(id) || meta.len() < c.offset || c.state.is_none() {
            c.state = None;
            c.by_base = None;
            c.offset = 0;
            c.log_lines = 0;
            c.stamps = None;
            c.index_id = Some(id);
        }
        if meta.len() == c.offset {
            return Ok(IndexRead::Ok);
        }
        file.seek(SeekFrom::Start(c.offset))
            .map_err(|e| io_err("seek", &path, e))?;
        let mut buf = Vec::with_capacity(usize::try_from(meta.len() - c.offset).unwrap_or(0));
        file.read_to_end(&mut buf)
            .map_err(|e| io_err("read", &path, e))?;
        let complete = match memchr_last_newline(&buf) {
            Some(i) => i + 1,
            None => return Ok(IndexRead::Ok),
        };
        let Ok(text) = std::str::from_utf8(&buf[..complete]) else {
            let v = c.state.as_ref().map(|s| s.uid_validity);
            c.invalidate();
            return Ok(IndexRead::Damaged(v));
        };
        let mut lines = text.split_terminator('\n');
        if c.state.is_none() {
            let Some(v) = lines.next().and_then(index::parse_header) else {
                return Ok(IndexRead::Damaged(None));
            };
            c.state = Some(MboxState::new(v));
        }
        let Cache {
            state,
            by_base,
            stamps,
            ..
        } = c;
        let st = state.as_mut().ok_or(Error::TryAgain { reason: "index" })?;
        let validity = st.uid_validity;
        let mut st_stamps = stamps.unwrap_or_default();
        let mut r = Replayer::new(st, by_base.as_mut(), &mut st_stamps);
        let mut n = 0;
        for line in lines {
            if r.line(line).is_err() {
                // The state holds part of the log now: start from scratch next time.
                c.invalidate();
                return Ok(IndexRead::Damaged(Some(validity)));
            }
            n += 1;
        }
        r.flush();
        if st_stamps != (DirStamp::default(), DirStamp::default()) {
            *stamps = Some(st_stamps);
        }
        c.log_lines += n;
        c.offset += complete as u64;
        Ok(IndexRead::Ok)
    }

    fn stat_dir(&self, d: &str) -> Result<u64> {
        let p = self.sub(d);
        match fs::metadata(&p) {
            Ok(m) => Ok(mtime_ns(&m)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Err(self.gone()),
            Err(e) => Err(io_err("stat", &p, e)),
        }
    }

    /// Which directories may hold changes the index does not know.
    fn dirs_to_scan(&self, c: &Cache) -> Result<(bool, bool)> {
        // A stamp is "settled" when it was taken long enough after the directory's mtime that
        // no later change can share that mtime. `cur/` (large) is rescanned for an unsettled
        // stamp once it could have settled; `new/` (small) as long as it is unsettled.
        let now = now_ns();
        let unsettled = |s: DirStamp| !settled(s);
        let cur = self.stat_dir("cur")?;
        let new = self.stat_dir("new")?;
        if c.force_scan {
            return Ok((true, true));
        }
        let scan_cur = match c.stamps {
            None => true,
            Some((s, _)) => {
                s.mtime != cur || (unsettled(s) && now >= cur.saturating_add(STAMP_SETTLE_NS))
            }
        };
        let scan_new = match c.stamps {
            None => true,
            Some((_, s)) => s.mtime != new || unsettled(s),
        };
        Ok((scan_cur, scan_new))
    }

    fn current_stamps(&self) -> Result<(DirStamp, DirStamp)> {
        let checked = now_ns();
        Ok((
            DirStamp {
                mtime: self.stat_dir("cur")?,
                checked,
            },
            DirStamp {
                mtime: self.stat_dir("new")?,
                checked,
            },
        ))
    }

    /// Whether the cache is up to date after reading the index.
    fn fresh(&self, c: &Cache, read: &IndexRead) -> Result<bool> {
        Ok(matches!(read, IndexRead::Ok)
            && c.state.is_some()
            && self.dirs_to_scan(c)? == (false, false))
    }

    /// Brings the cache up to date, rebuilding or scanning under the lock when needed. With
    /// `locked`, the caller holds the lock already.
    fn refresh(&self, c: &mut Cache, locked: bool) -> Result<()> {
        let read = self.read_index(c)?;
        if self.fresh(c, &read)? {
            return Ok(());
        }
        if locked {
            return self.repair(c, read);
        }
        // Take the lock, then look again: another process may have done the work.
        let _guard = self.acquire()?;
        let read = self.read_index(c)?;
        if self.fresh(c, &read)? {
            return Ok(());
        }
        self.repair(c, read)
    }

    /// Under the lock: rebuilds a missing or damaged index, or scans the directories.
    fn repair(&self, c: &mut Cache, read: IndexRead) -> Result<()> {
        match read {
            IndexRead::Ok if c.state.is_some() => {
                let (cur, new) = if c.force_scan {
                    (true, true)
                } else {
                    self.dirs_to_scan(c)?
                };
                let mut out = String::new();
                let changed = self.scan(c, cur, new, &mut out)?;
                c.force_scan = false;
                if changed {
                    self.append_records(c, &mut out, true)?;
                    self.notifier.notify();
                    return Ok(());
                }
                // Nothing changed: record the new stamps, in the file only if they say more
                // than the old ones (so a busy reader does not write on every call).
                let now = self.current_stamps()?;
                let same = c.stamps.is_some_and(|(oc, on)| {
                    oc.mtime == now.0.mtime
                        && on.mtime == now.1.mtime
                        && settled(oc) == settled(now.0)
                        && settled(on) == settled(now.1)
                });
                if same {
                    c.stamps = Some(now);
                    Ok(())
                } else {
                    self.append_records(c, &mut out, false)
                }
            }
            IndexRead::Damaged(old) => {
                let path = self.dir.join(INDEX);
                let _ = fs::rename(&path, self.dir.join("mailwire-index.damaged"));
                self.rebuild(c, old)
            }
            _ => self.rebuild(c, None),
        }
    }

    /// Makes a new index from the files, with a new UIDVALIDITY.
    fn rebuild(&self, c: &mut Cache, old: Option<UidValidity>) -> Result<()> {
        let v = super::allocate_uid_validity(&self.account_dir, old)?;
        c.state = Some(MboxState::new(v));
        c.by_base = Some(HashMap::new());
        let mut ignored = String::new();
        self.scan(c, true, true, &mut ignored)?;
        c.force_scan = false;
        self.rewrite(c)?;
        self.notifier.notify();
        Ok(())
    }

    /// Rewrites the whole index atomically.
    fn rewrite(&self, c: &mut Cache) -> Result<()> {
        let stamps = self.current_stamps()?;
        let st = c
            .state
            .as_ref()
            .ok_or(Error::TryAgain { reason: "index" })?;
        let text = render(st, stamps.0, stamps.1);
        let path = self.dir.join(INDEX);
        write_atomic(&path, text.as_bytes())?;
        let meta = fs::metadata(&path).map_err(|e| io_err("stat", &path, e))?;
        c.index_id = Some((meta.dev(), meta.ino()));
        c.offset = meta.len();
        c.log_lines = 0;
        c.stamps = Some(stamps);
        Ok(())
    }

    /// Appends records and the directory stamps to the index, durably if `durable`.
    fn append_records(&self, c: &mut Cache, out: &mut String, durable: bool) -> Result<()> {
        let stamps = self.current_stamps()?;
        push_stamps(out, stamps.0, stamps.1);
        let path = self.dir.join(INDEX);
        let mut f = OpenOptions::new()
            .write(true)
            .open(&path)
            .map_err(|e| io_err("open", &path, e))?;
        let len = f.metadata().map_err(|e| io_err("stat", &path, e))?.len();
        if len != c.offset {
            // A torn record from an interrupted writer: cut it off.
            f.set_len(c.offset)
                .map_err(|e| io_err("truncate", &path, e))?;
        }
        f.seek(SeekFrom::Start(c.offset))
            .map_err(|e| io_err("seek", &path, e))?;
        f.write_all(out.as_bytes())
            .map_err(|e| io_err("write", &path, e))?;
        if self.fsync && durable {
            f.sync_data().map_err(|e| io_err("fsync", &path, e))?;
        }
        c.offset += out.len() as u64;
        c.log_lines += out.lines().count();
        c.stamps = Some(stamps);
        let live = c.state.as_ref().map_or(0, |s| s.msgs.len());
        if c.log_lines > 10_000 && c.log_lines > 2 * live {
            self.rewrite(c)?;
        }
        Ok(())
    }

    fn ensure_by_base(c: &mut Cache) {
        if c.by_base.is_none() {
            let map = c.state.as_ref().map_or_else(HashMap::new, |st| {
                st.msgs
                    .iter()
                    .map(|e| (e.extra.base.clone(), e.uid))
                    .collect()
            });
            c.by_base = Some(map);
        }
    }

    /// Moves new mail from `new/` to `cur/` and compares `cur/` with the index; writes the
    /// records of what changed into `out`. Returns whether anything changed.
    fn scan(
        &self,
        c: &mut Cache,
        scan_cur: bool,
        scan_new: bool,
        out: &mut String,
    ) -> Result<bool> {
        let cur_dir = self.sub("cur");
        let mut seen: Vec<(String, String)> = Vec::new(); // (base, letters)
        if scan_new {
            let new_dir = self.sub("new");
            for name in list_names(&new_dir)? {
                let (base, letters) = split_name(&name);
                let target = format!("{base}:2,{letters}");
                match fs::rename(new_dir.join(&name), cur_dir.join(&target)) {
                    Ok(()) => seen.push((base.to_owned(), letters.to_owned())),
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                    Err(e) => return Err(io_err("rename", &new_dir.join(&name), e)),
                }
            }
        }
        if scan_cur {
            seen.clear();
            for name in list_names(&cur_dir)? {
                let (base, letters) = split_name(&name);
                let canonical = format!("{base}:2,{letters}");
                if canonical != name {
                    // No info part, or another version of it: give it the `:2,` form the
                    // store derives file names from.
                    match fs::rename(cur_dir.join(&name), cur_dir.join(&canonical)) {
                        Ok(()) => {}
                        Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                        Err(e) => return Err(io_err("rename", &cur_dir.join(&name), e)),
                    }
                }
                seen.push((base.to_owned(), letters.to_owned()));
            }
            self.clean_tmp();
        }
        Self::ensure_by_base(c);
        let Cache { state, by_base, .. } = c;
        let st = state.as_mut().ok_or(Error::TryAgain { reason: "index" })?;
        let by_base = by_base
            .as_mut()
            .ok_or(Error::TryAgain { reason: "index" })?;
        let mut found: Vec<(String, String)> = Vec::new();
        let mut flag_changes: Vec<(usize, String)> = Vec::new();
        let mut present = vec![false; st.msgs.len()];
        for (base, letters) in seen {
            match by_base.get(base.as_str()).and_then(|u| st.index_of(*u)) {
                Some(i) => {
                    if present[i] {
                        continue; // two files with one base name: keep the first
                    }
                    present[i] = true;
                    if *st.msgs[i].extra.letters != *letters {
                        flag_changes.push((i, letters));
                    }
                }
                None => found.push((base, letters)),
            }
        }
        let vanished: Vec<usize> = if scan_cur {
            (0..st.msgs.len()).filter(|&i| !present[i]).collect()
        } else {
            Vec::new()
        };
        if found.is_empty() && flag_changes.is_empty() && vanished.is_empty() {
            return Ok(false);
        }
        let modseq = st.bump_modseq();
        for (i, letters) in flag_changes {
            let e = &mut st.msgs[i];
            e.flags = flags_from(&letters, e.flags.keywords());
            e.extra.letters = letters.into_boxed_str();
            e.modseq = modseq;
            push_flags(out, e);
        }
        if !vanished.is_empty() {
            let (set, removed) = st.remove(&vanished, modseq);
            for e in removed {
                by_base.remove(&e.extra.base);
            }
            for u in set.iter() {
                push_expunge(out, u, modseq);
            }
        }
        found.sort_by(|a, b| delivery_order(&a.0, &b.0).then_with(|| a.1.cmp(&b.1)));
        found.dedup_by(|a, b| a.0 == b.0);
        let now = now_seconds();
        for (base, letters) in found {
            let path = cur_dir.join(format!("{base}:2,{letters}"));
            let Some((size, raw_size, mtime)) = measure(&path, &base)? else {
                continue;
            };
            let uid = st.alloc_uid()?;
            let entry = Entry {
                uid,
                modseq,
                size,
                internal_date: mtime,
                save_date: now,
                flags: flags_from(&letters, &[]),
                unique_id: UniqueId::derive(&base),
                extra: FileInfo {
                    base: base.into_boxed_str(),
                    letters: letters.into_boxed_str(),
                    raw_size,
                },
            };
            push_add(out, &entry);
            by_base.insert(entry.extra.base.clone(), uid);
            st.push(entry);
        }
        Ok(true)
    }

    /// Removes leftovers of interrupted deliveries from `tmp/`.
    fn clean_tmp(&self) {
        let tmp = self.sub("tmp");
        let Ok(names) = list_names(&tmp) else { return };
        let now = SystemTime::now();
        for n in names {
            let p = tmp.join(&n);
            let old = fs::metadata(&p)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| now.duration_since(t).ok())
                .is_some_and(|age| age.as_secs() > TMP_MAX_AGE_SECS);
            if old {
                let _ = fs::remove_file(p);
            }
        }
    }

    /// Runs `f` on the up-to-date state, checking the caller's UIDVALIDITY.
    pub(crate) fn read<T>(
        &self,
        expect: Option<UidValidity>,
        f: impl FnOnce(&MboxState<FileInfo>) -> Result<T>,
    ) -> Result<T> {
        let mut c = lock(&self.cache);
        if let Err(e) = self.refresh(&mut c, false) {
            c.invalidate();
            return Err(e);
        }
        let st = c
            .state
            .as_ref()
            .ok_or(Error::TryAgain { reason: "index" })?;
        if expect.is_some_and(|v| v != st.uid_validity) {
            return Err(self.gone());
        }
        f(st)
    }

    /// Runs a change under the lock; `f` returns records to append and whether to notify.
    fn write<T>(
        &self,
        expect: Option<UidValidity>,
        f: impl FnOnce(&Self, &mut Cache, &mut String) -> Result<T>,
    ) -> Result<T> {
        let mut c = lock(&self.cache);
        let res = (|| {
            let _guard = self.acquire()?;
            self.refresh(&mut c, true)?;
            let v = c
                .state
                .as_ref()
                .ok_or(Error::TryAgain { reason: "index" })?
                .uid_validity;
            if expect.is_some_and(|e| e != v) {
                return Err(self.gone());
            }
            let mut out = String::new();
            let t = f(self, &mut c, &mut out)?;
            if !out.is_empty() {
                self.append_records(&mut c, &mut out, true)?;
                self.notifier.notify();
            }
            Ok(t)
        })();
        if res.is_err() {
            // Disk and cache may disagree now: read everything again next time.
            c.invalidate();
        }
        res
    }

    /// The UIDVALIDITY now (and makes sure the index exists).
    pub(crate) fn uid_validity(&self) -> Result<UidValidity> {
        self.read(None, |st| Ok(st.uid_validity))
    }

    /// Writes a message into `tmp/`, durably, before any lock is taken.
    pub(crate) fn stage(
        &self,
        content: &[u8],
        internal_date: SystemTime,
        flags: Flags,
    ) -> Result<Staged> {
        let size = content.len() as u64;
        let base = format!("{}.{},S={size},W={size}", unique_suffix(), self.hostname);
        let tmp = self.sub("tmp").join(&base);
        let res = (|| -> io::Result<()> {
            let mut f = OpenOptions::new().write(true).create_new(true).open(&tmp)?;
            f.write_all(content)?;
            f.set_modified(internal_date)?;
            if self.fsync {
                f.sync_all()?;
            }
            Ok(())
        })();
        if let Err(e) = res {
            let _ = fs::remove_file(&tmp);
            if e.kind() == io::ErrorKind::NotFound {
                return Err(self.gone());
            }
            return Err(io_err("write", &tmp, e));
        }
        Ok(Staged {
            tmp,
            base,
            size,
            internal_date,
            flags,
        })
    }

    /// Stages a copy of a message of another mailbox: a hard link, or a copy of the bytes.
    pub(crate) fn stage_copy(&self, src: &Source) -> Result<Option<Staged>> {
        let base = format!(
            "{}.{},S={},W={}",
            unique_suffix(),
            self.hostname,
            src.raw_size,
            src.size
        );
        let tmp = self.sub("tmp").join(&base);
        match fs::hard_link(&src.path, &tmp) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound && src.path.exists() => {
                return Err(self.gone());
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(_) => {
                let res = (|| -> io::Result<()> {
                    let data = fs::read(&src.path)?;
                    let mut f = OpenOptions::new().write(true).create_new(true).open(&tmp)?;
                    f.write_all(&data)?;
                    f.set_modified(src.internal_date)?;
                    if self.fsync {
                        f.sync_all()?;
                    }
                    Ok(())
                })();
                match res {
                    Ok(()) => {}
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {
                        let _ = fs::remove_file(&tmp);
                        return Ok(None);
                    }
                    Err(e) => {
                        let _ = fs::remove_file(&tmp);
                        return Err(io_err("copy", &src.path, e));
                    }
                }
            }
        }
        Ok(Some(Staged {
            tmp,
            base,
            size: src.size,
            internal_date: src.internal_date,
            flags: src.flags.clone(),
        }))
    }

    /// Moves staged messages into `cur/` with new UIDs and indexes them. Returns the UIDs and
    /// the modification sequence. Staged files are removed on failure.
    pub(crate) fn commit(
        &self,
        expect: Option<UidValidity>,
        staged: Vec<Staged>,
    ) -> Result<(UidValidity, Vec<Uid>, ModSeq)> {
        let tmps: Vec<PathBuf> = staged.iter().map(|s| s.tmp.clone()).collect();
        let res = self.write(expect, |this, c, out| {
            let st = c
                .state
                .as_mut()
                .ok_or(Error::TryAgain { reason: "index" })?;
            let cur = this.sub("cur");
            let modseq = st.bump_modseq();
            let now = now_seconds();
            let mut entries = Vec::with_capacity(staged.len());
            for s in staged {
                let uid = st.alloc_uid()?;
                let letters = letters_for(&s.flags, "");
                let name = format!("{}:2,{letters}", s.base);
                fs::rename(&s.tmp, cur.join(&name)).map_err(|e| io_err("rename", &s.tmp, e))?;
                entries.push(Entry {
                    uid,
                    modseq,
                    size: s.size,
                    internal_date: to_seconds(s.internal_date),
                    save_date: now,
                    flags: s.flags,
                    unique_id: UniqueId::derive(&s.base),
                    extra: FileInfo {
                        base: s.base.into_boxed_str(),
                        letters,
                        raw_size: s.size,
                    },
                });
            }
            if this.fsync {
                sync_dir(&cur)?;
            }
            let v = st.uid_validity;
            let mut uids = Vec::with_capacity(entries.len());
            for mut e in entries {
                // A copy keeps the source's raw size (its file may hold bare LFs).
                if let Some(raw) = name_field(&e.extra.base, 'S') {
                    e.extra.raw_size = raw;
                }
                push_add(out, &e);
                if let Some(m) = c.by_base.as_mut() {
                    m.insert(e.extra.base.clone(), e.uid);
                }
                uids.push(e.uid);
                st.push(e);
            }
            Ok((v, uids, modseq))
        });
        if res.is_err() {
            for t in tmps {
                let _ = fs::remove_file(t);
            }
        }
        res
    }

    pub(crate) fn store_flags(
        &self,
        expect: UidValidity,
        uids: &UidSet,
        op: FlagOp,
        flags: &Flags,
        unchanged_since: Option<ModSeq>,
    ) -> Result<StoreResult> {
        self.write(Some(expect), |this, c, out| {
            let st = c
                .state
                .as_mut()
                .ok_or(Error::TryAgain { reason: "index" })?;
            let mut plan = st.plan_flags(uids, op, flags, unchanged_since);
            if plan.changes.is_empty() {
                return Ok(st.apply_flags(plan, None));
            }
            let cur = this.sub("cur");
            let mut missing = false;
            let mut renamed = Vec::with_capacity(plan.changes.len());
            for (i, new) in std::mem::take(&mut plan.changes) {
                let e = &st.msgs[i];
                let letters = letters_for(&new, &e.extra.letters);
                if letters != e.extra.letters {
                    let from = cur.join(e.extra.file_name());
                    let to = cur.join(format!("{}:2,{letters}", e.extra.base));
                    match fs::rename(&from, &to) {
                        Ok(()) => {}
                        Err(err) if err.kind() == io::ErrorKind::NotFound => {
                            missing = true;
                            continue;
                        }
                        Err(err) => return Err(io_err("rename", &from, err)),
                    }
                }
                renamed.push((i, letters));
                plan.changes.push((i, new));
            }
            let modseq = (!plan.changes.is_empty()).then(|| st.bump_modseq());
            for (i, letters) in renamed {
                st.msgs[i].extra.letters = letters;
            }
            let changed: Vec<usize> = plan.changes.iter().map(|c| c.0).collect();
            let result = st.apply_flags(plan, modseq);
            for i in changed {
                push_flags(out, &st.msgs[i]);
            }
            if missing {
                c.force_scan = true;
            }
            Ok(result)
        })
    }

    pub(crate) fn expunge(
        &self,
        expect: UidValidity,
        uids: &UidSet,
        mode: ExpungeMode,
    ) -> Result<UidSet> {
        self.write(Some(expect), |this, c, out| {
            let st = c
                .state
                .as_mut()
                .ok_or(Error::TryAgain { reason: "index" })?;
            let idx = st.plan_expunge(uids, mode);
            if idx.is_empty() {
                return Ok(UidSet::new());
            }
            let cur = this.sub("cur");
            for &i in &idx {
                let p = cur.join(st.msgs[i].extra.file_name());
                match fs::remove_file(&p) {
                    Ok(()) => {}
                    Err(e) if e.kind() == io::ErrorKind::NotFound => c.force_scan = true,
                    Err(e) => return Err(io_err("unlink", &p, e)),
                }
            }
            if this.fsync {
                // An unlink lost in a crash would bring the message back with a new UID.
                sync_dir(&cur)?;
            }
            let modseq = st.bump_modseq();
            let (set, removed) = st.remove(&idx, modseq);
            if let Some(m) = c.by_base.as_mut() {
                for e in &removed {
                    m.remove(&e.extra.base);
                }
            }
            for u in set.iter() {
                push_expunge(out, u, modseq);
            }
            Ok(set)
        })
    }

    /// The sources of a copy: paths and metadata of the messages in `uids`.
    pub(crate) fn sources(&self, expect: UidValidity, uids: &UidSet) -> Result<Vec<Source>> {
        let cur = self.sub("cur");
        self.read(Some(expect), |st| {
            Ok(st
                .indexes(uids)
                .into_iter()
                .map(|i| {
                    let e = &st.msgs[i];
                    Source {
                        uid: e.uid,
                        path: cur.join(e.extra.file_name()),
                        size: e.size,
                        raw_size: e.extra.raw_size,
                        internal_date: e.internal_date,
                        flags: e.flags.clone(),
                    }
                })
                .collect())
        })
    }

    /// A message's bytes, CRLF-normalised, whole or a range.
    pub(crate) fn read_message(
        &self,
        expect: UidValidity,
        uid: Uid,
        range: Option<std::ops::Range<u64>>,
        crlf: bool,
    ) -> Result<Bytes> {
        let locate = |st: &MboxState<FileInfo>| {
            let e = st.get(uid)?;
            Ok((
                self.sub("cur").join(e.extra.file_name()),
                e.size,
                e.extra.raw_size,
            ))
        };
        // Attempt 0 trusts what this process already knows, without looking at the index and
        // the directories again (three system calls per message otherwise); a file name gone
        // stale (flags changed or message removed by another process) is not found, attempt 1
        // refreshes and attempt 2 rescans the directories too.
        for attempt in 0..3 {
            let found = if attempt == 0 {
                let c = lock(&self.cache);
                match c.state.as_ref() {
                    Some(st) if st.uid_validity == expect && !c.force_scan => locate(st).ok(),
                    _ => None,
                }
            } else {
                Some(self.read(Some(expect), locate)?)
            };
            let Some((path, size, raw_size)) = found else {
                continue;
            };
            match read_file(&path, size, raw_size, range.clone(), crlf) {
                Ok(b) => return Ok(b),
                Err(e) if e.kind() == io::ErrorKind::NotFound && attempt == 1 => {
                    // Renamed or removed by another program: look at the directory again.
                    lock(&self.cache).force_scan = true;
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound && attempt == 0 => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    return Err(Error::MessageNotFound { uid });
                }
                Err(e) => return Err(io_err("read", &path, e)),
            }
        }
        Err(Error::MessageNotFound { uid })
    }
}

/// Reads a message file: whole or a range of its CRLF form. Without `crlf` (whole messages
/// only), the bytes as stored.
fn read_file(
    path: &Path,
    size: u64,
    raw_size: u64,
    range: Option<std::ops::Range<u64>>,
    crlf: bool,
) -> io::Result<Bytes> {
    let mut f = File::open(path)?;
    if size == raw_size || (!crlf && range.is_none()) {
        let (start, end) = match &range {
            None => (0, raw_size),
            Some(r) => {
                let s = r.start.min(raw_size);
                (s, r.end.clamp(s, raw_size))
            }
        };
        f.seek(SeekFrom::Start(start))?;
        let mut buf = Vec::with_capacity(usize::try_from(end - start).unwrap_or(0));
        f.take(end - start).read_to_end(&mut buf)?;
        return Ok(Bytes::from(buf));
    }
    // Bare LFs: read in pieces into a small buffer that stays in cache and write the CRLF
    // form straight into the result (one pass over memory instead of two); the index knows
    // the final size.
    let mut out = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    let mut piece = [0u8; 32 * 1024];
    let mut last = 0u8;
    loop {
        let n = match f.read(&mut piece) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        crate::state::crlf_extend(&mut out, &piece[..n], last);
        last = piece[n - 1];
        if range.as_ref().is_some_and(|r| out.len() as u64 >= r.end) {
            break; // the rest is not asked for
        }
    }
    Ok(crate::memory::slice(Bytes::from(out), range))
}

/// Size with CRLF line ends, size on disk and modification time of a message file; `None` if it
/// vanished.
fn measure(path: &Path, base: &str) -> Result<Option<(u64, u64, SystemTime)>> {
    let meta = match fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_err("stat", path, e)),
    };
    let raw = meta.len();
    let mtime = to_seconds(meta.modified().unwrap_or(SystemTime::UNIX_EPOCH));
    let size = match (name_field(base, 'S'), name_field(base, 'W')) {
        (Some(s), Some(w)) if s == raw => w,
        _ => match fs::read(path) {
            Ok(data) => raw + bare_lf_count(&data),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io_err("read", path, e)),
        },
    };
    Ok(Some((size, raw, mtime)))
}

/// The names of the regular entries of a directory, skipping dot files and names that are not
/// UTF-8.
fn list_names(dir: &Path) -> Result<Vec<String>> {
    let rd = fs::read_dir(dir).map_err(|e| io_err("read directory", dir, e))?;
    let mut out = Vec::new();
    for ent in rd {
        let ent = ent.map_err(|e| io_err("read directory", dir, e))?;
        let Ok(name) = ent.file_name().into_string() else {
            continue;
        };
        if name.starts_with('.') {
            continue;
        }
        out.push(name);
    }
    Ok(out)
}

fn memchr_last_newline(buf: &[u8]) -> Option<usize> {
    buf.iter().rposition(|&b| b == b'\n')
}

/// One piece of a [`delivery_key`]: a run of digits as a number, or any other byte.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum NamePart<'a> {
    /// A run of digits without leading zeros: shorter is smaller, then byte order.
    Number(usize, &'a [u8]),
    /// Any other byte.
    Byte(u8),
}

/// A sort key ordering Maildir base names by delivery, as far as the name tells it.
///
/// Names start `<seconds>.` and usually carry unpadded counters after that (`M<usec>`,
/// `Q<n>`, `P<pid>`; maildir(5), Dovecot's and qmail's conventions), so a plain byte order
/// puts `M999232` before `M76`. Runs of digits compare as numbers here; the whole name breaks
/// ties (`007` vs `7`). Being a derived `Ord` on a key, the order is total by construction.
fn delivery_key(name: &str) -> (Vec<NamePart<'_>>, &str) {
    let b = name.as_bytes();
    let mut parts = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() {
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            let digits = &b[start..i];
            let zeros = digits.iter().take_while(|&&c| c == b'0').count();
            let n = &digits[zeros..];
            parts.push(NamePart::Number(n.len(), n));
        } else {
            parts.push(NamePart::Byte(b[i]));
            i += 1;
        }
    }
    (parts, name)
}

fn delivery_order(a: &str, b: &str) -> std::cmp::Ordering {
    delivery_key(a).cmp(&delivery_key(b))
}

#[cfg(test)]
mod order_tests {
    use super::delivery_order;
    use std::cmp::Ordering::*;

    #[test]
    fn counters_compare_as_numbers() {
        // The failing CI case: microseconds of different widths in one second.
        assert_eq!(
            delivery_order("1795329310.M76P27539Q8.vm", "1795329310.M1507P27539Q10.vm"),
            Less
        );
        assert_eq!(
            delivery_order("1795329309.M999232P1Q6.vm", "1795329310.M76P1Q8.vm"),
            Less
        );
        assert_eq!(delivery_order("1.M5P1Q9.h", "1.M5P1Q10.h"), Less);
        assert_eq!(delivery_order("a", "b"), Less);
        assert_eq!(delivery_order("1.x", "1.x"), Equal);
        assert_eq!(delivery_order("1.x", "1.xy"), Less);
        assert_eq!(delivery_order("1.x9", "1.x10"), Less);
        // Equal as numbers, different bytes: still a total order.
        assert_eq!(delivery_order("07.h", "7.h"), Less);
        assert_eq!(delivery_order("7.h", "07.h"), Greater);
    }
}
