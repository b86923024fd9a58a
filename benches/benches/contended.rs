//! Contended throughput: 2 and 8 tasks on a 2-worker multi-thread runtime, all
//! incrementing one counter under one lock, lockladder against raw tokio and the
//! lock it wraps; then the same with two locks per increment, by hand and with
//! `lock_all`. One iteration is `OPS` increments split evenly over the tasks.

#![allow(missing_docs, reason = "criterion_group! generates undocumented items")]

mod common;

use std::future::Future;
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::measurement::WallTime;
use criterion::{
    BenchmarkGroup, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main,
};
use lockladder::{LockToken, lock_level};
use tokio::runtime::Runtime;

/// Increments per iteration, whatever the number of tasks.
const OPS: u64 = 4_000;
/// Worker threads: one per core of the machine the figures come from.
const WORKERS: usize = 2;

#[lock_level(10)]
enum Counter {}
#[lock_level(20)]
enum Total {}

/// Spawns `tasks` tasks that each run `task(OPS / tasks)`, `iters` times over, and
/// times the whole (spawns and joins included, the same for every lock).
fn run_tasks<F, Fut>(rt: &Runtime, iters: u64, tasks: u64, task: F) -> Duration
where
    F: Fn(u64) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    rt.block_on(async {
        let start = Instant::now();
        for _ in 0..iters {
            let handles: Vec<_> = (0..tasks).map(|_| tokio::spawn(task(OPS / tasks))).collect();
            for handle in handles {
                handle.await.expect("benchmark task");
            }
        }
        start.elapsed()
    })
}

/// The rows of one group at one number of tasks.
struct Rows<'g, 'c> {
    group: &'g mut BenchmarkGroup<'c, WallTime>,
    rt: &'g Runtime,
    tasks: u64,
}

impl Rows<'_, '_> {
    /// One row: `run_tasks`, each task given its own handle on `lock` and its
    /// share of the increments.
    fn bench<L, F, Fut>(&mut self, name: &str, lock: &Arc<L>, task: F)
    where
        F: Fn(Arc<L>, u64) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let (rt, tasks) = (self.rt, self.tasks);
        self.group.bench_function(BenchmarkId::new(name, tasks), |b| {
            b.iter_custom(|iters| run_tasks(rt, iters, tasks, |ops| task(lock.clone(), ops)))
        });
    }
}

fn one_lock(c: &mut Criterion) {
    let rt = common::multi_thread(WORKERS);
    let mut group = c.benchmark_group("contended");
    group.throughput(Throughput::Elements(OPS));
    for tasks in [2u64, 8] {
        let mut rows = Rows { group: &mut group, rt: &rt, tasks };
        let tokio = Arc::new(tokio::sync::Mutex::new(0u64));
        rows.bench("tokio", &tokio, |lock, ops| async move {
            for _ in 0..ops {
                *black_box(&lock).lock().await += 1;
            }
        });
        let raw = Arc::new(async_lock::Mutex::new(0u64));
        rows.bench("async-lock", &raw, |lock, ops| async move {
            for _ in 0..ops {
                *black_box(&lock).lock().await += 1;
            }
        });
        let ladder = Arc::new(lockladder::Mutex::<u64, Counter>::with_level(0));
        rows.bench("lockladder", &ladder, |lock, ops| async move {
            let mut token = LockToken::new();
            for _ in 0..ops {
                let (mut guard, _token) = black_box(&lock).lock(&mut token).await;
                *guard += 1;
            }
        });
        let rwlock = Arc::new(lockladder::RwLock::<u64, Counter>::with_level(0));
        rows.bench("lockladder-rwlock-write", &rwlock, |lock, ops| async move {
            let mut token = LockToken::new();
            for _ in 0..ops {
                let (mut guard, _token) = black_box(&lock).write(&mut token).await;
                *guard += 1;
            }
        });
    }
    group.finish();
}

/// The regime where the lock changes owner on most operations: 8 tasks, each
/// yielding to the others after every release, so the next acquisition usually
/// goes to a task that was waiting (a handoff) rather than back to the releaser.
fn handoff(c: &mut Criterion) {
    let rt = common::multi_thread(WORKERS);
    let mut group = c.benchmark_group("contended-handoff");
    group.throughput(Throughput::Elements(OPS));
    let mut rows = Rows { group: &mut group, rt: &rt, tasks: 8 };
    let tokio = Arc::new(tokio::sync::Mutex::new(0u64));
    rows.bench("tokio", &tokio, |lock, ops| async move {
        for _ in 0..ops {
            *black_box(&lock).lock().await += 1;
            tokio::task::yield_now().await;
        }
    });
    let raw = Arc::new(async_lock::Mutex::new(0u64));
    rows.bench("async-lock", &raw, |lock, ops| async move {
        for _ in 0..ops {
            *black_box(&lock).lock().await += 1;
            tokio::task::yield_now().await;
        }
    });
    let ladder = Arc::new(lockladder::Mutex::<u64, Counter>::with_level(0));
    rows.bench("lockladder", &ladder, |lock, ops| async move {
        let mut token = LockToken::new();
        for _ in 0..ops {
            let (mut guard, _token) = black_box(&lock).lock(&mut token).await;
            *guard += 1;
            drop(guard);
            tokio::task::yield_now().await;
        }
    });
    let rwlock = Arc::new(lockladder::RwLock::<u64, Counter>::with_level(0));
    rows.bench("lockladder-rwlock-write", &rwlock, |lock, ops| async move {
        let mut token = LockToken::new();
        for _ in 0..ops {
            let (mut guard, _token) = black_box(&lock).write(&mut token).await;
            *guard += 1;
            drop(guard);
            tokio::task::yield_now().await;
        }
    });
    group.finish();
}

/// Two locks per increment: raw tokio taken by hand in a fixed order, lockladder
/// by hand (level order, nested tokens) and through `lock_all`.
fn two_locks(c: &mut Criterion) {
    let rt = common::multi_thread(WORKERS);
    let mut group = c.benchmark_group("contended-two-locks");
    group.throughput(Throughput::Elements(OPS));
    for tasks in [2u64, 8] {
        let mut rows = Rows { group: &mut group, rt: &rt, tasks };
        let tokio = Arc::new((tokio::sync::Mutex::new(0u64), tokio::sync::Mutex::new(0u64)));
        rows.bench("tokio-by-hand", &tokio, |locks, ops| async move {
            for _ in 0..ops {
                let mut count = black_box(&locks.0).lock().await;
                let mut total = locks.1.lock().await;
                *count += 1;
                *total += *count;
            }
        });
        let ladder = Arc::new((
            lockladder::Mutex::<u64, Counter>::with_level(0),
            lockladder::Mutex::<u64, Total>::with_level(0),
        ));
        rows.bench("lockladder-by-hand", &ladder, |locks, ops| async move {
            let mut token = LockToken::new();
            for _ in 0..ops {
                let (mut count, mut token) = black_box(&locks.0).lock(&mut token).await;
                let (mut total, _token) = locks.1.lock(&mut token).await;
                *count += 1;
                *total += *count;
            }
        });
        rows.bench("lockladder-lock_all", &ladder, |locks, ops| async move {
            let mut token = LockToken::new();
            for _ in 0..ops {
                let locks = black_box(&locks);
                let ((mut total, mut count), _token) = token.lock_all((&locks.1, &locks.0)).await;
                *count += 1;
                *total += *count;
            }
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::criterion();
    targets = one_lock, handoff, two_locks
}
criterion_main!(benches);
