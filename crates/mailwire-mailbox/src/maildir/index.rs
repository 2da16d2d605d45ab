//! The per-mailbox index file `mailwire-index`: UIDVALIDITY, UIDs, modification sequences and
//! keywords of a Maildir mailbox, as an append-only log of text records.
//!
//! ```text
//! mailwire-index 1 <uidvalidity>
//! + <uid> <modseq> <size> <raw-size> <internal-date> <save-date> <letters> <base> [keyword...]
//! = <uid> <modseq> <letters> [keyword...]               flags changed
//! - <uid> <modseq>                                      expunged
//! d <cur-mtime> <cur-checked> <new-mtime> <new-checked> directory stamps (nanoseconds)
//! c <uidnext> <highestmodseq> <expunge-floor>          counters (in a rewritten index)
//! ```
//!
//! `base` is the file name before `:2,`, `letters` the Maildir flag letters after it (`-` when
//! there are none); both are percent-encoded where they hold spaces, `%` or control characters.
//! `size` is the message size with CRLF line ends, `raw-size` the file's size. Dates are Unix
//! seconds. Writers append whole records under the mailbox lock and a reader uses only complete
//! lines, so a torn last line (a crash in the middle of a write) is ignored and cut off by the
//! next writer. The file is rewritten atomically (temporary file and rename) when the log grows
//! much longer than the mailbox.

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::state::{Entry, MboxState, from_unix_seconds, unix_seconds};
use crate::types::{Flags, Keyword, ModSeq, Uid, UidSet, UidValidity, UniqueId};

/// The index file's name.
pub(crate) const INDEX: &str = "mailwire-index";
const MAGIC: &str = "mailwire-index 1 ";

/// What the store keeps per message besides the common metadata.
#[derive(Clone, Debug)]
pub(crate) struct FileInfo {
    /// The file name before `:2,`.
    pub(crate) base: Box<str>,
    /// The flag letters after `:2,`, sorted.
    pub(crate) letters: Box<str>,
    /// The file's size on disk (differs from the entry's size when lines end in bare LF).
    pub(crate) raw_size: u64,
}

impl FileInfo {
    /// The file's current name in `cur/`.
    pub(crate) fn file_name(&self) -> String {
        format!("{}:2,{}", self.base, self.letters)
    }
}

/// When a directory was last known to match the index.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub(crate) struct DirStamp {
    pub(crate) mtime: u64,
    pub(crate) checked: u64,
}

/// The Maildir flag letter of each system flag (Maildir spec "info" semantics).
pub(crate) const LETTERS: [(crate::SystemFlag, char); 5] = [
    (crate::SystemFlag::Draft, 'D'),
    (crate::SystemFlag::Flagged, 'F'),
    (crate::SystemFlag::Answered, 'R'),
    (crate::SystemFlag::Seen, 'S'),
    (crate::SystemFlag::Deleted, 'T'),
];

/// The system flags the letters stand for, with `keywords`.
pub(crate) fn flags_from(letters: &str, keywords: &[Keyword]) -> Flags {
    let mut f: Flags = keywords.iter().cloned().collect();
    for (flag, l) in LETTERS {
        if letters.contains(l) {
            f.insert(flag);
        }
    }
    f
}

/// The letters for `flags`, keeping letters of `old` that stand for no system flag (such as
/// `P`, passed, or Dovecot's keyword letters), sorted as the Maildir spec asks.
pub(crate) fn letters_for(flags: &Flags, old: &str) -> Box<str> {
    let mut v: Vec<char> = old
        .chars()
        .filter(|c| !LETTERS.iter().any(|(_, l)| l == c))
        .collect();
    for (flag, l) in LETTERS {
        if flags.has(flag) {
            v.push(l);
        }
    }
    v.sort_unstable();
    v.dedup();
    v.into_iter().collect::<String>().into_boxed_str()
}

pub(crate) fn encode_field(s: &str, out: &mut String) {
    if s.is_empty() {
        out.push('-');
        return;
    }
    if s == "-" {
        out.push_str("%2D");
        return;
    }
    for c in s.chars() {
        if c == '%' || c.is_whitespace() || c.is_control() {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                let _ = write!(out, "%{b:02X}");
            }
        } else {
            out.push(c);
        }
    }
}

pub(crate) fn decode_field(s: &str) -> Option<String> {
    if s == "-" {
        return Some(String::new());
    }
    percent_decode(s)
}

/// Decodes `%XX` escapes; `None` for a bad escape or bytes that are not UTF-8.
pub(crate) fn percent_decode(s: &str) -> Option<String> {
    if !s.contains('%') {
        return Some(s.to_owned());
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The header line of a new index.
pub(crate) fn header(v: UidValidity) -> String {
    format!("{MAGIC}{v}\n")
}

/// Reads the UIDVALIDITY from a header line.
pub(crate) fn parse_header(line: &str) -> Option<UidValidity> {
    line.strip_prefix(MAGIC)?
        .trim_end()
        .parse()
        .ok()
        .and_then(UidValidity::new)
}

pub(crate) fn push_add(out: &mut String, e: &Entry<FileInfo>) {
    let _ = write!(
        out,
        "+ {} {} {} {} {} {} ",
        e.uid,
        e.modseq,
        e.size,
        e.extra.raw_size,
        unix_seconds(e.internal_date),
        unix_seconds(e.save_date)
    );
    encode_field(&e.extra.letters, out);
    out.push(' ');
    encode_field(&e.extra.base, out);
    push_keywords(out, &e.flags);
    out.push('\n');
}

pub(crate) fn push_flags(out: &mut String, e: &Entry<FileInfo>) {
    let _ = write!(out, "= {} {} ", e.uid, e.modseq);
    encode_field(&e.extra.letters, out);
    push_keywords(out, &e.flags);
    out.push('\n');
}

fn push_keywords(out: &mut String, flags: &Flags) {
    for k in flags.keywords() {
        out.push(' ');
        out.push_str(k.as_str());
    }
}

pub(crate) fn push_expunge(out: &mut String, uid: Uid, modseq: ModSeq) {
    let _ = writeln!(out, "- {uid} {modseq}");
}

pub(crate) fn push_stamps(out: &mut String, cur: DirStamp, new: DirStamp) {
    let _ = writeln!(
        out,
        "d {} {} {} {}",
        cur.mtime, cur.checked, new.mtime, new.checked
    );
}

/// The whole index for a state: what a rewrite writes.
pub(crate) fn render(st: &MboxState<FileInfo>, cur: DirStamp, new: DirStamp) -> String {
    let mut out = String::with_capacity(64 + st.msgs.len() * 96);
    out.push_str(&header(st.uid_validity));
    // Messages first (their UIDs must ascend from 1), then the counters, then the expunges
    // (which may name UIDs above the last message).
    for e in &st.msgs {
        push_add(&mut out, e);
    }
    let _ = writeln!(
        out,
        "c {} {} {}",
        st.uid_next, st.highest_modseq, st.tomb_floor
    );
    for (u, m) in &st.tombstones {
        push_expunge(&mut out, *u, *m);
    }
    push_stamps(&mut out, cur, new);
    out
}

/// Applies index records to a state. Consecutive expunges are applied in one pass.
pub(crate) struct Replayer<'a> {
    pub(crate) st: &'a mut MboxState<FileInfo>,
    pub(crate) by_base: Option<&'a mut HashMap<Box<str>, Uid>>,
    pub(crate) stamps: &'a mut (DirStamp, DirStamp),
    pending: Vec<(Uid, ModSeq)>,
}

/// A record the replayer refused: the index is damaged.
#[derive(Debug)]
pub(crate) struct Damaged;

fn num<T: std::str::FromStr>(s: Option<&str>) -> Result<T, Damaged> {
    s.ok_or(Damaged)?.parse().map_err(|_| Damaged)
}

fn keywords<'x>(it: impl Iterator<Item = &'x str>) -> Result<Vec<Keyword>, Damaged> {
    it.map(|k| Keyword::new(k).map_err(|_| Damaged)).collect()
}

impl<'a> Replayer<'a> {
    pub(crate) fn new(
        st: &'a mut MboxState<FileInfo>,
        by_base: Option<&'a mut HashMap<Box<str>, Uid>>,
        stamps: &'a mut (DirStamp, DirStamp),
    ) -> Self {
        Replayer {
            st,
            by_base,
            stamps,
            pending: Vec::new(),
        }
    }

    /// Applies one complete line (without its `\n`).
    pub(crate) fn line(&mut self, line: &str) -> Result<(), Damaged> {
        let mut f = line.split(' ');
        let kind = f.next().ok_or(Damaged)?;
        if kind != "-" {
            self.flush();
        }
        match kind {
            "+" => {
                let uid = Uid::new(num(f.next())?).ok_or(Damaged)?;
                if u64::from(uid.get()) < self.st.uid_next {
                    return Err(Damaged);
                }
                let modseq = ModSeq::new(num(f.next())?).ok_or(Damaged)?;
                let size: u64 = num(f.next())?;
                let raw_size: u64 = num(f.next())?;
                let idate = from_unix_seconds(num(f.next())?);
                let sdate = from_unix_seconds(num(f.next())?);
                let letters = decode_field(f.next().ok_or(Damaged)?).ok_or(Damaged)?;
                let base = decode_field(f.next().ok_or(Damaged)?).ok_or(Damaged)?;
                if base.is_empty() {
                    return Err(Damaged);
                }
                let kws = keywords(f)?;
                let flags = flags_from(&letters, &kws);
                if let Some(map) = self.by_base.as_deref_mut() {
                    map.insert(base.clone().into_boxed_str(), uid);
                }
                self.st.push(Entry {
                    uid,
                    modseq,
                    size,
                    internal_date: idate,
                    save_date: sdate,
                    flags,
                    unique_id: UniqueId::derive(&base),
                    extra: FileInfo {
                        base: base.into_boxed_str(),
                        letters: letters.into_boxed_str(),
                        raw_size,
                    },
                });
            }
            "=" => {
                let uid = Uid::new(num(f.next())?).ok_or(Damaged)?;
                let modseq = ModSeq::new(num(f.next())?).ok_or(Damaged)?;
                let letters = decode_field(f.next().ok_or(Damaged)?).ok_or(Damaged)?;
                let kws = keywords(f)?;
                let i = self.st.index_of(uid).ok_or(Damaged)?;
                let e = &mut self.st.msgs[i];
                e.flags = flags_from(&letters, &kws);
                e.extra.letters = letters.into_boxed_str();
                e.modseq = modseq;
                self.st.highest_modseq = self.st.highest_modseq.max(modseq);
            }
            "-" => {
                let uid = Uid::new(num(f.next())?).ok_or(Damaged)?;
                let modseq = ModSeq::new(num(f.next())?).ok_or(Damaged)?;
                if u64::from(uid.get()) >= self.st.uid_next {
                    return Err(Damaged);
                }
                if self.pending.last().is_some_and(|p| p.1 != modseq) {
                    self.flush();
                }
                self.pending.push((uid, modseq));
            }
            "d" => {
                let cur = DirStamp {
                    mtime: num(f.next())?,
                    checked: num(f.next())?,
                };
                let new = DirStamp {
                    mtime: num(f.next())?,
                    checked: num(f.next())?,
                };
                *self.stamps = (cur, new);
            }
            "c" => {
                let next: u64 = num(f.next())?;
                let high = ModSeq::new(num(f.next())?).ok_or(Damaged)?;
                let floor: u64 = num(f.next())?;
                if next == 0 || next > u64::from(u32::MAX) + 1 {
                    return Err(Damaged);
                }
                self.st.uid_next = self.st.uid_next.max(next);
                self.st.highest_modseq = self.st.highest_modseq.max(high);
                self.st.tomb_floor = self.st.tomb_floor.max(floor);
            }
            _ => return Err(Damaged),
        }
        Ok(())
    }

    /// Applies pending expunges; call after the last line.
    pub(crate) fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let pending = std::mem::take(&mut self.pending);
        let mut groups: Vec<(ModSeq, UidSet)> = Vec::new();
        for (u, m) in pending {
            match groups.last_mut() {
                Some((gm, set)) if *gm == m => set.insert(u),
                _ => groups.push((m, UidSet::single(u))),
            }
        }
        for (m, set) in groups {
            let idx = self.st.indexes(&set);
            let present: Vec<Uid> = idx.iter().map(|&i| self.st.msgs[i].uid).collect();
            let (_, removed) = self.st.remove(&idx, m);
            if let Some(map) = self.by_base.as_deref_mut() {
                for e in &removed {
                    map.remove(&e.extra.base);
                }
            }
            // Expunges of UIDs no longer present (a rewritten log's tombstones) are remembered.
            for u in set.iter() {
                if present.binary_search(&u).is_err() {
                    self.st.tombstones.push((u, m));
                }
            }
            self.st.highest_modseq = self.st.highest_modseq.max(m);
        }
        // The log is in modification-sequence order, so the tombstones stay sorted.
        self.st.trim_tombstones();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SystemFlag;

    #[test]
    fn fields_round_trip() {
        for s in ["", "-", "a b", "100%", "x\ty", "plain.name,S=12"] {
            let mut out = String::new();
            encode_field(s, &mut out);
            assert!(!out.contains(' ') && !out.is_empty(), "{out:?}");
            assert_eq!(decode_field(&out).as_deref(), Some(s));
        }
        assert_eq!(decode_field("%zz"), None);
    }

    #[test]
    fn letters_keep_unknown_ones_sorted() {
        let f: Flags = [SystemFlag::Seen, SystemFlag::Draft].into_iter().collect();
        assert_eq!(&*letters_for(&f, "Pa"), "DPSa");
        assert_eq!(flags_from("DPSa", &[]), f);
        assert_eq!(&*letters_for(&Flags::new(), "ST"), "");
    }

    #[test]
    fn replay_and_render_agree() {
        let v = UidValidity::new(7).unwrap();
        let mut st = MboxState::new(v);
        let mut stamps = (DirStamp::default(), DirStamp::default());
        let text =
            "+ 1 2 10 9 100 200 S a%20b $Junk\n+ 3 3 5 5 1 1 - c\n= 1 4 RS\n- 3 5\nd 1 2 3 4\n";
        let mut r = Replayer::new(&mut st, None, &mut stamps);
        for l in text.lines() {
            r.line(l).unwrap();
        }
        r.flush();
        assert_eq!(st.msgs.len(), 1);
        assert_eq!(&*st.msgs[0].extra.base, "a b");
        assert!(st.msgs[0].flags.has(SystemFlag::Answered));
        assert!(st.msgs[0].flags.keywords().is_empty());
        assert_eq!(st.uid_next, 4);
        assert_eq!(st.highest_modseq.get(), 5);
        assert_eq!(stamps.1.checked, 4);
        // A rewrite replays to the same state.
        let out = render(&st, stamps.0, stamps.1);
        let mut lines = out.lines();
        assert_eq!(parse_header(lines.next().unwrap()), Some(v));
        let mut st2 = MboxState::new(v);
        let mut r = Replayer::new(&mut st2, None, &mut stamps);
        for l in lines {
            r.line(l).unwrap();
        }
        r.flush();
        assert_eq!(st2.uid_next, st.uid_next);
        assert_eq!(st2.highest_modseq, st.highest_modseq);
        assert_eq!(st2.tombstones, st.tombstones);
        assert_eq!(st2.msgs[0].extra.letters, st.msgs[0].extra.letters);
    }

    #[test]
    fn damage_is_detected() {
        let v = UidValidity::new(7).unwrap();
        for bad in [
            "+ 1 2 10 9 100 200 S",
            "+ 0 2 10 9 100 200 S a",
            "= 9 2 S",
            "- 5 2",
            "x",
            "+ 1 2 10 9 100 200 S a bad]kw",
        ] {
            let mut st = MboxState::new(v);
            let mut stamps = Default::default();
            let mut r = Replayer::new(&mut st, None, &mut stamps);
            assert!(r.line(bad).is_err(), "{bad}");
        }
        // UIDs must ascend.
        let mut st = MboxState::new(v);
        let mut stamps = Default::default();
        let mut r = Replayer::new(&mut st, None, &mut stamps);
        r.line("+ 5 2 1 1 0 0 - a").unwrap();
        assert!(r.line("+ 5 3 1 1 0 0 - b").is_err());
    }
}
