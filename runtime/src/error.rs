//! Errors of the acquisitions that may give up: the non-waiting `try_*` and
//! the timed `try_*_for`/`try_*_until` of the blocking locks.

use core::fmt;
use core::time::Duration;

use crate::level::Level;

/// A `try_lock`, `try_read` or `try_write` found the lock held elsewhere.
///
/// Nothing was acquired and the token is free again. Wait for the lock with the
/// `.await`ing method instead, or retry later.
///
/// ```
/// use lockladder::{lock_level, LockToken, Mutex};
///
/// #[lock_level(30)]
/// #[derive(Debug)]
/// struct Ledger(u64);
///
/// let ledger = Mutex::new(Ledger(0));
/// let mut token = LockToken::new();
/// let (_held, _) = ledger.try_lock(&mut token).unwrap();
///
/// std::thread::scope(|scope| {
///     scope.spawn(|| {
///         let mut elsewhere = LockToken::new(); // another thread, its own root token
///         let err = ledger.try_lock(&mut elsewhere).unwrap_err();
///         assert_eq!(err.to_string(), "`Ledger` (lock level 30) is held elsewhere; `try_lock` does not wait for it");
///     });
/// });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TryLockError {
    name: &'static str,
    level: u32,
    operation: &'static str,
}

impl TryLockError {
    pub(crate) fn new<L: Level>(operation: &'static str) -> Self {
        TryLockError { name: L::NAME, level: L::LEVEL, operation }
    }

    /// The name of the lock's level (the data type, or the marker).
    pub fn level_name(&self) -> &'static str {
        self.name
    }

    /// The lock's level number.
    pub fn level(&self) -> u32 {
        self.level
    }
}

impl fmt::Display for TryLockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` (lock level {}) is held elsewhere; `{}` does not wait for it",
            self.name, self.level, self.operation
        )
    }
}

impl std::error::Error for TryLockError {}

/// A timed acquisition of a blocking lock (`try_lock_for`, `try_read_until`,
/// ...) gave up: another thread still held the lock when its time ran out.
///
/// Nothing was acquired and the token is free again. Allow a longer wait, or
/// take the lock with the method that waits until it is free (`lock`, `read`,
/// `write`, `upgradable_read`).
///
/// ```
/// use std::time::Duration;
/// use lockladder::{lock_level, sync::Mutex, LockTimeoutError, LockToken};
///
/// #[lock_level(30)]
/// #[derive(Debug)]
/// struct Ledger(u64);
///
/// let ledger = Mutex::new(Ledger(0));
/// let mut token = LockToken::new();
/// let (_held, _) = ledger.lock(&mut token);
///
/// std::thread::scope(|scope| {
///     scope.spawn(|| {
///         let mut elsewhere = LockToken::new(); // another thread, its own root token
///         let err: LockTimeoutError =
///             ledger.try_lock_for(&mut elsewhere, Duration::from_millis(5)).unwrap_err();
///         assert_eq!(err.timeout(), Duration::from_millis(5));
///         assert_eq!(
///             err.to_string(),
///             "`Ledger` (lock level 30) was still held elsewhere after `try_lock_for` waited 5ms \
///              for it; allow a longer wait, or use `lock`, which waits until it is free"
///         );
///     });
/// });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockTimeoutError {
    name: &'static str,
    level: u32,
    operation: &'static str,
    timeout: Duration,
}

impl LockTimeoutError {
    pub(crate) fn new<L: Level>(operation: &'static str, timeout: Duration) -> Self {
        LockTimeoutError { name: L::NAME, level: L::LEVEL, operation, timeout }
    }

    /// The name of the lock's level (the data type, or the marker).
    pub fn level_name(&self) -> &'static str {
        self.name
    }

    /// The lock's level number.
    pub fn level(&self) -> u32 {
        self.level
    }

    /// How long the acquisition was allowed to wait: the `timeout` of a
    /// `_for` form, or the time from the call to the deadline of an `_until`
    /// form (zero if the deadline had passed).
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The method that waits without a limit: `try_read_for` -> `read`.
    fn waiting_method(&self) -> &'static str {
        let untimed = self.operation.strip_prefix("try_").unwrap_or(self.operation);
        untimed.strip_suffix("_for").or_else(|| untimed.strip_suffix("_until")).unwrap_or(untimed)
    }
}

impl fmt::Display for LockTimeoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` (lock level {}) was still held elsewhere after `{}` waited {:?} for it; \
             allow a longer wait, or use `{}`, which waits until it is free",
            self.name,
            self.level,
            self.operation,
            self.timeout,
            self.waiting_method()
        )
    }
}

impl std::error::Error for LockTimeoutError {}
