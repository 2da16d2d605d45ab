//! The async clients against a real server: Dovecot, or `mailwire serve`.
//!
//! The server is described by a file named in `MAILWIRE_CLIENT_TARGET` (`key=value` lines; see
//! `tests/interop/clients.sh`, which starts Dovecot and `mailwire serve`, writes the file and
//! runs these tests with `--test-threads=1`, since they share the users' maildrops). Without the
//! variable every test prints a note and returns.
//!
//! Keys: `name`, `host`, `tls_name` (certificate name), `ca` (PEM file), `pop3`, `pop3s`, `imap`,
//! `imaps` (ports; a protocol without ports is skipped), `user`, `password`, `maildir` (the
//! user's Maildir, where tests deliver messages as an MDA would), `apop` (`1` when the server
//! offers APOP for the user).

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use futures::TryStreamExt;
use mailwire_core::Secret;
use mailwire_imap::types::{
    Charset, FetchAttribute, Flag, MacroOrAttributes, SearchKey, SearchReturnData,
    SearchReturnOption, SequenceSet, SortCriterion, SortKey, StatusAttribute, StatusValue,
    StoreMode, ThreadAlgorithm,
};
use mailwire_pop3::MsgNum;
use mailwire_tokio::client::imap::{BodyStreamOptions, IdleOptions, IdleStop, Unsolicited, range};
use mailwire_tokio::client::{
    Error, ImapClient, Pop3Client, SaslCredentials, Security, TlsSettings, ca_file_config,
};
use tokio::net::TcpStream;
use tokio::time::timeout;

/// The server under test.
struct Target {
    keys: HashMap<String, String>,
}

/// The target, if it offers `protocol` (else a note is printed).
fn target_for(test: &str, protocol: &str) -> Option<Target> {
    target(test).filter(|t| !t.lacks(protocol))
}

fn target(test: &str) -> Option<Target> {
    let Some(path) = std::env::var_os("MAILWIRE_CLIENT_TARGET") else {
        println!(
            "{test}: skipped, MAILWIRE_CLIENT_TARGET is not set (tests/interop/clients.sh sets it)"
        );
        return None;
    };
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", PathBuf::from(&path).display()));
    let keys = text
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let t = Target { keys };
    println!("{test}: against {}", t.get("name"));
    Some(t)
}

impl Target {
    fn get(&self, key: &str) -> &str {
        self.keys
            .get(key)
            .map(String::as_str)
            .unwrap_or_else(|| panic!("target has no {key}"))
    }

    fn port(&self, key: &str) -> Option<u16> {
        self.keys.get(key).and_then(|p| p.parse().ok())
    }

    /// `true` (with a note) when the server does not offer `protocol`.
    fn lacks(&self, protocol: &str) -> bool {
        let missing = self.port(protocol).is_none();
        if missing {
            println!("skipped: {} offers no {protocol}", self.get("name"));
        }
        missing
    }

    fn host(&self) -> &str {
        self.get("host")
    }

    fn tls(&self) -> TlsSettings {
        let config = ca_file_config(Path::new(self.get("ca"))).unwrap();
        TlsSettings::new(config, self.get("tls_name")).unwrap()
    }

    fn password(&self) -> Secret<String> {
        Secret::new(self.get("password").to_string())
    }

    fn user(&self) -> &str {
        self.get("user")
    }

    async fn pop3(&self, security: Security) -> Pop3Client<TcpStream> {
        let port = match security {
            Security::Implicit => self.port("pop3s"),
            _ => self.port("pop3"),
        }
        .expect("POP3 port");
        Pop3Client::connect(self.host(), port, security, Some(self.tls()))
            .await
            .unwrap()
    }

    async fn imap(&self, security: Security) -> ImapClient<TcpStream> {
        let port = match security {
            Security::Implicit => self.port("imaps"),
            _ => self.port("imap"),
        }
        .expect("IMAP port");
        ImapClient::connect(self.host(), port, security, Some(self.tls()))
            .await
            .unwrap()
    }

    async fn imap_login(&self) -> ImapClient<TcpStream> {
        let mut c = self.imap(Security::StartTls).await;
        c.login(self.user(), &self.password()).await.unwrap();
        c
    }

    /// Delivers a message into the user's Maildir the way an MDA does: tmp/, then new/.
    fn deliver(&self, message: &[u8]) {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let root = Path::new(self.get("maildir"));
        let name = format!(
            "{}.M{}P{}.mailwire-test",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            std::process::id()
        );
        let tmp = root.join("tmp").join(&name);
        std::fs::write(&tmp, message).unwrap();
        let meta = std::fs::metadata(root).unwrap();
        use std::os::unix::fs::MetadataExt;
        std::os::unix::fs::chown(&tmp, Some(meta.uid()), Some(meta.gid())).unwrap();
        std::fs::rename(&tmp, root.join("new").join(&name)).unwrap();
    }

    /// Empties the user's POP3 maildrop.
    async fn empty_maildrop(&self) {
        let mut c = self.pop3(Security::StartTls).await;
        c.login(self.user(), &self.password()).await.unwrap();
        let msgs: Vec<MsgNum> = c.list().await.unwrap().iter().map(|l| l.msg).collect();
        for r in c.dele_many(&msgs).await.unwrap() {
            r.unwrap();
        }
        c.quit().await.unwrap();
    }
}

/// SCRAM-SHA-256 credentials (RFC 7677).
fn scram(user: &str, password: &str) -> SaslCredentials {
    SaslCredentials::ScramSha256 {
        authzid: None,
        user: user.into(),
        password: Secret::new(password.into()),
    }
}

/// A message with `lines` body lines, some starting with a dot.
fn message(tag: &str, lines: usize) -> Vec<u8> {
    let mut m = format!(
        "From: interop <interop@example.org>\r\nTo: alice@example.org\r\nSubject: {tag}\r\nMessage-ID: <{tag}@example.org>\r\nDate: Sun, 22 Nov 2026 10:00:00 +0000\r\n\r\n"
    )
    .into_bytes();
    for n in 0..lines {
        let dot = if n % 4 == 0 { "." } else { "" };
        m.extend_from_slice(format!("{dot}{tag} line {n} {}\r\n", "y".repeat(60)).as_bytes());
    }
    m
}

/// A message of at least `size` bytes.
fn big_message(tag: &str, size: usize) -> Vec<u8> {
    let one = message(tag, 1).len() - message(tag, 0).len();
    message(tag, size / one + 1)
}

fn unique(prefix: &str) -> String {
    format!(
        "{prefix}-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    )
}

fn n(i: u32) -> MsgNum {
    MsgNum::new(i).unwrap()
}

fn nz(i: u32) -> NonZeroU32 {
    NonZeroU32::new(i).unwrap()
}

const WAIT: Duration = Duration::from_secs(30);

// -------------------------------------------------------------------------------- POP3

#[tokio::test]
async fn pop3_every_command_and_login_method() {
    let Some(t) = target_for("pop3_every_command_and_login_method", "pop3") else {
        return;
    };
    t.empty_maildrop().await;
    let msgs: Vec<Vec<u8>> = (0..3)
        .map(|i| message(&unique(&format!("p{i}")), 20 + i))
        .collect();
    for m in &msgs {
        t.deliver(m);
    }

    // USER/PASS over STLS.
    let mut c = t.pop3(Security::StartTls).await;
    assert!(c.is_tls());
    c.login(t.user(), &t.password()).await.unwrap();
    let (count, _) = c.stat().await.unwrap();
    assert_eq!(count, 3);
    let list = c.list().await.unwrap();
    let sizes: Vec<u64> = list.iter().map(|l| l.size).collect();
    // Maildir order is not delivery order everywhere: match messages by content.
    let mut retrieved = Vec::new();
    for l in &list {
        let body = c.retr(l.msg).await.unwrap();
        assert_eq!(body.len() as u64, l.size, "LIST size is the RETR size");
        retrieved.push(body);
    }
    for m in &msgs {
        assert!(
            retrieved.contains(m),
            "every delivered message comes back intact"
        );
    }
    assert_eq!(c.list_one(n(1)).await.unwrap().size, sizes[0]);
    let uidl = c.uidl().await.unwrap();
    assert_eq!(uidl.len(), 3);
    assert_eq!(c.uidl_one(n(2)).await.unwrap().uid, uidl[1].uid);
    let top = c.top(n(1), 0).await.unwrap();
    assert!(retrieved[0].starts_with(&top) && top.ends_with(b"\r\n\r\n"));
    let mut streamed = Vec::new();
    let mut s = c.retr_stream(n(2)).await.unwrap().into_stream();
    while let Some(chunk) = s.try_next().await.unwrap() {
        streamed.extend_from_slice(&chunk);
    }
    drop(s);
    assert_eq!(streamed, retrieved[1]);
    c.noop().await.unwrap();
    c.dele(n(1)).await.unwrap();
    c.rset().await.unwrap();
    c.dele(n(3)).await.unwrap();
    c.quit().await.unwrap();

    // SASL PLAIN over implicit TLS.
    let mut c = t.pop3(Security::Implicit).await;
    c.authenticate(&SaslCredentials::Plain {
        authzid: None,
        user: t.user().into(),
        password: t.password(),
    })
    .await
    .unwrap();
    assert_eq!(c.stat().await.unwrap().0, 2, "DELE 3 was committed at QUIT");
    c.quit().await.unwrap();

    // SASL LOGIN.
    let mut c = t.pop3(Security::StartTls).await;
    c.authenticate(&SaslCredentials::Login {
        user: t.user().into(),
        password: t.password(),
    })
    .await
    .unwrap();
    c.quit().await.unwrap();

    // SCRAM-SHA-256 (RFC 7677), where the server offers it; then a wrong password.
    let mut c = t.pop3(Security::StartTls).await;
    if c.sasl_mechanisms().iter().any(|m| m == "SCRAM-SHA-256") {
        let e = c
            .authenticate(&scram(t.user(), "not-the-password"))
            .await
            .unwrap_err();
        assert!(matches!(e, Error::Pop3Err { .. }), "{e:?}");
        c.authenticate(&scram(t.user(), t.password().expose()))
            .await
            .unwrap();
        assert_eq!(c.stat().await.unwrap().0, 2);
    } else {
        println!(
            "SCRAM-SHA-256: skipped, {} does not offer it",
            t.get("name")
        );
    }
    c.quit().await.unwrap();

    // APOP.
    if t.keys.get("apop").map(String::as_str) == Some("1") {
        let mut c = t.pop3(Security::StartTls).await;
        c.apop(t.user(), &t.password()).await.unwrap();
        assert_eq!(c.list().await.unwrap().len(), 2);
        c.quit().await.unwrap();
    }

    // Wrong password: a typed -ERR, then the right one works on the same connection.
    let mut c = t.pop3(Security::StartTls).await;
    let e = c
        .login(t.user(), &Secret::new("not-the-password".into()))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Pop3Err { .. }), "{e:?}");
    c.quit().await.unwrap();
}

#[tokio::test]
async fn pop3_twenty_mib_message() {
    let Some(t) = target_for("pop3_twenty_mib_message", "pop3") else {
        return;
    };
    t.empty_maildrop().await;
    let big = big_message(&unique("big"), 20 << 20);
    t.deliver(&big);
    let mut c = t.pop3(Security::Implicit).await;
    c.login(t.user(), &t.password()).await.unwrap();
    let listing = c.list_one(n(1)).await.unwrap();
    assert_eq!(listing.size, big.len() as u64);
    let started = std::time::Instant::now();
    let mut reader = c.retr_stream(n(1)).await.unwrap();
    let mut offset = 0;
    while let Some(chunk) = reader.chunk().await.unwrap() {
        assert_eq!(&chunk[..], &big[offset..offset + chunk.len()]);
        offset += chunk.len();
    }
    assert_eq!(offset, big.len());
    println!(
        "POP3 RETR of {:.1} MiB over TLS: {:?}",
        big.len() as f64 / f64::from(1 << 20),
        started.elapsed()
    );
    c.dele(n(1)).await.unwrap();
    c.quit().await.unwrap();
}

// -------------------------------------------------------------------------------- IMAP

fn attrs(list: Vec<FetchAttribute<'static>>) -> MacroOrAttributes<'static> {
    MacroOrAttributes::Attributes(list)
}

#[tokio::test]
async fn imap_every_command() {
    let Some(t) = target_for("imap_every_command", "imap") else {
        return;
    };
    let mut c = t.imap(Security::StartTls).await;
    assert!(c.is_tls());
    assert!(c.has_capability("IMAP4rev1") || c.has_capability("IMAP4rev2"));
    c.capability().await.unwrap();
    c.noop().await.unwrap();
    c.login(t.user(), &t.password()).await.unwrap();
    if c.has_capability("ENABLE") && c.has_capability("CONDSTORE") {
        let enabled = c.enable(&["CONDSTORE"]).await.unwrap();
        assert!(enabled.iter().any(|e| e.eq_ignore_ascii_case("CONDSTORE")));
    }
    if c.has_capability("NAMESPACE") {
        let ns = c.namespace().await.unwrap();
        assert!(!ns.personal.is_empty());
    }
    let folder = unique("mw-all");
    let renamed = format!("{folder}-renamed");
    let other = format!("{folder}-other");
    c.create(&folder).await.unwrap();
    c.create(&other).await.unwrap();
    c.rename(&folder, &renamed).await.unwrap();
    c.subscribe(&renamed).await.unwrap();
    let listed = c.list("", &format!("{folder}*")).await.unwrap();
    assert!(
        listed
            .iter()
            .any(|l| l.mailbox.as_bytes() == renamed.as_bytes())
    );
    let subscribed = c.lsub("", &format!("{folder}*")).await.unwrap();
    assert_eq!(subscribed.len(), 1);
    c.unsubscribe(&renamed).await.unwrap();

    let texts: Vec<Vec<u8>> = (0..4)
        .map(|i| message(&format!("{folder} msg {i} zebra{}", i % 2), 5 + i))
        .collect();
    let mut appended = Vec::new();
    for (i, m) in texts.iter().enumerate() {
        let flags = (i == 0).then(|| vec![Flag::Flagged]);
        appended.push(c.append(&renamed, flags, None, m).await.unwrap());
    }
    let status = c
        .status(
            &renamed,
            &[StatusAttribute::Messages, StatusAttribute::UidNext],
        )
        .await
        .unwrap();
    assert!(status.contains(&StatusValue::Messages(4)), "{status:?}");

    let examined = c.examine(&renamed).await.unwrap();
    assert!(examined.read_only);
    assert_eq!(examined.exists, 4);
    let sel = c.select(&renamed).await.unwrap();
    assert_eq!(sel.exists, 4);
    assert!(!sel.read_only);
    let uid_validity = sel.uid_validity.unwrap();
    if let Some(Some((v, _))) = appended.first() {
        assert_eq!(
            *v, uid_validity,
            "APPENDUID names the mailbox's UIDVALIDITY"
        );
    }

    let all = c
        .fetch(
            SequenceSet::all(),
            attrs(vec![
                FetchAttribute::Uid,
                FetchAttribute::Flags,
                FetchAttribute::Rfc822Size,
                FetchAttribute::BodySection {
                    section: None,
                    partial: None,
                    peek: true,
                },
            ]),
        )
        .await
        .unwrap();
    assert_eq!(all.len(), 4);
    for (f, m) in all.iter().zip(&texts) {
        assert_eq!(f.body(), Some(&m[..]));
        assert_eq!(f.size(), Some(m.len() as u64));
    }
    assert!(all[0].has_flag(&Flag::Flagged));
    let uids: Vec<NonZeroU32> = all.iter().map(|f| f.uid().unwrap()).collect();
    let streamed: Vec<_> = c
        .uid_fetch_stream(SequenceSet::all(), attrs(vec![FetchAttribute::Uid]))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        streamed
            .iter()
            .map(|f| f.uid().unwrap())
            .collect::<Vec<_>>(),
        uids
    );
    let one = c
        .uid_fetch(
            SequenceSet::single(uids[1]),
            attrs(vec![FetchAttribute::Flags]),
        )
        .await
        .unwrap();
    assert_eq!(one.len(), 1);

    let zebra1 = c
        .search(vec![SearchKey::Subject("zebra1".try_into().unwrap())])
        .await
        .unwrap();
    assert_eq!(zebra1, vec![2, 4]);
    let flagged = c.uid_search(vec![SearchKey::Flagged]).await.unwrap();
    assert_eq!(flagged, vec![uids[0].get()]);
    if c.has_capability("ESEARCH") {
        let data = c
            .esearch(
                true,
                vec![SearchReturnOption::Count, SearchReturnOption::Min],
                None,
                vec![SearchKey::All],
            )
            .await
            .unwrap();
        assert!(data.contains(&SearchReturnData::Count(4)), "{data:?}");
        assert!(data.contains(&SearchReturnData::Min(uids[0])), "{data:?}");
    }
    if c.has_capability("SORT") {
        let sorted = c
            .sort(
                false,
                vec![SortCriterion {
                    reverse: true,
                    key: SortKey::Size,
                }],
                Charset::Atom(mailwire_imap::types::Atom::new("UTF-8").unwrap()),
                vec![SearchKey::All],
            )
            .await
            .unwrap();
        assert_eq!(sorted, vec![4, 3, 2, 1]);
    }
    if c.has_capability("THREAD=ORDEREDSUBJECT") {
        let threads = c
            .thread(
                false,
                ThreadAlgorithm::OrderedSubject,
                Charset::Atom(mailwire_imap::types::Atom::new("UTF-8").unwrap()),
                vec![SearchKey::All],
            )
            .await
            .unwrap();
        assert_eq!(threads.len(), 4, "four subjects, four threads");
    }

    let stored = c
        .store(
            SequenceSet::single(nz(2)),
            StoreMode::Add,
            vec![Flag::Seen, Flag::Answered],
            false,
        )
        .await
        .unwrap();
    assert!(stored[0].has_flag(&Flag::Answered));
    let silent = c
        .uid_store(
            SequenceSet::single(uids[2]),
            StoreMode::Add,
            vec![Flag::Deleted],
            true,
        )
        .await
        .unwrap();
    // .SILENT: no FLAGS back (with CONDSTORE enabled, RFC 7162 §3.1.3 still sends MODSEQ).
    assert!(silent.iter().all(|f| f.flags().is_none()), "{silent:?}");
    let copied = c
        .uid_copy(SequenceSet::single(uids[0]), &other)
        .await
        .unwrap();
    if c.has_capability("UIDPLUS") {
        assert!(copied.is_some());
    }
    c.copy(SequenceSet::single(nz(2)), &other).await.unwrap();
    if c.has_capability("MOVE") {
        let moved = c
            .uid_move(SequenceSet::single(uids[3]), &other)
            .await
            .unwrap();
        assert_eq!(moved.map(|m| m.source), Some(SequenceSet::single(uids[3])));
        assert_eq!(c.exists(), 3, "MOVE expunged the message here");
    }
    c.check().await.unwrap();
    let expunged = c.expunge().await.unwrap();
    assert_eq!(expunged, vec![nz(3)]);
    if c.has_capability("UIDPLUS") {
        c.uid_store(
            SequenceSet::single(uids[1]),
            StoreMode::Add,
            vec![Flag::Deleted],
            true,
        )
        .await
        .unwrap();
        assert_eq!(
            c.uid_expunge(SequenceSet::single(uids[1])).await.unwrap(),
            vec![nz(2)]
        );
    }
    if c.has_capability("UNSELECT") {
        c.unselect().await.unwrap();
        c.select(&renamed).await.unwrap();
    }
    c.close().await.unwrap();
    let other_status = c
        .status(&other, &[StatusAttribute::Messages])
        .await
        .unwrap();
    let expected = if c.has_capability("MOVE") { 3 } else { 2 };
    assert!(
        other_status.contains(&StatusValue::Messages(expected)),
        "{other_status:?}"
    );
    c.delete(&renamed).await.unwrap();
    c.delete(&other).await.unwrap();
    let e = c.select(&renamed).await.unwrap_err();
    assert!(matches!(e, Error::ImapNo { .. }), "{e:?}");
    c.logout().await.unwrap();
}

#[tokio::test]
async fn imap_login_methods_and_transports() {
    let Some(t) = target_for("imap_login_methods_and_transports", "imap") else {
        return;
    };
    let mut c = t.imap(Security::Implicit).await;
    assert!(c.is_tls());
    c.authenticate(&SaslCredentials::Plain {
        authzid: None,
        user: t.user().into(),
        password: t.password(),
    })
    .await
    .unwrap();
    c.select("INBOX").await.unwrap();
    c.logout().await.unwrap();

    // SCRAM-SHA-256 (RFC 7677), where the server offers it; then a wrong password.
    let mut c = t.imap(Security::StartTls).await;
    if c.has_capability("AUTH=SCRAM-SHA-256") {
        let e = c
            .authenticate(&scram(t.user(), "not-the-password"))
            .await
            .unwrap_err();
        assert!(matches!(e, Error::ImapNo { .. }), "{e:?}");
        c.authenticate(&scram(t.user(), t.password().expose()))
            .await
            .unwrap();
        c.select("INBOX").await.unwrap();
    } else {
        println!(
            "SCRAM-SHA-256: skipped, {} does not offer it",
            t.get("name")
        );
    }
    c.logout().await.unwrap();

    let mut c = t.imap(Security::StartTls).await;
    c.authenticate(&SaslCredentials::Login {
        user: t.user().into(),
        password: t.password(),
    })
    .await
    .unwrap();
    c.logout().await.unwrap();

    let mut c = t.imap(Security::None).await;
    assert!(!c.is_tls());
    assert!(c.has_capability("STARTTLS"));
    let e = c
        .login(t.user(), &Secret::new("wrong".into()))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::ImapNo { .. }), "{e:?}");
    c.starttls(t.tls()).await.unwrap();
    assert!(c.is_tls());
    assert!(
        !c.has_capability("STARTTLS"),
        "capabilities re-read after STARTTLS"
    );
    c.login(t.user(), &t.password()).await.unwrap();
    c.logout().await.unwrap();
}

#[tokio::test]
async fn imap_twenty_mib_message() {
    let Some(t) = target_for("imap_twenty_mib_message", "imap") else {
        return;
    };
    let folder = unique("mw-big");
    let big = big_message(&folder, 20 << 20);
    let mut c = t.imap_login().await;
    c.create(&folder).await.unwrap();
    let started = std::time::Instant::now();
    c.append(&folder, None, None, &big).await.unwrap();
    println!("IMAP APPEND of 20 MiB: {:?}", started.elapsed());
    c.select(&folder).await.unwrap();
    let uid = c
        .uid_search(vec![SearchKey::All])
        .await
        .unwrap()
        .first()
        .copied()
        .and_then(NonZeroU32::new)
        .unwrap();
    let started = std::time::Instant::now();
    let mut offset = 0;
    let mut largest = 0;
    {
        let mut chunks = c.fetch_body_stream(uid, None, BodyStreamOptions::default());
        while let Some(chunk) = chunks.try_next().await.unwrap() {
            assert_eq!(&chunk[..], &big[offset..offset + chunk.len()]);
            offset += chunk.len();
            largest = largest.max(chunk.len());
        }
    }
    assert_eq!(offset, big.len());
    assert!(largest <= 1 << 20);
    println!(
        "IMAP partial-FETCH stream of 20 MiB: {:?}",
        started.elapsed()
    );
    let whole = c
        .uid_fetch(
            SequenceSet::single(uid),
            attrs(vec![FetchAttribute::BodySection {
                section: None,
                partial: None,
                peek: true,
            }]),
        )
        .await
        .unwrap();
    assert_eq!(whole[0].body().map(<[u8]>::len), Some(big.len()));
    c.close().await.unwrap();
    c.delete(&folder).await.unwrap();
    c.logout().await.unwrap();
}

#[tokio::test]
async fn imap_idle_sees_an_append_from_another_connection() {
    let Some(t) = target_for("imap_idle_sees_an_append_from_another_connection", "imap") else {
        return;
    };
    let folder = unique("mw-idle");
    let mut watcher = t.imap_login().await;
    watcher.create(&folder).await.unwrap();
    watcher.select(&folder).await.unwrap();
    let mut writer = t.imap_login().await;

    let stop = IdleStop::new();
    let (appended_tx, appended_rx) = tokio::sync::oneshot::channel::<()>();
    let (seen_tx, seen_rx) = tokio::sync::oneshot::channel::<()>();
    // A second task appends once IDLE runs, then stops the watcher from outside.
    let stopper = stop.clone();
    let folder2 = folder.clone();
    let other_task = tokio::spawn(async move {
        writer
            .append(&folder2, None, None, &message("idle", 3))
            .await
            .unwrap();
        let _ = appended_tx.send(());
        seen_rx.await.unwrap();
        stopper.stop();
        writer
    });
    let mut idle = watcher.idle_with(IdleOptions::default(), stop);
    let mut seen_tx = Some(seen_tx);
    let mut saw_exists = false;
    while let Some(update) = timeout(WAIT, idle.next()).await.unwrap().unwrap() {
        if let Unsolicited::Exists(1) = update {
            saw_exists = true;
            if let Some(tx) = seen_tx.take() {
                tx.send(()).unwrap();
            }
        }
    }
    assert!(saw_exists, "IDLE reported the new message");
    appended_rx.await.unwrap();
    let writer = other_task.await.unwrap();
    assert_eq!(watcher.exists(), 1);
    watcher.noop().await.unwrap();
    watcher.close().await.unwrap();
    watcher.delete(&folder).await.unwrap();
    watcher.logout().await.unwrap();
    writer.logout().await.unwrap();
}

#[tokio::test]
async fn imap_unsolicited_flag_changes_and_expunges() {
    let Some(t) = target_for("imap_unsolicited_flag_changes_and_expunges", "imap") else {
        return;
    };
    let folder = unique("mw-unsol");
    let mut a = t.imap_login().await;
    a.create(&folder).await.unwrap();
    for i in 0..3 {
        a.append(&folder, None, None, &message(&format!("u{i}"), 2))
            .await
            .unwrap();
    }
    a.select(&folder).await.unwrap();
    a.take_unsolicited();
    let mut b = t.imap_login().await;
    b.select(&folder).await.unwrap();
    b.store(
        SequenceSet::single(nz(2)),
        StoreMode::Add,
        vec![Flag::Flagged],
        true,
    )
    .await
    .unwrap();
    b.store(
        SequenceSet::single(nz(3)),
        StoreMode::Add,
        vec![Flag::Deleted],
        true,
    )
    .await
    .unwrap();
    b.expunge().await.unwrap();
    a.noop().await.unwrap();
    let updates = a.take_unsolicited();
    assert!(
        updates.iter().any(|u| matches!(u, Unsolicited::Fetch(f) if f.seq == Some(nz(2)) && f.has_flag(&Flag::Flagged))),
        "{updates:?}"
    );
    assert!(
        updates
            .iter()
            .any(|u| matches!(u, Unsolicited::Expunge(n) if *n == nz(3))),
        "{updates:?}"
    );
    assert_eq!(a.exists(), 2);
    b.logout().await.unwrap();
    a.close().await.unwrap();
    a.delete(&folder).await.unwrap();
    a.logout().await.unwrap();
}

#[tokio::test]
async fn imap_condstore_qresync_sync() {
    let Some(t) = target_for("imap_condstore_qresync_sync", "imap") else {
        return;
    };
    let mut a = t.imap_login().await;
    if !a.has_capability("CONDSTORE") {
        println!("skipped: the server has no CONDSTORE");
        return;
    }
    let folder = unique("mw-sync");
    a.create(&folder).await.unwrap();
    for i in 0..4 {
        a.append(&folder, None, None, &message(&format!("s{i}"), 2))
            .await
            .unwrap();
    }
    let first = a.sync(&folder, None).await.unwrap();
    assert!(first.full_resync);
    let state = first.state.clone().expect("mod-sequences");
    let uids = a.uid_search(vec![SearchKey::All]).await.unwrap();
    a.close().await.unwrap();

    // Another client changes one message's flags and expunges another.
    let mut b = t.imap_login().await;
    b.select(&folder).await.unwrap();
    b.uid_store(
        SequenceSet::single(nz(uids[1])),
        StoreMode::Add,
        vec![Flag::Flagged],
        true,
    )
    .await
    .unwrap();
    b.uid_store(
        SequenceSet::single(nz(uids[3])),
        StoreMode::Add,
        vec![Flag::Deleted],
        true,
    )
    .await
    .unwrap();
    b.expunge().await.unwrap();
    b.logout().await.unwrap();

    let changes = a.sync(&folder, Some(&state)).await.unwrap();
    assert!(!changes.full_resync);
    assert!(
        changes
            .changed
            .iter()
            .any(|f| f.uid() == Some(nz(uids[1])) && f.has_flag(&Flag::Flagged)),
        "{:?}",
        changes.changed
    );
    if a.has_capability("QRESYNC") {
        let vanished = changes.vanished.expect("QRESYNC reports expunges");
        assert!(
            vanished.iter().any(|s| s.contains(uids[3], u32::MAX)),
            "{vanished:?}"
        );
    }
    let new_state = changes.state.unwrap();
    assert!(new_state.highest_mod_seq > state.highest_mod_seq);
    // CONDSTORE store: UNCHANGEDSINCE an old mod-sequence leaves the changed message alone.
    let outcome = a
        .uid_store_unchanged_since(
            SequenceSet::single(nz(uids[1])),
            state.highest_mod_seq.into(),
            StoreMode::Add,
            vec![Flag::Seen],
        )
        .await
        .unwrap();
    assert_eq!(outcome.modified, Some(SequenceSet::single(nz(uids[1]))));
    let (changed, _) = a
        .fetch_changed_since(range(nz(1), None), new_state.highest_mod_seq, false)
        .await
        .unwrap();
    assert!(changed.is_empty(), "{changed:?}");
    a.close().await.unwrap();
    a.delete(&folder).await.unwrap();
    a.logout().await.unwrap();
}

#[tokio::test]
async fn imap_administrative_extensions_and_compress() {
    use mailwire_imap::types::{MetadataEntry, MetadataValue, NString, Right};
    let Some(t) = target_for("imap_administrative_extensions_and_compress", "imap") else {
        return;
    };
    let mut c = t.imap_login().await;
    let folder = unique("mw-admin");
    c.create(&folder).await.unwrap();
    if c.has_capability("ID") {
        let server = c.id(&[("name", Some("mailwire-test"))]).await.unwrap();
        println!("ID: {server:?}");
        assert!(server.is_some_and(|p| p.get("name").is_some()));
    }
    if c.has_capability("QUOTA") {
        let roots = c.get_quota_root("INBOX").await.unwrap();
        assert!(!roots.is_empty(), "{roots:?}");
        // GETQUOTA of a root gives the resources GETQUOTAROOT listed for it (an account without
        // limits may list none, RFC 9208 §4.2.1).
        let root = String::from_utf8(roots[0].root.as_bytes().to_vec()).unwrap();
        assert_eq!(c.get_quota(&root).await.unwrap(), roots[0].resources);
    }
    if c.has_capability("METADATA") || c.has_capability("METADATA-SERVER") {
        let entry = MetadataEntry::parse("/private/comment").unwrap();
        let value = |s: &'static str| {
            MetadataValue::NString(NString(Some(
                mailwire_imap::types::IString::from_bytes(s.as_bytes()).unwrap(),
            )))
        };
        c.set_metadata(&folder, vec![(entry.clone(), value("kept by mailwire"))])
            .await
            .unwrap();
        let got = c
            .get_metadata(&folder, Vec::new(), vec![entry.clone()])
            .await
            .unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].1.as_bytes(), Some(&b"kept by mailwire"[..]));
        c.set_metadata(
            &folder,
            vec![(entry.clone(), MetadataValue::NString(NString(None)))],
        )
        .await
        .unwrap();
        let got = c
            .get_metadata(&folder, Vec::new(), vec![entry])
            .await
            .unwrap();
        assert!(got.iter().all(|(_, v)| v.as_bytes().is_none()), "{got:?}");
    }
    if c.has_capability("ACL") {
        let mine = c.my_rights(&folder).await.unwrap();
        assert!(mine.contains(Right::Lookup) && mine.contains(Right::Administer));
        c.set_acl(&folder, "bob", "lr").await.unwrap();
        let acl = c.get_acl(&folder).await.unwrap();
        let bob = acl
            .iter()
            .find(|(id, _)| id.0.as_bytes() == b"bob")
            .map(|(_, r)| r.clone())
            .expect("bob in the ACL");
        assert!(bob.contains(Right::Lookup) && bob.contains(Right::Read));
        assert!(!bob.contains(Right::Write));
        c.list_rights(&folder, "bob").await.unwrap();
        c.delete_acl(&folder, "bob").await.unwrap();
        let acl = c.get_acl(&folder).await.unwrap();
        assert!(!acl.iter().any(|(id, _)| id.0.as_bytes() == b"bob"));
    }
    if c.has_capability("UNAUTHENTICATE") {
        c.unauthenticate().await.unwrap();
        c.login(t.user(), &t.password()).await.unwrap();
    } else {
        assert!(matches!(
            c.unauthenticate().await,
            Err(Error::Unsupported(_))
        ));
    }
    if c.has_capability("COMPRESS=DEFLATE") {
        c.compress().await.unwrap();
        assert!(c.is_compressed());
        // A compressed session: a message up and back, and a command after it.
        let m = big_message(&folder, 3 << 20);
        c.append(&folder, None, None, &m).await.unwrap();
        c.select(&folder).await.unwrap();
        let back = c
            .fetch(
                SequenceSet::single(nz(1)),
                attrs(vec![FetchAttribute::BodySection {
                    section: None,
                    partial: None,
                    peek: true,
                }]),
            )
            .await
            .unwrap();
        assert_eq!(back[0].body(), Some(&m[..]));
        c.close().await.unwrap();
    }
    c.delete(&folder).await.unwrap();
    c.logout().await.unwrap();
}

#[tokio::test]
async fn imap_multiappend_list_status_and_special_use() {
    use mailwire_imap::types::{
        AppendData, AppendMessage, ListReturnOption, ListSelectOption, Literal, MailboxAttribute,
        Vec1,
    };
    let Some(t) = target_for("imap_multiappend_list_status_and_special_use", "imap") else {
        return;
    };
    let mut c = t.imap_login().await;
    let folder = unique("mw-multi");
    c.create(&folder).await.unwrap();
    if c.has_capability("MULTIAPPEND") {
        let messages = (0..3)
            .map(|i| {
                AppendMessage::new(AppendData::Literal(
                    Literal::new(message(&format!("multi {i}"), 1)).unwrap(),
                ))
            })
            .collect();
        let uids = c.multiappend(&folder, messages).await.unwrap();
        if c.has_capability("UIDPLUS") {
            let (_, set) = uids.expect("APPENDUID");
            assert!(
                set.contains(1, u32::MAX) && set.contains(3, u32::MAX),
                "{set:?}"
            );
        }
    }
    if c.has_capability("LIST-STATUS") {
        let listed = c
            .list_extended(
                None,
                "",
                &[&folder],
                Some(vec![ListReturnOption::Status(Vec1::one(
                    StatusAttribute::Messages,
                ))]),
            )
            .await
            .unwrap();
        assert_eq!(listed.len(), 1);
    }
    if c.has_capability("SPECIAL-USE") {
        let special = c
            .list_extended(Some(vec![ListSelectOption::SpecialUse]), "", &["*"], None)
            .await
            .unwrap();
        // RFC 6154 §5.1: only mailboxes with a special use are listed.
        let uses = [
            MailboxAttribute::All,
            MailboxAttribute::Archive,
            MailboxAttribute::Drafts,
            MailboxAttribute::Flagged,
            MailboxAttribute::Junk,
            MailboxAttribute::Sent,
            MailboxAttribute::Trash,
        ];
        assert!(
            special
                .iter()
                .all(|l| l.attributes.iter().any(|a| uses.contains(a))),
            "{special:?}"
        );
    }
    if c.has_capability("CREATE-SPECIAL-USE") {
        let junk = format!("{folder}-junk");
        c.create_special_use(&junk, vec![MailboxAttribute::Junk])
            .await
            .unwrap();
        c.delete(&junk).await.unwrap();
    }
    if c.has_capability("CONDSTORE") {
        let sel = c.select_condstore(&folder).await.unwrap();
        assert!(sel.highest_mod_seq.is_some() || sel.no_mod_seq);
        c.close().await.unwrap();
    }
    c.delete(&folder).await.unwrap();
    c.logout().await.unwrap();
}
