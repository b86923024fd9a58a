//! What `lock_all` and `lock_many` accept: [`LockSetMember`], with the
//! [`Read`] and [`Write`] wrappers that say how to take an `RwLock`.

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use crate::block_on::block_on;
use crate::held::Hold;
use crate::level::Level;
use crate::sync::{
    self, MutexGuard as SyncMutexGuard, RawMutexGuard, RawReadGuard, RawWriteGuard,
    RwLockReadGuard as SyncReadGuard, RwLockWriteGuard as SyncWriteGuard, Waiter,
};
use crate::{Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// Take an `RwLock` (async or [`sync`]) for reading in `token.lock_all(..)` or
/// `token.lock_many(..)`.
///
/// ```
/// use lockladder::{lock_level, LockToken, Mutex, Read, RwLock};
///
/// #[lock_level(10)]
/// struct Registry {
///     accounts: Vec<u64>,
/// }
/// #[lock_level(20)]
/// struct CoinManager {
///     paid: u64,
/// }
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let registry = RwLock::new(Registry { accounts: vec![4, 5] });
/// let coins = Mutex::new(CoinManager { paid: 0 });
///
/// let mut token = LockToken::new();
/// let ((mut coins, registry), _token) = token.lock_all((&coins, Read(&registry))).await;
/// coins.paid += registry.accounts.iter().sum::<u64>();
/// assert_eq!(coins.paid, 9);
/// # });
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Read<R>(pub R);

/// Take an `RwLock` (async or [`sync`]) for writing in `token.lock_all(..)` or
/// `token.lock_many(..)`.
///
/// ```
/// use lockladder::{lock_level, LockToken, RwLock, Write};
///
/// #[lock_level(10)]
/// struct Registry {
///     accounts: Vec<u64>,
/// }
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let registry = RwLock::new(Registry { accounts: vec![] });
/// let mut token = LockToken::new();
/// let ((mut registry,), _token) = token.lock_all((Write(&registry),)).await;
/// registry.accounts.push(1);
/// # });
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Write<R>(pub R);

/// One lock that `token.lock_all(..)` or `token.lock_many(..)` can take:
/// `&Mutex`, `Read(&RwLock)`, `Write(&RwLock)`, and the same for the blocking
/// locks of [`sync`].
///
/// Implemented by this crate only. Name it in generic code that passes locks
/// through: `M::Level` is the lock's level and `M::Guard<'g>` the guard
/// `lock_all` hands back for it.
///
/// ```
/// use lockladder::{lock_level, Level, LockSetMember, Mutex, Read, RwLock};
///
/// #[lock_level(20)]
/// struct Account;
///
/// fn level_of<M: LockSetMember>(_: M) -> u32 {
///     <M::Level as Level>::LEVEL
/// }
///
/// assert_eq!(level_of(&Mutex::new(Account)), 20);
/// assert_eq!(level_of(Read(&RwLock::new(Account))), 20);
/// ```
///
/// A blocking lock in an async `lock_all`/`lock_many` is taken with its
/// non-blocking `try_*` method; while it is held elsewhere, the task sleeps
/// until a guard of that lock is dropped and then tries again, so it neither
/// parks an executor thread nor keeps one busy.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be taken by `lock_all` or `lock_many`",
    label = "not a lock that `lock_all`/`lock_many` can take",
    note = "pass `&mutex` for a `Mutex`, and `Read(&rwlock)` or `Write(&rwlock)` for an `RwLock` (async or `lockladder::sync`)"
)]
pub trait LockSetMember: Copy + sealed::Sealed {
    /// The level of the lock.
    type Level: Level;
    /// The guard that `lock_all`/`lock_many` returns for this lock.
    type Guard<'g>
    where
        Self: 'g;

    #[doc(hidden)]
    /// [`Guard`](LockSetMember::Guard) at the lock's own lifetime, for a
    /// [`LockGroup`](crate::LockGroup): not a projection with a lifetime of
    /// its own, so a future holding a group stays `Send` in `tokio::spawn`.
    type OwnGuard;
    #[doc(hidden)]
    /// The inner lock's guard.
    type Raw;
    #[doc(hidden)]
    /// The inner lock's wait: a named future; for a blocking lock, a sleep
    /// until its next release between tries.
    type Wait: Future<Output = Self::Raw>;

    #[doc(hidden)]
    /// Where the lock lives: the one global order of locks of one level.
    fn address(self) -> usize;
    #[doc(hidden)]
    /// Takes the lock if it is free.
    fn try_raw(self, seal: Seal) -> Option<Self::Raw>;
    #[doc(hidden)]
    /// Waits for the lock.
    fn wait(self, seal: Seal) -> Self::Wait;
    #[doc(hidden)]
    /// Blocks the thread until the lock is free and takes it.
    fn block(self, seal: Seal) -> Self::Raw;
    #[doc(hidden)]
    /// Wraps the inner guard with its hold.
    fn guard<'g>(raw: Self::Raw, hold: Granted) -> Self::Guard<'g>
    where
        Self: 'g;
    #[doc(hidden)]
    /// Wraps the inner guard with its hold, at the lock's own lifetime.
    fn own_guard(raw: Self::Raw, hold: Granted) -> Self::OwnGuard;
}

pub(crate) mod sealed {
    /// Only this crate implements [`super::LockSetMember`] and `LockSet`.
    pub trait Sealed {}
}

/// Proof that a call comes from this crate: the hidden methods of the lock set
/// traits hand out raw guards, which must never bypass the token.
#[derive(Debug, Clone, Copy)]
pub struct Seal(pub(crate) ());

/// A granted hold, on its way into a guard.
pub struct Granted(pub(crate) Hold);

/// The wait of an async `lock_all`/`lock_many` for a blocking lock: sleeps
/// until the lock is released, then tries again.
pub struct WaitRelease<'m, M> {
    member: M,
    waiter: Waiter<'m>,
}

impl<M: LockSetMember + Unpin> Future for WaitRelease<'_, M> {
    type Output = M::Raw;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<M::Raw> {
        let this = self.get_mut();
        let member = this.member;
        this.waiter.poll_try(cx, || member.try_raw(Seal(())))
    }
}

impl<M> core::fmt::Debug for WaitRelease<'_, M> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("WaitRelease").field("waiter", &self.waiter).finish_non_exhaustive()
    }
}

fn address_of<T: ?Sized>(lock: &T) -> usize {
    core::ptr::from_ref(lock).cast::<()>().addr()
}

/// One `LockSetMember` impl: the member type, its guard and the inner lock's
/// guard and wait, and how to find, try and wait for the inner lock.
macro_rules! member {
    (
        $member:ty => $guard:ident<$raw:ty>, $wait:ty,
        |$lock:ident| address: $address:expr, try: $try:expr, wait: $wait_expr:expr,
        block: $block:expr
    ) => {
        impl<'m, T: ?Sized, L: Level> sealed::Sealed for $member {}

        impl<'m, T: ?Sized, L: Level> LockSetMember for $member {
            type Level = L;
            type Guard<'g>
                = $guard<'g, T>
            where
                Self: 'g;
            type OwnGuard = $guard<'m, T>;
            type Raw = $raw;
            type Wait = $wait;

            #[inline]
            fn address(self) -> usize {
                let $lock = self;
                address_of($address)
            }

            #[inline]
            fn try_raw(self, _: Seal) -> Option<Self::Raw> {
                let $lock = self;
                $try
            }

            #[inline]
            fn wait(self, _: Seal) -> Self::Wait {
                let $lock = self;
                $wait_expr
            }

            #[inline]
            fn block(self, _: Seal) -> Self::Raw {
                let $lock = self;
                $block
            }

            #[inline]
            fn guard<'g>(raw: Self::Raw, hold: Granted) -> Self::Guard<'g>
            where
                Self: 'g,
            {
                $guard::new(raw, hold.0)
            }

            #[inline]
            fn own_guard(raw: Self::Raw, hold: Granted) -> Self::OwnGuard {
                $guard::new(raw, hold.0)
            }
        }
    };
}

member!(&'m Mutex<T, L> => MutexGuard<crate::mutex::raw::MutexGuard<'m, T>>, crate::mutex::raw::Lock<'m, T>,
    |lock| address: lock, try: lock.raw().try_lock(), wait: lock.raw().lock(),
    block: block_on(lock.raw().lock()));
member!(Read<&'m RwLock<T, L>> => RwLockReadGuard<crate::rwlock::raw::ReadGuard<'m, T>>,
    crate::rwlock::raw::Read<'m, T>,
    |lock| address: lock.0, try: lock.0.raw().try_read(), wait: lock.0.raw().read(),
    block: block_on(lock.0.raw().read()));
member!(Write<&'m RwLock<T, L>> => RwLockWriteGuard<crate::rwlock::raw::WriteGuard<'m, T>>,
    crate::rwlock::raw::Write<'m, T>,
    |lock| address: lock.0, try: lock.0.raw().try_write(), wait: lock.0.raw().write(),
    block: block_on(lock.0.raw().write()));
member!(&'m sync::Mutex<T, L> => SyncMutexGuard<RawMutexGuard<'m, T>>, WaitRelease<'m, Self>,
    |lock| address: lock, try: lock.try_raw(),
    wait: WaitRelease { member: lock, waiter: Waiter::new(lock.wake()) },
    block: lock.lock_raw());
member!(Read<&'m sync::RwLock<T, L>> => SyncReadGuard<RawReadGuard<'m, T>>, WaitRelease<'m, Self>,
    |lock| address: lock.0, try: lock.0.try_read_raw(),
    wait: WaitRelease { member: lock, waiter: Waiter::new(lock.0.wake()) },
    block: lock.0.read_raw());
member!(Write<&'m sync::RwLock<T, L>> => SyncWriteGuard<RawWriteGuard<'m, T>>, WaitRelease<'m, Self>,
    |lock| address: lock.0, try: lock.0.try_write_raw(),
    wait: WaitRelease { member: lock, waiter: Waiter::new(lock.0.wake()) },
    block: lock.0.write_raw());
