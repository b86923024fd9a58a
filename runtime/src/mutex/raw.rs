//! The lock under [`Mutex`](super::Mutex): one compare-and-swap to take it and
//! one store to release it when nobody waits, a FIFO queue of wakers when
//! somebody does.
//!
//! Why not `async_lock::Mutex`: its release wakes a waiter without handing the
//! lock over, so when the lock changes owner on most operations the woken task
//! often finds it taken again by a newcomer and goes back to sleep; tokio's
//! semaphore, which serves the head waiter first, was faster there. Here the
//! data sits in a `spin` mutex that is only ever *tried* (never spun on). A
//! task that does not get it at once joins a FIFO queue; while anyone is
//! queued, newcomers queue too instead of taking the lock, and only the head of
//! the queue may take it. A release wakes the head: the lock changes hands with
//! one wake-up, and nobody barges past a waiting task.
//!
//! Wake-ups: a waiter queues itself under the queue's lock and then tries the
//! lock (with a SeqCst fence between); a release stores, issues a SeqCst fence
//! and, if anyone is queued, wakes the head under the queue's lock. The head
//! tries the lock and updates its waker under that same lock, so a release
//! either finds the lock tried already or wakes the waker it left.
//!
//! Invariants, each checked by a loom model in `tests/mutex_loom.rs` (run by
//! `.ci/run` with the mutant that removes the step it depends on):
//! - holds exclude each other, each sees the one before it, and every queued
//!   task is served: `holds_exclude_each_other_and_every_waiter_is_served`
//!   and `a_mapped_guard_hands_the_lock_on` (mutant `mutex_release_fence`:
//!   without the fence in release a releaser can read a stale empty queue
//!   and wake nobody);
//! - a task that gives up in the queue, or after being woken as its head,
//!   passes its turn on: `a_waiter_that_gives_up_passes_its_turn_on` (mutant
//!   `mutex_cancel_wake`: the wake-up in `Lock`'s drop);
//! - `try_lock` never strands a task that is queueing:
//!   `try_lock_beside_a_queued_task_never_strands_it`.
//!
//! The spin mutex is wrapped in `lock_api`'s `Mutex`, whose guard narrows to a
//! part of the data safely (`map`); its `try_lock` and unlock are spin's own
//! compare-and-swap and store.

use core::future::Future;
use core::ops::{Deref, DerefMut};
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use std::collections::VecDeque;
use std::sync::PoisonError;

use crate::shim::Mutex as StdMutex;
use crate::shim::atomic::{AtomicUsize, Ordering, fence};
/// The data cell: spin's mutex, under `lock_api` for safe guard mapping.
use crate::shim::spin_cell::{
    CellGuard as DataGuard, MappedCellGuard as MappedDataGuard, SpinCell as Data,
};

/// An async mutex that serves waiters in arrival order, cancel safe.
pub struct RawMutex<T: ?Sized> {
    signals: Signals,
    data: Data<T>,
}

/// Who waits, and how to wake them; holds no `T`.
struct Signals {
    /// How many tasks are in `waiters`; newcomers queue while it is not zero.
    queued: AtomicUsize,
    waiters: StdMutex<Waiters>,
}

#[derive(Default)]
struct Waiters {
    /// Arrival order: the front is the only task that may take the lock.
    queue: VecDeque<(u64, Waker)>,
    next_id: u64,
}

impl<T> RawMutex<T> {
    pub(crate) const fn new(value: T) -> Self {
        RawMutex {
            signals: Signals {
                queued: AtomicUsize::new(0),
                waiters: StdMutex::new(Waiters { queue: VecDeque::new(), next_id: 0 }),
            },
            data: Data::new(value),
        }
    }

    pub(crate) fn into_inner(self) -> T {
        self.data.into_inner()
    }
}

impl<T: ?Sized> RawMutex<T> {
    pub(crate) fn get_mut(&mut self) -> &mut T {
        self.data.get_mut()
    }

    /// The lock if it is free and nobody is queued for it.
    pub(crate) fn try_lock(&self) -> Option<MutexGuard<'_, T>> {
        if self.signals.queued.load(Ordering::Relaxed) != 0 {
            return None;
        }
        self.try_lock_in_turn()
    }

    /// The lock if it is free, whoever is queued: for the head of the queue.
    fn try_lock_in_turn(&self) -> Option<MutexGuard<'_, T>> {
        let data = self.data.try_lock()?;
        Some(MutexGuard { data, _release: Release(&self.signals) })
    }

    pub(crate) fn lock(&self) -> Lock<'_, T> {
        Lock { mutex: self, queued_as: None }
    }

    /// Whether `guard` is a guard of this mutex.
    pub(crate) fn owns(&self, guard: &MutexGuard<'_, T>) -> bool {
        core::ptr::eq(guard._release.0, &self.signals)
    }
}

impl Signals {
    fn waiters(&self) -> impl core::ops::DerefMut<Target = Waiters> + '_ {
        // Nothing panics while the queue is locked; recover anyway.
        self.waiters.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The future of [`RawMutex::lock`].
pub struct Lock<'a, T: ?Sized> {
    mutex: &'a RawMutex<T>,
    /// The place in the queue, once queued; `None` before and after.
    queued_as: Option<u64>,
}

impl<'a, T: ?Sized> Future for Lock<'a, T> {
    type Output = MutexGuard<'a, T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let signals = &this.mutex.signals;
        let Some(id) = this.queued_as else {
            if let Some(guard) = this.mutex.try_lock() {
                return Poll::Ready(guard);
            }
            let mut waiters = signals.waiters();
            let id = waiters.next_id;
            waiters.next_id = id.wrapping_add(1);
            waiters.queue.push_back((id, cx.waker().clone()));
            signals.queued.fetch_add(1, Ordering::SeqCst);
            this.queued_as = Some(id);
            fence(Ordering::SeqCst);
            return this.try_at_head(id, &mut waiters, cx);
        };
        let mut waiters = signals.waiters();
        this.try_at_head(id, &mut waiters, cx)
    }
}

impl<'a, T: ?Sized> Lock<'a, T> {
    /// Takes the lock if this task is at the head of the queue and the lock is
    /// free; otherwise leaves the current waker in its place.
    fn try_at_head(
        &mut self,
        id: u64,
        waiters: &mut Waiters,
        cx: &Context<'_>,
    ) -> Poll<MutexGuard<'a, T>> {
        let at_head = waiters.queue.front().is_some_and(|(front, _)| *front == id);
        if at_head && let Some(guard) = self.mutex.try_lock_in_turn() {
            waiters.queue.pop_front();
            self.mutex.signals.queued.fetch_sub(1, Ordering::SeqCst);
            self.queued_as = None;
            return Poll::Ready(guard);
        }
        if let Some((_, waker)) = waiters.queue.iter_mut().find(|(queued, _)| *queued == id)
            && !waker.will_wake(cx.waker())
        {
            *waker = cx.waker().clone();
        }
        Poll::Pending
    }
}

impl<T: ?Sized> Drop for Lock<'_, T> {
    fn drop(&mut self) {
        let Some(id) = self.queued_as else { return };
        // Cancelled in the queue: leave it, and if this task was at the head,
        // wake the next one (the lock may be free, waiting for the head).
        let signals = &self.mutex.signals;
        let next = {
            let mut waiters = signals.waiters();
            let Some(index) = waiters.queue.iter().position(|(queued, _)| *queued == id) else {
                return;
            };
            waiters.queue.remove(index);
            signals.queued.fetch_sub(1, Ordering::SeqCst);
            if index == 0 { waiters.queue.front().map(|(_, next)| next.clone()) } else { None }
        };
        // Woken outside the queue's lock: a waker may poll at once.
        #[cfg(not(lockladder_mutant = "mutex_cancel_wake"))]
        if let Some(next) = next {
            next.wake();
        }
    }
}

/// Access to the data of a [`RawMutex`].
pub struct MutexGuard<'a, T: ?Sized> {
    data: DataGuard<'a, T>,
    // Dropped after `data`: wakes the head of the queue once the lock is free.
    _release: Release<'a>,
}

/// Access to a part of the data of a [`RawMutex`]: the same hold as the
/// [`MutexGuard`] it was narrowed from.
pub struct MappedMutexGuard<'a, T: ?Sized> {
    data: MappedDataGuard<'a, T>,
    // Dropped after `data`, as in `MutexGuard`.
    _release: Release<'a>,
}

/// `map`/`try_map` on a guard type whose `data` is a `$data`: both narrow to a
/// [`MappedMutexGuard`] that keeps the lock held and the release's wake-up.
macro_rules! mappable {
    ($guard:ident, $data:ident) => {
        impl<'a, T: ?Sized> $guard<'a, T> {
            /// Narrows the guard to a part of the data; the lock stays held.
            pub(crate) fn map<U: ?Sized>(
                self,
                part: impl FnOnce(&mut T) -> &mut U,
            ) -> MappedMutexGuard<'a, U> {
                let $guard { data, _release } = self;
                MappedMutexGuard { data: $data::map(data, part), _release }
            }

            /// As [`map`](Self::map); the guard comes back when `part` finds nothing.
            pub(crate) fn try_map<U: ?Sized>(
                self,
                part: impl FnOnce(&mut T) -> Option<&mut U>,
            ) -> Result<MappedMutexGuard<'a, U>, Self> {
                let $guard { data, _release } = self;
                match $data::try_map(data, part) {
                    Ok(data) => Ok(MappedMutexGuard { data, _release }),
                    Err(data) => Err($guard { data, _release }),
                }
            }
        }
    };
}

mappable!(MutexGuard, DataGuard);
mappable!(MappedMutexGuard, MappedDataGuard);

impl<T: ?Sized> Deref for MappedMutexGuard<'_, T> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        &self.data
    }
}

impl<T: ?Sized> DerefMut for MappedMutexGuard<'_, T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        &mut self.data
    }
}

struct Release<'a>(&'a Signals);

impl Drop for Release<'_> {
    #[inline]
    fn drop(&mut self) {
        #[cfg(not(lockladder_mutant = "mutex_release_fence"))]
        fence(Ordering::SeqCst);
        if self.0.queued.load(Ordering::Relaxed) != 0 {
            wake_head(self.0);
        }
    }
}

#[cold]
fn wake_head(signals: &Signals) {
    let head = signals.waiters().queue.front().map(|(_, head)| head.clone());
    // Woken outside the queue's lock: a waker may poll at once.
    if let Some(head) = head {
        head.wake();
    }
}

impl<T: ?Sized> Deref for MutexGuard<'_, T> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        &self.data
    }
}

impl<T: ?Sized> DerefMut for MutexGuard<'_, T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        &mut self.data
    }
}

// Plain tests; under loom, the models in tests/*_loom.rs run instead.
#[cfg(all(test, not(lockladder_loom)))]
mod tests;
