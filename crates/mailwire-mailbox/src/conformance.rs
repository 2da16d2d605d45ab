//! The conformance suite: the behaviour every store must show, as checks any backend can run
//! from its own tests (feature `conformance`).
//!
//! The suite needs no runtime: each check is an `async fn` the caller's executor drives, and
//! [`run_all`] runs them in turn. A check panics with a message naming the rule it saw broken,
//! like `assert!` in a test.
//!
//! ```
//! use mailwire_mailbox::conformance::{run_all, Options, Setup};
//! use mailwire_mailbox::memory::MemoryStore;
//!
//! futures::executor::block_on(run_all(Options::default(), |setup: Setup| async move {
//!     let store = MemoryStore::new();
//!     for user in &setup.users {
//!         store.add_user(user.name, user.password, user.quota).unwrap();
//!     }
//!     store
//! }));
//! ```
//!
//! Rules checked (RFC 9051 §2.3.1.1 for UIDs, RFC 7162 for modification sequences, RFC 4315
//! for the UID mappings, RFC 1939 §7 for unique-ids, RFC 9208 for quotas): see each function.

use core::future::Future;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use futures::FutureExt;
use mailwire_core::Secret;

use crate::{
    Account, ErrorKind, ExpungeMode, FlagOp, Flags, Keyword, Mailbox, MailboxName, ModSeq,
    NewMessage, Quota, SpecialUse, Store, SystemFlag, Uid, UidSet,
};

/// A user the backend must create before a check runs.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct UserSpec {
    /// The name.
    pub name: &'static str,
    /// The password.
    pub password: &'static str,
    /// The quota.
    pub quota: Quota,
}

/// What a fresh store must hold for a check: the users, each with an empty INBOX.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Setup {
    /// The users.
    pub users: Vec<UserSpec>,
}

/// The main user, without quota.
pub const USER: UserSpec = UserSpec {
    name: "alice",
    password: "alice-password",
    quota: Quota::UNLIMITED,
};

/// The user with a small quota: [`QUOTA_BYTES`] bytes and [`QUOTA_MESSAGES`] messages.
pub const QUOTA_USER: UserSpec = UserSpec {
    name: "quota",
    password: "quota-password",
    quota: Quota::new(Some(QUOTA_BYTES), Some(QUOTA_MESSAGES)),
};

/// [`QUOTA_USER`]'s storage limit.
pub const QUOTA_BYTES: u64 = 1000;
/// [`QUOTA_USER`]'s message limit.
pub const QUOTA_MESSAGES: u64 = 5;

impl Setup {
    /// The users of the suite: [`USER`] and [`QUOTA_USER`].
    pub fn standard() -> Setup {
        Setup {
            users: vec![USER, QUOTA_USER],
        }
    }
}

/// How the suite runs.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct Options {
    /// The concurrency check runs its tasks on this many OS threads, each driving its futures
    /// with `futures::executor::block_on`; 0 runs them all in the caller's task with
    /// `futures::future::join_all` instead (for backends that need the caller's runtime).
    pub threads: usize,
    /// Tasks in the concurrency check.
    pub tasks: usize,
    /// Messages each task appends in the concurrency check.
    pub appends_per_task: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            threads: 4,
            tasks: 8,
            appends_per_task: 25,
        }
    }
}

impl Options {
    /// Runs the concurrency check in the caller's task (see [`Options::threads`]).
    pub fn single_task() -> Options {
        Options {
            threads: 0,
            ..Options::default()
        }
    }
}

/// Runs every check, each on a fresh store made by `new_store` from [`Setup::standard`].
pub async fn run_all<S, F, Fut>(options: Options, new_store: F)
where
    S: Store,
    F: Fn(Setup) -> Fut,
    Fut: Future<Output = S>,
{
    authentication(&new_store(Setup::standard()).await).await;
    mailbox_management(&new_store(Setup::standard()).await).await;
    uid_monotonicity(&new_store(Setup::standard()).await).await;
    uid_validity(&new_store(Setup::standard()).await).await;
    messages_and_reads(&new_store(Setup::standard()).await).await;
    flags_and_modseq(&new_store(Setup::standard()).await).await;
    expunge_visibility(&new_store(Setup::standard()).await).await;
    change_feed(&new_store(Setup::standard()).await).await;
    copy_and_move(&new_store(Setup::standard()).await).await;
    quota(&new_store(Setup::standard()).await).await;
    concurrency(new_store(Setup::standard()).await, options).await;
}

/// Logs in as [`USER`].
pub async fn login<S: Store>(store: &S) -> S::Account {
    store
        .authenticate(USER.name, Secret::new(USER.password))
        .await
        .expect("the suite's user logs in with the right password")
}

fn name(s: &str) -> MailboxName {
    MailboxName::new(s).expect("valid name")
}

fn msg(text: &str) -> NewMessage {
    NewMessage::new(Bytes::from(format!(
        "From: suite@example.org\r\nSubject: {text}\r\n\r\n{text}\r\n"
    )))
}

fn flags(list: &[SystemFlag]) -> Flags {
    list.iter().copied().collect()
}

/// Every UID of a mailbox, ascending.
async fn uids<M: Mailbox>(m: &M) -> Vec<Uid> {
    m.list(&UidSet::all())
        .await
        .expect("list")
        .into_iter()
        .map(|m| m.uid)
        .collect()
}

/// Wrong passwords and unknown users fail alike; the right password opens the account.
pub async fn authentication<S: Store>(store: &S) {
    let wrong = store
        .authenticate(USER.name, Secret::new("not the password"))
        .await;
    assert_eq!(
        wrong.err().map(|e| e.kind()),
        Some(ErrorKind::AuthenticationFailed),
        "a wrong password must fail with AuthenticationFailed"
    );
    let unknown = store
        .authenticate("nobody-here", Secret::new(USER.password))
        .await;
    assert_eq!(
        unknown.err().map(|e| e.kind()),
        Some(ErrorKind::AuthenticationFailed),
        "an unknown user must fail with AuthenticationFailed"
    );
    let account = login(store).await;
    assert_eq!(account.user(), USER.name);
    scram_sha256(store).await;
}

/// For a store that offers SCRAM-SHA-256 (RFC 7677): [`USER`]'s verifier checks an exchange
/// with the right password and refuses a wrong one (RFC 5802 §5.1), an unknown user has none,
/// and [`Store::open_authenticated`] opens the account of a known user only.
pub async fn scram_sha256<S: Store>(store: &S) {
    use mailwire_core::scram::{ScramClient, ScramServer};
    if !store.offers_scram_sha256() {
        return;
    }
    let exchange = |verifier, password: &str| {
        let client = ScramClient::new(None, USER.name, Secret::new(password)).expect("client");
        let server = ScramServer::client_first(&client.client_first()).expect("client-first");
        let (server, server_first) = server
            .server_first(verifier, b"conformance")
            .expect("server-first made");
        let (client, client_final) = client.server_first(&server_first).expect("server-first");
        server
            .client_final(client_final.expose())
            .map(|ok| client.server_final(ok.server_final()))
    };
    let verifier = store
        .scram_sha256(USER.name)
        .await
        .expect("scram_sha256")
        .expect("a store offering SCRAM-SHA-256 has a verifier for the suite's user");
    assert!(
        matches!(exchange(Some(verifier.clone()), USER.password), Ok(Ok(()))),
        "the verifier must check the user's password"
    );
    assert!(
        exchange(Some(verifier), "not the password").is_err(),
        "the verifier must refuse a wrong password"
    );
    assert!(
        store
            .scram_sha256("nobody-here")
            .await
            .expect("scram_sha256")
            .is_none(),
        "an unknown user has no verifier"
    );
    let account = store
        .open_authenticated(USER.name)
        .await
        .expect("open_authenticated opens a known user's account");
    assert_eq!(account.user(), USER.name);
    assert_eq!(
        store
            .open_authenticated("nobody-here")
            .await
            .err()
            .map(|e| e.kind()),
        Some(ErrorKind::AuthenticationFailed),
        "open_authenticated of an unknown user fails with AuthenticationFailed"
    );
}

/// INBOX always exists and cannot be deleted; create, delete, rename (with children) and
/// subscriptions follow RFC 9051 §6.3.4 to §6.3.8; special use follows RFC 6154.
pub async fn mailbox_management<S: Store>(store: &S) {
    let acc = login(store).await;
    let list = acc.list().await.expect("list");
    assert!(
        list.iter().any(|i| i.name.is_inbox()),
        "INBOX must always be listed"
    );
    assert_eq!(
        acc.delete(&MailboxName::inbox())
            .await
            .err()
            .map(|e| e.kind()),
        Some(ErrorKind::PermissionDenied),
        "INBOX cannot be deleted"
    );
    assert_eq!(
        acc.create(&MailboxName::inbox(), None)
            .await
            .err()
            .map(|e| e.kind()),
        Some(ErrorKind::AlreadyExists),
        "INBOX exists already"
    );
    acc.create(&name("Work/Projects/2024"), None)
        .await
        .expect("create a nested mailbox");
    acc.create(&name("Sent"), Some(SpecialUse::Sent))
        .await
        .expect("create with special use");
    assert_eq!(
        acc.create(&name("Sent"), None)
            .await
            .err()
            .map(|e| e.kind()),
        Some(ErrorKind::AlreadyExists)
    );
    let list = acc.list().await.expect("list");
    let names: Vec<&str> = list.iter().map(|i| i.name.as_str()).collect();
    for n in [
        "INBOX",
        "Sent",
        "Work",
        "Work/Projects",
        "Work/Projects/2024",
    ] {
        assert!(
            names.contains(&n),
            "{n} must be listed (parents are created): {names:?}"
        );
    }
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted, "list is sorted by name");
    let info = |n: &str| list.iter().find(|i| i.name.as_str() == n).cloned();
    assert!(info("Work").is_some_and(|i| i.has_children));
    assert!(info("Work/Projects/2024").is_some_and(|i| !i.has_children));
    assert_eq!(
        info("Sent").and_then(|i| i.special_use),
        Some(SpecialUse::Sent)
    );

    // Rename keeps UIDVALIDITY and messages and moves children.
    let projects = acc.open(&name("Work/Projects")).await.expect("open");
    let appended = projects.append(msg("kept")).await.expect("append");
    acc.rename(&name("Work"), &name("Job"))
        .await
        .expect("rename with children");
    let names: Vec<String> = acc
        .list()
        .await
        .expect("list")
        .into_iter()
        .map(|i| i.name.as_str().to_owned())
        .collect();
    assert!(
        names.contains(&"Job/Projects/2024".to_owned())
            && !names.iter().any(|n| n.starts_with("Work")),
        "rename moves the whole subtree: {names:?}"
    );
    let renamed = acc.open(&name("Job/Projects")).await.expect("open renamed");
    let st = renamed.status().await.expect("status");
    assert_eq!(
        st.uid_validity, appended.uid_validity,
        "rename keeps UIDVALIDITY"
    );
    assert_eq!(
        uids(&renamed).await,
        vec![appended.uid],
        "rename keeps messages and UIDs"
    );
    assert_eq!(
        projects.status().await.err().map(|e| e.kind()),
        Some(ErrorKind::Nonexistent),
        "a handle on a renamed-away mailbox reports Nonexistent"
    );
    assert_eq!(
        acc.rename(&name("Job"), &name("Sent"))
            .await
            .err()
            .map(|e| e.kind()),
        Some(ErrorKind::AlreadyExists)
    );
    assert_eq!(
        acc.rename(&name("Nope"), &name("Other"))
            .await
            .err()
            .map(|e| e.kind()),
        Some(ErrorKind::Nonexistent)
    );

    // Renaming INBOX moves its messages and leaves it empty (RFC 9051 §6.3.6).
    let inbox = acc.open(&MailboxName::inbox()).await.expect("open INBOX");
    inbox.append(msg("one")).await.expect("append");
    inbox.append(msg("two")).await.expect("append");
    acc.rename(&MailboxName::inbox(), &name("Old"))
        .await
        .expect("rename INBOX");
    assert_eq!(inbox.status().await.expect("INBOX stays").messages, 0);
    let old = acc.open(&name("Old")).await.expect("open Old");
    assert_eq!(old.status().await.expect("status").messages, 2);

    // Delete removes the mailbox, not its children; handles see it gone.
    let job = acc.open(&name("Job")).await.expect("open");
    acc.delete(&name("Job")).await.expect("delete");
    assert_eq!(
        job.status().await.err().map(|e| e.kind()),
        Some(ErrorKind::Nonexistent),
        "a handle on a deleted mailbox reports Nonexistent"
    );
    assert_eq!(
        acc.open(&name("Job")).await.err().map(|e| e.kind()),
        Some(ErrorKind::Nonexistent)
    );
    assert!(
        acc.open(&name("Job/Projects")).await.is_ok(),
        "children stay"
    );
    assert_eq!(
        acc.delete(&name("Job")).await.err().map(|e| e.kind()),
        Some(ErrorKind::Nonexistent)
    );

    // Subscriptions are names, independent of existence.
    acc.subscribe(&name("Sent"), true).await.expect("subscribe");
    acc.subscribe(&name("Ghost"), true)
        .await
        .expect("subscribe");
    acc.subscribe(&name("Ghost"), false)
        .await
        .expect("unsubscribe");
    acc.subscribe(&name("Later"), true)
        .await
        .expect("subscribe");
    let subs = acc.subscriptions().await.expect("subscriptions");
    assert!(subs.contains(&name("Sent")) && subs.contains(&name("Later")));
    assert!(!subs.contains(&name("Ghost")));
    let list = acc.list().await.expect("list");
    assert!(
        list.iter()
            .any(|i| i.name.as_str() == "Sent" && i.subscribed)
    );
    assert!(list.iter().any(|i| i.name.is_inbox() && !i.subscribed));

    // A second login sees the same mailboxes.
    let again = login(store).await;
    assert_eq!(
        again.list().await.expect("list"),
        acc.list().await.expect("list")
    );
}

/// UIDs are strictly ascending in order of arrival and never reused, even after the highest one
/// is expunged; UIDNEXT is above every UID (RFC 9051 §2.3.1.1).
pub async fn uid_monotonicity<S: Store>(store: &S) {
    let acc = login(store).await;
    let inbox = acc.open(&MailboxName::inbox()).await.expect("open");
    let mut last = None;
    for i in 0..5 {
        let a = inbox.append(msg(&format!("m{i}"))).await.expect("append");
        assert!(last < Some(a.uid), "UIDs ascend: {last:?} then {:?}", a.uid);
        last = Some(a.uid);
        let st = inbox.status().await.expect("status");
        assert!(st.uid_next > a.uid, "UIDNEXT is above every UID");
    }
    let top = last.expect("appended");
    inbox
        .expunge(&UidSet::single(top), ExpungeMode::Any)
        .await
        .expect("expunge");
    let reopened = acc.open(&MailboxName::inbox()).await.expect("reopen");
    let st = reopened.status().await.expect("status");
    assert!(
        st.uid_next > top,
        "UIDNEXT does not go back after an expunge"
    );
    let a = reopened.append(msg("after")).await.expect("append");
    assert!(a.uid > top, "an expunged UID is never given again");
    let all = uids(&reopened).await;
    assert!(all.windows(2).all(|w| w[0] < w[1]), "list ascends by UID");
    assert_eq!(all.len(), 5);
}

/// UIDVALIDITY is the same for every handle and login, kept by rename, and changes (upwards)
/// when a mailbox is deleted and created again (RFC 9051 §2.3.1.1).
pub async fn uid_validity<S: Store>(store: &S) {
    let acc = login(store).await;
    acc.create(&name("V"), None).await.expect("create");
    let v = acc.open(&name("V")).await.expect("open");
    let first = v.status().await.expect("status").uid_validity;
    let a = v.append(msg("x")).await.expect("append");
    assert_eq!(
        a.uid_validity, first,
        "APPENDUID carries the mailbox's UIDVALIDITY"
    );
    let other = login(store).await;
    let v2 = other.open(&name("V")).await.expect("open");
    assert_eq!(v2.status().await.expect("status").uid_validity, first);
    acc.delete(&name("V")).await.expect("delete");
    acc.create(&name("V"), None).await.expect("create again");
    let v3 = acc.open(&name("V")).await.expect("open");
    let st = v3.status().await.expect("status");
    assert!(
        st.uid_validity > first,
        "a mailbox created again gets a greater UIDVALIDITY ({} then {})",
        first,
        st.uid_validity
    );
    assert_eq!(st.messages, 0);
}

/// Metadata and bytes: sizes match what `read` returns, ranges are cut at the end, internal
/// dates and flags are kept, unique-ids are valid, distinct and stable.
pub async fn messages_and_reads<S: Store>(store: &S) {
    let acc = login(store).await;
    let inbox = acc.open(&MailboxName::inbox()).await.expect("open");
    let date = SystemTime::UNIX_EPOCH + Duration::from_secs(1_600_000_000);
    let kw = Keyword::new("$Forwarded").expect("keyword");
    let mut f = flags(&[SystemFlag::Seen, SystemFlag::Flagged]);
    f.insert(kw.clone());
    let content = Bytes::from_static(b"Subject: dated\r\n\r\nbody line\r\n");
    let a = inbox
        .append(
            NewMessage::new(content.clone())
                .with_flags(f.clone())
                .with_internal_date(date),
        )
        .await
        .expect("append");
    let b = inbox.append(msg("second")).await.expect("append");
    let list = inbox.list(&UidSet::all()).await.expect("list");
    assert_eq!(list.len(), 2);
    let m = &list[0];
    assert_eq!(m.uid, a.uid);
    assert_eq!(m.size, content.len() as u64, "size is the byte count");
    assert_eq!(m.internal_date, date, "the internal date is kept");
    assert_eq!(m.flags, f, "flags and keywords given at append are kept");
    assert_eq!(m.modseq, a.modseq);
    assert_ne!(
        list[0].unique_id, list[1].unique_id,
        "unique-ids are distinct"
    );
    let whole = inbox.read(a.uid, None).await.expect("read");
    assert_eq!(whole, content);
    assert_eq!(
        inbox.read(a.uid, Some(9..14)).await.expect("range"),
        Bytes::from_static(b"dated")
    );
    assert_eq!(
        inbox.read(a.uid, Some(18..1000)).await.expect("range"),
        Bytes::from_static(b"body line\r\n"),
        "a range past the end is cut"
    );
    assert!(
        inbox
            .read(a.uid, Some(5000..6000))
            .await
            .expect("range")
            .is_empty()
    );
    let missing = Uid::new(b.uid.get() + 100).expect("uid");
    assert_eq!(
        inbox.read(missing, None).await.err().map(|e| e.kind()),
        Some(ErrorKind::Nonexistent)
    );
    let only_b = inbox.list(&UidSet::single(b.uid)).await.expect("list");
    assert_eq!(only_b.len(), 1);
    assert_eq!(only_b[0].uid, b.uid);
    // Unique-ids are the same in another session.
    let other = login(store).await;
    let again = other
        .open(&MailboxName::inbox())
        .await
        .expect("open")
        .list(&UidSet::all())
        .await
        .expect("list");
    let ids = |l: &[crate::MessageMeta]| l.iter().map(|m| m.unique_id.clone()).collect::<Vec<_>>();
    assert_eq!(
        ids(&again),
        ids(&list),
        "unique-ids are stable across sessions"
    );
    let st = inbox.status().await.expect("status");
    assert_eq!(st.messages, 2);
    assert_eq!(st.unseen, 1);
    assert_eq!(st.size, list.iter().map(|m| m.size).sum::<u64>());
    // Bare LF line ends come back as CRLF, and the size counts what `read` returns.
    let lf = inbox
        .append(NewMessage::new(&b"Subject: lf\n\nbody\r\nend\n"[..]))
        .await
        .expect("append");
    let crlf = inbox.read(lf.uid, None).await.expect("read");
    assert_eq!(&crlf[..], b"Subject: lf\r\n\r\nbody\r\nend\r\n");
    let meta = inbox.list(&UidSet::single(lf.uid)).await.expect("list");
    assert_eq!(meta[0].size, crlf.len() as u64, "size is the CRLF size");
    // `read_content` may keep bare LFs, but converted it is exactly what `read` gives.
    for uid in [a.uid, b.uid, lf.uid] {
        let content = inbox.read_content(uid).await.expect("read_content");
        assert_eq!(
            crate::state::crlf_normalize(content),
            inbox.read(uid, None).await.expect("read"),
            "read_content is read up to line ends"
        );
    }
    assert_eq!(
        inbox.read_content(missing).await.err().map(|e| e.kind()),
        Some(ErrorKind::Nonexistent)
    );
}

/// Flag updates (RFC 9051 §6.4.6) and modification sequences (RFC 7162 §3.1): a change gets a
/// modseq above every earlier one, a no-op keeps it, `UNCHANGEDSINCE` protects newer changes.
pub async fn flags_and_modseq<S: Store>(store: &S) {
    let acc = login(store).await;
    let inbox = acc.open(&MailboxName::inbox()).await.expect("open");
    let mut all = Vec::new();
    for i in 0..4 {
        all.push(inbox.append(msg(&format!("f{i}"))).await.expect("append"));
    }
    let h0 = inbox.status().await.expect("status").highest_modseq;
    assert!(
        all.iter().all(|a| a.modseq <= h0),
        "HIGHESTMODSEQ covers appends"
    );
    let set: UidSet = all[..2].iter().map(|a| a.uid).collect();
    let seen = flags(&[SystemFlag::Seen]);
    let r = inbox
        .store_flags(&set, FlagOp::Add, &seen, None)
        .await
        .expect("store");
    assert_eq!(r.updated.len(), 2);
    assert!(r.modified.is_empty());
    let m1 = r.updated[0].modseq;
    assert!(m1 > h0, "a change gets a modseq above HIGHESTMODSEQ");
    assert!(r.updated.iter().all(|u| u.flags.has(SystemFlag::Seen)));
    let h1 = inbox.status().await.expect("status").highest_modseq;
    assert_eq!(h1, r.updated.iter().map(|u| u.modseq).max().expect("some"));
    // A no-op keeps the modseq.
    let r2 = inbox
        .store_flags(&set, FlagOp::Add, &seen, None)
        .await
        .expect("store");
    assert_eq!(r2.updated[0].modseq, m1, "a no-op keeps the modseq");
    assert_eq!(inbox.status().await.expect("status").highest_modseq, h1);
    // Keywords, replace and remove.
    let kw = Keyword::new("Work").expect("kw");
    let mut with_kw = flags(&[SystemFlag::Answered]);
    with_kw.insert(kw.clone());
    let r3 = inbox
        .store_flags(&UidSet::single(all[0].uid), FlagOp::Replace, &with_kw, None)
        .await
        .expect("replace");
    assert_eq!(
        r3.updated[0].flags, with_kw,
        "replace sets exactly the flags"
    );
    let low = Keyword::new("work").expect("kw");
    let r4 = inbox
        .store_flags(
            &UidSet::single(all[0].uid),
            FlagOp::Remove,
            &std::iter::once(low).collect(),
            None,
        )
        .await
        .expect("remove");
    assert!(
        r4.updated[0].flags.keywords().is_empty(),
        "keywords compare case-insensitively"
    );
    // UNCHANGEDSINCE: all[0] changed after h1, all[2] did not.
    let pair: UidSet = [all[0].uid, all[2].uid].into_iter().collect();
    let deleted = flags(&[SystemFlag::Deleted]);
    let r5 = inbox
        .store_flags(&pair, FlagOp::Add, &deleted, Some(h1))
        .await
        .expect("conditional store");
    assert_eq!(
        r5.modified,
        UidSet::single(all[0].uid),
        "the newer change is protected"
    );
    assert_eq!(r5.updated.len(), 1);
    assert_eq!(r5.updated[0].uid, all[2].uid);
    let st = inbox.status().await.expect("status");
    assert_eq!(st.deleted, 1);
    assert_eq!(st.unseen, 3, "only one message of four still has \\Seen");
    // Unknown UIDs in the set are ignored.
    let far = Uid::new(all[3].uid.get() + 50).expect("uid");
    let r6 = inbox
        .store_flags(&UidSet::single(far), FlagOp::Add, &seen, None)
        .await
        .expect("store on nothing");
    assert!(r6.updated.is_empty() && r6.modified.is_empty());
    // The listing agrees.
    let list = inbox.list(&UidSet::all()).await.expect("list");
    let by_uid: HashMap<Uid, _> = list.iter().map(|m| (m.uid, m)).collect();
    assert_eq!(by_uid[&all[2].uid].modseq, r5.updated[0].modseq);
    assert!(by_uid[&all[1].uid].flags.has(SystemFlag::Seen));
}

/// INBOX opened by two logins.
async fn two_inbox_sessions<S: Store>(
    store: &S,
) -> (
    <S::Account as Account>::Mailbox,
    <S::Account as Account>::Mailbox,
) {
    let a = login(store).await;
    let b = login(store).await;
    (
        a.open(&MailboxName::inbox()).await.expect("open"),
        b.open(&MailboxName::inbox()).await.expect("open"),
    )
}

/// Expunges are seen at once by every handle; `DeletedOnly` removes only `\Deleted` messages;
/// expunged messages cannot be read.
pub async fn expunge_visibility<S: Store>(store: &S) {
    let (a, b) = two_inbox_sessions(store).await;
    let mut got = Vec::new();
    for i in 0..4 {
        got.push(a.append(msg(&format!("e{i}"))).await.expect("append").uid);
    }
    a.store_flags(
        &UidSet::single(got[1]),
        FlagOp::Add,
        &flags(&[SystemFlag::Deleted]),
        None,
    )
    .await
    .expect("store");
    let removed = b
        .expunge(&UidSet::all(), ExpungeMode::DeletedOnly)
        .await
        .expect("expunge");
    assert_eq!(
        removed,
        UidSet::single(got[1]),
        "only \\Deleted messages go"
    );
    assert_eq!(
        uids(&a).await,
        vec![got[0], got[2], got[3]],
        "the other handle sees it"
    );
    assert_eq!(
        a.read(got[1], None).await.err().map(|e| e.kind()),
        Some(ErrorKind::Nonexistent)
    );
    let removed = a
        .expunge(&[got[1], got[2]].into_iter().collect(), ExpungeMode::Any)
        .await
        .expect("expunge");
    assert_eq!(
        removed,
        UidSet::single(got[2]),
        "only existing messages are reported"
    );
    assert_eq!(b.status().await.expect("status").messages, 2);
}

/// The change feed (RFC 7162 §3.1.4, §3.2.5): changes and expunges since a modseq, and watchers
/// that wake on another session's change.
pub async fn change_feed<S: Store>(store: &S) {
    let (a, b) = two_inbox_sessions(store).await;
    let mut watcher = b.watch();
    assert!(watcher.changed().now_or_never().is_none(), "no change yet");
    let x = a.append(msg("x")).await.expect("append");
    let y = a.append(msg("y")).await.expect("append");
    assert!(
        watcher.changed().now_or_never().is_some(),
        "a watcher wakes on another handle's append"
    );
    let all = b.changes_since(ModSeq::MIN).await.expect("changes");
    assert_eq!(
        all.changed.iter().map(|m| m.uid).collect::<Vec<_>>(),
        vec![x.uid, y.uid],
        "changes since the start list every message"
    );
    let h = all.highest_modseq;
    assert_eq!(h, b.status().await.expect("status").highest_modseq);
    let none = b.changes_since(h).await.expect("changes");
    assert!(none.changed.is_empty() && none.expunged.is_empty());
    assert_eq!(none.uid_validity, all.uid_validity);

    a.store_flags(
        &UidSet::single(x.uid),
        FlagOp::Add,
        &flags(&[SystemFlag::Flagged]),
        None,
    )
    .await
    .expect("store");
    assert!(watcher.changed().now_or_never().is_some(), "wakes on flags");
    let c = b.changes_since(h).await.expect("changes");
    assert_eq!(c.changed.len(), 1);
    assert_eq!(c.changed[0].uid, x.uid);
    assert!(c.changed[0].flags.has(SystemFlag::Flagged));
    assert!(c.highest_modseq > h);
    let h2 = c.highest_modseq;

    a.expunge(&UidSet::single(y.uid), ExpungeMode::Any)
        .await
        .expect("expunge");
    assert!(
        watcher.changed().now_or_never().is_some(),
        "wakes on expunge"
    );
    let c = b.changes_since(h2).await.expect("changes");
    assert!(c.changed.is_empty());
    assert_eq!(
        c.expunged,
        UidSet::single(y.uid),
        "expunged UIDs are reported"
    );
    assert!(c.highest_modseq > h2, "an expunge raises HIGHESTMODSEQ");
    let since_start = b.changes_since(ModSeq::MIN).await.expect("changes");
    assert!(since_start.expunged.contains(y.uid));
    assert!(!since_start.expunged.contains(x.uid));
    // A watcher made now sees only later changes.
    let mut late = a.watch();
    assert!(late.changed().now_or_never().is_none());
}

/// Copy and move keep flags and internal dates, give destination UIDs in the destination's
/// UIDVALIDITY (RFC 4315 §3 `COPYUID`), and move expunges the source (RFC 6851).
pub async fn copy_and_move<S: Store>(store: &S) {
    let acc = login(store).await;
    acc.create(&name("Archive"), Some(SpecialUse::Archive))
        .await
        .expect("create");
    let inbox = acc.open(&MailboxName::inbox()).await.expect("open");
    let archive = acc.open(&name("Archive")).await.expect("open");
    let mut watcher = archive.watch();
    let date = SystemTime::UNIX_EPOCH + Duration::from_secs(1_500_000_000);
    let a = inbox
        .append(
            msg("copy me")
                .with_flags(flags(&[SystemFlag::Seen]))
                .with_internal_date(date),
        )
        .await
        .expect("append");
    let b = inbox.append(msg("move me")).await.expect("append");
    let copied = inbox
        .copy(&UidSet::single(a.uid), &name("Archive"))
        .await
        .expect("copy");
    let arch_status = archive.status().await.expect("status");
    assert_eq!(copied.uid_validity, arch_status.uid_validity);
    assert_eq!(copied.mapping.len(), 1);
    assert_eq!(copied.mapping[0].0, a.uid);
    assert!(
        watcher.changed().now_or_never().is_some(),
        "the destination's watchers wake"
    );
    let meta = archive
        .list(&UidSet::single(copied.mapping[0].1))
        .await
        .expect("list");
    assert_eq!(meta.len(), 1);
    assert!(meta[0].flags.has(SystemFlag::Seen), "copy keeps flags");
    assert_eq!(meta[0].internal_date, date, "copy keeps the internal date");
    assert_eq!(
        archive.read(copied.mapping[0].1, None).await.expect("read"),
        inbox.read(a.uid, None).await.expect("read")
    );
    assert_eq!(
        inbox.status().await.expect("status").messages,
        2,
        "copy keeps the source"
    );

    let moved = inbox
        .move_to(&[a.uid, b.uid].into_iter().collect(), &name("Archive"))
        .await
        .expect("move");
    assert_eq!(
        moved.mapping.iter().map(|p| p.0).collect::<Vec<_>>(),
        vec![a.uid, b.uid]
    );
    assert!(moved.mapping.iter().all(|p| p.1 > copied.mapping[0].1));
    assert_eq!(
        inbox.status().await.expect("status").messages,
        0,
        "move expunges the source"
    );
    assert_eq!(archive.status().await.expect("status").messages, 3);
    let c = inbox.changes_since(ModSeq::MIN).await.expect("changes");
    assert!(c.expunged.contains(a.uid) && c.expunged.contains(b.uid));
    assert_eq!(
        inbox
            .copy(&UidSet::all(), &name("Nowhere"))
            .await
            .err()
            .map(|e| e.kind()),
        Some(ErrorKind::Nonexistent)
    );
    let empty = inbox
        .copy(&UidSet::all(), &name("Archive"))
        .await
        .expect("copy nothing");
    assert!(empty.mapping.is_empty());
}

/// Quotas (RFC 9208): usage counts every mailbox, an append or copy that would exceed a limit
/// fails with `OverQuota`, expunging frees room.
pub async fn quota<S: Store>(store: &S) {
    let acc = store
        .authenticate(QUOTA_USER.name, Secret::new(QUOTA_USER.password))
        .await
        .expect("the quota user logs in");
    let q = acc.quota().await.expect("quota");
    assert_eq!(q.limits, QUOTA_USER.quota);
    assert_eq!((q.storage, q.messages), (0, 0));
    acc.create(&name("Other"), None).await.expect("create");
    let inbox = acc.open(&MailboxName::inbox()).await.expect("open");
    let other = acc.open(&name("Other")).await.expect("open");
    let hundred = || NewMessage::new(Bytes::from(vec![b'x'; 100]));
    let mut got = Vec::new();
    for _ in 0..3 {
        got.push(inbox.append(hundred()).await.expect("within quota").uid);
    }
    other.append(hundred()).await.expect("within quota");
    let q = acc.quota().await.expect("quota");
    assert_eq!(
        (q.storage, q.messages),
        (400, 4),
        "usage counts every mailbox"
    );
    let big = NewMessage::new(Bytes::from(vec![b'x'; 700]));
    assert_eq!(
        inbox.append(big).await.err().map(|e| e.kind()),
        Some(ErrorKind::OverQuota),
        "storage limit"
    );
    other
        .append(hundred())
        .await
        .expect("the fifth message fits");
    assert_eq!(
        inbox.append(hundred()).await.err().map(|e| e.kind()),
        Some(ErrorKind::OverQuota),
        "message limit"
    );
    assert_eq!(
        inbox
            .copy(&UidSet::single(got[0]), &name("Other"))
            .await
            .err()
            .map(|e| e.kind()),
        Some(ErrorKind::OverQuota),
        "copy counts against the quota"
    );
    inbox
        .move_to(&UidSet::single(got[0]), &name("Other"))
        .await
        .expect("a move does not grow usage");
    inbox
        .expunge(&UidSet::single(got[1]), ExpungeMode::Any)
        .await
        .expect("expunge");
    let q = acc.quota().await.expect("quota");
    assert_eq!((q.storage, q.messages), (400, 4), "expunge frees room");
    inbox.append(hundred()).await.expect("fits again");
}

/// Many tasks appending, flagging and expunging on one mailbox at once: no UID is given twice, no
/// acknowledged message is lost or duplicated, and every handle ends with the same view.
pub async fn concurrency<S: Store>(store: S, options: Options) {
    let store = Arc::new(store);
    let acc = Arc::new(login(&*store).await);
    let tasks = options.tasks.max(2);
    let per_task = options.appends_per_task.max(1);
    // Task 0 expunges what the others flag \Deleted; the others append.
    let task = |t: usize| {
        let acc = Arc::clone(&acc);
        async move {
            let mbox = acc.open(&MailboxName::inbox()).await.expect("open");
            let mut appended = Vec::new();
            let mut expunged = UidSet::new();
            for i in 0..per_task {
                if t == 0 {
                    let got = mbox
                        .expunge(&UidSet::all(), ExpungeMode::DeletedOnly)
                        .await
                        .expect("expunge");
                    for u in got.iter() {
                        expunged.insert(u);
                    }
                    futures::future::ready(()).await;
                    continue;
                }
                let a = mbox
                    .append(msg(&format!("task {t} message {i}")))
                    .await
                    .expect("append");
                if i % 3 == 0 {
                    mbox.store_flags(
                        &UidSet::single(a.uid),
                        FlagOp::Add,
                        &flags(&[SystemFlag::Deleted]),
                        None,
                    )
                    .await
                    .expect("store");
                }
                appended.push((a.uid, format!("task {t} message {i}")));
            }
            (appended, expunged)
        }
    };
    let results: Vec<(Vec<(Uid, String)>, UidSet)> = if options.threads == 0 {
        futures::future::join_all((0..tasks).map(task)).await
    } else {
        let threads = options.threads.min(tasks);
        let task = &task;
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads)
                .map(|th| {
                    s.spawn(move || {
                        futures::executor::block_on(futures::future::join_all(
                            (0..tasks).filter(|t| t % threads == th).map(task),
                        ))
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().expect("a task panicked"))
                .collect()
        })
    };
    let mut all_uids = BTreeSet::new();
    let mut by_uid = HashMap::new();
    let mut expunged = UidSet::new();
    for (appended, exp) in results {
        for (uid, text) in appended {
            assert!(all_uids.insert(uid), "UID {uid} was given twice");
            by_uid.insert(uid, text);
        }
        for u in exp.iter() {
            expunged.insert(u);
        }
    }
    assert_eq!(all_uids.len(), (tasks - 1) * per_task);
    let mbox = acc.open(&MailboxName::inbox()).await.expect("open");
    // Expunge what is left flagged, then compare.
    for u in mbox
        .expunge(&UidSet::all(), ExpungeMode::DeletedOnly)
        .await
        .expect("expunge")
        .iter()
    {
        expunged.insert(u);
    }
    let present = uids(&mbox).await;
    for u in &present {
        assert!(
            by_uid.contains_key(u),
            "UID {u} is present but was never acknowledged"
        );
        assert!(
            !expunged.contains(*u),
            "UID {u} was expunged but is present"
        );
    }
    for u in &all_uids {
        assert!(
            present.contains(u) || expunged.contains(*u),
            "acknowledged UID {u} is lost"
        );
    }
    for (i, u) in present.iter().enumerate() {
        let body = mbox.read(*u, None).await.expect("read");
        let text = &by_uid[u];
        assert!(
            body.windows(text.len()).any(|w| w == text.as_bytes()),
            "message {u} holds someone else's bytes"
        );
        if i > 20 {
            break;
        }
    }
    let unique: BTreeSet<_> = mbox
        .list(&UidSet::all())
        .await
        .expect("list")
        .into_iter()
        .map(|m| m.unique_id)
        .collect();
    assert_eq!(unique.len(), present.len(), "unique-ids are distinct");
    let st = mbox.status().await.expect("status");
    assert_eq!(st.messages as usize, present.len());
    assert_eq!(st.deleted, 0);
    assert!(st.uid_next > *all_uids.last().expect("some"));
}
