//! The blocking [`FileLock`], exposed as `lockladder::sync::FileLock`.

use core::fmt;
use std::path::Path;
use std::time::Duration;

use super::error::FileLockError;
use super::guard::FileLockGuard;
use super::levelled::{Acquired, Attempts, LevelledLockFile, Tried};
use super::lock_file::Mode;
use crate::level::Level;
use crate::order::LockBefore;
use crate::token::LockToken;

/// The blocking twin of [`lockladder::FileLock`](crate::FileLock): the same
/// lock file, levels and guarantees, for threads that may block.
///
/// [`lock`](FileLock::lock) waits in the kernel, so it wakes as soon as the
/// holder releases; with a [`wait_at_most`](FileLock::wait_at_most) limit it
/// polls instead (pauses doubling from 1 ms to 32 ms), since the kernel wait
/// cannot time out. Do not call it on an async runtime's threads. As with the
/// async one, it never waits for its own process: an acquisition that would
/// fails with [`HeldByThisProcess`](crate::FileLockErrorKind::HeldByThisProcess).
/// (A wait already blocked in the kernel when another thread of this process
/// takes the file goes on waiting for that thread: it cannot be a wait for
/// its own hold, since its thread is blocked.)
///
/// ```
/// use lockladder::{lock_level, sync, LockToken};
///
/// #[lock_level(10)]
/// enum StoreLevel {}
///
/// # fn main() -> Result<(), lockladder::FileLockError> {
/// let path = std::env::temp_dir().join(format!("lockladder-doc-{}.lock", std::process::id()));
/// let store: sync::FileLock<StoreLevel> = sync::FileLock::open(&path)?;
/// let mut token = LockToken::new();
/// let (_guard, _token) = store.lock(&mut token)?;
/// // ... no other process holds the store now ...
/// # std::fs::remove_file(&path).ok();
/// # Ok(())
/// # }
/// ```
pub struct FileLock<L> {
    lock: LevelledLockFile<L>,
}

impl<L: Level> FileLock<L> {
    /// A lock on the file at `path`, at the level `L` named by the expected
    /// type. Creates the file (empty) if it is missing; never writes to,
    /// truncates or removes it; refuses anything but a regular file.
    ///
    /// ```
    /// # use lockladder::{lock_level, sync};
    /// # #[lock_level(10)] enum StoreLevel {}
    /// # let path = std::env::temp_dir().join(format!("lockladder-doc-{}.lock", std::process::id()));
    /// let store: sync::FileLock<StoreLevel> = sync::FileLock::open(&path).unwrap();
    /// # std::fs::remove_file(&path).ok();
    /// ```
    pub fn open(path: impl AsRef<Path>) -> Result<Self, FileLockError> {
        Ok(FileLock { lock: LevelledLockFile::open(path.as_ref())? })
    }

    /// Makes [`lock`](FileLock::lock) and [`lock_shared`](FileLock::lock_shared)
    /// give up after `limit` with a [`TimedOut`](crate::FileLockErrorKind::TimedOut)
    /// error that names the holder.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use lockladder::{lock_level, sync, FileLockErrorKind, LockToken};
    /// # #[lock_level(10)] enum StoreLevel {}
    /// # let path = std::env::temp_dir().join(format!("lockladder-doc-{}.lock", std::process::id()));
    /// let store: sync::FileLock<StoreLevel> =
    ///     sync::FileLock::open(&path).unwrap().wait_at_most(Duration::from_millis(20));
    /// // Another holder, as another process would take it (here a plain `File::lock`).
    /// let other = std::fs::File::open(&path).unwrap();
    /// other.lock().unwrap();
    ///
    /// let err = store.lock(&mut LockToken::new()).unwrap_err();
    /// assert_eq!(err.kind(), FileLockErrorKind::TimedOut);
    /// # std::fs::remove_file(&path).ok();
    /// ```
    pub fn wait_at_most(self, limit: Duration) -> Self {
        FileLock { lock: self.lock.wait_at_most(limit) }
    }

    /// The lock file's absolute path.
    ///
    /// ```
    /// # use lockladder::{lock_level, sync};
    /// # #[lock_level(10)] enum StoreLevel {}
    /// # let path = std::env::temp_dir().join(format!("lockladder-doc-{}.lock", std::process::id()));
    /// let store: sync::FileLock<StoreLevel> = sync::FileLock::open(&path).unwrap();
    /// assert_eq!(store.path(), path);
    /// # std::fs::remove_file(&path).ok();
    /// ```
    pub fn path(&self) -> &Path {
        self.lock.path()
    }

    /// Blocks until the lock is held exclusively, then returns the guard and a
    /// token at level `L`.
    ///
    /// ```
    /// # use lockladder::{lock_level, sync, LockToken};
    /// # #[lock_level(10)] enum StoreLevel {}
    /// # let path = std::env::temp_dir().join(format!("lockladder-doc-{}.lock", std::process::id()));
    /// let store: sync::FileLock<StoreLevel> = sync::FileLock::open(&path).unwrap();
    /// let mut guard_token = LockToken::new();
    /// let (guard, _token) = store.lock(&mut guard_token).unwrap();
    /// assert!(guard.is_exclusive());
    /// # std::fs::remove_file(&path).ok();
    /// ```
    #[track_caller]
    pub fn lock<'a, H: LockBefore<L>>(
        &'a self,
        token: &'a mut LockToken<'_, H>,
    ) -> Result<(FileLockGuard<'a>, LockToken<'a, L>), FileLockError> {
        let _ = token;
        wait(self.lock.waiting(Mode::Exclusive))
    }

    /// Blocks until the lock is held in shared mode.
    ///
    /// ```
    /// # use lockladder::{lock_level, sync, LockToken};
    /// # #[lock_level(10)] enum StoreLevel {}
    /// # let path = std::env::temp_dir().join(format!("lockladder-doc-{}.lock", std::process::id()));
    /// let store: sync::FileLock<StoreLevel> = sync::FileLock::open(&path).unwrap();
    /// let mut guard_token = LockToken::new();
    /// let (guard, _token) = store.lock_shared(&mut guard_token).unwrap();
    /// assert!(!guard.is_exclusive());
    /// # std::fs::remove_file(&path).ok();
    /// ```
    #[track_caller]
    pub fn lock_shared<'a, H: LockBefore<L>>(
        &'a self,
        token: &'a mut LockToken<'_, H>,
    ) -> Result<(FileLockGuard<'a>, LockToken<'a, L>), FileLockError> {
        let _ = token;
        wait(self.lock.waiting(Mode::Shared))
    }

    /// Takes the lock exclusively if nobody holds it right now; otherwise a
    /// [`WouldBlock`](crate::FileLockErrorKind::WouldBlock) error naming the
    /// holder, or [`HeldByThisProcess`](crate::FileLockErrorKind::HeldByThisProcess).
    ///
    /// ```
    /// # use lockladder::{lock_level, sync, FileLockErrorKind, LockToken};
    /// # #[lock_level(10)] enum StoreLevel {}
    /// # let path = std::env::temp_dir().join(format!("lockladder-doc-{}.lock", std::process::id()));
    /// let store: sync::FileLock<StoreLevel> = sync::FileLock::open(&path).unwrap();
    /// let mut held_token = LockToken::new();
    /// let (_held, _) = store.try_lock(&mut held_token).unwrap();
    /// std::thread::scope(|scope| {
    ///     // Another holder in this process: a thread of its own here (one root token per thread).
    ///     let err = scope.spawn(|| store.try_lock(&mut LockToken::new()).unwrap_err());
    ///     assert_eq!(err.join().unwrap().kind(), FileLockErrorKind::HeldByThisProcess);
    /// });
    /// # std::fs::remove_file(&path).ok();
    /// ```
    #[track_caller]
    pub fn try_lock<'a, H: LockBefore<L>>(
        &'a self,
        token: &'a mut LockToken<'_, H>,
    ) -> Result<(FileLockGuard<'a>, LockToken<'a, L>), FileLockError> {
        let _ = token;
        self.lock.try_now(Mode::Exclusive)
    }

    /// Takes the lock in shared mode if no exclusive holder has it right now.
    ///
    /// ```
    /// # use lockladder::{lock_level, sync, LockToken};
    /// # #[lock_level(10)] enum StoreLevel {}
    /// # let path = std::env::temp_dir().join(format!("lockladder-doc-{}.lock", std::process::id()));
    /// let store: sync::FileLock<StoreLevel> = sync::FileLock::open(&path).unwrap();
    /// let mut reader_token = LockToken::new();
    /// let (_reader, _) = store.try_lock_shared(&mut reader_token).unwrap();
    /// std::thread::scope(|scope| {
    ///     // Readers share it: another one (a thread here) gets it at the same time.
    ///     scope.spawn(|| assert!(store.try_lock_shared(&mut LockToken::new()).is_ok()));
    /// });
    /// # std::fs::remove_file(&path).ok();
    /// ```
    #[track_caller]
    pub fn try_lock_shared<'a, H: LockBefore<L>>(
        &'a self,
        token: &'a mut LockToken<'_, H>,
    ) -> Result<(FileLockGuard<'a>, LockToken<'a, L>), FileLockError> {
        let _ = token;
        self.lock.try_now(Mode::Shared)
    }
}

/// Tries once; if another process holds the file, waits in the kernel, or
/// polls when a wait limit is set. Every attempt first checks that this
/// process does not hold the file itself.
fn wait<L>(mut attempts: Attempts<'_, L>) -> Result<Acquired<'_, L>, FileLockError> {
    let mut busy = match attempts.attempt()? {
        Tried::Acquired(acquired) => return Ok(acquired),
        Tried::Busy(busy) => busy,
    };
    if attempts.unlimited() {
        drop(busy);
        return attempts.wait_in_kernel();
    }
    let mut backoff = attempts.backoff();
    loop {
        std::thread::sleep(attempts.pause_after(&busy, &mut backoff)?);
        busy = match attempts.attempt()? {
            Tried::Acquired(acquired) => return Ok(acquired),
            Tried::Busy(busy) => busy,
        };
    }
}

impl<L: Level> fmt::Debug for FileLock<L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.lock.debug_as("sync::FileLock", f)
    }
}
