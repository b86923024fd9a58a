//! # Several locks at once
//!
//! [Contents](super) · Previous: [Porting an existing codebase](super::porting) ·
//! Next: [Across processes and around teardown](super::processes)
//!
//! When one piece of work needs several locks, take them together: no gap
//! between two holds for another task to slip into, and no order to remember.
//!
//! ## Locks of different levels: `lock_all`
//!
//! [`token.lock_all((&a, Read(&b), Write(&c), ..))`](crate::LockToken::lock_all)
//! takes 1 to 8 locks of any levels ([`Mutex`](crate::Mutex), an
//! [`RwLock`](crate::RwLock) through [`Read`](crate::Read)/[`Write`](crate::Write),
//! async or blocking) and returns the guards in the tuple's order with a token
//! at the highest level. They are taken by ascending level, whatever the
//! argument order; locks of one level by address. Every lock must be above the
//! token's level: the same compile error as a single lock, naming it.
//!
//! ```
//! use lockladder::{lock_level, LockToken, Mutex, Read, RwLock};
//!
//! #[lock_level(10)]
//! struct Registry {
//!     affected: Vec<usize>,
//! }
//! #[lock_level(30)]
//! struct CoinManager {
//!     burnt: u64,
//! }
//!
//! async fn flame(registry: &RwLock<Registry>, coins: &Mutex<CoinManager>) {
//!     let mut token = LockToken::new();
//!     // Any argument order: taken by level (10, then 30), an order fixed at compile time.
//!     let ((mut coins, registry), _token) = token.lock_all((coins, Read(registry))).await;
//!     coins.burnt += registry.affected.len() as u64;
//! }
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! # let registry = RwLock::new(Registry { affected: vec![1, 2] });
//! # let coins = Mutex::new(CoinManager { burnt: 0 });
//! # flame(&registry, &coins).await;
//! # assert_eq!(coins.into_inner().burnt, 2);
//! # });
//! ```
//!
//! ```compile_fail,E0277
//! # use lockladder::{lock_level, LockToken, Mutex};
//! # #[lock_level(10)] struct Registry;
//! # #[lock_level(30)] struct CoinManager;
//! async fn late(registry: &Mutex<Registry>, coins: &Mutex<CoinManager>) {
//!     let mut token = LockToken::new();
//!     let (_coins, mut token) = coins.lock(&mut token).await;
//!     let _ = token.lock_all((registry,)).await; // error: `Registry` is not above `CoinManager`
//! }
//! ```
//!
//! ## Peers of one level: `lock_many`
//!
//! [`token.lock_many(iter)`](crate::LockToken::lock_many) takes any number of
//! locks of one level (accounts, shards) in address order and returns a `Vec`
//! of guards in the caller's order, so two transfers in opposite directions
//! cannot deadlock. [`try_lock_many`](crate::LockToken::try_lock_many) takes all
//! or none.
//!
//! ```
//! use lockladder::{lock_level, LockToken, Mutex};
//!
//! #[lock_level(20)]
//! struct Account {
//!     balance: u64,
//! }
//!
//! async fn transfer(from: &Mutex<Account>, to: &Mutex<Account>, amount: u64) {
//!     let mut token = LockToken::new();
//!     // Peers of one level: taken by address, so opposite transfers cannot deadlock.
//!     let (mut pair, _token) = token.lock_many([from, to]).await;
//!     pair[0].balance -= amount;
//!     pair[1].balance += amount;
//! }
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! # let (a, b) = (Mutex::new(Account { balance: 5 }), Mutex::new(Account { balance: 0 }));
//! # transfer(&a, &b, 2).await;
//! # transfer(&b, &a, 1).await;
//! # assert_eq!((a.into_inner().balance, b.into_inner().balance), (4, 1));
//! # });
//! ```
//!
//! * The same lock passed twice panics at the call, before anything is taken
//!   (the task would otherwise wait for itself).
//! * Dropping either future releases every lock it took (cancel safe).
//!
//! ## Sets from untrusted input
//!
//! When the set comes from a request (a transfer from an account to itself),
//! use [`lock_many_checked`](crate::LockToken::lock_many_checked),
//! `try_lock_many_checked` or `lock_many_blocking_checked`: the duplicate is a
//! [`DuplicateLockError`](crate::DuplicateLockError) naming the level and both
//! positions, returned before anything is taken.
//!
//! ```
//! use lockladder::{lock_level, DuplicateLockError, LockToken, Mutex};
//!
//! #[lock_level(20)]
//! struct Account {
//!     balance: u64,
//! }
//!
//! async fn transfer(accounts: &[Mutex<Account>], from: usize, to: usize) -> Result<(), DuplicateLockError> {
//!     let mut token = LockToken::new();
//!     let (mut pair, _token) = token.lock_many_checked([&accounts[from], &accounts[to]])?.await;
//!     pair[0].balance -= 1;
//!     pair[1].balance += 1;
//!     Ok(())
//! }
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! # let accounts = [Mutex::new(Account { balance: 1 }), Mutex::new(Account { balance: 0 })];
//! # transfer(&accounts, 0, 1).await.unwrap();
//! # assert!(transfer(&accounts, 1, 1).await.is_err());
//! # });
//! ```
//!
//! ## A set taken again and again: `LockGroup`
//!
//! [`LockGroup::new(iter)`](crate::LockGroup::new) orders a set of one level
//! once; `group.lock(&mut token)` (`.await`), `group.lock_blocking(..)` and
//! `group.try_lock(..)` then take it again and again without allocating or
//! sorting (a one-off `lock_many` allocates once).
//!
//! ```
//! use lockladder::{lock_level, LockGroup, LockToken, Mutex};
//!
//! #[lock_level(20)]
//! struct Shard {
//!     hits: u64,
//! }
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let shards: Vec<Mutex<Shard>> = (0..4).map(|_| Mutex::new(Shard { hits: 0 })).collect();
//! let mut all = LockGroup::new(&shards);
//! for _ in 0..3 {
//!     let mut token = LockToken::new();
//!     let (mut held, _token) = all.lock(&mut token).await;
//!     held[0].hits += 1;
//! }
//! # });
//! ```
//!
//! ## Blocking locks in a set
//!
//! [`sync::Mutex`](crate::sync::Mutex) and [`sync::RwLock`](crate::sync::RwLock)
//! may be members of an async `lock_all`/`lock_many`: a blocking lock is tried
//! without blocking; while it is held elsewhere the task sleeps until a guard of
//! that lock is dropped (no spinning: a release checks one counter and wakes only
//! when a task waits; `cargo bench -p lockladder-benches --bench sync_wait` prints
//! the CPU a waiter uses during a 500 ms hold, about 0.01%, and its delay after
//! the release).
//!
//! On plain threads, [`token.lock_all_blocking((..))`](crate::LockToken::lock_all_blocking)
//! and [`token.lock_many_blocking(iter)`](crate::LockToken::lock_many_blocking)
//! take sets of `sync` locks with the same order, checks and panics, parking the
//! thread in each lock's own wait.
//!
//! ```
//! use lockladder::{lock_level, sync, LockToken, Write};
//!
//! #[lock_level(10)]
//! struct Limits {
//!     capacity: usize,
//! }
//! #[lock_level(20)]
//! struct Queue {
//!     jobs: Vec<u64>,
//! }
//!
//! let limits = sync::RwLock::new(Limits { capacity: 2 });
//! let queue = sync::Mutex::new(Queue { jobs: vec![] });
//!
//! let mut token = LockToken::new();
//! let ((mut queue, limits), _token) = token.lock_all_blocking((&queue, Write(&limits)));
//! queue.jobs.push(1);
//! assert!(queue.jobs.len() <= limits.capacity);
//! ```
//!
//! A guard taken as a member of a set cannot wait on a `Condvar` or release
//! itself alone (`unlocked`, `bump`): re-taking one member while the others are
//! held could deadlock with a task taking the same set, so those calls panic
//! before releasing anything.
//!
//! `cargo run --example flame_manager` and `cargo run --example bank` show both
//! in a real scenario ([cookbook](super::cookbook)); `tests/stress.rs` runs 8
//! tasks × 10,000 random rounds over 8 locks (`LOCKLADDER_STRESS_ROUNDS` for
//! more).
//!
//! [Contents](super) · Previous: [Porting an existing codebase](super::porting) ·
//! Next: [Across processes and around teardown](super::processes)
