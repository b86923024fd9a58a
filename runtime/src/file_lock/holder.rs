//! [`FileLockHolder`]: who holds a lock file, as its exclusive holder records it.
//!
//! The record is one line, `pid=1234 since=1763885328.512 program=secret_store`,
//! written into the lock file once the lock is held exclusively and cleared on
//! release. It is diagnostics only: the kernel's lock decides who holds it.

use core::fmt;
use std::fs::File;
use std::io::{Read, Write};
use std::sync::OnceLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The longest record read back; a real one is well under 200 bytes.
const MAX_RECORD: u64 = 512;

/// The process that holds a lock file exclusively, as recorded in the file.
///
/// Found in a [`FileLockError`](crate::FileLockError) when `try_lock` or a
/// limited wait fails, so the message can say who to look at.
///
/// ```
/// use lockladder::{lock_level, FileLock, LockToken};
///
/// #[lock_level(10)]
/// enum StoreLevel {}
///
/// let path = std::env::temp_dir().join(format!("lockladder-doc-{}.lock", std::process::id()));
/// let store: FileLock<StoreLevel> = FileLock::open(&path)?;
/// let mut ours = LockToken::new();
/// let (_held, _) = store.try_lock(&mut ours)?; // as if another process held it
///
/// // Another holder: a thread of its own here (one root token per thread).
/// std::thread::scope(|scope| {
///     scope.spawn(|| {
///         let mut token = LockToken::new();
///         if let Err(busy) = store.try_lock(&mut token) {
///             let holder = busy.holder().expect("exclusive holders record themselves");
///             eprintln!("pid {} has held the store for {:?}", holder.pid(), holder.held_for());
///         }
///     });
/// });
/// # std::fs::remove_file(&path).ok();
/// # Ok::<(), lockladder::FileLockError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileLockHolder {
    pid: u32,
    since: SystemTime,
    program: Option<String>,
}

impl FileLockHolder {
    /// The holder's process id.
    ///
    /// ```
    /// # use lockladder::{lock_level, FileLock, LockToken};
    /// # #[lock_level(10)] enum StoreLevel {}
    /// # let path = std::env::temp_dir().join(format!("lockladder-doc-{}.lock", std::process::id()));
    /// # let store: FileLock<StoreLevel> = FileLock::open(&path).unwrap();
    /// # let mut held_token = LockToken::new();
    /// # let (_held, _) = store.try_lock(&mut held_token).unwrap();
    /// # let busy = std::thread::scope(|s| s.spawn(|| store.try_lock(&mut LockToken::new()).unwrap_err()).join().unwrap());
    /// let holder = busy.holder().expect("an exclusive holder records itself");
    /// assert_eq!(holder.pid(), std::process::id());
    /// # std::fs::remove_file(&path).ok();
    /// ```
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// When the holder took the lock (its own clock).
    ///
    /// ```
    /// # use lockladder::{lock_level, FileLock, LockToken};
    /// # #[lock_level(10)] enum StoreLevel {}
    /// # let path = std::env::temp_dir().join(format!("lockladder-doc-{}.lock", std::process::id()));
    /// # let store: FileLock<StoreLevel> = FileLock::open(&path).unwrap();
    /// # let mut held_token = LockToken::new();
    /// # let (_held, _) = store.try_lock(&mut held_token).unwrap();
    /// # let busy = std::thread::scope(|s| s.spawn(|| store.try_lock(&mut LockToken::new()).unwrap_err()).join().unwrap());
    /// let holder = busy.holder().expect("an exclusive holder records itself");
    /// assert!(holder.since() <= std::time::SystemTime::now());
    /// # std::fs::remove_file(&path).ok();
    /// ```
    pub fn since(&self) -> SystemTime {
        self.since
    }

    /// How long the lock has been held, as far as this machine's clock can tell
    /// (zero if the holder's clock is ahead).
    ///
    /// ```
    /// # use lockladder::{lock_level, FileLock, LockToken};
    /// # #[lock_level(10)] enum StoreLevel {}
    /// # let path = std::env::temp_dir().join(format!("lockladder-doc-{}.lock", std::process::id()));
    /// # let store: FileLock<StoreLevel> = FileLock::open(&path).unwrap();
    /// # let mut held_token = LockToken::new();
    /// # let (_held, _) = store.try_lock(&mut held_token).unwrap();
    /// # let busy = std::thread::scope(|s| s.spawn(|| store.try_lock(&mut LockToken::new()).unwrap_err()).join().unwrap());
    /// let holder = busy.holder().expect("an exclusive holder records itself");
    /// assert!(holder.held_for() < std::time::Duration::from_secs(3600));
    /// # std::fs::remove_file(&path).ok();
    /// ```
    pub fn held_for(&self) -> Duration {
        self.since.elapsed().unwrap_or_default()
    }

    /// The holder's executable name, if it recorded one.
    ///
    /// ```
    /// # use lockladder::{lock_level, FileLock, LockToken};
    /// # #[lock_level(10)] enum StoreLevel {}
    /// # let path = std::env::temp_dir().join(format!("lockladder-doc-{}.lock", std::process::id()));
    /// # let store: FileLock<StoreLevel> = FileLock::open(&path).unwrap();
    /// # let mut held_token = LockToken::new();
    /// # let (_held, _) = store.try_lock(&mut held_token).unwrap();
    /// # let busy = std::thread::scope(|s| s.spawn(|| store.try_lock(&mut LockToken::new()).unwrap_err()).join().unwrap());
    /// let holder = busy.holder().expect("an exclusive holder records itself");
    /// assert!(holder.program().is_some());
    /// # std::fs::remove_file(&path).ok();
    /// ```
    pub fn program(&self) -> Option<&str> {
        self.program.as_deref()
    }

    fn current() -> Self {
        FileLockHolder {
            pid: std::process::id(),
            since: SystemTime::now(),
            program: Some(program_name().to_owned()),
        }
    }

    /// Reads the record from the start of a freshly opened lock file; `None`
    /// if it is empty (released, or held shared) or not a record of ours.
    pub(crate) fn read(mut file: &File) -> Option<Self> {
        let mut text = String::new();
        (&mut file).take(MAX_RECORD).read_to_string(&mut text).ok()?;
        Self::parse(text.lines().next()?)
    }

    fn parse(line: &str) -> Option<Self> {
        let rest = line.strip_prefix("pid=")?;
        let (pid, rest) = rest.split_once(" since=")?;
        let (since, program) = match rest.split_once(" program=") {
            Some((since, program)) => (since, Some(program.to_owned())),
            None => (rest, None),
        };
        let (secs, millis) = since.split_once('.').unwrap_or((since, "0"));
        let since = UNIX_EPOCH
            + Duration::from_secs(secs.parse().ok()?)
            + Duration::from_millis(millis.parse().ok()?);
        Some(FileLockHolder { pid: pid.parse().ok()?, since, program })
    }

    /// Replaces the file's content with the current process's record. Best
    /// effort: the lock is held whether or not the record could be written.
    pub(crate) fn record(mut file: &File) {
        let line = FileLockHolder::current().to_record();
        let _ = file.set_len(0).and_then(|()| file.write_all(line.as_bytes()));
    }

    fn to_record(&self) -> String {
        let since = self.since.duration_since(UNIX_EPOCH).unwrap_or_default();
        let mut line =
            format!("pid={} since={}.{:03}", self.pid, since.as_secs(), since.subsec_millis());
        if let Some(program) = &self.program {
            line.push_str(" program=");
            line.push_str(program);
        }
        line.push('\n');
        line
    }
}

impl fmt::Display for FileLockHolder {
    /// `pid 1234 (secret_store), held for 2.5s`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "pid {}", self.pid)?;
        if let Some(program) = &self.program {
            write!(f, " ({program})")?;
        }
        let held = self.held_for();
        write!(f, ", held for {}.{:01}s", held.as_secs(), held.subsec_millis() / 100)
    }
}

fn program_name() -> &'static str {
    static NAME: OnceLock<String> = OnceLock::new();
    NAME.get_or_init(|| {
        std::env::current_exe()
            .ok()
            .and_then(|exe| exe.file_name().map(|name| name.to_string_lossy().into_owned()))
            .unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_reads_back_as_written() {
        let holder = FileLockHolder {
            pid: 4242,
            since: UNIX_EPOCH + Duration::from_millis(1_763_885_328_512),
            program: Some("secret store".to_owned()),
        };
        let line = holder.to_record();
        assert_eq!(line, "pid=4242 since=1763885328.512 program=secret store\n");
        assert_eq!(FileLockHolder::parse(line.trim_end()), Some(holder));
    }

    #[test]
    fn foreign_content_is_no_holder() {
        assert_eq!(FileLockHolder::parse("12345"), None);
        assert_eq!(FileLockHolder::parse("pid=x since=1.0"), None);
    }
}
