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

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use super::site::Site;
use super::task::TaskKey;

const SHARDS: usize = 64;

struct Entry {
    task: TaskKey,
    site: &'static Site,
}

struct Shard {
    entries: Mutex<Vec<Entry>>,
    /// `entries.len()`, readable without the lock: a check against an empty
    /// shard (the task holds nothing, the common case) skips locking it.
    len: AtomicUsize,
}

static HELD: [Shard; SHARDS] =
    [const { Shard { entries: Mutex::new(Vec::new()), len: AtomicUsize::new(0) } }; SHARDS];

fn shard(task: TaskKey) -> &'static Shard {
    &HELD[(task.spread() >> 58) as usize % SHARDS]
}

impl Shard {
    fn lock(&self) -> MutexGuard<'_, Vec<Entry>> {
        // Nothing panics while a shard is locked; recover anyway rather than
        // cascade a panic from an unrelated thread.
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
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
    let shard = shard(task);
    // Only this task adds entries of its own, and it sees its own writes: an
    // empty shard means it holds nothing.
    if shard.len.load(Ordering::Acquire) == 0 {
        return;
    }
    let held = shard.lock();
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
    let shard = shard(task);
    let mut held = shard.lock();
    if let Some(highest) = conflict(&held, task, site, in_set) {
        drop(held);
        violation(task, site, highest);
    }
    held.push(Entry { task, site });
    shard.len.store(held.len(), Ordering::Release);
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
    let shard = shard(task);
    let mut held = shard.lock();
    if let Some(index) =
        held.iter().rposition(|entry| entry.task == task && core::ptr::eq(entry.site, site))
    {
        held.swap_remove(index);
        shard.len.store(held.len(), Ordering::Release);
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
