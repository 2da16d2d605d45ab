//! The conformance suite against the Maildir store: inline I/O on the suite's threads, and I/O
//! moved to tokio's blocking pool.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use mailwire_core::Secret;
use mailwire_mailbox::conformance::{Options, Setup, run_all};
use mailwire_mailbox::maildir::{MaildirOptions, MaildirStore, Spawner};
use mailwire_mailbox::users::{PasswordParams, UsersFile};

fn fresh_dir(tag: &str) -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "mailwire-conf-{tag}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn store_in(dir: PathBuf, setup: &Setup, options: MaildirOptions) -> MaildirStore {
    let users = UsersFile::new(dir.join("users")).with_params(PasswordParams::INSECURE_FOR_TESTS);
    for u in &setup.users {
        users
            .add_user(u.name, Secret::new(u.password), u.quota)
            .unwrap();
    }
    MaildirStore::new(dir.join("mail"), users, options)
}

#[test]
fn maildir_store_conforms() {
    let dirs = std::sync::Mutex::new(Vec::new());
    futures::executor::block_on(run_all(Options::default(), |setup| {
        let dir = fresh_dir("inline");
        dirs.lock().unwrap().push(dir.clone());
        async move { store_in(dir, &setup, MaildirOptions::default()) }
    }));
    for d in dirs.into_inner().unwrap() {
        std::fs::remove_dir_all(d).unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn maildir_store_conforms_with_a_blocking_pool() {
    let spawner: Spawner = std::sync::Arc::new(|job| {
        tokio::task::spawn_blocking(job);
    });
    let dirs = std::sync::Mutex::new(Vec::new());
    run_all(Options::single_task(), |setup| {
        let dir = fresh_dir("pool");
        dirs.lock().unwrap().push(dir.clone());
        let options = MaildirOptions::default().spawner(spawner.clone());
        async move { store_in(dir, &setup, options) }
    })
    .await;
    for d in dirs.into_inner().unwrap() {
        std::fs::remove_dir_all(d).unwrap();
    }
}
