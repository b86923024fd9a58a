//! The one harness every benchmark uses, for lockladder and its baseline alike,
//! so that the only difference between two figures of a table is the lock.

#![allow(dead_code, reason = "each benchmark target uses a part of this module")]
use std::future::Future;
use std::time::{Duration, Instant};

use criterion::Criterion;
use tokio::runtime::Runtime;

/// Short warm-up and measurement windows: the whole `cargo bench` must fit in
/// 15 minutes on a 2-core machine, and a figure and its baseline are measured
/// back to back so that load drift hits both alike.
pub fn criterion() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(400))
        .measurement_time(Duration::from_millis(1500))
        .sample_size(30)
        .nresamples(10_000)
        .configure_from_args()
}

/// The runtime of the uncontended async benchmarks.
pub fn current_thread() -> Runtime {
    tokio::runtime::Builder::new_current_thread().build().expect("a current-thread runtime")
}

/// The runtime of the contended benchmarks: one worker per core of the machine.
pub fn multi_thread(workers: usize) -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .build()
        .expect("a multi-thread runtime")
}

/// Awaits `op()` `iters` times in a row inside one `block_on`, and times the loop
/// alone (not the `block_on` around it).
pub fn run_async<F, Fut>(rt: &Runtime, iters: u64, mut op: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: Future<Output = ()>,
{
    rt.block_on(async {
        let start = Instant::now();
        for _ in 0..iters {
            op().await;
        }
        start.elapsed()
    })
}

/// Like [`run_async`], inside one spawned task (so `tokio::task::try_id()` is
/// set, as in a real service), timing the loop alone.
pub fn run_in_task<F, Fut>(rt: &Runtime, iters: u64, mut op: F) -> Duration
where
    F: FnMut() -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    rt.block_on(async move {
        tokio::spawn(async move {
            let start = Instant::now();
            for _ in 0..iters {
                op().await;
            }
            start.elapsed()
        })
        .await
        .expect("the benchmark task")
    })
}
