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
//! **The [guide]** has one page per concern: [getting started](guide::getting_started),
//! [levels](guide::levels), [porting an existing codebase](guide::porting),
//! [several locks at once](guide::several_locks), [across processes and
//! teardown](guide::processes), [PostgreSQL](guide::postgres), [the runtime
//! net](guide::runtime_net), [coming from tokio and parking_lot](guide::migration),
//! [what the types cannot see](guide::limits), [cost](guide::cost), and a
//! [cookbook](guide::cookbook) of runnable programs.
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
//!   [`Level`]. Generic types work; an empty enum is a pure marker. The level
//!   may be a constant expression (`BASE + 10`) or relative to another type's,
//!   also another crate's (`above(db::Pool)`): see [`lock_level`].
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
//! task. The [guide page](guide::limits) lists every such case and what covers
//! it (mostly the `lockdep` feature).
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

pub mod guide;

// The README's example is a doc test too, so the pitch cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
mod readme {}

/// Gives a struct or enum a level in the lock hierarchy.
///
/// `#[lock_level(LEVEL)]` implements [`Level`] for the type (`LEVEL` is the
/// number, `NAME` the type's name) and adds a line with its level to the
/// type's docs, so rustdoc and the IDE's hover show it: the number for a
/// literal, and for any other level where to read the number (only rustc
/// computes it). An undocumented `pub` type gets the line in rustdoc only, so
/// that `missing_docs` still reports it. Structs and enums, generic or not; an
/// empty enum is a pure level marker for [`Mutex::with_level`].
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
/// # Writing the level
///
/// Levels are in `1..=65535` (0 is [`Unlocked`], the root token's). `LEVEL` is
/// one of:
///
/// | spelling | level |
/// |---|---|
/// | `20`, `0x14`, `1_000`, `20u16` | an integer literal (an integer suffix must hold the value: `300u8` is an error) |
/// | `BASE + 10`, `db::POOL_LEVEL * 2`, `tier(3)` | any constant expression of an integer type: named constants, arithmetic, `const fn` calls |
/// | `<db::Pool as Level>::LEVEL + 5` | another type's level, in an expression |
/// | `above(db::Pool)` | one above `db::Pool`'s level |
/// | `above(db::Pool, 5)` | five above it (the distance is a constant expression, at least 1) |
/// | `below(db::Pool)`, `below(db::Pool, 5)` | one, or five, below it |
/// | `between(db::Pool, db::Conn)` | the middle of the levels strictly between the two (an error if there are none) |
///
/// A level written in `macro_rules!` as `$level:literal`, `$level:expr` or
/// `$level:tt` works exactly as if written inline. `above`, `below` and
/// `between` followed by parentheses are the attribute's own words; to call a
/// `const fn` of one of those names, write it as a path (`self::above(3)`).
///
/// Whatever the spelling, the level becomes the same hidden type-level rank
/// that the order check compares, and `Level::LEVEL` is read off that rank: the
/// compile-time order and the runtime order (`lock_all`, `lock_many`,
/// `lockdep`, the hierarchy picture) cannot disagree. A literal is turned into
/// its rank by the attribute itself; `above(T)` and `below(T)` with a literal
/// distance add to `T`'s rank digit by digit, in trait resolution; any other
/// level is evaluated by rustc as one non-generic constant per type. Either way
/// a level out of range fails `cargo check` (and the IDE) at the attribute:
///
/// ```compile_fail,E0080
/// use lockladder::lock_level;
///
/// const BASE: u32 = 10;
///
/// // error: lock level `BASE * 10_000` is out of range: it is above 65535, the highest level
/// #[lock_level(BASE * 10_000)]
/// struct TooHigh;
/// ```
///
/// # Levels relative to another crate's
///
/// A library publishes its lock types, whose `#[lock_level]` is part of its
/// API. An application places its own locks below, between and above them by
/// naming those types, without copying numbers the library may change: if
/// `db` moves `Conn` from 20 to 40, `Cache` moves with it and the order holds.
/// Two modules stand for the two crates here:
///
/// ```
/// /// The library (`db`): its lock types and their levels are part of its API.
/// mod db {
///     use lockladder::lock_level;
///
///     /// The connection pool. Lock it before a connection.
///     #[lock_level(10)]
///     pub struct Pool {
///         pub idle: usize,
///     }
///
///     /// One connection.
///     #[lock_level(20)]
///     pub struct Conn {
///         pub queries: u64,
///     }
/// }
///
/// /// The application: its locks placed around the library's.
/// mod app {
///     use lockladder::{lock_level, LockToken, Mutex};
///
///     /// Read before anything else: below the whole database.
///     #[lock_level(below(crate::db::Pool))]
///     pub struct Config {
///         pub max_idle: usize,
///     }
///
///     /// Taken while holding the pool, before a connection.
///     #[lock_level(between(crate::db::Pool, crate::db::Conn))]
///     pub struct Cache {
///         pub hits: u64,
///     }
///
///     /// A marker above every database lock, for plain data.
///     #[lock_level(above(crate::db::Conn))]
///     pub enum AuditLevel {}
///
///     pub async fn query(
///         config: &Mutex<Config>,
///         pool: &Mutex<crate::db::Pool>,
///         cache: &Mutex<Cache>,
///         conn: &Mutex<crate::db::Conn>,
///         audit: &Mutex<Vec<String>, AuditLevel>,
///     ) -> u64 {
///         let mut token = LockToken::new();
///         let (config, mut token) = config.lock(&mut token).await;
///         let (pool, mut token) = pool.lock(&mut token).await;
///         let (mut cache, mut token) = cache.lock(&mut token).await;
///         let (mut conn, mut token) = conn.lock(&mut token).await;
///         let (mut audit, _token) = audit.lock(&mut token).await;
///         cache.hits += 1;
///         conn.queries += 1;
///         audit.push(format!("{} idle of {}", pool.idle, config.max_idle));
///         conn.queries
///     }
/// }
///
/// use lockladder::{Level, Mutex};
///
/// fn main() {
///     assert_eq!(<app::Config as Level>::LEVEL, 9);
///     assert_eq!(<app::Cache as Level>::LEVEL, 15);
///     assert_eq!(<app::AuditLevel as Level>::LEVEL, 21);
///
///     # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
///     let audit: Mutex<Vec<String>, app::AuditLevel> = Mutex::with_level(Vec::new());
///     let queries = app::query(
///         &Mutex::new(app::Config { max_idle: 8 }),
///         &Mutex::new(db::Pool { idle: 3 }),
///         &Mutex::new(app::Cache { hits: 0 }),
///         &Mutex::new(db::Conn { queries: 0 }),
///         &audit,
///     )
///     .await;
///     assert_eq!(queries, 1);
///     # });
/// }
/// ```
///
/// The order between relative levels is checked like any other, and the error
/// names both types (`cannot acquire `Pool` while holding `Cache``). A
/// relative level that names a type without a level is an error
/// (`` `String` has no lock level ``):
///
/// ```compile_fail,E0277
/// #[lockladder::lock_level(above(String))]
/// struct Cache;
/// ```
///
/// Levels defined from each other around a loop, through any number of types
/// and modules, have no level at all: rustc reports each attribute of the loop
/// as an overflow of `LevelNotDefinedInACycle`, naming the next type of the
/// loop and the type that required it
/// (``overflow evaluating the requirement `Journal: lockladder::__private::LevelNotDefinedInACycle` ``,
/// ``required for `Cache` to implement ...``). A level defined from its own
/// type is reported in plain words (`this #[lock_level] is a cycle`).
///
/// ```compile_fail,E0275
/// use lockladder::lock_level;
///
/// #[lock_level(above(Journal))]
/// struct Cache;
///
/// #[lock_level(above(Cache, 5))]
/// struct Journal;
/// ```
///
/// For a library, leave room: gaps between its own levels (10, 20, 30) let an
/// application fit `between` them, and a lowest level well above 1 lets it go
/// `below`. For many levels, prefer `above`/`below` with a literal distance:
/// they cost `cargo check` little more than a literal (+0.2 ms per type),
/// while a constant expression (and `between`) costs about 1.4 ms more. With the `hierarchy` feature, the picture shows each computed level
/// beside its type: `15  Cache (between(crate::db::Pool, crate::db::Conn))`.
///
/// # A renamed dependency: `crate = path`
///
/// The expansion names the `lockladder` crate by that name. A crate that
/// depends on it under another name (`ll = { package = "lockladder" }`), or
/// reaches it through a re-export, says where it is:
///
/// ```
/// use lockladder as ll;
///
/// #[ll::lock_level(10, crate = ll)]
/// struct Registry;
///
/// #[ll::lock_level(above(Registry), crate = ll)]
/// struct Accounts;
/// # use lockladder::Level;
/// # assert_eq!(<Accounts as Level>::LEVEL, 11);
/// ```
///
/// When the crate's `Cargo.toml` renames the dependency and `crate = ..` is
/// missing, the error says so: ``this crate depends on `lockladder` under the
/// name `ll` [..]: add `crate = ll` ``.
///
/// # Misuse
///
/// No level, two levels, `0`, a level out of range, a negative one, a float, a
/// string, a bool, an unknown option, the attribute twice or on anything but a
/// struct or an enum: each is a compile error that points at what to change
/// and says what is expected. The item is still emitted, so the error is the
/// only one.
///
/// ```compile_fail
/// #[lockladder::lock_level(0)] // error: lock level 0 is reserved for `Unlocked`
/// struct Nothing;
/// ```
pub use lockladder_macros::lock_level;

pub use lockladder_runtime::LockTimeoutError;
pub use lockladder_runtime::MappedMutexGuard;
pub use lockladder_runtime::extend;
pub use lockladder_runtime::{
    Condvar, Level, LockBefore, LockToken, Mutex, MutexGuard, RwLock, RwLockReadGuard,
    RwLockWriteGuard, TokenLevel, TryLockError, Unlocked, future,
};
pub use lockladder_runtime::{DuplicateLockError, RwLockUpgradableReadGuard, TryLockManyError};
pub use lockladder_runtime::{
    GroupGuards, LockGroup, LockSet, LockSetAbove, LockSetMember, Read, Write, sync,
};
pub use lockladder_runtime::{ManyGuards, ManyGuardsIntoIter};
pub use lockladder_runtime::{MappedRwLockReadGuard, MappedRwLockWriteGuard};

#[cfg(feature = "lockdep")]
#[cfg_attr(docsrs, doc(cfg(feature = "lockdep")))]
pub use lockladder_runtime::{lockdep, stats};

#[cfg(feature = "hierarchy")]
#[cfg_attr(docsrs, doc(cfg(feature = "hierarchy")))]
pub use lockladder_runtime::{DeclaredLevel, Hierarchy, HierarchyLevel, hierarchy};

/// PostgreSQL advisory locks in the hierarchy (the `lockladder-postgres` crate).
#[cfg(feature = "postgres")]
#[cfg_attr(docsrs, doc(cfg(feature = "postgres")))]
pub use lockladder_postgres as postgres;

// Across processes and around teardown: `FileLock` and `Gate`.
pub use lockladder_runtime::{
    CloseOutcome, FileLock, FileLockError, FileLockErrorKind, FileLockGuard, FileLockHolder, Gate,
    GatePass,
};

/// What `#[lock_level]` expansions name. Not public API.
///
/// The rank types and `DeclareLevel` (from which [`Level`] follows), and for
/// levels that are not literals, the checks `rank::integer` (the expression is
/// an integer) and `rank::RelativeBase` (the type named by `above`, `below`,
/// `between` has a level), with `rank::Byte`/`rank::Bytes`, which turn the
/// evaluated level into its rank.
#[doc(hidden)]
pub mod __private {
    pub use lockladder_runtime::DeclareLevel;
    pub use lockladder_runtime::rank;
    // Registers a level for `hierarchy()`, or nothing without that feature.
    pub use lockladder_runtime::__register_level as register_level;

    /// What a relative level requires of the type it names (`above(B)`: `B`),
    /// on its `DeclareLevel` impl. Proving it proves `B`'s impl, and so `B`'s
    /// own base: levels defined from each other around a loop are then a cycle
    /// of this trait, which rustc reports at each attribute of the loop as
    /// "overflow evaluating the requirement `B: LevelNotDefinedInACycle`",
    /// required for the type of that attribute.
    pub trait LevelNotDefinedInACycle {}

    // `do_not_recommend`: nothing reports this trait as unimplemented (the
    // bound has a binder, which rustc does not check at the impl; a base
    // without a level fails in the rank, as lacking `Level`), and should it
    // ever, the error names the hidden `DeclareLevel` with its own message.
    #[diagnostic::do_not_recommend]
    impl<T: DeclareLevel + ?Sized> LevelNotDefinedInACycle for T {}
}
