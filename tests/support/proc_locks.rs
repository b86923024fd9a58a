//! What the kernel says about flock waiters (Linux `/proc/locks`), so a test
//! can wait until a thread or process is really blocked on a given file.

use std::path::Path;
use std::time::{Duration, Instant};

/// Generous: only reached when something is broken.
const WATCHDOG: Duration = Duration::from_secs(60);

/// The inode the path names now.
pub fn inode(path: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).expect("stat the lock file").ino()
}

/// Returns once some waiter is blocked in the kernel on the lock of `inode`
/// (a `->` line of `/proc/locks`); panics after the watchdog. `meanwhile`
/// runs on every look, to fail at once if something else happens instead.
pub fn wait_for_blocked_waiter(inode: u64, mut meanwhile: impl FnMut()) {
    let suffix = format!(":{inode}");
    let give_up = Instant::now() + WATCHDOG;
    loop {
        let locks = std::fs::read_to_string("/proc/locks").expect("read /proc/locks");
        let blocked = locks.lines().any(|line| {
            line.contains(" -> ") && line.split_whitespace().any(|field| field.ends_with(&suffix))
        });
        if blocked {
            return;
        }
        meanwhile();
        assert!(Instant::now() < give_up, "nobody blocked on inode {inode}:\n{locks}");
        std::thread::sleep(Duration::from_millis(1));
    }
}
