//! The holds of every task and thread, as entries of atomics in tables, and the
//! order check against them.
//!
//! An entry is three words (owner, level and site, start) in a table: a thread's
//! own table for code outside any task (`thread_held`), or one of the shards
//! shared by tokio tasks, chosen by task. A guard keeps `&'static Entry`, one
//! word, and its release clears the entry with one store from whatever thread
//! or task drops it: no lock is taken at a grant or a release, and a guard sent
//! elsewhere is released where it drops. Only the owner claims entries in its
//! thread's table (plain stores); tasks claim shard entries with one
//! compare-and-swap, uncontended unless two tasks of one shard claim at once.
//!
//! An acquisition that may wait is checked twice. When it begins, before any
//! waiting, so a would-be deadlock is reported instead of hanging. And when it
//! is granted, which is when its entry is claimed: `lock_all` begins all its
//! members at the call, in the caller's order, and grants them in ascending
//! order; and futures polled together (`join!`) may be granted in another
//! order than they began. A blocking lock that was free at its first attempt
//! waited for nothing and is checked once, at its grant; in a thread's own
//! table the check and the claim are one pass ([`Table::enter_alone`]).

use std::collections::HashMap;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use super::site::{self, Site};
use super::task::TaskKey;
use super::timing::Stamp;

/// One hold: who holds which site's level since when. `owner == 0`: free.
pub(crate) struct Entry {
    owner: AtomicU64,
    /// The level in the high 32 bits; in the low 32, the site's id in the high
    /// 24 and the holder's cache slot for it (where its counters are) in the
    /// low 8. One word, written with one store.
    what: AtomicU64,
    since: AtomicU64,
}

/// What a released entry held, to count and time the hold.
pub(crate) struct Released {
    /// The site's id (see [`site::by_id`]).
    pub(crate) site: u32,
    /// The cache slot the grant counted in.
    pub(crate) slot: u8,
    pub(crate) since: Stamp,
}

impl Entry {
    const fn free() -> Entry {
        Entry { owner: AtomicU64::new(0), what: AtomicU64::new(0), since: AtomicU64::new(0) }
    }

    /// When the hold began. Only the guard that holds the entry reads it,
    /// before it ends the hold.
    #[inline(always)]
    pub(crate) fn since(&self) -> Stamp {
        Stamp::from_bits(self.since.load(Ordering::Relaxed))
    }

    /// Ends the hold without reading what it held (see [`release`](Entry::release)).
    #[inline(always)]
    pub(crate) fn end(&self) {
        // Release: what was read of the entry is read before the owner may reuse it.
        self.owner.store(0, Ordering::Release);
    }

    /// Ends the hold, from whatever thread or task. Only the guard that holds
    /// the entry calls this, once.
    #[inline(always)]
    pub(crate) fn release(&self) -> Released {
        let site = self.what.load(Ordering::Relaxed) as u32;
        let since = Stamp::from_bits(self.since.load(Ordering::Relaxed));
        // Release: the fields above are read before the owner may reuse it.
        self.owner.store(0, Ordering::Release);
        Released { site: site >> 8, slot: site as u8, since }
    }

    /// Records `level` and the site word (see
    /// [`LocalSite::word`](super::site::LocalSite::word)).
    #[inline(always)]
    fn fill(&self, level: u32, site: u32, since: Stamp) {
        self.what.store(u64::from(level) << 32 | u64::from(site), Ordering::Relaxed);
        self.since.store(since.to_bits(), Ordering::Relaxed);
    }

    /// The level and site word this entry holds.
    #[inline(always)]
    fn held(&self) -> Highest {
        let what = self.what.load(Ordering::Relaxed);
        Highest { level: (what >> 32) as u32, site: what as u32 }
    }
}

const CHUNK: usize = 16;

/// Entries, chained in chunks of 16 as they fill.
pub(crate) struct Table {
    entries: [Entry; CHUNK],
    /// One past the highest entry of this chunk ever claimed: scans stop there.
    used: AtomicUsize,
    next: OnceLock<&'static Table>,
}

/// The site of the highest level held before a grant, if any, as one word
/// (so that it is passed in a register: a pair of `u32`s written apart and
/// read as one word stalls the load that reads it, a fifth of a lock + unlock
/// by `perf`).
/// Its entry's level and site word plus one (levels are at most 65535, so
/// this never overflows), zero for none.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Parent(u64);

impl Parent {
    const NONE: Parent = Parent(0);

    #[inline(always)]
    fn of(highest: Option<Highest>) -> Parent {
        highest.map_or(Parent::NONE, |highest| {
            Parent((u64::from(highest.level) << 32 | u64::from(highest.site)) + 1)
        })
    }

    #[inline(always)]
    fn held(self) -> Option<Highest> {
        let what = self.0.checked_sub(1)?;
        Some(Highest { level: (what >> 32) as u32, site: what as u32 })
    }

    /// The site's id (see [`site::by_id`]), if something was held.
    #[inline(always)]
    pub(crate) fn site_id(self) -> Option<u32> {
        self.held().map(Highest::site_id)
    }
}

/// A hold about to be recorded: the level taken, the site word (its site's
/// id and the cache slot of the holder's counters for it, see
/// [`LocalSite::word`](super::site::LocalSite::word): nothing of the site's
/// record is read), whether it is a later member of a same-level set taken
/// together, and when it started.
#[derive(Clone, Copy)]
pub(crate) struct Claim {
    pub(crate) level: u32,
    pub(crate) site: u32,
    pub(crate) in_set: bool,
    pub(crate) since: Stamp,
}

/// The highest level an owner holds, and its site's id.
#[derive(Clone, Copy)]
pub(crate) struct Highest {
    level: u32,
    site: u32,
}

impl Highest {
    pub(crate) fn site(self) -> &'static Site {
        site::by_id(self.site_id())
    }

    /// Its site's id (see [`site::by_id`]).
    #[inline(always)]
    pub(crate) fn site_id(self) -> u32 {
        self.site >> 8
    }
}

impl Table {
    pub(crate) const fn new() -> Table {
        Table {
            entries: [const { Entry::free() }; CHUNK],
            used: AtomicUsize::new(0),
            next: OnceLock::new(),
        }
    }

    /// The highest level `owner` holds in this table.
    #[inline(always)]
    pub(crate) fn highest(&'static self, owner: u64) -> Option<Highest> {
        let mut highest: Option<Highest> = None;
        let mut chunk = self;
        loop {
            let used = chunk.used.load(Ordering::Acquire);
            for entry in &chunk.entries[..used.min(CHUNK)] {
                // Acquire: an entry of ours released elsewhere is seen free.
                if entry.owner.load(Ordering::Acquire) == owner {
                    let held = entry.held();
                    if highest.is_none_or(|highest| held.level > highest.level) {
                        highest = Some(held);
                    }
                }
            }
            // The next chunk is only claimed in once this one is full.
            match chunk.next.get() {
                Some(next) if used >= CHUNK => chunk = next,
                _ => return highest,
            }
        }
    }

    /// Adds to `live` the timed holds going on in this table (every chunk),
    /// by site: for a report (see `Counts::with_zero_holds`).
    fn count_live_timed_holds(&'static self, live: &mut LiveHolds) {
        let mut chunk = self;
        loop {
            let used = chunk.used.load(Ordering::Acquire);
            for entry in &chunk.entries[..used.min(CHUNK)] {
                if entry.owner.load(Ordering::Acquire) != 0 && entry.since().is_timed() {
                    *live.0.entry(entry.held().site_id()).or_default() += 1;
                }
            }
            match chunk.next.get() {
                Some(next) => chunk = next,
                None => return,
            }
        }
    }

    /// Checks that `owner` may take `site` and claims an entry for it, in one
    /// pass over the table, for a table only `owner` claims in (its thread's
    /// own); returns the entry and the highest site held before. Entries
    /// another thread released are seen free (the scan's acquire loads).
    #[inline(always)]
    pub(crate) fn enter_alone(
        &'static self,
        owner: u64,
        claim: Claim,
    ) -> Result<(&'static Entry, Parent), Conflict> {
        // Only the owner writes `used`.
        let used = self.used.load(Ordering::Relaxed);
        let Some(scanned) = self.entries.get(..used).filter(|_| used < CHUNK) else {
            return self.check_and_claim_beyond_a_chunk(
                owner,
                claim.level,
                claim.site,
                claim.in_set,
                claim.since,
            );
        };
        // The highest entry held, as a `Parent`: its level and site word plus
        // one (the level in the high bits orders them), zero for none.
        let mut highest = Parent::NONE;
        let mut free = used;
        for (index, entry) in scanned.iter().enumerate() {
            let holder = entry.owner.load(Ordering::Acquire);
            if holder == owner {
                highest = highest.max(Parent(entry.what.load(Ordering::Relaxed) + 1));
            } else if holder == 0 && free == used {
                free = index;
            }
        }
        let Claim { level, site, in_set, since } = claim;
        if let Some(conflict) = conflict(highest.held(), level, in_set) {
            return Err(conflict);
        }
        // `free <= used < CHUNK`: the `min` only spares a bounds check.
        let entry = &self.entries[free.min(CHUNK - 1)];
        entry.owner.store(owner, Ordering::Relaxed);
        if free == used {
            // Release: a scan that sees the new `used` sees the owner.
            self.used.store(used + 1, Ordering::Release);
        }
        entry.fill(level, site, since);
        Ok((entry, highest))
    }

    /// Checks that `owner` may take `site`, then claims an entry for it
    /// (`shared` as for [`claim`](Table::claim)); returns the entry and the
    /// highest site held before. Scans every chunk: for task shards, the
    /// table of an exiting thread, and a thread's table once its first chunk
    /// has been full.
    #[inline(always)]
    pub(crate) fn check_and_claim(
        &'static self,
        owner: u64,
        shared: bool,
        claim: Claim,
    ) -> Result<(&'static Entry, Parent), Conflict> {
        let Claim { level, site, in_set, since } = claim;
        let highest = self.highest(owner);
        if let Some(conflict) = conflict(highest, level, in_set) {
            return Err(conflict);
        }
        Ok((self.claim(owner, shared, level, site, since), Parent::of(highest)))
    }

    /// [`check_and_claim`](Table::check_and_claim) out of line, for a
    /// thread's table whose first chunk has been full (rare: a thread that
    /// once held 16 locks at once).
    #[inline(never)]
    // The claim's fields apart, in registers: a `Claim` passed here is built
    // in memory on the common path too.
    fn check_and_claim_beyond_a_chunk(
        &'static self,
        owner: u64,
        level: u32,
        site: u32,
        in_set: bool,
        since: Stamp,
    ) -> Result<(&'static Entry, Parent), Conflict> {
        self.check_and_claim(owner, false, Claim { level, site, in_set, since })
    }

    /// Claims a free entry for `owner`. `shared`: other owners claim in this
    /// table at the same time (task shards), so the claim is a
    /// compare-and-swap; else only the caller claims here (its thread's table).
    #[inline(always)]
    pub(crate) fn claim(
        &'static self,
        owner: u64,
        shared: bool,
        level: u32,
        site: u32,
        since: Stamp,
    ) -> &'static Entry {
        let mut chunk = self;
        loop {
            if let Some(entry) = chunk.claim_in_chunk(owner, shared) {
                entry.fill(level, site, since);
                return entry;
            }
            chunk = chunk.next.get_or_init(|| Box::leak(Box::new(Table::new())));
        }
    }

    #[inline(always)]
    fn claim_in_chunk(&'static self, owner: u64, shared: bool) -> Option<&'static Entry> {
        for (index, entry) in self.entries.iter().enumerate() {
            let claimed = if shared {
                entry.owner.compare_exchange(0, owner, Ordering::Acquire, Ordering::Relaxed).is_ok()
            } else if entry.owner.load(Ordering::Acquire) == 0 {
                entry.owner.store(owner, Ordering::Relaxed);
                true
            } else {
                false
            };
            if claimed {
                if self.used.load(Ordering::Relaxed) <= index {
                    // Release: a scan that sees the new `used` sees the owner.
                    if shared {
                        self.used.fetch_max(index + 1, Ordering::Release);
                    } else {
                        self.used.store(index + 1, Ordering::Release);
                    }
                }
                return Some(entry);
            }
        }
        None
    }
}

/// The highest level held, when taking a site would violate the order.
pub(crate) type Conflict = Highest;

/// Whether `site` may be taken while `highest` is the highest level held:
/// above it, or equal to it for the second and later members of a set taken
/// together (`in_set`).
#[inline(always)]
pub(crate) fn conflict(highest: Option<Highest>, level: u32, in_set: bool) -> Option<Conflict> {
    let highest = highest?;
    let allowed = level > highest.level || (in_set && level == highest.level);
    (!allowed).then_some(highest)
}

const SHARDS: usize = 256;

static SHARD_TABLES: [Table; SHARDS] = [const { Table::new() }; SHARDS];

fn shard(task: TaskKey) -> &'static Table {
    &SHARD_TABLES[(task.spread() >> 56) as usize % SHARDS]
}

/// The timed holds going on at one moment, by site, in every table: the
/// tasks' shards and every thread's. Read in one pass when a report is.
#[derive(Default)]
pub(crate) struct LiveHolds(HashMap<u32, u64>);

impl LiveHolds {
    pub(crate) fn now() -> LiveHolds {
        let mut live = LiveHolds::default();
        for table in &SHARD_TABLES {
            table.count_live_timed_holds(&mut live);
        }
        super::thread_held::for_each_table(|table| table.count_live_timed_holds(&mut live));
        live
    }

    /// Those of the site numbered `site`.
    pub(crate) fn of(&self, site: u32) -> u64 {
        self.0.get(&site).copied().unwrap_or(0)
    }
}

/// Checks that `task` may take `level`.
#[inline]
pub(crate) fn check(task: TaskKey, level: u32, in_set: bool) -> Result<(), Conflict> {
    conflict(shard(task).highest(task.bits()), level, in_set).map_or(Ok(()), Err)
}

/// Checks as [`check`] does, then records that `task` holds `site` since
/// `since`; returns the entry and the highest site the task held before.
#[inline(always)]
pub(crate) fn enter(task: TaskKey, claim: Claim) -> Result<(&'static Entry, Parent), Conflict> {
    shard(task).check_and_claim(task.bits(), true, claim)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lockdep::site::site;

    fn site_at(level: u32) -> u32 {
        site(level, "Account", core::panic::Location::caller()).word()
    }

    #[test]
    fn a_table_chains_chunks_and_frees_what_is_released_from_anywhere() {
        let table: &'static Table = Box::leak(Box::new(Table::new()));
        let (owner, other) = (7, 8);
        let entries: Vec<_> = (1..=40)
            .map(|level| table.claim(owner, false, level, site_at(level), Stamp::NONE))
            .collect();
        let _foreign = table.claim(other, true, 99, site_at(99), Stamp::NONE);
        assert!(table.next.get().and_then(|next| next.next.get()).is_some(), "three chunks");
        assert_eq!(table.highest(owner).map(|highest| highest.level), Some(40));
        // Released on another thread, as a guard sent away is.
        let top = entries[39];
        std::thread::spawn(move || top.release()).join().expect("the releasing thread");
        assert_eq!(table.highest(owner).map(|highest| highest.level), Some(39));
        for entry in &entries[..39] {
            entry.release();
        }
        assert!(table.highest(owner).is_none(), "everything released");
        assert_eq!(table.highest(other).map(|highest| highest.level), Some(99), "not ours");
    }

    #[test]
    fn a_conflict_is_a_level_not_above_the_highest_held_unless_a_set_member_equals_it() {
        let table: &'static Table = Box::leak(Box::new(Table::new()));
        let entry = table.claim(1, false, 20, site_at(20), Stamp::NONE);
        let held = table.highest(1);
        assert!(conflict(held, 30, false).is_none());
        assert!(conflict(held, 20, false).is_some());
        assert!(conflict(held, 20, true).is_none());
        assert!(conflict(held, 10, true).is_some());
        entry.release();
        assert!(conflict(table.highest(1), 10, false).is_none());
    }
}
