//! The POP3 server session (RFC 1939, RFC 2449, RFC 2595, RFC 5034, RFC 3206) over the mailbox
//! trait.
//!
//! The semantics that make POP3 safe live here:
//!
//! - at login the session takes a snapshot of `INBOX`: message numbers are fixed for the whole
//!   session (RFC 1939 §5), whatever other sessions do meanwhile;
//! - `DELE` only marks (RFC 1939 §5); `RSET` unmarks; the store is changed once, in the UPDATE
//!   state after `QUIT` (RFC 1939 §6). A connection that drops or times out deletes nothing;
//! - `UIDL` comes from the store's stable unique-ids (RFC 1939 §7);
//! - a message expunged by an IMAP session after the snapshot is answered with `-ERR`, never
//!   with other bytes;
//! - an optional exclusive lock on the maildrop answers a second login `-ERR [IN-USE]`
//!   (RFC 2449 §8.1.1);
//! - the [`Retention`] policy decides whether retrieved messages stay on the server, and
//!   `EXPIRE` (RFC 2449 §6.7) announces it.
//!
//! Errors from the store map to response codes in one place, [`store_error_status`].

use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mailwire_core::{Interrupt, Io, Secret};
use mailwire_mailbox::{
    Account, Error as StoreError, ErrorKind, ExpungeMode, Flag, FlagOp, Flags, Mailbox,
    MailboxName, Store, SystemFlag, Uid, UidSet,
};
use mailwire_pop3::server::{Connection, Event, Options as MachineOptions};
use mailwire_pop3::{
    Capability, Command, ExpirePolicy, Mechanism, MsgNum, Response, ResponseCode, SaslAuth,
    ScanListing, Status, StatusKind, Text, UidListing, UniqueId,
};
use tracing::{debug, info, warn};

use crate::sasl::{Next, Sasl};
use crate::session::{ConnectionInfo, Session, Step};

/// When plaintext passwords (`USER`/`PASS`, SASL `PLAIN` and `LOGIN`) are accepted without TLS
/// (RFC 2595 §2.3, RFC 5034 §4). SCRAM-SHA-256 (RFC 7677) follows the same policy: it is
/// offered and accepted where `PLAIN` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PlaintextAuth {
    /// Never without TLS.
    Never,
    /// Without TLS only from loopback addresses (the default: development on one machine).
    LoopbackOnly,
    /// Always (only for trusted networks).
    Always,
}

impl PlaintextAuth {
    /// Whether a connection described by `info` may send passwords in the clear.
    pub fn allows(self, info: &ConnectionInfo) -> bool {
        match self {
            PlaintextAuth::Never => false,
            PlaintextAuth::LoopbackOnly => info.is_loopback(),
            PlaintextAuth::Always => true,
        }
    }
}

/// What happens to messages a client retrieved (announced with `EXPIRE`, RFC 2449 §6.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Retention {
    /// Leave mail on the server: only `DELE` removes a message (`EXPIRE NEVER`).
    LeaveOnServer,
    /// Delete after download: messages retrieved with `RETR` are removed at `QUIT` like deleted
    /// ones (`EXPIRE 0`).
    DeleteRetrieved,
}

/// Settings of the POP3 server.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Pop3Options {
    /// The host name in the greeting's APOP timestamp (RFC 1939 §7).
    pub hostname: String,
    /// When plaintext passwords are accepted without TLS.
    pub plaintext_auth: PlaintextAuth,
    /// What happens to retrieved messages.
    pub retention: Retention,
    /// Allow one session per maildrop; others get `-ERR [IN-USE]` (RFC 2449 §8.1.1).
    pub exclusive_lock: bool,
    /// Set `\Seen` on messages retrieved with `RETR`, so IMAP clients see them as read.
    pub mark_seen: bool,
    /// How long to wait before answering a failed login.
    pub failed_login_delay: Duration,
    /// The inactivity timeout once logged in (RFC 1939 §3: at least 10 minutes).
    pub timeout: Duration,
    /// The inactivity timeout before login (RFC 1939 §3 asks for at least 10 minutes in every
    /// state; an operator under attack may choose less).
    pub preauth_timeout: Duration,
    /// Offer and accept `APOP` (needs a [`SharedSecrets`] source).
    pub apop: bool,
    /// The `IMPLEMENTATION` capability text (RFC 2449 §6.9), if any.
    pub implementation: Option<String>,
    /// Settings of the connection state machine (line limits...).
    pub machine: MachineOptions,
    /// Bytes of a message read from the store at a time while sending it (messages up to this
    /// size are read in one call; larger ones in pieces, so memory stays bounded).
    pub read_chunk: u64,
}

impl Default for Pop3Options {
    fn default() -> Self {
        Pop3Options {
            hostname: "localhost".into(),
            plaintext_auth: PlaintextAuth::LoopbackOnly,
            retention: Retention::LeaveOnServer,
            exclusive_lock: true,
            mark_seen: true,
            failed_login_delay: Duration::from_secs(2),
            timeout: Duration::from_secs(600),
            preauth_timeout: Duration::from_secs(600),
            apop: true,
            implementation: Some("mailwire".into()),
            machine: MachineOptions::default(),
            read_chunk: 4 << 20,
        }
    }
}

/// Where `APOP` finds a user's shared secret (RFC 1939 §7): APOP needs a secret the server can
/// read, unlike password hashes. The secret is also the user's password for the store.
pub trait SharedSecrets: Send + Sync + 'static {
    /// The shared secret of `user`, if APOP is enabled for the user.
    fn shared_secret(&self, user: &str) -> Option<Secret<String>>;
}

/// The POP3 server: makes a [`Pop3Session`] per connection. Cheap to clone.
pub struct Pop3Server<S: Store> {
    store: Arc<S>,
    options: Arc<Pop3Options>,
    secrets: Option<Arc<dyn SharedSecrets>>,
    locks: Arc<Mutex<HashSet<String>>>,
    counter: Arc<std::sync::atomic::AtomicU64>,
    snapshots: Arc<Mutex<std::collections::HashMap<String, std::sync::Weak<Snapshot>>>>,
}

impl<S: Store> Clone for Pop3Server<S> {
    fn clone(&self) -> Self {
        Pop3Server {
            store: self.store.clone(),
            options: self.options.clone(),
            secrets: self.secrets.clone(),
            locks: self.locks.clone(),
            counter: self.counter.clone(),
            snapshots: self.snapshots.clone(),
        }
    }
}

impl<S: Store> std::fmt::Debug for Pop3Server<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pop3Server")
            .field("options", &self.options)
            .field("apop", &self.secrets.is_some())
            .finish_non_exhaustive()
    }
}

impl<S: Store> Pop3Server<S> {
    /// A server over `store`.
    pub fn new(store: Arc<S>, options: Pop3Options) -> Self {
        Pop3Server {
            store,
            options: Arc::new(options),
            secrets: None,
            locks: Arc::default(),
            counter: Arc::default(),
            snapshots: Arc::default(),
        }
    }

    /// Enables `APOP` with secrets from `secrets`.
    pub fn with_shared_secrets(mut self, secrets: Arc<dyn SharedSecrets>) -> Self {
        self.secrets = Some(secrets);
        self
    }

    /// The settings.
    pub fn options(&self) -> &Pop3Options {
        &self.options
    }

    /// The snapshot of `user`'s maildrop: shared with other sessions while the mailbox is
    /// unchanged.
    async fn snapshot<M: Mailbox>(
        &self,
        user: &str,
        mailbox: &M,
    ) -> Result<Arc<Snapshot>, StoreError> {
        let st = mailbox.status().await?;
        let key = (
            st.uid_validity.get(),
            st.uid_next.get(),
            st.messages,
            st.highest_modseq.get(),
        );
        if let Some(s) = self.snapshots_get(user, key) {
            return Ok(s);
        }
        let metas = mailbox.list(&UidSet::all()).await?;
        let entries = metas
            .into_iter()
            .map(|m| Entry {
                uid: m.uid,
                size: m.size,
                unique_id: m.unique_id,
            })
            .collect();
        let snap = Arc::new(Snapshot { key, entries });
        let mut cache = self.snapshots.lock().unwrap_or_else(|e| e.into_inner());
        cache.retain(|_, w| w.strong_count() > 0);
        cache.insert(user.to_string(), Arc::downgrade(&snap));
        Ok(snap)
    }

    fn snapshots_get(&self, user: &str, key: (u32, u32, u32, u64)) -> Option<Arc<Snapshot>> {
        let cache = self.snapshots.lock().unwrap_or_else(|e| e.into_inner());
        cache.get(user)?.upgrade().filter(|s| s.key == key)
    }

    /// A session for a new connection.
    pub fn session(&self, info: ConnectionInfo) -> Pop3Session<S> {
        let n = self
            .counter
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        // RFC 1939 §7: a timestamp unique to this greeting, `<process-ID.clock@hostname>`.
        let timestamp = format!(
            "<{}.{}.{}@{}>",
            std::process::id(),
            nanos,
            n,
            self.options.hostname
        );
        let apop = self.options.apop && self.secrets.is_some();
        let greeting_text = if apop {
            format!("mailwire POP3 server ready {timestamp}")
        } else {
            "mailwire POP3 server ready".to_string()
        };
        let plaintext = self.options.plaintext_auth.allows(&info);
        let machine = MachineOptions {
            tls_active: info.tls_active,
            allow_plaintext_auth: plaintext,
            ..self.options.machine.clone()
        };
        let greeting = Status::ok(&greeting_text).expect("greeting has no line breaks");
        let conn = Connection::new(machine, greeting);
        Pop3Session {
            server: self.clone(),
            info,
            conn,
            timestamp: apop.then_some(timestamp),
            state: State::Authorization { user: None },
            queued: VecDeque::new(),
        }
    }
}

/// A message of the snapshot.
#[derive(Debug, Clone)]
struct Entry {
    uid: Uid,
    size: u64,
    unique_id: mailwire_mailbox::UniqueId,
}

/// The maildrop's messages at login. Sessions of one user that log in while the mailbox is
/// unchanged share one snapshot, so idle connections cost little memory.
#[derive(Debug)]
struct Snapshot {
    /// The mailbox state the snapshot was taken in: UIDVALIDITY, UIDNEXT, count, HIGHESTMODSEQ.
    key: (u32, u32, u32, u64),
    entries: Vec<Entry>,
}

/// `marks` bits.
const DELETED: u8 = 1;
const RETRIEVED: u8 = 2;

/// The maildrop as the session sees it: fixed at login.
struct Maildrop<M> {
    user: String,
    mailbox: M,
    snapshot: Arc<Snapshot>,
    /// Per message: [`DELETED`], [`RETRIEVED`].
    marks: Vec<u8>,
    locked: bool,
}

impl<M> Maildrop<M> {
    fn is_deleted(&self, i: usize) -> bool {
        self.marks.get(i).is_some_and(|m| m & DELETED != 0)
    }

    /// The messages not marked deleted, with their index.
    fn live(&self) -> impl Iterator<Item = (usize, &Entry)> + '_ {
        self.snapshot
            .entries
            .iter()
            .enumerate()
            .filter(|(i, _)| !self.is_deleted(*i))
    }
}

enum State<M> {
    Authorization {
        /// The name from an accepted `USER`.
        user: Option<String>,
    },
    Sasl(Sasl),
    Transaction(Box<Maildrop<M>>),
    Done,
}

/// One POP3 connection's session.
pub struct Pop3Session<S: Store> {
    server: Pop3Server<S>,
    info: ConnectionInfo,
    conn: Connection,
    timestamp: Option<String>,
    state: State<<S::Account as Account>::Mailbox>,
    queued: VecDeque<Step>,
}

impl<S: Store> std::fmt::Debug for Pop3Session<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = match &self.state {
            State::Authorization { .. } => "authorization",
            State::Sasl(_) => "sasl",
            State::Transaction(_) => "transaction",
            State::Done => "done",
        };
        f.debug_struct("Pop3Session")
            .field("peer", &self.info.peer)
            .field("state", &state)
            .finish_non_exhaustive()
    }
}

fn status(kind: StatusKind, code: Option<ResponseCode<'static>>, text: &str) -> Status<'static> {
    Status {
        kind,
        code,
        text: Text::new(text.as_bytes().to_vec()).unwrap_or_default(),
    }
}

fn ok(text: &str) -> Status<'static> {
    status(StatusKind::Ok, None, text)
}

fn err(code: Option<ResponseCode<'static>>, text: &str) -> Status<'static> {
    status(StatusKind::Err, code, text)
}

/// Maps a store error to a POP3 status line (RFC 2449 §8, RFC 3206): the one place where store
/// errors become wire responses.
pub fn store_error_status(e: &StoreError) -> Status<'static> {
    match e.kind() {
        ErrorKind::AuthenticationFailed => err(Some(ResponseCode::Auth), "authentication failed"),
        ErrorKind::TryAgain => err(Some(ResponseCode::SysTemp), "try again later"),
        ErrorKind::Nonexistent => err(None, "no such message"),
        ErrorKind::OverQuota => err(Some(ResponseCode::SysPerm), "over quota"),
        ErrorKind::PermissionDenied => err(Some(ResponseCode::SysPerm), "permission denied"),
        _ => err(
            Some(ResponseCode::SysTemp),
            "internal error, try again later",
        ),
    }
}

/// The body lines of a message (after the header and the blank line) for `TOP msg n`
/// (RFC 1939 §7): the header, the blank line, then at most `n` lines of the body.
fn top_slice(message: &[u8], lines: u32) -> &[u8] {
    // The header ends at the first empty line.
    let body_start = if message.starts_with(b"\r\n") {
        2
    } else {
        match memchr::memmem::find(message, b"\r\n\r\n") {
            Some(i) => i + 4,
            None => return message,
        }
    };
    let mut end = body_start;
    for _ in 0..lines {
        if end >= message.len() {
            break;
        }
        end = match memchr::memmem::find(&message[end..], b"\r\n") {
            Some(i) => end + i + 2,
            None => message.len(),
        };
    }
    &message[..end.min(message.len())]
}

impl<S: Store> Pop3Session<S> {
    fn respond(&mut self, response: Response<'_>) {
        if let Err(e) = self.conn.respond(response) {
            // A session bug: answer something so the client stays in step.
            warn!(error = %e, "POP3 answer did not fit the command");
        }
    }

    fn capabilities(&self) -> Vec<Capability<'static>> {
        let o = &self.server.options;
        let mut caps = vec![Capability::Top, Capability::Uidl, Capability::RespCodes];
        caps.push(Capability::AuthRespCode);
        caps.push(Capability::Pipelining);
        let transaction = matches!(self.state, State::Transaction(_));
        if !transaction {
            if self.conn.plaintext_auth_allowed() {
                caps.push(Capability::User);
                caps.push(Capability::Sasl(self.mechanisms()));
            }
            if self.info.tls_available && !self.conn.is_tls() {
                caps.push(Capability::Stls);
            }
        }
        caps.push(Capability::Expire {
            policy: match o.retention {
                Retention::LeaveOnServer => ExpirePolicy::Never,
                Retention::DeleteRetrieved => ExpirePolicy::Days(0),
            },
            per_user: false,
        });
        if let Some(imp) = &o.implementation {
            if let Ok(t) = Text::new(imp.as_bytes().to_vec()) {
                caps.push(Capability::Implementation(t));
            }
        }
        caps
    }

    /// The SASL mechanisms offered (RFC 5034 §5 `SASL` capability), under the same policy as
    /// plaintext passwords: PLAIN, LOGIN, and SCRAM-SHA-256 (RFC 7677) when the store keeps
    /// verifiers.
    fn mechanisms(&self) -> Vec<Mechanism<'static>> {
        let mut names = vec!["PLAIN", "LOGIN"];
        if self.server.store.offers_scram_sha256() {
            names.push(mailwire_core::scram::MECHANISM);
        }
        names
            .into_iter()
            .map(|n| Mechanism::from_any_case(n).expect("valid"))
            .collect()
    }

    async fn login(&mut self, user: String, password: Secret<String>) {
        let result = self
            .server
            .store
            .authenticate(&user, Secret::new(password.expose().as_str()))
            .await;
        self.logged_in(user, result).await;
    }

    /// Opens the maildrop of a successful login, or answers a failed one after the delay.
    async fn logged_in(&mut self, user: String, result: mailwire_mailbox::Result<S::Account>) {
        match result {
            Ok(account) => self.open_maildrop(user, account).await,
            Err(e) => {
                info!(user = %user, error = %e, "POP3 login failed");
                self.state = State::Authorization { user: None };
                self.respond(store_error_status(&e).into());
                self.queued
                    .push_back(Step::Delay(self.server.options.failed_login_delay));
            }
        }
    }

    async fn open_maildrop(&mut self, user: String, account: S::Account) {
        if self.server.options.exclusive_lock {
            let mut locks = self.server.locks.lock().unwrap_or_else(|e| e.into_inner());
            if !locks.insert(user.clone()) {
                drop(locks);
                self.state = State::Authorization { user: None };
                self.respond(
                    err(
                        Some(ResponseCode::InUse),
                        "maildrop already locked by another session",
                    )
                    .into(),
                );
                return;
            }
        }
        let locked = self.server.options.exclusive_lock;
        let opened = async {
            let mailbox = account.open(&MailboxName::inbox()).await?;
            let snapshot = self.server.snapshot(&user, &mailbox).await?;
            Ok::<_, StoreError>((mailbox, snapshot))
        }
        .await;
        match opened {
            Ok((mailbox, snapshot)) => {
                let size: u64 = snapshot.entries.iter().map(|e| e.size).sum();
                let n = snapshot.entries.len();
                let text = format!("{user} has {n} messages ({size} octets)");
                info!(user = %user, messages = n, "POP3 login");
                self.state = State::Transaction(Box::new(Maildrop {
                    user,
                    mailbox,
                    marks: vec![0; n],
                    snapshot,
                    locked,
                }));
                self.respond(ok(&text).into());
            }
            Err(e) => {
                if locked {
                    self.unlock(&user);
                }
                warn!(user = %user, error = %e, "POP3 maildrop could not be opened");
                self.state = State::Authorization { user: None };
                self.respond(store_error_status(&e).into());
            }
        }
    }

    fn unlock(&self, user: &str) {
        let mut locks = self.server.locks.lock().unwrap_or_else(|e| e.into_inner());
        locks.remove(user);
    }

    fn release(&mut self) {
        if let State::Transaction(md) = &self.state {
            if md.locked {
                self.unlock(&md.user.clone());
            }
        }
        self.state = State::Done;
    }

    /// The live (not deleted) entry for a message number, or the `-ERR` to send.
    fn entry(&self, msg: MsgNum) -> Result<&Entry, Status<'static>> {
        let State::Transaction(md) = &self.state else {
            return Err(err(None, "not in TRANSACTION state"));
        };
        match md.snapshot.entries.get(msg.index()) {
            None => Err(err(None, &format!("no message {msg}"))),
            Some(_) if md.is_deleted(msg.index()) => {
                Err(err(None, &format!("message {msg} already deleted")))
            }
            Some(e) => Ok(e),
        }
    }

    async fn handle(&mut self, cmd: Command<'static>) {
        match cmd {
            Command::Capa => {
                let capabilities = self.capabilities();
                self.respond(Response::Capabilities {
                    status: ok("capability list follows"),
                    capabilities,
                });
            }
            Command::Noop => self.respond(ok("").into()),
            Command::Stls => {
                if self.info.tls_available {
                    self.respond(ok("begin TLS negotiation").into());
                } else {
                    self.respond(err(None, "TLS not available").into());
                }
            }
            Command::User(name) => {
                let name = name.as_str().to_string();
                self.state = State::Authorization {
                    user: Some(name.clone()),
                };
                self.respond(ok(&format!("send PASS for {name}")).into());
            }
            Command::Pass(password) => {
                let user = match &self.state {
                    State::Authorization { user: Some(u) } => u.clone(),
                    _ => {
                        self.respond(err(None, "USER first").into());
                        return;
                    }
                };
                match std::str::from_utf8(password.expose()) {
                    Ok(p) => self.login(user, Secret::new(p.to_string())).await,
                    Err(_) => {
                        self.respond(err(Some(ResponseCode::Auth), "authentication failed").into());
                        self.queued
                            .push_back(Step::Delay(self.server.options.failed_login_delay));
                    }
                }
            }
            Command::Apop { name, digest } => self.apop(name.as_str().to_string(), digest).await,
            Command::Auth(None) => {
                // The bare AUTH many clients send to list mechanisms.
                let mechanisms = if self.conn.plaintext_auth_allowed() {
                    self.mechanisms()
                } else {
                    Vec::new()
                };
                self.respond(Response::Mechanisms {
                    status: ok("methods supported"),
                    mechanisms,
                });
            }
            Command::Auth(Some(auth)) => self.auth(auth).await,
            Command::Stat => {
                let State::Transaction(md) = &self.state else {
                    return;
                };
                let (count, size) = md
                    .live()
                    .fold((0u32, 0u64), |(c, s), (_, e)| (c + 1, s + e.size));
                self.respond(Response::Stat {
                    count,
                    size,
                    text: Text::default(),
                });
            }
            Command::List(None) => {
                let State::Transaction(md) = &self.state else {
                    return;
                };
                let listings: Vec<ScanListing<'static>> = md
                    .live()
                    .filter_map(|(i, e)| {
                        Some(ScanListing {
                            msg: MsgNum::from_index(i)?,
                            size: e.size,
                            info: Text::default(),
                        })
                    })
                    .collect();
                let text = format!("{} messages", listings.len());
                self.respond(Response::ScanList {
                    status: ok(&text),
                    listings,
                });
            }
            Command::List(Some(msg)) => match self.entry(msg) {
                Ok(e) => {
                    let size = e.size;
                    self.respond(Response::Scan(ScanListing {
                        msg,
                        size,
                        info: Text::default(),
                    }))
                }
                Err(s) => self.respond(s.into()),
            },
            Command::Uidl(None) => {
                let State::Transaction(md) = &self.state else {
                    return;
                };
                let listings: Vec<UidListing<'static>> = md
                    .live()
                    .filter_map(|(i, e)| {
                        Some(UidListing {
                            msg: MsgNum::from_index(i)?,
                            uid: UniqueId::new(e.unique_id.as_str().to_string()).ok()?,
                        })
                    })
                    .collect();
                self.respond(Response::UidList {
                    status: ok("unique-id listing follows"),
                    listings,
                });
            }
            Command::Uidl(Some(msg)) => match self.entry(msg) {
                Ok(e) => match UniqueId::new(e.unique_id.as_str().to_string()) {
                    Ok(uid) => self.respond(Response::Uid(UidListing { msg, uid })),
                    Err(_) => {
                        self.respond(err(Some(ResponseCode::SysPerm), "bad unique-id").into())
                    }
                },
                Err(s) => self.respond(s.into()),
            },
            Command::Retr(msg) => self.send_message(msg, None).await,
            Command::Top { msg, lines } => self.send_message(msg, Some(lines)).await,
            Command::Dele(msg) => {
                let result = self.entry(msg).map(|_| ());
                match result {
                    Ok(()) => {
                        if let State::Transaction(md) = &mut self.state {
                            md.marks[msg.index()] |= DELETED;
                        }
                        self.respond(ok(&format!("message {msg} deleted")).into());
                    }
                    Err(s) => self.respond(s.into()),
                }
            }
            Command::Rset => {
                if let State::Transaction(md) = &mut self.state {
                    for m in &mut md.marks {
                        *m &= !DELETED;
                    }
                    let n = md.marks.len();
                    self.respond(ok(&format!("maildrop has {n} messages")).into());
                }
            }
            Command::Quit => self.quit().await,
            Command::Utf8 | Command::Lang(_) | Command::Other { .. } => {
                self.respond(err(None, "command not implemented").into());
            }
            _ => self.respond(err(None, "command not implemented").into()),
        }
    }

    async fn apop(&mut self, user: String, digest: mailwire_pop3::ApopDigest) {
        let (Some(timestamp), Some(secrets)) =
            (self.timestamp.clone(), self.server.secrets.clone())
        else {
            self.respond(err(None, "APOP not available").into());
            return;
        };
        let Some(secret) = secrets.shared_secret(&user) else {
            info!(user = %user, "APOP for a user without a shared secret");
            self.respond(err(Some(ResponseCode::Auth), "authentication failed").into());
            self.queued
                .push_back(Step::Delay(self.server.options.failed_login_delay));
            return;
        };
        let mut input = timestamp.into_bytes();
        input.extend_from_slice(secret.expose().as_bytes());
        let expected: [u8; 16] = <md5::Md5 as md5::Digest>::digest(&input).into();
        if expected != *digest.as_bytes() {
            info!(user = %user, "APOP digest mismatch");
            self.respond(err(Some(ResponseCode::Auth), "authentication failed").into());
            self.queued
                .push_back(Step::Delay(self.server.options.failed_login_delay));
            return;
        }
        self.login(user, secret).await;
    }

    async fn auth(&mut self, auth: SaslAuth<'static>) {
        let next = Sasl::start(
            auth.mechanism.as_str(),
            auth.initial_response,
            // Accepted where offered: under the plaintext policy, like PLAIN (CAPA).
            self.conn.plaintext_auth_allowed() && self.server.store.offers_scram_sha256(),
        );
        self.sasl_next(next).await;
    }

    async fn sasl_next(&mut self, mut next: Next) {
        if let Next::ScramLookup(server) = next {
            next = match self.server.store.scram_sha256(server.user()).await {
                Ok(verifier) => Sasl::scram_server_first(*server, verifier),
                Err(e) => {
                    warn!(error = %e, "SCRAM-SHA-256 credentials lookup failed");
                    Next::Failed
                }
            };
        }
        match next {
            Next::Challenge(st, data) => {
                self.state = State::Sasl(st);
                self.challenge(&data);
            }
            Next::Login(user, password) => self.login(user, password).await,
            Next::Authenticated(user) => {
                let result = self.server.store.open_authenticated(&user).await;
                self.logged_in(user, result).await;
            }
            Next::ScramLookup(_) | Next::Failed => self.sasl_failed(),
            Next::Unsupported => self.respond(err(None, "unsupported SASL mechanism").into()),
        }
    }

    fn challenge(&mut self, data: &[u8]) {
        if let Err(e) = self.conn.sasl_challenge(data) {
            warn!(error = %e, "SASL challenge out of place");
        }
    }

    fn sasl_failed(&mut self) {
        info!("POP3 SASL authentication failed");
        self.state = State::Authorization { user: None };
        self.respond(err(Some(ResponseCode::Auth), "authentication failed").into());
        self.queued
            .push_back(Step::Delay(self.server.options.failed_login_delay));
    }

    async fn sasl_response(&mut self, data: Secret<Vec<u8>>) {
        let State::Sasl(step) =
            std::mem::replace(&mut self.state, State::Authorization { user: None })
        else {
            return;
        };
        self.sasl_next(step.respond(data)).await;
    }

    /// `RETR` (`lines: None`) or `TOP` (RFC 1939 §5, §7).
    async fn send_message(&mut self, msg: MsgNum, lines: Option<u32>) {
        let (uid, size) = match self.entry(msg) {
            Ok(e) => (e.uid, e.size),
            Err(s) => {
                self.respond(s.into());
                return;
            }
        };
        let State::Transaction(md) = &self.state else {
            return;
        };
        let chunk = self.server.options.read_chunk.max(1);
        match lines {
            Some(n) => {
                // TOP needs the header and a few lines: read the start, then more if needed.
                let mut want = chunk.min(size.max(1));
                let data = loop {
                    match md.mailbox.read(uid, Some(0..want)).await {
                        Ok(d) => {
                            let slice = top_slice(&d, n);
                            if slice.len() < d.len() || want >= size {
                                break Ok(d.slice(..slice.len()));
                            }
                            want = (want * 4).min(size);
                        }
                        Err(e) => break Err(e),
                    }
                };
                match data {
                    Ok(d) => {
                        let _ = self.conn.begin_body(ok("top of message follows"));
                        let _ = self.conn.body_chunk(&d);
                        let _ = self.conn.end_body();
                    }
                    Err(e) => self.respond(self.read_error(msg, &e).into()),
                }
            }
            None => {
                // Read the first chunk before answering, so that a vanished message gets
                // -ERR rather than a half-sent body.
                let first = md.mailbox.read(uid, Some(0..chunk)).await;
                let first = match first {
                    Ok(d) => d,
                    Err(e) => {
                        self.respond(self.read_error(msg, &e).into());
                        return;
                    }
                };
                let _ = self.conn.begin_body(ok(&format!("{size} octets")));
                let _ = self.conn.body_chunk(&first);
                let mut offset = first.len() as u64;
                while offset < size && !first.is_empty() {
                    // Hand out what is buffered before reading on, so memory stays bounded.
                    self.flush_output();
                    let State::Transaction(md) = &self.state else {
                        return;
                    };
                    match md.mailbox.read(uid, Some(offset..offset + chunk)).await {
                        Ok(d) if !d.is_empty() => {
                            offset += d.len() as u64;
                            let _ = self.conn.body_chunk(&d);
                        }
                        Ok(_) => break,
                        Err(e) => {
                            // Too late for -ERR: the body started. Close the connection so the
                            // client cannot mistake a truncated message for a whole one.
                            warn!(error = %e, %uid, "message vanished while being sent");
                            self.queued.push_back(Step::Close);
                            return;
                        }
                    }
                }
                let _ = self.conn.end_body();
                if let State::Transaction(md) = &mut self.state {
                    md.marks[msg.index()] |= RETRIEVED;
                }
            }
        }
    }

    /// Moves buffered output of the machine to the step queue.
    fn flush_output(&mut self) {
        loop {
            match self.conn.next() {
                Err(Interrupt::Io(Io::Output(b))) => self.queued.push_back(Step::Write(b)),
                Err(Interrupt::Io(Io::NeedMoreInput)) => return,
                Ok(ev) => {
                    // Events only come from input, which is not processed mid-answer.
                    debug!(event = ?ev, "event while flushing");
                    return;
                }
                Err(Interrupt::Io(other)) => {
                    debug!(io = ?other, "I/O while flushing");
                    return;
                }
                Err(Interrupt::Error(e)) => {
                    debug!(error = ?e, "machine error while flushing");
                    return;
                }
            }
        }
    }

    fn read_error(&self, msg: MsgNum, e: &StoreError) -> Status<'static> {
        if e.kind() == ErrorKind::Nonexistent {
            err(
                None,
                &format!("message {msg} was removed by another session"),
            )
        } else {
            warn!(error = %e, "reading a message failed");
            store_error_status(e)
        }
    }

    /// `QUIT`: in TRANSACTION, the UPDATE state (RFC 1939 §6). Retrieved messages that stay
    /// get `\Seen` here, in one store call, so that a session that ends without QUIT changes
    /// nothing at all.
    async fn quit(&mut self) {
        let State::Transaction(md) = &self.state else {
            self.respond(ok("bye").into());
            self.state = State::Done;
            return;
        };
        let retention = self.server.options.retention;
        let mut doomed = UidSet::new();
        let mut seen = UidSet::new();
        for (e, &m) in md.snapshot.entries.iter().zip(&md.marks) {
            let retrieved = m & RETRIEVED != 0;
            if m & DELETED != 0 || (retention == Retention::DeleteRetrieved && retrieved) {
                doomed.insert(e.uid);
            } else if retrieved {
                seen.insert(e.uid);
            }
        }
        if self.server.options.mark_seen && !seen.is_empty() {
            let mut flags = Flags::new();
            flags.insert(Flag::System(SystemFlag::Seen));
            if let Err(e) = md
                .mailbox
                .store_flags(&seen, FlagOp::Add, &flags, None)
                .await
            {
                debug!(error = %e, "could not set \\Seen");
            }
        }
        let count = doomed.len();
        let result = if doomed.is_empty() {
            Ok(UidSet::new())
        } else {
            md.mailbox.expunge(&doomed, ExpungeMode::Any).await
        };
        let left = md.marks.len() as u64 - count;
        let user = md.user.clone();
        match result {
            Ok(_) => {
                info!(user = %user, deleted = count, "POP3 update");
                self.respond(ok(&format!("bye ({left} messages left)")).into());
            }
            Err(e) => {
                warn!(user = %user, error = %e, "POP3 update failed");
                // RFC 1939 §6: -ERR "some deleted messages not removed".
                self.respond(
                    err(
                        Some(ResponseCode::SysTemp),
                        "some deleted messages not removed",
                    )
                    .into(),
                );
            }
        }
        self.release();
    }
}

impl<S: Store> Drop for Pop3Session<S> {
    fn drop(&mut self) {
        self.release();
    }
}

impl<S: Store> Session for Pop3Session<S> {
    fn feed(&mut self, bytes: &[u8]) {
        self.conn.feed(bytes);
    }

    async fn step(&mut self) -> Step {
        loop {
            if let Some(step) = self.queued.pop_front() {
                return step;
            }
            match self.conn.next() {
                Ok(Event::Command(cmd)) => {
                    debug!(command = ?cmd, "command");
                    self.handle(cmd).await;
                }
                Ok(Event::AuthResponse(data)) => self.sasl_response(data).await,
                Ok(Event::Rejected(r)) => {
                    if matches!(self.state, State::Sasl(_)) {
                        self.state = State::Authorization { user: None };
                    }
                    debug!(rejection = %r, "rejected");
                }
                Ok(Event::PlaintextDiscarded { bytes }) => {
                    warn!(bytes, "plaintext after STLS discarded");
                }
                Ok(other) => debug!(event = ?other, "event"),
                Err(Interrupt::Io(Io::NeedMoreInput)) => return Step::Read,
                Err(Interrupt::Io(Io::Output(b))) => return Step::Write(b),
                Err(Interrupt::Io(Io::UpgradeTls)) => return Step::StartTls,
                Err(Interrupt::Io(Io::Close)) => {
                    self.release();
                    return Step::Close;
                }
                Err(Interrupt::Error(e)) => {
                    warn!(error = ?e, "POP3 connection error");
                    self.release();
                    return Step::Close;
                }
            }
        }
    }

    fn tls_established(&mut self) {
        self.info.tls_active = true;
    }

    fn timeout(&self) -> Duration {
        match self.state {
            State::Transaction(_) => self.server.options.timeout,
            _ => self.server.options.preauth_timeout,
        }
    }

    fn timed_out(&mut self) -> Option<Vec<u8>> {
        // RFC 1939 §3: the server closes without entering UPDATE.
        self.release();
        None
    }

    fn shutdown(&mut self) -> Option<Vec<u8>> {
        self.release();
        Some(b"-ERR [SYS/TEMP] server shutting down\r\n".to_vec())
    }

    fn closed(&mut self) {
        self.release();
    }
}

#[cfg(test)]
mod tests {
    use super::top_slice;

    #[test]
    fn top_takes_header_and_n_lines() {
        let m = b"A: 1\r\nB: 2\r\n\r\nl1\r\nl2\r\nl3\r\n";
        assert_eq!(top_slice(m, 0), b"A: 1\r\nB: 2\r\n\r\n");
        assert_eq!(top_slice(m, 2), b"A: 1\r\nB: 2\r\n\r\nl1\r\nl2\r\n");
        assert_eq!(top_slice(m, 9), &m[..]);
        // no body separator: the whole message is header
        assert_eq!(top_slice(b"A: 1\r\n", 3), b"A: 1\r\n");
        // empty header
        assert_eq!(top_slice(b"\r\nbody\r\nmore\r\n", 1), b"\r\nbody\r\n");
        // last line without CRLF
        assert_eq!(top_slice(b"A: 1\r\n\r\nx", 5), b"A: 1\r\n\r\nx");
    }
}
