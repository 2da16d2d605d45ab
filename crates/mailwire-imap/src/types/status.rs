//! STATUS attributes (RFC 9051 §6.3.11 and §7.3.4... `status-att`, RFC 3501 §6.3.10, RFC 8438
//! STATUS=SIZE, RFC 7162 HIGHESTMODSEQ, RFC 8474 MAILBOXID, RFC 7889 APPENDLIMIT).
//!
//! Attributes and values this crate does not know are kept as [`StatusAttribute::Other`] and
//! [`StatusValue::Other`]; they own their data (STATUS is no hot path), so that these types have
//! no lifetime.

use std::num::NonZeroU32;

use super::core::Atom;
use super::ext_items::{ObjectId, OpaqueValue};
use super::sync::ModSeqValzer;

/// A STATUS attribute to ask for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum StatusAttribute {
    /// `MESSAGES`
    Messages,
    /// `RECENT` (RFC 3501)
    Recent,
    /// `UIDNEXT`
    UidNext,
    /// `UIDVALIDITY`
    UidValidity,
    /// `UNSEEN`
    Unseen,
    /// `DELETED` (RFC 9051)
    Deleted,
    /// `SIZE` (RFC 9051, RFC 8438)
    Size,
    /// `DELETED-STORAGE` (RFC 9208 §4.3.2)
    DeletedStorage,
    /// `HIGHESTMODSEQ` (RFC 7162 §3.1.7)
    HighestModSeq,
    /// `MAILBOXID` (RFC 8474 §4.3)
    MailboxId,
    /// `APPENDLIMIT` (RFC 7889 §3.1)
    AppendLimit,
    /// An attribute this crate does not know, as sent.
    Other(Atom<'static>),
}

impl StatusAttribute {
    /// The attribute's name.
    pub fn name(&self) -> &str {
        match self {
            StatusAttribute::Messages => "MESSAGES",
            StatusAttribute::Recent => "RECENT",
            StatusAttribute::UidNext => "UIDNEXT",
            StatusAttribute::UidValidity => "UIDVALIDITY",
            StatusAttribute::Unseen => "UNSEEN",
            StatusAttribute::Deleted => "DELETED",
            StatusAttribute::Size => "SIZE",
            StatusAttribute::DeletedStorage => "DELETED-STORAGE",
            StatusAttribute::HighestModSeq => "HIGHESTMODSEQ",
            StatusAttribute::MailboxId => "MAILBOXID",
            StatusAttribute::AppendLimit => "APPENDLIMIT",
            StatusAttribute::Other(a) => a.as_str(),
        }
    }

    /// All attributes this crate knows.
    pub const ALL: [StatusAttribute; 11] = [
        StatusAttribute::Messages,
        StatusAttribute::Recent,
        StatusAttribute::UidNext,
        StatusAttribute::UidValidity,
        StatusAttribute::Unseen,
        StatusAttribute::Deleted,
        StatusAttribute::Size,
        StatusAttribute::DeletedStorage,
        StatusAttribute::HighestModSeq,
        StatusAttribute::MailboxId,
        StatusAttribute::AppendLimit,
    ];
}

/// A STATUS attribute with its value (RFC 9051 §9, `status-att-val`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum StatusValue {
    /// `MESSAGES n`
    Messages(u32),
    /// `RECENT n` (RFC 3501)
    Recent(u32),
    /// `UIDNEXT n`
    UidNext(NonZeroU32),
    /// `UIDVALIDITY n`
    UidValidity(NonZeroU32),
    /// `UNSEEN n`
    Unseen(u32),
    /// `DELETED n`
    Deleted(u32),
    /// `SIZE n`
    Size(u64),
    /// `DELETED-STORAGE n` (RFC 9208 §4.3.2, in units of 1024 octets)
    DeletedStorage(u64),
    /// `HIGHESTMODSEQ n` (RFC 7162 §3.1.7); 0 when the mailbox has no persistent mod-sequences.
    HighestModSeq(ModSeqValzer),
    /// `MAILBOXID (objectid)` (RFC 8474 §4.3)
    MailboxId(ObjectId<'static>),
    /// `APPENDLIMIT (number / nil)` (RFC 7889 §3.1); `None` is NIL: no limit.
    AppendLimit(Option<u32>),
    /// `status-att-val` of an attribute this crate does not know (RFC 4466 §2.1 recommends
    /// `tagged-ext`), kept as sent.
    Other {
        /// The attribute.
        name: Atom<'static>,
        /// Its value.
        value: OpaqueValue<'static>,
    },
}
