//! The one acquisition path of the blocking locks, for `lock`, `read`, `write`
//! and their `try_*` forms.

use crate::error::TryLockError;
use crate::held::{Acquisition, Hold};
use crate::level::Level;

/// Tries once; if the lock is held elsewhere, reports the contention and blocks.
#[track_caller]
#[inline]
pub(crate) fn blocking<L: Level, G>(
    try_now: impl FnOnce() -> Option<G>,
    block: impl FnOnce() -> G,
) -> (G, Hold) {
    let mut acquisition = Acquisition::begin::<L>();
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
#[inline]
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
