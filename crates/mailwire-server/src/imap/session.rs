//! One IMAP connection's session: the four states of RFC 9051 §3, command dispatch, the
//! untagged responses about other sessions' changes (§7.4.1, §7.5.1) and IDLE (§6.3.13).
//!
//! Commands come from the sans-IO machine one at a time ([`mailwire_imap::server::Connection`]
//! reads the next only after the previous one completed). Each handler answers with untagged
//! responses and completes the command; before the completion the session looks for changes
//! other sessions made to the selected mailbox and reports them: `EXISTS` and flag `FETCH`es
//! always, `EXPUNGE`/`VANISHED` only where §7.5.1 allows.

mod admin;
mod fetch;
mod mailboxes;
mod messages;
mod search;

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use mailwire_core::{Interrupt, Io, Secret};
use mailwire_imap::server::{Connection, Event, Options as MachineOptions};
use mailwire_imap::types::{
    Atom, Capability, Code, Command, CommandBody, Continuation, Data, Greeting, GreetingKind,
    MessageDataItem, NamespaceDescription, Quoted, Response, Status, StatusKind, Text, Vec1,
};
use mailwire_mailbox::{Account, ErrorKind, Mailbox, MailboxName, Store, Uid, Watcher};
use tracing::{debug, info, warn};

use super::ImapOptions;
use super::cache::Caches;
use super::convert::{defined_flags, flags_out, permanent_flags};
use super::error::{Completion, store_error};
use super::view::{Changed, Update, View};
use crate::sasl::{Next, Sasl};
use crate::session::{ConnectionInfo, Session, Step};

/// Extensions the client turned on (RFC 5161 `ENABLE`; CONDSTORE also by use, RFC 7162
/// §3.1).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Enabled {
    /// RFC 7162 CONDSTORE: MODSEQ in unsolicited FETCH responses.
    condstore: bool,
    /// RFC 7162 QRESYNC: VANISHED instead of EXPUNGE.
    qresync: bool,
    /// RFC 9051: IMAP4rev2 behaviour.
    rev2: bool,
    /// RFC 6855 UTF8=ACCEPT: UTF-8 mailbox names.
    utf8: bool,
}

impl Enabled {
    /// Mailbox names and strings may be UTF-8.
    fn utf8_names(self) -> bool {
        self.rev2 || self.utf8
    }
}

/// The selected mailbox (RFC 9051 §3.3).
struct Selected<M> {
    mailbox: M,
    name: MailboxName,
    read_only: bool,
    view: View,
    watcher: Watcher,
    /// The keywords the client was last told of in FLAGS (RFC 9051 §7.3.5).
    keywords: mailwire_mailbox::Flags,
}

/// A logged-in account (RFC 9051 §3.2), with its selected mailbox, if any.
struct Authed<A: Account> {
    account: A,
    /// The user name, as cache keys use it.
    user: Arc<str>,
    selected: Option<Selected<A::Mailbox>>,
}

enum State<A: Account> {
    NotAuthenticated,
    Authenticated(Box<Authed<A>>),
    Logout,
}

/// A command that runs over several steps (a FETCH of many messages): see `fetch.rs`.
enum Job {
    Fetch(Box<fetch::FetchJob>),
}

/// One IMAP connection's session (see the module documentation).
pub struct ImapSession<S: Store> {
    store: Arc<S>,
    options: Arc<ImapOptions>,
    caches: Arc<Caches>,
    info: ConnectionInfo,
    conn: Connection,
    state: State<S::Account>,
    sasl: Option<Sasl>,
    queued: VecDeque<Step>,
    job: Option<Job>,
    enabled: Enabled,
    /// IDLE is running (RFC 2177).
    idling: bool,
    /// The watcher of the selected mailbox fired while idling.
    change_pending: bool,
    /// The last step asked the driver to read, and nothing was fed since.
    waiting: bool,
    fed: bool,
    failed_logins: u32,
    /// The server sent BYE on its own: nothing more is answered.
    aborted: bool,
}

impl<S: Store> std::fmt::Debug for ImapSession<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = match &self.state {
            State::NotAuthenticated => "not authenticated",
            State::Authenticated(a) if a.selected.is_some() => "selected",
            State::Authenticated(_) => "authenticated",
            State::Logout => "logout",
        };
        f.debug_struct("ImapSession")
            .field("peer", &self.info.peer)
            .field("state", &state)
            .field("idling", &self.idling)
            .finish_non_exhaustive()
    }
}

/// A capability from its name (RFC 9051 §7.2.2).
fn cap(name: &str) -> Option<Capability<'static>> {
    Atom::new(name.to_string()).ok().map(Capability::from_atom)
}

/// Text for a response, with anything that cannot be response text dropped.
fn text(s: &str) -> Text<'static> {
    Text::new(s.as_bytes().to_vec()).unwrap_or_else(|_| Text::empty())
}

impl<S: Store> ImapSession<S> {
    pub(super) fn new(
        store: Arc<S>,
        options: Arc<ImapOptions>,
        caches: Arc<Caches>,
        info: ConnectionInfo,
    ) -> Self {
        let placeholder = Greeting {
            kind: GreetingKind::Ok,
            code: None,
            text: Text::empty(),
        };
        let mut session = ImapSession {
            conn: Connection::new(MachineOptions::default(), placeholder),
            store,
            options,
            caches,
            info,
            state: State::NotAuthenticated,
            sasl: None,
            queued: VecDeque::new(),
            job: None,
            enabled: Enabled::default(),
            idling: false,
            change_pending: false,
            waiting: false,
            fed: false,
            failed_logins: 0,
            aborted: false,
        };
        // The greeting carries the capabilities (RFC 9051 §7.1.1), which depend on the
        // connection (TLS, plaintext policy).
        let caps = session.capabilities();
        let greeting = Greeting {
            kind: GreetingKind::Ok,
            code: Vec1::try_from(caps).ok().map(Code::Capability),
            text: text(&format!(
                "{} IMAP4rev2 server ready",
                session.options.hostname
            )),
        };
        session.conn = Connection::new(session.machine_options(), greeting);
        session
    }

    fn machine_options(&self) -> MachineOptions {
        let mut machine = MachineOptions {
            tls_active: self.info.tls_active,
            allow_plaintext_login: self.options.plaintext_auth.allows(&self.info),
            ..self.options.machine.clone()
        };
        if let Some(limit) = self.options.append_limit {
            // A larger APPEND literal is refused before it is read (RFC 7889 §4: TOOBIG).
            machine.decode.limits.max_literal =
                machine.decode.limits.max_literal.min(u64::from(limit));
        }
        machine
    }

    /// The largest message APPEND takes (RFC 7889): the configured limit, or else the machine's
    /// literal limit.
    fn append_limit(&self) -> u32 {
        let machine = self.options.machine.decode.limits.max_literal;
        let machine = u32::try_from(machine).unwrap_or(u32::MAX);
        self.options
            .append_limit
            .map_or(machine, |l| l.min(machine))
    }

    fn plaintext_allowed(&self) -> bool {
        self.info.tls_active || self.options.plaintext_auth.allows(&self.info)
    }

    fn logged_in(&self) -> bool {
        matches!(self.state, State::Authenticated(_))
    }

    /// The capabilities for the current state (RFC 9051 §6.1.1, §7.2.2).
    fn capabilities(&self) -> Vec<Capability<'static>> {
        let mut names: Vec<String> = vec![
            "IMAP4rev1".into(),
            "IMAP4rev2".into(),
            "LITERAL+".into(),
            "SASL-IR".into(),
            "ENABLE".into(),
            "IDLE".into(),
        ];
        if !self.logged_in() {
            if self.info.tls_available && !self.info.tls_active {
                names.push("STARTTLS".into());
            }
            if self.plaintext_allowed() {
                names.push("AUTH=PLAIN".into());
                names.push("AUTH=LOGIN".into());
                if self.store.offers_scram_sha256() {
                    names.push(format!("AUTH={}", mailwire_core::scram::MECHANISM));
                }
            } else {
                names.push("LOGINDISABLED".into());
            }
        }
        for n in [
            "NAMESPACE",
            "UNSELECT",
            "UIDPLUS",
            "MOVE",
            "CHILDREN",
            "SPECIAL-USE",
            "CREATE-SPECIAL-USE",
            "LIST-EXTENDED",
            "LIST-STATUS",
            "ESEARCH",
            "SEARCHRES",
            "SORT",
            "SORT=DISPLAY",
            "THREAD=ORDEREDSUBJECT",
            "THREAD=REFERENCES",
            "CONDSTORE",
            "QRESYNC",
            "MULTIAPPEND",
            "STATUS=SIZE",
            "WITHIN",
            "SAVEDATE",
            "PREVIEW",
            "BINARY",
            "UTF8=ACCEPT",
            "ID",
            "QUOTA",
            "QUOTA=RES-STORAGE",
            "QUOTA=RES-MESSAGE",
            "UNAUTHENTICATE",
            "COMPRESS=DEFLATE",
        ] {
            names.push(n.into());
        }
        names.push(format!("APPENDLIMIT={}", self.append_limit()));
        names.iter().filter_map(|n| cap(n)).collect()
    }

    // ---- output --------------------------------------------------------------------------

    fn send(&mut self, response: Response<'_>) {
        if let Err(e) = self.conn.send(response) {
            debug!(error = %e, "response after close");
        }
    }

    fn data(&mut self, data: Data<'_>) {
        self.send(Response::Data(data));
    }

    fn untagged_ok(&mut self, code: Option<Code<'_>>, t: &str) {
        self.send(Response::Status(Status::Untagged {
            kind: StatusKind::Ok,
            code,
            text: text(t),
        }));
    }

    fn bye(&mut self, t: &str) {
        self.send(Response::Status(Status::Bye {
            code: None,
            text: text(t),
        }));
    }

    /// Ends the session from the server's side (RFC 9051 §7.1.5): `BYE` and no completion of
    /// the command in progress.
    fn abort(&mut self, t: &str) {
        self.bye(t);
        self.aborted = true;
    }

    fn complete(&mut self, c: Completion) {
        if self.aborted {
            return;
        }
        if let Err(e) = self.conn.complete(c.kind, c.code, &c.text) {
            warn!(error = %e, "completion without a pending command");
        }
    }

    /// Looks for changes, then completes the command. `announce_expunges` is false for the
    /// commands during which RFC 9051 §7.5.1 forbids EXPUNGE (FETCH, STORE, SEARCH and, RFC
    /// 5256 §4, SORT and THREAD, by sequence number).
    async fn finish(&mut self, c: Completion, announce_expunges: bool) {
        self.sync(announce_expunges).await;
        self.complete(c);
    }

    /// Everything the machine has buffered, as one output (bytes for a `Step` that does not
    /// come from `step()`: BYE at timeout or shutdown).
    fn drain(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        loop {
            match self.conn.next() {
                Err(Interrupt::Io(Io::Output(b))) => out.extend_from_slice(&b),
                Err(Interrupt::Io(Io::NeedMoreInput | Io::Close)) => break,
                Ok(ev) => debug!(event = ?ev, "event while draining"),
                Err(other) => {
                    debug!(interrupt = ?other, "stopped draining");
                    break;
                }
            }
        }
        out
    }

    // ---- the selected mailbox ------------------------------------------------------------

    fn selected(&self) -> Option<&Selected<<S::Account as Account>::Mailbox>> {
        match &self.state {
            State::Authenticated(a) => a.selected.as_ref(),
            _ => None,
        }
    }

    fn selected_mut(&mut self) -> Option<&mut Selected<<S::Account as Account>::Mailbox>> {
        match &mut self.state {
            State::Authenticated(a) => a.selected.as_mut(),
            _ => None,
        }
    }

    fn account(&self) -> Option<&S::Account> {
        match &self.state {
            State::Authenticated(a) => Some(&a.account),
            _ => None,
        }
    }

    fn user(&self) -> Option<Arc<str>> {
        match &self.state {
            State::Authenticated(a) => Some(a.user.clone()),
            _ => None,
        }
    }

    /// Asks the store what changed in the selected mailbox and tells the client (RFC 9051
    /// §7.4.1, §7.5.1, §7.5.2; RFC 7162 §3.2.10).
    async fn sync(&mut self, announce_expunges: bool) {
        let Some(sel) = self.selected_mut() else {
            return;
        };
        sel.watcher.mark_seen();
        let result = sel.mailbox.changes_since(sel.view.modseq).await;
        let update = match result {
            Ok(ch) if ch.uid_validity != sel.view.uid_validity => {
                // RFC 9051 §2.3.1.1: the UIDs are void; the session cannot continue.
                self.abort("the mailbox was recreated, please reconnect");
                return;
            }
            Ok(ch) => sel.view.apply(
                ch.changed.into_iter().map(|m| Changed {
                    uid: m.uid,
                    flags: m.flags,
                    modseq: m.modseq,
                }),
                &ch.expunged,
                ch.highest_modseq,
                announce_expunges,
            ),
            Err(e) if e.kind() == ErrorKind::Nonexistent => {
                self.abort("the selected mailbox was deleted or renamed");
                return;
            }
            Err(e) => {
                warn!(error = %e, "looking for mailbox changes failed");
                return;
            }
        };
        self.send_update(update);
    }

    /// Writes what a sync found.
    fn send_update(&mut self, up: Update) {
        if up.is_empty() {
            return;
        }
        let en = self.enabled;
        for f in &up.flags {
            self.announce_keywords(&f.flags);
        }
        if !up.expunged_seqs.is_empty() {
            if en.qresync {
                if let Some(uids) = super::view::uid_sequence_set(&up.expunged_uids) {
                    self.data(Data::Vanished {
                        earlier: false,
                        uids,
                    });
                }
            } else {
                // Highest first, so that each number is valid when the client reads it.
                for &seq in up.expunged_seqs.iter().rev() {
                    if let Some(n) = std::num::NonZeroU32::new(seq) {
                        self.data(Data::Expunge(n));
                    }
                }
            }
        }
        if let Some(n) = up.exists {
            self.data(Data::Exists(n));
        }
        if let Some(n) = up.recent {
            if !en.rev2 {
                self.data(Data::Recent(n));
            }
        }
        for f in up.flags {
            let recent = !en.rev2 && self.selected().is_some_and(|s| s.view.is_recent(f.uid));
            let items = self.flag_items(f.uid, &f.flags, f.modseq, recent, true);
            if let (Some(seq), Ok(items)) =
                (std::num::NonZeroU32::new(f.seq), Vec1::try_from(items))
            {
                self.data(Data::Fetch { seq, items });
            }
        }
    }

    /// Sends FLAGS and PERMANENTFLAGS again when `flags` carries a keyword the client has not
    /// been told of, so that clients keeping a keyword list (RFC 9051 §7.3.5: the client
    /// records each FLAGS update) learn one another session made. Runs before the FETCH that
    /// shows the keyword.
    fn announce_keywords(&mut self, flags: &mailwire_mailbox::Flags) {
        let Some(sel) = self.selected_mut() else {
            return;
        };
        let mut added = false;
        for k in flags.keywords() {
            added |= sel.keywords.insert(k.clone());
        }
        if !added {
            return;
        }
        let (keywords, read_only) = (sel.keywords.clone(), sel.read_only);
        // A read-only selection has no permanent flags, and said so at SELECT already.
        self.send_flag_lists(&keywords, read_only, !read_only);
    }

    /// `FLAGS` (the system flags, the usual `$` keywords and `keywords`) and, with `permanent`,
    /// `OK [PERMANENTFLAGS ...]` (RFC 9051 §7.3.5, §7.1), as SELECT sends them.
    pub(super) fn send_flag_lists(
        &mut self,
        keywords: &mailwire_mailbox::Flags,
        read_only: bool,
        permanent: bool,
    ) {
        let defined = defined_flags(keywords);
        let perm = permanent_flags(&defined, read_only);
        self.data(Data::Flags(defined));
        if permanent {
            self.untagged_ok(
                Some(Code::PermanentFlags(perm)),
                if read_only {
                    "no permanent flags permitted"
                } else {
                    "flags permitted"
                },
            );
        }
    }

    /// The items of a FETCH response about flags: `UID` (RFC 9051 §7.5.2: unsolicited FETCH
    /// responses include it), `FLAGS`, and `MODSEQ` once CONDSTORE is on (RFC 7162 §3.1.4.2).
    fn flag_items(
        &self,
        uid: Uid,
        flags: &mailwire_mailbox::Flags,
        modseq: mailwire_mailbox::ModSeq,
        recent: bool,
        with_flags: bool,
    ) -> Vec<MessageDataItem<'static>> {
        let mut items = Vec::with_capacity(3);
        if let Some(u) = std::num::NonZeroU32::new(uid.get()) {
            items.push(MessageDataItem::Uid(u));
        }
        if with_flags {
            items.push(MessageDataItem::Flags(flags_out(flags, recent)));
        }
        if self.enabled.condstore {
            if let Ok(m) = mailwire_imap::types::ModSeq::new(modseq.get()) {
                items.push(MessageDataItem::ModSeq(m));
            }
        }
        items
    }

    /// Whether this idling session should look at the store for changes no watcher reports
    /// (see [`Caches::should_poll`]).
    fn poll_due(&self) -> bool {
        let (Some(interval), Some(user), Some(sel)) =
            (self.options.idle_poll, self.user(), self.selected())
        else {
            return false;
        };
        // Half the interval: a session's own timer (one interval) always finds its poll due
        // when it idles alone, whatever the jitter.
        self.caches.should_poll(&user, &sel.name, interval / 2)
    }

    fn recent_flag(&self, uid: Uid) -> bool {
        !self.enabled.rev2 && self.selected().is_some_and(|s| s.view.is_recent(uid))
    }

    // ---- login -----------------------------------------------------------------------------

    async fn login(&mut self, user: String, password: Secret<String>) {
        let result = self
            .store
            .authenticate(&user, Secret::new(password.expose().as_str()))
            .await;
        self.login_result(user, result).await;
    }

    /// Enters the authenticated state after a successful login, or answers a failed one.
    async fn login_result(&mut self, user: String, result: mailwire_mailbox::Result<S::Account>) {
        match result {
            Ok(account) => {
                info!(user = %user, "IMAP login");
                self.state = State::Authenticated(Box::new(Authed {
                    user: Arc::from(account.user()),
                    account,
                    selected: None,
                }));
                let caps = self.capabilities();
                let code = Vec1::try_from(caps).ok().map(Code::Capability);
                self.complete(Completion::ok(code, "logged in"));
            }
            Err(e) => {
                info!(user = %user, error = %e, "IMAP login failed");
                self.login_failed(store_error(&e));
            }
        }
    }

    fn login_failed(&mut self, c: Completion) {
        self.failed_logins += 1;
        self.queued
            .push_back(Step::Delay(self.options.failed_login_delay));
        self.complete(c);
        if self.failed_logins >= self.options.max_failed_logins {
            self.bye("too many failed logins");
        }
    }

    fn auth_failed(&mut self) {
        info!("IMAP authentication failed");
        self.sasl = None;
        self.login_failed(Completion::no(
            Some(Code::Condition(
                mailwire_imap::types::Condition::AuthenticationFailed,
            )),
            "authentication failed",
        ));
    }

    fn challenge(&mut self, data: &[u8]) {
        self.send(Response::Continuation(Continuation::Base64(Secret::new(
            data.to_vec(),
        ))));
    }

    async fn sasl_next(&mut self, mut next: Next) {
        if let Next::ScramLookup(server) = next {
            next = match self.store.scram_sha256(server.user()).await {
                Ok(verifier) => Sasl::scram_server_first(*server, verifier),
                Err(e) => {
                    warn!(error = %e, "SCRAM-SHA-256 credentials lookup failed");
                    Next::Failed
                }
            };
        }
        match next {
            Next::Challenge(st, data) => {
                self.sasl = Some(st);
                self.challenge(&data);
            }
            Next::Login(user, password) => self.login(user, password).await,
            Next::Authenticated(user) => {
                let result = self.store.open_authenticated(&user).await;
                self.login_result(user, result).await;
            }
            Next::ScramLookup(_) | Next::Failed => self.auth_failed(),
            Next::Unsupported => self.complete(Completion::no(None, "unsupported SASL mechanism")),
        }
    }

    async fn sasl_response(&mut self, data: Secret<Vec<u8>>) {
        if let Some(step) = self.sasl.take() {
            self.sasl_next(step.respond(data)).await;
        }
    }

    // ---- dispatch --------------------------------------------------------------------------

    async fn handle(&mut self, cmd: Command<'static>) {
        match cmd.body {
            CommandBody::Capability => {
                if let Ok(caps) = Vec1::try_from(self.capabilities()) {
                    self.data(Data::Capability(caps));
                }
                self.finish(Completion::ok(None, "CAPABILITY completed"), true)
                    .await;
            }
            CommandBody::Noop => {
                self.finish(Completion::ok(None, "NOOP completed"), true)
                    .await
            }
            CommandBody::Check => {
                self.finish(Completion::ok(None, "CHECK completed"), true)
                    .await
            }
            CommandBody::Logout => {
                self.bye("logging out");
                self.complete(Completion::ok(None, "LOGOUT completed"));
                self.state = State::Logout;
            }
            CommandBody::StartTls => {
                if self.info.tls_available {
                    self.complete(Completion::ok(None, "begin TLS negotiation now"));
                } else {
                    self.complete(Completion::no(None, "TLS is not available"));
                }
            }
            CommandBody::Login { username, password } => {
                let user = String::from_utf8(username.as_bytes().to_vec());
                let pass = String::from_utf8(password.expose().as_bytes().to_vec());
                match (user, pass) {
                    (Ok(u), Ok(p)) => self.login(u, Secret::new(p)).await,
                    _ => self.auth_failed(),
                }
            }
            CommandBody::Authenticate {
                mechanism,
                initial_response,
            } => {
                // Accepted where offered: under the plaintext policy, like PLAIN (capabilities).
                let scram = self.plaintext_allowed() && self.store.offers_scram_sha256();
                let next = Sasl::start(mechanism.as_str(), initial_response, scram);
                self.sasl_next(next).await;
            }
            CommandBody::Enable(caps) => self.enable(&caps),
            CommandBody::Namespace => {
                // RFC 2342 §5: one personal namespace, no prefix, "/" as the separator.
                let personal = NamespaceDescription {
                    prefix: mailwire_imap::types::IString::Quoted(empty_quoted()),
                    delimiter: Quoted::new(&b"/"[..]).ok(),
                    extensions: Vec::new(),
                };
                self.data(Data::Namespace {
                    personal: Some(Vec1::one(personal)),
                    other: None,
                    shared: None,
                });
                self.finish(Completion::ok(None, "NAMESPACE completed"), true)
                    .await;
            }
            CommandBody::Idle => self.start_idle().await,
            CommandBody::Select { mailbox, params } => self.select(&mailbox, &params, false).await,
            CommandBody::Examine { mailbox, params } => self.select(&mailbox, &params, true).await,
            CommandBody::Create(mailbox) => self.create(&mailbox, None).await,
            CommandBody::Delete(mailbox) => self.delete(&mailbox).await,
            CommandBody::Rename { from, to } => self.rename(&from, &to).await,
            CommandBody::Subscribe(mailbox) => self.subscribe(&mailbox, true).await,
            CommandBody::Unsubscribe(mailbox) => self.subscribe(&mailbox, false).await,
            CommandBody::List {
                selection,
                reference,
                patterns,
                returns,
                ..
            } => {
                self.list(
                    selection.as_deref(),
                    &reference,
                    &patterns,
                    returns.as_deref(),
                )
                .await
            }
            CommandBody::Lsub { reference, pattern } => self.lsub(&reference, &pattern).await,
            CommandBody::Status {
                mailbox,
                attributes,
            } => self.status(&mailbox, &attributes).await,
            CommandBody::Append { mailbox, messages } => self.append(&mailbox, messages).await,
            CommandBody::Close => self.close(true).await,
            CommandBody::Unselect => self.close(false).await,
            CommandBody::Expunge => self.expunge(None).await,
            CommandBody::UidExpunge(set) => self.expunge(Some(&set)).await,
            CommandBody::Search {
                uid,
                returns,
                charset,
                criteria,
            } => {
                self.search(uid, returns.as_deref(), charset.as_ref(), &criteria)
                    .await
            }
            CommandBody::Fetch {
                uid,
                set,
                attributes,
                modifiers,
            } => self.fetch(uid, &set, attributes, &modifiers).await,
            CommandBody::Store {
                uid,
                set,
                modifiers,
                mode,
                silent,
                flags,
                ..
            } => {
                self.store_flags(uid, &set, &modifiers, mode, silent, &flags)
                    .await
            }
            CommandBody::Copy { uid, set, mailbox } => {
                self.copy_or_move(uid, &set, &mailbox, false).await
            }
            CommandBody::Move { uid, set, mailbox } => {
                self.copy_or_move(uid, &set, &mailbox, true).await
            }
            CommandBody::Sort {
                uid,
                returns,
                criteria,
                charset,
                keys,
            } => {
                self.sort(uid, returns.as_deref(), &criteria, &charset, &keys)
                    .await
            }
            CommandBody::Thread {
                uid,
                algorithm,
                charset,
                keys,
            } => self.thread(uid, &algorithm, &charset, &keys).await,
            CommandBody::Id(params) => self.id(&params),
            CommandBody::GetQuotaRoot(mailbox) => self.get_quota_root(&mailbox).await,
            CommandBody::GetQuota(root) => self.get_quota(&root).await,
            CommandBody::SetQuota { .. } => self.complete(Completion::no(
                Some(Code::Condition(mailwire_imap::types::Condition::NoPerm)),
                "quotas are set by the administrator",
            )),
            CommandBody::CreateWithParams { mailbox, params } => {
                self.create_with_params(&mailbox, &params).await
            }
            CommandBody::Unauthenticate => self.unauthenticate(),
            CommandBody::Compress(algorithm) => self.compress(&algorithm),
            other => {
                debug!(command = other.name(), "command not implemented");
                self.complete(Completion::bad(format!(
                    "{} is not supported by this server",
                    other.name()
                )));
            }
        }
    }

    /// `ENABLE` (RFC 5161 §3.1, RFC 9051 §6.3.1): the `ENABLED` response lists what was newly
    /// enabled.
    fn enable(&mut self, caps: &[Atom<'_>]) {
        let mut newly = Vec::new();
        for c in caps {
            let name = c.as_str();
            let flag = if name.eq_ignore_ascii_case("CONDSTORE") {
                &mut self.enabled.condstore
            } else if name.eq_ignore_ascii_case("QRESYNC") {
                // RFC 7162 §3.2.3: QRESYNC implies CONDSTORE.
                self.enabled.condstore = true;
                &mut self.enabled.qresync
            } else if name.eq_ignore_ascii_case("IMAP4rev2") {
                &mut self.enabled.rev2
            } else if name.eq_ignore_ascii_case("UTF8=ACCEPT") {
                &mut self.enabled.utf8
            } else {
                continue;
            };
            if !*flag {
                *flag = true;
                if let Ok(a) = Atom::new(name.to_string()) {
                    newly.push(a);
                }
            }
        }
        self.data(Data::Enabled(newly));
        self.complete(Completion::ok(None, "ENABLE completed"));
    }

    /// `IDLE` (RFC 2177, RFC 9051 §6.3.13): `+ idling`, then changes as they happen.
    async fn start_idle(&mut self) {
        self.send(mailwire_imap::server::idling());
        self.idling = true;
        self.change_pending = false;
        // Changes that happened before IDLE go out at once.
        self.sync(true).await;
    }

    async fn idle_done(&mut self) {
        self.idling = false;
        self.change_pending = false;
        self.finish(Completion::ok(None, "IDLE terminated"), true)
            .await;
    }

    /// In the selected state: the selection, or `None` after answering `BAD`. The machine
    /// only passes selected-state commands in the selected state, so this is a safeguard.
    fn require_selected(&mut self) -> bool {
        if self.selected().is_some() {
            true
        } else {
            self.complete(Completion::bad("no mailbox selected"));
            false
        }
    }

    /// Drops the session's hold on everything (LOGOUT, close, drop).
    fn release(&mut self) {
        self.state = State::Logout;
        self.job = None;
        self.idling = false;
    }
}

fn empty_quoted() -> Quoted<'static> {
    // `Quoted::new` refuses only CR, LF and NUL; the empty string has none.
    Quoted::new(&b""[..]).expect("the empty string is a valid quoted string")
}

impl<S: Store> Session for ImapSession<S> {
    fn feed(&mut self, bytes: &[u8]) {
        self.fed = true;
        self.conn.feed(bytes);
    }

    async fn step(&mut self) -> Step {
        let woken = self.waiting && !self.fed;
        self.waiting = false;
        self.fed = false;
        if self.idling {
            let changed = self.change_pending
                || self.selected().is_some_and(|s| s.watcher.has_changed())
                || (woken && self.poll_due());
            if changed {
                self.change_pending = false;
                self.sync(true).await;
            }
        }
        loop {
            if let Some(step) = self.queued.pop_front() {
                return step;
            }
            if let Some(job) = self.job.take() {
                if let Some(bytes) = self.run_job(job).await {
                    return Step::Write(bytes);
                }
                continue;
            }
            match self.conn.next() {
                Ok(Event::Command(cmd)) => {
                    debug!(command = cmd.body.name(), "command");
                    self.handle(cmd).await;
                }
                Ok(Event::AuthenticateData(data)) => self.sasl_response(data).await,
                Ok(Event::AuthenticateCancelled) => self.sasl = None,
                Ok(Event::IdleDone) => self.idle_done().await,
                Ok(Event::Rejected(r)) => {
                    // The machine answered by itself and ended any exchange in progress.
                    self.sasl = None;
                    self.idling = false;
                    debug!(rejection = %r, "rejected");
                }
                Ok(Event::LiteralAnnounced { .. }) => {
                    // Only with auto_accept_literals off; the limits were checked by the framer.
                    if let Err(e) = self.conn.accept_literal() {
                        debug!(error = %e, "literal decision out of place");
                    }
                }
                Ok(other) => debug!(event = ?other, "event"),
                Err(Interrupt::Io(Io::NeedMoreInput)) => {
                    self.waiting = true;
                    return Step::Read;
                }
                Err(Interrupt::Io(Io::Output(b))) => return Step::Write(b),
                Err(Interrupt::Io(Io::UpgradeTls)) => return Step::StartTls,
                Err(Interrupt::Io(Io::Close)) => {
                    self.release();
                    return Step::Close;
                }
                Err(Interrupt::Error(e)) => {
                    warn!(error = %e, "IMAP connection error");
                    self.release();
                    return Step::Close;
                }
            }
        }
    }

    async fn notified(&mut self) {
        if !self.idling {
            return std::future::pending().await;
        }
        let Some(watcher) = self
            .selected_mut()
            .map(|s: &mut Selected<_>| &mut s.watcher)
        else {
            return std::future::pending().await;
        };
        watcher.changed().await;
        self.change_pending = true;
    }

    fn wake_interval(&self) -> Option<Duration> {
        if self.idling && self.selected().is_some() {
            self.options.idle_poll
        } else {
            None
        }
    }

    fn tls_established(&mut self) {
        self.info.tls_active = true;
    }

    fn timeout(&self) -> Duration {
        if self.logged_in() {
            self.options.timeout
        } else {
            self.options.login_timeout
        }
    }

    fn timed_out(&mut self) -> Option<Vec<u8>> {
        // RFC 9051 §5.4: the autologout timer ends the session with BYE.
        self.bye("Autologout; idle for too long");
        let out = self.drain();
        self.release();
        Some(out)
    }

    fn shutdown(&mut self) -> Option<Vec<u8>> {
        self.bye("server shutting down");
        let out = self.drain();
        self.release();
        Some(out)
    }

    fn closed(&mut self) {
        self.release();
    }
}

impl<S: Store> ImapSession<S> {
    /// Runs a slice of a long command; the output to write, if the command is not finished.
    async fn run_job(&mut self, job: Job) -> Option<Vec<u8>> {
        match job {
            Job::Fetch(f) => self.run_fetch(f).await,
        }
    }

    /// The output the machine buffered while a command is still running.
    fn take_output(&mut self) -> Option<Vec<u8>> {
        match self.conn.next() {
            Err(Interrupt::Io(Io::Output(b))) => Some(b),
            Err(Interrupt::Io(Io::NeedMoreInput)) => None,
            Ok(ev) => {
                // Input is not read while a command runs; nothing can come here.
                debug!(event = ?ev, "event while a command runs");
                None
            }
            Err(other) => {
                debug!(interrupt = ?other, "interrupt while a command runs");
                None
            }
        }
    }
}
