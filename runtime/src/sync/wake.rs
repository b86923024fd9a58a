//! How an async task waits for a blocking lock without spinning: the lock
//! counts its async waiters, and a release wakes them only when there is one.
//!
//! A thread that calls `lock` parks inside parking_lot, which wakes it. An async
//! `lock_all`/`lock_many` must not park its executor thread, so it registers
//! with the lock's [`Wake`] instead and sleeps until a guard of that lock is
//! dropped. The release checks one word of the lock (its waiter count and a
//! flag), so the uncontended unlock stays a parking_lot unlock plus a load and
//! a compare (on Linux and Android, once the kernel's `membarrier` is on;
//! elsewhere plus a fence: see below).
//!
//! No wake-up is lost: the waiter counts itself, registers its listener and
//! only then tries the lock once more before it sleeps; the release unlocks and
//! only then reads the count. Each side's write must be ordered before its
//! read, so that at least one of them sees the other: either the retry finds
//! the lock free, or the release sees the waiter and notifies it. The order
//! comes from an asymmetric barrier (`shim::barrier`): the release runs its
//! light side (a compiler fence where the kernel gives the waiter a
//! process-wide barrier, `membarrier` on Linux; a `fence(SeqCst)` elsewhere),
//! the waiter its heavy side (that process-wide barrier, or a
//! `fence(SeqCst)`). A release skips the fence only when the lock's flag says
//! the kernel accepted the process-wide barrier; otherwise (and whenever a
//! waiter is counted) it fences and reads again (`shim::barrier` has the
//! argument). Should the heavy side fail, the waiter polls again instead of
//! sleeping.
//!
//! Invariant, checked by the loom model in `wake_loom.rs` (`.ci/run`): no
//! async waiter sleeps while the lock is free, one waiter or two in a row
//! (`an_async_waiter_never_sleeps_on_a_free_lock`,
//! `async_waiters_on_a_mutex_are_woken_one_after_another`); the mutants
//! `wake_release_fence` (the release without its barrier) and
//! `wake_waiter_barrier` (the waiter without its barrier) are caught.

use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use crate::shim::atomic::{AtomicUsize, Ordering, fence};
use crate::shim::barrier;
use crate::shim::{Event, EventListener};

/// The async waiters of one blocking lock.
pub(crate) struct Wake {
    /// The tasks between their first failed attempt and their acquisition (or
    /// cancellation), counted in steps of [`WAITER`], and the flag
    /// [`UNFENCED`].
    state: AtomicUsize,
    event: Event,
    /// A release may let several waiters in (an `RwLock`'s readers).
    wake_all: bool,
}

/// Set in `Wake::state` once the process-wide barrier is on: releases of this
/// lock then skip their fence (`shim::barrier`). Never cleared.
const UNFENCED: usize = 1;
/// One async waiter in `Wake::state`.
const WAITER: usize = 2;
/// The state in which a release has nothing more to do.
const QUIET: usize = if barrier::RELEASES_MAY_SKIP_THE_FENCE { UNFENCED } else { 0 };

impl Wake {
    /// For a lock that one waiter at a time can take.
    pub(crate) const fn one_at_a_time() -> Self {
        Wake { state: AtomicUsize::new(0), event: Event::new(), wake_all: false }
    }

    /// For a lock that a release may open to many waiters at once.
    pub(crate) const fn many_at_once() -> Self {
        Wake { state: AtomicUsize::new(0), event: Event::new(), wake_all: true }
    }

    /// Called after each release of the lock (the unlock itself is done).
    #[inline(always)]
    pub(crate) fn released(&self) {
        // Orders the unlock before the read of the state; pairs with the heavy
        // barrier in `Waiter::register` (no instruction on Linux, see
        // `shim::barrier`).
        barrier::light();
        if self.state.load(Ordering::Relaxed) != QUIET {
            self.released_slowly();
        }
    }

    /// A release that found a waiter, or a lock whose releases do not skip
    /// the fence (yet): fences, reads again, and wakes the waiters if any.
    #[cold]
    #[inline(never)]
    fn released_slowly(&self) {
        // The symmetric pair of the waiter's fence in `barrier::heavy`, for the
        // releases that may not skip it.
        fence(Ordering::SeqCst);
        let state = self.state.load(Ordering::Relaxed);
        if state & UNFENCED == 0 && barrier::asymmetric_without_waiting() {
            self.state.fetch_or(UNFENCED, Ordering::Relaxed);
        }
        if state >= WAITER {
            // A woken listener that is dropped before it runs passes its
            // notification on (event-listener does this), so one is enough
            // for a mutex.
            self.event.notify(if self.wake_all { usize::MAX } else { 1 });
        }
    }
}

impl fmt::Debug for Wake {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state.load(Ordering::Relaxed);
        f.debug_struct("Wake")
            .field("waiters", &(state / WAITER))
            .field("unfenced", &(state & UNFENCED != 0))
            .finish()
    }
}

/// A guard of a wrapped parking_lot lock that wakes the lock's async waiters
/// after it unlocks. Every guard of a blocking lock is one of these, so no
/// release can forget the waiters (a cancelled `lock_all` releasing what it
/// took included).
pub struct RawGuard<'a, G> {
    /// Dropped first: the unlock.
    pub(crate) guard: G,
    _wake: WakeOnDrop<'a>,
}

impl<'a, G> RawGuard<'a, G> {
    #[inline(always)]
    pub(crate) fn new(guard: G, wake: &'a Wake) -> Self {
        RawGuard { guard, _wake: WakeOnDrop(wake) }
    }
}

impl<'a, G> RawGuard<'a, G> {
    /// The same hold of the lock in another form (an upgrade): nobody new can
    /// get in, so nobody is woken.
    pub(crate) fn map<G2>(self, change: impl FnOnce(G) -> G2) -> RawGuard<'a, G2> {
        RawGuard { guard: change(self.guard), _wake: self._wake }
    }

    /// As [`map`](RawGuard::map), for a change that may fail and give the
    /// guard back.
    pub(crate) fn try_map<G2>(
        self,
        change: impl FnOnce(G) -> Result<G2, G>,
    ) -> Result<RawGuard<'a, G2>, Self> {
        match change(self.guard) {
            Ok(guard) => Ok(RawGuard { guard, _wake: self._wake }),
            Err(guard) => Err(RawGuard { guard, _wake: self._wake }),
        }
    }

    /// Releases the lock with `unlock` (a fair unlock), then wakes the async
    /// waiters as a drop does.
    pub(crate) fn release_with(self, unlock: impl FnOnce(G)) {
        let RawGuard { guard, _wake } = self;
        unlock(guard);
    }

    /// The async waiters of the lock, for a release inside the guard
    /// (`unlocked`).
    pub(crate) fn wake(&self) -> &'a Wake {
        self._wake.0
    }

    /// The hold weakened in place (a downgrade), which lets others in: wakes
    /// the async waiters as a release does.
    pub(crate) fn downgraded<G2>(self, change: impl FnOnce(G) -> G2) -> RawGuard<'a, G2> {
        let weaker = self.map(change);
        weaker._wake.0.released();
        weaker
    }
}

impl<G: core::ops::Deref> core::ops::Deref for RawGuard<'_, G> {
    type Target = G::Target;

    fn deref(&self) -> &G::Target {
        &self.guard
    }
}

/// Wakes the lock's waiters when dropped.
struct WakeOnDrop<'a>(&'a Wake);

impl Drop for WakeOnDrop<'_> {
    #[inline(always)]
    fn drop(&mut self) {
        self.0.released();
    }
}

/// One async task's wait for a blocking lock: between tries of the lock it
/// sleeps until a release of that lock.
pub(crate) struct Waiter<'a> {
    wake: &'a Wake,
    /// Registered after the first failed try; replaced after each wake-up.
    listener: Option<EventListener>,
    /// Counted in `wake.state`; uncounted on success or drop.
    counted: bool,
    /// The last registration's barrier could not be made: a release may have
    /// missed this waiter, so it polls again instead of sleeping.
    unordered: bool,
}

impl<'a> Waiter<'a> {
    /// A wait for the lock behind `wake`.
    pub(crate) fn new(wake: &'a Wake) -> Self {
        Waiter { wake, listener: None, counted: false, unordered: false }
    }

    /// Takes the lock with `try_now` if it is free; else registers for the
    /// next release and returns `Pending`.
    pub(crate) fn poll_try<G>(
        &mut self,
        cx: &mut Context<'_>,
        mut try_now: impl FnMut() -> Option<G>,
    ) -> Poll<G> {
        loop {
            if let Some(guard) = try_now() {
                self.listener = None;
                self.uncount();
                return Poll::Ready(guard);
            }
            match &mut self.listener {
                // Not listening: listen, then try again before sleeping.
                None => self.register(),
                Some(listener) => match Pin::new(listener).poll(cx) {
                    // Released since we listened: try again, listening anew.
                    Poll::Ready(()) => self.listener = None,
                    Poll::Pending if self.unordered => {
                        // Try again at the next poll, listening anew.
                        self.listener = None;
                        cx.waker().wake_by_ref();
                        return Poll::Pending;
                    }
                    Poll::Pending => return Poll::Pending,
                },
            }
        }
    }

    /// Counts this task as a waiter (once) and listens for the next release.
    fn register(&mut self) {
        if !self.counted {
            self.wake.state.fetch_add(WAITER, Ordering::Relaxed);
            self.counted = true;
        }
        self.listener = Some(self.wake.event.listen());
        // Orders the count and the listener before the retry that follows;
        // pairs with the light barrier in `Wake::released`.
        self.unordered = !barrier::heavy();
    }

    fn uncount(&mut self) {
        if self.counted {
            self.wake.state.fetch_sub(WAITER, Ordering::Relaxed);
            self.counted = false;
        }
    }
}

impl Drop for Waiter<'_> {
    fn drop(&mut self) {
        // The listener drops after this, passing on a notification it got.
        self.uncount();
    }
}

impl fmt::Debug for Waiter<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Waiter")
            .field("listening", &self.listener.is_some())
            .field("wake", self.wake)
            .finish()
    }
}

#[cfg(all(test, lockladder_loom))]
#[path = "wake_loom.rs"]
mod loom_model;

#[cfg(all(test, not(lockladder_loom)))]
#[path = "wake_tests.rs"]
mod tests;
