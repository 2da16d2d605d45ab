//! The conformance suite against the memory store, on the suite's own threads and in one task.

use mailwire_mailbox::conformance::{Options, Setup, run_all};
use mailwire_mailbox::memory::MemoryStore;

async fn new_store(setup: Setup) -> MemoryStore {
    let store = MemoryStore::new();
    for user in &setup.users {
        store
            .add_user(user.name, user.password, user.quota)
            .expect("add user");
    }
    store
}

#[test]
fn memory_store_conforms_on_threads() {
    futures::executor::block_on(run_all(Options::default(), new_store));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_store_conforms_in_one_tokio_task() {
    run_all(Options::single_task(), new_store).await;
}
