//! Maildir-specific behaviour: the files on disk, mail from other programs, index rebuilds,
//! several store instances (as several processes would) on one tree.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime};

use futures::executor::block_on;
use mailwire_core::Secret;
use mailwire_mailbox::maildir::{MaildirMailbox, MaildirOptions, MaildirStore};
use mailwire_mailbox::users::{PasswordParams, UsersFile};
use mailwire_mailbox::{
    Account, ErrorKind, ExpungeMode, FlagOp, Flags, Keyword, Mailbox, MailboxName, ModSeq,
    NewMessage, Quota, SpecialUse, Store, SystemFlag, UidSet,
};

struct Tree(PathBuf);

impl Tree {
    fn new(tag: &str) -> Tree {
        static N: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "mailwire-maildir-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let users =
            UsersFile::new(dir.join("users")).with_params(PasswordParams::INSECURE_FOR_TESTS);
        users
            .add_user("alice", Secret::new("pw"), Quota::UNLIMITED)
            .unwrap();
        Tree(dir)
    }

    /// A store instance: a new one has an empty cache, like another process.
    fn store(&self) -> MaildirStore {
        MaildirStore::new(
            self.0.join("mail"),
            UsersFile::new(self.0.join("users")),
            MaildirOptions::default(),
        )
    }

    fn account_dir(&self) -> PathBuf {
        self.0.join("mail").join("alice")
    }

    fn inbox(&self) -> MaildirMailbox {
        let acc = self.store().open_account("alice").unwrap();
        block_on(acc.open(&MailboxName::inbox())).unwrap()
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| !n.starts_with('.'))
        .collect();
    v.sort();
    v
}

/// Moves a directory's mtime far away, as a change long after the last one would: file systems
/// with coarse timestamps may give a change made right after the store's own the same mtime,
/// which the store only notices once a second has passed.
fn touch_dir(dir: &Path) {
    fs::File::open(dir)
        .unwrap()
        .set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000))
        .unwrap();
}

fn cur_dir_of(account: &Path) -> PathBuf {
    account.join("cur")
}

fn seen() -> Flags {
    [SystemFlag::Seen].into_iter().collect()
}

#[test]
fn files_follow_maildir_plus_plus() {
    let t = Tree::new("layout");
    let acc = t.store().open_account("alice").unwrap();
    block_on(acc.create(&MailboxName::new("Sent").unwrap(), Some(SpecialUse::Sent))).unwrap();
    block_on(acc.create(&MailboxName::new("Work/Mr. Smith").unwrap(), None)).unwrap();
    let inbox = block_on(acc.open(&MailboxName::inbox())).unwrap();
    let a = block_on(inbox.append(NewMessage::new("Subject: x\r\n\r\nx\r\n").with_flags(seen())))
        .unwrap();
    let dir = t.account_dir();
    let cur = names_in(&dir.join("cur"));
    assert_eq!(cur.len(), 1);
    assert!(cur[0].ends_with(":2,S"), "{cur:?}");
    assert!(cur[0].contains(",S=17,W=17"), "{cur:?}");
    assert!(names_in(&dir.join("new")).is_empty());
    assert!(names_in(&dir.join("tmp")).is_empty());
    for folder in [".Sent", ".Work", ".Work.Mr%2E Smith"] {
        for sub in ["cur", "new", "tmp", "maildirfolder"] {
            assert!(dir.join(folder).join(sub).exists(), "{folder}/{sub}");
        }
    }
    // Flags change the file name; keywords live in the index only.
    let mut f = Flags::new();
    f.insert(SystemFlag::Flagged);
    f.insert(Keyword::new("$Label1").unwrap());
    block_on(inbox.store_flags(&UidSet::single(a.uid), FlagOp::Add, &f, None)).unwrap();
    let cur = names_in(&dir.join("cur"));
    assert!(cur[0].ends_with(":2,FS"), "{cur:?}");
    let index = fs::read_to_string(dir.join("mailwire-index")).unwrap();
    assert!(index.contains("$Label1"), "{index}");
    // Another instance (another process) reads the same state from the index.
    let other = t.inbox();
    let meta = block_on(other.list(&UidSet::all())).unwrap();
    assert_eq!(
        meta[0].flags,
        block_on(inbox.list(&UidSet::all())).unwrap()[0].flags
    );
    assert!(
        meta[0]
            .flags
            .contains(&Keyword::new("$label1").unwrap().into())
    );
    let list = block_on(t.store().open_account("alice").unwrap().list()).unwrap();
    let sent = list.iter().find(|i| i.name.as_str() == "Sent").unwrap();
    assert_eq!(sent.special_use, Some(SpecialUse::Sent));
    assert!(list.iter().any(|i| i.name.as_str() == "Work/Mr. Smith"));
}

#[test]
fn mail_delivered_by_other_programs_gets_uids() {
    let t = Tree::new("deliver");
    let inbox = t.inbox();
    let first = block_on(inbox.append(NewMessage::new("Subject: 1\r\n\r\n1\r\n"))).unwrap();
    let h = block_on(inbox.status()).unwrap().highest_modseq;
    let mut watcher = inbox.watch();
    // An MDA writes into tmp/ and renames into new/, with bare LF line ends.
    let dir = t.account_dir();
    fs::write(
        dir.join("tmp/1700000000.M1P1.mda"),
        b"Subject: lf\n\nline\n",
    )
    .unwrap();
    fs::rename(
        dir.join("tmp/1700000000.M1P1.mda"),
        dir.join("new/1700000000.M1P1.mda"),
    )
    .unwrap();
    let st = block_on(inbox.status()).unwrap();
    assert_eq!(st.messages, 2, "the delivery is seen at the next call");
    let list = block_on(inbox.list(&UidSet::all())).unwrap();
    let m = &list[1];
    assert!(m.uid > first.uid);
    assert!(m.modseq > h);
    assert_eq!(m.unique_id.as_str(), "1700000000.M1P1.mda");
    let body = block_on(inbox.read(m.uid, None)).unwrap();
    assert_eq!(&body[..], b"Subject: lf\r\n\r\nline\r\n", "read gives CRLF");
    assert_eq!(
        &block_on(inbox.read_content(m.uid)).unwrap()[..],
        b"Subject: lf\n\nline\n",
        "read_content gives the file as it is"
    );
    assert_eq!(m.size, body.len() as u64, "the size counts CRLF");
    assert_eq!(
        &block_on(inbox.read(m.uid, Some(13..17))).unwrap()[..],
        b"\r\nli"
    );
    assert!(
        names_in(&dir.join("new")).is_empty(),
        "new mail moves to cur/"
    );
    assert!(futures::FutureExt::now_or_never(watcher.changed()).is_some());
    let c = block_on(inbox.changes_since(h)).unwrap();
    assert_eq!(c.changed.len(), 1);

    // A program that put a file into cur/ without an info part.
    fs::write(
        cur_dir_of(&dir).join("1700000001.M2P2.mda"),
        b"Subject: bare\r\n\r\nx\r\n",
    )
    .unwrap();
    touch_dir(&cur_dir_of(&dir));
    let list = block_on(inbox.list(&UidSet::all())).unwrap();
    assert_eq!(list.len(), 3);
    assert_eq!(
        &block_on(inbox.read(list[2].uid, None)).unwrap()[..],
        b"Subject: bare\r\n\r\nx\r\n"
    );
    block_on(inbox.expunge(&UidSet::single(list[2].uid), ExpungeMode::Any)).unwrap();
    let c = block_on(inbox.changes_since(ModSeq::MIN)).unwrap();
    let c = block_on(inbox.changes_since(c.highest_modseq)).unwrap();

    // A mail reader sets \Flagged by renaming, and deletes the first message.
    let cur = dir.join("cur");
    let file = names_in(&cur)
        .into_iter()
        .find(|n| n.starts_with("1700000000.M1P1"))
        .unwrap();
    fs::rename(cur.join(&file), cur.join("1700000000.M1P1.mda:2,F")).unwrap();
    let other = names_in(&cur)
        .into_iter()
        .find(|n| !n.starts_with("1700000000.M1P1"))
        .unwrap();
    fs::remove_file(cur.join(other)).unwrap();
    touch_dir(&cur);
    let h2 = block_on(inbox.status()).unwrap().highest_modseq;
    assert!(h2 > c.highest_modseq);
    let c = block_on(inbox.changes_since(c.highest_modseq)).unwrap();
    assert_eq!(c.expunged, UidSet::single(first.uid));
    assert_eq!(c.changed.len(), 1);
    assert!(c.changed[0].flags.has(SystemFlag::Flagged));
}

#[test]
fn a_lost_or_damaged_index_is_rebuilt() {
    let t = Tree::new("rebuild");
    let inbox = t.inbox();
    for i in 0..5 {
        block_on(inbox.append(NewMessage::new(format!("Subject: {i}\r\n\r\n{i}\r\n")))).unwrap();
    }
    let before = block_on(inbox.list(&UidSet::all())).unwrap();
    let v0 = block_on(inbox.status()).unwrap().uid_validity;
    let index = t.account_dir().join("mailwire-index");

    fs::remove_file(&index).unwrap();
    let fresh = t.inbox();
    let st = block_on(fresh.status()).unwrap();
    assert!(
        st.uid_validity > v0,
        "a rebuilt index has a new UIDVALIDITY"
    );
    assert_eq!(st.messages, 5);
    let after = block_on(fresh.list(&UidSet::all())).unwrap();
    let ids = |l: &[mailwire_mailbox::MessageMeta]| {
        l.iter().map(|m| m.unique_id.clone()).collect::<Vec<_>>()
    };
    assert_eq!(
        ids(&after),
        ids(&before),
        "POP3 unique-ids survive a rebuild"
    );
    // The old handle knows its UIDs are void.
    assert_eq!(
        block_on(inbox.status()).err().map(|e| e.kind()),
        Some(ErrorKind::Nonexistent)
    );

    // Garbage in the middle of the log: rebuilt again, the damaged file kept aside.
    let text = fs::read_to_string(&index).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.insert(2, "+ this is not a record");
    fs::write(&index, lines.join("\n") + "\n").unwrap();
    let again = t.inbox();
    let st2 = block_on(again.status()).unwrap();
    assert!(st2.uid_validity > st.uid_validity);
    assert_eq!(st2.messages, 5);
    assert!(t.account_dir().join("mailwire-index.damaged").exists());
}

#[test]
fn a_torn_last_record_is_ignored_and_cut() {
    let t = Tree::new("torn");
    let inbox = t.inbox();
    let a = block_on(inbox.append(NewMessage::new("Subject: a\r\n\r\na\r\n"))).unwrap();
    let index = t.account_dir().join("mailwire-index");
    let mut f = fs::OpenOptions::new().append(true).open(&index).unwrap();
    std::io::Write::write_all(&mut f, b"+ 99 99 1 1 0 0 - half").unwrap();
    drop(f);
    let other = t.inbox();
    let st = block_on(other.status()).unwrap();
    assert_eq!(st.uid_validity, a.uid_validity, "a torn tail is no damage");
    assert_eq!(st.messages, 1);
    let b = block_on(other.append(NewMessage::new("Subject: b\r\n\r\nb\r\n"))).unwrap();
    assert_eq!(b.uid.get(), a.uid.get() + 1);
    let text = fs::read_to_string(&index).unwrap();
    assert!(!text.contains("half"), "{text}");
    assert!(text.ends_with('\n'));
    assert_eq!(block_on(t.inbox().status()).unwrap().messages, 2);
}

#[test]
fn two_instances_share_one_mailbox() {
    let t = Tree::new("two");
    let a = t.inbox();
    let b = t.inbox();
    let x = block_on(a.append(NewMessage::new("Subject: x\r\n\r\nx\r\n"))).unwrap();
    let y = block_on(b.append(NewMessage::new("Subject: y\r\n\r\ny\r\n"))).unwrap();
    assert!(y.uid > x.uid);
    assert_eq!(block_on(a.status()).unwrap().messages, 2);
    block_on(b.store_flags(&UidSet::single(x.uid), FlagOp::Add, &seen(), None)).unwrap();
    let la = block_on(a.list(&UidSet::all())).unwrap();
    assert!(la[0].flags.has(SystemFlag::Seen));
    block_on(a.expunge(&UidSet::single(y.uid), ExpungeMode::Any)).unwrap();
    let c = block_on(b.changes_since(ModSeq::MIN)).unwrap();
    assert!(c.expunged.contains(y.uid));
    assert_eq!(c.changed.len(), 1);
}

#[test]
fn a_long_log_is_rewritten() {
    let t = Tree::new("compact");
    let store = MaildirStore::new(
        t.0.join("mail"),
        UsersFile::new(t.0.join("users")),
        MaildirOptions::default().fsync(false),
    );
    let acc = store.open_account("alice").unwrap();
    let inbox = block_on(acc.open(&MailboxName::inbox())).unwrap();
    let a = block_on(inbox.append(NewMessage::new("Subject: a\r\n\r\na\r\n"))).unwrap();
    let index = t.account_dir().join("mailwire-index");
    let mut longest = 0;
    for i in 0..5_100 {
        let op = if i % 2 == 0 {
            FlagOp::Add
        } else {
            FlagOp::Remove
        };
        block_on(inbox.store_flags(&UidSet::single(a.uid), op, &seen(), None)).unwrap();
        if i % 50 == 0 || i > 4_990 {
            longest = longest.max(fs::read_to_string(&index).unwrap().lines().count());
        }
    }
    let lines = fs::read_to_string(&index).unwrap().lines().count();
    assert!(
        longest > 10_000 && lines < 1_000,
        "rewritten: {longest} then {lines} lines"
    );
    let st = block_on(t.inbox().status()).unwrap();
    assert_eq!(st.uid_validity, a.uid_validity);
    assert_eq!(
        st.highest_modseq,
        block_on(inbox.status()).unwrap().highest_modseq
    );
}

#[test]
fn names_cannot_escape_the_account() {
    for bad in ["..", "a/../../etc", "/etc", "a/./b", "a\0b", "a\nb", "x/"] {
        assert!(MailboxName::new(bad).is_err(), "{bad:?}");
    }
    let t = Tree::new("escape");
    let acc = t.store().open_account("alice").unwrap();
    // Dots and percent signs stay inside one directory name.
    for name in ["..x", "%2E%2E", "a/..b"] {
        block_on(acc.create(&MailboxName::new(name).unwrap(), None)).unwrap();
    }
    let entries = names_in_all(&t.0.join("mail"));
    assert_eq!(
        entries,
        vec!["alice".to_owned()],
        "nothing outside the account"
    );
    let mut dir_names: Vec<String> = fs::read_dir(t.account_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with(".%") || n.starts_with(".a"))
        .collect();
    dir_names.sort();
    assert_eq!(dir_names, [".%252E%252E", ".%2E%2Ex", ".a", ".a.%2E%2Eb"]);
    let list = block_on(acc.list()).unwrap();
    for name in ["..x", "%2E%2E", "a/..b"] {
        assert!(list.iter().any(|i| i.name.as_str() == name), "{name}");
    }
    assert!(t.store().open_account("../alice").is_err());
}

fn names_in_all(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    v.sort();
    v
}

#[test]
fn wrong_passwords_and_quota_from_the_users_file() {
    let t = Tree::new("auth");
    let store = t.store();
    assert_eq!(
        block_on(store.authenticate("alice", Secret::new("nope")))
            .err()
            .map(|e| e.kind()),
        Some(ErrorKind::AuthenticationFailed)
    );
    let acc = block_on(store.authenticate("alice", Secret::new("pw"))).unwrap();
    store
        .users()
        .set_quota("alice", Quota::new(None, Some(1)))
        .unwrap();
    let inbox = block_on(acc.open(&MailboxName::inbox())).unwrap();
    block_on(inbox.append(NewMessage::new("a"))).unwrap();
    assert_eq!(
        block_on(inbox.append(NewMessage::new("b")))
            .err()
            .map(|e| e.kind()),
        Some(ErrorKind::OverQuota),
        "a quota change applies at once"
    );
}

#[test]
fn separate_instances_and_a_delivery_agent_at_once() {
    // Each thread has its own store instance: its own cache and lock descriptors, as separate
    // processes would. Another thread plays a delivery agent writing into new/.
    let t = Tree::new("multi");
    let dir = t.account_dir();
    t.inbox(); // creates the account
    let writers = 4;
    let per_writer = 30;
    let deliveries = 40;
    let acked: Vec<(u32, String)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..writers)
            .map(|w| {
                let inbox = t.inbox();
                s.spawn(move || {
                    (0..per_writer)
                        .map(|i| {
                            let text = format!("writer {w} message {i}");
                            let a = block_on(inbox.append(NewMessage::new(format!(
                                "Subject: {text}\r\n\r\n{text}\r\n"
                            ))))
                            .unwrap();
                            if i % 5 == 0 {
                                block_on(inbox.status()).unwrap();
                            }
                            (a.uid.get(), text)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let dir = &dir;
        s.spawn(move || {
            for i in 0..deliveries {
                let name = format!("1700000000.M{i}P99.mda");
                fs::write(
                    dir.join("tmp").join(&name),
                    format!("Subject: mda {i}\n\nx\n"),
                )
                .unwrap();
                fs::rename(dir.join("tmp").join(&name), dir.join("new").join(&name)).unwrap();
            }
        });
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let mut uids: Vec<u32> = acked.iter().map(|a| a.0).collect();
    uids.sort_unstable();
    uids.dedup();
    assert_eq!(uids.len(), writers * per_writer, "a UID was given twice");
    // Let the last delivery be seen regardless of timestamp granularity.
    touch_dir(&dir.join("new"));
    let inbox = t.inbox();
    let list = block_on(inbox.list(&UidSet::all())).unwrap();
    assert_eq!(list.len(), writers * per_writer + deliveries);
    for (uid, text) in &acked {
        let m = list
            .iter()
            .find(|m| m.uid.get() == *uid)
            .expect("acknowledged message present");
        let body = block_on(inbox.read(m.uid, None)).unwrap();
        assert!(body.ends_with(format!("{text}\r\n").as_bytes()));
    }
    let mda: Vec<_> = list
        .iter()
        .filter(|m| m.unique_id.as_str().ends_with("P99.mda"))
        .collect();
    assert_eq!(mda.len(), deliveries, "each delivery indexed once");
    assert_eq!(fs::read_dir(dir.join("cur")).unwrap().count(), list.len());
}

#[test]
fn reads_follow_files_renamed_or_removed_by_other_programs() {
    let t = Tree::new("stale-read");
    let inbox = t.inbox();
    let a = block_on(inbox.append(NewMessage::new("Subject: a\r\n\r\na\r\n"))).unwrap();
    let b = block_on(inbox.append(NewMessage::new("Subject: b\r\n\r\nb\r\n"))).unwrap();
    // Reads use what the process knows; prime that knowledge.
    assert_eq!(
        &block_on(inbox.read(a.uid, None)).unwrap()[..],
        b"Subject: a\r\n\r\na\r\n"
    );
    let cur = t.account_dir().join("cur");
    let file_of = |subject: &str| {
        names_in(&cur)
            .into_iter()
            .find(|n| {
                fs::read(cur.join(n))
                    .unwrap()
                    .starts_with(subject.as_bytes())
            })
            .unwrap()
    };
    // A mail client sets a flag: the file gets another name behind the store's back.
    let old = file_of("Subject: a");
    let base = old.split(":2,").next().unwrap().to_owned();
    fs::rename(cur.join(&old), cur.join(format!("{base}:2,F"))).unwrap();
    assert_eq!(
        &block_on(inbox.read(a.uid, None)).unwrap()[..],
        b"Subject: a\r\n\r\na\r\n"
    );
    let list = block_on(inbox.list(&UidSet::single(a.uid))).unwrap();
    assert!(
        list[0].flags.has(SystemFlag::Flagged),
        "the rename was noticed"
    );
    // Another program deletes a file: the read fails cleanly, the other message reads.
    fs::remove_file(cur.join(file_of("Subject: b"))).unwrap();
    assert!(block_on(inbox.read(b.uid, None)).is_err());
    assert_eq!(block_on(inbox.status()).unwrap().messages, 1);
    assert_eq!(
        &block_on(inbox.read(a.uid, None)).unwrap()[..],
        b"Subject: a\r\n\r\na\r\n"
    );
}
