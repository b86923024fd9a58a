//! The `lockdep` safety net: the same lock + unlock built without and with the
//! feature, against tracing-mutex (a std mutex that checks the lock order at run
//! time). Features are chosen at build time, so this target runs twice:
//!
//! ```sh
//! cargo bench -p lockladder-benches --bench lockdep                      # lockdep-off
//! cargo bench -p lockladder-benches --bench lockdep --features lockdep   # lockdep-on
//! ```
//!
//! The two runs write different ids into the same groups; the baselines are
//! measured in both runs (the second overwrites the first). The lockdep run also
//! measures `lockdep-on-untimed`: timing off, the cheapest safety net.

#![allow(missing_docs, reason = "criterion_group! generates undocumented items")]

mod common;

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use lockladder::{LockToken, lock_level, sync};

/// The id of the lockladder figure in this build.
const MODE: &str = if cfg!(feature = "lockdep") { "lockdep-on" } else { "lockdep-off" };

/// Benchmarks `run` as `MODE` and, with `lockdep`, again with timing off
/// (`lockdep::set_timing(false)`: order checks and counts, no clock reads).
fn bench_modes<M: criterion::measurement::Measurement>(
    group: &mut criterion::BenchmarkGroup<'_, M>,
    mut run: impl FnMut(&mut criterion::Bencher<'_, M>),
) {
    group.bench_function(MODE, &mut run);
    #[cfg(feature = "lockdep")]
    {
        lockladder::lockdep::set_timing(false);
        group.bench_function("lockdep-on-untimed", &mut run);
        lockladder::lockdep::set_timing(true);
    }
}

#[lock_level(10)]
enum Counter {}
#[lock_level(20)]
enum Total {}

fn blocking(c: &mut Criterion) {
    let mut group = c.benchmark_group("lockdep-sync-mutex");
    let std = std::sync::Mutex::new(0u64);
    group.bench_function("std", |b| b.iter(|| *black_box(&std).lock().expect("not poisoned") += 1));
    let tracing = tracing_mutex::stdsync::tracing::Mutex::new(0u64);
    group.bench_function("tracing-mutex", |b| {
        b.iter(|| *black_box(&tracing).lock().expect("not poisoned") += 1)
    });
    let ladder: sync::Mutex<u64, Counter> = sync::Mutex::with_level(0);
    bench_modes(&mut group, |b| {
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
    bench_modes(&mut group, |b| {
        b.iter(|| {
            let locks = black_box(&ladder);
            let mut token = LockToken::new();
            let (mut count, mut token) = locks.0.lock(&mut token);
            let (mut total, _token) = locks.1.lock(&mut token);
            *total += *count;
            *count += 1;
        })
    });
    group.finish();
}

fn asynchronous(c: &mut Criterion) {
    let rt = common::current_thread();
    let mut group = c.benchmark_group("lockdep-async-mutex");
    let raw = async_lock::Mutex::new(0u64);
    group.bench_function("async-lock", |b| {
        b.iter_custom(|iters| {
            common::run_async(&rt, iters, || async {
                *black_box(&raw).lock().await += 1;
            })
        })
    });
    let ladder: lockladder::Mutex<u64, Counter> = lockladder::Mutex::with_level(0);
    bench_modes(&mut group, |b| {
        b.iter_custom(|iters| {
            common::run_async(&rt, iters, || async {
                let mut token = LockToken::new();
                let (mut guard, _token) = black_box(&ladder).lock(&mut token).await;
                *guard += 1;
            })
        })
    });
    group.finish();
}

/// The async lock in a spawned tokio task, where lockdep keys holds by task
/// (shared shards) rather than by thread (the thread's own storage).
fn asynchronous_in_task(c: &mut Criterion) {
    let rt = common::current_thread();
    let mut group = c.benchmark_group("lockdep-async-mutex-in-task");
    let raw = std::sync::Arc::new(async_lock::Mutex::new(0u64));
    group.bench_function("async-lock", |b| {
        b.iter_custom(|iters| {
            let raw = raw.clone();
            common::run_in_task(&rt, iters, move || {
                let raw = raw.clone();
                async move {
                    *black_box(&raw).lock().await += 1;
                }
            })
        })
    });
    let ladder = std::sync::Arc::new(lockladder::Mutex::<u64, Counter>::with_level(0));
    bench_modes(&mut group, |b| {
        b.iter_custom(|iters| {
            let ladder = ladder.clone();
            common::run_in_task(&rt, iters, move || {
                let ladder = ladder.clone();
                async move {
                    let mut token = LockToken::new();
                    let (mut guard, _token) = black_box(&ladder).lock(&mut token).await;
                    *guard += 1;
                }
            })
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
