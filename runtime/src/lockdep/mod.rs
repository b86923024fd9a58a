//! The runtime safety net: per-task level tracking, statistics and long-hold
//! warnings (feature `lockdep`).
//!
//! The types check one token's lineage. They cannot see a second root token
//! minted in the same task, a lock held far too long, or a lock held across slow
//! I/O. With the `lockdep` feature every acquisition also records, per task (the
//! tokio task, or the thread outside any task), the level taken and the call
//! site, and:
//!
//! * panics when a task takes a level at or below one it already holds through
//!   any token, naming both locks, both levels and both call sites. The check
//!   runs when `lock`/`read`/`write` is called, before waiting, so the would-be
//!   deadlock is reported instead of hanging (and again when the lock is
//!   granted, for futures polled together);
//! * counts acquisitions, contended acquisitions, wait and hold times per level
//!   and per call site, read with [`stats::report`](crate::stats::report);
//! * sends a `tracing` warning when a guard was held for at least
//!   [`long_hold_threshold`] (100 ms unless [set](set_long_hold_threshold));
//! * records each distinct nesting it sees, "`A` held while `B` taken", with
//!   both call sites and a count: [`observed_edges`], drawn over the declared
//!   hierarchy by `observed_hierarchy` (with the `hierarchy` feature too).
//!
//! It is meant for tests, staging and debug builds. Code outside any tokio task
//! (plain threads, `block_on`) keeps its held levels and its counters in its
//! thread's own storage, with no lock and no atomic read-modify-write; a tokio
//! task, which moves between threads, takes a short shard lock when a lock is
//! granted and when it is released. Timing reads the clock at the grant and the
//! release, which is most of the remaining cost: [`set_timing`] turns it off.
//! Without the feature none of this is compiled in and the locks cost what they
//! cost before.
//!
//! Futures polled together in one task (`tokio::join!`, `select!`) are one
//! task here: if each takes its own root token, their locks must still be
//! taken in ascending order with respect to each other.
//!
//! ```
//! use std::panic::{AssertUnwindSafe, catch_unwind};
//!
//! use lockladder::{lock_level, LockToken, Mutex};
//!
//! #[lock_level(10)]
//! struct Registry;
//! #[lock_level(20)]
//! struct CoinManager;
//!
//! let registry = Mutex::new(Registry);
//! let coins = Mutex::new(CoinManager);
//!
//! let mut token = LockToken::new();
//! let (_coins, _token) = coins.try_lock(&mut token).unwrap();
//! // A second root token in the same thread: the types cannot see it, lockdep can.
//! let caught = catch_unwind(AssertUnwindSafe(|| {
//!     let mut another = LockToken::new();
//!     let _ = registry.try_lock(&mut another);
//! }));
//! let message = caught.unwrap_err().downcast::<String>().unwrap();
//! assert!(message.starts_with("lock order violation: cannot acquire `Registry` (level 10) at "));
//! assert!(message.contains("while holding `CoinManager` (level 20), acquired at "));
//! ```

mod counters;
mod edges;
mod held_set;
mod histogram;
mod long_hold;
pub(crate) mod root;
pub(crate) mod site;
mod task;
mod thread_held;
mod timing;
mod violation;

use core::panic::Location;
use quanta::Instant;

#[cfg(feature = "hierarchy")]
#[cfg_attr(docsrs, doc(cfg(feature = "hierarchy")))]
pub use crate::hierarchy::observed::{LevelEdge, ObservedHierarchy, observed_hierarchy};
pub(crate) use counters::Counts;
pub use edges::{ObservedEdge, ObservedSite, observed_edges};
pub(crate) use histogram::Snapshot;
pub use long_hold::{long_hold_threshold, set_long_hold_threshold};
pub use root::{SecondRootPolicy, second_root_policy, set_second_root_policy};
pub use timing::{set_timing, timing};

use site::LocalSite;
use task::TaskKey;
use thread_held::ThreadHold;

/// An acquisition asked for and not yet granted. It holds nothing yet:
/// dropped without [`Pending::granted`] (a failed `try_*`, a cancelled future),
/// it leaves no trace but its site's record.
pub(crate) struct Pending {
    site: LocalSite,
    task: TaskKey,
    in_set: bool,
    waiting_since: Option<Instant>,
}

impl Pending {
    /// Checks the order against what the task holds; panics on a violation.
    // Inlined, as `granted` is: a pending or held record returned through
    // memory from a call is copied in 16-byte loads that cannot be forwarded
    // from the narrower stores that wrote it, a stall that `perf` put at a
    // fifth of an uncontended acquisition.
    #[inline(always)]
    #[track_caller]
    pub(crate) fn begin(
        level: u32,
        name: &'static str,
        location: &'static Location<'static>,
        in_set: bool,
    ) -> Pending {
        let site = site::site(level, name, location);
        let task = TaskKey::current();
        let checked = match task.thread() {
            Some(_) => thread_held::check(site.site, in_set),
            None => held_set::check(task, site.site, in_set),
        };
        if let Err(holding) = checked {
            violation::report(task, site.site, holding);
        }
        Pending { site, task, in_set, waiting_since: None }
    }

    /// The first failed attempt starts the wait.
    #[inline]
    pub(crate) fn contended(&mut self) {
        if self.waiting_since.is_none() {
            self.waiting_since = timing::now();
        }
    }

    /// The lock is granted: checks the order again (against what the task was
    /// granted meanwhile), records the hold, the edge from the highest level
    /// held before, and counts the acquisition.
    #[inline(always)]
    #[track_caller]
    pub(crate) fn granted(self) -> Active {
        let site = self.site.site;
        let entered = match self.task.thread() {
            Some(thread) => thread_held::enter(thread, site, self.in_set)
                .map(|(hold, parent)| (Holder::Thread(hold), parent)),
            None => held_set::enter(self.task, site, self.in_set)
                .map(|parent| (Holder::Task(self.task), parent)),
        };
        let (holder, parent) = match entered {
            Ok(entered) => entered,
            Err(holding) => violation::report(self.task, site, holding),
        };
        if let Some(parent) = parent {
            edges::observe(parent, site);
        }
        let now = timing::now();
        let waited = self.waiting_since.zip(now).map(|(since, now)| now - since);
        self.site.grant(waited);
        Active { site: self.site, holder, since: now }
    }
}

/// Who holds a granted lock, and so where its entry lives.
enum Holder {
    /// A thread outside any task: its own storage.
    Thread(ThreadHold),
    /// A tokio task: the shared shards.
    Task(TaskKey),
}

/// A granted lock: its entry stays in the task's held set until it drops.
pub(crate) struct Active {
    site: LocalSite,
    holder: Holder,
    /// When it was granted, if timing was on.
    since: Option<Instant>,
}

impl Drop for Active {
    #[inline]
    fn drop(&mut self) {
        let held_for = self.since.map(|since| since.elapsed());
        if let Some(held_for) = held_for {
            self.site.hold(held_for);
        }
        let site = self.site.site;
        match self.holder {
            Holder::Thread(hold) => thread_held::leave(hold, site, task::thread_number()),
            Holder::Task(task) => held_set::leave(task, site),
        }
        if let Some(held_for) = held_for {
            long_hold::check(site, held_for);
        }
    }
}
