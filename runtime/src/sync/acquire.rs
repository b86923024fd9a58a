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
    // Without the safety net nobody asks about contention, and parking_lot's
    // own fast path is a single compare-and-swap: a `try_lock` first would only
    // add a second look at the lock word.
    #[cfg(not(feature = "lockdep"))]
    {
        let mut acquisition = Acquisition::begin::<L>();
        let _ = try_now;
        let guard = block();
        (guard, acquisition.granted())
    }
    // With it, a lock free at once is checked at its grant only (one look at
    // the holder's table); one that is not is checked before the wait.
    #[cfg(feature = "lockdep")]
    {
        if let Some(guard) = try_now() {
            let hold = Hold::granted_at_once::<L>();
            return (guard, hold);
        }
        let mut acquisition = Acquisition::begin::<L>();
        acquisition.contended();
        let guard = block();
        (guard, acquisition.granted())
    }
}

/// Tries once; `operation` names the method in the error. With `lockdep` the
/// order is checked either way: at the grant, or before reporting the lock
/// taken.
#[track_caller]
#[inline(always)]
pub(crate) fn non_blocking<L: Level, G>(
    try_now: impl FnOnce() -> Option<G>,
    operation: &'static str,
) -> Result<(G, Hold), TryLockError> {
    match try_now() {
        Some(guard) => {
            // Panics on a violation; `guard` then drops, releasing the lock.
            let hold = Hold::granted_at_once::<L>();
            Ok((guard, hold))
        }
        None => {
            let _checked = Acquisition::begin::<L>();
            Err(TryLockError::new::<L>(operation))
        }
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
    // A free lock costs one compare-and-swap, without reading the clock.
    if let Some(guard) = try_now() {
        let hold = Hold::granted_at_once::<L>();
        return Ok((guard, hold));
    }
    // Checked before the wait.
    let mut acquisition = Acquisition::begin::<L>();
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

#[cfg(all(test, feature = "lockdep"))]
mod tests {
    use std::panic::{AssertUnwindSafe, catch_unwind};

    use super::*;
    use crate::held::tests::{Account, Registry};

    fn violation(caught: std::thread::Result<impl Sized>) -> String {
        let payload = caught.err().expect("`Registry` is below `Account`: a violation");
        let message = payload.downcast::<String>().map(|message| *message);
        message.unwrap_or_else(|_| "a panic without a message".to_owned())
    }

    // Each test runs on its own thread, so each is its own task for lockdep.

    #[test]
    fn a_violation_on_a_lock_that_is_not_free_is_reported_before_waiting() {
        let registry = parking_lot::Mutex::new(());
        let _held_elsewhere = registry.lock();
        let _account = Acquisition::begin::<Account>().granted();
        let taken = catch_unwind(AssertUnwindSafe(|| {
            blocking::<Registry, _>(|| registry.try_lock(), || panic!("waited for the lock"))
        }));
        let message = violation(taken);
        assert!(
            message.starts_with("lock order violation: cannot acquire `Registry`"),
            "{message}"
        );
        let timed = catch_unwind(AssertUnwindSafe(|| {
            let wait = |_| panic!("waited for the lock");
            let block = || panic!("waited for the lock");
            timed::<Registry, _>(
                || registry.try_lock(),
                wait,
                block,
                Patience::For(Duration::ZERO),
                "",
            )
        }));
        assert!(violation(timed).starts_with("lock order violation: "));
    }

    #[test]
    fn a_try_on_a_lock_that_is_not_free_still_reports_a_violation() {
        let registry = parking_lot::Mutex::new(());
        let _held_elsewhere = registry.lock();
        let _account = Acquisition::begin::<Account>().granted();
        let tried = catch_unwind(AssertUnwindSafe(|| {
            non_blocking::<Registry, _>(|| registry.try_lock(), "try_lock").is_err()
        }));
        assert!(violation(tried).starts_with("lock order violation: "));
    }

    #[test]
    fn a_violation_on_a_free_lock_is_reported_at_the_grant_and_leaves_the_lock_free() {
        let registry = parking_lot::Mutex::new(());
        let account = Acquisition::begin::<Account>().granted();
        let taken = catch_unwind(AssertUnwindSafe(|| {
            blocking::<Registry, _>(|| registry.try_lock(), || registry.lock())
        }));
        assert!(violation(taken).starts_with("lock order violation: "));
        let tried = catch_unwind(AssertUnwindSafe(|| {
            non_blocking::<Registry, _>(|| registry.try_lock(), "try_lock").is_ok()
        }));
        assert!(violation(tried).starts_with("lock order violation: "));
        assert!(registry.try_lock().is_some(), "released while the report unwound");
        // And no hold of `Registry` was recorded: taking it again, alone, is fine.
        drop(account);
        let (_guard, _hold) = blocking::<Registry, _>(|| registry.try_lock(), || registry.lock());
    }
}
