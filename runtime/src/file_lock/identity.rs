//! Which file a handle or a path names: the identity the kernel locks.
//!
//! The kernel locks an inode, not a name. Two paths (a symlink, a hard link,
//! the same path spelled twice) can name one file, and one path can come to
//! name another file (removed or replaced). So a hold is identified by the
//! file's device and inode, and after locking we compare the identity of our
//! handle with the one the path names now: if the file was removed or
//! replaced between our `open` and the grant, we hold a lock nobody else will
//! take again, while the next process locks the new file (two holders).

use std::fs::File;
use std::io;
use std::path::Path;

/// A file's identity: device and inode on Unix.
#[cfg(unix)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FileId {
    device: u64,
    inode: u64,
}

/// Elsewhere stable std exposes no file identity (Windows' file index is
/// still unstable), so the canonical path stands in: it sees through
/// symlinks and `..`, not through hard links.
#[cfg(not(unix))]
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FileId {
    canonical: std::path::PathBuf,
}

impl FileId {
    /// The identity of the open file `file`, opened from `path`.
    #[cfg(unix)]
    pub(crate) fn of(file: &File, _path: &Path) -> io::Result<Self> {
        Ok(Self::from_metadata(&file.metadata()?))
    }

    #[cfg(not(unix))]
    pub(crate) fn of(_file: &File, path: &Path) -> io::Result<Self> {
        Ok(FileId { canonical: std::fs::canonicalize(path)? })
    }

    #[cfg(unix)]
    pub(crate) fn from_metadata(metadata: &std::fs::Metadata) -> Self {
        use std::os::unix::fs::MetadataExt;
        FileId { device: metadata.dev(), inode: metadata.ino() }
    }

    /// The device number as the kernel prints it (`major`, `minor`), Linux's
    /// encoding of `dev_t`.
    #[cfg(target_os = "linux")]
    pub(crate) fn device_numbers(&self) -> (u64, u64) {
        let dev = self.device;
        let major = ((dev >> 8) & 0xfff) | ((dev >> 32) & !0xfff);
        let minor = (dev & 0xff) | ((dev >> 12) & !0xff);
        (major, minor)
    }

    #[cfg(target_os = "linux")]
    pub(crate) fn inode(&self) -> u64 {
        self.inode
    }
}

/// `Ok(false)` if the path is gone or names another file than `file`.
#[cfg(unix)]
pub(super) fn path_names(path: &Path, file: &File) -> io::Result<bool> {
    let locked = FileId::from_metadata(&file.metadata()?);
    match std::fs::metadata(path) {
        Ok(named) => Ok(FileId::from_metadata(&named) == locked),
        Err(gone) if gone.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(other) => Err(other),
    }
}

/// Skipped where there is no file identity: a lock file removed or replaced
/// while a process waits for it can then yield two holders.
#[cfg(not(unix))]
pub(super) fn path_names(_path: &Path, _file: &File) -> io::Result<bool> {
    Ok(true)
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn device_numbers_split_as_the_kernel_prints_them() {
        // makedev(0xfe, 0x00) and makedev(0x103, 0x12345).
        assert_eq!(FileId { device: 0xfe00, inode: 1 }.device_numbers(), (0xfe, 0));
        let big = (0x12345 & 0xff) | (0x103 << 8) | ((0x12345 & !0xff) << 12);
        assert_eq!(FileId { device: big, inode: 1 }.device_numbers(), (0x103, 0x12345));
    }
}
