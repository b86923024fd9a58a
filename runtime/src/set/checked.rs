//! `lock_many_checked`, `try_lock_many_checked`, `lock_many_blocking_checked`:
//! same-level sets built from input that may list one lock twice. A duplicate
//! is an error naming the lock and both positions, returned before anything is
//! taken, where `lock_many` & co. panic.

use super::blocking::BlockingSetMember;
use super::duplicate::{DuplicateLockError, TryLockManyError};
use super::many::{Many, take_many_blocking_checked, try_take_many_checked};
use super::member::LockSetMember;
use crate::future::LockManyFuture;
use crate::level::TokenLevel;
use crate::order::LockBefore;
use crate::token::LockToken;

impl<'t, H: TokenLevel> LockToken<'t, H> {
    /// [`lock_many`](LockToken::lock_many) for a set that may list one lock
    /// twice: the duplicate is an error, returned at the call, before anything
    /// is taken. The future then behaves as `lock_many`'s.
    ///
    /// ```
    /// use lockladder::{lock_level, LockToken, Mutex};
    ///
    /// #[lock_level(20)]
    /// #[derive(Debug)]
    /// struct Account {
    ///     balance: u64,
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let accounts: Vec<Mutex<Account>> =
    ///     (0..3).map(|_| Mutex::new(Account { balance: 100 })).collect();
    /// let mut token = LockToken::new();
    ///
    /// // A transfer request from outside: from 2 to 2.
    /// let (from, to) = (2, 2);
    /// match token.lock_many_checked([&accounts[from], &accounts[to]]) {
    ///     Ok(locking) => {
    ///         let (mut pair, _token) = locking.await;
    ///         pair[0].balance -= 10;
    ///         pair[1].balance += 10;
    ///     }
    ///     Err(error) => assert_eq!(error.positions(), (0, 1)), // refused, nothing taken
    /// }
    /// # });
    /// ```
    ///
    /// # Errors
    ///
    /// [`DuplicateLockError`] if one lock appears twice.
    #[track_caller]
    pub fn lock_many_checked<'a, I>(
        &'a mut self,
        locks: I,
    ) -> Result<LockManyFuture<'a, I::Item>, DuplicateLockError>
    where
        I: IntoIterator,
        I::Item: LockSetMember + 'a,
        H: LockBefore<<I::Item as LockSetMember>::Level>,
    {
        let _ = self;
        LockManyFuture::begin_checked(locks, "lock_many_checked")
    }

    /// [`try_lock_many`](LockToken::try_lock_many) for a set that may list one
    /// lock twice: every lock if all are free now, else none; a duplicate is
    /// an error, before anything is tried.
    ///
    /// ```
    /// use lockladder::{lock_level, LockToken, Mutex, TryLockManyError};
    ///
    /// #[lock_level(20)]
    /// struct Shard {
    ///     rows: u64,
    /// }
    ///
    /// let shards: Vec<Mutex<Shard>> = (0..4).map(|_| Mutex::new(Shard { rows: 0 })).collect();
    /// let mut token = LockToken::new();
    /// let (mut held, _token) = token.try_lock_many_checked([&shards[3], &shards[1]])?;
    /// held[0].rows += 1;
    /// # Ok::<(), TryLockManyError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`TryLockManyError::Duplicate`] if one lock appears twice,
    /// [`TryLockManyError::Busy`] if one is held elsewhere (what was taken is
    /// released).
    #[track_caller]
    pub fn try_lock_many_checked<'a, I>(
        &'a mut self,
        locks: I,
    ) -> Result<Many<'a, I::Item>, TryLockManyError>
    where
        I: IntoIterator,
        I::Item: LockSetMember + 'a,
        H: LockBefore<<I::Item as LockSetMember>::Level>,
    {
        let _ = self;
        Ok((try_take_many_checked(locks)?, LockToken::acquired()))
    }

    /// [`lock_many_blocking`](LockToken::lock_many_blocking) for a set that
    /// may list one lock twice: a duplicate is an error, before anything is
    /// taken.
    ///
    /// ```
    /// use lockladder::{lock_level, sync, LockToken};
    ///
    /// #[lock_level(20)]
    /// #[derive(Debug)]
    /// struct Account {
    ///     balance: u64,
    /// }
    ///
    /// let accounts: Vec<sync::Mutex<Account>> =
    ///     (0..3).map(|_| sync::Mutex::new(Account { balance: 100 })).collect();
    /// let mut token = LockToken::new();
    /// let error = token.lock_many_blocking_checked([&accounts[1], &accounts[0], &accounts[1]]);
    /// assert_eq!(error.unwrap_err().positions(), (0, 2));
    /// let (pair, _token) = token.lock_many_blocking_checked([&accounts[1], &accounts[0]]).unwrap();
    /// assert_eq!(pair.len(), 2);
    /// ```
    ///
    /// # Errors
    ///
    /// [`DuplicateLockError`] if one lock appears twice.
    #[track_caller]
    pub fn lock_many_blocking_checked<'a, I>(
        &'a mut self,
        locks: I,
    ) -> Result<Many<'a, I::Item>, DuplicateLockError>
    where
        I: IntoIterator,
        I::Item: BlockingSetMember + 'a,
        H: LockBefore<<I::Item as LockSetMember>::Level>,
    {
        let _ = self;
        Ok((take_many_blocking_checked(locks)?, LockToken::acquired()))
    }
}
