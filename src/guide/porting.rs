//! # Porting an existing codebase
//!
//! [Contents](super) · Previous: [Levels](super::levels) ·
//! Next: [Several locks at once](super::several_locks)
//!
//! A port is mostly mechanical: give every lock a level, create one root token
//! where each task starts, pass `&mut token` down to where the locks are taken.
//! The compiler then lists every place the code takes locks in an order that
//! is not one global order. This page covers what a real program runs into on
//! the way. The [migration table](super::migration) lists every method of
//! `tokio::sync` and `parking_lot` with its equivalent.
//!
//! **First step: run the tests once with the runtime net on**
//! (`cargo test --features lockladder/lockdep`, see [below](#run-the-tests-once-with-lockdep)).
//! It is the check that finds what the types cannot see: a lock taken inside a
//! method of another crate's trait, a handler, a callback or a spawned task that
//! starts its own root token while its caller holds a lock. Do it before the
//! port too: the report names both call sites and both levels of every nesting
//! it sees, which is the order to give the levels.
//!
//! ## Choosing the levels
//!
//! Number the locks in the order the code nests them today, outermost lowest,
//! with gaps (10, 20, 30). Where two paths nest the same two locks in opposite
//! orders, one of them becomes a compile error: that is a deadlock the program
//! could already hit. Locks that are never held together may share a level;
//! locks that are peers (accounts, shards) share one and are taken together
//! with [`lock_many`](super::several_locks).
//!
//! ## Data you do not own
//!
//! `#[lock_level]` goes on a type of your crate. For data of another crate
//! (`BTreeMap`, `Option<JoinHandle<()>>`, a client handle) declare a marker
//! level, an empty enum, and give it to the lock with `with_level`; the level is
//! the lock's second type parameter:
//!
//! ```
//! use std::collections::BTreeMap;
//!
//! use lockladder::{lock_level, LockToken, Mutex, RwLock};
//! use tokio::task::JoinHandle;
//!
//! /// Sessions by id.
//! #[lock_level(10)]
//! enum SessionsLevel {}
//!
//! /// The background flusher's handle.
//! #[lock_level(20)]
//! enum FlusherLevel {}
//!
//! struct Server {
//!     sessions: RwLock<BTreeMap<u64, String>, SessionsLevel>,
//!     flusher: Mutex<Option<JoinHandle<()>>, FlusherLevel>,
//! }
//!
//! impl Server {
//!     fn new() -> Self {
//!         Server { sessions: RwLock::with_level(BTreeMap::new()), flusher: Mutex::with_level(None) }
//!     }
//!
//!     async fn shut_down(&self) -> usize {
//!         let mut token = LockToken::new();
//!         let (sessions, mut token) = self.sessions.read(&mut token).await; // 10
//!         let (mut flusher, _token) = self.flusher.lock(&mut token).await; // 10 -> 20
//!         let handle = flusher.take();
//!         let open = sessions.len();
//!         drop((flusher, sessions));
//!         // Await the task only once nothing is held: it may need these locks.
//!         if let Some(handle) = handle {
//!             handle.await.unwrap();
//!         }
//!         open
//!     }
//! }
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! # let server = Server::new();
//! # *server.flusher.try_lock(&mut LockToken::new()).unwrap().0 = Some(tokio::spawn(async {}));
//! # assert_eq!(server.shut_down().await, 0);
//! # });
//! ```
//!
//! A newtype of your own works as well (`#[lock_level(10)] struct
//! Sessions(BTreeMap<u64, String>);`, then `RwLock::new(Sessions(..))`) and
//! reads better when the type has methods of its own; the marker keeps the
//! code that uses the data unchanged.
//!
//! ## Locks in struct fields
//!
//! The level is part of the field's type, so a struct of locks documents its
//! own order. Methods that lock take the caller's token instead of creating one,
//! bounded by what they take first; a method that is itself an entry point (the
//! body of a task, a request handler) creates the root, as `shut_down` does above.
//!
//! ```
//! use lockladder::{lock_level, LockBefore, LockToken, Mutex};
//!
//! #[lock_level(10)]
//! struct Index {
//!     keys: Vec<u64>,
//! }
//! #[lock_level(20)]
//! struct Pages {
//!     count: usize,
//! }
//!
//! struct Store {
//!     index: Mutex<Index>,
//!     pages: Mutex<Pages>,
//! }
//!
//! impl Store {
//!     /// Takes the index, then the pages: callable holding anything below `Index`.
//!     async fn insert<H: LockBefore<Index>>(&self, token: &mut LockToken<'_, H>, key: u64) {
//!         let (mut index, mut token) = self.index.lock(token).await;
//!         let (mut pages, _token) = self.pages.lock(&mut token).await;
//!         index.keys.push(key);
//!         pages.count += 1;
//!     }
//! }
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! # let store = Store { index: Mutex::new(Index { keys: vec![] }), pages: Mutex::new(Pages { count: 0 }) };
//! # store.insert(&mut LockToken::new(), 7).await;
//! # assert_eq!(store.pages.into_inner().count, 1);
//! # });
//! ```
//!
//! `H: LockBefore<Index>` suffices for the second lock too: `Pages` is taken
//! through the child token at `Index`, which the types know is below `Pages`.
//!
//! ## Helpers that lock for their caller
//!
//! A helper generic over the held level states what it takes with
//! `H: LockBefore<M>`. Written as an `async fn`, it works, but a violation at its
//! call is reported three times (the argument, the call and the `.await`:
//! rustc 1.95 checks the bound once for each, because the future the `async fn`
//! returns names `H`; pinned in `ui-tests/fail/async_fn_helper_reports_three_times.stderr`).
//! Same error, same words, three times. Three shapes report it once:
//!
//! 1. Lock in the caller and pass the guard (and the child token) to the
//!    helper, which then takes nothing through a generic token.
//! 2. A plain `fn` returning one of the named futures of
//!    [`lockladder::future`](crate::future), which do not mention the held
//!    level, so the bound is checked once, on the helper:
//!
//! ```
//! use lockladder::future::MutexLockFuture;
//! use lockladder::{lock_level, LockBefore, LockToken, Mutex};
//!
//! #[lock_level(20)]
//! struct CoinManager {
//!     paid_out: u64,
//! }
//!
//! struct Service {
//!     coins: Mutex<CoinManager>,
//! }
//!
//! impl Service {
//!     /// The coin manager's lock, from whatever the caller holds below it.
//!     fn coins<'a, H: LockBefore<CoinManager>>(
//!         &'a self,
//!         token: &'a mut LockToken<'_, H>,
//!     ) -> MutexLockFuture<'a, CoinManager, CoinManager> {
//!         self.coins.lock(token)
//!     }
//! }
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! # let service = Service { coins: Mutex::new(CoinManager { paid_out: 0 }) };
//! let mut token = LockToken::new();
//! let (mut coins, _token) = service.coins(&mut token).await;
//! coins.paid_out += 1;
//! # });
//! ```
//!
//! Called while holding `CoinManager` or anything above it, it is one error, at
//! the call:
//!
//! ```compile_fail,E0277
//! # use lockladder::future::MutexLockFuture;
//! # use lockladder::{lock_level, LockBefore, LockToken, Mutex};
//! # #[lock_level(20)] struct CoinManager;
//! # #[lock_level(30)] struct Audit;
//! # fn coins<'a, H: LockBefore<CoinManager>>(m: &'a Mutex<CoinManager>, t: &'a mut LockToken<'_, H>) -> MutexLockFuture<'a, CoinManager, CoinManager> { m.lock(t) }
//! async fn audit_then_pay(audit: &Mutex<Audit>, manager: &Mutex<CoinManager>) {
//!     let mut token = LockToken::new();
//!     let (_audit, mut token) = audit.lock(&mut token).await;
//!     let (_coins, _token) = coins(manager, &mut token).await; // error: `CoinManager` after `Audit`
//! }
//! ```
//!
//! 3. When the helper must do more than one acquisition through the caller's
//!    token, a plain `fn` returning `Pin<Box<dyn Future<Output = _> + Send + 'a>>`
//!    (one allocation per call; pinned in
//!    `ui-tests/fail/async_helper_returning_boxed_future_reports_once.stderr`).
//!
//! The same holds for the other named futures: `RwLockReadFuture`,
//! `RwLockWriteFuture`, `LockAllFuture`, `LockManyFuture` and the rest of
//! [`future`](crate::future).
//!
//! ## Foreign traits and entry points
//!
//! The check follows the token, and a token only goes where a parameter takes
//! it. A method of a trait you cannot change (`Drop`, `Display`, a trait of
//! another crate, a callback a framework calls) has no token parameter, so it
//! is an entry point: it creates a root token of its own. The types cannot
//! relate that root to whatever the code that called the trait method holds.
//!
//! * Keep such methods free of locks where you can: take what they need before
//!   (a snapshot in a field), or send the work to a task that has a token.
//! * When one must lock, make what it takes a leaf: a level above everything
//!   its callers may hold when they call it (the top of the hierarchy), and
//!   take nothing further inside. The task's locks then still go up in one
//!   order, whichever token took them.
//! * When callers do hold locks across the call, start the method from
//!   [`LockToken::entered_holding::<H>()`](crate::LockToken::entered_holding)
//!   instead of a root, with `H` the highest level any caller holds there (the
//!   calling crate's documented contract, or what your own code holds around
//!   the call). Inside, a lock at or below `H` is a compile error, as anywhere
//!   else; at the entry, `lockdep` checks that the task really holds nothing
//!   above `H`. It is the seam made explicit: a claim the types cannot prove,
//!   checked at run time. `examples/foreign_trait.rs` shows the inversion a
//!   bare root lets through, lockdep's report of it, and the entry token.
//! * Run the tests with [`lockdep`](#run-the-tests-once-with-lockdep): it sees
//!   every token of a task, so a root created inside a trait method while the
//!   caller holds a higher lock panics at the acquisition with both call sites.
//!
//! ```
//! use lockladder::{lock_level, sync::Mutex, LockToken};
//!
//! /// What the other crate's code holds when it calls `append`.
//! #[lock_level(10)]
//! struct Core;
//! #[lock_level(20)]
//! struct Log(Vec<u64>);
//!
//! /// The other crate's trait: its methods take no token.
//! trait Storage {
//!     fn append(&self, entry: u64);
//! }
//!
//! struct MemoryStorage {
//!     log: Mutex<Log>,
//! }
//!
//! impl Storage for MemoryStorage {
//!     fn append(&self, entry: u64) {
//!         // Called with `Core` held: start above it, not from a root.
//!         let mut token = LockToken::entered_holding::<Core>();
//!         let (mut log, _token) = self.log.lock(&mut token);
//!         log.0.push(entry);
//!     }
//! }
//! # let storage = MemoryStorage { log: Mutex::new(Log(Vec::new())) };
//! # storage.append(7);
//! # assert_eq!(storage.log.lock(&mut LockToken::new()).0 .0, vec![7]);
//! ```
//!
//! ```
//! use std::fmt;
//!
//! use lockladder::{lock_level, sync, LockToken};
//!
//! /// A leaf: above every lock a caller may hold while formatting a `Report`.
//! #[lock_level(60000)]
//! struct Counters {
//!     served: u64,
//! }
//!
//! struct Report<'a> {
//!     counters: &'a sync::Mutex<Counters>,
//! }
//!
//! impl fmt::Display for Report<'_> {
//!     fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
//!         // An entry point: `Display` gives no token, so this is a root of its own.
//!         let mut token = LockToken::new();
//!         let (counters, _token) = self.counters.lock(&mut token);
//!         write!(f, "{} served", counters.served)
//!     }
//! }
//! # let counters = sync::Mutex::new(Counters { served: 3 });
//! # assert_eq!(Report { counters: &counters }.to_string(), "3 served");
//! ```
//!
//! A spawned task is an entry point as well: it starts with its own root,
//! inside the `async move` block, never a token moved in from its parent.
//!
//! ## Owned guards' replacement
//!
//! Owned guards (`lock_owned`, `lock_arc`) are left out: a guard without a
//! lifetime no longer borrows the token that took it, so that token is free
//! again while the lock is held, and a `'static` future that receives the guard
//! holds the level with only its own root token, which lets it take a lower lock
//! next: the inversion the levels exist to forbid, invisible to the types. The
//! pattern that replaces them is to hand the *lock* (`Arc<Mutex<_>>`) to the
//! spawned task and let it take the lock there, with its own root token:
//!
//! ```
//! use std::sync::Arc;
//!
//! use lockladder::{lock_level, LockToken, Mutex};
//!
//! #[lock_level(20)]
//! struct Session {
//!     hits: u64,
//! }
//!
//! async fn start(session: Arc<Mutex<Session>>) -> tokio::task::JoinHandle<()> {
//!     tokio::spawn(async move {
//!         let mut token = LockToken::new(); // the task's root
//!         let (mut session, _token) = session.lock(&mut token).await;
//!         session.hits += 1;
//!     })
//! }
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! # let session = Arc::new(Mutex::new(Session { hits: 0 }));
//! # start(session.clone()).await.await.unwrap();
//! # assert_eq!(session.lock(&mut LockToken::new()).await.0.hits, 1);
//! # });
//! ```
//!
//! ## Blocking code and clippy
//!
//! Blocking locks ([`sync`](crate::sync)) take the same tokens. Their guards must
//! not be held across `.await`: copy the `await-holding-invalid-types` lines of
//! the repository's `clippy.toml` into your own, and clippy's
//! `await_holding_invalid_type` lint flags each such hold (see [what the types
//! cannot see](super::limits)).
//!
//! ## Run the tests once with lockdep
//!
//! Once it compiles, run the test suite with the runtime net on:
//!
//! ```sh
//! cargo test --features lockladder/lockdep
//! ```
//!
//! `lockdep` sees what the types cannot: a second root token in a task (an entry
//! point called while its caller holds a lock), a guard moved to another task, a
//! leaked guard. Each panics at the acquisition, naming both locks and both call
//! sites. In the test suite, `lockdep::set_second_root_policy(SecondRootPolicy::Panic)`
//! (at the start of each test binary) turns the second root's warning into a
//! panic too, so a stray root fails loudly even before it nests anything. The
//! net costs little enough to leave on in every test run (see [the runtime
//! net](super::runtime_net)). To keep it on for every test run and off in the release build, turn it
//! on in the dev-dependencies (cargo enables a dev-dependency's features only
//! for tests, examples and benches):
//!
//! ```toml
//! [dependencies]
//! lockladder = "0.1"
//!
//! [dev-dependencies]
//! lockladder = { version = "0.1", features = ["lockdep"] }
//! ```
//!
//! [The runtime net](super::runtime_net) has the rest: statistics per call site,
//! long holds, and the picture of the nesting the tests actually did.
//!
//! [Contents](super) · Previous: [Levels](super::levels) ·
//! Next: [Several locks at once](super::several_locks)
