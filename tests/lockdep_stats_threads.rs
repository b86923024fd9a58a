//! `lockdep` statistics are counted per thread and summed when read: a thread
//! still running, a thread that exited and a hold released on another thread
//! are each counted exactly once. The only test in its binary, so the report
//! holds nothing else.
#![cfg(feature = "lockdep")]

use std::sync::{Barrier, mpsc};

use lockladder::stats::{self, LockStats};
use lockladder::{LockToken, Mutex, lock_level};

#[lock_level(410)]
struct Inventory;

fn inventory_stats() -> LockStats {
    stats::report().level(410).map(|level| level.stats).expect("level 410 was taken")
}

#[test]
fn counts_of_running_exited_and_moved_holds_add_up_exactly() {
    let inventory = Mutex::new(Inventory);
    let running_done = Barrier::new(2);
    let (counted_tx, counted_rx) = mpsc::channel();
    std::thread::scope(|scope| {
        // A thread that keeps running while the report is read.
        scope.spawn(|| {
            for _ in 0..3 {
                let mut token = LockToken::new();
                drop(inventory.try_lock(&mut token).unwrap());
            }
            counted_tx.send(()).unwrap();
            running_done.wait();
        });
        counted_rx.recv().unwrap();
        let stats = inventory_stats();
        assert_eq!((stats.acquisitions, stats.hold.count), (3, 3), "a running thread's counts");

        // A thread that exits: its counts move into the site's shared ones.
        std::thread::scope(|inner| {
            inner.spawn(|| {
                for _ in 0..2 {
                    let mut token = LockToken::new();
                    drop(inventory.try_lock(&mut token).unwrap());
                }
            });
        });
        let stats = inventory_stats();
        assert_eq!((stats.acquisitions, stats.hold.count), (5, 5), "an exited thread's counts");
        running_done.wait();
    });

    // A hold taken here and released on another thread.
    let mut token = LockToken::new();
    let (guard, child) = inventory.try_lock(&mut token).unwrap();
    drop(child);
    std::thread::scope(|scope| {
        scope.spawn(move || drop(guard));
    });
    let stats = inventory_stats();
    assert_eq!((stats.acquisitions, stats.hold.count), (6, 6), "a hold released elsewhere");
    assert_eq!(stats.contended, 0);

    // Holds going on, on this thread and in a tokio task on another: counted
    // as acquisitions at once, as holds once they end.
    let mut token = LockToken::new();
    let (held_here, _token) = inventory.try_lock(&mut token).unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).build().unwrap();
    let (taken_tx, taken_rx) = mpsc::channel();
    let (release_tx, release_rx) = tokio::sync::oneshot::channel::<()>();
    let inventory = std::sync::Arc::new(Mutex::new(Inventory));
    let in_task = std::sync::Arc::clone(&inventory);
    let task = runtime.spawn(async move {
        let mut token = LockToken::new();
        let (_held, _token) = in_task.lock(&mut token).await;
        taken_tx.send(()).unwrap();
        release_rx.await.unwrap();
    });
    taken_rx.recv().unwrap();
    let stats = inventory_stats();
    assert_eq!((stats.acquisitions, stats.hold.count), (8, 6), "two holds going on");
    drop(held_here);
    release_tx.send(()).unwrap();
    runtime.block_on(task).unwrap();
    let stats = inventory_stats();
    assert_eq!((stats.acquisitions, stats.hold.count), (8, 8), "both ended");
}
