//! Administrative commands: ID (RFC 2971), QUOTA (RFC 9208), UNAUTHENTICATE (RFC 8437),
//! COMPRESS=DEFLATE (RFC 4978) and CREATE with `USE` (RFC 6154 §3 CREATE-SPECIAL-USE).

use mailwire_imap::types::{
    Code, CompressionAlgorithm, Condition, CreateParam, Data, IdParams, Mailbox as WireMailbox,
    MailboxAttribute, QuotaResource, QuotaResourceName, QuotaRoot,
};
use mailwire_mailbox::{Account, QuotaUsage, SpecialUse, Store};
use tracing::debug;

use super::super::error::{Completion, store_error};
use super::{Enabled, ImapSession, State};

/// The one quota root of an account: `""` (RFC 9208 §3.2 allows any name).
const ROOT: &str = "";

/// The special use a `USE` attribute asks for, if the store knows it.
fn special_use(a: &MailboxAttribute<'_>) -> Option<SpecialUse> {
    Some(match a {
        MailboxAttribute::All => SpecialUse::All,
        MailboxAttribute::Archive => SpecialUse::Archive,
        MailboxAttribute::Drafts => SpecialUse::Drafts,
        MailboxAttribute::Flagged => SpecialUse::Flagged,
        MailboxAttribute::Junk => SpecialUse::Junk,
        MailboxAttribute::Sent => SpecialUse::Sent,
        MailboxAttribute::Trash => SpecialUse::Trash,
        _ => return None,
    })
}

/// The QUOTA resources of an account (RFC 9208 §5): STORAGE in units of 1024 octets, rounded
/// up, and MESSAGE; only the limited ones are listed.
fn resources(u: &QuotaUsage) -> Vec<QuotaResource<'static>> {
    let mut v = Vec::new();
    if let Some(limit) = u.limits.storage {
        v.push(QuotaResource {
            name: QuotaResourceName::Storage,
            usage: u.storage.div_ceil(1024),
            limit: limit / 1024,
        });
    }
    if let Some(limit) = u.limits.messages {
        v.push(QuotaResource {
            name: QuotaResourceName::Message,
            usage: u.messages,
            limit,
        });
    }
    v
}

fn no_root() -> Completion {
    Completion::no(
        Some(Code::Condition(Condition::NonExistent)),
        "no such quota root",
    )
}

fn root() -> Option<QuotaRoot<'static>> {
    super::search::quoted(ROOT)
}

impl<S: Store> ImapSession<S> {
    /// `ID` (RFC 2971 §3.1): the server's name and version; the client's fields are logged.
    pub(super) fn id(&mut self, client: &IdParams<'_>) {
        if let Some(pairs) = client.pairs() {
            let fields: Vec<String> = pairs
                .iter()
                .map(|(f, v)| {
                    format!(
                        "{}={}",
                        String::from_utf8_lossy(f.as_bytes()),
                        String::from_utf8_lossy(v.as_bytes().unwrap_or(b"NIL"))
                    )
                })
                .collect();
            debug!(client = %fields.join(", "), "ID");
        }
        let params = match &self.options.implementation {
            Some((name, version)) => {
                IdParams::from_pairs(&[("name", Some(name)), ("version", Some(version))])
                    .unwrap_or(IdParams::NIL)
            }
            None => IdParams::NIL,
        };
        self.data(Data::Id(params));
        self.complete(Completion::ok(None, "ID completed"));
    }

    /// Sends the account's QUOTA response; `false` after answering `NO` (an account without
    /// limits has no quota root: RFC 9208 §4.2.1 lists at least one resource).
    async fn send_quota(&mut self) -> bool {
        let Some(account) = self.account() else {
            return false;
        };
        match account.quota().await {
            Ok(u) => {
                let resources = resources(&u);
                match root() {
                    Some(root) if !resources.is_empty() => {
                        self.data(Data::Quota { root, resources });
                        true
                    }
                    _ => {
                        self.complete(no_root());
                        false
                    }
                }
            }
            Err(e) => {
                self.complete(store_error(&e));
                false
            }
        }
    }

    /// `GETQUOTAROOT mailbox` (RFC 9208 §4.1.2): every mailbox is under the account's root.
    pub(super) async fn get_quota_root(&mut self, mailbox: &WireMailbox<'_>) {
        let Some(name) = self.mailbox_name(mailbox) else {
            return;
        };
        let Some(account) = self.account() else {
            return;
        };
        if let Err(e) = account.open(&name).await {
            self.complete(store_error(&e));
            return;
        }
        // RFC 9208 §4.2.1: a QUOTA response lists at least one resource, so an account without
        // limits has no quota root at all.
        let limited = match account.quota().await {
            Ok(u) => !resources(&u).is_empty(),
            Err(e) => {
                self.complete(store_error(&e));
                return;
            }
        };
        let wire = self.wire_name(name.as_str());
        self.data(Data::QuotaRoot {
            mailbox: wire,
            roots: if limited {
                root().into_iter().collect()
            } else {
                Vec::new()
            },
        });
        if !limited || self.send_quota().await {
            self.finish(Completion::ok(None, "GETQUOTAROOT completed"), true)
                .await;
        }
    }

    /// `GETQUOTA root` (RFC 9208 §4.1.1).
    pub(super) async fn get_quota(&mut self, root: &QuotaRoot<'_>) {
        if root.as_bytes() != ROOT.as_bytes() {
            self.complete(no_root());
            return;
        }
        if self.send_quota().await {
            self.finish(Completion::ok(None, "GETQUOTA completed"), true)
                .await;
        }
    }

    /// `UNAUTHENTICATE` (RFC 8437 §3): back to the Not Authenticated state, with nothing of
    /// the session kept (RFC 8437 §4: enabled extensions are reset too).
    pub(super) fn unauthenticate(&mut self) {
        self.idling = false;
        self.job = None;
        self.state = State::NotAuthenticated;
        self.enabled = Enabled::default();
        self.complete(Completion::ok(None, "UNAUTHENTICATE completed"));
    }

    /// `COMPRESS DEFLATE` (RFC 4978 §3); the machine switches compression on after the OK.
    pub(super) fn compress(&mut self, algorithm: &CompressionAlgorithm<'_>) {
        let c = if self.conn.is_compressed() {
            Completion::no(
                Some(Code::CompressionActive),
                "compression is already active",
            )
        } else if matches!(algorithm, CompressionAlgorithm::Deflate) {
            Completion::ok(None, "DEFLATE active")
        } else {
            Completion::no(None, "unsupported compression algorithm")
        };
        self.complete(c);
    }

    /// `CREATE mailbox (USE (attrs))` (RFC 6154 §3).
    pub(super) async fn create_with_params(
        &mut self,
        mailbox: &WireMailbox<'_>,
        params: &[CreateParam<'_>],
    ) {
        let mut uses = Vec::new();
        for p in params {
            match p {
                CreateParam::Use(attrs) => {
                    for a in attrs {
                        match special_use(a) {
                            Some(u) => uses.push(u),
                            None => {
                                self.complete(Completion::no(
                                    Some(Code::UseAttr),
                                    "unsupported special-use attribute",
                                ));
                                return;
                            }
                        }
                    }
                }
                _ => {
                    self.complete(Completion::bad("unknown CREATE parameter"));
                    return;
                }
            }
        }
        uses.dedup();
        if uses.len() > 1 {
            // A store mailbox has one special use.
            self.complete(Completion::no(
                Some(Code::UseAttr),
                "only one special use per mailbox",
            ));
            return;
        }
        self.create(mailbox, uses.first().copied()).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mailwire_mailbox::Quota;

    #[test]
    fn quota_resources() {
        let u = QuotaUsage::new(1025, 3, Quota::new(Some(10 * 1024), Some(100)));
        let r = resources(&u);
        assert_eq!(r.len(), 2);
        assert_eq!((r[0].usage, r[0].limit), (2, 10));
        assert_eq!((r[1].usage, r[1].limit), (3, 100));
        assert!(resources(&QuotaUsage::new(5, 5, Quota::UNLIMITED)).is_empty());
    }
}
