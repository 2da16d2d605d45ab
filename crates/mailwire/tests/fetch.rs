//! `mailwire fetch` against `mailwire serve` (POP3, STLS with the server's own certificate as the
//! `--ca`): two runs in a row get only the new mail the second time; `--delete` empties the
//! maildrop only of what was stored; the password never shows in the process's output.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_mailwire");

struct Server {
    child: Child,
    pop3: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(data: &Path) -> Server {
    let mut child = Command::new(BIN)
        .arg("serve")
        .arg("--data-dir")
        .arg(data)
        .args([
            "--bind",
            "127.0.0.1",
            "--pop3-port",
            "0",
            "--pop3s-port",
            "off",
        ])
        .args(["--imap-port", "off", "--imaps-port", "off", "--no-demo"])
        .env("MAILWIRE_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut pop3 = 0;
    loop {
        let mut line = String::new();
        assert!(stdout.read_line(&mut line).unwrap() > 0, "server exited");
        let line = line.trim_end();
        if let Some(addr) = line.strip_prefix("listening pop3 ") {
            pop3 = addr.rsplit(':').next().unwrap().parse().unwrap();
        } else if line == "ready" {
            break;
        }
    }
    Server { child, pop3 }
}

fn add_user(data: &Path, name: &str, password: &str) {
    let mut child = Command::new(BIN)
        .args(["user", "add", name, "--password-stdin", "--data-dir"])
        .arg(data)
        .stdin(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
    assert!(child.wait().unwrap().success());
}

/// Delivers messages as an MDA does (tmp/, then new/) and returns their contents.
fn deliver(data: &Path, user: &str, from: usize, n: usize) -> Vec<Vec<u8>> {
    let root = data.join("mail").join(user);
    for sub in ["tmp", "new", "cur"] {
        std::fs::create_dir_all(root.join(sub)).unwrap();
    }
    (from..from + n)
        .map(|i| {
            let body = format!(
                "Subject: message {i}\r\nMessage-ID: <{i}@fetch.test>\r\n\r\n.dotted line\r\nbody {i} {}\r\n",
                "z".repeat(i * 100)
            )
            .into_bytes();
            let name = format!("170000{i:04}.M{i}P1.test");
            std::fs::write(root.join("tmp").join(&name), &body).unwrap();
            std::fs::rename(root.join("tmp").join(&name), root.join("new").join(&name)).unwrap();
            body
        })
        .collect()
}

fn fetch(server: &Server, data: &Path, out: &Path, extra: &[&str], password: &str) -> Output {
    let mut child = Command::new(BIN)
        .arg("fetch")
        .args([
            "--protocol",
            "pop3",
            "--host",
            "localhost",
            "--tls",
            "starttls",
        ])
        .args(["--port", &server.pop3.to_string(), "--user", "alice"])
        .arg("--ca")
        .arg(data.join("tls").join("cert.pem"))
        .arg("--maildir")
        .arg(out)
        .args(["--password-stdin", "--quiet"])
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
    child.wait_with_output().unwrap()
}

/// The messages in the local Maildir's new/ and cur/.
fn local(out: &Path) -> Vec<Vec<u8>> {
    let mut v: Vec<Vec<u8>> = ["new", "cur"]
        .iter()
        .flat_map(|sub| std::fs::read_dir(out.join(sub)).unwrap())
        .map(|e| std::fs::read(e.unwrap().path()).unwrap())
        .collect();
    v.sort();
    v
}

fn tempdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("mw-fetch-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn second_run_fetches_only_new_mail_and_delete_empties_the_maildrop() {
    let dir = tempdir("serve");
    let (data, out) = (dir.join("data"), dir.join("out"));
    add_user(&data, "alice", "s3cret-pass");
    let mut expected = deliver(&data, "alice", 1, 3);
    let server = serve(&data);

    let first = fetch(&server, &data, &out, &[], "s3cret-pass");
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(first.status.success(), "{first:?}");
    assert!(stdout.contains("fetched 3 message(s)"), "{stdout}");
    let mut want = expected.clone();
    want.sort();
    assert_eq!(local(&out), want);
    assert!(out.join(".mailwire-fetch.json").exists());

    // Logged in with SCRAM-SHA-256 this time: `user add` kept a verifier (RFC 7677).
    let again = fetch(
        &server,
        &data,
        &out,
        &["--auth", "scram-sha-256"],
        "s3cret-pass",
    );
    assert!(again.status.success(), "{again:?}");
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert!(stdout.contains("fetched 0 message(s)"), "{stdout}");
    assert!(stdout.contains("3 already here"), "{stdout}");

    expected.extend(deliver(&data, "alice", 4, 2));
    let third = fetch(&server, &data, &out, &["--delete"], "s3cret-pass");
    let stdout = String::from_utf8_lossy(&third.stdout);
    assert!(third.status.success(), "{third:?}");
    assert!(stdout.contains("fetched 2 message(s)"), "{stdout}");
    assert!(stdout.contains("5 deleted on the server"), "{stdout}");
    let mut want = expected.clone();
    want.sort();
    assert_eq!(local(&out), want, "nothing fetched twice, nothing lost");

    let empty = fetch(&server, &data, &out, &[], "s3cret-pass");
    let stdout = String::from_utf8_lossy(&empty.stdout);
    assert!(
        stdout.contains("fetched 0 message(s)") && stdout.contains("0 already here"),
        "the maildrop is empty after --delete: {stdout}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_wrong_password_fails_without_showing_it() {
    let dir = tempdir("badpass");
    let (data, out) = (dir.join("data"), dir.join("out"));
    add_user(&data, "alice", "right-one");
    deliver(&data, "alice", 1, 1);
    let server = serve(&data);
    for auth in [&[][..], &["--auth", "scram-sha-256"]] {
        let r = fetch(&server, &data, &out, auth, "Wr0ng-Passw0rd");
        assert!(!r.status.success());
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&r.stdout),
            String::from_utf8_lossy(&r.stderr)
        );
        assert!(all.contains("login"), "{auth:?}: {all}");
        assert!(!all.contains("Wr0ng"), "{auth:?}: {all}");
        assert!(local(&out).is_empty());
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn no_password_is_a_usage_error() {
    let out = Command::new(BIN)
        .args(["fetch", "--protocol", "imap", "--host", "localhost"])
        .args(["--user", "u", "--maildir", "/nonexistent/never-created"])
        .env_remove("MAILWIRE_PASSWORD")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no password"),
        "{out:?}"
    );
}
