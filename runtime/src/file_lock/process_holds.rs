//! The lock files this process holds, so that it never waits for itself.
//!
//! The kernel's lock belongs to an open file description, so two handles of
//! one process exclude each other as two processes do: a task that holds a
//! file (through one `FileLock`) and then asks for it again (through another
//! `FileLock` on the same path, a symlink or a hard link to it, or at another
//! level) would wait for itself forever. Every hold is registered here by file
//! identity until its guard drops, and an acquisition that conflicts with one
//! is refused instead of waiting. A task cannot be told from another task of
//! the same process (a guard may move between them), so the rule is per
//! process: within one process, a file is held once (or shared any number of
//! times), and tasks that must take turns on it take turns on a `Mutex` first.

use core::panic::Location;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use parking_lot::Mutex;

use super::identity::FileId;
use super::lock_file::Mode;

/// Every hold of this process, in no order. A handful at most, so a scan.
static HOLDS: Mutex<Vec<Registered>> = Mutex::new(Vec::new());
static NEXT_ID: AtomicU64 = AtomicU64::new(0);

struct Registered {
    id: u64,
    file: FileId,
    hold: HeldHere,
}

/// A hold of this process that an acquisition ran into.
#[derive(Debug, Clone)]
pub(crate) struct HeldHere {
    pub(crate) mode: Mode,
    pub(crate) level: (&'static str, u32),
    pub(crate) path: PathBuf,
    pub(crate) taken_at: &'static Location<'static>,
}

/// The hold of this process that an acquisition of `file` in `mode` would
/// wait for, if any. Shared holds only conflict with an exclusive one.
pub(crate) fn conflicting(file: &FileId, mode: Mode) -> Option<HeldHere> {
    let holds = HOLDS.lock();
    holds
        .iter()
        .find(|held| {
            held.file == *file && (mode == Mode::Exclusive || held.hold.mode == Mode::Exclusive)
        })
        .map(|held| held.hold.clone())
}

/// A registered hold; dropping it ends the registration.
#[derive(Debug)]
pub(crate) struct ProcessHold {
    id: u64,
}

impl ProcessHold {
    /// Registers a hold the kernel has just granted.
    pub(crate) fn register(
        file: FileId,
        mode: Mode,
        level: (&'static str, u32),
        path: &Path,
        taken_at: &'static Location<'static>,
    ) -> Self {
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        let hold = HeldHere { mode, level, path: path.to_owned(), taken_at };
        HOLDS.lock().push(Registered { id, file, hold });
        ProcessHold { id }
    }
}

impl Drop for ProcessHold {
    fn drop(&mut self) {
        let mut holds = HOLDS.lock();
        if let Some(index) = holds.iter().position(|held| held.id == self.id) {
            holds.swap_remove(index);
        }
    }
}
