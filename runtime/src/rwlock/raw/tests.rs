//! The queue's promises, one poll at a time, and a stress run with cancellations.

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::Wake;

use super::RawRwLock;

/// A waker that counts its wake-ups.
#[derive(Default)]
pub(crate) struct Wakes(AtomicUsize);

impl Wake for Wakes {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// A future polled by hand, with a waker that counts its wake-ups.
pub(crate) struct Task<F> {
    future: Pin<Box<F>>,
    wakes: Arc<Wakes>,
}

impl<F: Future> Task<F> {
    pub(crate) fn new(future: F) -> Self {
        Task { future: Box::pin(future), wakes: Arc::default() }
    }

    pub(crate) fn poll(&mut self) -> Poll<F::Output> {
        let waker = Waker::from(self.wakes.clone());
        self.future.as_mut().poll(&mut Context::from_waker(&waker))
    }

    pub(crate) fn woken(&self) -> bool {
        self.wakes.0.load(Ordering::SeqCst) > 0
    }
}

#[test]
fn a_later_writer_never_barges_past_a_queued_one() {
    let lock = RawRwLock::new(0u32);
    let reader = lock.try_read().expect("free");
    let mut first = Task::new(lock.write());
    assert!(first.poll().is_pending());

    drop(reader);
    assert!(first.woken());
    // The lock is free, but `first` is queued: a newcomer must not take it.
    assert!(lock.try_write().is_none());
    let mut second = Task::new(lock.write());
    assert!(second.poll().is_pending());

    let Poll::Ready(mut guard) = first.poll() else { panic!("the head writer is granted") };
    *guard += 1;
    drop(guard);
    assert!(second.woken());
    let Poll::Ready(guard) = second.poll() else { panic!("the next writer is granted") };
    assert_eq!(*guard, 1);
}

#[test]
fn the_writer_at_the_head_of_the_queue_holds_new_readers_back() {
    let lock = RawRwLock::new(());
    let early_reader = lock.try_read().expect("free");
    let mut writer = Task::new(lock.write());
    assert!(writer.poll().is_pending());

    assert!(lock.try_read().is_none());
    let mut late_reader = Task::new(lock.read());
    assert!(late_reader.poll().is_pending());

    drop(early_reader);
    assert!(writer.woken());
    let Poll::Ready(guard) = writer.poll() else { panic!("the writer is granted") };
    assert!(late_reader.poll().is_pending());
    drop(guard);
    assert!(late_reader.woken());
    assert!(late_reader.poll().is_ready());
}

#[test]
fn a_writer_cancelled_at_the_head_lets_the_waiting_readers_in() {
    let lock = RawRwLock::new(());
    let early_reader = lock.try_read().expect("free");
    let mut writer = Task::new(lock.write());
    assert!(writer.poll().is_pending());
    let mut late_reader = Task::new(lock.read());
    assert!(late_reader.poll().is_pending());

    drop(writer);
    assert!(late_reader.woken());
    assert!(late_reader.poll().is_ready());
    drop(early_reader);
}

#[test]
fn a_writer_cancelled_in_the_queue_leaves_no_trace() {
    let lock = RawRwLock::new(());
    let holder = lock.try_write().expect("free");
    let mut head = Task::new(lock.write());
    assert!(head.poll().is_pending());
    let mut queued = Task::new(lock.write());
    assert!(queued.poll().is_pending());

    drop(queued);
    drop(holder);
    assert!(head.woken());
    let Poll::Ready(guard) = head.poll() else { panic!("the head writer is granted") };
    drop(guard);
    // Nobody is queued any more: the fast paths are open again.
    drop(lock.try_write().expect("free, nobody queued"));
    drop(lock.try_read().expect("free, nobody queued"));
}

#[test]
fn readers_share_and_a_writer_waits_for_the_last_one() {
    let lock = RawRwLock::new(5u8);
    let (first, second) = (lock.try_read().expect("free"), lock.try_read().expect("shared"));
    let mut writer = Task::new(lock.write());
    assert!(writer.poll().is_pending());
    drop(first);
    assert!(writer.poll().is_pending());
    drop(second);
    assert!(writer.woken());
    assert!(writer.poll().is_ready());
}

/// Many tasks on a multi-thread runtime read, write and give up at random
/// points; every write must be exclusive, every read shared-only, and the lock
/// free at the end. A hang fails through the watchdog.
#[test]
fn randomly_cancelled_readers_and_writers_keep_the_lock_consistent() {
    const TASKS: usize = 16;
    const ROUNDS: usize = 400;

    struct State {
        value: u64,
        writing: bool,
    }

    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(4).enable_time().build();
    let runtime = runtime.expect("a runtime");
    let lock = Arc::new(RawRwLock::new(State { value: 0, writing: false }));
    let completed_writes = Arc::new(AtomicUsize::new(0));
    runtime.block_on(async {
        let tasks: Vec<_> = (0..TASKS)
            .map(|task| {
                let (lock, completed_writes) = (lock.clone(), completed_writes.clone());
                tokio::spawn(async move {
                    let mut seed = task as u64 * 0x9E37_79B9 + 1;
                    for _ in 0..ROUNDS {
                        seed ^= seed << 13;
                        seed ^= seed >> 7;
                        seed ^= seed << 17;
                        let patience = core::time::Duration::from_micros(seed % 50);
                        if seed.is_multiple_of(3) {
                            let write = tokio::time::timeout(patience, lock.write());
                            if let Ok(mut state) = write.await {
                                assert!(!state.writing, "two writers at once");
                                state.writing = true;
                                tokio::task::yield_now().await;
                                state.value += 1;
                                state.writing = false;
                                completed_writes.fetch_add(1, Ordering::SeqCst);
                            }
                        } else if let Ok(state) = tokio::time::timeout(patience, lock.read()).await
                        {
                            assert!(!state.writing, "a reader beside a writer");
                            tokio::task::yield_now().await;
                            assert!(!state.writing, "a writer came in beside a reader");
                        }
                    }
                })
            })
            .collect();
        let all = async {
            for task in tasks {
                task.await.expect("no assertion failed");
            }
        };
        tokio::time::timeout(core::time::Duration::from_secs(60), all)
            .await
            .expect("watchdog: the lock hung");
    });
    let state = lock.try_write().expect("free and nobody queued at the end");
    assert_eq!(state.value, completed_writes.load(Ordering::SeqCst) as u64);
}

/// A writer that read the gate before the upgradable reader queued goes
/// straight for the data word; during an upgrade that waits for a reader, the
/// word must never be free for it (the upgrade keeps spin's `UPGRADED`).
#[test]
fn a_writer_past_the_gate_never_gets_in_while_an_upgrade_waits() {
    let lock = RawRwLock::new(0u32);
    let upgradable = lock.try_upgradable_read().expect("free");
    let reader = lock.try_read().expect("readers share it");
    let mut upgrade = Task::new(upgradable.upgrade(&lock));
    assert!(upgrade.poll().is_pending(), "a reader is still in");

    drop(reader);
    // What a fast-path writer that loaded the gate early does next:
    assert!(lock.data.try_write().is_none(), "the word is free for a stale writer");
    assert!(upgrade.woken());
    let Poll::Ready(mut guard) = upgrade.poll() else { panic!("the upgrade is granted") };
    *guard += 1;
}

/// `try_upgrade` with another reader in gives the upgradable hold back, with
/// no window for a writer past the gate, and succeeds once the reader left.
#[test]
fn a_failed_try_upgrade_keeps_the_hold_and_a_later_one_succeeds() {
    let lock = RawRwLock::new(0u32);
    let upgradable = lock.try_upgradable_read().expect("free");
    let reader = lock.try_read().expect("readers share it");
    let upgradable = upgradable.try_upgrade(&lock).err().expect("a reader is in");
    assert!(lock.data.try_write().is_none(), "still read-held");
    drop(lock.try_read().expect("readers still share it"));
    drop(reader);
    assert!(lock.data.try_write().is_none(), "the upgradable read still holds the word");
    let mut guard = upgradable.try_upgrade(&lock).ok().expect("no other reader");
    *guard += 1;
    drop(guard);
    drop(lock.try_write().expect("free, nobody queued"));
}
