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
/// Implemented by this crate only.
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

/// Orders the set (ties by address, panicking on a lock given twice) and
/// begins every acquisition; returns the slots and the acquisition order
/// (its first `S::PLAN.len` entries). `call` names the method in the panic.
#[track_caller]
#[inline]
pub(crate) fn begin_set<S: LockSet>(locks: S, call: &str) -> (S::Slots, [u8; MAX_SET]) {
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

/// `LockSet` and `EachLockAbove` for one tuple size. The highest level is
/// folded from the head and the highest level of the tail tuple.
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
