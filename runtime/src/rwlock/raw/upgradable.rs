//! Upgradable reads on the raw lock: a read hold that also holds the writers'
//! turn, so it can become a write hold with no write in between.
//!
//! # The argument
//!
//! An upgradable reader queues for the writers' `turn` like a writer (counted
//! in `QUEUED`, FIFO with the writers), so upgradable readers and writers are
//! served in arrival order and at most one upgradable reader exists. Holding
//! the turn, it takes a plain read of the data: readers still share the lock
//! with it (`DRAINING` is only ever set by the turn's holder). While it holds
//! the turn and is counted in `QUEUED`, no writer can take the lock: a queued
//! writer waits for the turn, and a newcomer sees `QUEUED` and queues.
//!
//! `upgrade` sets `DRAINING` (new readers stand back), releases its read and
//! becomes the head writer of [`Write`]'s `Draining` state: it takes the data
//! once the readers have left. Between the release of its read and its write,
//! no writer can get in (it still holds the turn), so nobody writes in
//! between. Cancelling the upgrade is cancelling a head writer: `DRAINING` is
//! cleared, readers are woken, the turn passes on; the upgradable hold is gone.
//!
//! Cancelling `upgradable_read`: before the turn, it leaves the queue (as a
//! queued writer does); with the turn, waiting for a writer that still holds
//! the data to finish, it uncounts itself and passes the turn on. Waiting for
//! that writer follows the readers' protocol (count, listen, fence, retry), so
//! the writer's release cannot be missed.

use core::future::Future;
use core::ops::Deref;
use core::pin::Pin;
use core::sync::atomic::{Ordering, fence};
use core::task::{Context, Poll};

use event_listener::EventListener;

use super::{DRAINING, QUEUED, RawRwLock, ReadGuard, ReadRelease, Signals, Write, WriteState};

impl<T: ?Sized> RawRwLock<T> {
    /// An upgradable read if the turn is free and no writer holds the data.
    pub(crate) fn try_upgradable_read(&self) -> Option<UpgradableGuard<'_, T>> {
        let signals = &self.signals;
        if signals.gate.load(Ordering::Relaxed) != 0 {
            return None;
        }
        let turn = signals.turn.try_lock()?;
        signals.gate.fetch_add(QUEUED, Ordering::SeqCst);
        let release = TurnRelease { signals, turn: Some(turn) };
        let data = self.data.try_read()?; // on failure `release` undoes the count
        Some(UpgradableGuard { data, _release: release })
    }

    pub(crate) fn upgradable_read(&self) -> UpgradableRead<'_, T> {
        UpgradableRead { lock: self, state: UpgradableState::Start }
    }
}

/// Uncounts the holder of the turn from `QUEUED`, then passes the turn on
/// (unless an upgrade took the turn, and the count, over).
struct TurnRelease<'a> {
    signals: &'a Signals,
    turn: Option<async_lock::MutexGuard<'a, ()>>,
}

impl Drop for TurnRelease<'_> {
    fn drop(&mut self) {
        if let Some(turn) = self.turn.take() {
            self.signals.gate.fetch_sub(QUEUED, Ordering::SeqCst);
            drop(turn); // the next writer gets the turn
        }
    }
}

/// An upgradable read hold of a [`RawRwLock`].
pub struct UpgradableGuard<'a, T: ?Sized> {
    /// Dropped first: the read is released, then the turn.
    data: spin::RwLockReadGuard<'a, T>,
    _release: TurnRelease<'a>,
}

impl<'a, T: ?Sized> UpgradableGuard<'a, T> {
    /// Waits for the other readers to leave and becomes a write hold.
    pub(crate) fn upgrade(self, lock: &'a RawRwLock<T>) -> Write<'a, T> {
        let UpgradableGuard { data, _release: mut release } = self;
        let (signals, turn) = (release.signals, release.turn.take().expect("held until now"));
        // Still counted in `QUEUED`, as a head writer is; readers stand back.
        signals.gate.fetch_or(DRAINING, Ordering::SeqCst);
        drop(data);
        Write { lock, state: WriteState::Draining { _turn: turn, listener: None } }
    }

    /// A plain read hold, no gap; the turn passes on.
    pub(crate) fn downgrade(self) -> ReadGuard<'a, T> {
        let UpgradableGuard { data, _release: release } = self;
        let read = ReadGuard { data, _release: ReadRelease(release.signals) };
        drop(release);
        read
    }
}

impl<T: ?Sized> Deref for UpgradableGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.data
    }
}

/// The future of [`RawRwLock::upgradable_read`].
pub struct UpgradableRead<'a, T: ?Sized> {
    lock: &'a RawRwLock<T>,
    state: UpgradableState<'a>,
}

enum UpgradableState<'a> {
    Start,
    /// Counted in `QUEUED`, waiting for the turn.
    Queued(Pin<Box<async_lock::futures::Lock<'a, ()>>>),
    /// Holds the turn; waits for a writer that still holds the data.
    InTurn {
        release: TurnRelease<'a>,
        listener: Option<EventListener>,
        parked: bool,
    },
    Done,
}

impl<'a, T: ?Sized> Future for UpgradableRead<'a, T> {
    type Output = UpgradableGuard<'a, T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let signals = &this.lock.signals;
        loop {
            match &mut this.state {
                UpgradableState::Start => {
                    if let Some(guard) = this.lock.try_upgradable_read() {
                        this.state = UpgradableState::Done;
                        return Poll::Ready(guard);
                    }
                    signals.gate.fetch_add(QUEUED, Ordering::SeqCst);
                    this.state = UpgradableState::Queued(Box::pin(signals.turn.lock()));
                }
                UpgradableState::Queued(turn) => match turn.as_mut().poll(cx) {
                    Poll::Ready(turn) => {
                        let release = TurnRelease { signals, turn: Some(turn) };
                        this.state =
                            UpgradableState::InTurn { release, listener: None, parked: false };
                    }
                    Poll::Pending => return Poll::Pending,
                },
                UpgradableState::InTurn { listener, parked, .. } => {
                    if let Some(data) = this.lock.data.try_read() {
                        if core::mem::take(parked) {
                            signals.parked_readers.fetch_sub(1, Ordering::Relaxed);
                        }
                        let UpgradableState::InTurn { release, .. } =
                            core::mem::replace(&mut this.state, UpgradableState::Done)
                        else {
                            unreachable!("matched above")
                        };
                        return Poll::Ready(UpgradableGuard { data, _release: release });
                    }
                    match listener {
                        Some(waiting) => match Pin::new(waiting).poll(cx) {
                            Poll::Ready(()) => *listener = None,
                            Poll::Pending => return Poll::Pending,
                        },
                        None => {
                            if !*parked {
                                *parked = true;
                                signals.parked_readers.fetch_add(1, Ordering::Relaxed);
                            }
                            *listener = Some(signals.to_readers.listen());
                            fence(Ordering::SeqCst);
                        }
                    }
                }
                UpgradableState::Done => panic!("`upgradable_read` polled after it completed"),
            }
        }
    }
}

impl<T: ?Sized> Drop for UpgradableRead<'_, T> {
    fn drop(&mut self) {
        let signals = &self.lock.signals;
        match &mut self.state {
            UpgradableState::Start | UpgradableState::Done => {}
            UpgradableState::Queued(_) => {
                signals.gate.fetch_sub(QUEUED, Ordering::SeqCst);
            }
            UpgradableState::InTurn { parked, .. } => {
                if *parked {
                    signals.parked_readers.fetch_sub(1, Ordering::Relaxed);
                }
                // The `TurnRelease` in the state uncounts and passes the turn.
            }
        }
    }
}
