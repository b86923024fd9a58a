//! [`LockToken`]: the proof of which level a task holds.

use core::fmt;
use core::marker::PhantomData;

use crate::level::{Level, Unlocked};

/// Proof of the highest lock level the current task holds.
///
/// Every acquisition borrows a token mutably and hands back a child token at the
/// acquired level, so the type of the token a task holds always names its
/// highest lock, and the borrow checker stops the parent from being used while
/// the child (or the guard) lives.
///
/// A token is zero-sized, neither `Clone` nor `Copy`, and `Send + Sync`. The only
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
    // `&'a mut ()` ties the token to the borrow of its parent; `fn() -> L` names
    // the level without owning an `L`, so the token stays `Send + Sync` and
    // zero-sized whatever the level's type holds.
    lineage: PhantomData<&'a mut ()>,
    level: PhantomData<fn() -> L>,
}

impl LockToken<'static, Unlocked> {
    /// The root token of a task: it holds nothing, so any lock may be taken.
    ///
    /// Create it once, where the task starts, and pass `&mut token` down. Two
    /// root tokens in one task can take locks in an order the types cannot see.
    ///
    /// ```
    /// use lockladder::{LockToken, Unlocked};
    ///
    /// let token: LockToken<'static, Unlocked> = LockToken::new();
    /// assert_eq!(std::mem::size_of_val(&token), 0);
    /// ```
    pub const fn new() -> Self {
        LockToken { lineage: PhantomData, level: PhantomData }
    }
}

impl Default for LockToken<'static, Unlocked> {
    /// The same as [`LockToken::new`].
    fn default() -> Self {
        Self::new()
    }
}

impl<L> LockToken<'_, L> {
    /// A token at level `L`, created by this crate when it acquires `L`.
    pub(crate) const fn acquired() -> Self {
        LockToken { lineage: PhantomData, level: PhantomData }
    }
}

impl<L: Level> fmt::Debug for LockToken<'_, L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LockToken<{} (level {})>", L::NAME, L::LEVEL)
    }
}
