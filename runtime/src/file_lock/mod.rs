//! [`FileLock`]: a cross-process lock on a path, at a level in the hierarchy.
//!
//! One file per step: `open` opens a lock file (regular files only, never
//! blocking), `identity` tells which file a handle or a path names,
//! `process_holds` keeps this process's holds so it never waits for itself,
//! `lock_file` is the open-check-lock-verify step both APIs share, `holder`
//! asks the kernel who holds a file; `levelled` is all that the two faces do
//! alike (a lock file at a level, and the attempts of one acquisition), and
//! `async_api` and `blocking` are the faces, which differ only in how they
//! wait; `guard` and `error` are what they return. Nothing here writes to the
//! locked file.

mod async_api;
mod backoff;
pub(crate) mod blocking;
mod error;
mod guard;
mod holder;
mod identity;
mod levelled;
mod lock_file;
mod open;
mod process_holds;

pub use async_api::{FileLock, FileLockFuture};
pub use error::{FileLockError, FileLockErrorKind};
pub use guard::FileLockGuard;
pub use holder::FileLockHolder;
