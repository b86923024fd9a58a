//! [`LockFile`]: one lock file, and the open-check-lock-verify step that both
//! the async and the blocking `FileLock` are built on.

use core::panic::Location;
use std::fs::{File, TryLockError};
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::error::{FileLockError, FileLockErrorKind};
use super::holder::holders_of;
use super::identity::{self, FileId};
use super::open::{OpenFailure, open_regular};
use super::process_holds::{self, ProcessHold};
use crate::level::Level;

/// Exclusive (one holder) or shared (any number of shared holders).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Exclusive,
    Shared,
}

/// One call of `lock`, `lock_shared`, `try_lock` or `try_lock_shared`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Request {
    pub(crate) mode: Mode,
    /// `false` for the `try_` variants.
    pub(crate) waits: bool,
    /// The user's call, named by a later acquisition that runs into this hold.
    pub(crate) caller: &'static Location<'static>,
}

impl Request {
    #[track_caller]
    pub(crate) fn new(mode: Mode, waits: bool) -> Self {
        Request { mode, waits, caller: Location::caller() }
    }

    /// The method's name, for messages.
    pub(crate) fn operation(&self) -> &'static str {
        match (self.waits, self.mode) {
            (true, Mode::Exclusive) => "lock",
            (true, Mode::Shared) => "lock_shared",
            (false, Mode::Exclusive) => "try_lock",
            (false, Mode::Shared) => "try_lock_shared",
        }
    }
}

/// A granted lock: the handle that holds it and its registration in this
/// process. Drop order matters: the registration ends first, then closing
/// the handle releases the kernel's lock, so another task of this process
/// never sees the file registered after the kernel let it go.
pub(crate) struct Held {
    #[allow(dead_code, reason = "held for its `Drop`, which ends the registration")]
    pub(crate) registration: ProcessHold,
    pub(crate) file: File,
}

/// The outcome of one attempt that does not wait.
pub(crate) enum Attempt {
    /// Locked, verified and registered.
    Held(Held),
    /// Another process holds it; the handle is kept to ask who.
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
    /// opens it, creating the file if needed, so a bad path fails here, not
    /// at the first lock.
    pub(crate) fn open<L: Level>(path: &Path) -> Result<Self, FileLockError> {
        let level = (L::NAME, L::LEVEL);
        let path = std::path::absolute(path).map_err(|source| {
            FileLockError::new(FileLockErrorKind::Open, path, level).with_source(source)
        })?;
        let lock_file = LockFile { path, wait_limit: None, level };
        lock_file.open_file()?;
        Ok(lock_file)
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

    /// One attempt that does not wait for another process. A file that was
    /// removed or replaced before the lock was granted is let go and the path
    /// opened again, so the lock held is always on the file the path names.
    pub(crate) fn try_acquire(&self, request: Request) -> Result<Attempt, FileLockError> {
        loop {
            let (file, id) = self.open_unheld(request)?;
            let locked = match request.mode {
                Mode::Exclusive => file.try_lock(),
                Mode::Shared => file.try_lock_shared(),
            };
            match locked {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => return Ok(Attempt::Busy(file)),
                Err(TryLockError::Error(source)) => return Err(self.lock_error(source)),
            }
            if let Some(held) = self.verified(file, id, request)? {
                return Ok(Attempt::Held(held));
            }
        }
    }

    /// Waits in the kernel until the lock is granted (blocking the thread),
    /// with the same checks as [`try_acquire`](Self::try_acquire).
    pub(crate) fn acquire_blocking(&self, request: Request) -> Result<Held, FileLockError> {
        loop {
            let (file, id) = self.open_unheld(request)?;
            let locked = match request.mode {
                Mode::Exclusive => file.lock(),
                Mode::Shared => file.lock_shared(),
            };
            locked.map_err(|source| self.lock_error(source))?;
            if let Some(held) = self.verified(file, id, request)? {
                return Ok(held);
            }
        }
    }

    /// Opens the file and makes sure this process holds it in no way the
    /// request would have to wait for.
    fn open_unheld(&self, request: Request) -> Result<(File, FileId), FileLockError> {
        let file = self.open_file()?;
        let id = FileId::of(&file, &self.path)
            .map_err(|source| self.error(FileLockErrorKind::Open).with_source(source))?;
        if let Some(held) = process_holds::conflicting(&id, request.mode) {
            return Err(self
                .error(FileLockErrorKind::HeldByThisProcess)
                .with_operation(request.operation())
                .with_held_here(held));
        }
        Ok((file, id))
    }

    /// Registers a granted lock if the path still names its file; `None`
    /// (the lock let go) if not.
    fn verified(
        &self,
        file: File,
        id: FileId,
        request: Request,
    ) -> Result<Option<Held>, FileLockError> {
        if !self.still_named(&file)? {
            return Ok(None);
        }
        let registration =
            ProcessHold::register(id, request.mode, self.level, &self.path, request.caller);
        Ok(Some(Held { registration, file }))
    }

    /// Does the path still name `file`?
    pub(crate) fn still_named(&self, file: &File) -> Result<bool, FileLockError> {
        identity::path_names(&self.path, file)
            .map_err(|source| self.error(FileLockErrorKind::Verify).with_source(source))
    }

    pub(crate) fn error(&self, kind: FileLockErrorKind) -> FileLockError {
        FileLockError::new(kind, &self.path, self.level)
    }

    /// `try_lock` found `busy` held by another process: the error names it.
    pub(crate) fn would_block(&self, busy: &File, operation: &'static str) -> FileLockError {
        self.error(FileLockErrorKind::WouldBlock)
            .with_operation(operation)
            .with_holders(holders_of(busy))
    }

    /// The wait limit passed while `busy` was held.
    pub(crate) fn timed_out(&self, busy: &File, waited: Duration) -> FileLockError {
        self.error(FileLockErrorKind::TimedOut).with_waited(waited).with_holders(holders_of(busy))
    }

    fn open_file(&self) -> Result<File, FileLockError> {
        open_regular(&self.path).map_err(|failure| match failure {
            OpenFailure::NotARegularFile(what) => {
                self.error(FileLockErrorKind::NotARegularFile).with_what_it_is(what)
            }
            OpenFailure::Io(source) => self.error(FileLockErrorKind::Open).with_source(source),
        })
    }

    fn lock_error(&self, source: io::Error) -> FileLockError {
        self.error(FileLockErrorKind::Lock).with_source(source)
    }
}
