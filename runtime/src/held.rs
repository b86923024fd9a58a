//! The seam between the locks and the runtime safety net.
//!
//! Every acquisition path calls [`Acquisition::begin`] when a lock method is
//! called (so `#[track_caller]` sees the user's call site), reports
//! [`Acquisition::contended`] when the lock was not free at once, and turns it
//! into a [`Hold`] that lives in the guard until it drops. The `lockdep` feature
//! fills these in (see `crate::lockdep`); without it every type here is
//! zero-sized and every call is an empty inline function, so the default build
//! carries no bookkeeping at all.

// Without `lockdep` the level goes unused: these are the hooks' shapes, not their work.
#![cfg_attr(not(feature = "lockdep"), allow(clippy::extra_unused_type_parameters))]

use crate::level::Level;
#[cfg(feature = "lockdep")]
use crate::lockdep::{Active, Pending};

/// An acquisition that has been asked for and not yet granted.
pub(crate) struct Acquisition {
    /// `None` once granted; dropped while `Some`, the acquisition was abandoned.
    #[cfg(feature = "lockdep")]
    pending: Option<Pending>,
}

impl Acquisition {
    /// A lock at level `L` is about to be taken by the current task.
    ///
    /// With `lockdep`, panics if the task already holds `L` or a level above it.
    #[track_caller]
    #[inline(always)]
    pub(crate) fn begin<L: Level>() -> Self {
        Acquisition {
            #[cfg(feature = "lockdep")]
            pending: Some(Pending::begin(
                L::LEVEL,
                L::NAME,
                core::panic::Location::caller(),
                false,
            )),
        }
    }

    /// Like [`begin`](Acquisition::begin), for the second and later members of
    /// a set of same-level locks taken together in one fixed order
    /// (`lock_all`, `lock_many`): the level may equal the highest one held.
    #[track_caller]
    #[inline(always)]
    #[allow(dead_code, reason = "called by `lock_all`/`lock_many`, which land on another branch")]
    pub(crate) fn begin_in_set<L: Level>() -> Self {
        Acquisition {
            #[cfg(feature = "lockdep")]
            pending: Some(Pending::begin(L::LEVEL, L::NAME, core::panic::Location::caller(), true)),
        }
    }

    /// The lock was not free at the first attempt; the task waits.
    #[inline(always)]
    pub(crate) fn contended(&mut self) {
        #[cfg(feature = "lockdep")]
        if let Some(pending) = &mut self.pending {
            pending.contended();
        }
    }

    /// The lock is held from now on. Called once; an acquisition dropped
    /// without it was abandoned (a failed `try_*`, or a cancelled future).
    #[inline(always)]
    pub(crate) fn granted(&mut self) -> Hold {
        Hold {
            #[cfg(feature = "lockdep")]
            active: self.pending.take().map(Pending::granted),
        }
    }
}

/// A hold of one lock, kept in its guard; dropping it ends the hold.
pub(crate) struct Hold {
    #[cfg(feature = "lockdep")]
    #[allow(dead_code, reason = "held for its `Drop`, which ends the hold")]
    active: Option<Active>,
}

// The promise of the default build, checked when it compiles: the seam is empty.
#[cfg(not(feature = "lockdep"))]
const _: () = assert!(size_of::<Acquisition>() == 0 && size_of::<Hold>() == 0);
