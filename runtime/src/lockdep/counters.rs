//! The statistics of one call site: kept per thread, summed when read.
//!
//! Every thread that takes a lock at a site counts into counters of its own
//! (plain loads and stores, no read-modify-write, no shared cache line), which
//! the site lists so that a report can add them up while they are in use. When
//! the thread exits, or its cache gives the slot to another site, its counters
//! are added into the site's shared ones and go back to a pool for reuse. Holds
//! released on another thread than the one that took them (a guard moved
//! away) count into the shared counters directly, with atomic additions.

use core::time::Duration;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use super::histogram::{Histogram, Snapshot, bump};

/// Acquisitions, contention, waits and holds of one site.
pub(crate) struct Counters {
    acquisitions: AtomicU64,
    /// Acquisitions granted with timing off: their holds are not timed.
    untimed: AtomicU64,
    contended: AtomicU64,
    /// Waits of contended acquisitions, from the first failed attempt to the grant.
    wait: Histogram,
    hold: Histogram,
}

/// What a report reads from a site's counters.
#[derive(Default, Clone, Copy)]
pub(crate) struct Counts {
    pub(crate) acquisitions: u64,
    pub(crate) untimed: u64,
    pub(crate) contended: u64,
    pub(crate) wait: Snapshot,
    pub(crate) hold: Snapshot,
}

impl Counts {
    /// These counts with the holds no release counted: a timed hold that
    /// ended in the coarse tick it started in (most holds) is counted by
    /// nobody when it ends, to keep the release cheap, and is read here as
    /// the difference: every timed grant (`acquisitions - untimed`) whose hold
    /// was neither counted at its end nor is `live` (still going on) ended
    /// zero ticks long.
    pub(crate) fn with_zero_holds(mut self, live: u64) -> Counts {
        let timed = self.acquisitions.saturating_sub(self.untimed);
        let accounted = self.hold.count().saturating_add(live);
        self.hold.add_zero_holds(timed.saturating_sub(accounted));
        self
    }

    pub(crate) fn merge(&mut self, other: &Counts) {
        self.acquisitions += other.acquisitions;
        self.untimed += other.untimed;
        self.contended += other.contended;
        self.wait.merge(&other.wait);
        self.hold.merge(&other.hold);
    }
}

impl Counters {
    pub(crate) const fn new() -> Self {
        Counters {
            acquisitions: AtomicU64::new(0),
            untimed: AtomicU64::new(0),
            contended: AtomicU64::new(0),
            wait: Histogram::new(),
            hold: Histogram::new(),
        }
    }

    /// A grant, counted by the thread that owns these counters; `timed`: its
    /// hold is timed (see [`Counts::with_zero_holds`]).
    #[inline]
    pub(crate) fn grant_owned(&self, waited: Option<Duration>, timed: bool) {
        bump(&self.acquisitions, 1);
        if !timed {
            bump(&self.untimed, 1);
        }
        if let Some(waited) = waited {
            bump(&self.contended, 1);
            self.wait.record_owned(waited);
        }
    }

    /// A grant, counted into counters that several threads write.
    pub(crate) fn grant_shared(&self, waited: Option<Duration>, timed: bool) {
        self.acquisitions.fetch_add(1, Ordering::Relaxed);
        if !timed {
            self.untimed.fetch_add(1, Ordering::Relaxed);
        }
        if let Some(waited) = waited {
            self.contended.fetch_add(1, Ordering::Relaxed);
            self.wait.record(waited);
        }
    }

    /// A hold of `nanos`, counted by the thread that owns these counters.
    #[inline]
    pub(crate) fn hold_owned(&self, nanos: u64) {
        self.hold.record_owned_nanos(nanos);
    }

    /// A hold of `nanos`, counted into counters that several threads write.
    pub(crate) fn hold_shared(&self, nanos: u64) {
        self.hold.record_nanos(nanos);
    }

    pub(crate) fn counts(&self) -> Counts {
        Counts {
            acquisitions: self.acquisitions.load(Ordering::Relaxed),
            untimed: self.untimed.load(Ordering::Relaxed),
            contended: self.contended.load(Ordering::Relaxed),
            wait: self.wait.snapshot(),
            hold: self.hold.snapshot(),
        }
    }

    /// Adds `other` into these (shared) counters.
    fn absorb(&self, other: &Counters) {
        self.acquisitions.fetch_add(other.acquisitions.load(Ordering::Relaxed), Ordering::Relaxed);
        self.untimed.fetch_add(other.untimed.load(Ordering::Relaxed), Ordering::Relaxed);
        self.contended.fetch_add(other.contended.load(Ordering::Relaxed), Ordering::Relaxed);
        self.wait.absorb(&other.wait);
        self.hold.absorb(&other.hold);
    }

    fn clear(&self) {
        self.acquisitions.store(0, Ordering::Relaxed);
        self.untimed.store(0, Ordering::Relaxed);
        self.contended.store(0, Ordering::Relaxed);
        self.wait.clear();
        self.hold.clear();
    }
}

/// A site's counters: the shared ones and those of each thread using it now.
pub(crate) struct SiteCounters {
    shared: Counters,
    threads: Mutex<Vec<&'static Counters>>,
}

/// Counters given back by exited threads and evicted cache slots, cleared.
static POOL: Mutex<Vec<&'static Counters>> = Mutex::new(Vec::new());

impl SiteCounters {
    pub(crate) const fn new() -> Self {
        SiteCounters { shared: Counters::new(), threads: Mutex::new(Vec::new()) }
    }

    pub(crate) fn shared(&self) -> &Counters {
        &self.shared
    }

    /// Counters for the calling thread to own, listed with this site.
    #[cold]
    pub(crate) fn attach(&self) -> &'static Counters {
        let reused = POOL.lock().unwrap_or_else(PoisonError::into_inner).pop();
        // Leaked on purpose: the pool bounds them by the threads that use a
        // site at once, and reports read them without counting references.
        let counters = reused.unwrap_or_else(|| Box::leak(Box::new(Counters::new())));
        self.threads.lock().unwrap_or_else(PoisonError::into_inner).push(counters);
        counters
    }

    /// The calling thread is done with `counters`: adds them into the shared
    /// ones, under the same lock a report reads them with, so nothing is
    /// counted twice or lost.
    #[cold]
    pub(crate) fn detach(&self, counters: &'static Counters) {
        {
            let mut threads = self.threads.lock().unwrap_or_else(PoisonError::into_inner);
            self.shared.absorb(counters);
            if let Some(index) = threads.iter().position(|c| core::ptr::eq(*c, counters)) {
                threads.swap_remove(index);
            }
        }
        counters.clear();
        POOL.lock().unwrap_or_else(PoisonError::into_inner).push(counters);
    }

    /// Everything counted at this site so far.
    pub(crate) fn counts(&self) -> Counts {
        let threads = self.threads.lock().unwrap_or_else(PoisonError::into_inner);
        let mut total = self.shared.counts();
        for counters in threads.iter() {
            total.merge(&counters.counts());
        }
        total
    }
}
