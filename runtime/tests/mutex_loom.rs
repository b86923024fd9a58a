//! loom model of the async `Mutex` (src/mutex/raw.rs): every interleaving, and
//! every weak-memory outcome loom knows, of 2-3 threads taking, handing on,
//! trying and giving up the lock.
//!
//! Run with
//! `RUSTFLAGS="--cfg lockladder_loom" CARGO_TARGET_DIR=target/loom cargo test -p lockladder-runtime --test mutex_loom --release`
//! (`.ci/run` sets `LOOM_MAX_PREEMPTIONS`). A lost wake-up shows as a
//! deadlock, which loom reports; a hold that does not see the previous one's
//! write loses a count.
#![cfg(lockladder_loom)]

mod loom_support;

use lockladder::{LockToken, Mutex, lock_level};
use loom::future::block_on;
use loom::sync::Arc;
use loom::thread;
use loom_support::{Count, poll_once};

#[lock_level(1)]
enum Shared {}

type Lock = Mutex<Count, Shared>;

/// A lock, taken and released once on this thread: the lock's loom objects
/// are made at first use, which must happen before the threads that share it
/// (see `src/shim/mod.rs`).
fn new_lock() -> Arc<Lock> {
    let lock = Arc::new(Mutex::with_level(Count::new()));
    drop(lock.try_lock(&mut LockToken::new()).expect("a new lock is free"));
    lock
}

/// Takes the lock, waiting in the queue if need be, and bumps the count.
fn bump(lock: &Lock) {
    let mut token = LockToken::new();
    let (count, _token) = block_on(lock.lock(&mut token));
    count.bump();
}

fn spawn_bump(lock: &Arc<Lock>) -> thread::JoinHandle<()> {
    let lock = lock.clone();
    thread::spawn(move || bump(&lock))
}

/// Three tasks take the lock: each hold sees the one before it (no count
/// lost) and each queued task is woken (no deadlock). Catches a release
/// without its fence: the releaser reads a stale empty queue and nobody
/// wakes the waiter that found the lock taken.
#[test]
fn holds_exclude_each_other_and_every_waiter_is_served() {
    loom::model(|| {
        let lock = new_lock();
        let others = [spawn_bump(&lock), spawn_bump(&lock)];
        bump(&lock);
        for other in others {
            other.join().unwrap();
        }
        assert_eq!(lock.try_lock(&mut LockToken::new()).unwrap().0.get(), 3);
    });
}

/// A queued task gives up, before or after the release woke it as the head:
/// the task queued behind it still gets the lock. Catches a cancelled head
/// that does not wake the next in line.
#[test]
fn a_waiter_that_gives_up_passes_its_turn_on() {
    loom::model(|| {
        let lock = new_lock();
        let mut token = LockToken::new();
        let held = lock.try_lock(&mut token).unwrap();

        let mut quitter_token = LockToken::new();
        let mut quitter = lock.lock(&mut quitter_token);
        assert!(poll_once(&mut quitter).is_pending(), "queued behind the hold");
        let next = spawn_bump(&lock);

        drop(held);
        drop(quitter);
        next.join().unwrap();
        assert_eq!(lock.try_lock(&mut LockToken::new()).unwrap().0.get(), 1);
    });
}

/// `try_lock` beside a task that is queueing: it either takes the free lock
/// before the task queued or refuses (never barges past the queue), and the
/// task is served either way.
#[test]
fn try_lock_beside_a_queued_task_never_strands_it() {
    loom::model(|| {
        let lock = new_lock();
        let mut token = LockToken::new();
        let held = lock.try_lock(&mut token).unwrap();
        let waiter = spawn_bump(&lock);
        drop(held);

        if let Ok((count, _token)) = lock.try_lock(&mut LockToken::new()) {
            count.bump();
        }
        waiter.join().unwrap();
    });
}

/// A guard narrowed with `map` keeps the lock held, and its release hands
/// the lock on as the whole guard's does.
#[test]
fn a_mapped_guard_hands_the_lock_on() {
    loom::model(|| {
        let lock = new_lock();
        let mut token = LockToken::new();
        let (held, _token) = lock.try_lock(&mut token).unwrap();
        let waiter = spawn_bump(&lock);
        let part = lockladder::MutexGuard::map(held, |count| count);
        part.bump();
        drop(part);
        waiter.join().unwrap();
        assert_eq!(lock.try_lock(&mut LockToken::new()).unwrap().0.get(), 2);
    });
}
