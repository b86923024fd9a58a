//! Several locks at once: `lock_all` of 2, 4 and 8 locks against the same locks
//! taken by hand in level order, and `lock_many` of 2 and 8 same-level locks
//! against the raw locks taken by hand (async-lock's, parking_lot's) and
//! happylock's `LockCollection` (built per call, as `lock_many` sorts per call,
//! and built once) and surelock's prebuilt `LockSet` (its default `std` mutex
//! backend, the locks as a tuple: no allocation per take), over async and over
//! blocking lockladder locks. One task, current-thread runtime; the blocking
//! rows run on the thread itself.

#![allow(missing_docs, reason = "criterion_group! generates undocumented items")]

mod common;

use std::hint::black_box;
use std::time::Instant;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use happylock::{LockCollection, ThreadKey};
use lockladder::{LockGroup, LockToken, Mutex, lock_level, sync};

#[lock_level(1)]
enum L1 {}
#[lock_level(2)]
enum L2 {}
#[lock_level(3)]
enum L3 {}
#[lock_level(4)]
enum L4 {}
#[lock_level(5)]
enum L5 {}
#[lock_level(6)]
enum L6 {}
#[lock_level(7)]
enum L7 {}
#[lock_level(8)]
enum L8 {}
#[lock_level(50)]
enum Account {}

/// happylock's collection of a run-time set of same-type locks.
type Happy<'a> = LockCollection<Vec<&'a happylock::Mutex<u64>>>;

/// Eight locks of eight levels, lowest first.
struct Ladder {
    m1: Mutex<u64, L1>,
    m2: Mutex<u64, L2>,
    m3: Mutex<u64, L3>,
    m4: Mutex<u64, L4>,
    m5: Mutex<u64, L5>,
    m6: Mutex<u64, L6>,
    m7: Mutex<u64, L7>,
    m8: Mutex<u64, L8>,
}

fn lock_all(c: &mut Criterion) {
    let rt = common::current_thread();
    let l = Ladder {
        m1: Mutex::with_level(1),
        m2: Mutex::with_level(2),
        m3: Mutex::with_level(3),
        m4: Mutex::with_level(4),
        m5: Mutex::with_level(5),
        m6: Mutex::with_level(6),
        m7: Mutex::with_level(7),
        m8: Mutex::with_level(8),
    };
    let l = &l;
    let mut group = c.benchmark_group("lock_all");
    group.bench_function(BenchmarkId::new("by-hand", 2), |b| {
        b.iter_custom(|iters| {
            common::run_async(&rt, iters, || async {
                let mut t = LockToken::new();
                let (g1, mut t) = black_box(l).m1.lock(&mut t).await;
                let (g2, _t) = l.m2.lock(&mut t).await;
                black_box(*g1 + *g2);
            })
        })
    });
    group.bench_function(BenchmarkId::new("lock_all", 2), |b| {
        b.iter_custom(|iters| {
            common::run_async(&rt, iters, || async {
                let mut t = LockToken::new();
                let ((g2, g1), _t) = t.lock_all((&black_box(l).m2, &l.m1)).await;
                black_box(*g1 + *g2);
            })
        })
    });
    group.bench_function(BenchmarkId::new("by-hand", 4), |b| {
        b.iter_custom(|iters| {
            common::run_async(&rt, iters, || async {
                let mut t = LockToken::new();
                let (g1, mut t) = black_box(l).m1.lock(&mut t).await;
                let (g2, mut t) = l.m2.lock(&mut t).await;
                let (g3, mut t) = l.m3.lock(&mut t).await;
                let (g4, _t) = l.m4.lock(&mut t).await;
                black_box(*g1 + *g2 + *g3 + *g4);
            })
        })
    });
    group.bench_function(BenchmarkId::new("lock_all", 4), |b| {
        b.iter_custom(|iters| {
            common::run_async(&rt, iters, || async {
                let mut t = LockToken::new();
                let l = black_box(l);
                let ((g4, g2, g3, g1), _t) = t.lock_all((&l.m4, &l.m2, &l.m3, &l.m1)).await;
                black_box(*g1 + *g2 + *g3 + *g4);
            })
        })
    });
    group.bench_function(BenchmarkId::new("by-hand", 8), |b| {
        b.iter_custom(|iters| {
            common::run_async(&rt, iters, || async {
                let mut t = LockToken::new();
                let (g1, mut t) = black_box(l).m1.lock(&mut t).await;
                let (g2, mut t) = l.m2.lock(&mut t).await;
                let (g3, mut t) = l.m3.lock(&mut t).await;
                let (g4, mut t) = l.m4.lock(&mut t).await;
                let (g5, mut t) = l.m5.lock(&mut t).await;
                let (g6, mut t) = l.m6.lock(&mut t).await;
                let (g7, mut t) = l.m7.lock(&mut t).await;
                let (g8, _t) = l.m8.lock(&mut t).await;
                black_box(*g1 + *g2 + *g3 + *g4 + *g5 + *g6 + *g7 + *g8);
            })
        })
    });
    group.bench_function(BenchmarkId::new("lock_all", 8), |b| {
        b.iter_custom(|iters| {
            common::run_async(&rt, iters, || async {
                let mut t = LockToken::new();
                let l = black_box(l);
                let ((g8, g7, g6, g5, g4, g3, g2, g1), _t) =
                    t.lock_all((&l.m8, &l.m7, &l.m6, &l.m5, &l.m4, &l.m3, &l.m2, &l.m1)).await;
                black_box(*g1 + *g2 + *g3 + *g4 + *g5 + *g6 + *g7 + *g8);
            })
        })
    });
    group.finish();
}

fn lock_many(c: &mut Criterion) {
    let rt = common::current_thread();
    let ladder: Vec<Mutex<u64, Account>> = (0..8).map(Mutex::with_level).collect();
    let raw_async: Vec<async_lock::Mutex<u64>> = (0..8).map(async_lock::Mutex::new).collect();
    let blocking: Vec<sync::Mutex<u64, Account>> = (0..8).map(sync::Mutex::with_level).collect();
    let raw_blocking: Vec<parking_lot::Mutex<u64>> = (0..8).map(parking_lot::Mutex::new).collect();
    let happy: Vec<happylock::Mutex<u64>> = (0..8).map(happylock::Mutex::new).collect();
    let mut key = Some(ThreadKey::get().expect("one key for the bench thread"));
    let mut group = c.benchmark_group("lock_many");
    for n in [2usize, 8] {
        // By hand: the raw locks taken one after another in a fixed order,
        // the guards kept in an array: the floor for any multi-lock helper.
        group.bench_function(BenchmarkId::new("async-lock-by-hand", n), |b| {
            b.iter_custom(|iters| {
                common::run_async(&rt, iters, || async {
                    let mut guards: [Option<async_lock::MutexGuard<'_, u64>>; 8] =
                        Default::default();
                    for (slot, lock) in guards.iter_mut().zip(&black_box(&raw_async)[..n]) {
                        *slot = Some(lock.lock().await);
                    }
                    black_box(guards.iter().flatten().map(|g| **g).sum::<u64>());
                })
            })
        });
        // The caller's order is reversed: both sort into their one global order.
        group.bench_function(BenchmarkId::new("lockladder", n), |b| {
            b.iter_custom(|iters| {
                common::run_async(&rt, iters, || async {
                    let mut t = LockToken::new();
                    let (guards, _t) = t.lock_many(black_box(&ladder)[..n].iter().rev()).await;
                    black_box(guards.iter().map(|g| **g).sum::<u64>());
                })
            })
        });
        // Ordered once, taken again and again (as happylock's prebuilt collection).
        let mut prebuilt_async = LockGroup::new(ladder[..n].iter().rev());
        group.bench_function(BenchmarkId::new("lockladder-group", n), |b| {
            // `run_async`'s loop, written out: each take borrows the group mutably.
            b.iter_custom(|iters| {
                rt.block_on(async {
                    let start = Instant::now();
                    for _ in 0..iters {
                        let mut t = LockToken::new();
                        let (guards, _t) = black_box(&mut prebuilt_async).lock(&mut t).await;
                        black_box(guards.iter().map(|g| **g).sum::<u64>());
                    }
                    start.elapsed()
                })
            })
        });
        // The same over blocking (parking_lot) locks, happylock's kind of lock,
        // awaited in a task.
        group.bench_function(BenchmarkId::new("lockladder-sync", n), |b| {
            b.iter_custom(|iters| {
                common::run_async(&rt, iters, || async {
                    let mut t = LockToken::new();
                    let (guards, _t) = t.lock_many(black_box(&blocking)[..n].iter().rev()).await;
                    black_box(guards.iter().map(|g| **g).sum::<u64>());
                })
            })
        });
        group.bench_function(BenchmarkId::new("happylock", n), |b| {
            b.iter(|| {
                let refs: Vec<&happylock::Mutex<u64>> =
                    black_box(&happy)[..n].iter().rev().collect();
                let collection = Happy::try_new(refs).expect("distinct locks");
                let guard = collection.lock(key.take().expect("the key"));
                black_box(guard.iter().map(|g| **g).sum::<u64>());
                key = Some(Happy::unlock(guard));
            })
        });
        // The blocking rows the issue compares, back to back so that load
        // drift hits a figure and its baselines alike: the floor, the
        // prebuilt group, the peers' prebuilt sets, the one-off call.
        group.bench_function(BenchmarkId::new("parking_lot-by-hand", n), |b| {
            b.iter(|| {
                let mut guards: [Option<parking_lot::MutexGuard<'_, u64>>; 8] = Default::default();
                for (slot, lock) in guards.iter_mut().zip(&black_box(&raw_blocking)[..n]) {
                    *slot = Some(lock.lock());
                }
                black_box(guards.iter().flatten().map(|g| **g).sum::<u64>());
            })
        });
        let mut prebuilt_blocking = LockGroup::new(blocking[..n].iter().rev());
        group.bench_function(BenchmarkId::new("lockladder-sync-group", n), |b| {
            b.iter(|| {
                let mut t = LockToken::new();
                let (guards, _t) = black_box(&mut prebuilt_blocking).lock_blocking(&mut t);
                black_box(guards.iter().map(|g| **g).sum::<u64>());
            })
        });
        let refs: Vec<&happylock::Mutex<u64>> = happy[..n].iter().rev().collect();
        let prebuilt = Happy::try_new(refs).expect("distinct locks");
        group.bench_function(BenchmarkId::new("happylock-prebuilt", n), |b| {
            b.iter(|| {
                let guard = black_box(&prebuilt).lock(key.take().expect("the key"));
                black_box(guard.iter().map(|g| **g).sum::<u64>());
                key = Some(Happy::unlock(guard));
            })
        });
        surelock_prebuilt(&mut group, n);
        // The one-off call over blocking locks on the thread itself, as happylock does.
        group.bench_function(BenchmarkId::new("lockladder-sync-blocking", n), |b| {
            b.iter(|| {
                let mut t = LockToken::new();
                let (guards, _t) = t.lock_many_blocking(black_box(&blocking)[..n].iter().rev());
                black_box(guards.iter().map(|g| **g).sum::<u64>());
            })
        });
    }
    group.finish();
}

/// surelock's `LockSet` of `n` (2 or 8) mutexes of one level, built once and
/// taken again and again, each take in a scope of the thread's handle
/// (claimed once, as happylock's key).
fn surelock_prebuilt(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    n: usize,
) {
    use surelock::{key_handle::KeyHandle, mutex::Mutex as SureMutex, set::LockSet};
    let s: Vec<SureMutex<u64>> = (0..8).map(SureMutex::new).collect();
    let mut handle = KeyHandle::claim();
    group.bench_function(BenchmarkId::new("surelock-prebuilt", n), |b| {
        if n == 2 {
            let set = LockSet::new((&s[1], &s[0]));
            b.iter(|| {
                handle.scope(|key| {
                    let ((g1, g0), _key) = key.lock(black_box(&set));
                    black_box(*g0 + *g1);
                })
            })
        } else {
            let set = LockSet::new((&s[7], &s[6], &s[5], &s[4], &s[3], &s[2], &s[1], &s[0]));
            b.iter(|| {
                handle.scope(|key| {
                    let ((g7, g6, g5, g4, g3, g2, g1, g0), _key) = key.lock(black_box(&set));
                    black_box(*g0 + *g1 + *g2 + *g3 + *g4 + *g5 + *g6 + *g7);
                })
            })
        }
    });
}

criterion_group! {
    name = benches;
    config = common::criterion();
    targets = lock_all, lock_many
}
criterion_main!(benches);
