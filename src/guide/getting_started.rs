//! # Getting started
//!
//! [Contents](super) · Next: [Levels](super::levels)
//!
//! ## The dependency
//!
//! ```toml
//! [dependencies]
//! lockladder = "0.1"
//! tokio = { version = "1.41", features = ["rt-multi-thread", "macros"] }
//! ```
//!
//! lockladder needs Rust 1.89 or newer and tokio 1.41 or newer (CI resolves
//! every direct dependency to the lowest version its `Cargo.toml` allows and
//! runs the tests on that). A project whose `Cargo.lock` has tokio 1.41 or newer
//! keeps it. From an older tokio, cargo moves it to the newest 1.x when
//! lockladder is added; to move it only as far as needed, run
//! `cargo update -p tokio --precise 1.41.0`. The async locks run on tokio, or on
//! any executor; the blocking locks in [`sync`](crate::sync) need no runtime at
//! all.
//!
//! The optional features are additive (turning one on never changes which
//! programs compile):
//!
//! | feature | what it adds |
//! |---|---|
//! | `lockdep` | the [runtime net](super::runtime_net): per-task order checks across tokens, statistics, long-hold warnings, the observed nesting |
//! | `hierarchy` | `lockladder::hierarchy()`: the declared levels, listed and drawn (DOT, Mermaid) |
//! | `postgres` | `lockladder::postgres`: [PostgreSQL advisory locks](super::postgres) at a level |
//! | `postgres-deadpool` | sessions from a deadpool-postgres pool |
//!
//! ## A first hierarchy
//!
//! Give each type that lives behind a lock a level with
//! [`#[lock_level(N)]`](crate::lock_level). Every acquisition goes through a
//! [`LockToken`](crate::LockToken) that remembers the highest level the task
//! holds, and a lock can only be taken strictly above it.
//!
//! ```
//! use lockladder::{lock_level, LockToken, Mutex, RwLock};
//!
//! #[lock_level(10)]
//! struct Registry {
//!     accounts: Vec<(String, u64)>,
//! }
//!
//! #[lock_level(20)]
//! struct CoinManager {
//!     paid_out: u64,
//! }
//!
//! async fn pay_everyone(registry: &RwLock<Registry>, coins: &Mutex<CoinManager>) {
//!     let mut token = LockToken::new(); // one root token per task
//!     let (registry, mut token) = registry.read(&mut token).await; // holds level 10
//!     let (mut coins, _token) = coins.lock(&mut token).await; // 10 -> 20: allowed
//!     coins.paid_out += registry.accounts.iter().map(|(_, due)| due).sum::<u64>();
//! }
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! # let registry = RwLock::new(Registry { accounts: vec![("ana".into(), 30), ("bo".into(), 12)] });
//! # let coins = Mutex::new(CoinManager { paid_out: 0 });
//! # pay_everyone(&registry, &coins).await;
//! # assert_eq!(coins.into_inner().paid_out, 42);
//! # });
//! ```
//!
//! Take them the other way round, `Registry` inside the `CoinManager` hold, and
//! the build stops at that line:
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
//! ```text
//! error[E0277]: lock order violation: cannot acquire `Registry` while holding `CoinManager`
//!   --> src/payouts.rs:17:44
//!    |
//! 17 |     let (registry, _token) = registry.lock(&mut token).await;
//!    |                                            ^^^^^^^^^^ `Registry` is not above `CoinManager` in the lock hierarchy
//!    |
//!    = note: a lock can only be taken while the token holds levels strictly below it, and `Registry` is not above `CoinManager`
//!    = note: release `CoinManager` (its guard and its token) before taking `Registry`, or take the locks together, each once and in any order, with `token.lock_all(..)` (`token.lock_many(..)` for locks of one level); to write an `RwLock` you are reading, take it with `write` from the start
//!    = note: in a generic function whose token level is a type parameter `H`, add the bound `H: LockBefore<Registry>`
//! ```
//!
//! The check is done by the type checker, so `cargo check` reports it, and so
//! does the IDE on save. A locking order that is one global order cannot
//! deadlock; the right order costs nothing at run time: tokens are zero-sized.
//!
//! ## Tokens
//!
//! * [`LockToken::new()`](crate::LockToken::new) is the root token of a task, at
//!   [`Unlocked`](crate::Unlocked). Create one per task, where the task starts
//!   (`main`, the body of a `tokio::spawn`, a request handler), and pass
//!   `&mut token` down. It is zero-sized, not `Clone`, and `Send + Sync`.
//! * `lock`, `read` and `write` borrow the token and return the guard together
//!   with a child token at the acquired level. While the guard or the child
//!   lives, the parent is borrowed: a second lock cannot be taken "beside" the
//!   first. Dropping the child token early does not free the parent while the
//!   guard lives.
//!
//! ```compile_fail,E0499
//! # use lockladder::{lock_level, LockToken, Mutex};
//! # #[lock_level(10)] struct Registry;
//! # #[lock_level(20)] struct CoinManager;
//! async fn beside(registry: &Mutex<Registry>, coins: &Mutex<CoinManager>) {
//!     let mut token = LockToken::new();
//!     let (_registry, _at_registry) = registry.lock(&mut token).await;
//!     let (_coins, _) = coins.lock(&mut token).await; // error: `token` is still borrowed
//! }
//! ```
//!
//! * A function that locks from whatever its caller holds says what it needs
//!   with [`LockBefore`](crate::LockBefore): `H: LockBefore<M>` reads "holding
//!   `H`, `M` may be taken".
//!
//! ```
//! use lockladder::{lock_level, LockBefore, LockToken, Mutex};
//!
//! #[lock_level(20)]
//! struct CoinManager {
//!     balance: u64,
//! }
//!
//! fn refund<H: LockBefore<CoinManager>>(token: &mut LockToken<'_, H>, coins: &lockladder::sync::Mutex<CoinManager>) {
//!     let (mut coins, _token) = coins.lock(token);
//!     coins.balance += 1;
//! }
//! # let coins = lockladder::sync::Mutex::new(CoinManager { balance: 0 });
//! # refund(&mut LockToken::new(), &coins);
//! # assert_eq!(coins.into_inner().balance, 1);
//! ```
//!
//! ## The locks
//!
//! | | |
//! |---|---|
//! | [`Mutex<T, L = T>`](crate::Mutex) | async; `new(value)` takes the level of `T`, `with_level(value)` a marker `L` from the expected type; `lock(&mut token).await` returns `(guard, token_at_L)`; `try_lock`, `get_mut`, `into_inner` |
//! | [`RwLock<T, L = T>`](crate::RwLock) | the same with `read` / `write` / `upgradable_read` and their `try_` forms |
//! | [`sync::Mutex`](crate::sync::Mutex), [`sync::RwLock`](crate::sync::RwLock), [`sync::Condvar`](crate::sync::Condvar) | blocking, on parking_lot, same tokens and checks, one hierarchy with the async locks |
//! | [`Condvar`](crate::Condvar) | async condition variable for the async `Mutex` |
//! | [`FileLock`](crate::FileLock), [`Gate`](crate::Gate) | [across processes, around teardown](super::processes) |
//! | [`TokenLevel`](crate::TokenLevel) | what a token can hold: `Unlocked` or any `Level` (for generic code that passes a token on) |
//!
//! The async locks are locks of their own, with named acquisition futures (the
//! types in [`future`](crate::future)): that is what lets an order violation print
//! one error instead of three, with no allocation per lock. Waiters are served
//! in arrival order (nobody barges past a waiting task) and every future is
//! cancel safe. Guards and futures are `Send` whenever tokio's would be, so they
//! can be held across `.await` in `tokio::spawn`ed tasks (one exception: a read
//! guard of data that is `Sync` but not `Send` is not `Send`; such a lock is not
//! `Sync` either, so no two threads share it).
//!
//! The blocking locks wrap parking_lot's: no poisoning (a panic releases the
//! lock; the data stays as the panicking code left it), and their guards are not
//! `Send`. Do not hold one across `.await`: see [what the types cannot
//! see](super::limits) for the clippy lint that flags it.
//!
//! ```
//! use lockladder::{lock_level, sync, LockToken};
//!
//! #[lock_level(30)]
//! struct Stats {
//!     burnt: u64,
//! }
//!
//! fn count(stats: &sync::Mutex<Stats>) {
//!     let mut token = LockToken::new();
//!     let (mut stats, _token) = stats.lock(&mut token); // blocking, same levels and checks
//!     stats.burnt += 1;
//! }
//! # let stats = sync::Mutex::new(Stats { burnt: 0 });
//! # count(&stats);
//! # assert_eq!(stats.into_inner().burnt, 1);
//! ```
//!
//! ## Reliability
//!
//! How the locks themselves are checked: every compile-time rule has a
//! compile-fail case in `ui-tests/fail/` (one file per rule) and every accepted
//! pattern one in `ui-tests/pass/`.
//!
//! Every lock of our own is model-checked with loom in CI: the async `Mutex`
//! (hand-off to the queue head, a waiter cancelled in the queue or after being
//! woken, `try_lock` beside a queuing task, mapped guards), the async `RwLock`
//! (readers against a draining writer, the writers' hand-off, `upgrade` and
//! `try_upgrade` with no write in between, `downgrade_map`, writers, upgrades,
//! upgradable reads and reads cancelled at their await points), the async
//! `Condvar` (no lost notification; a cancelled wait passes its notification
//! on), the blocking `Condvar`'s sleeper queue (a sleeper taken off as it times
//! out counts as notified), the wake-up of async `lock_all`/`lock_many` waiters
//! by the blocking locks' releases, and the `Gate`. Each model explores every
//! interleaving of 2–3 threads up to a preemption bound (3; 2 for the `RwLock`;
//! the `Gate` unbounded), and each is shown to bite: CI removes one step of the
//! real code at a time (seven mutants, `--cfg lockladder_mutant="NAME"`) and
//! requires its model to fail. What loom cannot see into is replaced in the
//! model build by stand-ins with the same contract: spin's lock words,
//! event-listener (a FIFO listener list with its notify and pass-on rules),
//! async-lock's mutex as the `RwLock`'s writers' turn (our own async `Mutex`,
//! itself checked). The protocol and its invariants are written beside the code
//! (`runtime/src/mutex/raw.rs`, `runtime/src/rwlock/raw.rs`, ...), each naming
//! the model that checks it.
//!
//! Only stress-tested: parking_lot's blocking locks, event-listener's and
//! async-lock's own code, and timeouts (loom has no clock), and all of the locks
//! under real load: `tests/stress.rs` runs 8 tasks × 10,000 random rounds over 8
//! locks, and an independent stress run made 6.8 M mutex holds with 3.4 M random
//! cancellations, 10.7 M `RwLock` operations with upgrades and downgrades
//! cancelled at random, exact `Condvar` notification counts and 2.9 M
//! hand-polled FIFO grants. The PostgreSQL locks are tested against a real
//! server, over TLS too ([PostgreSQL](super::postgres#what-it-promises)).
//!
//! `cargo run --example quickstart` runs the payout service of this page with
//! nine tasks; its source is in the [cookbook](super::cookbook::quickstart).
//!
//! [Contents](super) · Next: [Levels](super::levels)
