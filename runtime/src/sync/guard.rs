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
            inner: RawGuard<'a, parking_lot::$inner<'a, T>>,
            // Dropped after `inner`: the hold ends once the lock is released.
            _hold: Hold,
        }

        impl<'a, T: ?Sized> $name<'a, T> {
            #[inline(always)]
            pub(crate) fn new(inner: RawGuard<'a, parking_lot::$inner<'a, T>>, hold: Hold) -> Self {
                $name { inner, _hold: hold }
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
