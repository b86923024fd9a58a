//! [`FileLockError`]: every way taking a lock file can fail, with its context.

use core::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::holder::FileLockHolder;

/// What went wrong with a lock file; see [`FileLockError::kind`].
///
/// Contention ([`WouldBlock`](Self::WouldBlock), [`TimedOut`](Self::TimedOut))
/// is worth a retry later; the others need the path, its permissions or the
/// filesystem fixed.
///
/// ```
/// use lockladder::{lock_level, FileLock, FileLockErrorKind, LockToken};
///
/// #[lock_level(10)]
/// enum StoreLevel {}
///
/// let path = std::env::temp_dir().join(format!("lockladder-doc-{}.lock", std::process::id()));
/// let store: FileLock<StoreLevel> = FileLock::open(&path).unwrap();
/// let mut first = LockToken::new();
/// let (_held, _) = store.try_lock(&mut first).unwrap();
///
/// // Another holder: a thread of its own here (one root token per thread).
/// std::thread::scope(|scope| {
///     scope.spawn(|| {
///         let mut second = LockToken::new();
///         match store.try_lock(&mut second) {
///             Ok(_) => unreachable!("held above"),
///             Err(busy) if busy.kind() == FileLockErrorKind::WouldBlock => { /* skip this run */ }
///             Err(broken) => panic!("{broken}"),
///         }
///     });
/// });
/// # std::fs::remove_file(&path).ok();
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FileLockErrorKind {
    /// The lock file could not be opened or created (a missing directory, no
    /// write permission): fix the path or its permissions.
    Open,
    /// The operating system refused the lock itself (not because of another
    /// holder), e.g. a filesystem without `flock` support.
    Lock,
    /// The check that the path still names the locked file failed.
    Verify,
    /// `try_lock` or `try_lock_shared` found the lock held by someone else.
    WouldBlock,
    /// The wait limit set with `wait_at_most` passed before the lock was free.
    TimedOut,
    /// The lock file was removed or replaced while held
    /// ([`FileLockGuard::verify`](crate::FileLockGuard::verify)).
    Lost,
}

/// A lock file could not be taken, or was lost.
///
/// The message names the path, the level and, when another process is in the
/// way, the holder it recorded; [`source`](std::error::Error::source) gives
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
    holder: Option<FileLockHolder>,
    waited: Duration,
    operation: &'static str,
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
            holder: None,
            waited: Duration::ZERO,
            operation: "",
            source: None,
        });
        FileLockError { inner }
    }

    pub(crate) fn with_source(mut self, source: io::Error) -> Self {
        self.inner.source = Some(source);
        self
    }

    pub(crate) fn with_holder(mut self, holder: Option<FileLockHolder>) -> Self {
        self.inner.holder = holder;
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

    /// The holder in the way, for [`WouldBlock`](FileLockErrorKind::WouldBlock)
    /// and [`TimedOut`](FileLockErrorKind::TimedOut), if it recorded itself
    /// (exclusive holders do; shared ones and other programs do not).
    ///
    /// ```
    /// use lockladder::{lock_level, FileLock, LockToken};
    ///
    /// #[lock_level(10)]
    /// enum StoreLevel {}
    ///
    /// let path = std::env::temp_dir().join(format!("lockladder-doc-{}.lock", std::process::id()));
    /// let store: FileLock<StoreLevel> = FileLock::open(&path).unwrap();
    /// let mut held_token = LockToken::new();
    /// let (_held, _) = store.try_lock(&mut held_token).unwrap();
    /// // Another holder (a thread here, another process in production) is refused.
    /// let busy = std::thread::scope(|scope| {
    ///     scope.spawn(|| store.try_lock(&mut LockToken::new()).unwrap_err()).join().unwrap()
    /// });
    /// assert_eq!(busy.holder().map(|h| h.pid()), Some(std::process::id()));
    /// # std::fs::remove_file(&path).ok();
    /// ```
    pub fn holder(&self) -> Option<&FileLockHolder> {
        self.inner.holder.as_ref()
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

/// `held by pid 1234 (app), held for 2.0s` or a note that nobody recorded.
struct HeldBy<'a>(Option<&'a FileLockHolder>);

impl fmt::Display for HeldBy<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(holder) => write!(f, "held by {holder}"),
            None => f.write_str(
                "held by a holder that recorded no pid (a shared holder, or another program)",
            ),
        }
    }
}

impl fmt::Display for FileLockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (path, level, held_by) =
            (self.inner.path.display(), self.level(), HeldBy(self.holder()));
        match self.inner.kind {
            FileLockErrorKind::Open => {
                write!(f, "cannot open or create the lock file `{path}` of {level}")
            }
            FileLockErrorKind::Lock => write!(f, "the system refused to lock `{path}` for {level}"),
            FileLockErrorKind::Verify => {
                write!(f, "cannot check that `{path}` still names the file locked for {level}")
            }
            FileLockErrorKind::WouldBlock => write!(
                f,
                "lock file `{path}` of {level} is {held_by}; `{}` does not wait for it (use `lock` to wait)",
                self.inner.operation
            ),
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
