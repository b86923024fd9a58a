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

/// Claimed by threads whose storage is gone (a lock taken in a thread-local's
/// destructor) and by acquisitions granted on another thread than the one
/// they began on, with compare-and-swap since several may claim at once.
static EXITING: Table = Table::new();

/// What a thread held when its acquisition began: if it has claimed nothing
/// since, the grant needs no second scan.
#[derive(Clone, Copy)]
pub(crate) struct Seen {
    table: &'static Table,
    /// The thread's key, as a number.
    pub(crate) owner: u64,
    /// The table is the calling thread's own (not `EXITING`).
    own: bool,
    claims: u64,
    highest: Option<Highest>,
}

/// Checks that the calling thread may take `level`; on a conflict, also
/// returns the thread's key.
#[inline(always)]
pub(crate) fn check(level: u32, in_set: bool) -> Result<Seen, (Conflict, u64)> {
    let held = HELD.try_with(|held| {
        let (table, owner) = held.table();
        (table, owner, true)
    });
    let (table, owner, own) =
        held.unwrap_or_else(|_| (&EXITING, TaskKey::of_thread(thread_number()).bits(), false));
    let seen = Seen { table, owner, own, claims: table.claims(), highest: table.highest(owner) };
    match conflict(seen.highest, level, in_set) {
        Some(conflict) => Err((conflict, owner)),
        None => Ok(seen),
    }
}

/// Checks as [`check`] did when the acquisition began (again only if the
/// thread claimed something since, or released what it held highest), then
/// records that the calling thread holds `site` since `since`; returns the
/// entry and the highest site held before.
#[inline(always)]
pub(crate) fn enter(
    seen: Seen,
    site: &'static Site,
    slot: u8,
    in_set: bool,
    since: Stamp,
) -> Result<(&'static Entry, Option<Highest>), Conflict> {
    let Seen { table, owner, .. } = seen;
    // Only the thread that owns a table claims in it without a
    // compare-and-swap: an acquisition begun on another thread (a future
    // moved between threads outside any task) claims in the shared one.
    let own = seen.own
        && HELD
            .try_with(|held| held.0.get().is_some_and(|(mine, _)| core::ptr::eq(mine, table)))
            .unwrap_or(false);
    let unchanged = own
        && table.claims() == seen.claims
        && seen.highest.is_none_or(|highest| highest.held_by(owner));
    let parent = if unchanged { seen.highest } else { table.highest(owner) };
    if !unchanged && let Some(conflict) = conflict(parent, site.level, in_set) {
        return Err(conflict);
    }
    let (table, shared) = if own { (table, false) } else { (&EXITING, true) };
    Ok((table.claim(owner, shared, site.level, site, slot, since), parent))
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
