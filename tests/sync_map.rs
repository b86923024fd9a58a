//! `map`/`try_map` on the blocking guards: the mapped guard is the same hold
//! (the lock stays taken, its release wakes async waiters), across threads.

use std::pin::pin;
use std::sync::mpsc;
use std::task::Context;
use std::thread;
use std::time::Duration;

use lockladder::sync::{
    MappedMutexGuard, MappedRwLockWriteGuard, Mutex, MutexGuard, RwLock, RwLockReadGuard,
    RwLockWriteGuard,
};
use lockladder::{LockToken, lock_level};

mod hand_polling;
use hand_polling::channel_waker;

#[lock_level(20)]
#[derive(Debug, Default)]
struct Shards {
    counts: [u64; 4],
}

const THREADS: u64 = 4;
const ROUNDS: u64 = 2_000;
const WATCHDOG: Duration = Duration::from_secs(10);

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
fn mapped_guards_count_exactly_and_hold_the_lock_until_they_drop() {
    let shards = Mutex::new(Shards::default());
    thread::scope(|scope| {
        for thread in 0..THREADS {
            let shards = &shards;
            scope.spawn(move || {
                for _ in 0..ROUNDS {
                    let mut token = LockToken::new();
                    let (held, _) = shards.lock(&mut token);
                    let counts = MutexGuard::map(held, |shards| &mut shards.counts);
                    let mut mine =
                        MappedMutexGuard::map(counts, |counts| &mut counts[thread as usize]);
                    let before = *mine;
                    thread::yield_now(); // a lost update would show
                    *mine = before + 1;
                }
            });
        }
    });
    let mut token = LockToken::new();
    let (held, _) = shards.lock(&mut token);
    let missing = MutexGuard::try_map(held, |shards| shards.counts.get_mut(9));
    let held = missing.expect_err("no shard 9");
    assert!(held_elsewhere(&shards), "a failed try_map gives the guard back, held");
    let first = MutexGuard::map(held, |shards| &mut shards.counts[0]);
    assert!(held_elsewhere(&shards), "the mapped guard holds the lock");
    drop(first);
    assert!(!held_elsewhere(&shards), "released with the mapped guard");
    assert_eq!(shards.into_inner().counts, [ROUNDS; 4]);
}

#[test]
fn rwlock_guards_map_and_try_map() {
    let shards = RwLock::new(Shards::default());
    let mut token = LockToken::new();
    {
        let (held, _) = shards.write(&mut token);
        let counts = RwLockWriteGuard::map(held, |shards| &mut shards.counts);
        let mut last = MappedRwLockWriteGuard::try_map(counts, |counts| counts.last_mut())
            .unwrap_or_else(|_| unreachable!("four shards"));
        *last = 5;
    }
    let (held, _) = shards.read(&mut token);
    let last = RwLockReadGuard::map(held, |shards| &shards.counts[3]);
    assert_eq!(*last, 5);
}

#[test]
fn dropping_a_mapped_guard_wakes_an_async_waiter() {
    let shards = Mutex::new(Shards::default());
    let (waker, woken) = channel_waker(1);
    let mut cx = Context::from_waker(&waker);
    thread::scope(|scope| {
        let (mapped_tx, mapped) = mpsc::channel();
        let (release_tx, release) = mpsc::channel::<()>();
        let shards_ref = &shards;
        scope.spawn(move || {
            let mut token = LockToken::new();
            let (held, _) = shards_ref.lock(&mut token);
            let first = MutexGuard::map(held, |shards| &mut shards.counts[0]);
            mapped_tx.send(()).unwrap();
            release.recv().unwrap();
            drop(first);
        });
        mapped.recv().unwrap();
        let mut token = LockToken::new();
        let mut lock_all = pin!(token.lock_all((&shards,)));
        assert!(lock_all.as_mut().poll(&mut cx).is_pending());
        release_tx.send(()).unwrap();
        loop {
            woken.recv_timeout(WATCHDOG).expect("the mapped guard's release woke the task");
            if lock_all.as_mut().poll(&mut cx).is_ready() {
                break;
            }
        }
    });
}
