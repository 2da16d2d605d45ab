//! The POP3 session over the memory store, driven in memory: each test writes client lines and
//! checks the server's answers and the store afterwards.

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use futures::executor::block_on;
use mailwire_core::Secret;
use mailwire_mailbox::memory::MemoryStore;
use mailwire_mailbox::{
    Account, ExpungeMode, Flag, Mailbox, MailboxName, NewMessage, Quota, Store, SystemFlag, UidSet,
};
use mailwire_server::pop3::{PlaintextAuth, Pop3Options, Pop3Server, Retention, SharedSecrets};
use mailwire_server::{ConnectionInfo, Session, Step};

const M1: &[u8] = b"Subject: one\r\n\r\nfirst body\r\n";
const M2: &[u8] = b"Subject: two\r\nX: y\r\n\r\n.dot line\r\n..two\r\nl3\r\nl4\r\n";
const M3: &[u8] = b"Subject: three\r\n\r\nthird\r\n";

fn store() -> Arc<MemoryStore> {
    let store = MemoryStore::new();
    store.add_user("alice", "secret", Quota::UNLIMITED).unwrap();
    let inbox = block_on(async {
        let acct = store.account("alice").unwrap();
        acct.open(&MailboxName::inbox()).await.unwrap()
    });
    for m in [M1, M2, M3] {
        block_on(inbox.append(NewMessage::new(m))).unwrap();
    }
    Arc::new(store)
}

fn info(peer: &str, tls_available: bool) -> ConnectionInfo {
    let peer: SocketAddr = peer.parse().unwrap();
    ConnectionInfo {
        peer,
        local: "127.0.0.1:110".parse().unwrap(),
        tls_active: false,
        tls_available,
    }
}

fn options() -> Pop3Options {
    let mut o = Pop3Options::default();
    o.failed_login_delay = Duration::from_millis(1);
    o
}

struct Secrets;
impl SharedSecrets for Secrets {
    fn shared_secret(&self, user: &str) -> Option<Secret<String>> {
        (user == "alice").then(|| Secret::new("secret".to_string()))
    }
}

/// A session plus what it wrote.
struct Harness<S: Store> {
    session: mailwire_server::pop3::Pop3Session<S>,
    delays: usize,
    closed: bool,
    tls_requested: bool,
}

impl<S: Store> Harness<S> {
    fn new(server: &Pop3Server<S>, info: ConnectionInfo) -> Self {
        Harness {
            session: server.session(info),
            delays: 0,
            closed: false,
            tls_requested: false,
        }
    }

    /// Feeds `input` and runs the session until it wants more input; returns its output.
    fn send(&mut self, input: &str) -> String {
        self.session.feed(input.as_bytes());
        let mut out = Vec::new();
        loop {
            match block_on(self.session.step()) {
                Step::Read => break,
                Step::Write(b) => out.extend_from_slice(&b),
                Step::Delay(_) => self.delays += 1,
                Step::StartTls => {
                    self.tls_requested = true;
                    break;
                }
                Step::Close => {
                    self.closed = true;
                    break;
                }
            }
        }
        String::from_utf8(out).unwrap()
    }

    fn login(&mut self) {
        self.send("");
        let out = self.send("USER alice\r\nPASS secret\r\n");
        assert!(
            out.ends_with("+OK alice has 3 messages (101 octets)\r\n"),
            "{out}"
        );
    }
}

fn server(store: &Arc<MemoryStore>, o: Pop3Options) -> Pop3Server<MemoryStore> {
    Pop3Server::new(store.clone(), o)
}

/// Whether each INBOX message has `\\Seen`, in UID order.
fn seen_flags(store: &MemoryStore) -> Vec<bool> {
    block_on(async {
        let inbox = store
            .account("alice")
            .unwrap()
            .open(&MailboxName::inbox())
            .await
            .unwrap();
        let metas = inbox.list(&UidSet::all()).await.unwrap();
        metas
            .iter()
            .map(|m| m.flags.contains(&Flag::System(SystemFlag::Seen)))
            .collect()
    })
}

fn inbox_uids(store: &MemoryStore) -> Vec<u32> {
    block_on(async {
        let inbox = store
            .account("alice")
            .unwrap()
            .open(&MailboxName::inbox())
            .await
            .unwrap();
        inbox
            .list(&UidSet::all())
            .await
            .unwrap()
            .iter()
            .map(|m| m.uid.get())
            .collect()
    })
}

#[test]
fn transaction_commands() {
    let store = store();
    let mut h = Harness::new(&server(&store, options()), info("127.0.0.1:5000", false));
    assert!(h.send("").starts_with("+OK mailwire POP3 server ready"));
    h.login();
    assert_eq!(h.send("STAT\r\n"), "+OK 3 101\r\n");
    assert_eq!(
        h.send("LIST\r\n"),
        format!(
            "+OK 3 messages\r\n1 {}\r\n2 {}\r\n3 {}\r\n.\r\n",
            M1.len(),
            M2.len(),
            M3.len()
        )
    );
    assert_eq!(h.send("LIST 2\r\n"), format!("+OK 2 {}\r\n", M2.len()));
    assert_eq!(h.send("LIST 4\r\n"), "-ERR no message 4\r\n");
    let uidl = h.send("UIDL\r\n");
    let ids: Vec<&str> = uidl
        .lines()
        .skip(1)
        .take(3)
        .map(|l| l.split(' ').nth(1).unwrap())
        .collect();
    assert_eq!(ids.len(), 3);
    assert!(ids.iter().all(|id| !id.is_empty() && id.len() <= 70));
    assert_eq!(h.send("UIDL 3\r\n"), format!("+OK 3 {}\r\n", ids[2]));
    // RETR dot-stuffs lines that start with a dot (RFC 1939 §3).
    assert_eq!(
        h.send("RETR 2\r\n"),
        format!(
            "+OK {} octets\r\nSubject: two\r\nX: y\r\n\r\n..dot line\r\n...two\r\nl3\r\nl4\r\n.\r\n",
            M2.len()
        )
    );
    // TOP n 0: the header and the blank line; TOP n 2: two body lines.
    assert_eq!(
        h.send("TOP 2 0\r\n"),
        "+OK top of message follows\r\nSubject: two\r\nX: y\r\n\r\n.\r\n"
    );
    assert_eq!(
        h.send("TOP 2 2\r\n"),
        "+OK top of message follows\r\nSubject: two\r\nX: y\r\n\r\n..dot line\r\n...two\r\n.\r\n"
    );
    assert_eq!(h.send("NOOP\r\n"), "+OK\r\n");
    assert_eq!(h.send("QUIT\r\n"), "+OK bye (3 messages left)\r\n");
    assert!(h.closed);
    assert_eq!(inbox_uids(&store).len(), 3);
}

#[test]
fn timeouts_depend_on_the_state() {
    let store = store();
    let mut o = options();
    o.preauth_timeout = Duration::from_secs(60);
    o.timeout = Duration::from_secs(900);
    let mut h = Harness::new(&server(&store, o), info("127.0.0.1:5000", false));
    h.send("");
    assert_eq!(h.session.timeout(), Duration::from_secs(60));
    h.send("USER alice\r\nPASS secret\r\n");
    assert_eq!(h.session.timeout(), Duration::from_secs(900));
}

#[test]
fn dele_marks_rset_unmarks_quit_commits() {
    let store = store();
    let srv = server(&store, options());
    let mut h = Harness::new(&srv, info("127.0.0.1:5000", false));
    h.login();
    assert_eq!(h.send("DELE 1\r\n"), "+OK message 1 deleted\r\n");
    assert_eq!(h.send("DELE 1\r\n"), "-ERR message 1 already deleted\r\n");
    assert_eq!(h.send("RETR 1\r\n"), "-ERR message 1 already deleted\r\n");
    assert_eq!(
        h.send("STAT\r\n"),
        format!("+OK 2 {}\r\n", M2.len() + M3.len())
    );
    assert!(!h.send("LIST\r\n").contains("\r\n1 "));
    assert_eq!(h.send("RSET\r\n"), "+OK maildrop has 3 messages\r\n");
    assert_eq!(h.send("STAT\r\n"), "+OK 3 101\r\n");
    h.send("DELE 3\r\n");
    // Nothing is removed before QUIT.
    assert_eq!(inbox_uids(&store), vec![1, 2, 3]);
    assert_eq!(h.send("QUIT\r\n"), "+OK bye (2 messages left)\r\n");
    assert_eq!(inbox_uids(&store), vec![1, 2]);
    // Message numbers of a new session start at 1 again.
    let mut h = Harness::new(&srv, info("127.0.0.1:5001", false));
    h.send("");
    h.send("USER alice\r\nPASS secret\r\n");
    assert_eq!(
        h.send("STAT\r\n"),
        format!("+OK 2 {}\r\n", M1.len() + M2.len())
    );
}

#[test]
fn a_dropped_or_timed_out_session_deletes_nothing() {
    let store = store();
    let srv = server(&store, options());
    let mut h = Harness::new(&srv, info("127.0.0.1:5000", false));
    h.login();
    h.send("DELE 1\r\nDELE 2\r\n");
    h.session.closed();
    drop(h);
    assert_eq!(inbox_uids(&store), vec![1, 2, 3]);
    let mut h = Harness::new(&srv, info("127.0.0.1:5000", false));
    h.login();
    h.send("DELE 1\r\n");
    assert_eq!(h.session.timed_out(), None, "POP3 closes silently");
    drop(h);
    assert_eq!(inbox_uids(&store), vec![1, 2, 3]);
}

#[test]
fn exclusive_lock_answers_in_use() {
    let store = store();
    let srv = server(&store, options());
    let mut a = Harness::new(&srv, info("127.0.0.1:5000", false));
    a.login();
    let mut b = Harness::new(&srv, info("127.0.0.1:5001", false));
    b.send("");
    assert_eq!(
        b.send("USER alice\r\nPASS secret\r\n"),
        "+OK send PASS for alice\r\n-ERR [IN-USE] maildrop already locked by another session\r\n"
    );
    a.send("QUIT\r\n");
    assert!(
        b.send("USER alice\r\nPASS secret\r\n")
            .ends_with("+OK alice has 3 messages (101 octets)\r\n")
    );
    // A dropped session releases the lock too.
    drop(b);
    let mut c = Harness::new(&srv, info("127.0.0.1:5002", false));
    c.login();
}

#[test]
fn no_lock_when_disabled() {
    let store = store();
    let mut o = options();
    o.exclusive_lock = false;
    let srv = server(&store, o);
    let mut a = Harness::new(&srv, info("127.0.0.1:5000", false));
    a.login();
    let mut b = Harness::new(&srv, info("127.0.0.1:5001", false));
    b.login();
}

#[test]
fn message_expunged_by_another_session_is_an_error_not_other_bytes() {
    let store = store();
    let mut h = Harness::new(&server(&store, options()), info("127.0.0.1:5000", false));
    h.login();
    // An IMAP session expunges message 2 meanwhile.
    block_on(async {
        let inbox = store
            .account("alice")
            .unwrap()
            .open(&MailboxName::inbox())
            .await
            .unwrap();
        let uid2 = inbox.list(&UidSet::all()).await.unwrap()[1].uid;
        inbox
            .expunge(&UidSet::single(uid2), ExpungeMode::Any)
            .await
            .unwrap();
    });
    // The snapshot keeps its numbers; the gone message is answered -ERR.
    assert_eq!(h.send("STAT\r\n"), "+OK 3 101\r\n");
    assert_eq!(
        h.send("RETR 2\r\n"),
        "-ERR message 2 was removed by another session\r\n"
    );
    assert_eq!(
        h.send("TOP 2 1\r\n"),
        "-ERR message 2 was removed by another session\r\n"
    );
    assert!(h.send("RETR 3\r\n").ends_with("third\r\n.\r\n"));
    // Deleting it too is harmless at QUIT.
    h.send("DELE 2\r\n");
    assert!(h.send("QUIT\r\n").starts_with("+OK"));
    assert_eq!(inbox_uids(&store), vec![1, 3]);
}

#[test]
fn delete_retrieved_policy_and_expire() {
    let store = store();
    let mut o = options();
    o.retention = Retention::DeleteRetrieved;
    let mut h = Harness::new(&server(&store, o), info("127.0.0.1:5000", false));
    h.send("");
    assert!(h.send("CAPA\r\n").contains("\r\nEXPIRE 0\r\n"));
    h.send("USER alice\r\nPASS secret\r\n");
    h.send("RETR 1\r\nTOP 2 0\r\n");
    h.send("QUIT\r\n");
    // RETR'd message 1 is gone; TOP does not count as a download.
    assert_eq!(inbox_uids(&store), vec![2, 3]);
}

#[test]
fn leave_on_server_announces_expire_never_and_marks_seen() {
    let store = store();
    let mut h = Harness::new(&server(&store, options()), info("127.0.0.1:5000", false));
    h.send("");
    assert!(h.send("CAPA\r\n").contains("\r\nEXPIRE NEVER\r\n"));
    h.send("USER alice\r\nPASS secret\r\nRETR 1\r\nQUIT\r\n");
    let seen = seen_flags(&store);
    assert_eq!(seen, vec![true, false, false]);
    // A session that ends without QUIT changes no flag either.
    let mut h = Harness::new(&server(&store, options()), info("127.0.0.1:5001", false));
    h.send("");
    h.send("USER alice\r\nPASS secret\r\nRETR 2\r\n");
    h.session.closed();
    drop(h);
    let seen = seen_flags(&store);
    assert_eq!(seen, vec![true, false, false]);
}

#[test]
fn sessions_share_an_unchanged_snapshot_but_see_new_mail() {
    let store = store();
    let mut o = options();
    o.exclusive_lock = false;
    let srv = server(&store, o);
    let mut a = Harness::new(&srv, info("127.0.0.1:5000", false));
    a.login();
    let mut b = Harness::new(&srv, info("127.0.0.1:5001", false));
    b.login();
    // New mail arrives: a new session sees it, the old ones keep their numbering.
    block_on(async {
        let inbox = store
            .account("alice")
            .unwrap()
            .open(&MailboxName::inbox())
            .await
            .unwrap();
        inbox
            .append(NewMessage::new(&b"Subject: four\r\n\r\n4\r\n"[..]))
            .await
            .unwrap();
    });
    let mut c = Harness::new(&srv, info("127.0.0.1:5002", false));
    c.send("");
    assert!(
        c.send("USER alice\r\nPASS secret\r\n")
            .contains("has 4 messages")
    );
    assert_eq!(a.send("STAT\r\n"), "+OK 3 101\r\n");
    // Marks are per session even when the snapshot is shared.
    a.send("DELE 1\r\n");
    assert_eq!(b.send("STAT\r\n"), "+OK 3 101\r\n");
}

#[test]
fn capabilities_per_state() {
    let store = store();
    let mut h = Harness::new(&server(&store, options()), info("127.0.0.1:5000", true));
    h.send("");
    let before = h.send("CAPA\r\n");
    for c in [
        "\r\nUSER\r\n",
        "\r\nSASL PLAIN LOGIN SCRAM-SHA-256\r\n",
        "\r\nSTLS\r\n",
        "\r\nTOP\r\n",
        "\r\nUIDL\r\n",
        "\r\nRESP-CODES\r\n",
        "\r\nPIPELINING\r\n",
    ] {
        assert!(before.contains(c), "{c:?} in {before}");
    }
    h.send("USER alice\r\nPASS secret\r\n");
    let after = h.send("CAPA\r\n");
    for c in ["\r\nUSER\r\n", "\r\nSASL", "\r\nSTLS\r\n"] {
        assert!(!after.contains(c), "{c:?} not in {after}");
    }
    assert!(after.contains("\r\nTOP\r\n"));
}

#[test]
fn plaintext_refused_from_remote_without_tls() {
    let store = store();
    let mut h = Harness::new(&server(&store, options()), info("192.0.2.7:5000", true));
    h.send("");
    let capa = h.send("CAPA\r\n");
    assert!(!capa.contains("\r\nUSER\r\n") && capa.contains("\r\nSTLS\r\n"));
    assert!(h.send("USER alice\r\n").starts_with("-ERR"));
    assert_eq!(h.send("STLS\r\n"), "+OK begin TLS negotiation\r\n");
    assert!(h.tls_requested);
    h.session.tls_established();
    // After TLS, passwords are fine.
    let out = h.send("USER alice\r\nPASS secret\r\n");
    assert!(
        out.ends_with("+OK alice has 3 messages (101 octets)\r\n"),
        "{out}"
    );
    // With PlaintextAuth::Always a remote peer may log in without TLS.
    let mut o = options();
    o.plaintext_auth = PlaintextAuth::Always;
    let mut h = Harness::new(&server(&store, o), info("192.0.2.7:5000", false));
    h.send("");
    assert!(
        h.send("USER alice\r\nPASS secret\r\n")
            .ends_with("octets)\r\n")
    );
}

#[test]
fn wrong_password_is_delayed_and_says_auth() {
    let store = store();
    let mut h = Harness::new(&server(&store, options()), info("127.0.0.1:5000", false));
    h.send("");
    let out = h.send("USER alice\r\nPASS wrong\r\n");
    assert!(
        out.ends_with("-ERR [AUTH] authentication failed\r\n"),
        "{out}"
    );
    assert_eq!(h.delays, 1);
    // Unknown users look the same.
    let out = h.send("USER nobody\r\nPASS secret\r\n");
    assert!(out.ends_with("-ERR [AUTH] authentication failed\r\n"));
    assert_eq!(h.delays, 2);
    // PASS again without USER.
    assert!(h.send("PASS secret\r\n").starts_with("-ERR"));
    h.login();
}

#[test]
fn sasl_plain_and_login() {
    let store = store();
    let srv = server(&store, options());
    let b64 = |s: &[u8]| mailwire_core::sasl::encode_base64(s);
    // PLAIN with an initial response (RFC 5034 §4).
    let mut h = Harness::new(&srv, info("127.0.0.1:5000", false));
    h.send("");
    let out = h.send(&format!("AUTH PLAIN {}\r\n", b64(b"\0alice\0secret")));
    assert!(out.starts_with("+OK alice has 3"), "{out}");
    h.send("QUIT\r\n");
    // PLAIN with an empty challenge first.
    let mut h = Harness::new(&srv, info("127.0.0.1:5000", false));
    h.send("");
    assert_eq!(h.send("AUTH PLAIN\r\n"), "+ \r\n");
    assert!(
        h.send(&format!("{}\r\n", b64(b"\0alice\0secret")))
            .starts_with("+OK alice")
    );
    h.send("QUIT\r\n");
    // LOGIN: user name and password challenges.
    let mut h = Harness::new(&srv, info("127.0.0.1:5000", false));
    h.send("");
    assert_eq!(
        h.send("AUTH LOGIN\r\n"),
        format!("+ {}\r\n", b64(b"Username:"))
    );
    assert_eq!(
        h.send(&format!("{}\r\n", b64(b"alice"))),
        format!("+ {}\r\n", b64(b"Password:"))
    );
    assert!(
        h.send(&format!("{}\r\n", b64(b"secret")))
            .starts_with("+OK alice")
    );
    h.send("QUIT\r\n");
    // A wrong PLAIN password, and a cancelled exchange.
    let mut h = Harness::new(&srv, info("127.0.0.1:5000", false));
    h.send("");
    let out = h.send(&format!("AUTH PLAIN {}\r\n", b64(b"\0alice\0nope")));
    assert_eq!(out, "-ERR [AUTH] authentication failed\r\n");
    h.send("AUTH LOGIN\r\n");
    assert!(h.send("*\r\n").starts_with("-ERR"));
    assert!(h.send("AUTH FOO\r\n").starts_with("-ERR"));
    h.login();
}

#[test]
fn apop() {
    let store = store();
    let srv = server(&store, options()).with_shared_secrets(Arc::new(Secrets));
    let mut h = Harness::new(&srv, info("127.0.0.1:5000", false));
    let greeting = h.send("");
    let start = greeting.find('<').unwrap();
    let end = greeting.find('>').unwrap();
    let timestamp = &greeting[start..=end];
    let digest = |secret: &str| {
        use md5::Digest;
        let d = md5::Md5::digest(format!("{timestamp}{secret}").as_bytes());
        d.iter().map(|b| format!("{b:02x}")).collect::<String>()
    };
    let out = h.send(&format!("APOP alice {}\r\n", digest("wrong")));
    assert_eq!(out, "-ERR [AUTH] authentication failed\r\n");
    let out = h.send(&format!("APOP alice {}\r\n", digest("secret")));
    assert!(out.starts_with("+OK alice has 3"), "{out}");
    // Each greeting has its own timestamp.
    let other = Harness::new(&srv, info("127.0.0.1:5001", false)).send("");
    assert_ne!(other, greeting);
    // Without secrets there is no timestamp and APOP is refused.
    let mut h = Harness::new(&server(&store, options()), info("127.0.0.1:5002", false));
    assert!(!h.send("").contains('<'));
    assert!(
        h.send(&format!("APOP alice {}\r\n", digest("secret")))
            .starts_with("-ERR")
    );
}

#[test]
fn large_message_is_streamed_in_chunks() {
    let store = MemoryStore::new();
    store.add_user("alice", "secret", Quota::UNLIMITED).unwrap();
    let mut big = b"Subject: big\r\n\r\n".to_vec();
    for i in 0..20_000 {
        big.extend_from_slice(
            format!("{}line {i}\r\n", if i % 7 == 0 { "." } else { "" }).as_bytes(),
        );
    }
    block_on(async {
        let inbox = store
            .account("alice")
            .unwrap()
            .open(&MailboxName::inbox())
            .await
            .unwrap();
        inbox.append(NewMessage::new(big.clone())).await.unwrap();
    });
    let mut o = options();
    o.read_chunk = 4096;
    let srv = Pop3Server::new(Arc::new(store), o);
    let mut h = Harness::new(&srv, info("127.0.0.1:5000", false));
    h.send("");
    h.send("USER alice\r\nPASS secret\r\n");
    let out = h.send("RETR 1\r\n");
    let body = out.split_once("\r\n").unwrap().1;
    let (unstuffed, _) = mailwire_core::dot::unstuff(body.as_bytes()).unwrap();
    assert_eq!(&unstuffed[..], &big[..]);
}

#[test]
fn pipelined_commands_are_answered_in_order() {
    let store = store();
    let mut h = Harness::new(&server(&store, options()), info("127.0.0.1:5000", false));
    let out = h.send("USER alice\r\nPASS secret\r\nSTAT\r\nLIST 1\r\nDELE 1\r\nSTAT\r\nQUIT\r\n");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[1..],
        [
            "+OK send PASS for alice",
            "+OK alice has 3 messages (101 octets)",
            "+OK 3 101",
            &format!("+OK 1 {}", M1.len()),
            "+OK message 1 deleted",
            &format!("+OK 2 {}", M2.len() + M3.len()),
            "+OK bye (2 messages left)",
        ]
    );
}

/// A `MakeWriter` that collects log output in memory.
#[derive(Clone, Default)]
struct Logs(Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Logs {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Logs {
    type Writer = Logs;
    fn make_writer(&'a self) -> Logs {
        self.clone()
    }
}

#[test]
fn passwords_never_reach_the_logs() {
    let logs = Logs::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(logs.clone())
        .finish();
    tracing::subscriber::with_default(subscriber, || {
        let store = store();
        let srv = server(&store, options());
        let mut h = Harness::new(&srv, info("127.0.0.1:5000", false));
        h.send("");
        h.send("USER alice\r\nPASS hunter2-wrong\r\n");
        h.send("USER alice\r\nPASS secret\r\nQUIT\r\n");
        let b64 = mailwire_core::sasl::encode_base64(b"\0alice\0sasl-pass-xyz");
        let mut h = Harness::new(&srv, info("127.0.0.1:5001", false));
        h.send("");
        h.send(&format!("AUTH PLAIN {b64}\r\n"));
    });
    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(
        text.contains("PASS") || text.contains("Pass"),
        "commands are logged: {text}"
    );
    for secret in ["hunter2-wrong", "secret\"", "sasl-pass-xyz", "AGFsaWNl"] {
        assert!(
            !text.contains(secret),
            "{secret} leaked into the logs:\n{text}"
        );
    }
}

/// AUTH SCRAM-SHA-256 (RFC 7677) with and without an initial response: the
/// server-final-message is the last challenge, answered by an empty line (RFC 5034 §4).
#[test]
fn auth_scram_sha256() {
    let store = store();
    for initial_response in [true, false] {
        let mut h = Harness::new(&server(&store, options()), info("127.0.0.1:5000", true));
        h.send("");
        let out = common::scram_login(
            |l| h.send(l),
            "AUTH SCRAM-SHA-256",
            "alice",
            "secret",
            initial_response,
        );
        assert!(out.starts_with("+OK "), "{out}");
        assert!(h.send("STAT\r\n").starts_with("+OK 3 "));
        h.send("QUIT\r\n");
        assert_eq!(h.delays, 0);
    }
    let mut h = Harness::new(&server(&store, options()), info("127.0.0.1:5000", true));
    h.send("");
    common::scram_failures(|l| h.send(l), "AUTH SCRAM-SHA-256", "-ERR [AUTH]");
    assert_eq!(h.delays, 2, "failed logins are delayed");
    assert_eq!(h.send("AUTH SCRAM-SHA-256\r\n"), "+ \r\n");
    assert!(h.send("*\r\n").starts_with("-ERR"));
    // Without TLS from a remote peer, SCRAM-SHA-256 is neither offered nor accepted.
    let mut r = Harness::new(&server(&store, options()), info("192.0.2.1:5000", true));
    r.send("");
    assert!(!r.send("CAPA\r\n").contains("SCRAM"));
    assert!(r.send("AUTH SCRAM-SHA-256\r\n").starts_with("-ERR"));
}
