//! Crash safety of the Maildir store: a writer process is killed with SIGKILL at random points
//! while it appends, again and again; afterwards every message it acknowledged is present
//! exactly once under its UID, and the index agrees with the files.
//!
//! The test re-runs its own binary as the writer (environment variable `MAILWIRE_SIGKILL_CHILD`
//! set to the tree). The writer prints `<uidvalidity> <uid> <n>` after each acknowledged append
//! of message number `n`; the parent reads a random number of those lines, kills the writer, and
//! reads what was printed before the kill as well.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use futures::executor::block_on;
use mailwire_core::Secret;
use mailwire_mailbox::maildir::{MaildirOptions, MaildirStore};
use mailwire_mailbox::users::{PasswordParams, UsersFile};
use mailwire_mailbox::{
    Account, FlagOp, Flags, Mailbox, MailboxName, NewMessage, Quota, SystemFlag, UidSet,
};

const CHILD_ENV: &str = "MAILWIRE_SIGKILL_CHILD";
const START_ENV: &str = "MAILWIRE_SIGKILL_START";
const ROUNDS: u64 = 20;

fn store(root: &Path) -> MaildirStore {
    MaildirStore::new(
        root.join("mail"),
        UsersFile::new(root.join("users")),
        MaildirOptions::default(),
    )
}

fn body(n: u64) -> String {
    format!("Subject: message {n}\r\n\r\nbody {n}\r\n")
}

/// The writer: appends forever, printing each acknowledged append.
fn child(root: &Path, start: u64) -> ! {
    let acc = store(root).open_account("alice").expect("account");
    let inbox = block_on(acc.open(&MailboxName::inbox())).expect("open");
    let mut out = std::io::stdout().lock();
    let seen: Flags = [SystemFlag::Seen].into_iter().collect();
    for n in start.. {
        let a = block_on(inbox.append(NewMessage::new(body(n)))).expect("append");
        writeln!(out, "{} {} {n}", a.uid_validity, a.uid).expect("stdout");
        out.flush().expect("stdout");
        if n % 4 == 0 {
            // Flag changes too, so kills also land in the middle of those records.
            block_on(inbox.store_flags(&UidSet::single(a.uid), FlagOp::Add, &seen, None))
                .expect("store");
        }
    }
    unreachable!("the loop is endless")
}

/// A small deterministic generator (xorshift64*), so the kill points vary but the test's
/// choices are the same on every run.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

/// Checks the tree: every acknowledged message present once, under its UID; files and index agree.
fn check(root: &Path, acked: &BTreeMap<u32, (u32, u64)>, validity: Option<u32>) -> u32 {
    let acc = store(root).open_account("alice").expect("account");
    let inbox = block_on(acc.open(&MailboxName::inbox())).expect("open");
    let st = block_on(inbox.status()).expect("status");
    if let Some(v) = validity {
        assert_eq!(
            st.uid_validity.get(),
            v,
            "UIDVALIDITY changed: the index was lost or judged damaged"
        );
    }
    let list = block_on(inbox.list(&UidSet::all())).expect("list");
    assert_eq!(st.messages as usize, list.len());
    assert!(list.windows(2).all(|w| w[0].uid < w[1].uid));
    assert!(list.last().is_none_or(|m| st.uid_next > m.uid));
    let mut numbers = BTreeSet::new();
    let mut by_uid = BTreeMap::new();
    for m in &list {
        let bytes = block_on(inbox.read(m.uid, None)).expect("read");
        assert_eq!(bytes.len() as u64, m.size);
        let text = std::str::from_utf8(&bytes).expect("utf-8");
        let n: u64 = text
            .strip_prefix("Subject: message ")
            .and_then(|r| r.split("\r\n").next())
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("message {} is garbled: {text:?}", m.uid));
        assert_eq!(text, body(n), "message {} is incomplete", m.uid);
        assert!(numbers.insert(n), "message number {n} is present twice");
        by_uid.insert(m.uid.get(), n);
    }
    for (uid, (v, n)) in acked {
        assert_eq!(*v, st.uid_validity.get());
        assert_eq!(
            by_uid.get(uid),
            Some(n),
            "acknowledged message {n} (UID {uid}) is missing or under another UID"
        );
    }
    // The index and the files agree: one file in cur/ per message, nothing left in new/.
    let dir = root.join("mail/alice");
    let files = std::fs::read_dir(dir.join("cur")).expect("cur").count();
    assert_eq!(
        files,
        list.len(),
        "files in cur/ and indexed messages differ"
    );
    assert_eq!(std::fs::read_dir(dir.join("new")).expect("new").count(), 0);
    st.uid_validity.get()
}

fn parent() {
    let root = std::env::temp_dir().join(format!("mailwire-sigkill-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).expect("tree");
    UsersFile::new(root.join("users"))
        .with_params(PasswordParams::INSECURE_FOR_TESTS)
        .add_user("alice", Secret::new("pw"), Quota::UNLIMITED)
        .expect("user");
    let exe = std::env::current_exe().expect("own binary");
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut acked: BTreeMap<u32, (u32, u64)> = BTreeMap::new();
    let mut validity = None;
    let mut kills_mid_run = 0;
    for round in 0..ROUNDS {
        // Round 0 kills at once (in the middle of creating the index); the others after
        // 1 to 40 acknowledged appends.
        let wait_for = if round == 0 { 0 } else { 1 + rng.next() % 40 };
        let mut child = Command::new(&exe)
            .env(CHILD_ENV, &root)
            .env(START_ENV, (round * 1_000_000).to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn the writer");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let mut record = |line: String| {
            let mut it = line.split(' ').map(|x| x.parse::<u64>().expect("number"));
            let (v, uid, n) = (it.next(), it.next(), it.next());
            let (Some(v), Some(uid), Some(n)) = (v, uid, n) else {
                panic!("bad line {line:?}");
            };
            let prev = acked.insert(uid as u32, (v as u32, n));
            assert!(prev.is_none(), "UID {uid} acknowledged twice");
        };
        for _ in 0..wait_for {
            match lines.next() {
                Some(line) => record(line.expect("read")),
                None => panic!("the writer died by itself"),
            }
        }
        // Jitter, not synchronisation: let the writer run on for 0 to 3 ms so that the kill
        // lands anywhere inside its next append (staging, renaming, indexing, fsyncing).
        let jitter = std::time::Duration::from_micros(rng.next() % 3_000);
        let t0 = std::time::Instant::now();
        while t0.elapsed() < jitter {
            std::hint::spin_loop();
        }
        child.kill().expect("SIGKILL");
        let status = child.wait().expect("wait");
        if !status.success() {
            kills_mid_run += 1;
        }
        // Lines printed before the kill were acknowledged too.
        for line in lines {
            record(line.expect("read"));
        }
        validity = Some(check(&root, &acked, validity));
    }
    assert_eq!(
        kills_mid_run, ROUNDS,
        "every writer was killed, none finished"
    );
    assert!(
        acked.len() as u64 >= ROUNDS - 1,
        "the writers made progress"
    );
    // A rebuild from the files alone finds the same messages.
    std::fs::remove_file(root.join("mail/alice/mailwire-index")).expect("remove index");
    let acc = store(&root).open_account("alice").expect("account");
    let inbox = block_on(acc.open(&MailboxName::inbox())).expect("open");
    let st = block_on(inbox.status()).expect("status");
    assert!(st.messages as usize >= acked.len());
    let leftovers = std::fs::read_dir(root.join("mail/alice/tmp"))
        .expect("tmp")
        .count();
    std::fs::remove_dir_all(&root).expect("clean up");
    println!(
        "{} acknowledged appends over {ROUNDS} killed writers: all present, index consistent; \
         {} unacknowledged appends completed, {leftovers} interrupted in tmp/",
        acked.len(),
        st.messages as usize - acked.len()
    );
}

fn main() {
    if let Some(root) = std::env::var_os(CHILD_ENV) {
        let start = std::env::var(START_ENV)
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        child(&PathBuf::from(root), start);
    }
    println!("\nrunning 1 test");
    parent();
    println!("test sigkill_during_appends ... ok\n");
    println!("test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out\n");
}
