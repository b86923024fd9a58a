//! `lockdep` checks the order on every public path that can wait for a lock,
//! before it waits, and reports the user's call site.
//!
//! One case per public method: the thread holds `High` (level 20) through one
//! root token and calls the method on a lock at `Low` (level 10) through a
//! second root, which the types cannot see. Every case must panic with the
//! order violation, naming `Low`, `High` and the line of this file where the
//! method was called.
//!
//! `every_public_method_that_takes_a_token_has_a_case` keeps the table
//! complete: it reads the sources of `lockladder-runtime` and
//! `lockladder-postgres` and lists every `pub fn` that takes or returns a
//! `LockToken` or is a method of `LockToken` (so every way to acquire a lock,
//! whatever its name), and fails naming each one that has no case here (or,
//! for `PgLock`, in `postgres/tests/lockdep_paths.rs`) and is not listed in
//! `TAKES_NO_LOCK` with the reason. A method added later without a case fails
//! it; a case whose method was renamed or removed fails it too.
#![cfg(feature = "lockdep")]

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use lockladder::{
    Condvar, FileLock, LockGroup, LockToken, Mutex, Read, RwLock, RwLockUpgradableReadGuard, Write,
    extend, lock_level, sync,
};

mod lockdep_sites;
use lockdep_sites::panic_message;
mod support;
use support::scratch::Scratch;

/// The level of every lock a case calls a method on.
#[lock_level(10)]
struct Low;

/// Held through the first root while the case calls the method.
#[lock_level(20)]
struct High;

/// The line of this file where the case calls the method under test.
static CALLED_AT: AtomicU32 = AtomicU32::new(0);

/// The method call `$call`, with the line it is made on recorded.
macro_rules! call {
    // A tuple, not a block: the call's temporaries (a `&mut LockToken::new()`)
    // live to the end of the caller's statement.
    ($call:expr) => {
        (CALLED_AT.store(line!(), Ordering::Relaxed), $call).1
    };
}

/// Runs `body` with `High` held through a root token of its own; `body`
/// takes its locks through another root.
fn holding_high(body: impl FnOnce()) {
    let high = sync::Mutex::new(High);
    let mut first_root = LockToken::new();
    let (_high, _) = high.lock(&mut first_root);
    body();
}

type Upgradable<'a> = sync::RwLockUpgradableReadGuard<'a, Low, Low>;

const ZERO: Duration = Duration::ZERO;

fn now() -> Instant {
    Instant::now()
}

/// Runs `body` with an upgradable read of a blocking lock at `Low`, then
/// `High` taken through another root.
fn upgradable(body: impl FnOnce(Upgradable<'_>, &mut LockToken<'_, Low>)) {
    let low = sync::RwLock::new(Low);
    let mut root = LockToken::new();
    let (guard, mut at_low) = low.upgradable_read(&mut root);
    holding_high(|| body(guard, &mut at_low));
}

/// `fn $name(body)`: runs `body` with the blocking `$lock` at `Low` held by
/// the guard `$take` returns, and `High` taken after it through another root.
macro_rules! held {
    ($name:ident, $lock:ident, $guard:ident, $take:ident) => {
        fn $name(body: impl FnOnce(&sync::$lock<Low>, &mut sync::$guard<'_, Low>, &mut LockToken<'_, Low>)) {
            let low = sync::$lock::new(Low);
            let mut root = LockToken::new();
            let (mut guard, mut at_low) = low.$take(&mut root);
            holding_high(|| body(&low, &mut guard, &mut at_low));
        }
    };
}
held!(mutex_held, Mutex, MutexGuard, lock);
held!(read_held, RwLock, RwLockReadGuard, read);
held!(write_held, RwLock, RwLockWriteGuard, write);

/// A case: the method the user calls, where it is defined (as
/// `every_public_method_that_takes_a_token_has_a_case` finds it), and a
/// call of it that must be reported.
struct Case {
    method: &'static str,
    defined: &'static str,
    run: fn(),
}

const fn case(method: &'static str, defined: &'static str, run: fn()) -> Case {
    Case { method, defined, run }
}

/// Every public method that can wait for a lock, called on `Low` while
/// `High` is held through another root.
const CASES: &[Case] = &[
    // The async locks: checked when the method is called (the future is made).
    case("Mutex::lock", "runtime/src/mutex.rs: Mutex::lock", || {
        let low = Mutex::new(Low);
        holding_high(|| _ = call!(low.lock(&mut LockToken::new())));
    }),
    case("Mutex::try_lock", "runtime/src/mutex.rs: Mutex::try_lock", || {
        let low = Mutex::new(Low);
        holding_high(|| _ = call!(low.try_lock(&mut LockToken::new())));
    }),
    case("Mutex::blocking_lock", "runtime/src/blocking_access.rs: Mutex::blocking_lock", || {
        let low = Mutex::new(Low);
        holding_high(|| _ = call!(low.blocking_lock(&mut LockToken::new())));
    }),
    case("RwLock::read", "runtime/src/rwlock.rs: RwLock::read", || {
        let low = RwLock::new(Low);
        holding_high(|| _ = call!(low.read(&mut LockToken::new())));
    }),
    case("RwLock::write", "runtime/src/rwlock.rs: RwLock::write", || {
        let low = RwLock::new(Low);
        holding_high(|| _ = call!(low.write(&mut LockToken::new())));
    }),
    case("RwLock::try_read", "runtime/src/rwlock.rs: RwLock::try_read", || {
        let low = RwLock::new(Low);
        holding_high(|| _ = call!(low.try_read(&mut LockToken::new())));
    }),
    case("RwLock::try_write", "runtime/src/rwlock.rs: RwLock::try_write", || {
        let low = RwLock::new(Low);
        holding_high(|| _ = call!(low.try_write(&mut LockToken::new())));
    }),
    case("RwLock::blocking_read", "runtime/src/blocking_access.rs: RwLock::blocking_read", || {
        let low = RwLock::new(Low);
        holding_high(|| _ = call!(low.blocking_read(&mut LockToken::new())));
    }),
    case(
        "RwLock::blocking_write",
        "runtime/src/blocking_access.rs: RwLock::blocking_write",
        || {
            let low = RwLock::new(Low);
            holding_high(|| _ = call!(low.blocking_write(&mut LockToken::new())));
        },
    ),
    case(
        "RwLock::upgradable_read",
        "runtime/src/rwlock/upgradable.rs: RwLock::upgradable_read",
        || {
            let low = RwLock::new(Low);
            holding_high(|| _ = call!(low.upgradable_read(&mut LockToken::new())));
        },
    ),
    case(
        "RwLock::try_upgradable_read",
        "runtime/src/rwlock/upgradable.rs: RwLock::try_upgradable_read",
        || {
            let low = RwLock::new(Low);
            holding_high(|| _ = call!(low.try_upgradable_read(&mut LockToken::new())));
        },
    ),
    // The async transitions: `Low` is taken first, `High` after it through
    // the other root (in order), then the transition waits holding `High`.
    case(
        "RwLockUpgradableReadGuard::upgrade",
        "runtime/src/rwlock/upgradable.rs: RwLockUpgradableReadGuard::upgrade",
        || {
            let low = RwLock::new(Low);
            let mut root = LockToken::new();
            let (guard, mut at_low) = low.try_upgradable_read(&mut root).unwrap();
            holding_high(|| _ = call!(RwLockUpgradableReadGuard::upgrade(guard, &mut at_low)));
        },
    ),
    case(
        "RwLockUpgradableReadGuard::try_upgrade",
        "runtime/src/rwlock/upgradable.rs: RwLockUpgradableReadGuard::try_upgrade",
        || {
            let low = RwLock::new(Low);
            let mut root = LockToken::new();
            let (guard, mut at_low) = low.try_upgradable_read(&mut root).unwrap();
            holding_high(|| {
                _ = call!(RwLockUpgradableReadGuard::try_upgrade(guard, &mut at_low));
            });
        },
    ),
    case("Condvar::wait", "runtime/src/condvar.rs: Condvar::wait", || {
        let (low, condvar) = (Mutex::new(Low), Condvar::new());
        let mut root = LockToken::new();
        let (guard, mut at_low) = low.try_lock(&mut root).unwrap();
        holding_high(|| _ = call!(condvar.wait(&low, guard, &mut at_low)));
    }),
    case("Condvar::wait_while", "runtime/src/condvar.rs: Condvar::wait_while", || {
        let (low, condvar) = (Mutex::new(Low), Condvar::new());
        let mut root = LockToken::new();
        let (guard, mut at_low) = low.try_lock(&mut root).unwrap();
        holding_high(|| _ = call!(condvar.wait_while(&low, guard, &mut at_low, |_| true)));
    }),
    // The blocking locks.
    case("sync::Mutex::lock", "runtime/src/sync/mutex.rs: Mutex::lock", || {
        let low = sync::Mutex::new(Low);
        holding_high(|| _ = call!(low.lock(&mut LockToken::new())));
    }),
    case("sync::Mutex::try_lock", "runtime/src/sync/mutex.rs: Mutex::try_lock", || {
        let low = sync::Mutex::new(Low);
        holding_high(|| _ = call!(low.try_lock(&mut LockToken::new())));
    }),
    case("sync::Mutex::try_lock_for", "runtime/src/sync/mutex.rs: Mutex::try_lock_for", || {
        let low = sync::Mutex::new(Low);
        holding_high(|| _ = call!(low.try_lock_for(&mut LockToken::new(), Duration::ZERO)));
    }),
    case("sync::Mutex::try_lock_until", "runtime/src/sync/mutex.rs: Mutex::try_lock_until", || {
        let low = sync::Mutex::new(Low);
        holding_high(|| _ = call!(low.try_lock_until(&mut LockToken::new(), Instant::now())));
    }),
    case("sync::RwLock::read", "runtime/src/sync/rwlock.rs: RwLock::read", || {
        let low = sync::RwLock::new(Low);
        holding_high(|| _ = call!(low.read(&mut LockToken::new())));
    }),
    case("sync::RwLock::write", "runtime/src/sync/rwlock.rs: RwLock::write", || {
        let low = sync::RwLock::new(Low);
        holding_high(|| _ = call!(low.write(&mut LockToken::new())));
    }),
    case("sync::RwLock::try_read", "runtime/src/sync/rwlock.rs: RwLock::try_read", || {
        let low = sync::RwLock::new(Low);
        holding_high(|| _ = call!(low.try_read(&mut LockToken::new())));
    }),
    case("sync::RwLock::try_write", "runtime/src/sync/rwlock.rs: RwLock::try_write", || {
        let low = sync::RwLock::new(Low);
        holding_high(|| _ = call!(low.try_write(&mut LockToken::new())));
    }),
    case("sync::RwLock::try_read_for", "runtime/src/sync/rwlock.rs: RwLock::try_read_for", || {
        let low = sync::RwLock::new(Low);
        holding_high(|| _ = call!(low.try_read_for(&mut LockToken::new(), Duration::ZERO)));
    }),
    case(
        "sync::RwLock::try_read_until",
        "runtime/src/sync/rwlock.rs: RwLock::try_read_until",
        || {
            let low = sync::RwLock::new(Low);
            holding_high(|| _ = call!(low.try_read_until(&mut LockToken::new(), Instant::now())));
        },
    ),
    case(
        "sync::RwLock::try_write_for",
        "runtime/src/sync/rwlock.rs: RwLock::try_write_for",
        || {
            let low = sync::RwLock::new(Low);
            holding_high(|| _ = call!(low.try_write_for(&mut LockToken::new(), Duration::ZERO)));
        },
    ),
    case(
        "sync::RwLock::try_write_until",
        "runtime/src/sync/rwlock.rs: RwLock::try_write_until",
        || {
            let low = sync::RwLock::new(Low);
            holding_high(|| {
                _ = call!(low.try_write_until(&mut LockToken::new(), Instant::now()));
            });
        },
    ),
    case(
        "sync::RwLock::upgradable_read",
        "runtime/src/sync/rwlock_transitions.rs: RwLock::upgradable_read",
        || {
            let low = sync::RwLock::new(Low);
            holding_high(|| _ = call!(low.upgradable_read(&mut LockToken::new())));
        },
    ),
    case(
        "sync::RwLock::try_upgradable_read",
        "runtime/src/sync/rwlock_transitions.rs: RwLock::try_upgradable_read",
        || {
            let low = sync::RwLock::new(Low);
            holding_high(|| _ = call!(low.try_upgradable_read(&mut LockToken::new())));
        },
    ),
    case(
        "sync::RwLock::try_upgradable_read_for",
        "runtime/src/sync/rwlock_transitions.rs: RwLock::try_upgradable_read_for",
        || {
            let low = sync::RwLock::new(Low);
            holding_high(|| {
                _ = call!(low.try_upgradable_read_for(&mut LockToken::new(), Duration::ZERO));
            });
        },
    ),
    case(
        "sync::RwLock::try_upgradable_read_until",
        "runtime/src/sync/rwlock_transitions.rs: RwLock::try_upgradable_read_until",
        || {
            let low = sync::RwLock::new(Low);
            holding_high(|| {
                _ = call!(low.try_upgradable_read_until(&mut LockToken::new(), Instant::now()));
            });
        },
    ),
    // The blocking transitions, as the async ones.
    case(
        "sync::RwLockUpgradableReadGuard::upgrade",
        "runtime/src/sync/rwlock_transitions.rs: RwLockUpgradableReadGuard::upgrade",
        || upgradable(|guard, at_low| _ = call!(Upgradable::upgrade(guard, at_low))),
    ),
    case(
        "sync::RwLockUpgradableReadGuard::try_upgrade",
        "runtime/src/sync/rwlock_transitions.rs: RwLockUpgradableReadGuard::try_upgrade",
        || upgradable(|guard, at_low| _ = call!(Upgradable::try_upgrade(guard, at_low))),
    ),
    case(
        "sync::RwLockUpgradableReadGuard::try_upgrade_for",
        "runtime/src/sync/rwlock_transitions.rs: RwLockUpgradableReadGuard::try_upgrade_for",
        || upgradable(|guard, at_low| _ = call!(Upgradable::try_upgrade_for(guard, at_low, ZERO))),
    ),
    case(
        "sync::RwLockUpgradableReadGuard::try_upgrade_until",
        "runtime/src/sync/rwlock_transitions.rs: RwLockUpgradableReadGuard::try_upgrade_until",
        || {
            upgradable(|guard, at_low| {
                _ = call!(Upgradable::try_upgrade_until(guard, at_low, now()))
            })
        },
    ),
    case(
        "sync::RwLockUpgradableReadGuard::with_upgraded",
        "runtime/src/sync/with_upgraded.rs: RwLockUpgradableReadGuard::with_upgraded",
        || {
            upgradable(|mut guard, at_low| {
                call!(Upgradable::with_upgraded(&mut guard, at_low, |_| ()))
            })
        },
    ),
    case(
        "sync::RwLockUpgradableReadGuard::try_with_upgraded",
        "runtime/src/sync/with_upgraded.rs: RwLockUpgradableReadGuard::try_with_upgraded",
        || {
            upgradable(|mut guard, at_low| {
                _ = call!(Upgradable::try_with_upgraded(&mut guard, at_low, |_| ()))
            })
        },
    ),
    case(
        "sync::RwLockUpgradableReadGuard::try_with_upgraded_for",
        "runtime/src/sync/with_upgraded.rs: RwLockUpgradableReadGuard::try_with_upgraded_for",
        || {
            upgradable(|mut guard, at_low| {
                _ = call!(Upgradable::try_with_upgraded_for(&mut guard, at_low, ZERO, |_| ()))
            })
        },
    ),
    case(
        "sync::RwLockUpgradableReadGuard::try_with_upgraded_until",
        "runtime/src/sync/with_upgraded.rs: RwLockUpgradableReadGuard::try_with_upgraded_until",
        || {
            upgradable(|mut guard, at_low| {
                _ = call!(Upgradable::try_with_upgraded_until(&mut guard, at_low, now(), |_| ()))
            })
        },
    ),
    case(
        "sync::RwLockUpgradableReadGuard::unlocked",
        "runtime/src/sync/unlocked.rs: RwLockUpgradableReadGuard::unlocked",
        || upgradable(|mut guard, at_low| call!(Upgradable::unlocked(&mut guard, at_low, || ()))),
    ),
    case(
        "sync::RwLockUpgradableReadGuard::unlocked_fair",
        "runtime/src/sync/unlocked.rs: RwLockUpgradableReadGuard::unlocked_fair",
        || {
            upgradable(|mut guard, at_low| {
                call!(Upgradable::unlocked_fair(&mut guard, at_low, || ()))
            })
        },
    ),
    case(
        "sync::RwLockUpgradableReadGuard::bump",
        "runtime/src/sync/unlocked.rs: RwLockUpgradableReadGuard::bump",
        || upgradable(|mut guard, at_low| call!(Upgradable::bump(&mut guard, at_low))),
    ),
    // `unlocked`, `unlocked_fair`, `bump` of the three plain guards (one macro).
    case("sync::MutexGuard::unlocked", "runtime/src/sync/unlocked.rs: $guard::unlocked", || {
        mutex_held(|low, guard, at_low| {
            call!(sync::MutexGuard::unlocked(guard, low, at_low, || ()))
        });
    }),
    case(
        "sync::MutexGuard::unlocked_fair",
        "runtime/src/sync/unlocked.rs: $guard::unlocked_fair",
        || {
            mutex_held(|low, guard, at_low| {
                call!(sync::MutexGuard::unlocked_fair(guard, low, at_low, || ()))
            });
        },
    ),
    case("sync::MutexGuard::bump", "runtime/src/sync/unlocked.rs: $guard::bump", || {
        mutex_held(|low, guard, at_low| call!(sync::MutexGuard::bump(guard, low, at_low)));
    }),
    case(
        "sync::RwLockReadGuard::unlocked",
        "runtime/src/sync/unlocked.rs: $guard::unlocked",
        || {
            read_held(|low, guard, at_low| {
                call!(sync::RwLockReadGuard::unlocked(guard, low, at_low, || ()))
            });
        },
    ),
    case(
        "sync::RwLockReadGuard::unlocked_fair",
        "runtime/src/sync/unlocked.rs: $guard::unlocked_fair",
        || {
            read_held(|low, guard, at_low| {
                call!(sync::RwLockReadGuard::unlocked_fair(guard, low, at_low, || ()))
            });
        },
    ),
    case("sync::RwLockReadGuard::bump", "runtime/src/sync/unlocked.rs: $guard::bump", || {
        read_held(|low, guard, at_low| call!(sync::RwLockReadGuard::bump(guard, low, at_low)));
    }),
    case(
        "sync::RwLockWriteGuard::unlocked",
        "runtime/src/sync/unlocked.rs: $guard::unlocked",
        || {
            write_held(|low, guard, at_low| {
                call!(sync::RwLockWriteGuard::unlocked(guard, low, at_low, || ()))
            });
        },
    ),
    case(
        "sync::RwLockWriteGuard::unlocked_fair",
        "runtime/src/sync/unlocked.rs: $guard::unlocked_fair",
        || {
            write_held(|low, guard, at_low| {
                call!(sync::RwLockWriteGuard::unlocked_fair(guard, low, at_low, || ()))
            });
        },
    ),
    case("sync::RwLockWriteGuard::bump", "runtime/src/sync/unlocked.rs: $guard::bump", || {
        write_held(|low, guard, at_low| call!(sync::RwLockWriteGuard::bump(guard, low, at_low)));
    }),
    // The blocking Condvar: a condition that stays true, so each one waits.
    case("sync::Condvar::wait", "runtime/src/sync/condvar.rs: Condvar::wait", || {
        mutex_held(|low, guard, at_low| call!(sync::Condvar::new().wait(low, guard, at_low)));
    }),
    case("sync::Condvar::wait_while", "runtime/src/sync/condvar.rs: Condvar::wait_while", || {
        mutex_held(|low, guard, at_low| {
            call!(sync::Condvar::new().wait_while(low, guard, at_low, |_| true))
        });
    }),
    case("sync::Condvar::wait_for", "runtime/src/sync/condvar.rs: Condvar::wait_for", || {
        mutex_held(|low, guard, at_low| {
            _ = call!(sync::Condvar::new().wait_for(low, guard, at_low, ZERO))
        });
    }),
    case("sync::Condvar::wait_until", "runtime/src/sync/condvar.rs: Condvar::wait_until", || {
        mutex_held(|low, guard, at_low| {
            _ = call!(sync::Condvar::new().wait_until(low, guard, at_low, now()))
        });
    }),
    case(
        "sync::Condvar::wait_while_for",
        "runtime/src/sync/condvar.rs: Condvar::wait_while_for",
        || {
            mutex_held(|low, guard, at_low| {
                _ = call!(sync::Condvar::new().wait_while_for(low, guard, at_low, |_| true, ZERO));
            });
        },
    ),
    case(
        "sync::Condvar::wait_while_until",
        "runtime/src/sync/condvar.rs: Condvar::wait_while_until",
        || {
            mutex_held(|low, guard, at_low| {
                _ = call!(sync::Condvar::new().wait_while_until(
                    low,
                    guard,
                    at_low,
                    |_| true,
                    now()
                ));
            });
        },
    ),
    // Several locks at once.
    case("LockToken::lock_all", "runtime/src/token.rs: LockToken::lock_all", || {
        let (low, other) = (Mutex::new(Low), RwLock::with_level(0_u8));
        let other: &RwLock<u8, Low> = &other;
        holding_high(|| _ = call!(LockToken::new().lock_all((&low, Read(other)))));
    }),
    case("LockToken::lock_many", "runtime/src/token.rs: LockToken::lock_many", || {
        let low = [Mutex::new(Low), Mutex::new(Low)];
        holding_high(|| _ = call!(LockToken::new().lock_many(&low)));
    }),
    case("LockToken::try_lock_many", "runtime/src/token.rs: LockToken::try_lock_many", || {
        let low = [Mutex::new(Low), Mutex::new(Low)];
        holding_high(|| _ = call!(LockToken::new().try_lock_many(&low)));
    }),
    case(
        "LockToken::lock_all_blocking",
        "runtime/src/set/blocking.rs: LockToken::lock_all_blocking",
        || {
            let (low, other) = (sync::Mutex::new(Low), sync::RwLock::with_level(0_u8));
            let other: &sync::RwLock<u8, Low> = &other;
            holding_high(|| _ = call!(LockToken::new().lock_all_blocking((&low, Write(other)))));
        },
    ),
    case(
        "LockToken::lock_many_blocking",
        "runtime/src/set/blocking.rs: LockToken::lock_many_blocking",
        || {
            let low = [sync::Mutex::new(Low), sync::Mutex::new(Low)];
            holding_high(|| _ = call!(LockToken::new().lock_many_blocking(&low)));
        },
    ),
    case(
        "LockToken::lock_many_checked",
        "runtime/src/set/checked.rs: LockToken::lock_many_checked",
        || {
            let low = [Mutex::new(Low), Mutex::new(Low)];
            holding_high(|| _ = call!(LockToken::new().lock_many_checked(&low)));
        },
    ),
    case(
        "LockToken::try_lock_many_checked",
        "runtime/src/set/checked.rs: LockToken::try_lock_many_checked",
        || {
            let low = [Mutex::new(Low), Mutex::new(Low)];
            holding_high(|| _ = call!(LockToken::new().try_lock_many_checked(&low)));
        },
    ),
    case(
        "LockToken::lock_many_blocking_checked",
        "runtime/src/set/checked.rs: LockToken::lock_many_blocking_checked",
        || {
            let low = [sync::Mutex::new(Low), sync::Mutex::new(Low)];
            holding_high(|| _ = call!(LockToken::new().lock_many_blocking_checked(&low)));
        },
    ),
    case("LockGroup::lock", "runtime/src/set/group.rs: LockGroup::lock", || {
        let low = [Mutex::new(Low), Mutex::new(Low)];
        let mut group = LockGroup::new(&low);
        holding_high(|| _ = call!(group.lock(&mut LockToken::new())));
    }),
    case("LockGroup::lock_blocking", "runtime/src/set/group.rs: LockGroup::lock_blocking", || {
        let low = [sync::Mutex::new(Low), sync::Mutex::new(Low)];
        let mut group = LockGroup::new(&low);
        holding_high(|| _ = call!(group.lock_blocking(&mut LockToken::new())));
    }),
    case("LockGroup::try_lock", "runtime/src/set/group.rs: LockGroup::try_lock", || {
        let low = [Mutex::new(Low), Mutex::new(Low)];
        let mut group = LockGroup::new(&low);
        holding_high(|| _ = call!(group.try_lock(&mut LockToken::new())));
    }),
    // File locks.
    case("FileLock::lock", "runtime/src/file_lock/async_api.rs: FileLock::lock", || {
        let (_dir, low) = file_lock();
        holding_high(|| _ = call!(low.lock(&mut LockToken::new())));
    }),
    case(
        "FileLock::lock_shared",
        "runtime/src/file_lock/async_api.rs: FileLock::lock_shared",
        || {
            let (_dir, low) = file_lock();
            holding_high(|| _ = call!(low.lock_shared(&mut LockToken::new())));
        },
    ),
    case("FileLock::try_lock", "runtime/src/file_lock/async_api.rs: FileLock::try_lock", || {
        let (_dir, low) = file_lock();
        holding_high(|| _ = call!(low.try_lock(&mut LockToken::new())));
    }),
    case(
        "FileLock::try_lock_shared",
        "runtime/src/file_lock/async_api.rs: FileLock::try_lock_shared",
        || {
            let (_dir, low) = file_lock();
            holding_high(|| _ = call!(low.try_lock_shared(&mut LockToken::new())));
        },
    ),
    case("sync::FileLock::lock", "runtime/src/file_lock/blocking.rs: FileLock::lock", || {
        let (_dir, low) = blocking_file_lock();
        holding_high(|| _ = call!(low.lock(&mut LockToken::new())));
    }),
    case(
        "sync::FileLock::lock_shared",
        "runtime/src/file_lock/blocking.rs: FileLock::lock_shared",
        || {
            let (_dir, low) = blocking_file_lock();
            holding_high(|| _ = call!(low.lock_shared(&mut LockToken::new())));
        },
    ),
    case(
        "sync::FileLock::try_lock",
        "runtime/src/file_lock/blocking.rs: FileLock::try_lock",
        || {
            let (_dir, low) = blocking_file_lock();
            holding_high(|| _ = call!(low.try_lock(&mut LockToken::new())));
        },
    ),
    case(
        "sync::FileLock::try_lock_shared",
        "runtime/src/file_lock/blocking.rs: FileLock::try_lock_shared",
        || {
            let (_dir, low) = blocking_file_lock();
            holding_high(|| _ = call!(low.try_lock_shared(&mut LockToken::new())));
        },
    ),
    // Locks of other crates (`PgLock` is built on this) and seams.
    case("extend::begin", "runtime/src/extend.rs: extend::begin", || {
        holding_high(|| _ = call!(extend::begin::<Low>(&mut LockToken::new())));
    }),
    case("LockToken::entered_holding", "runtime/src/seam.rs: LockToken::entered_holding", || {
        holding_high(|| _ = call!(LockToken::entered_holding::<Low>()));
    }),
];

/// Public functions that take or return a token but take no lock, and why.
const TAKES_NO_LOCK: &[(&str, &str)] = &[
    ("runtime/src/token.rs: LockToken::new", "a root token: it holds nothing"),
    (
        "runtime/src/extend.rs: ExternalAcquisition::granted",
        "the grant of an acquisition `extend::begin` checked (checked again on grant)",
    ),
];

fn file_lock() -> (Scratch, FileLock<Low>) {
    let dir = Scratch::new(&format!("every-path-{:?}", std::thread::current().id()));
    let lock = FileLock::open(dir.path("low.lock")).expect("open the lock file");
    (dir, lock)
}

fn blocking_file_lock() -> (Scratch, sync::FileLock<Low>) {
    let dir = Scratch::new(&format!("every-path-blocking-{:?}", std::thread::current().id()));
    let lock = sync::FileLock::open(dir.path("low.lock")).expect("open the lock file");
    (dir, lock)
}

#[test]
fn every_path_that_can_wait_for_a_lock_reports_an_inversion_at_the_users_call() {
    let mut failures = Vec::new();
    for case in CASES {
        // A thread per case: its own task for lockdep, its held set fresh.
        let outcome = std::thread::spawn(case.run).join();
        let Err(panic) = outcome else {
            failures.push(format!("{}: no order violation was reported", case.method));
            continue;
        };
        let message = panic_message(panic);
        let at = format!(
            "lock order violation: cannot acquire `Low` (level 10) at {}:{}:",
            file!(),
            CALLED_AT.load(Ordering::Relaxed)
        );
        if !message.starts_with(&at) || !message.contains("while holding `High` (level 20)") {
            failures.push(format!(
                "{}: expected `{at}` ... `High` (level 20):\n  {message}",
                case.method
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
}

#[test]
fn every_public_method_that_takes_a_token_has_a_case() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = BTreeSet::new();
    for crate_src in ["runtime/src", "postgres/src"] {
        token_methods(root, &root.join(crate_src), &mut found);
    }
    assert!(found.len() > 60, "the scan finds the lock methods: {found:?}");

    let postgres_cases = include_str!("../postgres/tests/lockdep_paths.rs");
    let mut covered: BTreeSet<String> = CASES.iter().map(|case| case.defined.to_owned()).collect();
    covered.extend(TAKES_NO_LOCK.iter().map(|(defined, _)| (*defined).to_owned()));
    covered.extend(quoted_keys(postgres_cases));

    let missing: Vec<_> = found.difference(&covered).collect();
    let stale: Vec<_> = covered.difference(&found).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "public methods that take a token without a case in CASES (add one that calls it on \
         `Low` holding `High` through another root), or in TAKES_NO_LOCK with the reason: \
         {missing:#?}\ncases naming no such method (renamed or removed?): {stale:#?}"
    );
}

/// Every `"<crate>/src/<file>: Type::method"` string literal in `source`.
fn quoted_keys(source: &str) -> impl Iterator<Item = String> + '_ {
    // The odd pieces between quotes are the string literals.
    source
        .split('"')
        .skip(1)
        .step_by(2)
        .filter(|literal| literal.contains("/src/") && literal.contains(": "))
        .map(str::to_owned)
}

/// Adds `"<path>: Type::method"` for each `pub fn` under `dir` that mentions
/// `LockToken` in its signature or is in an `impl` of `LockToken`; `Type` is
/// the `impl`'s self type (`$guard` inside a macro), or the module for a free
/// function.
fn token_methods(root: &Path, dir: &Path, found: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).expect("read the source directory") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            token_methods(root, &path, found);
            continue;
        }
        if path.extension().is_none_or(|ext| ext != "rs") {
            continue;
        }
        let source = std::fs::read_to_string(&path).expect("read a source file");
        let relative = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
        let module = path.file_stem().unwrap().to_string_lossy().into_owned();
        let mut impl_type: Option<String> = None;
        for (index, line) in source.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("impl") && (code.starts_with("impl<") || code.starts_with("impl "))
            {
                impl_type = Some(self_type(code));
            } else if line.starts_with('}') {
                impl_type = None; // the end of a top-level item
            }
            let Some(rest) = code.strip_prefix("pub fn ") else { continue };
            let name: String =
                rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            let signature: String = source.lines().skip(index).collect::<Vec<_>>().join("\n");
            let end = signature.find(['{', ';']).unwrap_or(signature.len());
            let in_token_impl = impl_type.as_deref() == Some("LockToken");
            if signature[..end].contains("LockToken") || in_token_impl {
                let owner = impl_type.clone().unwrap_or_else(|| module.clone());
                found.insert(format!("{relative}: {owner}::{name}"));
            }
        }
    }
}

/// The name of the self type of an `impl` line: `LockToken` for
/// `impl<'t, H: TokenLevel> LockToken<'t, H> {`, `Foo` for `impl Trait for Foo`.
fn self_type(line: &str) -> String {
    let mut rest = &line["impl".len()..];
    if rest.starts_with('<') {
        let mut depth = 0;
        for (index, c) in rest.char_indices() {
            depth += match c {
                '<' => 1,
                '>' => -1,
                _ => 0,
            };
            if depth == 0 {
                rest = &rest[index + 1..];
                break;
            }
        }
    }
    let rest = rest.split(" for ").last().unwrap_or(rest).trim_start();
    let path: String =
        rest.chars().take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '$' | ':')).collect();
    path.rsplit("::").next().unwrap_or(&path).to_owned()
}
