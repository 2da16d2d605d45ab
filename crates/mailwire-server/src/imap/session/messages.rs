//! Commands that change messages: STORE (RFC 9051 §6.4.6, with UNCHANGEDSINCE, RFC 7162
//! §3.1.3), COPY and MOVE (§6.4.7, §6.4.8, RFC 6851, COPYUID of RFC 4315), EXPUNGE and
//! UID EXPUNGE (§6.4.3, §6.4.9), CLOSE and UNSELECT (§6.4.1, §6.4.2).

use std::num::NonZeroU32;

use mailwire_imap::types::{
    Code, Condition, Data, Flag as WireFlag, Mailbox as WireMailbox, SequenceSet, StoreMode,
    StoreModifier, Vec1,
};
use mailwire_mailbox::{ErrorKind, ExpungeMode, FlagOp, Mailbox, Store, Uid, UidSet};

use super::super::convert::flags_in;
use super::super::error::{Completion, store_error};
use super::super::view::{resolve, to_sequence_set, uid_sequence_set};
use super::mailboxes::trycreate;
use super::{ImapSession, State};

fn read_only() -> Completion {
    Completion::no(
        Some(Code::Condition(Condition::NoPerm)),
        "the mailbox is selected read-only",
    )
}

impl<S: Store> ImapSession<S> {
    /// Resolves a set of the selected mailbox, or answers `BAD` (RFC 9051 §9: a sequence
    /// number above EXISTS).
    pub(super) fn resolve_set(&mut self, set: &SequenceSet, uid: bool) -> Option<Vec<(u32, Uid)>> {
        let sel = self.selected()?;
        match resolve(&sel.view.map, set, uid, sel.view.saved.as_ref()) {
            Ok(r) => Some(r),
            Err(e) => {
                self.complete(Completion::bad(e.to_string()));
                None
            }
        }
    }

    /// `[UID] STORE` (RFC 9051 §6.4.6; RFC 7162 §3.1.3).
    pub(super) async fn store_flags(
        &mut self,
        uid: bool,
        set: &SequenceSet,
        modifiers: &[StoreModifier<'_>],
        mode: StoreMode,
        silent: bool,
        flags: &[WireFlag<'_>],
    ) {
        if !self.require_selected() {
            return;
        }
        let mut unchanged_since = None;
        for m in modifiers {
            match m {
                StoreModifier::UnchangedSince(v) => {
                    self.enabled.condstore = true;
                    unchanged_since = Some(v.get());
                }
                _ => {
                    self.complete(Completion::bad("unknown STORE modifier"));
                    return;
                }
            }
        }
        let flags = match flags_in(flags) {
            Ok(f) => f,
            Err(e) => {
                self.complete(Completion::bad(e.to_string()));
                return;
            }
        };
        let Some(targets) = self.resolve_set(set, uid) else {
            return;
        };
        if self.selected().is_some_and(|s| s.read_only) {
            self.complete(read_only());
            return;
        }
        let op = match mode {
            StoreMode::Replace => FlagOp::Replace,
            StoreMode::Add => FlagOp::Add,
            StoreMode::Remove => FlagOp::Remove,
        };
        let uids: UidSet = targets.iter().map(|&(_, u)| u).collect();
        let result = match unchanged_since {
            // RFC 7162 §3.1.3: UNCHANGEDSINCE 0 fails for every message.
            Some(0) => Ok(mailwire_mailbox::StoreResult::default()),
            since => {
                let Some(sel) = self.selected() else {
                    return;
                };
                sel.mailbox
                    .store_flags(
                        &uids,
                        op,
                        &flags,
                        since.and_then(mailwire_mailbox::ModSeq::new),
                    )
                    .await
            }
        };
        let result = match result {
            Ok(r) => r,
            Err(e) => {
                self.complete(store_error(&e));
                return;
            }
        };
        let mut modified = result.modified;
        if unchanged_since == Some(0) {
            modified = uids.clone();
        }
        if let Some(sel) = self.selected_mut() {
            sel.view
                .note_own(result.updated.iter().map(|u| (u.uid, u.modseq)));
        }
        // RFC 7162 §3.1.3: with UNCHANGEDSINCE a FETCH with MODSEQ goes out even for .SILENT.
        let report = !silent || unchanged_since.is_some();
        if report {
            for u in &result.updated {
                let Some(seq) = self
                    .selected()
                    .and_then(|s| s.view.map.seq(u.uid))
                    .and_then(NonZeroU32::new)
                else {
                    continue;
                };
                self.announce_keywords(&u.flags);
                let recent = self.recent_flag(u.uid);
                let items = self.flag_items(u.uid, &u.flags, u.modseq, recent, !silent);
                if let Ok(items) = Vec1::try_from(items) {
                    self.data(Data::Fetch { seq, items });
                }
            }
        }
        let code = if modified.is_empty() {
            None
        } else if uid {
            uid_sequence_set(&modified).map(Code::Modified)
        } else {
            let seqs: Vec<u32> = targets
                .iter()
                .filter(|(_, u)| modified.contains(*u))
                .map(|&(s, _)| s)
                .collect();
            to_sequence_set(seqs).map(Code::Modified)
        };
        let text = if code.is_some() {
            "conditional STORE failed for some messages"
        } else {
            "STORE completed"
        };
        self.finish(Completion::ok(code, text), uid).await;
    }

    /// `[UID] COPY` and `[UID] MOVE` (RFC 9051 §6.4.7, §6.4.8; RFC 6851; RFC 4315 COPYUID).
    pub(super) async fn copy_or_move(
        &mut self,
        uid: bool,
        set: &SequenceSet,
        mailbox: &WireMailbox<'_>,
        is_move: bool,
    ) {
        if !self.require_selected() {
            return;
        }
        let Some(targets) = self.resolve_set(set, uid) else {
            return;
        };
        let Some(to) = self.mailbox_name(mailbox) else {
            return;
        };
        if is_move && self.selected().is_some_and(|s| s.read_only) {
            self.complete(read_only());
            return;
        }
        let verb = if is_move { "MOVE" } else { "COPY" };
        if targets.is_empty() {
            // Only UID sets can name nothing (RFC 9051 §6.4.9).
            self.finish(
                Completion::ok(None, format!("{verb} completed: no messages")),
                true,
            )
            .await;
            return;
        }
        let uids: UidSet = targets.iter().map(|&(_, u)| u).collect();
        let Some(sel) = self.selected() else {
            return;
        };
        let result = if is_move {
            sel.mailbox.move_to(&uids, &to).await
        } else {
            sel.mailbox.copy(&uids, &to).await
        };
        let copied = match result {
            Ok(c) => c,
            Err(mailwire_mailbox::Error::MailboxNotFound { name }) if name == to => {
                self.complete(trycreate());
                return;
            }
            Err(e) if e.kind() == ErrorKind::Nonexistent && !is_move => {
                self.complete(trycreate());
                return;
            }
            Err(e) => {
                self.complete(store_error(&e));
                return;
            }
        };
        let code = match (
            NonZeroU32::new(copied.uid_validity.get()),
            to_sequence_set(copied.mapping.iter().map(|(s, _)| s.get())),
            to_sequence_set(copied.mapping.iter().map(|(_, d)| d.get())),
        ) {
            (Some(uid_validity), Some(source), Some(destination)) => Some(Code::CopyUid {
                uid_validity,
                source,
                destination,
            }),
            _ => None,
        };
        let missing = copied.mapping.len() < targets.len();
        if is_move {
            // RFC 6851 §4.3: COPYUID in an untagged OK before the expunges.
            if let Some(code) = code {
                self.untagged_ok(Some(code), "moved");
            }
            let c = if missing {
                Completion::no(
                    Some(Code::Condition(Condition::ExpungeIssued)),
                    "some messages no longer exist",
                )
            } else {
                Completion::ok(None, "MOVE completed")
            };
            self.finish(c, true).await;
        } else {
            let c = if missing && copied.mapping.is_empty() {
                Completion::no(
                    Some(Code::Condition(Condition::ExpungeIssued)),
                    "the messages no longer exist",
                )
            } else {
                Completion::ok(code, "COPY completed")
            };
            self.finish(c, uid).await;
        }
    }

    /// `EXPUNGE` and `UID EXPUNGE` (RFC 9051 §6.4.3, §6.4.9).
    pub(super) async fn expunge(&mut self, set: Option<&SequenceSet>) {
        if !self.require_selected() {
            return;
        }
        let uids = match set {
            Some(set) => {
                // Messages that arrived since the last look count too: learn of them first.
                self.sync(true).await;
                let Some(t) = self.resolve_set(set, true) else {
                    return;
                };
                t.into_iter().map(|(_, u)| u).collect()
            }
            None => match self.selected() {
                Some(s) => s.view.map.uid_set(),
                None => return,
            },
        };
        let Some(sel) = self.selected() else {
            return;
        };
        if sel.read_only {
            self.complete(read_only());
            return;
        }
        if !uids.is_empty() {
            if let Err(e) = sel.mailbox.expunge(&uids, ExpungeMode::DeletedOnly).await {
                self.complete(store_error(&e));
                return;
            }
        }
        self.sync(true).await;
        let code = if self.enabled.condstore {
            // RFC 7162 §3.2.10 (and §3.1.2.1): the new HIGHESTMODSEQ after expunges.
            self.selected()
                .and_then(|s| mailwire_imap::types::ModSeq::new(s.view.modseq.get()).ok())
                .map(Code::HighestModSeq)
        } else {
            None
        };
        self.complete(Completion::ok(code, "EXPUNGE completed"));
    }

    /// `CLOSE` (`expunge`: RFC 9051 §6.4.1, messages with `\Deleted` go without EXPUNGE
    /// responses) and `UNSELECT` (§6.4.2).
    pub(super) async fn close(&mut self, expunge: bool) {
        let selected = match &mut self.state {
            State::Authenticated(a) => a.selected.take(),
            _ => None,
        };
        let Some(mut sel) = selected else {
            self.complete(Completion::bad("no mailbox selected"));
            return;
        };
        sel.view.forget_expunges();
        if expunge && !sel.read_only {
            let uids = sel.view.map.uid_set();
            if !uids.is_empty() {
                if let Err(e) = sel.mailbox.expunge(&uids, ExpungeMode::DeletedOnly).await {
                    // The mailbox is closed anyway (§6.4.1); the failure is only logged.
                    tracing::warn!(error = %e, "CLOSE could not expunge");
                }
            }
        }
        let verb = if expunge { "CLOSE" } else { "UNSELECT" };
        self.complete(Completion::ok(None, format!("{verb} completed")));
    }
}
