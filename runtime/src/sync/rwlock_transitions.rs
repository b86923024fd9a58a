//! Changing a hold of a blocking [`RwLock`] in place: `downgrade` (write to
//! read), `downgrade_to_upgradable`, upgradable reads and their `upgrade`
//! (also timed).
//!
//! None of them takes a new level, so none needs a token below the lock's;
//! but `upgrade` *waits* (for the readers to leave), and a reader may be
//! waiting for a lock the upgrader took above the `RwLock`: a deadlock the
//! levels would not see. So `upgrade` takes the upgradable guard's own token
//! at the lock's level mutably, which cannot be lent while anything taken
//! through it is held. Every transition that lets others in (`downgrade` of a
//! write or an upgradable guard) wakes the async tasks waiting for the lock,
//! as a release does. The `lockdep` hold goes on through each one: the task
//! holds the lock, at the same level, throughout.

use core::fmt;
use core::marker::PhantomData;
use core::ops::Deref;
use std::time::{Duration, Instant};

use super::acquire::{Patience, blocking, non_blocking, timed};
use super::guard::{RwLockReadGuard, RwLockWriteGuard};
use super::rwlock::RwLock;
use super::wake::RawGuard;
use crate::error::{LockTimeoutError, TryLockError};
use crate::held::{Hold, check_holds_at_most};
use crate::level::Level;
use crate::order::LockBefore;
use crate::token::LockToken;

impl<'a, T: ?Sized> RwLockWriteGuard<'a, T> {
    /// Turns the write hold into a read hold without releasing the lock: no
    /// writer can get in between, and readers waiting for the lock (threads
    /// and async tasks) are let in at once.
    ///
    /// ```
    /// use lockladder::{lock_level, sync::{RwLock, RwLockWriteGuard}, LockToken};
    ///
    /// #[lock_level(10)]
    /// struct Registry {
    ///     accounts: Vec<u64>,
    /// }
    ///
    /// let registry = RwLock::new(Registry { accounts: Vec::new() });
    /// let mut token = LockToken::new();
    /// let (mut writing, _token) = registry.write(&mut token);
    /// writing.accounts.push(5);
    /// let reading = RwLockWriteGuard::downgrade(writing);
    /// assert_eq!(reading.accounts, [5]); // what was written, no write in between
    /// ```
    pub fn downgrade(guard: Self) -> RwLockReadGuard<'a, T> {
        let RwLockWriteGuard { inner, hold, taken_alone } = guard;
        let inner = inner.downgraded(parking_lot::RwLockWriteGuard::downgrade);
        RwLockReadGuard { inner, hold, taken_alone }
    }

    /// Turns the write hold into an upgradable read hold without releasing
    /// the lock: no writer can get in between, readers waiting for the lock
    /// (threads and async tasks) are let in at once, and
    /// [`upgrade`](RwLockUpgradableReadGuard::upgrade) can make it a write
    /// hold again.
    ///
    /// `lock` is the lock the guard holds: it names the lock's level, which
    /// the upgradable guard carries so that its `upgrade` takes the token at
    /// that level (the one [`write`](RwLock::write) returned).
    ///
    /// ```
    /// use lockladder::{lock_level, sync::{RwLock, RwLockUpgradableReadGuard, RwLockWriteGuard}, LockToken};
    ///
    /// #[lock_level(10)]
    /// struct Registry {
    ///     accounts: Vec<u64>,
    /// }
    ///
    /// let registry = RwLock::new(Registry { accounts: Vec::new() });
    /// let mut token = LockToken::new();
    /// let (mut writing, mut at_registry) = registry.write(&mut token);
    /// writing.accounts.push(5);
    /// // Readers may look while we decide; no writer gets in.
    /// let checking = RwLockWriteGuard::downgrade_to_upgradable(writing, &registry);
    /// if checking.accounts.len() < 2 {
    ///     let mut writing = RwLockUpgradableReadGuard::upgrade(checking, &mut at_registry);
    ///     writing.accounts.push(6);
    /// }
    /// ```
    ///
    /// # Panics
    ///
    /// Before changing anything, if `guard` is not a guard of `lock`, or if it
    /// was taken as a member of a set (`lock_all`, `LockGroup`): an upgrade
    /// of one member while the others are held could wait for a reader that
    /// waits for another member. Take the lock with its own `write` to
    /// downgrade it to an upgradable read.
    // Why the lock, and not a token, names the level: the upgradable guard's
    // `upgrade` waits for the readers, so it must take the token at the
    // lock's own level (the proof that nothing above the lock is held). Were
    // the level a free parameter inferred from a token argument, the token of
    // a higher lock, taken meanwhile through the write guard's token, would
    // type the guard at that higher level; its `upgrade` would then accept
    // that token while the higher lock is held, and a reader waiting for it
    // would deadlock with the upgrade. A lock has one level (`L` is
    // invariant) and the pointer check ties it to the guard.
    #[track_caller]
    pub fn downgrade_to_upgradable<L: Level>(
        guard: Self,
        lock: &RwLock<T, L>,
    ) -> RwLockUpgradableReadGuard<'a, T, L> {
        guard.check_owned_by(lock, "downgrade_to_upgradable");
        let RwLockWriteGuard { inner, hold, .. } = guard;
        let inner = inner.downgraded(parking_lot::RwLockWriteGuard::downgrade_to_upgradable);
        RwLockUpgradableReadGuard { inner, hold, level: PhantomData }
    }
}

/// A read hold of a blocking [`RwLock`] that can become a write hold without
/// a gap: see [`RwLock::upgradable_read`].
///
/// It excludes writers and other upgradable readers, not plain readers. Not
/// `Send`, like the other blocking guards.
///
/// ```
/// use lockladder::{lock_level, sync::{RwLock, RwLockUpgradableReadGuard}, LockToken};
///
/// #[lock_level(10)]
/// struct Cache {
///     entries: Vec<(u32, String)>,
/// }
///
/// fn get_or_insert(cache: &RwLock<Cache>, key: u32) -> String {
///     let mut token = LockToken::new();
///     let (checking, mut at_cache) = cache.upgradable_read(&mut token);
///     if let Some((_, value)) = checking.entries.iter().find(|(k, _)| *k == key) {
///         return value.clone();
///     }
///     let mut writing = RwLockUpgradableReadGuard::upgrade(checking, &mut at_cache);
///     let value = format!("value {key}");
///     writing.entries.push((key, value.clone())); // nobody inserted it meanwhile
///     value
/// }
///
/// let cache = RwLock::new(Cache { entries: Vec::new() });
/// assert_eq!(get_or_insert(&cache, 4), get_or_insert(&cache, 4));
/// ```
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct RwLockUpgradableReadGuard<'a, T: ?Sized, L> {
    pub(super) inner: RawGuard<'a, parking_lot::RwLockUpgradableReadGuard<'a, T>>,
    pub(super) hold: Hold,
    level: PhantomData<fn(L) -> L>,
}

impl<T: ?Sized, L: Level> RwLock<T, L> {
    /// Blocks until no writer or upgradable reader holds the lock, then
    /// returns an upgradable read guard and a token at `L`.
    ///
    /// Use it for read-then-maybe-write: check under a shared hold, and
    /// [`upgrade`](RwLockUpgradableReadGuard::upgrade) only if a write is
    /// needed, with nothing written in between.
    ///
    /// ```
    /// use lockladder::{lock_level, sync::{RwLock, RwLockUpgradableReadGuard}, LockToken};
    ///
    /// #[lock_level(10)]
    /// struct Registry {
    ///     accounts: Vec<u64>,
    /// }
    ///
    /// let registry = RwLock::new(Registry { accounts: Vec::new() });
    /// let mut token = LockToken::new();
    /// let (checking, mut at_registry) = registry.upgradable_read(&mut token);
    /// if checking.accounts.is_empty() {
    ///     let mut writing = RwLockUpgradableReadGuard::upgrade(checking, &mut at_registry);
    ///     writing.accounts.push(1);
    /// }
    /// ```
    #[track_caller]
    pub fn upgradable_read<'a, H: LockBefore<L>>(
        &'a self,
        token: &'a mut LockToken<'_, H>,
    ) -> (RwLockUpgradableReadGuard<'a, T, L>, LockToken<'a, L>) {
        let _ = token;
        let (inner, hold) =
            blocking::<L, _>(|| self.try_upgradable_raw(), || self.upgradable_raw());
        (RwLockUpgradableReadGuard { inner, hold, level: PhantomData }, LockToken::acquired())
    }

    /// Takes an upgradable read hold if it is free right now.
    ///
    /// ```
    /// use lockladder::{lock_level, sync::RwLock, LockToken};
    ///
    /// #[lock_level(10)]
    /// struct Registry;
    ///
    /// let registry = RwLock::new(Registry);
    /// let mut token = LockToken::new();
    /// let (_held, _) = registry.try_upgradable_read(&mut token).expect("free");
    /// std::thread::scope(|scope| {
    ///     scope.spawn(|| {
    ///         let mut elsewhere = LockToken::new();
    ///         assert!(registry.try_upgradable_read(&mut elsewhere).is_err());
    ///         assert!(registry.try_read(&mut elsewhere).is_ok()); // plain reads still get in
    ///     });
    /// });
    /// ```
    #[track_caller]
    pub fn try_upgradable_read<'a, H: LockBefore<L>>(
        &'a self,
        token: &'a mut LockToken<'_, H>,
    ) -> Result<(RwLockUpgradableReadGuard<'a, T, L>, LockToken<'a, L>), TryLockError> {
        let _ = token;
        let (inner, hold) =
            non_blocking::<L, _>(|| self.try_upgradable_raw(), "try_upgradable_read")?;
        Ok((RwLockUpgradableReadGuard { inner, hold, level: PhantomData }, LockToken::acquired()))
    }

    /// Waits at most `timeout` for an upgradable read hold, parking the thread
    /// meanwhile (as parking_lot's `try_upgradable_read_for`); the same token
    /// rule as [`upgradable_read`](RwLock::upgradable_read).
    ///
    /// ```
    /// use std::time::Duration;
    /// use lockladder::{lock_level, sync::RwLock, LockToken};
    ///
    /// #[lock_level(10)]
    /// struct Registry;
    ///
    /// let registry = RwLock::new(Registry);
    /// let mut token = LockToken::new();
    /// let (_checking, _) = registry.upgradable_read(&mut token);
    /// std::thread::scope(|scope| {
    ///     scope.spawn(|| {
    ///         let mut elsewhere = LockToken::new(); // another thread, its own root token
    ///         let busy = registry.try_upgradable_read_for(&mut elsewhere, Duration::from_millis(5));
    ///         assert!(busy.is_err()); // one upgradable reader at a time
    ///     });
    /// });
    /// ```
    ///
    /// # Errors
    ///
    /// [`LockTimeoutError`] if a writer or another upgradable reader still
    /// holds the lock when the time runs out; nothing is held then.
    #[track_caller]
    pub fn try_upgradable_read_for<'a, H: LockBefore<L>>(
        &'a self,
        token: &'a mut LockToken<'_, H>,
        timeout: Duration,
    ) -> Result<(RwLockUpgradableReadGuard<'a, T, L>, LockToken<'a, L>), LockTimeoutError> {
        let _ = token;
        self.try_upgradable_read_timed(Patience::For(timeout), "try_upgradable_read_for")
    }

    /// Waits until `deadline` at the latest for an upgradable read hold; as
    /// [`try_upgradable_read_for`](RwLock::try_upgradable_read_for).
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// use lockladder::{lock_level, sync::RwLock, LockToken};
    ///
    /// #[lock_level(10)]
    /// struct Registry;
    ///
    /// let registry = RwLock::new(Registry);
    /// let mut token = LockToken::new();
    /// let deadline = Instant::now() + Duration::from_millis(50);
    /// let (_checking, _) = registry.try_upgradable_read_until(&mut token, deadline).expect("free");
    /// ```
    ///
    /// # Errors
    ///
    /// [`LockTimeoutError`] if a writer or another upgradable reader still
    /// holds the lock at `deadline`.
    #[track_caller]
    pub fn try_upgradable_read_until<'a, H: LockBefore<L>>(
        &'a self,
        token: &'a mut LockToken<'_, H>,
        deadline: Instant,
    ) -> Result<(RwLockUpgradableReadGuard<'a, T, L>, LockToken<'a, L>), LockTimeoutError> {
        let _ = token;
        self.try_upgradable_read_timed(Patience::Until(deadline), "try_upgradable_read_until")
    }

    /// `try_upgradable_read_for` and `_until`, once the token is checked.
    #[track_caller]
    fn try_upgradable_read_timed<'a>(
        &'a self,
        patience: Patience,
        operation: &'static str,
    ) -> Result<(RwLockUpgradableReadGuard<'a, T, L>, LockToken<'a, L>), LockTimeoutError> {
        let (inner, hold) = timed::<L, _>(
            || self.try_upgradable_raw(),
            |deadline| self.upgradable_raw_until(deadline),
            || self.upgradable_raw(),
            patience,
            operation,
        )?;
        Ok((RwLockUpgradableReadGuard { inner, hold, level: PhantomData }, LockToken::acquired()))
    }
}

impl<'a, T: ?Sized, L: Level> RwLockUpgradableReadGuard<'a, T, L> {
    /// Blocks until the other readers leave, then turns the hold into a write
    /// hold; no writer can get in between.
    ///
    /// `token` is the token at the lock's level that
    /// [`upgradable_read`](RwLock::upgradable_read) returned: while a lock
    /// taken through it is held, it cannot be lent, so an upgrade that could
    /// wait for a reader waiting for that lock does not compile.
    ///
    /// ```compile_fail,E0499
    /// use lockladder::{lock_level, sync::{Mutex, RwLock, RwLockUpgradableReadGuard}, LockToken};
    ///
    /// #[lock_level(10)]
    /// struct Registry;
    /// #[lock_level(20)]
    /// struct Stats;
    ///
    /// fn upgrade_above(registry: &RwLock<Registry>, stats: &Mutex<Stats>) {
    ///     let mut token = LockToken::new();
    ///     let (checking, mut at_registry) = registry.upgradable_read(&mut token);
    ///     let (_stats, _) = stats.lock(&mut at_registry);
    ///     // error: `at_registry` is borrowed by `_stats`
    ///     let _writing = RwLockUpgradableReadGuard::upgrade(checking, &mut at_registry);
    /// }
    /// ```
    #[track_caller]
    pub fn upgrade(guard: Self, token: &mut LockToken<'_, L>) -> RwLockWriteGuard<'a, T> {
        let _ = token;
        check_holds_at_most::<L>();
        let RwLockUpgradableReadGuard { inner, hold, .. } = guard;
        // Nothing is let in: no wake-up.
        let inner = inner.map(parking_lot::RwLockUpgradableReadGuard::upgrade);
        RwLockWriteGuard { inner, hold, taken_alone: true }
    }

    /// Turns the hold into a write hold if no other reader holds the lock
    /// now; else gives the guard back.
    ///
    /// ```
    /// use lockladder::{lock_level, sync::{RwLock, RwLockUpgradableReadGuard}, LockToken};
    ///
    /// #[lock_level(10)]
    /// struct Registry {
    ///     accounts: Vec<u64>,
    /// }
    ///
    /// let registry = RwLock::new(Registry { accounts: Vec::new() });
    /// let mut token = LockToken::new();
    /// let (checking, mut at_registry) = registry.upgradable_read(&mut token);
    /// let mut writing = RwLockUpgradableReadGuard::try_upgrade(checking, &mut at_registry)
    ///     .unwrap_or_else(|_| unreachable!("no other reader"));
    /// writing.accounts.push(2);
    /// ```
    ///
    /// # Errors
    ///
    /// The guard itself, unchanged, if another reader holds the lock.
    #[track_caller]
    pub fn try_upgrade(
        guard: Self,
        token: &mut LockToken<'_, L>,
    ) -> Result<RwLockWriteGuard<'a, T>, Self> {
        let _ = token;
        check_holds_at_most::<L>();
        guard.upgrade_with(parking_lot::RwLockUpgradableReadGuard::try_upgrade)
    }

    /// As [`upgrade`](Self::upgrade), waiting at most `timeout` for the other
    /// readers to leave (parking the thread, as parking_lot's
    /// `try_upgrade_for`); else gives the guard back. The same token rule as
    /// `upgrade`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use lockladder::{lock_level, sync::{RwLock, RwLockUpgradableReadGuard}, LockToken};
    ///
    /// #[lock_level(10)]
    /// struct Registry {
    ///     accounts: Vec<u64>,
    /// }
    ///
    /// let registry = RwLock::new(Registry { accounts: Vec::new() });
    /// let mut token = LockToken::new();
    /// let (checking, mut at_registry) = registry.upgradable_read(&mut token);
    /// let timeout = Duration::from_millis(50);
    /// match RwLockUpgradableReadGuard::try_upgrade_for(checking, &mut at_registry, timeout) {
    ///     Ok(mut writing) => writing.accounts.push(2),
    ///     Err(_still_reading) => eprintln!("readers stayed; try again later"),
    /// }
    /// ```
    ///
    /// # Errors
    ///
    /// The guard itself, unchanged, if other readers still hold the lock when
    /// the time runs out.
    #[track_caller]
    pub fn try_upgrade_for(
        guard: Self,
        token: &mut LockToken<'_, L>,
        timeout: Duration,
    ) -> Result<RwLockWriteGuard<'a, T>, Self> {
        let _ = token;
        check_holds_at_most::<L>();
        guard.upgrade_with(|raw| {
            parking_lot::RwLockUpgradableReadGuard::try_upgrade_for(raw, timeout)
        })
    }

    /// As [`try_upgrade_for`](Self::try_upgrade_for), waiting until
    /// `deadline` at the latest.
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// use lockladder::{lock_level, sync::{RwLock, RwLockUpgradableReadGuard}, LockToken};
    ///
    /// #[lock_level(10)]
    /// struct Registry;
    ///
    /// let registry = RwLock::new(Registry);
    /// let mut token = LockToken::new();
    /// let (checking, mut at_registry) = registry.upgradable_read(&mut token);
    /// let deadline = Instant::now() + Duration::from_millis(20);
    /// std::thread::scope(|scope| {
    ///     let registry = &registry;
    ///     let (read_tx, read) = std::sync::mpsc::channel();
    ///     let (done_tx, done) = std::sync::mpsc::channel::<()>();
    ///     scope.spawn(move || {
    ///         let mut elsewhere = LockToken::new();
    ///         let (_reading, _) = registry.read(&mut elsewhere);
    ///         read_tx.send(()).unwrap();
    ///         let _ = done.recv(); // reads until told to stop
    ///     });
    ///     read.recv().unwrap();
    ///     let upgraded =
    ///         RwLockUpgradableReadGuard::try_upgrade_until(checking, &mut at_registry, deadline);
    ///     assert!(upgraded.is_err()); // the reader stayed past the deadline
    ///     done_tx.send(()).unwrap();
    /// });
    /// ```
    ///
    /// # Errors
    ///
    /// The guard itself, unchanged, if other readers still hold the lock at
    /// `deadline`.
    #[track_caller]
    pub fn try_upgrade_until(
        guard: Self,
        token: &mut LockToken<'_, L>,
        deadline: Instant,
    ) -> Result<RwLockWriteGuard<'a, T>, Self> {
        let _ = token;
        check_holds_at_most::<L>();
        guard.upgrade_with(|raw| {
            parking_lot::RwLockUpgradableReadGuard::try_upgrade_until(raw, deadline)
        })
    }

    /// The `try_upgrade*` forms: `change` upgrades parking_lot's guard or
    /// gives it back. A timed upgrade holds new readers back while it waits
    /// for the others to leave; when it gives up they may enter again, so the
    /// async tasks sleeping on the lock are woken, as after a release.
    fn upgrade_with(
        self,
        change: impl FnOnce(
            parking_lot::RwLockUpgradableReadGuard<'a, T>,
        ) -> Result<
            parking_lot::RwLockWriteGuard<'a, T>,
            parking_lot::RwLockUpgradableReadGuard<'a, T>,
        >,
    ) -> Result<RwLockWriteGuard<'a, T>, Self> {
        let RwLockUpgradableReadGuard { inner, hold, level } = self;
        match inner.try_map(change) {
            Ok(inner) => Ok(RwLockWriteGuard { inner, hold, taken_alone: true }),
            Err(inner) => {
                inner.wake().released();
                Err(RwLockUpgradableReadGuard { inner, hold, level })
            }
        }
    }

    /// Turns the hold into a plain read hold, letting a writer or another
    /// upgradable reader queue behind the readers.
    ///
    /// ```
    /// use lockladder::{lock_level, sync::{RwLock, RwLockUpgradableReadGuard}, LockToken};
    ///
    /// #[lock_level(10)]
    /// struct Registry;
    ///
    /// let registry = RwLock::new(Registry);
    /// let mut token = LockToken::new();
    /// let (checking, _) = registry.upgradable_read(&mut token);
    /// let _reading = RwLockUpgradableReadGuard::downgrade(checking);
    /// std::thread::scope(|scope| {
    ///     scope.spawn(|| {
    ///         let mut elsewhere = LockToken::new();
    ///         assert!(registry.try_upgradable_read(&mut elsewhere).is_ok());
    ///     });
    /// });
    /// ```
    pub fn downgrade(guard: Self) -> RwLockReadGuard<'a, T> {
        let RwLockUpgradableReadGuard { inner, hold, .. } = guard;
        let inner = inner.downgraded(parking_lot::RwLockUpgradableReadGuard::downgrade);
        RwLockReadGuard { inner, hold, taken_alone: true }
    }
}

impl<T: ?Sized, L> Deref for RwLockUpgradableReadGuard<'_, T, L> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.inner.guard
    }
}

impl<T: ?Sized + fmt::Debug, L> fmt::Debug for RwLockUpgradableReadGuard<'_, T, L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display, L> fmt::Display for RwLockUpgradableReadGuard<'_, T, L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}
