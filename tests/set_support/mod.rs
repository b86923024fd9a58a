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
