//! The blocking [`FileLock`], exposed as `lockladder::sync::FileLock`.

use core::fmt;
use core::marker::PhantomData;
use std::path::Path;
use std::time::Duration;

use super::async_api::try_now;
use super::backoff::Backoff;
use super::error::FileLockError;
use super::guard::FileLockGuard;
use super::lock_file::{Attempt, LockFile, Mode, Request};
use crate::held::Acquisition;
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
    file: LockFile,
    level: PhantomData<fn(L) -> L>,
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
        Ok(FileLock { file: LockFile::open::<L>(path.as_ref())?, level: PhantomData })
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
    pub fn wait_at_most(mut self, limit: Duration) -> Self {
        self.file.set_wait_limit(limit);
        self
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
        self.file.path()
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
        let guard =
            wait(&self.file, Request::new(Mode::Exclusive, true), Acquisition::begin::<L>())?;
        Ok((guard, LockToken::acquired()))
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
        let guard = wait(&self.file, Request::new(Mode::Shared, true), Acquisition::begin::<L>())?;
        Ok((guard, LockToken::acquired()))
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
        let guard =
            try_now(&self.file, Request::new(Mode::Exclusive, false), Acquisition::begin::<L>())?;
        Ok((guard, LockToken::acquired()))
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
        let guard =
            try_now(&self.file, Request::new(Mode::Shared, false), Acquisition::begin::<L>())?;
        Ok((guard, LockToken::acquired()))
    }
}

/// Tries once; if another process holds the file, waits in the kernel, or
/// polls when a wait limit is set. Every attempt first checks that this
/// process does not hold the file itself.
fn wait(
    file: &LockFile,
    request: Request,
    mut acquisition: Acquisition,
) -> Result<FileLockGuard<'_>, FileLockError> {
    let granted = |held, acquisition: &mut Acquisition| {
        FileLockGuard::new(held, file, request.mode, acquisition.granted())
    };
    let mut busy = match file.try_acquire(request)? {
        Attempt::Held(held) => return Ok(granted(held, &mut acquisition)),
        Attempt::Busy(busy) => busy,
    };
    acquisition.contended();
    if file.wait_limit().is_none() {
        drop(busy);
        let held = file.acquire_blocking(request)?;
        return Ok(granted(held, &mut acquisition));
    }
    let mut backoff = Backoff::new(file.wait_limit());
    loop {
        let Some(pause) = backoff.next_pause() else {
            return Err(file.timed_out(&busy, backoff.waited()));
        };
        std::thread::sleep(pause);
        busy = match file.try_acquire(request)? {
            Attempt::Held(held) => return Ok(granted(held, &mut acquisition)),
            Attempt::Busy(busy) => busy,
        };
    }
}

impl<L: Level> fmt::Debug for FileLock<L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("sync::FileLock")
            .field("level", &format_args!("{} ({})", L::NAME, L::LEVEL))
            .field("path", &self.path())
            .field("wait_limit", &self.file.wait_limit())
            .finish()
    }
}
