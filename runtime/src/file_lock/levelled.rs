//! [`LevelledLockFile`]: a lock file at level `L`, and all that the async and
//! the blocking `FileLock` do alike: open it, keep its wait limit, describe it,
//! and run the attempts of an acquisition with their bookkeeping (the user's
//! call site, the lockdep record, the guard and the token). The two faces
//! differ only in how they wait between attempts.

use core::fmt;
use core::marker::PhantomData;
use std::fs::File;
use std::path::Path;
use std::time::Duration;

use super::backoff::Backoff;
use super::error::FileLockError;
use super::guard::FileLockGuard;
use super::lock_file::{Attempt, Held, LockFile, Mode, Request};
use crate::held::Acquisition;
use crate::level::Level;
use crate::token::LockToken;

/// What an acquisition returns: the guard, and a token at `L`.
pub(super) type Acquired<'a, L> = (FileLockGuard<'a>, LockToken<'a, L>);

/// The lock file of a `FileLock<L>`, either face.
pub(super) struct LevelledLockFile<L> {
    file: LockFile,
    level: PhantomData<fn(L) -> L>,
}

impl<L: Level> LevelledLockFile<L> {
    pub(super) fn open(path: &Path) -> Result<Self, FileLockError> {
        Ok(LevelledLockFile { file: LockFile::open::<L>(path)?, level: PhantomData })
    }

    pub(super) fn wait_at_most(mut self, limit: Duration) -> Self {
        self.file.set_wait_limit(limit);
        self
    }

    pub(super) fn path(&self) -> &Path {
        self.file.path()
    }

    /// `lock` or `lock_shared`, called here: the attempts the face waits between.
    #[track_caller]
    pub(super) fn waiting(&self, mode: Mode) -> Attempts<'_, L> {
        Attempts::begin(&self.file, Request::new(mode, true))
    }

    /// `try_lock` or `try_lock_shared`, called here: one attempt; a file held
    /// by another process is [`WouldBlock`](super::FileLockErrorKind::WouldBlock),
    /// naming the holder.
    #[track_caller]
    pub(super) fn try_now(&self, mode: Mode) -> Result<Acquired<'_, L>, FileLockError> {
        let mut attempts = Attempts::begin(&self.file, Request::new(mode, false));
        match attempts.attempt()? {
            Tried::Acquired(acquired) => Ok(acquired),
            Tried::Busy(busy) => Err(self.file.would_block(&busy, attempts.request.operation())),
        }
    }

    /// `Debug` of a face, named `name`.
    pub(super) fn debug_as(&self, name: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct(name)
            .field("level", &format_args!("{} ({})", L::NAME, L::LEVEL))
            .field("path", &self.path())
            .field("wait_limit", &self.file.wait_limit())
            .finish()
    }
}

/// One acquisition, from the user's call to the grant: what was asked, the
/// lockdep record begun at the call, and the attempts made.
pub(super) struct Attempts<'a, L> {
    file: &'a LockFile,
    request: Request,
    acquisition: Acquisition,
    level: PhantomData<fn(L) -> L>,
}

/// The outcome of one attempt.
pub(super) enum Tried<'a, L> {
    Acquired(Acquired<'a, L>),
    /// Held by another process; the handle is kept to ask who holds it.
    Busy(File),
}

impl<'a, L> Attempts<'a, L> {
    #[track_caller]
    fn begin(file: &'a LockFile, request: Request) -> Self
    where
        L: Level,
    {
        Attempts { file, request, acquisition: Acquisition::begin::<L>(), level: PhantomData }
    }

    /// The pauses of a polling wait, as the wait limit allows.
    pub(super) fn backoff(&self) -> Backoff {
        Backoff::new(self.file.wait_limit())
    }

    /// `true` if the wait has no limit.
    pub(super) fn unlimited(&self) -> bool {
        self.file.wait_limit().is_none()
    }

    /// One attempt that does not wait for another process. This process's
    /// own holds are refused here (`HeldByThisProcess`), never waited for.
    pub(super) fn attempt(&mut self) -> Result<Tried<'a, L>, FileLockError> {
        Ok(match self.file.try_acquire(self.request)? {
            Attempt::Held(held) => Tried::Acquired(self.granted(held)),
            Attempt::Busy(busy) => Tried::Busy(busy),
        })
    }

    /// The attempt found the file `busy`: the pause before the next one, or
    /// [`TimedOut`](super::FileLockErrorKind::TimedOut), naming the holder,
    /// once the wait limit has passed.
    pub(super) fn pause_after(
        &mut self,
        busy: &File,
        backoff: &mut Backoff,
    ) -> Result<Duration, FileLockError> {
        self.acquisition.contended();
        backoff.next_pause().ok_or_else(|| self.file.timed_out(busy, backoff.waited()))
    }

    /// The attempt found the file busy: waits in the kernel (blocking the
    /// thread) until it is granted.
    pub(super) fn wait_in_kernel(mut self) -> Result<Acquired<'a, L>, FileLockError> {
        self.acquisition.contended();
        let held = self.file.acquire_blocking(self.request)?;
        Ok(self.granted(held))
    }

    fn granted(&mut self, held: Held) -> Acquired<'a, L> {
        let hold = self.acquisition.granted();
        (FileLockGuard::new(held, self.file, self.request.mode, hold), LockToken::acquired())
    }
}
