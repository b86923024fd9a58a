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
//! measured in both runs (the second overwrites the first).

#![allow(missing_docs, reason = "criterion_group! generates undocumented items")]

mod common;

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use lockladder::{LockToken, lock_level, sync};

/// The id of the lockladder figure in this build.
const MODE: &str = if cfg!(feature = "lockdep") { "lockdep-on" } else { "lockdep-off" };

#[lock_level(10)]
enum Counter {}

fn blocking(c: &mut Criterion) {
    let mut group = c.benchmark_group("lockdep-sync-mutex");
    let std = std::sync::Mutex::new(0u64);
    group.bench_function("std", |b| b.iter(|| *black_box(&std).lock().expect("not poisoned") += 1));
    let tracing = tracing_mutex::stdsync::tracing::Mutex::new(0u64);
    group.bench_function("tracing-mutex", |b| {
        b.iter(|| *black_box(&tracing).lock().expect("not poisoned") += 1)
    });
    let ladder: sync::Mutex<u64, Counter> = sync::Mutex::with_level(0);
    group.bench_function(MODE, |b| {
        b.iter(|| {
            let mut token = LockToken::new();
            let (mut guard, _token) = black_box(&ladder).lock(&mut token);
            *guard += 1;
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
    group.bench_function(MODE, |b| {
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

criterion_group! {
    name = benches;
    config = common::criterion();
    targets = blocking, asynchronous
}
criterion_main!(benches);
