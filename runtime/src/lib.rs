//! The runtime of [lockladder](https://docs.rs/lockladder): levels, tokens and
//! leveled lock wrappers.
//!
//! Depend on `lockladder` instead; it re-exports everything here together with
//! the `#[lock_level]` attribute, and holds the guide.

mod error;
mod file_lock;
mod gate;
mod held;
mod level;
mod mutex;
mod order;
#[doc(hidden)]
pub mod rank;
mod rwlock;
mod set;
pub mod sync;
mod token;

pub use error::TryLockError;
pub use file_lock::{FileLock, FileLockError, FileLockErrorKind, FileLockGuard, FileLockHolder};
pub use gate::{CloseOutcome, Gate, GatePass};
pub use level::{Level, Unlocked};
pub use mutex::{Mutex, MutexGuard};
pub use order::LockBefore;
pub use rwlock::{RwLock, RwLockReadGuard, RwLockWriteGuard};
pub use set::{LockSet, LockSetAbove, LockSetMember, Read, Write};
pub use token::LockToken;

/// The futures returned by the async lock methods. They are named types (not
/// `impl Future`) so that an order violation is reported exactly once.
pub mod future {
    pub use crate::file_lock::FileLockFuture;
    pub use crate::mutex::MutexLockFuture;
    pub use crate::rwlock::{RwLockReadFuture, RwLockWriteFuture};
    pub use crate::set::{LockAllFuture, LockManyFuture};
}
