//! The seam between the locks and the runtime safety net.
//!
//! Every acquisition path calls [`Acquisition::begin`] when a lock method is
//! called (so `#[track_caller]` sees the user's call site), reports
//! [`Acquisition::contended`] when the lock was not free at once, and turns it
//! into a [`Hold`] that lives in the guard until it drops. The `lockdep` feature
//! fills these in; without it every type here is zero-sized and every call is an
//! empty inline function, so the default build carries no bookkeeping at all.

// Without `lockdep` the level goes unused: these are the hooks' shapes, not their work.
#![cfg_attr(not(feature = "lockdep"), allow(clippy::extra_unused_type_parameters))]

use crate::level::Level;

/// An acquisition that has been asked for and not yet granted.
pub(crate) struct Acquisition {}

impl Acquisition {
    /// A lock at level `L` is about to be taken by the current task.
    #[track_caller]
    #[inline(always)]
    pub(crate) fn begin<L: Level>() -> Self {
        Acquisition {}
    }

    /// Like [`Acquisition::begin`], for the members of a set taken together at
    /// one level by `lock_all`/`lock_many`; equal levels are allowed between them.
    #[track_caller]
    #[inline(always)]
    pub(crate) fn begin_in_set<L: Level>() -> Self {
        Acquisition {}
    }

    /// The lock was not free at the first attempt; the task waits.
    #[inline(always)]
    pub(crate) fn contended(&mut self) {}

    /// The lock is held from now on. Called once; an acquisition dropped
    /// without it was abandoned (a failed `try_*`, or a cancelled future).
    #[inline(always)]
    pub(crate) fn granted(&mut self) -> Hold {
        Hold {}
    }
}

/// A hold of one lock, kept in its guard; dropping it ends the hold.
pub(crate) struct Hold {}
