//! The mailbox model shared by mailwire's POP3 and IMAP servers.
//!
//! IMAP keeps the mailbox on the server and every device sees the same state (RFC 9051 §2.3);
//! POP3 downloads the same maildrop and may delete from it (RFC 1939 §3). This crate is the one
//! model both servers use:
//!
//! - three traits: [`Store`] (log in), [`Account`] (mailboxes, quota) and [`Mailbox`] (an open
//!   mailbox: status, listing, reading, appending, flags, expunge, copy, move, change feed);
//! - UIDs only: IMAP sequence numbers and POP3 message numbers belong to the server
//!   (`mailwire-server`);
//! - async methods whose futures are `Send`, with no runtime of their own: nothing here depends
//!   on tokio; change notification is a runtime-agnostic [`Watcher`];
//! - one [`Error`] type, classified by [`Error::kind`] so a server can pick its response code;
//! - [`MemoryStore`](memory::MemoryStore), the reference implementation, and
//!   [`MaildirStore`](maildir::MaildirStore), a Maildir++ store on disk that Dovecot, mutt and
//!   mbsync can read;
//! - [`users::UsersFile`], a users file with argon2id password hashes, SCRAM-SHA-256
//!   verifiers (RFC 7677) and per-account quotas;
//! - with the `conformance` feature, `conformance`: the checks every backend must pass.
//!
//! | module | what | RFC |
//! |---|---|---|
//! | [`types`] | [`Uid`], [`UidValidity`], [`ModSeq`], [`UidSet`], [`Flags`], [`MailboxName`], [`SpecialUse`], [`UniqueId`], metadata | RFC 9051 §2.3, RFC 7162, RFC 6154, RFC 1939 §7 |
//! | [`error`] | [`Error`], [`ErrorKind`] | RFC 5530 |
//! | [`watch`] | [`Notifier`], [`Watcher`] | RFC 2177 |
//! | [`memory`] | the memory store | — |
//! | [`maildir`] | the Maildir++ store | — |
//! | [`users`] | the users file | RFC 9106 (Argon2), RFC 5802 (SCRAM) |
//!
//! # Using a store
//!
//! ```
//! use mailwire_core::Secret;
//! use mailwire_mailbox::memory::MemoryStore;
//! use mailwire_mailbox::{Account, ExpungeMode, Mailbox, MailboxName, NewMessage, Quota, Store, UidSet};
//!
//! # futures::executor::block_on(async {
//! let store = MemoryStore::new();
//! store.add_user("alice", "correct horse", Quota::UNLIMITED)?;
//! let account = store.authenticate("alice", Secret::new("correct horse")).await?;
//! let inbox = account.open(&MailboxName::inbox()).await?;
//! let appended = inbox.append(NewMessage::new(&b"Subject: hi\r\n\r\nhello\r\n"[..])).await?;
//! let status = inbox.status().await?;
//! assert_eq!((status.messages, status.uid_next.get()), (1, appended.uid.get() + 1));
//! let body = inbox.read(appended.uid, Some(0..11)).await?;
//! assert_eq!(&body[..], b"Subject: hi");
//! inbox.expunge(&UidSet::single(appended.uid), ExpungeMode::Any).await?;
//! assert_eq!(inbox.status().await?.messages, 0);
//! # Ok::<_, mailwire_mailbox::Error>(())
//! # }).unwrap();
//! ```
//!
//! # Implementing the traits for another backend
//!
//! A backend implements the three traits with `async fn`s; the compiler checks that their
//! futures are `Send`. This one wraps any store and refuses every change, which is how a
//! read-only archive would look; a real backend would talk to its database instead of `inner`.
//! Run [`conformance`](#conformance) from the backend's tests to check it.
//!
//! ```
//! use std::ops::Range;
//! use bytes::Bytes;
//! use mailwire_core::Secret;
//! use mailwire_mailbox::*;
//!
//! struct ReadOnly<S>(S);
//! struct RoAccount<A>(A);
//! struct RoMailbox<M>(M);
//!
//! const DENIED: Error = Error::PermissionDenied { reason: "read-only store" };
//!
//! impl<S: Store> Store for ReadOnly<S> {
//!     type Account = RoAccount<S::Account>;
//!     async fn authenticate(&self, user: &str, password: Secret<&str>) -> Result<Self::Account> {
//!         Ok(RoAccount(self.0.authenticate(user, password).await?))
//!     }
//! }
//!
//! impl<A: Account> Account for RoAccount<A> {
//!     type Mailbox = RoMailbox<A::Mailbox>;
//!     fn user(&self) -> &str { self.0.user() }
//!     async fn list(&self) -> Result<Vec<MailboxInfo>> { self.0.list().await }
//!     async fn subscriptions(&self) -> Result<Vec<MailboxName>> { self.0.subscriptions().await }
//!     async fn create(&self, _: &MailboxName, _: Option<SpecialUse>) -> Result<()> { Err(DENIED) }
//!     async fn delete(&self, _: &MailboxName) -> Result<()> { Err(DENIED) }
//!     async fn rename(&self, _: &MailboxName, _: &MailboxName) -> Result<()> { Err(DENIED) }
//!     async fn subscribe(&self, _: &MailboxName, _: bool) -> Result<()> { Err(DENIED) }
//!     async fn quota(&self) -> Result<QuotaUsage> { self.0.quota().await }
//!     async fn open(&self, name: &MailboxName) -> Result<Self::Mailbox> {
//!         Ok(RoMailbox(self.0.open(name).await?))
//!     }
//! }
//!
//! impl<M: Mailbox> Mailbox for RoMailbox<M> {
//!     fn name(&self) -> &MailboxName { self.0.name() }
//!     async fn status(&self) -> Result<MailboxStatus> { self.0.status().await }
//!     async fn list(&self, uids: &UidSet) -> Result<Vec<MessageMeta>> { self.0.list(uids).await }
//!     async fn read(&self, uid: Uid, range: Option<Range<u64>>) -> Result<Bytes> {
//!         self.0.read(uid, range).await
//!     }
//!     async fn append(&self, _: NewMessage) -> Result<Appended> { Err(DENIED) }
//!     async fn store_flags(&self, _: &UidSet, _: FlagOp, _: &Flags, _: Option<ModSeq>)
//!         -> Result<StoreResult> { Err(DENIED) }
//!     async fn expunge(&self, _: &UidSet, _: ExpungeMode) -> Result<UidSet> { Err(DENIED) }
//!     async fn copy(&self, _: &UidSet, _: &MailboxName) -> Result<Copied> { Err(DENIED) }
//!     async fn move_to(&self, _: &UidSet, _: &MailboxName) -> Result<Copied> { Err(DENIED) }
//!     async fn changes_since(&self, since: ModSeq) -> Result<Changes> {
//!         self.0.changes_since(since).await
//!     }
//!     fn watch(&self) -> Watcher { self.0.watch() }
//! }
//!
//! # futures::executor::block_on(async {
//! let inner = memory::MemoryStore::new();
//! inner.add_user("bob", "pw", Quota::UNLIMITED)?;
//! let store = ReadOnly(inner);
//! let account = store.authenticate("bob", Secret::new("pw")).await?;
//! let inbox = account.open(&MailboxName::inbox()).await?;
//! let err = inbox.append(NewMessage::new("x")).await.unwrap_err();
//! assert_eq!(err.kind(), ErrorKind::PermissionDenied);
//! # Ok::<_, Error>(())
//! # }).unwrap();
//! ```
//!
//! # Conformance
//!
//! With the `conformance` feature, `mailwire_mailbox::conformance::run_all` runs every check
//! against a backend; see that module. The memory and Maildir stores run it in this crate's
//! tests.
//!
//! # Concurrency model
//!
//! Many sessions may hold [`Mailbox`] handles on the same mailbox at once, in one process or,
//! for the Maildir store, in several. Every method is atomic on its own: an append is either
//! complete with its UID or absent, an expunge removes its messages for every handle at once.
//! A handle does not cache a view: each call sees the mailbox as it is, and sessions keep their
//! own view (IMAP sequence numbers, POP3 message numbers) on top, updated through
//! [`Mailbox::changes_since`].
#![forbid(unsafe_code)]

pub mod error;
mod fsutil;
#[cfg(unix)]
pub mod maildir;
pub mod memory;
pub(crate) mod state;
pub mod types;
pub mod users;
pub mod watch;

#[cfg(feature = "conformance")]
pub mod conformance;

use core::future::Future;
use core::ops::Range;

use bytes::Bytes;
use mailwire_core::Secret;
pub use mailwire_core::scram::ScramVerifier;

pub use error::{Error, ErrorKind, Result};
pub use types::{
    Appended, Changes, Copied, ExpungeMode, Flag, FlagOp, FlagUpdate, Flags, InvalidValue, Keyword,
    MailboxInfo, MailboxName, MailboxStatus, MessageMeta, ModSeq, NewMessage, Quota, QuotaResource,
    QuotaUsage, SpecialUse, StoreResult, SystemFlag, Uid, UidSet, UidValidity, UniqueId,
};
pub use watch::{Notifier, Watcher};

/// A mail store: where accounts live. The entry point of a server (RFC 9051 §6.2 `LOGIN` and
/// `AUTHENTICATE`; RFC 1939 §7 `USER`/`PASS`).
pub trait Store: Send + Sync + 'static {
    /// The account handle a successful login gives.
    type Account: Account;

    /// Checks a user's password and opens the account. Fails with
    /// [`Error::AuthenticationFailed`] for an unknown user and a wrong password alike.
    fn authenticate(
        &self,
        user: &str,
        password: Secret<&str>,
    ) -> impl Future<Output = Result<Self::Account>> + Send;

    /// Whether the store keeps SCRAM-SHA-256 credentials (RFC 7677), so that a server should
    /// offer the mechanism (RFC 9051 §6.2.2 `AUTH=SCRAM-SHA-256`, RFC 5034 §5 `SASL`). Stores
    /// that say yes implement [`Store::scram_sha256`] and [`Store::open_authenticated`]. The
    /// default is no; a store wrapping another should forward all three methods.
    fn offers_scram_sha256(&self) -> bool {
        false
    }

    /// The user's SCRAM-SHA-256 verifier (salt, iteration count, StoredKey, ServerKey;
    /// RFC 5802 §3), or `None` for an unknown user and for a user without one (e.g. whose
    /// password was set before the store kept verifiers). The server answers `None` with a
    /// mock salt so that both look the same on the wire (RFC 5802 §5.1). The default is `None`.
    fn scram_sha256(
        &self,
        user: &str,
    ) -> impl Future<Output = Result<Option<ScramVerifier>>> + Send {
        let _ = user;
        async { Ok(None) }
    }

    /// Opens the account of a user the server authenticated itself, without a password (after
    /// a SCRAM-SHA-256 exchange, RFC 5802 §5). Fails with [`Error::AuthenticationFailed`] for an
    /// unknown user. The default fails with [`Error::NotSupported`].
    fn open_authenticated(&self, user: &str) -> impl Future<Output = Result<Self::Account>> + Send {
        let _ = user;
        async {
            Err(Error::NotSupported {
                operation: "opening an account without a password",
            })
        }
    }
}

/// A logged-in account: its mailboxes and quota (RFC 9051 §6.3, RFC 9208).
///
/// Every account has an `INBOX` (RFC 9051 §5.1), which cannot be deleted.
pub trait Account: Send + Sync + 'static {
    /// The handle of an open mailbox.
    type Mailbox: Mailbox;

    /// The user name.
    fn user(&self) -> &str;

    /// Every mailbox, sorted by name (RFC 9051 §6.3.9 `LIST`). Only existing mailboxes are
    /// listed; a server shows missing parents of listed names as `\NonExistent` itself.
    fn list(&self) -> impl Future<Output = Result<Vec<MailboxInfo>>> + Send;

    /// Every subscribed name, existing or not (RFC 9051 §6.3.7; RFC 3501 §6.3.9 `LSUB`).
    fn subscriptions(&self) -> impl Future<Output = Result<Vec<MailboxName>>> + Send;

    /// Creates a mailbox (RFC 9051 §6.3.4), with a special use (RFC 6154 §3
    /// `CREATE-SPECIAL-USE`). Missing parents are created too. Fails with
    /// [`Error::MailboxExists`] if it exists.
    fn create(
        &self,
        name: &MailboxName,
        special_use: Option<SpecialUse>,
    ) -> impl Future<Output = Result<()>> + Send;

    /// Deletes a mailbox and its messages (RFC 9051 §6.3.5); mailboxes below it stay. `INBOX`
    /// cannot be deleted ([`Error::PermissionDenied`]). Open handles on it fail with
    /// [`Error::MailboxNotFound`] from then on; a mailbox created later with the same name has a
    /// new UIDVALIDITY.
    fn delete(&self, name: &MailboxName) -> impl Future<Output = Result<()>> + Send;

    /// Renames a mailbox and every mailbox below it (RFC 9051 §6.3.6), keeping UIDVALIDITY.
    /// Renaming `INBOX` moves its messages to a new mailbox and leaves `INBOX` empty. Open
    /// handles on the old name fail with [`Error::MailboxNotFound`] from then on.
    fn rename(
        &self,
        from: &MailboxName,
        to: &MailboxName,
    ) -> impl Future<Output = Result<()>> + Send;

    /// Subscribes to or unsubscribes from a name (RFC 9051 §6.3.7, §6.3.8).
    fn subscribe(
        &self,
        name: &MailboxName,
        subscribed: bool,
    ) -> impl Future<Output = Result<()>> + Send;

    /// The account's usage and limits (RFC 9208 §4.2).
    fn quota(&self) -> impl Future<Output = Result<QuotaUsage>> + Send;

    /// Opens a mailbox (RFC 9051 §6.3.2 `SELECT`; the POP3 maildrop is `INBOX`).
    fn open(&self, name: &MailboxName) -> impl Future<Output = Result<Self::Mailbox>> + Send;
}

/// An open mailbox. UID-addressed; every method sees the current state (see the crate's
/// concurrency model).
pub trait Mailbox: Send + Sync + 'static {
    /// The mailbox's name when it was opened.
    fn name(&self) -> &MailboxName;

    /// The status (RFC 9051 §6.3.11, RFC 7162 §3.1.2).
    fn status(&self) -> impl Future<Output = Result<MailboxStatus>> + Send;

    /// The metadata of the messages in `uids` that exist, ascending by UID (RFC 9051 §6.4.5
    /// `FETCH`; RFC 1939 §5 `LIST` and `UIDL`). Pass [`UidSet::all`] for every message.
    fn list(&self, uids: &UidSet) -> impl Future<Output = Result<Vec<MessageMeta>>> + Send;

    /// A message's bytes, whole or a byte range of them (RFC 9051 §6.4.5 `BODY[]<start.len>`),
    /// lines ending in CRLF. A range past the end is cut at the end.
    fn read(
        &self,
        uid: Uid,
        range: Option<Range<u64>>,
    ) -> impl Future<Output = Result<Bytes>> + Send;

    /// A whole message for looking into its content (RFC 9051 §6.4.4 `SEARCH BODY`/`TEXT`),
    /// never for sending: like [`Mailbox::read`] without a range, except that lines may end in a
    /// bare LF where the store keeps them so, which saves converting every line of mail that
    /// other programs delivered. Converting bare LFs to CRLF gives exactly what `read` gives.
    /// The default is `read`.
    fn read_content(&self, uid: Uid) -> impl Future<Output = Result<Bytes>> + Send {
        self.read(uid, None)
    }

    /// Appends a message (RFC 9051 §6.3.12) and returns its UID (RFC 4315 §3 `APPENDUID`).
    /// The message is durable when this returns. Fails with [`Error::OverQuota`] if it does
    /// not fit the account's quota.
    fn append(&self, message: NewMessage) -> impl Future<Output = Result<Appended>> + Send;

    /// Changes the flags of the messages in `uids` (RFC 9051 §6.4.6 `STORE`). With
    /// `unchanged_since`, messages whose modification sequence is greater are left alone and
    /// reported (RFC 7162 §3.1.3). Messages whose flags change get a new modification sequence.
    fn store_flags(
        &self,
        uids: &UidSet,
        op: FlagOp,
        flags: &Flags,
        unchanged_since: Option<ModSeq>,
    ) -> impl Future<Output = Result<StoreResult>> + Send;

    /// Removes the messages in `uids` (all of them, or those with `\Deleted`) and returns the
    /// UIDs removed (RFC 9051 §6.4.3, §6.4.9; RFC 1939 §6 `UPDATE` state).
    fn expunge(
        &self,
        uids: &UidSet,
        mode: ExpungeMode,
    ) -> impl Future<Output = Result<UidSet>> + Send;

    /// Copies messages to another mailbox of the account with their flags and internal dates
    /// (RFC 9051 §6.4.7) and returns the UID mapping (RFC 4315 §3 `COPYUID`).
    fn copy(&self, uids: &UidSet, to: &MailboxName) -> impl Future<Output = Result<Copied>> + Send;

    /// Moves messages to another mailbox of the account (RFC 9051 §6.4.8, RFC 6851): a copy,
    /// then an expunge of the source messages.
    fn move_to(
        &self,
        uids: &UidSet,
        to: &MailboxName,
    ) -> impl Future<Output = Result<Copied>> + Send;

    /// What changed since a modification sequence: added and changed messages, expunged UIDs and
    /// the new HIGHESTMODSEQ (RFC 7162 §3.1.4.1, §3.2.5.1). `ModSeq::MIN` asks for everything.
    fn changes_since(&self, since: ModSeq) -> impl Future<Output = Result<Changes>> + Send;

    /// A watcher that resolves when the mailbox changes (RFC 2177 `IDLE`).
    fn watch(&self) -> Watcher;
}
