//! [`Slot`]: one lock of a set, from "asked for" to "held".

use core::future::Future;
use core::mem;
use core::pin::Pin;
use core::task::{Context, Poll, ready};

use super::member::{Granted, LockSetMember, Seal};
use crate::held::{Acquisition, Hold};

/// One lock of a `lock_all`/`lock_many` call. Dropping it releases the lock if
/// it was taken and abandons the wait if it was waiting, which is what makes a
/// dropped multi-lock future release everything it took.
pub struct Slot<M: LockSetMember> {
    member: M,
    acquisition: Acquisition,
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
    /// A slot whose acquisition has begun (at the user's call).
    #[inline]
    pub(crate) fn new(member: M, acquisition: Acquisition) -> Self {
        Slot { member, acquisition, state: State::Begun }
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
                    self.acquisition.contended();
                    let mut waiting = Box::pin(self.member.wait(Seal(())));
                    let polled = waiting.as_mut().poll(cx);
                    self.state = State::Waiting(waiting);
                    ready!(polled)
                }
            },
        };
        self.state = State::Held(raw, self.acquisition.granted());
        Poll::Ready(())
    }

    /// Takes the lock if it is free right now; `false` if it is held elsewhere.
    #[inline]
    pub(crate) fn try_acquire(&mut self) -> bool {
        if let State::Begun = self.state {
            match self.member.try_raw(Seal(())) {
                Some(raw) => self.state = State::Held(raw, self.acquisition.granted()),
                None => return false,
            }
        }
        true
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
