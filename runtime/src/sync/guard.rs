//! The guards of the blocking locks: parking_lot's guard (which wakes async
//! waiters once it unlocks) and the hold, released in that order.

use core::fmt;
use core::ops::{Deref, DerefMut};

use super::wake::RawGuard;
use crate::held::Hold;

/// A guard type wrapping a parking_lot guard; `mut` adds `DerefMut`.
macro_rules! guard {
    ($(#[$attr:meta])* $name:ident($inner:ident) $(, $mutable:ident)?) => {
        $(#[$attr])*
        #[must_use = "the lock is released as soon as the guard is dropped"]
        pub struct $name<'a, T: ?Sized> {
            // Unlocks, then wakes async waiters of the lock.
            pub(super) inner: RawGuard<'a, parking_lot::$inner<'a, T>>,
            // Dropped after `inner`: the hold ends once the lock is released.
            pub(super) hold: Hold,
            // Taken by the lock's own `lock`/`read`/`write` (or `try_*`), not
            // as a member of a set: only such a guard may release and re-take
            // its lock alone (`unlocked`, `bump`, a `Condvar` wait) or be
            // downgraded to an upgradable read.
            pub(super) taken_alone: bool,
        }

        // Each guard type uses some of these: `alone` the unmapped ones, the
        // `raw` accessors the Mutex guard's `Condvar` waits.
        #[allow(dead_code, reason = "each guard type uses some of them")]
        impl<'a, T: ?Sized> $name<'a, T> {
            /// A guard taken as a member of a set (`lock_all`, `lock_many`, `LockGroup`).
            #[inline(always)]
            pub(crate) fn new(inner: RawGuard<'a, parking_lot::$inner<'a, T>>, hold: Hold) -> Self {
                $name { inner, hold, taken_alone: false }
            }

            /// A guard taken alone, through the lock's own method.
            #[inline(always)]
            pub(crate) fn alone(inner: RawGuard<'a, parking_lot::$inner<'a, T>>, hold: Hold) -> Self {
                $name { inner, hold, taken_alone: true }
            }

            /// The wrapped guard (its drop unlocks and wakes async waiters).
            #[inline(always)]
            pub(super) fn raw_mut(&mut self) -> &mut RawGuard<'a, parking_lot::$inner<'a, T>> {
                &mut self.inner
            }

            /// The wrapped guard, shared.
            #[inline(always)]
            pub(super) fn raw(&self) -> &RawGuard<'a, parking_lot::$inner<'a, T>> {
                &self.inner
            }
        }

        impl<T: ?Sized> Deref for $name<'_, T> {
            type Target = T;

            #[inline(always)]
            fn deref(&self) -> &T {
                &self.inner.guard
            }
        }

        $(guard!(@$mutable $name);)?

        impl<T: ?Sized + fmt::Debug> fmt::Debug for $name<'_, T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&**self, f)
            }
        }

        impl<T: ?Sized + fmt::Display> fmt::Display for $name<'_, T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&**self, f)
            }
        }
    };
    (@mut $name:ident) => {
        impl<T: ?Sized> DerefMut for $name<'_, T> {
            #[inline(always)]
            fn deref_mut(&mut self) -> &mut T {
                &mut self.inner.guard
            }
        }
    };
}

guard! {
    /// Access to the data of a blocking [`Mutex`](super::Mutex); the lock is
    /// released when it drops.
    ///
    /// Not `Send`: it must be dropped on the thread that took the lock. It is
    /// `Sync` when `T: Sync`.
    MutexGuard(MutexGuard), mut
}

guard! {
    /// Shared access to the data of a blocking [`RwLock`](super::RwLock);
    /// released when it drops.
    ///
    /// Not `Send`; `Sync` when `T: Sync`.
    RwLockReadGuard(RwLockReadGuard)
}

guard! {
    /// Exclusive access to the data of a blocking [`RwLock`](super::RwLock);
    /// released when it drops.
    ///
    /// Not `Send`; `Sync` when `T: Sync`.
    RwLockWriteGuard(RwLockWriteGuard), mut
}

guard! {
    /// A [`MutexGuard`] narrowed to a part of the data by
    /// [`MutexGuard::map`]; the same hold of the same lock.
    ///
    /// ```
    /// use lockladder::{lock_level, sync::{MappedMutexGuard, Mutex, MutexGuard}, LockToken};
    ///
    /// #[lock_level(20)]
    /// struct Coins {
    ///     total: u64,
    /// }
    ///
    /// let coins = Mutex::new(Coins { total: 0 });
    /// let mut token = LockToken::new();
    /// let (held, _token) = coins.lock(&mut token);
    /// let mut total: MappedMutexGuard<'_, u64> = MutexGuard::map(held, |coins| &mut coins.total);
    /// *total += 1;
    /// ```
    ///
    /// Not `Send`; `Sync` when `T: Sync`.
    MappedMutexGuard(MappedMutexGuard), mut
}

guard! {
    /// An [`RwLockReadGuard`] narrowed to a part of the data by
    /// [`RwLockReadGuard::map`]; the same hold of the same lock.
    ///
    /// ```
    /// use lockladder::{lock_level, sync::{MappedRwLockReadGuard, RwLock, RwLockReadGuard}, LockToken};
    ///
    /// #[lock_level(10)]
    /// struct Registry {
    ///     size: usize,
    /// }
    ///
    /// let registry = RwLock::new(Registry { size: 3 });
    /// let mut token = LockToken::new();
    /// let (held, _token) = registry.read(&mut token);
    /// let size: MappedRwLockReadGuard<'_, usize> = RwLockReadGuard::map(held, |r| &r.size);
    /// assert_eq!(*size, 3);
    /// ```
    ///
    /// Not `Send`; `Sync` when `T: Sync`.
    MappedRwLockReadGuard(MappedRwLockReadGuard)
}

guard! {
    /// An [`RwLockWriteGuard`] narrowed to a part of the data by
    /// [`RwLockWriteGuard::map`]; the same hold of the same lock.
    ///
    /// ```
    /// use lockladder::{lock_level, sync::{MappedRwLockWriteGuard, RwLock, RwLockWriteGuard}, LockToken};
    ///
    /// #[lock_level(10)]
    /// struct Registry {
    ///     size: usize,
    /// }
    ///
    /// let registry = RwLock::new(Registry { size: 3 });
    /// let mut token = LockToken::new();
    /// let (held, _token) = registry.write(&mut token);
    /// let mut size: MappedRwLockWriteGuard<'_, usize> = RwLockWriteGuard::map(held, |r| &mut r.size);
    /// *size += 1;
    /// ```
    ///
    /// Not `Send`; `Sync` when `T: Sync`.
    MappedRwLockWriteGuard(MappedRwLockWriteGuard), mut
}
