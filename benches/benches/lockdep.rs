//! The `lockdep` safety net: the same lock + unlock built without and with the
//! feature, against the raw locks (parking_lot, std, tokio, async-lock) and
//! tracing-mutex (a std mutex that checks the lock order at run time).
//! Features are chosen at build time, so this target runs twice:
//!
//! ```sh
//! cargo bench -p lockladder-benches --bench lockdep                      # lockdep-off
//! cargo bench -p lockladder-benches --bench lockdep --features lockdep   # lockdep-on
//! ```
//!
//! The two runs write different ids into the same groups; the baselines are
//! measured in both runs (the second overwrites the first). The lockdep run
//! measures each figure with every [`TimingMode`](lockladder::lockdep::Timing):
//! `lockdep-on` is the default (coarse clock), `lockdep-on-untimed` no clock,
//! `lockdep-on-precise` the precise clock.
//!
//! A root token is made once per task, at its entry point, so each loop makes
//! one root and takes the lock through it `iters` times: what is timed is the
//! lock + unlock. `lockdep-on-new-root` makes a root per lock instead (with
//! `lockdep` a root is registered, to report a second one in the same task).

#![allow(missing_docs, reason = "criterion_group! generates undocumented items")]

mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, criterion_group, criterion_main};
use lockladder::{LockToken, lock_level, sync};

/// The id of the lockladder figure in this build.
const MODE: &str = if cfg!(feature = "lockdep") { "lockdep-on" } else { "lockdep-off" };

/// Benchmarks `run` as `MODE` and, with `lockdep`, again with timing off and
/// with precise timing.
fn bench_modes(group: &mut BenchmarkGroup<'_, WallTime>, mut run: impl FnMut(u64) -> Duration) {
    group.bench_function(MODE, |b| b.iter_custom(&mut run));
    #[cfg(feature = "lockdep")]
    {
        use lockladder::lockdep::{TimingMode, set_timing};
        for (timing, id) in
            [(TimingMode::Off, "lockdep-on-untimed"), (TimingMode::Precise, "lockdep-on-precise")]
        {
            set_timing(timing);
            group.bench_function(id, |b| b.iter_custom(&mut run));
        }
        set_timing(TimingMode::Coarse);
    }
}

/// Times `iters` rounds of `round` in a tight loop.
fn timed(iters: u64, mut round: impl FnMut()) -> Duration {
    let start = Instant::now();
    for _ in 0..iters {
        round();
    }
    start.elapsed()
}

/// Times `iters` rounds of `round` awaited in a row inside one `block_on`.
fn timed_async(rt: &tokio::runtime::Runtime, iters: u64, mut round: impl AsyncFnMut()) -> Duration {
    rt.block_on(async {
        let start = Instant::now();
        for _ in 0..iters {
            round().await;
        }
        start.elapsed()
    })
}

#[lock_level(10)]
enum Counter {}
#[lock_level(20)]
enum Total {}

fn blocking(c: &mut Criterion) {
    let mut group = c.benchmark_group("lockdep-sync-mutex");
    let parking_lot = parking_lot::Mutex::new(0u64);
    group.bench_function("parking_lot", |b| b.iter(|| *black_box(&parking_lot).lock() += 1));
    let std = std::sync::Mutex::new(0u64);
    group.bench_function("std", |b| b.iter(|| *black_box(&std).lock().expect("not poisoned") += 1));
    let tracing = tracing_mutex::stdsync::tracing::Mutex::new(0u64);
    group.bench_function("tracing-mutex", |b| {
        b.iter(|| *black_box(&tracing).lock().expect("not poisoned") += 1)
    });
    let ladder: sync::Mutex<u64, Counter> = sync::Mutex::with_level(0);
    bench_modes(&mut group, |iters| {
        let mut token = LockToken::new();
        timed(iters, || {
            let (mut guard, _token) = black_box(&ladder).lock(&mut token);
            *guard += 1;
        })
    });
    group.bench_function(format!("{MODE}-new-root"), |b| {
        b.iter(|| {
            let mut token = LockToken::new();
            let (mut guard, _token) = black_box(&ladder).lock(&mut token);
            *guard += 1;
        })
    });
    group.finish();
}

/// Two locks, one taken while holding the other: lockdep checks the order
/// against a held lock and records the nesting.
fn blocking_nested(c: &mut Criterion) {
    let mut group = c.benchmark_group("lockdep-sync-mutex-nested");
    let parking_lot = (parking_lot::Mutex::new(0u64), parking_lot::Mutex::new(0u64));
    group.bench_function("parking_lot", |b| {
        b.iter(|| {
            let locks = black_box(&parking_lot);
            let mut count = locks.0.lock();
            *locks.1.lock() += *count;
            *count += 1;
        })
    });
    let std = (std::sync::Mutex::new(0u64), std::sync::Mutex::new(0u64));
    group.bench_function("std", |b| {
        b.iter(|| {
            let locks = black_box(&std);
            let mut count = locks.0.lock().expect("not poisoned");
            *locks.1.lock().expect("not poisoned") += *count;
            *count += 1;
        })
    });
    let tracing = (
        tracing_mutex::stdsync::tracing::Mutex::new(0u64),
        tracing_mutex::stdsync::tracing::Mutex::new(0u64),
    );
    group.bench_function("tracing-mutex", |b| {
        b.iter(|| {
            let locks = black_box(&tracing);
            let mut count = locks.0.lock().expect("not poisoned");
            *locks.1.lock().expect("not poisoned") += *count;
            *count += 1;
        })
    });
    let ladder: (sync::Mutex<u64, Counter>, sync::Mutex<u64, Total>) =
        (sync::Mutex::with_level(0), sync::Mutex::with_level(0));
    bench_modes(&mut group, |iters| {
        let mut token = LockToken::new();
        timed(iters, || {
            let locks = black_box(&ladder);
            let (mut count, mut token) = locks.0.lock(&mut token);
            let (mut total, _token) = locks.1.lock(&mut token);
            *total += *count;
            *count += 1;
        })
    });
    group.finish();
}

/// One async lock, then two nested, in `block_on` (outside any task: lockdep
/// keeps the holds in the thread's own table).
fn asynchronous(c: &mut Criterion) {
    let rt = common::current_thread();
    let mut group = c.benchmark_group("lockdep-async-mutex");
    let tokio = tokio::sync::Mutex::new(0u64);
    group.bench_function("tokio", |b| {
        b.iter_custom(|iters| {
            timed_async(&rt, iters, async || *black_box(&tokio).lock().await += 1)
        })
    });
    let raw = async_lock::Mutex::new(0u64);
    group.bench_function("async-lock", |b| {
        b.iter_custom(|iters| timed_async(&rt, iters, async || *black_box(&raw).lock().await += 1))
    });
    let ladder: lockladder::Mutex<u64, Counter> = lockladder::Mutex::with_level(0);
    bench_modes(&mut group, |iters| {
        let mut token = LockToken::new();
        timed_async(&rt, iters, async || {
            let (mut guard, _token) = black_box(&ladder).lock(&mut token).await;
            *guard += 1;
        })
    });
    group.finish();

    let mut group = c.benchmark_group("lockdep-async-mutex-nested");
    let tokio = (tokio::sync::Mutex::new(0u64), tokio::sync::Mutex::new(0u64));
    group.bench_function("tokio", |b| {
        b.iter_custom(|iters| {
            timed_async(&rt, iters, async || {
                let locks = black_box(&tokio);
                let mut count = locks.0.lock().await;
                *locks.1.lock().await += *count;
                *count += 1;
            })
        })
    });
    let ladder: (lockladder::Mutex<u64, Counter>, lockladder::Mutex<u64, Total>) =
        (lockladder::Mutex::with_level(0), lockladder::Mutex::with_level(0));
    bench_modes(&mut group, |iters| {
        let mut token = LockToken::new();
        timed_async(&rt, iters, async || {
            let locks = black_box(&ladder);
            let (mut count, mut token) = locks.0.lock(&mut token).await;
            let (mut total, _token) = locks.1.lock(&mut token).await;
            *total += *count;
            *count += 1;
        })
    });
    group.finish();
}

/// The async lock in a spawned tokio task, where lockdep keys holds by task
/// (the shared shards) rather than by thread.
fn asynchronous_in_task(c: &mut Criterion) {
    let rt = common::current_thread();
    let mut group = c.benchmark_group("lockdep-async-mutex-in-task");
    let tokio = std::sync::Arc::new(tokio::sync::Mutex::new(0u64));
    group.bench_function("tokio", |b| {
        b.iter_custom(|iters| {
            let tokio = tokio.clone();
            rt.block_on(async move {
                tokio::spawn(async move {
                    let start = Instant::now();
                    for _ in 0..iters {
                        *black_box(&tokio).lock().await += 1;
                    }
                    start.elapsed()
                })
                .await
                .expect("the benchmark task")
            })
        })
    });
    let ladder = std::sync::Arc::new(lockladder::Mutex::<u64, Counter>::with_level(0));
    bench_modes(&mut group, |iters| {
        let ladder = ladder.clone();
        rt.block_on(async move {
            tokio::spawn(async move {
                let mut token = LockToken::new();
                let start = Instant::now();
                for _ in 0..iters {
                    let (mut guard, _token) = black_box(&ladder).lock(&mut token).await;
                    *guard += 1;
                }
                start.elapsed()
            })
            .await
            .expect("the benchmark task")
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::criterion();
    targets = blocking, blocking_nested, asynchronous, asynchronous_in_task
}
criterion_main!(benches);
