//! [`FileLockHolder`]: who holds a lock file, as the kernel tells it.
//!
//! Nothing is written anywhere, least of all into the locked file: on Linux,
//! `/proc/locks` lists every `flock` with the pid of the process that took it
//! and the device and inode of its file, and `/proc/<pid>` gives that
//! process's program and start time. Elsewhere no holder is named.

use core::fmt;
use std::fs::File;
use std::time::{Duration, SystemTime};

/// A process that holds a lock file, as the operating system reports it.
///
/// Found in a [`FileLockError`](crate::FileLockError) when `try_lock` or a
/// limited wait fails, so the message can say who to look at. Linux only
/// (from `/proc/locks`); elsewhere errors say "held by another process".
///
/// ```
/// use lockladder::{lock_level, FileLock, LockToken};
///
/// #[lock_level(10)]
/// enum StoreLevel {}
///
/// let path = std::env::temp_dir().join(format!("lockladder-doc-{}.lock", std::process::id()));
/// let store: FileLock<StoreLevel> = FileLock::open(&path)?;
/// // Another holder, as another process would take it (here a plain `File::lock`).
/// let other = std::fs::File::open(&path)?;
/// other.lock()?;
///
/// let busy = store.try_lock(&mut LockToken::new()).unwrap_err();
/// if let Some(holder) = busy.holder() {
///     eprintln!("pid {} ({:?}) holds the store", holder.pid(), holder.program());
/// }
/// # #[cfg(target_os = "linux")]
/// assert_eq!(busy.holder().map(|holder| holder.pid()), Some(std::process::id()));
/// # drop(other);
/// # std::fs::remove_file(&path).ok();
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileLockHolder {
    pid: u32,
    exclusive: bool,
    program: Option<String>,
    started: Option<SystemTime>,
}

impl FileLockHolder {
    /// The holder's process id (the process that took the lock; a child that
    /// inherited its handle holds it too, unnamed).
    ///
    /// ```
    /// # use lockladder::{lock_level, FileLock, LockToken};
    /// # #[lock_level(10)] enum StoreLevel {}
    /// # let path = std::env::temp_dir().join(format!("lockladder-doc-{}.lock", std::process::id()));
    /// # let store: FileLock<StoreLevel> = FileLock::open(&path).unwrap();
    /// # let other = std::fs::File::open(&path).unwrap();
    /// # other.lock().unwrap();
    /// let busy = store.try_lock(&mut LockToken::new()).unwrap_err();
    /// # #[cfg(target_os = "linux")]
    /// assert_eq!(busy.holder().unwrap().pid(), std::process::id());
    /// # std::fs::remove_file(&path).ok();
    /// ```
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// `true` if it holds the lock exclusively, `false` if shared.
    ///
    /// ```
    /// # use lockladder::{lock_level, FileLock, LockToken};
    /// # #[lock_level(10)] enum StoreLevel {}
    /// # let path = std::env::temp_dir().join(format!("lockladder-doc-{}.lock", std::process::id()));
    /// # let store: FileLock<StoreLevel> = FileLock::open(&path).unwrap();
    /// let reader = std::fs::File::open(&path).unwrap();
    /// reader.lock_shared().unwrap();
    /// let busy = store.try_lock(&mut LockToken::new()).unwrap_err();
    /// # #[cfg(target_os = "linux")]
    /// assert!(!busy.holder().unwrap().is_exclusive());
    /// # std::fs::remove_file(&path).ok();
    /// ```
    pub fn is_exclusive(&self) -> bool {
        self.exclusive
    }

    /// The holder's program (its executable's file name), if it could be read.
    ///
    /// ```
    /// # use lockladder::{lock_level, FileLock, LockToken};
    /// # #[lock_level(10)] enum StoreLevel {}
    /// # let path = std::env::temp_dir().join(format!("lockladder-doc-{}.lock", std::process::id()));
    /// # let store: FileLock<StoreLevel> = FileLock::open(&path).unwrap();
    /// # let other = std::fs::File::open(&path).unwrap();
    /// # other.lock().unwrap();
    /// let busy = store.try_lock(&mut LockToken::new()).unwrap_err();
    /// # #[cfg(target_os = "linux")]
    /// assert!(busy.holder().unwrap().program().is_some());
    /// # std::fs::remove_file(&path).ok();
    /// ```
    pub fn program(&self) -> Option<&str> {
        self.program.as_deref()
    }

    /// When the holder process started, if it could be read: it has held the
    /// lock for at most that long. (When it took the lock is recorded nowhere:
    /// recording it would mean writing somewhere.)
    ///
    /// ```
    /// # use lockladder::{lock_level, FileLock, LockToken};
    /// # #[lock_level(10)] enum StoreLevel {}
    /// # let path = std::env::temp_dir().join(format!("lockladder-doc-{}.lock", std::process::id()));
    /// # let store: FileLock<StoreLevel> = FileLock::open(&path).unwrap();
    /// # let other = std::fs::File::open(&path).unwrap();
    /// # other.lock().unwrap();
    /// let busy = store.try_lock(&mut LockToken::new()).unwrap_err();
    /// # #[cfg(target_os = "linux")]
    /// assert!(busy.holder().unwrap().started().unwrap() <= std::time::SystemTime::now());
    /// # std::fs::remove_file(&path).ok();
    /// ```
    pub fn started(&self) -> Option<SystemTime> {
        self.started
    }
}

impl fmt::Display for FileLockHolder {
    /// `pid 1234 (secret_store, exclusive, started 2m 5s ago)`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "pid {} (", self.pid)?;
        if let Some(program) = &self.program {
            write!(f, "{program}, ")?;
        }
        f.write_str(if self.exclusive { "exclusive" } else { "shared" })?;
        if let Some(age) = self.started.and_then(|started| started.elapsed().ok()) {
            write!(f, ", started {} ago", Age(age))?;
        }
        f.write_str(")")
    }
}

/// `3.1s`, `2m 5s`, `3h 12m`.
struct Age(Duration);

impl fmt::Display for Age {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.0.as_secs();
        match secs {
            0..60 => write!(f, "{:.1}s", self.0.as_secs_f64()),
            60..3600 => write!(f, "{}m {}s", secs / 60, secs % 60),
            _ => write!(f, "{}h {}m", secs / 3600, secs % 3600 / 60),
        }
    }
}

/// The processes holding the lock of `file`, exclusive holders first; empty
/// where the system does not say.
pub(crate) fn holders_of(file: &File) -> Vec<FileLockHolder> {
    #[cfg(target_os = "linux")]
    {
        linux::holders_of(file)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = file;
        Vec::new()
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use std::fs::File;
    use std::path::Path;
    use std::time::{Duration, SystemTime, UNIX_EPOCH};

    use super::FileLockHolder;
    use crate::file_lock::identity::FileId;

    /// Clock ticks per second in `/proc/<pid>/stat`: `USER_HZ`, 100 on every
    /// Linux architecture Rust supports (what `sysconf(_SC_CLK_TCK)` returns).
    const USER_HZ: u64 = 100;

    /// One `flock` line of `/proc/locks`.
    #[derive(Debug, PartialEq)]
    pub(super) struct KernelLock {
        pub(super) pid: u32,
        pub(super) exclusive: bool,
        pub(super) device: (u64, u64),
        pub(super) inode: u64,
    }

    pub(super) fn holders_of(file: &File) -> Vec<FileLockHolder> {
        let (Ok(id), Ok(table)) =
            (FileId::of(file, Path::new("")), std::fs::read_to_string("/proc/locks"))
        else {
            return Vec::new();
        };
        let locks: Vec<KernelLock> = table.lines().filter_map(parse_line).collect();
        let on_inode = |lock: &&KernelLock| lock.inode == id.inode();
        let exact: Vec<&KernelLock> = locks
            .iter()
            .filter(on_inode)
            .filter(|lock| lock.device == id.device_numbers())
            .collect();
        // Some filesystems (btrfs subvolumes, overlayfs) report another device
        // to `stat` than in `/proc/locks`: then the inode alone, as `lslocks` does.
        let matching =
            if exact.is_empty() { locks.iter().filter(on_inode).collect() } else { exact };

        let mut holders: Vec<FileLockHolder> = Vec::new();
        for lock in matching {
            if !holders.iter().any(|seen| seen.pid == lock.pid && seen.exclusive == lock.exclusive)
            {
                holders.push(describe(lock));
            }
        }
        holders.sort_by_key(|holder| !holder.exclusive);
        holders
    }

    /// `1: FLOCK  ADVISORY  WRITE 10111 fe:00:10011016 0 EOF`; `None` for
    /// other kinds of lock, for waiters (`1: -> FLOCK ...`) and for holders
    /// outside our pid namespace (pid 0 or -1).
    pub(super) fn parse_line(line: &str) -> Option<KernelLock> {
        let mut fields = line.split_whitespace().skip(1);
        if fields.next()? != "FLOCK" {
            return None;
        }
        let exclusive = match fields.nth(1)? {
            "WRITE" => true,
            "READ" => false,
            _ => return None,
        };
        let pid: u32 = fields.next()?.parse().ok().filter(|pid| *pid != 0)?;
        let mut file = fields.next()?.split(':');
        let major = u64::from_str_radix(file.next()?, 16).ok()?;
        let minor = u64::from_str_radix(file.next()?, 16).ok()?;
        let inode = file.next()?.parse().ok()?;
        Some(KernelLock { pid, exclusive, device: (major, minor), inode })
    }

    fn describe(lock: &KernelLock) -> FileLockHolder {
        FileLockHolder {
            pid: lock.pid,
            exclusive: lock.exclusive,
            program: program(lock.pid),
            started: started(lock.pid),
        }
    }

    /// The file name of the program's first argument, else its `comm`.
    fn program(pid: u32) -> Option<String> {
        let from_arguments = std::fs::read(format!("/proc/{pid}/cmdline")).ok().and_then(|line| {
            let first = line.split(|byte| *byte == 0).next()?;
            let first = String::from_utf8_lossy(first);
            let name = Path::new(first.as_ref()).file_name()?.to_string_lossy().into_owned();
            (!name.is_empty()).then_some(name)
        });
        from_arguments.or_else(|| {
            let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).ok()?;
            Some(comm.trim_end().to_owned()).filter(|comm| !comm.is_empty())
        })
    }

    /// Boot time plus the process's start in ticks after boot.
    fn started(pid: u32) -> Option<SystemTime> {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        let ticks = start_ticks(&stat)?;
        let system = std::fs::read_to_string("/proc/stat").ok()?;
        let boot: u64 =
            system.lines().find_map(|line| line.strip_prefix("btime "))?.trim().parse().ok()?;
        Some(
            UNIX_EPOCH
                + Duration::from_secs(boot)
                + Duration::from_millis(ticks.checked_mul(1000 / USER_HZ)?),
        )
    }

    /// Field 22 of `/proc/<pid>/stat`, counted after the `(comm)` field,
    /// which may itself contain spaces and parentheses.
    pub(super) fn start_ticks(stat: &str) -> Option<u64> {
        let (_, after_comm) = stat.rsplit_once(')')?;
        after_comm.split_whitespace().nth(19)?.parse().ok()
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::linux::{KernelLock, parse_line, start_ticks};

    #[test]
    fn flock_lines_parse_and_others_do_not() {
        assert_eq!(
            parse_line("1: FLOCK  ADVISORY  WRITE 10111 fe:00:10011016 0 EOF"),
            Some(KernelLock { pid: 10111, exclusive: true, device: (0xfe, 0), inode: 10011016 })
        );
        assert_eq!(
            parse_line("2: FLOCK  ADVISORY  READ 7 103:1a:42 0 EOF"),
            Some(KernelLock { pid: 7, exclusive: false, device: (0x103, 0x1a), inode: 42 })
        );
        assert_eq!(parse_line("3: -> FLOCK  ADVISORY  WRITE 10112 fe:00:10011016 0 EOF"), None);
        assert_eq!(parse_line("4: POSIX  ADVISORY  WRITE 999 00:2e:123 0 EOF"), None);
        assert_eq!(parse_line("5: FLOCK  ADVISORY  WRITE -1 fe:00:10011016 0 EOF"), None);
        assert_eq!(parse_line(""), None);
    }

    #[test]
    fn start_time_is_read_past_a_command_with_spaces_and_parentheses() {
        let stat =
            "42 (a) b (c)) S 1 42 42 0 -1 4194304 99 0 0 0 0 0 0 0 20 0 1 0 29213 3133440 412";
        assert_eq!(start_ticks(stat), Some(29213));
    }
}
