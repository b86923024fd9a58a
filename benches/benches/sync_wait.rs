//! How an async `lock_all`/`lock_many` waits for a blocking `sync` lock held
//! elsewhere: the CPU time the waiting thread burns during a 500 ms hold, and
//! the delay from the release to the waiter holding the lock. Printed, not
//! asserted (`cargo bench -p lockladder-benches --bench sync_wait`).
//!
//! A waiter that yields and retries keeps its thread busy for the whole hold
//! (about 500 ms of CPU); one that sleeps until the release should use well
//! under 5% of it. The blocking `lock_all_blocking` on a plain thread and a
//! raw parking_lot `lock` are shown for comparison. CPU time is the waiting
//! thread's own, from `/proc/thread-self/schedstat` (Linux).

#![allow(missing_docs, reason = "a benchmark binary")]

use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use lockladder::{LockToken, Mutex, lock_level, sync};

#[lock_level(10)]
enum Shard {}
#[lock_level(20)]
enum Ledger {}

const HOLD: Duration = Duration::from_millis(500);
const RUNS: usize = 5;

/// CPU time the calling thread has used so far, if the kernel says.
fn thread_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos: u64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanos))
}

/// One wait: `hold` keeps the lock for `HOLD` on another thread and returns
/// the instant it let go; `wait` takes it on this thread and returns the
/// instant it got it. Returns (CPU used by this thread while waiting, delay
/// from release to acquisition).
fn measure(
    hold: impl FnOnce(&dyn Fn()) -> Instant + Send,
    wait: impl FnOnce() -> Instant,
) -> (Duration, Duration) {
    thread::scope(|scope| {
        let (held_tx, held_rx) = mpsc::channel();
        let holder = scope.spawn(move || hold(&|| held_tx.send(()).expect("the waiter listens")));
        held_rx.recv().expect("the holder took the lock");
        let cpu_before = thread_cpu().unwrap_or_default();
        let acquired = wait();
        let cpu = thread_cpu().unwrap_or_default().saturating_sub(cpu_before);
        let released = holder.join().expect("the holder finished");
        (cpu, acquired.saturating_duration_since(released))
    })
}

fn report(name: &str, mut runs: Vec<(Duration, Duration)>) {
    runs.sort();
    let (cpu, _) = runs[runs.len() / 2];
    let mut delays: Vec<Duration> = runs.iter().map(|&(_, delay)| delay).collect();
    delays.sort();
    let delay = delays[delays.len() / 2];
    println!(
        "{name:<34} cpu while waiting {:>8.2} ms ({:>5.2}% of the {} ms hold)   release -> held {:>7.1} us",
        cpu.as_secs_f64() * 1e3,
        cpu.as_secs_f64() / HOLD.as_secs_f64() * 100.0,
        HOLD.as_millis(),
        delay.as_secs_f64() * 1e6,
    );
}

/// Holds `lock` for `HOLD` with a blocking `lock`, and returns when it let go.
fn hold_for(lock: &sync::Mutex<u64, Ledger>, held: &dyn Fn()) -> Instant {
    let mut token = LockToken::new();
    let (guard, _token) = lock.lock(&mut token);
    held();
    thread::sleep(HOLD);
    let released = Instant::now();
    drop(guard);
    released
}

fn main() {
    if thread_cpu().is_none() {
        println!("(no /proc/thread-self/schedstat here: CPU times read as 0)");
    }
    let runtime = tokio::runtime::Builder::new_current_thread().build().expect("a runtime");
    let ledger: sync::Mutex<u64, Ledger> = sync::Mutex::with_level(0);
    let shard: Mutex<u64, Shard> = Mutex::with_level(0);
    let shards: Vec<sync::Mutex<u64, Ledger>> = (0..2).map(sync::Mutex::with_level).collect();

    let runs = (0..RUNS)
        .map(|_| {
            measure(
                |held| hold_for(&ledger, held),
                || {
                    runtime.block_on(async {
                        let mut token = LockToken::new();
                        let (_guards, _token) = token.lock_all((&shard, &ledger)).await;
                        Instant::now()
                    })
                },
            )
        })
        .collect();
    report("async lock_all (async + sync lock)", runs);

    let runs = (0..RUNS)
        .map(|_| {
            measure(
                |held| hold_for(&shards[1], held),
                || {
                    runtime.block_on(async {
                        let mut token = LockToken::new();
                        let (_guards, _token) = token.lock_many(&shards).await;
                        Instant::now()
                    })
                },
            )
        })
        .collect();
    report("async lock_many (2 sync locks)", runs);

    let runs = (0..RUNS)
        .map(|_| {
            measure(
                |held| hold_for(&ledger, held),
                || {
                    let mut token = LockToken::new();
                    let (_guards, _token) = token.lock_all_blocking((&ledger,));
                    Instant::now()
                },
            )
        })
        .collect();
    report("lock_all_blocking (plain thread)", runs);

    let raw = parking_lot::Mutex::new(0u64);
    let runs = (0..RUNS)
        .map(|_| {
            measure(
                |held| {
                    let guard = raw.lock();
                    held();
                    thread::sleep(HOLD);
                    let released = Instant::now();
                    drop(guard);
                    released
                },
                || {
                    let _guard = raw.lock();
                    Instant::now()
                },
            )
        })
        .collect();
    report("parking_lot lock (baseline)", runs);
}
