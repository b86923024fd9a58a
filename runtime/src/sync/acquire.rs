//! The one acquisition path of the blocking locks, for `lock`, `read`, `write`
//! and their `try_*` and timed `try_*_for`/`try_*_until` forms.

use std::time::{Duration, Instant};

use crate::error::{LockTimeoutError, TryLockError};
use crate::held::{Acquisition, Hold};
use crate::level::Level;

/// Blocks until the lock is free and takes it. With `lockdep`, tries once
/// first, to report whether the lock was contended.
#[track_caller]
#[inline(always)]
pub(crate) fn blocking<L: Level, G>(
    try_now: impl FnOnce() -> Option<G>,
    block: impl FnOnce() -> G,
) -> (G, Hold) {
    let mut acquisition = Acquisition::begin::<L>();
    // Without the safety net nobody asks about contention, and parking_lot's
    // own fast path is a single compare-and-swap: a `try_lock` first would only
    // add a second look at the lock word.
    #[cfg(not(feature = "lockdep"))]
    let guard = {
        let _ = try_now;
        block()
    };
    #[cfg(feature = "lockdep")]
    let guard = match try_now() {
        Some(guard) => guard,
        None => {
            acquisition.contended();
            block()
        }
    };
    (guard, acquisition.granted())
}

/// Tries once; `operation` names the method in the error.
#[track_caller]
#[inline(always)]
pub(crate) fn non_blocking<L: Level, G>(
    try_now: impl FnOnce() -> Option<G>,
    operation: &'static str,
) -> Result<(G, Hold), TryLockError> {
    let mut acquisition = Acquisition::begin::<L>();
    match try_now() {
        Some(guard) => Ok((guard, acquisition.granted())),
        None => Err(TryLockError::new::<L>(operation)),
    }
}

/// How long a timed acquisition may wait: the `_for` and `_until` forms of
/// each method are one method given one of these.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Patience {
    /// At most this long from the call.
    For(Duration),
    /// Until this instant at the latest.
    Until(Instant),
}

impl Patience {
    /// The deadline, and how long that is from `now` (what the error reports).
    /// No deadline when `now + timeout` is too far to name: the acquisition
    /// then waits without one, as parking_lot's `try_lock_for` does.
    fn deadline_from(self, now: Instant) -> (Option<Instant>, Duration) {
        match self {
            Patience::For(timeout) => (now.checked_add(timeout), timeout),
            Patience::Until(deadline) => (Some(deadline), deadline.saturating_duration_since(now)),
        }
    }
}

/// Tries once; if the lock is taken, parks the thread in the lock's own timed
/// wait (`try_until`) until the deadline. `operation` names the method in the
/// error.
#[track_caller]
#[inline]
pub(crate) fn timed<L: Level, G>(
    try_now: impl FnOnce() -> Option<G>,
    try_until: impl FnOnce(Instant) -> Option<G>,
    block: impl FnOnce() -> G,
    patience: Patience,
    operation: &'static str,
) -> Result<(G, Hold), LockTimeoutError> {
    let mut acquisition = Acquisition::begin::<L>();
    // A free lock costs one compare-and-swap, without reading the clock.
    if let Some(guard) = try_now() {
        return Ok((guard, acquisition.granted()));
    }
    acquisition.contended();
    let (deadline, timeout) = patience.deadline_from(Instant::now());
    let guard = match deadline {
        Some(deadline) => try_until(deadline),
        None => Some(block()),
    };
    match guard {
        Some(guard) => Ok((guard, acquisition.granted())),
        None => Err(LockTimeoutError::new::<L>(operation, timeout)),
    }
}
