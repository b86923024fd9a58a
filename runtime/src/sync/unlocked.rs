//! Releasing a blocking lock for a while inside its guard, as parking_lot's
//! guards do: `unlocked`, `unlocked_fair` and `bump` (which re-take the lock)
//! and `unlock_fair` (which does not).
//!
//! Re-taking the lock is an acquisition at its level, so, as for a
//! [`Condvar`](super::Condvar) wait, the task must provably hold nothing above
//! the lock then: each re-taking method takes the token at the lock's level
//! mutably (the one the guard's `lock`/`read`/`write` returned, which cannot be
//! lent while anything taken through it is held). The guards of `Mutex` and
//! `RwLock` do not carry their level, so those methods also take the lock,
//! which names it and is checked to be the guard's; a guard taken in a set is
//! refused, since re-taking one member alone while the others are held could
//! deadlock with a task taking the same set. While the lock is released, the
//! async tasks waiting for it are woken and the `lockdep` hold ends; a new one
//! starts once the lock is re-taken (also when the closure panics: the lock is
//! re-taken, then the panic goes on).

use core::mem;
use std::panic::{self, AssertUnwindSafe};

use super::guard::{
    MappedMutexGuard, MappedRwLockReadGuard, MappedRwLockWriteGuard, MutexGuard, RwLockReadGuard,
    RwLockWriteGuard,
};
use super::mutex::Mutex;
use super::rwlock::RwLock;
use super::rwlock_transitions::RwLockUpgradableReadGuard;
use super::wake::RawGuard;
use crate::held::{Acquisition, Hold};
use crate::level::Level;
use crate::token::LockToken;

/// Runs `f` while `unlocked` (parking_lot's `unlocked` or `unlocked_fair` of
/// the wrapped guard) has the lock released, waking async waiters once it is
/// free and restarting the hold once it is re-taken: for these methods and
/// for the [`Condvar`](super::Condvar) waits, whose `f` parks the thread.
#[track_caller]
pub(super) fn release_around<L: Level, G, U>(
    raw: &mut RawGuard<'_, G>,
    hold: &mut Hold,
    unlocked: impl FnOnce(&mut G, &mut dyn FnMut()),
    f: impl FnOnce() -> U,
) -> U {
    let wake = raw.wake();
    drop(mem::replace(hold, Hold::none()));
    // The re-take is checked before anything is released: a violation found
    // after the release would report, then hang in parking_lot's re-lock. It
    // is checked again once granted, against what `f` may have taken.
    let mut retake = Acquisition::begin::<L>();
    let mut f = Some(f);
    let mut outcome = None;
    unlocked(&mut raw.guard, &mut || {
        wake.released();
        if let Some(f) = f.take() {
            // Caught here and resumed below, once the lock is held again and
            // its hold restarted.
            outcome = Some(panic::catch_unwind(AssertUnwindSafe(f)));
        }
    });
    *hold = retake.granted();
    match outcome {
        Some(Ok(value)) => value,
        Some(Err(payload)) => panic::resume_unwind(payload),
        None => unreachable!("parking_lot's `unlocked` runs its closure once"),
    }
}

/// parking_lot's `bump` of the wrapped guard: the lock may pass to a waiting
/// thread and come back, so the hold restarts.
#[track_caller]
fn bump_hold<L: Level, G>(raw: &mut RawGuard<'_, G>, hold: &mut Hold, bump: impl FnOnce(&mut G)) {
    drop(mem::replace(hold, Hold::none()));
    let mut retake = Acquisition::begin::<L>();
    bump(&mut raw.guard);
    *hold = retake.granted();
}

/// `unlocked`, `unlocked_fair`, `bump` on a guard of a lock that does not
/// carry its level: `$guard` wraps parking_lot's `$raw`, whose
/// `$owner` is the wrapped lock of a `$lock`; `$take` is the method that took
/// the guard and `$probe` a `try_*` that fails while the guard holds the lock
/// (for the examples).
macro_rules! releasable {
    ($guard:ident($raw:ident), $lock:ident, $owner:ident, $take:literal, $probe:literal) => {
        impl<T: ?Sized> $guard<'_, T> {
            #[doc = concat!(
                "Releases the lock while `f` runs and re-takes it before returning what `f` ",
                "returned (parking_lot's `unlocked`); async tasks waiting for the lock are ",
                "woken.\n\n`lock` is the lock this guard holds and `token` the token at its ",
                "level that [`", $take, "`](", stringify!($lock), "::", $take, ") returned: ",
                "while anything taken through it is held, it cannot be lent here.\n\n",
                "```\nuse lockladder::{lock_level, sync::{", stringify!($lock), ", ",
                stringify!($guard), "}, LockToken};\n\n#[lock_level(20)]\nstruct Jobs {\n    ",
                "done: u64,\n}\n\nlet jobs = ", stringify!($lock), "::new(Jobs { done: 0 });\n",
                "let mut token = LockToken::new();\nlet (mut held, mut at_jobs) = jobs.", $take,
                "(&mut token);\n// Slow work without the lock: other threads may take it.\n",
                "let was_free = ", stringify!($guard),
                "::unlocked(&mut held, &jobs, &mut at_jobs, || {\n    ",
                "std::thread::scope(|scope| {\n        scope\n            .spawn(|| {\n",
                "                let mut token = LockToken::new(); // its own root token\n",
                "                jobs.", $probe, "(&mut token).is_ok()\n            })\n",
                "            .join()\n            .unwrap()\n    })\n});\n",
                "assert!(was_free);\nassert_eq!(held.done, 0); // held again\n```\n\n",
                "# Panics\n\nBefore releasing anything, if `guard` is not a guard of `lock`, ",
                "or if it was taken as a member of a set (`lock_all`, `lock_many`, `LockGroup`): ",
                "re-taking one member alone while the others are held could deadlock with a ",
                "task taking the same set. A panic in `f` goes on once the lock is held again."
            )]
            #[track_caller]
            pub fn unlocked<L: Level, U>(
                guard: &mut Self,
                lock: &$lock<T, L>,
                token: &mut LockToken<'_, L>,
                f: impl FnOnce() -> U,
            ) -> U {
                let _ = token;
                guard.check_owned_by(lock, "unlocked");
                release_around::<L, _, _>(
                    &mut guard.inner,
                    &mut guard.hold,
                    |raw, run| parking_lot::$raw::unlocked(raw, run),
                    f,
                )
            }

            #[doc = concat!(
                "As [`unlocked`](Self::unlocked), releasing the lock fairly: a thread ",
                "waiting for it gets it before this one re-takes it.\n\n",
                "```\nuse lockladder::{lock_level, sync::{", stringify!($lock), ", ",
                stringify!($guard), "}, LockToken};\n\n#[lock_level(20)]\nstruct Jobs;\n\n",
                "let jobs = ", stringify!($lock), "::new(Jobs);\n",
                "let mut token = LockToken::new();\nlet (mut held, mut at_jobs) = jobs.", $take,
                "(&mut token);\nlet answer = ", stringify!($guard),
                "::unlocked_fair(&mut held, &jobs, &mut at_jobs, || 42);\n",
                "assert_eq!(answer, 42);\n```\n\n# Panics\n\nAs [`unlocked`](Self::unlocked)."
            )]
            #[track_caller]
            pub fn unlocked_fair<L: Level, U>(
                guard: &mut Self,
                lock: &$lock<T, L>,
                token: &mut LockToken<'_, L>,
                f: impl FnOnce() -> U,
            ) -> U {
                let _ = token;
                guard.check_owned_by(lock, "unlocked_fair");
                release_around::<L, _, _>(
                    &mut guard.inner,
                    &mut guard.hold,
                    |raw, run| parking_lot::$raw::unlocked_fair(raw, run),
                    f,
                )
            }

            #[doc = concat!(
                "Lets a thread waiting for the lock have it, if there is one, and re-takes it ",
                "after (parking_lot's `bump`: `unlock_fair` then `", $take, "`, without the ",
                "release when no thread waits). Async tasks waiting for the lock are not ",
                "handed it (they do not park in parking_lot); use ",
                "[`unlocked_fair`](Self::unlocked_fair) to give them a chance.\n\n",
                "```\nuse lockladder::{lock_level, sync::{", stringify!($lock), ", ",
                stringify!($guard), "}, LockToken};\n\n#[lock_level(20)]\nstruct Jobs;\n\n",
                "let jobs = ", stringify!($lock), "::new(Jobs);\n",
                "let mut token = LockToken::new();\nlet (mut held, mut at_jobs) = jobs.", $take,
                "(&mut token);\nfor _ in 0..3 {\n    // ... a long job in steps, letting others in ",
                "between\n    ", stringify!($guard), "::bump(&mut held, &jobs, &mut at_jobs);\n}\n",
                "```\n\n# Panics\n\nAs [`unlocked`](Self::unlocked)."
            )]
            #[track_caller]
            pub fn bump<L: Level>(guard: &mut Self, lock: &$lock<T, L>, token: &mut LockToken<'_, L>) {
                let _ = token;
                guard.check_owned_by(lock, "bump");
                bump_hold::<L, _>(&mut guard.inner, &mut guard.hold, parking_lot::$raw::bump);
            }

            /// Panics (the documented misuse of `method`) unless this guard
            /// holds `lock` and was taken alone, not as a member of a set.
            #[track_caller]
            pub(super) fn check_owned_by<L: Level>(&self, lock: &$lock<T, L>, method: &str) {
                crate::misuse::assert_guard_of::<L>(
                    format_args!("{}::{method}", stringify!($guard)),
                    "lock",
                    core::ptr::eq(parking_lot::$raw::$owner(&self.inner.guard), lock.raw_lock()),
                    self.taken_alone,
                    $take,
                );
            }
        }
    };
}

/// `unlock_fair` on a guard (`$guard` wrapping parking_lot's `$raw`), mapped
/// or not: nothing is re-taken, so no token is needed. The example imports
/// `$imports` from `sync`, makes a `$lock` and takes the guard with `$take`
/// (Rust lines), which `$probe` then finds free.
macro_rules! fair_unlock {
    ($guard:ident($raw:ident), $lock:ident, $imports:literal, $take:literal, $probe:literal) => {
        impl<T: ?Sized> $guard<'_, T> {
            #[doc = concat!(
                "Releases the lock fairly: a thread waiting for it gets it before this one ",
                "could take it again (parking_lot's `unlock_fair`). Async tasks waiting for ",
                "it are woken, as by a drop.\n\n",
                "```\nuse lockladder::{lock_level, sync::{", $imports, "}, LockToken};\n\n",
                "#[lock_level(20)]\nstruct Jobs {\n    done: u64,\n}\n\n",
                "let jobs = ", stringify!($lock), "::new(Jobs { done: 0 });\n",
                "let mut token = LockToken::new();\n", $take, "\n",
                stringify!($guard), "::unlock_fair(held);\n",
                "assert!(jobs.", $probe, "(&mut token).is_ok());\n```"
            )]
            pub fn unlock_fair(guard: Self) {
                // `_hold` ends when it drops, after the release.
                let $guard { inner, hold: _hold, .. } = guard;
                inner.release_with(parking_lot::$raw::unlock_fair);
            }
        }
    };
}

fair_unlock!(
    MutexGuard(MutexGuard),
    Mutex,
    "Mutex, MutexGuard",
    "let (held, _) = jobs.lock(&mut token);",
    "try_lock"
);
fair_unlock!(
    MappedMutexGuard(MappedMutexGuard),
    Mutex,
    "MappedMutexGuard, Mutex, MutexGuard",
    "let (held, _) = jobs.lock(&mut token);\nlet held = MutexGuard::map(held, |jobs| &mut jobs.done);",
    "try_lock"
);
fair_unlock!(
    RwLockReadGuard(RwLockReadGuard),
    RwLock,
    "RwLock, RwLockReadGuard",
    "let (held, _) = jobs.read(&mut token);",
    "try_write"
);
fair_unlock!(
    MappedRwLockReadGuard(MappedRwLockReadGuard),
    RwLock,
    "MappedRwLockReadGuard, RwLock, RwLockReadGuard",
    "let (held, _) = jobs.read(&mut token);\nlet held = RwLockReadGuard::map(held, |jobs| &jobs.done);",
    "try_write"
);
fair_unlock!(
    RwLockWriteGuard(RwLockWriteGuard),
    RwLock,
    "RwLock, RwLockWriteGuard",
    "let (held, _) = jobs.write(&mut token);",
    "try_write"
);
fair_unlock!(
    MappedRwLockWriteGuard(MappedRwLockWriteGuard),
    RwLock,
    "MappedRwLockWriteGuard, RwLock, RwLockWriteGuard",
    "let (held, _) = jobs.write(&mut token);\nlet held = RwLockWriteGuard::map(held, |jobs| &mut jobs.done);",
    "try_write"
);

releasable!(MutexGuard(MutexGuard), Mutex, mutex, "lock", "try_lock");
releasable!(RwLockReadGuard(RwLockReadGuard), RwLock, rwlock, "read", "try_write");
releasable!(RwLockWriteGuard(RwLockWriteGuard), RwLock, rwlock, "write", "try_write");

/// The upgradable guard carries its level: the token alone is the proof.
impl<T: ?Sized, L: Level> RwLockUpgradableReadGuard<'_, T, L> {
    /// Releases the lock while `f` runs and re-takes the upgradable read
    /// before returning what `f` returned (parking_lot's `unlocked`); async
    /// tasks waiting for the lock are woken. `token` is the guard's own, as
    /// for [`upgrade`](Self::upgrade). A panic in `f` goes on once the lock is
    /// held again.
    ///
    /// ```
    /// use lockladder::{lock_level, sync::{RwLock, RwLockUpgradableReadGuard}, LockToken};
    ///
    /// #[lock_level(10)]
    /// struct Cache {
    ///     entries: Vec<u32>,
    /// }
    ///
    /// let cache = RwLock::new(Cache { entries: Vec::new() });
    /// let mut token = LockToken::new();
    /// let (mut checking, mut at_cache) = cache.upgradable_read(&mut token);
    /// let computed = RwLockUpgradableReadGuard::unlocked(&mut checking, &mut at_cache, || 7);
    /// // Someone may have inserted meanwhile: check again before writing.
    /// if !checking.entries.contains(&computed) {
    ///     let mut writing = RwLockUpgradableReadGuard::upgrade(checking, &mut at_cache);
    ///     writing.entries.push(computed);
    /// }
    /// ```
    #[track_caller]
    pub fn unlocked<U>(guard: &mut Self, token: &mut LockToken<'_, L>, f: impl FnOnce() -> U) -> U {
        let _ = token;
        release_around::<L, _, _>(
            &mut guard.inner,
            &mut guard.hold,
            |raw, run| parking_lot::RwLockUpgradableReadGuard::unlocked(raw, run),
            f,
        )
    }

    /// As [`unlocked`](Self::unlocked), releasing the lock fairly.
    ///
    /// ```
    /// use lockladder::{lock_level, sync::{RwLock, RwLockUpgradableReadGuard}, LockToken};
    ///
    /// #[lock_level(10)]
    /// struct Cache;
    ///
    /// let cache = RwLock::new(Cache);
    /// let mut token = LockToken::new();
    /// let (mut checking, mut at_cache) = cache.upgradable_read(&mut token);
    /// RwLockUpgradableReadGuard::unlocked_fair(&mut checking, &mut at_cache, || ());
    /// ```
    #[track_caller]
    pub fn unlocked_fair<U>(
        guard: &mut Self,
        token: &mut LockToken<'_, L>,
        f: impl FnOnce() -> U,
    ) -> U {
        let _ = token;
        release_around::<L, _, _>(
            &mut guard.inner,
            &mut guard.hold,
            |raw, run| parking_lot::RwLockUpgradableReadGuard::unlocked_fair(raw, run),
            f,
        )
    }

    /// Lets a thread waiting for the lock have it, if there is one, and
    /// re-takes the upgradable read after (parking_lot's `bump`).
    ///
    /// ```
    /// use lockladder::{lock_level, sync::{RwLock, RwLockUpgradableReadGuard}, LockToken};
    ///
    /// #[lock_level(10)]
    /// struct Cache;
    ///
    /// let cache = RwLock::new(Cache);
    /// let mut token = LockToken::new();
    /// let (mut checking, mut at_cache) = cache.upgradable_read(&mut token);
    /// RwLockUpgradableReadGuard::bump(&mut checking, &mut at_cache);
    /// ```
    #[track_caller]
    pub fn bump(guard: &mut Self, token: &mut LockToken<'_, L>) {
        let _ = token;
        bump_hold::<L, _>(
            &mut guard.inner,
            &mut guard.hold,
            parking_lot::RwLockUpgradableReadGuard::bump,
        );
    }

    /// Releases the lock fairly (parking_lot's `unlock_fair`); async tasks
    /// waiting for it are woken, as by a drop.
    ///
    /// ```
    /// use lockladder::{lock_level, sync::{RwLock, RwLockUpgradableReadGuard}, LockToken};
    ///
    /// #[lock_level(10)]
    /// struct Cache;
    ///
    /// let cache = RwLock::new(Cache);
    /// let mut token = LockToken::new();
    /// let (checking, _) = cache.upgradable_read(&mut token);
    /// RwLockUpgradableReadGuard::unlock_fair(checking);
    /// assert!(cache.try_write(&mut token).is_ok());
    /// ```
    pub fn unlock_fair(guard: Self) {
        // `_hold` ends when it drops, after the release.
        let RwLockUpgradableReadGuard { inner, hold: _hold, .. } = guard;
        inner.release_with(parking_lot::RwLockUpgradableReadGuard::unlock_fair);
    }
}
