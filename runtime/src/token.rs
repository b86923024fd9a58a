//! [`LockToken`]: the proof of which level a task holds.

use core::fmt;
use core::marker::PhantomData;

use crate::error::TryLockError;
use crate::level::{TokenLevel, Unlocked};
use crate::order::LockBefore;
use crate::set::{LockAllFuture, LockManyFuture, LockSetAbove, LockSetMember, Many, try_take_many};

/// Proof of the highest lock level the current task holds.
///
/// Every acquisition borrows a token mutably and hands back a child token at the
/// acquired level, so the type of the token a task holds always names its
/// highest lock, and the borrow checker stops the parent from being used while
/// the child (or the guard) lives.
///
/// A token is zero-sized (with the `lockdep` feature a root token also carries
/// its registration), neither `Clone` nor `Copy`, and `Send + Sync`. The only
/// way to get one is [`LockToken::new`] (the root, at [`Unlocked`]) or an
/// acquisition; create one root per task, at the task's entry point.
///
/// ```
/// use lockladder::{lock_level, LockToken, Mutex};
///
/// #[lock_level(10)]
/// struct Registry {
///     accounts: Vec<u64>,
/// }
/// #[lock_level(20)]
/// struct CoinManager {
///     coins: u64,
/// }
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let registry = Mutex::new(Registry { accounts: vec![7] });
/// let coins = Mutex::new(CoinManager { coins: 0 });
///
/// let mut token = LockToken::new();
/// let (registry, mut token) = registry.lock(&mut token).await; // holds level 10
/// let (mut coins, _token) = coins.lock(&mut token).await; // 10 -> 20: fine
/// coins.coins += registry.accounts[0];
/// # });
/// ```
///
/// The parent token is frozen while a child or a guard lives:
///
/// ```compile_fail,E0499
/// use lockladder::{lock_level, LockToken, Mutex};
///
/// #[lock_level(10)]
/// struct Registry;
///
/// async fn twice(registry: &Mutex<Registry>) {
///     let mut token = LockToken::new();
///     let (guard, child) = registry.lock(&mut token).await;
///     let (again, _) = registry.lock(&mut token).await; // error: `token` is still borrowed
///     drop((guard, child, again));
/// }
/// ```
#[must_use = "a token is the permission to take locks; use it or drop it"]
pub struct LockToken<'a, L> {
    // `&'a mut ()` ties the token to the borrow of its parent; `fn(L) -> L` names
    // the level without owning an `L`, so the token stays `Send + Sync` and
    // zero-sized whatever the level's type holds, and makes it invariant in
    // `L`: two levels that differ only by a subtype (a higher-ranked `fn`
    // pointer, say) must never coerce into each other.
    lineage: PhantomData<&'a mut ()>,
    level: PhantomData<fn(L) -> L>,
    // With `lockdep`, a root token's registration (a second live root of one
    // task is reported with both creation sites). It holds no lifetime, so the
    // drop glue it adds changes no borrow: the same programs compile.
    #[cfg(feature = "lockdep")]
    #[allow(dead_code, reason = "held for its `Drop`, which ends the registration")]
    root: Option<crate::lockdep::root::RootRegistration>,
}

impl LockToken<'static, Unlocked> {
    /// The root token of a task: it holds nothing, so any lock may be taken.
    ///
    /// Create it once, where the task starts, and pass `&mut token` down. Two
    /// root tokens in one task can take locks in an order the types cannot
    /// see, so this call is the only way to get one: a token has no `Default`
    /// (no `mem::take`, no `#[derive(Default)]` on a struct holding one), and
    /// `new` is not a `const fn` (a `const` would hand out a fresh root at
    /// every use).
    ///
    /// ```
    /// use lockladder::{LockToken, Unlocked};
    ///
    /// let mut token: LockToken<'static, Unlocked> = LockToken::new();
    /// # let _ = &mut token;
    /// ```
    ///
    /// ```compile_fail,E0015
    /// use lockladder::{LockToken, Unlocked};
    ///
    /// const ROOT: LockToken<'static, Unlocked> = LockToken::new(); // error: not a `const fn`
    /// ```
    #[must_use = "a token is the permission to take locks; use it or drop it"]
    #[allow(clippy::new_without_default, reason = "a `Default` would mint roots silently")]
    #[track_caller]
    pub fn new() -> Self {
        LockToken {
            lineage: PhantomData,
            level: PhantomData,
            #[cfg(feature = "lockdep")]
            root: Some(crate::lockdep::root::RootRegistration::register()),
        }
    }
}

impl<L> LockToken<'_, L> {
    /// A token at level `L`, created by this crate when it acquires `L`.
    pub(crate) const fn acquired() -> Self {
        LockToken {
            lineage: PhantomData,
            level: PhantomData,
            #[cfg(feature = "lockdep")]
            root: None,
        }
    }
}

impl<L: TokenLevel> fmt::Debug for LockToken<'_, L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LockToken<{} (level {})>", L::NAME, L::LEVEL)
    }
}

impl<'t, H: TokenLevel> LockToken<'t, H> {
    /// Takes every lock of a tuple at once, in the one global order, and returns
    /// their guards in the tuple's order with a token at the highest level.
    ///
    /// Use it when one piece of work needs several locks: it closes the gap
    /// between two separate holds (where another task can change what the first
    /// hold saw) and it accepts the locks in any order. Locks are taken by
    /// ascending level, an order fixed at compile time; locks of one level are
    /// taken by ascending address, so two tasks asking for `(a, b)` and `(b, a)`
    /// cannot deadlock. Every lock must be above the token's level, which is a
    /// compile error otherwise, naming the lock.
    ///
    /// ```
    /// use lockladder::{lock_level, LockToken, Mutex, Read, RwLock};
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
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let registry = RwLock::new(Registry { affected: vec![1] });
    /// let coins = Mutex::new(CoinManager { balances: vec![10, 20] });
    ///
    /// let mut token = LockToken::new();
    /// // Any argument order; `Registry` (10) is taken before `CoinManager` (20).
    /// let ((mut coins, registry), _token) = token.lock_all((&coins, Read(&registry))).await;
    /// for &account in &registry.affected {
    ///     coins.balances[account] += 1;
    /// }
    /// assert_eq!(coins.balances, [10, 21]);
    /// # });
    /// ```
    ///
    /// A lock at or below the held level does not compile:
    ///
    /// ```compile_fail,E0277
    /// use lockladder::{lock_level, LockToken, Mutex};
    ///
    /// #[lock_level(10)]
    /// struct Registry;
    /// #[lock_level(20)]
    /// struct CoinManager;
    /// #[lock_level(30)]
    /// struct Ledger;
    ///
    /// async fn late(registry: &Mutex<Registry>, coins: &Mutex<CoinManager>, ledger: &Mutex<Ledger>) {
    ///     let mut token = LockToken::new();
    ///     let (_coins, mut token) = coins.lock(&mut token).await;
    ///     // error: lock order violation: cannot acquire `Registry` while holding `CoinManager`
    ///     let _all = token.lock_all((ledger, registry)).await;
    /// }
    /// ```
    ///
    /// # Panics
    ///
    /// At the call, before anything is taken, if one lock is passed twice (also
    /// as `Read` and `Write` of one `RwLock`): the task would wait for itself.
    ///
    /// # Cancellation
    ///
    /// Dropping the future before it completes releases every lock it took.
    ///
    /// # Blocking locks in the set
    ///
    /// A [`sync`](crate::sync) lock in the set is tried without blocking and,
    /// while it is held elsewhere, the task sleeps until a guard of that lock
    /// is dropped, then tries again: no executor thread is parked or kept
    /// busy. Its guard is not `Send`, so such a future cannot be awaited in
    /// `tokio::spawn` (`spawn_local` can). On a plain thread, take a set of
    /// `sync` locks with [`lock_all_blocking`](LockToken::lock_all_blocking).
    #[track_caller]
    pub fn lock_all<'a, S>(&'a mut self, locks: S) -> LockAllFuture<'a, S>
    where
        S: LockSetAbove<H> + 'a,
    {
        let _ = self;
        LockAllFuture::begin(locks)
    }

    /// Takes any number of locks of one level, in the one global order, and
    /// returns their guards in the caller's order with a token at that level.
    ///
    /// Use it for a set chosen at run time among peers: the accounts of a
    /// transfer, the shards a batch touches. They are taken by ascending
    /// address, so two tasks asking for `[a, b]` and `[b, a]` cannot deadlock.
    /// The level must be above the token's, as for a single lock.
    ///
    /// ```
    /// use lockladder::{lock_level, LockToken, Mutex};
    ///
    /// #[lock_level(20)]
    /// struct Account {
    ///     balance: u64,
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let accounts: Vec<Mutex<Account>> =
    ///     (0..3).map(|_| Mutex::new(Account { balance: 100 })).collect();
    ///
    /// let mut token = LockToken::new();
    /// let (mut pair, _token) = token.lock_many([&accounts[2], &accounts[0]]).await;
    /// pair[0].balance -= 30; // accounts[2], as asked
    /// pair[1].balance += 30; // accounts[0]
    /// # });
    /// ```
    ///
    /// # Panics
    ///
    /// At the call, before anything is taken, if one lock appears twice: the
    /// task would wait for itself.
    ///
    /// ```should_panic
    /// # use lockladder::{lock_level, LockToken, Mutex};
    /// # #[lock_level(20)]
    /// # struct Account;
    /// let account = Mutex::new(Account);
    /// let mut token = LockToken::new();
    /// // panics: `lock_many` was given the same lock twice (`Account`, level 20, ...)
    /// let _never = token.lock_many([&account, &account]);
    /// ```
    ///
    /// # Cancellation
    ///
    /// Dropping the future before it completes releases every lock it took.
    #[track_caller]
    pub fn lock_many<'a, I>(&'a mut self, locks: I) -> LockManyFuture<'a, I::Item>
    where
        I: IntoIterator,
        I::Item: LockSetMember + 'a,
        H: LockBefore<<I::Item as LockSetMember>::Level>,
    {
        let _ = self;
        LockManyFuture::begin(locks)
    }

    /// Takes every lock of one level if all are free right now, else none.
    ///
    /// On failure the locks it took are released and the error names the level
    /// of the lock that was held elsewhere.
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
    /// let (a, b) = (Mutex::new(Account { balance: 1 }), Mutex::new(Account { balance: 2 }));
    /// let mut token = LockToken::new();
    /// let (_b_held, _) = b.try_lock(&mut token).unwrap();
    ///
    /// std::thread::scope(|scope| {
    ///     scope.spawn(|| {
    ///         let mut elsewhere = LockToken::new(); // another thread, its own root token
    ///         let error = elsewhere.try_lock_many([&a, &b]).unwrap_err();
    ///         assert_eq!(
    ///             error.to_string(),
    ///             "`Account` (lock level 20) is held elsewhere; `try_lock_many` does not wait for it"
    ///         );
    ///         assert!(a.try_lock(&mut elsewhere).is_ok(), "`a` was released");
    ///     });
    /// });
    /// ```
    ///
    /// # Panics
    ///
    /// If one lock appears twice, as [`lock_many`](LockToken::lock_many).
    #[track_caller]
    pub fn try_lock_many<'a, I>(&'a mut self, locks: I) -> Result<Many<'a, I::Item>, TryLockError>
    where
        I: IntoIterator,
        I::Item: LockSetMember + 'a,
        H: LockBefore<<I::Item as LockSetMember>::Level>,
    {
        let _ = self;
        let guards = try_take_many(locks)?;
        Ok((guards, LockToken::acquired()))
    }
}
