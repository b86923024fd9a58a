//! Shared by the multi-lock tests: a seeded generator and a watchdog.

#![allow(dead_code)]

use std::future::Future;
use std::time::Duration;

/// xorshift64*: deterministic per seed, no dependency.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..bound`.
    pub fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }

    /// `count` distinct indices of `0..len`, in random order.
    pub fn distinct(&mut self, len: usize, count: usize) -> Vec<usize> {
        let mut all: Vec<usize> = (0..len).collect();
        for i in (1..len).rev() {
            all.swap(i, self.below(i + 1));
        }
        all.truncate(count);
        all
    }
}

/// A number from the environment, for bigger runs than CI's.
pub fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|value| value.parse().ok()).unwrap_or(default)
}

pub fn multi_thread_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(4).enable_time().build().unwrap()
}

/// Fails the test if `work` has not finished in `limit`: a deadlock watchdog,
/// never a measurement.
pub async fn watchdog<F: Future>(limit: Duration, work: F) -> F::Output {
    tokio::time::timeout(limit, work)
        .await
        .unwrap_or_else(|_| panic!("deadlock: not finished within the {limit:?} watchdog"))
}

/// Runs `work` on another thread and returns its result. Another thread is
/// another task to the runtime safety net (`lockdep`), so a lock taken or
/// tried there with its own root token is not an order violation of this one.
pub fn elsewhere<R: Send>(work: impl FnOnce() -> R + Send) -> R {
    std::thread::scope(|scope| scope.spawn(work).join().unwrap())
}

/// A lock held by another thread until [`Held::release`].
pub struct Held<'scope> {
    release: std::sync::mpsc::Sender<()>,
    thread: std::thread::ScopedJoinHandle<'scope, ()>,
}

impl Held<'_> {
    /// Releases the lock and waits until it is released.
    pub fn release(self) {
        self.release.send(()).unwrap();
        self.thread.join().unwrap();
    }
}

/// Runs `hold` on another thread and returns once it calls the wait it is
/// given: `hold` takes a lock, then waits while holding it until
/// [`Held::release`].
pub fn hold_elsewhere<'scope>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    hold: impl FnOnce(Box<dyn FnOnce() + '_>) + Send + 'scope,
) -> Held<'scope> {
    let (held_tx, held_rx) = std::sync::mpsc::channel();
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    let thread = scope.spawn(move || {
        hold(Box::new(move || {
            held_tx.send(()).unwrap();
            release_rx.recv().unwrap();
        }));
    });
    held_rx.recv().unwrap();
    Held { release: release_tx, thread }
}
