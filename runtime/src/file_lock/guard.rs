//! [`FileLockGuard`]: a held lock file; the lock is released when it drops.

use core::fmt;
use std::path::Path;

use super::error::{FileLockError, FileLockErrorKind};
use super::lock_file::{Held, LockFile, Mode};
use crate::held::Hold;

/// A held lock file, exclusive or shared. Dropping it releases the lock (also
/// when a panic unwinds through it); if the process dies instead, the kernel
/// releases it. Neither taking nor releasing the lock touches the file's
/// content, size or times.
///
/// The kernel's lock belongs to the open handle, and a child process shares
/// every handle of its parent from `fork` to `exec` (std opens them
/// close-on-exec): a guard dropped while another thread spawns a process is
/// released once that child has started its program.
///
/// ```
/// use lockladder::{lock_level, FileLock, LockToken};
///
/// #[lock_level(10)]
/// enum StoreLevel {}
///
/// # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
/// let path = std::env::temp_dir().join(format!("lockladder-doc-{}.lock", std::process::id()));
/// let store: FileLock<StoreLevel> = FileLock::open(&path)?;
/// let mut token = LockToken::new();
/// let (guard, _token) = store.lock(&mut token).await?;
/// assert!(guard.is_exclusive());
/// assert_eq!(guard.path(), path);
/// drop(guard); // released
/// # std::fs::remove_file(&path).ok();
/// # Ok::<(), lockladder::FileLockError>(())
/// # }).unwrap();
/// ```
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct FileLockGuard<'a> {
    held: Held,
    lock_file: &'a LockFile,
    mode: Mode,
    // Dropped after `held`: the hold ends once the lock is released.
    _hold: Hold,
}

impl<'a> FileLockGuard<'a> {
    pub(crate) fn new(held: Held, lock_file: &'a LockFile, mode: Mode, hold: Hold) -> Self {
        FileLockGuard { held, lock_file, mode, _hold: hold }
    }

    /// The lock file's (absolute) path.
    ///
    /// ```
    /// # use lockladder::{lock_level, FileLock, LockToken};
    /// # #[lock_level(10)] enum StoreLevel {}
    /// # let path = std::env::temp_dir().join(format!("lockladder-doc-{}.lock", std::process::id()));
    /// let store: FileLock<StoreLevel> = FileLock::open(&path).unwrap();
    /// let mut guard_token = LockToken::new();
    /// let (guard, _token) = store.try_lock_shared(&mut guard_token).unwrap();
    /// assert_eq!(guard.path(), path);
    /// # std::fs::remove_file(&path).ok();
    /// ```
    pub fn path(&self) -> &Path {
        self.lock_file.path()
    }

    /// `true` for `lock`/`try_lock`, `false` for the shared variants.
    ///
    /// ```
    /// # use lockladder::{lock_level, FileLock, LockToken};
    /// # #[lock_level(10)] enum StoreLevel {}
    /// # let path = std::env::temp_dir().join(format!("lockladder-doc-{}.lock", std::process::id()));
    /// let store: FileLock<StoreLevel> = FileLock::open(&path).unwrap();
    /// let mut guard_token = LockToken::new();
    /// let (guard, _token) = store.try_lock_shared(&mut guard_token).unwrap();
    /// assert!(!guard.is_exclusive());
    /// # std::fs::remove_file(&path).ok();
    /// ```
    pub fn is_exclusive(&self) -> bool {
        self.mode == Mode::Exclusive
    }

    /// Checks that the path still names the locked file.
    ///
    /// Nothing stops another program from removing or replacing a lock file
    /// while it is held; from then on, whoever opens the path locks a new file
    /// and no longer waits for this guard. Call `verify` before a step that must
    /// not run twice at once (a commit, a rename) to learn that the lock was
    /// lost ([`FileLockErrorKind::Lost`]). Unix only; elsewhere it always
    /// succeeds.
    ///
    /// ```
    /// # use lockladder::{lock_level, FileLock, FileLockErrorKind, LockToken};
    /// # #[lock_level(10)] enum StoreLevel {}
    /// # let path = std::env::temp_dir().join(format!("lockladder-doc-{}.lock", std::process::id()));
    /// let store: FileLock<StoreLevel> = FileLock::open(&path).unwrap();
    /// let mut guard_token = LockToken::new();
    /// let (guard, _token) = store.try_lock(&mut guard_token).unwrap();
    /// assert!(guard.verify().is_ok());
    ///
    /// std::fs::remove_file(&path).unwrap(); // someone else's "stale lock cleanup"
    /// # #[cfg(unix)]
    /// assert_eq!(guard.verify().unwrap_err().kind(), FileLockErrorKind::Lost);
    /// # std::fs::remove_file(&path).ok();
    /// ```
    pub fn verify(&self) -> Result<(), FileLockError> {
        match self.lock_file.still_named(&self.held.file)? {
            true => Ok(()),
            false => Err(self.lock_file.error(FileLockErrorKind::Lost)),
        }
    }
}

/// Drop code, though there is nothing to do here (the fields release the lock):
/// without it the borrow of the token would end at the guard's last use, not
/// when the guard drops, and the parent token could take the lock again while
/// this guard still holds it.
impl Drop for FileLockGuard<'_> {
    fn drop(&mut self) {}
}

impl fmt::Debug for FileLockGuard<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileLockGuard")
            .field("path", &self.path())
            .field("exclusive", &self.is_exclusive())
            .finish()
    }
}
