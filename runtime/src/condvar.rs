//! The async [`Condvar`]: wait on an async [`Mutex`] until notified.
//!
//! The proof is the one of [`sync::Condvar`](crate::sync::Condvar): a wait
//! releases the mutex and re-takes it, so it is given the token at the
//! mutex's level mutably, which cannot be lent while anything taken through
//! it is held.
//!
//! # Why the wait is cancel safe
//!
//! [`CondvarWait`] owns the guard it was given and goes through three states:
//! 1. *Holding*: created, not yet polled. The guard is kept whole, so the
//!    mutex stays held and, with `lockdep`, so does its hold (the task does
//!    hold the mutex until the wait releases it). Dropping it drops the guard
//!    (the mutex is released and its hold ends, as by any guard).
//! 2. *Listening*: the first poll registers an `event-listener` listener while
//!    the mutex is still held, then releases the mutex. A notification sent
//!    after that point reaches the listener; nothing is held. Dropped here, the
//!    listener passes a notification it received on to the next listener
//!    (event-listener does this), so a `notify_one` is never swallowed.
//! 3. *Locking*: notified, waiting for the mutex in its FIFO queue (the raw
//!    lock's own cancel-safe future). With `lockdep` the re-take is a new
//!    acquisition, checked when the notification arrives (before waiting for
//!    the mutex) and reported at the user's call to `wait` or `wait_while`;
//!    its hold starts when the mutex is granted. Dropped here, the raw future
//!    leaves the queue and wakes the next waiter if it was at the head, the
//!    acquisition is abandoned (nothing was held), and the wait notifies one
//!    more listener, since it consumed a notification it will not act on.
//!
//! The task sleeps in every state but the first: it is woken by a
//! notification or by the mutex's release, never by polling.

use core::fmt;
use core::future::Future;
use core::marker::PhantomData;
use core::pin::Pin;
use core::task::{Context, Poll};

use event_listener::{Event, EventListener, IntoNotification};

use crate::held::{Acquisition, CallSite, check_holds_at_most};
use crate::level::Level;
use crate::mutex::{Mutex, MutexGuard, raw};
use crate::token::LockToken;

/// A condition variable for the async [`Mutex`], in the lock hierarchy.
///
/// [`wait`](Condvar::wait) takes the mutex, its guard (by value, returned
/// re-taken by the future) and the token at the mutex's level that its `lock`
/// returned: while a lock taken through that token is held, it cannot be
/// lent, so a wait that would re-take the mutex above a held lock does not
/// compile. Waiters are woken in the order they started waiting and re-take
/// the mutex through its FIFO queue.
///
/// ```
/// use lockladder::{lock_level, Condvar, LockToken, Mutex};
///
/// #[lock_level(20)]
/// struct Jobs {
///     queue: Vec<u32>,
/// }
///
/// # tokio::runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap().block_on(async {
/// let jobs = std::sync::Arc::new(Mutex::new(Jobs { queue: Vec::new() }));
/// let ready = std::sync::Arc::new(Condvar::new());
///
/// let producer = tokio::spawn({
///     let (jobs, ready) = (jobs.clone(), ready.clone());
///     async move {
///         let mut token = LockToken::new();
///         let (mut held, _) = jobs.lock(&mut token).await;
///         held.queue.push(7);
///         ready.notify_one();
///     }
/// });
///
/// let mut token = LockToken::new();
/// let (held, mut at_jobs) = jobs.lock(&mut token).await;
/// let mut held =
///     ready.wait_while(&jobs, held, &mut at_jobs, |jobs| jobs.queue.is_empty()).await;
/// assert_eq!(held.queue.pop(), Some(7));
/// # producer.await.unwrap();
/// # });
/// ```
///
/// A wait while a lock taken through the mutex's token is held does not
/// compile:
///
/// ```compile_fail,E0499
/// use lockladder::{lock_level, Condvar, LockToken, Mutex};
///
/// #[lock_level(20)]
/// struct Jobs;
/// #[lock_level(30)]
/// struct Stats;
///
/// async fn wait(jobs: &Mutex<Jobs>, stats: &Mutex<Stats>, ready: &Condvar) {
///     let mut token = LockToken::new();
///     let (held, mut at_jobs) = jobs.lock(&mut token).await;
///     let (_stats, _) = stats.lock(&mut at_jobs).await;
///     let _held = ready.wait(jobs, held, &mut at_jobs).await; // error: `at_jobs` is borrowed
/// }
/// ```
///
/// There is no timed wait: wrap the future in `tokio::time::timeout` (it is
/// cancel safe; the guard is gone on a time-out, so lock again).
///
/// With `lockdep`, the mutex counts as held until the wait's first poll
/// actually releases it, and each re-take is a new acquisition, checked when
/// the notification arrives (before it queues for the mutex) and reported at
/// your call of `wait` or `wait_while`.
pub struct Condvar {
    event: Event,
}

impl Condvar {
    /// A condition variable with no waiters.
    ///
    /// ```
    /// use lockladder::Condvar;
    ///
    /// static READY: Condvar = Condvar::new();
    /// assert!(!READY.notify_one());
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        Condvar { event: Event::new() }
    }

    /// Releases the mutex, sleeps until notified, re-takes the mutex and
    /// resolves to its new guard.
    ///
    /// `guard` must be the guard of `mutex` from its own [`lock`](Mutex::lock)
    /// or [`try_lock`](Mutex::try_lock), and `token` the token at the mutex's
    /// level that call returned.
    ///
    /// ```
    /// use lockladder::{lock_level, Condvar, LockToken, Mutex};
    ///
    /// #[lock_level(20)]
    /// struct Flag {
    ///     set: bool,
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let (flag, changed) = (Mutex::new(Flag { set: false }), Condvar::new());
    /// let setter = async {
    ///     let mut token = LockToken::new();
    ///     let (mut held, _) = flag.lock(&mut token).await;
    ///     held.set = true;
    ///     changed.notify_all();
    /// };
    /// let waiter = async {
    ///     let mut token = LockToken::new();
    ///     let (mut held, mut at_flag) = flag.lock(&mut token).await;
    ///     while !held.set {
    ///         held = changed.wait(&flag, held, &mut at_flag).await;
    ///     }
    /// };
    /// tokio::join!(waiter, setter);
    /// # });
    /// ```
    ///
    /// # Panics
    ///
    /// At the call, if `guard` is not a guard of `mutex` or was taken in a
    /// set (`lock_all`, `lock_many`, `LockGroup`): re-taking one member alone
    /// while the others are held could deadlock with a task taking the same
    /// set. The guard, given by value, is dropped by the panic like any other
    /// value (its mutex is released); the set's other members stay held.
    ///
    /// # Cancellation
    ///
    /// Dropping the future releases the mutex if it still held it, leaves its
    /// queue if it was waiting for it, and passes on a notification it
    /// received; the guard is gone either way.
    #[track_caller]
    pub fn wait<'w, 'g, T: ?Sized, L: Level>(
        &'w self,
        mutex: &'g Mutex<T, L>,
        guard: MutexGuard<'g, T>,
        token: &'w mut LockToken<'_, L>,
    ) -> CondvarWait<'w, 'g, T, L> {
        self.wait_named(mutex, guard, token, "wait")
    }

    /// [`wait`](Condvar::wait), its misuse named `operation` (the method the
    /// user called).
    #[track_caller]
    fn wait_named<'w, 'g, T: ?Sized, L: Level>(
        &'w self,
        mutex: &'g Mutex<T, L>,
        guard: MutexGuard<'g, T>,
        token: &'w mut LockToken<'_, L>,
        operation: &'static str,
    ) -> CondvarWait<'w, 'g, T, L> {
        let _ = token;
        crate::misuse::assert_guard_of::<L>(
            format_args!("Condvar::{operation}"),
            "mutex",
            mutex.owns(&guard),
            guard.taken_alone(),
            "lock",
        );
        // Checked now, before any wait, as the blocking waits are: a level
        // above the mutex's held through another root would make the re-take
        // an inversion. The guard and its hold live on until the first poll
        // releases the mutex; each re-take is checked and reported at this
        // call again.
        check_holds_at_most::<L>();
        CondvarWait {
            condvar: self,
            mutex,
            state: State::Holding(guard),
            site: CallSite::caller(),
            level: PhantomData,
        }
    }

    /// Waits while `condition` returns `true` (checked first, with the mutex
    /// held, and after each wake-up); resolves to the guard once it is
    /// `false`.
    ///
    /// ```
    /// use lockladder::{lock_level, Condvar, LockToken, Mutex};
    ///
    /// #[lock_level(20)]
    /// struct Counter {
    ///     value: u32,
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let (counter, bumped) = (Mutex::new(Counter { value: 0 }), Condvar::new());
    /// let bump = || async {
    ///     let mut token = LockToken::new();
    ///     counter.lock(&mut token).await.0.value += 1;
    ///     bumped.notify_all();
    /// };
    /// let wait = async {
    ///     let mut token = LockToken::new();
    ///     let (held, mut at_counter) = counter.lock(&mut token).await;
    ///     bumped.wait_while(&counter, held, &mut at_counter, |c| c.value < 2).await.value
    /// };
    /// let (seen, (), ()) = tokio::join!(wait, bump(), bump());
    /// assert_eq!(seen, 2);
    /// # });
    /// ```
    ///
    /// # Panics
    ///
    /// As [`wait`](Condvar::wait), if the condition is `true` at the call.
    ///
    /// # Cancellation
    ///
    /// As [`wait`](Condvar::wait).
    #[track_caller]
    pub fn wait_while<'w, 'g, T: ?Sized, L: Level, F: FnMut(&mut T) -> bool>(
        &'w self,
        mutex: &'g Mutex<T, L>,
        mut guard: MutexGuard<'g, T>,
        token: &'w mut LockToken<'_, L>,
        mut condition: F,
    ) -> CondvarWaitWhile<'w, 'g, T, L, F> {
        let wait = if condition(&mut guard) {
            WaitWhileState::Waiting(self.wait_named(mutex, guard, token, "wait_while"))
        } else {
            WaitWhileState::Done(Some(guard))
        };
        CondvarWaitWhile { state: wait, condition }
    }

    /// Wakes one waiter, the one waiting longest; `true` if there was one.
    ///
    /// ```
    /// use lockladder::Condvar;
    ///
    /// assert!(!Condvar::new().notify_one()); // nobody waits
    /// ```
    pub fn notify_one(&self) -> bool {
        self.event.notify(1.additional()) != 0
    }

    /// Wakes every waiter; returns how many there were.
    ///
    /// ```
    /// use lockladder::Condvar;
    ///
    /// assert_eq!(Condvar::new().notify_all(), 0);
    /// ```
    pub fn notify_all(&self) -> usize {
        self.event.notify(usize::MAX)
    }
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

/// The future of [`Condvar::wait`]: resolves to the guard, re-taken.
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct CondvarWait<'w, 'g, T: ?Sized, L> {
    condvar: &'w Condvar,
    mutex: &'g Mutex<T, L>,
    state: State<'g, T>,
    /// The user's call to `wait` or `wait_while`, where every re-take of the
    /// mutex is reported (with `lockdep`; empty otherwise).
    site: CallSite,
    level: PhantomData<fn(L) -> L>,
}

/// See the module docs for why each state is cancel safe.
enum State<'g, T: ?Sized> {
    /// Still holds the mutex, hold included: not polled yet.
    Holding(MutexGuard<'g, T>),
    /// Released; listening for a notification.
    Listening(EventListener),
    /// Notified, for the instant the re-take's order is checked (a panic of
    /// `lockdep` there passes the notification on, as `Locking` does).
    Notified,
    /// Notified; waiting for the mutex, as the acquisition begun for it.
    Locking(raw::Lock<'g, T>, Acquisition),
    /// Resolved.
    Done,
}

impl<'g, T: ?Sized, L: Level> Future for CondvarWait<'_, 'g, T, L> {
    type Output = MutexGuard<'g, T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        loop {
            match &mut this.state {
                State::Holding(_) => {
                    // Listen first, then release: a notification sent once the
                    // mutex is free reaches this listener. Replacing the state
                    // drops the guard: the mutex is released, then its hold ends.
                    let listener = this.condvar.event.listen();
                    this.state = State::Listening(listener);
                }
                State::Listening(listener) => match Pin::new(listener).poll(cx) {
                    Poll::Ready(()) => {
                        this.state = State::Notified;
                        let retake = Acquisition::begin_at::<L>(this.site);
                        this.state = State::Locking(this.mutex.raw().lock(), retake);
                    }
                    Poll::Pending => return Poll::Pending,
                },
                State::Locking(lock, retake) => match Pin::new(lock).poll(cx) {
                    Poll::Ready(raw) => {
                        let hold = retake.granted();
                        this.state = State::Done;
                        return Poll::Ready(MutexGuard::alone(raw, hold));
                    }
                    Poll::Pending => {
                        retake.contended();
                        return Poll::Pending;
                    }
                },
                State::Notified | State::Done => panic!("CondvarWait polled after it completed"),
            }
        }
    }
}

impl<T: ?Sized, L> Drop for CondvarWait<'_, '_, T, L> {
    fn drop(&mut self) {
        // Notified but cancelled before acting on it: pass the notification on.
        if matches!(self.state, State::Notified | State::Locking(..)) {
            self.condvar.event.notify(1.additional());
        }
    }
}

impl<T: ?Sized, L: Level> fmt::Debug for CondvarWait<'_, '_, T, L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self.state {
            State::Holding(_) => "holding",
            State::Listening(_) => "listening",
            State::Notified | State::Locking(..) => "locking",
            State::Done => "done",
        };
        write!(f, "CondvarWait<{} (level {})> {{ {state} }}", L::NAME, L::LEVEL)
    }
}

/// The future of [`Condvar::wait_while`]: resolves to the guard once the
/// condition is `false`.
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct CondvarWaitWhile<'w, 'g, T: ?Sized, L, F> {
    state: WaitWhileState<'w, 'g, T, L>,
    condition: F,
}

enum WaitWhileState<'w, 'g, T: ?Sized, L> {
    Waiting(CondvarWait<'w, 'g, T, L>),
    Done(Option<MutexGuard<'g, T>>),
}

// `condition` is never pinned: it is only ever called through `&mut`.
impl<T: ?Sized, L, F> Unpin for CondvarWaitWhile<'_, '_, T, L, F> {}

impl<'g, T: ?Sized, L: Level, F: FnMut(&mut T) -> bool> Future
    for CondvarWaitWhile<'_, 'g, T, L, F>
{
    type Output = MutexGuard<'g, T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        loop {
            match &mut this.state {
                WaitWhileState::Done(guard) => {
                    return Poll::Ready(
                        guard.take().expect("CondvarWaitWhile polled after it completed"),
                    );
                }
                WaitWhileState::Waiting(wait) => {
                    let Poll::Ready(mut guard) = Pin::new(&mut *wait).poll(cx) else {
                        return Poll::Pending;
                    };
                    if !(this.condition)(&mut guard) {
                        this.state = WaitWhileState::Done(Some(guard));
                        continue;
                    }
                    // Still true: wait again, holding the mutex until the next
                    // poll releases it (each re-take is reported at the
                    // caller's `wait_while`, which `wait.site` keeps).
                    wait.state = State::Holding(guard);
                }
            }
        }
    }
}

impl<T: ?Sized, L: Level, F> fmt::Debug for CondvarWaitWhile<'_, '_, T, L, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CondvarWaitWhile<{} (level {})>", L::NAME, L::LEVEL)
    }
}
