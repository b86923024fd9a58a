//! Blocking locks, uncontended lock + unlock on one thread: `lockladder::sync`
//! against the lock it wraps (parking_lot, the workspace's version), std, and
//! tracing-mutex (a std mutex that checks the lock order at run time, the peer
//! of the `lockdep` feature).

#![allow(missing_docs, reason = "criterion_group! generates undocumented items")]

mod common;

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use lockladder::{LockToken, lock_level, sync};

#[lock_level(10)]
enum Counter {}

fn mutex(c: &mut Criterion) {
    let mut group = c.benchmark_group("sync-mutex");
    let std = std::sync::Mutex::new(0u64);
    group.bench_function("std", |b| b.iter(|| *black_box(&std).lock().expect("not poisoned") += 1));
    let parking = parking_lot::Mutex::new(0u64);
    group.bench_function("parking_lot", |b| b.iter(|| *black_box(&parking).lock() += 1));
    let tracing = tracing_mutex::stdsync::tracing::Mutex::new(0u64);
    group.bench_function("tracing-mutex", |b| {
        b.iter(|| *black_box(&tracing).lock().expect("not poisoned") += 1)
    });
    let ladder: sync::Mutex<u64, Counter> = sync::Mutex::with_level(0);
    group.bench_function("lockladder", |b| {
        b.iter(|| {
            let mut token = LockToken::new();
            let (mut guard, _token) = black_box(&ladder).lock(&mut token);
            *guard += 1;
        })
    });
    group.finish();
}

fn rwlock(c: &mut Criterion) {
    let mut group = c.benchmark_group("sync-rwlock-read");
    let std = std::sync::RwLock::new(1u64);
    group.bench_function("std", |b| b.iter(|| black_box(*black_box(&std).read().expect("ok"))));
    let parking = parking_lot::RwLock::new(1u64);
    group.bench_function("parking_lot", |b| b.iter(|| black_box(*black_box(&parking).read())));
    let ladder: sync::RwLock<u64, Counter> = sync::RwLock::with_level(1);
    group.bench_function("lockladder", |b| {
        b.iter(|| {
            let mut token = LockToken::new();
            let (guard, _token) = black_box(&ladder).read(&mut token);
            black_box(*guard);
        })
    });
    group.finish();

    let mut group = c.benchmark_group("sync-rwlock-write");
    group.bench_function("std", |b| b.iter(|| *black_box(&std).write().expect("ok") += 1));
    group.bench_function("parking_lot", |b| b.iter(|| *black_box(&parking).write() += 1));
    group.bench_function("lockladder", |b| {
        b.iter(|| {
            let mut token = LockToken::new();
            let (mut guard, _token) = black_box(&ladder).write(&mut token);
            *guard += 1;
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::criterion();
    targets = mutex, rwlock
}
criterion_main!(benches);
