//! Helpers shared by the `mailwire decode` integration tests: run the binary, temporary files,
//! and the parts of its JSON Lines output.
#![allow(dead_code)] // Each test crate uses its own subset.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

/// What a run of the binary produced.
pub(crate) struct Run {
    pub(crate) code: i32,
    pub(crate) stdout: Vec<u8>,
    pub(crate) stderr: String,
}

impl Run {
    /// Stdout as JSON Lines.
    pub(crate) fn objects(&self) -> Vec<Value> {
        std::str::from_utf8(&self.stdout)
            .expect("stdout is UTF-8")
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l:?}")))
            .collect()
    }

    /// Stderr as JSON Lines.
    pub(crate) fn error_objects(&self) -> Vec<Value> {
        self.stderr
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l:?}")))
            .collect()
    }
}

/// Runs `mailwire` with `args`, `stdin` piped in.
pub(crate) fn mailwire(args: &[&str], stdin: &[u8]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mailwire"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run mailwire");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin)
        .expect("write stdin");
    let out = child.wait_with_output().expect("wait for mailwire");
    Run {
        code: out.status.code().expect("exit code"),
        stdout: out.stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A temporary file removed on drop.
pub(crate) struct TempFile(PathBuf);

impl TempFile {
    /// Writes `contents` to a fresh file.
    pub(crate) fn new(contents: &[u8]) -> TempFile {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "mailwire-decode-test-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let path = std::env::temp_dir().join(name);
        std::fs::write(&path, contents).expect("write temp file");
        TempFile(path)
    }

    /// The path, as a string argument.
    pub(crate) fn path(&self) -> &str {
        self.0.to_str().expect("UTF-8 temp path")
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The `offset` of every object.
pub(crate) fn offsets(objects: &[Value]) -> Vec<u64> {
    objects
        .iter()
        .map(|o| o["offset"].as_u64().unwrap())
        .collect()
}

/// The `message` of every object; panics on an error object.
pub(crate) fn messages(objects: &[Value]) -> Vec<Value> {
    objects
        .iter()
        .map(|o| {
            assert!(o.get("error").is_none(), "unexpected error: {o}");
            o["message"].clone()
        })
        .collect()
}
