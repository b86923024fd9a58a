//! The reader-writer lock under [`RwLock`](super::RwLock): one atomic word to
//! take and one to release when nobody waits, a queue when somebody does.
//!
//! Why not `async_lock::RwLock`: its write path takes an inner mutex and the
//! state word, and its release notifies twice, so an uncontended write cost
//! 2.5x tokio's. Here the data sits in spin's reader-writer lock (under
//! `lock_api`, see below) that is only ever *tried* (never spun on):
//! `try_write` is one compare-and-swap, the release one `fetch_and`. Waiting
//! and fairness live beside it in [`Signals`]:
//!
//! * a writer that does not get the lock at once joins a FIFO queue (an
//!   `async_lock::Mutex<()>`, its turn); while any writer is queued, new writers
//!   do not take the fast path, so nobody barges past a queued writer (a
//!   newcomer that read the gate just before the writer queued may still take
//!   a free lock once: "about" arrival order);
//! * the writer whose turn it is sets `DRAINING`: new readers stand back until
//!   it is granted, so writers are not starved (as with async-lock, a steady
//!   stream of queued writers holds readers back until it ends);
//! * every future is cancel safe: dropping it undoes exactly what it added to
//!   the queue and passes on any wake-up it may have consumed.
//!
//! Wake-ups follow the usual protocol: a waiter registers (a counter, then an
//! `event_listener` listener), issues a SeqCst fence and checks again; a
//! releaser changes the state, issues a SeqCst fence and notifies if a waiter is
//! registered. One of the two fences comes first, so either the waiter sees the
//! release or the releaser sees the waiter.
//!
//! Invariants, each checked by a loom model in `tests/rwlock_loom.rs` (run by
//! `.ci/run` with the mutant that removes the step it depends on):
//! - the head writer sets `DRAINING`, new readers stand back, and the last
//!   reader's release wakes the writer, whose release wakes the readers held
//!   back: `a_draining_writer_is_woken_by_the_last_reader` (mutant
//!   `rwlock_draining`, the head writer without its `DRAINING` bit: no
//!   reader's release wakes it);
//! - queued writers are handed the lock in turn, each seeing the other's
//!   write: `queued_writers_are_handed_the_lock_in_turn`;
//! - a writer cancelled at the head (draining) or in the queue lets the
//!   readers it held back in: `cancelled_writers_let_held_back_readers_in`;
//! - a downgrade keeps the lock until the read ends:
//!   `a_downgrade_keeps_the_lock_until_the_read_ends`;
//! - upgrades: see `upgradable.rs`.
//!
//! Under loom the lock word, the wake-ups and the writers' turn are stand-ins
//! with the same contract (see `crate::shim`): the turn is our own async
//! `Mutex` there, not async-lock's, which loom cannot see into.
//!
//! The data cell is `lock_api::RwLock<spin::RwLock<()>, T>`: spin's lock word
//! with `lock_api`'s guards, which narrow to a part of the data safely (`map`)
//! and downgrade a write with no gap. Its `try_read`, `try_write`, releases and
//! `downgrade` are spin's own atomic operations, so everything above holds
//! word for word. The guards of the whole data are `lock_api`'s plain ones,
//! one pointer each beside the release's, as before: `Send` when
//! `T: Send + Sync` (a write guard must not be `Send` for less: after a
//! downgrade other threads read the data beside it). tokio's read guard is
//! `Send` when `T: Sync`; keeping every read as `lock_api`'s mapped read guard
//! would give that rule, but its extra pointer cost about 10% more
//! instructions per uncontended `read` (measured), for data that is `Sync` but
//! not `Send`, whose lock no two tasks can share anyway. The mapped guards,
//! which cannot downgrade, are `Send` for `T: Sync` (read) and `T: Send`
//! (write).

use core::future::Future;
use core::ops::{Deref, DerefMut};
use core::pin::Pin;
use core::task::{Context, Poll};

use crate::shim::atomic::{AtomicUsize, Ordering, fence};
use crate::shim::turn::{self, Turn, TurnGuard, TurnLock};
use crate::shim::{Event, EventListener};

/// The data cell: spin's reader-writer lock under `lock_api` (see `shim`).
type Data<T> = crate::shim::spin_rw_cell::SpinRwCell<T>;
/// A read of the whole data.
type DataRead<'a, T> = crate::shim::spin_rw_cell::RwCellRead<'a, T>;
/// A read narrowed to a part of the data.
type MappedDataRead<'a, T> = crate::shim::spin_rw_cell::MappedRwCellRead<'a, T>;
/// A write of the whole data: it can downgrade.
type DataWrite<'a, T> = crate::shim::spin_rw_cell::RwCellWrite<'a, T>;
/// A write narrowed to a part of the data: it cannot downgrade.
type MappedDataWrite<'a, T> = crate::shim::spin_rw_cell::MappedRwCellWrite<'a, T>;
/// spin's upgradable hold (its `UPGRADED` bit), used only by an upgrade in
/// flight: see `upgradable.rs`.
type DataUpgrading<'a, T> = crate::shim::spin_rw_cell::RwCellUpgradable<'a, T>;

/// In `Signals::gate`: the writer at the head of the queue waits for the lock
/// to drain; new readers stand back.
const DRAINING: usize = 1;
/// In `Signals::gate`: one writer in the queue (the head included).
const QUEUED: usize = 2;

/// An async reader-writer lock, fair to writers and readers, cancel safe.
pub struct RawRwLock<T: ?Sized> {
    signals: Signals,
    data: Data<T>,
}

/// Who waits, and how to wake them. Holds no `T`, so the guards that point to
/// it keep the auto traits of the data's own guards.
struct Signals {
    /// `QUEUED` times the writers in the queue, plus `DRAINING`.
    gate: AtomicUsize,
    /// The writers' queue: the holder is the writer whose turn it is.
    turn: Turn,
    /// The writer whose turn it is waits here for the lock to drain.
    to_writer: Event,
    /// Readers waiting for a writer to finish.
    to_readers: Event,
    /// How many readers are registered on `to_readers`; releases skip the
    /// notification (and its lock) when none are.
    parked_readers: AtomicUsize,
}

impl<T> RawRwLock<T> {
    pub(crate) const fn new(value: T) -> Self {
        RawRwLock {
            signals: Signals {
                gate: AtomicUsize::new(0),
                turn: turn::new(),
                to_writer: Event::new(),
                to_readers: Event::new(),
                parked_readers: AtomicUsize::new(0),
            },
            data: Data::new(value),
        }
    }

    pub(crate) fn into_inner(self) -> T {
        self.data.into_inner()
    }
}

impl<T: ?Sized> RawRwLock<T> {
    pub(crate) fn get_mut(&mut self) -> &mut T {
        self.data.get_mut()
    }

    /// Shared access if no writer holds the lock or is next in line for it.
    pub(crate) fn try_read(&self) -> Option<ReadGuard<'_, T>> {
        if self.signals.gate.load(Ordering::Relaxed) & DRAINING != 0 {
            return None;
        }
        match self.try_read_data() {
            Some(data) => Some(ReadGuard { data, _release: ReadRelease(&self.signals) }),
            None => {
                // The failed attempt counted itself as a reader for an instant,
                // which may have failed the head writer's attempt: wake it.
                self.signals.after_read_release();
                None
            }
        }
    }

    /// A read of the data cell alone, whoever waits: one `fetch_add` (and a
    /// `fetch_sub` if a writer holds it or an upgrade claims it).
    #[inline]
    fn try_read_data(&self) -> Option<DataRead<'_, T>> {
        self.data.try_read()
    }

    /// Exclusive access if nobody holds the lock and no writer is queued.
    pub(crate) fn try_write(&self) -> Option<WriteGuard<'_, T>> {
        if self.signals.gate.load(Ordering::Relaxed) != 0 {
            return None;
        }
        self.try_write_in_turn()
    }

    /// Exclusive access if nobody holds the lock, whoever is queued: for the
    /// writer whose turn it is.
    fn try_write_in_turn(&self) -> Option<WriteGuard<'_, T>> {
        let data = self.data.try_write()?;
        Some(WriteGuard { data, _release: WriteRelease(&self.signals) })
    }

    pub(crate) fn read(&self) -> Read<'_, T> {
        Read { lock: self, listener: None, parked: false }
    }

    pub(crate) fn write(&self) -> Write<'_, T> {
        Write { lock: self, state: WriteState::Start }
    }
}

impl Signals {
    /// After a read release (or a failed read attempt): wake the head writer
    /// if it waits for readers to drain.
    #[inline]
    fn after_read_release(&self) {
        fence(Ordering::SeqCst);
        if self.gate.load(Ordering::Relaxed) & DRAINING != 0 {
            self.to_writer.notify_relaxed(1);
        }
    }

    /// After a write release: wake the head writer and every waiting reader.
    #[inline]
    fn after_write_release(&self) {
        fence(Ordering::SeqCst);
        if self.gate.load(Ordering::Relaxed) & DRAINING != 0 {
            self.to_writer.notify_relaxed(1);
        }
        self.wake_readers_after_fence();
    }

    #[inline]
    fn wake_readers_after_fence(&self) {
        if self.parked_readers.load(Ordering::Relaxed) != 0 {
            self.to_readers.notify_relaxed(usize::MAX);
        }
    }
}

/// The future of [`RawRwLock::read`].
pub struct Read<'a, T: ?Sized> {
    lock: &'a RawRwLock<T>,
    listener: Option<EventListener>,
    /// Counted in `parked_readers`.
    parked: bool,
}

impl<'a, T: ?Sized> Future for Read<'a, T> {
    type Output = ReadGuard<'a, T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let signals = &this.lock.signals;
        loop {
            if let Some(guard) = this.lock.try_read() {
                this.listener = None;
                if core::mem::take(&mut this.parked) {
                    signals.parked_readers.fetch_sub(1, Ordering::Relaxed);
                }
                return Poll::Ready(guard);
            }
            match &mut this.listener {
                Some(listener) => match Pin::new(listener).poll(cx) {
                    Poll::Ready(()) => this.listener = None,
                    Poll::Pending => return Poll::Pending,
                },
                None => {
                    if !this.parked {
                        this.parked = true;
                        signals.parked_readers.fetch_add(1, Ordering::Relaxed);
                    }
                    this.listener = Some(signals.to_readers.listen());
                    fence(Ordering::SeqCst);
                }
            }
        }
    }
}

impl<T: ?Sized> Drop for Read<'_, T> {
    fn drop(&mut self) {
        if self.parked {
            self.lock.signals.parked_readers.fetch_sub(1, Ordering::Relaxed);
        }
        // A dropped listener that had been notified passes the notification on
        // (event_listener does it): no wake-up is lost with a cancelled reader.
    }
}

/// The future of [`RawRwLock::write`].
pub struct Write<'a, T: ?Sized> {
    lock: &'a RawRwLock<T>,
    state: WriteState<'a>,
}

enum WriteState<'a> {
    /// Not polled yet.
    Start,
    /// Counted in the queue, waiting for its turn.
    Queued(TurnLock<'a>),
    /// Its turn: `DRAINING` is set, waiting for the holders to leave.
    Draining { _turn: TurnGuard<'a>, listener: Option<EventListener> },
    /// Granted; nothing to undo.
    Done,
}

impl<'a, T: ?Sized> Future for Write<'a, T> {
    type Output = WriteGuard<'a, T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let signals = &this.lock.signals;
        loop {
            match &mut this.state {
                WriteState::Start => {
                    if let Some(guard) = this.lock.try_write() {
                        this.state = WriteState::Done;
                        return Poll::Ready(guard);
                    }
                    signals.gate.fetch_add(QUEUED, Ordering::SeqCst);
                    this.state = WriteState::Queued(turn::lock(&signals.turn));
                }
                WriteState::Queued(turn) => match Pin::new(turn).poll(cx) {
                    Poll::Ready(turn) => {
                        #[cfg(not(lockladder_mutant = "rwlock_draining"))]
                        signals.gate.fetch_or(DRAINING, Ordering::SeqCst);
                        this.state = WriteState::Draining { _turn: turn, listener: None };
                    }
                    Poll::Pending => return Poll::Pending,
                },
                WriteState::Draining { listener, .. } => {
                    if let Some(guard) = this.lock.try_write_in_turn() {
                        // Leaving the queue passes the turn to the next writer,
                        // which waits for this one's release.
                        signals.gate.fetch_sub(QUEUED | DRAINING, Ordering::SeqCst);
                        this.state = WriteState::Done;
                        return Poll::Ready(guard);
                    }
                    match listener {
                        Some(waiting) => match Pin::new(waiting).poll(cx) {
                            Poll::Ready(()) => *listener = None,
                            Poll::Pending => return Poll::Pending,
                        },
                        None => {
                            *listener = Some(signals.to_writer.listen());
                            fence(Ordering::SeqCst);
                        }
                    }
                }
                WriteState::Done => panic!("`RwLockWriteFuture` polled after it completed"),
            }
        }
    }
}

impl<T: ?Sized> Drop for Write<'_, T> {
    fn drop(&mut self) {
        let signals = &self.lock.signals;
        match self.state {
            WriteState::Start | WriteState::Done => {}
            WriteState::Queued(_) => {
                signals.gate.fetch_sub(QUEUED, Ordering::SeqCst);
            }
            WriteState::Draining { .. } => {
                // Cancelled at the head of the queue: readers held back for this
                // writer may go on; the turn passes on when the state drops.
                signals.gate.fetch_sub(QUEUED | DRAINING, Ordering::SeqCst);
                fence(Ordering::SeqCst);
                signals.wake_readers_after_fence();
            }
        }
    }
}

/// Shared access to the data of a [`RawRwLock`].
pub struct ReadGuard<'a, T: ?Sized> {
    data: DataRead<'a, T>,
    // Dropped after `data`: wakes a writer once the lock is released.
    _release: ReadRelease<'a>,
}

struct ReadRelease<'a>(&'a Signals);

impl Drop for ReadRelease<'_> {
    #[inline]
    fn drop(&mut self) {
        self.0.after_read_release();
    }
}

impl<T: ?Sized> Deref for ReadGuard<'_, T> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        &self.data
    }
}

/// Shared access to a part of the data of a [`RawRwLock`]: the same hold as
/// the [`ReadGuard`] it was narrowed from, released the same way.
pub struct MappedReadGuard<'a, T: ?Sized> {
    data: MappedDataRead<'a, T>,
    // Dropped after `data`, as in `ReadGuard`.
    _release: ReadRelease<'a>,
}

impl<T: ?Sized> Deref for MappedReadGuard<'_, T> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        &self.data
    }
}

/// Exclusive access to the data of a [`RawRwLock`].
pub struct WriteGuard<'a, T: ?Sized> {
    data: DataWrite<'a, T>,
    // Dropped after `data`: wakes the waiters once the lock is released.
    _release: WriteRelease<'a>,
}

/// Exclusive access to a part of the data of a [`RawRwLock`]: the same hold
/// as the [`WriteGuard`] it was narrowed from, released (and the waiters
/// woken) the same way. It cannot downgrade.
pub struct MappedWriteGuard<'a, T: ?Sized> {
    data: MappedDataWrite<'a, T>,
    // Dropped after `data`, as in `WriteGuard`.
    _release: WriteRelease<'a>,
}

/// `map`/`try_map` on a guard type whose `data` is a `$data`: both narrow to a
/// `$mapped` that keeps the lock held and the release's wake-ups. `$($mut)?`
/// is the access the parts are given (`&` for a read, `&mut` for a write).
macro_rules! mappable {
    ($guard:ident($data:ident) -> $mapped:ident $(, $mut:tt)?) => {
        impl<'a, T: ?Sized> $guard<'a, T> {
            /// Narrows the guard to a part of the data; the lock stays held.
            #[inline]
            pub(crate) fn map<U: ?Sized>(
                self,
                part: impl FnOnce(&$($mut)? T) -> &$($mut)? U,
            ) -> $mapped<'a, U> {
                let $guard { data, _release } = self;
                $mapped { data: $data::map(data, part), _release }
            }

            /// As [`map`](Self::map); the guard comes back when `part` finds nothing.
            #[inline]
            pub(crate) fn try_map<U: ?Sized>(
                self,
                part: impl FnOnce(&$($mut)? T) -> Option<&$($mut)? U>,
            ) -> Result<$mapped<'a, U>, Self> {
                let $guard { data, _release } = self;
                match $data::try_map(data, part) {
                    Ok(data) => Ok($mapped { data, _release }),
                    Err(data) => Err($guard { data, _release }),
                }
            }
        }
    };
}

mappable!(ReadGuard(DataRead) -> MappedReadGuard);
mappable!(MappedReadGuard(MappedDataRead) -> MappedReadGuard);
mappable!(WriteGuard(DataWrite) -> MappedWriteGuard, mut);
mappable!(MappedWriteGuard(MappedDataWrite) -> MappedWriteGuard, mut);

impl<T: ?Sized> Deref for MappedWriteGuard<'_, T> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        &self.data
    }
}

impl<T: ?Sized> DerefMut for MappedWriteGuard<'_, T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        &mut self.data
    }
}

struct WriteRelease<'a>(&'a Signals);

impl Drop for WriteRelease<'_> {
    #[inline]
    fn drop(&mut self) {
        self.0.after_write_release();
    }
}

impl<T: ?Sized> Deref for WriteGuard<'_, T> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        &self.data
    }
}

impl<'a, T: ?Sized> WriteGuard<'a, T> {
    /// Turns the write hold into a read hold with no gap.
    ///
    /// `lock_api`'s `downgrade` is spin's: it counts this holder as a reader
    /// before it clears the writer bit, so no writer can take the lock in
    /// between. Then the write release's wake-ups run, as if the lock had been
    /// released: parked readers are woken and try again, and the head writer,
    /// if any, tries and fails against this read and listens again. Fairness
    /// is unchanged: while a writer is at the head of the queue (`DRAINING`),
    /// woken readers still stand back, so a downgrade lets nobody barge past a
    /// queued writer; that writer now waits for this read hold as for any
    /// other. Nothing here awaits, so there is no cancellation point.
    pub(crate) fn downgrade(self) -> ReadGuard<'a, T> {
        let WriteGuard { data, _release: write_release } = self;
        let data = DataWrite::downgrade(data);
        let read = ReadGuard { data, _release: ReadRelease(write_release.0) };
        drop(write_release);
        read
    }
}

impl<T: ?Sized> DerefMut for WriteGuard<'_, T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        &mut self.data
    }
}

mod upgradable;

pub(crate) use upgradable::{UpgradableGuard, UpgradableRead, Upgrade};

// Plain tests; under loom, the models in tests/*_loom.rs run instead.
#[cfg(all(test, not(lockladder_loom)))]
pub(crate) mod tests;
