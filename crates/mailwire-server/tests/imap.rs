//! The IMAP session over the memory store, driven in memory: each test writes client lines and
//! checks the server's answers and the store afterwards. Several sessions (IMAP and POP3) share
//! one store to check what each sees of the others' changes.

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use futures::FutureExt;
use futures::executor::block_on;
use mailwire_mailbox::memory::MemoryStore;
use mailwire_mailbox::{
    Account, Flag, Flags, Mailbox, MailboxName, NewMessage, Quota, Store, SystemFlag, UidSet,
};
use mailwire_server::imap::{ImapOptions, ImapServer, ImapSession, PlaintextAuth};
use mailwire_server::pop3::{Pop3Options, Pop3Server};
use mailwire_server::{ConnectionInfo, Session, Step};

const M1: &str = "From: Alice <alice@example.org>\r\nTo: Bob <bob@example.org>\r\nSubject: first\r\nDate: Mon, 7 Feb 1994 21:52:25 -0800\r\nMessage-ID: <1@example.org>\r\n\r\nHello world\r\n";
const M2: &str = "From: Carol <carol@example.org>\r\nTo: Alice <alice@example.org>\r\nSubject: Re: first\r\nDate: Tue, 8 Feb 1994 10:00:00 +0000\r\nMessage-ID: <2@example.org>\r\nIn-Reply-To: <1@example.org>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nsecond body with a hidden word\r\n--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\nAAECAw==\r\n--b--\r\n";
const M3: &str = "From: Dave <dave@example.org>\r\nTo: Alice <alice@example.org>\r\nSubject: another topic\r\nDate: Wed, 9 Feb 1994 10:00:00 +0000\r\nMessage-ID: <3@example.org>\r\n\r\nthird\r\n";

fn store() -> Arc<MemoryStore> {
    let store = MemoryStore::new();
    store.add_user("alice", "secret", Quota::UNLIMITED).unwrap();
    let inbox = open(&store, "INBOX");
    for m in [M1, M2, M3] {
        block_on(inbox.append(NewMessage::new(m.as_bytes().to_vec()))).unwrap();
    }
    Arc::new(store)
}

fn open(store: &MemoryStore, name: &str) -> mailwire_mailbox::memory::MemoryMailbox {
    block_on(async {
        let acct = store.account("alice").unwrap();
        acct.open(&MailboxName::new(name).unwrap()).await.unwrap()
    })
}

fn info(peer: &str, tls_available: bool) -> ConnectionInfo {
    ConnectionInfo {
        peer: peer.parse::<SocketAddr>().unwrap(),
        local: "127.0.0.1:143".parse().unwrap(),
        tls_active: false,
        tls_available,
    }
}

fn options() -> ImapOptions {
    let mut o = ImapOptions::default();
    o.failed_login_delay = Duration::from_millis(1);
    // Steps run only when the test drives them; polling would make no difference.
    o.idle_poll = None;
    o
}

/// A session plus what it asked its driver to do.
struct Harness<S: Store> {
    session: ImapSession<S>,
    delays: usize,
    writes: usize,
    closed: bool,
    tls_requested: bool,
}

impl<S: Store> Harness<S> {
    fn new(server: &ImapServer<S>, info: ConnectionInfo) -> Self {
        Harness {
            session: server.session(info),
            delays: 0,
            writes: 0,
            closed: false,
            tls_requested: false,
        }
    }

    /// Feeds `input` and runs the session until it wants more input; returns its output.
    fn send(&mut self, input: &str) -> String {
        self.send_bytes(input.as_bytes())
    }

    fn send_bytes(&mut self, input: &[u8]) -> String {
        if !input.is_empty() {
            self.session.feed(input);
        }
        self.run()
    }

    /// Like `send`, returning the output's bytes (message data need not be UTF-8).
    fn send_raw(&mut self, input: &str) -> Vec<u8> {
        self.session.feed(input.as_bytes());
        self.run_bytes()
    }

    /// Steps until the session waits for input.
    fn run(&mut self) -> String {
        String::from_utf8_lossy(&self.run_bytes()).into_owned()
    }

    fn run_bytes(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        loop {
            match block_on(self.session.step()) {
                Step::Read => break,
                Step::Write(b) => {
                    self.writes += 1;
                    out.extend_from_slice(&b)
                }
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
        out
    }

    fn login(&mut self) {
        let greeting = self.send("");
        assert!(greeting.starts_with("* OK [CAPABILITY "), "{greeting}");
        let out = self.send("a LOGIN alice secret\r\n");
        assert!(out.starts_with("a OK [CAPABILITY "), "{out}");
    }

    fn select(&mut self, name: &str) -> String {
        let out = self.send(&format!("s SELECT {name}\r\n"));
        assert!(out.contains("s OK [READ-WRITE]"), "{out}");
        out
    }
}

fn server(store: &Arc<MemoryStore>, o: ImapOptions) -> ImapServer<MemoryStore> {
    ImapServer::new(store.clone(), o)
}

fn logged_in(store: &Arc<MemoryStore>) -> Harness<MemoryStore> {
    let mut h = Harness::new(&server(store, options()), info("127.0.0.1:5000", false));
    h.login();
    h
}

fn selected(store: &Arc<MemoryStore>) -> Harness<MemoryStore> {
    let mut h = logged_in(store);
    h.select("INBOX");
    h
}

/// The lines of `out` that start with `prefix`.
fn lines_with<'a>(out: &'a str, prefix: &str) -> Vec<&'a str> {
    out.lines().filter(|l| l.starts_with(prefix)).collect()
}

fn inbox_flags(store: &MemoryStore) -> Vec<Flags> {
    block_on(open(store, "INBOX").list(&UidSet::all()))
        .unwrap()
        .into_iter()
        .map(|m| m.flags)
        .collect()
}

// ---- not authenticated ---------------------------------------------------------------------

#[test]
fn greeting_capabilities_follow_the_transport() {
    let store = store();
    // Loopback without TLS: plaintext allowed by the default policy; STARTTLS offered.
    let mut h = Harness::new(&server(&store, options()), info("127.0.0.1:5000", true));
    let g = h.send("");
    assert!(
        g.starts_with("* OK [CAPABILITY IMAP4rev1 IMAP4rev2 "),
        "{g}"
    );
    for c in [
        "STARTTLS",
        "AUTH=PLAIN",
        "AUTH=LOGIN",
        "AUTH=SCRAM-SHA-256",
        "SASL-IR",
        "LITERAL+",
        "IDLE",
    ] {
        assert!(g.contains(c), "{c}: {g}");
    }
    assert!(!g.contains("LOGINDISABLED"));
    // A remote peer without TLS: LOGINDISABLED, no plaintext mechanisms (RFC 9051 §6.2.3).
    let mut r = Harness::new(&server(&store, options()), info("192.0.2.1:5000", true));
    let g = r.send("");
    assert!(
        g.contains("LOGINDISABLED") && !g.contains("AUTH=PLAIN") && !g.contains("AUTH=SCRAM"),
        "{g}"
    );
    let out = r.send("a LOGIN alice secret\r\n");
    assert!(out.starts_with("a NO [PRIVACYREQUIRED]"), "{out}");
    // SCRAM-SHA-256 follows the same policy: not offered, not accepted.
    let out = r.send("s AUTHENTICATE SCRAM-SHA-256\r\n");
    assert!(out.starts_with("s NO "), "{out}");
    let out = r.send("b CAPABILITY\r\n");
    assert!(out.contains("* CAPABILITY IMAP4rev1 IMAP4rev2"), "{out}");
    assert!(out.contains("STARTTLS") && out.ends_with("b OK CAPABILITY completed\r\n"));
    // STARTTLS: OK, then the upgrade.
    let out = r.send("c STARTTLS\r\n");
    assert_eq!(out, "c OK begin TLS negotiation now\r\n");
    assert!(r.tls_requested);
    r.session.tls_established();
    let out = r.send("d CAPABILITY\r\n");
    assert!(
        out.contains("AUTH=PLAIN") && !out.contains("STARTTLS"),
        "{out}"
    );
    assert!(!out.contains("LOGINDISABLED"));
    let out = r.send("e LOGIN alice secret\r\n");
    assert!(out.starts_with("e OK [CAPABILITY"), "{out}");
    // After login the capabilities carry the extensions.
    for c in [
        "CONDSTORE",
        "QRESYNC",
        "MOVE",
        "UIDPLUS",
        "ESEARCH",
        "LIST-STATUS",
        "SPECIAL-USE",
    ] {
        assert!(out.contains(c), "{c}: {out}");
    }
}

#[test]
fn failed_logins_are_slowed_and_limited() {
    let store = store();
    let mut h = Harness::new(&server(&store, options()), info("127.0.0.1:5000", false));
    h.send("");
    let out = h.send("a LOGIN alice wrong\r\n");
    assert_eq!(out, "a NO [AUTHENTICATIONFAILED] authentication failed\r\n");
    assert_eq!(h.delays, 1);
    for i in 0..3 {
        h.send(&format!("x{i} LOGIN nobody secret\r\n"));
    }
    let out = h.send("z LOGIN alice wrong\r\n");
    assert!(out.contains("z NO [AUTHENTICATIONFAILED]"), "{out}");
    assert!(out.ends_with("* BYE too many failed logins\r\n"), "{out}");
    assert!(h.closed);
    assert_eq!(h.delays, 5);
}

#[test]
fn authenticate_plain_and_login() {
    let store = store();
    let srv = server(&store, options());
    // PLAIN with SASL-IR (RFC 4959): base64("\0alice\0secret").
    let mut h = Harness::new(&srv, info("127.0.0.1:5000", false));
    h.send("");
    let out = h.send("a AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA==\r\n");
    assert!(out.starts_with("a OK [CAPABILITY"), "{out}");
    // PLAIN with an empty challenge.
    let mut h = Harness::new(&srv, info("127.0.0.1:5000", false));
    h.send("");
    assert_eq!(h.send("a AUTHENTICATE PLAIN\r\n"), "+ \r\n");
    let out = h.send("AGFsaWNlAHNlY3JldA==\r\n");
    assert!(out.starts_with("a OK"), "{out}");
    // LOGIN: "Username:", "Password:".
    let mut h = Harness::new(&srv, info("127.0.0.1:5000", false));
    h.send("");
    assert_eq!(h.send("a AUTHENTICATE LOGIN\r\n"), "+ VXNlcm5hbWU6\r\n");
    assert_eq!(h.send("YWxpY2U=\r\n"), "+ UGFzc3dvcmQ6\r\n");
    let out = h.send("c2VjcmV0\r\n");
    assert!(out.starts_with("a OK"), "{out}");
    // A wrong password, an authzid for someone else, a cancelled exchange, an unknown mechanism.
    let mut h = Harness::new(&srv, info("127.0.0.1:5000", false));
    h.send("");
    let out = h.send("a AUTHENTICATE PLAIN AGFsaWNlAHdyb25n\r\n");
    assert!(out.starts_with("a NO [AUTHENTICATIONFAILED]"), "{out}");
    // "bob\0alice\0secret"
    let out = h.send("b AUTHENTICATE PLAIN Ym9iAGFsaWNlAHNlY3JldA==\r\n");
    assert!(out.starts_with("b NO [AUTHENTICATIONFAILED]"), "{out}");
    h.send("c AUTHENTICATE PLAIN\r\n");
    let out = h.send("*\r\n");
    assert!(out.starts_with("c BAD"), "{out}");
    let out = h.send("d AUTHENTICATE CRAM-MD5\r\n");
    assert_eq!(out, "d NO unsupported SASL mechanism\r\n");
    let out = h.send("e NOOP\r\n");
    assert_eq!(out, "e OK NOOP completed\r\n");
}

#[test]
fn timeouts_and_farewells() {
    let store = store();
    let srv = server(&store, options());
    let mut h = Harness::new(&srv, info("127.0.0.1:5000", false));
    h.send("");
    assert_eq!(h.session.timeout(), Duration::from_secs(60));
    h.send("a LOGIN alice secret\r\n");
    // RFC 9051 §5.4: at least 30 minutes once authenticated.
    assert_eq!(h.session.timeout(), Duration::from_secs(30 * 60));
    let bye = h.session.timed_out().unwrap();
    assert_eq!(bye, b"* BYE Autologout; idle for too long\r\n");
    let mut h = Harness::new(&srv, info("127.0.0.1:5000", false));
    h.send("");
    let bye = h.session.shutdown().unwrap();
    assert_eq!(bye, b"* BYE server shutting down\r\n");
}

#[test]
fn logout() {
    let store = store();
    let mut h = logged_in(&store);
    let out = h.send("z LOGOUT\r\n");
    assert_eq!(out, "* BYE logging out\r\nz OK LOGOUT completed\r\n");
    assert!(h.closed);
}

// ---- authenticated -------------------------------------------------------------------------

#[test]
fn select_and_examine() {
    let store = store();
    let mut h = logged_in(&store);
    let out = h.select("INBOX");
    let expected_start = "* FLAGS (\\Seen \\Answered \\Flagged \\Deleted \\Draft $Forwarded $Junk $MDNSent $NotJunk $Phishing)\r\n* OK [PERMANENTFLAGS (\\Seen \\Answered \\Flagged \\Deleted \\Draft $Forwarded $Junk $MDNSent $NotJunk $Phishing \\*)] flags permitted\r\n* 3 EXISTS\r\n* 0 RECENT\r\n* OK [UNSEEN 1] first unseen message\r\n* OK [UIDVALIDITY ";
    assert!(out.starts_with(expected_start), "{out}");
    assert!(
        out.contains("* OK [UIDNEXT 4] predicted next UID\r\n"),
        "{out}"
    );
    assert!(out.contains("* OK [HIGHESTMODSEQ "), "{out}");
    // IMAP4rev1: no untagged LIST.
    assert!(!out.contains("* LIST"));
    // Another SELECT closes the first mailbox (RFC 9051 §6.3.2).
    let out = h.send("e EXAMINE INBOX\r\n");
    assert!(out.starts_with("* OK [CLOSED]"), "{out}");
    assert!(out.contains("* OK [PERMANENTFLAGS ()]"), "{out}");
    assert!(
        out.ends_with("e OK [READ-ONLY] EXAMINE completed\r\n"),
        "{out}"
    );
    let out = h.send("f STORE 1 +FLAGS (\\Seen)\r\n");
    assert!(out.starts_with("f NO [NOPERM]"), "{out}");
    let out = h.send("g EXPUNGE\r\n");
    assert!(out.starts_with("g NO"), "{out}");
    // FETCH BODY[] in a read-only mailbox does not set \Seen.
    h.send("h FETCH 1 BODY[]\r\n");
    assert!(!inbox_flags(&store)[0].has(SystemFlag::Seen));
    // A failed SELECT leaves no mailbox selected.
    let out = h.send("i SELECT Nope\r\n");
    assert!(out.contains("i NO [NONEXISTENT]"), "{out}");
    let out = h.send("j FETCH 1 FLAGS\r\n");
    assert!(out.starts_with("j BAD"), "{out}");
}

#[test]
fn imap4rev2_after_enable() {
    let store = store();
    let mut h = logged_in(&store);
    let out = h.send("e ENABLE IMAP4rev2 CONDSTORE X-UNKNOWN\r\n");
    assert_eq!(
        out,
        "* ENABLED IMAP4rev2 CONDSTORE\r\ne OK ENABLE completed\r\n"
    );
    // Already enabled: not listed again (RFC 5161 §3.1).
    let out = h.send("f ENABLE IMAP4rev2\r\n");
    assert_eq!(out, "* ENABLED\r\nf OK ENABLE completed\r\n");
    let out = h.select("INBOX");
    assert!(!out.contains("RECENT") && !out.contains("[UNSEEN"), "{out}");
    assert!(
        out.contains("* LIST (\\HasNoChildren) \"/\" INBOX\r\n"),
        "{out}"
    );
    // SEARCH answers with ESEARCH.
    let out = h.send("t1 SEARCH SUBJECT first\r\n");
    assert_eq!(
        out,
        "* ESEARCH (TAG \"t1\") ALL 1:2\r\nt1 OK SEARCH completed\r\n"
    );
    let out = h.send("t2 UID SEARCH ALL\r\n");
    assert_eq!(
        out,
        "* ESEARCH (TAG \"t2\") UID ALL 1:3\r\nt2 OK SEARCH completed\r\n"
    );
    // FLAGS without \Recent; MODSEQ because CONDSTORE is on.
    let out = h.send("t3 FETCH 1 (FLAGS)\r\n");
    assert!(out.starts_with("* 1 FETCH (FLAGS ())\r\n"), "{out}");
    // UTF-8 mailbox names.
    let out = h.send("c CREATE \"Entwürfe\"\r\n");
    assert!(out.contains("c OK"), "{out}");
    let out = h.send("l LIST \"\" Entw*\r\n");
    assert!(out.contains("\"/\" \"Entwürfe\"\r\n"), "{out}");
}

#[test]
fn mailbox_management_and_list() {
    let store = store();
    let mut h = logged_in(&store);
    assert_eq!(
        h.send("a CREATE Projects/Rust\r\n"),
        "a OK CREATE completed\r\n"
    );
    let out = h.send("b CREATE Projects\r\n");
    assert!(out.starts_with("b NO [ALREADYEXISTS]"), "{out}");
    let out = h.send("c CREATE inbox\r\n");
    assert!(out.starts_with("c NO [ALREADYEXISTS]"), "{out}");
    // A trailing separator is dropped (RFC 9051 §6.3.4).
    assert_eq!(h.send("d CREATE Archive/\r\n"), "d OK CREATE completed\r\n");
    // Modified UTF-7 for IMAP4rev1 clients (RFC 3501 §5.1.3).
    assert_eq!(
        h.send("e CREATE \"Entw&APw-rfe\"\r\n"),
        "e OK CREATE completed\r\n"
    );
    let out = h.send("f LIST \"\" *\r\n");
    assert_eq!(
        out,
        "* LIST (\\HasNoChildren) \"/\" Archive\r\n\
         * LIST (\\HasNoChildren) \"/\" Entw&APw-rfe\r\n\
         * LIST (\\HasNoChildren) \"/\" INBOX\r\n\
         * LIST (\\HasChildren) \"/\" Projects\r\n\
         * LIST (\\HasNoChildren) \"/\" Projects/Rust\r\n\
         f OK LIST completed\r\n"
    );
    let out = h.send("g LIST \"\" %\r\n");
    assert!(!out.contains("Projects/Rust"), "{out}");
    let out = h.send("h LIST Projects/ %\r\n");
    assert_eq!(
        out,
        "* LIST (\\HasNoChildren) \"/\" Projects/Rust\r\nh OK LIST completed\r\n"
    );
    let out = h.send("i LIST \"\" \"\"\r\n");
    assert_eq!(
        out,
        "* LIST (\\Noselect) \"/\" \"\"\r\ni OK LIST completed\r\n"
    );
    // RENAME with children; RENAME onto an existing name.
    assert_eq!(
        h.send("j RENAME Projects Work\r\n"),
        "j OK RENAME completed\r\n"
    );
    let out = h.send("k LIST \"\" Work*\r\n");
    assert!(
        out.contains("\"/\" Work\r\n") && out.contains("\"/\" Work/Rust\r\n"),
        "{out}"
    );
    let out = h.send("l RENAME Work Archive\r\n");
    assert!(out.starts_with("l NO [ALREADYEXISTS]"), "{out}");
    let out = h.send("m RENAME Nope Other\r\n");
    assert!(out.starts_with("m NO [NONEXISTENT]"), "{out}");
    // DELETE.
    assert_eq!(
        h.send("n DELETE Work/Rust\r\n"),
        "n OK DELETE completed\r\n"
    );
    let out = h.send("o DELETE Work/Rust\r\n");
    assert!(out.starts_with("o NO [NONEXISTENT]"), "{out}");
    let out = h.send("p DELETE INBOX\r\n");
    assert!(out.starts_with("p NO"), "{out}");
    // Bad names.
    let out = h.send("q CREATE \"a//b\"\r\n");
    assert!(out.starts_with("q NO [CANNOT]"), "{out}");
    let out = h.send("r CREATE \"&Jjo!\"\r\n");
    assert!(out.starts_with("r BAD"), "{out}");
    let out = h.send("s CREATE \"a*b\"\r\n");
    assert!(out.starts_with("s NO [CANNOT]"), "{out}");
}

#[test]
fn subscriptions_lsub_and_list_extended() {
    let store = store();
    let mut h = logged_in(&store);
    h.send("a CREATE Lists/rust\r\n");
    h.send("b CREATE Sent\r\n");
    assert_eq!(
        h.send("c SUBSCRIBE Lists/rust\r\n"),
        "c OK SUBSCRIBE completed\r\n"
    );
    h.send("d SUBSCRIBE INBOX\r\n");
    h.send("e SUBSCRIBE Gone\r\n");
    let out = h.send("f LSUB \"\" *\r\n");
    assert_eq!(
        out,
        "* LSUB () \"/\" Gone\r\n* LSUB () \"/\" INBOX\r\n* LSUB () \"/\" Lists/rust\r\nf OK LSUB completed\r\n"
    );
    // `%` shows the unsubscribed parent of a subscribed child as \Noselect (RFC 3501 §6.3.9).
    let out = h.send("g LSUB \"\" %\r\n");
    assert!(out.contains("* LSUB (\\Noselect) \"/\" Lists\r\n"), "{out}");
    // LIST (SUBSCRIBED): a subscribed name that does not exist is \NonExistent (RFC 5258).
    let out = h.send("h LIST (SUBSCRIBED) \"\" *\r\n");
    assert_eq!(
        out,
        "* LIST (\\NonExistent \\Subscribed) \"/\" Gone\r\n\
         * LIST (\\Subscribed \\HasNoChildren) \"/\" INBOX\r\n\
         * LIST (\\Subscribed \\HasNoChildren) \"/\" Lists/rust\r\n\
         h OK LIST completed\r\n"
    );
    // RECURSIVEMATCH: the parent with CHILDINFO (RFC 5258 §3.5).
    let out = h.send("i LIST (SUBSCRIBED RECURSIVEMATCH) \"\" %\r\n");
    assert!(
        out.contains("* LIST (\\HasChildren) \"/\" Lists (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n"),
        "{out}"
    );
    assert!(h.send("j UNSUBSCRIBE Gone\r\n").contains("j OK"));
    let out = h.send("k LIST \"\" * RETURN (SUBSCRIBED CHILDREN)\r\n");
    assert!(
        out.contains("* LIST (\\Subscribed \\HasNoChildren) \"/\" INBOX\r\n"),
        "{out}"
    );
    assert!(!out.contains("Gone"));
    // Several patterns (RFC 5258).
    let out = h.send("l LIST \"\" (INBOX Sent)\r\n");
    assert_eq!(lines_with(&out, "* LIST").len(), 2, "{out}");
    // LIST-STATUS (RFC 5819).
    let out = h.send("m LIST \"\" INBOX RETURN (STATUS (MESSAGES UNSEEN SIZE))\r\n");
    assert!(
        out.contains("* STATUS INBOX (MESSAGES 3 UNSEEN 3 SIZE "),
        "{out}"
    );
}

#[test]
fn special_use() {
    let store = store();
    let acct = store.account("alice").unwrap();
    block_on(acct.create(
        &MailboxName::new("Sent Items").unwrap(),
        Some(mailwire_mailbox::SpecialUse::Sent),
    ))
    .unwrap();
    block_on(acct.create(&MailboxName::new("Other").unwrap(), None)).unwrap();
    let mut h = logged_in(&store);
    let out = h.send("a LIST \"\" *\r\n");
    assert!(
        out.contains("* LIST (\\HasNoChildren \\Sent) \"/\" \"Sent Items\"\r\n"),
        "{out}"
    );
    let out = h.send("b LIST (SPECIAL-USE) \"\" *\r\n");
    assert_eq!(
        out,
        "* LIST (\\HasNoChildren \\Sent) \"/\" \"Sent Items\"\r\nb OK LIST completed\r\n"
    );
}

#[test]
fn status_items() {
    let store = store();
    let mut h = logged_in(&store);
    let size = M1.len() + M2.len() + M3.len();
    let out = h.send("a STATUS INBOX (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN DELETED SIZE HIGHESTMODSEQ APPENDLIMIT)\r\n");
    let v = store.account("alice").unwrap();
    let st = block_on(block_on(v.open(&MailboxName::inbox())).unwrap().status()).unwrap();
    assert_eq!(
        out,
        format!(
            "* STATUS INBOX (MESSAGES 3 RECENT 0 UIDNEXT 4 UIDVALIDITY {} UNSEEN 3 DELETED 0 SIZE {size} HIGHESTMODSEQ {} APPENDLIMIT {})\r\na OK STATUS completed\r\n",
            st.uid_validity,
            st.highest_modseq,
            128 << 20
        )
    );
    let out = h.send("b STATUS Nope (MESSAGES)\r\n");
    assert!(out.starts_with("b NO [NONEXISTENT]"), "{out}");
    let out = h.send("c STATUS INBOX (MAILBOXID)\r\n");
    assert!(out.starts_with("c BAD"), "{out}");
}

#[test]
fn append_and_multiappend() {
    let store = store();
    let mut h = logged_in(&store);
    let msg = "Subject: appended\r\n\r\nhello\r\n";
    let out = h.send(&format!(
        "a APPEND INBOX (\\Flagged $Work) \" 7-Feb-1994 21:52:25 -0800\" {{{}}}\r\n",
        msg.len()
    ));
    assert_eq!(out, "+ Ready for literal data\r\n");
    let out = h.send(&format!("{msg}\r\n"));
    let v = block_on(open(&store, "INBOX").status())
        .unwrap()
        .uid_validity;
    assert_eq!(out, format!("a OK [APPENDUID {v} 4] APPEND completed\r\n"));
    let metas = block_on(open(&store, "INBOX").list(&UidSet::all())).unwrap();
    let last = metas.last().unwrap();
    assert!(last.flags.has(SystemFlag::Flagged));
    assert_eq!(last.flags.keywords()[0].as_str(), "$Work");
    assert_eq!(
        last.internal_date,
        std::time::UNIX_EPOCH + Duration::from_secs(760_686_745)
    );
    // LITERAL+ (RFC 7888): no continuation.
    let out = h.send(&format!("b APPEND INBOX {{{}+}}\r\n{msg}\r\n", msg.len()));
    assert_eq!(out, format!("b OK [APPENDUID {v} 5] APPEND completed\r\n"));
    // To a missing mailbox: TRYCREATE.
    let out = h.send(&format!("c APPEND Nope {{{}+}}\r\n{msg}\r\n", msg.len()));
    assert!(out.starts_with("c NO [TRYCREATE]"), "{out}");
    // MULTIAPPEND (RFC 3502): two messages, one APPENDUID set.
    h.send("d CREATE Box\r\n");
    let out = h.send(&format!(
        "e APPEND Box {{{}+}}\r\n{msg} (\\Seen) {{{}+}}\r\n{msg}\r\n",
        msg.len(),
        msg.len()
    ));
    let bv = block_on(open(&store, "Box").status()).unwrap().uid_validity;
    assert_eq!(
        out,
        format!("e OK [APPENDUID {bv} 1:2] APPEND completed\r\n")
    );
    // Appending to the selected mailbox reports EXISTS.
    h.select("INBOX");
    let out = h.send(&format!("f APPEND INBOX {{{}+}}\r\n{msg}\r\n", msg.len()));
    assert!(out.starts_with("* 6 EXISTS\r\n* 1 RECENT\r\n"), "{out}");
}

#[test]
fn multiappend_is_all_or_nothing_under_quota() {
    let store = store();
    // Room for one more small message, not two.
    let used: usize = M1.len() + M2.len() + M3.len();
    store
        .set_quota("alice", Quota::new(Some(used as u64 + 40), None))
        .unwrap();
    let mut h = logged_in(&store);
    let msg = "Subject: x\r\n\r\n0123456789\r\n";
    let out = h.send(&format!(
        "a APPEND INBOX {{{}+}}\r\n{msg} {{{}+}}\r\n{msg}\r\n",
        msg.len(),
        msg.len()
    ));
    assert!(out.starts_with("a NO [OVERQUOTA]"), "{out}");
    assert_eq!(inbox_flags(&store).len(), 3);
    let out = h.send(&format!("b APPEND INBOX {{{}+}}\r\n{msg}\r\n", msg.len()));
    assert!(out.starts_with("b OK [APPENDUID"), "{out}");
}

#[test]
fn append_limit_refuses_large_literals() {
    let store = store();
    let mut o = options();
    o.append_limit = Some(100);
    let mut h = Harness::new(&server(&store, o), info("127.0.0.1:5000", false));
    let g = h.send("");
    assert!(g.contains("APPENDLIMIT=100"), "{g}");
    h.send("a LOGIN alice secret\r\n");
    let out = h.send("b APPEND INBOX {200}\r\n");
    assert!(out.starts_with("b NO [TOOBIG]"), "{out}");
    let out = h.send("c STATUS INBOX (APPENDLIMIT)\r\n");
    assert!(out.contains("APPENDLIMIT 100"), "{out}");
}

#[test]
fn namespace_and_noop() {
    let store = store();
    let mut h = logged_in(&store);
    assert_eq!(
        h.send("a NAMESPACE\r\n"),
        "* NAMESPACE ((\"\" \"/\")) NIL NIL\r\na OK NAMESPACE completed\r\n"
    );
    assert_eq!(h.send("b NOOP\r\n"), "b OK NOOP completed\r\n");
    let out = h.send("c FROBNICATE\r\n");
    assert!(out.starts_with("c BAD"), "{out}");
}

// ---- selected: FETCH -------------------------------------------------------------------------

#[test]
fn fetch_metadata_and_structure() {
    let store = store();
    let mut h = selected(&store);
    let out = h.send("a FETCH 1:* (UID FLAGS RFC822.SIZE)\r\n");
    assert_eq!(
        out,
        format!(
            "* 1 FETCH (UID 1 FLAGS () RFC822.SIZE {})\r\n* 2 FETCH (UID 2 FLAGS () RFC822.SIZE {})\r\n* 3 FETCH (UID 3 FLAGS () RFC822.SIZE {})\r\na OK FETCH completed\r\n",
            M1.len(),
            M2.len(),
            M3.len()
        )
    );
    // ENVELOPE (RFC 9051 §7.5.2) with the date, subject, addresses, message-id.
    let out = h.send("b FETCH 1 ENVELOPE\r\n");
    assert_eq!(
        out,
        "* 1 FETCH (ENVELOPE (\"Mon, 7 Feb 1994 21:52:25 -0800\" \"first\" ((\"Alice\" NIL \"alice\" \"example.org\")) ((\"Alice\" NIL \"alice\" \"example.org\")) ((\"Alice\" NIL \"alice\" \"example.org\")) ((\"Bob\" NIL \"bob\" \"example.org\")) NIL NIL NIL \"<1@example.org>\"))\r\nb OK FETCH completed\r\n"
    );
    let out = h.send("c FETCH 2 BODYSTRUCTURE\r\n");
    assert!(
        out.starts_with("* 2 FETCH (BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"7BIT\" 30 0 "),
        "{out}"
    );
    assert!(
        out.contains("(\"APPLICATION\" \"OCTET-STREAM\" NIL NIL NIL \"BASE64\" 8 "),
        "{out}"
    );
    assert!(out.contains("\"MIXED\" (\"BOUNDARY\" \"b\")"), "{out}");
    let out = h.send("d FETCH 2 BODY\r\n");
    assert!(
        out.starts_with("* 2 FETCH (BODY ((\"TEXT\" \"PLAIN\""),
        "{out}"
    );
    // Macros: ALL = FLAGS INTERNALDATE RFC822.SIZE ENVELOPE.
    let out = h.send("e FETCH 3 ALL\r\n");
    assert!(
        out.starts_with("* 3 FETCH (FLAGS () INTERNALDATE \""),
        "{out}"
    );
    assert!(out.contains(" ENVELOPE (\"Wed, 9 Feb 1994"), "{out}");
    let out = h.send("f FETCH 1 (MODSEQ SAVEDATE)\r\n");
    assert!(out.starts_with("* 1 FETCH (MODSEQ ("), "{out}");
    assert!(out.contains(" SAVEDATE \""), "{out}");
    let out = h.send("g FETCH 2 PREVIEW\r\n");
    assert!(
        out.starts_with("* 2 FETCH (PREVIEW \"second body with a hidden word\")"),
        "{out}"
    );
    // Bad sequence numbers (RFC 9051 §9).
    assert!(h.send("h FETCH 4 FLAGS\r\n").starts_with("h BAD"));
    // UID FETCH: UID in every response; missing UIDs are skipped.
    let out = h.send("i UID FETCH 2:9 FLAGS\r\n");
    assert_eq!(
        out,
        "* 2 FETCH (UID 2 FLAGS ())\r\n* 3 FETCH (UID 3 FLAGS ())\r\ni OK FETCH completed\r\n"
    );
    let out = h.send("j UID FETCH 100:* UID\r\n");
    assert_eq!(out, "* 3 FETCH (UID 3)\r\nj OK FETCH completed\r\n");
}

#[test]
fn fetch_bodies_sections_and_implicit_seen() {
    let store = store();
    let mut h = selected(&store);
    let out = h.send("a FETCH 1 BODY.PEEK[]\r\n");
    assert_eq!(
        out,
        format!(
            "* 1 FETCH (BODY[] {{{}}}\r\n{M1})\r\na OK FETCH completed\r\n",
            M1.len()
        )
    );
    assert!(!inbox_flags(&store)[0].has(SystemFlag::Seen));
    let out = h.send("b FETCH 1 BODY[HEADER.FIELDS (SUBJECT)]\r\n");
    assert_eq!(
        out,
        "* 1 FETCH (FLAGS (\\Seen) BODY[HEADER.FIELDS (SUBJECT)] {18}\r\nSubject: first\r\n\r\n)\r\nb OK FETCH completed\r\n"
    );
    assert!(inbox_flags(&store)[0].has(SystemFlag::Seen));
    // Partial: <origin>.
    let out = h.send("c FETCH 1 BODY.PEEK[TEXT]<0.5>\r\n");
    assert_eq!(
        out,
        "* 1 FETCH (BODY[TEXT]<0> {5}\r\nHello)\r\nc OK FETCH completed\r\n"
    );
    // Parts, MIME, BINARY (transfer encoding removed, NUL bytes in a literal8).
    let out =
        h.send("d FETCH 2 (BODY.PEEK[1] BODY.PEEK[2.MIME] BINARY.PEEK[2] BINARY.SIZE[2])\r\n");
    assert!(
        out.contains("BODY[1] {30}\r\nsecond body with a hidden word BODY[2.MIME]"),
        "{out}"
    );
    assert!(out.contains("BODY[2.MIME] {"), "{out}");
    assert!(
        out.contains("BINARY[2] ~{4}\r\n\x00\x01\x02\x03"),
        "{out:?}"
    );
    assert!(out.contains("BINARY.SIZE[2] 4"), "{out}");
    // A part that does not exist: an empty string, as Dovecot answers.
    let out = h.send("e FETCH 1 BODY.PEEK[7]\r\n");
    assert_eq!(out, "* 1 FETCH (BODY[7] \"\")\r\ne OK FETCH completed\r\n");
    // RFC 3501 items.
    let out = h.send("f FETCH 3 (RFC822.HEADER RFC822.TEXT)\r\n");
    assert!(out.contains("RFC822.TEXT {7}\r\nthird\r\n"), "{out}");
    assert!(
        out.starts_with("* 3 FETCH (FLAGS (\\Seen) RFC822.HEADER {"),
        "{out}"
    );
    let out = h.send("g FETCH 2 RFC822\r\n");
    assert!(
        out.starts_with(&format!(
            "* 2 FETCH (FLAGS (\\Seen) RFC822 {{{}}}\r\n",
            M2.len()
        )),
        "{out}"
    );
}

#[test]
fn big_fetches_are_handed_out_in_chunks() {
    let store = store();
    let inbox = open(&store, "INBOX");
    let body = "x".repeat(10_000);
    for i in 0..200 {
        let m = format!("Subject: bulk {i}\r\n\r\n{body}\r\n");
        block_on(inbox.append(NewMessage::new(m.into_bytes()))).unwrap();
    }
    let mut o = options();
    o.output_chunk = 64 * 1024;
    let mut h = Harness::new(&server(&store, o), info("127.0.0.1:5000", false));
    h.login();
    h.select("INBOX");
    h.writes = 0;
    let out = h.send("a FETCH 1:* (UID BODY.PEEK[])\r\n");
    assert_eq!(lines_with(&out, "* ").len(), 203);
    assert!(out.ends_with("a OK FETCH completed\r\n"));
    // 2 MB of output in pieces of about the chunk size, not one.
    assert!(h.writes >= 20, "{} writes", h.writes);
}

// ---- selected: STORE, COPY, MOVE, EXPUNGE ----------------------------------------------------

#[test]
fn store_flags() {
    let store = store();
    let mut h = selected(&store);
    let out = h.send("a STORE 1:2 +FLAGS (\\Flagged $Work)\r\n");
    // A new keyword: FLAGS and PERMANENTFLAGS again, once, before the FETCH showing it.
    let (head, fetches) = out.split_at(out.find("* 1 FETCH").expect("fetch"));
    assert_eq!(lines_with(head, "* FLAGS (").len(), 1, "{out}");
    assert!(head.contains(" $Work)"), "{out}");
    assert_eq!(lines_with(head, "* OK [PERMANENTFLAGS (").len(), 1, "{out}");
    assert!(head.contains("$Work \\*)]"), "{out}");
    assert_eq!(
        fetches,
        "* 1 FETCH (UID 1 FLAGS (\\Flagged $Work))\r\n* 2 FETCH (UID 2 FLAGS (\\Flagged $Work))\r\na OK STORE completed\r\n"
    );
    // Known by now: no FLAGS this time.
    let out = h.send("a2 STORE 3 +FLAGS ($Work)\r\n");
    assert_eq!(
        out,
        "* 3 FETCH (UID 3 FLAGS ($Work))\r\na2 OK STORE completed\r\n"
    );
    let out = h.send("a3 STORE 3 -FLAGS ($Work)\r\n");
    assert_eq!(
        out,
        "* 3 FETCH (UID 3 FLAGS ())\r\na3 OK STORE completed\r\n"
    );
    let out = h.send("b STORE 2 -FLAGS.SILENT ($Work)\r\n");
    assert_eq!(out, "b OK STORE completed\r\n");
    let out = h.send("c UID STORE 3 FLAGS (\\Seen \\Answered)\r\n");
    assert_eq!(
        out,
        "* 3 FETCH (UID 3 FLAGS (\\Seen \\Answered))\r\nc OK STORE completed\r\n"
    );
    let f = inbox_flags(&store);
    assert!(f[0].has(SystemFlag::Flagged) && f[0].keywords().len() == 1);
    assert!(f[1].keywords().is_empty());
    assert!(f[2].has(SystemFlag::Seen) && !f[2].has(SystemFlag::Flagged));
    let out = h.send("d STORE 1 +FLAGS (\\Recent)\r\n");
    assert!(out.starts_with("d BAD"), "{out}");
    let out = h.send("e STORE 9 +FLAGS (\\Seen)\r\n");
    assert!(out.starts_with("e BAD"), "{out}");
    // Flags set by this session are not reported again at the next NOOP.
    assert_eq!(h.send("f NOOP\r\n"), "f OK NOOP completed\r\n");
}

#[test]
fn conditional_store() {
    let store = store();
    let mut h = selected(&store);
    let out = h.send("a FETCH 1:3 (MODSEQ)\r\n");
    let modseqs: Vec<u64> = lines_with(&out, "* ")
        .iter()
        .map(|l| {
            let i = l.find("MODSEQ (").unwrap() + 8;
            l[i..].split(')').next().unwrap().parse().unwrap()
        })
        .collect();
    // Another session changes message 2.
    let other = open(&store, "INBOX");
    let seen: Flags = [Flag::System(SystemFlag::Seen)].into_iter().collect();
    block_on(other.store_flags(
        &UidSet::single(mailwire_mailbox::Uid::new(2).unwrap()),
        mailwire_mailbox::FlagOp::Add,
        &seen,
        None,
    ))
    .unwrap();
    let since = modseqs.iter().max().unwrap();
    let out = h.send(&format!(
        "b STORE 1:3 (UNCHANGEDSINCE {since}) +FLAGS.SILENT (\\Deleted)\r\n"
    ));
    // RFC 7162 §3.1.3: FETCH with MODSEQ even for .SILENT; MODIFIED for the failure.
    let fetches = lines_with(&out, "* 1 FETCH").len() + lines_with(&out, "* 3 FETCH").len();
    assert_eq!(fetches, 2, "{out}");
    assert!(out.contains("MODSEQ ("), "{out}");
    assert!(
        out.ends_with("b OK [MODIFIED 2] conditional STORE failed for some messages\r\n"),
        "{out}"
    );
    // The other session's change is reported (with MODSEQ, CONDSTORE being on).
    assert!(
        out.contains("* 2 FETCH (UID 2 FLAGS (\\Seen) MODSEQ ("),
        "{out}"
    );
    let f = inbox_flags(&store);
    assert!(f[0].has(SystemFlag::Deleted) && !f[1].has(SystemFlag::Deleted));
    let out = h.send("c UID STORE 1:3 (UNCHANGEDSINCE 0) +FLAGS (\\Draft)\r\n");
    assert!(
        out.ends_with("c OK [MODIFIED 1:3] conditional STORE failed for some messages\r\n"),
        "{out}"
    );
}

#[test]
fn copy_and_move() {
    let store = store();
    let mut h = selected(&store);
    h.send("a CREATE Saved\r\n");
    let sv = block_on(open(&store, "Saved").status())
        .unwrap()
        .uid_validity;
    let out = h.send("b COPY 1:2 Saved\r\n");
    assert_eq!(
        out,
        format!("b OK [COPYUID {sv} 1:2 1:2] COPY completed\r\n")
    );
    let out = h.send("c COPY 1 Nope\r\n");
    assert!(out.starts_with("c NO [TRYCREATE]"), "{out}");
    // MOVE: COPYUID untagged first, then the EXPUNGE (RFC 6851 §4.3).
    let out = h.send("d MOVE 2 Saved\r\n");
    assert_eq!(
        out,
        format!("* OK [COPYUID {sv} 2 3] moved\r\n* 2 EXPUNGE\r\nd OK MOVE completed\r\n")
    );
    let out = h.send("e UID MOVE 3 Saved\r\n");
    assert_eq!(
        out,
        format!("* OK [COPYUID {sv} 3 4] moved\r\n* 2 EXPUNGE\r\ne OK MOVE completed\r\n")
    );
    assert_eq!(inbox_flags(&store).len(), 1);
    let out = h.send("f UID COPY 50:60 Saved\r\n");
    assert!(out.starts_with("f OK"), "{out}");
}

#[test]
fn expunge_close_unselect() {
    let store = store();
    let mut h = selected(&store);
    h.send("a STORE 1,3 +FLAGS.SILENT (\\Deleted)\r\n");
    // Highest first, so each number is valid as read.
    assert_eq!(
        h.send("b EXPUNGE\r\n"),
        "* 3 EXPUNGE\r\n* 1 EXPUNGE\r\nb OK EXPUNGE completed\r\n"
    );
    let out = h.send("c FETCH 1 UID\r\n");
    assert!(out.starts_with("* 1 FETCH (UID 2)"), "{out}");
    // UID EXPUNGE only removes the named messages.
    let inbox = open(&store, "INBOX");
    for m in [M1, M3] {
        block_on(
            inbox.append(
                NewMessage::new(m.as_bytes().to_vec())
                    .with_flags([Flag::System(SystemFlag::Deleted)].into_iter().collect()),
            ),
        )
        .unwrap();
    }
    let out = h.send("d UID EXPUNGE 4\r\n");
    assert_eq!(
        out,
        "* 3 EXISTS\r\n* 2 RECENT\r\n* 2 EXPUNGE\r\n* 1 RECENT\r\nd OK EXPUNGE completed\r\n"
    );
    // CLOSE expunges silently; UNSELECT does not.
    let out = h.send("e CLOSE\r\n");
    assert_eq!(out, "e OK CLOSE completed\r\n");
    assert_eq!(inbox_flags(&store).len(), 1);
    h.select("INBOX");
    h.send("f STORE 1 +FLAGS (\\Deleted)\r\n");
    assert_eq!(h.send("g UNSELECT\r\n"), "g OK UNSELECT completed\r\n");
    assert_eq!(inbox_flags(&store).len(), 1);
    assert!(h.send("h EXPUNGE\r\n").starts_with("h BAD"));
}

// ---- selected: SEARCH, SORT, THREAD ----------------------------------------------------------

#[test]
fn search_keys() {
    let store = store();
    let mut h = selected(&store);
    h.send("a STORE 2 +FLAGS.SILENT (\\Flagged $Work)\r\n");
    let search = |h: &mut Harness<MemoryStore>, q: &str| {
        let out = h.send(&format!("s SEARCH {q}\r\n"));
        assert!(out.ends_with("s OK SEARCH completed\r\n"), "{q}: {out}");
        out.lines().next().unwrap().to_string()
    };
    assert_eq!(search(&mut h, "ALL"), "* SEARCH 1 2 3");
    assert_eq!(search(&mut h, "FLAGGED"), "* SEARCH 2");
    assert_eq!(search(&mut h, "UNFLAGGED"), "* SEARCH 1 3");
    assert_eq!(search(&mut h, "KEYWORD $work"), "* SEARCH 2");
    assert_eq!(search(&mut h, "SUBJECT first"), "* SEARCH 1 2");
    assert_eq!(search(&mut h, "FROM carol"), "* SEARCH 2");
    assert_eq!(search(&mut h, "TO alice NOT FROM dave"), "* SEARCH 2");
    assert_eq!(search(&mut h, "BODY hidden"), "* SEARCH 2");
    assert_eq!(search(&mut h, "TEXT \"HIDDEN WORD\""), "* SEARCH 2");
    assert_eq!(search(&mut h, "HEADER Message-ID <3@"), "* SEARCH 3");
    assert_eq!(search(&mut h, "OR SUBJECT topic FLAGGED"), "* SEARCH 2 3");
    assert_eq!(search(&mut h, "SENTBEFORE 8-Feb-1994"), "* SEARCH 1");
    assert_eq!(search(&mut h, "SENTSINCE 9-Feb-1994"), "* SEARCH 3");
    assert_eq!(search(&mut h, "2:3 UID 1:2"), "* SEARCH 2");
    assert_eq!(search(&mut h, "LARGER 400"), "* SEARCH 2");
    assert_eq!(search(&mut h, "SMALLER 10"), "* SEARCH");
    assert_eq!(search(&mut h, "(NEW) UNSEEN"), "* SEARCH");
    assert_eq!(search(&mut h, "OLD YOUNGER 3600"), "* SEARCH 1 2 3");
    assert_eq!(search(&mut h, "OLDER 3600"), "* SEARCH");
    assert_eq!(
        search(&mut h, "CHARSET UTF-8 SUBJECT another"),
        "* SEARCH 3"
    );
    assert_eq!(search(&mut h, "SAVEDATESUPPORTED"), "* SEARCH 1 2 3");
    let out = h.send("t SEARCH CHARSET KOI8-R ALL\r\n");
    assert_eq!(
        out,
        "t NO [BADCHARSET (UTF-8 US-ASCII)] unsupported charset\r\n"
    );
    let out = h.send("u UID SEARCH FLAGGED\r\n");
    assert_eq!(out, "* SEARCH 2\r\nu OK SEARCH completed\r\n");
    // MODSEQ (RFC 7162 §3.1.5): the highest mod-sequence of the matches.
    let out = h.send("v SEARCH MODSEQ 1\r\n");
    assert!(out.starts_with("* SEARCH 1 2 3 (MODSEQ "), "{out}");
}

#[test]
fn esearch_and_searchres() {
    let store = store();
    let mut h = selected(&store);
    let out = h.send("a SEARCH RETURN (MIN MAX COUNT ALL) SUBJECT first\r\n");
    assert_eq!(
        out,
        "* ESEARCH (TAG \"a\") MIN 1 MAX 2 ALL 1:2 COUNT 2\r\na OK SEARCH completed\r\n"
    );
    let out = h.send("b UID SEARCH RETURN () ALL\r\n");
    assert_eq!(
        out,
        "* ESEARCH (TAG \"b\") UID ALL 1:3\r\nb OK SEARCH completed\r\n"
    );
    let out = h.send("c SEARCH RETURN (COUNT) SUBJECT nothing\r\n");
    assert_eq!(
        out,
        "* ESEARCH (TAG \"c\") COUNT 0\r\nc OK SEARCH completed\r\n"
    );
    // SAVE alone: no ESEARCH (RFC 5182 §2.1); then `$` names the result.
    let out = h.send("d SEARCH RETURN (SAVE) FROM dave\r\n");
    assert_eq!(out, "d OK SEARCH completed\r\n");
    let out = h.send("e FETCH $ UID\r\n");
    assert_eq!(out, "* 3 FETCH (UID 3)\r\ne OK FETCH completed\r\n");
    let out = h.send("f SEARCH RETURN (SAVE MIN) SUBJECT first\r\n");
    assert_eq!(
        out,
        "* ESEARCH (TAG \"f\") MIN 1\r\nf OK SEARCH completed\r\n"
    );
    let out = h.send("g UID SEARCH UID $\r\n");
    assert_eq!(out, "* SEARCH 1\r\ng OK SEARCH completed\r\n");
}

#[test]
fn sort_and_thread() {
    let store = store();
    let mut h = selected(&store);
    let out = h.send("a SORT (SUBJECT) UTF-8 ALL\r\n");
    // "another topic" < "first" = "Re: first" (base subject), ties by number.
    assert_eq!(out, "* SORT 3 1 2\r\na OK SORT completed\r\n");
    let out = h.send("b SORT (REVERSE DATE) UTF-8 ALL\r\n");
    assert_eq!(out, "* SORT 3 2 1\r\nb OK SORT completed\r\n");
    let out = h.send("c UID SORT (FROM) UTF-8 NOT FROM dave\r\n");
    assert_eq!(out, "* SORT 1 2\r\nc OK SORT completed\r\n");
    let out = h.send("d SORT (DISPLAYFROM SIZE) UTF-8 ALL\r\n");
    assert_eq!(out, "* SORT 1 2 3\r\nd OK SORT completed\r\n");
    let out = h.send("e THREAD REFERENCES UTF-8 ALL\r\n");
    assert_eq!(out, "* THREAD (1 2)(3)\r\ne OK THREAD completed\r\n");
    let out = h.send("f THREAD ORDEREDSUBJECT UTF-8 ALL\r\n");
    assert_eq!(out, "* THREAD (1 2)(3)\r\nf OK THREAD completed\r\n");
    let out = h.send("g THREAD X-UNKNOWN UTF-8 ALL\r\n");
    assert!(out.starts_with("g BAD"), "{out}");
}

// ---- changes made by other sessions (RFC 9051 §7.4.1, §7.5.1) --------------------------------

#[test]
fn expunges_by_others_wait_for_an_allowed_command() {
    let store = store();
    let mut a = selected(&store);
    let mut b = selected(&store);
    b.send("x STORE 2 +FLAGS (\\Deleted)\r\n");
    assert_eq!(
        b.send("y EXPUNGE\r\n"),
        "* 2 EXPUNGE\r\ny OK EXPUNGE completed\r\n"
    );
    // FETCH, STORE, SEARCH, SORT and THREAD by sequence number: no EXPUNGE.
    let out = a.send("a1 FETCH 1:3 UID\r\n");
    assert!(!out.contains("EXPUNGE\r\n"), "{out}");
    assert!(
        out.ends_with("a1 NO [EXPUNGEISSUED] some of the requested messages no longer exist\r\n"),
        "{out}"
    );
    let out = a.send("a2 STORE 3 +FLAGS (\\Seen)\r\n");
    assert_eq!(
        out,
        "* 3 FETCH (UID 3 FLAGS (\\Seen))\r\na2 OK STORE completed\r\n"
    );
    let out = a.send("a3 SEARCH ALL\r\n");
    assert_eq!(out, "* SEARCH 1 3\r\na3 OK SEARCH completed\r\n");
    let out = a.send("a4 SORT (ARRIVAL) UTF-8 ALL\r\n");
    assert!(!out.contains("EXPUNGE\r\n"), "{out}");
    // A new message is announced at once, numbered after the held-back one.
    block_on(open(&store, "INBOX").append(NewMessage::new(M1.as_bytes().to_vec()))).unwrap();
    let out = a.send("a5 FETCH 3 UID\r\n");
    assert_eq!(
        out,
        "* 3 FETCH (UID 3)\r\n* 4 EXISTS\r\n* 1 RECENT\r\na5 OK FETCH completed\r\n"
    );
    // NOOP may expunge.
    let out = a.send("a6 NOOP\r\n");
    assert_eq!(out, "* 2 EXPUNGE\r\na6 OK NOOP completed\r\n");
    let out = a.send("a7 FETCH 3 UID\r\n");
    assert_eq!(out, "* 3 FETCH (UID 4)\r\na7 OK FETCH completed\r\n");
}

#[test]
fn uid_commands_may_report_expunges() {
    let store = store();
    let mut a = selected(&store);
    let other = open(&store, "INBOX");
    block_on(other.expunge(
        &UidSet::single(mailwire_mailbox::Uid::new(1).unwrap()),
        mailwire_mailbox::ExpungeMode::Any,
    ))
    .unwrap();
    let out = a.send("a UID FETCH 1:* UID\r\n");
    assert_eq!(
        out,
        "* 2 FETCH (UID 2)\r\n* 3 FETCH (UID 3)\r\n* 1 EXPUNGE\r\na OK FETCH completed\r\n"
    );
    block_on(other.expunge(
        &UidSet::single(mailwire_mailbox::Uid::new(3).unwrap()),
        mailwire_mailbox::ExpungeMode::Any,
    ))
    .unwrap();
    let out = a.send("b UID SEARCH ALL\r\n");
    assert_eq!(
        out,
        "* SEARCH 2\r\n* 2 EXPUNGE\r\nb OK SEARCH completed\r\n"
    );
}

#[test]
fn idle_pushes_exists_expunge_and_flags() {
    let store = store();
    let mut a = selected(&store);
    assert_eq!(a.send("i IDLE\r\n"), "+ idling\r\n");
    // Nothing changed: the session waits and no notification is pending.
    assert!(a.session.notified().now_or_never().is_none());
    let other = open(&store, "INBOX");
    block_on(other.append(NewMessage::new(M1.as_bytes().to_vec()))).unwrap();
    // The store's watcher wakes the session; the driver steps it.
    assert!(a.session.notified().now_or_never().is_some());
    assert_eq!(a.run(), "* 4 EXISTS\r\n* 1 RECENT\r\n");
    block_on(other.store_flags(
        &UidSet::single(mailwire_mailbox::Uid::new(1).unwrap()),
        mailwire_mailbox::FlagOp::Add,
        &[Flag::System(SystemFlag::Answered)].into_iter().collect(),
        None,
    ))
    .unwrap();
    assert!(a.session.notified().now_or_never().is_some());
    assert_eq!(a.run(), "* 1 FETCH (UID 1 FLAGS (\\Answered))\r\n");
    // A keyword another session made: FLAGS first, so the client can record it.
    block_on(
        other.store_flags(
            &UidSet::single(mailwire_mailbox::Uid::new(1).unwrap()),
            mailwire_mailbox::FlagOp::Add,
            &[Flag::Keyword(
                mailwire_mailbox::Keyword::new("Todo").unwrap(),
            )]
            .into_iter()
            .collect(),
            None,
        ),
    )
    .unwrap();
    assert!(a.session.notified().now_or_never().is_some());
    let out = a.run();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(
        lines[0].starts_with("* FLAGS (") && lines[0].contains("Todo"),
        "{out}"
    );
    assert!(lines[1].starts_with("* OK [PERMANENTFLAGS ("), "{out}");
    assert_eq!(lines[2], "* 1 FETCH (UID 1 FLAGS (\\Answered Todo))");
    block_on(other.expunge(
        &UidSet::single(mailwire_mailbox::Uid::new(2).unwrap()),
        mailwire_mailbox::ExpungeMode::Any,
    ))
    .unwrap();
    assert!(a.session.notified().now_or_never().is_some());
    assert_eq!(a.run(), "* 2 EXPUNGE\r\n");
    assert_eq!(a.send("DONE\r\n"), "i OK IDLE terminated\r\n");
    // Not idling: no notifications.
    block_on(other.append(NewMessage::new(M1.as_bytes().to_vec()))).unwrap();
    assert!(a.session.notified().now_or_never().is_none());
    assert!(a.session.wake_interval().is_none());
}

#[test]
fn idle_polls_for_changes_from_other_processes() {
    let store = store();
    let mut o = options();
    o.idle_poll = Some(Duration::from_millis(500));
    let mut a = Harness::new(&server(&store, o), info("127.0.0.1:5000", false));
    a.login();
    a.select("INBOX");
    assert!(a.session.wake_interval().is_none());
    a.send("i IDLE\r\n");
    assert_eq!(a.session.wake_interval(), Some(Duration::from_millis(500)));
}

#[test]
fn pop3_delete_is_seen_by_an_idling_imap_session() {
    let store = store();
    let mut imap = selected(&store);
    assert_eq!(imap.send("i IDLE\r\n"), "+ idling\r\n");
    let pop3 = Pop3Server::new(store.clone(), {
        let mut o = Pop3Options::default();
        o.failed_login_delay = Duration::from_millis(1);
        o
    });
    let mut p = pop3.session(info("127.0.0.1:5001", false));
    let mut pop = |s: &str| {
        p.feed(s.as_bytes());
        let mut out = Vec::new();
        loop {
            match block_on(p.step()) {
                Step::Write(b) => out.extend_from_slice(&b),
                Step::Delay(_) => {}
                _ => break,
            }
        }
        String::from_utf8(out).unwrap()
    };
    pop("");
    pop("USER alice\r\nPASS secret\r\n");
    assert_eq!(pop("DELE 1\r\n"), "+OK message 1 deleted\r\n");
    // Nothing happens before QUIT (RFC 1939 §6).
    assert!(imap.session.notified().now_or_never().is_none());
    assert!(pop("QUIT\r\n").starts_with("+OK"));
    assert!(imap.session.notified().now_or_never().is_some());
    assert_eq!(imap.run(), "* 1 EXPUNGE\r\n");
    assert_eq!(imap.send("DONE\r\n"), "i OK IDLE terminated\r\n");
}

#[test]
fn deleted_selected_mailbox_ends_the_session() {
    let store = store();
    let mut a = logged_in(&store);
    a.send("c CREATE Box\r\n");
    a.select("Box");
    let acct = store.account("alice").unwrap();
    block_on(acct.delete(&MailboxName::new("Box").unwrap())).unwrap();
    let out = a.send("n NOOP\r\n");
    assert_eq!(out, "* BYE the selected mailbox was deleted or renamed\r\n");
    assert!(a.closed);
}

// ---- CONDSTORE and QRESYNC (RFC 7162) --------------------------------------------------------

#[test]
fn qresync_select_and_vanished() {
    let store = store();
    let mut a = logged_in(&store);
    let out = a.send("q SELECT INBOX (QRESYNC (1 1))\r\n");
    assert!(
        out.starts_with("q BAD"),
        "QRESYNC must be enabled first: {out}"
    );
    assert_eq!(
        a.send("e ENABLE QRESYNC\r\n"),
        "* ENABLED QRESYNC\r\ne OK ENABLE completed\r\n"
    );
    let out = a.select("INBOX");
    let v = block_on(open(&store, "INBOX").status()).unwrap();
    let modseq = v.highest_modseq.get();
    let validity = v.uid_validity.get();
    assert!(
        out.contains(&format!("* OK [HIGHESTMODSEQ {modseq}]")),
        "{out}"
    );
    a.send("u UNSELECT\r\n");
    // Meanwhile: message 1 expunged, message 3 flagged.
    let other = open(&store, "INBOX");
    block_on(other.expunge(
        &UidSet::single(mailwire_mailbox::Uid::new(1).unwrap()),
        mailwire_mailbox::ExpungeMode::Any,
    ))
    .unwrap();
    block_on(other.store_flags(
        &UidSet::single(mailwire_mailbox::Uid::new(3).unwrap()),
        mailwire_mailbox::FlagOp::Add,
        &[Flag::System(SystemFlag::Flagged)].into_iter().collect(),
        None,
    ))
    .unwrap();
    let out = a.send(&format!(
        "r SELECT INBOX (QRESYNC ({validity} {modseq} 1:3))\r\n"
    ));
    assert!(out.contains("* VANISHED (EARLIER) 1\r\n"), "{out}");
    assert!(
        out.contains("* 2 FETCH (UID 3 FLAGS (\\Flagged) MODSEQ ("),
        "{out}"
    );
    assert!(out.contains("* 2 EXISTS"), "{out}");
    // Expunges are VANISHED from now on.
    a.send("s STORE 1 +FLAGS.SILENT (\\Deleted)\r\n");
    let out = a.send("x EXPUNGE\r\n");
    assert!(
        out.starts_with("* VANISHED 2\r\nx OK [HIGHESTMODSEQ "),
        "{out}"
    );
    // UID FETCH ... (CHANGEDSINCE m VANISHED)
    let out = a.send(&format!(
        "f UID FETCH 1:* FLAGS (CHANGEDSINCE {modseq} VANISHED)\r\n"
    ));
    assert!(out.starts_with("* VANISHED (EARLIER) 1:2\r\n"), "{out}");
    assert!(
        out.contains("* 1 FETCH (UID 3 FLAGS (\\Flagged) MODSEQ ("),
        "{out}"
    );
    let out = a.send("g FETCH 1 FLAGS (VANISHED)\r\n");
    assert!(out.starts_with("g BAD"), "{out}");
}

#[test]
fn plaintext_policy_never_and_always() {
    let store = store();
    let mut o = options();
    o.plaintext_auth = PlaintextAuth::Never;
    let mut h = Harness::new(&server(&store, o), info("127.0.0.1:5000", false));
    let g = h.send("");
    assert!(g.contains("LOGINDISABLED"), "{g}");
    let out = h.send("a AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA==\r\n");
    assert!(out.starts_with("a NO [PRIVACYREQUIRED]"), "{out}");
    let mut o = options();
    o.plaintext_auth = PlaintextAuth::Always;
    let mut h = Harness::new(&server(&store, o), info("192.0.2.7:5000", false));
    h.login();
}

// ---- ID, QUOTA, UNAUTHENTICATE, CREATE-SPECIAL-USE (RFC 2971, 9208, 8437, 6154) --------------

#[test]
fn id_and_quota() {
    let store = store();
    store
        .set_quota("alice", Quota::new(Some(1 << 20), Some(1000)))
        .unwrap();
    let mut h = Harness::new(&server(&store, options()), info("127.0.0.1:5000", false));
    h.send("");
    // ID works before login (RFC 2971 §3.1).
    let out = h.send("i ID (\"name\" \"test client\" \"version\" \"1\")\r\n");
    assert_eq!(
        out,
        format!(
            "* ID (\"name\" \"mailwire\" \"version\" \"{}\")\r\ni OK ID completed\r\n",
            env!("CARGO_PKG_VERSION")
        )
    );
    h.send("a LOGIN alice secret\r\n");
    let kib = (M1.len() + M2.len() + M3.len()).div_ceil(1024);
    let out = h.send("q GETQUOTAROOT INBOX\r\n");
    assert_eq!(
        out,
        format!(
            "* QUOTAROOT INBOX \"\"\r\n* QUOTA \"\" (STORAGE {kib} 1024 MESSAGE 3 1000)\r\nq OK GETQUOTAROOT completed\r\n"
        )
    );
    let out = h.send("r GETQUOTA \"\"\r\n");
    assert!(out.starts_with("* QUOTA \"\" (STORAGE"), "{out}");
    let out = h.send("s GETQUOTA other\r\n");
    assert!(out.starts_with("s NO [NONEXISTENT]"), "{out}");
    let out = h.send("t GETQUOTAROOT Nope\r\n");
    assert!(out.starts_with("t NO [NONEXISTENT]"), "{out}");
    let out = h.send("u SETQUOTA \"\" (STORAGE 10)\r\n");
    assert!(out.starts_with("u NO [NOPERM]"), "{out}");
}

#[test]
fn unauthenticate_returns_to_the_start() {
    let store = store();
    let mut h = selected(&store);
    h.send("e ENABLE IMAP4rev2\r\n");
    let out = h.send("u UNAUTHENTICATE\r\n");
    assert_eq!(out, "u OK UNAUTHENTICATE completed\r\n");
    let out = h.send("f FETCH 1 UID\r\n");
    assert!(out.starts_with("f BAD"), "{out}");
    let out = h.send("l LOGIN alice secret\r\n");
    assert!(out.starts_with("l OK"), "{out}");
    // ENABLE was reset (RFC 8437 §4): IMAP4rev1 behaviour again.
    let out = h.send("s SELECT INBOX\r\n");
    assert!(out.contains("* 0 RECENT"), "{out}");
}

#[test]
fn create_special_use() {
    let store = store();
    let mut h = logged_in(&store);
    let out = h.send("a CREATE MySent (USE (\\Sent))\r\n");
    assert_eq!(out, "a OK CREATE completed\r\n");
    let out = h.send("b LIST \"\" MySent\r\n");
    assert!(
        out.contains("* LIST (\\HasNoChildren \\Sent) \"/\" MySent"),
        "{out}"
    );
    let out = h.send("c CREATE Imp (USE (\\Important))\r\n");
    assert!(out.starts_with("c NO [USEATTR]"), "{out}");
    let out = h.send("d CREATE Two (USE (\\Sent \\Trash))\r\n");
    assert!(out.starts_with("d NO [USEATTR]"), "{out}");
}

// ---- store round trips (shared caches, one listing per FETCH) --------------------------------

/// A store that counts the calls its mailboxes get.
#[derive(Clone, Default)]
struct Counts {
    reads: Arc<std::sync::atomic::AtomicUsize>,
    lists: Arc<std::sync::atomic::AtomicUsize>,
}

struct Counting(Arc<MemoryStore>, Counts);
struct CountingAccount(mailwire_mailbox::memory::MemoryAccount, Counts);
struct CountingMailbox(mailwire_mailbox::memory::MemoryMailbox, Counts);

impl Store for Counting {
    type Account = CountingAccount;
    async fn authenticate(
        &self,
        user: &str,
        password: mailwire_core::Secret<&str>,
    ) -> mailwire_mailbox::Result<CountingAccount> {
        Ok(CountingAccount(
            self.0.authenticate(user, password).await?,
            self.1.clone(),
        ))
    }
}

impl Account for CountingAccount {
    type Mailbox = CountingMailbox;
    fn user(&self) -> &str {
        self.0.user()
    }
    async fn list(&self) -> mailwire_mailbox::Result<Vec<mailwire_mailbox::MailboxInfo>> {
        self.0.list().await
    }
    async fn subscriptions(&self) -> mailwire_mailbox::Result<Vec<MailboxName>> {
        self.0.subscriptions().await
    }
    async fn create(
        &self,
        n: &MailboxName,
        u: Option<mailwire_mailbox::SpecialUse>,
    ) -> mailwire_mailbox::Result<()> {
        self.0.create(n, u).await
    }
    async fn delete(&self, n: &MailboxName) -> mailwire_mailbox::Result<()> {
        self.0.delete(n).await
    }
    async fn rename(&self, a: &MailboxName, b: &MailboxName) -> mailwire_mailbox::Result<()> {
        self.0.rename(a, b).await
    }
    async fn subscribe(&self, n: &MailboxName, on: bool) -> mailwire_mailbox::Result<()> {
        self.0.subscribe(n, on).await
    }
    async fn quota(&self) -> mailwire_mailbox::Result<mailwire_mailbox::QuotaUsage> {
        self.0.quota().await
    }
    async fn open(&self, n: &MailboxName) -> mailwire_mailbox::Result<CountingMailbox> {
        Ok(CountingMailbox(self.0.open(n).await?, self.1.clone()))
    }
}

impl Mailbox for CountingMailbox {
    fn name(&self) -> &MailboxName {
        self.0.name()
    }
    async fn status(&self) -> mailwire_mailbox::Result<mailwire_mailbox::MailboxStatus> {
        self.0.status().await
    }
    async fn list(
        &self,
        uids: &UidSet,
    ) -> mailwire_mailbox::Result<Vec<mailwire_mailbox::MessageMeta>> {
        self.1
            .lists
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.0.list(uids).await
    }
    async fn read(
        &self,
        uid: mailwire_mailbox::Uid,
        range: Option<std::ops::Range<u64>>,
    ) -> mailwire_mailbox::Result<bytes::Bytes> {
        self.1
            .reads
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.0.read(uid, range).await
    }
    async fn append(&self, m: NewMessage) -> mailwire_mailbox::Result<mailwire_mailbox::Appended> {
        self.0.append(m).await
    }
    async fn store_flags(
        &self,
        uids: &UidSet,
        op: mailwire_mailbox::FlagOp,
        flags: &Flags,
        since: Option<mailwire_mailbox::ModSeq>,
    ) -> mailwire_mailbox::Result<mailwire_mailbox::StoreResult> {
        self.0.store_flags(uids, op, flags, since).await
    }
    async fn expunge(
        &self,
        uids: &UidSet,
        mode: mailwire_mailbox::ExpungeMode,
    ) -> mailwire_mailbox::Result<UidSet> {
        self.0.expunge(uids, mode).await
    }
    async fn copy(
        &self,
        uids: &UidSet,
        to: &MailboxName,
    ) -> mailwire_mailbox::Result<mailwire_mailbox::Copied> {
        self.0.copy(uids, to).await
    }
    async fn move_to(
        &self,
        uids: &UidSet,
        to: &MailboxName,
    ) -> mailwire_mailbox::Result<mailwire_mailbox::Copied> {
        self.0.move_to(uids, to).await
    }
    async fn changes_since(
        &self,
        m: mailwire_mailbox::ModSeq,
    ) -> mailwire_mailbox::Result<mailwire_mailbox::Changes> {
        self.0.changes_since(m).await
    }
    fn watch(&self) -> mailwire_mailbox::Watcher {
        self.0.watch()
    }
}

#[test]
fn store_round_trips_are_shared_and_few() {
    use std::sync::atomic::Ordering::SeqCst;
    let counts = Counts::default();
    let mem = store();
    let store = Arc::new(Counting(mem.clone(), counts.clone()));
    let srv = ImapServer::new(store, options());
    let mut a = Harness::new(&srv, info("127.0.0.1:5000", false));
    a.login();
    a.select("INBOX");
    assert_eq!(counts.lists.swap(0, SeqCst), 1);
    // Metadata alone: one listing, no message read.
    a.send("f FETCH 1:* (UID FLAGS RFC822.SIZE INTERNALDATE)\r\n");
    assert_eq!(
        (counts.lists.swap(0, SeqCst), counts.reads.swap(0, SeqCst)),
        (1, 0)
    );
    // BODYSTRUCTURE and ENVELOPE: each message read and parsed once...
    let first = a.send("g FETCH 1:* (ENVELOPE BODYSTRUCTURE)\r\n");
    assert_eq!(
        (counts.lists.swap(0, SeqCst), counts.reads.swap(0, SeqCst)),
        (1, 3)
    );
    // ...and served from the server's cache afterwards, to this and other sessions.
    let mut b = Harness::new(&srv, info("127.0.0.1:5001", false));
    b.login();
    b.select("INBOX");
    // The mailbox did not change: the second SELECT shares the first one's listing.
    assert_eq!(counts.lists.swap(0, SeqCst), 0);
    let again = b.send("g FETCH 1:* (ENVELOPE BODYSTRUCTURE)\r\n");
    assert_eq!(again, first);
    assert_eq!(counts.reads.swap(0, SeqCst), 0);
    // ENVELOPE of an uncached large message reads only its header.
    let big = format!("Subject: big\r\n\r\n{}", "x".repeat(200_000));
    block_on(open(&mem, "INBOX").append(NewMessage::new(big.into_bytes()))).unwrap();
    assert!(b.send("n NOOP\r\n").starts_with("* 4 EXISTS"));
    let out = b.send("h FETCH 4 ENVELOPE\r\n");
    assert!(out.contains("\"big\""), "{out}");
    assert_eq!(counts.reads.swap(0, SeqCst), 1);
    // Header keys of SEARCH, SORT and THREAD use the cached headers: nothing is read.
    let out = b.send("s SEARCH SUBJECT big\r\n");
    assert!(out.starts_with("* SEARCH 4\r\n"), "{out}");
    b.send("t SORT (SUBJECT FROM) UTF-8 ALL\r\n");
    b.send("u THREAD REFERENCES UTF-8 ALL\r\n");
    assert_eq!(counts.reads.swap(0, SeqCst), 0);
    // BODY needs the bodies.
    b.send("v SEARCH BODY hello\r\n");
    assert_eq!(counts.reads.swap(0, SeqCst), 4);
}

#[test]
fn large_literals_are_streamed_from_the_store() {
    let counts = Counts::default();
    let mem = store();
    let mut big = b"Subject: big\r\n\r\n".to_vec();
    for i in 0..500 {
        big.extend_from_slice(format!("line {i:04} of a big message\r\n").as_bytes());
    }
    big[100] = 0;
    block_on(open(&mem, "INBOX").append(NewMessage::new(big.clone()))).unwrap();
    let mut expected = big.clone();
    expected[100] = 0x80; // a literal cannot carry NUL (RFC 9051 §4.3)
    let mut o = options();
    o.literal_chunk = 1000;
    o.output_chunk = 1000;
    let srv = ImapServer::new(Arc::new(Counting(mem, counts.clone())), o);
    let mut h = Harness::new(&srv, info("127.0.0.1:5000", false));
    h.login();
    h.select("INBOX");
    use std::sync::atomic::Ordering::SeqCst;
    counts.reads.store(0, SeqCst);
    h.writes = 0;
    let out = h.send_raw("a FETCH 4 (UID ENVELOPE BODY.PEEK[])\r\n");
    let head = format!(
        "* 4 FETCH (UID 4 ENVELOPE (NIL \"big\" NIL NIL NIL NIL NIL NIL NIL NIL) BODY[] {{{}}}\r\n",
        big.len()
    );
    let mut want = head.into_bytes();
    want.extend_from_slice(&expected);
    want.extend_from_slice(b")\r\na OK FETCH completed\r\n");
    assert_eq!(out, want);
    // The header for ENVELOPE, then the body in pieces of the chunk size.
    let pieces = big.len().div_ceil(1000);
    assert_eq!(counts.reads.swap(0, SeqCst), 1 + pieces);
    assert!(h.writes >= pieces, "{} writes", h.writes);
    // A partial range across pieces; RFC822 likewise.
    let out = h.send_raw("b FETCH 4 BODY.PEEK[]<990.1500>\r\n");
    let mut want = b"* 4 FETCH (BODY[]<990> {1500}\r\n".to_vec();
    want.extend_from_slice(&expected[990..2490]);
    want.extend_from_slice(b")\r\nb OK FETCH completed\r\n");
    assert_eq!(out, want);
    let out = h.send_raw("c FETCH 4 RFC822\r\n");
    assert!(
        out.starts_with(
            format!("* 4 FETCH (FLAGS (\\Seen) RFC822 {{{}}}\r\n", big.len()).as_bytes()
        )
    );
    // With BODYSTRUCTURE the message is read whole and parsed: the same bytes.
    let out = h.send_raw("d FETCH 4 (BODYSTRUCTURE BODY.PEEK[])\r\n");
    let at = memchr::memmem::find(&out, b"BODY[] {").unwrap();
    let start = at + format!("BODY[] {{{}}}\r\n", big.len()).len();
    assert_eq!(&out[start..start + expected.len()], &expected[..]);
}

#[test]
fn missing_parents_and_binary_errors() {
    let store = store();
    let mut h = logged_in(&store);
    h.send("a CREATE Projects/Rust\r\n");
    // The parent goes, the child stays: the parent is shown only where `%` stops at it.
    assert!(h.send("b DELETE Projects\r\n").contains("b OK"));
    let out = h.send("c LIST \"\" %\r\n");
    assert!(
        out.contains("* LIST (\\Noselect \\HasChildren) \"/\" Projects\r\n"),
        "{out}"
    );
    let out = h.send("d LIST \"\" * RETURN (CHILDREN)\r\n");
    assert!(!out.contains("\"/\" Projects\r\n"), "{out}");
    assert!(out.contains("\"/\" Projects/Rust\r\n"), "{out}");
    let out = h.send("e LIST () \"\" %\r\n");
    assert!(
        out.contains("* LIST (\\NonExistent \\HasChildren) \"/\" Projects\r\n"),
        "{out}"
    );
    // BINARY of a part with an unknown transfer encoding (RFC 3516 §4.3).
    let m =
        "Content-Type: text/plain\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\nbegin 644 x\r\n";
    let inbox = open(&store, "INBOX");
    block_on(inbox.append(NewMessage::new(m.as_bytes().to_vec()))).unwrap();
    h.select("INBOX");
    let out = h.send("f FETCH 4 BINARY.PEEK[1]\r\n");
    assert!(
        out.ends_with("f NO [UNKNOWN-CTE] unknown Content-Transfer-Encoding \"x-uuencode\"\r\n"),
        "{out}"
    );
    // A search string sent as a literal, in UTF-8.
    block_on(
        inbox.append(NewMessage::new(
            "Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\n\r\nx\r\n"
                .as_bytes()
                .to_vec(),
        )),
    )
    .unwrap();
    h.send("n NOOP\r\n");
    let word = "grüße";
    let out = h.send(&format!(
        "g SEARCH CHARSET UTF-8 SUBJECT {{{}+}}\r\n{word}\r\n",
        word.len()
    ));
    assert_eq!(out, "* SEARCH 5\r\ng OK SEARCH completed\r\n");
}

#[test]
fn an_account_without_limits_has_no_quota_root() {
    let store = store();
    let mut h = logged_in(&store);
    // RFC 9208 §4.2.1: QUOTA lists at least one resource, so there is no root to show.
    assert_eq!(
        h.send("a GETQUOTAROOT INBOX\r\n"),
        "* QUOTAROOT INBOX\r\na OK GETQUOTAROOT completed\r\n"
    );
    let out = h.send("b GETQUOTA \"\"\r\n");
    assert_eq!(out, "b NO [NONEXISTENT] no such quota root\r\n");
}

#[test]
fn search_looks_into_mail_delivered_with_bare_lf() {
    use mailwire_mailbox::maildir::{MaildirOptions, MaildirStore};
    use mailwire_mailbox::users::{PasswordParams, UsersFile};
    let dir = std::env::temp_dir().join(format!("mailwire-imap-lf-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for sub in ["new", "cur", "tmp"] {
        std::fs::create_dir_all(dir.join("mail/alice").join(sub)).unwrap();
    }
    UsersFile::new(dir.join("users"))
        .with_params(PasswordParams::INSECURE_FOR_TESTS)
        .add_user(
            "alice",
            mailwire_core::Secret::new("secret"),
            Quota::UNLIMITED,
        )
        .unwrap();
    // As an MDA writes it: bare LF line ends (SEARCH reads it as stored, FETCH as CRLF).
    std::fs::write(
        dir.join("mail/alice/new/1700000000.M1P1.mda"),
        "From: a@example.org\nSubject: lf\n\nfirst line\nSecond Line\n",
    )
    .unwrap();
    let store = Arc::new(MaildirStore::new(
        dir.join("mail"),
        UsersFile::new(dir.join("users")),
        MaildirOptions::default(),
    ));
    let mut h = Harness::new(
        &ImapServer::new(store, options()),
        info("127.0.0.1:5000", false),
    );
    h.login();
    h.select("INBOX");
    for (q, hit) in [
        ("BODY \"second line\"", true),
        ("TEXT \"subject: lf\"", true),
        ("FROM a@example BODY first", true),
        ("BODY \"line second\"", false),
        // A string with a line break matches the CRLF form the client sees.
        ("BODY {17+}\r\nline\r\nsecond line", true),
        ("BODY {16+}\r\nline\nsecond line", false),
    ] {
        let out = h.send(&format!("s SEARCH {q}\r\n"));
        let want = if hit {
            "* SEARCH 1\r\n"
        } else {
            "* SEARCH\r\n"
        };
        assert!(out.starts_with(want), "{q}: {out}");
        assert!(out.ends_with("s OK SEARCH completed\r\n"), "{q}: {out}");
    }
    let out = h.send("f FETCH 1 BODY.PEEK[TEXT]\r\n");
    assert!(
        out.contains("{25}\r\nfirst line\r\nSecond Line\r\n)"),
        "{out}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// AUTHENTICATE SCRAM-SHA-256 (RFC 7677) with and without SASL-IR (RFC 4959): the
/// server-final-message is the last challenge, answered by an empty line (RFC 9051 §6.2.2).
#[test]
fn authenticate_scram_sha256() {
    let store = store();
    for initial_response in [true, false] {
        let mut h = Harness::new(&server(&store, options()), info("127.0.0.1:5000", true));
        h.send("");
        let out = common::scram_login(
            |l| h.send(l),
            "a AUTHENTICATE SCRAM-SHA-256",
            "alice",
            "secret",
            initial_response,
        );
        assert!(out.starts_with("a OK [CAPABILITY "), "{out}");
        assert!(!out.contains("AUTH="), "no mechanisms after login: {out}");
        h.select("INBOX");
        assert_eq!(h.delays, 0);
    }
    // A wrong password, an unknown user (answered with a mock salt) and a cancel.
    let mut h = Harness::new(&server(&store, options()), info("127.0.0.1:5000", true));
    h.send("");
    common::scram_failures(
        |l| h.send(l),
        "b AUTHENTICATE SCRAM-SHA-256",
        "b NO [AUTHENTICATIONFAILED]",
    );
    assert_eq!(h.delays, 2, "failed logins are delayed");
    assert_eq!(h.send("c AUTHENTICATE SCRAM-SHA-256\r\n"), "+ \r\n");
    let out = h.send("*\r\n");
    assert!(out.starts_with("c BAD"), "{out}");
    // Channel binding is refused (no -PLUS).
    let cb = mailwire_core::sasl::encode_base64(b"p=tls-unique,,n=alice,r=abc");
    let out = h.send(&format!("d AUTHENTICATE SCRAM-SHA-256 {cb}\r\n"));
    assert!(out.starts_with("d NO [AUTHENTICATIONFAILED]"), "{out}");
}
