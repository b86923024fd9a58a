//! loom model of the blocking `Condvar`'s sleeper queue (run by `.ci/run`:
//! `cargo test -p lockladder-runtime --lib --release
//! sync::condvar::sleepers::loom_model` under `--cfg lockladder_loom`).
//!
//! Inside the crate: the queue is not reachable from the public API without
//! parking_lot's mutex around it, which loom cannot see into. loom has no
//! clock: a timed sleep here is given a deadline already past, so it times out
//! at its first look, racing the notifier. The thread's reused sleeper is not
//! modeled (a new one per wait under loom).

use std::time::Instant;

use loom::sync::Arc;
use loom::sync::atomic::{AtomicBool, Ordering};
use loom::thread;

use super::Sleepers;

/// Sleepers used once on this thread before they are shared (the shim's
/// loom objects are made at first use).
fn new_sleepers() -> Arc<Sleepers> {
    let sleepers = Arc::new(Sleepers::new());
    assert!(!sleepers.notify_one(), "nobody waits yet");
    sleepers
}

/// A sleeper times out while a notifier takes it off the queue: it counts as
/// notified exactly when the notifier found it, so the notification is not
/// lost. Catches a timed-out sleeper that ignores having been taken off
/// (mutant `sleepers_timeout_notified`).
#[test]
fn a_sleeper_popped_as_it_times_out_counts_as_notified() {
    loom::model(|| {
        let sleepers = new_sleepers();
        let sleeper = {
            let sleepers = sleepers.clone();
            thread::spawn(move || sleepers.enqueue().sleep(Some(Instant::now())))
        };
        let found = sleepers.notify_one();
        let notified = sleeper.join().unwrap();
        assert_eq!(found, notified, "notify_one found the sleeper iff it counts as notified");
    });
}

/// A notification sent once the sleeper is queued wakes it, whether it has
/// parked yet or not.
#[test]
fn a_queued_sleeper_is_woken_by_a_notification() {
    loom::model(|| {
        let sleepers = new_sleepers();
        let queued = Arc::new(AtomicBool::new(false));
        let sleeper = {
            let (sleepers, queued) = (sleepers.clone(), queued.clone());
            thread::spawn(move || {
                let ticket = sleepers.enqueue();
                queued.store(true, Ordering::Release);
                ticket.sleep(None)
            })
        };
        while !queued.load(Ordering::Acquire) {
            thread::yield_now();
        }
        assert!(sleepers.notify_one());
        assert!(sleeper.join().unwrap());
    });
}
