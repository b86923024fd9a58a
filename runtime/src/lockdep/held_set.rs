//! Which levels each task holds, and the order check against them.
//!
//! Entries live in shards chosen by task, each a short list behind its own
//! mutex: an acquisition locks one shard (uncontended unless two tasks that
//! hash alike lock at the same instant), and no global lock is taken.
//!
//! An acquisition is checked twice. When it begins, before any waiting, so a
//! would-be deadlock is reported instead of hanging. And when it is granted,
//! which is when its entry is added: `lock_all` begins all its members at the
//! call, in the caller's order, and grants them in ascending order; and futures
//! polled together (`join!`) may be granted in another order than they began.

use std::sync::{Mutex, MutexGuard, PoisonError};

use super::site::Site;
use super::task::TaskKey;

const SHARDS: usize = 64;

struct Entry {
    task: TaskKey,
    site: &'static Site,
}

static HELD: [Mutex<Vec<Entry>>; SHARDS] = [const { Mutex::new(Vec::new()) }; SHARDS];

fn shard(task: TaskKey) -> MutexGuard<'static, Vec<Entry>> {
    let index = (task.spread() >> 58) as usize % SHARDS;
    // Nothing panics while a shard is locked; recover anyway rather than
    // cascade a panic from an unrelated thread.
    HELD[index].lock().unwrap_or_else(PoisonError::into_inner)
}

/// Checks that `task` may take `site`'s level: above every level it holds, or
/// equal to the highest one for the second and later members of a set taken
/// together (`in_set`).
///
/// # Panics
///
/// On a violation, naming both levels and both acquisition sites. This is the
/// documented purpose of the `lockdep` feature.
#[track_caller]
pub(crate) fn check(task: TaskKey, site: &'static Site, in_set: bool) {
    let held = shard(task);
    if let Some(highest) = conflict(&held, task, site, in_set) {
        drop(held);
        violation(task, site, highest);
    }
}

/// Checks as [`check`] does, then records that `task` holds `site`'s level.
///
/// # Panics
///
/// On a violation, as [`check`].
#[track_caller]
pub(crate) fn enter(task: TaskKey, site: &'static Site, in_set: bool) {
    let mut held = shard(task);
    if let Some(highest) = conflict(&held, task, site, in_set) {
        drop(held);
        violation(task, site, highest);
    }
    held.push(Entry { task, site });
}

/// The highest level `task` holds, if taking `site` would violate the order.
fn conflict(held: &[Entry], task: TaskKey, site: &Site, in_set: bool) -> Option<&'static Site> {
    let highest = held
        .iter()
        .filter(|entry| entry.task == task)
        .map(|entry| entry.site)
        .max_by_key(|held| held.level)?;
    let allowed = site.level > highest.level || (in_set && site.level == highest.level);
    (!allowed).then_some(highest)
}

/// Forgets one entry of `task` at `site` (all entries at one site and level are
/// alike, so which one does not matter).
pub(crate) fn leave(task: TaskKey, site: &'static Site) {
    let mut held = shard(task);
    if let Some(index) =
        held.iter().rposition(|entry| entry.task == task && core::ptr::eq(entry.site, site))
    {
        held.swap_remove(index);
    }
}

#[cold]
#[track_caller]
fn violation(task: TaskKey, taking: &Site, holding: &Site) -> ! {
    panic!(
        "lock order violation: cannot acquire `{}` (level {}) at {} while holding `{}` \
         (level {}), acquired at {}, in {task}. Locks must be taken in ascending level \
         order; the types could not catch this because more than one token is in use \
         in this task. Create one root `LockToken` per task and pass `&mut token` down \
         (or release `{}` before taking `{}`).",
        taking.name,
        taking.level,
        taking.location,
        holding.name,
        holding.level,
        holding.location,
        holding.name,
        taking.name,
    )
}
