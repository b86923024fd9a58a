//! Blocking access to the async locks from sync code: `blocking_lock`,
//! `blocking_read`, `blocking_write`, as tokio has them.
//!
//! Each one is the async method's future driven by [`block_on`], which parks
//! the thread between polls: the same token rules, the same FIFO queue, the
//! same acquisition (and `lockdep` call site). Parking a thread that drives
//! async tasks would stall them, so each one panics inside a tokio runtime
//! context, as tokio's do.

use crate::block_on::block_on;
use crate::level::Level;
use crate::mutex::{Mutex, MutexGuard};
use crate::order::LockBefore;
use crate::rwlock::{RwLock, RwLockReadGuard, RwLockWriteGuard};
use crate::token::LockToken;

/// Panics if this thread is inside a tokio runtime context.
///
/// A library outside tokio can only ask whether a runtime is entered
/// (`Handle::try_current`), not whether the thread drives tasks, so this also
/// refuses `spawn_blocking` closures, which tokio's own `blocking_lock` allows.
#[track_caller]
fn refuse_inside_runtime(method: &str) {
    if tokio::runtime::Handle::try_current().is_ok() {
        panic!(
            "`{method}` called inside a tokio runtime context: it would block a thread that may \
             be driving async tasks; `.await` the async method instead (in `spawn_blocking`, use \
             `Handle::current().block_on(..)` on it)"
        );
    }
}

impl<T: ?Sized, L: Level> Mutex<T, L> {
    /// Blocks the thread until the lock is free, then returns the guard and a
    /// token at `L`: [`lock`](Mutex::lock) for sync code.
    ///
    /// The same token rules as `lock`, and the same queue: a blocking caller
    /// waits its turn behind the tasks that came first.
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
    /// std::thread::scope(|scope| {
    ///     scope.spawn(|| {
    ///         let mut token = LockToken::new();
    ///         let (mut guard, _token) = manager.blocking_lock(&mut token);
    ///         guard.coins += 1;
    ///     });
    /// });
    /// assert_eq!(manager.into_inner().coins, 1);
    /// ```
    ///
    /// # Panics
    ///
    /// Inside a tokio runtime context (a task, `block_on`, `Runtime::enter`,
    /// and, unlike tokio, `spawn_blocking`): there, `.await` [`lock`](Mutex::lock).
    #[track_caller]
    pub fn blocking_lock<'a, H: LockBefore<L>>(
        &'a self,
        token: &'a mut LockToken<'_, H>,
    ) -> (MutexGuard<'a, T>, LockToken<'a, L>) {
        refuse_inside_runtime("Mutex::blocking_lock");
        block_on(self.lock(token))
    }
}

impl<T: ?Sized, L: Level> RwLock<T, L> {
    /// Blocks the thread until the lock can be read: [`read`](RwLock::read)
    /// for sync code.
    ///
    /// ```
    /// use lockladder::{lock_level, LockToken, RwLock};
    ///
    /// #[lock_level(10)]
    /// struct Registry {
    ///     accounts: Vec<u64>,
    /// }
    ///
    /// let registry = RwLock::new(Registry { accounts: vec![3] });
    /// let mut token = LockToken::new();
    /// let (registry, _token) = registry.blocking_read(&mut token);
    /// assert_eq!(registry.accounts, [3]);
    /// ```
    ///
    /// # Panics
    ///
    /// Inside a tokio runtime context, as [`Mutex::blocking_lock`].
    #[track_caller]
    pub fn blocking_read<'a, H: LockBefore<L>>(
        &'a self,
        token: &'a mut LockToken<'_, H>,
    ) -> (RwLockReadGuard<'a, T>, LockToken<'a, L>) {
        refuse_inside_runtime("RwLock::blocking_read");
        block_on(self.read(token))
    }

    /// Blocks the thread until the lock can be written:
    /// [`write`](RwLock::write) for sync code.
    ///
    /// ```
    /// use lockladder::{lock_level, LockToken, RwLock};
    ///
    /// #[lock_level(10)]
    /// struct Registry {
    ///     accounts: Vec<u64>,
    /// }
    ///
    /// let registry = RwLock::new(Registry { accounts: Vec::new() });
    /// let mut token = LockToken::new();
    /// let (mut registry, _token) = registry.blocking_write(&mut token);
    /// registry.accounts.push(1);
    /// ```
    ///
    /// # Panics
    ///
    /// Inside a tokio runtime context, as [`Mutex::blocking_lock`].
    #[track_caller]
    pub fn blocking_write<'a, H: LockBefore<L>>(
        &'a self,
        token: &'a mut LockToken<'_, H>,
    ) -> (RwLockWriteGuard<'a, T>, LockToken<'a, L>) {
        refuse_inside_runtime("RwLock::blocking_write");
        block_on(self.write(token))
    }
}
