//! Operations race the free of a native handle; the free waits for them.
//!
//! The incident: a handle was freed while calls on it were still running. Here
//! every call enters the handle's `Gate` first and holds its `GatePass` while
//! it uses the handle; `free` closes the gate, waits until the calls in flight
//! have left, and only the one caller that gets `CloseOutcome::Drained`
//! releases the handle. Calls that arrive after the free began are refused,
//! not run on freed memory. No sleep loop: the last pass out wakes the closer.
//!
//! Run it with `cargo run --example handle_gate`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use lockladder::{CloseOutcome, Gate};

/// Stands in for a handle from a C library: `freed` is what `lib_free` would do.
struct NativeHandle {
    gate: Gate,
    freed: AtomicBool,
    calls: AtomicU64,
    refused: AtomicU64,
    /// Told when `BUSY` calls have completed.
    busy: tokio::sync::Notify,
}

impl NativeHandle {
    /// One call into the library, or `None` if the handle is going away.
    async fn call(&self) -> Option<u64> {
        let _pass = self.gate.try_enter()?;
        assert!(!self.freed.load(Ordering::Relaxed), "called a freed handle");
        tokio::task::yield_now().await; // the call takes a while
        assert!(!self.freed.load(Ordering::Relaxed), "freed during a call");
        let done = self.calls.fetch_add(1, Ordering::Relaxed) + 1;
        if done == BUSY {
            self.busy.notify_one();
        }
        Some(done)
    }

    /// Frees the handle once no call is in flight; exactly one caller does.
    async fn free(&self) -> CloseOutcome {
        let outcome = self.gate.close(Instant::now() + Duration::from_secs(5)).await;
        if outcome == CloseOutcome::Drained {
            let already = self.freed.swap(true, Ordering::Relaxed);
            assert!(!already, "freed twice");
        }
        outcome
    }
}

const CALLERS: usize = 8;
const FREERS: usize = 3;
const BUSY: u64 = 10_000;

#[tokio::main]
async fn main() {
    let handle = Arc::new(NativeHandle {
        gate: Gate::new(),
        freed: AtomicBool::new(false),
        calls: AtomicU64::new(0),
        refused: AtomicU64::new(0),
        busy: tokio::sync::Notify::new(),
    });

    let callers: Vec<_> = (0..CALLERS)
        .map(|_| {
            let handle = handle.clone();
            tokio::spawn(async move {
                while handle.call().await.is_some() {}
                handle.refused.fetch_add(1, Ordering::Relaxed);
            })
        })
        .collect();
    handle.busy.notified().await; // free it while it is in heavy use

    let freers: Vec<_> = (0..FREERS)
        .map(|_| {
            let handle = handle.clone();
            tokio::spawn(async move { handle.free().await })
        })
        .collect();

    let mut outcomes = Vec::new();
    for freer in freers {
        outcomes.push(freer.await.unwrap());
    }
    for caller in callers {
        caller.await.unwrap();
    }

    let drained = outcomes.iter().filter(|o| **o == CloseOutcome::Drained).count();
    println!(
        "{} calls completed, {} callers refused after the free began, free outcomes {outcomes:?}",
        handle.calls.load(Ordering::Relaxed),
        handle.refused.load(Ordering::Relaxed),
    );
    assert_eq!(drained, 1, "exactly one caller frees the handle");
    assert!(handle.freed.load(Ordering::Relaxed));
}
