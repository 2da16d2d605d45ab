//! Store errors as IMAP answers (RFC 5530 §3, RFC 9051 §7.1): the one place where a
//! [`mailwire_mailbox::Error`] becomes a tagged `NO` with a response code.

use mailwire_imap::types::{Code, Condition, StatusKind};
use mailwire_mailbox::{Error as StoreError, ErrorKind};
use tracing::warn;

/// A command's completion: `OK`, `NO` or `BAD`, a response code and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// OK, NO or BAD.
    pub kind: StatusKind,
    /// The response code.
    pub code: Option<Code<'static>>,
    /// The human-readable text.
    pub text: String,
}

impl Completion {
    /// `OK [code] text`.
    pub fn ok(code: Option<Code<'static>>, text: impl Into<String>) -> Completion {
        Completion {
            kind: StatusKind::Ok,
            code,
            text: text.into(),
        }
    }

    /// `NO [code] text`.
    pub fn no(code: Option<Code<'static>>, text: impl Into<String>) -> Completion {
        Completion {
            kind: StatusKind::No,
            code,
            text: text.into(),
        }
    }

    /// `BAD text`.
    pub fn bad(text: impl Into<String>) -> Completion {
        Completion {
            kind: StatusKind::Bad,
            code: None,
            text: text.into(),
        }
    }
}

/// Maps a store error to the `NO` that answers the command (RFC 5530 §3):
///
/// | store error kind | answer |
/// |---|---|
/// | `Nonexistent` | `NO [NONEXISTENT]` (a mailbox) or `NO [EXPUNGEISSUED]` (a message) |
/// | `AlreadyExists` | `NO [ALREADYEXISTS]` |
/// | `OverQuota` | `NO [OVERQUOTA]` |
/// | `TryAgain` | `NO [UNAVAILABLE]` |
/// | `PermissionDenied` | `NO [NOPERM]` |
/// | `NotSupported` | `NO [CANNOT]` |
/// | `InvalidInput` | `NO [CANNOT]` |
/// | `AuthenticationFailed` | `NO [AUTHENTICATIONFAILED]` |
/// | anything else | `NO [SERVERBUG]`, logged |
pub fn store_error(e: &StoreError) -> Completion {
    let (cond, text): (Condition, String) = match e.kind() {
        ErrorKind::Nonexistent => match e {
            StoreError::MessageNotFound { .. } => (
                Condition::ExpungeIssued,
                "some of the messages no longer exist".into(),
            ),
            _ => (Condition::NonExistent, "no such mailbox".into()),
        },
        ErrorKind::AlreadyExists => (Condition::AlreadyExists, "mailbox already exists".into()),
        ErrorKind::OverQuota => (Condition::OverQuota, "over quota".into()),
        ErrorKind::TryAgain => (Condition::Unavailable, "try again later".into()),
        ErrorKind::PermissionDenied => (Condition::NoPerm, e.to_string()),
        ErrorKind::NotSupported => (Condition::Cannot, e.to_string()),
        ErrorKind::InvalidInput => (Condition::Cannot, e.to_string()),
        ErrorKind::AuthenticationFailed => (
            Condition::AuthenticationFailed,
            "authentication failed".into(),
        ),
        _ => {
            warn!(error = %e, "store failure");
            (
                Condition::ServerBug,
                "internal error, try again later".into(),
            )
        }
    };
    Completion::no(Some(Code::Condition(cond)), text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use mailwire_mailbox::{MailboxName, QuotaResource, Uid};

    #[test]
    fn codes() {
        let code = |e: StoreError| store_error(&e).code;
        assert_eq!(
            code(StoreError::MailboxNotFound {
                name: MailboxName::inbox()
            }),
            Some(Code::Condition(Condition::NonExistent))
        );
        assert_eq!(
            code(StoreError::MessageNotFound { uid: Uid::MIN }),
            Some(Code::Condition(Condition::ExpungeIssued))
        );
        assert_eq!(
            code(StoreError::OverQuota {
                resource: QuotaResource::Storage
            }),
            Some(Code::Condition(Condition::OverQuota))
        );
        assert_eq!(
            code(StoreError::TryAgain { reason: "x" }),
            Some(Code::Condition(Condition::Unavailable))
        );
        let io = StoreError::io("read", std::io::Error::other("disk"));
        let c = store_error(&io);
        assert_eq!(c.kind, StatusKind::No);
        assert_eq!(c.code, Some(Code::Condition(Condition::ServerBug)));
        // Internal details stay in the log.
        assert!(!c.text.contains("disk"));
    }
}
