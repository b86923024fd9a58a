//! # lockladder
//!
//! Lock-ordering bugs as compile errors.
//!
//! Give every type that lives behind a lock a level with `#[lock_level(N)]`.
//! Every acquisition goes through a [`LockToken`] that remembers the highest
//! level the task holds, and a lock may only be taken *strictly above* it. Taking
//! locks in the wrong order does not compile, and `cargo check` (so your IDE)
//! says which lock and which level are involved:
//!
//! ```text
//! error[E0277]: lock order violation: cannot acquire `Registry` while holding `CoinManager`
//! ```
//!
//! A program whose locks are always taken in one global order cannot deadlock on
//! them. The right order costs nothing: tokens are zero-sized and the check is
//! done entirely by the type checker.
//!
//! ## The whole idea in one example
//!
//! ```
//! use lockladder::{lock_level, LockToken, Mutex, RwLock};
//!
//! #[lock_level(10)]
//! struct Registry {
//!     accounts: Vec<String>,
//! }
//!
//! #[lock_level(20)]
//! struct CoinManager {
//!     balance: u64,
//! }
//!
//! async fn pay_everyone(registry: &RwLock<Registry>, coins: &Mutex<CoinManager>) -> u64 {
//!     let mut token = LockToken::new(); // one root token per task
//!     let (registry, mut token) = registry.read(&mut token).await; // now at level 10
//!     let (mut coins, _token) = coins.lock(&mut token).await; // 10 -> 20: allowed
//!     coins.balance += registry.accounts.len() as u64;
//!     coins.balance
//! }
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let registry = RwLock::new(Registry { accounts: vec!["ana".into(), "bo".into()] });
//! let coins = Mutex::new(CoinManager { balance: 0 });
//! assert_eq!(pay_everyone(&registry, &coins).await, 2);
//! # });
//! ```
//!
//! The inversion, `Registry` taken while `CoinManager` is held, is rejected:
//!
//! ```compile_fail,E0277
//! # use lockladder::{lock_level, LockToken, Mutex};
//! # #[lock_level(10)] struct Registry;
//! # #[lock_level(20)] struct CoinManager;
//! async fn inverted(registry: &Mutex<Registry>, coins: &Mutex<CoinManager>) {
//!     let mut token = LockToken::new();
//!     let (_coins, mut token) = coins.lock(&mut token).await;
//!     let (_registry, _token) = registry.lock(&mut token).await; // error
//! }
//! ```
//!
//! ## Levels
//!
//! * `#[lock_level(N)]` on a struct or enum, `N` in `1..=65535`, implements
//!   [`Level`]. Generic types work; an empty enum is a pure marker.
//! * [`Mutex::new`] / [`RwLock::new`] take the level of the data type itself;
//!   [`Mutex::with_level`] / [`RwLock::with_level`] take a marker from the expected
//!   type: `let cache: Mutex<Vec<u8>, CacheLevel> = Mutex::with_level(vec![]);`.
//! * Leave gaps between levels (10, 20, 30) so a new lock can go in between.
//!
//! ## Tokens
//!
//! * [`LockToken::new`] is the root, at level [`Unlocked`]. Create one per task,
//!   where the task starts, and pass `&mut token` down.
//! * `lock`, `read` and `write` borrow the token and return the guard together
//!   with a child token at the acquired level. While either lives, the parent is
//!   borrowed: it cannot be used to take a second lock "beside" the first.
//! * Generic helpers state what they need with [`LockBefore`]:
//!   `fn refund<H: LockBefore<CoinManager>>(token: &mut LockToken<'_, H>, ..)`.
//!
//! ## Several locks at once
//!
//! * [`LockToken::lock_all`] takes a tuple of up to 8 locks of any levels, in any
//!   argument order (an `RwLock` as [`Read`]`(&lock)` or [`Write`]`(&lock)`), by
//!   ascending level, and returns the guards in the tuple's order with a token
//!   at the highest level. Locks of one level are taken by address.
//! * [`LockToken::lock_many`] takes any number of locks of one level (accounts,
//!   shards) by address; [`LockToken::try_lock_many`] takes all or none.
//! * Dropping either future releases everything it took; the same lock given
//!   twice panics at the call.
//!
//! ```
//! use lockladder::{lock_level, LockToken, Mutex, Read, RwLock};
//!
//! #[lock_level(10)]
//! struct Registry {
//!     affected: Vec<usize>,
//! }
//! #[lock_level(20)]
//! struct Account {
//!     balance: u64,
//! }
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let registry = RwLock::new(Registry { affected: vec![1] });
//! let accounts = [Mutex::new(Account { balance: 5 }), Mutex::new(Account { balance: 0 })];
//!
//! let mut token = LockToken::new();
//! let ((registry, mut to, mut from), _token) =
//!     token.lock_all((Read(&registry), &accounts[1], &accounts[0])).await;
//! from.balance -= registry.affected.len() as u64;
//! to.balance += registry.affected.len() as u64;
//! # });
//! ```
//!
//! ## Blocking locks
//!
//! [`sync::Mutex`] and [`sync::RwLock`] block the thread instead of awaiting, with
//! the same tokens, levels and checks, in one hierarchy with the async locks.
//! They wrap parking_lot's locks, which do not poison.
//!
//! ## What the types cannot see
//!
//! Two root tokens in one task, or a token smuggled into a place that already
//! holds a lock through another token, escape the check. Keep one root token per
//! task.
//!
//! ## Optional features
//!
//! * `lockdep`: the runtime safety net. Every acquisition is also tracked per
//!   task (tokio task, or thread), and taking a level at or below one the task
//!   holds, through any token, panics naming both locks and both call sites.
//!   It adds `stats::report()` (acquisitions, contention, wait and hold times
//!   per level and call site) and a `tracing` warning for locks held too long
//!   (`lockdep::set_long_hold_threshold`). For tests, staging and debug builds.
//! * `hierarchy`: every `#[lock_level]` type registers itself, and
//!   `hierarchy()` lists and draws the declared hierarchy (DOT, Mermaid).
//!
//! Both are off by default, and the default build carries nothing of either.
#![cfg_attr(docsrs, feature(doc_cfg))]

/// Gives a struct or enum a level in the lock hierarchy.
///
/// `#[lock_level(N)]`, with `N` an integer literal in `1..=65535`, implements
/// [`Level`] for the type (`LEVEL == N`, `NAME` == the type's name) and adds a line
/// with its level to the type's documentation, so hovering it shows the level.
///
/// ```
/// use lockladder::{lock_level, Level};
///
/// /// Pending payouts.
/// #[lock_level(20)]
/// struct CoinManager {
///     pending: Vec<u64>,
/// }
///
/// /// A marker: gives plain data a level through `Mutex::with_level`.
/// #[lock_level(30)]
/// enum CacheLevel {}
///
/// #[lock_level(40)]
/// struct Shard<K, V> {
///     entries: Vec<(K, V)>,
/// }
///
/// assert_eq!(<CoinManager as Level>::LEVEL, 20);
/// assert_eq!(<CacheLevel as Level>::NAME, "CacheLevel");
/// assert_eq!(<Shard<String, u8> as Level>::LEVEL, 40);
/// ```
///
/// Anything but one integer literal in range is a compile error:
///
/// ```compile_fail
/// #[lockladder::lock_level(0)] // error: lock level 0 is reserved for `Unlocked`
/// struct Nothing;
/// ```
pub use lockladder_macros::lock_level;

pub use lockladder_runtime::{
    Condvar, Level, LockBefore, LockToken, Mutex, MutexGuard, RwLock, RwLockReadGuard,
    RwLockWriteGuard, TokenLevel, TryLockError, Unlocked, future,
};
pub use lockladder_runtime::{DuplicateLockError, RwLockUpgradableReadGuard, TryLockManyError};
pub use lockladder_runtime::{
    GroupGuards, LockGroup, LockSet, LockSetAbove, LockSetMember, Read, Write, sync,
};

#[cfg(feature = "lockdep")]
#[cfg_attr(docsrs, doc(cfg(feature = "lockdep")))]
pub use lockladder_runtime::{lockdep, stats};

#[cfg(feature = "hierarchy")]
#[cfg_attr(docsrs, doc(cfg(feature = "hierarchy")))]
pub use lockladder_runtime::{DeclaredLevel, Hierarchy, HierarchyLevel, hierarchy};

// Across processes and around teardown: `FileLock` and `Gate`.
pub use lockladder_runtime::{
    CloseOutcome, FileLock, FileLockError, FileLockErrorKind, FileLockGuard, FileLockHolder, Gate,
    GatePass,
};

/// What `#[lock_level]` expansions name. Not public API.
#[doc(hidden)]
pub mod __private {
    pub use lockladder_runtime::DeclareLevel;
    pub use lockladder_runtime::rank;
    // Registers a level for `hierarchy()`, or nothing without that feature.
    pub use lockladder_runtime::__register_level as register_level;
}
