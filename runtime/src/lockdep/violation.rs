//! The report of an order violation that the types could not see.

use core::fmt::Write as _;

use super::root;
use super::site::Site;
use super::task::TaskKey;

/// Panics naming both levels and both acquisition sites, and the ways a task
/// gets there: two root tokens (listing the live ones), or a guard that was
/// leaked or sent away and so still counts as held.
///
/// # Panics
///
/// Always: this is the documented purpose of the `lockdep` feature.
#[cold]
#[track_caller]
pub(crate) fn report(task: TaskKey, taking: &Site, holding: &Site) -> ! {
    let roots = root::alive_in(task);
    let mut roots_line = String::new();
    if roots.len() > 1 {
        let _ = write!(roots_line, " The root tokens alive in this task were created at ");
        for (index, site) in roots.iter().enumerate() {
            let separator = if index == 0 { "" } else { ", " };
            let _ = write!(roots_line, "{separator}{site}");
        }
        roots_line.push('.');
    }
    panic!(
        "lock order violation: cannot acquire `{}` (level {}) at {} while holding `{}` \
         (level {}), acquired at {}, in {task}. Locks must be taken in ascending level \
         order; the types could not catch this because more than one token is in use \
         in this task. Create one root `LockToken` per task and pass `&mut token` down \
         (or release `{}` before taking `{}`). If only one root is in use, the guard of \
         `{}` acquired at {} may have been leaked with `mem::forget` (the lock then \
         stays locked and its hold counted) or sent to another task that still holds \
         it.{roots_line} Where a method that takes no token (of a trait you cannot \
         change, a callback) starts its own, start it with \
         `LockToken::entered_holding::<L>()`, `L` the highest level its callers hold: \
         taking `{}` there then fails to compile.",
        taking.name,
        taking.level,
        taking.location,
        holding.name,
        holding.level,
        holding.location,
        holding.name,
        taking.name,
        holding.name,
        holding.location,
        taking.name,
    )
}
