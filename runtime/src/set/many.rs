//! `token.lock_many(..)`, `token.try_lock_many(..)` and
//! `token.lock_many_blocking(..)`: any number of locks of one level (accounts,
//! shards), taken in address order.
//!
//! A call allocates once: the locks are collected with their positions into
//! one buffer, sorted there by address, taken in that order, sorted back, and
//! turned into the guards in the same allocation.

use core::fmt;
use core::future::Future;
use core::marker::PhantomData;
use core::pin::Pin;
use core::task::{Context, Poll, ready};

use super::duplicate::{DuplicateLockError, TryLockManyError};
use super::member::LockSetMember;
use super::order::{sort_by_address, sort_by_address_checked};
use super::slot::Slot;
use crate::error::TryLockError;
use crate::level::Level;
use crate::token::LockToken;

/// The guards of `lock_many` with the token at their level.
pub(crate) type Many<'a, M> =
    (Vec<<M as LockSetMember>::Guard<'a>>, LockToken<'a, <M as LockSetMember>::Level>);

/// One lock of a call and its position in the caller's order.
type Entry<M> = (usize, Slot<M>);

impl<'a, M: LockSetMember> LockManyFuture<'a, M> {
    /// Orders the locks by address (panicking on a lock given twice) and begins
    /// every acquisition; nothing is taken until the first poll.
    #[track_caller]
    pub(crate) fn begin(locks: impl IntoIterator<Item = M>) -> Self {
        let entries = begin_many(locks, "lock_many");
        LockManyFuture { entries, next: 0, done: false, lifetime: PhantomData }
    }

    /// As [`begin`](LockManyFuture::begin), returning a lock given twice as an
    /// error.
    #[track_caller]
    pub(crate) fn begin_checked(
        locks: impl IntoIterator<Item = M>,
        call: &'static str,
    ) -> Result<Self, DuplicateLockError> {
        let entries = begin_many_checked(locks, call)?;
        Ok(LockManyFuture { entries, next: 0, done: false, lifetime: PhantomData })
    }
}

/// `try_lock_many`: every lock if all are free now, else none (what was taken
/// is released when the entries drop).
#[track_caller]
pub(crate) fn try_take_many<'a, M: LockSetMember + 'a>(
    locks: impl IntoIterator<Item = M>,
) -> Result<Vec<M::Guard<'a>>, TryLockError> {
    try_take_entries(begin_many(locks, "try_lock_many"), "try_lock_many")
}

/// `try_lock_many_checked`: as `try_take_many`, a lock given twice an error.
#[track_caller]
pub(crate) fn try_take_many_checked<'a, M: LockSetMember + 'a>(
    locks: impl IntoIterator<Item = M>,
) -> Result<Vec<M::Guard<'a>>, TryLockManyError> {
    let entries = begin_many_checked(locks, "try_lock_many_checked")?;
    Ok(try_take_entries(entries, "try_lock_many_checked")?)
}

fn try_take_entries<'a, M: LockSetMember + 'a>(
    mut entries: Vec<Entry<M>>,
    call: &'static str,
) -> Result<Vec<M::Guard<'a>>, TryLockError> {
    let busy = || TryLockError::new::<M::Level>(call);
    for (_, slot) in &mut entries {
        if !slot.try_acquire() {
            return Err(busy());
        }
    }
    into_guards(entries).ok_or_else(busy)
}

/// `lock_many_blocking`: every lock, blocking on each in turn.
#[track_caller]
pub(crate) fn take_many_blocking<'a, M: LockSetMember + 'a>(
    locks: impl IntoIterator<Item = M>,
) -> Vec<M::Guard<'a>> {
    take_entries_blocking(begin_many(locks, "lock_many_blocking"))
}

/// `lock_many_blocking_checked`: as `take_many_blocking`, a lock given twice
/// an error.
#[track_caller]
pub(crate) fn take_many_blocking_checked<'a, M: LockSetMember + 'a>(
    locks: impl IntoIterator<Item = M>,
) -> Result<Vec<M::Guard<'a>>, DuplicateLockError> {
    Ok(take_entries_blocking(begin_many_checked(locks, "lock_many_blocking_checked")?))
}

fn take_entries_blocking<'a, M: LockSetMember + 'a>(
    mut entries: Vec<Entry<M>>,
) -> Vec<M::Guard<'a>> {
    for (_, slot) in &mut entries {
        slot.acquire_blocking();
    }
    match into_guards(entries) {
        Some(guards) => guards,
        None => unreachable!("every lock was just taken"),
    }
}

/// The locks with their positions, in acquisition order (by address), each
/// acquisition begun: the one allocation of the call.
#[track_caller]
fn begin_many<M: LockSetMember>(
    locks: impl IntoIterator<Item = M>,
    call: &'static str,
) -> Vec<Entry<M>> {
    let mut entries = collect(locks);
    sort_by_address::<M::Level, _>(&mut entries, entry_key, call);
    begin_entries(&mut entries);
    entries
}

/// As [`begin_many`]; a lock given twice is an error and nothing is begun.
#[track_caller]
fn begin_many_checked<M: LockSetMember>(
    locks: impl IntoIterator<Item = M>,
    call: &'static str,
) -> Result<Vec<Entry<M>>, DuplicateLockError> {
    let mut entries = collect(locks);
    sort_by_address_checked::<M::Level, _>(&mut entries, entry_key, call)?;
    begin_entries(&mut entries);
    Ok(entries)
}

fn collect<M: LockSetMember>(locks: impl IntoIterator<Item = M>) -> Vec<Entry<M>> {
    locks.into_iter().enumerate().map(|(position, lock)| (position, Slot::new(lock))).collect()
}

fn entry_key<M: LockSetMember>((position, slot): &Entry<M>) -> (usize, usize) {
    (slot.address(), *position)
}

/// All of one level: the first begun is the set's first, the rest join it.
#[track_caller]
fn begin_entries<M: LockSetMember>(entries: &mut [Entry<M>]) {
    for (rank, (_, slot)) in entries.iter_mut().enumerate() {
        slot.begin(rank > 0);
    }
}

/// The guards of held entries, in the caller's order, in the entries' own
/// allocation; `None` if one is not held.
fn into_guards<'a, M: LockSetMember + 'a>(mut entries: Vec<Entry<M>>) -> Option<Vec<M::Guard<'a>>> {
    entries.sort_unstable_by_key(|&(position, _)| position);
    entries.into_iter().map(|(_, mut slot)| slot.take_guard()).collect()
}

/// The future of [`LockToken::lock_many`]: resolves to the guards, in the
/// caller's order, and a token at the locks' level.
///
/// Dropping it releases every lock it took.
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct LockManyFuture<'a, M: LockSetMember> {
    /// In acquisition order.
    entries: Vec<Entry<M>>,
    /// How many entries are held.
    next: usize,
    done: bool,
    lifetime: PhantomData<&'a ()>,
}

// Nothing in it is pinned: a member that must wait boxes its wait.
impl<M: LockSetMember> Unpin for LockManyFuture<'_, M> {}

impl<'a, M: LockSetMember + 'a> Future for LockManyFuture<'a, M> {
    type Output = Many<'a, M>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        assert!(!this.done, "a `lock_many` future was polled after it completed");
        while let Some((_, slot)) = this.entries.get_mut(this.next) {
            ready!(slot.poll_acquire(cx));
            this.next += 1;
        }
        this.done = true;
        match into_guards(core::mem::take(&mut this.entries)) {
            Some(guards) => Poll::Ready((guards, LockToken::acquired())),
            None => unreachable!("every lock was just taken"),
        }
    }
}

impl<M: LockSetMember> fmt::Debug for LockManyFuture<'_, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LockManyFuture")
            .field("level", &format_args!("{} ({})", M::Level::NAME, M::Level::LEVEL))
            .field("locks", &self.entries.len())
            .field("held", &self.next)
            .finish()
    }
}
