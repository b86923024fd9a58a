//! Condvar ping-pong: two threads hand a turn back and forth through one mutex
//! and one condvar, `iters` round trips each sample. `lockladder::sync::Condvar`
//! (event-listener waits, a wake-up of async waiters on each release) against
//! `parking_lot::Condvar` on the mutex ours wraps, in the same run: the ratio
//! of the two figures is the cost of the levelled condvar.

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

/// `iters` round trips between two threads on parking_lot's Condvar.
fn parking_lot_ping_pong(iters: u64) -> Duration {
    let turn = parking_lot::Mutex::new(false);
    let changed = parking_lot::Condvar::new();
    let play = |mine: bool| {
        for _ in 0..iters {
            let mut second = turn.lock();
            while *second != mine {
                changed.wait(&mut second);
            }
            *second = !mine;
            changed.notify_one();
        }
    };
    two_players(play)
}

/// `iters` round trips between two threads on `lockladder::sync::Condvar`.
fn lockladder_ping_pong(iters: u64) -> Duration {
    let turn = sync::Mutex::new(Turn { second: false });
    let changed = sync::Condvar::new();
    let play = |mine: bool| {
        for _ in 0..iters {
            let mut token = LockToken::new();
            let (mut held, mut at_turn) = turn.lock(&mut token);
            changed.wait_while(&turn, &mut held, &mut at_turn, |turn| turn.second != mine);
            held.second = !mine;
            changed.notify_one();
        }
    };
    two_players(play)
}

fn ping_pong(c: &mut Criterion) {
    let mut group = c.benchmark_group("condvar-ping-pong");
    group.bench_function("parking_lot", |b| b.iter_custom(parking_lot_ping_pong));
    group.bench_function("lockladder", |b| b.iter_custom(lockladder_ping_pong));
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::criterion();
    targets = ping_pong
}
criterion_main!(benches);
