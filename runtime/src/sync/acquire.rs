//! The one acquisition path of the blocking locks, for `lock`, `read`, `write`
//! and their `try_*` forms.

use crate::error::TryLockError;
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
