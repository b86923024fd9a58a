//! Which levels each tokio task holds, and the order check against them.
//!
//! Entries live in shards chosen by task, each a short list behind its own
//! mutex: an acquisition locks one shard (uncontended unless two tasks that
//! hash alike lock at the same instant), and no global lock is taken. Code
//! outside any task keeps its holds in its thread's storage instead
//! (`thread_held`).
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

/// The highest level held, when taking a site would violate the order.
pub(crate) type Conflict = &'static Site;

/// Checks that `task` may take `site`'s level: above every level it holds, or
/// equal to the highest one for the second and later members of a set taken
/// together (`in_set`).
pub(crate) fn check(task: TaskKey, site: &'static Site, in_set: bool) -> Result<(), Conflict> {
    let shard = shard(task);
    // Only this task adds entries of its own, and it sees its own writes: an
    // empty shard means it holds nothing.
    if shard.len.load(Ordering::Acquire) == 0 {
        return Ok(());
    }
    let held = shard.lock();
    conflict_in(of_task(&held, task), site, in_set).map_or(Ok(()), Err)
}

/// Checks as [`check`] does, then records that `task` holds `site`'s level;
/// returns the highest site the task held before, if any.
pub(crate) fn enter(
    task: TaskKey,
    site: &'static Site,
    in_set: bool,
) -> Result<Option<&'static Site>, Conflict> {
    let shard = shard(task);
    let mut held = shard.lock();
    if let Some(conflict) = conflict_in(of_task(&held, task), site, in_set) {
        return Err(conflict);
    }
    let parent = of_task(&held, task).max_by_key(|held| held.level);
    held.push(Entry { task, site });
    shard.len.store(held.len(), Ordering::Release);
    Ok(parent)
}

fn of_task(held: &[Entry], task: TaskKey) -> impl Iterator<Item = &'static Site> + '_ {
    held.iter().filter(move |entry| entry.task == task).map(|entry| entry.site)
}

/// The highest of `held`, if taking `site` would violate the order.
pub(crate) fn conflict_in(
    held: impl Iterator<Item = &'static Site>,
    site: &Site,
    in_set: bool,
) -> Option<Conflict> {
    let highest = held.max_by_key(|held| held.level)?;
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
