//! The blocking [`Mutex`] and its guard.

use core::marker::PhantomData;
use std::time::{Duration, Instant};

use super::acquire::{Patience, blocking, non_blocking, timed};
use super::wake::{self, Wake};
use crate::error::{LockTimeoutError, TryLockError};
use crate::level::Level;
use crate::order::LockBefore;
use crate::token::LockToken;

pub use super::guard::MutexGuard;

/// The wrapped guard, which wakes async waiters when it drops.
pub(crate) type RawGuard<'a, T> = wake::RawGuard<'a, parking_lot::MutexGuard<'a, T>>;

/// A blocking mutex at level `L` in the lock hierarchy.
///
/// The same rules as the async [`crate::Mutex`]: [`lock`](Mutex::lock) takes the
/// task's token, which must hold a level below `L`, and returns the guard and a
/// token at `L`. It blocks the thread while it waits, so inside async code keep
/// the critical section short and free of `.await`, or use the async mutex.
///
/// ```
/// use lockladder::{lock_level, sync::Mutex, LockToken};
///
/// #[lock_level(20)]
/// struct CoinManager {
///     coins: u64,
/// }
///
/// let manager = Mutex::new(CoinManager { coins: 0 });
/// let mut token = LockToken::new();
/// let (mut manager, _token) = manager.lock(&mut token);
/// manager.coins += 5;
/// ```
///
/// # Guarantees
///
/// Built on [`parking_lot::Mutex`]: no poisoning (a panic while the guard is held
/// releases the lock; the data stays as the panicking code left it), eventual
/// fairness, and a guard that is not `Send` (it must be released on the thread
/// that took it), as with `std`. Each release also checks whether an async
/// `lock_all`/`lock_many` waits for the lock, so that it can wake it instead of
/// letting it spin: on Linux and Android a load (the waiter pays instead, with
/// a `membarrier` system call before it sleeps), elsewhere, or where the kernel
/// refuses `membarrier`, a fence and a load. On Linux the first release in the
/// process starts a short-lived thread (`lockladder-membarrier`) that
/// registers the process for `membarrier`, once (with several threads the
/// kernel takes 10–20 ms for it); releases fence until it is done and never
/// wait for it.
pub struct Mutex<T: ?Sized, L = T> {
    level: PhantomData<fn(L) -> L>,
    /// Wakes async `lock_all`/`lock_many` calls waiting for the lock.
    wake: Wake,
    inner: parking_lot::Mutex<T>,
}

impl<T: Level> Mutex<T> {
    /// A mutex at the level of `T` itself.
    ///
    /// ```
    /// use lockladder::{lock_level, sync::Mutex};
    ///
    /// #[lock_level(20)]
    /// struct CoinManager {
    ///     coins: u64,
    /// }
    ///
    /// let manager = Mutex::new(CoinManager { coins: 0 });
    /// ```
    pub const fn new(value: T) -> Self {
        Mutex {
            level: PhantomData,
            wake: Wake::one_at_a_time(),
            inner: parking_lot::const_mutex(value),
        }
    }
}

impl<T, L: Level> Mutex<T, L> {
    /// A mutex at the level `L` named by the expected type, for data that has no
    /// level of its own.
    ///
    /// ```
    /// use lockladder::{lock_level, sync::Mutex};
    ///
    /// #[lock_level(30)]
    /// enum CacheLevel {}
    ///
    /// let cache: Mutex<Vec<u8>, CacheLevel> = Mutex::with_level(Vec::new());
    /// ```
    pub const fn with_level(value: T) -> Self {
        Mutex {
            level: PhantomData,
            wake: Wake::one_at_a_time(),
            inner: parking_lot::const_mutex(value),
        }
    }
}

impl<T: ?Sized, L: Level> Mutex<T, L> {
    /// Blocks until the lock is free, then returns the guard and a token at `L`.
    ///
    /// The token passed in must hold a level below `L`; otherwise this is a
    /// compile error naming both levels.
    ///
    /// ```
    /// use lockladder::{lock_level, sync::Mutex, LockToken};
    ///
    /// #[lock_level(20)]
    /// struct CoinManager {
    ///     coins: u64,
    /// }
    ///
    /// let manager = Mutex::new(CoinManager { coins: 0 });
    /// let mut token = LockToken::new();
    /// let (mut guard, _token) = manager.lock(&mut token);
    /// guard.coins += 1;
    /// ```
    #[track_caller]
    pub fn lock<'a, H: LockBefore<L>>(
        &'a self,
        token: &'a mut LockToken<'_, H>,
    ) -> (MutexGuard<'a, T>, LockToken<'a, L>) {
        let _ = token;
        let (guard, hold) = blocking::<L, _>(|| self.try_raw(), || self.lock_raw());
        (MutexGuard::alone(guard, hold), LockToken::acquired())
    }

    /// Takes the lock if it is free right now, without blocking.
    ///
    /// ```
    /// use lockladder::{lock_level, sync::Mutex, LockToken};
    ///
    /// #[lock_level(20)]
    /// struct CoinManager;
    ///
    /// let manager = Mutex::new(CoinManager);
    /// let mut token = LockToken::new();
    /// let (_held, _) = manager.try_lock(&mut token).expect("free");
    ///
    /// std::thread::scope(|scope| {
    ///     scope.spawn(|| {
    ///         let mut elsewhere = LockToken::new(); // another thread, its own root token
    ///         assert!(manager.try_lock(&mut elsewhere).is_err());
    ///     });
    /// });
    /// ```
    #[track_caller]
    pub fn try_lock<'a, H: LockBefore<L>>(
        &'a self,
        token: &'a mut LockToken<'_, H>,
    ) -> Result<(MutexGuard<'a, T>, LockToken<'a, L>), TryLockError> {
        let _ = token;
        let (guard, hold) = non_blocking::<L, _>(|| self.try_raw(), "try_lock")?;
        Ok((MutexGuard::alone(guard, hold), LockToken::acquired()))
    }

    /// Waits at most `timeout` for the lock, parking the thread meanwhile (as
    /// parking_lot's `try_lock_for`); the same token rule as
    /// [`lock`](Mutex::lock).
    ///
    /// ```
    /// use std::time::Duration;
    /// use lockladder::{lock_level, sync::Mutex, LockToken};
    ///
    /// #[lock_level(20)]
    /// struct CoinManager {
    ///     coins: u64,
    /// }
    ///
    /// let manager = Mutex::new(CoinManager { coins: 0 });
    /// let mut token = LockToken::new();
    /// match manager.try_lock_for(&mut token, Duration::from_millis(50)) {
    ///     Ok((mut manager, _token)) => manager.coins += 1,
    ///     Err(busy) => eprintln!("skipping this round: {busy}"),
    /// }
    /// ```
    ///
    /// # Errors
    ///
    /// [`LockTimeoutError`] if another thread still holds the lock when the
    /// time runs out; nothing is held then.
    #[track_caller]
    pub fn try_lock_for<'a, H: LockBefore<L>>(
        &'a self,
        token: &'a mut LockToken<'_, H>,
        timeout: Duration,
    ) -> Result<(MutexGuard<'a, T>, LockToken<'a, L>), LockTimeoutError> {
        let _ = token;
        self.try_lock_timed(Patience::For(timeout), "try_lock_for")
    }

    /// Waits until `deadline` at the latest for the lock, parking the thread
    /// meanwhile; the same token rule as [`lock`](Mutex::lock).
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// use lockladder::{lock_level, sync::Mutex, LockToken};
    ///
    /// #[lock_level(20)]
    /// struct CoinManager;
    ///
    /// let manager = Mutex::new(CoinManager);
    /// let deadline = Instant::now() + Duration::from_millis(50);
    /// let mut token = LockToken::new();
    /// let (_held, _) = manager.try_lock_until(&mut token, deadline).expect("free");
    ///
    /// std::thread::scope(|scope| {
    ///     scope.spawn(|| {
    ///         let mut elsewhere = LockToken::new(); // another thread, its own root token
    ///         assert!(manager.try_lock_until(&mut elsewhere, deadline).is_err());
    ///         assert!(Instant::now() >= deadline); // it waited until then
    ///     });
    /// });
    /// ```
    ///
    /// # Errors
    ///
    /// [`LockTimeoutError`] if another thread still holds the lock at
    /// `deadline`; nothing is held then.
    #[track_caller]
    pub fn try_lock_until<'a, H: LockBefore<L>>(
        &'a self,
        token: &'a mut LockToken<'_, H>,
        deadline: Instant,
    ) -> Result<(MutexGuard<'a, T>, LockToken<'a, L>), LockTimeoutError> {
        let _ = token;
        self.try_lock_timed(Patience::Until(deadline), "try_lock_until")
    }

    /// `try_lock_for` and `try_lock_until`, once the token is checked.
    #[track_caller]
    fn try_lock_timed<'a>(
        &'a self,
        patience: Patience,
        operation: &'static str,
    ) -> Result<(MutexGuard<'a, T>, LockToken<'a, L>), LockTimeoutError> {
        let (guard, hold) = timed::<L, _>(
            || self.try_raw(),
            |deadline| Some(wake::RawGuard::new(self.inner.try_lock_until(deadline)?, &self.wake)),
            || self.lock_raw(),
            patience,
            operation,
        )?;
        Ok((MutexGuard::alone(guard, hold), LockToken::acquired()))
    }
}

impl<T: ?Sized, L> Mutex<T, L> {
    /// Takes the wrapped lock if it is free (for the multi-lock helpers too).
    #[inline(always)]
    pub(crate) fn try_raw(&self) -> Option<RawGuard<'_, T>> {
        Some(wake::RawGuard::new(self.inner.try_lock()?, &self.wake))
    }

    /// Blocks until the wrapped lock is free and takes it.
    #[inline(always)]
    pub(crate) fn lock_raw(&self) -> RawGuard<'_, T> {
        wake::RawGuard::new(self.inner.lock(), &self.wake)
    }

    /// The wrapped lock, to tell whether a guard is this mutex's.
    pub(super) fn raw_lock(&self) -> &parking_lot::Mutex<T> {
        &self.inner
    }

    /// The async waiters of the lock.
    pub(crate) fn wake(&self) -> &Wake {
        &self.wake
    }

    /// Whether `guard` holds this mutex (and not another one).
    pub(super) fn owns(&self, guard: &MutexGuard<'_, T>) -> bool {
        core::ptr::eq(parking_lot::MutexGuard::mutex(&guard.raw().guard), &self.inner)
    }
}

crate::shape::lock_shape!(
    Mutex, path: "sync::Mutex", noun: "mutex", debug: "sync::Mutex",
    peek: |lock| lock.try_raw(),
);
