//! Durations counted in power-of-two buckets, lock-free.

use core::time::Duration;
use std::sync::atomic::{AtomicU64, Ordering};

/// Bucket `i` counts durations of `2^(i-1) ..= 2^i - 1` nanoseconds (bucket 0:
/// zero); the last one also counts everything longer (2^38 ns is about 4.6 minutes).
pub(crate) const BUCKETS: usize = 40;

/// Count, total, maximum and distribution of recorded durations. Each record is
/// two or three relaxed atomic updates: no lock, so recording never waits. A
/// histogram written by one thread only (a thread's own counters) records with
/// plain loads and stores ([`record_owned`](Histogram::record_owned)), which
/// cost a fraction of a read-modify-write; other threads only read it.
pub(crate) struct Histogram {
    total_nanos: AtomicU64,
    max_nanos: AtomicU64,
    buckets: [AtomicU64; BUCKETS],
}

impl Histogram {
    pub(crate) const fn new() -> Self {
        Histogram {
            total_nanos: AtomicU64::new(0),
            max_nanos: AtomicU64::new(0),
            buckets: [const { AtomicU64::new(0) }; BUCKETS],
        }
    }

    pub(crate) fn record(&self, duration: Duration) {
        self.record_nanos(nanos_of(duration));
    }

    /// Records a duration given in nanoseconds.
    pub(crate) fn record_nanos(&self, nanos: u64) {
        self.buckets[bucket(nanos)].fetch_add(1, Ordering::Relaxed);
        self.total_nanos.fetch_add(nanos, Ordering::Relaxed);
        // Most records are not a new maximum: a plain load spares the
        // read-modify-write, which is the expensive part.
        if nanos > self.max_nanos.load(Ordering::Relaxed) {
            self.max_nanos.fetch_max(nanos, Ordering::Relaxed);
        }
    }

    /// Records as [`record`](Histogram::record) does, for a histogram that only
    /// the calling thread writes: no read-modify-write.
    #[inline]
    pub(crate) fn record_owned(&self, duration: Duration) {
        self.record_owned_nanos(nanos_of(duration));
    }

    /// Records as [`record_owned`](Histogram::record_owned) does, in nanoseconds.
    #[inline]
    pub(crate) fn record_owned_nanos(&self, nanos: u64) {
        if nanos == 0 {
            // Most holds by the coarse clock: only the count changes.
            bump(&self.buckets[0], 1);
            return;
        }
        bump(&self.buckets[bucket(nanos)], 1);
        bump(&self.total_nanos, nanos);
        if nanos > self.max_nanos.load(Ordering::Relaxed) {
            self.max_nanos.store(nanos, Ordering::Relaxed);
        }
    }

    /// Adds everything `other` recorded (a thread's counters, flushed).
    pub(crate) fn absorb(&self, other: &Histogram) {
        let other = other.snapshot();
        for (mine, theirs) in self.buckets.iter().zip(other.buckets) {
            if theirs != 0 {
                mine.fetch_add(theirs, Ordering::Relaxed);
            }
        }
        self.total_nanos.fetch_add(other.total_nanos, Ordering::Relaxed);
        self.max_nanos.fetch_max(other.max_nanos, Ordering::Relaxed);
    }

    /// Back to empty, for counters about to be reused.
    pub(crate) fn clear(&self) {
        for bucket in &self.buckets {
            bucket.store(0, Ordering::Relaxed);
        }
        self.total_nanos.store(0, Ordering::Relaxed);
        self.max_nanos.store(0, Ordering::Relaxed);
    }

    pub(crate) fn snapshot(&self) -> Snapshot {
        Snapshot {
            total_nanos: self.total_nanos.load(Ordering::Relaxed),
            max_nanos: self.max_nanos.load(Ordering::Relaxed),
            buckets: core::array::from_fn(|i| self.buckets[i].load(Ordering::Relaxed)),
        }
    }
}

/// A copy of a [`Histogram`], which can be merged with others (a level's sites).
#[derive(Clone, Copy)]
pub(crate) struct Snapshot {
    total_nanos: u64,
    max_nanos: u64,
    buckets: [u64; BUCKETS],
}

impl Default for Snapshot {
    fn default() -> Self {
        Snapshot { total_nanos: 0, max_nanos: 0, buckets: [0; BUCKETS] }
    }
}

impl Snapshot {
    pub(crate) fn merge(&mut self, other: &Snapshot) {
        self.total_nanos = self.total_nanos.saturating_add(other.total_nanos);
        self.max_nanos = self.max_nanos.max(other.max_nanos);
        for (mine, theirs) in self.buckets.iter_mut().zip(other.buckets) {
            *mine += theirs;
        }
    }

    pub(crate) fn count(&self) -> u64 {
        self.buckets.iter().sum()
    }

    /// Adds `count` durations of zero.
    pub(crate) fn add_zero_holds(&mut self, count: u64) {
        self.buckets[0] += count;
    }

    pub(crate) fn total(&self) -> Duration {
        Duration::from_nanos(self.total_nanos)
    }

    pub(crate) fn max(&self) -> Duration {
        Duration::from_nanos(self.max_nanos)
    }

    /// The upper bound of the bucket that holds the 99th percentile, capped at
    /// the maximum: at most twice the true value, never above the slowest.
    pub(crate) fn p99(&self) -> Duration {
        let count = self.count();
        if count == 0 {
            return Duration::ZERO;
        }
        // The rank of the 99th percentile sample, rounded up (1-based).
        let rank = count - count / 100;
        let mut seen = 0;
        for (index, in_bucket) in self.buckets.iter().enumerate() {
            seen += in_bucket;
            if seen >= rank {
                return Duration::from_nanos(upper_bound(index).min(self.max_nanos));
            }
        }
        self.max()
    }
}

/// Adds `by` to a counter that only the calling thread writes.
#[inline]
pub(crate) fn bump(counter: &AtomicU64, by: u64) {
    counter.store(counter.load(Ordering::Relaxed).wrapping_add(by), Ordering::Relaxed);
}

fn nanos_of(duration: Duration) -> u64 {
    u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)
}

#[inline]
fn bucket(nanos: u64) -> usize {
    let bits = (u64::BITS - nanos.leading_zeros()) as usize;
    bits.min(BUCKETS - 1)
}

fn upper_bound(bucket: usize) -> u64 {
    if bucket >= BUCKETS - 1 { u64::MAX } else { (1u64 << bucket) - 1 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_powers_of_two() {
        assert_eq!(bucket(0), 0);
        assert_eq!(bucket(1), 1);
        assert_eq!(bucket(2), 2);
        assert_eq!(bucket(3), 2);
        assert_eq!(bucket(1024), 11);
        assert_eq!(bucket(u64::MAX), BUCKETS - 1);
        assert_eq!(upper_bound(11), 2047);
    }

    #[test]
    fn p99_is_the_bucket_bound_of_the_99th_sample_capped_at_max() {
        let histogram = Histogram::new();
        for _ in 0..99 {
            histogram.record(Duration::from_nanos(100));
        }
        histogram.record(Duration::from_nanos(5_000));
        let snapshot = histogram.snapshot();
        assert_eq!(snapshot.count(), 100);
        assert_eq!(snapshot.max(), Duration::from_nanos(5_000));
        assert_eq!(snapshot.total(), Duration::from_nanos(99 * 100 + 5_000));
        // 100 ns is in the 64..=127 bucket.
        assert_eq!(snapshot.p99(), Duration::from_nanos(127));

        histogram.record(Duration::from_nanos(5_000));
        // Now 2 of 101 are slow: the 99th percentile is one of them, capped at max.
        assert_eq!(histogram.snapshot().p99(), Duration::from_nanos(5_000));
    }

    #[test]
    fn merged_snapshots_add_counts_and_keep_the_larger_max() {
        let (a, b) = (Histogram::new(), Histogram::new());
        a.record(Duration::from_nanos(10));
        b.record(Duration::from_nanos(30));
        b.record(Duration::from_nanos(20));
        let mut merged = a.snapshot();
        merged.merge(&b.snapshot());
        assert_eq!(merged.count(), 3);
        assert_eq!(merged.max(), Duration::from_nanos(30));
        assert_eq!(merged.total(), Duration::from_nanos(60));
    }
}
