//! A write inside an upgradable read, as parking_lot's guard has it:
//! `with_upgraded` and its `try_*` forms upgrade the hold for the time of a
//! closure and downgrade it back, keeping the guard.
//!
//! The upgrade waits for the plain readers to leave, so, as for
//! [`upgrade`](RwLockUpgradableReadGuard::upgrade), each takes the guard's own
//! token at the lock's level mutably. The downgrade back lets in the readers
//! held back meanwhile, so it wakes the async tasks waiting for the lock; it
//! happens also when the closure panics, and the panic goes on after it.

use std::panic::{self, AssertUnwindSafe};
use std::time::{Duration, Instant};

use super::rwlock_transitions::RwLockUpgradableReadGuard;
use crate::held::check_holds_at_most;
use crate::level::Level;
use crate::token::LockToken;

/// parking_lot's upgradable read guard, which the guard wraps.
type RawUpgradable<'a, T> = parking_lot::RwLockUpgradableReadGuard<'a, T>;

impl<'a, T: ?Sized, L: Level> RwLockUpgradableReadGuard<'a, T, L> {
    /// Upgrades the hold to a write hold, waiting for the other readers to
    /// leave, runs `f` with write access, and downgrades back to the
    /// upgradable read; returns what `f` returned. No writer gets in at any
    /// point. `token` is the guard's own, as for [`upgrade`](Self::upgrade).
    ///
    /// ```
    /// use lockladder::{lock_level, sync::{RwLock, RwLockUpgradableReadGuard}, LockToken};
    ///
    /// #[lock_level(10)]
    /// struct Cache {
    ///     entries: Vec<u32>,
    /// }
    ///
    /// let cache = RwLock::new(Cache { entries: Vec::new() });
    /// let mut token = LockToken::new();
    /// let (mut checking, mut at_cache) = cache.upgradable_read(&mut token);
    /// if !checking.entries.contains(&7) {
    ///     let len = RwLockUpgradableReadGuard::with_upgraded(&mut checking, &mut at_cache, |cache| {
    ///         cache.entries.push(7);
    ///         cache.entries.len()
    ///     });
    ///     assert_eq!(len, 1);
    /// }
    /// assert_eq!(checking.entries, [7]); // still held, upgradably
    /// ```
    #[track_caller]
    pub fn with_upgraded<R>(
        guard: &mut Self,
        token: &mut LockToken<'_, L>,
        f: impl FnOnce(&mut T) -> R,
    ) -> R {
        let _ = token;
        check_holds_at_most::<L>();
        match guard.upgraded_with(|raw, run| RawUpgradable::with_upgraded(raw, run), f) {
            Some(value) => value,
            None => unreachable!("parking_lot's `with_upgraded` runs its closure"),
        }
    }

    /// As [`with_upgraded`](Self::with_upgraded) if no other reader holds the
    /// lock now; else `None`, without running `f` (the guard still holds).
    ///
    /// ```
    /// use lockladder::{lock_level, sync::{RwLock, RwLockUpgradableReadGuard}, LockToken};
    ///
    /// #[lock_level(10)]
    /// struct Cache {
    ///     hits: u64,
    /// }
    ///
    /// let cache = RwLock::new(Cache { hits: 0 });
    /// let mut token = LockToken::new();
    /// let (mut checking, mut at_cache) = cache.upgradable_read(&mut token);
    /// let counted =
    ///     RwLockUpgradableReadGuard::try_with_upgraded(&mut checking, &mut at_cache, |cache| {
    ///         cache.hits += 1;
    ///     });
    /// assert!(counted.is_some()); // no other reader
    /// ```
    #[track_caller]
    pub fn try_with_upgraded<R>(
        guard: &mut Self,
        token: &mut LockToken<'_, L>,
        f: impl FnOnce(&mut T) -> R,
    ) -> Option<R> {
        let _ = token;
        check_holds_at_most::<L>();
        guard.upgraded_with(
            |raw, run| {
                let _ = RawUpgradable::try_with_upgraded(raw, run);
            },
            f,
        )
    }

    /// As [`with_upgraded`](Self::with_upgraded), waiting at most `timeout`
    /// for the other readers to leave (parking the thread); `None`, without
    /// running `f`, if they are still there then.
    ///
    /// ```
    /// use std::time::Duration;
    /// use lockladder::{lock_level, sync::{RwLock, RwLockUpgradableReadGuard}, LockToken};
    ///
    /// #[lock_level(10)]
    /// struct Cache {
    ///     hits: u64,
    /// }
    ///
    /// let cache = RwLock::new(Cache { hits: 0 });
    /// let mut token = LockToken::new();
    /// let (mut checking, mut at_cache) = cache.upgradable_read(&mut token);
    /// let timeout = Duration::from_millis(50);
    /// RwLockUpgradableReadGuard::try_with_upgraded_for(&mut checking, &mut at_cache, timeout, |cache| {
    ///     cache.hits += 1;
    /// })
    /// .expect("no other reader");
    /// ```
    #[track_caller]
    pub fn try_with_upgraded_for<R>(
        guard: &mut Self,
        token: &mut LockToken<'_, L>,
        timeout: Duration,
        f: impl FnOnce(&mut T) -> R,
    ) -> Option<R> {
        let _ = token;
        check_holds_at_most::<L>();
        guard.upgraded_with(
            |raw, run| {
                let _ = RawUpgradable::try_with_upgraded_for(raw, timeout, run);
            },
            f,
        )
    }

    /// As [`try_with_upgraded_for`](Self::try_with_upgraded_for), waiting
    /// until `deadline` at the latest.
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// use lockladder::{lock_level, sync::{RwLock, RwLockUpgradableReadGuard}, LockToken};
    ///
    /// #[lock_level(10)]
    /// struct Cache {
    ///     hits: u64,
    /// }
    ///
    /// let cache = RwLock::new(Cache { hits: 0 });
    /// let mut token = LockToken::new();
    /// let (mut checking, mut at_cache) = cache.upgradable_read(&mut token);
    /// let deadline = Instant::now() + Duration::from_millis(50);
    /// let hits = RwLockUpgradableReadGuard::try_with_upgraded_until(
    ///     &mut checking,
    ///     &mut at_cache,
    ///     deadline,
    ///     |cache| {
    ///         cache.hits += 1;
    ///         cache.hits
    ///     },
    /// );
    /// assert_eq!(hits, Some(1));
    /// ```
    #[track_caller]
    pub fn try_with_upgraded_until<R>(
        guard: &mut Self,
        token: &mut LockToken<'_, L>,
        deadline: Instant,
        f: impl FnOnce(&mut T) -> R,
    ) -> Option<R> {
        let _ = token;
        check_holds_at_most::<L>();
        guard.upgraded_with(
            |raw, run| {
                let _ = RawUpgradable::try_with_upgraded_until(raw, deadline, run);
            },
            f,
        )
    }

    /// The `with_upgraded` forms: `upgraded` runs its closure (once, or not
    /// at all if the upgrade fails) with write access, between parking_lot's
    /// upgrade and downgrade back.
    fn upgraded_with<R>(
        &mut self,
        upgraded: impl FnOnce(&mut RawUpgradable<'a, T>, &mut dyn FnMut(&mut T)),
        f: impl FnOnce(&mut T) -> R,
    ) -> Option<R> {
        let mut f = Some(f);
        let mut outcome = None;
        upgraded(&mut self.inner.guard, &mut |data| {
            if let Some(f) = f.take() {
                // Caught here and resumed below, once the hold is upgradable
                // again and the async waiters are woken.
                outcome = Some(panic::catch_unwind(AssertUnwindSafe(|| f(data))));
            }
        });
        // Downgraded back, or a timed upgrade gave up: either way the readers
        // held back meanwhile may enter.
        self.inner.wake().released();
        Some(outcome?.unwrap_or_else(|payload| panic::resume_unwind(payload)))
    }
}
