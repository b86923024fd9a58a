//! Real threads and tasks on a real parking_lot mutex behind a [`Wake`]: async
//! waiters (a multi-thread tokio runtime) and blocking threads take turns, and
//! every increment must arrive. A lost wake-up leaves an async waiter asleep on
//! the free lock once the blocking threads are done, which the watchdog
//! reports. Each barrier mode is run: the one this machine gives, and, in a
//! child process of this test binary, a kernel that refuses `membarrier` (the
//! fence mode) and one that stops taking it after the registration (the
//! waiters poll instead of sleeping).

use core::future::poll_fn;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::{RawGuard, UNFENCED, Waiter, Wake};

const THREADS: usize = 2;
const TASKS: usize = 4;
const ROUNDS: usize = 2_000;
/// The longest a blocking thread holds the lock waiting for a sleeper.
const HOLD: Duration = Duration::from_micros(200);
const WATCHDOG: Duration = Duration::from_secs(60);

struct Counter {
    lock: parking_lot::Mutex<usize>,
    wake: Wake,
    /// Times an async waiter went to sleep (returned `Pending`).
    sleeps: AtomicUsize,
    /// Blocking threads started: the tasks wait for all of them, so that
    /// the two kinds overlap however the machine schedules them.
    started: AtomicUsize,
}

type Guard<'a> = RawGuard<'a, parking_lot::MutexGuard<'a, usize>>;

impl Counter {
    fn lock_blocking(&self) -> Guard<'_> {
        RawGuard::new(self.lock.lock(), &self.wake)
    }

    /// What an async `lock_all` does for a blocking lock.
    async fn lock_async(&self) -> Guard<'_> {
        let mut waiter = Waiter::new(&self.wake);
        poll_fn(|cx| {
            let poll =
                waiter.poll_try(cx, || Some(RawGuard::new(self.lock.try_lock()?, &self.wake)));
            if poll.is_pending() {
                self.sleeps.fetch_add(1, Ordering::Relaxed);
            }
            poll
        })
        .await
    }
}

/// What a run of [`take_turns`] ends with.
struct Outcome {
    count: usize,
    sleeps: usize,
    /// Releases of the lock skip their fence.
    unfenced: bool,
}

/// Runs the threads and tasks.
fn take_turns() -> Outcome {
    let counter = Arc::new(Counter {
        lock: parking_lot::Mutex::new(0),
        wake: Wake::one_at_a_time(),
        sleeps: AtomicUsize::new(0),
        started: AtomicUsize::new(0),
    });
    let (done, finished) = mpsc::channel();
    let worker = {
        let counter = counter.clone();
        std::thread::spawn(move || {
            let runtime =
                tokio::runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap();
            let threads: Vec<_> = (0..THREADS)
                .map(|_| {
                    let counter = counter.clone();
                    std::thread::spawn(move || {
                        counter.started.fetch_add(1, Ordering::Relaxed);
                        for _ in 0..ROUNDS {
                            let mut guard = counter.lock_blocking();
                            *guard.guard += 1;
                            // Hold it until an async waiter sleeps on it (or a
                            // moment passed), so that releases race waiters.
                            let sleeps = counter.sleeps.load(Ordering::Relaxed);
                            let held = Instant::now();
                            while counter.sleeps.load(Ordering::Relaxed) == sleeps
                                && held.elapsed() < HOLD
                            {
                                std::thread::yield_now();
                            }
                        }
                    })
                })
                .collect();
            runtime.block_on(async {
                let tasks: Vec<_> = (0..TASKS)
                    .map(|_| {
                        let counter = counter.clone();
                        tokio::spawn(async move {
                            while counter.started.load(Ordering::Relaxed) < THREADS {
                                tokio::task::yield_now().await;
                            }
                            for _ in 0..ROUNDS {
                                {
                                    let mut guard = counter.lock_async().await;
                                    *guard.guard += 1;
                                }
                                tokio::task::yield_now().await;
                            }
                        })
                    })
                    .collect();
                for task in tasks {
                    task.await.unwrap();
                }
            });
            for thread in threads {
                thread.join().unwrap();
            }
            done.send(()).unwrap();
        })
    };
    if finished.recv_timeout(WATCHDOG).is_err() {
        panic!(
            "watchdog: not done after {WATCHDOG:?} (count {} of {}): an async waiter sleeps \
             on a free lock, a lost wake-up",
            *counter.lock.lock(),
            (THREADS + TASKS) * ROUNDS
        );
    }
    worker.join().unwrap();
    let count = *counter.lock.lock();
    Outcome {
        count,
        sleeps: counter.sleeps.load(Ordering::Relaxed),
        unfenced: unfenced(&counter.wake),
    }
}

fn unfenced(wake: &Wake) -> bool {
    wake.state.load(Ordering::Relaxed) & UNFENCED != 0
}

/// Returns whether the releases skipped their fence in the end.
fn assert_every_increment_arrives() -> bool {
    let outcome = take_turns();
    assert_eq!(outcome.count, (THREADS + TASKS) * ROUNDS);
    // Not vacuous: the waiters did wait for the blocking threads.
    assert!(outcome.sleeps > 0, "no async waiter ever waited");
    outcome.unfenced
}

#[test]
fn async_waiters_are_never_left_asleep_on_a_free_lock() {
    let unfenced = assert_every_increment_arrives();
    assert_eq!(unfenced, crate::shim::barrier::asymmetric());
}

#[cfg(any(target_os = "linux", target_os = "android"))]
mod kernels {
    use std::process::Command;

    use rustix::thread::{MembarrierCommand, membarrier_query};

    use super::{Wake, assert_every_increment_arrives, unfenced};
    use crate::shim::barrier::{self, TEST_KERNEL_VARIABLE};

    /// Where the kernel offers the expedited barrier, releases use it from the
    /// first release on, in a process where no async task ever waited.
    #[test]
    fn releases_skip_their_fence_once_the_kernel_offers_membarrier() {
        if !plays("offered") {
            return in_child(
                "releases_skip_their_fence_once_the_kernel_offers_membarrier",
                "offered",
            );
        }
        let wake = Wake::one_at_a_time();
        assert!(!unfenced(&wake), "a new lock starts fenced");
        // The first release starts the registration without waiting for it.
        wake.released();
        let offered = membarrier_query().contains_command(MembarrierCommand::PrivateExpedited);
        assert_eq!(barrier::asymmetric(), offered);
        // Once it is done, the next release of the lock stops fencing.
        wake.released();
        assert_eq!(unfenced(&wake), offered);
    }

    /// Runs the test `name` of this module in a child process whose kernel
    /// plays `behaviour`; the child sees the variable and runs the real test.
    fn in_child(name: &str, behaviour: &str) {
        let module = module_path!().split_once("::").unwrap().1;
        let status = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", &format!("{module}::{name}"), "--nocapture", "--test-threads=1"])
            .env(TEST_KERNEL_VARIABLE, behaviour)
            .status()
            .unwrap();
        assert!(status.success(), "the child test {name} ({behaviour}) failed: {status}");
    }

    fn plays(behaviour: &str) -> bool {
        std::env::var(TEST_KERNEL_VARIABLE).is_ok_and(|value| value == behaviour)
    }

    /// Registration refused: releases and waiters fence, as before membarrier.
    #[test]
    fn no_wake_up_is_lost_when_the_kernel_refuses_membarrier() {
        if !plays("refused") {
            return in_child("no_wake_up_is_lost_when_the_kernel_refuses_membarrier", "refused");
        }
        assert!(!assert_every_increment_arrives(), "releases must keep their fence");
        assert!(!barrier::asymmetric());
    }

    /// Registration accepted, every barrier after it refused: releases skip
    /// their fence, so waiters must poll instead of sleeping.
    #[test]
    fn no_wake_up_is_lost_when_the_kernel_revokes_membarrier() {
        if !plays("revoked") {
            return in_child("no_wake_up_is_lost_when_the_kernel_revokes_membarrier", "revoked");
        }
        assert!(assert_every_increment_arrives(), "the registration was accepted");
        assert!(!barrier::heavy(), "every barrier is refused");
    }
}
