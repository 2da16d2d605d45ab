//! The selected mailbox as one session sees it (RFC 9051 §2.3.1.2, §7.4.1, §7.5.1; RFC 7162
//! §3.2.10): the message sequence numbers this session handed out, and the changes other
//! sessions made that it has not told its client about yet.
//!
//! The store is UID-addressed and shared; sequence numbers are per session. A message expunged
//! by another session keeps its sequence number here until the session may announce the
//! expunge (never while a FETCH, STORE, SEARCH, SORT or THREAD by sequence number is answered,
//! RFC 9051 §7.5.1, RFC 5256 §4); new messages get numbers at once (`EXISTS` may be sent at any
//! time, §7.4.1).
//!
//! The sequence map is kept as runs of consecutive UIDs, so a mailbox of 10,000 messages with
//! few expunges costs a few bytes per selected session, not 4 bytes per message.

use std::num::NonZeroU32;

use mailwire_imap::types::{SeqOrUid, Sequence, SequenceSet, Vec1};
use mailwire_mailbox::{Flags, ModSeq, Uid, UidSet, UidValidity};

/// Consecutive UIDs with consecutive sequence numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Run {
    /// The sequence number of the first message.
    seq: u32,
    /// The UID of the first message.
    uid: u32,
    /// How many messages.
    len: u32,
}

/// Message sequence numbers to UIDs (RFC 9051 §2.3.1.2), as runs of consecutive UIDs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct SeqMap {
    runs: Vec<Run>,
    len: u32,
}

impl SeqMap {
    /// The map of `uids`, which must ascend.
    pub(crate) fn from_uids(uids: impl IntoIterator<Item = Uid>) -> SeqMap {
        let mut m = SeqMap::default();
        for u in uids {
            m.push(u);
        }
        m
    }

    /// How many messages (the last `EXISTS`).
    pub(crate) fn len(&self) -> u32 {
        self.len
    }

    /// Adds a message with a UID above every UID in the map; its sequence number is the new
    /// length. UIDs not above the last are ignored.
    pub(crate) fn push(&mut self, uid: Uid) {
        let u = uid.get();
        if let Some(last) = self.runs.last_mut() {
            let end = last.uid + last.len; // one past the last UID
            if u < end {
                return;
            }
            if u == end {
                last.len += 1;
                self.len += 1;
                return;
            }
        }
        self.len += 1;
        self.runs.push(Run {
            seq: self.len,
            uid: u,
            len: 1,
        });
    }

    /// The UID of sequence number `seq`.
    pub(crate) fn uid(&self, seq: u32) -> Option<Uid> {
        if seq == 0 || seq > self.len {
            return None;
        }
        let i = self.runs.partition_point(|r| r.seq + r.len <= seq);
        let r = self.runs.get(i)?;
        Uid::new(r.uid + (seq - r.seq))
    }

    /// The sequence number of `uid`, if the map holds it.
    pub(crate) fn seq(&self, uid: Uid) -> Option<u32> {
        let u = uid.get();
        let i = self.runs.partition_point(|r| r.uid + r.len <= u);
        let r = self.runs.get(i)?;
        (r.uid <= u).then(|| r.seq + (u - r.uid))
    }

    /// The largest UID.
    pub(crate) fn last_uid(&self) -> Option<Uid> {
        self.runs.last().and_then(|r| Uid::new(r.uid + r.len - 1))
    }

    /// Every `(sequence number, UID)`, ascending.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (u32, Uid)> + '_ {
        self.runs
            .iter()
            .flat_map(|r| (0..r.len).filter_map(move |k| Some((r.seq + k, Uid::new(r.uid + k)?))))
    }

    /// The UIDs as a set.
    pub(crate) fn uid_set(&self) -> UidSet {
        let mut s = UidSet::new();
        for r in &self.runs {
            if let (Some(a), Some(b)) = (Uid::new(r.uid), Uid::new(r.uid + r.len - 1)) {
                s.insert_range(a, b);
            }
        }
        s
    }

    /// `(sequence number, UID)` of the messages whose UID is in `uids`, ascending.
    pub(crate) fn select_uids(&self, uids: &UidSet) -> Vec<(u32, Uid)> {
        let mut out = Vec::new();
        for (a, b) in uids.ranges() {
            let (a, b) = (a.get(), b.get());
            let start = self.runs.partition_point(|r| r.uid + r.len <= a);
            for r in &self.runs[start..] {
                if r.uid > b {
                    break;
                }
                let lo = a.max(r.uid);
                let hi = b.min(r.uid + r.len - 1);
                for u in lo..=hi {
                    if let Some(uid) = Uid::new(u) {
                        out.push((r.seq + (u - r.uid), uid));
                    }
                }
            }
        }
        out
    }

    /// Removes the messages whose UID is in `uids` and returns their sequence numbers as they
    /// were, ascending.
    pub(crate) fn remove(&mut self, uids: &UidSet) -> Vec<u32> {
        let gone: Vec<u32> = self.select_uids(uids).into_iter().map(|(s, _)| s).collect();
        if gone.is_empty() {
            return gone;
        }
        let old = std::mem::take(&mut self.runs);
        self.len = 0;
        for r in old {
            let mut k = 0;
            while k < r.len {
                let u = r.uid + k;
                // Skip the removed stretch, then keep the next kept stretch whole.
                let removed = Uid::new(u).is_some_and(|x| uids.contains(x));
                if removed {
                    k += 1;
                    continue;
                }
                let mut end = k + 1;
                while end < r.len && !Uid::new(r.uid + end).is_some_and(|x| uids.contains(x)) {
                    end += 1;
                }
                self.runs.push(Run {
                    seq: self.len + 1,
                    uid: u,
                    len: end - k,
                });
                self.len += end - k;
                k = end;
            }
        }
        gone
    }
}

/// Why a sequence set cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub(crate) enum SetError {
    /// A message sequence number above the number of messages, or `*` in an empty mailbox
    /// (RFC 9051 §9 note on `seq-number`: answer `BAD`).
    #[error("invalid message sequence number {0}")]
    OutOfRange(u32),
}

/// Which messages a sequence set names: `(sequence number, UID)` ascending, without duplicates.
///
/// By sequence number (`uid == false`): `*` is the number of messages, and a number above it is
/// an error. By UID: `*` is the largest UID in use and UIDs that do not exist are skipped
/// (RFC 9051 §6.4.8). `$` is `saved` (RFC 5182 §2.1), the UIDs saved by `SEARCH RETURN (SAVE)`.
pub(crate) fn resolve(
    map: &SeqMap,
    set: &SequenceSet,
    uid: bool,
    saved: Option<&UidSet>,
) -> Result<Vec<(u32, Uid)>, SetError> {
    let items = match set {
        SequenceSet::LastResult => {
            return Ok(saved.map(|s| map.select_uids(s)).unwrap_or_default());
        }
        SequenceSet::Set(items) => items,
    };
    if uid {
        let largest = map.last_uid().map_or(0, Uid::get);
        let mut uids = UidSet::new();
        for s in items.iter() {
            let (a, b) = match *s {
                Sequence::Single(v) => (v.resolve(largest), v.resolve(largest)),
                Sequence::Range(a, b) => (a.resolve(largest), b.resolve(largest)),
            };
            // `*` in an empty mailbox resolves to 0 and names nothing.
            let (a, b) = (a.max(1), b.max(1));
            if let (Some(a), Some(b)) = (Uid::new(a), Uid::new(b)) {
                uids.insert_range(a, b);
            }
        }
        return Ok(map.select_uids(&uids));
    }
    let n = map.len();
    let mut seqs = UidSet::new(); // sequence numbers, kept as ranges
    for s in items.iter() {
        let (a, b) = match *s {
            Sequence::Single(v) => (v.resolve(n), v.resolve(n)),
            Sequence::Range(a, b) => (a.resolve(n), b.resolve(n)),
        };
        for v in [a, b] {
            if v == 0 || v > n {
                return Err(SetError::OutOfRange(v));
            }
        }
        if let (Some(a), Some(b)) = (Uid::new(a), Uid::new(b)) {
            seqs.insert_range(a, b);
        }
    }
    let mut out = Vec::new();
    for (a, b) in seqs.ranges() {
        for s in a.get()..=b.get() {
            if let Some(u) = map.uid(s) {
                out.push((s, u));
            }
        }
    }
    Ok(out)
}

/// The UIDs a UID set names, existing or not, with `*` standing for `largest` (RFC 7162
/// `known-uids` and the range of `UID FETCH ... (VANISHED)`); `$` names nothing.
pub(crate) fn uid_set_of(set: &SequenceSet, largest: u32) -> UidSet {
    let mut out = UidSet::new();
    if let SequenceSet::Set(items) = set {
        for s in items.iter() {
            let (a, b) = match *s {
                Sequence::Single(v) => (v, v),
                Sequence::Range(a, b) => (a, b),
            };
            let (a, b) = (a.resolve(largest).max(1), b.resolve(largest).max(1));
            if let (Some(a), Some(b)) = (Uid::new(a), Uid::new(b)) {
                out.insert_range(a, b);
            }
        }
    }
    out
}

/// Ascending numbers as a compact sequence set (`1:3,7`); `None` when empty.
pub(crate) fn to_sequence_set(numbers: impl IntoIterator<Item = u32>) -> Option<SequenceSet> {
    let mut items: Vec<Sequence> = Vec::new();
    let mut run: Option<(u32, u32)> = None;
    let flush = |items: &mut Vec<Sequence>, (a, b): (u32, u32)| {
        let (Some(a), Some(b)) = (NonZeroU32::new(a), NonZeroU32::new(b)) else {
            return;
        };
        items.push(if a == b {
            Sequence::Single(SeqOrUid::Value(a))
        } else {
            Sequence::Range(SeqOrUid::Value(a), SeqOrUid::Value(b))
        });
    };
    for n in numbers {
        run = match run {
            Some((a, b)) if n == b.wrapping_add(1) => Some((a, n)),
            Some(r) => {
                flush(&mut items, r);
                Some((n, n))
            }
            None => Some((n, n)),
        };
    }
    if let Some(r) = run {
        flush(&mut items, r);
    }
    Vec1::try_from(items).ok().map(SequenceSet::Set)
}

/// A UID set as a sequence set; `None` when empty.
pub(crate) fn uid_sequence_set(uids: &UidSet) -> Option<SequenceSet> {
    let items: Vec<Sequence> = uids
        .ranges()
        .filter_map(|(a, b)| {
            let (a, b) = (NonZeroU32::new(a.get())?, NonZeroU32::new(b.get())?);
            Some(if a == b {
                Sequence::Single(SeqOrUid::Value(a))
            } else {
                Sequence::Range(SeqOrUid::Value(a), SeqOrUid::Value(b))
            })
        })
        .collect();
    Vec1::try_from(items).ok().map(SequenceSet::Set)
}

/// A message whose flags another session (or a store call of this one) changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FlagChange {
    /// Its sequence number.
    pub(crate) seq: u32,
    /// Its UID.
    pub(crate) uid: Uid,
    /// Its flags now.
    pub(crate) flags: Flags,
    /// Its modification sequence now.
    pub(crate) modseq: ModSeq,
}

/// A message the store reports added or changed (from `Mailbox::changes_since`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Changed {
    /// Its UID.
    pub(crate) uid: Uid,
    /// Its flags.
    pub(crate) flags: Flags,
    /// Its modification sequence.
    pub(crate) modseq: ModSeq,
}

/// What a [`View::apply`] found to tell the client.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Update {
    /// Expunged messages announced now: their sequence numbers as they were, ascending, and
    /// their UIDs.
    pub(crate) expunged_seqs: Vec<u32>,
    /// The UIDs of the messages announced as expunged.
    pub(crate) expunged_uids: UidSet,
    /// The new number of messages when new messages arrived (`EXISTS`).
    pub(crate) exists: Option<u32>,
    /// How many of the messages are `\Recent` for this session, when that changed.
    pub(crate) recent: Option<u32>,
    /// Messages whose flags changed.
    pub(crate) flags: Vec<FlagChange>,
}

impl Update {
    /// Whether there is nothing to say.
    pub(crate) fn is_empty(&self) -> bool {
        self.expunged_seqs.is_empty()
            && self.exists.is_none()
            && self.recent.is_none()
            && self.flags.is_empty()
    }
}

/// The selected mailbox as this session sees it.
#[derive(Debug)]
pub(crate) struct View {
    /// Sequence numbers the client knows.
    pub(crate) map: SeqMap,
    /// The UIDVALIDITY at SELECT.
    pub(crate) uid_validity: UidValidity,
    /// The store's HIGHESTMODSEQ as of the last look.
    pub(crate) modseq: ModSeq,
    /// Messages expunged in the store whose expunge the client has not been told.
    pending_expunge: UidSet,
    /// Flag changes this session reported itself (STORE, implicit `\Seen`): `(UID, modseq)`,
    /// ascending, skipped once when the store reports them back.
    own: Vec<(Uid, ModSeq)>,
    /// Messages with a UID at least this are `\Recent` in this session (RFC 3501 §2.3.2): those
    /// that arrived while it had the mailbox selected.
    recent_from: Uid,
    /// The number of `\Recent` messages last announced.
    recent_count: u32,
    /// The result saved by `SEARCH RETURN (SAVE)` (RFC 5182), as UIDs.
    pub(crate) saved: Option<UidSet>,
}

impl View {
    /// The view right after SELECT: the messages, the status's UIDNEXT and HIGHESTMODSEQ.
    pub(crate) fn new(
        map: SeqMap,
        uid_validity: UidValidity,
        uid_next: Uid,
        modseq: ModSeq,
    ) -> View {
        View {
            map,
            uid_validity,
            modseq,
            pending_expunge: UidSet::new(),
            own: Vec::new(),
            recent_from: uid_next,
            recent_count: 0,
            saved: None,
        }
    }

    /// Whether `uid` is `\Recent` in this session.
    pub(crate) fn is_recent(&self, uid: Uid) -> bool {
        uid >= self.recent_from
    }

    /// How many messages are `\Recent` in this session.
    pub(crate) fn recent_count(&self) -> u32 {
        match self.map.seq(self.recent_from) {
            Some(s) => self.map.len() - s + 1,
            None => self
                .map
                .iter()
                .filter(|(_, u)| *u >= self.recent_from)
                .count() as u32,
        }
    }

    /// Whether `uid` was expunged by someone else and the client has not been told.
    #[cfg(test)]
    pub(crate) fn is_expunged(&self, uid: Uid) -> bool {
        self.pending_expunge.contains(uid)
    }

    /// Remembers flag changes this session reports itself, so that the store's echo of them
    /// is not reported again.
    pub(crate) fn note_own(&mut self, changes: impl IntoIterator<Item = (Uid, ModSeq)>) {
        self.own.extend(changes);
        self.own.sort_unstable();
        self.own.dedup();
    }

    /// Takes in what the store reports changed since [`View::modseq`] (`changed` ascending by
    /// UID, as `Mailbox::changes_since` gives it). With `announce_expunges`, expunges (from
    /// `expunged` and ones held back earlier) are announced and their messages leave the map;
    /// otherwise they are held back. New messages and flag changes are always reported.
    pub(crate) fn apply(
        &mut self,
        changed: impl IntoIterator<Item = Changed>,
        expunged: &UidSet,
        highest_modseq: ModSeq,
        announce_expunges: bool,
    ) -> Update {
        let mut up = Update::default();
        // Expunges of messages the client knows.
        for (a, b) in expunged.ranges() {
            for (_, u) in self.map.select_uids(&UidSet::range(a, b)) {
                self.pending_expunge.insert(u);
            }
        }
        // New messages and flag changes.
        let last = self.map.last_uid();
        let before = self.map.len();
        let own = std::mem::take(&mut self.own);
        for m in changed {
            if last.is_none_or(|l| m.uid > l) {
                self.map.push(m.uid);
                continue;
            }
            if own.binary_search(&(m.uid, m.modseq)).is_ok() {
                continue;
            }
            if let Some(seq) = self.map.seq(m.uid) {
                if !self.pending_expunge.contains(m.uid) {
                    up.flags.push(FlagChange {
                        seq,
                        uid: m.uid,
                        flags: m.flags,
                        modseq: m.modseq,
                    });
                }
            }
        }
        if highest_modseq > self.modseq {
            self.modseq = highest_modseq;
        }
        if announce_expunges && !self.pending_expunge.is_empty() {
            let gone = std::mem::take(&mut self.pending_expunge);
            let seqs = self.map.remove(&gone);
            // Flag changes reported in the same breath use the numbers after the expunges.
            for f in &mut up.flags {
                f.seq -= seqs.partition_point(|&s| s < f.seq) as u32;
            }
            up.expunged_uids = gone;
            up.expunged_seqs = seqs;
        }
        if self.map.len() != before || !up.expunged_seqs.is_empty() {
            if self.map.len() > before - up.expunged_seqs.len() as u32 {
                up.exists = Some(self.map.len());
            }
            let recent = self.recent_count();
            if recent != self.recent_count {
                self.recent_count = recent;
                up.recent = Some(recent);
            }
        }
        if let Some(saved) = &mut self.saved {
            if !up.expunged_uids.is_empty() {
                let mut kept = UidSet::new();
                for u in saved.iter().filter(|u| !up.expunged_uids.contains(*u)) {
                    kept.insert(u);
                }
                *saved = kept;
            }
        }
        up
    }

    /// Takes out every held-back expunge without announcing it (CLOSE, RFC 9051 §6.4.1).
    pub(crate) fn forget_expunges(&mut self) {
        self.pending_expunge = UidSet::new();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uid(n: u32) -> Uid {
        Uid::new(n).unwrap()
    }

    fn set(uids: &[u32]) -> UidSet {
        uids.iter().map(|&n| uid(n)).collect()
    }

    #[test]
    fn runs_map_both_ways() {
        let m = SeqMap::from_uids([1, 2, 3, 7, 8, 20].map(uid));
        assert_eq!(m.len(), 6);
        assert_eq!(m.runs.len(), 3);
        assert_eq!(m.uid(4), Some(uid(7)));
        assert_eq!(m.uid(6), Some(uid(20)));
        assert_eq!(m.uid(7), None);
        assert_eq!(m.uid(0), None);
        assert_eq!(m.seq(uid(8)), Some(5));
        assert_eq!(m.seq(uid(9)), None);
        assert_eq!(m.seq(uid(4)), None);
        assert_eq!(m.last_uid(), Some(uid(20)));
        assert_eq!(
            m.iter().collect::<Vec<_>>(),
            [(1, 1), (2, 2), (3, 3), (4, 7), (5, 8), (6, 20)].map(|(s, u)| (s, uid(u)))
        );
        assert_eq!(m.uid_set().to_string(), "1:3,7:8,20");
    }

    #[test]
    fn remove_renumbers() {
        let mut m = SeqMap::from_uids((1..=10).map(uid));
        assert_eq!(m.remove(&set(&[2, 3, 9, 42])), vec![2, 3, 9]);
        assert_eq!(m.len(), 7);
        assert_eq!(m.uid(2), Some(uid(4)));
        assert_eq!(m.uid(7), Some(uid(10)));
        assert_eq!(m.seq(uid(10)), Some(7));
        assert_eq!(m.uid_set().to_string(), "1,4:8,10");
        assert!(m.remove(&set(&[99])).is_empty());
    }

    #[test]
    fn resolve_sequence_numbers_and_uids() {
        let m = SeqMap::from_uids([3, 5, 6, 9].map(uid));
        let seqset = |t: &str| {
            let line = format!("a FETCH {t} UID\r\n");
            let opts = mailwire_imap::codec::Options::commands();
            match mailwire_imap::codec::decode_command(line.as_bytes(), &opts)
                .unwrap()
                .1
                .body
            {
                mailwire_imap::types::CommandBody::Fetch { set, .. } => set.clone(),
                _ => unreachable!(),
            }
        };
        let r = resolve(&m, &seqset("2:*"), false, None).unwrap();
        assert_eq!(r, [(2, 5), (3, 6), (4, 9)].map(|(s, u)| (s, uid(u))));
        assert_eq!(
            resolve(&m, &seqset("5"), false, None),
            Err(SetError::OutOfRange(5))
        );
        // UIDs: missing ones are skipped; n:* with n above the largest UID is the last message.
        let r = resolve(&m, &seqset("4:6,100:*"), true, None).unwrap();
        assert_eq!(r, [(2, 5), (3, 6), (4, 9)].map(|(s, u)| (s, uid(u))));
        let empty = SeqMap::default();
        assert_eq!(
            resolve(&empty, &seqset("*"), false, None),
            Err(SetError::OutOfRange(0))
        );
        assert!(
            resolve(&empty, &seqset("1:*"), true, None)
                .unwrap()
                .is_empty()
        );
        let saved = set(&[5, 9, 11]);
        assert_eq!(
            resolve(&m, &SequenceSet::LastResult, false, Some(&saved)).unwrap(),
            [(2, 5), (4, 9)].map(|(s, u)| (s, uid(u)))
        );
    }

    #[test]
    fn sequence_sets_compress() {
        assert!(to_sequence_set([]).is_none());
        assert_eq!(
            to_sequence_set([1, 2, 3, 7]),
            uid_sequence_set(&set(&[1, 2, 3, 7]))
        );
        let one = to_sequence_set([1, 2, 3, 7]).unwrap();
        let SequenceSet::Set(items) = one else {
            unreachable!()
        };
        assert_eq!(items.len(), 2);
    }

    fn changed(u: u32, modseq: u64, flags: Flags) -> Changed {
        Changed {
            uid: uid(u),
            flags,
            modseq: ModSeq::new(modseq).unwrap(),
        }
    }

    fn ms(n: u64) -> ModSeq {
        ModSeq::new(n).unwrap()
    }

    #[test]
    fn expunges_wait_for_an_allowed_point() {
        let v0 = UidValidity::new(1).unwrap();
        let mut v = View::new(SeqMap::from_uids((1..=4).map(uid)), v0, uid(5), ms(10));
        let up = v.apply([], &set(&[2]), ms(11), false);
        assert!(up.is_empty());
        assert!(v.is_expunged(uid(2)));
        assert_eq!(v.map.len(), 4);
        // A new message arrives: EXISTS counts the held-back message too.
        let up = v.apply(
            [changed(5, 12, Flags::new())],
            &UidSet::new(),
            ms(12),
            false,
        );
        assert_eq!(up.exists, Some(5));
        assert_eq!(up.recent, Some(1));
        // Now announced.
        let up = v.apply([], &UidSet::new(), ms(12), true);
        assert_eq!(up.expunged_seqs, vec![2]);
        assert_eq!(up.exists, None);
        assert_eq!(v.map.len(), 4);
        assert_eq!(v.map.seq(uid(5)), Some(4));
    }

    #[test]
    fn own_flag_changes_are_not_echoed() {
        let v0 = UidValidity::new(1).unwrap();
        let mut v = View::new(SeqMap::from_uids((1..=3).map(uid)), v0, uid(4), ms(5));
        let seen: Flags = [mailwire_mailbox::SystemFlag::Seen].into_iter().collect();
        v.note_own([(uid(2), ms(6))]);
        let up = v.apply(
            [changed(2, 6, seen.clone()), changed(3, 7, seen)],
            &UidSet::new(),
            ms(7),
            true,
        );
        assert_eq!(up.flags.len(), 1);
        assert_eq!(up.flags[0].uid, uid(3));
        assert_eq!(up.flags[0].seq, 3);
        assert_eq!(v.modseq.get(), 7);
    }
}
