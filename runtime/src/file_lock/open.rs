//! Opening a lock file: regular files only, read access only, never blocking.
//!
//! A lock file is opened anew by every acquisition. What the path names is
//! looked at before it is opened, so a device or FIFO found there is refused
//! unopened (opening a device can have effects: a tape rewinds on close, a
//! terminal becomes the controlling one). Should one replace the file between
//! the look and the open, the open cannot block (`O_NONBLOCK`) or adopt a
//! terminal (`O_NOCTTY`), and the handle is refused after an `fstat`.

use std::fs::{File, FileType, OpenOptions};
use std::io;
use std::path::Path;

/// Why a lock file could not be opened.
pub(super) enum OpenFailure {
    /// The path names something other than a regular file: what it is.
    NotARegularFile(&'static str),
    /// The operating system's error.
    Io(io::Error),
}

impl From<io::Error> for OpenFailure {
    fn from(error: io::Error) -> Self {
        OpenFailure::Io(error)
    }
}

/// Opens the regular file at `path` for reading (all `flock` needs), creating
/// it empty if missing. Never truncates, writes or removes anything.
pub(super) fn open_regular(path: &Path) -> Result<File, OpenFailure> {
    match std::fs::metadata(path) {
        Ok(named) => regular(named.file_type())?,
        Err(missing) if missing.kind() == io::ErrorKind::NotFound => {}
        Err(other) => return Err(other.into()),
    }
    let file = match options().read(true).open(path) {
        Ok(file) => file,
        // Missing (or a dangling symlink, whose target is created): create it.
        // `create` needs write access; the handle is never written to.
        Err(missing) if missing.kind() == io::ErrorKind::NotFound => {
            options().read(true).write(true).create(true).truncate(false).open(path)?
        }
        Err(other) => return Err(other.into()),
    };
    // The path may have been replaced between the look and the open.
    regular(file.metadata()?.file_type())?;
    Ok(file)
}

fn regular(file_type: FileType) -> Result<(), OpenFailure> {
    match describe(file_type) {
        None => Ok(()),
        Some(what) => Err(OpenFailure::NotARegularFile(what)),
    }
}

/// What a file that is not a regular file is, in words; `None` for a regular file.
fn describe(file_type: FileType) -> Option<&'static str> {
    if file_type.is_file() {
        return None;
    }
    if file_type.is_dir() {
        return Some("a directory");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return Some("a FIFO (named pipe)");
        }
        if file_type.is_socket() {
            return Some("a socket");
        }
        if file_type.is_char_device() {
            return Some("a character device");
        }
        if file_type.is_block_device() {
            return Some("a block device");
        }
    }
    Some("not a regular file")
}

/// Options that never block or adopt a terminal, should the path turn into a
/// FIFO or a device between the look and the open.
fn options() -> OpenOptions {
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    options
}
