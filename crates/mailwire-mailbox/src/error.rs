//! [`Error`], the one error type of every store, and its [`ErrorKind`] classification.
//!
//! A server maps the kind to a response code in one place: IMAP `NO [NONEXISTENT]`,
//! `[ALREADYEXISTS]`, `[OVERQUOTA]`, `[UNAVAILABLE]`, `[CANNOT]`, `[NOPERM]`, `[SERVERBUG]`
//! (RFC 5530 §3) and POP3 `-ERR [AUTH]`, `[IN-USE]`, `[SYS/TEMP]`, `[SYS/PERM]` (RFC 2449 §8,
//! RFC 3206).

use std::path::PathBuf;

use crate::types::{InvalidValue, MailboxName, QuotaResource, Uid};

/// A store's result.
pub type Result<T, E = Error> = core::result::Result<T, E>;

/// Everything that can go wrong in a store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The user name or password is wrong, or the user does not exist (the two are not told
    /// apart, so that names cannot be probed).
    #[error("authentication failed")]
    AuthenticationFailed,
    /// The mailbox does not exist.
    #[error("no mailbox named {name:?}")]
    MailboxNotFound {
        /// The name.
        name: MailboxName,
    },
    /// The message does not exist (any more).
    #[error("no message with UID {uid}")]
    MessageNotFound {
        /// The UID.
        uid: Uid,
    },
    /// A mailbox with the name exists already.
    #[error("a mailbox named {name:?} exists already")]
    MailboxExists {
        /// The name.
        name: MailboxName,
    },
    /// A user with the name exists already.
    #[error("a user named {name:?} exists already")]
    UserExists {
        /// The name.
        name: String,
    },
    /// The operation would exceed the account's quota.
    #[error("over quota: {resource}")]
    OverQuota {
        /// The exceeded resource.
        resource: QuotaResource,
    },
    /// The operation is not allowed (deleting INBOX, renaming a mailbox into itself...).
    #[error("not permitted: {reason}")]
    PermissionDenied {
        /// Why.
        reason: &'static str,
    },
    /// The store cannot do this now; the same call may succeed later (a lock is held, an index
    /// is being rebuilt...).
    #[error("temporarily unavailable: {reason}")]
    TryAgain {
        /// Why.
        reason: &'static str,
    },
    /// The store does not implement the operation.
    #[error("not supported by this store: {operation}")]
    NotSupported {
        /// The operation.
        operation: &'static str,
    },
    /// An argument was refused (an invalid name, an empty message...).
    #[error(transparent)]
    InvalidValue(#[from] InvalidValue),
    /// A store file is damaged in a way the store could not repair by itself.
    #[error("damaged store file {path}: {reason}")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// An I/O error.
    #[error("{context}: {source}")]
    Io {
        /// What the store was doing, with the path.
        context: String,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// Another backend's own error.
    #[error(transparent)]
    Backend(Box<dyn std::error::Error + Send + Sync>),
}

/// The class of an [`Error`]: what a server needs to choose its response code.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Wrong credentials: IMAP `NO [AUTHENTICATIONFAILED]`, POP3 `-ERR [AUTH]`.
    AuthenticationFailed,
    /// The mailbox or message does not exist: IMAP `NO [NONEXISTENT]` (or `[EXPUNGEISSUE]`).
    Nonexistent,
    /// The name is taken: IMAP `NO [ALREADYEXISTS]`.
    AlreadyExists,
    /// Quota exceeded: IMAP `NO [OVERQUOTA]`, POP3 `-ERR [SYS/PERM]`.
    OverQuota,
    /// Not allowed: IMAP `NO [NOPERM]` or `[CANNOT]`.
    PermissionDenied,
    /// Temporary: IMAP `NO [UNAVAILABLE]`, POP3 `-ERR [SYS/TEMP]` or `[IN-USE]`.
    TryAgain,
    /// Not implemented by the store: IMAP `NO [CANNOT]`.
    NotSupported,
    /// A bad argument: IMAP `BAD` or `NO [CANNOT]`.
    InvalidInput,
    /// The store failed: IMAP `NO [SERVERBUG]`, POP3 `-ERR [SYS/TEMP]`. Worth logging.
    Internal,
}

impl Error {
    /// The class of the error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::AuthenticationFailed => ErrorKind::AuthenticationFailed,
            Error::MailboxNotFound { .. } | Error::MessageNotFound { .. } => ErrorKind::Nonexistent,
            Error::MailboxExists { .. } | Error::UserExists { .. } => ErrorKind::AlreadyExists,
            Error::OverQuota { .. } => ErrorKind::OverQuota,
            Error::PermissionDenied { .. } => ErrorKind::PermissionDenied,
            Error::TryAgain { .. } => ErrorKind::TryAgain,
            Error::NotSupported { .. } => ErrorKind::NotSupported,
            Error::InvalidValue(_) => ErrorKind::InvalidInput,
            Error::Io { source, .. } if source.kind() == std::io::ErrorKind::StorageFull => {
                ErrorKind::OverQuota
            }
            Error::Corrupt { .. } | Error::Io { .. } | Error::Backend(_) => ErrorKind::Internal,
        }
    }

    /// An I/O error with what the store was doing.
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Error {
        Error::Io {
            context: context.into(),
            source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        assert_eq!(
            Error::MailboxNotFound {
                name: MailboxName::inbox()
            }
            .kind(),
            ErrorKind::Nonexistent
        );
        let full = std::io::Error::new(std::io::ErrorKind::StorageFull, "disk full");
        assert_eq!(Error::io("write", full).kind(), ErrorKind::OverQuota);
        let other = std::io::Error::other("boom");
        let e = Error::io("write /x", other);
        assert_eq!(e.kind(), ErrorKind::Internal);
        assert_eq!(e.to_string(), "write /x: boom");
    }
}
