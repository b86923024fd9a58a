//! [`Slot`]: one lock of a set, from "asked for" to "held".

use core::future::Future;
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
    // Boxed only when the lock was not free at once: the uncontended path does
    // not allocate, and the slots need no pinning of their own.
    waiting: Option<Pin<Box<M::Wait>>>,
    granted: Option<(M::Raw, Hold)>,
}

impl<M: LockSetMember> Slot<M> {
    /// A slot whose acquisition has begun (at the user's call).
    #[inline]
    pub(crate) fn new(member: M, acquisition: Acquisition) -> Self {
        Slot { member, acquisition, waiting: None, granted: None }
    }

    /// Takes the lock: at once if it is free, else waits. Ready once held.
    #[inline]
    pub(crate) fn poll_acquire(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        if self.granted.is_some() {
            return Poll::Ready(());
        }
        let raw = match &mut self.waiting {
            Some(waiting) => ready!(waiting.as_mut().poll(cx)),
            None => match self.member.try_raw(Seal(())) {
                Some(raw) => raw,
                None => {
                    self.acquisition.contended();
                    let waiting = self.waiting.insert(Box::pin(self.member.wait(Seal(()))));
                    ready!(waiting.as_mut().poll(cx))
                }
            },
        };
        self.waiting = None;
        self.granted = Some((raw, self.acquisition.granted()));
        Poll::Ready(())
    }

    /// Takes the lock if it is free right now; `false` if it is held elsewhere.
    #[inline]
    pub(crate) fn try_acquire(&mut self) -> bool {
        if self.granted.is_none() {
            match self.member.try_raw(Seal(())) {
                Some(raw) => self.granted = Some((raw, self.acquisition.granted())),
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
        let (raw, hold) = self.granted.take()?;
        Some(M::guard(raw, Granted(hold)))
    }
}
