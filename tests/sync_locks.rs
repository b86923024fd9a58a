//! The blocking `lockladder::sync` locks across threads.

use std::sync::{Arc, Barrier, mpsc};
use std::thread;

use lockladder::{LockToken, lock_level, sync};

#[lock_level(10)]
#[derive(Debug, Default)]
struct Registry {
    accounts: Vec<u64>,
}

#[lock_level(20)]
#[derive(Debug, Default)]
struct Counter {
    value: u64,
}

const THREADS: usize = 8;
const ROUNDS: u64 = 5_000;

#[test]
fn sync_mutex_counts_exactly_across_threads() {
    let registry = Arc::new(sync::RwLock::new(Registry { accounts: vec![1] }));
    let counter = Arc::new(sync::Mutex::new(Counter::default()));
    let start = Arc::new(Barrier::new(THREADS));
    let threads: Vec<_> = (0..THREADS)
        .map(|_| {
            let (registry, counter, start) = (registry.clone(), counter.clone(), start.clone());
            thread::spawn(move || {
                start.wait();
                for _ in 0..ROUNDS {
                    let mut token = LockToken::new();
                    let (registry, mut token) = registry.read(&mut token);
                    let (mut counter, _token) = counter.lock(&mut token);
                    // Read-modify-write with a yield in between: a lost update
                    // would show if the lock did not exclude.
                    let before = counter.value;
                    thread::yield_now();
                    counter.value = before + registry.accounts[0];
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    assert_eq!(counter.lock(&mut LockToken::new()).0.value, THREADS as u64 * ROUNDS);
}

#[test]
fn sync_mutex_is_not_poisoned_by_a_panic() {
    let counter = Arc::new(sync::Mutex::new(Counter::default()));
    let panicked = thread::spawn({
        let counter = counter.clone();
        move || {
            let mut token = LockToken::new();
            let (mut counter, _token) = counter.lock(&mut token);
            counter.value = 41;
            panic!("while holding the lock");
        }
    })
    .join();
    assert!(panicked.is_err());
    let mut token = LockToken::new();
    let (mut counter, _token) = counter.try_lock(&mut token).expect("released by the panic");
    counter.value += 1;
    assert_eq!(counter.value, 42, "the data is as the panicking thread left it");
}

#[test]
fn sync_try_lock_fails_while_another_thread_holds_it() {
    let counter = Arc::new(sync::Mutex::new(Counter::default()));
    let (held_tx, held_rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let holder = thread::spawn({
        let counter = counter.clone();
        move || {
            let mut token = LockToken::new();
            let (_held, _token) = counter.lock(&mut token);
            held_tx.send(()).unwrap();
            release_rx.recv().unwrap();
        }
    });
    held_rx.recv().unwrap();
    let mut token = LockToken::new();
    let error = counter.try_lock(&mut token).unwrap_err();
    assert_eq!(
        error.to_string(),
        "`Counter` (lock level 20) is held elsewhere; `try_lock` does not wait for it"
    );
    assert_eq!(format!("{counter:?}"), "sync::Mutex { level: Counter (20), data: <locked> }");
    release_tx.send(()).unwrap();
    holder.join().unwrap();
    assert!(counter.try_lock(&mut token).is_ok());
}

#[test]
fn sync_rwlock_shares_readers_and_excludes_writers() {
    let registry = sync::RwLock::new(Registry::default());
    let mut reader = LockToken::new();
    let (shared, _reader) = registry.try_read(&mut reader).unwrap();
    // Other threads: other tasks, each with its own root token.
    thread::scope(|scope| {
        scope.spawn(|| assert!(registry.try_read(&mut LockToken::new()).is_ok()));
        scope.spawn(|| {
            assert_eq!(
                registry.try_write(&mut LockToken::new()).unwrap_err().to_string(),
                "`Registry` (lock level 10) is held elsewhere; `try_write` does not wait for it"
            );
        });
    });
    drop(shared);
    let (mut registry_guard, _writer) = registry.write(&mut reader);
    registry_guard.accounts.push(5);
    drop(registry_guard);
    assert_eq!(
        format!("{registry:?}"),
        "sync::RwLock { level: Registry (10), data: Registry { accounts: [5] } }"
    );
}

#[test]
fn sync_locks_give_up_their_data_without_locking() {
    let mut counter: sync::Mutex<Counter> = sync::Mutex::default();
    counter.get_mut().value = 3;
    assert_eq!(counter.into_inner().value, 3);
    let mut registry: sync::RwLock<Registry> = sync::RwLock::default();
    registry.get_mut().accounts.push(9);
    assert_eq!(registry.into_inner().accounts, [9]);
}
