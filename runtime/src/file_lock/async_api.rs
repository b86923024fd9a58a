//! The async [`FileLock`] and its future.

use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, ready};
use std::path::Path;
use std::time::Duration;

use super::backoff::Backoff;
use super::error::FileLockError;
use super::guard::FileLockGuard;
use super::levelled::{Attempts, LevelledLockFile, Tried};
use super::lock_file::Mode;
use crate::level::Level;
use crate::order::LockBefore;
use crate::token::LockToken;

/// A lock shared between processes, on a file, at level `L` in the same
/// hierarchy as the in-process locks.
///
/// Use it where several processes (or several runs of one program) must not
/// work on a resource at once: a store on disk, a cache directory, a socket
/// path. In one process a [`Mutex`](crate::Mutex) is cheaper; take the
/// `FileLock` first and in-process locks above it, or give it whatever level
/// its place in your hierarchy demands: the order rules are the same.
///
/// ```
/// use lockladder::{lock_level, FileLock, LockToken, Mutex};
///
/// #[lock_level(10)]
/// enum StoreLevel {}
///
/// #[lock_level(20)]
/// struct Cache {
///     entries: u64,
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
/// let path = std::env::temp_dir().join(format!("lockladder-doc-{}.lock", std::process::id()));
/// let store: FileLock<StoreLevel> = FileLock::open(&path)?;
/// let cache = Mutex::new(Cache { entries: 0 });
///
/// let mut token = LockToken::new();
/// let (_store, mut token) = store.lock(&mut token).await?; // no other process holds it now
/// let (mut cache, _token) = cache.lock(&mut token).await; // 10 -> 20: allowed
/// cache.entries += 1;
/// # std::fs::remove_file(&path).ok();
/// # Ok::<(), lockladder::FileLockError>(())
/// # }).unwrap();
/// ```
///
/// # Guarantees
///
/// * Built on the kernel's advisory lock (`flock` on Unix, `LockFileEx` on
///   Windows, through std's [`File::lock`](std::fs::File::lock)): a process
///   that dies holding the lock releases it, so there is no stale lock to
///   recover and no staleness heuristic. Only processes that take the lock
///   are excluded; on Unix it does not stop anyone from reading or writing
///   the file. (On Windows the lock is mandatory: while it is held, no other
///   handle, not even one of the holder's, can read or write the file, so
///   lock a separate file there rather than the data file itself.)
/// * The lock file is created if missing and never removed, by design:
///   removing a lock file that others have open lets two processes hold the
///   lock at once. Every acquisition opens the file anew and, after the lock
///   is granted, checks (device and inode, on Unix) that the path still names
///   that file; if it was replaced or removed meanwhile, it lets go and tries
///   again, so every successful acquisition holds the file the path names.
///   If someone removes the file *while* it is held, [`FileLockGuard::verify`]
///   tells the holder.
/// * The file is never written to, truncated or removed: taking and releasing
///   the lock leave its content, size and times as they were, so the lock can
///   be taken on a data file itself (or through a symlink to one). Only a
///   regular file can be locked: a directory, FIFO, socket or device at the
///   path is refused with [`NotARegularFile`](crate::FileLockErrorKind::NotARegularFile),
///   and a FIFO is refused without being opened (or opened without blocking,
///   should it replace the file at that instant), so it never blocks anything.
/// * A process never waits for itself. A file is identified by device and
///   inode, so two `FileLock`s on one file (the same path twice, a symlink, a
///   hard link, two levels) are seen to be one. While this process holds it,
///   any other acquisition of it in this process (waiting or not, exclusive,
///   or shared against an exclusive hold) fails at once with
///   [`HeldByThisProcess`](crate::FileLockErrorKind::HeldByThisProcess),
///   naming the level and the call that holds it; shared holds coexist. The
///   rule is per process, not per task (a guard can move between tasks), so
///   when several tasks of one process take the same lock file, have them
///   take turns on a [`Mutex`](crate::Mutex) first, one level below it.
/// * Who holds it is asked of the kernel: on Linux, a failed
///   [`try_lock`](FileLock::try_lock) or a [`wait_at_most`](FileLock::wait_at_most)
///   timeout names the holder's pid, program and start time (from
///   `/proc/locks` and `/proc/<pid>`); elsewhere it says "held by another
///   process".
///
/// # One holder per process
///
/// Two `FileLock`s that name one file are one lock, and a process never waits
/// for its own hold: the second acquisition fails at once and says where the
/// first was taken.
///
/// ```
/// use lockladder::{lock_level, FileLock, FileLockErrorKind, LockToken};
///
/// #[lock_level(10)]
/// enum StoreLevel {}
///
/// #[lock_level(20)]
/// enum IndexLevel {}
///
/// # fn main() -> Result<(), lockladder::FileLockError> {
/// let path = std::env::temp_dir().join(format!("lockladder-doc-{}.lock", std::process::id()));
/// let store: FileLock<StoreLevel> = FileLock::open(&path)?;
/// let index: FileLock<IndexLevel> = FileLock::open(&path)?; // the same file, by mistake
///
/// let mut token = LockToken::new();
/// let (_store, mut token) = store.try_lock(&mut token)?;
/// let err = index.try_lock(&mut token).unwrap_err(); // 10 -> 20 compiles, but it is held
/// assert_eq!(err.kind(), FileLockErrorKind::HeldByThisProcess);
/// assert!(err.to_string().contains("is already held exclusively in this process, as `StoreLevel`"));
/// # std::fs::remove_file(&path).ok();
/// # Ok(())
/// # }
/// ```
///
/// Tasks of one process that share a lock file take turns on a
/// [`Mutex`](crate::Mutex) one level below it:
///
/// ```
/// use lockladder::{lock_level, FileLock, LockToken, Mutex};
///
/// #[lock_level(9)]
/// struct StoreTurn;
///
/// #[lock_level(10)]
/// enum StoreLevel {}
///
/// async fn update(turn: &Mutex<StoreTurn>, store: &FileLock<StoreLevel>) -> Result<(), lockladder::FileLockError> {
///     let mut token = LockToken::new();
///     let (_turn, mut token) = turn.lock(&mut token).await; // this task's turn in the process
///     let (_store, _token) = store.lock(&mut token).await?; // this process's turn
///     // ... update the store on disk ...
///     Ok(())
/// }
/// # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
/// # let path = std::env::temp_dir().join(format!("lockladder-doc-{}.lock", std::process::id()));
/// # let (turn, store) = (Mutex::new(StoreTurn), FileLock::open(&path)?);
/// # tokio::try_join!(update(&turn, &store), update(&turn, &store))?;
/// # std::fs::remove_file(&path).ok();
/// # Ok::<(), lockladder::FileLockError>(())
/// # }).unwrap();
/// ```
///
/// # Waiting without blocking the runtime
///
/// [`lock`](FileLock::lock) polls: it tries without waiting and, while the
/// file is held elsewhere, retries after pauses that double from 1 ms to
/// 32 ms on tokio's timer. A waiter thus notices a release within 32 ms, and
/// the future holds nothing but a timer between attempts, so dropping it (a
/// `select!`, a timeout, a cancelled task) abandons the wait at once. The
/// alternative, a kernel wait on `spawn_blocking`, wakes sooner but cannot be
/// cancelled: each abandoned wait would keep a blocking-pool thread until the
/// lock came, and would then take and drop the lock. Polling is not fair: a
/// lock that is released and re-taken within a pause is never seen free by
/// the poller, so keep holds short when many processes contend. The blocking
/// [`lockladder::sync::FileLock`](crate::sync::FileLock) waits in the kernel.
///
/// Contended waits need a tokio runtime with the time driver enabled
/// (`#[tokio::main]` and `#[tokio::test]` enable it); the uncontended path
/// needs no timer. Opening and locking are quick system calls made on the
/// polling thread.
pub struct FileLock<L> {
    lock: LevelledLockFile<L>,
}

impl<L: Level> FileLock<L> {
    /// A lock on the file at `path`, at the level `L` named by the expected
    /// type. Creates the file (empty) if it is missing, never writes to,
    /// truncates or removes it, so a wrong directory or permission fails here.
    /// Read access to an existing file is enough. A path that names a
    /// directory, FIFO, socket or device fails with
    /// [`NotARegularFile`](crate::FileLockErrorKind::NotARegularFile).
    ///
    /// ```
    /// use lockladder::{lock_level, FileLock};
    ///
    /// #[lock_level(10)]
    /// enum StoreLevel {}
    ///
    /// # fn main() -> Result<(), lockladder::FileLockError> {
    /// let path = std::env::temp_dir().join(format!("lockladder-doc-{}.lock", std::process::id()));
    /// let store: FileLock<StoreLevel> = FileLock::open(&path)?;
    /// # std::fs::remove_file(&path).ok();
    /// # Ok(())
    /// # }
    /// ```
    pub fn open(path: impl AsRef<Path>) -> Result<Self, FileLockError> {
        Ok(FileLock { lock: LevelledLockFile::open(path.as_ref())? })
    }

    /// Makes [`lock`](FileLock::lock) and [`lock_shared`](FileLock::lock_shared)
    /// give up after `limit` with a [`TimedOut`](crate::FileLockErrorKind::TimedOut)
    /// error that names the holder. Without it they wait as long as it takes.
    ///
    /// ```
    /// use std::time::Duration;
    /// use lockladder::{lock_level, FileLock};
    ///
    /// #[lock_level(10)]
    /// enum StoreLevel {}
    ///
    /// # fn main() -> Result<(), lockladder::FileLockError> {
    /// # let path = std::env::temp_dir().join(format!("lockladder-doc-{}.lock", std::process::id()));
    /// let store: FileLock<StoreLevel> = FileLock::open(&path)?.wait_at_most(Duration::from_secs(10));
    /// # std::fs::remove_file(&path).ok();
    /// # Ok(())
    /// # }
    /// ```
    pub fn wait_at_most(self, limit: Duration) -> Self {
        FileLock { lock: self.lock.wait_at_most(limit) }
    }

    /// The lock file's absolute path.
    ///
    /// ```
    /// # use lockladder::{lock_level, FileLock};
    /// # #[lock_level(10)] enum StoreLevel {}
    /// # let path = std::env::temp_dir().join(format!("lockladder-doc-{}.lock", std::process::id()));
    /// let store: FileLock<StoreLevel> = FileLock::open(&path).unwrap();
    /// assert_eq!(store.path(), path);
    /// # std::fs::remove_file(&path).ok();
    /// ```
    pub fn path(&self) -> &Path {
        self.lock.path()
    }

    /// Waits for the lock exclusively, then returns the guard and a token at
    /// level `L`.
    ///
    /// The token passed in must hold a level below `L`; otherwise this is a
    /// compile error naming both levels.
    ///
    /// ```
    /// use lockladder::{lock_level, FileLock, LockToken};
    ///
    /// #[lock_level(10)]
    /// enum StoreLevel {}
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
    /// # let path = std::env::temp_dir().join(format!("lockladder-doc-{}.lock", std::process::id()));
    /// let store: FileLock<StoreLevel> = FileLock::open(&path)?;
    /// let mut token = LockToken::new();
    /// let (_guard, _token) = store.lock(&mut token).await?;
    /// // ... update the store on disk ...
    /// # std::fs::remove_file(&path).ok();
    /// # Ok::<(), lockladder::FileLockError>(())
    /// # }).unwrap();
    /// ```
    #[track_caller]
    pub fn lock<'a, H: LockBefore<L>>(
        &'a self,
        token: &'a mut LockToken<'_, H>,
    ) -> FileLockFuture<'a, L> {
        let _ = token;
        FileLockFuture::new(self.lock.waiting(Mode::Exclusive))
    }

    /// Waits for the lock in shared mode: any number of shared holders at once,
    /// none while an exclusive holder has it.
    ///
    /// ```
    /// use lockladder::{lock_level, FileLock, LockToken};
    ///
    /// #[lock_level(10)]
    /// enum StoreLevel {}
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
    /// # let path = std::env::temp_dir().join(format!("lockladder-doc-{}.lock", std::process::id()));
    /// let store: FileLock<StoreLevel> = FileLock::open(&path)?;
    /// let mut token = LockToken::new();
    /// let (_reader, _) = store.lock_shared(&mut token).await?;
    /// // Readers share it: another one (a thread of its own here) gets it at the same time.
    /// let shared = std::thread::scope(|scope| {
    ///     scope.spawn(|| store.try_lock_shared(&mut LockToken::new()).is_ok()).join().unwrap()
    /// });
    /// assert!(shared);
    /// # std::fs::remove_file(&path).ok();
    /// # Ok::<(), lockladder::FileLockError>(())
    /// # }).unwrap();
    /// ```
    #[track_caller]
    pub fn lock_shared<'a, H: LockBefore<L>>(
        &'a self,
        token: &'a mut LockToken<'_, H>,
    ) -> FileLockFuture<'a, L> {
        let _ = token;
        FileLockFuture::new(self.lock.waiting(Mode::Shared))
    }

    /// Takes the lock exclusively if nobody holds it right now; otherwise a
    /// [`WouldBlock`](crate::FileLockErrorKind::WouldBlock) error that names
    /// the holder, or [`HeldByThisProcess`](crate::FileLockErrorKind::HeldByThisProcess)
    /// if the holder is this process.
    ///
    /// ```
    /// use lockladder::{lock_level, FileLock, FileLockErrorKind, LockToken};
    ///
    /// #[lock_level(10)]
    /// enum StoreLevel {}
    ///
    /// # let path = std::env::temp_dir().join(format!("lockladder-doc-{}.lock", std::process::id()));
    /// let store: FileLock<StoreLevel> = FileLock::open(&path).unwrap();
    /// // Another holder, as another process would take it (here a plain `File::lock`).
    /// let other = std::fs::File::open(&path).unwrap();
    /// other.lock().unwrap();
    ///
    /// let err = store.try_lock(&mut LockToken::new()).unwrap_err();
    /// assert_eq!(err.kind(), FileLockErrorKind::WouldBlock);
    /// # #[cfg(target_os = "linux")]
    /// assert!(err.to_string().contains(&format!("is held by pid {}", std::process::id())));
    ///
    /// drop(other);
    /// assert!(store.try_lock(&mut LockToken::new()).is_ok());
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
    /// use lockladder::{lock_level, FileLock, LockToken};
    ///
    /// #[lock_level(10)]
    /// enum StoreLevel {}
    ///
    /// # let path = std::env::temp_dir().join(format!("lockladder-doc-{}.lock", std::process::id()));
    /// let store: FileLock<StoreLevel> = FileLock::open(&path).unwrap();
    /// let mut reader_token = LockToken::new();
    /// let (_reader, _) = store.try_lock_shared(&mut reader_token).unwrap();
    /// // A writer must wait (in this process, it is refused at once).
    /// std::thread::scope(|scope| {
    ///     scope.spawn(|| assert!(store.try_lock(&mut LockToken::new()).is_err()));
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

impl<L: Level> fmt::Debug for FileLock<L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.lock.debug_as("FileLock", f)
    }
}

/// The future of [`FileLock::lock`] and [`FileLock::lock_shared`]: resolves to
/// the guard and a token at `L`, or the error that stopped it.
///
/// A named type on purpose: an `impl Future` would capture the held level and
/// make rustc report an order violation three times. Dropping it abandons the
/// wait; nothing is held between attempts.
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct FileLockFuture<'a, L> {
    attempts: Attempts<'a, L>,
    backoff: Backoff,
    // Boxed: allocated only once the lock turns out to be contended.
    pause: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl<'a, L> FileLockFuture<'a, L> {
    fn new(attempts: Attempts<'a, L>) -> Self {
        FileLockFuture { backoff: attempts.backoff(), attempts, pause: None }
    }
}

impl<'a, L> Future for FileLockFuture<'a, L> {
    type Output = Result<(FileLockGuard<'a>, LockToken<'a, L>), FileLockError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        loop {
            if let Some(pause) = &mut this.pause {
                ready!(pause.as_mut().poll(cx));
            }
            let busy = match this.attempts.attempt()? {
                Tried::Acquired(acquired) => return Poll::Ready(Ok(acquired)),
                Tried::Busy(busy) => busy,
            };
            let pause = this.attempts.pause_after(&busy, &mut this.backoff)?;
            let wake_at = tokio::time::Instant::now() + pause;
            match &mut this.pause {
                Some(sleep) => sleep.as_mut().reset(wake_at),
                None => this.pause = Some(Box::pin(tokio::time::sleep_until(wake_at))),
            }
        }
    }
}

impl<L: Level> fmt::Debug for FileLockFuture<'_, L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FileLockFuture<{} (level {})>", L::NAME, L::LEVEL)
    }
}
