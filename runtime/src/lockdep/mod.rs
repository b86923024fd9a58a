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
//!   [`long_hold_threshold`] (100 ms unless [set](set_long_hold_threshold)).
//!
//! It is meant for tests, staging and debug builds: each acquisition takes two
//! or three short shard locks, a few atomic counters and two clock reads. Without the feature
//! none of this is compiled in and the locks cost what they cost before.
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

mod held_set;
mod histogram;
mod long_hold;
pub(crate) mod site;
mod task;

use core::panic::Location;
// `quanta` reads the TSC where it is reliable: a few nanoseconds, where the
// OS clock costs tens (it is read twice per acquisition).
use quanta::Instant;

pub(crate) use histogram::Snapshot;
pub use long_hold::{long_hold_threshold, set_long_hold_threshold};

use site::Site;
use task::TaskKey;

/// An acquisition asked for and not yet granted. It holds nothing yet:
/// dropped without [`Pending::granted`] (a failed `try_*`, a cancelled future),
/// it leaves no trace but its site's record.
pub(crate) struct Pending {
    site: &'static Site,
    task: TaskKey,
    in_set: bool,
    waiting_since: Option<Instant>,
}

impl Pending {
    /// Checks the order against what the task holds; panics on a violation.
    #[inline(never)]
    #[track_caller]
    pub(crate) fn begin(
        level: u32,
        name: &'static str,
        location: &'static Location<'static>,
        in_set: bool,
    ) -> Pending {
        let site = site::site(level, name, location);
        let task = TaskKey::current();
        held_set::check(task, site, in_set);
        Pending { site, task, in_set, waiting_since: None }
    }

    /// The first failed attempt starts the wait.
    #[inline]
    pub(crate) fn contended(&mut self) {
        if self.waiting_since.is_none() {
            self.waiting_since = Some(Instant::now());
        }
    }

    /// The lock is granted: checks the order again (against what the task was
    /// granted meanwhile), records the hold and counts the acquisition.
    #[inline]
    #[track_caller]
    pub(crate) fn granted(self) -> Active {
        held_set::enter(self.task, self.site, self.in_set);
        let now = Instant::now();
        self.site.record_grant(self.waiting_since.map(|since| now - since));
        Active { site: self.site, task: self.task, since: now }
    }
}

/// A granted lock: its entry stays in the task's held set until it drops.
pub(crate) struct Active {
    site: &'static Site,
    task: TaskKey,
    since: Instant,
}

impl Drop for Active {
    fn drop(&mut self) {
        let held_for = self.since.elapsed();
        self.site.hold.record(held_for);
        held_set::leave(self.task, self.site);
        long_hold::check(self.site, held_for);
    }
}
