//! Responses (RFC 9051 §7, RFC 3501 §7).

use std::num::NonZeroU32;

use super::capability::Capability;
use super::core::{AString, Atom, Charset, IString, Quoted, Tag, Text, Vec1};
use super::ext_items::ObjectId;
use super::extension::TaggedExtValue;
use super::fetch::MessageDataItem;
use super::flag::{Flag, FlagPerm, MailboxAttribute};
use super::mailbox::Mailbox;
use super::search::SearchReturnData;
use super::sequence::SequenceSet;
use super::sort::ThreadList;
use super::status::StatusValue;
use super::sync::ModSeq;
use super::{
    AclIdentifier, IdParams, MetadataCode, MetadataItems, QuotaResource, QuotaRoot, RawArgs, Rights,
};

/// The kind of greeting (RFC 9051 §7.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum GreetingKind {
    /// `* OK`: Not Authenticated state.
    Ok,
    /// `* PREAUTH`: already Authenticated.
    PreAuth,
    /// `* BYE`: the server refuses the connection.
    Bye,
}

/// The server greeting (RFC 9051 §9, `greeting`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Greeting<'a> {
    /// OK, PREAUTH or BYE.
    pub kind: GreetingKind,
    /// The response code.
    pub code: Option<Code<'a>>,
    /// The text.
    pub text: Text<'a>,
}

/// OK, NO or BAD (RFC 9051 §7.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum StatusKind {
    /// `OK`
    Ok,
    /// `NO`
    No,
    /// `BAD`
    Bad,
}

/// A status response (RFC 9051 §7.1).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Status<'a> {
    /// `tag OK/NO/BAD [code] text`: a command completed.
    Tagged {
        /// The command's tag.
        tag: Tag<'a>,
        /// OK, NO or BAD.
        kind: StatusKind,
        /// The response code.
        code: Option<Code<'a>>,
        /// The text.
        text: Text<'a>,
    },
    /// `* OK/NO/BAD [code] text`
    Untagged {
        /// OK, NO or BAD.
        kind: StatusKind,
        /// The response code.
        code: Option<Code<'a>>,
        /// The text.
        text: Text<'a>,
    },
    /// `* BYE [code] text`: the server closes the connection.
    Bye {
        /// The response code.
        code: Option<Code<'a>>,
        /// The text.
        text: Text<'a>,
    },
}

/// A response code (RFC 9051 §7.1 `resp-text-code`, RFC 5530, RFC 4315, RFC 3501 §7.1).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Code<'a> {
    /// `ALERT`
    Alert,
    /// `BADCHARSET [(charsets)]`
    BadCharset(Option<Vec1<Charset<'a>>>),
    /// `CAPABILITY ...`
    Capability(Vec1<Capability<'a>>),
    /// `PARSE`
    Parse,
    /// `PERMANENTFLAGS (...)`
    PermanentFlags(Vec<FlagPerm<'a>>),
    /// `READ-ONLY`
    ReadOnly,
    /// `READ-WRITE`
    ReadWrite,
    /// `TRYCREATE`
    TryCreate,
    /// `UIDNEXT n`
    UidNext(NonZeroU32),
    /// `UIDVALIDITY n`
    UidValidity(NonZeroU32),
    /// `UNSEEN n` (RFC 3501)
    Unseen(NonZeroU32),
    /// `APPENDUID validity uids` (RFC 4315; a set with MULTIAPPEND)
    AppendUid {
        /// The destination's UIDVALIDITY.
        uid_validity: NonZeroU32,
        /// The new UIDs.
        uids: SequenceSet,
    },
    /// `COPYUID validity source destination` (RFC 4315)
    CopyUid {
        /// The destination's UIDVALIDITY.
        uid_validity: NonZeroU32,
        /// The source UIDs.
        source: SequenceSet,
        /// The destination UIDs, in the same order.
        destination: SequenceSet,
    },
    /// `UIDNOTSTICKY` (RFC 4315)
    UidNotSticky,
    /// `CLOSED` (RFC 7162, RFC 9051)
    Closed,
    /// `UNKNOWN-CTE` (RFC 3516)
    UnknownCte,
    /// One of the RFC 5530 codes, also in RFC 9051 (`UNAVAILABLE`, `AUTHENTICATIONFAILED`...).
    Condition(Condition),
    /// Any other code: an atom and optional text up to `]`, kept as sent.
    Other {
        /// The code's name.
        name: Atom<'a>,
        /// Its arguments, raw.
        text: Option<Text<'a>>,
    },
    /// `USEATTR`: the special-use attribute is not supported (RFC 6154 §3, §6).
    UseAttr,
    /// `COMPRESSIONACTIVE`: compression is already on (RFC 4978 §3, §5).
    CompressionActive,
    /// `METADATA ...` (RFC 5464 §4.2.1, §4.3)
    Metadata(MetadataCode),
    /// `HIGHESTMODSEQ n` (RFC 7162 §3.1.2.1)
    HighestModSeq(ModSeq),
    /// `NOMODSEQ` (RFC 7162 §3.1.2.2)
    NoModSeq,
    /// `MODIFIED set` (RFC 7162 §3.1.3): the messages that failed UNCHANGEDSINCE.
    Modified(SequenceSet),
    /// `MAILBOXID (objectid)` (RFC 8474 §4.1 and §4.2)
    MailboxId(ObjectId<'a>),
    /// `UIDREQUIRED` (RFC 9586 §3): message numbers are not allowed once UIDONLY is enabled.
    UidRequired,
    /// `TOOBIG` (RFC 4469 §5, used by RFC 7889 §4 APPENDLIMIT): the message is too large.
    TooBig,
}

/// The response codes of RFC 5530 (also listed in RFC 9051 §7.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Condition {
    /// `UNAVAILABLE`: a subsystem is down; try later (RFC 5530 §3).
    Unavailable,
    /// `AUTHENTICATIONFAILED`: the credentials are wrong.
    AuthenticationFailed,
    /// `AUTHORIZATIONFAILED`: authenticated, but not allowed to act as that user.
    AuthorizationFailed,
    /// `EXPIRED`: the credentials or account have expired.
    Expired,
    /// `PRIVACYREQUIRED`: the operation needs TLS (or another privacy layer).
    PrivacyRequired,
    /// `CONTACTADMIN`: the user should contact the administrator.
    ContactAdmin,
    /// `NOPERM`: the ACL forbids it.
    NoPerm,
    /// `INUSE`: another session holds what is needed.
    InUse,
    /// `EXPUNGEISSUED`: another session expunged messages meanwhile.
    ExpungeIssued,
    /// `CORRUPTION`: the server found corrupt data.
    Corruption,
    /// `SERVERBUG`: the server failed internally.
    ServerBug,
    /// `CLIENTBUG`: the server thinks the client is wrong.
    ClientBug,
    /// `CANNOT`: the operation can never succeed.
    Cannot,
    /// `LIMIT`: a limit was hit.
    Limit,
    /// `OVERQUOTA`: the user is over quota.
    OverQuota,
    /// `ALREADYEXISTS`: the name is taken.
    AlreadyExists,
    /// `NONEXISTENT`: the mailbox does not exist.
    NonExistent,
    /// `NOTSAVED`: the result could not be saved (SEARCHRES).
    NotSaved,
    /// `HASCHILDREN`: the mailbox has children.
    HasChildren,
}

impl Condition {
    /// Every condition with its wire name.
    pub const ALL: [(Condition, &'static str); 19] = [
        (Condition::Unavailable, "UNAVAILABLE"),
        (Condition::AuthenticationFailed, "AUTHENTICATIONFAILED"),
        (Condition::AuthorizationFailed, "AUTHORIZATIONFAILED"),
        (Condition::Expired, "EXPIRED"),
        (Condition::PrivacyRequired, "PRIVACYREQUIRED"),
        (Condition::ContactAdmin, "CONTACTADMIN"),
        (Condition::NoPerm, "NOPERM"),
        (Condition::InUse, "INUSE"),
        (Condition::ExpungeIssued, "EXPUNGEISSUED"),
        (Condition::Corruption, "CORRUPTION"),
        (Condition::ServerBug, "SERVERBUG"),
        (Condition::ClientBug, "CLIENTBUG"),
        (Condition::Cannot, "CANNOT"),
        (Condition::Limit, "LIMIT"),
        (Condition::OverQuota, "OVERQUOTA"),
        (Condition::AlreadyExists, "ALREADYEXISTS"),
        (Condition::NonExistent, "NONEXISTENT"),
        (Condition::NotSaved, "NOTSAVED"),
        (Condition::HasChildren, "HASCHILDREN"),
    ];

    /// The wire name.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(c, _)| *c == self)
            .map(|(_, n)| *n)
            .unwrap_or_default()
    }
}

/// One entry of a NAMESPACE response (RFC 9051 §7.3.2 `namespace-descr`, RFC 2342).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct NamespaceDescription<'a> {
    /// The prefix.
    pub prefix: IString<'a>,
    /// The hierarchy delimiter, or none.
    pub delimiter: Option<Quoted<'a>>,
    /// `namespace-response-extension`s: a name and its values.
    pub extensions: Vec<(IString<'a>, Vec1<IString<'a>>)>,
}

/// One LIST extended data item (RFC 5258 `mbox-list-extended-item`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ListExtendedItem<'a> {
    /// The item tag (`CHILDINFO`, `OLDNAME`...), in the form it was sent (quoted or not).
    pub tag: AString<'a>,
    /// The value.
    pub value: ListExtendedValue<'a>,
}

/// The value of a LIST extended data item.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum ListExtendedValue<'a> {
    /// `CHILDINFO ("opt" ...)`: the selection options children matched with RECURSIVEMATCH
    /// (RFC 5258 §4 and §6 `childinfo-extended-item`; always quoted).
    ChildInfo(Vec1<Quoted<'a>>),
    /// `OLDNAME (mailbox)`: the mailbox's name before a RENAME (RFC 9051 §6.3.6 and §9
    /// `oldname-extended-item`), in the form it was sent ([`Mailbox::from_astring`] classifies
    /// it; keeping the astring keeps `"inbox"` as sent).
    OldName(AString<'a>),
    /// Any other item's `tagged-ext-val` (or a CHILDINFO/OLDNAME whose value has another form).
    Other(TaggedExtValue<'a>),
}

/// A LIST or LSUB response's payload (RFC 9051 §7.3.1 `mailbox-list`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MailboxList<'a> {
    /// The attributes.
    pub attributes: Vec<MailboxAttribute<'a>>,
    /// The hierarchy delimiter (one quoted character), or `NIL`.
    pub delimiter: Option<Quoted<'a>>,
    /// The mailbox.
    pub mailbox: Mailbox<'a>,
    /// Extended data (RFC 5258); `None` when absent.
    pub extended: Option<Vec<ListExtendedItem<'a>>>,
}

/// Untagged data (RFC 9051 §7.2–§7.5).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Data<'a> {
    /// `CAPABILITY ...` (§7.2.2)
    Capability(Vec1<Capability<'a>>),
    /// `ENABLED ...` (§7.2.1, RFC 5161)
    Enabled(Vec<Atom<'a>>),
    /// `LIST ...` (§7.3.1)
    List(MailboxList<'a>),
    /// `LSUB ...` (RFC 3501 §7.2.3)
    Lsub(MailboxList<'a>),
    /// `NAMESPACE personal other shared` (§7.3.2); `None` is NIL.
    Namespace {
        /// Personal namespaces.
        personal: Option<Vec1<NamespaceDescription<'a>>>,
        /// Other users' namespaces.
        other: Option<Vec1<NamespaceDescription<'a>>>,
        /// Shared namespaces.
        shared: Option<Vec1<NamespaceDescription<'a>>>,
    },
    /// `STATUS mailbox (...)` (§7.3.3)
    Status {
        /// The mailbox.
        mailbox: Mailbox<'a>,
        /// The values.
        values: Vec<StatusValue>,
    },
    /// `ESEARCH [(TAG "t")] [UID] ...` (§7.3.4, RFC 4731)
    ESearch {
        /// The correlator tag.
        tag: Option<AString<'a>>,
        /// `UID`: the numbers are UIDs.
        uid: bool,
        /// The return data.
        data: Vec<SearchReturnData<'a>>,
    },
    /// `SEARCH n...` (RFC 3501 §7.2.5)
    Search(Vec<NonZeroU32>),
    /// `FLAGS (...)` (§7.3.5)
    Flags(Vec<Flag<'a>>),
    /// `n EXISTS` (§7.4.1)
    Exists(u32),
    /// `n RECENT` (RFC 3501 §7.3.2)
    Recent(u32),
    /// `n EXPUNGE` (§7.5.1)
    Expunge(NonZeroU32),
    /// `n FETCH (...)` (§7.5.2)
    Fetch {
        /// The message sequence number.
        seq: NonZeroU32,
        /// The items.
        items: Vec1<MessageDataItem<'a>>,
    },
    /// `ID (fields) / NIL` (RFC 2971 §3.2)
    Id(IdParams<'a>),
    /// `QUOTA root (resource usage limit ...)` (RFC 9208 §4.2.1; the list may be empty, RFC
    /// 2087 §5.1)
    Quota {
        /// The quota root.
        root: QuotaRoot<'a>,
        /// The resources.
        resources: Vec<QuotaResource<'a>>,
    },
    /// `QUOTAROOT mailbox root...` (RFC 9208 §4.2.2)
    QuotaRoot {
        /// The mailbox.
        mailbox: Mailbox<'a>,
        /// Its quota roots (possibly none).
        roots: Vec<QuotaRoot<'a>>,
    },
    /// `METADATA mailbox (entry value ...) / entry...` (RFC 5464 §4.4)
    Metadata {
        /// The mailbox (`""` for the server).
        mailbox: Mailbox<'a>,
        /// Entries with values, or changed entries.
        items: MetadataItems<'a>,
    },
    /// `ACL mailbox identifier rights ...` (RFC 4314 §3.6)
    Acl {
        /// The mailbox.
        mailbox: Mailbox<'a>,
        /// Identifiers and their rights.
        entries: Vec<(AclIdentifier<'a>, Rights<'a>)>,
    },
    /// `LISTRIGHTS mailbox identifier required optional...` (RFC 4314 §3.7)
    ListRights {
        /// The mailbox.
        mailbox: Mailbox<'a>,
        /// The identifier.
        identifier: AclIdentifier<'a>,
        /// The rights always granted (may be empty).
        required: Rights<'a>,
        /// Rights that can be granted, each group all or nothing.
        optional: Vec<Rights<'a>>,
    },
    /// `MYRIGHTS mailbox rights` (RFC 4314 §3.8)
    MyRights {
        /// The mailbox.
        mailbox: Mailbox<'a>,
        /// The rights.
        rights: Rights<'a>,
    },
    /// Untagged data this crate does not know (`* NAME ...` or `* n NAME ...`), kept as sent so
    /// that a proxy can pass it on.
    Other {
        /// The number before the name (`* 3 XFOO`), if any.
        number: Option<u32>,
        /// The name.
        name: Atom<'a>,
        /// Everything after the name and one SP, literals included (`None` when the name ends
        /// the line).
        args: Option<RawArgs<'a>>,
    },
    /// `SEARCH n... (MODSEQ m)` (RFC 7162 §3.1.6): a SEARCH response with the highest
    /// mod-sequence of the messages found (a plain one is [`Data::Search`]).
    SearchModSeq {
        /// The messages.
        ids: Vec1<NonZeroU32>,
        /// Their highest mod-sequence.
        mod_seq: ModSeq,
    },
    /// `VANISHED [(EARLIER)] uids` (RFC 7162 §3.2.10)
    Vanished {
        /// `(EARLIER)`: the messages were expunged before this command (QRESYNC SELECT, UID
        /// FETCH VANISHED); without it, they are expunged now.
        earlier: bool,
        /// The UIDs (no `*`).
        uids: SequenceSet,
    },
    /// `SORT n...` (RFC 5256 §4)
    Sort(Vec<NonZeroU32>),
    /// `SORT n... (MODSEQ m)` (RFC 7162 §3.1.9 `sort-data`)
    SortModSeq {
        /// The messages, sorted.
        ids: Vec1<NonZeroU32>,
        /// Their highest mod-sequence.
        mod_seq: ModSeq,
    },
    /// `THREAD thread-list...` (RFC 5256 §4)
    Thread(Vec<ThreadList>),
    /// `uid UIDFETCH (...)` (RFC 9586 §3.3): a FETCH response under UIDONLY, by UID.
    UidFetch {
        /// The message's UID.
        uid: NonZeroU32,
        /// The items.
        items: Vec1<MessageDataItem<'a>>,
    },
}

/// A continuation request (RFC 9051 §7.6, `continue-req`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Continuation<'a> {
    /// `+ [code] text` (or `+` alone, tolerated).
    Basic {
        /// The response code.
        code: Option<Code<'a>>,
        /// The text.
        text: Text<'a>,
    },
    /// `+ base64`: a SASL challenge, decoded. Only produced where the client expects one.
    Base64(mailwire_core::Secret<Vec<u8>>),
}

/// Anything a server sends after the greeting (RFC 9051 §9, `response`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Response<'a> {
    /// A status response.
    Status(Status<'a>),
    /// Untagged data.
    Data(Data<'a>),
    /// A continuation request.
    Continuation(Continuation<'a>),
}
