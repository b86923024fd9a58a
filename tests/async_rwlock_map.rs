//! `map`/`try_map`/`downgrade_map` on the async `RwLock` guards: a mapped
//! guard is the same hold (the lock stays taken across `.await`, its release
//! wakes the waiting writer and readers), on a multi-thread runtime.

use std::pin::pin;
use std::sync::{Arc, mpsc};
use std::task::{Context, Poll};
use std::thread;
use std::time::Duration;

use lockladder::{
    LockToken, MappedRwLockReadGuard, MappedRwLockWriteGuard, RwLock, RwLockReadGuard,
    RwLockWriteGuard, lock_level,
};

mod hand_polling;
use hand_polling::channel_waker;

#[lock_level(10)]
#[derive(Debug, Default)]
struct Shards {
    counts: [u64; 4],
    total: u64,
}

const TASKS: u64 = 4;
const ROUNDS: u64 = 2_000;
const WATCHDOG: Duration = Duration::from_secs(10);

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(4).enable_time().build().unwrap()
}

/// What another thread's token finds: whether it can read, and whether it can
/// write (on this thread a second root would be a `lockdep` order violation
/// while the lock is held).
fn probe_elsewhere(shards: &RwLock<Shards>) -> (bool, bool) {
    thread::scope(|scope| {
        scope
            .spawn(|| {
                let mut token = LockToken::new();
                let can_read = shards.try_read(&mut token).is_ok();
                let can_write = shards.try_write(&mut token).is_ok();
                (can_read, can_write)
            })
            .join()
            .unwrap()
    })
}

#[test]
fn mapped_write_guards_count_exactly_and_hold_the_lock_across_await() {
    let shards = Arc::new(RwLock::new(Shards::default()));
    runtime().block_on(async {
        let tasks: Vec<_> = (0..TASKS)
            .map(|task| {
                let shards = shards.clone();
                tokio::spawn(async move {
                    for _ in 0..ROUNDS {
                        let mut token = LockToken::new();
                        let (writing, _) = shards.write(&mut token).await;
                        let counts = RwLockWriteGuard::map(writing, |shards| &mut shards.counts);
                        let mut mine = MappedRwLockWriteGuard::map(counts, |counts| {
                            &mut counts[task as usize]
                        });
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
    let shards = Arc::try_unwrap(shards).expect("tasks done");
    assert_eq!(shards.into_inner().counts, [ROUNDS; 4]);
}

#[test]
fn failed_try_maps_give_the_guards_back_held_and_mapped_guards_hold_until_dropped() {
    let shards = RwLock::new(Shards::default());
    let mut token = LockToken::new();

    let (writing, _) = shards.try_write(&mut token).expect("free");
    let writing = RwLockWriteGuard::try_map(writing, |shards| shards.counts.get_mut(9))
        .expect_err("no shard 9");
    assert_eq!(probe_elsewhere(&shards), (false, false), "the write guard came back, held");
    let counts = RwLockWriteGuard::map(writing, |shards| &mut shards.counts);
    let counts =
        MappedRwLockWriteGuard::try_map(counts, |counts| counts.get_mut(9)).expect_err("no 9");
    assert_eq!(probe_elsewhere(&shards), (false, false), "the mapped write guard, held");
    drop(counts);
    assert_eq!(probe_elsewhere(&shards), (true, true), "released with the mapped guard");

    let (reading, _) = shards.try_read(&mut token).expect("free");
    let reading =
        RwLockReadGuard::try_map(reading, |shards| shards.counts.get(9)).expect_err("no 9");
    assert_eq!(probe_elsewhere(&shards), (true, false), "the read guard came back, held");
    let counts = RwLockReadGuard::map(reading, |shards| &shards.counts);
    let counts = MappedRwLockReadGuard::try_map(counts, |counts| counts.get(9)).expect_err("9");
    let first = MappedRwLockReadGuard::map(counts, |counts| &counts[0]);
    assert_eq!(probe_elsewhere(&shards), (true, false), "the mapped read guard, held");
    drop(first);
    assert_eq!(probe_elsewhere(&shards), (true, true), "released with the mapped guard");
}

/// Holds a mapped write guard on another thread until told to drop it, while
/// `wait` (a future of this thread) is polled: it must be pending while the
/// mapped guard lives and be woken by its release.
fn wait_for_a_mapped_write_guard<F: Future>(shards: &RwLock<Shards>, wait: F) -> F::Output {
    let (waker, woken) = channel_waker(1);
    let mut cx = Context::from_waker(&waker);
    let mut wait = pin!(wait);
    thread::scope(|scope| {
        let (mapped_tx, mapped) = mpsc::channel();
        let (release_tx, release) = mpsc::channel::<()>();
        scope.spawn(move || {
            let mut token = LockToken::new();
            let (writing, _) = shards.try_write(&mut token).expect("free");
            let mut total = RwLockWriteGuard::map(writing, |shards| &mut shards.total);
            *total += 1;
            mapped_tx.send(()).unwrap();
            release.recv().unwrap();
            drop(total);
        });
        mapped.recv().unwrap();
        assert!(wait.as_mut().poll(&mut cx).is_pending(), "the mapped guard holds the lock");
        release_tx.send(()).unwrap();
        loop {
            woken.recv_timeout(WATCHDOG).expect("the mapped guard's release woke the waiter");
            if let Poll::Ready(output) = wait.as_mut().poll(&mut cx) {
                return output;
            }
        }
    })
}

#[test]
fn dropping_a_mapped_write_guard_wakes_a_queued_writer() {
    let shards = RwLock::new(Shards::default());
    let mut token = LockToken::new();
    let (writing, _) = wait_for_a_mapped_write_guard(&shards, shards.write(&mut token));
    assert_eq!(writing.total, 1);
}

#[test]
fn dropping_a_mapped_write_guard_wakes_a_parked_reader() {
    let shards = RwLock::new(Shards::default());
    let mut token = LockToken::new();
    let (reading, _) = wait_for_a_mapped_write_guard(&shards, shards.read(&mut token));
    assert_eq!(reading.total, 1);
}

/// Writers bump the total and downgrade-map to it; across an `.await` the
/// mapped read guard must still see its own write (no writer in between),
/// while readers on other threads share the lock. Exact count at the end.
#[test]
fn downgrade_map_keeps_writers_out_and_lets_readers_in() {
    let shards = Arc::new(RwLock::new(Shards::default()));
    runtime().block_on(async {
        let mut tasks = Vec::new();
        for _ in 0..TASKS {
            let writer = shards.clone();
            tasks.push(tokio::spawn(async move {
                for _ in 0..ROUNDS {
                    let mut token = LockToken::new();
                    let (mut writing, _) = writer.write(&mut token).await;
                    writing.total += 1;
                    let mine = writing.total;
                    let total = RwLockWriteGuard::downgrade_map(writing, |shards| &shards.total);
                    tokio::task::yield_now().await;
                    assert_eq!(*total, mine, "a writer got in after the downgrade");
                }
            }));
            let reader = shards.clone();
            tasks.push(tokio::spawn(async move {
                for _ in 0..ROUNDS {
                    let mut token = LockToken::new();
                    let (reading, _) = reader.read(&mut token).await;
                    let total = RwLockReadGuard::map(reading, |shards| &shards.total);
                    tokio::task::yield_now().await;
                    assert!(*total <= TASKS * ROUNDS);
                }
            }));
        }
        tokio::time::timeout(WATCHDOG * 3, async {
            for task in tasks {
                task.await.unwrap();
            }
        })
        .await
        .expect("no wake-up was lost");
    });
    let shards = Arc::try_unwrap(shards).expect("tasks done");
    assert_eq!(shards.into_inner().total, TASKS * ROUNDS);
}

// These drive several tasks' futures by hand on one thread; lockdep counts a
// thread as one task and would read that as one task taking the lock twice.
#[cfg(not(feature = "lockdep"))]
mod by_hand {
    use super::hand_polling::ready;
    use super::*;

    #[test]
    fn downgrade_map_lets_a_parked_reader_in_and_a_queued_writer_sees_the_write_after() {
        let shards = RwLock::new(Shards::default());
        let (waker, woken) = channel_waker(16);
        let mut token = LockToken::new();
        let (mut writing, _) = shards.try_write(&mut token).unwrap();

        let mut reader_token = LockToken::new();
        let mut reader = pin!(shards.read(&mut reader_token));
        assert!(ready(reader.as_mut(), &waker).is_none(), "write-held");
        writing.total = 7;
        let total = RwLockWriteGuard::downgrade_map(writing, |shards| &shards.total);
        woken.recv_timeout(WATCHDOG).expect("the downgrade woke the parked reader");
        let (other, _) = ready(reader.as_mut(), &waker).expect("readers share it now");
        assert_eq!((*total, other.total), (7, 7));
        drop(other);

        let mut writer_token = LockToken::new();
        let mut writer = pin!(shards.write(&mut writer_token));
        assert!(ready(writer.as_mut(), &waker).is_none(), "the mapped read guard holds it");
        while woken.try_recv().is_ok() {}
        drop(total);
        woken.recv_timeout(WATCHDOG).expect("the mapped read guard's release woke the writer");
        let (next, _) = ready(writer.as_mut(), &waker).expect("its turn");
        assert_eq!(next.total, 7);
    }

    #[test]
    fn a_failed_try_downgrade_map_comes_back_read_held() {
        let shards = RwLock::new(Shards::default());
        let (waker, _woken) = channel_waker(16);
        let mut token = LockToken::new();
        let (writing, _) = shards.try_write(&mut token).unwrap();
        let reading = RwLockWriteGuard::try_downgrade_map(writing, |shards| shards.counts.get(9))
            .expect_err("no shard 9");
        let mut reader_token = LockToken::new();
        let mut reader = pin!(shards.read(&mut reader_token));
        assert!(ready(reader.as_mut(), &waker).is_some(), "downgraded: readers share it");
        assert_eq!(reading.total, 0);
        let mut writer_token = LockToken::new();
        assert!(shards.try_write(&mut writer_token).is_err(), "still read-held");
    }
}

/// With `lockdep`, a mapped guard keeps the hold of the level: a second root
/// token on the same thread is caught taking the level again while the mapped
/// guard lives, and may once it drops.
#[cfg(feature = "lockdep")]
#[test]
fn mapped_guards_keep_the_lockdep_hold() {
    fn caught_taking_it_again(shards: &RwLock<Shards>) -> bool {
        let again = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut second_root = LockToken::new();
            drop(shards.try_read(&mut second_root));
        }));
        let Err(message) = again else { return false };
        let message = message.downcast_ref::<String>().expect("a formatted message");
        assert!(message.contains("lock order violation"), "{message}");
        true
    }

    let shards = RwLock::new(Shards::default());
    let mut token = LockToken::new();
    let (writing, _) = shards.try_write(&mut token).expect("free");
    let total = RwLockWriteGuard::map(writing, |shards| &mut shards.total);
    assert!(caught_taking_it_again(&shards), "the mapped write guard keeps the hold");
    drop(total);
    assert!(!caught_taking_it_again(&shards), "the hold ended with the mapped write guard");

    let (writing, _) = shards.try_write(&mut token).expect("free");
    let total = RwLockWriteGuard::downgrade_map(writing, |shards| &shards.total);
    assert!(caught_taking_it_again(&shards), "the downgrade-mapped guard keeps the hold");
    drop(total);

    let (reading, _) = shards.try_read(&mut token).expect("free");
    let total = RwLockReadGuard::map(reading, |shards| &shards.total);
    assert!(caught_taking_it_again(&shards), "the mapped read guard keeps the hold");
    drop(total);
    assert!(!caught_taking_it_again(&shards), "the hold ended with the mapped read guard");
}
