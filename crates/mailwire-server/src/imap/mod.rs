//! The IMAP server (RFC 9051 IMAP4rev2 and RFC 3501 IMAP4rev1 at once, with the extensions
//! clients use) over the mailbox trait.
//!
//! - [`ImapServer`] is the factory: it holds the store, the [`ImapOptions`] and the caches its
//!   sessions share, and makes an [`ImapSession`] per connection;
//! - [`ImapSession`] implements [`Session`](crate::Session): it wraps the sans-IO machine
//!   [`mailwire_imap::server::Connection`] (framing, literals, AUTHENTICATE, IDLE, STARTTLS,
//!   COMPRESS) and answers each command from the store;
//! - `view` keeps the per-session sequence numbers and the expunges and flag changes other
//!   sessions (IMAP or POP3) made, told to the client only where RFC 9051 §7.5.1 allows: never
//!   an `EXPUNGE` while a FETCH, STORE, SEARCH, SORT or THREAD by sequence number is answered;
//!   `EXISTS` and flag `FETCH`es always;
//! - [`message`] turns stored bytes into ENVELOPE, BODYSTRUCTURE, sections, SEARCH matches,
//!   SORT keys and threads with `mail-parser`;
//! - [`error::store_error`] maps store errors to `NO [code]` in one place.
//!
//! # Both revisions at once (RFC 9051 Appendix A)
//!
//! `CAPABILITY` lists `IMAP4rev1` and `IMAP4rev2`. A session behaves as IMAP4rev1 until the
//! client sends `ENABLE IMAP4rev2`; from then on it sends no `RECENT` responses, no `\Recent`
//! flag and no `[UNSEEN n]` code, answers `SEARCH` with `ESEARCH`, sends the untagged `LIST` at
//! SELECT, and writes mailbox names in UTF-8 instead of modified UTF-7.
//!
//! # What the session advertises
//!
//! `IMAP4rev1 IMAP4rev2 LITERAL+ SASL-IR ENABLE IDLE NAMESPACE UNSELECT UIDPLUS MOVE CHILDREN
//! SPECIAL-USE CREATE-SPECIAL-USE LIST-EXTENDED LIST-STATUS ESEARCH SEARCHRES SORT SORT=DISPLAY
//! THREAD=ORDEREDSUBJECT THREAD=REFERENCES CONDSTORE QRESYNC MULTIAPPEND STATUS=SIZE WITHIN
//! SAVEDATE PREVIEW BINARY UTF8=ACCEPT ID QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE UNAUTHENTICATE
//! COMPRESS=DEFLATE APPENDLIMIT=n`, and before login `STARTTLS`, `LOGINDISABLED` or `AUTH=PLAIN
//! AUTH=LOGIN` (and `AUTH=SCRAM-SHA-256`, RFC 7677, when the store keeps SCRAM verifiers) as the
//! transport and the [`PlaintextAuth`] policy allow. OBJECTID, UIDONLY,
//! METADATA, ACL and Gmail's extensions are decoded by `mailwire-imap` but not served.
//!
//! # Costs
//!
//! A FETCH lists the metadata of its messages with one store call and reads a message only for
//! attributes that need its bytes; each message is parsed once per FETCH. ENVELOPE,
//! BODYSTRUCTURE and the header are kept per message in a cache all sessions share
//! ([`ImapOptions::summary_cache`]), so later FETCHes, header SEARCHes, SORT and THREAD do not
//! read the message again. Output goes to the driver in pieces of [`ImapOptions::output_chunk`];
//! `BODY[]` of a message larger than [`ImapOptions::literal_chunk`] is read from the store and
//! sent in pieces of that size. A selected, idling session holds a few kilobytes: its sequence
//! numbers are kept as runs of consecutive UIDs.
//!
//! # Example
//!
//! A session driven by hand (a driver such as `mailwire-tokio` does this with a socket):
//!
//! ```
//! use std::sync::Arc;
//! use futures::executor::block_on;
//! use mailwire_mailbox::memory::MemoryStore;
//! use mailwire_mailbox::{Account, Mailbox, MailboxName, NewMessage, Quota};
//! use mailwire_server::imap::{ImapOptions, ImapServer};
//! use mailwire_server::{ConnectionInfo, Session, Step};
//!
//! let store = MemoryStore::new();
//! store.add_user("alice", "secret", Quota::UNLIMITED).unwrap();
//! let inbox = block_on(store.account("alice").unwrap().open(&MailboxName::inbox())).unwrap();
//! block_on(inbox.append(NewMessage::new(&b"Subject: hi\r\n\r\nhello\r\n"[..]))).unwrap();
//!
//! let server = ImapServer::new(Arc::new(store), ImapOptions::default());
//! let mut session = server.session(ConnectionInfo {
//!     peer: "127.0.0.1:50000".parse().unwrap(),
//!     local: "127.0.0.1:143".parse().unwrap(),
//!     tls_active: false,
//!     tls_available: false,
//! });
//! let mut exchange = |input: &str| {
//!     session.feed(input.as_bytes());
//!     let mut out = Vec::new();
//!     loop {
//!         match block_on(session.step()) {
//!             Step::Write(bytes) => out.extend_from_slice(&bytes),
//!             Step::Delay(_) => {}
//!             _ => return String::from_utf8(out).unwrap(),
//!         }
//!     }
//! };
//! assert!(exchange("").starts_with("* OK [CAPABILITY IMAP4rev1 IMAP4rev2"));
//! assert!(exchange("a LOGIN alice secret\r\n").starts_with("a OK"));
//! assert!(exchange("b SELECT INBOX\r\n").contains("* 1 EXISTS\r\n"));
//! assert_eq!(
//!     exchange("c FETCH 1 BODY.PEEK[HEADER.FIELDS (SUBJECT)]\r\n"),
//!     "* 1 FETCH (BODY[HEADER.FIELDS (SUBJECT)] {15}\r\nSubject: hi\r\n\r\n)\r\nc OK FETCH completed\r\n"
//! );
//! ```

mod cache;
mod convert;
pub mod error;
pub mod message;
mod names;
mod session;
mod view;

use std::sync::Arc;
use std::time::Duration;

use mailwire_imap::server::Options as MachineOptions;
use mailwire_mailbox::Store;

pub use crate::pop3::PlaintextAuth;
pub use session::ImapSession;

use crate::session::ConnectionInfo;

/// Settings of the IMAP server.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ImapOptions {
    /// The server's name in the greeting.
    pub hostname: String,
    /// When `LOGIN` and the plaintext SASL mechanisms are accepted without TLS (RFC 9051
    /// §6.2.3: otherwise `LOGINDISABLED` is advertised).
    pub plaintext_auth: PlaintextAuth,
    /// How long to wait before answering a failed login.
    pub failed_login_delay: Duration,
    /// After this many failed logins the connection is closed with `BYE`.
    pub max_failed_logins: u32,
    /// The inactivity timeout before login (shorter than after, so that idle unauthenticated
    /// connections do not pile up).
    pub login_timeout: Duration,
    /// The inactivity timeout once logged in, IDLE included (RFC 9051 §5.4: at least 30
    /// minutes).
    pub timeout: Duration,
    /// While idling, look for changes the store does not announce (another process delivering
    /// into a Maildir) this often; `None`: rely on the store's notifications alone.
    pub idle_poll: Option<Duration>,
    /// The largest message APPEND accepts (RFC 7889 `APPENDLIMIT`); `None`: no limit beyond
    /// the machine's literal limit.
    pub append_limit: Option<u32>,
    /// The `ID` response fields (RFC 2971): name and version.
    pub implementation: Option<(String, String)>,
    /// Settings of the connection state machine (line and literal limits...).
    pub machine: MachineOptions,
    /// Bytes of FETCH output produced before the session hands them to the driver and reads
    /// on, so that a FETCH of a large mailbox runs in bounded memory.
    pub output_chunk: usize,
    /// Messages larger than this go out of FETCH `BODY[]` in pieces of this size read from the
    /// store, through the machine's streamed literals, instead of being held whole.
    pub literal_chunk: u64,
    /// How many messages' header, ENVELOPE and BODYSTRUCTURE the server keeps (about 2 KiB
    /// each), shared by all sessions, so that a message is read and parsed once for them and
    /// for the header keys of SEARCH, SORT and THREAD (0: none).
    pub summary_cache: usize,
}

impl Default for ImapOptions {
    fn default() -> Self {
        ImapOptions {
            hostname: "localhost".into(),
            plaintext_auth: PlaintextAuth::LoopbackOnly,
            failed_login_delay: Duration::from_secs(2),
            max_failed_logins: 5,
            login_timeout: Duration::from_secs(60),
            timeout: Duration::from_secs(30 * 60),
            idle_poll: Some(Duration::from_secs(1)),
            append_limit: None,
            implementation: Some(("mailwire".into(), env!("CARGO_PKG_VERSION").into())),
            machine: MachineOptions::default(),
            output_chunk: 256 * 1024,
            literal_chunk: 1 << 20,
            summary_cache: 50_000,
        }
    }
}

/// The IMAP server: makes an [`ImapSession`] per connection. Cheap to clone.
pub struct ImapServer<S: Store> {
    store: Arc<S>,
    options: Arc<ImapOptions>,
    caches: Arc<cache::Caches>,
}

impl<S: Store> Clone for ImapServer<S> {
    fn clone(&self) -> Self {
        ImapServer {
            store: self.store.clone(),
            options: self.options.clone(),
            caches: self.caches.clone(),
        }
    }
}

impl<S: Store> std::fmt::Debug for ImapServer<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImapServer")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl<S: Store> ImapServer<S> {
    /// A server over `store`.
    pub fn new(store: Arc<S>, options: ImapOptions) -> Self {
        ImapServer {
            store,
            caches: Arc::new(cache::Caches::new(options.summary_cache)),
            options: Arc::new(options),
        }
    }

    /// The settings.
    pub fn options(&self) -> &ImapOptions {
        &self.options
    }

    /// A session for a new connection (RFC 9051 §7.1.1 greeting `* OK [CAPABILITY ...]`).
    pub fn session(&self, info: ConnectionInfo) -> ImapSession<S> {
        ImapSession::new(
            self.store.clone(),
            self.options.clone(),
            self.caches.clone(),
            info,
        )
    }
}
