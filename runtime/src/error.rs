//! Errors of the non-waiting acquisitions.

use core::fmt;

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
