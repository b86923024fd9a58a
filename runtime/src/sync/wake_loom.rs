//! loom model of [`Wake`](super::Wake) and [`Waiter`](super::Waiter) (run by
//! `.ci/run`: `cargo test -p lockladder-runtime --lib --release
//! sync::wake::loom_model` under `--cfg lockladder_loom`).
//!
//! A model inside the crate, not in `tests/`: the blocking locks are
//! parking_lot's, whose lock word loom cannot see, so loom would not know that
//! a release and a retry race and would not explore it. The lock here is a
//! flag with parking_lot's orderings (acquire on take, release on unlock)
//! behind the same `Wake`, released as every blocking guard releases.
//! The asymmetric barrier of the wake-up is a `fence(SeqCst)` on both sides
//! here (`shim::barrier` says why that models `membarrier`'s contract).
//! Invariant: no async waiter sleeps while the lock is free (a waiter left
//! asleep shows as a deadlock, which loom reports).

use core::future::poll_fn;

use loom::future::block_on;
use loom::sync::Arc;
use loom::sync::atomic::{AtomicBool, Ordering};
use loom::thread;

use super::{Waiter, Wake};

struct FlagLock {
    held: AtomicBool,
    wake: Wake,
}

struct Held<'a>(&'a FlagLock);

impl FlagLock {
    /// A free lock; its `Wake` used once here, before it is shared (loom
    /// objects of the shim are made at first use).
    fn new(wake: Wake) -> Arc<FlagLock> {
        let lock = Arc::new(FlagLock { held: AtomicBool::new(false), wake });
        lock.wake.released();
        lock
    }

    fn try_lock(&self) -> Option<Held<'_>> {
        self.held.compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed).ok()?;
        Some(Held(self))
    }

    /// What an async `lock_all` does for a blocking lock held elsewhere.
    fn lock_async(&self) -> Held<'_> {
        let mut waiter = Waiter::new(&self.wake);
        block_on(poll_fn(|cx| waiter.poll_try(cx, || self.try_lock())))
    }
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        self.0.held.store(false, Ordering::Release);
        self.0.wake.released();
    }
}

fn spawn_lock_async(lock: &Arc<FlagLock>) -> thread::JoinHandle<()> {
    let lock = lock.clone();
    thread::spawn(move || drop(lock.lock_async()))
}

/// A release racing an async waiter that found the lock taken: the waiter is
/// woken, or its retry finds the lock free. Without one side's barrier
/// (mutants `wake_release_fence`, `wake_waiter_barrier`) the release can read
/// a stale zero count while the retry reads the lock still held.
#[test]
fn an_async_waiter_never_sleeps_on_a_free_lock() {
    loom::model(|| {
        let lock = FlagLock::new(Wake::one_at_a_time());
        let held = lock.try_lock().unwrap();
        let waiter = spawn_lock_async(&lock);
        drop(held);
        waiter.join().unwrap();
    });
}

/// Two async waiters on a lock that lets one in at a time: the first one's
/// release wakes the second.
#[test]
fn async_waiters_on_a_mutex_are_woken_one_after_another() {
    loom::model(|| {
        let lock = FlagLock::new(Wake::one_at_a_time());
        let held = lock.try_lock().unwrap();
        let waiters = [spawn_lock_async(&lock), spawn_lock_async(&lock)];
        drop(held);
        for waiter in waiters {
            waiter.join().unwrap();
        }
    });
}
