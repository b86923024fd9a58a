//! Lock statistics gathered by `lockdep`: how often each level and each call
//! site was taken, how often it had to wait, and for how long locks were
//! waited for and held (feature `lockdep`).
//!
//! Statistics are part of `lockdep` rather than a feature of their own: the
//! long-hold warning needs the hold times anyway, and the per-site record the
//! order check keeps is where the counters live. Each thread counts into
//! counters of its own (no atomic read-modify-write on the hot path) and a
//! report adds them up, so they cost a few plain stores per acquisition. Hold
//! times come from the clock chosen with
//! [`lockdep::set_timing`](crate::lockdep::set_timing): by default a coarse
//! one that counts whole milliseconds (a shorter hold counts as zero long),
//! nanoseconds with `TimingMode::Precise`, none with `TimingMode::Off`.
//!
//! ```standalone_crate
//! use lockladder::{lock_level, LockToken, Mutex};
//!
//! #[lock_level(20)]
//! struct CoinManager {
//!     coins: u64,
//! }
//!
//! let manager = Mutex::new(CoinManager { coins: 0 });
//! for _ in 0..3 {
//!     let mut token = LockToken::new();
//!     let (mut manager, _token) = manager.try_lock(&mut token).unwrap();
//!     manager.coins += 1;
//! }
//!
//! let report = lockladder::stats::report();
//! let level = report.level(20).unwrap();
//! assert_eq!(level.locks, ["CoinManager"]);
//! assert_eq!(level.stats.acquisitions, 3);
//! assert_eq!(level.stats.contended, 0);
//! assert_eq!(level.sites.len(), 1); // one call site
//! println!("{report}"); // a table, one row per level and one per call site
//! ```

use core::fmt;
use core::panic::Location;
use core::time::Duration;

use crate::lockdep::site;
use crate::lockdep::{Counts, LiveHolds, Snapshot};

mod table;

/// Everything recorded since the program started, level by level.
///
/// Prints (with `{}`) as a table: one row per level, then one per call site
/// at that level.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct StatsReport {
    /// The levels taken at least once, ascending.
    pub levels: Vec<LevelStats>,
}

impl StatsReport {
    /// The statistics of one level number, if it was ever taken.
    ///
    /// ```
    /// let report = lockladder::stats::report();
    /// assert!(report.level(65_000).is_none()); // never taken in this program
    /// ```
    pub fn level(&self, level: u32) -> Option<&LevelStats> {
        self.levels.iter().find(|stats| stats.level == level)
    }
}

/// The statistics of one level: its totals and each call site that took it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct LevelStats {
    /// The level number.
    pub level: u32,
    /// The names of the locks (types or markers) taken at this level, sorted.
    pub locks: Vec<&'static str>,
    /// The totals over every site.
    pub stats: LockStats,
    /// Each call site that took this level, by file, line and column.
    pub sites: Vec<SiteStats>,
}

/// The statistics of one call site (one `lock`, `read`, `write` or `try_*`
/// call in the source) at one level.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SiteStats {
    /// Where the lock method was called.
    pub location: &'static Location<'static>,
    /// The name of the lock's level (the data type, or the marker).
    pub lock: &'static str,
    /// What happened there.
    pub stats: LockStats,
}

/// Counts and times of acquisitions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct LockStats {
    /// Acquisitions granted (failed `try_*` calls and cancelled futures are not
    /// counted).
    pub acquisitions: u64,
    /// Granted acquisitions that found the lock taken and had to wait.
    pub contended: u64,
    /// How long contended acquisitions waited, from the first failed attempt to
    /// the grant (uncontended ones do not wait and are not in it).
    pub wait: Timing,
    /// How long locks were held, from grant to release; holds still going on
    /// are not in it yet. With the default coarse timing, in whole ticks of
    /// [`lockdep::COARSE_TICK`](crate::lockdep::COARSE_TICK) (1 ms): a shorter
    /// hold counts as zero long. Holds granted with timing off are not in it.
    pub hold: Timing,
}

/// A distribution of durations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Timing {
    /// How many durations were recorded.
    pub count: u64,
    /// Their sum.
    pub total: Duration,
    /// The longest.
    pub max: Duration,
    /// The 99th percentile, from power-of-two buckets: at most twice the true
    /// value, and never above `max`.
    pub p99: Duration,
}

/// The statistics recorded so far, by level and call site.
///
/// Counters are read one by one while other tasks keep locking, so a report
/// taken under load is a close snapshot, not an atomic one.
///
/// ```
/// let report = lockladder::stats::report();
/// for level in &report.levels {
///     println!("level {}: {} acquisitions", level.level, level.stats.acquisitions);
/// }
/// ```
pub fn report() -> StatsReport {
    let mut sites = site::all();
    sites.sort_by(|a, b| {
        (a.level, a.location.file(), a.location.line(), a.location.column(), a.name).cmp(&(
            b.level,
            b.location.file(),
            b.location.line(),
            b.location.column(),
            b.name,
        ))
    });
    let mut levels: Vec<LevelStats> = Vec::new();
    let mut totals: Vec<Counts> = Vec::new();
    let live = LiveHolds::now();
    for site in sites {
        let counts = site.counts(&live);
        if levels.last().is_none_or(|last| last.level != site.level) {
            levels.push(LevelStats {
                level: site.level,
                locks: Vec::new(),
                stats: LockStats::default(),
                sites: Vec::new(),
            });
            totals.push(Counts::default());
        }
        let (Some(level), Some(total)) = (levels.last_mut(), totals.last_mut()) else {
            continue;
        };
        if !level.locks.contains(&site.name) {
            level.locks.push(site.name);
        }
        total.merge(&counts);
        level.sites.push(SiteStats {
            location: site.location,
            lock: site.name,
            stats: counts.stats(),
        });
    }
    for (level, total) in levels.iter_mut().zip(&totals) {
        level.locks.sort_unstable();
        level.stats = total.stats();
    }
    StatsReport { levels }
}

impl fmt::Display for StatsReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        table::write(self, f)
    }
}

impl Default for LockStats {
    fn default() -> Self {
        LockStats { acquisitions: 0, contended: 0, wait: Timing::ZERO, hold: Timing::ZERO }
    }
}

impl Timing {
    const ZERO: Timing =
        Timing { count: 0, total: Duration::ZERO, max: Duration::ZERO, p99: Duration::ZERO };

    fn of(snapshot: &Snapshot) -> Timing {
        Timing {
            count: snapshot.count(),
            total: snapshot.total(),
            max: snapshot.max(),
            p99: snapshot.p99(),
        }
    }
}

impl Counts {
    fn stats(&self) -> LockStats {
        LockStats {
            acquisitions: self.acquisitions,
            contended: self.contended,
            wait: Timing::of(&self.wait),
            hold: Timing::of(&self.hold),
        }
    }
}
