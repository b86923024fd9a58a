//! The holds of a thread outside any tokio task: a table of its own, claimed
//! and scanned with plain loads and stores, no lock and no read-modify-write.
//!
//! Tasks move between threads and keep their holds in shared shards
//! (`held_set`); a thread is the only identity of code that runs outside a
//! task (plain threads, blocking locks in `main`, `block_on`). A guard sent to
//! another thread and dropped there clears its entry from there: entries are
//! atomics, and only their owner claims them.

use core::cell::Cell;
use std::sync::{Mutex, PoisonError};

use super::held_set::{Conflict, Entry, Highest, Table, conflict};
use super::site::Site;
use super::task::{TaskKey, thread_number};
use super::timing::Stamp;

thread_local! {
    static HELD: ThreadTable = const { ThreadTable(Cell::new(None)) };
}

/// The calling thread's table, taken from the pool at its first acquisition,
/// and the thread's key (as a number: the owner of its entries).
struct ThreadTable(Cell<Option<(&'static Table, u64)>>);

/// Tables of exited threads, for reuse (an entry still held by a guard that
/// outlived its thread stays claimed by that thread's key, which no thread
/// has again, so the next owner skips it).
static SPARE_TABLES: Mutex<Vec<&'static Table>> = Mutex::new(Vec::new());

/// Claimed by threads whose storage is gone, with compare-and-swap since
/// several may claim at once.
static EXITING: Table = Table::new();

/// Checks that the calling thread may take `level`; returns the thread's key
/// (as a number), with the conflict if there is one.
#[inline(always)]
pub(crate) fn check(level: u32, in_set: bool) -> (u64, Option<Conflict>) {
    let (table, owner, _) = mine();
    (owner, conflict(table.highest(owner), level, in_set))
}

/// Checks as [`check`] does, then records that the calling thread holds
/// `site` since `since`; returns the entry and the highest site held before,
/// or the thread's key and the conflict.
#[inline(always)]
pub(crate) fn enter(
    site: &'static Site,
    slot: u8,
    in_set: bool,
    since: Stamp,
) -> Result<(&'static Entry, Option<Highest>), (u64, Conflict)> {
    let (table, owner, shared) = mine();
    let parent = table.highest(owner);
    if let Some(conflict) = conflict(parent, site.level, in_set) {
        return Err((owner, conflict));
    }
    Ok((table.claim(owner, shared, site.level, site, slot, since), parent))
}

/// The calling thread's table, its key, and whether others claim in that
/// table too (only for a thread whose storage is gone: a lock taken in a
/// thread-local's destructor claims in one table shared by all such threads).
#[inline(always)]
fn mine() -> (&'static Table, u64, bool) {
    HELD.try_with(|held| {
        let (table, owner) = held.table();
        (table, owner, false)
    })
    .unwrap_or_else(|_| (&EXITING, TaskKey::of_thread(thread_number()).bits(), true))
}

impl ThreadTable {
    #[inline(always)]
    fn table(&self) -> (&'static Table, u64) {
        match self.0.get() {
            Some(mine) => mine,
            None => self.first_table(),
        }
    }

    #[cold]
    fn first_table(&self) -> (&'static Table, u64) {
        let table = SPARE_TABLES.lock().unwrap_or_else(PoisonError::into_inner).pop();
        // Leaked on purpose and reused: at most as many as threads alive at
        // once, and a guard released late must find its entry.
        let table = table.unwrap_or_else(|| Box::leak(Box::new(Table::new())));
        let mine = (table, TaskKey::of_thread(thread_number()).bits());
        self.0.set(Some(mine));
        mine
    }
}

impl Drop for ThreadTable {
    fn drop(&mut self) {
        if let Some((table, _)) = self.0.take() {
            SPARE_TABLES.lock().unwrap_or_else(PoisonError::into_inner).push(table);
        }
    }
}
