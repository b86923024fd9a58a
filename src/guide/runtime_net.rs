//! # The runtime net: `lockdep` and the hierarchy pictures
//!
//! [Contents](super) · Previous: [PostgreSQL advisory locks](super::postgres) ·
//! Next: [Coming from `tokio::sync` and `parking_lot`](super::migration)
//!
//! The types check one token's lineage. They cannot see a second root token
//! minted in the same task, a lock held far too long, or one held across slow
//! I/O. Two optional features look at the program as it runs; without them
//! none of this is compiled in. The examples on this page run in the test
//! suite's runs with the features on
//! (`cargo test --workspace --features lockladder/lockdep,lockladder/hierarchy`).
//!
//! ## `lockdep`: the order per task
//!
//! Turn it on in tests, staging or debug builds
//! (`lockladder = { version = "0.1", features = ["lockdep"] }`, or for the tests
//! only, in `[dev-dependencies]`: see [porting](super::porting#run-the-tests-once-with-lockdep)).
//!
//! Every acquisition records its level and call site for the current tokio task
//! (or the thread, outside a task). Taking a level at or below one the task
//! already holds, through any token, panics when `lock` is called, before
//! waiting, so the would-be deadlock is reported instead of hanging:
//!
//! ```text
//! lock order violation: cannot acquire `Registry` (level 10) at src/payouts.rs:41:30
//! while holding `CoinManager` (level 20), acquired at src/payouts.rs:38:36, in tokio
//! task 7. Locks must be taken in ascending level order; the types could not catch this
//! because more than one token is in use in this task. Create one root `LockToken` per
//! task and pass `&mut token` down (or release `CoinManager` before taking `Registry`).
//! ```
//!
#![cfg_attr(feature = "lockdep", doc = "```")]
#![cfg_attr(not(feature = "lockdep"), doc = "```ignore")]
//! use std::panic::{AssertUnwindSafe, catch_unwind};
//!
//! use lockladder::{lock_level, sync, LockToken};
//!
//! #[lock_level(10)]
//! struct Registry;
//! #[lock_level(20)]
//! struct CoinManager;
//!
//! let registry = sync::Mutex::new(Registry);
//! let coins = sync::Mutex::new(CoinManager);
//!
//! let mut token = LockToken::new();
//! let (_coins, _token) = coins.lock(&mut token);
//! // A second root token in the same thread: the types cannot see it, lockdep can.
//! let caught = catch_unwind(AssertUnwindSafe(|| {
//!     let mut another = LockToken::new();
//!     let _ = registry.lock(&mut another);
//! }));
//! let message = caught.unwrap_err().downcast::<String>().unwrap();
//! assert!(message.contains("cannot acquire `Registry` (level 10)"));
//! ```
//!
//! Other tasks' locks are theirs: the same two locks taken the other way round
//! in two tasks is fine. Same-level sets taken with `lock_all` / `lock_many` are
//! allowed. With a single root token the message can still appear when a guard
//! was leaked with `mem::forget` (the lock stays locked and its hold counted) or
//! sent to another task: the message names that hold as a possible cause, and
//! lists the root tokens alive in the task when there are several. Futures
//! polled together in one task (`tokio::join!`, `select!`) are one task here.
//!
//! ## Statistics
//!
//! `lockladder::stats::report()` counts acquisitions, contended acquisitions,
//! wait and hold times (max and p99) per level and per call site, and prints as
//! a table:
//!
//! ```text
//! level  lock / call site                 acquired  contended   wait p99   wait max   hold p99   hold max
//!   210  Ledger                                  5          1     66.6µs     66.6µs    122.6µs    122.6µs
//!          tests/lockdep_stats.rs:47:24          3          0          -          -      9.4µs      9.4µs
//!          tests/lockdep_stats.rs:54:37          1          0          -          -    122.6µs    122.6µs
//!          tests/lockdep_stats.rs:61:28          0          0          -          -          -          -
//!          tests/lockdep_stats.rs:62:43          1          1     66.6µs     66.6µs      5.9µs      5.9µs
//! ```
//!
#![cfg_attr(feature = "lockdep", doc = "```")]
#![cfg_attr(not(feature = "lockdep"), doc = "```ignore")]
//! use lockladder::{lock_level, sync, LockToken};
//!
//! #[lock_level(4321)]
//! struct Ledger;
//!
//! let ledger = sync::Mutex::new(Ledger);
//! for _ in 0..3 {
//!     let mut token = LockToken::new();
//!     let (_ledger, _token) = ledger.lock(&mut token);
//! }
//! let report = lockladder::stats::report();
//! assert!(report.level(4321).is_some());
//! println!("{report}");
//! ```
//!
//! ## Long holds
//!
//! A guard held for at least `lockdep::long_hold_threshold()` (100 ms unless
//! changed with `lockdep::set_long_hold_threshold`) sends one `tracing` warning
//! (target `lockladder::lockdep`) when it drops, naming the lock, its level and
//! where it was taken.
//!
//! ## What it saw
//!
//! `lockdep::observed_edges()` lists each distinct nesting "`A` held while `B`
//! taken" with both call sites and a count (Linux's `/proc/lockdep_chains`, by
//! call site). With `hierarchy` on too, `lockdep::observed_hierarchy()` draws it
//! over the declared levels (text, `to_dot()`, `to_mermaid()`): declared levels
//! or types never taken, every observed nesting with its count, and nesting that
//! skips declared levels (a lock held across work that does not need it)
//! highlighted. `cargo run --example observed_hierarchy --features
//! lockdep,hierarchy` prints one ([cookbook](super::cookbook::observed_hierarchy)).
//!
//! ## What it costs
//!
//! Cheap enough to leave on in every test run. A guard carries its hold as one
//! word; no lock is taken at a grant or a release (code outside any tokio task
//! keeps its holds in its thread's own table, a tokio task claims an entry in a
//! shared shard with one compare-and-swap), and nothing is allocated once a call
//! site has been seen. Holds are timed by a coarse clock by default: a
//! background thread (`lockladder-lockdep-clock`) advances a counter every
//! millisecond (`lockdep::COARSE_TICK`), read once at the grant and once at the
//! release. The long-hold warning still sees every hold, to within a tick;
//! hold times in the statistics are counted in ticks, so a short in-memory
//! critical section counts as zero long. `lockdep::set_timing(TimingMode::Precise)`
//! gives nanosecond hold times for two clock reads per hold;
//! `lockdep::set_timing(TimingMode::Off)` reads no clock, starts no thread and
//! turns the long-hold warning off, keeping the order checks, the counts and the
//! nesting record. The figures are on the [cost](super::cost) page.
//!
//! ## `hierarchy`: the declared picture
//!
//! With `hierarchy` on, every `#[lock_level]` type registers itself, and
//! `lockladder::hierarchy()` lists the levels ascending with their types and
//! draws them as Graphviz DOT (`to_dot()`) or Mermaid (`to_mermaid()`). It is
//! off by default because registration links a constructor per level into the
//! binary. `cargo run --example hierarchy --features hierarchy` prints this one:
//!
//! ```text
//! flowchart TD
//!     %% Take locks from top to bottom.
//!     L10["level 10<br/>Registry"]
//!     L20["level 20<br/>CoinManager"]
//!     L30["level 30<br/>AccountShard<br/>PayoutQueueLevel"]
//!     L40["level 40<br/>AuditLog"]
//!     L10 --> L20
//!     L20 --> L30
//!     L30 --> L40
//! ```
//!
#![cfg_attr(feature = "hierarchy", doc = "```")]
#![cfg_attr(not(feature = "hierarchy"), doc = "```ignore")]
//! use lockladder::lock_level;
//!
//! #[lock_level(10)]
//! struct Registry;
//! #[lock_level(20)]
//! struct CoinManager;
//!
//! let hierarchy = lockladder::hierarchy();
//! let names: Vec<&str> =
//!     hierarchy.levels().iter().flat_map(|level| level.types()).map(|declared| declared.name()).collect();
//! assert!(names.contains(&"Registry") && names.contains(&"CoinManager"));
//! assert!(hierarchy.to_mermaid().starts_with("flowchart TD"));
//! ```
//!
//! ## Reliability
//!
//! The test suite runs with both features as well:
//! `cargo test --workspace --features lockladder/lockdep,lockladder/hierarchy`.
//! One test (`tests/lockdep_every_path.rs`) calls every public method that can
//! wait for a lock (78 of them, plus the 9 of `PgLock` against a real server)
//! with a lower level than the task holds through a second root, and requires a
//! report naming both levels and the test's own line; another reads the sources
//! and fails when a public method that takes a token has no such case.
//!
//! [Contents](super) · Previous: [PostgreSQL advisory locks](super::postgres) ·
//! Next: [Coming from `tokio::sync` and `parking_lot`](super::migration)
