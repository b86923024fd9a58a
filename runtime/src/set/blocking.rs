//! `token.lock_all_blocking(..)` and `token.lock_many_blocking(..)`: the
//! multi-lock helpers for plain threads, over the blocking locks of
//! [`sync`](crate::sync). Same sets, same order, same checks as the async ones;
//! the thread parks in each lock's own wait, one lock at a time, in the one
//! global order.

use super::all::{LockSet, LockSetAbove, begin_set};
use super::many::{Many, take_many_blocking};
use super::member::{LockSetMember, Read, Seal, Write, sealed};
use crate::order::LockBefore;
use crate::sync;
use crate::token::LockToken;

/// A lock that `lock_all_blocking` and `lock_many_blocking` can take: a
/// blocking lock of [`sync`] (`&sync::Mutex`, `Read(&sync::RwLock)`,
/// `Write(&sync::RwLock)`).
///
/// Implemented by this crate only. The async locks are not: blocking a thread
/// on one would stall every task of an executor running on it; take them with
/// `lock_all(..).await`.
///
/// ```
/// use lockladder::{lock_level, sync, Read};
///
/// #[lock_level(20)]
/// struct Account;
///
/// fn blocking<M: sync::BlockingSetMember>(_: M) {}
/// blocking(&sync::Mutex::new(Account));
/// blocking(Read(&sync::RwLock::new(Account)));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a blocking lock: `lock_all_blocking` and `lock_many_blocking` take `lockladder::sync` locks only",
    label = "not a `lockladder::sync` lock",
    note = "take async locks with `token.lock_all(..).await` or `token.lock_many(..).await`; pass `&mutex`, `Read(&rwlock)` or `Write(&rwlock)` of `lockladder::sync` here"
)]
pub trait BlockingSetMember: LockSetMember {}

impl<T: ?Sized, L> BlockingSetMember for &sync::Mutex<T, L> where Self: LockSetMember {}
impl<T: ?Sized, L> BlockingSetMember for Read<&sync::RwLock<T, L>> where Self: LockSetMember {}
impl<T: ?Sized, L> BlockingSetMember for Write<&sync::RwLock<T, L>> where Self: LockSetMember {}

/// A tuple of 1 to 8 blocking locks that `token.lock_all_blocking(..)` takes
/// together: each element a [`BlockingSetMember`].
///
/// Implemented by this crate only.
///
/// ```
/// use lockladder::{lock_level, sync, Read};
///
/// #[lock_level(10)]
/// struct Registry;
/// #[lock_level(20)]
/// struct CoinManager;
///
/// fn blocking<S: sync::BlockingLockSet>(_: S) {}
/// let (registry, coins) = (sync::RwLock::new(Registry), sync::Mutex::new(CoinManager));
/// blocking((&coins, Read(&registry)));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a set of blocking locks that `lock_all_blocking` can take",
    label = "expected a tuple of 1 to 8 `lockladder::sync` locks",
    note = "take a set with async locks with `token.lock_all(..).await`"
)]
pub trait BlockingLockSet: LockSet + sealed::Sealed {}

impl<'t, H> LockToken<'t, H> {
    /// Takes every lock of a tuple of blocking locks, in the one global order,
    /// and returns their guards in the tuple's order with a token at the
    /// highest level: [`lock_all`](LockToken::lock_all) for plain threads.
    ///
    /// The thread blocks in each lock's own wait (parked, not spinning), one
    /// lock at a time, in the order `lock_all` uses: ascending level, then
    /// ascending address within a level. So it never deadlocks with another
    /// `lock_all_blocking` or `lock_all` over the same locks. Every lock must be
    /// above the token's level, which is a compile error otherwise.
    ///
    /// ```
    /// use lockladder::{lock_level, sync, LockToken, Read};
    ///
    /// #[lock_level(10)]
    /// struct Registry {
    ///     affected: Vec<usize>,
    /// }
    /// #[lock_level(20)]
    /// struct CoinManager {
    ///     balances: Vec<u64>,
    /// }
    ///
    /// let registry = sync::RwLock::new(Registry { affected: vec![1] });
    /// let coins = sync::Mutex::new(CoinManager { balances: vec![10, 20] });
    ///
    /// let mut token = LockToken::new();
    /// let ((mut coins, registry), _token) = token.lock_all_blocking((&coins, Read(&registry)));
    /// for &account in &registry.affected {
    ///     coins.balances[account] += 1;
    /// }
    /// assert_eq!(coins.balances, [10, 21]);
    /// ```
    ///
    /// Async locks are not accepted (await `lock_all` for them):
    ///
    /// ```compile_fail,E0277
    /// use lockladder::{lock_level, LockToken, Mutex};
    ///
    /// #[lock_level(10)]
    /// struct Registry;
    ///
    /// let registry = Mutex::new(Registry);
    /// let mut token = LockToken::new();
    /// let _ = token.lock_all_blocking((&registry,));
    /// ```
    ///
    /// # Panics
    ///
    /// Before anything is taken, if one lock is passed twice (also as `Read` and
    /// `Write` of one `RwLock`): the thread would wait for itself.
    #[track_caller]
    pub fn lock_all_blocking<'a, S>(
        &'a mut self,
        locks: S,
    ) -> (S::Guards<'a>, LockToken<'a, S::Highest>)
    where
        S: LockSetAbove<H> + BlockingLockSet + 'a,
    {
        let _ = self;
        let (mut slots, order) = begin_set(locks, "lock_all_blocking");
        for &member in &order[..S::PLAN.len] {
            S::block_member(&mut slots, usize::from(member), Seal(()));
        }
        match S::take_guards(&mut slots) {
            Some(guards) => (guards, LockToken::acquired()),
            None => unreachable!("every member of the set was just taken"),
        }
    }

    /// Takes any number of blocking locks of one level, in the one global
    /// order, and returns their guards in the caller's order with a token at
    /// that level: [`lock_many`](LockToken::lock_many) for plain threads.
    ///
    /// They are taken by ascending address, blocking in each lock's own wait,
    /// so two threads (or a thread and a task) asking for `[a, b]` and `[b, a]`
    /// cannot deadlock. The level must be above the token's.
    ///
    /// ```
    /// use lockladder::{lock_level, sync, LockToken};
    ///
    /// #[lock_level(20)]
    /// struct Account {
    ///     balance: u64,
    /// }
    ///
    /// let accounts: Vec<sync::Mutex<Account>> =
    ///     (0..3).map(|_| sync::Mutex::new(Account { balance: 100 })).collect();
    ///
    /// let mut token = LockToken::new();
    /// let (mut pair, _token) = token.lock_many_blocking([&accounts[2], &accounts[0]]);
    /// pair[0].balance -= 30; // accounts[2], as asked
    /// pair[1].balance += 30; // accounts[0]
    /// ```
    ///
    /// # Panics
    ///
    /// Before anything is taken, if one lock appears twice: the thread would
    /// wait for itself.
    ///
    /// ```should_panic
    /// # use lockladder::{lock_level, sync, LockToken};
    /// # #[lock_level(20)]
    /// # struct Account;
    /// let account = sync::Mutex::new(Account);
    /// let mut token = LockToken::new();
    /// // panics: `lock_many_blocking` was given the same lock twice (`Account`, level 20, ...)
    /// let _never = token.lock_many_blocking([&account, &account]);
    /// ```
    #[track_caller]
    pub fn lock_many_blocking<'a, I>(&'a mut self, locks: I) -> Many<'a, I::Item>
    where
        I: IntoIterator,
        I::Item: BlockingSetMember + 'a,
        H: LockBefore<<I::Item as LockSetMember>::Level>,
    {
        let _ = self;
        (take_many_blocking(locks), LockToken::acquired())
    }
}
