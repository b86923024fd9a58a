//! Upgradable reads of the async [`RwLock`]: `upgradable_read`, then
//! `upgrade` or `try_upgrade` (or `downgrade`). The raw lock's fairness and
//! cancel-safety argument is in `raw/upgradable.rs`.
//!
//! `upgrade` waits for the other readers to leave, and a reader may be
//! waiting for a lock the upgrader took above the `RwLock`: so `upgrade` takes
//! the upgradable guard's own token at the lock's level mutably, which cannot
//! be lent while anything taken through it is held. `try_upgrade` never
//! waits, but takes the same token: a write at `L` must not begin while a
//! higher level taken after the read is still held.

use core::fmt;
use core::future::Future;
use core::marker::PhantomData;
use core::ops::Deref;
use core::pin::Pin;
use core::task::{Context, Poll};

use super::{RwLock, RwLockReadGuard, RwLockWriteGuard, raw};
use crate::error::TryLockError;
use crate::held::{Acquisition, Hold, check_holds_at_most};
use crate::level::Level;
use crate::order::LockBefore;
use crate::token::LockToken;

/// A read hold of an async [`RwLock`] that can become a write hold with no
/// write in between: see [`RwLock::upgradable_read`].
///
/// It shares the lock with plain readers and excludes writers and other
/// upgradable readers. [`upgrade`](Self::upgrade) waits for the other readers
/// to leave; [`try_upgrade`](Self::try_upgrade) upgrades only if none is in,
/// and gives the guard back otherwise. `Send` when `T: Send + Sync`.
///
/// ```
/// use lockladder::{lock_level, LockToken, RwLock, RwLockUpgradableReadGuard};
///
/// #[lock_level(10)]
/// struct Cache {
///     entries: Vec<u32>,
/// }
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let cache = RwLock::new(Cache { entries: Vec::new() });
/// let mut token = LockToken::new();
/// let (checking, mut at_cache) = cache.upgradable_read(&mut token).await;
/// if !checking.entries.contains(&4) {
///     let mut writing = RwLockUpgradableReadGuard::upgrade(checking, &mut at_cache).await;
///     writing.entries.push(4); // nobody inserted it meanwhile
/// }
/// # });
/// ```
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct RwLockUpgradableReadGuard<'a, T: ?Sized, L> {
    inner: raw::UpgradableGuard<'a, T>,
    lock: &'a raw::RawRwLock<T>,
    // Dropped after `inner`: the hold ends once the lock is released.
    hold: Hold,
    level: PhantomData<fn(L) -> L>,
}

impl<T: ?Sized, L: Level> RwLock<T, L> {
    /// Waits for the writers and upgradable readers queued before, then
    /// returns an upgradable read guard and a token at `L`. Writers and
    /// upgradable readers are served in arrival order.
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
    /// let registry = RwLock::new(Registry { accounts: vec![1] });
    /// let mut token = LockToken::new();
    /// let (checking, _token) = registry.upgradable_read(&mut token).await;
    /// assert_eq!(checking.accounts, [1]);
    /// # });
    /// ```
    ///
    /// # Cancellation
    ///
    /// Dropping the future leaves the queue; nothing is held.
    #[track_caller]
    pub fn upgradable_read<'a, H: LockBefore<L>>(
        &'a self,
        token: &'a mut LockToken<'_, H>,
    ) -> RwLockUpgradableReadFuture<'a, T, L> {
        let _ = token;
        RwLockUpgradableReadFuture {
            inner: self.raw().upgradable_read(),
            lock: self.raw(),
            acquisition: Acquisition::begin::<L>(),
            level: PhantomData,
        }
    }

    /// Takes an upgradable read hold if nobody writes, no writer is queued
    /// and no other upgradable reader holds the lock right now.
    ///
    /// ```
    /// use lockladder::{lock_level, LockToken, RwLock};
    ///
    /// #[lock_level(10)]
    /// struct Registry;
    ///
    /// let registry = RwLock::new(Registry);
    /// let mut token = LockToken::new();
    /// let (_checking, _) = registry.try_upgradable_read(&mut token).expect("free");
    /// std::thread::scope(|scope| {
    ///     scope.spawn(|| {
    ///         let mut elsewhere = LockToken::new();
    ///         assert!(registry.try_upgradable_read(&mut elsewhere).is_err());
    ///         assert!(registry.try_read(&mut elsewhere).is_ok()); // readers share it
    ///     });
    /// });
    /// ```
    #[track_caller]
    pub fn try_upgradable_read<'a, H: LockBefore<L>>(
        &'a self,
        token: &'a mut LockToken<'_, H>,
    ) -> Result<(RwLockUpgradableReadGuard<'a, T, L>, LockToken<'a, L>), TryLockError> {
        let _ = token;
        let mut acquisition = Acquisition::begin::<L>();
        match self.raw().try_upgradable_read() {
            Some(inner) => Ok((
                RwLockUpgradableReadGuard {
                    inner,
                    lock: self.raw(),
                    hold: acquisition.granted(),
                    level: PhantomData,
                },
                LockToken::acquired(),
            )),
            None => Err(TryLockError::new::<L>("try_upgradable_read")),
        }
    }
}

impl<'a, T: ?Sized, L: Level> RwLockUpgradableReadGuard<'a, T, L> {
    /// Waits for the other readers to leave, then resolves to a write guard;
    /// no writer gets in between. New readers stand back while it waits.
    ///
    /// `token` is the token at the lock's level that
    /// [`upgradable_read`](RwLock::upgradable_read) returned; while a lock
    /// taken through it is held it cannot be lent, so an upgrade that could
    /// wait for a reader waiting for that lock does not compile:
    ///
    /// ```compile_fail,E0499
    /// use lockladder::{lock_level, LockToken, Mutex, RwLock, RwLockUpgradableReadGuard};
    ///
    /// #[lock_level(10)]
    /// struct Registry;
    /// #[lock_level(20)]
    /// struct Stats;
    ///
    /// async fn upgrade_above(registry: &RwLock<Registry>, stats: &Mutex<Stats>) {
    ///     let mut token = LockToken::new();
    ///     let (checking, mut at_registry) = registry.upgradable_read(&mut token).await;
    ///     let (_stats, _) = stats.lock(&mut at_registry).await;
    ///     let _writing = RwLockUpgradableReadGuard::upgrade(checking, &mut at_registry).await;
    /// }
    /// ```
    ///
    /// # Cancellation
    ///
    /// Dropping the future releases the lock (the upgradable hold is gone)
    /// and lets the readers it held back in.
    #[track_caller]
    pub fn upgrade(guard: Self, token: &mut LockToken<'_, L>) -> RwLockUpgradeFuture<'a, T> {
        let _ = token;
        check_holds_at_most::<L>();
        let RwLockUpgradableReadGuard { inner, lock, hold, .. } = guard;
        RwLockUpgradeFuture { inner: inner.upgrade(lock), hold: Some(hold) }
    }

    /// Upgrades at once if no other reader holds the lock; otherwise gives the
    /// upgradable guard back, unchanged and still held. It never waits. Either
    /// way nobody writes in between: this guard holds the writers' turn.
    ///
    /// `token` is the guard's own token, as for [`upgrade`](Self::upgrade),
    /// so a `try_upgrade` while a lock taken through that token is held does
    /// not compile either.
    ///
    /// ```
    /// use lockladder::{lock_level, LockToken, RwLock, RwLockUpgradableReadGuard};
    ///
    /// #[lock_level(10)]
    /// struct Cache {
    ///     entries: Vec<u32>,
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let cache = RwLock::new(Cache { entries: Vec::new() });
    /// let mut token = LockToken::new();
    /// let (checking, mut at_cache) = cache.upgradable_read(&mut token).await;
    /// let mut writing = match RwLockUpgradableReadGuard::try_upgrade(checking, &mut at_cache) {
    ///     Ok(writing) => writing,
    ///     // A reader is still in: wait for it after all.
    ///     Err(checking) => RwLockUpgradableReadGuard::upgrade(checking, &mut at_cache).await,
    /// };
    /// writing.entries.push(4);
    /// # });
    /// ```
    ///
    /// A task that reads at that very instant counts as a reader, and while
    /// it tries (a few atomic operations) another task's `try_read` may find
    /// the lock taken, as if a writer were next in line.
    ///
    /// # Errors
    ///
    /// The upgradable guard itself, unchanged, if another reader holds the lock.
    #[track_caller]
    pub fn try_upgrade(
        guard: Self,
        token: &mut LockToken<'_, L>,
    ) -> Result<RwLockWriteGuard<'a, T>, Self> {
        let _ = token;
        check_holds_at_most::<L>();
        let RwLockUpgradableReadGuard { inner, lock, hold, level } = guard;
        match inner.try_upgrade(lock) {
            Ok(writing) => Ok(RwLockWriteGuard::new(writing, hold)),
            Err(inner) => Err(RwLockUpgradableReadGuard { inner, lock, hold, level }),
        }
    }

    /// Turns the hold into a plain read hold with no gap, letting a writer
    /// or another upgradable reader queue behind the readers.
    ///
    /// ```
    /// use lockladder::{lock_level, LockToken, RwLock, RwLockUpgradableReadGuard};
    ///
    /// #[lock_level(10)]
    /// struct Registry;
    ///
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let registry = RwLock::new(Registry);
    /// let mut token = LockToken::new();
    /// let (checking, _) = registry.upgradable_read(&mut token).await;
    /// let _reading = RwLockUpgradableReadGuard::downgrade(checking);
    /// let mut elsewhere = LockToken::new(); // (another task, in real code)
    /// # drop(_reading);
    /// assert!(registry.try_upgradable_read(&mut elsewhere).is_ok());
    /// # });
    /// ```
    pub fn downgrade(guard: Self) -> RwLockReadGuard<'a, T> {
        let RwLockUpgradableReadGuard { inner, hold, .. } = guard;
        RwLockReadGuard::new(inner.downgrade(), hold)
    }
}

impl<T: ?Sized, L> Deref for RwLockUpgradableReadGuard<'_, T, L> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.inner
    }
}

impl<T: ?Sized + fmt::Debug, L> fmt::Debug for RwLockUpgradableReadGuard<'_, T, L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

/// The future of [`RwLock::upgradable_read`]: resolves to the upgradable
/// guard and a token at `L`.
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct RwLockUpgradableReadFuture<'a, T: ?Sized, L> {
    inner: raw::UpgradableRead<'a, T>,
    lock: &'a raw::RawRwLock<T>,
    acquisition: Acquisition,
    level: PhantomData<fn(L) -> L>,
}

impl<'a, T: ?Sized, L> Future for RwLockUpgradableReadFuture<'a, T, L> {
    type Output = (RwLockUpgradableReadGuard<'a, T, L>, LockToken<'a, L>);

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll(cx) {
            Poll::Ready(inner) => Poll::Ready((
                RwLockUpgradableReadGuard {
                    inner,
                    lock: this.lock,
                    hold: this.acquisition.granted(),
                    level: PhantomData,
                },
                LockToken::acquired(),
            )),
            Poll::Pending => {
                this.acquisition.contended();
                Poll::Pending
            }
        }
    }
}

impl<T: ?Sized, L: Level> fmt::Debug for RwLockUpgradableReadFuture<'_, T, L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RwLockUpgradableReadFuture<{} (level {})>", L::NAME, L::LEVEL)
    }
}

/// The future of [`RwLockUpgradableReadGuard::upgrade`]: resolves to the
/// write guard.
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct RwLockUpgradeFuture<'a, T: ?Sized> {
    inner: raw::Upgrade<'a, T>,
    /// The hold goes on from the upgradable guard to the write guard.
    hold: Option<Hold>,
}

impl<'a, T: ?Sized> Future for RwLockUpgradeFuture<'a, T> {
    type Output = RwLockWriteGuard<'a, T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let guard = core::task::ready!(Pin::new(&mut this.inner).poll(cx));
        let hold = this.hold.take().expect("`RwLockUpgradeFuture` polled after it completed");
        Poll::Ready(RwLockWriteGuard::new(guard, hold))
    }
}

impl<T: ?Sized> fmt::Debug for RwLockUpgradeFuture<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RwLockUpgradeFuture").finish_non_exhaustive()
    }
}
