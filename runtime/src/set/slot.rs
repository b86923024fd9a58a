//! [`Slot`]: one lock of a set, from "asked for" to "held".

use core::future::Future;
use core::mem;
use core::pin::Pin;
use core::task::{Context, Poll, ready};

use super::member::{Granted, LockSetMember, Seal};
use super::order::begin_member;
use crate::held::{Acquisition, Hold};

/// One lock of a `lock_all`/`lock_many` call. Dropping it releases the lock if
/// it was taken and abandons the wait if it was waiting, which is what makes a
/// dropped multi-lock future release everything it took.
pub struct Slot<M: LockSetMember> {
    member: M,
    /// Begun at the user's call, in acquisition order (see [`Slot::begin`]).
    acquisition: Option<Acquisition>,
    state: State<M>,
}

enum State<M: LockSetMember> {
    /// Not tried yet.
    Begun,
    /// Was not free at once. Boxed only then: the uncontended path does not
    /// allocate, and the slots need no pinning of their own.
    Waiting(Pin<Box<M::Wait>>),
    /// Held; the guard is not handed out yet.
    Held(M::Raw, Hold),
    /// The guard was handed out.
    Taken,
}

impl<M: LockSetMember> Slot<M> {
    /// A slot for one member; its acquisition begins with [`Slot::begin`].
    #[inline]
    pub(crate) fn new(member: M) -> Self {
        Slot { member, acquisition: None, state: State::Begun }
    }

    /// Where the lock lives: the one global order of locks of one level.
    #[inline]
    pub(crate) fn address(&self) -> usize {
        self.member.address()
    }

    /// Begins the acquisition. Called at the user's call for every member, in
    /// acquisition order: the safety net checks each level against the levels
    /// begun before it, so the order of these calls is the order it checks.
    #[track_caller]
    #[inline(always)]
    pub(crate) fn begin(&mut self, in_set: bool) {
        self.acquisition = Some(begin_member::<M::Level>(in_set));
    }

    /// Records the grant and keeps the lock.
    #[inline]
    fn grant(&mut self, raw: M::Raw) {
        // Always begun already; beginning here only keeps this function total.
        let acquisition = self.acquisition.get_or_insert_with(Acquisition::begin::<M::Level>);
        self.state = State::Held(raw, acquisition.granted());
    }

    /// Takes the lock: at once if it is free, else waits. Ready once held (or
    /// once its guard was handed out).
    #[inline]
    pub(crate) fn poll_acquire(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let raw = match &mut self.state {
            State::Held(..) | State::Taken => return Poll::Ready(()),
            State::Waiting(waiting) => ready!(waiting.as_mut().poll(cx)),
            State::Begun => match self.member.try_raw(Seal(())) {
                Some(raw) => raw,
                None => {
                    if let Some(acquisition) = &mut self.acquisition {
                        acquisition.contended();
                    }
                    let mut waiting = Box::pin(self.member.wait(Seal(())));
                    let polled = waiting.as_mut().poll(cx);
                    self.state = State::Waiting(waiting);
                    ready!(polled)
                }
            },
        };
        self.grant(raw);
        Poll::Ready(())
    }

    /// Takes the lock, blocking the thread while it is held elsewhere.
    #[inline]
    pub(crate) fn acquire_blocking(&mut self) {
        if let State::Begun = self.state {
            let acquisition = self.acquisition.get_or_insert_with(Acquisition::begin::<M::Level>);
            let raw = block_member(self.member, acquisition);
            self.grant(raw);
        }
    }

    /// Takes the lock if it is free right now; `false` if it is held elsewhere.
    #[inline]
    pub(crate) fn try_acquire(&mut self) -> bool {
        if let State::Begun = self.state {
            match self.member.try_raw(Seal(())) {
                Some(raw) => self.grant(raw),
                None => return false,
            }
        }
        true
    }

    /// The guard of a held lock; `None` (and the slot dropped: a wait
    /// abandoned) if it is not held.
    #[inline]
    pub(crate) fn into_guard<'g>(self) -> Option<M::Guard<'g>>
    where
        M: 'g,
    {
        match self.state {
            State::Held(raw, hold) => Some(M::guard(raw, Granted(hold))),
            _ => None,
        }
    }

    /// The guard of a held lock, once; `None` if it is not held (any more).
    #[inline]
    pub(crate) fn take_guard<'g>(&mut self) -> Option<M::Guard<'g>>
    where
        M: 'g,
    {
        match mem::replace(&mut self.state, State::Taken) {
            State::Held(raw, hold) => Some(M::guard(raw, Granted(hold))),
            other => {
                self.state = other;
                None
            }
        }
    }
}

/// Takes `member`, blocking the thread while it is held elsewhere, as a single
/// blocking lock does: only the safety net needs to know whether it was free
/// at once.
#[inline]
pub(crate) fn block_member<M: LockSetMember>(member: M, acquisition: &mut Acquisition) -> M::Raw {
    #[cfg(feature = "lockdep")]
    if let Some(raw) = member.try_raw(Seal(())) {
        return raw;
    }
    acquisition.contended();
    member.block(Seal(()))
}
