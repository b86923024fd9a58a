//! # Cost
//!
//! [Contents](super) · Previous: [What the types cannot see](super::limits) ·
//! Next: [Cookbook](super::cookbook)
//!
//! The right order costs nothing at run time: tokens are zero-sized and the
//! check is done by the type checker. What remains is the locks themselves,
//! measured against the locks they replace, in the same run (`BENCHMARKS.md` in
//! the repository has every table, the machine and the commands; the benchmarks
//! are the `lockladder-benches` crate).
//!
//! | what | against | ratio |
//! |---|---|---|
//! | uncontended async `Mutex` lock + unlock | tokio's `Mutex` | 0.31× |
//! | uncontended async `RwLock` read / write | tokio's `RwLock` | 0.56× / 0.46× |
//! | async `Mutex` contended by 8 tasks, the lock changing owner on most operations | tokio's `Mutex` (both serve waiters in arrival order) | 0.89× |
//! | blocking `sync::Mutex` | parking_lot's | 0.99–1.05× on Linux (the release adds one load and compare; an async set waiter about to sleep pays a `membarrier` system call instead); elsewhere, or where the kernel refuses `membarrier`, one more locked instruction per unlock, 1.05–1.5× depending on the processor |
//! | `lock_all` of 2–8 locks | the same locks taken by hand | 1.02–1.04× |
//! | async `lock_many` of 2 / 8 locks | async-lock's mutexes taken by hand | 0.85× / 0.57× |
//! | prebuilt `LockGroup::lock_blocking` of 2 / 8 `sync::Mutex` | parking_lot by hand; happylock's and surelock's prebuilt sets | 1.27× / 1.10× by hand; 0.83× / 0.82× happylock; 1.16× / 0.93× surelock |
//! | one-off `lock_many_blocking` of 2 / 8 `sync::Mutex` (no heap allocation up to 8) | parking_lot by hand | 1.90× / 1.39× |
//! | `sync::Condvar` hand-off between two threads, notified after the guard is dropped | parking_lot's `Condvar` | 1.1× |
//! | the same, notified while the mutex is held | parking_lot's `Condvar` | 2.4–3× (parking_lot moves the waiter onto the mutex's queue there, which takes `unsafe`; notify after the unlock) |
//! | PostgreSQL lock + unlock through `PgLock` | the same two statements sent by hand, prepared | 0.96× |
//! | `cargo check` of a crate with 500 levels and 1000 lock sites | the same crate on plain tokio | 1.30× (1.29× at 1000 levels: linear) |
//!
//! ## The `lockdep` feature
//!
//! Zero when off. When on (with the default coarse clock), an uncontended
//! blocking lock + unlock takes about 1.5× parking_lot's time, 0.96×
//! tracing-mutex's (162 instructions by callgrind against parking_lot's 12 and
//! tracing-mutex's 152, and no locked instruction added), two nested blocking
//! locks 0.6× tracing-mutex's time, and an async lock about 1.4× tokio's (a
//! 2-core VM, release build, medians of three runs). See [the runtime net](super::runtime_net#what-it-costs)
//! and `BENCHMARKS.md`.
//!
//! ## Compile time
//!
//! Levels written as literals are expanded straight into their rank;
//! `above`/`below` with a literal distance add about 0.2 ms of `cargo check`
//! per type, a constant expression or `between` about 1.4 ms more (see
//! [levels](super::levels#what-a-level-costs-cargo-check)).
//!
//! ## Reproducing
//!
//! `cargo bench -p lockladder-benches` runs the criterion groups (`uncontended`,
//! `contended`, `multi`, `sync`, `sync_wait`, `lockdep`, `postgres`, `condvar`);
//! `benches/compile-scaling/scaling.py` runs the compile-time study. Timings on a
//! shared machine are noisy: every ratio above was measured within one run.
//!
//! [Contents](super) · Previous: [What the types cannot see](super::limits) ·
//! Next: [Cookbook](super::cookbook)
