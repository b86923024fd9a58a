//! [`DuplicateLockError`]: a same-level set that lists one lock twice.

use core::fmt;

use crate::level::Level;

/// A lock given twice to one call that takes a set of locks of one level.
///
/// Taking it twice would make the task wait for itself, so the `*_checked`
/// calls ([`lock_many_checked`](crate::LockToken::lock_many_checked),
/// [`try_lock_many_checked`](crate::LockToken::try_lock_many_checked),
/// [`lock_many_blocking_checked`](crate::LockToken::lock_many_blocking_checked))
/// return this before anything is taken, where `lock_many` & co. panic. Use them
/// when the set comes from input you do not control.
///
/// ```
/// use lockladder::{lock_level, LockToken, Mutex};
///
/// #[lock_level(20)]
/// #[derive(Debug)]
/// struct Account;
///
/// let accounts = [Mutex::new(Account), Mutex::new(Account)];
/// let requested = [1, 0, 1]; // from a request: account 1 twice
/// let mut token = LockToken::new();
/// let error = token.try_lock_many_checked(requested.map(|i| &accounts[i])).unwrap_err();
/// assert_eq!(
///     error.to_string(),
///     "`try_lock_many_checked` was given the same lock twice (`Account`, level 20, at positions 0 and 2)"
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DuplicateLockError {
    call: &'static str,
    name: &'static str,
    level: u32,
    /// The two positions in the caller's order, lower first.
    positions: (usize, usize),
}

impl DuplicateLockError {
    pub(crate) fn new<L: Level>(call: &'static str, first: usize, second: usize) -> Self {
        DuplicateLockError::from_parts(call, L::NAME, L::LEVEL, first, second)
    }

    pub(crate) fn from_parts(
        call: &'static str,
        name: &'static str,
        level: u32,
        first: usize,
        second: usize,
    ) -> Self {
        DuplicateLockError { call, name, level, positions: (first.min(second), first.max(second)) }
    }

    /// The two positions, in the order the locks were given, where the same
    /// lock appears (the lower one first).
    ///
    /// ```
    /// use lockladder::{lock_level, LockToken, Mutex};
    ///
    /// #[lock_level(20)]
    /// #[derive(Debug)]
    /// struct Account;
    ///
    /// let account = Mutex::new(Account);
    /// let mut token = LockToken::new();
    /// let error = token.lock_many_checked([&account, &account]).unwrap_err();
    /// assert_eq!(error.positions(), (0, 1));
    /// ```
    #[must_use]
    pub fn positions(&self) -> (usize, usize) {
        self.positions
    }

    /// The name of the lock's level.
    ///
    /// ```
    /// use lockladder::{lock_level, LockToken, Mutex};
    ///
    /// #[lock_level(20)]
    /// #[derive(Debug)]
    /// struct Account;
    ///
    /// let account = Mutex::new(Account);
    /// let mut token = LockToken::new();
    /// let error = token.lock_many_checked([&account, &account]).unwrap_err();
    /// assert_eq!((error.level_name(), error.level()), ("Account", 20));
    /// ```
    #[must_use]
    pub fn level_name(&self) -> &'static str {
        self.name
    }

    /// The lock's level, as declared.
    ///
    /// ```
    /// use lockladder::{lock_level, sync, LockToken};
    ///
    /// #[lock_level(20)]
    /// #[derive(Debug)]
    /// struct Account;
    ///
    /// let account = sync::Mutex::new(Account);
    /// let mut token = LockToken::new();
    /// let error = token.lock_many_blocking_checked([&account, &account]).unwrap_err();
    /// assert_eq!(error.level(), 20);
    /// ```
    #[must_use]
    pub fn level(&self) -> u32 {
        self.level
    }
}

impl fmt::Display for DuplicateLockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (first, second) = self.positions;
        write!(
            f,
            "`{}` was given the same lock twice (`{}`, level {}, at positions {first} and \
             {second})",
            self.call, self.name, self.level
        )
    }
}

impl std::error::Error for DuplicateLockError {}

/// Why [`try_lock_many_checked`](crate::LockToken::try_lock_many_checked)
/// took nothing: a lock given twice, or one held elsewhere.
///
/// ```
/// use lockladder::{lock_level, LockToken, Mutex, TryLockManyError};
///
/// #[lock_level(20)]
/// #[derive(Debug)]
/// struct Account;
///
/// let account = Mutex::new(Account);
/// let mut token = LockToken::new();
/// match token.try_lock_many_checked([&account, &account]) {
///     Err(TryLockManyError::Duplicate(error)) => assert_eq!(error.positions(), (0, 1)),
///     _ => unreachable!(),
/// }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TryLockManyError {
    /// One lock was given twice; nothing was tried.
    Duplicate(DuplicateLockError),
    /// A lock was held elsewhere; what was taken was released.
    Busy(crate::TryLockError),
}

impl fmt::Display for TryLockManyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TryLockManyError::Duplicate(error) => fmt::Display::fmt(error, f),
            TryLockManyError::Busy(error) => fmt::Display::fmt(error, f),
        }
    }
}

// `Display` already shows the inner error: no `source`, or a report would say it twice.
impl std::error::Error for TryLockManyError {}

impl From<DuplicateLockError> for TryLockManyError {
    fn from(error: DuplicateLockError) -> Self {
        TryLockManyError::Duplicate(error)
    }
}

impl From<crate::TryLockError> for TryLockManyError {
    fn from(error: crate::TryLockError) -> Self {
        TryLockManyError::Busy(error)
    }
}
