//! loom models of the Gate's enter/close handshake: every interleaving (and
//! every weak-memory outcome loom knows) of 2-3 threads.
//!
//! Run with
//! `RUSTFLAGS="--cfg lockladder_loom" CARGO_TARGET_DIR=target/loom cargo test -p lockladder-runtime --test gate_loom --release`.
//! loom has no clock, so deadlines are not modeled: the closer waits for the
//! notification itself, and a lost wake-up is reported by loom as a deadlock.
//! The notification is modeled by a loom condvar (see `src/gate/shim.rs`).
#![cfg(lockladder_loom)]

use std::time::{Duration, Instant};

use lockladder_runtime::{CloseOutcome, Gate};
use loom::sync::Arc;
use loom::sync::atomic::{AtomicBool, Ordering};
use loom::thread;

/// The resource behind the gate: freed by the `Drained` closer, used by
/// operations under a pass. `Relaxed` on purpose: only the gate's own
/// synchronization may order a use before the free.
struct Handle {
    gate: Gate,
    freed: AtomicBool,
}

impl Handle {
    fn new() -> Arc<Handle> {
        Arc::new(Handle { gate: Gate::new(), freed: AtomicBool::new(false) })
    }

    /// `true` if the operation got in.
    fn operate(&self) -> bool {
        let Some(_pass) = self.gate.try_enter() else { return false };
        assert!(!self.freed.load(Ordering::Relaxed), "used after free");
        true
    }

    fn free(&self) -> CloseOutcome {
        let outcome = self.gate.close_blocking(deadline());
        if outcome == CloseOutcome::Drained {
            assert!(!self.freed.swap(true, Ordering::Relaxed), "freed twice");
        }
        outcome
    }
}

fn deadline() -> Instant {
    Instant::now() + Duration::from_secs(3600)
}

fn spawn<T: Send + 'static>(handle: &Arc<Handle>, work: fn(&Handle) -> T) -> thread::JoinHandle<T> {
    let handle = handle.clone();
    thread::spawn(move || work(&handle))
}

/// One operation races one free: the free always drains (never under the
/// operation), and an operation after the drain is refused.
#[test]
fn an_operation_racing_a_free_never_sees_it_freed() {
    loom::model(|| {
        let handle = Handle::new();
        let op = spawn(&handle, Handle::operate);
        assert_eq!(handle.free(), CloseOutcome::Drained);
        assert!(!handle.operate(), "a pass was granted after the drain");
        op.join().unwrap();
    });
}

/// Two frees race one operation: exactly one `Drained`, the other
/// `AlreadyClosing`, and the operation never runs on a freed handle.
#[test]
fn two_frees_racing_an_operation_drain_exactly_once() {
    loom::model(|| {
        let handle = Handle::new();
        let op = spawn(&handle, Handle::operate);
        let other_free = spawn(&handle, Handle::free);
        let outcomes = [handle.free(), other_free.join().unwrap()];
        op.join().unwrap();

        let drained = outcomes.iter().filter(|o| **o == CloseOutcome::Drained).count();
        let refused = outcomes.iter().filter(|o| **o == CloseOutcome::AlreadyClosing).count();
        assert_eq!((drained, refused), (1, 1), "{outcomes:?}");
        assert!(handle.freed.load(Ordering::Relaxed));
    });
}

/// Two operations race one free: whichever pass drops last wakes the closer
/// (a lost wake-up would leave it parked: loom reports a deadlock).
#[test]
fn the_last_pass_out_wakes_the_closer() {
    loom::model(|| {
        let handle = Handle::new();
        let ops = [spawn(&handle, Handle::operate), spawn(&handle, Handle::operate)];
        assert_eq!(handle.free(), CloseOutcome::Drained);
        for op in ops {
            op.join().unwrap();
        }
    });
}
