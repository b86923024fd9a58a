//! What the locks of our own are built on: std's atomics, std's mutex,
//! event-listener and spin in the normal build; under `--cfg lockladder_loom`,
//! loom's atomics and mutex and stand-ins of our own written on them, so the
//! model tests (`tests/*_loom.rs`) can explore every interleaving. The normal
//! build only re-exports: its code and cost do not change.
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
}
#[cfg(lockladder_loom)]
pub(crate) mod atomic;

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

pub(crate) mod spin_cell;
