//! [`FileLock`]: a cross-process lock on a path, at a level in the hierarchy.

mod async_api;
mod backoff;
pub(crate) mod blocking;
mod error;
mod guard;
mod holder;
mod identity;
mod lock_file;
mod open;
mod process_holds;

pub use async_api::{FileLock, FileLockFuture};
pub use error::{FileLockError, FileLockErrorKind};
pub use guard::FileLockGuard;
pub use holder::FileLockHolder;
