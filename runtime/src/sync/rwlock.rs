//! The blocking [`RwLock`] and its guards.

use core::marker::PhantomData;
use std::time::{Duration, Instant};

use super::acquire::{Patience, blocking, non_blocking, timed};
use super::wake::{RawGuard, Wake};
use crate::error::{LockTimeoutError, TryLockError};
use crate::level::Level;
use crate::order::LockBefore;
use crate::token::LockToken;

pub use super::guard::{RwLockReadGuard, RwLockWriteGuard};

/// The wrapped read guard, and which wakes async waiters when it drops.
pub(crate) type RawReadGuard<'a, T> = RawGuard<'a, parking_lot::RwLockReadGuard<'a, T>>;
/// The wrapped write guard, and which wakes async waiters when it drops.
pub(crate) type RawWriteGuard<'a, T> = RawGuard<'a, parking_lot::RwLockWriteGuard<'a, T>>;

/// A blocking reader-writer lock at level `L` in the lock hierarchy.
///
/// Many readers or one writer; reading and writing are both acquisitions at
/// level `L`, checked like every other lock.
///
/// ```
/// use lockladder::{lock_level, sync::RwLock, LockToken};
///
/// #[lock_level(10)]
/// struct Registry {
///     accounts: Vec<u64>,
/// }
///
/// let registry = RwLock::new(Registry { accounts: vec![] });
/// let mut token = LockToken::new();
/// {
///     let (mut registry, _token) = registry.write(&mut token);
///     registry.accounts.push(42);
/// }
/// let (registry, _token) = registry.read(&mut token);
/// assert_eq!(registry.accounts, [42]);
/// ```
///
/// # Guarantees
///
/// Built on [`parking_lot::RwLock`]: no poisoning, eventual fairness (a waiting
/// writer is not starved by a stream of readers), guards that are not `Send`.
/// Each release also wakes the async `lock_all`/`lock_many` calls waiting for
/// the lock, if any (checking costs a load on Linux and Android, where the
/// waiters pay with a `membarrier` system call; a fence and a load elsewhere,
/// as in [`Mutex`](super::Mutex)).
pub struct RwLock<T: ?Sized, L = T> {
    level: PhantomData<fn(L) -> L>,
    /// Wakes async `lock_all`/`lock_many` calls waiting for the lock.
    wake: Wake,
    inner: parking_lot::RwLock<T>,
}

impl<T: Level> RwLock<T> {
    /// A reader-writer lock at the level of `T` itself.
    ///
    /// ```
    /// use lockladder::{lock_level, sync::RwLock};
    ///
    /// #[lock_level(10)]
    /// struct Registry;
    ///
    /// let registry = RwLock::new(Registry);
    /// ```
    pub const fn new(value: T) -> Self {
        RwLock {
            level: PhantomData,
            wake: Wake::many_at_once(),
            inner: parking_lot::const_rwlock(value),
        }
    }
}

impl<T, L: Level> RwLock<T, L> {
    /// A reader-writer lock at the level `L` named by the expected type.
    ///
    /// ```
    /// use lockladder::{lock_level, sync::RwLock};
    ///
    /// #[lock_level(40)]
    /// enum ConfigLevel {}
    ///
    /// let config: RwLock<String, ConfigLevel> = RwLock::with_level(String::from("v1"));
    /// ```
    pub const fn with_level(value: T) -> Self {
        RwLock {
            level: PhantomData,
            wake: Wake::many_at_once(),
            inner: parking_lot::const_rwlock(value),
        }
    }
}

impl<T: ?Sized, L: Level> RwLock<T, L> {
    /// Blocks until shared access is free, then returns the read guard and a
    /// token at `L`.
    ///
    /// ```
    /// use lockladder::{lock_level, sync::RwLock, LockToken};
    ///
    /// #[lock_level(10)]
    /// struct Registry {
    ///     accounts: Vec<u64>,
    /// }
    ///
    /// let registry = RwLock::new(Registry { accounts: vec![1, 2] });
    /// let mut token = LockToken::new();
    /// let (registry, _token) = registry.read(&mut token);
    /// assert_eq!(registry.accounts.len(), 2);
    /// ```
    #[track_caller]
    pub fn read<'a, H: LockBefore<L>>(
        &'a self,
        token: &'a mut LockToken<'_, H>,
    ) -> (RwLockReadGuard<'a, T>, LockToken<'a, L>) {
        let _ = token;
        let (guard, hold) = blocking::<L, _>(|| self.try_read_raw(), || self.read_raw());
        (RwLockReadGuard::alone(guard, hold), LockToken::acquired())
    }

    /// Blocks until exclusive access is free, then returns the write guard and a
    /// token at `L`.
    ///
    /// ```
    /// use lockladder::{lock_level, sync::RwLock, LockToken};
    ///
    /// #[lock_level(10)]
    /// struct Registry {
    ///     accounts: Vec<u64>,
    /// }
    ///
    /// let registry = RwLock::new(Registry { accounts: vec![] });
    /// let mut token = LockToken::new();
    /// let (mut registry, _token) = registry.write(&mut token);
    /// registry.accounts.push(3);
    /// ```
    #[track_caller]
    pub fn write<'a, H: LockBefore<L>>(
        &'a self,
        token: &'a mut LockToken<'_, H>,
    ) -> (RwLockWriteGuard<'a, T>, LockToken<'a, L>) {
        let _ = token;
        let (guard, hold) = blocking::<L, _>(|| self.try_write_raw(), || self.write_raw());
        (RwLockWriteGuard::alone(guard, hold), LockToken::acquired())
    }

    /// Takes shared access if no writer holds the lock, without blocking.
    ///
    /// ```
    /// use lockladder::{lock_level, sync::RwLock, LockToken};
    ///
    /// #[lock_level(10)]
    /// struct Registry;
    ///
    /// let registry = RwLock::new(Registry);
    /// let mut token = LockToken::new();
    /// assert!(registry.try_read(&mut token).is_ok());
    /// ```
    #[track_caller]
    pub fn try_read<'a, H: LockBefore<L>>(
        &'a self,
        token: &'a mut LockToken<'_, H>,
    ) -> Result<(RwLockReadGuard<'a, T>, LockToken<'a, L>), TryLockError> {
        let _ = token;
        let (guard, hold) = non_blocking::<L, _>(|| self.try_read_raw(), "try_read")?;
        Ok((RwLockReadGuard::alone(guard, hold), LockToken::acquired()))
    }

    /// Takes exclusive access if nobody holds the lock, without blocking.
    ///
    /// ```
    /// use lockladder::{lock_level, sync::RwLock, LockToken};
    ///
    /// #[lock_level(10)]
    /// struct Registry;
    ///
    /// let registry = RwLock::new(Registry);
    /// let mut reader = LockToken::new();
    /// let (_shared, _) = registry.try_read(&mut reader).unwrap();
    ///
    /// std::thread::scope(|scope| {
    ///     scope.spawn(|| {
    ///         let mut writer = LockToken::new(); // another thread, its own root token
    ///         assert!(registry.try_write(&mut writer).is_err());
    ///     });
    /// });
    /// ```
    #[track_caller]
    pub fn try_write<'a, H: LockBefore<L>>(
        &'a self,
        token: &'a mut LockToken<'_, H>,
    ) -> Result<(RwLockWriteGuard<'a, T>, LockToken<'a, L>), TryLockError> {
        let _ = token;
        let (guard, hold) = non_blocking::<L, _>(|| self.try_write_raw(), "try_write")?;
        Ok((RwLockWriteGuard::alone(guard, hold), LockToken::acquired()))
    }

    /// Waits at most `timeout` for shared access, parking the thread
    /// meanwhile (as parking_lot's `try_read_for`); the same token rule as
    /// [`read`](RwLock::read).
    ///
    /// ```
    /// use std::time::Duration;
    /// use lockladder::{lock_level, sync::RwLock, LockToken};
    ///
    /// #[lock_level(10)]
    /// struct Registry {
    ///     accounts: Vec<u64>,
    /// }
    ///
    /// let registry = RwLock::new(Registry { accounts: vec![1] });
    /// let mut token = LockToken::new();
    /// let (registry, _token) = registry
    ///     .try_read_for(&mut token, Duration::from_millis(50))
    ///     .expect("no writer");
    /// assert_eq!(registry.accounts, [1]);
    /// ```
    ///
    /// # Errors
    ///
    /// [`LockTimeoutError`] if a writer still holds the lock when the time
    /// runs out; nothing is held then.
    #[track_caller]
    pub fn try_read_for<'a, H: LockBefore<L>>(
        &'a self,
        token: &'a mut LockToken<'_, H>,
        timeout: Duration,
    ) -> Result<(RwLockReadGuard<'a, T>, LockToken<'a, L>), LockTimeoutError> {
        let _ = token;
        self.try_read_timed(Patience::For(timeout), "try_read_for")
    }

    /// Waits until `deadline` at the latest for shared access; as
    /// [`try_read_for`](RwLock::try_read_for).
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// use lockladder::{lock_level, sync::RwLock, LockToken};
    ///
    /// #[lock_level(10)]
    /// struct Registry;
    ///
    /// let registry = RwLock::new(Registry);
    /// let deadline = Instant::now() + Duration::from_millis(50);
    /// let mut writer = LockToken::new();
    /// let (_writing, _) = registry.write(&mut writer);
    ///
    /// std::thread::scope(|scope| {
    ///     scope.spawn(|| {
    ///         let mut reader = LockToken::new(); // another thread, its own root token
    ///         assert!(registry.try_read_until(&mut reader, deadline).is_err());
    ///     });
    /// });
    /// ```
    ///
    /// # Errors
    ///
    /// [`LockTimeoutError`] if a writer still holds the lock at `deadline`.
    #[track_caller]
    pub fn try_read_until<'a, H: LockBefore<L>>(
        &'a self,
        token: &'a mut LockToken<'_, H>,
        deadline: Instant,
    ) -> Result<(RwLockReadGuard<'a, T>, LockToken<'a, L>), LockTimeoutError> {
        let _ = token;
        self.try_read_timed(Patience::Until(deadline), "try_read_until")
    }

    /// Waits at most `timeout` for exclusive access, parking the thread
    /// meanwhile (as parking_lot's `try_write_for`); the same token rule as
    /// [`write`](RwLock::write).
    ///
    /// ```
    /// use std::time::Duration;
    /// use lockladder::{lock_level, sync::RwLock, LockToken};
    ///
    /// #[lock_level(10)]
    /// struct Registry {
    ///     accounts: Vec<u64>,
    /// }
    ///
    /// let registry = RwLock::new(Registry { accounts: Vec::new() });
    /// let mut token = LockToken::new();
    /// match registry.try_write_for(&mut token, Duration::from_millis(50)) {
    ///     Ok((mut registry, _token)) => registry.accounts.push(7),
    ///     Err(busy) => eprintln!("not now: {busy}"),
    /// }
    /// ```
    ///
    /// # Errors
    ///
    /// [`LockTimeoutError`] if readers or a writer still hold the lock when
    /// the time runs out; nothing is held then.
    #[track_caller]
    pub fn try_write_for<'a, H: LockBefore<L>>(
        &'a self,
        token: &'a mut LockToken<'_, H>,
        timeout: Duration,
    ) -> Result<(RwLockWriteGuard<'a, T>, LockToken<'a, L>), LockTimeoutError> {
        let _ = token;
        self.try_write_timed(Patience::For(timeout), "try_write_for")
    }

    /// Waits until `deadline` at the latest for exclusive access; as
    /// [`try_write_for`](RwLock::try_write_for).
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// use lockladder::{lock_level, sync::RwLock, LockToken};
    ///
    /// #[lock_level(10)]
    /// #[derive(Debug)]
    /// struct Registry;
    ///
    /// let registry = RwLock::new(Registry);
    /// let deadline = Instant::now() + Duration::from_millis(50);
    /// let mut reader = LockToken::new();
    /// let (_reading, _) = registry.read(&mut reader);
    ///
    /// std::thread::scope(|scope| {
    ///     scope.spawn(|| {
    ///         let mut writer = LockToken::new(); // another thread, its own root token
    ///         let err = registry.try_write_until(&mut writer, deadline).unwrap_err();
    ///         assert_eq!(err.level_name(), "Registry");
    ///     });
    /// });
    /// ```
    ///
    /// # Errors
    ///
    /// [`LockTimeoutError`] if readers or a writer still hold the lock at
    /// `deadline`.
    #[track_caller]
    pub fn try_write_until<'a, H: LockBefore<L>>(
        &'a self,
        token: &'a mut LockToken<'_, H>,
        deadline: Instant,
    ) -> Result<(RwLockWriteGuard<'a, T>, LockToken<'a, L>), LockTimeoutError> {
        let _ = token;
        self.try_write_timed(Patience::Until(deadline), "try_write_until")
    }

    /// `try_read_for` and `try_read_until`, once the token is checked.
    #[track_caller]
    fn try_read_timed<'a>(
        &'a self,
        patience: Patience,
        operation: &'static str,
    ) -> Result<(RwLockReadGuard<'a, T>, LockToken<'a, L>), LockTimeoutError> {
        let (guard, hold) = timed::<L, _>(
            || self.try_read_raw(),
            |deadline| Some(RawGuard::new(self.inner.try_read_until(deadline)?, &self.wake)),
            || self.read_raw(),
            patience,
            operation,
        )?;
        Ok((RwLockReadGuard::alone(guard, hold), LockToken::acquired()))
    }

    /// `try_write_for` and `try_write_until`, once the token is checked.
    #[track_caller]
    fn try_write_timed<'a>(
        &'a self,
        patience: Patience,
        operation: &'static str,
    ) -> Result<(RwLockWriteGuard<'a, T>, LockToken<'a, L>), LockTimeoutError> {
        let (guard, hold) = timed::<L, _>(
            || self.try_write_raw(),
            |deadline| match self.inner.try_write_until(deadline) {
                Some(guard) => Some(RawGuard::new(guard, &self.wake)),
                None => {
                    // While it waited for readers to leave, parking_lot held
                    // new ones back; they may enter now.
                    self.wake.released();
                    None
                }
            },
            || self.write_raw(),
            patience,
            operation,
        )?;
        Ok((RwLockWriteGuard::alone(guard, hold), LockToken::acquired()))
    }
}

impl<T: ?Sized, L> RwLock<T, L> {
    /// Takes shared access if it is free (for the multi-lock helpers too).
    #[inline(always)]
    pub(crate) fn try_read_raw(&self) -> Option<RawReadGuard<'_, T>> {
        Some(RawGuard::new(self.inner.try_read()?, &self.wake))
    }

    /// Blocks until shared access is free and takes it.
    #[inline(always)]
    pub(crate) fn read_raw(&self) -> RawReadGuard<'_, T> {
        RawGuard::new(self.inner.read(), &self.wake)
    }

    /// Takes exclusive access if it is free (for the multi-lock helpers too).
    #[inline(always)]
    pub(crate) fn try_write_raw(&self) -> Option<RawWriteGuard<'_, T>> {
        Some(RawGuard::new(self.inner.try_write()?, &self.wake))
    }

    /// Blocks until exclusive access is free and takes it.
    #[inline(always)]
    pub(crate) fn write_raw(&self) -> RawWriteGuard<'_, T> {
        RawGuard::new(self.inner.write(), &self.wake)
    }

    /// Takes the wrapped lock for an upgradable read if it is free.
    pub(super) fn try_upgradable_raw(
        &self,
    ) -> Option<RawGuard<'_, parking_lot::RwLockUpgradableReadGuard<'_, T>>> {
        Some(RawGuard::new(self.inner.try_upgradable_read()?, &self.wake))
    }

    /// Blocks until the wrapped lock can be read upgradably, and takes it.
    pub(super) fn upgradable_raw(
        &self,
    ) -> RawGuard<'_, parking_lot::RwLockUpgradableReadGuard<'_, T>> {
        RawGuard::new(self.inner.upgradable_read(), &self.wake)
    }

    /// Waits until `deadline` at the latest for an upgradable read, and takes it.
    pub(super) fn upgradable_raw_until(
        &self,
        deadline: Instant,
    ) -> Option<RawGuard<'_, parking_lot::RwLockUpgradableReadGuard<'_, T>>> {
        Some(RawGuard::new(self.inner.try_upgradable_read_until(deadline)?, &self.wake))
    }

    /// The wrapped lock, to tell whether a guard is this lock's.
    pub(super) fn raw_lock(&self) -> &parking_lot::RwLock<T> {
        &self.inner
    }

    /// The async waiters of the lock.
    pub(crate) fn wake(&self) -> &Wake {
        &self.wake
    }
}

crate::shape::lock_shape!(
    RwLock, path: "sync::RwLock", noun: "lock", debug: "sync::RwLock",
    peek: |lock| lock.try_read_raw(),
);
