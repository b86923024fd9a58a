//! [`FileLockError`]: every way taking a lock file can fail, with its context.

use core::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::holder::FileLockHolder;
use super::lock_file::Mode;
use super::process_holds::HeldHere;

/// What went wrong with a lock file; see [`FileLockError::kind`].
///
/// Contention with another process ([`WouldBlock`](Self::WouldBlock),
/// [`TimedOut`](Self::TimedOut)) is worth a retry later;
/// [`HeldByThisProcess`](Self::HeldByThisProcess) means two parts of this
/// process want the file at once (a task taking it twice, or two tasks that
/// should take turns on a `Mutex` first); the others need the path, its
/// permissions or the filesystem fixed.
///
/// ```
/// use lockladder::{lock_level, FileLock, FileLockErrorKind, LockToken};
///
/// #[lock_level(10)]
/// enum StoreLevel {}
///
/// let path = std::env::temp_dir().join(format!("lockladder-doc-{}.lock", std::process::id()));
/// let store: FileLock<StoreLevel> = FileLock::open(&path).unwrap();
/// // Another holder, as another process would take it (here a plain `File::lock`).
/// let other = std::fs::File::open(&path).unwrap();
/// other.lock().unwrap();
///
/// let mut token = LockToken::new();
/// match store.try_lock(&mut token) {
///     Ok(_) => unreachable!("held above"),
///     Err(busy) if busy.kind() == FileLockErrorKind::WouldBlock => { /* skip this run */ }
///     Err(broken) => panic!("{broken}"),
/// }
/// # std::fs::remove_file(&path).ok();
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FileLockErrorKind {
    /// The lock file could not be opened or created (a missing directory, no
    /// permission): fix the path or its permissions.
    Open,
    /// The path names a directory, a FIFO, a socket or a device: only a
    /// regular file can be a lock file. Checked by `open` and again by every
    /// acquisition (the path may change), before the path is opened, so a
    /// FIFO or device found there is never opened.
    NotARegularFile,
    /// The operating system refused the lock itself (not because of another
    /// holder), e.g. a filesystem without `flock` support.
    Lock,
    /// The check that the path still names the locked file failed.
    Verify,
    /// `try_lock` or `try_lock_shared` found the lock held by another process.
    WouldBlock,
    /// This process already holds the file (through this `FileLock` or
    /// another one on the same file: the same path, a symlink, a hard link),
    /// exclusively or, for an exclusive request, shared. Waiting for it would
    /// never end if the same task holds it, so every acquisition (waiting or
    /// not) is refused at once. The message names the hold: its level and the
    /// call that took it.
    HeldByThisProcess,
    /// The wait limit set with `wait_at_most` passed before the lock was free.
    TimedOut,
    /// The lock file was removed or replaced while held
    /// ([`FileLockGuard::verify`](crate::FileLockGuard::verify)).
    Lost,
}

/// A lock file could not be taken, or was lost.
///
/// The message names the path, the level and, when another process is in the
/// way, who holds it; [`source`](std::error::Error::source) gives
/// the operating system's error, if any.
///
/// ```
/// use lockladder::{lock_level, FileLock, FileLockErrorKind, LockToken};
///
/// #[lock_level(10)]
/// enum StoreLevel {}
///
/// let err = FileLock::<StoreLevel>::open("/nonexistent-dir/store.lock").unwrap_err();
/// assert_eq!(err.kind(), FileLockErrorKind::Open);
/// assert_eq!(
///     err.to_string(),
///     "cannot open or create the lock file `/nonexistent-dir/store.lock` of `StoreLevel` (lock level 10)"
/// );
/// assert!(std::error::Error::source(&err).is_some()); // "No such file or directory"
/// ```
#[derive(Debug)]
pub struct FileLockError {
    // Boxed: a `Result` carrying it stays two words wide on the success path.
    inner: Box<Context>,
}

#[derive(Debug)]
struct Context {
    kind: FileLockErrorKind,
    path: PathBuf,
    level_name: &'static str,
    level: u32,
    holders: Vec<FileLockHolder>,
    waited: Duration,
    operation: &'static str,
    what_it_is: &'static str,
    held_here: Option<HeldHere>,
    source: Option<io::Error>,
}

impl FileLockError {
    pub(crate) fn new(
        kind: FileLockErrorKind,
        path: &Path,
        (level_name, level): (&'static str, u32),
    ) -> Self {
        let inner = Box::new(Context {
            kind,
            path: path.to_owned(),
            level_name,
            level,
            holders: Vec::new(),
            waited: Duration::ZERO,
            operation: "",
            what_it_is: "",
            held_here: None,
            source: None,
        });
        FileLockError { inner }
    }

    pub(crate) fn with_source(mut self, source: io::Error) -> Self {
        self.inner.source = Some(source);
        self
    }

    pub(crate) fn with_holders(mut self, holders: Vec<FileLockHolder>) -> Self {
        self.inner.holders = holders;
        self
    }

    pub(crate) fn with_what_it_is(mut self, what_it_is: &'static str) -> Self {
        self.inner.what_it_is = what_it_is;
        self
    }

    pub(crate) fn with_held_here(mut self, held_here: HeldHere) -> Self {
        self.inner.held_here = Some(held_here);
        self
    }

    pub(crate) fn with_operation(mut self, operation: &'static str) -> Self {
        self.inner.operation = operation;
        self
    }

    pub(crate) fn with_waited(mut self, waited: Duration) -> Self {
        self.inner.waited = waited;
        self
    }

    /// What went wrong.
    ///
    /// ```
    /// use lockladder::{lock_level, FileLock, FileLockErrorKind};
    ///
    /// #[lock_level(10)]
    /// enum StoreLevel {}
    ///
    /// let err = FileLock::<StoreLevel>::open("/nonexistent-dir/x.lock").unwrap_err();
    /// assert_eq!(err.kind(), FileLockErrorKind::Open);
    /// ```
    pub fn kind(&self) -> FileLockErrorKind {
        self.inner.kind
    }

    /// The lock file's path.
    ///
    /// ```
    /// use lockladder::{lock_level, FileLock};
    ///
    /// #[lock_level(10)]
    /// enum StoreLevel {}
    ///
    /// let err = FileLock::<StoreLevel>::open("/nonexistent-dir/x.lock").unwrap_err();
    /// assert_eq!(err.path(), std::path::Path::new("/nonexistent-dir/x.lock"));
    /// ```
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// The process in the way, for [`WouldBlock`](FileLockErrorKind::WouldBlock)
    /// and [`TimedOut`](FileLockErrorKind::TimedOut), as the kernel reports it
    /// (Linux only; `None` elsewhere, or if it cannot be seen, e.g. from
    /// another pid namespace). An exclusive holder if there is one, else one of
    /// the shared holders.
    ///
    /// ```
    /// use lockladder::{lock_level, FileLock, LockToken};
    ///
    /// #[lock_level(10)]
    /// enum StoreLevel {}
    ///
    /// let path = std::env::temp_dir().join(format!("lockladder-doc-{}.lock", std::process::id()));
    /// let store: FileLock<StoreLevel> = FileLock::open(&path).unwrap();
    /// // Another holder, as another process would take it (here a plain `File::lock`).
    /// let other = std::fs::File::open(&path).unwrap();
    /// other.lock().unwrap();
    ///
    /// let busy = store.try_lock(&mut LockToken::new()).unwrap_err();
    /// # #[cfg(target_os = "linux")]
    /// assert_eq!(busy.holder().map(|h| h.pid()), Some(std::process::id()));
    /// # std::fs::remove_file(&path).ok();
    /// ```
    pub fn holder(&self) -> Option<&FileLockHolder> {
        self.inner.holders.first()
    }

    fn level(&self) -> LevelName<'_> {
        LevelName(self.inner.level_name, self.inner.level)
    }
}

/// `` `StoreLevel` (lock level 10) ``
struct LevelName<'a>(&'a str, u32);

impl fmt::Display for LevelName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` (lock level {})", self.0, self.1)
    }
}

/// `held by pid 1234 (app, exclusive, started 2.0s ago)`, or by someone the
/// system does not name.
struct HeldBy<'a>(&'a [FileLockHolder]);

impl fmt::Display for HeldBy<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            [] => f.write_str("held by another process (the system does not say which)"),
            [holder] => write!(f, "held by {holder}"),
            [holder, others @ ..] => {
                let plural = if others.len() == 1 { "" } else { "s" };
                write!(f, "held by {holder} and {} other shared holder{plural}", others.len())
            }
        }
    }
}

/// `held exclusively in this process, as `StoreLevel` (lock level 10), taken at src/main.rs:9:5`
struct HeldHereBy<'a>(&'a HeldHere, &'a Path);

impl fmt::Display for HeldHereBy<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let HeldHereBy(held, path) = self;
        let how = match held.mode {
            Mode::Exclusive => "exclusively",
            Mode::Shared => "shared",
        };
        write!(f, "held {how} in this process, as {}", LevelName(held.level.0, held.level.1))?;
        if held.path != *path {
            write!(f, " through `{}`", held.path.display())?;
        }
        write!(f, ", taken at {}", held.taken_at)
    }
}

impl fmt::Display for FileLockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (path, level, held_by) =
            (self.inner.path.display(), self.level(), HeldBy(&self.inner.holders));
        match self.inner.kind {
            FileLockErrorKind::Open => {
                write!(f, "cannot open or create the lock file `{path}` of {level}")
            }
            FileLockErrorKind::NotARegularFile => write!(
                f,
                "cannot use `{path}` as the lock file of {level}: it is {}, not a regular file",
                self.inner.what_it_is
            ),
            FileLockErrorKind::Lock => write!(f, "the system refused to lock `{path}` for {level}"),
            FileLockErrorKind::Verify => {
                write!(f, "cannot check that `{path}` still names the file locked for {level}")
            }
            FileLockErrorKind::WouldBlock => write!(
                f,
                "lock file `{path}` of {level} is {held_by}; `{}` does not wait for it (use `lock` to wait)",
                self.inner.operation
            ),
            FileLockErrorKind::HeldByThisProcess => {
                write!(f, "lock file `{path}` of {level} is already ")?;
                match &self.inner.held_here {
                    Some(held) => write!(f, "{}", HeldHereBy(held, &self.inner.path))?,
                    None => f.write_str("held in this process")?,
                }
                write!(
                    f,
                    "; `{}` refuses to wait for its own process (it would wait forever if this task holds it): drop that guard first, or let the tasks of one process take turns on a `Mutex` below the lock file",
                    self.inner.operation
                )
            }
            FileLockErrorKind::TimedOut => write!(
                f,
                "gave up after {:.1}s waiting for lock file `{path}` of {level}: it is {held_by}",
                self.inner.waited.as_secs_f64()
            ),
            FileLockErrorKind::Lost => write!(
                f,
                "lock file `{path}` of {level} was removed or replaced while held, so it no longer excludes other processes; stop and take the lock again"
            ),
        }
    }
}

impl std::error::Error for FileLockError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner.source.as_ref().map(|source| source as _)
    }
}
