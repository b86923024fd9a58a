//! The runtime of [lockladder](https://docs.rs/lockladder): levels, tokens and
//! leveled lock wrappers.
//!
//! Depend on `lockladder` instead; it re-exports everything here together with
//! the `#[lock_level]` attribute, and holds the guide.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod block_on;
mod blocking_access;
mod condvar;
mod error;
pub mod extend;
mod file_lock;
mod gate;
mod held;
#[cfg(feature = "hierarchy")]
mod hierarchy;
mod level;
#[cfg(feature = "lockdep")]
#[cfg_attr(docsrs, doc(cfg(feature = "lockdep")))]
pub mod lockdep;
mod misuse;
mod mutex;
mod order;
#[doc(hidden)]
pub mod rank;
mod register;
mod rwlock;
mod seam;
mod set;
mod shape;
#[cfg(feature = "lockdep")]
#[cfg_attr(docsrs, doc(cfg(feature = "lockdep")))]
pub mod stats;
pub mod sync;
mod token;

pub use condvar::Condvar;
pub use error::LockTimeoutError;
pub use error::TryLockError;
pub use file_lock::{FileLock, FileLockError, FileLockErrorKind, FileLockGuard, FileLockHolder};
pub use gate::{CloseOutcome, Gate, GatePass};
#[doc(hidden)]
pub use level::DeclareLevel;
pub use level::{Level, TokenLevel, Unlocked};
pub use mutex::{MappedMutexGuard, Mutex, MutexGuard};
pub use order::LockBefore;
pub use rwlock::{MappedRwLockReadGuard, MappedRwLockWriteGuard};
pub use rwlock::{RwLock, RwLockReadGuard, RwLockUpgradableReadGuard, RwLockWriteGuard};
pub use set::{DuplicateLockError, TryLockManyError};
pub use set::{GroupGuards, LockGroup, LockSet, LockSetAbove, LockSetMember, Read, Write};
pub use token::LockToken;

#[cfg(feature = "hierarchy")]
#[cfg_attr(docsrs, doc(cfg(feature = "hierarchy")))]
pub use hierarchy::{DeclaredLevel, Hierarchy, HierarchyLevel, hierarchy};
/// What `#[lock_level]` expansions name to register a level. Not public API.
#[cfg(feature = "hierarchy")]
#[doc(hidden)]
pub use inventory as __inventory;

/// The futures returned by the async lock methods. They are named types (not
/// `impl Future`) so that an order violation is reported exactly once.
pub mod future {
    pub use crate::condvar::{CondvarWait, CondvarWaitWhile};
    pub use crate::file_lock::FileLockFuture;
    pub use crate::mutex::MutexLockFuture;
    pub use crate::rwlock::{
        RwLockReadFuture, RwLockUpgradableReadFuture, RwLockUpgradeFuture, RwLockWriteFuture,
    };
    pub use crate::set::{LockAllFuture, LockGroupFuture, LockManyFuture};
}
