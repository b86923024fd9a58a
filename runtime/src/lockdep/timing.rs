//! Whether lockdep times holds and waits: the one switch between full
//! statistics and the cheapest safety net.

use std::sync::atomic::{AtomicBool, Ordering};

// `quanta` reads the TSC where it is reliable, cheaper than the OS clock; it is
// still most of what lockdep costs per acquisition (read at the grant and at the
// release), hence the switch.
use quanta::Instant;

static TIMING: AtomicBool = AtomicBool::new(true);

/// Turns the timing of holds and waits on (the default) or off.
///
/// With timing on, every acquisition reads the clock when it is granted and
/// when it is released (and when it first has to wait): the statistics have
/// wait and hold times, and holds of at least the
/// [long-hold threshold](super::long_hold_threshold) are warned about. Those
/// clock reads are most of what lockdep costs per acquisition. With timing off,
/// lockdep still checks the order, counts acquisitions and contention, and
/// records the nesting it sees, but reads no clock: wait and hold times are not
/// recorded and no long-hold warning is sent. The setting is global and applies
/// to acquisitions granted after it.
///
/// ```
/// lockladder::lockdep::set_timing(false);
/// assert!(!lockladder::lockdep::timing());
/// lockladder::lockdep::set_timing(true);
/// assert!(lockladder::lockdep::timing());
/// ```
pub fn set_timing(enabled: bool) {
    TIMING.store(enabled, Ordering::Relaxed);
}

/// Whether holds and waits are timed (see [`set_timing`]).
///
/// ```
/// assert!(lockladder::lockdep::timing()); // on unless turned off
/// ```
#[inline]
pub fn timing() -> bool {
    TIMING.load(Ordering::Relaxed)
}

/// The time now, if timing is on.
#[inline]
pub(crate) fn now() -> Option<Instant> {
    timing().then(Instant::now)
}
