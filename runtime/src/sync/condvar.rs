//! [`Condvar`]: wait on a blocking [`Mutex`] until another thread notifies.
//!
//! A wait releases the mutex and re-takes it, so at that moment the waiter
//! must hold nothing above the mutex's level: re-taking it below a held lock
//! is the inversion the levels forbid. The types prove it: every wait takes
//! the mutex, its guard and a token *at the mutex's level* mutably. The only
//! tokens at that level the task can lend are the mutex's own child (which
//! cannot be borrowed while anything taken through it lives) or the token of
//! a same-level set; a guard taken in a set is refused (see [`Condvar::wait`]).
//!
//! Built on a queue of parked threads of its own (`sleepers`) rather than on
//! parking_lot's condvar: parking_lot releases the mutex inside its wait,
//! where nothing can wake the async tasks (`lock_all`/`lock_many`) sleeping
//! on that mutex; a wait here queues itself while the mutex is held, unlocks
//! through the guard (which wakes them), then parks. A notification sent
//! after the waiter queued itself cannot be lost, and the mutex is held until
//! it has, so none sent after the waiter checked its condition is missed.

mod sleepers;

use core::fmt;
use std::time::{Duration, Instant};

use self::sleepers::Sleepers;
use super::mutex::{Mutex, MutexGuard};
use super::unlocked::release_around;
use crate::level::Level;
use crate::token::LockToken;

/// A condition variable for a blocking [`sync::Mutex`](Mutex), in the lock
/// hierarchy.
///
/// The same operations as `parking_lot::Condvar`, each also given the mutex
/// and the token at the mutex's level that its `lock` returned: the borrow
/// checker then proves nothing above the mutex is held while the wait
/// releases and re-takes it.
///
/// ```
/// use lockladder::{lock_level, sync::{Condvar, Mutex}, LockToken};
///
/// #[lock_level(20)]
/// struct Jobs {
///     queue: Vec<u32>,
/// }
///
/// let jobs = Mutex::new(Jobs { queue: Vec::new() });
/// let ready = Condvar::new();
///
/// std::thread::scope(|scope| {
///     scope.spawn(|| {
///         let mut token = LockToken::new();
///         let (mut held, _) = jobs.lock(&mut token);
///         held.queue.push(7);
///         ready.notify_one();
///     });
///
///     let mut token = LockToken::new();
///     let (mut held, mut at_jobs) = jobs.lock(&mut token);
///     ready.wait_while(&jobs, &mut held, &mut at_jobs, |jobs| jobs.queue.is_empty());
///     assert_eq!(held.queue.pop(), Some(7));
/// });
/// ```
///
/// A wait while a lock taken through the mutex's token is held does not
/// compile: re-taking the mutex then would invert the order.
///
/// ```compile_fail,E0499
/// use lockladder::{lock_level, sync::{Condvar, Mutex}, LockToken};
///
/// #[lock_level(20)]
/// struct Jobs;
/// #[lock_level(30)]
/// struct Stats;
///
/// fn wait(jobs: &Mutex<Jobs>, stats: &Mutex<Stats>, ready: &Condvar) {
///     let mut token = LockToken::new();
///     let (mut held, mut at_jobs) = jobs.lock(&mut token);
///     let (_stats, _) = stats.lock(&mut at_jobs);
///     ready.wait(jobs, &mut held, &mut at_jobs); // error: `at_jobs` is borrowed by `_stats`
/// }
/// ```
///
/// # Guarantees
///
/// Waiters are woken in the order they started waiting. There are no
/// spurious wake-ups from the condvar itself, but a woken waiter re-takes the
/// mutex behind whoever else wants it, so check your condition in a loop (or
/// use [`wait_while`](Condvar::wait_while)). A thread allocates only for its
/// first wait. With `lockdep` the hold of the mutex ends when the wait
/// releases it, and the re-take is a new acquisition, reported at your call
/// of the wait method. Its order is checked before anything is released
/// (the waiting thread can take nothing meanwhile), so a wait that would
/// re-take the mutex below a lock held through another token panics at once
/// instead of deadlocking later.
pub struct Condvar {
    sleepers: Sleepers,
}

/// Whether a timed wait ended because its time ran out.
///
/// ```
/// use std::time::Duration;
/// use lockladder::{lock_level, sync::{Condvar, Mutex}, LockToken};
///
/// #[lock_level(20)]
/// struct Jobs;
///
/// let (jobs, ready) = (Mutex::new(Jobs), Condvar::new());
/// let mut token = LockToken::new();
/// let (mut held, mut at_jobs) = jobs.lock(&mut token);
/// let result = ready.wait_for(&jobs, &mut held, &mut at_jobs, Duration::from_millis(1));
/// assert!(result.timed_out()); // nobody notified
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaitTimeoutResult {
    timed_out: bool,
}

impl WaitTimeoutResult {
    /// `true` if the wait ended because its time ran out (for the `wait_while_*`
    /// forms: the condition still held when it did).
    ///
    /// ```
    /// use std::time::Duration;
    /// use lockladder::{lock_level, sync::{Condvar, Mutex}, LockToken};
    ///
    /// #[lock_level(20)]
    /// struct Jobs {
    ///     pending: u32,
    /// }
    ///
    /// let (jobs, ready) = (Mutex::new(Jobs { pending: 1 }), Condvar::new());
    /// let mut token = LockToken::new();
    /// let (mut held, mut at_jobs) = jobs.lock(&mut token);
    /// // The condition is already false: no wait, no time-out.
    /// let result = ready.wait_while_for(&jobs, &mut held, &mut at_jobs, |jobs| jobs.pending == 0,
    ///     Duration::from_secs(60));
    /// assert!(!result.timed_out());
    /// ```
    #[must_use]
    pub fn timed_out(self) -> bool {
        self.timed_out
    }
}

impl Condvar {
    /// A condition variable with no waiters.
    ///
    /// ```
    /// use lockladder::sync::Condvar;
    ///
    /// static READY: Condvar = Condvar::new();
    /// assert!(!READY.notify_one()); // nobody waits
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        Condvar { sleepers: Sleepers::new() }
    }

    /// Releases the mutex, sleeps until notified, and re-takes the mutex
    /// before returning.
    ///
    /// `guard` must be the guard of `mutex` returned by its
    /// [`lock`](Mutex::lock) or [`try_lock`](Mutex::try_lock), and `token` the
    /// token at the mutex's level (the one that call returned): while
    /// anything taken through it is held, it cannot be lent here.
    ///
    /// ```
    /// use lockladder::{lock_level, sync::{Condvar, Mutex}, LockToken};
    ///
    /// #[lock_level(20)]
    /// struct Flag {
    ///     set: bool,
    /// }
    ///
    /// let (flag, changed) = (Mutex::new(Flag { set: false }), Condvar::new());
    /// std::thread::scope(|scope| {
    ///     scope.spawn(|| {
    ///         let mut token = LockToken::new();
    ///         let (mut held, _) = flag.lock(&mut token);
    ///         held.set = true;
    ///         changed.notify_all();
    ///     });
    ///     let mut token = LockToken::new();
    ///     let (mut held, mut at_flag) = flag.lock(&mut token);
    ///     while !held.set {
    ///         changed.wait(&flag, &mut held, &mut at_flag);
    ///     }
    /// });
    /// ```
    ///
    /// # Panics
    ///
    /// Before releasing anything, if `guard` is not a guard of `mutex`, or if
    /// it was taken as a member of a set (`lock_all`, `lock_many`,
    /// `LockGroup`): re-taking one member alone while the others are held
    /// could deadlock with a task taking the same set. Take the mutex with
    /// its own `lock` to wait on it.
    #[track_caller]
    pub fn wait<T: ?Sized, L: Level>(
        &self,
        mutex: &Mutex<T, L>,
        guard: &mut MutexGuard<'_, T>,
        token: &mut LockToken<'_, L>,
    ) {
        self.wait_until_internal(mutex, guard, token, None, "wait");
    }

    /// Waits while `condition` returns `true` (checked first, with the mutex
    /// held, and after each wake-up). On return the condition is `false` and
    /// the mutex is held.
    ///
    /// ```
    /// use lockladder::{lock_level, sync::{Condvar, Mutex}, LockToken};
    ///
    /// #[lock_level(20)]
    /// struct Counter {
    ///     value: u32,
    /// }
    ///
    /// let (counter, bumped) = (Mutex::new(Counter { value: 0 }), Condvar::new());
    /// std::thread::scope(|scope| {
    ///     for _ in 0..3 {
    ///         scope.spawn(|| {
    ///             let mut token = LockToken::new();
    ///             let (mut held, _) = counter.lock(&mut token);
    ///             held.value += 1;
    ///             bumped.notify_all();
    ///         });
    ///     }
    ///     let mut token = LockToken::new();
    ///     let (mut held, mut at_counter) = counter.lock(&mut token);
    ///     bumped.wait_while(&counter, &mut held, &mut at_counter, |counter| counter.value < 3);
    ///     assert_eq!(held.value, 3);
    /// });
    /// ```
    ///
    /// # Panics
    ///
    /// As [`wait`](Condvar::wait).
    #[track_caller]
    pub fn wait_while<T: ?Sized, L: Level>(
        &self,
        mutex: &Mutex<T, L>,
        guard: &mut MutexGuard<'_, T>,
        token: &mut LockToken<'_, L>,
        condition: impl FnMut(&mut T) -> bool,
    ) {
        self.wait_while_until_internal(mutex, guard, token, condition, None, "wait_while");
    }

    /// As [`wait`](Condvar::wait), for at most `timeout`. The mutex is held
    /// again on return either way.
    ///
    /// ```
    /// use std::time::Duration;
    /// use lockladder::{lock_level, sync::{Condvar, Mutex}, LockToken};
    ///
    /// #[lock_level(20)]
    /// struct Jobs;
    ///
    /// let (jobs, ready) = (Mutex::new(Jobs), Condvar::new());
    /// let mut token = LockToken::new();
    /// let (mut held, mut at_jobs) = jobs.lock(&mut token);
    /// assert!(ready.wait_for(&jobs, &mut held, &mut at_jobs, Duration::ZERO).timed_out());
    /// ```
    ///
    /// # Panics
    ///
    /// As [`wait`](Condvar::wait).
    #[track_caller]
    pub fn wait_for<T: ?Sized, L: Level>(
        &self,
        mutex: &Mutex<T, L>,
        guard: &mut MutexGuard<'_, T>,
        token: &mut LockToken<'_, L>,
        timeout: Duration,
    ) -> WaitTimeoutResult {
        // A timeout too large for an `Instant` waits without one, as parking_lot does.
        let deadline = Instant::now().checked_add(timeout);
        self.wait_until_internal(mutex, guard, token, deadline, "wait_for")
    }

    /// As [`wait`](Condvar::wait), until `deadline` at the latest.
    ///
    /// ```
    /// use std::time::Instant;
    /// use lockladder::{lock_level, sync::{Condvar, Mutex}, LockToken};
    ///
    /// #[lock_level(20)]
    /// struct Jobs;
    ///
    /// let (jobs, ready) = (Mutex::new(Jobs), Condvar::new());
    /// let mut token = LockToken::new();
    /// let (mut held, mut at_jobs) = jobs.lock(&mut token);
    /// assert!(ready.wait_until(&jobs, &mut held, &mut at_jobs, Instant::now()).timed_out());
    /// ```
    ///
    /// # Panics
    ///
    /// As [`wait`](Condvar::wait).
    #[track_caller]
    pub fn wait_until<T: ?Sized, L: Level>(
        &self,
        mutex: &Mutex<T, L>,
        guard: &mut MutexGuard<'_, T>,
        token: &mut LockToken<'_, L>,
        deadline: Instant,
    ) -> WaitTimeoutResult {
        self.wait_until_internal(mutex, guard, token, Some(deadline), "wait_until")
    }

    /// As [`wait_while`](Condvar::wait_while), for at most `timeout`; timed
    /// out if the condition still holds when the time runs out.
    ///
    /// ```
    /// use std::time::Duration;
    /// use lockladder::{lock_level, sync::{Condvar, Mutex}, LockToken};
    ///
    /// #[lock_level(20)]
    /// struct Jobs {
    ///     queue: Vec<u32>,
    /// }
    ///
    /// let (jobs, ready) = (Mutex::new(Jobs { queue: Vec::new() }), Condvar::new());
    /// let mut token = LockToken::new();
    /// let (mut held, mut at_jobs) = jobs.lock(&mut token);
    /// let result = ready.wait_while_for(&jobs, &mut held, &mut at_jobs,
    ///     |jobs| jobs.queue.is_empty(), Duration::from_millis(1));
    /// assert!(result.timed_out() && held.queue.is_empty());
    /// ```
    ///
    /// # Panics
    ///
    /// As [`wait`](Condvar::wait).
    #[track_caller]
    pub fn wait_while_for<T: ?Sized, L: Level>(
        &self,
        mutex: &Mutex<T, L>,
        guard: &mut MutexGuard<'_, T>,
        token: &mut LockToken<'_, L>,
        condition: impl FnMut(&mut T) -> bool,
        timeout: Duration,
    ) -> WaitTimeoutResult {
        let deadline = Instant::now().checked_add(timeout);
        self.wait_while_until_internal(mutex, guard, token, condition, deadline, "wait_while_for")
    }

    /// As [`wait_while`](Condvar::wait_while), until `deadline` at the latest;
    /// timed out if the condition still holds then.
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// use lockladder::{lock_level, sync::{Condvar, Mutex}, LockToken};
    ///
    /// #[lock_level(20)]
    /// struct Jobs {
    ///     queue: Vec<u32>,
    /// }
    ///
    /// let (jobs, ready) = (Mutex::new(Jobs { queue: vec![1] }), Condvar::new());
    /// let mut token = LockToken::new();
    /// let (mut held, mut at_jobs) = jobs.lock(&mut token);
    /// let deadline = Instant::now() + Duration::from_secs(60);
    /// let result = ready.wait_while_until(&jobs, &mut held, &mut at_jobs,
    ///     |jobs| jobs.queue.is_empty(), deadline);
    /// assert!(!result.timed_out()); // a job was there already
    /// ```
    ///
    /// # Panics
    ///
    /// As [`wait`](Condvar::wait).
    #[track_caller]
    pub fn wait_while_until<T: ?Sized, L: Level>(
        &self,
        mutex: &Mutex<T, L>,
        guard: &mut MutexGuard<'_, T>,
        token: &mut LockToken<'_, L>,
        condition: impl FnMut(&mut T) -> bool,
        deadline: Instant,
    ) -> WaitTimeoutResult {
        self.wait_while_until_internal(
            mutex,
            guard,
            token,
            condition,
            Some(deadline),
            "wait_while_until",
        )
    }

    /// Wakes one waiter, the one waiting longest; `true` if there was one.
    ///
    /// Either with the mutex held or after releasing it. After is cheaper
    /// when the two threads share a CPU: a waiter woken while the mutex is
    /// still held runs only to find it taken (parking_lot moves such a waiter
    /// onto the mutex's queue instead, with `unsafe` code this crate forbids).
    ///
    /// ```
    /// use lockladder::sync::Condvar;
    ///
    /// let ready = Condvar::new();
    /// assert!(!ready.notify_one()); // nobody to wake
    /// ```
    pub fn notify_one(&self) -> bool {
        self.sleepers.notify_one()
    }

    /// Wakes every waiter; returns how many there were.
    ///
    /// ```
    /// use lockladder::sync::Condvar;
    ///
    /// let ready = Condvar::new();
    /// assert_eq!(ready.notify_all(), 0);
    /// ```
    pub fn notify_all(&self) -> usize {
        self.sleepers.notify_all()
    }

    #[track_caller]
    fn wait_while_until_internal<T: ?Sized, L: Level>(
        &self,
        mutex: &Mutex<T, L>,
        guard: &mut MutexGuard<'_, T>,
        token: &mut LockToken<'_, L>,
        mut condition: impl FnMut(&mut T) -> bool,
        deadline: Option<Instant>,
        operation: &'static str,
    ) -> WaitTimeoutResult {
        assert_guard_of(mutex, guard, operation);
        while condition(&mut **guard) {
            if self.wait_until_internal(mutex, guard, token, deadline, operation).timed_out {
                return WaitTimeoutResult { timed_out: condition(&mut **guard) };
            }
        }
        WaitTimeoutResult { timed_out: false }
    }

    /// The one wait: `None` waits without a deadline.
    #[track_caller]
    fn wait_until_internal<T: ?Sized, L: Level>(
        &self,
        mutex: &Mutex<T, L>,
        guard: &mut MutexGuard<'_, T>,
        token: &mut LockToken<'_, L>,
        deadline: Option<Instant>,
        operation: &'static str,
    ) -> WaitTimeoutResult {
        // The borrow of `token` is the proof; it has no run-time content.
        let _ = token;
        assert_guard_of(mutex, guard, operation);
        // Queued before the unlock: a notification sent once the mutex is
        // free reaches this waiter. The hold ends while the mutex is
        // released; the re-take, checked before anything is released, is a
        // new acquisition reported at the user's call.
        let ticket = self.sleepers.enqueue();
        let woken = release_around::<L, _, _>(
            &mut guard.inner,
            &mut guard.hold,
            |raw, run| parking_lot::MutexGuard::unlocked(raw, run),
            || ticket.sleep(deadline),
        );
        WaitTimeoutResult { timed_out: !woken }
    }
}

/// The documented misuse of every wait, named for the method the user called.
#[track_caller]
fn assert_guard_of<T: ?Sized, L: Level>(
    mutex: &Mutex<T, L>,
    guard: &MutexGuard<'_, T>,
    operation: &'static str,
) {
    crate::misuse::assert_guard_of::<L>(
        format_args!("Condvar::{operation}"),
        "mutex",
        mutex.owns(guard),
        guard.taken_alone,
        "lock",
    );
}

impl Default for Condvar {
    fn default() -> Self {
        Condvar::new()
    }
}

impl fmt::Debug for Condvar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Condvar").finish_non_exhaustive()
    }
}
