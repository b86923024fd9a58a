//! `token.lock_all((..))`: several locks of any levels, taken in the one global
//! order, with the order of distinct levels decided at compile time.

use core::fmt;
use core::future::Future;
use core::marker::PhantomData;
use core::pin::Pin;
use core::task::{Context, Poll, ready};

use super::blocking::{BlockingLockSet, BlockingSetMember};
use super::highest::MaxLevel;
use super::member::{LockSetMember, Seal, sealed};
use super::order::{MAX_SET, Plan, settle_ties};
use super::slot::Slot;
use crate::level::Level;
use crate::order::LockBefore;
use crate::token::LockToken;

/// A tuple of 1 to 8 locks that `token.lock_all(..)` takes together: each
/// element a [`LockSetMember`] (`&Mutex`, `Read(&RwLock)`, `Write(&RwLock)`, or
/// their [`sync`](crate::sync) counterparts).
///
/// Implemented by this crate only. Tuples of 9 to 12 locks implement it too,
/// only so that `lock_all` rejects them with one error that says how many it
/// takes; [`LockSetAbove`] holds for none of them.
///
/// ```
/// use lockladder::{lock_level, Level, LockSet, Mutex, Read, RwLock};
///
/// #[lock_level(10)]
/// struct Registry;
/// #[lock_level(20)]
/// struct CoinManager;
///
/// fn highest<S: LockSet>(_: &S) -> &'static str {
///     <S::Highest as Level>::NAME
/// }
///
/// let (registry, coins) = (RwLock::new(Registry), Mutex::new(CoinManager));
/// assert_eq!(highest(&(&coins, Read(&registry))), "CoinManager");
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a set of locks that `lock_all` can take",
    label = "expected a tuple of 1 to 8 locks",
    note = "pass a tuple: `token.lock_all((&mutex, Read(&rwlock), Write(&other)))`; one lock is `(&mutex,)`, more than 8 take two calls or `lock_many`"
)]
pub trait LockSet: sealed::Sealed + Sized {
    /// The highest level in the set: the level of the token `lock_all` returns.
    type Highest: Level;
    /// The guards, in the order of the tuple's elements.
    type Guards<'g>
    where
        Self: 'g;

    #[doc(hidden)]
    /// One [`Slot`] per member.
    type Slots;
    #[doc(hidden)]
    /// The members' levels, in argument order.
    const LEVELS: &'static [u32];
    #[doc(hidden)]
    /// The members' level names, in argument order.
    const NAMES: &'static [&'static str];
    #[doc(hidden)]
    /// The acquisition order by level, evaluated at compile time.
    const PLAN: Plan;

    #[doc(hidden)]
    /// The members' addresses, in argument order.
    fn addresses(&self) -> [usize; MAX_SET];
    #[doc(hidden)]
    /// Begins every member's acquisition (at the user's call), in `order`.
    #[track_caller]
    fn begin(self, order: &[u8], in_set: [bool; MAX_SET], seal: Seal) -> Self::Slots;
    #[doc(hidden)]
    /// Polls the acquisition of the member at `index`.
    fn poll_member(slots: &mut Self::Slots, index: usize, cx: &mut Context<'_>) -> Poll<()>;
    #[doc(hidden)]
    /// Takes the member at `index`, blocking the thread while it is held
    /// elsewhere.
    fn block_member(slots: &mut Self::Slots, index: usize, seal: Seal);
    #[doc(hidden)]
    /// The guards, once every member is held.
    fn take_guards<'g>(slots: &mut Self::Slots) -> Option<Self::Guards<'g>>
    where
        Self: 'g;
}

/// `S: LockSetAbove<H>`: every lock of the set `S` is above level `H`, so a
/// token holding `H` may take them all with `lock_all`. It is `H: LockBefore<_>`
/// for each member, and a violation is reported as that, naming the lock.
///
/// ```
/// use lockladder::{lock_level, LockSetAbove, LockToken, Mutex, Unlocked};
///
/// #[lock_level(10)]
/// struct Registry;
/// #[lock_level(20)]
/// struct CoinManager;
///
/// fn takes<S: LockSetAbove<Unlocked>>(_: S) {}
/// takes((&Mutex::new(CoinManager), &Mutex::new(Registry)));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a set of locks that `lock_all` can take",
    label = "expected a tuple of 1 to 8 locks",
    note = "pass a tuple: `token.lock_all((&mutex, Read(&rwlock), Write(&other)))`; one lock is `(&mutex,)`, more than 8 take two calls or `lock_many`"
)]
pub trait LockSetAbove<H>: LockSet {}

// One blanket impl over a per-tuple check: rustc then reports the unmet
// `H: LockBefore<_>` of the offending member, without listing every tuple size
// as "other types that implement" the trait.
impl<H, S: EachLockAbove<H>> LockSetAbove<H> for S {}

/// Every member of a tuple is above `H`; one impl per tuple size.
pub trait EachLockAbove<H>: LockSet {}

/// `LockAll: Takes<'_, N>` for the numbers of locks `lock_all` takes. A set
/// of 9 to 12 locks requires it of its size, and so fails at this one bound,
/// with this message, instead of at every mention of its type.
#[diagnostic::on_unimplemented(
    message = "`lock_all` takes 1 to 8 locks, and this set has {LOCKS}",
    label = "{LOCKS} locks",
    note = "take the lowest levels with one `lock_all` and the rest with the token it returns, or take locks of one level with `lock_many`"
)]
pub trait Takes<'a, const LOCKS: usize> {}

/// `lock_all` (and `lock_all_blocking`), as the subject of [`Takes`].
pub enum LockAll {}

/// The sizes `lock_all` takes. All but the largest are hidden from the
/// error, which then says "but trait `Takes<'_, 8>` is implemented for it"
/// instead of listing every tuple size.
macro_rules! lock_all_takes {
    ($($size:literal)+) => {$(
        #[diagnostic::do_not_recommend]
        impl Takes<'_, $size> for LockAll {}
    )+};
}

lock_all_takes!(1 2 3 4 5 6 7);
impl Takes<'_, 8> for LockAll {}

/// Orders the set (ties by address, panicking on a lock given twice) and
/// begins every acquisition; returns the slots and the acquisition order
/// (its first `S::PLAN.len` entries). `call` names the method in the panic.
#[track_caller]
#[inline]
pub(crate) fn begin_set<S: LockSet>(locks: S, call: &'static str) -> (S::Slots, [u8; MAX_SET]) {
    let mut order = S::PLAN.order;
    let in_set = if S::PLAN.ties {
        let addresses = locks.addresses();
        settle_ties(&mut order[..S::PLAN.len], S::LEVELS, &addresses, S::NAMES, call)
    } else {
        [false; MAX_SET]
    };
    let slots = locks.begin(&order[..S::PLAN.len], in_set, Seal(()));
    (slots, order)
}

impl<'a, S: LockSet> LockAllFuture<'a, S> {
    /// Begins every acquisition; nothing is taken until the first poll.
    #[track_caller]
    #[inline]
    pub(crate) fn begin(locks: S) -> Self {
        let (slots, order) = begin_set(locks, "lock_all");
        LockAllFuture { slots, order, lifetime: PhantomData }
    }
}

/// The future of [`LockToken::lock_all`]: resolves to the guards, in the order
/// of the tuple, and a token at the highest level of the set.
///
/// A named type that does not mention the held level, so an order violation is
/// reported once. Dropping it releases every lock it took.
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct LockAllFuture<'a, S: LockSet> {
    slots: S::Slots,
    /// The acquisition order when levels tie; else `S::PLAN.order` is used.
    order: [u8; MAX_SET],
    lifetime: PhantomData<&'a ()>,
}

// Nothing in it is pinned: a member that must wait boxes its wait.
impl<S: LockSet> Unpin for LockAllFuture<'_, S> {}

impl<'a, S: LockSet + 'a> Future for LockAllFuture<'a, S> {
    type Output = (S::Guards<'a>, LockToken<'a, S::Highest>);

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        // Each poll walks the set in acquisition order; members already held
        // are passed at once. With distinct levels the order is a constant, so
        // the walk unrolls into straight-line code with no dispatch.
        if S::PLAN.ties {
            for &member in &this.order[..S::PLAN.len] {
                ready!(S::poll_member(&mut this.slots, usize::from(member), cx));
            }
        } else {
            for &member in &S::PLAN.order[..S::PLAN.len] {
                ready!(S::poll_member(&mut this.slots, usize::from(member), cx));
            }
        }
        match S::take_guards(&mut this.slots) {
            Some(guards) => Poll::Ready((guards, LockToken::acquired())),
            None => panic!("a `lock_all` future was polled after it completed"),
        }
    }
}

impl<S: LockSet> fmt::Debug for LockAllFuture<'_, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LockAllFuture").field("locks", &S::NAMES).finish_non_exhaustive()
    }
}

/// `LockSet`, `EachLockAbove` and `BlockingLockSet` for one tuple size. The
/// highest level is folded from the head and the highest level of the tail.
macro_rules! lock_set {
    (@common $($member:ident $index:tt),+) => {
        impl<$($member: LockSetMember),+> sealed::Sealed for ($($member,)+) {}

        impl<H, $($member: LockSetMember),+> EachLockAbove<H> for ($($member,)+)
        where
            ($($member,)+): LockSet,
            $(H: LockBefore<$member::Level>,)+
        {
        }

        impl<$($member: BlockingSetMember),+> BlockingLockSet for ($($member,)+)
        where
            ($($member,)+): LockSet,
        {
        }
    };
    (@body $($member:ident $index:tt),+) => {
        type Guards<'g>
            = ($($member::Guard<'g>,)+)
        where
            Self: 'g;
        type Slots = ($(Slot<$member>,)+);
        const LEVELS: &'static [u32] = &[$(<$member::Level as Level>::LEVEL),+];
        const NAMES: &'static [&'static str] = &[$(<$member::Level as Level>::NAME),+];
        const PLAN: Plan = Plan::of(Self::LEVELS);

        #[inline]
        fn addresses(&self) -> [usize; MAX_SET] {
            let mut addresses = [0; MAX_SET];
            $(addresses[$index] = self.$index.address();)+
            addresses
        }

        #[track_caller]
        #[inline]
        fn begin(self, order: &[u8], in_set: [bool; MAX_SET], _: Seal) -> Self::Slots {
            let mut slots = ($(Slot::new(self.$index),)+);
            // In acquisition order: the order the safety net checks levels in.
            for &member in order {
                match usize::from(member) {
                    $($index => slots.$index.begin(in_set[$index]),)+
                    _ => {}
                }
            }
            slots
        }

        #[inline]
        fn poll_member(slots: &mut Self::Slots, index: usize, cx: &mut Context<'_>) -> Poll<()> {
            match index {
                $($index => slots.$index.poll_acquire(cx),)+
                _ => Poll::Ready(()),
            }
        }

        #[inline]
        fn block_member(slots: &mut Self::Slots, index: usize, _: Seal) {
            match index {
                $($index => slots.$index.acquire_blocking(),)+
                _ => {}
            }
        }

        #[inline]
        fn take_guards<'g>(slots: &mut Self::Slots) -> Option<Self::Guards<'g>>
        where
            Self: 'g,
        {
            Some(($(slots.$index.take_guard()?,)+))
        }
    };
    (@too_many $count:literal: $head:ident, $($tail:ident),+) => {
        impl<$head: LockSetMember, $($tail: LockSetMember),+> sealed::Sealed
            for ($head, $($tail,)+)
        {
        }

        // A set `lock_all` cannot take: its hidden items are never used, since
        // `EachLockAbove` (so `LockSetAbove`) fails for it; `Highest` and
        // `Guards` are still true. Not listed among the sets `lock_all` takes.
        #[diagnostic::do_not_recommend]
        impl<$head: LockSetMember, $($tail: LockSetMember),+> LockSet for ($head, $($tail,)+)
        where
            ($($tail,)+): LockSet,
            $head::Level: MaxLevel<<($($tail,)+) as LockSet>::Highest>,
        {
            type Highest = <$head::Level as MaxLevel<<($($tail,)+) as LockSet>::Highest>>::Max;
            type Guards<'g>
                = ($head::Guard<'g>, $($tail::Guard<'g>,)+)
            where
                Self: 'g;
            type Slots = ();
            const LEVELS: &'static [u32] =
                &[<$head::Level as Level>::LEVEL, $(<$tail::Level as Level>::LEVEL),+];
            const NAMES: &'static [&'static str] =
                &[<$head::Level as Level>::NAME, $(<$tail::Level as Level>::NAME),+];
            const PLAN: Plan = Plan::of(&[]);

            fn addresses(&self) -> [usize; MAX_SET] {
                [0; MAX_SET]
            }

            fn begin(self, _: &[u8], _: [bool; MAX_SET], _: Seal) -> Self::Slots {}

            fn poll_member(_: &mut Self::Slots, _: usize, _: &mut Context<'_>) -> Poll<()> {
                Poll::Ready(())
            }

            fn block_member(_: &mut Self::Slots, _: usize, _: Seal) {}

            fn take_guards<'g>(_: &mut Self::Slots) -> Option<Self::Guards<'g>>
            where
                Self: 'g,
            {
                None
            }
        }

        impl<H, $head: LockSetMember, $($tail: LockSetMember),+> EachLockAbove<H>
            for ($head, $($tail,)+)
        where
            Self: LockSet,
            for<'a> LockAll: Takes<'a, $count>,
        {
        }

        impl<$head: BlockingSetMember, $($tail: BlockingSetMember),+> BlockingLockSet
            for ($head, $($tail,)+)
        where
            Self: LockSet,
        {
        }
    };
    ($only:ident 0) => {
        lock_set!(@common $only 0);

        impl<$only: LockSetMember> LockSet for ($only,) {
            type Highest = $only::Level;
            lock_set!(@body $only 0);
        }
    };
    ($head:ident $head_index:tt, $($tail:ident $tail_index:tt),+) => {
        lock_set!(@common $head $head_index, $($tail $tail_index),+);

        impl<$head: LockSetMember, $($tail: LockSetMember),+> LockSet for ($head, $($tail,)+)
        where
            ($($tail,)+): LockSet,
            $head::Level: MaxLevel<<($($tail,)+) as LockSet>::Highest>,
        {
            type Highest = <$head::Level as MaxLevel<<($($tail,)+) as LockSet>::Highest>>::Max;
            lock_set!(@body $head $head_index, $($tail $tail_index),+);
        }
    };
}

lock_set!(A 0);
lock_set!(A 0, B 1);
lock_set!(A 0, B 1, C 2);
lock_set!(A 0, B 1, C 2, D 3);
lock_set!(A 0, B 1, C 2, D 3, E 4);
lock_set!(A 0, B 1, C 2, D 3, E 4, F 5);
lock_set!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);
lock_set!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, I 7);
lock_set!(@too_many 9: A, B, C, D, E, F, G, I, J);
lock_set!(@too_many 10: A, B, C, D, E, F, G, I, J, K);
lock_set!(@too_many 11: A, B, C, D, E, F, G, I, J, K, M);
lock_set!(@too_many 12: A, B, C, D, E, F, G, I, J, K, M, N);
