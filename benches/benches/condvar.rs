//! Condvar ping-pong: two threads hand a turn back and forth through one mutex
//! and one condvar, `iters` round trips each sample. `lockladder::sync::Condvar`
//! (a queue of parked threads, a wake-up of async waiters on each release)
//! against `parking_lot::Condvar` on the mutex ours wraps, in the same run: the
//! ratio of the two figures is the cost of the levelled condvar.
//!
//! Two groups: the turn is handed over with `notify_one` while the mutex is
//! still held (the common pattern), then after releasing it. parking_lot moves
//! a waiter notified under the mutex onto the mutex's queue instead of waking
//! it (its `requeue`, unsafe code); ours wakes it, and when both threads share
//! a CPU the woken thread runs while the notifier still holds the mutex. The
//! second group shows what is left without that difference.

#![allow(missing_docs, reason = "criterion_group! generates undocumented items")]

mod common;

use std::thread;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use lockladder::{LockToken, lock_level, sync};

#[lock_level(10)]
struct Turn {
    /// Whose turn it is: `false` for the first thread, `true` for the second.
    second: bool,
}

/// Runs `play(true)` on a second thread and `play(false)` on this one, timed
/// together.
fn two_players(play: impl Fn(bool) + Sync) -> Duration {
    let start = Instant::now();
    thread::scope(|scope| {
        scope.spawn(|| play(true));
        play(false);
    });
    start.elapsed()
}

/// When the turn is handed over.
#[derive(Clone, Copy)]
enum Notify {
    /// `notify_one` with the mutex held.
    UnderLock,
    /// `notify_one` once the guard is dropped.
    AfterUnlock,
}

/// `iters` round trips between two threads on parking_lot's Condvar.
fn parking_lot_ping_pong(iters: u64, notify: Notify) -> Duration {
    let turn = parking_lot::Mutex::new(false);
    let changed = parking_lot::Condvar::new();
    let play = |mine: bool| {
        for _ in 0..iters {
            let mut second = turn.lock();
            while *second != mine {
                changed.wait(&mut second);
            }
            *second = !mine;
            if let Notify::AfterUnlock = notify {
                drop(second);
            }
            changed.notify_one();
        }
    };
    two_players(play)
}

/// `iters` round trips between two threads on `lockladder::sync::Condvar`.
fn lockladder_ping_pong(iters: u64, notify: Notify) -> Duration {
    let turn = sync::Mutex::new(Turn { second: false });
    let changed = sync::Condvar::new();
    let play = |mine: bool| {
        for _ in 0..iters {
            let mut token = LockToken::new();
            let (mut held, mut at_turn) = turn.lock(&mut token);
            changed.wait_while(&turn, &mut held, &mut at_turn, |turn| turn.second != mine);
            held.second = !mine;
            if let Notify::AfterUnlock = notify {
                drop(held);
            }
            changed.notify_one();
        }
    };
    two_players(play)
}

fn ping_pong(c: &mut Criterion) {
    let groups = [
        ("condvar-ping-pong", Notify::UnderLock),
        ("condvar-ping-pong-unlocked", Notify::AfterUnlock),
    ];
    for (name, notify) in groups {
        let mut group = c.benchmark_group(name);
        group.bench_function("parking_lot", |b| {
            b.iter_custom(|iters| parking_lot_ping_pong(iters, notify))
        });
        group.bench_function("lockladder", |b| {
            b.iter_custom(|iters| lockladder_ping_pong(iters, notify))
        });
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = common::criterion();
    targets = ping_pong
}
criterion_main!(benches);
