//! `token.lock_many(..)` and `token.try_lock_many(..)`: any number of locks of
//! one level (accounts, shards), taken in address order.

use core::fmt;
use core::future::Future;
use core::marker::PhantomData;
use core::pin::Pin;
use core::task::{Context, Poll, ready};

use super::member::LockSetMember;
use super::order::by_address;
use super::slot::Slot;
use crate::error::TryLockError;
use crate::level::Level;
use crate::token::LockToken;

/// The guards of `lock_many` with the token at their level.
pub(crate) type Many<'a, M> =
    (Vec<<M as LockSetMember>::Guard<'a>>, LockToken<'a, <M as LockSetMember>::Level>);

impl<'a, M: LockSetMember> LockManyFuture<'a, M> {
    /// Orders the locks by address (panicking on a lock given twice) and begins
    /// every acquisition; nothing is taken until the first poll.
    #[track_caller]
    pub(crate) fn begin(locks: impl IntoIterator<Item = M>) -> Self {
        let (slots, order) = begin_many(locks, "lock_many");
        LockManyFuture { slots, order, next: 0, lifetime: PhantomData }
    }
}

/// `try_lock_many`: every lock if all are free now, else none (what was taken
/// is released when the slots drop).
#[track_caller]
pub(crate) fn try_take_many<'a, M: LockSetMember + 'a>(
    locks: impl IntoIterator<Item = M>,
) -> Result<Vec<M::Guard<'a>>, TryLockError> {
    let busy = || TryLockError::new::<M::Level>("try_lock_many");
    let (mut slots, order) = begin_many(locks, "try_lock_many");
    for &position in &order {
        if !slots[position].try_acquire() {
            return Err(busy());
        }
    }
    // Every slot was just acquired, so none is missing.
    slots.iter_mut().map(Slot::take_guard).collect::<Option<Vec<_>>>().ok_or_else(busy)
}

/// `lock_many_blocking`: every lock, blocking on each in turn.
#[track_caller]
pub(crate) fn take_many_blocking<'a, M: LockSetMember + 'a>(
    locks: impl IntoIterator<Item = M>,
) -> Vec<M::Guard<'a>> {
    let (mut slots, order) = begin_many(locks, "lock_many_blocking");
    for &position in &order {
        slots[position].acquire_blocking();
    }
    match slots.iter_mut().map(Slot::take_guard).collect::<Option<Vec<_>>>() {
        Some(guards) => guards,
        None => unreachable!("every lock was just taken"),
    }
}

/// Slots in the caller's order, and the acquisition order over them.
#[track_caller]
fn begin_many<M: LockSetMember>(
    locks: impl IntoIterator<Item = M>,
    call: &str,
) -> (Vec<Slot<M>>, Vec<usize>) {
    let members: Vec<M> = locks.into_iter().collect();
    let mut addresses = Vec::with_capacity(members.len());
    for member in &members {
        addresses.push(member.address());
    }
    let order = by_address::<M::Level>(&addresses, call);
    let mut slots = Vec::with_capacity(members.len());
    for member in members {
        slots.push(Slot::new(member));
    }
    // All of one level: the first begun is the set's first, the rest join it.
    for (rank, &position) in order.iter().enumerate() {
        slots[position].begin(rank > 0);
    }
    (slots, order)
}

/// The future of [`LockToken::lock_many`]: resolves to the guards, in the
/// caller's order, and a token at the locks' level.
///
/// Dropping it releases every lock it took.
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct LockManyFuture<'a, M: LockSetMember> {
    slots: Vec<Slot<M>>,
    order: Vec<usize>,
    /// How many members of `order` are held.
    next: usize,
    lifetime: PhantomData<&'a ()>,
}

// Nothing in it is pinned: a member that must wait boxes its wait.
impl<M: LockSetMember> Unpin for LockManyFuture<'_, M> {}

impl<'a, M: LockSetMember + 'a> Future for LockManyFuture<'a, M> {
    type Output = Many<'a, M>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        while let Some(&position) = this.order.get(this.next) {
            ready!(this.slots[position].poll_acquire(cx));
            this.next += 1;
        }
        match this.slots.iter_mut().map(Slot::take_guard).collect::<Option<Vec<_>>>() {
            Some(guards) => Poll::Ready((guards, LockToken::acquired())),
            None => panic!("a `lock_many` future was polled after it completed"),
        }
    }
}

impl<M: LockSetMember> fmt::Debug for LockManyFuture<'_, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LockManyFuture")
            .field("level", &format_args!("{} ({})", M::Level::NAME, M::Level::LEVEL))
            .field("locks", &self.slots.len())
            .field("held", &self.next)
            .finish()
    }
}
