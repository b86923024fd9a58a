//! The auto traits of every public token, guard and future, as a table.

use lockladder::future::{
    CondvarWait, CondvarWaitWhile, MutexLockFuture, RwLockReadFuture, RwLockWriteFuture,
};
use lockladder::{
    Condvar, LockToken, MappedMutexGuard, MappedRwLockReadGuard, MappedRwLockWriteGuard, Mutex,
    MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard, TryLockError, Unlocked, lock_level,
};
use static_assertions::{assert_impl_all, assert_not_impl_any};
use std::cell::Cell;
use std::rc::Rc;

#[lock_level(10)]
struct Level10;

// `Cell<u8>` is Send but not Sync; `Rc<u8>` is neither; a std guard is Sync
// but not Send.
type SendOnly = Cell<u8>;
type SyncOnly = std::sync::MutexGuard<'static, u8>;

// Tokens: zero-sized (with `lockdep`, a root carries its registration), Send +
// Sync, never duplicated.
#[cfg(not(feature = "lockdep"))]
static_assertions::assert_eq_size!(LockToken<'static, Unlocked>, ());
#[cfg(not(feature = "lockdep"))]
static_assertions::assert_eq_size!(LockToken<'static, Level10>, ());
assert_impl_all!(LockToken<'static, Unlocked>: Send, Sync);
assert_impl_all!(LockToken<'static, Level10>: Send, Sync);
assert_not_impl_any!(LockToken<'static, Unlocked>: Clone, Copy);
assert_not_impl_any!(LockToken<'static, Level10>: Clone, Copy);

// Locks: as tokio's.
assert_impl_all!(Mutex<u8, Level10>: Send, Sync);
assert_impl_all!(Mutex<SendOnly, Level10>: Send, Sync);
assert_not_impl_any!(Mutex<Rc<u8>, Level10>: Send, Sync);
assert_impl_all!(RwLock<u8, Level10>: Send, Sync);
assert_not_impl_any!(RwLock<SendOnly, Level10>: Sync);

// Guards: Send whenever tokio's would be, so they can be held across `.await`
// in a spawned task.
assert_impl_all!(MutexGuard<'static, u8>: Send, Sync);
assert_impl_all!(MutexGuard<'static, SendOnly>: Send);
assert_not_impl_any!(MutexGuard<'static, Rc<u8>>: Send, Sync);
assert_impl_all!(RwLockReadGuard<'static, u8>: Send, Sync);
assert_not_impl_any!(RwLockReadGuard<'static, SendOnly>: Send);
// tokio's read guard needs only `T: Sync`; here `T: Send + Sync` (the plain
// `lock_api` guard: one pointer less per read). A lock of such data cannot be
// shared between tasks anyway; the mapped read guard has tokio's rule.
assert_not_impl_any!(RwLockReadGuard<'static, SyncOnly>: Send);
assert_impl_all!(RwLockReadGuard<'static, SyncOnly>: Sync);
assert_impl_all!(RwLockWriteGuard<'static, u8>: Send, Sync);
// tokio's rule, `T: Send + Sync`: sent and then downgraded, the guard would read
// a `!Sync` value on another thread beside this one's readers.
assert_not_impl_any!(RwLockWriteGuard<'static, SendOnly>: Send, Sync);
// A mapped guard: as the guard it came from.
assert_impl_all!(MappedMutexGuard<'static, u8>: Send, Sync);
assert_impl_all!(MappedMutexGuard<'static, SendOnly>: Send);
assert_not_impl_any!(MappedMutexGuard<'static, SendOnly>: Sync);
assert_not_impl_any!(MutexGuard<'static, SendOnly>: Sync);
assert_not_impl_any!(MappedMutexGuard<'static, Rc<u8>>: Send, Sync);
// The async RwLock's mapped guards: a mapped read guard as the read guard; a
// mapped write guard cannot downgrade, so `T: Send` is enough to send it.
assert_impl_all!(MappedRwLockReadGuard<'static, u8>: Send, Sync);
assert_not_impl_any!(MappedRwLockReadGuard<'static, SendOnly>: Send, Sync);
assert_impl_all!(MappedRwLockReadGuard<'static, SyncOnly>: Send, Sync);
assert_not_impl_any!(RwLockWriteGuard<'static, SyncOnly>: Send);
assert_impl_all!(MappedRwLockWriteGuard<'static, u8>: Send, Sync);
assert_impl_all!(MappedRwLockWriteGuard<'static, SendOnly>: Send);
assert_not_impl_any!(MappedRwLockWriteGuard<'static, SendOnly>: Sync);
assert_not_impl_any!(MappedRwLockWriteGuard<'static, Rc<u8>>: Send, Sync);

// Futures: Send for Send data, whatever the level.
assert_impl_all!(MutexLockFuture<'static, u8, Level10>: Send, Sync);
assert_impl_all!(MutexLockFuture<'static, SendOnly, Level10>: Send);
assert_impl_all!(RwLockReadFuture<'static, u8, Level10>: Send, Sync);
assert_impl_all!(RwLockWriteFuture<'static, u8, Level10>: Send, Sync);
assert_not_impl_any!(MutexLockFuture<'static, Rc<u8>, Level10>: Send);

// Upgradable reads of the async RwLock: as its read guard and futures.
assert_impl_all!(lockladder::RwLockUpgradableReadGuard<'static, u8, Level10>: Send, Sync);
assert_not_impl_any!(lockladder::RwLockUpgradableReadGuard<'static, SendOnly, Level10>: Send);
assert_impl_all!(lockladder::future::RwLockUpgradableReadFuture<'static, u8, Level10>: Send, Sync);
assert_impl_all!(lockladder::future::RwLockUpgradeFuture<'static, u8>: Send, Sync);

// The async Condvar and its waits: a wait may be awaited in a spawned task
// (its condition too, when it is `Send`).
assert_impl_all!(Condvar: Send, Sync, Default);
assert_impl_all!(CondvarWait<'static, 'static, u8, Level10>: Send, Sync);
assert_impl_all!(CondvarWait<'static, 'static, SendOnly, Level10>: Send);
assert_not_impl_any!(CondvarWait<'static, 'static, Rc<u8>, Level10>: Send);
type Condition = fn(&mut u8) -> bool;
assert_impl_all!(CondvarWaitWhile<'static, 'static, u8, Level10, Condition>: Send, Sync);
assert_not_impl_any!(CondvarWaitWhile<'static, 'static, Rc<u8>, Level10, fn(&mut Rc<u8>) -> bool>: Send);

assert_impl_all!(TryLockError: Send, Sync, std::error::Error, Clone);
assert_impl_all!(lockladder::DuplicateLockError: Send, Sync, std::error::Error, Clone, Copy);
assert_impl_all!(lockladder::TryLockManyError: Send, Sync, std::error::Error, Clone, Copy);
assert_impl_all!(lockladder::LockTimeoutError: Send, Sync, std::error::Error, Clone, Copy);

// FileLock and Gate: the guard, future and pass may cross `.await` in a spawned
// task; the error goes through `?` into `Box<dyn Error + Send + Sync>`.
assert_impl_all!(lockladder::FileLock<Level10>: Send, Sync);
assert_impl_all!(lockladder::sync::FileLock<Level10>: Send, Sync);
assert_impl_all!(lockladder::FileLockGuard<'static>: Send, Sync);
assert_impl_all!(lockladder::future::FileLockFuture<'static, Level10>: Send, Sync);
assert_impl_all!(lockladder::FileLockError: Send, Sync, std::error::Error);
assert_impl_all!(lockladder::FileLockHolder: Send, Sync, Clone);
assert_impl_all!(lockladder::Gate: Send, Sync);
assert_impl_all!(lockladder::GatePass<'static>: Send, Sync);
assert_impl_all!(lockladder::CloseOutcome: Send, Sync, Copy);

// `Gate::close` is an `async fn`: its future cannot be named, so check it here.
#[allow(dead_code)]
fn gate_close_future_is_send(gate: &lockladder::Gate) {
    fn send<T: Send>(_: T) {}
    send(gate.close(std::time::Instant::now()));
}

#[test]
fn auto_traits_hold() {
    // The assertions above are checked at compile time; this test only makes the
    // file show up in the test report.
}

// Multi-lock helpers and blocking locks.
mod multi_lock {
    use super::{Level10, SendOnly};
    use lockladder::future::{LockAllFuture, LockManyFuture};
    use lockladder::{Mutex, Read, RwLock, Write, lock_level, sync};
    use static_assertions::{assert_impl_all, assert_not_impl_any};
    use std::rc::Rc;

    #[lock_level(20)]
    struct Level20;

    type AsyncSet = (&'static Mutex<u8, Level10>, Read<&'static RwLock<u8, Level20>>);
    type WriteSet = (Write<&'static RwLock<u8, Level10>>, &'static Mutex<SendOnly, Level20>);
    type BlockingSet = (&'static sync::Mutex<u8, Level10>, &'static Mutex<u8, Level20>);

    // Blocking locks follow parking_lot: the locks as std's, guards not `Send`.
    assert_impl_all!(sync::Mutex<u8, Level10>: Send, Sync);
    assert_impl_all!(sync::Mutex<SendOnly, Level10>: Send, Sync);
    assert_not_impl_any!(sync::Mutex<Rc<u8>, Level10>: Send, Sync);
    assert_impl_all!(sync::RwLock<u8, Level10>: Send, Sync);
    assert_not_impl_any!(sync::RwLock<SendOnly, Level10>: Sync);
    assert_impl_all!(sync::MutexGuard<'static, u8>: Sync);
    assert_not_impl_any!(sync::MutexGuard<'static, u8>: Send);
    assert_impl_all!(sync::RwLockReadGuard<'static, u8>: Sync);
    assert_not_impl_any!(sync::RwLockReadGuard<'static, u8>: Send);
    assert_impl_all!(sync::RwLockWriteGuard<'static, u8>: Sync);
    assert_not_impl_any!(sync::RwLockWriteGuard<'static, u8>: Send);
    assert_impl_all!(sync::RwLockUpgradableReadGuard<'static, u8, Level10>: Sync);
    assert_not_impl_any!(sync::RwLockUpgradableReadGuard<'static, u8, Level10>: Send);
    assert_impl_all!(sync::MappedMutexGuard<'static, u8>: Sync);
    assert_not_impl_any!(sync::MappedMutexGuard<'static, u8>: Send);
    assert_impl_all!(sync::MappedRwLockReadGuard<'static, u8>: Sync);
    assert_not_impl_any!(sync::MappedRwLockReadGuard<'static, u8>: Send);
    assert_impl_all!(sync::MappedRwLockWriteGuard<'static, u8>: Sync);
    assert_not_impl_any!(sync::MappedRwLockWriteGuard<'static, u8>: Send);
    // A condvar holds no data: shared and sent freely, like parking_lot's.
    assert_impl_all!(sync::Condvar: Send, Sync, Default);
    assert_impl_all!(sync::WaitTimeoutResult: Send, Sync, Copy);

    // The guards of a set taken at once follow their guards: async ones are
    // sent with the task, blocking ones stay on the thread that took them.
    assert_impl_all!(lockladder::ManyGuards<lockladder::MutexGuard<'static, u8>>: Send, Sync);
    assert_not_impl_any!(lockladder::ManyGuards<lockladder::MutexGuard<'static, Rc<u8>>>: Send, Sync);
    assert_impl_all!(lockladder::ManyGuards<sync::MutexGuard<'static, u8>>: Sync);
    assert_not_impl_any!(lockladder::ManyGuards<sync::MutexGuard<'static, u8>>: Send);
    assert_not_impl_any!(lockladder::ManyGuardsIntoIter<sync::MutexGuard<'static, u8>>: Send);

    // The wrappers are plain references.
    assert_impl_all!(Read<&'static RwLock<u8, Level10>>: Send, Sync, Copy);
    assert_impl_all!(Write<&'static sync::RwLock<u8, Level10>>: Send, Sync, Copy);

    // Multi-lock futures: `Send` for `Send` data and async locks, so a spawned
    // task may await them; a blocking member's guard keeps them on one thread.
    assert_impl_all!(LockAllFuture<'static, AsyncSet>: Send, Sync, Unpin);
    assert_impl_all!(LockAllFuture<'static, WriteSet>: Send);
    assert_not_impl_any!(LockAllFuture<'static, BlockingSet>: Send);
    assert_impl_all!(LockManyFuture<'static, &'static Mutex<u8, Level10>>: Send, Sync, Unpin);
    assert_impl_all!(LockManyFuture<'static, Read<&'static RwLock<u8, Level10>>>: Send, Sync);
    assert_not_impl_any!(LockManyFuture<'static, &'static Mutex<Rc<u8>, Level10>>: Send);
}
