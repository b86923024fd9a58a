//! `token.lock_many(..)`, `token.try_lock_many(..)` and
//! `token.lock_many_blocking(..)`: any number of locks of one level (accounts,
//! shards), taken in address order.
//!
//! The calls that finish at once (blocking, `try_`) do not allocate for up to
//! eight locks: the locks are collected with their positions on the stack,
//! sorted there by address, taken in that order, and their guards moved back
//! into the caller's order in a [`ManyGuards`], which keeps up to eight inline.
//! The async future allocates once: its locks are collected into one buffer,
//! sorted there, taken, sorted back and turned into the guards in the same
//! allocation (eight slots inline would make the future ~300 bytes, copied
//! whenever it moves: measured slower than the allocation).

use core::fmt;
use core::future::Future;
use core::marker::PhantomData;
use core::pin::Pin;
use core::task::{Context, Poll, ready};

use arrayvec::ArrayVec;

use super::duplicate::{DuplicateLockError, TryLockManyError};
use super::inline::{INLINE, InlineVec};
use super::many_guards::ManyGuards;
use super::member::{Granted, LockSetMember};
use super::order::{
    Arrival, begin_member, each_swap_into_caller_order, order_by_address, order_by_address_checked,
    sort_by_address, sort_by_address_checked,
};
use super::slot::{Slot, block_member};
use crate::error::TryLockError;
use crate::held::Acquisition;
use crate::level::Level;
use crate::token::LockToken;

/// The guards of `lock_many` with the token at their level.
pub(crate) type Many<'a, M> =
    (ManyGuards<<M as LockSetMember>::Guard<'a>>, LockToken<'a, <M as LockSetMember>::Level>);

/// The guards of the async `lock_many` with the token at their level: a `Vec`,
/// in the allocation the future kept its locks in.
pub(crate) type ManyVec<'a, M> =
    (Vec<<M as LockSetMember>::Guard<'a>>, LockToken<'a, <M as LockSetMember>::Level>);

/// One lock of a call and its position in the caller's order.
type Entry<M> = (usize, Slot<M>);

/// The locks of a blocking or `try_` call, inline up to eight.
type Entries<M> = InlineVec<Entry<M>>;

/// Where a call keeps its locks: inline for the calls that finish at once, on
/// the heap for the async future, which is moved (into the task, at each
/// `.await`) and stays small that way.
trait Buffer<T>: core::ops::DerefMut<Target = [T]> + FromIterator<T> {}

impl<T> Buffer<T> for InlineVec<T> {}

impl<T> Buffer<T> for Vec<T> {}

impl<'a, M: LockSetMember> LockManyFuture<'a, M> {
    /// Orders the locks by address (panicking on a lock given twice) and begins
    /// every acquisition; nothing is taken until the first poll.
    #[track_caller]
    #[inline]
    pub(crate) fn begin(locks: impl IntoIterator<Item = M>) -> Self {
        let (entries, arrival) = begin_many(locks, "lock_many");
        LockManyFuture { entries, arrival, next: 0, done: false, lifetime: PhantomData }
    }

    /// As [`begin`](LockManyFuture::begin), returning a lock given twice as an
    /// error.
    #[track_caller]
    pub(crate) fn begin_checked(
        locks: impl IntoIterator<Item = M>,
        call: &'static str,
    ) -> Result<Self, DuplicateLockError> {
        let (entries, arrival) = begin_many_checked(locks, call)?;
        Ok(LockManyFuture { entries, arrival, next: 0, done: false, lifetime: PhantomData })
    }
}

/// `try_lock_many`: every lock if all are free now, else none (what was taken
/// is released when the entries drop).
#[track_caller]
pub(crate) fn try_take_many<'a, M: LockSetMember + 'a>(
    locks: impl IntoIterator<Item = M>,
) -> Result<ManyGuards<M::Guard<'a>>, TryLockError> {
    let (entries, arrival) = begin_many(locks, "try_lock_many");
    try_take_entries(entries, arrival, "try_lock_many")
}

/// `try_lock_many_checked`: as `try_take_many`, a lock given twice an error.
#[track_caller]
pub(crate) fn try_take_many_checked<'a, M: LockSetMember + 'a>(
    locks: impl IntoIterator<Item = M>,
) -> Result<ManyGuards<M::Guard<'a>>, TryLockManyError> {
    let (entries, arrival) = begin_many_checked(locks, "try_lock_many_checked")?;
    Ok(try_take_entries(entries, arrival, "try_lock_many_checked")?)
}

fn try_take_entries<'a, M: LockSetMember + 'a>(
    mut entries: Entries<M>,
    arrival: Arrival,
    call: &'static str,
) -> Result<ManyGuards<M::Guard<'a>>, TryLockError> {
    let busy = || TryLockError::new::<M::Level>(call);
    for index in acquisition_order(entries.len(), arrival) {
        if !entries[index].1.try_acquire() {
            return Err(busy());
        }
    }
    into_guards(&mut entries, arrival).ok_or_else(busy)
}

/// `lock_many_blocking`: every lock, blocking on each in turn.
#[track_caller]
#[inline]
pub(crate) fn take_many_blocking<'a, M: LockSetMember + 'a>(
    locks: impl IntoIterator<Item = M>,
) -> ManyGuards<M::Guard<'a>> {
    let mut members = Members::new();
    members.extend(locks.into_iter().enumerate());
    let arrival = sort_by_address::<M::Level, _>(&mut members, member_key, "lock_many_blocking");
    let mut held = ManyGuards::new(InlineVec::new());
    block_in_order(&members, arrival, held.buffer());
    held
}

/// `lock_many_blocking_checked`: as `take_many_blocking`, a lock given twice
/// an error.
#[track_caller]
pub(crate) fn take_many_blocking_checked<'a, M: LockSetMember + 'a>(
    locks: impl IntoIterator<Item = M>,
) -> Result<ManyGuards<M::Guard<'a>>, DuplicateLockError> {
    let mut members = Members::new();
    members.extend(locks.into_iter().enumerate());
    let arrival = sort_by_address_checked::<M::Level, _>(
        &mut members,
        member_key,
        "lock_many_blocking_checked",
    )?;
    let mut held = ManyGuards::new(InlineVec::new());
    block_in_order(&members, arrival, held.buffer());
    Ok(held)
}

/// The members of a blocking call with their positions: the blocking path
/// needs no [`Slot`], as nothing is left half-taken between two polls.
type Members<M> = InlineVec<(usize, M)>;

fn member_key<M: LockSetMember>(&(position, member): &(usize, M)) -> (usize, usize) {
    (member.address(), position)
}

/// Begins every acquisition (at the user's call, in acquisition order), then
/// blocks on each lock in turn and moves the guards into the caller's order.
/// The guards are written into the caller's buffer, not returned: the
/// buffer (eight guards inline) is not copied on its way out.
#[track_caller]
#[inline]
fn block_in_order<'a, M: LockSetMember + 'a>(
    members: &Members<M>,
    arrival: Arrival,
    guards: &mut InlineVec<M::Guard<'a>>,
) {
    // The acquisitions in an array of their own up to eight (zero-sized
    // without `lockdep`: nothing is then kept), which an `InlineVec` would
    // test for spilling at each push.
    let mut inline: ArrayVec<Acquisition, INLINE> = ArrayVec::new();
    let mut heap: Vec<Acquisition> = Vec::new();
    let acquisitions: &mut [Acquisition] = if members.len() <= INLINE {
        for rank in 0..members.len() {
            inline.push(begin_member::<M::Level>(rank > 0));
        }
        &mut inline
    } else {
        heap.reserve_exact(members.len());
        for rank in 0..members.len() {
            heap.push(begin_member::<M::Level>(rank > 0));
        }
        &mut heap
    };
    block_each(members, acquisitions, guards);
    in_caller_order(guards, arrival, members.iter().map(|&(position, _)| position));
}

/// Blocks on each lock in turn, its acquisition begun.
#[inline]
fn block_each<'a, M: LockSetMember + 'a>(
    members: &Members<M>,
    acquisitions: &mut [Acquisition],
    guards: &mut InlineVec<M::Guard<'a>>,
) {
    guards.extend(members.iter().zip(acquisitions).map(|(&(_, member), acquisition)| {
        let raw = block_member(member, acquisition);
        M::guard(raw, Granted(acquisition.granted()))
    }));
}

/// The locks with their positions, in acquisition order (by address), each
/// acquisition begun.
#[track_caller]
#[inline]
fn begin_many<M: LockSetMember, B: Buffer<Entry<M>>>(
    locks: impl IntoIterator<Item = M>,
    call: &'static str,
) -> (B, Arrival) {
    let mut entries: B = collect(locks);
    let arrival = order_by_address::<M::Level, _>(&mut entries, entry_key, call);
    begin_entries(&mut entries, arrival);
    (entries, arrival)
}

/// As [`begin_many`]; a lock given twice is an error and nothing is begun.
#[track_caller]
fn begin_many_checked<M: LockSetMember, B: Buffer<Entry<M>>>(
    locks: impl IntoIterator<Item = M>,
    call: &'static str,
) -> Result<(B, Arrival), DuplicateLockError> {
    let mut entries: B = collect(locks);
    let arrival = order_by_address_checked::<M::Level, _>(&mut entries, entry_key, call)?;
    begin_entries(&mut entries, arrival);
    Ok((entries, arrival))
}

#[inline]
fn collect<M: LockSetMember, B: Buffer<Entry<M>>>(locks: impl IntoIterator<Item = M>) -> B {
    locks.into_iter().enumerate().map(|(position, lock)| (position, Slot::new(lock))).collect()
}

fn entry_key<M: LockSetMember>((position, slot): &Entry<M>) -> (usize, usize) {
    (slot.address(), *position)
}

/// All of one level: the first begun is the set's first, the rest join it.
/// Begun in acquisition order, which the safety net checks.
#[track_caller]
fn begin_entries<M: LockSetMember>(entries: &mut [Entry<M>], arrival: Arrival) {
    for (rank, index) in acquisition_order(entries.len(), arrival).enumerate() {
        entries[index].1.begin(rank > 0);
    }
}

/// The indices of `len` entries ordered by [`order_by_address`], in
/// acquisition order: backwards for a set given in descending order.
#[inline]
fn acquisition_order(len: usize, arrival: Arrival) -> impl Iterator<Item = usize> {
    let reversed = arrival == Arrival::Reversed;
    (0..len).map(move |rank| if reversed { len - 1 - rank } else { rank })
}

/// The guards of held entries, in the caller's order; `None` if one is not
/// held. The entries stay behind, emptied.
#[inline]
fn into_guards<'a, M: LockSetMember + 'a>(
    entries: &mut [Entry<M>],
    arrival: Arrival,
) -> Option<ManyGuards<M::Guard<'a>>> {
    let mut guards = InlineVec::new();
    for (_, slot) in entries.iter_mut() {
        guards.push(slot.take_guard()?);
    }
    // Only a sorted set is out of the caller's order (see `order_by_address`).
    if arrival == Arrival::Shuffled {
        in_caller_order(&mut guards, arrival, entries.iter().map(|&(position, _)| position));
    }
    Some(ManyGuards::new(guards))
}

/// The guards of the async future's entries, all held, in the caller's
/// order, in the entries' own allocation.
fn into_guard_vec<'a, M: LockSetMember + 'a>(
    mut entries: Vec<Entry<M>>,
    arrival: Arrival,
) -> Vec<M::Guard<'a>> {
    // Only a sorted set is out of the caller's order (see `order_by_address`).
    if arrival == Arrival::Shuffled {
        entries.sort_unstable_by_key(|&(position, _)| position);
    }
    // Infallible per entry (no `Option` to collect through): one loop, in place.
    entries
        .into_iter()
        .map(|(_, slot)| match slot.into_guard() {
            Some(guard) => guard,
            None => unreachable!("every lock of a ready `lock_many` is held"),
        })
        .collect()
}

/// Moves guards pushed in acquisition order into the caller's order;
/// `positions` gives the caller's position of each, in acquisition order.
#[inline]
fn in_caller_order<G>(
    guards: &mut [G],
    arrival: Arrival,
    positions: impl ExactSizeIterator<Item = usize>,
) {
    match arrival {
        Arrival::InOrder => return,
        Arrival::Reversed => return guards.reverse(),
        Arrival::Shuffled => {}
    }
    let mut inline = [0; INLINE];
    let mut heap = Vec::new();
    let slots: &mut [usize] = match inline.get_mut(..positions.len()) {
        Some(slots) => slots,
        None => {
            heap.resize(positions.len(), 0);
            &mut heap
        }
    };
    for (slot, position) in slots.iter_mut().zip(positions) {
        *slot = position;
    }
    each_swap_into_caller_order(slots, |i, j| guards.swap(i, j));
}

/// The future of [`LockToken::lock_many`]: resolves to the guards, in the
/// caller's order, and a token at the locks' level.
///
/// Dropping it releases every lock it took.
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct LockManyFuture<'a, M: LockSetMember> {
    /// In the caller's order if given in ascending or descending address
    /// order, else sorted (see `order_by_address`).
    entries: Vec<Entry<M>>,
    /// Which way to walk `entries` (backwards if `Reversed`).
    arrival: Arrival,
    /// How many entries are held.
    next: usize,
    done: bool,
    lifetime: PhantomData<&'a ()>,
}

// Nothing in it is pinned: a member that must wait boxes its wait.
impl<M: LockSetMember> Unpin for LockManyFuture<'_, M> {}

impl<'a, M: LockSetMember + 'a> Future for LockManyFuture<'a, M> {
    type Output = ManyVec<'a, M>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        assert!(!this.done, "a `lock_many` future was polled after it completed");
        let len = this.entries.len();
        while this.next < len {
            // In acquisition order: backwards over a set given in descending order.
            let index = match this.arrival {
                Arrival::Reversed => len - 1 - this.next,
                Arrival::InOrder | Arrival::Shuffled => this.next,
            };
            ready!(this.entries[index].1.poll_acquire(cx));
            this.next += 1;
        }
        this.done = true;
        let guards = into_guard_vec(core::mem::take(&mut this.entries), this.arrival);
        Poll::Ready((guards, LockToken::acquired()))
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
