//! [`LockFile`]: one lock file, and the open-lock-verify-record step that both
//! the async and the blocking `FileLock` are built on.

use std::fs::{File, OpenOptions, TryLockError};
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::error::{FileLockError, FileLockErrorKind};
use super::holder::FileLockHolder;
use super::identity;
use crate::level::Level;

/// Exclusive (one holder) or shared (any number of shared holders).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Exclusive,
    Shared,
}

/// The outcome of one attempt that does not wait.
pub(crate) enum Attempt {
    /// Locked, verified and (if exclusive) recorded.
    Held(File),
    /// Someone else holds it; the handle is kept to read who.
    Busy(File),
}

/// A lock file's path and settings, shared by every acquisition of it.
#[derive(Debug)]
pub(crate) struct LockFile {
    path: PathBuf,
    wait_limit: Option<Duration>,
    level: (&'static str, u32),
}

impl LockFile {
    /// Makes the path absolute (so a later `chdir` does not move the lock) and
    /// creates the file if needed, so a bad path fails here, not at the first lock.
    pub(crate) fn open<L: Level>(path: &Path) -> Result<Self, FileLockError> {
        let level = (L::NAME, L::LEVEL);
        let open_error =
            |source| FileLockError::new(FileLockErrorKind::Open, path, level).with_source(source);
        let path = std::path::absolute(path).map_err(open_error)?;
        open_file(&path).map_err(open_error)?;
        Ok(LockFile { path, wait_limit: None, level })
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn wait_limit(&self) -> Option<Duration> {
        self.wait_limit
    }

    pub(crate) fn set_wait_limit(&mut self, limit: Duration) {
        self.wait_limit = Some(limit);
    }

    /// One attempt that does not wait for another holder. A file that was
    /// removed or replaced before the lock was granted is let go and the path
    /// opened again, so the lock held is always on the file the path names.
    pub(crate) fn try_acquire(&self, mode: Mode) -> Result<Attempt, FileLockError> {
        loop {
            let file = self.open_file()?;
            let locked = match mode {
                Mode::Exclusive => file.try_lock(),
                Mode::Shared => file.try_lock_shared(),
            };
            match locked {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => return Ok(Attempt::Busy(file)),
                Err(TryLockError::Error(source)) => return Err(self.lock_error(source)),
            }
            if self.still_named(&file)? {
                return Ok(Attempt::Held(self.record(file, mode)));
            }
        }
    }

    /// Waits in the kernel until the lock is granted (blocking the thread),
    /// with the same verification as [`try_acquire`](Self::try_acquire).
    pub(crate) fn acquire_blocking(&self, mode: Mode) -> Result<File, FileLockError> {
        loop {
            let file = self.open_file()?;
            let locked = match mode {
                Mode::Exclusive => file.lock(),
                Mode::Shared => file.lock_shared(),
            };
            locked.map_err(|source| self.lock_error(source))?;
            if self.still_named(&file)? {
                return Ok(self.record(file, mode));
            }
        }
    }

    /// Does the path still name `file`?
    pub(crate) fn still_named(&self, file: &File) -> Result<bool, FileLockError> {
        identity::path_names(&self.path, file)
            .map_err(|source| self.error(FileLockErrorKind::Verify).with_source(source))
    }

    pub(crate) fn error(&self, kind: FileLockErrorKind) -> FileLockError {
        FileLockError::new(kind, &self.path, self.level)
    }

    /// `try_lock` found `busy` held: the error names the holder it recorded.
    pub(crate) fn would_block(&self, busy: &File, operation: &'static str) -> FileLockError {
        self.error(FileLockErrorKind::WouldBlock)
            .with_operation(operation)
            .with_holder(FileLockHolder::read(busy))
    }

    /// The wait limit passed while `busy` was held.
    pub(crate) fn timed_out(&self, busy: &File, waited: Duration) -> FileLockError {
        self.error(FileLockErrorKind::TimedOut)
            .with_waited(waited)
            .with_holder(FileLockHolder::read(busy))
    }

    fn open_file(&self) -> Result<File, FileLockError> {
        open_file(&self.path)
            .map_err(|source| self.error(FileLockErrorKind::Open).with_source(source))
    }

    fn lock_error(&self, source: io::Error) -> FileLockError {
        self.error(FileLockErrorKind::Lock).with_source(source)
    }

    fn record(&self, file: File, mode: Mode) -> File {
        if mode == Mode::Exclusive {
            FileLockHolder::record(&file);
        }
        file
    }
}

/// Opens the lock file read-write, creating it if missing. It is never
/// truncated here (a holder's record stays readable) and never removed by us:
/// removing a lock file that another process has open is what lets two
/// processes hold "the" lock at once.
fn open_file(path: &Path) -> io::Result<File> {
    OpenOptions::new().read(true).write(true).create(true).truncate(false).open(path)
}
