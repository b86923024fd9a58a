//! loom model of the async `Condvar` (src/condvar.rs) on the async `Mutex`:
//! a notification is never lost, and a wait cancelled after its notification
//! passes it on.
//!
//! Run with
//! `RUSTFLAGS="--cfg lockladder_loom" CARGO_TARGET_DIR=target/loom cargo test -p lockladder-runtime --test condvar_loom --release`.
//! event-listener, which the `Condvar` listens on, is replaced under loom by a
//! stand-in of our own with its contract (src/shim/event.rs): listeners in
//! arrival order, `notify`/`notify_additional` as event-listener counts them,
//! a notified listener dropped passes its notification on. A waiter left
//! asleep shows as a deadlock, which loom reports.
#![cfg(lockladder_loom)]

mod loom_support;

use lockladder::{Condvar, LockToken, Mutex, lock_level};
use loom::future::block_on;
use loom::sync::Arc;
use loom::thread;
use loom_support::poll_once;

#[lock_level(1)]
enum Shared {}

struct State {
    lock: Mutex<bool, Shared>,
    changed: Condvar,
}

/// A lock and condvar, each used once on this thread before it is shared
/// (the shim's loom objects are made at first use, see src/shim/mod.rs).
fn new_state() -> Arc<State> {
    let state = Arc::new(State { lock: Mutex::with_level(false), changed: Condvar::new() });
    drop(state.lock.try_lock(&mut LockToken::new()).unwrap());
    state.changed.notify_one();
    state
}

/// Waits until the flag is set.
fn wait_for_flag(state: &State) {
    block_on(async {
        let mut token = LockToken::new();
        let (held, mut at_lock) = state.lock.lock(&mut token).await;
        let held = state.changed.wait_while(&state.lock, held, &mut at_lock, |set| !*set).await;
        assert!(*held);
    });
}

fn spawn_wait_for_flag(state: &Arc<State>) -> thread::JoinHandle<()> {
    let state = state.clone();
    thread::spawn(move || wait_for_flag(&state))
}

/// Sets the flag under the lock and notifies one waiter.
fn set_flag(state: &State) {
    let mut token = LockToken::new();
    let (mut held, _token) = block_on(state.lock.lock(&mut token));
    *held = true;
    drop(held);
    state.changed.notify_one();
}

/// A flag set and notified while a task checks it and starts to wait: the
/// task always wakes (the listener is registered before the mutex is
/// released).
#[test]
fn a_notification_is_never_lost() {
    loom::model(|| {
        let state = new_state();
        let waiter = spawn_wait_for_flag(&state);
        set_flag(&state);
        waiter.join().unwrap();
    });
}

/// The first waiter is notified, polled into the mutex's queue, then
/// cancelled: the notification it took goes to the second waiter. Catches a
/// cancelled wait that does not pass it on (mutant `condvar_pass_on`).
#[test]
fn a_cancelled_wait_passes_its_notification_on() {
    loom::model(|| {
        let state = new_state();
        let mut token = LockToken::new();
        let (held, mut at_lock) = state.lock.try_lock(&mut token).unwrap();
        let mut first = state.changed.wait(&state.lock, held, &mut at_lock);
        assert!(poll_once(&mut first).is_pending(), "listening, the mutex released");

        let second = spawn_wait_for_flag(&state);

        let mut token = LockToken::new();
        let (mut held, _token) = block_on(state.lock.lock(&mut token));
        *held = true;
        state.changed.notify_one(); // to `first`, which listened first
        assert!(poll_once(&mut first).is_pending(), "notified, queued for the held mutex");
        drop(first);
        drop(held);
        second.join().unwrap();
    });
}
