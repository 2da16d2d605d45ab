//! Change notification without a runtime: [`Notifier`] on the store side, one [`Watcher`] per
//! session (IMAP `IDLE`, RFC 2177; a POP3 and an IMAP session sharing a mailbox).
//!
//! A watcher only says "something changed in this mailbox"; the session then asks
//! [`Mailbox::changes_since`](crate::Mailbox::changes_since) what. Wake-ups are never lost: a
//! change that happens between two waits makes the next wait return at once.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use event_listener::Event;

#[derive(Default)]
struct Shared {
    generation: AtomicU64,
    event: Event,
}

/// The store side of change notification: call [`Notifier::notify`] after every change to a
/// mailbox. Clones share one notifier.
#[derive(Clone, Default)]
pub struct Notifier {
    shared: Arc<Shared>,
}

impl Notifier {
    /// A notifier nobody watches yet.
    pub fn new() -> Notifier {
        Notifier::default()
    }

    /// Tells every watcher that the mailbox changed.
    pub fn notify(&self) {
        self.shared.generation.fetch_add(1, Ordering::SeqCst);
        self.shared.event.notify(usize::MAX);
    }

    /// A watcher that reports changes from now on.
    pub fn watch(&self) -> Watcher {
        Watcher {
            seen: self.shared.generation.load(Ordering::SeqCst),
            shared: Arc::clone(&self.shared),
        }
    }
}

impl core::fmt::Debug for Notifier {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Notifier")
            .field(
                "generation",
                &self.shared.generation.load(Ordering::Relaxed),
            )
            .finish()
    }
}

/// The session side of change notification, made by
/// [`Mailbox::watch`](crate::Mailbox::watch).
///
/// Changes made by other processes (a mail delivery agent writing into a Maildir's `new/`) are
/// seen only when the store next looks at the disk, on any call; a server that wants them during
/// `IDLE` also polls (e.g. `changes_since` every 30 seconds, with its runtime's timer).
pub struct Watcher {
    shared: Arc<Shared>,
    seen: u64,
}

impl Watcher {
    /// Resolves when the mailbox changed after the watcher was made or after the previous call
    /// returned. The future is `Send` and cancel-safe.
    pub async fn changed(&mut self) {
        loop {
            let now = self.shared.generation.load(Ordering::SeqCst);
            if now != self.seen {
                self.seen = now;
                return;
            }
            let listener = self.shared.event.listen();
            // A notify between the load above and `listen` would be lost without this check.
            if self.shared.generation.load(Ordering::SeqCst) != self.seen {
                continue;
            }
            listener.await;
        }
    }

    /// Whether a change happened that [`Watcher::changed`] has not reported yet.
    pub fn has_changed(&self) -> bool {
        self.shared.generation.load(Ordering::SeqCst) != self.seen
    }

    /// Forgets pending changes (e.g. after the session fetched them by other means).
    pub fn mark_seen(&mut self) {
        self.seen = self.shared.generation.load(Ordering::SeqCst);
    }
}

impl core::fmt::Debug for Watcher {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Watcher")
            .field("pending", &self.has_changed())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::FutureExt;

    #[test]
    fn no_lost_wakeups() {
        let n = Notifier::new();
        let mut w = n.watch();
        assert!(w.changed().now_or_never().is_none());
        n.notify();
        assert!(w.has_changed());
        assert!(w.changed().now_or_never().is_some());
        assert!(w.changed().now_or_never().is_none());
        // Two notifications before a wait are reported once.
        n.notify();
        n.notify();
        assert!(w.changed().now_or_never().is_some());
        assert!(!w.has_changed());
    }

    #[test]
    fn wakes_a_waiting_thread() {
        let n = Notifier::new();
        let mut w = n.watch();
        let (tx, rx) = std::sync::mpsc::channel();
        let t = std::thread::spawn(move || {
            tx.send(()).unwrap();
            futures::executor::block_on(w.changed());
        });
        rx.recv().unwrap();
        n.notify();
        t.join().unwrap();
    }
}
