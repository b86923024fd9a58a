//! Runs one `lockdep` benchmark case a given number of times, untimed, for an
//! instruction count under callgrind (load-independent, unlike criterion on a
//! shared machine):
//!
//! ```sh
//! cargo bench -p lockladder-benches --bench lockdep_probe --features lockdep --no-run
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null --toggle-collect='*measured*' \
//!     target/release/deps/lockdep_probe-HASH sync-one 200000
//! ```
//!
//! Instructions per round = the difference between two counts (say 20000 and
//! 60000 rounds) divided by the difference in rounds, which cancels the set-up.
//! With `PROBE_TIME=1` it prints the nanoseconds per round as well.
//! Cases: `parking_lot-one`, `tracing-one`, `sync-one`, `sync-nested`,
//! `parking_lot-nested`, `tracing-nested`, `tokio-one`, `async-one`,
//! `tokio-nested`, `async-nested`, `task-one`; `-untimed` / `-precise` after a
//! lockladder case picks that timing.

#![allow(missing_docs, reason = "a probe binary")]

use std::hint::black_box;

use lockladder::{LockToken, lock_level, sync};

#[lock_level(10)]
enum Counter {}
#[lock_level(20)]
enum Total {}

fn main() {
    let mut args = std::env::args().skip(1).filter(|arg| arg != "--bench");
    let case = args.next().unwrap_or_default();
    let rounds: u64 = args.next().and_then(|n| n.parse().ok()).unwrap_or(100_000);
    #[cfg(feature = "lockdep")]
    {
        use lockladder::lockdep::{TimingMode, set_timing};
        if case.ends_with("-untimed") {
            set_timing(TimingMode::Off);
        } else if case.ends_with("-precise") {
            set_timing(TimingMode::Precise);
        }
    }
    let case = case.trim_end_matches("-untimed").trim_end_matches("-precise");
    let rt = tokio::runtime::Builder::new_current_thread().build().expect("a runtime");
    // A first run starts what starts once (clocks, caches, the runtime), so
    // that the run counted costs what every later round costs.
    run(&rt, case, 1_000);
    // What starts on a thread of its own (the coarse clock; the membarrier
    // registration, until which a blocking release fences) has started.
    std::thread::sleep(std::time::Duration::from_millis(100));
    run(&rt, case, 1_000);
    let start = std::time::Instant::now();
    measured(|| run(&rt, case, rounds));
    // `PROBE_TIME=1`: the time per round too (many short runs of two builds,
    // alternated, compare them on a noisy machine better than one long run).
    if std::env::var_os("PROBE_TIME").is_some() {
        println!("{:.3}", start.elapsed().as_nanos() as f64 / rounds as f64);
    }
}

/// What callgrind counts: `--toggle-collect='*measured*'`.
#[inline(never)]
fn measured(run: impl FnOnce()) {
    run();
}

fn run(rt: &tokio::runtime::Runtime, case: &str, rounds: u64) {
    match case {
        "parking_lot-one" => {
            let lock = parking_lot::Mutex::new(0u64);
            for _ in 0..rounds {
                *black_box(&lock).lock() += 1;
            }
        }
        "parking_lot-nested" => {
            let locks = (parking_lot::Mutex::new(0u64), parking_lot::Mutex::new(0u64));
            for _ in 0..rounds {
                let locks = black_box(&locks);
                let mut count = locks.0.lock();
                *locks.1.lock() += *count;
                *count += 1;
            }
        }
        "tracing-one" => {
            let lock = tracing_mutex::stdsync::tracing::Mutex::new(0u64);
            for _ in 0..rounds {
                *black_box(&lock).lock().expect("not poisoned") += 1;
            }
        }
        "tracing-nested" => {
            let locks = (
                tracing_mutex::stdsync::tracing::Mutex::new(0u64),
                tracing_mutex::stdsync::tracing::Mutex::new(0u64),
            );
            for _ in 0..rounds {
                let locks = black_box(&locks);
                let mut count = locks.0.lock().expect("not poisoned");
                *locks.1.lock().expect("not poisoned") += *count;
                *count += 1;
            }
        }
        "sync-one" => {
            let lock: sync::Mutex<u64, Counter> = sync::Mutex::with_level(0);
            let mut token = LockToken::new();
            for _ in 0..rounds {
                let (mut guard, _token) = black_box(&lock).lock(&mut token);
                *guard += 1;
            }
        }
        "sync-nested" => {
            let locks: (sync::Mutex<u64, Counter>, sync::Mutex<u64, Total>) =
                (sync::Mutex::with_level(0), sync::Mutex::with_level(0));
            let mut token = LockToken::new();
            for _ in 0..rounds {
                let locks = black_box(&locks);
                let (mut count, mut token) = locks.0.lock(&mut token);
                let (mut total, _token) = locks.1.lock(&mut token);
                *total += *count;
                *count += 1;
            }
        }
        "tokio-one" => rt.block_on(async {
            let lock = tokio::sync::Mutex::new(0u64);
            for _ in 0..rounds {
                *black_box(&lock).lock().await += 1;
            }
        }),
        "tokio-nested" => rt.block_on(async {
            let locks = (tokio::sync::Mutex::new(0u64), tokio::sync::Mutex::new(0u64));
            for _ in 0..rounds {
                let locks = black_box(&locks);
                let mut count = locks.0.lock().await;
                *locks.1.lock().await += *count;
                *count += 1;
            }
        }),
        "async-one" => rt.block_on(async {
            let lock: lockladder::Mutex<u64, Counter> = lockladder::Mutex::with_level(0);
            let mut token = LockToken::new();
            for _ in 0..rounds {
                let (mut guard, _token) = black_box(&lock).lock(&mut token).await;
                *guard += 1;
            }
        }),
        "async-nested" => rt.block_on(async {
            let locks: (lockladder::Mutex<u64, Counter>, lockladder::Mutex<u64, Total>) =
                (lockladder::Mutex::with_level(0), lockladder::Mutex::with_level(0));
            let mut token = LockToken::new();
            for _ in 0..rounds {
                let locks = black_box(&locks);
                let (mut count, mut token) = locks.0.lock(&mut token).await;
                let (mut total, _token) = locks.1.lock(&mut token).await;
                *total += *count;
                *count += 1;
            }
        }),
        "task-one" => rt.block_on(async {
            tokio::spawn(async move {
                let lock: lockladder::Mutex<u64, Counter> = lockladder::Mutex::with_level(0);
                let mut token = LockToken::new();
                for _ in 0..rounds {
                    let (mut guard, _token) = black_box(&lock).lock(&mut token).await;
                    *guard += 1;
                }
            })
            .await
            .expect("the probe task");
        }),
        other => panic!("unknown case `{other}`"),
    }
}
