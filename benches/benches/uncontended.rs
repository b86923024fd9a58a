//! Uncontended lock + unlock: lockladder against the lock it wraps and against
//! tokio, one task, current-thread runtime. Every lockladder figure has its
//! baselines in the same group, measured in the same run.

#![allow(missing_docs, reason = "criterion_group! generates undocumented items")]

mod common;

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use lockladder::{LockToken, lock_level};

/// The level of every lock here: one lock, taken from the root token.
#[lock_level(10)]
enum Counter {}

fn mutex(c: &mut Criterion) {
    let rt = common::current_thread();
    let mut group = c.benchmark_group("mutex");

    let tokio = tokio::sync::Mutex::new(0u64);
    group.bench_function("tokio", |b| {
        b.iter_custom(|iters| {
            common::run_async(&rt, iters, || async {
                *black_box(&tokio).lock().await += 1;
            })
        })
    });
    // The alternative to a named future that DESIGN.md weighs: tokio's future, boxed.
    group.bench_function("tokio-boxed-future", |b| {
        b.iter_custom(|iters| {
            common::run_async(&rt, iters, || async {
                *Box::pin(black_box(&tokio).lock()).await += 1;
            })
        })
    });
    let raw = async_lock::Mutex::new(0u64);
    group.bench_function("async-lock", |b| {
        b.iter_custom(|iters| {
            common::run_async(&rt, iters, || async {
                *black_box(&raw).lock().await += 1;
            })
        })
    });
    let ladder: lockladder::Mutex<u64, Counter> = lockladder::Mutex::with_level(0);
    group.bench_function("lockladder", |b| {
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

fn mutex_try_lock(c: &mut Criterion) {
    let mut group = c.benchmark_group("mutex-try_lock");
    let tokio = tokio::sync::Mutex::new(0u64);
    group.bench_function("tokio", |b| b.iter(|| *black_box(&tokio).try_lock().expect("free") += 1));
    let raw = async_lock::Mutex::new(0u64);
    group.bench_function("async-lock", |b| {
        b.iter(|| *black_box(&raw).try_lock().expect("free") += 1)
    });
    let ladder: lockladder::Mutex<u64, Counter> = lockladder::Mutex::with_level(0);
    group.bench_function("lockladder", |b| {
        b.iter(|| {
            let mut token = LockToken::new();
            let (mut guard, _token) = black_box(&ladder).try_lock(&mut token).expect("free");
            *guard += 1;
        })
    });
    group.finish();
}

fn rwlock_read(c: &mut Criterion) {
    let rt = common::current_thread();
    let mut group = c.benchmark_group("rwlock-read");
    let tokio = tokio::sync::RwLock::new(1u64);
    group.bench_function("tokio", |b| {
        b.iter_custom(|iters| {
            common::run_async(&rt, iters, || async {
                black_box(*black_box(&tokio).read().await);
            })
        })
    });
    let raw = async_lock::RwLock::new(1u64);
    group.bench_function("async-lock", |b| {
        b.iter_custom(|iters| {
            common::run_async(&rt, iters, || async {
                black_box(*black_box(&raw).read().await);
            })
        })
    });
    let ladder: lockladder::RwLock<u64, Counter> = lockladder::RwLock::with_level(1);
    group.bench_function("lockladder", |b| {
        b.iter_custom(|iters| {
            common::run_async(&rt, iters, || async {
                let mut token = LockToken::new();
                let (guard, _token) = black_box(&ladder).read(&mut token).await;
                black_box(*guard);
            })
        })
    });
    group.finish();
}

fn rwlock_write(c: &mut Criterion) {
    let rt = common::current_thread();
    let mut group = c.benchmark_group("rwlock-write");
    let tokio = tokio::sync::RwLock::new(0u64);
    group.bench_function("tokio", |b| {
        b.iter_custom(|iters| {
            common::run_async(&rt, iters, || async {
                *black_box(&tokio).write().await += 1;
            })
        })
    });
    let raw = async_lock::RwLock::new(0u64);
    group.bench_function("async-lock", |b| {
        b.iter_custom(|iters| {
            common::run_async(&rt, iters, || async {
                *black_box(&raw).write().await += 1;
            })
        })
    });
    // async-lock's write with an uncontended `try_write` first: the earlier fix
    // considered for `lockladder::RwLock::write`, kept to show what its own lock saves.
    group.bench_function("async-lock-try_write", |b| {
        b.iter_custom(|iters| {
            common::run_async(&rt, iters, || async {
                let mut guard = match black_box(&raw).try_write() {
                    Some(guard) => guard,
                    None => raw.write().await,
                };
                *guard += 1;
            })
        })
    });
    let ladder: lockladder::RwLock<u64, Counter> = lockladder::RwLock::with_level(0);
    group.bench_function("lockladder", |b| {
        b.iter_custom(|iters| {
            common::run_async(&rt, iters, || async {
                let mut token = LockToken::new();
                let (mut guard, _token) = black_box(&ladder).write(&mut token).await;
                *guard += 1;
            })
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::criterion();
    targets = mutex, mutex_try_lock, rwlock_read, rwlock_write
}
criterion_main!(benches);
