//! The threads waiting on a blocking `Condvar`: a FIFO of parked threads, each
//! woken by one `unpark` made outside the queue's lock.
//!
//! Why not `event-listener` (which the async `Condvar` keeps, for its wakers):
//! its blocking wait parks on a mutex and condvar of its own, and a
//! notification unparks the thread *while holding the listener list's lock*,
//! which the woken thread takes again at once to collect its notification,
//! then once more to drop its listener. `perf` counted five futex calls per
//! hand-off of a ping-pong, against one or two for `parking_lot::Condvar`, and
//! that was most of the 2.7x. Here a hand-off is one lock of the queue by the
//! notifier, one `unpark` after it, and one `park` (std's thread parker, a
//! single futex word per thread).
//!
//! No notification is lost: a waiter queues itself while it still holds the
//! mutex (so before any notifier can see its condition change), and is then
//! only removed by a notifier, which marks it notified before unparking it, or
//! by itself, under the queue's lock, when its time runs out or it gives up.
//! A notification thus reaches a waiter that acts on it, or is passed on.
//!
//! Checked by the loom model in `sleepers_loom.rs` (`.ci/run`): a sleeper
//! taken off the queue by a notifier as its time runs out counts as notified,
//! exactly when the notifier found it
//! (`a_sleeper_popped_as_it_times_out_counts_as_notified`; the mutant
//! `sleepers_timeout_notified` is caught), and a queued sleeper is woken by a
//! notification whether it parked yet or not
//! (`a_queued_sleeper_is_woken_by_a_notification`).

#[cfg(not(lockladder_loom))]
use core::cell::Cell;
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Instant;

use crate::shim::ParkingMutex;
use crate::shim::atomic::eager::AtomicBool;
use crate::shim::atomic::{AtomicUsize, Ordering};
use crate::shim::thread::{self, Thread};

/// The threads waiting on one condvar, longest waiting first.
pub(super) struct Sleepers {
    queue: ParkingMutex<VecDeque<Arc<Sleeper>>>,
    /// `queue.len()`, readable without the lock: a notification with nobody
    /// waiting (the common case of a producer) is one load, as parking_lot's.
    len: AtomicUsize,
}

/// One waiting thread.
struct Sleeper {
    thread: Thread,
    /// Set, before the `unpark`, by the notifier that took it off the queue.
    notified: AtomicBool,
}

impl Sleepers {
    pub(super) const fn new() -> Self {
        Sleepers { queue: ParkingMutex::new(VecDeque::new()), len: AtomicUsize::new(0) }
    }

    /// Queues the current thread; call it while the mutex is still held.
    pub(super) fn enqueue(&self) -> Ticket<'_> {
        let sleeper = reusable_sleeper();
        let mut queue = self.queue.lock();
        queue.push_back(Arc::clone(&sleeper));
        self.len.store(queue.len(), Ordering::Relaxed);
        drop(queue);
        Ticket { sleepers: self, sleeper, settled: false }
    }

    /// Wakes the thread waiting longest; `true` if there was one.
    pub(super) fn notify_one(&self) -> bool {
        // A waiter queued itself before releasing the mutex that the notifier
        // took (or holds) since, so that count is visible here.
        if self.len.load(Ordering::Relaxed) == 0 {
            return false;
        }
        let first = {
            let mut queue = self.queue.lock();
            let first = queue.pop_front();
            self.len.store(queue.len(), Ordering::Relaxed);
            first
        };
        first.map(Sleeper::wake).is_some()
    }

    /// Wakes every waiting thread; returns how many there were.
    pub(super) fn notify_all(&self) -> usize {
        if self.len.load(Ordering::Relaxed) == 0 {
            return 0;
        }
        let all = {
            let mut queue = self.queue.lock();
            self.len.store(0, Ordering::Relaxed);
            core::mem::take(&mut *queue)
        };
        let count = all.len();
        all.into_iter().for_each(Sleeper::wake);
        count
    }

    /// Takes `sleeper` off the queue if it is still on it; `false` if a
    /// notifier took it off first (it has been, or is being, notified).
    fn leave(&self, sleeper: &Arc<Sleeper>) -> bool {
        let mut queue = self.queue.lock();
        let Some(index) = queue.iter().position(|queued| Arc::ptr_eq(queued, sleeper)) else {
            return false;
        };
        queue.remove(index);
        self.len.store(queue.len(), Ordering::Relaxed);
        true
    }
}

impl Sleeper {
    /// Called off the queue's lock, so that the woken thread finds it free.
    fn wake(self: Arc<Self>) {
        self.notified.store(true, Ordering::Release);
        self.thread.unpark();
    }
}

/// The current thread's place in the queue, from `enqueue` until it is
/// notified, times out, or is dropped (which gives the place up, passing on
/// a notification that arrived meanwhile).
pub(super) struct Ticket<'a> {
    sleepers: &'a Sleepers,
    sleeper: Arc<Sleeper>,
    /// Off the queue and accounted for: nothing for `drop` to do.
    settled: bool,
}

impl Ticket<'_> {
    /// Parks until notified (`true`) or until `deadline` passes (`false`).
    pub(super) fn sleep(mut self, deadline: Option<Instant>) -> bool {
        // A stray `unpark` (std's parker keeps one token) only loops once more.
        while !self.sleeper.notified.load(Ordering::Acquire) {
            match deadline {
                None => thread::park(),
                Some(deadline) => {
                    let now = Instant::now();
                    if now >= deadline {
                        // Still queued: timed out. Else a notifier took it in
                        // the meantime, and the wait ends as notified.
                        let notified = !self.sleepers.leave(&self.sleeper);
                        #[cfg(lockladder_mutant = "sleepers_timeout_notified")]
                        let notified = false;
                        self.settled = true;
                        return notified;
                    }
                    thread::park_timeout(deadline - now);
                }
            }
        }
        self.settled = true;
        true
    }
}

impl Drop for Ticket<'_> {
    fn drop(&mut self) {
        // Only reached if the wait unwound between `enqueue` and `sleep`.
        if !self.settled && !self.sleepers.leave(&self.sleeper) {
            self.sleepers.notify_one();
        }
    }
}

#[cfg(not(lockladder_loom))]
thread_local! {
    /// This thread's sleeper, reused by its next wait once no queue and no
    /// notifier holds it: a thread allocates for its first wait only (and
    /// after a notifier was slow to let go).
    static SLEEPER: Cell<Option<Arc<Sleeper>>> = const { Cell::new(None) };
}

/// Under loom, a new sleeper for each wait: the reuse is not modeled.
#[cfg(lockladder_loom)]
fn reusable_sleeper() -> Arc<Sleeper> {
    new_sleeper()
}

/// The current thread's sleeper, un-notified.
#[cfg(not(lockladder_loom))]
fn reusable_sleeper() -> Arc<Sleeper> {
    let cached = SLEEPER.try_with(|cached| {
        let sleeper = match cached.take() {
            // `get_mut` proves (with acquire ordering) that the last notifier
            // is done with it.
            Some(mut sleeper) => match Arc::get_mut(&mut sleeper) {
                Some(unique) => {
                    *unique.notified.get_mut() = false;
                    sleeper
                }
                None => new_sleeper(),
            },
            None => new_sleeper(),
        };
        cached.set(Some(Arc::clone(&sleeper)));
        sleeper
    });
    // A thread whose storage is being torn down still waits, allocating.
    cached.unwrap_or_else(|_| new_sleeper())
}

fn new_sleeper() -> Arc<Sleeper> {
    Arc::new(Sleeper { thread: thread::current(), notified: AtomicBool::new(false) })
}

#[cfg(all(test, lockladder_loom))]
#[path = "sleepers_loom.rs"]
mod loom_model;

#[cfg(all(test, not(lockladder_loom)))]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn a_thread_reuses_its_sleeper_once_nobody_holds_it() {
        let sleepers = Sleepers::new();
        let first = sleepers.enqueue();
        let first_sleeper = Arc::clone(&first.sleeper);
        assert!(sleepers.notify_one());
        assert!(first.sleep(None), "notified before it parked: it does not park");
        drop(first_sleeper);
        let second = sleepers.enqueue();
        let cached = SLEEPER.with(|cached| {
            let sleeper = cached.take();
            let same = sleeper.as_ref().is_some_and(|cached| Arc::ptr_eq(cached, &second.sleeper));
            cached.set(sleeper);
            same
        });
        assert!(cached, "the second wait reuses the cached sleeper");
        assert!(!second.sleeper.notified.load(Ordering::Relaxed), "reset for the new wait");
    }

    #[test]
    fn a_sleeper_still_queued_when_its_time_runs_out_leaves_the_queue() {
        let sleepers = Sleepers::new();
        let ticket = sleepers.enqueue();
        assert!(!ticket.sleep(Some(Instant::now())), "timed out");
        assert!(!sleepers.notify_one(), "nobody is left to notify");
        assert_eq!(sleepers.len.load(Ordering::Relaxed), 0);
    }

    #[test]
    fn a_sleeper_taken_off_by_a_notifier_as_it_times_out_counts_as_notified() {
        let sleepers = Sleepers::new();
        let ticket = sleepers.enqueue();
        // A notifier that has taken it off the queue but not yet marked it.
        let taken = sleepers.queue.lock().pop_front().expect("queued");
        assert!(ticket.sleep(Some(Instant::now() - Duration::from_millis(1))));
        taken.wake();
    }

    #[test]
    fn a_ticket_given_up_after_its_notification_passes_it_on() {
        let sleepers = Sleepers::new();
        let first = sleepers.enqueue();
        let second = sleepers.enqueue();
        assert!(sleepers.notify_one(), "reaches the first");
        drop(first); // unwound before it slept
        assert!(second.sleep(Some(Instant::now())), "the notification was passed on");
    }

    #[test]
    fn a_ticket_given_up_before_any_notification_leaves_the_queue() {
        let sleepers = Sleepers::new();
        drop(sleepers.enqueue());
        assert!(!sleepers.notify_one());
    }

    #[test]
    fn notify_one_wakes_the_longest_waiting_sleeper() {
        let sleepers = Sleepers::new();
        let [first, second] = [sleepers.enqueue(), sleepers.enqueue()];
        assert!(sleepers.notify_one());
        assert!(first.sleeper.notified.load(Ordering::Acquire));
        assert!(!second.sleep(Some(Instant::now())), "still queued, timed out");
        assert!(first.sleep(None));
    }

    #[test]
    fn notify_all_wakes_every_sleeper_and_counts_them() {
        let sleepers = Sleepers::new();
        let tickets = [sleepers.enqueue(), sleepers.enqueue(), sleepers.enqueue()];
        assert_eq!(sleepers.notify_all(), 3);
        assert_eq!(sleepers.notify_all(), 0);
        for ticket in tickets {
            assert!(ticket.sleep(Some(Instant::now())));
        }
    }
}
