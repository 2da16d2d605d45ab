//! STATUS attributes (RFC 9051 §6.3.11 and §7.3.4... `status-att`, RFC 3501 §6.3.10, RFC 8438
//! STATUS=SIZE).

use std::num::NonZeroU32;

/// A STATUS attribute to ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
}

impl StatusAttribute {
    /// The attribute's name.
    pub fn name(self) -> &'static str {
        match self {
            StatusAttribute::Messages => "MESSAGES",
            StatusAttribute::Recent => "RECENT",
            StatusAttribute::UidNext => "UIDNEXT",
            StatusAttribute::UidValidity => "UIDVALIDITY",
            StatusAttribute::Unseen => "UNSEEN",
            StatusAttribute::Deleted => "DELETED",
            StatusAttribute::Size => "SIZE",
            StatusAttribute::DeletedStorage => "DELETED-STORAGE",
        }
    }

    /// All attributes this crate knows.
    pub const ALL: [StatusAttribute; 8] = [
        StatusAttribute::Messages,
        StatusAttribute::Recent,
        StatusAttribute::UidNext,
        StatusAttribute::UidValidity,
        StatusAttribute::Unseen,
        StatusAttribute::Deleted,
        StatusAttribute::Size,
        StatusAttribute::DeletedStorage,
    ];
}

/// A STATUS attribute with its value (RFC 9051 §9, `status-att-val`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
}
