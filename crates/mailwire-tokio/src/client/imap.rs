//! The async IMAP client (RFC 9051 IMAP4rev2, RFC 3501 IMAP4rev1, and the extensions of the
//! `mailwire-imap` codec) over the sans-IO [`mailwire_imap::client::Connection`].
//!
//! Every method sends one command and waits for its tagged completion; `NO` and `BAD` are
//! [`Error::ImapNo`] and [`Error::ImapBad`] with the response code and text. Untagged responses
//! that report changes (EXISTS, EXPUNGE, RECENT, FLAGS, FETCH flag updates, VANISHED, alerts,
//! BYE) are queued as [`Unsolicited`] for [`ImapClient::take_unsolicited`] and [`Idle`]; the
//! ones a command asked for are returned by the command. Commands the machine can pipeline
//! (RFC 9051 §5.5) are pipelined where a method sends several ([`ImapClient::fetch_body_stream`]).
//!
//! ```no_run
//! # async fn demo() -> Result<(), mailwire_tokio::client::Error> {
//! use futures::TryStreamExt;
//! use mailwire_core::Secret;
//! use mailwire_imap::types::{FetchAttribute, MacroOrAttributes, SequenceSet};
//! use mailwire_tokio::client::{ImapClient, Security};
//!
//! let mut imap = ImapClient::connect("imap.example.net", 993, Security::Implicit, None).await?;
//! imap.login("alice", &Secret::new("secret".to_string())).await?;
//! let inbox = imap.select("INBOX").await?;
//! println!("{} messages, UIDVALIDITY {:?}", inbox.exists, inbox.uid_validity);
//! let attributes = MacroOrAttributes::Attributes(vec![FetchAttribute::Uid, FetchAttribute::Flags]);
//! let mut messages = imap.uid_fetch_stream(SequenceSet::all(), attributes);
//! while let Some(message) = messages.try_next().await? {
//!     println!("UID {:?} flags {:?}", message.uid(), message.flags());
//! }
//! drop(messages);
//! imap.logout().await?;
//! # Ok(()) }
//! ```

use std::collections::{BTreeMap, VecDeque};
use std::num::{NonZeroU32, NonZeroU64};
use std::time::Duration;

use bytes::Bytes;
use futures::Stream;
use mailwire_core::Secret;
use mailwire_core::sasl_client::{ClientMechanism, SaslCredentials};

use super::sasl_error;
use mailwire_imap::client::{Connection, EnqueueError, Event, Options};
use mailwire_imap::codec::Encode;
use mailwire_imap::types::{
    AString, AppendData, AppendMessage, Atom, AuthMechanism, Capability, Charset, Code,
    CommandBody, Data, DateTime, FetchAttribute, FetchModifier, Flag, FlagFetch, FlagPerm,
    GmailLabel, Greeting, GreetingKind, ListCharString, ListMailbox, ListReturnOption,
    ListSelectOption, Literal, MacroOrAttributes, Mailbox, MailboxList, MessageDataItem, ModSeq,
    ModSeqValzer, NamespaceDescription, Partial, QresyncParam, SearchKey, SearchReturnData,
    SearchReturnOption, Section, SelectParam, SequenceSet, SortCriterion, State, Status,
    StatusAttribute, StatusKind, StatusValue, StoreMode, StoreModifier, Tag, Text, ThreadAlgorithm,
    ThreadList, Vec1,
};
use mailwire_imap::types::{
    AclIdentifier, CompressionAlgorithm, CreateParam, GetMetadataOption, IdParams,
    MailboxAttribute, MetadataEntry, MetadataItems, MetadataValue, ModRights, QuotaLimit,
    QuotaResource, Rights,
};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::{ClientOptions, Error, MaybeTls, TlsSettings, Wire};

/// The untagged data of an [`Answer`] that matches a pattern, mapped.
macro_rules! pick {
    ($answer:expr, $pat:pat => $val:expr) => {
        $answer.data.into_iter().filter_map(|d| match d {
            $pat => Some($val),
            _ => None,
        })
    };
}

/// A change the server reported without being asked (RFC 9051 §7: server responses may come at
/// any time; §7.4 and §7.5 mailbox updates; RFC 7162 §3.2.10 VANISHED).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Unsolicited {
    /// `n EXISTS` (RFC 9051 §7.4.1): the mailbox now has `n` messages.
    Exists(u32),
    /// `n RECENT` (RFC 3501 §7.3.2).
    Recent(u32),
    /// `n EXPUNGE` (RFC 9051 §7.5.1): message `n` is gone; later numbers shift down.
    Expunge(NonZeroU32),
    /// `VANISHED uids` (RFC 7162 §3.2.10) with QRESYNC enabled: these UIDs are gone.
    Vanished(SequenceSet),
    /// `FLAGS (...)` (RFC 9051 §7.3.5): the mailbox's flags changed.
    Flags(Vec<Flag<'static>>),
    /// A FETCH the client did not ask for, usually a flag change (RFC 9051 §7.5.2).
    Fetch(Fetched),
    /// An untagged `OK`, `NO` or `BAD`: an alert or a warning (RFC 9051 §7.1).
    Status {
        /// OK, NO or BAD.
        kind: StatusKind,
        /// The response code (`ALERT`...).
        code: Option<Code<'static>>,
        /// The text.
        text: String,
    },
    /// `BYE` (RFC 9051 §7.1.5): the server is closing the connection.
    Bye {
        /// The response code.
        code: Option<Code<'static>>,
        /// The text.
        text: String,
    },
    /// A response that did not decode; the client skipped it (the error, with the bytes).
    Unparsed(String),
}

/// One message of a FETCH answer (RFC 9051 §7.5.2): its number and items, with accessors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// The message sequence number; `None` for a UIDFETCH response under UIDONLY (RFC 9586).
    pub seq: Option<NonZeroU32>,
    /// The items, as sent.
    pub items: Vec<MessageDataItem<'static>>,
}

impl Fetched {
    /// `UID` (RFC 9051 §7.5.2).
    pub fn uid(&self) -> Option<NonZeroU32> {
        self.items.iter().find_map(|i| match i {
            MessageDataItem::Uid(u) => Some(*u),
            _ => None,
        })
    }

    /// `FLAGS`.
    pub fn flags(&self) -> Option<&[FlagFetch<'static>]> {
        self.items.iter().find_map(|i| match i {
            MessageDataItem::Flags(f) => Some(f.as_slice()),
            _ => None,
        })
    }

    /// `RFC822.SIZE`.
    pub fn size(&self) -> Option<u64> {
        self.items.iter().find_map(|i| match i {
            MessageDataItem::Rfc822Size(s) => Some(*s),
            _ => None,
        })
    }

    /// `MODSEQ` (RFC 7162 §3.1.4.2).
    pub fn mod_seq(&self) -> Option<ModSeq> {
        self.items.iter().find_map(|i| match i {
            MessageDataItem::ModSeq(m) => Some(*m),
            _ => None,
        })
    }

    /// `INTERNALDATE`.
    pub fn internal_date(&self) -> Option<&DateTime> {
        self.items.iter().find_map(|i| match i {
            MessageDataItem::InternalDate(d) => Some(d),
            _ => None,
        })
    }

    /// The data of `BODY[section]<origin>` for `section` (`None` for `BODY[]`).
    pub fn section(&self, section: Option<&Section<'_>>) -> Option<&[u8]> {
        self.items.iter().find_map(|i| match i {
            MessageDataItem::BodySection {
                section: s, data, ..
            } if s.as_ref() == section => Some(data.as_bytes().unwrap_or_default()),
            _ => None,
        })
    }

    /// The whole message: `BODY[]`, `RFC822` or `BINARY[]`.
    pub fn body(&self) -> Option<&[u8]> {
        self.items.iter().find_map(|i| match i {
            MessageDataItem::BodySection {
                section: None,
                data,
                ..
            }
            | MessageDataItem::Rfc822(data) => Some(data.as_bytes().unwrap_or_default()),
            MessageDataItem::Binary { section, value, .. } if section.is_empty() => match value {
                mailwire_imap::types::BinaryData::NString(n) => {
                    Some(n.as_bytes().unwrap_or_default())
                }
                mailwire_imap::types::BinaryData::Literal8(l) => Some(&l.data[..]),
            },
            _ => None,
        })
    }

    /// Whether the message has `flag` in its `FLAGS` item.
    pub fn has_flag(&self, flag: &Flag<'_>) -> bool {
        self.flags().is_some_and(|f| {
            f.iter()
                .any(|x| matches!(x, FlagFetch::Flag(g) if g == flag))
        })
    }
}

/// The state of a mailbox after SELECT or EXAMINE (RFC 9051 §6.3.2; RFC 7162 §3.1.2, §3.2.5).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Selected {
    /// `EXISTS`.
    pub exists: u32,
    /// `RECENT` (IMAP4rev1 servers).
    pub recent: Option<u32>,
    /// `FLAGS`.
    pub flags: Vec<Flag<'static>>,
    /// `PERMANENTFLAGS`.
    pub permanent_flags: Vec<FlagPerm<'static>>,
    /// `UIDVALIDITY`.
    pub uid_validity: Option<NonZeroU32>,
    /// `UIDNEXT`.
    pub uid_next: Option<NonZeroU32>,
    /// `UNSEEN` (IMAP4rev1).
    pub unseen: Option<NonZeroU32>,
    /// `HIGHESTMODSEQ` (RFC 7162 §3.1.2.1).
    pub highest_mod_seq: Option<ModSeq>,
    /// `NOMODSEQ` (RFC 7162 §3.1.2.2): the mailbox keeps no mod-sequences.
    pub no_mod_seq: bool,
    /// `READ-ONLY` (EXAMINE, or no write access).
    pub read_only: bool,
    /// QRESYNC: `VANISHED (EARLIER)` UIDs since the known mod-sequence (RFC 7162 §3.2.5.1).
    pub vanished: Vec<SequenceSet>,
    /// QRESYNC: the messages changed since the known mod-sequence.
    pub changed: Vec<Fetched>,
}

/// What a command returned besides its completion.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Answer {
    /// The untagged data that answers the command (LIST, STATUS, SEARCH...; RFC 9051 §7).
    pub data: Vec<Data<'static>>,
    /// FETCH responses (for FETCH, STORE, and SELECT with QRESYNC).
    pub fetched: Vec<Fetched>,
    /// Codes of untagged `OK` responses (`UIDVALIDITY`, `HIGHESTMODSEQ`...).
    pub codes: Vec<Code<'static>>,
    /// The code of the tagged `OK`.
    pub code: Option<Code<'static>>,
    /// The text of the tagged `OK`.
    pub text: String,
}

/// The result of `[UID] STORE` with `UNCHANGEDSINCE` (RFC 7162 §3.1.3).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct StoreOutcome {
    /// The FETCH responses with the new flags (and MODSEQ).
    pub fetched: Vec<Fetched>,
    /// `MODIFIED`: the messages that changed since the given mod-sequence and were left alone.
    pub modified: Option<SequenceSet>,
}

/// What a client remembers of a mailbox between two syncs (RFC 7162 §3.2.5, §6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncState {
    /// The UIDVALIDITY seen last time.
    pub uid_validity: NonZeroU32,
    /// The HIGHESTMODSEQ seen last time.
    pub highest_mod_seq: ModSeq,
    /// The UIDs the client has (QRESYNC `known-uids`), if it wants to send them.
    pub known_uids: Option<SequenceSet>,
}

/// The changes since a [`SyncState`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SyncChanges {
    /// The mailbox as selected (with the new UIDVALIDITY and HIGHESTMODSEQ).
    pub selected: Selected,
    /// `true` when UIDVALIDITY changed (or no state was given): everything must be fetched
    /// again, `changed` and `vanished` are empty.
    pub full_resync: bool,
    /// Messages whose flags changed since the known mod-sequence (with UID, FLAGS and MODSEQ).
    pub changed: Vec<Fetched>,
    /// UIDs expunged since then; `None` when the server has CONDSTORE but not QRESYNC and so
    /// cannot tell (RFC 7162 §3.2).
    pub vanished: Option<Vec<SequenceSet>>,
    /// The state to keep for the next sync, if the mailbox has mod-sequences.
    pub state: Option<SyncState>,
}

/// How [`Idle`] keeps a long IDLE alive (RFC 2177 §3, RFC 9051 §6.3.13).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct IdleOptions {
    /// IDLE is ended with DONE and started again after this long (servers may log out a client
    /// after 30 minutes of inactivity, RFC 9051 §5.4). Default 29 minutes.
    pub restart: Duration,
    /// After this long without a byte from the server, DONE, NOOP (whose answer must come
    /// within the I/O timeout, so a dead connection is noticed) and IDLE again. Default `None`.
    pub keepalive: Option<Duration>,
    /// With a server that does not announce IDLE: how often to poll with NOOP. Default 1
    /// minute.
    pub poll_interval: Duration,
}

impl Default for IdleOptions {
    fn default() -> Self {
        IdleOptions {
            restart: Duration::from_secs(29 * 60),
            keepalive: None,
            poll_interval: Duration::from_secs(60),
        }
    }
}

impl IdleOptions {
    /// Sets [`IdleOptions::restart`].
    pub fn restart(mut self, d: Duration) -> Self {
        self.restart = d;
        self
    }

    /// Sets [`IdleOptions::keepalive`].
    pub fn keepalive(mut self, d: Option<Duration>) -> Self {
        self.keepalive = d;
        self
    }

    /// Sets [`IdleOptions::poll_interval`].
    pub fn poll_interval(mut self, d: Duration) -> Self {
        self.poll_interval = d;
        self
    }
}

/// Stops an [`Idle`] from another task: the watcher sends DONE, waits for the completion and
/// its `next()` returns `None`.
#[derive(Debug, Clone, Default)]
pub struct IdleStop(CancellationToken);

impl IdleStop {
    /// A fresh handle.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks the IDLE to end.
    pub fn stop(&self) {
        self.0.cancel();
    }

    /// Whether [`IdleStop::stop`] was called.
    pub fn is_stopped(&self) -> bool {
        self.0.is_cancelled()
    }
}

/// How a pipelined body download is cut ([`ImapClient::fetch_body_stream`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct BodyStreamOptions {
    /// Octets per partial FETCH (`BODY.PEEK[]<offset.count>`, RFC 9051 §6.4.5). Default 1 MiB.
    pub chunk_size: NonZeroU64,
    /// Partial FETCHes in flight at once (pipelining, RFC 9051 §5.5). Default 3.
    pub window: usize,
}

impl Default for BodyStreamOptions {
    fn default() -> Self {
        BodyStreamOptions {
            chunk_size: NonZeroU64::new(1 << 20).unwrap_or(NonZeroU64::MIN),
            window: 3,
        }
    }
}

/// What processing one event gave the caller waiting for a command.
enum Progress {
    Fetch(Fetched),
    Data(Data<'static>),
    Code(Code<'static>),
    Challenge(Secret<Vec<u8>>),
    IdleStarted,
    Done {
        kind: StatusKind,
        code: Option<Code<'static>>,
        text: Text<'static>,
    },
}

/// How untagged data is routed while a command runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// FETCH/STORE: FETCH responses are results.
    Fetch,
    /// SELECT/EXAMINE: EXISTS/FLAGS/RECENT describe the mailbox; QRESYNC FETCHes are results.
    Select,
    /// Anything else (and IDLE): FETCH responses are unsolicited.
    Other,
}

fn mode_of(body: &CommandBody<'_>) -> Mode {
    match body {
        CommandBody::Fetch { .. }
        | CommandBody::Store { .. }
        | CommandBody::StoreGmailLabels { .. } => Mode::Fetch,
        CommandBody::Select { .. } | CommandBody::Examine { .. } => Mode::Select,
        _ => Mode::Other,
    }
}

fn enqueue_error(e: EnqueueError) -> Error {
    match e {
        EnqueueError::Closing => Error::Closed,
        e => Error::Protocol(format!("cannot send the command: {e}")),
    }
}

fn rejection(kind: StatusKind, code: Option<Code<'static>>, text: Text<'static>) -> Error {
    let text = text.to_str_lossy().into_owned();
    match kind {
        StatusKind::Bad => Error::ImapBad { code, text },
        _ => Error::ImapNo { code, text },
    }
}

/// The wire name of a capability, for case-insensitive comparison.
fn capability_name(c: &Capability<'_>) -> String {
    String::from_utf8_lossy(&c.encode().dump()).into_owned()
}

/// Whether a FETCH response carries message content, which servers only send when asked.
fn carries_content(items: &[MessageDataItem<'_>]) -> bool {
    items.iter().any(|i| {
        matches!(
            i,
            MessageDataItem::BodySection { .. }
                | MessageDataItem::Binary { .. }
                | MessageDataItem::Rfc822(_)
                | MessageDataItem::Rfc822Text(_)
                | MessageDataItem::Rfc822Header(_)
        )
    })
}

/// `a:b` as a sequence set.
pub fn range(from: NonZeroU32, to: Option<NonZeroU32>) -> SequenceSet {
    use mailwire_imap::types::{SeqOrUid, Sequence};
    let to = to.map_or(SeqOrUid::Asterisk, SeqOrUid::Value);
    SequenceSet::Set(Vec1::one(Sequence::Range(SeqOrUid::Value(from), to)))
}

fn mailbox(name: &str, utf8: bool) -> Result<Mailbox<'static>, Error> {
    Ok(Mailbox::from_name(name, utf8)?)
}

fn list_pattern(pattern: &str) -> Result<ListMailbox<'static>, Error> {
    match ListCharString::new(pattern.to_string()) {
        Ok(t) => Ok(ListMailbox::Token(t)),
        Err(_) => Ok(ListMailbox::String(
            mailwire_imap::types::IString::from_bytes(pattern.as_bytes().to_vec())?,
        )),
    }
}

/// An async IMAP client session.
#[derive(Debug)]
pub struct ImapClient<S> {
    conn: Connection,
    wire: Wire<S>,
    greeting: Greeting<'static>,
    capabilities: Vec<Capability<'static>>,
    capabilities_fresh: bool,
    unsolicited: VecDeque<Unsolicited>,
    exists: u32,
    /// Commands whose caller went away (a dropped stream): their answers are skipped before the
    /// next command is sent.
    abandoned: VecDeque<Tag<'static>>,
    /// Pipelined commands not yet waited for, and completions of theirs that came early.
    pipelined: Vec<Tag<'static>>,
    early: Vec<(
        Tag<'static>,
        StatusKind,
        Option<Code<'static>>,
        Text<'static>,
    )>,
}

super::constructors!(ImapClient, "143 plain/STARTTLS, 993 implicit TLS", starttls);

impl<S: AsyncRead + AsyncWrite + Unpin> ImapClient<S> {
    async fn start(stream: MaybeTls<S>, options: &ClientOptions) -> Result<Self, Error> {
        let tls_active = matches!(stream, MaybeTls::Tls(_));
        let mut client = ImapClient {
            conn: Connection::new(Options {
                tls_active,
                ..Options::default()
            }),
            wire: Wire::new(stream, options),
            greeting: Greeting {
                kind: GreetingKind::Ok,
                code: None,
                text: Text::empty(),
            },
            capabilities: Vec::new(),
            capabilities_fresh: false,
            unsolicited: VecDeque::new(),
            exists: 0,
            abandoned: VecDeque::new(),
            pipelined: Vec::new(),
            early: Vec::new(),
        };
        loop {
            if let Event::Greeting(g) = client.next_event().await? {
                if g.kind == GreetingKind::Bye {
                    return Err(Error::ImapNo {
                        code: g.code,
                        text: g.text.to_str_lossy().into_owned(),
                    });
                }
                if let Some(Code::Capability(caps)) = &g.code {
                    client.set_capabilities(caps.as_slice());
                }
                client.greeting = g;
                break;
            }
        }
        if !client.capabilities_fresh {
            client.capability().await?;
        }
        Ok(client)
    }

    // ------------------------------------------------------------------ machinery

    /// Runs the machine without reading: the next event, or `None` when it needs input.
    async fn ready_event(&mut self) -> Result<Option<Event>, Error> {
        self.wire.ready_event(&mut self.conn).await
    }

    /// Runs the machine until it has an event, reading as needed.
    async fn next_event(&mut self) -> Result<Event, Error> {
        self.wire.next_event(&mut self.conn).await
    }

    fn set_capabilities(&mut self, caps: &[Capability<'static>]) {
        self.capabilities = caps.to_vec();
        self.capabilities_fresh = true;
        let literal_plus = self.has_capability("LITERAL+");
        self.conn.set_literal_plus(literal_plus);
    }

    /// Routes one event for the command `tag`; `None` when the caller has nothing to do.
    fn route(&mut self, ev: Event, tag: Option<&Tag<'static>>, mode: Mode) -> Option<Progress> {
        match ev {
            Event::Completed {
                tag: t,
                kind,
                code,
                text,
            } => {
                if Some(&t) != tag {
                    if self.pipelined.contains(&t) {
                        // A later pipelined command completed first (RFC 9051 §5.5).
                        self.early.push((t, kind, code, text));
                    } else {
                        tracing::debug!(tag = t.as_str(), "completion of an abandoned command");
                    }
                    return None;
                }
                if let Some(Code::Capability(caps)) = &code {
                    let caps = caps.as_slice().to_vec();
                    self.set_capabilities(&caps);
                }
                Some(Progress::Done { kind, code, text })
            }
            Event::Data(d) => self.route_data(d, mode),
            Event::Status(Status::Untagged { kind, code, text }) => {
                if let Some(Code::Capability(caps)) = &code {
                    let caps = caps.as_slice().to_vec();
                    self.set_capabilities(&caps);
                }
                let alert = matches!(code, Some(Code::Alert));
                if kind == StatusKind::Ok && !alert {
                    return code.map(Progress::Code);
                }
                self.unsolicited.push_back(Unsolicited::Status {
                    kind,
                    code,
                    text: text.to_str_lossy().into_owned(),
                });
                None
            }
            Event::Status(Status::Bye { code, text }) => {
                self.unsolicited.push_back(Unsolicited::Bye {
                    code,
                    text: text.to_str_lossy().into_owned(),
                });
                None
            }
            Event::Status(Status::Tagged {
                tag: t,
                kind,
                code,
                text,
            }) => self.route(
                Event::Completed {
                    tag: t,
                    kind,
                    code,
                    text,
                },
                tag,
                mode,
            ),
            Event::AuthChallenge { tag: t, data } if Some(&t) == tag => {
                Some(Progress::Challenge(data))
            }
            Event::AuthChallenge { .. } => {
                let _ = self.conn.authenticate_cancel();
                None
            }
            Event::IdleStarted { tag: t } if Some(&t) == tag => Some(Progress::IdleStarted),
            Event::IdleStarted { .. } => {
                let _ = self.conn.idle_done();
                None
            }
            Event::Failed(e) => {
                tracing::warn!(error = %e, "IMAP response skipped");
                self.unsolicited
                    .push_back(Unsolicited::Unparsed(e.to_string()));
                None
            }
            Event::Greeting(_) | Event::Continuation(_) => None,
            _ => None,
        }
    }

    fn route_data(&mut self, d: Data<'static>, mode: Mode) -> Option<Progress> {
        let changes = mode != Mode::Select;
        match d {
            Data::Capability(caps) => {
                let caps = caps.as_slice().to_vec();
                self.set_capabilities(&caps);
                Some(Progress::Data(Data::Capability(Vec1::try_from(caps).ok()?)))
            }
            Data::Exists(n) => {
                self.exists = n;
                if changes {
                    self.unsolicited.push_back(Unsolicited::Exists(n));
                }
                Some(Progress::Data(Data::Exists(n)))
            }
            Data::Recent(n) => {
                if changes {
                    self.unsolicited.push_back(Unsolicited::Recent(n));
                }
                Some(Progress::Data(Data::Recent(n)))
            }
            Data::Flags(f) => {
                if changes {
                    self.unsolicited.push_back(Unsolicited::Flags(f.clone()));
                }
                Some(Progress::Data(Data::Flags(f)))
            }
            Data::Expunge(n) => {
                self.exists = self.exists.saturating_sub(1);
                self.unsolicited.push_back(Unsolicited::Expunge(n));
                Some(Progress::Data(Data::Expunge(n)))
            }
            Data::Vanished { earlier, uids } => {
                if !earlier {
                    self.exists = self.exists.saturating_sub(count(&uids));
                    self.unsolicited
                        .push_back(Unsolicited::Vanished(uids.clone()));
                }
                Some(Progress::Data(Data::Vanished { earlier, uids }))
            }
            Data::Fetch { seq, items } => self.route_fetch(Some(seq), items.into_vec(), mode),
            Data::UidFetch { uid, items } => {
                let mut items = items.into_vec();
                if !items.iter().any(|i| matches!(i, MessageDataItem::Uid(_))) {
                    items.push(MessageDataItem::Uid(uid));
                }
                self.route_fetch(None, items, mode)
            }
            d => Some(Progress::Data(d)),
        }
    }

    fn route_fetch(
        &mut self,
        seq: Option<NonZeroU32>,
        items: Vec<MessageDataItem<'static>>,
        mode: Mode,
    ) -> Option<Progress> {
        let fetched = Fetched { seq, items };
        if mode != Mode::Other {
            return Some(Progress::Fetch(fetched));
        }
        if carries_content(&fetched.items) {
            // Content is only sent when asked for: an abandoned FETCH's data.
            tracing::debug!("FETCH data of an abandoned command");
            return None;
        }
        self.unsolicited.push_back(Unsolicited::Fetch(fetched));
        None
    }

    /// Waits for the next thing the caller of `tag` must see.
    async fn progress(&mut self, tag: &Tag<'static>, mode: Mode) -> Result<Progress, Error> {
        if let Some(i) = self.early.iter().position(|e| &e.0 == tag) {
            let (_, kind, code, text) = self.early.remove(i);
            return Ok(Progress::Done { kind, code, text });
        }
        loop {
            let ev = self.next_event().await?;
            if let Some(p) = self.route(ev, Some(tag), mode) {
                return Ok(p);
            }
        }
    }

    /// Waits for the completion of `tag`, collecting what answers it.
    async fn complete(&mut self, tag: &Tag<'static>, mode: Mode) -> Result<Answer, Error> {
        let mut answer = Answer::default();
        loop {
            match self.progress(tag, mode).await? {
                Progress::Fetch(f) => answer.fetched.push(f),
                Progress::Data(d) => answer.data.push(d),
                Progress::Code(c) => answer.codes.push(c),
                Progress::Challenge(_) | Progress::IdleStarted => {}
                Progress::Done { kind, code, text } => {
                    if kind != StatusKind::Ok {
                        return Err(rejection(kind, code, text));
                    }
                    answer.code = code;
                    answer.text = text.to_str_lossy().into_owned();
                    return Ok(answer);
                }
            }
        }
    }

    /// Skips what is left of abandoned commands, then enqueues `body`.
    async fn send(&mut self, body: CommandBody<'_>) -> Result<Tag<'static>, Error> {
        while let Some(tag) = self.abandoned.front().cloned() {
            while !matches!(
                self.progress(&tag, Mode::Other).await?,
                Progress::Done { .. }
            ) {}
            self.abandoned.pop_front();
        }
        self.conn.enqueue(body).map_err(enqueue_error)
    }

    /// Sends any command and returns what answered it: the generic form behind every typed
    /// method, for commands and extensions without one.
    pub async fn execute(&mut self, body: CommandBody<'_>) -> Result<Answer, Error> {
        let mode = mode_of(&body);
        let tag = self.send(body).await?;
        self.complete(&tag, mode).await
    }

    /// Sends `commands` at once (RFC 9051 §5.5; the connection holds back those that must wait,
    /// such as one after SELECT) and returns each answer in order: `Err` in the outer result for
    /// a broken connection, in the inner ones for `NO`/`BAD`. Untagged data is given to the
    /// command whose completion follows it, as servers answer pipelined commands in turn.
    pub async fn pipeline(
        &mut self,
        commands: Vec<CommandBody<'_>>,
    ) -> Result<Vec<Result<Answer, Error>>, Error> {
        let mut sent = Vec::with_capacity(commands.len());
        for body in commands {
            let mode = mode_of(&body);
            let tag = self.send(body).await?;
            self.pipelined.push(tag.clone());
            sent.push((tag, mode));
        }
        let mut out = Vec::with_capacity(sent.len());
        for (tag, mode) in sent {
            let answer = self.complete(&tag, mode).await;
            self.pipelined.retain(|t| t != &tag);
            match answer {
                Err(e @ (Error::ImapNo { .. } | Error::ImapBad { .. })) => out.push(Err(e)),
                Err(e) => {
                    self.pipelined.clear();
                    self.early.clear();
                    return Err(e);
                }
                Ok(a) => out.push(Ok(a)),
            }
        }
        Ok(out)
    }

    fn utf8_names(&self) -> bool {
        self.is_enabled("IMAP4rev2") || self.is_enabled("UTF8=ACCEPT")
    }

    fn mailbox(&self, name: &str) -> Result<Mailbox<'static>, Error> {
        mailbox(name, self.utf8_names())
    }

    // ------------------------------------------------------------------ state

    /// The greeting (RFC 9051 §7.1).
    pub fn greeting(&self) -> &Greeting<'static> {
        &self.greeting
    }

    /// The capabilities last announced (RFC 9051 §7.2.2).
    pub fn capabilities(&self) -> &[Capability<'static>] {
        &self.capabilities
    }

    /// Whether the server announced `name` (case-insensitive, e.g. `"IDLE"`, `"AUTH=PLAIN"`).
    pub fn has_capability(&self, name: &str) -> bool {
        self.capabilities
            .iter()
            .any(|c| capability_name(c).eq_ignore_ascii_case(name))
    }

    /// Whether `ENABLE` turned on `name` (RFC 5161).
    pub fn is_enabled(&self, name: &str) -> bool {
        self.conn.enabled().contains(name)
    }

    /// Whether COMPRESS=DEFLATE is active (RFC 4978).
    pub fn is_compressed(&self) -> bool {
        self.conn.is_compressed()
    }

    /// The connection state (RFC 9051 §3), as far as the completions tell.
    pub fn state(&self) -> State {
        self.conn.state()
    }

    /// `true` once the transport is TLS.
    pub fn is_tls(&self) -> bool {
        self.wire.is_tls()
    }

    /// The number of messages in the selected mailbox, kept up to date by EXISTS, EXPUNGE and
    /// VANISHED.
    pub fn exists(&self) -> u32 {
        self.exists
    }

    /// Takes the unsolicited responses received so far.
    pub fn take_unsolicited(&mut self) -> Vec<Unsolicited> {
        self.unsolicited.drain(..).collect()
    }

    // ------------------------------------------------------------------ any state

    /// `CAPABILITY` (RFC 9051 §6.1.1): reads the capabilities again.
    pub async fn capability(&mut self) -> Result<&[Capability<'static>], Error> {
        self.execute(CommandBody::Capability).await?;
        Ok(&self.capabilities)
    }

    /// `NOOP` (RFC 9051 §6.1.2): lets the server report changes (see
    /// [`ImapClient::take_unsolicited`]).
    pub async fn noop(&mut self) -> Result<(), Error> {
        self.execute(CommandBody::Noop).await.map(drop)
    }

    /// `LOGOUT` (RFC 9051 §6.1.3).
    pub async fn logout(mut self) -> Result<(), Error> {
        self.execute(CommandBody::Logout).await?;
        loop {
            match self.next_event().await {
                Err(Error::Closed) => return Ok(()),
                Err(e) => return Err(e),
                Ok(ev) => {
                    self.route(ev, None, Mode::Other);
                }
            }
        }
    }

    // ------------------------------------------------------------------ not authenticated

    /// `STARTTLS` (RFC 9051 §6.2.1): upgrades to TLS and reads the capabilities again (the ones
    /// sent in plaintext are discarded).
    pub async fn starttls(&mut self, tls: TlsSettings) -> Result<(), Error> {
        if !self.has_capability("STARTTLS") {
            return Err(Error::Unsupported("STARTTLS".into()));
        }
        self.wire.set_tls(tls);
        self.execute(CommandBody::StartTls).await?;
        // The machine asks for the upgrade before it reads anything else.
        while let Some(ev) = self.ready_event().await? {
            self.route(ev, None, Mode::Other);
        }
        if !self.wire.is_tls() {
            return Err(Error::Protocol("no TLS upgrade after STARTTLS".into()));
        }
        self.capabilities.clear();
        self.capability().await.map(drop)
    }

    /// `LOGIN user password` (RFC 9051 §6.2.3); then the capabilities are refreshed.
    pub async fn login(&mut self, user: &str, password: &Secret<String>) -> Result<(), Error> {
        if self.has_capability("LOGINDISABLED") {
            return Err(Error::Unsupported("LOGIN (LOGINDISABLED)".into()));
        }
        let body = CommandBody::Login {
            username: AString::from_bytes(user.as_bytes().to_vec())?,
            password: Secret::new(AString::from_bytes(password.expose().as_bytes().to_vec())?),
        };
        self.capabilities_fresh = false;
        self.execute(body).await?;
        self.after_login().await
    }

    async fn after_login(&mut self) -> Result<(), Error> {
        if !self.capabilities_fresh {
            self.capability().await?;
        }
        Ok(())
    }

    /// `AUTHENTICATE` (RFC 9051 §6.2.2) with PLAIN, LOGIN, XOAUTH2, OAUTHBEARER or SCRAM-SHA-256
    /// (RFC 7677); the initial response goes with the command when the server has SASL-IR
    /// (RFC 4959). A SCRAM server whose signature is wrong or missing is an error
    /// ([`Error::Sasl`]) even if it answered `OK`.
    pub async fn authenticate(&mut self, credentials: &SaslCredentials) -> Result<(), Error> {
        let mut exchange = ClientMechanism::start(credentials).map_err(sasl_error)?;
        let mechanism = AuthMechanism::new(exchange.mechanism())?;
        let initial_response = if self.has_capability("SASL-IR") {
            exchange.initial_response()
        } else {
            None
        };
        self.capabilities_fresh = false;
        let tag = self
            .send(CommandBody::Authenticate {
                mechanism,
                initial_response,
            })
            .await?;
        // A SCRAM server that fails to prove itself: the exchange is cancelled (RFC 9051
        // §6.2.2 `*`) and the error reported whatever the server answers then.
        let mut failure = None;
        loop {
            match self.progress(&tag, Mode::Other).await? {
                Progress::Challenge(data) => match exchange.respond(data.expose()) {
                    Ok(answer) => self
                        .conn
                        .authenticate_respond(answer.expose())
                        .map_err(|e| Error::Protocol(e.to_string()))?,
                    Err(e) => {
                        failure = Some(sasl_error(e));
                        self.conn
                            .authenticate_cancel()
                            .map_err(|e| Error::Protocol(e.to_string()))?;
                    }
                },
                Progress::Done { kind, code, text } => {
                    if let Some(e) = failure {
                        return Err(e);
                    }
                    if kind != StatusKind::Ok {
                        return Err(rejection(kind, code, text));
                    }
                    exchange.finish().map_err(sasl_error)?;
                    break;
                }
                _ => {}
            }
        }
        self.after_login().await
    }

    // ------------------------------------------------------------------ authenticated

    /// `ENABLE` (RFC 5161, RFC 9051 §6.3.1): returns the capabilities the server enabled.
    pub async fn enable(&mut self, capabilities: &[&str]) -> Result<Vec<String>, Error> {
        let atoms = capabilities
            .iter()
            .map(|c| Atom::new(c.to_string()))
            .collect::<Result<Vec<_>, _>>()?;
        let atoms =
            Vec1::try_from(atoms).map_err(|_| Error::Invalid("nothing to enable".into()))?;
        let answer = self.execute(CommandBody::Enable(atoms)).await?;
        Ok(answer
            .data
            .iter()
            .filter_map(|d| match d {
                Data::Enabled(a) => Some(a.iter().map(|a| a.as_str().to_string())),
                _ => None,
            })
            .flatten()
            .collect())
    }

    /// `SELECT mailbox` (RFC 9051 §6.3.2).
    pub async fn select(&mut self, name: &str) -> Result<Selected, Error> {
        self.select_with(name, Vec::new(), false).await
    }

    /// `EXAMINE mailbox` (RFC 9051 §6.3.3): read-only.
    pub async fn examine(&mut self, name: &str) -> Result<Selected, Error> {
        self.select_with(name, Vec::new(), true).await
    }

    /// `SELECT mailbox (CONDSTORE)` (RFC 7162 §3.1.8).
    pub async fn select_condstore(&mut self, name: &str) -> Result<Selected, Error> {
        self.select_with(name, vec![SelectParam::Condstore], false)
            .await
    }

    /// `SELECT`/`EXAMINE` with parameters (RFC 4466 §2.1; CONDSTORE and QRESYNC, RFC 7162).
    pub async fn select_with(
        &mut self,
        name: &str,
        params: Vec<SelectParam<'_>>,
        read_only: bool,
    ) -> Result<Selected, Error> {
        let mailbox = self.mailbox(name)?;
        let body = if read_only {
            CommandBody::Examine { mailbox, params }
        } else {
            CommandBody::Select { mailbox, params }
        };
        self.exists = 0;
        let answer = self.execute(body).await?;
        Ok(selected_from(answer))
    }

    /// `CREATE mailbox` (RFC 9051 §6.3.4).
    pub async fn create(&mut self, name: &str) -> Result<(), Error> {
        let m = self.mailbox(name)?;
        self.execute(CommandBody::Create(m)).await.map(drop)
    }

    /// `DELETE mailbox` (RFC 9051 §6.3.5).
    pub async fn delete(&mut self, name: &str) -> Result<(), Error> {
        let m = self.mailbox(name)?;
        self.execute(CommandBody::Delete(m)).await.map(drop)
    }

    /// `RENAME from to` (RFC 9051 §6.3.6).
    pub async fn rename(&mut self, from: &str, to: &str) -> Result<(), Error> {
        let (from, to) = (self.mailbox(from)?, self.mailbox(to)?);
        self.execute(CommandBody::Rename { from, to })
            .await
            .map(drop)
    }

    /// `SUBSCRIBE mailbox` (RFC 9051 §6.3.7).
    pub async fn subscribe(&mut self, name: &str) -> Result<(), Error> {
        let m = self.mailbox(name)?;
        self.execute(CommandBody::Subscribe(m)).await.map(drop)
    }

    /// `UNSUBSCRIBE mailbox` (RFC 9051 §6.3.8).
    pub async fn unsubscribe(&mut self, name: &str) -> Result<(), Error> {
        let m = self.mailbox(name)?;
        self.execute(CommandBody::Unsubscribe(m)).await.map(drop)
    }

    /// `LIST reference pattern` (RFC 9051 §6.3.9).
    pub async fn list(
        &mut self,
        reference: &str,
        pattern: &str,
    ) -> Result<Vec<MailboxList<'static>>, Error> {
        self.list_extended(None, reference, &[pattern], None).await
    }

    /// `LIST (selection) reference (patterns) RETURN (options)` (RFC 5258, RFC 6154, RFC 5819).
    pub async fn list_extended(
        &mut self,
        selection: Option<Vec<ListSelectOption<'_>>>,
        reference: &str,
        patterns: &[&str],
        returns: Option<Vec<ListReturnOption<'_>>>,
    ) -> Result<Vec<MailboxList<'static>>, Error> {
        let patterns = patterns
            .iter()
            .map(|p| list_pattern(p))
            .collect::<Result<Vec<_>, _>>()?;
        let patterns =
            Vec1::try_from(patterns).map_err(|_| Error::Invalid("no LIST pattern".into()))?;
        let body = CommandBody::List {
            selection,
            reference: self.mailbox(reference).or_else(|_| {
                Ok::<_, Error>(Mailbox::from_astring(AString::from_bytes(
                    reference.as_bytes().to_vec(),
                )?))
            })?,
            patterns_parenthesized: patterns.len() > 1,
            patterns,
            returns,
        };
        let answer = self.execute(body).await?;
        Ok(pick!(answer, Data::List(l) => l).collect())
    }

    /// `LSUB reference pattern` (RFC 3501 §6.3.9).
    pub async fn lsub(
        &mut self,
        reference: &str,
        pattern: &str,
    ) -> Result<Vec<MailboxList<'static>>, Error> {
        let body = CommandBody::Lsub {
            reference: Mailbox::from_astring(AString::from_bytes(reference.as_bytes().to_vec())?),
            pattern: list_pattern(pattern)?,
        };
        let answer = self.execute(body).await?;
        Ok(pick!(answer, Data::Lsub(l) => l).collect())
    }

    /// `NAMESPACE` (RFC 9051 §6.3.10, RFC 2342): personal, other users' and shared namespaces.
    pub async fn namespace(&mut self) -> Result<Namespaces, Error> {
        let answer = self.execute(CommandBody::Namespace).await?;
        for d in answer.data {
            if let Data::Namespace {
                personal,
                other,
                shared,
            } = d
            {
                let v = |n: Option<Vec1<NamespaceDescription<'static>>>| {
                    n.map(Vec1::into_vec).unwrap_or_default()
                };
                return Ok(Namespaces {
                    personal: v(personal),
                    other: v(other),
                    shared: v(shared),
                });
            }
        }
        Err(Error::Protocol("no NAMESPACE response".into()))
    }

    /// `STATUS mailbox (attributes)` (RFC 9051 §6.3.11).
    pub async fn status(
        &mut self,
        name: &str,
        attributes: &[StatusAttribute],
    ) -> Result<Vec<StatusValue>, Error> {
        let attributes = Vec1::try_from(attributes.to_vec())
            .map_err(|_| Error::Invalid("no STATUS attribute".into()))?;
        let mailbox = self.mailbox(name)?;
        let answer = self
            .execute(CommandBody::Status {
                mailbox,
                attributes,
            })
            .await?;
        Ok(pick!(answer, Data::Status { values, .. } => values)
            .flatten()
            .collect())
    }

    /// `APPEND mailbox [(flags)] [date] message` (RFC 9051 §6.3.12). Returns the `APPENDUID`
    /// (RFC 4315) UIDVALIDITY and UID when the server sends them. The literal waits for the
    /// server's `+` unless it has LITERAL+ (RFC 7888).
    pub async fn append(
        &mut self,
        name: &str,
        flags: Option<Vec<Flag<'_>>>,
        date: Option<DateTime>,
        message: &[u8],
    ) -> Result<Option<(NonZeroU32, SequenceSet)>, Error> {
        let mut m = AppendMessage::new(AppendData::Literal(Literal::new(message.to_vec())?));
        m.flags = flags;
        m.date = date;
        self.multiappend(name, vec![m]).await
    }

    /// `APPEND` of several messages at once (MULTIAPPEND, RFC 3502): all or none are added.
    pub async fn multiappend(
        &mut self,
        name: &str,
        messages: Vec<AppendMessage<'_>>,
    ) -> Result<Option<(NonZeroU32, SequenceSet)>, Error> {
        let messages =
            Vec1::try_from(messages).map_err(|_| Error::Invalid("no message to append".into()))?;
        let mailbox = self.mailbox(name)?;
        let answer = self
            .execute(CommandBody::Append { mailbox, messages })
            .await?;
        Ok(match answer.code {
            Some(Code::AppendUid { uid_validity, uids }) => Some((uid_validity, uids)),
            _ => None,
        })
    }

    /// Starts IDLE (RFC 2177, RFC 9051 §6.3.13) with the default [`IdleOptions`].
    pub fn idle(&mut self) -> Idle<'_, S> {
        self.idle_with(IdleOptions::default(), IdleStop::new())
    }

    /// Starts IDLE with options and a stop handle that another task may use.
    pub fn idle_with(&mut self, options: IdleOptions, stop: IdleStop) -> Idle<'_, S> {
        Idle {
            client: self,
            options,
            stop,
            tag: None,
            started: Instant::now(),
            last_rx: Instant::now(),
            finished: false,
        }
    }

    // ------------------------------------------------------------------ selected

    /// `CHECK` (RFC 3501 §6.4.1).
    pub async fn check(&mut self) -> Result<(), Error> {
        self.execute(CommandBody::Check).await.map(drop)
    }

    /// `CLOSE` (RFC 9051 §6.4.1): expunges `\Deleted` messages silently and unselects.
    pub async fn close(&mut self) -> Result<(), Error> {
        self.execute(CommandBody::Close).await.map(drop)
    }

    /// `UNSELECT` (RFC 3691, RFC 9051 §6.4.2).
    pub async fn unselect(&mut self) -> Result<(), Error> {
        self.execute(CommandBody::Unselect).await.map(drop)
    }

    /// `EXPUNGE` (RFC 9051 §6.4.3): the sequence numbers expunged, in the order reported.
    pub async fn expunge(&mut self) -> Result<Vec<NonZeroU32>, Error> {
        let answer = self.execute(CommandBody::Expunge).await?;
        Ok(expunged(&answer))
    }

    /// `UID EXPUNGE set` (RFC 4315, RFC 9051 §6.4.9): the sequence numbers expunged (empty when
    /// the server answers with VANISHED under QRESYNC; see [`ImapClient::take_unsolicited`]).
    pub async fn uid_expunge(&mut self, uids: SequenceSet) -> Result<Vec<NonZeroU32>, Error> {
        let answer = self.execute(CommandBody::UidExpunge(uids)).await?;
        Ok(expunged(&answer))
    }

    /// `SEARCH keys` (RFC 9051 §6.4.4): matching sequence numbers.
    pub async fn search(&mut self, criteria: Vec<SearchKey<'_>>) -> Result<Vec<u32>, Error> {
        self.search_inner(false, criteria).await
    }

    /// `UID SEARCH keys`: matching UIDs.
    pub async fn uid_search(&mut self, criteria: Vec<SearchKey<'_>>) -> Result<Vec<u32>, Error> {
        self.search_inner(true, criteria).await
    }

    async fn search_inner(
        &mut self,
        uid: bool,
        criteria: Vec<SearchKey<'_>>,
    ) -> Result<Vec<u32>, Error> {
        let criteria =
            Vec1::try_from(criteria).map_err(|_| Error::Invalid("no search key".into()))?;
        let answer = self
            .execute(CommandBody::Search {
                uid,
                returns: None,
                charset: None,
                criteria,
            })
            .await?;
        Ok(numbers(&answer))
    }

    /// `[UID] SEARCH RETURN (options) [CHARSET c] keys` (ESEARCH, RFC 4731; RFC 9051): the
    /// return data (MIN, MAX, ALL, COUNT, MODSEQ).
    pub async fn esearch(
        &mut self,
        uid: bool,
        returns: Vec<SearchReturnOption<'_>>,
        charset: Option<Charset<'_>>,
        criteria: Vec<SearchKey<'_>>,
    ) -> Result<Vec<SearchReturnData<'static>>, Error> {
        let criteria =
            Vec1::try_from(criteria).map_err(|_| Error::Invalid("no search key".into()))?;
        let answer = self
            .execute(CommandBody::Search {
                uid,
                returns: Some(returns),
                charset,
                criteria,
            })
            .await?;
        Ok(pick!(answer, Data::ESearch { data, .. } => data)
            .flatten()
            .collect())
    }

    /// `FETCH set attributes` (RFC 9051 §6.4.5): all answers in memory. See
    /// [`ImapClient::fetch_stream`] for large ranges.
    pub async fn fetch(
        &mut self,
        set: SequenceSet,
        attributes: MacroOrAttributes<'_>,
    ) -> Result<Vec<Fetched>, Error> {
        self.fetch_with(false, set, attributes, Vec::new()).await
    }

    /// `UID FETCH set attributes` (RFC 9051 §6.4.9).
    pub async fn uid_fetch(
        &mut self,
        set: SequenceSet,
        attributes: MacroOrAttributes<'_>,
    ) -> Result<Vec<Fetched>, Error> {
        self.fetch_with(true, set, attributes, Vec::new()).await
    }

    /// `[UID] FETCH` with modifiers (CHANGEDSINCE, VANISHED; RFC 7162 §3.1.4.1, §3.2.6).
    pub async fn fetch_with(
        &mut self,
        uid: bool,
        set: SequenceSet,
        attributes: MacroOrAttributes<'_>,
        modifiers: Vec<FetchModifier<'_>>,
    ) -> Result<Vec<Fetched>, Error> {
        let answer = self
            .execute(CommandBody::Fetch {
                uid,
                set,
                attributes,
                modifiers,
            })
            .await?;
        Ok(answer.fetched)
    }

    /// `FETCH` as a stream: messages are yielded as their responses arrive, never collected.
    pub fn fetch_stream<'a>(
        &'a mut self,
        set: SequenceSet,
        attributes: MacroOrAttributes<'a>,
    ) -> impl Stream<Item = Result<Fetched, Error>> + Unpin + 'a {
        self.fetch_stream_with(false, set, attributes, Vec::new())
    }

    /// `UID FETCH` as a stream.
    pub fn uid_fetch_stream<'a>(
        &'a mut self,
        set: SequenceSet,
        attributes: MacroOrAttributes<'a>,
    ) -> impl Stream<Item = Result<Fetched, Error>> + Unpin + 'a {
        self.fetch_stream_with(true, set, attributes, Vec::new())
    }

    /// `[UID] FETCH` with modifiers as a stream.
    pub fn fetch_stream_with<'a>(
        &'a mut self,
        uid: bool,
        set: SequenceSet,
        attributes: MacroOrAttributes<'a>,
        modifiers: Vec<FetchModifier<'a>>,
    ) -> impl Stream<Item = Result<Fetched, Error>> + Unpin + 'a {
        let state = FetchStream {
            client: self,
            start: Some(CommandBody::Fetch {
                uid,
                set,
                attributes,
                modifiers,
            }),
            tag: None,
        };
        Box::pin(futures::stream::try_unfold(state, |mut s| async move {
            Ok(s.next().await?.map(|f| (f, s)))
        }))
    }

    /// A message's content (`BODY.PEEK[section]`, the whole message for `None`) as a stream of
    /// chunks, downloaded with pipelined partial FETCHes (RFC 9051 §6.4.5 `<offset.count>`), so
    /// the message is never held whole, by the client or by the decoder.
    pub fn fetch_body_stream<'a>(
        &'a mut self,
        uid: NonZeroU32,
        section: Option<Section<'static>>,
        options: BodyStreamOptions,
    ) -> impl Stream<Item = Result<Bytes, Error>> + Unpin + 'a {
        let state = PartialDownload {
            client: self,
            uid,
            section,
            chunk: options.chunk_size,
            window: options.window.max(1),
            next_request: 0,
            next_yield: 0,
            in_flight: VecDeque::new(),
            received: BTreeMap::new(),
            end: None,
        };
        Box::pin(futures::stream::try_unfold(state, |mut s| async move {
            Ok(s.next_chunk().await?.map(|c| (c, s)))
        }))
    }

    /// `STORE set [+-]FLAGS[.SILENT] flags` (RFC 9051 §6.4.6): the FETCH responses with the new
    /// flags (none with `silent`).
    pub async fn store(
        &mut self,
        set: SequenceSet,
        mode: StoreMode,
        flags: Vec<Flag<'_>>,
        silent: bool,
    ) -> Result<Vec<Fetched>, Error> {
        Ok(self
            .store_with(false, set, Vec::new(), mode, flags, silent)
            .await?
            .fetched)
    }

    /// `UID STORE set [+-]FLAGS[.SILENT] flags`.
    pub async fn uid_store(
        &mut self,
        set: SequenceSet,
        mode: StoreMode,
        flags: Vec<Flag<'_>>,
        silent: bool,
    ) -> Result<Vec<Fetched>, Error> {
        Ok(self
            .store_with(true, set, Vec::new(), mode, flags, silent)
            .await?
            .fetched)
    }

    /// `[UID] STORE` with modifiers (`UNCHANGEDSINCE`, RFC 7162 §3.1.3); the `MODIFIED` set comes
    /// back in the outcome.
    pub async fn store_with(
        &mut self,
        uid: bool,
        set: SequenceSet,
        modifiers: Vec<StoreModifier<'_>>,
        mode: StoreMode,
        flags: Vec<Flag<'_>>,
        silent: bool,
    ) -> Result<StoreOutcome, Error> {
        let answer = self
            .execute(CommandBody::Store {
                uid,
                set,
                modifiers,
                mode,
                silent,
                parenthesized: true,
                flags,
            })
            .await?;
        Ok(StoreOutcome {
            modified: match &answer.code {
                Some(Code::Modified(s)) => Some(s.clone()),
                _ => None,
            },
            fetched: answer.fetched,
        })
    }

    /// `UID STORE set (UNCHANGEDSINCE m) ...` (RFC 7162 §3.1.3): changes flags only of messages
    /// not modified since `unchanged_since`.
    pub async fn uid_store_unchanged_since(
        &mut self,
        set: SequenceSet,
        unchanged_since: ModSeqValzer,
        mode: StoreMode,
        flags: Vec<Flag<'_>>,
    ) -> Result<StoreOutcome, Error> {
        self.store_with(
            true,
            set,
            vec![StoreModifier::UnchangedSince(unchanged_since)],
            mode,
            flags,
            false,
        )
        .await
    }

    /// `[UID] STORE set [+-]X-GM-LABELS labels` (Gmail X-GM-EXT-1).
    pub async fn store_gmail_labels(
        &mut self,
        uid: bool,
        set: SequenceSet,
        mode: StoreMode,
        labels: Vec<GmailLabel<'_>>,
    ) -> Result<Vec<Fetched>, Error> {
        let answer = self
            .execute(CommandBody::StoreGmailLabels {
                uid,
                set,
                modifiers: Vec::new(),
                mode,
                silent: false,
                labels,
                parenthesized: true,
            })
            .await?;
        Ok(answer.fetched)
    }

    /// `COPY set mailbox` (RFC 9051 §6.4.7): the `COPYUID` (RFC 4315) if sent.
    pub async fn copy(&mut self, set: SequenceSet, to: &str) -> Result<Option<CopyUid>, Error> {
        self.copy_or_move(false, false, set, to).await
    }

    /// `UID COPY set mailbox`.
    pub async fn uid_copy(&mut self, set: SequenceSet, to: &str) -> Result<Option<CopyUid>, Error> {
        self.copy_or_move(false, true, set, to).await
    }

    /// `MOVE set mailbox` (RFC 6851, RFC 9051 §6.4.8).
    pub async fn r#move(&mut self, set: SequenceSet, to: &str) -> Result<Option<CopyUid>, Error> {
        self.copy_or_move(true, false, set, to).await
    }

    /// `UID MOVE set mailbox`.
    pub async fn uid_move(&mut self, set: SequenceSet, to: &str) -> Result<Option<CopyUid>, Error> {
        self.copy_or_move(true, true, set, to).await
    }

    async fn copy_or_move(
        &mut self,
        moving: bool,
        uid: bool,
        set: SequenceSet,
        to: &str,
    ) -> Result<Option<CopyUid>, Error> {
        let mailbox = self.mailbox(to)?;
        let body = if moving {
            CommandBody::Move { uid, set, mailbox }
        } else {
            CommandBody::Copy { uid, set, mailbox }
        };
        let answer = self.execute(body).await?;
        // MOVE sends COPYUID in an untagged OK before the expunges (RFC 6851 §4.3).
        Ok(answer
            .code
            .iter()
            .chain(answer.codes.iter())
            .find_map(|c| match c {
                Code::CopyUid {
                    uid_validity,
                    source,
                    destination,
                } => Some(CopyUid {
                    uid_validity: *uid_validity,
                    source: source.clone(),
                    destination: destination.clone(),
                }),
                _ => None,
            }))
    }

    /// `[UID] SORT (criteria) charset keys` (RFC 5256 §3): the numbers in sorted order.
    pub async fn sort(
        &mut self,
        uid: bool,
        criteria: Vec<SortCriterion<'_>>,
        charset: Charset<'_>,
        keys: Vec<SearchKey<'_>>,
    ) -> Result<Vec<u32>, Error> {
        let criteria =
            Vec1::try_from(criteria).map_err(|_| Error::Invalid("no sort criterion".into()))?;
        let keys = Vec1::try_from(keys).map_err(|_| Error::Invalid("no search key".into()))?;
        let answer = self
            .execute(CommandBody::Sort {
                uid,
                returns: None,
                criteria,
                charset,
                keys,
            })
            .await?;
        Ok(numbers(&answer))
    }

    /// `[UID] THREAD algorithm charset keys` (RFC 5256 §3).
    pub async fn thread(
        &mut self,
        uid: bool,
        algorithm: ThreadAlgorithm<'_>,
        charset: Charset<'_>,
        keys: Vec<SearchKey<'_>>,
    ) -> Result<Vec<ThreadList>, Error> {
        let keys = Vec1::try_from(keys).map_err(|_| Error::Invalid("no search key".into()))?;
        let answer = self
            .execute(CommandBody::Thread {
                uid,
                algorithm,
                charset,
                keys,
            })
            .await?;
        Ok(pick!(answer, Data::Thread(t) => t).flatten().collect())
    }

    // ------------------------------------------------------------------ administrative extensions

    /// `ID` (RFC 2971 §3.1): tells the server who the client is (no fields: `NIL`) and returns
    /// what the server says about itself (`None` for `NIL` or no answer).
    pub async fn id(
        &mut self,
        fields: &[(&str, Option<&str>)],
    ) -> Result<Option<IdParams<'static>>, Error> {
        let params = if fields.is_empty() {
            IdParams::NIL
        } else {
            IdParams::from_pairs(fields)?
        };
        let answer = self.execute(CommandBody::Id(params)).await?;
        Ok(pick!(answer, Data::Id(p) => p).next())
    }

    /// `CREATE mailbox (USE (attributes))` (RFC 6154 §3, CREATE-SPECIAL-USE): a mailbox for a
    /// special use such as `\Archive`.
    pub async fn create_special_use(
        &mut self,
        name: &str,
        uses: Vec<MailboxAttribute<'_>>,
    ) -> Result<(), Error> {
        let mailbox = self.mailbox(name)?;
        self.execute(CommandBody::CreateWithParams {
            mailbox,
            params: Vec1::one(CreateParam::Use(uses)),
        })
        .await
        .map(drop)
    }

    /// `GETQUOTA root` (RFC 9208 §4.1.1): the resources of a quota root.
    pub async fn get_quota(&mut self, root: &str) -> Result<Vec<QuotaResource<'static>>, Error> {
        let root = AString::from_bytes(root.as_bytes().to_vec())?;
        let answer = self.execute(CommandBody::GetQuota(root)).await?;
        Ok(pick!(answer, Data::Quota { resources, .. } => resources)
            .flatten()
            .collect())
    }

    /// `GETQUOTAROOT mailbox` (RFC 9208 §4.1.2): the mailbox's quota roots, each with its
    /// resources.
    pub async fn get_quota_root(&mut self, name: &str) -> Result<Vec<Quota>, Error> {
        let mailbox = self.mailbox(name)?;
        let answer = self.execute(CommandBody::GetQuotaRoot(mailbox)).await?;
        let mut roots: Vec<Quota> = Vec::new();
        for d in answer.data {
            match d {
                Data::QuotaRoot { roots: r, .. } => roots.extend(r.into_iter().map(|root| Quota {
                    root,
                    resources: Vec::new(),
                })),
                Data::Quota { root, resources } => {
                    match roots.iter_mut().find(|q| q.root == root) {
                        Some(q) => q.resources = resources,
                        None => roots.push(Quota { root, resources }),
                    }
                }
                _ => {}
            }
        }
        Ok(roots)
    }

    /// `SETQUOTA root (limits)` (RFC 9208 §4.1.3): the resources as the server now has them.
    pub async fn set_quota(
        &mut self,
        root: &str,
        limits: Vec<QuotaLimit<'_>>,
    ) -> Result<Vec<QuotaResource<'static>>, Error> {
        let root = AString::from_bytes(root.as_bytes().to_vec())?;
        let answer = self.execute(CommandBody::SetQuota { root, limits }).await?;
        Ok(pick!(answer, Data::Quota { resources, .. } => resources)
            .flatten()
            .collect())
    }

    /// `GETMETADATA [(options)] mailbox (entries)` (RFC 5464 §4.2); `""` names the server.
    pub async fn get_metadata(
        &mut self,
        name: &str,
        options: Vec<GetMetadataOption<'_>>,
        entries: Vec<MetadataEntry<'_>>,
    ) -> Result<Vec<(MetadataEntry<'static>, MetadataValue<'static>)>, Error> {
        let entries =
            Vec1::try_from(entries).map_err(|_| Error::Invalid("no metadata entry".into()))?;
        let body = CommandBody::GetMetadata {
            options: Vec1::try_from(options).ok(),
            mailbox: self.metadata_mailbox(name)?,
            entries_parenthesized: entries.len() > 1,
            entries,
        };
        let answer = self.execute(body).await?;
        Ok(
            pick!(answer, Data::Metadata { items: MetadataItems::Values(v), .. } => v.into_vec())
                .flatten()
                .collect(),
        )
    }

    /// `SETMETADATA mailbox (entry value ...)` (RFC 5464 §4.3); a `NIL` value removes the entry.
    pub async fn set_metadata(
        &mut self,
        name: &str,
        values: Vec<(MetadataEntry<'_>, MetadataValue<'_>)>,
    ) -> Result<(), Error> {
        let values =
            Vec1::try_from(values).map_err(|_| Error::Invalid("no metadata entry".into()))?;
        let mailbox = self.metadata_mailbox(name)?;
        self.execute(CommandBody::SetMetadata { mailbox, values })
            .await
            .map(drop)
    }

    /// The mailbox of a METADATA command: `""` names the server (RFC 5464 §4.2).
    fn metadata_mailbox(&self, name: &str) -> Result<Mailbox<'static>, Error> {
        if name.is_empty() {
            return Ok(Mailbox::from_astring(AString::from_bytes(Vec::new())?));
        }
        self.mailbox(name)
    }

    /// `SETACL mailbox identifier rights` (RFC 4314 §3.1); `rights` may start with `+` or `-`.
    pub async fn set_acl(
        &mut self,
        name: &str,
        identifier: &str,
        rights: &str,
    ) -> Result<(), Error> {
        let mailbox = self.mailbox(name)?;
        let body = CommandBody::SetAcl {
            mailbox,
            identifier: acl_identifier(identifier)?,
            rights: ModRights::new(AString::from_bytes(rights.as_bytes().to_vec())?)?,
        };
        self.execute(body).await.map(drop)
    }

    /// `DELETEACL mailbox identifier` (RFC 4314 §3.2).
    pub async fn delete_acl(&mut self, name: &str, identifier: &str) -> Result<(), Error> {
        let mailbox = self.mailbox(name)?;
        let identifier = acl_identifier(identifier)?;
        self.execute(CommandBody::DeleteAcl {
            mailbox,
            identifier,
        })
        .await
        .map(drop)
    }

    /// `GETACL mailbox` (RFC 4314 §3.3): each identifier with its rights.
    pub async fn get_acl(
        &mut self,
        name: &str,
    ) -> Result<Vec<(AclIdentifier<'static>, Rights<'static>)>, Error> {
        let mailbox = self.mailbox(name)?;
        let answer = self.execute(CommandBody::GetAcl(mailbox)).await?;
        Ok(pick!(answer, Data::Acl { entries, .. } => entries)
            .flatten()
            .collect())
    }

    /// `LISTRIGHTS mailbox identifier` (RFC 4314 §3.4): the rights always granted and the
    /// groups that may be granted.
    pub async fn list_rights(
        &mut self,
        name: &str,
        identifier: &str,
    ) -> Result<(Rights<'static>, Vec<Rights<'static>>), Error> {
        let mailbox = self.mailbox(name)?;
        let identifier = acl_identifier(identifier)?;
        let answer = self
            .execute(CommandBody::ListRights {
                mailbox,
                identifier,
            })
            .await?;
        pick!(answer, Data::ListRights { required, optional, .. } => (required, optional))
            .next()
            .ok_or_else(|| Error::Protocol("no LISTRIGHTS response".into()))
    }

    /// `MYRIGHTS mailbox` (RFC 4314 §3.5).
    pub async fn my_rights(&mut self, name: &str) -> Result<Rights<'static>, Error> {
        let mailbox = self.mailbox(name)?;
        let answer = self.execute(CommandBody::MyRights(mailbox)).await?;
        pick!(answer, Data::MyRights { rights, .. } => rights)
            .next()
            .ok_or_else(|| Error::Protocol("no MYRIGHTS response".into()))
    }

    /// `UNAUTHENTICATE` (RFC 8437 §3): back to the Not Authenticated state (enabled extensions
    /// and compression end); the capabilities are read again.
    pub async fn unauthenticate(&mut self) -> Result<(), Error> {
        if !self.has_capability("UNAUTHENTICATE") {
            return Err(Error::Unsupported("UNAUTHENTICATE".into()));
        }
        self.capabilities_fresh = false;
        self.execute(CommandBody::Unauthenticate).await?;
        self.exists = 0;
        if !self.capabilities_fresh {
            self.capability().await?;
        }
        Ok(())
    }

    /// `COMPRESS DEFLATE` (RFC 4978 §3): from the server's OK on, both directions are compressed.
    pub async fn compress(&mut self) -> Result<(), Error> {
        if !self.has_capability("COMPRESS=DEFLATE") {
            return Err(Error::Unsupported("COMPRESS=DEFLATE".into()));
        }
        self.execute(CommandBody::Compress(CompressionAlgorithm::Deflate))
            .await
            .map(drop)
    }

    // ------------------------------------------------------------------ CONDSTORE / QRESYNC

    /// `UID FETCH set (UID FLAGS MODSEQ) (CHANGEDSINCE m [VANISHED])` (RFC 7162 §3.1.4.1,
    /// §3.2.6): the messages changed since `since`, and with `vanished` (QRESYNC enabled) the
    /// UIDs expunged since then.
    pub async fn fetch_changed_since(
        &mut self,
        set: SequenceSet,
        since: ModSeq,
        vanished: bool,
    ) -> Result<(Vec<Fetched>, Vec<SequenceSet>), Error> {
        let mut modifiers = vec![FetchModifier::ChangedSince(since)];
        if vanished {
            modifiers.push(FetchModifier::Vanished);
        }
        let answer = self
            .execute(CommandBody::Fetch {
                uid: true,
                set,
                attributes: MacroOrAttributes::Attributes(vec![
                    FetchAttribute::Uid,
                    FetchAttribute::Flags,
                    FetchAttribute::ModSeq,
                ]),
                modifiers,
            })
            .await?;
        let gone = answer
            .data
            .iter()
            .filter_map(|d| match d {
                Data::Vanished { uids, .. } => Some(uids.clone()),
                _ => None,
            })
            .collect();
        Ok((answer.fetched, gone))
    }

    /// Selects `name` and reports what changed since `known` (RFC 7162): with QRESYNC (enabled
    /// here if needed) in the SELECT itself (§3.2.5), with CONDSTORE alone by a CHANGEDSINCE
    /// FETCH (§3.1.4.1, expunges unknown). Without `known`, or when UIDVALIDITY changed, the
    /// result asks for a full resync.
    pub async fn sync(
        &mut self,
        name: &str,
        known: Option<&SyncState>,
    ) -> Result<SyncChanges, Error> {
        let qresync = self.has_capability("QRESYNC");
        let condstore = qresync || self.has_capability("CONDSTORE");
        if !condstore {
            return Err(Error::Unsupported("CONDSTORE".into()));
        }
        if qresync && !self.is_enabled("QRESYNC") {
            self.enable(&["QRESYNC"]).await?;
        }
        let params = match known {
            Some(k) if qresync => vec![SelectParam::Qresync(QresyncParam {
                uid_validity: k.uid_validity,
                mod_seq: k.highest_mod_seq,
                known_uids: k.known_uids.clone(),
                seq_match: None,
            })],
            _ => vec![SelectParam::Condstore],
        };
        let mut selected = self.select_with(name, params, false).await?;
        let state = match (selected.uid_validity, selected.highest_mod_seq) {
            (Some(v), Some(m)) => Some(SyncState {
                uid_validity: v,
                highest_mod_seq: m,
                known_uids: None,
            }),
            _ => None,
        };
        let same = known.filter(|k| Some(k.uid_validity) == selected.uid_validity);
        let Some(known) = same else {
            return Ok(SyncChanges {
                selected,
                full_resync: true,
                changed: Vec::new(),
                vanished: Some(Vec::new()),
                state,
            });
        };
        let (changed, vanished) = if qresync {
            (
                std::mem::take(&mut selected.changed),
                Some(std::mem::take(&mut selected.vanished)),
            )
        } else if selected.exists == 0 {
            (Vec::new(), None)
        } else {
            let (changed, _) = self
                .fetch_changed_since(SequenceSet::all(), known.highest_mod_seq, false)
                .await?;
            (changed, None)
        };
        Ok(SyncChanges {
            selected,
            full_resync: false,
            changed,
            vanished,
            state,
        })
    }
}

/// The namespaces of NAMESPACE (RFC 2342 §5, RFC 9051 §7.3.2).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Namespaces {
    /// Personal namespaces.
    pub personal: Vec<NamespaceDescription<'static>>,
    /// Other users' namespaces.
    pub other: Vec<NamespaceDescription<'static>>,
    /// Shared namespaces.
    pub shared: Vec<NamespaceDescription<'static>>,
}

/// A quota root and its resources (RFC 9208 §4.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quota {
    /// The quota root.
    pub root: AString<'static>,
    /// Its resources with usage and limit.
    pub resources: Vec<QuotaResource<'static>>,
}

fn acl_identifier(identifier: &str) -> Result<AclIdentifier<'static>, Error> {
    Ok(AclIdentifier(AString::from_bytes(
        identifier.as_bytes().to_vec(),
    )?))
}

/// `COPYUID` (RFC 4315 §3): where copied or moved messages went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyUid {
    /// The destination's UIDVALIDITY.
    pub uid_validity: NonZeroU32,
    /// The source UIDs.
    pub source: SequenceSet,
    /// Their new UIDs, in the same order.
    pub destination: SequenceSet,
}

/// The number of values in a set without `*` (VANISHED sets never hold one).
fn count(set: &SequenceSet) -> u32 {
    use mailwire_imap::types::{SeqOrUid, Sequence};
    match set {
        SequenceSet::LastResult => 0,
        SequenceSet::Set(items) => items
            .iter()
            .map(|s| match *s {
                Sequence::Single(_) => 1,
                Sequence::Range(SeqOrUid::Value(a), SeqOrUid::Value(b)) => {
                    a.get().abs_diff(b.get()) + 1
                }
                Sequence::Range(..) => 0,
            })
            .fold(0u32, u32::saturating_add),
    }
}

fn expunged(answer: &Answer) -> Vec<NonZeroU32> {
    answer
        .data
        .iter()
        .filter_map(|d| match d {
            Data::Expunge(n) => Some(*n),
            _ => None,
        })
        .collect()
}

fn numbers(answer: &Answer) -> Vec<u32> {
    let mut out = Vec::new();
    for d in &answer.data {
        match d {
            Data::Search(ids) | Data::Sort(ids) => out.extend(ids.iter().map(|n| n.get())),
            Data::SearchModSeq { ids, .. } | Data::SortModSeq { ids, .. } => {
                out.extend(ids.iter().map(|n| n.get()))
            }
            _ => {}
        }
    }
    out
}

fn selected_from(answer: Answer) -> Selected {
    let mut s = Selected::default();
    for d in answer.data {
        match d {
            Data::Exists(n) => s.exists = n,
            Data::Recent(n) => s.recent = Some(n),
            Data::Flags(f) => s.flags = f,
            Data::Vanished {
                earlier: true,
                uids,
            } => s.vanished.push(uids),
            _ => {}
        }
    }
    for c in answer.codes.into_iter().chain(answer.code) {
        match c {
            Code::UidValidity(v) => s.uid_validity = Some(v),
            Code::UidNext(v) => s.uid_next = Some(v),
            Code::Unseen(v) => s.unseen = Some(v),
            Code::PermanentFlags(f) => s.permanent_flags = f,
            Code::HighestModSeq(m) => s.highest_mod_seq = Some(m),
            Code::NoModSeq => s.no_mod_seq = true,
            Code::ReadOnly => s.read_only = true,
            Code::ReadWrite => s.read_only = false,
            _ => {}
        }
    }
    s.changed = answer.fetched;
    s
}

/// A FETCH whose responses are yielded as they come.
struct FetchStream<'a, S> {
    client: &'a mut ImapClient<S>,
    start: Option<CommandBody<'a>>,
    /// The running command; `None` before it is sent and after it completed.
    tag: Option<Tag<'static>>,
}

impl<S: AsyncRead + AsyncWrite + Unpin> FetchStream<'_, S> {
    async fn next(&mut self) -> Result<Option<Fetched>, Error> {
        if let Some(body) = self.start.take() {
            self.tag = Some(self.client.send(body).await?);
        }
        let Some(tag) = self.tag.clone() else {
            return Ok(None);
        };
        loop {
            match self.client.progress(&tag, Mode::Fetch).await? {
                Progress::Fetch(f) => return Ok(Some(f)),
                Progress::Done { kind, code, text } => {
                    self.tag = None;
                    if kind != StatusKind::Ok {
                        return Err(rejection(kind, code, text));
                    }
                    return Ok(None);
                }
                _ => {}
            }
        }
    }
}

impl<S> Drop for FetchStream<'_, S> {
    fn drop(&mut self) {
        if let Some(tag) = self.tag.take() {
            self.client.abandoned.push_back(tag);
        }
    }
}

/// A message content download by partial FETCHes.
struct PartialDownload<'a, S> {
    client: &'a mut ImapClient<S>,
    uid: NonZeroU32,
    section: Option<Section<'static>>,
    chunk: NonZeroU64,
    window: usize,
    next_request: u64,
    next_yield: u64,
    in_flight: VecDeque<(Tag<'static>, u64)>,
    received: BTreeMap<u64, Bytes>,
    /// The size, once a short chunk showed the end.
    end: Option<u64>,
}

impl<S: AsyncRead + AsyncWrite + Unpin> PartialDownload<'_, S> {
    async fn next_chunk(&mut self) -> Result<Option<Bytes>, Error> {
        loop {
            if let Some(b) = self.received.remove(&self.next_yield) {
                self.next_yield += b.len() as u64;
                if (b.len() as u64) < self.chunk.get() {
                    self.end = Some(self.next_yield);
                }
                if !b.is_empty() {
                    return Ok(Some(b));
                }
            }
            if self.end.is_some_and(|e| self.next_yield >= e) {
                // Requests past the end answer with empty data: leave them to be skipped.
                self.abandon_rest();
                return Ok(None);
            }
            while self.end.is_none() && self.in_flight.len() < self.window {
                let body = CommandBody::Fetch {
                    uid: true,
                    set: SequenceSet::single(self.uid),
                    attributes: MacroOrAttributes::Attributes(vec![FetchAttribute::BodySection {
                        section: self.section.clone(),
                        partial: Some(Partial {
                            offset: self.next_request,
                            count: self.chunk,
                        }),
                        peek: true,
                    }]),
                    modifiers: Vec::new(),
                };
                let tag = self.client.send(body).await?;
                self.client.pipelined.push(tag.clone());
                self.in_flight.push_back((tag, self.next_request));
                self.next_request += self.chunk.get();
            }
            let Some((tag, offset)) = self.in_flight.front().cloned() else {
                return Ok(None);
            };
            let mut got = false;
            loop {
                match self.client.progress(&tag, Mode::Fetch).await? {
                    Progress::Fetch(f) => {
                        if f.uid().is_some_and(|u| u != self.uid) {
                            continue;
                        }
                        for item in f.items {
                            if let MessageDataItem::BodySection { origin, data, .. } = item {
                                let at = origin.map_or(offset, u64::from);
                                let bytes = data.as_bytes().unwrap_or_default();
                                got |= at == offset;
                                self.received.insert(at, Bytes::copy_from_slice(bytes));
                            }
                        }
                    }
                    Progress::Done { kind, code, text } => {
                        self.in_flight.pop_front();
                        self.client.pipelined.retain(|t| t != &tag);
                        if kind != StatusKind::Ok {
                            return Err(rejection(kind, code, text));
                        }
                        break;
                    }
                    _ => {}
                }
            }
            if !got {
                if offset == 0 {
                    return Err(Error::Protocol(format!(
                        "no content for UID {} (no such message?)",
                        self.uid
                    )));
                }
                self.received.insert(offset, Bytes::new());
            }
        }
    }
}

impl<S> PartialDownload<'_, S> {
    /// Requests still in flight are left to be skipped before the next command.
    fn abandon_rest(&mut self) {
        for (tag, _) in self.in_flight.drain(..) {
            self.client.pipelined.retain(|t| t != &tag);
            // A completion that already came early needs no skipping.
            if let Some(i) = self.client.early.iter().position(|e| e.0 == tag) {
                self.client.early.remove(i);
            } else {
                self.client.abandoned.push_back(tag);
            }
        }
    }
}

impl<S> Drop for PartialDownload<'_, S> {
    fn drop(&mut self) {
        self.abandon_rest();
    }
}

/// A running IDLE (RFC 2177, RFC 9051 §6.3.13): [`Idle::next`] yields the server's updates as
/// they come, restarting IDLE before the server's inactivity timeout, until it is stopped with
/// [`Idle::done`] or an [`IdleStop`] from another task.
#[derive(Debug)]
pub struct Idle<'a, S> {
    client: &'a mut ImapClient<S>,
    options: IdleOptions,
    stop: IdleStop,
    tag: Option<Tag<'static>>,
    started: Instant,
    last_rx: Instant,
    finished: bool,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Idle<'_, S> {
    /// A handle that stops this IDLE from another task.
    pub fn stopper(&self) -> IdleStop {
        self.stop.clone()
    }

    /// The next update, or `None` once stopped (after DONE was answered).
    pub async fn next(&mut self) -> Result<Option<Unsolicited>, Error> {
        loop {
            if let Some(u) = self.client.unsolicited.pop_front() {
                if let Unsolicited::Bye { .. } = u {
                    self.tag = None;
                }
                return Ok(Some(u));
            }
            if self.finished {
                return Ok(None);
            }
            if self.stop.is_stopped() {
                self.end().await?;
                self.finished = true;
                return Ok(None);
            }
            if !self.client.has_capability("IDLE") {
                self.poll().await?;
                continue;
            }
            if self.tag.is_none() {
                self.begin().await?;
                continue;
            }
            // Updates that came in with the last read are still in the machine.
            self.drain().await?;
            if !self.client.unsolicited.is_empty() || self.tag.is_none() {
                continue;
            }
            let mut deadline = self.started + self.options.restart;
            let keepalive = self
                .options
                .keepalive
                .map(|k| self.last_rx + k)
                .filter(|k| *k < deadline);
            if let Some(k) = keepalive {
                deadline = k;
            }
            let stop = self.stop.0.clone();
            tokio::select! {
                _ = stop.cancelled() => {}
                _ = tokio::time::sleep_until(deadline) => {
                    self.end().await?;
                    if keepalive.is_some() {
                        self.client.noop().await?;
                    }
                    self.last_rx = Instant::now();
                }
                read = self.client.wire.read_untimed() => {
                    let n = read?;
                    self.last_rx = Instant::now();
                    let ImapClient { conn, wire, .. } = &mut *self.client;
                    conn.feed(&wire.buf[..n]);
                    self.drain().await?;
                }
            }
        }
    }

    /// Handles what the machine has without reading more.
    async fn drain(&mut self) -> Result<(), Error> {
        while let Some(ev) = self.client.ready_event().await? {
            if let Some(Progress::Done { kind, code, text }) =
                self.client.route(ev, self.tag.as_ref(), Mode::Other)
            {
                // The server ended IDLE on its own.
                self.tag = None;
                if kind != StatusKind::Ok {
                    return Err(rejection(kind, code, text));
                }
            }
        }
        Ok(())
    }

    async fn begin(&mut self) -> Result<(), Error> {
        let tag = self.client.send(CommandBody::Idle).await?;
        loop {
            match self.client.progress(&tag, Mode::Other).await? {
                Progress::IdleStarted => {
                    self.tag = Some(tag);
                    self.started = Instant::now();
                    self.last_rx = self.started;
                    return Ok(());
                }
                Progress::Done { kind, code, text } => {
                    return Err(if kind == StatusKind::Ok {
                        Error::Protocol("IDLE completed before it started".into())
                    } else {
                        rejection(kind, code, text)
                    });
                }
                _ => {}
            }
        }
    }

    /// Sends DONE and waits for IDLE's completion.
    async fn end(&mut self) -> Result<(), Error> {
        let Some(tag) = self.tag.take() else {
            return Ok(());
        };
        self.client
            .conn
            .idle_done()
            .map_err(|e| Error::Protocol(e.to_string()))?;
        loop {
            if let Progress::Done { kind, code, text } =
                self.client.progress(&tag, Mode::Other).await?
            {
                if kind != StatusKind::Ok {
                    return Err(rejection(kind, code, text));
                }
                return Ok(());
            }
        }
    }

    /// Without IDLE: waits for the poll interval (or a stop), then NOOP.
    async fn poll(&mut self) -> Result<(), Error> {
        let stop = self.stop.0.clone();
        tokio::select! {
            _ = stop.cancelled() => Ok(()),
            _ = tokio::time::sleep(self.options.poll_interval) => self.client.noop().await,
        }
    }

    /// Ends IDLE (DONE, then the completion) and returns the updates still queued.
    pub async fn done(mut self) -> Result<Vec<Unsolicited>, Error> {
        self.end().await?;
        self.finished = true;
        Ok(self.client.take_unsolicited())
    }
}
