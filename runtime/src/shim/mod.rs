//! What the locks of our own are built on: std's atomics, std's mutex,
//! event-listener and spin in the normal build; under `--cfg lockladder_loom`,
//! loom's atomics and mutex and stand-ins of our own written on them, so the
//! models (`tests/*_loom.rs`, and `sync/wake_loom.rs` and
//! `sync/condvar/sleepers_loom.rs` inside the crate) can explore every
//! interleaving. The normal build only re-exports (its code and cost do not
//! change), but for `barrier`, the asymmetric barrier of the blocking locks'
//! wake-up, which is a fence on both sides under loom.
//!
//! Why not `--cfg loom`: that switches async-lock and event-listener into their
//! own loom modes too, where `async_lock::Mutex::new` is no longer `const` and
//! the crate's `const` constructors stop compiling.
//!
//! Why the stand-ins are created lazily: loom's objects have no `const`
//! constructor, and the locks' `new` are `const fn`; each stand-in builds its
//! loom object at first use, which is inside the model's execution. loom
//! requires every access to an atomic to happen after its creation, so a
//! model uses each lock once on the thread that made it, before sharing it
//! (loom reports "Causality violation" otherwise).

#[cfg(not(lockladder_loom))]
pub(crate) mod atomic {
    pub(crate) use core::sync::atomic::{AtomicUsize, Ordering, fence};

    /// For atomics made by a plain `fn`, on the thread that then shares them.
    pub(crate) mod eager {
        pub(crate) use core::sync::atomic::{AtomicBool, AtomicUsize};
    }
}
#[cfg(lockladder_loom)]
pub(crate) mod atomic;

#[cfg(lockladder_loom)]
pub(crate) use mutex::ParkingMutex;
#[cfg(not(lockladder_loom))]
pub(crate) use parking_lot::Mutex as ParkingMutex;

/// Parking the current thread, for the blocking `Condvar`'s sleepers.
#[cfg(not(lockladder_loom))]
pub(crate) mod thread {
    pub(crate) use std::thread::{Thread, current, park, park_timeout};
}
/// loom's parking; loom has no clock, so a timed park returns at once (as a
/// spurious wake-up may): a model gives only deadlines already past.
#[cfg(lockladder_loom)]
pub(crate) mod thread {
    pub(crate) use loom::thread::{Thread, current, park};

    pub(crate) fn park_timeout(_timeout: std::time::Duration) {}
}

#[cfg(not(lockladder_loom))]
pub(crate) use std::sync::Mutex;
#[cfg(lockladder_loom)]
mod mutex;
#[cfg(lockladder_loom)]
pub(crate) use mutex::Mutex;

#[cfg(not(lockladder_loom))]
pub(crate) use event_listener::{Event, EventListener};
#[cfg(lockladder_loom)]
mod event;
#[cfg(lockladder_loom)]
pub(crate) use event::{Event, EventListener};

/// The release's and the waiter's sides of the blocking locks' wake-up
/// (`sync/wake.rs`): `membarrier` on Linux, fences elsewhere and under loom.
pub(crate) mod barrier;

pub(crate) mod spin_cell;
pub(crate) mod spin_rw_cell;

/// The writers' turn of the async `RwLock`: async-lock's mutex, which loom
/// cannot see into; under loom, a stand-in with the contract the `RwLock`
/// relies on (one holder, each waiter served, a cancelled waiter passes its
/// turn on): our own async `Mutex`, itself checked by `tests/mutex_loom.rs`.
pub(crate) mod turn {
    #[cfg(not(lockladder_loom))]
    pub(crate) type Turn = async_lock::Mutex<()>;
    #[cfg(not(lockladder_loom))]
    pub(crate) type TurnGuard<'a> = async_lock::MutexGuard<'a, ()>;
    #[cfg(not(lockladder_loom))]
    pub(crate) type TurnLock<'a> = core::pin::Pin<Box<async_lock::futures::Lock<'a, ()>>>;

    #[cfg(lockladder_loom)]
    pub(crate) type Turn = crate::mutex::raw::RawMutex<()>;
    #[cfg(lockladder_loom)]
    pub(crate) type TurnGuard<'a> = crate::mutex::raw::MutexGuard<'a, ()>;
    #[cfg(lockladder_loom)]
    pub(crate) type TurnLock<'a> = crate::mutex::raw::Lock<'a, ()>;

    pub(crate) const fn new() -> Turn {
        Turn::new(())
    }

    /// The future of the turn, `Unpin`.
    pub(crate) fn lock(turn: &Turn) -> TurnLock<'_> {
        #[cfg(not(lockladder_loom))]
        return Box::pin(turn.lock());
        #[cfg(lockladder_loom)]
        return turn.lock();
    }
}
