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

use super::held_set::{Claim, Conflict, Entry, Parent, Table, conflict};
use super::task::{TaskKey, thread_number};

thread_local! {
    /// The calling thread's table, taken from the pool at its first
    /// acquisition, and the thread's key (as a number: the owner of its
    /// entries). No destructor of its own, so reaching it costs no check of
    /// whether it is alive: [`ReturnOnExit`] gives the table back.
    static HELD: Cell<Option<(&'static Table, u64)>> = const { Cell::new(None) };
    static RETURN_ON_EXIT: ReturnOnExit = const { ReturnOnExit };
}

/// Gives the thread's table back to the pool when the thread exits; from then
/// on a lock taken (in another thread-local's destructor) claims in `EXITING`.
struct ReturnOnExit;

/// Tables of exited threads, for reuse (an entry still held by a guard that
/// outlived its thread stays claimed by that thread's key, which no thread
/// has again, so the next owner skips it).
static SPARE_TABLES: Mutex<Vec<&'static Table>> = Mutex::new(Vec::new());

/// Every thread table made so far (they are reused, never freed), for a
/// report to count the holds going on.
static ALL_TABLES: Mutex<Vec<&'static Table>> = Mutex::new(Vec::new());

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
pub(crate) fn enter(claim: Claim) -> Result<(&'static Entry, Parent), (u64, Conflict)> {
    let (table, owner, shared) = mine();
    let entered = if shared {
        table.check_and_claim(owner, shared, claim)
    } else {
        table.enter_alone(owner, claim)
    };
    entered.map_err(|held| (owner, held))
}

/// Calls `visit` with every thread table and the exiting threads' one.
pub(crate) fn for_each_table(mut visit: impl FnMut(&'static Table)) {
    ALL_TABLES.lock().unwrap_or_else(PoisonError::into_inner).iter().copied().for_each(&mut visit);
    visit(&EXITING);
}

/// The calling thread's table, its key, and whether others claim in that
/// table too (only for a thread whose storage is gone: a lock taken in a
/// thread-local's destructor claims in one table shared by all such threads).
#[inline(always)]
fn mine() -> (&'static Table, u64, bool) {
    match HELD.with(Cell::get) {
        Some((table, owner)) => (table, owner, false),
        None => first_table(),
    }
}

/// The thread's first acquisition takes a table from the pool (or a new one);
/// a thread that is exiting, whose table went back, claims in `EXITING`.
#[cold]
fn first_table() -> (&'static Table, u64, bool) {
    let owner = TaskKey::of_thread(thread_number()).bits();
    // Registers the table's return at exit; fails once that has run.
    if RETURN_ON_EXIT.try_with(|_| ()).is_err() {
        return (&EXITING, owner, true);
    }
    let table = SPARE_TABLES.lock().unwrap_or_else(PoisonError::into_inner).pop();
    // Leaked on purpose and reused: at most as many as threads alive at
    // once, and a guard released late must find its entry.
    let table = table.unwrap_or_else(|| {
        let table = Box::leak(Box::new(Table::new()));
        ALL_TABLES.lock().unwrap_or_else(PoisonError::into_inner).push(table);
        table
    });
    HELD.with(|held| held.set(Some((table, owner))));
    (table, owner, false)
}

impl Drop for ReturnOnExit {
    fn drop(&mut self) {
        if let Some((table, _)) = HELD.with(Cell::take) {
            SPARE_TABLES.lock().unwrap_or_else(PoisonError::into_inner).push(table);
        }
    }
}

#[cfg(test)]
mod tests {
    use core::cell::RefCell;
    use std::sync::mpsc;

    use super::*;
    use crate::held::Acquisition;
    use crate::held::tests::{Account, Registry};
    use crate::level::Level;

    /// What a thread-local's destructor saw: whether it claimed in the
    /// shared `EXITING` table, whether a lower level conflicted while it held
    /// `Account`, and after it released it.
    struct TakesLocksAtExit(mpsc::Sender<(bool, bool, bool)>);

    impl Drop for TakesLocksAtExit {
        fn drop(&mut self) {
            let exiting = mine().2;
            let hold = Acquisition::begin::<Account>().granted();
            let while_held = check(Registry::LEVEL, false).1.is_some();
            drop(hold);
            let after = check(Registry::LEVEL, false).1.is_some();
            let _ = self.0.send((exiting, while_held, after));
        }
    }

    thread_local! {
        static TAKES_LOCKS_AT_EXIT: RefCell<Option<TakesLocksAtExit>> =
            const { RefCell::new(None) };
    }

    #[test]
    fn a_lock_taken_in_a_thread_local_destructor_after_the_table_went_back_is_checked() {
        let (report, seen) = mpsc::channel();
        std::thread::spawn(move || {
            // Registered before the thread's first lock, so destroyed after
            // the table's return (thread-locals are destroyed in reverse).
            TAKES_LOCKS_AT_EXIT.with(|slot| *slot.borrow_mut() = Some(TakesLocksAtExit(report)));
            drop(Acquisition::begin::<Account>().granted());
        })
        .join()
        .expect("the thread");
        let (exiting, while_held, after) = seen.recv().expect("the destructor ran");
        assert!(exiting, "the table had gone back: the shared `EXITING` table");
        assert!(while_held, "`Registry` below the `Account` held");
        assert!(!after, "released");
    }
}
