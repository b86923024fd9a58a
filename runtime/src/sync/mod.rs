//! Blocking locks with the same levels, tokens and checks as the async ones.
//!
//! Use them for short critical sections with no `.await` inside: they are
//! cheaper than the async locks and can be taken from plain threads. They share
//! one hierarchy with the async locks, so a task may hold an async
//! `lockladder::Mutex` at level 10 and take a `sync::Mutex` at level 20 with the
//! token it got back, or the other way round.
//!
//! Several of them are taken together from a plain thread with
//! [`lock_all_blocking`](crate::LockToken::lock_all_blocking),
//! [`lock_many_blocking`](crate::LockToken::lock_many_blocking) or
//! [`LockGroup::lock_blocking`](crate::LockGroup::lock_blocking): the same
//! order and checks as `lock_all`/`lock_many`, parking the thread in each
//! lock's own wait. An async `lock_all`/`lock_many` waiting for one of them
//! sleeps until that lock is released (its guards wake async waiters, and only
//! when there is one).
//!
//! A [`Condvar`] waits on a blocking [`Mutex`] until notified; each wait is
//! given the mutex's own token, so it provably holds nothing above the mutex
//! while it releases and re-takes it.
//!
//! The rest of parking_lot's surface is here too, under the same rules: timed
//! acquisitions (`try_lock_for`, `try_read_until`, ...) park the thread until
//! a deadline and give up with a [`LockTimeoutError`](crate::LockTimeoutError);
//! the guards' `unlocked`, `bump` and `unlock_fair`, and the upgradable read's
//! `with_upgraded` and `downgrade_to_upgradable` of a write, take the guard's
//! own token wherever they re-take or upgrade the lock, as a `Condvar` wait
//! does.
//!
//! They wrap [`parking_lot`](https://docs.rs/parking_lot)'s locks, which do not
//! poison: a panic while a guard is held releases the lock and leaves the data
//! as the panicking code left it. That is why `lock`, `read` and `write` return
//! the guard directly instead of a `Result`; if a panic can leave your data
//! half-updated, restore its invariants where you catch the panic.
//!
//! ```
//! use lockladder::{lock_level, sync, LockToken, Mutex};
//!
//! #[lock_level(10)]
//! struct Registry {
//!     accounts: Vec<u64>,
//! }
//! #[lock_level(20)]
//! struct Stats {
//!     lookups: u64,
//! }
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let registry = Mutex::new(Registry { accounts: vec![3] });
//! let stats = sync::Mutex::new(Stats { lookups: 0 });
//!
//! let mut token = LockToken::new();
//! let (registry, mut token) = registry.lock(&mut token).await; // async, level 10
//! let (mut stats, _token) = stats.lock(&mut token); // blocking, 10 -> 20
//! stats.lookups += registry.accounts.len() as u64;
//! # });
//! ```

mod acquire;
mod condvar;
mod guard;
mod map;
mod mutex;
mod rwlock;
mod rwlock_transitions;
mod unlocked;
mod wake;
mod with_upgraded;

pub use crate::set::{BlockingLockSet, BlockingSetMember};
pub use condvar::{Condvar, WaitTimeoutResult};
pub use guard::{MappedMutexGuard, MappedRwLockReadGuard, MappedRwLockWriteGuard};
pub(crate) use mutex::RawGuard as RawMutexGuard;
pub use mutex::{Mutex, MutexGuard};
pub(crate) use rwlock::{RawReadGuard, RawWriteGuard};
pub use rwlock::{RwLock, RwLockReadGuard, RwLockWriteGuard};
pub use rwlock_transitions::RwLockUpgradableReadGuard;
pub(crate) use wake::Waiter;

// The blocking FileLock lives with the async one; exported here beside its peers.
pub use crate::file_lock::blocking::FileLock;
