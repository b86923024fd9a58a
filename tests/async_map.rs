//! `map`/`try_map` on the async `MutexGuard`: the mapped guard is the same hold
//! (the lock stays taken across `.await`, its release wakes the next waiter),
//! on a multi-thread runtime.

use std::pin::pin;
use std::sync::{Arc, mpsc};
use std::task::Context;
use std::thread;
use std::time::Duration;

use lockladder::{LockToken, MappedMutexGuard, Mutex, MutexGuard, lock_level};

mod hand_polling;
use hand_polling::channel_waker;

#[lock_level(20)]
#[derive(Debug, Default)]
struct Shards {
    counts: [u64; 4],
}

const TASKS: u64 = 4;
const ROUNDS: u64 = 2_000;
const WATCHDOG: Duration = Duration::from_secs(10);

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(4).enable_time().build().unwrap()
}

/// Whether another thread's token finds the lock taken (on this thread a
/// second root would be a `lockdep` order violation while the lock is held).
fn held_elsewhere(shards: &Mutex<Shards>) -> bool {
    thread::scope(|scope| {
        scope
            .spawn(|| {
                let mut token = LockToken::new();
                shards.try_lock(&mut token).is_err()
            })
            .join()
            .unwrap()
    })
}

#[test]
fn mapped_guards_count_exactly_and_hold_the_lock_across_await() {
    let shards = Arc::new(Mutex::new(Shards::default()));
    runtime().block_on(async {
        let tasks: Vec<_> = (0..TASKS)
            .map(|task| {
                let shards = shards.clone();
                tokio::spawn(async move {
                    for _ in 0..ROUNDS {
                        let mut token = LockToken::new();
                        let (held, _) = shards.lock(&mut token).await;
                        let counts = MutexGuard::map(held, |shards| &mut shards.counts);
                        let mut mine =
                            MappedMutexGuard::map(counts, |counts| &mut counts[task as usize]);
                        let before = *mine;
                        tokio::task::yield_now().await; // a lost update would show
                        *mine = before + 1;
                    }
                })
            })
            .collect();
        for task in tasks {
            tokio::time::timeout(WATCHDOG, task).await.expect("watchdog").unwrap();
        }
    });
    let mut token = LockToken::new();
    let (held, _) = shards.try_lock(&mut token).expect("free");
    let held =
        MutexGuard::try_map(held, |shards| shards.counts.get_mut(9)).expect_err("no shard 9");
    assert!(held_elsewhere(&shards), "a failed try_map gives the guard back, held");
    let counts = MutexGuard::map(held, |shards| &mut shards.counts);
    let counts =
        MappedMutexGuard::try_map(counts, |counts| counts.get_mut(9)).expect_err("no shard 9");
    assert!(held_elsewhere(&shards), "a failed try_map of a mapped guard keeps it held");
    let first = MappedMutexGuard::map(counts, |counts| &mut counts[0]);
    assert!(held_elsewhere(&shards), "the mapped guard holds the lock");
    drop(first);
    assert!(!held_elsewhere(&shards), "released with the mapped guard");
    drop(token);
    let shards = Arc::try_unwrap(shards).expect("tasks done");
    assert_eq!(shards.into_inner().counts, [ROUNDS; 4]);
}

#[test]
fn dropping_a_mapped_guard_wakes_the_next_waiter() {
    let shards = Mutex::new(Shards::default());
    let (waker, woken) = channel_waker(1);
    let mut cx = Context::from_waker(&waker);
    thread::scope(|scope| {
        let (mapped_tx, mapped) = mpsc::channel();
        let (release_tx, release) = mpsc::channel::<()>();
        let shards_ref = &shards;
        scope.spawn(move || {
            let mut token = LockToken::new();
            let (held, _) = shards_ref.try_lock(&mut token).expect("free");
            let counts = MutexGuard::map(held, |shards| &mut shards.counts);
            let mut first = MappedMutexGuard::map(counts, |counts| &mut counts[0]);
            *first += 1;
            mapped_tx.send(()).unwrap();
            release.recv().unwrap();
            drop(first);
        });
        mapped.recv().unwrap();
        let mut token = LockToken::new();
        let mut lock = pin!(shards.lock(&mut token));
        assert!(lock.as_mut().poll(&mut cx).is_pending(), "the mapped guard holds the lock");
        release_tx.send(()).unwrap();
        loop {
            woken.recv_timeout(WATCHDOG).expect("the mapped guard's release woke the waiter");
            if let std::task::Poll::Ready((guard, _)) = lock.as_mut().poll(&mut cx) {
                assert_eq!(guard.counts[0], 1);
                break;
            }
        }
    });
}

/// With `lockdep`, the mapped guard keeps the hold of the level: a second root
/// token on the same thread is caught taking the level again while the mapped
/// guard lives, and may once it drops.
#[cfg(feature = "lockdep")]
#[test]
fn a_mapped_guard_keeps_the_lockdep_hold() {
    let shards = Mutex::new(Shards::default());
    let mut token = LockToken::new();
    let (held, _) = shards.try_lock(&mut token).expect("free");
    let first = MutexGuard::map(held, |shards| &mut shards.counts[0]);
    let again = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut second_root = LockToken::new();
        drop(shards.try_lock(&mut second_root));
    }));
    let message = again.expect_err("the hold is still counted");
    let message = message.downcast_ref::<String>().expect("a formatted message");
    assert!(message.contains("lock order violation"), "{message}");
    drop(first);
    let mut second_root = LockToken::new();
    assert!(shards.try_lock(&mut second_root).is_ok(), "the hold ended with the mapped guard");
}
