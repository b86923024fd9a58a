//! The async [`RwLock`] and its guards and futures.

use core::fmt;
use core::future::Future;
use core::marker::PhantomData;
use core::ops::{Deref, DerefMut};
use core::pin::Pin;
use core::task::{Context, Poll};

use crate::error::TryLockError;
use crate::held::{Acquisition, Hold};
use crate::level::Level;
use crate::order::LockBefore;
use crate::token::LockToken;

mod map;
pub(crate) mod raw;
mod upgradable;

pub use map::{MappedRwLockReadGuard, MappedRwLockWriteGuard};
pub(crate) use raw::RawRwLock;
pub use upgradable::{RwLockUpgradableReadFuture, RwLockUpgradableReadGuard, RwLockUpgradeFuture};

/// An async reader-writer lock at level `L` in the lock hierarchy.
///
/// Many readers or one writer. Reading and writing are both acquisitions at
/// level `L`: a task that holds a read guard cannot then take the write lock of
/// the same `RwLock` (that would wait for itself), and the types reject it.
///
/// ```
/// use lockladder::{lock_level, LockToken, RwLock};
///
/// #[lock_level(10)]
/// struct Registry {
///     accounts: Vec<u64>,
/// }
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let registry = RwLock::new(Registry { accounts: vec![] });
///
/// let mut token = LockToken::new();
/// {
///     let (mut registry, _token) = registry.write(&mut token).await;
///     registry.accounts.push(42);
/// }
/// let (registry, _token) = registry.read(&mut token).await;
/// assert_eq!(registry.accounts, [42]);
/// # });
/// ```
///
/// # Guarantees
///
/// A lock of its own underneath (named futures, any executor, no allocation
/// unless a task has to wait): an uncontended `read` or `write` is one atomic
/// operation to take and one to release. A writer that has to wait joins a
/// queue served in about arrival order, and no later writer barges past it; the
/// writer at the head of the queue blocks new readers, so writers are not
/// starved. The futures are cancel safe: dropping one before it completes
/// acquires nothing and leaves the queue as it was.
///
/// # Guards
///
/// As tokio's: a read guard narrows to a part of the data with
/// [`RwLockReadGuard::map`] / [`try_map`](RwLockReadGuard::try_map), a write
/// guard with [`RwLockWriteGuard::map`] / [`try_map`](RwLockWriteGuard::try_map),
/// and [`RwLockWriteGuard::downgrade`] / [`downgrade_map`](RwLockWriteGuard::downgrade_map)
/// turn a write into a read with no writer in between. A mapped guard is the
/// same hold: it keeps the token borrowed and wakes the waiters when it drops.
/// [`upgradable_read`](RwLock::upgradable_read) gives a read that can become a
/// write with no write in between.
///
/// There is no downgrade from a write to an upgradable read (parking_lot's
/// `downgrade_to_upgradable`). An upgradable read holds the writers' turn, and
/// a write taken at once (nobody queued) does not: by the time it downgrades,
/// the turn may belong to a writer that queued behind it, which waits for this
/// very hold to end, so the downgrade could neither take the turn without a
/// wait nor skip that writer without breaking arrival order. Downgrade to a
/// plain read, or take an upgradable read from the start.
pub struct RwLock<T: ?Sized, L = T> {
    // Invariant in `L`: a level must never coerce to another (two levels that
    // differ only by a higher-ranked lifetime are subtypes of each other).
    level: PhantomData<fn(L) -> L>,
    inner: RawRwLock<T>,
}

impl<T: Level> RwLock<T> {
    /// A reader-writer lock at the level of `T` itself.
    ///
    /// ```
    /// use lockladder::{lock_level, RwLock};
    ///
    /// #[lock_level(10)]
    /// struct Registry;
    ///
    /// let registry = RwLock::new(Registry);
    /// ```
    pub const fn new(value: T) -> Self {
        RwLock { level: PhantomData, inner: RawRwLock::new(value) }
    }
}

impl<T, L: Level> RwLock<T, L> {
    /// A reader-writer lock at the level `L` named by the expected type.
    ///
    /// ```
    /// use lockladder::{lock_level, RwLock};
    ///
    /// #[lock_level(40)]
    /// enum ConfigLevel {}
    ///
    /// let config: RwLock<String, ConfigLevel> = RwLock::with_level(String::from("v1"));
    /// ```
    pub const fn with_level(value: T) -> Self {
        RwLock { level: PhantomData, inner: RawRwLock::new(value) }
    }
}

impl<T: ?Sized, L: Level> RwLock<T, L> {
    /// Waits for shared access, then returns the read guard and a token at `L`.
    ///
    /// ```
    /// use lockladder::{lock_level, LockToken, RwLock};
    ///
    /// #[lock_level(10)]
    /// struct Registry {
    ///     accounts: Vec<u64>,
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let registry = RwLock::new(Registry { accounts: vec![1, 2] });
    /// let mut token = LockToken::new();
    /// let (registry, _token) = registry.read(&mut token).await;
    /// assert_eq!(registry.accounts.len(), 2);
    /// # });
    /// ```
    #[track_caller]
    pub fn read<'a, H: LockBefore<L>>(
        &'a self,
        token: &'a mut LockToken<'_, H>,
    ) -> RwLockReadFuture<'a, T, L> {
        let _ = token;
        RwLockReadFuture {
            inner: self.inner.read(),
            acquisition: Acquisition::begin::<L>(),
            level: PhantomData,
        }
    }

    /// Waits for exclusive access, then returns the write guard and a token at `L`.
    ///
    /// ```
    /// use lockladder::{lock_level, LockToken, RwLock};
    ///
    /// #[lock_level(10)]
    /// struct Registry {
    ///     accounts: Vec<u64>,
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let registry = RwLock::new(Registry { accounts: vec![] });
    /// let mut token = LockToken::new();
    /// let (mut registry, _token) = registry.write(&mut token).await;
    /// registry.accounts.push(3);
    /// # });
    /// ```
    #[track_caller]
    pub fn write<'a, H: LockBefore<L>>(
        &'a self,
        token: &'a mut LockToken<'_, H>,
    ) -> RwLockWriteFuture<'a, T, L> {
        let _ = token;
        RwLockWriteFuture {
            inner: self.inner.write(),
            acquisition: Acquisition::begin::<L>(),
            level: PhantomData,
        }
    }

    /// Takes shared access if no writer holds the lock or is next in line for it,
    /// without waiting.
    ///
    /// ```
    /// use lockladder::{lock_level, LockToken, RwLock};
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
        let mut acquisition = Acquisition::begin::<L>();
        match self.inner.try_read() {
            Some(guard) => {
                Ok((RwLockReadGuard::new(guard, acquisition.granted()), LockToken::acquired()))
            }
            None => Err(TryLockError::new::<L>("try_read")),
        }
    }

    /// Takes exclusive access if nobody holds the lock and no writer is waiting
    /// for it (a waiting writer is served first), without waiting.
    ///
    /// ```
    /// use lockladder::{lock_level, LockToken, RwLock};
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
        let mut acquisition = Acquisition::begin::<L>();
        match self.inner.try_write() {
            Some(guard) => {
                Ok((RwLockWriteGuard::new(guard, acquisition.granted()), LockToken::acquired()))
            }
            None => Err(TryLockError::new::<L>("try_write")),
        }
    }
}

pin_project_lite::pin_project! {
    /// The future of [`RwLock::read`]: resolves to the read guard and a token at `L`.
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct RwLockReadFuture<'a, T: ?Sized, L> {
        #[pin]
        inner: raw::Read<'a, T>,
        acquisition: Acquisition,
        level: PhantomData<fn(L) -> L>,
    }
}

impl<'a, T: ?Sized, L> Future for RwLockReadFuture<'a, T, L> {
    type Output = (RwLockReadGuard<'a, T>, LockToken<'a, L>);

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        match this.inner.poll(cx) {
            Poll::Ready(guard) => {
                let hold = this.acquisition.granted();
                Poll::Ready((RwLockReadGuard::new(guard, hold), LockToken::acquired()))
            }
            Poll::Pending => {
                this.acquisition.contended();
                Poll::Pending
            }
        }
    }
}

impl<T: ?Sized, L: Level> fmt::Debug for RwLockReadFuture<'_, T, L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RwLockReadFuture<{} (level {})>", L::NAME, L::LEVEL)
    }
}

pin_project_lite::pin_project! {
    /// The future of [`RwLock::write`]: resolves to the write guard and a token at `L`.
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct RwLockWriteFuture<'a, T: ?Sized, L> {
        #[pin]
        inner: raw::Write<'a, T>,
        acquisition: Acquisition,
        level: PhantomData<fn(L) -> L>,
    }
}

impl<'a, T: ?Sized, L> Future for RwLockWriteFuture<'a, T, L> {
    type Output = (RwLockWriteGuard<'a, T>, LockToken<'a, L>);

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        match this.inner.poll(cx) {
            Poll::Ready(guard) => {
                let hold = this.acquisition.granted();
                Poll::Ready((RwLockWriteGuard::new(guard, hold), LockToken::acquired()))
            }
            Poll::Pending => {
                this.acquisition.contended();
                Poll::Pending
            }
        }
    }
}

impl<T: ?Sized, L: Level> fmt::Debug for RwLockWriteFuture<'_, T, L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RwLockWriteFuture<{} (level {})>", L::NAME, L::LEVEL)
    }
}

/// Shared access to the data of an [`RwLock`]; released when it drops.
///
/// `Send` when `T: Send + Sync` (tokio's needs only `T: Sync`; the difference
/// is data that is `Sync` but not `Send`, whose lock no two tasks can share
/// anyway). [`map`](Self::map) and [`try_map`](Self::try_map) narrow it to a
/// part of the data; the mapped guard is `Send` when `T: Sync`.
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct RwLockReadGuard<'a, T: ?Sized> {
    inner: raw::ReadGuard<'a, T>,
    // Dropped after `inner`: the hold ends once the lock is released.
    _hold: Hold,
}

impl<'a, T: ?Sized> RwLockReadGuard<'a, T> {
    pub(crate) fn new(inner: raw::ReadGuard<'a, T>, hold: Hold) -> Self {
        RwLockReadGuard { inner, _hold: hold }
    }
}

impl<T: ?Sized> Deref for RwLockReadGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.inner
    }
}

/// Exclusive access to the data of an [`RwLock`]; released when it drops.
///
/// `Send` when `T: Send + Sync`, as tokio's write guard: after a
/// [`downgrade`](Self::downgrade) other threads may read the data beside it.
/// [`map`](Self::map), [`try_map`](Self::try_map) and
/// [`downgrade_map`](Self::downgrade_map) narrow it to a part of the data.
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct RwLockWriteGuard<'a, T: ?Sized> {
    inner: raw::WriteGuard<'a, T>,
    // Dropped after `inner`: the hold ends once the lock is released.
    _hold: Hold,
}

impl<'a, T: ?Sized> RwLockWriteGuard<'a, T> {
    pub(crate) fn new(inner: raw::WriteGuard<'a, T>, hold: Hold) -> Self {
        RwLockWriteGuard { inner, _hold: hold }
    }
}

impl<'a, T: ?Sized> RwLockWriteGuard<'a, T> {
    /// Turns the write hold into a read hold without releasing the lock, as
    /// tokio's `downgrade`: no writer gets in between, and readers waiting
    /// for the lock are let in, unless a writer queued first (writers are not
    /// starved). The token that took the lock stays borrowed by the read
    /// guard; the hold (and its `lockdep` record) goes on.
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
    /// writing.accounts.push(9);
    /// let reading = RwLockWriteGuard::downgrade(writing);
    /// assert_eq!(reading.accounts, [9]); // nobody wrote in between
    /// # });
    /// ```
    pub fn downgrade(guard: Self) -> RwLockReadGuard<'a, T> {
        let RwLockWriteGuard { inner, _hold } = guard;
        RwLockReadGuard { inner: inner.downgrade(), _hold }
    }
}

impl<T: ?Sized> Deref for RwLockWriteGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.inner
    }
}

impl<T: ?Sized> DerefMut for RwLockWriteGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.inner
    }
}

impl<T: ?Sized, L> RwLock<T, L> {
    /// The wrapped lock, for the multi-lock helpers (`lock_all`, `lock_many`).
    pub(crate) fn raw(&self) -> &RawRwLock<T> {
        &self.inner
    }
}

crate::shape::lock_shape!(
    RwLock, path: "RwLock", noun: "lock", debug: "RwLock",
    peek: |lock| lock.inner.try_read(),
);
