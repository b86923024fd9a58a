//! The async [`Mutex`] and its guard and future.

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

pub(crate) mod raw;

pub(crate) use raw::RawMutex;

/// An async mutex at level `L` in the lock hierarchy.
///
/// Use it where a task must hold the lock across an `.await`; for a short
/// critical section with no `.await` inside, the blocking
/// `lockladder::sync::Mutex` is cheaper. Either way the level rules are the same:
/// [`lock`](Mutex::lock) takes the task's token, which must hold a level below
/// `L`, and hands back the guard and a token at `L`.
///
/// `Mutex::new(value)` takes the level of the data type itself (it must carry
/// `#[lock_level]`); [`Mutex::with_level`] takes it from a marker named in the
/// expected type, which gives plain data a level.
///
/// ```
/// use lockladder::{lock_level, LockToken, Mutex};
///
/// #[lock_level(20)]
/// struct CoinManager {
///     coins: u64,
/// }
///
/// #[lock_level(30)]
/// enum CacheLevel {}
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let manager = Mutex::new(CoinManager { coins: 0 });
/// let cache: Mutex<Vec<u64>, CacheLevel> = Mutex::with_level(Vec::new());
///
/// let mut token = LockToken::new();
/// let (mut manager, mut token) = manager.lock(&mut token).await;
/// manager.coins += 5;
/// let (mut cache, _token) = cache.lock(&mut token).await; // 20 -> 30
/// cache.push(manager.coins);
/// # });
/// ```
///
/// # Guarantees
///
/// A lock of its own underneath, whose acquisition future is a named type: that
/// lets an order violation be reported once at the call instead of three times.
/// It runs on any executor, tokio included, and allocates nothing unless a task
/// has to wait. An uncontended `lock` is one compare-and-swap, its release one
/// store. Waiters are served in about arrival order: while a task waits, no
/// newcomer takes the lock ahead of it, so a release hands the lock to the
/// waiting task. The lock future is cancel safe (dropping it before it
/// completes acquires nothing and leaves the queue as it was).
///
/// # No owned guards
///
/// There is no `lock_owned` (tokio) or `lock_arc` (parking_lot): a guard
/// without a lifetime would no longer borrow the token that took it, and a
/// `'static` future given the guard would hold the level with only its own
/// root token, free to take a lower lock next, an inversion the types could
/// not see. Hand the spawned task the lock instead, and let it lock there with
/// its own root token:
///
/// ```
/// use std::sync::Arc;
/// use lockladder::{lock_level, LockToken, Mutex};
///
/// #[lock_level(20)]
/// struct Session {
///     hits: u64,
/// }
///
/// # tokio::runtime::Builder::new_multi_thread().build().unwrap().block_on(async {
/// let session = Arc::new(Mutex::new(Session { hits: 0 }));
/// let task = tokio::spawn({
///     let session = session.clone(); // the lock moves, not a guard
///     async move {
///         let mut token = LockToken::new(); // the task's own root
///         let (mut session, _token) = session.lock(&mut token).await;
///         session.hits += 1;
///     }
/// });
/// task.await.unwrap();
/// # });
/// ```
pub struct Mutex<T: ?Sized, L = T> {
    // Invariant in `L`: a level must never coerce to another (two levels that
    // differ only by a higher-ranked lifetime are subtypes of each other).
    level: PhantomData<fn(L) -> L>,
    inner: RawMutex<T>,
}

impl<T: Level> Mutex<T> {
    /// A mutex at the level of `T` itself.
    ///
    /// ```
    /// use lockladder::{lock_level, Mutex};
    ///
    /// #[lock_level(20)]
    /// struct CoinManager {
    ///     coins: u64,
    /// }
    ///
    /// let manager = Mutex::new(CoinManager { coins: 0 });
    /// ```
    pub const fn new(value: T) -> Self {
        Mutex { level: PhantomData, inner: RawMutex::new(value) }
    }
}

impl<T, L: Level> Mutex<T, L> {
    /// A mutex at the level `L` named by the expected type, for data that has no
    /// level of its own.
    ///
    /// ```
    /// use lockladder::{lock_level, Mutex};
    ///
    /// #[lock_level(30)]
    /// enum CacheLevel {}
    ///
    /// let cache: Mutex<Vec<u8>, CacheLevel> = Mutex::with_level(Vec::new());
    /// ```
    pub const fn with_level(value: T) -> Self {
        Mutex { level: PhantomData, inner: RawMutex::new(value) }
    }
}

impl<T: ?Sized, L: Level> Mutex<T, L> {
    /// Waits for the lock, then returns the guard and a token at level `L`.
    ///
    /// The token passed in must hold a level below `L`; otherwise this is a
    /// compile error naming both levels. It stays borrowed while the guard or the
    /// returned token lives.
    ///
    /// ```
    /// use lockladder::{lock_level, LockToken, Mutex};
    ///
    /// #[lock_level(20)]
    /// struct CoinManager {
    ///     coins: u64,
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let manager = Mutex::new(CoinManager { coins: 0 });
    /// let mut token = LockToken::new();
    /// let (mut guard, _token) = manager.lock(&mut token).await;
    /// guard.coins += 1;
    /// # });
    /// ```
    #[track_caller]
    pub fn lock<'a, H: LockBefore<L>>(
        &'a self,
        token: &'a mut LockToken<'_, H>,
    ) -> MutexLockFuture<'a, T, L> {
        let _ = token;
        MutexLockFuture {
            inner: self.inner.lock(),
            acquisition: Acquisition::begin::<L>(),
            level: PhantomData,
        }
    }

    /// Takes the lock if it is free right now and no task is waiting for it
    /// (a waiting task is served first), without waiting.
    ///
    /// ```
    /// use lockladder::{lock_level, LockToken, Mutex};
    ///
    /// #[lock_level(20)]
    /// struct CoinManager {
    ///     coins: u64,
    /// }
    ///
    /// let manager = Mutex::new(CoinManager { coins: 0 });
    /// let mut token = LockToken::new();
    /// let (mut guard, _token) = manager.try_lock(&mut token).expect("nobody else holds it");
    /// guard.coins += 1;
    /// ```
    #[track_caller]
    pub fn try_lock<'a, H: LockBefore<L>>(
        &'a self,
        token: &'a mut LockToken<'_, H>,
    ) -> Result<(MutexGuard<'a, T>, LockToken<'a, L>), TryLockError> {
        let _ = token;
        let mut acquisition = Acquisition::begin::<L>();
        match self.inner.try_lock() {
            Some(guard) => {
                Ok((MutexGuard::alone(guard, acquisition.granted()), LockToken::acquired()))
            }
            None => Err(TryLockError::new::<L>("try_lock")),
        }
    }
}

pin_project_lite::pin_project! {
    /// The future of [`Mutex::lock`]: resolves to the guard and a token at `L`.
    ///
    /// A named type on purpose: an `impl Future` would capture the held level
    /// and make rustc report an order violation three times.
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct MutexLockFuture<'a, T: ?Sized, L> {
        #[pin]
        inner: raw::Lock<'a, T>,
        acquisition: Acquisition,
        level: PhantomData<fn(L) -> L>,
    }
}

impl<'a, T: ?Sized, L> Future for MutexLockFuture<'a, T, L> {
    type Output = (MutexGuard<'a, T>, LockToken<'a, L>);

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        match this.inner.poll(cx) {
            Poll::Ready(guard) => {
                let hold = this.acquisition.granted();
                Poll::Ready((MutexGuard::alone(guard, hold), LockToken::acquired()))
            }
            Poll::Pending => {
                this.acquisition.contended();
                Poll::Pending
            }
        }
    }
}

impl<T: ?Sized, L: Level> fmt::Debug for MutexLockFuture<'_, T, L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MutexLockFuture<{} (level {})>", L::NAME, L::LEVEL)
    }
}

/// Access to the data of a [`Mutex`]; the lock is released when it drops.
///
/// It is `Send` when `T: Send`, so it may be held across `.await` in a task
/// given to `tokio::spawn`.
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct MutexGuard<'a, T: ?Sized> {
    inner: raw::MutexGuard<'a, T>,
    // Dropped after `inner`: the hold ends once the lock is released.
    _hold: Hold,
    // Taken by `lock`/`try_lock`, not as a member of a set: only such a guard
    // may release and re-take its lock alone (a `Condvar` wait).
    taken_alone: bool,
}

impl<'a, T: ?Sized> MutexGuard<'a, T> {
    /// A guard taken as a member of a set (`lock_all`, `lock_many`, `LockGroup`).
    pub(crate) fn new(inner: raw::MutexGuard<'a, T>, hold: Hold) -> Self {
        MutexGuard { inner, _hold: hold, taken_alone: false }
    }

    /// A guard taken alone, by the mutex's own `lock` or `try_lock`.
    pub(crate) fn alone(inner: raw::MutexGuard<'a, T>, hold: Hold) -> Self {
        MutexGuard { inner, _hold: hold, taken_alone: true }
    }

    /// Whether the guard was taken alone (see [`alone`](MutexGuard::alone)).
    pub(crate) fn taken_alone(&self) -> bool {
        self.taken_alone
    }
}

impl<'a, T: ?Sized> MutexGuard<'a, T> {
    /// Narrows the guard to a part of the data, as tokio's `MutexGuard::map`.
    ///
    /// The mapped guard is the same hold of the same lock: the lock stays held,
    /// and the token that took it stays borrowed, until it drops; its release
    /// wakes the next waiting task as the guard's own would.
    ///
    /// ```
    /// use lockladder::{lock_level, LockToken, Mutex, MutexGuard};
    ///
    /// #[lock_level(20)]
    /// struct Coins {
    ///     balances: Vec<u64>,
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let coins = Mutex::new(Coins { balances: vec![1, 2] });
    /// let mut token = LockToken::new();
    /// let (held, _token) = coins.lock(&mut token).await;
    /// let mut second = MutexGuard::map(held, |coins| &mut coins.balances[1]);
    /// *second += 10;
    /// drop(second);
    /// assert_eq!(coins.into_inner().balances, [1, 12]);
    /// # });
    /// ```
    pub fn map<U: ?Sized>(
        guard: Self,
        part: impl FnOnce(&mut T) -> &mut U,
    ) -> MappedMutexGuard<'a, U> {
        let MutexGuard { inner, _hold, .. } = guard;
        MappedMutexGuard { inner: inner.map(part), _hold }
    }

    /// As [`map`](Self::map), for a part that may be missing: gives the guard
    /// back, still held, when `part` returns `None`.
    ///
    /// ```
    /// use lockladder::{lock_level, LockToken, Mutex, MutexGuard};
    ///
    /// #[lock_level(20)]
    /// struct Coins {
    ///     balances: Vec<u64>,
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let coins = Mutex::new(Coins { balances: vec![1] });
    /// let mut token = LockToken::new();
    /// let (held, _token) = coins.lock(&mut token).await;
    /// let held = MutexGuard::try_map(held, |coins| coins.balances.get_mut(5))
    ///     .expect_err("no sixth balance"); // the guard comes back, still held
    /// assert_eq!(held.balances, [1]);
    /// # });
    /// ```
    ///
    /// # Errors
    ///
    /// The guard itself, unchanged, if `part` returns `None`.
    pub fn try_map<U: ?Sized>(
        guard: Self,
        part: impl FnOnce(&mut T) -> Option<&mut U>,
    ) -> Result<MappedMutexGuard<'a, U>, Self> {
        let MutexGuard { inner, _hold, taken_alone } = guard;
        match inner.try_map(part) {
            Ok(inner) => Ok(MappedMutexGuard { inner, _hold }),
            Err(inner) => Err(MutexGuard { inner, _hold, taken_alone }),
        }
    }
}

impl<T: ?Sized> Deref for MutexGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.inner
    }
}

impl<T: ?Sized> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.inner
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

/// A [`MutexGuard`] narrowed to a part of the data by
/// [`MutexGuard::map`]: the same hold of the same lock, released when it drops.
///
/// It keeps the lock's lifetime, so the token that took the lock stays borrowed
/// while it lives, and it is `Send` when `T: Send`, as the guard it came from.
/// It cannot wait on a [`Condvar`](crate::Condvar) (the wait needs the whole
/// guard), as in tokio and parking_lot.
///
/// ```
/// use lockladder::{lock_level, LockToken, MappedMutexGuard, Mutex, MutexGuard};
///
/// #[lock_level(20)]
/// struct Coins {
///     balances: Vec<u64>,
/// }
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let coins = Mutex::new(Coins { balances: vec![1, 2] });
/// let mut token = LockToken::new();
/// let (held, _token) = coins.lock(&mut token).await;
/// let all: MappedMutexGuard<'_, Vec<u64>> = MutexGuard::map(held, |coins| &mut coins.balances);
/// let mut first = MappedMutexGuard::map(all, |balances| &mut balances[0]);
/// *first += 1;
/// assert_eq!(*first, 2);
/// # });
/// ```
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct MappedMutexGuard<'a, T: ?Sized> {
    inner: raw::MappedMutexGuard<'a, T>,
    // Dropped after `inner`: the hold ends once the lock is released.
    _hold: Hold,
}

impl<'a, T: ?Sized> MappedMutexGuard<'a, T> {
    /// Narrows the guard further; the lock stays held until the new guard drops.
    ///
    /// ```
    /// use lockladder::{lock_level, LockToken, MappedMutexGuard, Mutex, MutexGuard};
    ///
    /// #[lock_level(20)]
    /// struct Coins {
    ///     balances: Vec<u64>,
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let coins = Mutex::new(Coins { balances: vec![1, 2] });
    /// let mut token = LockToken::new();
    /// let (held, _token) = coins.lock(&mut token).await;
    /// let all = MutexGuard::map(held, |coins| &mut coins.balances);
    /// let first = MappedMutexGuard::map(all, |balances| &mut balances[0]);
    /// assert_eq!(*first, 1);
    /// # });
    /// ```
    pub fn map<U: ?Sized>(
        guard: Self,
        part: impl FnOnce(&mut T) -> &mut U,
    ) -> MappedMutexGuard<'a, U> {
        let MappedMutexGuard { inner, _hold } = guard;
        MappedMutexGuard { inner: inner.map(part), _hold }
    }

    /// As [`map`](Self::map), for a part that may be missing: gives the guard
    /// back, still held, when `part` returns `None`.
    ///
    /// ```
    /// use lockladder::{lock_level, LockToken, MappedMutexGuard, Mutex, MutexGuard};
    ///
    /// #[lock_level(20)]
    /// struct Coins {
    ///     balances: Vec<u64>,
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let coins = Mutex::new(Coins { balances: vec![1, 2] });
    /// let mut token = LockToken::new();
    /// let (held, _token) = coins.lock(&mut token).await;
    /// let all = MutexGuard::map(held, |coins| &mut coins.balances);
    /// let all = MappedMutexGuard::try_map(all, |balances| balances.get_mut(5))
    ///     .expect_err("no sixth balance"); // the guard comes back, still held
    /// assert_eq!(*all, [1, 2]);
    /// # });
    /// ```
    ///
    /// # Errors
    ///
    /// The guard itself, unchanged, if `part` returns `None`.
    pub fn try_map<U: ?Sized>(
        guard: Self,
        part: impl FnOnce(&mut T) -> Option<&mut U>,
    ) -> Result<MappedMutexGuard<'a, U>, Self> {
        let MappedMutexGuard { inner, _hold } = guard;
        match inner.try_map(part) {
            Ok(inner) => Ok(MappedMutexGuard { inner, _hold }),
            Err(inner) => Err(MappedMutexGuard { inner, _hold }),
        }
    }
}

impl<T: ?Sized> Deref for MappedMutexGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.inner
    }
}

impl<T: ?Sized> DerefMut for MappedMutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.inner
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for MappedMutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for MappedMutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

impl<T: ?Sized, L> Mutex<T, L> {
    /// The wrapped lock, for the multi-lock helpers (`lock_all`, `lock_many`).
    pub(crate) fn raw(&self) -> &RawMutex<T> {
        &self.inner
    }

    /// Whether `guard` holds this mutex (and not another one).
    pub(crate) fn owns(&self, guard: &MutexGuard<'_, T>) -> bool {
        self.inner.owns(&guard.inner)
    }
}

crate::shape::lock_shape!(
    Mutex, path: "Mutex", noun: "mutex", debug: "Mutex",
    peek: |lock| lock.inner.try_lock(),
);
