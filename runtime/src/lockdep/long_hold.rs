//! The warning for a lock held longer than a threshold.

use core::time::Duration;
use std::sync::atomic::{AtomicU64, Ordering};

use super::site::{self, Site};

/// The threshold in nanoseconds; `u64::MAX` means no warnings.
static THRESHOLD_NANOS: AtomicU64 = AtomicU64::new(DEFAULT_NANOS);

/// 100 ms: far beyond any in-memory critical section, short enough to catch a
/// lock held across disk or network I/O.
const DEFAULT_NANOS: u64 = 100_000_000;

/// Warns about holds of at least `threshold`; `None` turns the warning off.
///
/// The default is 100 ms. The warning is a `tracing` event at `WARN` level with
/// target `lockladder::lockdep`, sent when the guard drops (so exactly once per
/// long hold), naming the lock, its level, where it was acquired and how long it
/// was held. The setting is global and takes effect for holds that end after it.
///
/// Holds are timed with the clock chosen by [`set_timing`](super::set_timing):
/// by default a coarse one, so a hold is measured to within
/// [`COARSE_TICK`](super::COARSE_TICK) (1 ms); with timing off nothing is timed
/// and no warning is sent.
///
/// ```
/// use std::time::Duration;
///
/// lockladder::lockdep::set_long_hold_threshold(Some(Duration::from_millis(20)));
/// assert_eq!(lockladder::lockdep::long_hold_threshold(), Some(Duration::from_millis(20)));
///
/// lockladder::lockdep::set_long_hold_threshold(None);
/// assert_eq!(lockladder::lockdep::long_hold_threshold(), None);
/// ```
pub fn set_long_hold_threshold(threshold: Option<Duration>) {
    let nanos = threshold
        .map_or(u64::MAX, |threshold| u64::try_from(threshold.as_nanos()).unwrap_or(u64::MAX - 1));
    THRESHOLD_NANOS.store(nanos, Ordering::Relaxed);
}

/// The current long-hold threshold; `None` when the warning is off.
///
/// ```
/// // 100 ms unless changed with `set_long_hold_threshold`.
/// let threshold = lockladder::lockdep::long_hold_threshold();
/// assert!(threshold.is_some());
/// ```
pub fn long_hold_threshold() -> Option<Duration> {
    match THRESHOLD_NANOS.load(Ordering::Relaxed) {
        u64::MAX => None,
        nanos => Some(Duration::from_nanos(nanos)),
    }
}

/// Whether a zero-length hold is below the threshold (it is unless the
/// threshold is zero): such a hold needs no [`check`].
#[inline(always)]
pub(crate) fn zero_is_below() -> bool {
    THRESHOLD_NANOS.load(Ordering::Relaxed) != 0
}

/// Warns once if a hold of the site numbered `site` that just ended lasted
/// `nanos`, at least the threshold.
#[inline]
pub(crate) fn check(site: u32, nanos: u64) {
    let threshold = THRESHOLD_NANOS.load(Ordering::Relaxed);
    if threshold != u64::MAX && nanos >= threshold {
        warn(site::by_id(site), Duration::from_nanos(nanos), Duration::from_nanos(threshold));
    }
}

#[cold]
fn warn(site: &Site, held_for: Duration, threshold: Duration) {
    tracing::warn!(
        target: "lockladder::lockdep",
        lock = site.name,
        level = site.level,
        site = %site.location,
        held_for = ?held_for,
        threshold = ?threshold,
        "`{}` (level {}), acquired at {}, was held for {:?}, at least the {:?} \
         long-hold threshold: move slow work (I/O, calls to other services) out of \
         the critical section",
        site.name,
        site.level,
        site.location,
        held_for,
        threshold,
    );
}
