//! Does the path still name the file we locked?
//!
//! The kernel locks an inode, not a name. If the file was removed or replaced
//! between our `open` and the moment the lock was granted, we hold the lock on
//! a file nobody else will open again, while the next process to open the path
//! locks the new file: two holders. So after locking we compare the device and
//! inode of our handle with those the path names now, and retry on a mismatch.

use std::fs::File;
use std::io;
use std::path::Path;

/// `Ok(false)` if the path is gone or names another file than `file`.
#[cfg(unix)]
pub(super) fn path_names(path: &Path, file: &File) -> io::Result<bool> {
    use std::os::unix::fs::MetadataExt;

    let locked = file.metadata()?;
    match std::fs::metadata(path) {
        Ok(named) => Ok(named.dev() == locked.dev() && named.ino() == locked.ino()),
        Err(gone) if gone.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(other) => Err(other),
    }
}

/// Elsewhere stable std exposes no file identity (Windows' file index is still
/// unstable), so the check is skipped there: a lock file removed or replaced
/// while a process waits for it can then yield two holders.
#[cfg(not(unix))]
pub(super) fn path_names(_path: &Path, _file: &File) -> io::Result<bool> {
    Ok(true)
}
