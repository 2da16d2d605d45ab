//! Maildir store figures: appending 10,000 messages, and opening a 100,000-message mailbox
//! (status plus full listing) cold (no index: rebuilt from the files) and warm (index present,
//! new store instance as in a new process; and same instance with its cache).
//!
//! `cargo bench -p mailwire-mailbox --bench maildir`. Sizes can be changed with
//! `MAILWIRE_BENCH_APPENDS` and `MAILWIRE_BENCH_MESSAGES`; the tree goes to
//! `MAILWIRE_BENCH_DIR` (default: the system's temporary directory).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use futures::executor::block_on;
use mailwire_core::Secret;
use mailwire_mailbox::maildir::{MaildirOptions, MaildirStore};
use mailwire_mailbox::users::{PasswordParams, UsersFile};
use mailwire_mailbox::{Account, Mailbox, MailboxName, NewMessage, Quota, UidSet};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

fn message(i: usize) -> Vec<u8> {
    let mut m = format!(
        "From: sender{i}@example.org\r\nTo: alice@example.org\r\nSubject: benchmark message {i}\r\n\
         Date: Mon, 1 Jan 2024 00:00:00 +0000\r\nMessage-ID: <{i}@example.org>\r\n\r\n"
    )
    .into_bytes();
    while m.len() < 1900 {
        m.extend_from_slice(b"Lorem ipsum dolor sit amet, consectetur adipiscing elit.\r\n");
    }
    m
}

fn store(root: &Path, fsync: bool) -> MaildirStore {
    MaildirStore::new(
        root.join("mail"),
        UsersFile::new(root.join("users")),
        MaildirOptions::default().fsync(fsync),
    )
}

fn tree(base: &Path, tag: &str) -> PathBuf {
    let root = base.join(format!("mailwire-bench-{tag}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&root);
    fs::create_dir_all(&root).expect("tree");
    UsersFile::new(root.join("users"))
        .with_params(PasswordParams::INSECURE_FOR_TESTS)
        .add_user("alice", Secret::new("pw"), Quota::UNLIMITED)
        .expect("user");
    root
}

fn per(d: Duration, n: usize) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6 / n as f64)
}

fn appends(base: &Path, n: usize, fsync: bool) {
    let root = tree(
        base,
        if fsync {
            "append-fsync"
        } else {
            "append-nofsync"
        },
    );
    let acc = store(&root, fsync).open_account("alice").expect("account");
    let inbox = block_on(acc.open(&MailboxName::inbox())).expect("open");
    let msgs: Vec<Vec<u8>> = (0..n).map(message).collect();
    let t = Instant::now();
    for m in msgs {
        block_on(inbox.append(NewMessage::new(m))).expect("append");
    }
    let d = t.elapsed();
    println!(
        "append {n} messages (fsync {}): {:.2} s, {} per message, {:.0} messages/s",
        if fsync { "on" } else { "off" },
        d.as_secs_f64(),
        per(d, n),
        n as f64 / d.as_secs_f64()
    );
    fs::remove_dir_all(root).expect("clean up");
}

/// Status plus full listing, as a POP3 login or an IMAP SELECT does.
fn open_once(root: &Path, s: Option<&MaildirStore>) -> (Duration, usize) {
    let fresh;
    let s = match s {
        Some(s) => s,
        None => {
            fresh = store(root, true);
            &fresh
        }
    };
    let t = Instant::now();
    let acc = s.open_account("alice").expect("account");
    let inbox = block_on(acc.open(&MailboxName::inbox())).expect("open");
    let st = block_on(inbox.status()).expect("status");
    let list = block_on(inbox.list(&UidSet::all())).expect("list");
    let d = t.elapsed();
    assert_eq!(st.messages as usize, list.len());
    (d, list.len())
}

fn big_mailbox(base: &Path, n: usize) {
    let root = tree(base, "open");
    let cur = root.join("mail/alice/cur");
    for sub in ["cur", "new", "tmp"] {
        fs::create_dir_all(root.join("mail/alice").join(sub)).expect("maildir");
    }
    // Files as another program (or an earlier server) left them: no index yet.
    let t = Instant::now();
    let body = message(0);
    for i in 0..n {
        let name = format!(
            "{}.M{i}P1.bench,S={len},W={len}:2,{}",
            1_600_000_000 + i,
            if i % 3 == 0 { "" } else { "S" },
            len = body.len()
        );
        let mut f = fs::File::create(cur.join(name)).expect("file");
        f.write_all(&body).expect("write");
    }
    println!(
        "made {n} message files in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let (cold, count) = open_once(&root, None);
    assert_eq!(count, n);
    let index = fs::metadata(root.join("mail/alice/mailwire-index"))
        .expect("index")
        .len();
    println!(
        "open {n}-message mailbox, cold (index rebuilt from the files, stat per file): {:.0} ms (index: {:.1} MB)",
        cold.as_secs_f64() * 1e3,
        index as f64 / 1e6
    );
    let mut fresh: Vec<Duration> = (0..5).map(|_| open_once(&root, None).0).collect();
    let first = fresh[0];
    fresh.sort();
    println!(
        "open {n}-message mailbox, warm (index present, new store instance): first {:.0} ms, median of 5 {:.0} ms",
        first.as_secs_f64() * 1e3,
        fresh[2].as_secs_f64() * 1e3
    );
    let s = store(&root, true);
    let _ = open_once(&root, Some(&s));
    let mut cached: Vec<Duration> = (0..5).map(|_| open_once(&root, Some(&s)).0).collect();
    cached.sort();
    println!(
        "open {n}-message mailbox, warm (same store instance, cache hot): median of 5 {:.1} ms",
        cached[2].as_secs_f64() * 1e3
    );
    fs::remove_dir_all(root).expect("clean up");
}

fn main() {
    let base = std::env::var_os("MAILWIRE_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    let n_append = env_usize("MAILWIRE_BENCH_APPENDS", 10_000);
    let n_open = env_usize("MAILWIRE_BENCH_MESSAGES", 100_000);
    appends(&base, n_append, true);
    appends(&base, n_append, false);
    big_mailbox(&base, n_open);
}
