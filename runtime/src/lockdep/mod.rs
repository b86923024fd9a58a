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
//!   granted, for futures polled together). A blocking lock that is free at
//!   its first attempt is checked once, at its grant, and released again while
//!   the report unwinds; one that is not is checked before its wait. Every
//!   public method that can wait for a lock is checked this way, upgrades and
//!   `Condvar` waits included;
//! * sends a `tracing` warning when a second root token is created while the
//!   task holds a lock, or panics under
//!   [`set_second_root_policy`]`(`[`SecondRootPolicy::Panic`]`)`; a method that
//!   is entered holding locks starts from
//!   [`LockToken::entered_holding`](crate::LockToken::entered_holding) instead,
//!   which this net checks at the entry;
//! * counts acquisitions, contended acquisitions, wait and hold times per level
//!   and per call site, read with [`stats::report`](crate::stats::report);
//! * sends a `tracing` warning when a guard was held for at least
//!   [`long_hold_threshold`] (100 ms unless [set](set_long_hold_threshold));
//! * records each distinct nesting it sees, "`A` held while `B` taken", with
//!   both call sites and a count: [`observed_edges`], drawn over the declared
//!   hierarchy by `observed_hierarchy` (with the `hierarchy` feature too).
//!
//! It is meant to stay on in test runs, staging and debug builds. What an
//! acquisition costs:
//!
//! * **No lock per grant and release.** A hold is one entry of atomics
//!   (owner, level, site, start) and its guard keeps a reference to it, one
//!   word. Code outside any tokio task (plain threads, `block_on`) keeps its
//!   entries in its thread's own table, claimed and scanned with plain loads
//!   and stores, checked and claimed in one pass; a tokio task, which moves
//!   between threads, claims an entry in one of 256 shared shards with one
//!   compare-and-swap. A release clears the entry with one store, from
//!   whatever thread drops the guard. Counters are per thread (plain stores),
//!   summed when a report is read, and so are the counts of each nesting (a
//!   lock taken while another is held). On a thread, an uncontended lock +
//!   unlock adds no atomic read-modify-write and no fence to the lock's own,
//!   nested or not, and about 150 plain instructions (measured with
//!   callgrind; BENCHMARKS.md, issue 17).
//! * **No precise clock per hold**, by default. Holds are timed with a coarse
//!   clock, a number that a background thread (`lockladder-lockdep-clock`,
//!   started at the first timed hold) advances every [`COARSE_TICK`] (1 ms):
//!   one load at the grant and one at the release (a hold that ends in the
//!   tick it started in, the common case, is not counted when it ends: a
//!   report counts it from the grants, as every timed grant whose hold is
//!   neither going on nor was counted otherwise; anything else is counted
//!   out of line), where a precise clock read
//!   costs ~20 ns on a VM, more than an uncontended lock. The trade-off: the
//!   long-hold warning still sees every hold, to within a tick (later if the
//!   clock's thread is starved of CPU), but hold times in the statistics are
//!   counted in ticks, so an in-memory critical section counts as zero long.
//!   [`set_timing`] chooses: [`TimingMode::Precise`] for nanosecond hold times
//!   at two clock reads per hold, [`TimingMode::Off`] for no clock (and no
//!   background thread) at all. Waits, when timing is on, are timed with the
//!   precise clock: a wait is already slow.
//!
//! Without the feature none of this is compiled in and the locks cost what
//! they cost before.
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

#[cfg(feature = "hierarchy")]
#[cfg_attr(docsrs, doc(cfg(feature = "hierarchy")))]
pub use crate::hierarchy::observed::{LevelEdge, ObservedHierarchy, observed_hierarchy};
pub(crate) use counters::Counts;
pub use edges::{ObservedEdge, ObservedSite, observed_edges};
pub(crate) use held_set::LiveHolds;
pub(crate) use histogram::Snapshot;
pub use long_hold::{long_hold_threshold, set_long_hold_threshold};
pub use root::{SecondRootPolicy, second_root_policy, set_second_root_policy};
pub use timing::{COARSE_TICK, TimingMode, set_timing, timing};

use held_set::{Claim, Conflict, Entry};
use site::LocalSite;
use task::TaskKey;
use timing::Stamp;

/// An acquisition asked for and not yet granted. It holds nothing yet:
/// dropped without [`Pending::granted`] (a failed `try_*`, a cancelled future),
/// it leaves no trace but its site's record.
pub(crate) struct Pending {
    /// The level taken (a constant where the lock is, so that the hot path
    /// reads nothing of the site's record).
    level: u32,
    site: LocalSite,
    /// The tokio task, or `None` outside any task (then the thread that
    /// grants it holds it).
    task: Option<TaskKey>,
    in_set: bool,
    /// When the first attempt failed, if timed (see [`timing::WaitStart`]).
    waiting_since: timing::WaitStart,
}

impl Pending {
    /// Checks the order against what the task holds; panics on a violation.
    // Inlined, as `granted` is: a pending record returned through memory from
    // a call is copied in 16-byte loads that cannot be forwarded from the
    // narrower stores that wrote it, a stall that `perf` put at a fifth of an
    // uncontended acquisition.
    #[inline(always)]
    #[track_caller]
    pub(crate) fn begin(
        level: u32,
        name: &'static str,
        location: &'static Location<'static>,
        in_set: bool,
    ) -> Pending {
        let pending = Pending::unchecked(level, name, location, in_set);
        let (key, conflict) = match pending.task {
            Some(task) => (task, held_set::check(task, level, in_set).err()),
            None => {
                let (owner, conflict) = thread_held::check(level, in_set);
                (TaskKey::from_bits(owner), conflict)
            }
        };
        if let Some(holding) = conflict {
            report(key, pending.site.site, holding);
        }
        pending
    }

    /// An acquisition whose lock was taken at its first attempt, nothing
    /// waited for: the order is checked once, by [`granted`](Pending::granted),
    /// with one look at the holder's table instead of two. On a violation the
    /// caller's guard drops while the report unwinds, so the lock is released.
    #[inline(always)]
    #[track_caller]
    pub(crate) fn granted_at_once(
        level: u32,
        name: &'static str,
        location: &'static Location<'static>,
        in_set: bool,
    ) -> Active {
        Pending::unchecked(level, name, location, in_set).granted()
    }

    #[inline(always)]
    fn unchecked(
        level: u32,
        name: &'static str,
        location: &'static Location<'static>,
        in_set: bool,
    ) -> Pending {
        let site = site::site(level, name, location);
        let task = TaskKey::current_task();
        Pending { level, site, task, in_set, waiting_since: timing::WaitStart::NONE }
    }

    /// The first failed attempt starts the wait.
    #[inline]
    pub(crate) fn contended(&mut self) {
        if self.waiting_since == timing::WaitStart::NONE {
            self.waiting_since = timing::WaitStart::now();
        }
    }

    /// The lock is granted: checks the order again (against what the task was
    /// granted meanwhile), records the hold, the edge from the highest level
    /// held before, and counts the acquisition.
    #[inline(always)]
    #[track_caller]
    pub(crate) fn granted(self) -> Active {
        let LocalSite { site, .. } = self.site;
        let since = Stamp::hold_start();
        let claim = Claim { level: self.level, site: self.site.word(), in_set: self.in_set, since };
        let entered = match self.task {
            Some(task) => held_set::enter(task, claim).map_err(|conflict| (task, conflict)),
            None => thread_held::enter(claim)
                .map_err(|(owner, conflict)| (TaskKey::from_bits(owner), conflict)),
        };
        let (entry, parent) = match entered {
            Ok(entered) => entered,
            Err((holder, holding)) => report(holder, site, holding),
        };
        if let Some(parent) = parent.site_id() {
            edges::observe(parent, site);
        }
        self.site.grant(self.waiting_since.elapsed(), since.is_timed());
        Active { entry }
    }
}

#[cold]
#[track_caller]
fn report(task: TaskKey, taking: &Site, holding: Conflict) -> ! {
    violation::report(task, taking, holding.site())
}

use site::Site;

/// A granted lock: one word, its entry in the task's or thread's table, which
/// stays claimed until it drops.
pub(crate) struct Active {
    entry: &'static Entry,
}

impl Drop for Active {
    #[inline]
    fn drop(&mut self) {
        // The common hold, by the default (coarse) clock: it ended in the tick
        // it started in. One clock load, nothing counted (a report reads it
        // off the grants: `Counts::with_zero_holds`), no call: everything
        // else is out of line. An untimed hold (timing off) has nothing to
        // count or check either.
        let since = self.entry.since();
        if (since.in_current_tick() && long_hold::zero_is_below()) || !since.is_timed() {
            self.entry.end();
            return;
        }
        let released = self.entry.release();
        end_hold(released.site, released.slot, released.since);
    }
}

/// Counts and checks a hold that was timed and is not the common case of
/// [`Active::drop`].
#[inline(never)]
// The fields apart, in registers: a `Released` passed here is written to
// memory on the common path too.
fn end_hold(site: u32, slot: u8, since: timing::Stamp) {
    if let Some(nanos) = since.elapsed_nanos() {
        site::hold(site, slot, nanos);
        long_hold::check(site, nanos);
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use crate::held::Acquisition;
    use crate::level::{DeclareLevel, Level};
    use crate::rank::{Rank, X0, X7};

    enum Ledger {}
    impl DeclareLevel for Ledger {
        const DECLARED_NAME: &'static str = "Ledger";
        type DeclaredRank = Rank<X0, X7, X7, X7>;
    }

    #[test]
    fn a_hold_is_timed_by_the_coarse_clock_to_within_a_tick() {
        assert_eq!(super::timing(), super::TimingMode::Coarse);
        let hold = Acquisition::begin::<Ledger>().granted();
        // Held until the coarse clock has moved three ticks (a watchdog, not
        // a measurement: its thread may be starved).
        let start = super::timing::coarse_nanos();
        let deadline = Instant::now() + Duration::from_secs(30);
        while super::timing::coarse_nanos() - start < 3 * super::COARSE_TICK.as_nanos() as u64 {
            assert!(Instant::now() < deadline, "the coarse clock never advanced");
            std::thread::sleep(super::COARSE_TICK);
        }
        drop(hold);
        let site = super::site::all().into_iter().find(|site| site.level == Ledger::LEVEL);
        let hold = site.expect("the site of the hold").counts(&super::LiveHolds::now()).hold;
        assert_eq!(hold.count(), 1);
        assert!(hold.max() >= 2 * super::COARSE_TICK, "{:?}", hold.max());
    }
}
