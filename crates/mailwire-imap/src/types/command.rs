//! Commands (RFC 9051 §6, RFC 3501 §6).

use mailwire_core::Secret;

use super::capability::AuthMechanism;
use super::core::{AString, Atom, Charset, Literal, Literal8, Tag, Vec1};
use super::datetime::DateTime;
use super::ext_items::GmailLabel;
use super::extension::{TaggedExtValue, TaggedLabel};
use super::fetch::MacroOrAttributes;
use super::flag::Flag;
use super::mailbox::{ListMailbox, Mailbox};
use super::search::{SearchKey, SearchReturnOption};
use super::sequence::SequenceSet;
use super::sort::{SortCriterion, ThreadAlgorithm};
use super::status::StatusAttribute;
use super::sync::{FetchModifier, SelectParam, StoreModifier};
use super::{
    AclIdentifier, CompressionAlgorithm, GetMetadataOption, IdParams, MailboxAttribute,
    MetadataEntry, MetadataValue, ModRights, QuotaLimit, QuotaRoot, RawArgs,
};

/// A tagged command (RFC 9051 §9, `command`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Command<'a> {
    /// The tag the server echoes in the completion.
    pub tag: Tag<'a>,
    /// The command.
    pub body: CommandBody<'a>,
}

/// The IMAP connection states (RFC 9051 §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum State {
    /// Not Authenticated (RFC 9051 §3.1).
    NotAuthenticated,
    /// Authenticated (RFC 9051 §3.2).
    Authenticated,
    /// Selected (RFC 9051 §3.3).
    Selected,
    /// Logout (RFC 9051 §3.4).
    Logout,
}

/// `STORE` modes (RFC 9051 §6.4.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum StoreMode {
    /// `FLAGS`: replace.
    Replace,
    /// `+FLAGS`: add.
    Add,
    /// `-FLAGS`: remove.
    Remove,
}

/// A LIST selection option (RFC 5258 §3.1, RFC 9051 §6.3.9).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum ListSelectOption<'a> {
    /// `SUBSCRIBED`
    Subscribed,
    /// `REMOTE`
    Remote,
    /// `RECURSIVEMATCH`
    RecursiveMatch,
    /// `SPECIAL-USE` (RFC 6154 §5.1)
    SpecialUse,
    /// `option-extension = (option-standard-tag / option-vendor-tag) [SP option-value]`
    /// (RFC 5258 §6: both tags are atoms).
    Other(Atom<'a>, Option<TaggedExtValue<'a>>),
}

/// A LIST return option (RFC 5258 §3.2, RFC 9051 §6.3.9, RFC 5819, RFC 6154).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum ListReturnOption<'a> {
    /// `SUBSCRIBED`
    Subscribed,
    /// `CHILDREN`
    Children,
    /// `STATUS (atts)` (RFC 5819)
    Status(Vec1<StatusAttribute>),
    /// `SPECIAL-USE` (RFC 6154 §5.2)
    SpecialUse,
    /// `option-extension = (option-standard-tag / option-vendor-tag) [SP option-value]`
    /// (RFC 5258 §6: both tags are atoms).
    Other(Atom<'a>, Option<TaggedExtValue<'a>>),
}

/// A CREATE parameter (RFC 4466 §2.2 `create-param`, RFC 6154 §6 `USE`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum CreateParam<'a> {
    /// `USE (attrs)`: the special uses of the new mailbox (RFC 6154 §3, `use-attr`).
    Use(Vec<MailboxAttribute<'a>>),
    /// `create-param-name [SP create-param-value]`: another parameter.
    Other(TaggedLabel<'a>, Option<TaggedExtValue<'a>>),
}

/// The message of an APPEND: a literal, a `~{n}` literal8 (RFC 3516 §4.4), `UTF8 (literal8)`
/// (RFC 6855 §4) or an `append-data-ext` (RFC 4466 §2.1).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum AppendData<'a> {
    /// `literal`
    Literal(Literal<'a>),
    /// `literal8` (BINARY)
    Literal8(Literal8<'a>),
    /// `"UTF8" SP "(" literal8 ")"` (RFC 6855 §4, UTF8=ACCEPT; removed again by RFC 9755)
    Utf8(Literal8<'a>),
    /// `append-data-ext = tagged-ext` (RFC 4466 §2.1): a data form this crate does not know
    /// (such as CATENATE, RFC 4469), kept as sent.
    Other(TaggedLabel<'a>, TaggedExtValue<'a>),
}

impl AppendData<'_> {
    /// The message bytes; empty for [`AppendData::Other`], whose data is in its value.
    pub fn data(&self) -> &[u8] {
        match self {
            AppendData::Literal(l) => l.data(),
            AppendData::Literal8(l) | AppendData::Utf8(l) => &l.data,
            AppendData::Other(..) => &[],
        }
    }
}

/// One message of an APPEND (RFC 4466 §2.1 `append-message = append-opts SP append-data`;
/// several with MULTIAPPEND, RFC 3502).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AppendMessage<'a> {
    /// Flags to set; `None` when the list is absent.
    pub flags: Option<Vec<Flag<'a>>>,
    /// The internal date.
    pub date: Option<DateTime>,
    /// `append-ext`s (RFC 4466 §2.1): message metadata extensions, kept as sent.
    pub extensions: Vec<(TaggedLabel<'a>, TaggedExtValue<'a>)>,
    /// The message.
    pub data: AppendData<'a>,
}

impl<'a> AppendMessage<'a> {
    /// A message without flags, date or extensions.
    pub fn new(data: AppendData<'a>) -> Self {
        AppendMessage {
            flags: None,
            date: None,
            extensions: Vec::new(),
            data,
        }
    }
}

/// What a command does (RFC 9051 §6; RFC 3501 §6 for LSUB, CHECK).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum CommandBody<'a> {
    /// `CAPABILITY` (§6.1.1)
    Capability,
    /// `NOOP` (§6.1.2)
    Noop,
    /// `LOGOUT` (§6.1.3)
    Logout,
    /// `STARTTLS` (§6.2.1)
    StartTls,
    /// `AUTHENTICATE mechanism [initial-response]` (§6.2.2; SASL-IR, RFC 4959)
    Authenticate {
        /// The SASL mechanism.
        mechanism: AuthMechanism<'a>,
        /// The decoded initial response; `Some(empty)` is sent as `=`.
        initial_response: Option<Secret<Vec<u8>>>,
    },
    /// `LOGIN user password` (§6.2.3)
    Login {
        /// The user name.
        username: AString<'a>,
        /// The password.
        password: Secret<AString<'a>>,
    },
    /// `ENABLE capability...` (§6.3.1, RFC 5161)
    Enable(Vec1<Atom<'a>>),
    /// `SELECT mailbox [(params)]` (§6.3.2; parameters RFC 4466, RFC 7162)
    Select {
        /// The mailbox.
        mailbox: Mailbox<'a>,
        /// `select-params`; empty when absent.
        params: Vec<SelectParam<'a>>,
    },
    /// `EXAMINE mailbox [(params)]` (§6.3.3; parameters RFC 4466, RFC 7162)
    Examine {
        /// The mailbox.
        mailbox: Mailbox<'a>,
        /// `select-params`; empty when absent.
        params: Vec<SelectParam<'a>>,
    },
    /// `CREATE mailbox` (§6.3.4)
    Create(Mailbox<'a>),
    /// `DELETE mailbox` (§6.3.5)
    Delete(Mailbox<'a>),
    /// `RENAME from to` (§6.3.6)
    Rename {
        /// The existing name.
        from: Mailbox<'a>,
        /// The new name.
        to: Mailbox<'a>,
    },
    /// `SUBSCRIBE mailbox` (§6.3.7)
    Subscribe(Mailbox<'a>),
    /// `UNSUBSCRIBE mailbox` (§6.3.8)
    Unsubscribe(Mailbox<'a>),
    /// `LIST [(select-opts)] reference pattern(s) [RETURN (opts)]` (§6.3.9, RFC 5258)
    List {
        /// Selection options; `None` when absent.
        selection: Option<Vec<ListSelectOption<'a>>>,
        /// The reference name.
        reference: Mailbox<'a>,
        /// The patterns; more than one is sent as a parenthesized list (RFC 5258).
        patterns: Vec1<ListMailbox<'a>>,
        /// Whether a single pattern was sent in parentheses.
        patterns_parenthesized: bool,
        /// Return options; `None` when absent.
        returns: Option<Vec<ListReturnOption<'a>>>,
    },
    /// `LSUB reference pattern` (RFC 3501 §6.3.9)
    Lsub {
        /// The reference name.
        reference: Mailbox<'a>,
        /// The pattern.
        pattern: ListMailbox<'a>,
    },
    /// `NAMESPACE` (§6.3.10, RFC 2342)
    Namespace,
    /// `STATUS mailbox (atts)` (§6.3.11)
    Status {
        /// The mailbox.
        mailbox: Mailbox<'a>,
        /// The attributes asked for.
        attributes: Vec1<StatusAttribute>,
    },
    /// `APPEND mailbox 1*append-message` (§6.3.12; several messages with MULTIAPPEND, RFC 3502;
    /// RFC 4466 §2.1). [`CommandBody::append`] builds the usual one-message form.
    Append {
        /// The destination.
        mailbox: Mailbox<'a>,
        /// The messages, appended atomically.
        messages: Vec1<AppendMessage<'a>>,
    },
    /// `IDLE` (§6.3.13, RFC 2177); the client ends it with `DONE`.
    Idle,
    /// `CHECK` (RFC 3501 §6.4.1)
    Check,
    /// `CLOSE` (§6.4.1)
    Close,
    /// `UNSELECT` (§6.4.2, RFC 3691)
    Unselect,
    /// `EXPUNGE` (§6.4.3)
    Expunge,
    /// `UID EXPUNGE set` (§6.4.9, RFC 4315)
    UidExpunge(SequenceSet),
    /// `[UID] SEARCH [RETURN (...)] [CHARSET c] keys` (§6.4.4)
    Search {
        /// `UID SEARCH`.
        uid: bool,
        /// `RETURN (...)`, `None` when absent (ESEARCH, RFC 4731).
        returns: Option<Vec<SearchReturnOption<'a>>>,
        /// `CHARSET`.
        charset: Option<Charset<'a>>,
        /// The keys (ANDed).
        criteria: Vec1<SearchKey<'a>>,
    },
    /// `[UID] FETCH set atts` (§6.4.5)
    Fetch {
        /// `UID FETCH`.
        uid: bool,
        /// The messages.
        set: SequenceSet,
        /// What to fetch.
        attributes: MacroOrAttributes<'a>,
        /// `fetch-modifiers` (RFC 4466, RFC 7162); empty when absent.
        modifiers: Vec<FetchModifier<'a>>,
    },
    /// `[UID] STORE set [(modifiers)] [+-]FLAGS[.SILENT] flags` (§6.4.6; modifiers RFC 4466,
    /// RFC 7162)
    Store {
        /// `UID STORE`.
        uid: bool,
        /// The messages.
        set: SequenceSet,
        /// `store-modifiers`; empty when absent.
        modifiers: Vec<StoreModifier<'a>>,
        /// Replace, add or remove.
        mode: StoreMode,
        /// `.SILENT`: no untagged FETCH.
        silent: bool,
        /// The flags.
        flags: Vec<Flag<'a>>,
        /// Whether the flags were sent in parentheses.
        parenthesized: bool,
    },
    /// `[UID] COPY set mailbox` (§6.4.7)
    Copy {
        /// `UID COPY`.
        uid: bool,
        /// The messages.
        set: SequenceSet,
        /// The destination.
        mailbox: Mailbox<'a>,
    },
    /// `[UID] MOVE set mailbox` (§6.4.8, RFC 6851)
    Move {
        /// `UID MOVE`.
        uid: bool,
        /// The messages.
        set: SequenceSet,
        /// The destination.
        mailbox: Mailbox<'a>,
    },
    /// `ID (fields) / NIL` (RFC 2971 §3.1)
    Id(IdParams<'a>),
    /// `CREATE mailbox (params)` (RFC 4466 §2.2 `create-params`; RFC 6154 §3 `USE`). A CREATE
    /// without parameters is [`CommandBody::Create`].
    CreateWithParams {
        /// The new mailbox.
        mailbox: Mailbox<'a>,
        /// The parameters.
        params: Vec1<CreateParam<'a>>,
    },
    /// `GETQUOTA root` (RFC 9208 §4.1.1)
    GetQuota(QuotaRoot<'a>),
    /// `GETQUOTAROOT mailbox` (RFC 9208 §4.1.2)
    GetQuotaRoot(Mailbox<'a>),
    /// `SETQUOTA root (limits)` (RFC 9208 §4.1.3)
    SetQuota {
        /// The quota root.
        root: QuotaRoot<'a>,
        /// The new limits (empty: no limits).
        limits: Vec<QuotaLimit<'a>>,
    },
    /// `GETMETADATA [(options)] mailbox entries` (RFC 5464 §4.2); the empty mailbox name means
    /// server annotations.
    GetMetadata {
        /// The options, `None` when absent.
        options: Option<Vec1<GetMetadataOption<'a>>>,
        /// The mailbox (`""` for the server).
        mailbox: Mailbox<'a>,
        /// The entries.
        entries: Vec1<MetadataEntry<'a>>,
        /// Whether a single entry was sent in parentheses.
        entries_parenthesized: bool,
    },
    /// `SETMETADATA mailbox (entry value ...)` (RFC 5464 §4.3)
    SetMetadata {
        /// The mailbox (`""` for the server).
        mailbox: Mailbox<'a>,
        /// The entries and their new values (`NIL` removes).
        values: Vec1<(MetadataEntry<'a>, MetadataValue<'a>)>,
    },
    /// `SETACL mailbox identifier rights` (RFC 4314 §3.1)
    SetAcl {
        /// The mailbox.
        mailbox: Mailbox<'a>,
        /// Whose rights.
        identifier: AclIdentifier<'a>,
        /// The change.
        rights: ModRights<'a>,
    },
    /// `DELETEACL mailbox identifier` (RFC 4314 §3.2)
    DeleteAcl {
        /// The mailbox.
        mailbox: Mailbox<'a>,
        /// Whose rights.
        identifier: AclIdentifier<'a>,
    },
    /// `GETACL mailbox` (RFC 4314 §3.3)
    GetAcl(Mailbox<'a>),
    /// `LISTRIGHTS mailbox identifier` (RFC 4314 §3.4)
    ListRights {
        /// The mailbox.
        mailbox: Mailbox<'a>,
        /// Whose rights.
        identifier: AclIdentifier<'a>,
    },
    /// `MYRIGHTS mailbox` (RFC 4314 §3.5)
    MyRights(Mailbox<'a>),
    /// `UNAUTHENTICATE` (RFC 8437 §3): back to the Not Authenticated state.
    Unauthenticate,
    /// `COMPRESS algorithm` (RFC 4978 §3)
    Compress(CompressionAlgorithm<'a>),
    /// A command this crate does not know, kept as sent so that a proxy can pass it on: its
    /// name and raw arguments (`None` when the name ends the line).
    Other {
        /// The command name.
        name: Atom<'a>,
        /// Everything after the name and one SP, literals included.
        args: Option<RawArgs<'a>>,
    },
    /// `[UID] SORT [RETURN (...)] (criteria) charset keys` (RFC 5256; RETURN from RFC 5267
    /// ESORT)
    Sort {
        /// `UID SORT`.
        uid: bool,
        /// `RETURN (...)` (ESORT); `None` when absent.
        returns: Option<Vec<SearchReturnOption<'a>>>,
        /// The sort criteria, in priority order.
        criteria: Vec1<SortCriterion<'a>>,
        /// The charset of the search strings (mandatory).
        charset: Charset<'a>,
        /// The search keys (ANDed).
        keys: Vec1<SearchKey<'a>>,
    },
    /// `[UID] THREAD algorithm charset keys` (RFC 5256)
    Thread {
        /// `UID THREAD`.
        uid: bool,
        /// The threading algorithm.
        algorithm: ThreadAlgorithm<'a>,
        /// The charset of the search strings (mandatory).
        charset: Charset<'a>,
        /// The search keys (ANDed).
        keys: Vec1<SearchKey<'a>>,
    },
    /// `[UID] STORE set [(modifiers)] [+-]X-GM-LABELS[.SILENT] labels` (Gmail X-GM-EXT-1)
    StoreGmailLabels {
        /// `UID STORE`.
        uid: bool,
        /// The messages.
        set: SequenceSet,
        /// `store-modifiers`; empty when absent.
        modifiers: Vec<StoreModifier<'a>>,
        /// Replace, add or remove.
        mode: StoreMode,
        /// `.SILENT`: no untagged FETCH.
        silent: bool,
        /// The labels.
        labels: Vec<GmailLabel<'a>>,
        /// Whether the labels were sent in parentheses.
        parenthesized: bool,
    },
}

impl<'a> CommandBody<'a> {
    /// `SELECT mailbox` without parameters.
    pub fn select(mailbox: Mailbox<'a>) -> Self {
        CommandBody::Select {
            mailbox,
            params: Vec::new(),
        }
    }

    /// `EXAMINE mailbox` without parameters.
    pub fn examine(mailbox: Mailbox<'a>) -> Self {
        CommandBody::Examine {
            mailbox,
            params: Vec::new(),
        }
    }

    /// `APPEND mailbox [(flags)] [date-time] data`: one message.
    pub fn append(
        mailbox: Mailbox<'a>,
        flags: Option<Vec<Flag<'a>>>,
        date: Option<DateTime>,
        data: AppendData<'a>,
    ) -> Self {
        CommandBody::Append {
            mailbox,
            messages: Vec1::one(AppendMessage {
                flags,
                date,
                extensions: Vec::new(),
                data,
            }),
        }
    }
}

impl CommandBody<'_> {
    /// The command name, upper case (`UID FETCH` for UID variants; `(unknown)` for
    /// [`CommandBody::Other`], whose name is in its `name` field).
    pub fn name(&self) -> &'static str {
        use CommandBody::*;
        match self {
            Capability => "CAPABILITY",
            Noop => "NOOP",
            Logout => "LOGOUT",
            StartTls => "STARTTLS",
            Authenticate { .. } => "AUTHENTICATE",
            Login { .. } => "LOGIN",
            Enable(_) => "ENABLE",
            Select { .. } => "SELECT",
            Examine { .. } => "EXAMINE",
            Create(_) => "CREATE",
            Delete(_) => "DELETE",
            Rename { .. } => "RENAME",
            Subscribe(_) => "SUBSCRIBE",
            Unsubscribe(_) => "UNSUBSCRIBE",
            List { .. } => "LIST",
            Lsub { .. } => "LSUB",
            Namespace => "NAMESPACE",
            Status { .. } => "STATUS",
            Append { .. } => "APPEND",
            Idle => "IDLE",
            Check => "CHECK",
            Close => "CLOSE",
            Unselect => "UNSELECT",
            Expunge => "EXPUNGE",
            UidExpunge(_) => "UID EXPUNGE",
            Search { uid: false, .. } => "SEARCH",
            Search { uid: true, .. } => "UID SEARCH",
            Fetch { uid: false, .. } => "FETCH",
            Fetch { uid: true, .. } => "UID FETCH",
            Store { uid: false, .. } => "STORE",
            Store { uid: true, .. } => "UID STORE",
            Copy { uid: false, .. } => "COPY",
            Copy { uid: true, .. } => "UID COPY",
            Move { uid: false, .. } => "MOVE",
            Move { uid: true, .. } => "UID MOVE",
            Id(_) => "ID",
            CreateWithParams { .. } => "CREATE",
            GetQuota(_) => "GETQUOTA",
            GetQuotaRoot(_) => "GETQUOTAROOT",
            SetQuota { .. } => "SETQUOTA",
            GetMetadata { .. } => "GETMETADATA",
            SetMetadata { .. } => "SETMETADATA",
            SetAcl { .. } => "SETACL",
            DeleteAcl { .. } => "DELETEACL",
            GetAcl(_) => "GETACL",
            ListRights { .. } => "LISTRIGHTS",
            MyRights(_) => "MYRIGHTS",
            Unauthenticate => "UNAUTHENTICATE",
            Compress(_) => "COMPRESS",
            Other { .. } => "(unknown)",
            Sort { uid: false, .. } => "SORT",
            Sort { uid: true, .. } => "UID SORT",
            Thread { uid: false, .. } => "THREAD",
            Thread { uid: true, .. } => "UID THREAD",
            StoreGmailLabels { uid: false, .. } => "STORE",
            StoreGmailLabels { uid: true, .. } => "UID STORE",
        }
    }

    /// Whether the command is valid in `state` (RFC 9051 §9 `command-any`, `command-auth`,
    /// `command-nonauth`, `command-select`).
    pub fn valid_in(&self, state: State) -> bool {
        use CommandBody::*;
        match self {
            Capability | Noop | Logout => state != State::Logout,
            StartTls | Authenticate { .. } | Login { .. } => state == State::NotAuthenticated,
            Enable(_)
            | Select { .. }
            | Examine { .. }
            | Create(_)
            | Delete(_)
            | Rename { .. }
            | Subscribe(_)
            | Unsubscribe(_)
            | List { .. }
            | Lsub { .. }
            | Namespace
            | Status { .. }
            | Append { .. }
            | Idle => {
                matches!(state, State::Authenticated | State::Selected)
            }
            Check
            | Close
            | Unselect
            | Expunge
            | UidExpunge(_)
            | Search { .. }
            | Fetch { .. }
            | Store { .. }
            | Copy { .. }
            | Move { .. }
            | Sort { .. }
            | Thread { .. }
            | StoreGmailLabels { .. } => state == State::Selected,
            Id(_) | Other { .. } => state != State::Logout,
            CreateWithParams { .. }
            | GetQuota(_)
            | GetQuotaRoot(_)
            | SetQuota { .. }
            | GetMetadata { .. }
            | SetMetadata { .. }
            | SetAcl { .. }
            | DeleteAcl { .. }
            | GetAcl(_)
            | ListRights { .. }
            | MyRights(_)
            | Unauthenticate
            | Compress(_) => matches!(state, State::Authenticated | State::Selected),
        }
    }
}

/// A line the client sends during AUTHENTICATE (RFC 9051 §6.2.2).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum AuthenticateData {
    /// A base64 response, decoded.
    Continue(Secret<Vec<u8>>),
    /// `*`: the client cancels.
    Cancel,
}

/// `DONE`, which ends IDLE (RFC 9051 §6.3.13). Serializes as the string `"DONE"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdleDone;

#[cfg(feature = "serde")]
impl serde::Serialize for IdleDone {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str("DONE")
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for IdleDone {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <String as serde::Deserialize>::deserialize(d)?;
        if s.eq_ignore_ascii_case("DONE") {
            Ok(IdleDone)
        } else {
            Err(serde::de::Error::custom("expected \"DONE\""))
        }
    }
}
