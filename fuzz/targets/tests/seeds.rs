//! Runs every seed (`fuzz/corpus/<target>/seed-*`) and every saved regression
//! (`fuzz/regressions/<target>/*`) through its target, so that `cargo test` on stable exercises
//! the fuzz targets without libFuzzer.

use std::fs;
use std::panic;
use std::path::{Path, PathBuf};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn files(dir: &Path, seeds_only: bool) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("readable directory").path())
        .filter(|p| p.is_file())
        .filter(|p| {
            !seeds_only
                || p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("seed-"))
        })
        .collect();
    files.sort();
    files
}

/// Stack for running one target. libFuzzer runs the (optimized) targets on the main thread, with
/// the process stack (8 MiB by default); this debug build needs several times more stack per
/// nesting level than an optimized one (an IMAP `message/rfc822` body structure nested to
/// `MAX_DEPTH_LIMIT` = 512 levels takes about 7.2 MiB to decode unoptimized, 0.5 MiB optimized),
/// more than the 2 MiB of a test thread.
const STACK: usize = 16 * 1024 * 1024;

fn run(name: &str) {
    std::thread::Builder::new()
        .name(name.to_string())
        .stack_size(STACK)
        .spawn({
            let name = name.to_string();
            move || run_on_this_thread(&name)
        })
        .expect("spawn")
        .join()
        .unwrap_or_else(|e| panic::resume_unwind(e));
}

fn run_on_this_thread(name: &str) {
    let (_, target) = mailwire_fuzz_targets::TARGETS
        .iter()
        .find(|(n, _)| *n == name)
        .expect("known target");
    let seeds = files(&fuzz_dir().join("corpus").join(name), true);
    assert!(!seeds.is_empty(), "no seeds in fuzz/corpus/{name}/");
    let regressions = files(&fuzz_dir().join("regressions").join(name), false);
    let mut failed = Vec::new();
    for path in seeds.iter().chain(&regressions) {
        let data = fs::read(path).expect("readable file");
        if panic::catch_unwind(|| target(&data)).is_err() {
            failed.push(path.display().to_string());
        }
    }
    assert!(failed.is_empty(), "{name} failed on: {failed:#?}");
    eprintln!(
        "{name}: {} seeds, {} regressions",
        seeds.len(),
        regressions.len()
    );
}

#[test]
fn pop3_command() {
    run("pop3_command");
}

#[test]
fn pop3_response() {
    run("pop3_response");
}

#[test]
fn pop3_body() {
    run("pop3_body");
}

#[test]
fn line_framer() {
    run("line_framer");
}

#[test]
fn pop3_server() {
    run("pop3_server");
}

#[test]
fn pop3_client() {
    run("pop3_client");
}

#[test]
fn pop3_pair() {
    run("pop3_pair");
}

#[test]
fn pop3_values() {
    run("pop3_values");
}

#[test]
fn imap_command() {
    run("imap_command");
}

#[test]
fn imap_response() {
    run("imap_response");
}

#[test]
fn imap_frame() {
    run("imap_frame");
}

#[test]
fn imap_server() {
    run("imap_server");
}

#[test]
fn imap_client() {
    run("imap_client");
}

#[test]
fn imap_pair() {
    run("imap_pair");
}

#[test]
fn every_target_has_a_test() {
    assert_eq!(mailwire_fuzz_targets::TARGETS.len(), 14);
}
