//! The documented misuse shared by every call that releases a lock inside its
//! guard and takes it back or changes its hold (the `Condvar` waits,
//! `unlocked`, `bump`, `downgrade_to_upgradable`): a guard of another lock
//! than the one given with it, or a guard taken as a member of a set.

use core::fmt::Arguments;

use crate::level::Level;

/// Panics before anything is released unless the guard given to `call`
/// belongs to the `noun` (lock or mutex) at `L` given with it (`owns`) and was
/// taken alone (`taken_alone`), not by `lock_all`, `lock_many` or a
/// `LockGroup`: changing one member's hold alone while the others are held
/// could deadlock with a task taking the same set. `take` names the method
/// that takes the lock alone.
#[track_caller]
pub(crate) fn assert_guard_of<L: Level>(
    call: Arguments<'_>,
    noun: &str,
    owns: bool,
    taken_alone: bool,
    take: &str,
) {
    assert!(
        owns,
        "{call} was given a guard of another {noun} than `{}` (lock level {})",
        L::NAME,
        L::LEVEL
    );
    assert!(
        taken_alone,
        "{call} on `{}` (lock level {}) was given a guard taken in a set (`lock_all`, \
         `lock_many`, `LockGroup`): changing its hold alone while the other members are held \
         could deadlock with a task taking the same set; take the {noun} with its own `{take}` \
         to call `{call}` on its guard",
        L::NAME,
        L::LEVEL
    );
}
