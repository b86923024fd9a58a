//! Putting a lock of another crate's own kind into the hierarchy.
//!
//! A crate that wraps a lock lockladder does not know (a database advisory
//! lock, a lease in a coordination service) uses the same token discipline as
//! [`Mutex`](crate::Mutex): [`begin`] borrows the caller's token, checked
//! against the lock's level at compile time; once the lock is really held,
//! [`ExternalAcquisition::granted`] returns an [`ExternalHold`] to keep in the
//! guard and the child token at the lock's level. Both borrow the parent token,
//! so it stays frozen while the guard lives, as with every built-in lock.
//!
//! Nothing here can make a token at or below the level already held, or a root
//! token: [`begin`] requires `H: LockBefore<L>`, and each acquisition yields at
//! most one token, at exactly `L`.
//!
//! ```
//! use lockladder::extend::{self, ExternalHold};
//! use lockladder::{lock_level, LockBefore, LockToken, Mutex};
//!
//! /// A lock this crate knows nothing about, here a plain std mutex.
//! struct Lease<L> {
//!     inner: std::sync::Mutex<()>,
//!     level: std::marker::PhantomData<fn() -> L>,
//! }
//!
//! struct LeaseGuard<'a> {
//!     _inner: std::sync::MutexGuard<'a, ()>,
//!     // Ends the hold (for the `lockdep` safety net) when the guard drops, and
//!     // keeps the parent token borrowed as long as the guard lives.
//!     _hold: ExternalHold<'a>,
//! }
//!
//! impl<L: lockladder::Level> Lease<L> {
//!     #[track_caller]
//!     fn lock<'a, H: LockBefore<L>>(
//!         &'a self,
//!         token: &'a mut LockToken<'_, H>,
//!     ) -> (LeaseGuard<'a>, LockToken<'a, L>) {
//!         let mut acquisition = extend::begin::<L>(token);
//!         let inner = match self.inner.try_lock() {
//!             Ok(inner) => inner,
//!             Err(_) => {
//!                 acquisition.contended();
//!                 self.inner.lock().unwrap()
//!             }
//!         };
//!         let (hold, token) = acquisition.granted();
//!         (LeaseGuard { _inner: inner, _hold: hold }, token)
//!     }
//! }
//!
//! #[lock_level(10)]
//! enum LeaseLevel {}
//! #[lock_level(20)]
//! struct Jobs(Vec<u32>);
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let lease: Lease<LeaseLevel> = Lease { inner: Default::default(), level: Default::default() };
//! let jobs = Mutex::new(Jobs(vec![]));
//!
//! let mut token = LockToken::new();
//! let (_lease, mut token) = lease.lock(&mut token); // level 10
//! let (mut jobs, _token) = jobs.lock(&mut token).await; // 10 -> 20: fine
//! jobs.0.push(1);
//! # });
//! ```

use core::fmt;
use core::marker::PhantomData;

use crate::held::{Acquisition, Hold};
use crate::level::Level;
use crate::order::LockBefore;
use crate::token::LockToken;

/// Starts acquiring a lock of level `L` with the caller's token, which must
/// hold a level strictly below `L` (the usual "lock order violation" compile
/// error otherwise).
///
/// Call it when the lock method is called (it is `#[track_caller]`, so the
/// `lockdep` safety net reports the user's call site), before waiting for the
/// lock. The token stays borrowed for `'a`: by the acquisition, then by the
/// hold and the child token it turns into.
///
/// ```
/// use lockladder::{extend, lock_level, LockToken};
///
/// #[lock_level(10)]
/// enum Lease {}
///
/// let mut token = LockToken::new();
/// let acquisition = extend::begin::<Lease>(&mut token);
/// let (_hold, _token): (_, LockToken<'_, Lease>) = acquisition.granted();
/// ```
///
/// A level at or below the held one does not compile:
///
/// ```compile_fail,E0277
/// use lockladder::{extend, lock_level, LockToken};
///
/// #[lock_level(10)]
/// enum Lease {}
/// #[lock_level(20)]
/// enum Jobs {}
///
/// let mut token = LockToken::new();
/// let (_jobs, mut token) = extend::begin::<Jobs>(&mut token).granted();
/// // error: lock order violation: cannot acquire `Lease` while holding `Jobs`
/// let _lease = extend::begin::<Lease>(&mut token);
/// ```
#[track_caller]
#[inline(always)]
pub fn begin<'a, L: Level>(
    token: &'a mut LockToken<'_, impl LockBefore<L>>,
) -> ExternalAcquisition<'a, L> {
    let _ = token;
    ExternalAcquisition {
        acquisition: Acquisition::begin::<L>(),
        lineage: PhantomData,
        level: PhantomData,
    }
}

/// A lock of level `L` that has been asked for and not yet granted; made by
/// [`begin`].
///
/// Dropping it without [`granted`](ExternalAcquisition::granted) records an
/// abandoned acquisition (a failed try, a cancelled wait).
///
/// ```
/// use lockladder::{extend, lock_level, LockToken};
///
/// #[lock_level(10)]
/// enum Lease {}
///
/// let mut token = LockToken::new();
/// let mut acquisition = extend::begin::<Lease>(&mut token);
/// acquisition.contended(); // the lock was busy: we wait
/// drop(acquisition); // ... and gave up; the token is free again
/// let _again = extend::begin::<Lease>(&mut token);
/// ```
#[must_use = "an acquisition does nothing until it is granted; dropping it abandons it"]
pub struct ExternalAcquisition<'a, L> {
    acquisition: Acquisition,
    // The borrow of the parent token, passed on to the hold and the child token.
    lineage: PhantomData<&'a mut ()>,
    // Invariant in `L`, as `LockToken` is: two levels that differ only by a
    // subtype (a higher-ranked `fn` pointer) must never coerce into each
    // other, or an acquisition at one level would grant a token at another.
    level: PhantomData<fn(L) -> L>,
}

impl<'a, L: Level> ExternalAcquisition<'a, L> {
    /// Records that the lock was not free at the first attempt and the task
    /// now waits for it (counted by the `lockdep` statistics).
    ///
    /// ```
    /// use lockladder::{extend, lock_level, LockToken};
    ///
    /// #[lock_level(10)]
    /// enum Lease {}
    ///
    /// let mut token = LockToken::new();
    /// let mut acquisition = extend::begin::<Lease>(&mut token);
    /// acquisition.contended();
    /// let _granted = acquisition.granted();
    /// ```
    #[inline(always)]
    pub fn contended(&mut self) {
        self.acquisition.contended();
    }

    /// The lock is held from now on: returns the hold, to keep in the guard
    /// until the lock is released, and the token at level `L`.
    ///
    /// Call it only once the lock is really held; dropping the hold is what
    /// tells the `lockdep` safety net that it was released.
    ///
    /// ```
    /// use lockladder::{extend, lock_level, LockToken, Mutex};
    ///
    /// #[lock_level(10)]
    /// enum Lease {}
    /// #[lock_level(20)]
    /// struct Jobs(u32);
    ///
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let jobs = Mutex::new(Jobs(0));
    /// let mut token = LockToken::new();
    /// let (hold, mut token) = extend::begin::<Lease>(&mut token).granted();
    /// let (mut jobs, _token) = jobs.lock(&mut token).await; // above `Lease`
    /// jobs.0 += 1;
    /// # drop(hold);
    /// # });
    /// ```
    #[inline(always)]
    pub fn granted(mut self) -> (ExternalHold<'a>, LockToken<'a, L>) {
        let hold = ExternalHold { hold: self.acquisition.granted(), lineage: PhantomData };
        (hold, LockToken::acquired())
    }
}

impl<L: Level> fmt::Debug for ExternalAcquisition<'_, L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ExternalAcquisition<{} (level {})>", L::NAME, L::LEVEL)
    }
}

/// The hold of one external lock, made by [`ExternalAcquisition::granted`].
///
/// Keep it in the lock's guard and drop it when the lock is released. It
/// borrows the parent token, so the parent stays frozen while the guard lives
/// even when the child token is dropped early. Zero-sized without `lockdep`.
///
/// ```
/// use lockladder::{extend, lock_level, LockToken};
///
/// #[lock_level(10)]
/// enum Lease {}
///
/// let mut token = LockToken::new();
/// let (hold, child) = extend::begin::<Lease>(&mut token).granted();
/// drop(child);
/// drop(hold); // released: `token` may be used again
/// let _again = extend::begin::<Lease>(&mut token);
/// ```
pub struct ExternalHold<'a> {
    #[allow(dead_code, reason = "held for its `Drop`, which ends the hold")]
    hold: Hold,
    lineage: PhantomData<&'a mut ()>,
}

impl fmt::Debug for ExternalHold<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ExternalHold")
    }
}
