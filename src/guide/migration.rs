//! # Coming from `tokio::sync` and `parking_lot`
//!
//! [Contents](super) · Previous: [The runtime net](super::runtime_net) ·
//! Next: [What the types cannot see](super::limits)
//!
//!
//! Every method of the locks users port from, with its equivalent here. Every
//! acquisition also takes `&mut token` and returns the child token; "—" marks
//! what is missing and why.
//!
//! | From | Method | Here |
//! |---|---|---|
//! | tokio `Mutex` | `new`, `const_new` | `Mutex::new` (const; level of `T`), `Mutex::with_level` (const) |
//! | tokio `Mutex` | `lock().await` | `lock(&mut token).await` → `(guard, token)` |
//! | tokio `Mutex` | `try_lock` | `try_lock(&mut token)` → `Result<_, TryLockError>` |
//! | tokio `Mutex` | `blocking_lock` | `blocking_lock(&mut token)`; panics inside a runtime context, also in `spawn_blocking` (there: `Handle::current().block_on(mutex.lock(&mut token))`) |
//! | tokio `Mutex` | `lock_owned`, `try_lock_owned` | — no owned guards: see below |
//! | tokio `Mutex` | `get_mut`, `into_inner`, `Default`, `Debug` | same |
//! | tokio `MutexGuard` | `map`, `try_map`, `mutex` | `MutexGuard::map`/`try_map` → `MappedMutexGuard` (same hold, same token borrow; its release wakes the next waiter), also on `MappedMutexGuard`; `mutex` has no equivalent (a guard does not carry the level, so it cannot name its `Mutex<T, L>`) |
//! | tokio `RwLock` | `new`, `const_new`, `read`, `write`, `try_read`, `try_write`, `get_mut`, `into_inner` | same, each acquisition with the token |
//! | tokio `RwLock` | `with_max_readers`, `const_with_max_readers` | — the raw lock has no reader limit |
//! | tokio `RwLock` | `blocking_read`, `blocking_write` | same names, with the token; panic as `blocking_lock` |
//! | tokio `RwLock` | `read_owned`, `write_owned`, `try_*_owned` | — no owned guards: see below |
//! | tokio `RwLockReadGuard` | `map`, `try_map` | `RwLockReadGuard::map`/`try_map` → `MappedRwLockReadGuard` (same hold, same token borrow; `try_map` gives the guard back on `None`), also on `MappedRwLockReadGuard`; tokio's return `RwLockReadGuard<U>`. `Send` when `T: Send + Sync` (tokio: `T: Sync`; the mapped guard: `T: Sync`) |
//! | tokio `RwLockWriteGuard` | `downgrade`, `downgrade_map`, `try_downgrade_map`, `map`, `try_map`, `into_mapped` | `RwLockWriteGuard::downgrade`, `downgrade_map` → `MappedRwLockReadGuard` (no gap; a writer queued first is still served first); `try_downgrade_map` gives the guard back *downgraded* on `None` (tokio's: still write-held); `map`/`try_map`/`into_mapped` → `MappedRwLockWriteGuard` (same hold, same token borrow; its release wakes the queued writer and parked readers). `Send` when `T: Send + Sync`, as tokio's |
//! | tokio `RwLockMappedWriteGuard` | `map`, `try_map` | `MappedRwLockWriteGuard::map`/`try_map`; no `downgrade` (as parking_lot's mapped guard: use `downgrade_map`); `Send` when `T: Send` |
//! | parking_lot `Mutex` | `new`, `const_mutex` | `sync::Mutex::new` (const), `sync::Mutex::with_level` (const) |
//! | parking_lot `Mutex` | `lock`, `try_lock` | `lock(&mut token)`, `try_lock(&mut token)` |
//! | parking_lot `Mutex` | `try_lock_for`, `try_lock_until` | same names, with the token (the rule of `lock`); they park the thread; a time-out is a `LockTimeoutError` (level, method, how long it waited) |
//! | parking_lot `Mutex` | `get_mut`, `into_inner`, `Default`, `Debug` | same |
//! | parking_lot `Mutex` | `is_locked`, `force_unlock`, `force_unlock_fair`, `data_ptr`, `raw`, `from_raw`, `make_guard_unchecked` | — `force_unlock*`/`data_ptr`/`raw`/`from_raw`/`make_guard_unchecked` need `unsafe` or bypass the token, which the crate forbids; `is_locked` is racy, use `try_lock` |
//! | parking_lot `Mutex` | `lock_arc`, `try_lock_arc`, `try_lock_arc_for`, `try_lock_arc_until` | — no owned guards: see below |
//! | parking_lot `MutexGuard` | `unlocked`, `unlocked_fair`, `bump`, `unlock_fair` | `MutexGuard::unlocked(&mut guard, &mutex, &mut token, f)`, `unlocked_fair`, `bump(&mut guard, &mutex, &mut token)`: the guard's own token, as a `Condvar` wait (a call while a lock taken through it is held does not compile), and its mutex (checked; a guard taken in a set panics); async waiters are woken while it is free. `unlock_fair(guard)` as is, also on the mapped guards |
//! | parking_lot `MutexGuard` | `mutex`, `leak`, `try_map_or_err` | — `mutex`: the guard does not carry the level; `leak` would hold a level forever with the token free again (as `mem::forget`, which `lockdep` reports); `try_map_or_err`: `try_map` gives the guard back, compute the error from it |
//! | parking_lot `MutexGuard` | `map`, `try_map` | `sync::MutexGuard::map`/`try_map` → `sync::MappedMutexGuard` (same hold, same token borrow); also on `sync::RwLockReadGuard`/`RwLockWriteGuard` and the mapped guards |
//! | parking_lot `RwLock` | `read`, `write`, `try_read`, `try_write`, `get_mut`, `into_inner` | same, each acquisition with the token |
//! | parking_lot `RwLock` | `read_recursive`, `try_read_recursive`, `try_read_recursive_for`, `try_read_recursive_until` | — a second read of one lock is an order violation here (`rwlock_read_then_write` ui case) |
//! | parking_lot `RwLock` | `try_read_for`, `try_read_until`, `try_write_for`, `try_write_until`, `try_upgradable_read_for`, `try_upgradable_read_until` | same names, with the token, as `sync::Mutex::try_lock_for` (`LockTimeoutError`) |
//! | parking_lot `RwLock` | `is_locked`, `is_locked_exclusive`, `force_unlock_read`, `force_unlock_write` (and `_fair`), `data_ptr`, `raw`, `make_*_guard_unchecked` | — as the `Mutex` row: `unsafe` or racy |
//! | parking_lot `RwLock` | `upgradable_read`, `try_upgradable_read` | `sync::RwLock::upgradable_read(&mut token)`, `try_upgradable_read` → `(sync::RwLockUpgradableReadGuard, token)`; async: `RwLock::upgradable_read(&mut token).await` → `RwLockUpgradableReadGuard` (FIFO with the writers) |
//! | parking_lot `RwLockWriteGuard` | `downgrade`, `downgrade_to_upgradable` | `sync::RwLockWriteGuard::downgrade(guard)`, `downgrade_to_upgradable(guard, &lock)`: no gap, readers (threads and async tasks) let in, no writer; the lock names the level the upgradable guard carries (checked to be the guard's; a guard taken in a set panics); async: `RwLockWriteGuard::downgrade`, no `downgrade_to_upgradable` (see below) |
//! | parking_lot `RwLockUpgradableReadGuard` | `upgrade`, `try_upgrade`, `try_upgrade_for`, `try_upgrade_until`, `downgrade` | same, each upgrade also given the guard's own token (`&mut token`): an upgrade above a lock taken through it does not compile; the `try_*` give the guard back; async: `upgrade(guard, &mut token).await`, `try_upgrade(guard, &mut token)` (never waits; gives the guard back, unchanged, while another reader holds the lock; no write in between either way), `downgrade` |
//! | parking_lot `RwLockUpgradableReadGuard` | `with_upgraded`, `try_with_upgraded`, `try_with_upgraded_for`, `try_with_upgraded_until` | same names (`sync` only), with the guard's own token as for `upgrade`; the downgrade back wakes async readers |
//! | parking_lot `RwLockReadGuard`, `RwLockWriteGuard`, `RwLockUpgradableReadGuard` | `unlocked`, `unlocked_fair`, `bump`, `unlock_fair` | as on `sync::MutexGuard` (the read and write guards also take the lock; the upgradable guard carries its level and takes only its token) |
//! | parking_lot `RwLockReadGuard`, `RwLockWriteGuard` | `rwlock`, `try_map_or_err` | — as `MutexGuard::mutex` and `try_map_or_err` |
//! | parking_lot `RwLock` | `read_arc`, `write_arc`, `upgradable_read_arc` (and their `try_*`, `_for`, `_until` forms) | — no owned guards: see below |
//! | parking_lot `Condvar` | `new`, `Default`, `Debug` | `sync::Condvar::new` (const); async: `Condvar::new` |
//! | parking_lot `Condvar` | `wait`, `wait_while` | `wait(&mutex, &mut guard, &mut token)`, `wait_while(&mutex, &mut guard, &mut token, condition)`; async: `wait(&mutex, guard, &mut token).await` → guard |
//! | parking_lot `Condvar` | `wait_for`, `wait_until`, `wait_while_for`, `wait_while_until` | same names, same extra arguments; `sync::WaitTimeoutResult::timed_out` |
//! | parking_lot `Condvar` | `notify_one`, `notify_all` | same (`bool`, `usize`) |
//!
//! **Upgradable reads** (`sync::RwLock` and the async `RwLock`). `upgradable_read` takes a read hold
//! that excludes writers and other upgradable readers; `upgrade` waits for the
//! plain readers to leave. A reader may be waiting for a lock the upgrader took
//! above the `RwLock`, so `upgrade` is given the upgradable guard's own token,
//! like a `Condvar` wait: an upgrade while a lock taken through it is held does
//! not compile. `downgrade` (write or upgradable to read) keeps the lock the whole
//! time and wakes the async tasks waiting to read it. The async upgradable reader
//! queues with the writers (arrival order) and holds their turn, so nobody writes
//! between its read and its upgrade; a cancelled upgrade releases the lock and
//! lets the readers it held back in.
//!
//! There is no async `downgrade_to_upgradable`. An upgradable read holds the
//! writers' turn, but a write taken at once does not, and by the time it
//! downgrades the turn may belong to a writer queued behind it that is waiting
//! for this very hold to end. Taking the turn would wait on that writer, and
//! skipping it would break the arrival order that keeps writers from starving:
//! downgrade to a plain read (`downgrade`, `downgrade_map`), or take
//! `upgradable_read` from the start. The blocking `sync::RwLock` has it
//! (parking_lot's own atomic step).
//!
//! **Sets from untrusted input.** `lock_many`, `try_lock_many` and
//! `lock_many_blocking` panic on a lock listed twice (the task would wait for
//! itself). When the set comes from a request (a transfer from an account to
//! itself), use `lock_many_checked`, `try_lock_many_checked` or
//! `lock_many_blocking_checked`: the duplicate is a `DuplicateLockError` naming the
//! level and both positions, returned before anything is taken.
//!
//! **Owned guards** (`lock_owned`, `lock_arc`) are left out: the pattern that
//! replaces them is on the [porting](super::porting#owned-guards-replacement) page.
//!
//! ## Waiting for a condition: `sync::Condvar` and `Condvar`
//!
//! A `sync::Condvar` waits on a blocking `sync::Mutex` until another thread
//! notifies it, as parking_lot's does. A wait releases the mutex and re-takes it,
//! so it must hold nothing above the mutex's level at that moment; each wait is
//! therefore given the mutex, its guard and the token the `lock` call returned,
//! borrowed mutably. While a lock taken through that token is held, the token
//! cannot be lent, so such a wait does not compile; a token of another level is a
//! type error. Locks *below* the mutex stay held through the wait, as they may.
//!
//! ```
//! use lockladder::{lock_level, sync::{Condvar, Mutex, RwLock}, LockToken};
//!
//! #[lock_level(10)]
//! struct Limits { capacity: usize }
//! #[lock_level(20)]
//! struct Queue { jobs: Vec<u64> }
//!
//! fn push(limits: &RwLock<Limits>, queue: &Mutex<Queue>, not_full: &Condvar, job: u64) {
//!     let mut token = LockToken::new();
//!     let (limits, mut at_limits) = limits.read(&mut token); // 10, held through the wait
//!     let (mut held, mut at_queue) = queue.lock(&mut at_limits); // 20
//!     not_full.wait_while(queue, &mut held, &mut at_queue, |q| q.jobs.len() >= limits.capacity);
//!     held.jobs.push(job);
//! }
//! # let (limits, queue, not_full) = (RwLock::new(Limits { capacity: 1 }), Mutex::new(Queue { jobs: vec![] }), Condvar::new());
//! # push(&limits, &queue, &not_full, 7);
//! # assert_eq!(queue.into_inner().jobs, [7]);
//! ```
//!
//! A wait while a higher lock taken through the mutex's token is held does not
//! compile (the re-take would invert the order):
//!
//! ```compile_fail,E0499
//! # use lockladder::{lock_level, sync::{Condvar, Mutex}, LockToken};
//! # #[lock_level(20)] struct Jobs { queue: Vec<u32> }
//! # #[lock_level(30)] struct Stats { waits: u64 }
//! fn wait_for_job(jobs: &Mutex<Jobs>, stats: &Mutex<Stats>, ready: &Condvar) {
//!     let mut token = LockToken::new();
//!     let (mut held, mut at_jobs) = jobs.lock(&mut token);
//!     let (mut stats, _at_stats) = stats.lock(&mut at_jobs);
//!     ready.wait_while(jobs, &mut held, &mut at_jobs, |jobs| jobs.queue.is_empty()); // error
//!     stats.waits += 1;
//! }
//! ```
//!
//! A guard taken as a member of a set (`lock_all`, `lock_many`, `LockGroup`)
//! cannot wait: re-taking one member alone while the others are held could
//! deadlock with a task taking the same set, so the wait panics before releasing
//! anything (as it does for a guard of another mutex). A wait wakes the async
//! `lock_all`/`lock_many` tasks sleeping on the mutex it releases. Waiters are
//! woken in arrival order; `examples/work_queue.rs` is a bounded work queue built
//! this way.
//!
//! The async `Condvar` does the same for the async `Mutex`: `wait` and
//! `wait_while` take the guard by value and resolve to it once the mutex is
//! re-taken (`let held = ready.wait_while(&queue, held, &mut at_queue, |q|
//! q.jobs.is_empty()).await;`), with the same token proof. The wait is cancel
//! safe: dropped before it is notified it holds nothing; dropped after, it passes
//! the notification on to the next waiter. There is no timed form; wrap the wait
//! in `tokio::time::timeout` (the guard is gone on a time-out: lock again).
//!
//! ```
//! use lockladder::{lock_level, Condvar, LockToken, Mutex};
//!
//! #[lock_level(20)]
//! struct Jobs {
//!     queue: Vec<u32>,
//! }
//!
//! async fn next_job(jobs: &Mutex<Jobs>, ready: &Condvar) -> u32 {
//!     let mut token = LockToken::new();
//!     let (held, mut at_jobs) = jobs.lock(&mut token).await;
//!     let mut held = ready.wait_while(jobs, held, &mut at_jobs, |jobs| jobs.queue.is_empty()).await;
//!     held.queue.pop().unwrap()
//! }
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! # let (jobs, ready) = (Mutex::new(Jobs { queue: vec![] }), Condvar::new());
//! # let producer = async {
//! #     jobs.lock(&mut LockToken::new()).await.0.queue.push(5);
//! #     ready.notify_one();
//! # };
//! # let (job, ()) = tokio::join!(next_job(&jobs, &ready), producer);
//! # assert_eq!(job, 5);
//! # });
//! ```
//!
//! [Contents](super) · Previous: [The runtime net](super::runtime_net) ·
//! Next: [What the types cannot see](super::limits)
