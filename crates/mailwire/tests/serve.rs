//! `mailwire serve` as a process: first run, users, and SIGKILL in the middle of POP3 sessions
//! (nothing may be deleted or lost).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_mailwire");

struct Server {
    child: Child,
    pop3: String,
    stdout: BufReader<std::process::ChildStdout>,
    first_run_line: Option<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(data: &Path, extra: &[&str]) -> Server {
    let mut child = Command::new(BIN)
        .arg("serve")
        .arg("--data-dir")
        .arg(data)
        .args([
            "--pop3-port",
            "0",
            "--pop3s-port",
            "0",
            "--imap-port",
            "off",
            "--imaps-port",
            "off",
        ])
        .args(["--failed-login-delay", "0"])
        .args(extra)
        .env("MAILWIRE_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut pop3 = String::new();
    let mut first_run_line = None;
    loop {
        let mut line = String::new();
        assert!(
            stdout.read_line(&mut line).unwrap() > 0,
            "server exited before ready"
        );
        let line = line.trim_end().to_string();
        if let Some(addr) = line.strip_prefix("listening pop3 ") {
            pop3 = addr.to_string();
        } else if line.starts_with("first run") {
            first_run_line = Some(line);
        } else if line == "ready" {
            break;
        }
    }
    Server {
        child,
        pop3,
        stdout,
        first_run_line,
    }
}

struct Pop3 {
    r: BufReader<TcpStream>,
    w: TcpStream,
}

impl Pop3 {
    fn connect(addr: &str) -> Pop3 {
        let s = TcpStream::connect(addr).unwrap();
        let mut p = Pop3 {
            r: BufReader::new(s.try_clone().unwrap()),
            w: s,
        };
        assert!(p.line().starts_with("+OK"));
        p
    }
    fn line(&mut self) -> String {
        let mut l = String::new();
        self.r.read_line(&mut l).unwrap();
        l
    }
    fn cmd(&mut self, c: &str) -> String {
        self.w.write_all(format!("{c}\r\n").as_bytes()).unwrap();
        self.line()
    }
    fn multi(&mut self, c: &str) -> Vec<String> {
        let first = self.cmd(c);
        assert!(first.starts_with("+OK"), "{c}: {first}");
        let mut out = Vec::new();
        loop {
            let l = self.line();
            if l == ".\r\n" {
                return out;
            }
            out.push(l);
        }
    }
    fn login(&mut self, user: &str, pass: &str) {
        assert!(self.cmd(&format!("USER {user}")).starts_with("+OK"));
        let r = self.cmd(&format!("PASS {pass}"));
        assert!(r.starts_with("+OK"), "{r}");
    }
}

fn add_user(data: &Path, name: &str) {
    let mut child = Command::new(BIN)
        .args(["user", "add", name, "--password-stdin", "--data-dir"])
        .arg(data)
        .stdin(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"secret\n").unwrap();
    assert!(child.wait().unwrap().success());
}

fn deliver(data: &Path, user: &str, n: usize) {
    // As a delivery agent would: tmp/, then rename into new/.
    let root = data.join("mail").join(user);
    for sub in ["tmp", "new", "cur"] {
        std::fs::create_dir_all(root.join(sub)).unwrap();
    }
    for i in 0..n {
        let name = format!("100000{i}.M{i}P1.test");
        std::fs::write(
            root.join("tmp").join(&name),
            format!("Subject: {i}\n\nbody {i}\n"),
        )
        .unwrap();
        std::fs::rename(root.join("tmp").join(&name), root.join("new").join(&name)).unwrap();
    }
}

fn tempdir(tag: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("mailwire-serve-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

#[test]
fn first_run_creates_a_demo_account_with_mail() {
    let data = tempdir("first");
    let server = serve(&data, &[]);
    assert!(
        server
            .first_run_line
            .as_deref()
            .unwrap_or("")
            .contains("demo/demo")
    );
    assert!(data.join("users").exists() && data.join("tls/cert.pem").exists());
    let mut p = Pop3::connect(&server.pop3);
    p.login("demo", "demo");
    let list = p.multi("LIST");
    assert_eq!(list.len(), 3);
    let msg = p.multi("RETR 1");
    assert!(
        msg.iter()
            .any(|l| l.starts_with("Subject: Welcome to mailwire"))
    );
    p.cmd("QUIT");
    drop(server);
    // A second start keeps the data and does not add the demo again.
    let server = serve(&data, &[]);
    assert!(server.first_run_line.is_none());
    let mut p = Pop3::connect(&server.pop3);
    p.login("demo", "demo");
    assert_eq!(p.multi("UIDL").len(), 3);
    let _ = std::fs::remove_dir_all(&data);
}

#[test]
fn sigkill_during_sessions_loses_and_deletes_nothing() {
    let data = tempdir("kill");
    add_user(&data, "alice");
    deliver(&data, "alice", 20);
    let mut expected_uidl: Option<Vec<String>> = None;
    for round in 0..5 {
        let mut server = serve(&data, &["--no-demo", "--pop3-no-lock"]);
        let mut p = Pop3::connect(&server.pop3);
        p.login("alice", "secret");
        let uidl = p.multi("UIDL");
        assert_eq!(
            uidl.len(),
            20,
            "round {round}: every message is still there"
        );
        match &expected_uidl {
            None => expected_uidl = Some(uidl),
            Some(e) => assert_eq!(&uidl, e, "round {round}: unique-ids are stable"),
        }
        // Read some, mark everything deleted, then the server dies before QUIT: right after
        // the DELEs, or while it is sending a message.
        let _ = p.multi("TOP 1 0");
        for i in 1..=20 {
            assert!(p.cmd(&format!("DELE {i}")).starts_with("+OK"));
        }
        if round % 2 == 1 {
            assert!(p.cmd("RSET").starts_with("+OK"));
            assert!(p.cmd("DELE 3").starts_with("+OK"));
            p.w.write_all(b"RETR 2\r\n").unwrap();
        }
        server.child.kill().unwrap();
        server.child.wait().unwrap();
        // The client sees the connection end.
        let mut rest = Vec::new();
        let _ = p.r.read_to_end(&mut rest);
        let _ = &server.stdout;
    }
    let server = serve(&data, &["--no-demo"]);
    let mut p = Pop3::connect(&server.pop3);
    p.login("alice", "secret");
    assert_eq!(p.multi("LIST").len(), 20);
    // Deleting with QUIT still works after all that.
    assert!(p.cmd("DELE 1").starts_with("+OK"));
    assert!(p.cmd("QUIT").starts_with("+OK"));
    let mut p = Pop3::connect(&server.pop3);
    p.login("alice", "secret");
    assert_eq!(p.multi("LIST").len(), 19);
    let _ = std::fs::remove_dir_all(&data);
}
