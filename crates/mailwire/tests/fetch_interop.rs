//! `mailwire fetch` against a real server (Dovecot or `mailwire serve`), described by the file in
//! `MAILWIRE_CLIENT_TARGET` (see `tests/interop/clients.sh`; the keys are those of
//! `crates/mailwire-tokio/tests/client_interop.rs`). Without the variable each test prints a
//! note and returns.
//!
//! Both protocols, twice in a row: the second run gets only the mail that arrived in between.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use mailwire_core::Secret;
use mailwire_tokio::client::{ImapClient, Security, TlsSettings, ca_file_config};

const BIN: &str = env!("CARGO_BIN_EXE_mailwire");

fn target(test: &str) -> Option<HashMap<String, String>> {
    let Some(path) = std::env::var_os("MAILWIRE_CLIENT_TARGET") else {
        println!(
            "{test}: skipped, MAILWIRE_CLIENT_TARGET is not set (tests/interop/clients.sh sets it)"
        );
        return None;
    };
    let text = std::fs::read_to_string(&path).unwrap();
    let keys: HashMap<String, String> = text
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    println!("{test}: against {}", keys["name"]);
    Some(keys)
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

fn message(tag: &str, i: usize) -> Vec<u8> {
    format!(
        "Subject: {tag} {i}\r\nMessage-ID: <{tag}.{i}@fetch.test>\r\n\r\n.dot\r\n{}\r\n",
        "w".repeat(i * 1000)
    )
    .into_bytes()
}

/// Delivers into the user's Maildir as an MDA does.
fn deliver(t: &HashMap<String, String>, m: &[u8]) {
    use std::os::unix::fs::MetadataExt;
    let root = Path::new(&t["maildir"]);
    let name = unique("fetch-interop");
    let tmp = root.join("tmp").join(&name);
    std::fs::write(&tmp, m).unwrap();
    let meta = std::fs::metadata(root).unwrap();
    std::os::unix::fs::chown(&tmp, Some(meta.uid()), Some(meta.gid())).unwrap();
    std::fs::rename(&tmp, root.join("new").join(&name)).unwrap();
}

fn fetch(t: &HashMap<String, String>, protocol: &str, out: &Path, extra: &[&str]) -> String {
    let (port, tls) = match protocol {
        "pop3" => (&t["pop3s"], "implicit"),
        _ => (&t["imap"], "starttls"),
    };
    let mut child = Command::new(BIN)
        .arg("fetch")
        .args([
            "--protocol",
            protocol,
            "--host",
            &t["tls_name"],
            "--port",
            port,
        ])
        .args(["--tls", tls, "--user", &t["user"], "--ca", &t["ca"]])
        .arg("--maildir")
        .arg(out)
        .args(["--password-stdin", "--quiet"])
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{}", t["password"]).unwrap();
    let Output {
        status,
        stdout,
        stderr,
    } = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&stdout).into_owned();
    assert!(
        status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&stderr)
    );
    stdout
}

fn files(dir: &Path) -> Vec<Vec<u8>> {
    let mut v: Vec<Vec<u8>> = ["new", "cur"]
        .iter()
        .filter_map(|s| std::fs::read_dir(dir.join(s)).ok())
        .flatten()
        .map(|e| std::fs::read(e.unwrap().path()).unwrap())
        .collect();
    v.sort();
    v
}

fn out_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(unique(name));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn pop3_fetch_twice_gets_only_new_mail() {
    let Some(t) = target("pop3_fetch_twice_gets_only_new_mail") else {
        return;
    };
    if !t.contains_key("pop3s") {
        println!("skipped: {} offers no POP3", t["name"]);
        return;
    }
    let out = out_dir("pop3-fetch");
    // Start from an empty maildrop: fetch and delete whatever is there.
    let scratch = out_dir("pop3-scratch");
    fetch(&t, "pop3", &scratch, &["--delete"]);
    let tag = unique("pf");
    let first: Vec<Vec<u8>> = (1..=3).map(|i| message(&tag, i)).collect();
    for m in &first {
        deliver(&t, m);
    }
    let s = fetch(&t, "pop3", &out, &[]);
    assert!(s.contains("fetched 3 message(s)"), "{s}");
    let second: Vec<Vec<u8>> = (4..=5).map(|i| message(&tag, i)).collect();
    for m in &second {
        deliver(&t, m);
    }
    let s = fetch(&t, "pop3", &out, &[]);
    assert!(s.contains("fetched 2 message(s)"), "{s}");
    assert!(s.contains("3 already here"), "{s}");
    let mut all: Vec<Vec<u8>> = first.into_iter().chain(second).collect();
    all.sort();
    assert_eq!(files(&out), all);
    let s = fetch(&t, "pop3", &out, &["--delete"]);
    assert!(
        s.contains("fetched 0 message(s)") && s.contains("5 deleted"),
        "{s}"
    );
    std::fs::remove_dir_all(&out).unwrap();
    std::fs::remove_dir_all(&scratch).unwrap();
}

#[tokio::test]
async fn imap_fetch_twice_gets_only_new_mail() {
    let Some(t) = target("imap_fetch_twice_gets_only_new_mail") else {
        return;
    };
    if !t.contains_key("imap") {
        println!("skipped: {} offers no IMAP", t["name"]);
        return;
    }
    let tls =
        TlsSettings::new(ca_file_config(Path::new(&t["ca"])).unwrap(), &t["tls_name"]).unwrap();
    let mut c = ImapClient::connect(
        &t["host"],
        t["imap"].parse().unwrap(),
        Security::StartTls,
        Some(tls),
    )
    .await
    .unwrap();
    c.login(&t["user"], &Secret::new(t["password"].clone()))
        .await
        .unwrap();
    let folder = unique("mw-fetch");
    c.create(&folder).await.unwrap();
    let tag = unique("if");
    let first: Vec<Vec<u8>> = (1..=3).map(|i| message(&tag, i)).collect();
    for m in &first {
        c.append(&folder, None, None, m).await.unwrap();
    }
    let out = out_dir("imap-fetch");
    let s = fetch(&t, "imap", &out, &["--folder", &folder]);
    assert!(s.contains("fetched 3 message(s)"), "{s}");
    let second: Vec<Vec<u8>> = (4..=5).map(|i| message(&tag, i)).collect();
    for m in &second {
        c.append(&folder, None, None, m).await.unwrap();
    }
    let s = fetch(&t, "imap", &out, &["--folder", &folder]);
    assert!(s.contains("fetched 2 message(s)"), "{s}");
    assert!(s.contains("3 already here"), "{s}");
    let mut all: Vec<Vec<u8>> = first.into_iter().chain(second).collect();
    all.sort();
    let local = out.join(format!(".{folder}"));
    assert_eq!(files(&local), all);
    let s = fetch(&t, "imap", &out, &["--folder", &folder, "--delete"]);
    assert!(
        s.contains("fetched 0 message(s)") && s.contains("5 deleted"),
        "{s}"
    );
    let status = c
        .status(&folder, &[mailwire_imap::types::StatusAttribute::Messages])
        .await
        .unwrap();
    assert_eq!(status, vec![mailwire_imap::types::StatusValue::Messages(0)]);
    c.delete(&folder).await.unwrap();
    c.logout().await.unwrap();
    std::fs::remove_dir_all(&out).unwrap();
}
