//! Guard mapping on the async [`RwLock`](super::RwLock): `map`/`try_map` on
//! its read and write guards, `downgrade_map`, and the mapped guards they
//! return. A mapped guard is the same hold of the same lock: it keeps the
//! token that took the lock borrowed (its lifetime), the `lockdep` hold, and
//! on drop wakes the waiters exactly as the guard it came from would.

use core::fmt;
use core::ops::{Deref, DerefMut};

use super::{RwLockReadGuard, RwLockWriteGuard, raw};
use crate::held::Hold;

impl<'a, T: ?Sized> RwLockReadGuard<'a, T> {
    /// Narrows the read guard to a part of the data, as tokio's
    /// `RwLockReadGuard::map`; the lock stays read-held until the mapped guard
    /// drops.
    ///
    /// ```
    /// use lockladder::{lock_level, LockToken, RwLock, RwLockReadGuard};
    ///
    /// #[lock_level(10)]
    /// struct Registry {
    ///     accounts: Vec<u64>,
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let registry = RwLock::new(Registry { accounts: vec![5, 6] });
    /// let mut token = LockToken::new();
    /// let (reading, _token) = registry.read(&mut token).await;
    /// let accounts = RwLockReadGuard::map(reading, |registry| &registry.accounts);
    /// assert_eq!(*accounts, [5, 6]);
    /// # });
    /// ```
    pub fn map<U: ?Sized>(
        guard: Self,
        part: impl FnOnce(&T) -> &U,
    ) -> MappedRwLockReadGuard<'a, U> {
        let RwLockReadGuard { inner, _hold } = guard;
        MappedRwLockReadGuard { inner: inner.map(part), _hold }
    }

    /// As [`map`](Self::map), for a part that may be missing: gives the guard
    /// back, still held, when `part` returns `None`.
    ///
    /// ```
    /// use lockladder::{lock_level, LockToken, RwLock, RwLockReadGuard};
    ///
    /// #[lock_level(10)]
    /// struct Registry {
    ///     accounts: Vec<u64>,
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let registry = RwLock::new(Registry { accounts: vec![5] });
    /// let mut token = LockToken::new();
    /// let (reading, _token) = registry.read(&mut token).await;
    /// let reading = RwLockReadGuard::try_map(reading, |registry| registry.accounts.get(3))
    ///     .expect_err("no fourth account"); // the guard comes back, still held
    /// assert_eq!(reading.accounts, [5]);
    /// # });
    /// ```
    ///
    /// # Errors
    ///
    /// The guard itself, unchanged, if `part` returns `None`.
    pub fn try_map<U: ?Sized>(
        guard: Self,
        part: impl FnOnce(&T) -> Option<&U>,
    ) -> Result<MappedRwLockReadGuard<'a, U>, Self> {
        let RwLockReadGuard { inner, _hold } = guard;
        match inner.try_map(part) {
            Ok(inner) => Ok(MappedRwLockReadGuard { inner, _hold }),
            Err(inner) => Err(RwLockReadGuard { inner, _hold }),
        }
    }
}

impl<'a, T: ?Sized> RwLockWriteGuard<'a, T> {
    /// Narrows the write guard to a part of the data, as tokio's
    /// `RwLockWriteGuard::map`; the lock stays write-held until the mapped
    /// guard drops, whose release wakes the waiting writer and readers.
    ///
    /// ```
    /// use lockladder::{lock_level, LockToken, RwLock, RwLockWriteGuard};
    ///
    /// #[lock_level(10)]
    /// struct Registry {
    ///     accounts: Vec<u64>,
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let registry = RwLock::new(Registry { accounts: vec![5] });
    /// let mut token = LockToken::new();
    /// let (writing, _token) = registry.write(&mut token).await;
    /// let mut accounts = RwLockWriteGuard::map(writing, |registry| &mut registry.accounts);
    /// accounts.push(6);
    /// drop(accounts);
    /// assert_eq!(registry.into_inner().accounts, [5, 6]);
    /// # });
    /// ```
    pub fn map<U: ?Sized>(
        guard: Self,
        part: impl FnOnce(&mut T) -> &mut U,
    ) -> MappedRwLockWriteGuard<'a, U> {
        let RwLockWriteGuard { inner, _hold } = guard;
        MappedRwLockWriteGuard { inner: inner.map(part), _hold }
    }

    /// As [`map`](Self::map), for a part that may be missing: gives the guard
    /// back, still write-held, when `part` returns `None`.
    ///
    /// ```
    /// use lockladder::{lock_level, LockToken, RwLock, RwLockWriteGuard};
    ///
    /// #[lock_level(10)]
    /// struct Registry {
    ///     accounts: Vec<u64>,
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let registry = RwLock::new(Registry { accounts: vec![5] });
    /// let mut token = LockToken::new();
    /// let (writing, _token) = registry.write(&mut token).await;
    /// let mut writing = RwLockWriteGuard::try_map(writing, |registry| registry.accounts.get_mut(3))
    ///     .expect_err("no fourth account"); // the guard comes back, still held
    /// writing.accounts.push(6);
    /// # });
    /// ```
    ///
    /// # Errors
    ///
    /// The guard itself, unchanged, if `part` returns `None`.
    pub fn try_map<U: ?Sized>(
        guard: Self,
        part: impl FnOnce(&mut T) -> Option<&mut U>,
    ) -> Result<MappedRwLockWriteGuard<'a, U>, Self> {
        let RwLockWriteGuard { inner, _hold } = guard;
        match inner.try_map(part) {
            Ok(inner) => Ok(MappedRwLockWriteGuard { inner, _hold }),
            Err(inner) => Err(RwLockWriteGuard { inner, _hold }),
        }
    }

    /// The whole guard as a [`MappedRwLockWriteGuard`], as tokio's
    /// `into_mapped`: for a field or a function that takes mapped guards.
    /// It can no longer [`downgrade`](Self::downgrade).
    ///
    /// ```
    /// use lockladder::{lock_level, LockToken, MappedRwLockWriteGuard, RwLock, RwLockWriteGuard};
    ///
    /// #[lock_level(10)]
    /// struct Registry {
    ///     accounts: Vec<u64>,
    /// }
    ///
    /// fn open_account(mut registry: MappedRwLockWriteGuard<'_, Registry>) {
    ///     registry.accounts.push(7);
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let registry = RwLock::new(Registry { accounts: Vec::new() });
    /// let mut token = LockToken::new();
    /// let (writing, _token) = registry.write(&mut token).await;
    /// open_account(RwLockWriteGuard::into_mapped(writing));
    /// # });
    /// ```
    pub fn into_mapped(guard: Self) -> MappedRwLockWriteGuard<'a, T> {
        Self::map(guard, |whole| whole)
    }

    /// Downgrades to a read hold with no gap, as
    /// [`downgrade`](Self::downgrade), then narrows it to a part of the data,
    /// as tokio's `downgrade_map`: no writer gets in between.
    ///
    /// `part` runs once the lock is read-held (tokio runs it before the
    /// downgrade; it gets `&T` either way).
    ///
    /// ```
    /// use lockladder::{lock_level, LockToken, RwLock, RwLockWriteGuard};
    ///
    /// #[lock_level(10)]
    /// struct Registry {
    ///     accounts: Vec<u64>,
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let registry = RwLock::new(Registry { accounts: Vec::new() });
    /// let mut token = LockToken::new();
    /// let (mut writing, _token) = registry.write(&mut token).await;
    /// writing.accounts.push(8);
    /// let accounts = RwLockWriteGuard::downgrade_map(writing, |registry| &registry.accounts);
    /// assert_eq!(*accounts, [8]); // nobody wrote in between
    /// # });
    /// ```
    pub fn downgrade_map<U: ?Sized>(
        guard: Self,
        part: impl FnOnce(&T) -> &U,
    ) -> MappedRwLockReadGuard<'a, U> {
        RwLockReadGuard::map(Self::downgrade(guard), part)
    }

    /// Downgrades with no gap, then narrows to a part that may be missing, as
    /// tokio's `try_downgrade_map`, with one difference: when `part` returns
    /// `None`, the guard comes back **downgraded** (a read guard of the whole
    /// data), where tokio's comes back still write-held. `part` runs after the
    /// downgrade, and a write hold cannot be restored without a wait: to keep
    /// writing when the part is missing, look before downgrading.
    ///
    /// ```
    /// use lockladder::{lock_level, LockToken, RwLock, RwLockWriteGuard};
    ///
    /// #[lock_level(10)]
    /// struct Registry {
    ///     accounts: Vec<u64>,
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let registry = RwLock::new(Registry { accounts: vec![1] });
    /// let mut token = LockToken::new();
    /// let (writing, _token) = registry.write(&mut token).await;
    /// let reading = RwLockWriteGuard::try_downgrade_map(writing, |registry| registry.accounts.get(4))
    ///     .expect_err("no fifth account"); // read-held now
    /// assert_eq!(reading.accounts, [1]);
    /// # });
    /// ```
    ///
    /// # Errors
    ///
    /// The downgraded guard, still read-held, if `part` returns `None`.
    pub fn try_downgrade_map<U: ?Sized>(
        guard: Self,
        part: impl FnOnce(&T) -> Option<&U>,
    ) -> Result<MappedRwLockReadGuard<'a, U>, RwLockReadGuard<'a, T>> {
        RwLockReadGuard::try_map(Self::downgrade(guard), part)
    }
}

/// Shared access to a part of the data of an [`RwLock`](crate::RwLock),
/// from [`RwLockReadGuard::map`] or [`RwLockWriteGuard::downgrade_map`]: the
/// same read hold of the same lock, released when it drops.
///
/// It keeps the lock's lifetime, so the token that took the lock stays
/// borrowed while it lives, and it is `Send` when `T: Sync`, as tokio's read
/// guard.
///
/// ```
/// use lockladder::{lock_level, LockToken, MappedRwLockReadGuard, RwLock, RwLockReadGuard};
///
/// #[lock_level(10)]
/// struct Registry {
///     accounts: Vec<u64>,
/// }
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let registry = RwLock::new(Registry { accounts: vec![5, 6] });
/// let mut token = LockToken::new();
/// let (reading, _token) = registry.read(&mut token).await;
/// let accounts: MappedRwLockReadGuard<'_, Vec<u64>> =
///     RwLockReadGuard::map(reading, |registry| &registry.accounts);
/// let second = MappedRwLockReadGuard::map(accounts, |accounts| &accounts[1]);
/// assert_eq!(*second, 6);
/// # });
/// ```
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct MappedRwLockReadGuard<'a, T: ?Sized> {
    inner: raw::MappedReadGuard<'a, T>,
    // Dropped after `inner`: the hold ends once the lock is released.
    _hold: Hold,
}

impl<'a, T: ?Sized> MappedRwLockReadGuard<'a, T> {
    /// Narrows the guard further; the lock stays held until the new guard drops.
    ///
    /// ```
    /// use lockladder::{lock_level, LockToken, MappedRwLockReadGuard, RwLock, RwLockReadGuard};
    ///
    /// #[lock_level(10)]
    /// struct Registry {
    ///     accounts: Vec<u64>,
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let registry = RwLock::new(Registry { accounts: vec![5, 6] });
    /// let mut token = LockToken::new();
    /// let (reading, _token) = registry.read(&mut token).await;
    /// let accounts = RwLockReadGuard::map(reading, |registry| &registry.accounts);
    /// let first = MappedRwLockReadGuard::map(accounts, |accounts| &accounts[0]);
    /// assert_eq!(*first, 5);
    /// # });
    /// ```
    pub fn map<U: ?Sized>(
        guard: Self,
        part: impl FnOnce(&T) -> &U,
    ) -> MappedRwLockReadGuard<'a, U> {
        let MappedRwLockReadGuard { inner, _hold } = guard;
        MappedRwLockReadGuard { inner: inner.map(part), _hold }
    }

    /// As [`map`](Self::map), for a part that may be missing: gives the guard
    /// back, still held, when `part` returns `None`.
    ///
    /// ```
    /// use lockladder::{lock_level, LockToken, MappedRwLockReadGuard, RwLock, RwLockReadGuard};
    ///
    /// #[lock_level(10)]
    /// struct Registry {
    ///     accounts: Vec<u64>,
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let registry = RwLock::new(Registry { accounts: vec![5, 6] });
    /// let mut token = LockToken::new();
    /// let (reading, _token) = registry.read(&mut token).await;
    /// let accounts = RwLockReadGuard::map(reading, |registry| &registry.accounts);
    /// let accounts = MappedRwLockReadGuard::try_map(accounts, |accounts| accounts.get(7))
    ///     .expect_err("no eighth account"); // the guard comes back, still held
    /// assert_eq!(*accounts, [5, 6]);
    /// # });
    /// ```
    ///
    /// # Errors
    ///
    /// The guard itself, unchanged, if `part` returns `None`.
    pub fn try_map<U: ?Sized>(
        guard: Self,
        part: impl FnOnce(&T) -> Option<&U>,
    ) -> Result<MappedRwLockReadGuard<'a, U>, Self> {
        let MappedRwLockReadGuard { inner, _hold } = guard;
        match inner.try_map(part) {
            Ok(inner) => Ok(MappedRwLockReadGuard { inner, _hold }),
            Err(inner) => Err(MappedRwLockReadGuard { inner, _hold }),
        }
    }
}

impl<T: ?Sized> Deref for MappedRwLockReadGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.inner
    }
}

/// Exclusive access to a part of the data of an [`RwLock`](crate::RwLock),
/// from [`RwLockWriteGuard::map`]: the same write hold of the same lock,
/// released when it drops (waking the waiting writer and readers as the write
/// guard's release would).
///
/// It keeps the lock's lifetime, so the token that took the lock stays
/// borrowed while it lives. It has no `downgrade`, as parking_lot's mapped
/// guard (the part it points to cannot be turned back into a read of the whole
/// data): to read on with no gap, use [`RwLockWriteGuard::downgrade_map`]
/// instead of `map`. Without a downgrade it is `Send` when `T: Send` (the write
/// guard needs `T: Send + Sync`, as tokio's).
///
/// ```
/// use lockladder::{lock_level, LockToken, MappedRwLockWriteGuard, RwLock, RwLockWriteGuard};
///
/// #[lock_level(10)]
/// struct Registry {
///     accounts: Vec<u64>,
/// }
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let registry = RwLock::new(Registry { accounts: vec![5, 6] });
/// let mut token = LockToken::new();
/// let (writing, _token) = registry.write(&mut token).await;
/// let accounts: MappedRwLockWriteGuard<'_, Vec<u64>> =
///     RwLockWriteGuard::map(writing, |registry| &mut registry.accounts);
/// let mut second = MappedRwLockWriteGuard::map(accounts, |accounts| &mut accounts[1]);
/// *second += 1;
/// assert_eq!(*second, 7);
/// # });
/// ```
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct MappedRwLockWriteGuard<'a, T: ?Sized> {
    inner: raw::MappedWriteGuard<'a, T>,
    // Dropped after `inner`: the hold ends once the lock is released.
    _hold: Hold,
}

impl<'a, T: ?Sized> MappedRwLockWriteGuard<'a, T> {
    /// Narrows the guard further; the lock stays held until the new guard drops.
    ///
    /// ```
    /// use lockladder::{lock_level, LockToken, MappedRwLockWriteGuard, RwLock, RwLockWriteGuard};
    ///
    /// #[lock_level(10)]
    /// struct Registry {
    ///     accounts: Vec<u64>,
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let registry = RwLock::new(Registry { accounts: vec![5, 6] });
    /// let mut token = LockToken::new();
    /// let (writing, _token) = registry.write(&mut token).await;
    /// let accounts = RwLockWriteGuard::map(writing, |registry| &mut registry.accounts);
    /// let mut first = MappedRwLockWriteGuard::map(accounts, |accounts| &mut accounts[0]);
    /// *first = 0;
    /// # });
    /// ```
    pub fn map<U: ?Sized>(
        guard: Self,
        part: impl FnOnce(&mut T) -> &mut U,
    ) -> MappedRwLockWriteGuard<'a, U> {
        let MappedRwLockWriteGuard { inner, _hold } = guard;
        MappedRwLockWriteGuard { inner: inner.map(part), _hold }
    }

    /// As [`map`](Self::map), for a part that may be missing: gives the guard
    /// back, still held, when `part` returns `None`.
    ///
    /// ```
    /// use lockladder::{lock_level, LockToken, MappedRwLockWriteGuard, RwLock, RwLockWriteGuard};
    ///
    /// #[lock_level(10)]
    /// struct Registry {
    ///     accounts: Vec<u64>,
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let registry = RwLock::new(Registry { accounts: vec![5, 6] });
    /// let mut token = LockToken::new();
    /// let (writing, _token) = registry.write(&mut token).await;
    /// let accounts = RwLockWriteGuard::map(writing, |registry| &mut registry.accounts);
    /// let mut accounts = MappedRwLockWriteGuard::try_map(accounts, |accounts| accounts.get_mut(7))
    ///     .expect_err("no eighth account"); // the guard comes back, still held
    /// accounts.push(7);
    /// # });
    /// ```
    ///
    /// # Errors
    ///
    /// The guard itself, unchanged, if `part` returns `None`.
    pub fn try_map<U: ?Sized>(
        guard: Self,
        part: impl FnOnce(&mut T) -> Option<&mut U>,
    ) -> Result<MappedRwLockWriteGuard<'a, U>, Self> {
        let MappedRwLockWriteGuard { inner, _hold } = guard;
        match inner.try_map(part) {
            Ok(inner) => Ok(MappedRwLockWriteGuard { inner, _hold }),
            Err(inner) => Err(MappedRwLockWriteGuard { inner, _hold }),
        }
    }
}

impl<T: ?Sized> Deref for MappedRwLockWriteGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.inner
    }
}

impl<T: ?Sized> DerefMut for MappedRwLockWriteGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.inner
    }
}

/// `Debug` and `Display` of a guard: those of the data it gives access to.
macro_rules! fmt_as_data {
    ($($guard:ident),+) => {$(
        impl<T: ?Sized + fmt::Debug> fmt::Debug for $guard<'_, T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&**self, f)
            }
        }

        impl<T: ?Sized + fmt::Display> fmt::Display for $guard<'_, T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&**self, f)
            }
        }
    )+};
}

fmt_as_data!(RwLockReadGuard, RwLockWriteGuard, MappedRwLockReadGuard, MappedRwLockWriteGuard);
