//! The auto traits of every public type of lockladder-postgres, as a table:
//! a lock, its futures and guards can cross `tokio::spawn`.

use lockladder::extend::{ExternalAcquisition, ExternalHold};
use lockladder::lock_level;
use lockladder_postgres::{
    HeldHere, PgConnectError, PgLock, PgLockError, PgLockFuture, PgLockGuard, PgLockKey, PgSession,
    PgXactLockFuture, PgXactLockGuard, SessionLost,
};
use static_assertions::{assert_impl_all, assert_not_impl_any};

#[lock_level(10)]
enum Jobs {}

// A lock is a key and a level: shared freely, copied freely.
assert_impl_all!(PgLock<Jobs>: Send, Sync, Copy, Unpin);
assert_impl_all!(PgLockKey: Send, Sync, Copy);

// The session, the guards owning it, the errors carrying it.
assert_impl_all!(PgSession: Send, Sync);
assert_not_impl_any!(PgSession: Clone);
assert_impl_all!(PgLockGuard<'static, Jobs>: Send, Sync);
assert_impl_all!(PgXactLockGuard<'static, Jobs>: Send, Sync);
assert_impl_all!(PgLockError: Send, Sync, std::error::Error);
assert_impl_all!(SessionLost: Send, Sync, Clone, std::error::Error);
assert_impl_all!(PgConnectError: Send, Sync, std::error::Error);
assert_impl_all!(HeldHere: Send, Sync, Copy);

// The futures: `Send`, so a spawned task can await them; `Unpin`.
assert_impl_all!(PgLockFuture<'static, Jobs>: Send, Unpin);
assert_impl_all!(PgXactLockFuture<'static, Jobs>: Send, Unpin);

// The extension point: sendable with the guard that holds it, never copied.
assert_impl_all!(ExternalAcquisition<'static, Jobs>: Send, Sync);
assert_impl_all!(ExternalHold<'static>: Send, Sync);
assert_not_impl_any!(ExternalHold<'static>: Clone, Copy);
assert_not_impl_any!(ExternalAcquisition<'static, Jobs>: Clone, Copy);
