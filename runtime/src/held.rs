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

    /// Like [`begin`](Acquisition::begin), located at `site` rather than at the
    /// caller: for an acquisition made later on the user's behalf (the
    /// re-take of a mutex by a `Condvar` wait, inside its future or closure),
    /// which should be reported where the user asked for it.
    #[track_caller]
    #[inline(always)]
    pub(crate) fn begin_at<L: Level>(site: CallSite) -> Self {
        let _ = site;
        Acquisition {
            #[cfg(feature = "lockdep")]
            pending: Some(Pending::begin(L::LEVEL, L::NAME, site.location, false)),
        }
    }

    /// Like [`begin`](Acquisition::begin), for the second and later members of
    /// a set of same-level locks taken together in one fixed order
    /// (`lock_all`, `lock_many`): the level may equal the highest one held.
    #[track_caller]
    #[inline(always)]
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

/// Where the user called a lock method, kept for an acquisition made later on
/// their behalf ([`Acquisition::begin_at`]). Empty without `lockdep`.
#[derive(Clone, Copy)]
pub(crate) struct CallSite {
    #[cfg(feature = "lockdep")]
    location: &'static core::panic::Location<'static>,
}

impl CallSite {
    /// The call of the `#[track_caller]` lock method that this is called in.
    #[track_caller]
    #[inline(always)]
    pub(crate) fn caller() -> Self {
        CallSite {
            #[cfg(feature = "lockdep")]
            location: core::panic::Location::caller(),
        }
    }
}

/// A hold of one lock, kept in its guard; dropping it ends the hold.
pub(crate) struct Hold {
    #[cfg(feature = "lockdep")]
    #[allow(dead_code, reason = "held for its `Drop`, which ends the hold")]
    active: Option<Active>,
}

impl Hold {
    /// A lock at level `L` taken by the current task at its first attempt,
    /// without waiting: with `lockdep`, checks the order and records the hold
    /// in one step (panics, as [`Acquisition::begin`] does, on a violation;
    /// the caller's guard then drops while unwinding). An acquisition that may
    /// wait must [`begin`](Acquisition::begin) before it does, so that a
    /// would-be deadlock is reported instead of hanging.
    #[track_caller]
    #[inline(always)]
    pub(crate) fn granted_at_once<L: Level>() -> Hold {
        Hold {
            #[cfg(feature = "lockdep")]
            active: Some(Pending::granted_at_once(
                L::LEVEL,
                L::NAME,
                core::panic::Location::caller(),
                false,
            )),
        }
    }

    /// No hold: what a guard keeps while its lock is released inside it (a
    /// `Condvar` wait ends the hold, then starts a new one once re-taken).
    #[inline(always)]
    pub(crate) fn none() -> Hold {
        Hold {
            #[cfg(feature = "lockdep")]
            active: None,
        }
    }
}

// With `lockdep`, a guard carries one word: a reference to its hold's entry.
#[cfg(feature = "lockdep")]
const _: () = assert!(size_of::<Hold>() == size_of::<usize>());

// The promise of the default build, checked when it compiles: the seam is empty.
#[cfg(not(feature = "lockdep"))]
const _: () =
    assert!(size_of::<Acquisition>() == 0 && size_of::<Hold>() == 0 && size_of::<CallSite>() == 0);

#[cfg(all(test, feature = "lockdep"))]
pub(crate) mod tests {
    use std::panic::{AssertUnwindSafe, catch_unwind};

    use super::*;
    use crate::level::DeclareLevel;
    use crate::rank::{Rank, X0, X1, X2};

    /// Two levels for the net's unit tests: `Registry` below `Account`.
    pub(crate) enum Account {}
    impl DeclareLevel for Account {
        const DECLARED_NAME: &'static str = "Account";
        type DeclaredRank = Rank<X0, X0, X2, X0>;
    }

    pub(crate) enum Registry {}
    impl DeclareLevel for Registry {
        const DECLARED_NAME: &'static str = "Registry";
        type DeclaredRank = Rank<X0, X0, X1, X0>;
    }

    // Each test runs on its own thread, so each is its own task for lockdep.

    #[test]
    fn later_members_of_a_same_level_set_may_equal_the_highest_held_level() {
        let _first = Acquisition::begin::<Account>().granted();
        let _second = Acquisition::begin_in_set::<Account>().granted();
        let _third = Acquisition::begin_in_set::<Account>().granted();
    }

    #[test]
    fn a_second_lock_at_the_held_level_outside_a_set_panics_at_begin() {
        let _first = Acquisition::begin::<Account>().granted();
        let second = catch_unwind(|| Acquisition::begin::<Account>().granted());
        assert!(second.is_err());
    }

    #[test]
    fn a_set_member_below_the_held_level_panics() {
        let _held = Acquisition::begin::<Account>().granted();
        let member = catch_unwind(|| Acquisition::begin_in_set::<Registry>().granted());
        assert!(member.is_err());
    }

    #[test]
    fn members_begun_in_any_order_and_granted_ascending_are_fine() {
        // `lock_all` begins its members in the caller's order and grants them
        // in ascending order.
        let mut account = Acquisition::begin::<Account>();
        let mut registry = Acquisition::begin::<Registry>();
        let _registry = registry.granted();
        let _account = account.granted();
    }

    #[test]
    fn an_acquisition_begun_at_a_call_site_is_checked_and_reported_there() {
        let _held = Acquisition::begin::<Account>().granted();
        let (site, line) = (CallSite::caller(), line!());
        let taken = catch_unwind(|| Acquisition::begin_at::<Registry>(site));
        let message =
            *taken.err().expect("`Registry` is below `Account`").downcast::<String>().unwrap();
        let at = format!("`Registry` (level {}) at {}:{line}:", Registry::LEVEL, file!());
        assert!(message.contains(&at), "{message}");
    }

    #[test]
    fn a_grant_below_a_level_granted_meanwhile_panics() {
        let mut registry = Acquisition::begin::<Registry>();
        let _account = Acquisition::begin::<Account>().granted();
        let grant = catch_unwind(AssertUnwindSafe(|| registry.granted()));
        assert!(grant.is_err());
    }
}

/// With `lockdep`, panics at the caller if the current task holds a level
/// above `L` (through a token the types cannot see, a second root): for a
/// wait made while the lock at `L` stays held (an upgrade waits for the
/// readers, a `Condvar` wait for a notification, then re-takes its mutex), a
/// task waiting for that higher lock may be what the wait waits for; for an
/// entry token at `L`, the caller holds more than it was declared to. Levels
/// at `L` are the lock itself (or what the entry declares).
#[track_caller]
#[inline(always)]
pub(crate) fn check_holds_at_most<L: Level>() {
    #[cfg(feature = "lockdep")]
    let _checked = Acquisition::begin_in_set::<L>();
}
