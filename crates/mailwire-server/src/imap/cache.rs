//! Caches shared by the sessions of one [`ImapServer`](super::ImapServer), so that repeated
//! work is done once (as Dovecot keeps ENVELOPE and BODYSTRUCTURE in its index cache):
//!
//! - message summaries: header, ENVELOPE and BODYSTRUCTURE of a message, keyed by account, mailbox,
//!   UIDVALIDITY and UID. A message's bytes never change under its UID (RFC 9051 §2.3.1.1), so
//!   an entry never goes stale; a mailbox recreated under the same name has a new UIDVALIDITY.
//!   The cache is bounded by an entry count and forgets the least recently used half first
//!   (two generations);
//! - SELECT snapshots: the sequence map, first unseen message and keywords of a mailbox, keyed
//!   by the status that identifies its state (UIDVALIDITY, UIDNEXT, message count,
//!   HIGHESTMODSEQ), so that sessions selecting an unchanged mailbox share one store listing;
//! - IDLE polls: when a mailbox was last looked at for changes no notification reports.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use bytes::Bytes;

use mailwire_imap::types::{BodyStructure, Envelope};
use mailwire_mailbox::{Flags, MailboxName, MailboxStatus, Uid};

use super::message::ParsedMessage;
use super::view::SeqMap;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// What identifies a message's bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct MessageKey {
    pub(crate) user: Arc<str>,
    pub(crate) mailbox: MailboxName,
    pub(crate) uid_validity: u32,
    pub(crate) uid: Uid,
}

/// An account's mailbox.
type MailboxKey = (Arc<str>, MailboxName);

/// What is kept per message: its header (for ENVELOPE, header sections and the header keys of
/// SEARCH, SORT and THREAD), its ENVELOPE and, once the whole message was parsed, its
/// BODYSTRUCTURE.
#[derive(Debug)]
pub(crate) struct Summary {
    /// The header section, blank line included (a copy, not a slice of the message), parsed.
    header: ParsedMessage,
    envelope: OnceLock<Envelope<'static>>,
    body_structure: OnceLock<BodyStructure<'static>>,
}

impl Summary {
    /// The summary of a message with this header.
    pub(crate) fn new(header: &[u8]) -> Summary {
        Summary {
            header: ParsedMessage::new(Bytes::copy_from_slice(header)),
            envelope: OnceLock::new(),
            body_structure: OnceLock::new(),
        }
    }

    /// The header, parsed (a message holding only its header).
    pub(crate) fn parsed_header(&self) -> &ParsedMessage {
        &self.header
    }

    /// ENVELOPE (RFC 9051 §7.5.2), computed from the header on first use.
    pub(crate) fn envelope(&self) -> &Envelope<'static> {
        self.envelope
            .get_or_init(|| self.parsed_header().envelope())
    }

    /// BODYSTRUCTURE, if the whole message was parsed once.
    pub(crate) fn body_structure(&self) -> Option<&BodyStructure<'static>> {
        self.body_structure.get()
    }

    /// Keeps the BODYSTRUCTURE of the parsed whole message.
    pub(crate) fn keep_body_structure(&self, message: &ParsedMessage) -> &BodyStructure<'static> {
        self.body_structure.get_or_init(|| message.body_structure())
    }
}

/// A mailbox's state at SELECT.
#[derive(Debug)]
pub(crate) struct SelectSnapshot {
    /// The status the listing was taken at.
    pub(crate) key: (u32, u32, u32, u64),
    /// The UIDs.
    pub(crate) map: SeqMap,
    /// The sequence number of the first message without `\Seen`.
    pub(crate) first_unseen: Option<u32>,
    /// The keywords in use.
    pub(crate) keywords: Flags,
}

/// The key of a SELECT snapshot for `status`.
pub(crate) fn select_key(s: &MailboxStatus) -> (u32, u32, u32, u64) {
    (
        s.uid_validity.get(),
        s.uid_next.get(),
        s.messages,
        s.highest_modseq.get(),
    )
}

/// A map that keeps about `capacity` entries: when the current generation is full it becomes
/// the old one (dropping the previous old one); a hit in the old generation moves the entry
/// back to the current one.
#[derive(Debug)]
struct TwoGenerations<K, V> {
    capacity: usize,
    current: HashMap<K, V>,
    old: HashMap<K, V>,
}

impl<K: std::hash::Hash + Eq, V: Clone> TwoGenerations<K, V> {
    fn new(capacity: usize) -> Self {
        TwoGenerations {
            capacity,
            current: HashMap::new(),
            old: HashMap::new(),
        }
    }

    fn get(&mut self, k: &K) -> Option<V>
    where
        K: Clone,
    {
        if let Some(v) = self.current.get(k) {
            return Some(v.clone());
        }
        let v = self.old.remove(k)?;
        self.insert(k.clone(), v.clone());
        Some(v)
    }

    fn insert(&mut self, k: K, v: V) {
        if self.capacity == 0 {
            return;
        }
        if self.current.len() >= self.capacity.div_ceil(2) {
            self.old = std::mem::take(&mut self.current);
        }
        self.current.insert(k, v);
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.current.len() + self.old.len()
    }
}

/// The caches of one server.
#[derive(Debug)]
pub(crate) struct Caches {
    summaries: Mutex<TwoGenerations<MessageKey, Arc<Summary>>>,
    selects: Mutex<TwoGenerations<MailboxKey, Arc<SelectSnapshot>>>,
    /// When each mailbox was last polled for changes by an idling session.
    polls: Mutex<HashMap<MailboxKey, Instant>>,
}

impl Caches {
    /// Caches holding about `summaries` message summaries.
    pub(crate) fn new(summaries: usize) -> Caches {
        Caches {
            summaries: Mutex::new(TwoGenerations::new(summaries)),
            selects: Mutex::new(TwoGenerations::new(1024)),
            polls: Mutex::new(HashMap::new()),
        }
    }

    pub(crate) fn summary(&self, key: &MessageKey) -> Option<Arc<Summary>> {
        lock(&self.summaries).get(key)
    }

    pub(crate) fn put_summary(&self, key: MessageKey, summary: Arc<Summary>) {
        lock(&self.summaries).insert(key, summary);
    }

    /// The snapshot of `mailbox` if it was taken at `status`.
    pub(crate) fn select(
        &self,
        user: &Arc<str>,
        mailbox: &MailboxName,
        status: &MailboxStatus,
    ) -> Option<Arc<SelectSnapshot>> {
        let k = (user.clone(), mailbox.clone());
        lock(&self.selects)
            .get(&k)
            .filter(|s| s.key == select_key(status))
    }

    /// Whether an idling session should look for changes in `mailbox` now: only when no
    /// session did within `interval`. A change one session finds (another process delivered
    /// into a Maildir) reaches the others through the store's watchers, so a mailbox is looked
    /// at about once per interval however many sessions idle on it.
    pub(crate) fn should_poll(
        &self,
        user: &Arc<str>,
        mailbox: &MailboxName,
        interval: Duration,
    ) -> bool {
        let now = Instant::now();
        let mut polls = lock(&self.polls);
        if polls.len() > 10_000 {
            polls.retain(|_, t| now.duration_since(*t) < interval);
        }
        let key = (user.clone(), mailbox.clone());
        match polls.get_mut(&key) {
            Some(t) if now.duration_since(*t) < interval => false,
            Some(t) => {
                *t = now;
                true
            }
            None => {
                polls.insert(key, now);
                true
            }
        }
    }

    pub(crate) fn put_select(
        &self,
        user: Arc<str>,
        mailbox: MailboxName,
        snap: Arc<SelectSnapshot>,
    ) {
        lock(&self.selects).insert((user, mailbox), snap);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_poll_per_interval_per_mailbox() {
        let c = Caches::new(10);
        let user: Arc<str> = Arc::from("u");
        let inbox = MailboxName::inbox();
        let other = MailboxName::new("other").unwrap();
        let long = Duration::from_secs(3600);
        assert!(c.should_poll(&user, &inbox, long));
        assert!(!c.should_poll(&user, &inbox, long));
        assert!(c.should_poll(&user, &other, long));
        assert!(c.should_poll(&user, &inbox, Duration::ZERO));
    }

    #[test]
    fn two_generations_keep_recent_entries() {
        let mut c: TwoGenerations<u32, u32> = TwoGenerations::new(4);
        for i in 0..4 {
            c.insert(i, i);
        }
        assert_eq!(c.len(), 4);
        // 0 and 1 went to the old generation with the third insert; a hit brings 0 back.
        assert_eq!(c.get(&0), Some(0));
        c.insert(10, 10);
        c.insert(11, 11);
        assert!(c.len() <= 4);
        assert_eq!(c.get(&11), Some(11));
        assert_eq!(c.get(&1), None);
        let mut off: TwoGenerations<u32, u32> = TwoGenerations::new(0);
        off.insert(1, 1);
        assert_eq!(off.get(&1), None);
    }
}
