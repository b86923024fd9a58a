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
//! the turn and its read, no writer can take the lock: a queued writer waits
//! for the turn, a newcomer sees `QUEUED` and queues, and a newcomer that read
//! the gate before the upgradable reader queued fails its compare-and-swap
//! against the read.
//!
//! That last writer is why an upgrade never lets go of the data between its
//! read and its write. It first takes spin's upgradable hold (the `UPGRADED`
//! bit) *while still reading*, then drops its read, then turns `UPGRADED` into
//! the write with one compare-and-swap once no reader is left. `UPGRADED` keeps
//! every writer's compare-and-swap (which expects a free word) failing, and
//! spin's own readers stand back while it is set. Only the turn's holder ever
//! sets `UPGRADED`, and every hold of it ends with that holder (granted write,
//! downgrade, or drop), so taking it cannot fail: no writer holds the word
//! while this reader reads, and no other `UPGRADED` exists. Were it ever to
//! fail, `try_upgrade` gives the guard back unchanged and `upgrade` waits as
//! a head writer does (release the read, take the word when it is free).
//!
//! `upgrade` also sets `DRAINING` (new readers stand back at the gate; each
//! reader's release wakes it) and waits; nobody writes in between, since no
//! writer can get in. Cancelling the upgrade is cancelling a head writer:
//! `UPGRADED` and `DRAINING` are cleared, readers are woken, the turn passes on;
//! the upgradable hold is gone.
//!
//! `try_upgrade` does the same without waiting: if a reader is still in, it
//! turns `UPGRADED` back into its read (spin's downgrade counts the read before
//! it clears the bit, so there is no gap either) and wakes the readers that
//! found `UPGRADED` set meanwhile, by the protocol of the module above. Either
//! way it held the turn throughout, so no write happened.
//!
//! Cancelling `upgradable_read`: before the turn, it leaves the queue (as a
//! queued writer does); with the turn, waiting for a writer that still holds
//! the data to finish, it uncounts itself and passes the turn on. Waiting for
//! that writer follows the readers' protocol (count, listen, fence, retry), so
//! the writer's release cannot be missed.
//!
//! Checked by the loom model in `tests/rwlock_loom.rs` (`.ci/run`): an
//! upgrade racing a writer that read the gate before the upgradable reader
//! queued lets no write in between (`an_upgrade_lets_no_write_in_between`;
//! the mutant `rwlock_upgraded_claim`, an upgrade without the `UPGRADED`
//! claim, is caught), and neither does `try_upgrade` beside a reader and a
//! writer (`try_upgrade_lets_no_write_in_between`). An upgrade cancelled
//! while draining, an upgradable read cancelled in the queue and a parked
//! reader cancelled let the readers held back in
//! (`cancelled_upgrades_and_reads_pass_their_turn_on`).

use core::future::Future;
use core::ops::Deref;
use core::pin::Pin;
use core::task::{Context, Poll};

use crate::shim::EventListener;
use crate::shim::atomic::{Ordering, fence};
use crate::shim::turn::{self, TurnGuard, TurnLock};

use super::{
    DRAINING, DataRead, DataUpgrading, DataWrite, QUEUED, RawRwLock, ReadGuard, ReadRelease,
    Signals, WriteGuard, WriteRelease,
};

impl<T: ?Sized> RawRwLock<T> {
    /// An upgradable read if the turn is free and no writer holds the data.
    pub(crate) fn try_upgradable_read(&self) -> Option<UpgradableGuard<'_, T>> {
        let signals = &self.signals;
        if signals.gate.load(Ordering::Relaxed) != 0 {
            return None;
        }
        let turn = Turn::counted(signals, signals.turn.try_lock()?);
        let data = self.try_read_data()?; // on failure `turn` undoes the count
        Some(UpgradableGuard { data, turn })
    }

    pub(crate) fn upgradable_read(&self) -> UpgradableRead<'_, T> {
        UpgradableRead { lock: self, state: UpgradableState::Start }
    }
}

/// The writers' turn, held by an upgradable reader or an upgrade, and its
/// count in `gate`. Dropping it uncounts it, then passes the turn on.
struct Turn<'a> {
    signals: &'a Signals,
    /// What this holder added to `gate`: `QUEUED`, plus `DRAINING` while an
    /// upgrade waits.
    counted: usize,
    _turn: TurnGuard<'a>,
}

impl<'a> Turn<'a> {
    /// Counts the holder of `turn` in `QUEUED`.
    fn counted(signals: &'a Signals, turn: TurnGuard<'a>) -> Self {
        signals.gate.fetch_add(QUEUED, Ordering::SeqCst);
        Turn::already_counted(signals, turn)
    }

    /// The holder of `turn` was counted in `QUEUED` while it queued.
    fn already_counted(signals: &'a Signals, turn: TurnGuard<'a>) -> Self {
        Turn { signals, counted: QUEUED, _turn: turn }
    }
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        self.signals.gate.fetch_sub(self.counted, Ordering::SeqCst);
        // `_turn` drops next: the next writer gets the turn.
    }
}

/// An upgradable read hold of a [`RawRwLock`].
pub struct UpgradableGuard<'a, T: ?Sized> {
    /// Dropped first: the read is released, then the turn.
    data: DataRead<'a, T>,
    turn: Turn<'a>,
}

impl<'a, T: ?Sized> UpgradableGuard<'a, T> {
    /// Waits for the other readers to leave and becomes a write hold.
    pub(crate) fn upgrade(self, lock: &'a RawRwLock<T>) -> Upgrade<'a, T> {
        let UpgradableGuard { data, mut turn } = self;
        let claim = lock.data.try_upgradable_read(); // taken while `data` still reads
        #[cfg(lockladder_mutant = "rwlock_upgraded_claim")]
        let claim: Option<DataUpgrading<'a, T>> = claim.and(None);
        drop(data);
        // Readers stand back and wake this upgrade when they leave.
        lock.signals.gate.fetch_or(DRAINING, Ordering::SeqCst);
        turn.counted |= DRAINING;
        Upgrade { lock, waiting: Some(Waiting { claim, _turn: turn, listener: None }) }
    }

    /// The write hold if no other reader holds the lock; else the guard back,
    /// unchanged. Never waits.
    pub(crate) fn try_upgrade(self, lock: &'a RawRwLock<T>) -> Result<WriteGuard<'a, T>, Self> {
        let UpgradableGuard { data, turn } = self;
        let Some(claim) = lock.data.try_upgradable_read() else {
            return Err(UpgradableGuard { data, turn }); // cannot happen (module docs)
        };
        drop(data);
        match DataUpgrading::try_upgrade(claim) {
            Ok(data) => {
                // The next writer gets the turn and waits for this write.
                drop(turn);
                Ok(WriteGuard { data, _release: WriteRelease(&lock.signals) })
            }
            Err(claim) => Err(UpgradableGuard::read_on(claim, turn)),
        }
    }

    /// After a failed `try_upgrade`: the claim back into a read, no gap, and
    /// the readers that found `UPGRADED` set meanwhile (and may have parked)
    /// woken.
    fn read_on(claim: DataUpgrading<'a, T>, turn: Turn<'a>) -> Self {
        let data = DataUpgrading::downgrade(claim);
        fence(Ordering::SeqCst);
        turn.signals.wake_readers_after_fence();
        UpgradableGuard { data, turn }
    }

    /// A plain read hold, no gap; the turn passes on.
    pub(crate) fn downgrade(self) -> ReadGuard<'a, T> {
        let UpgradableGuard { data, turn } = self;
        let read = ReadGuard { data, _release: ReadRelease(turn.signals) };
        drop(turn);
        read
    }
}

impl<T: ?Sized> Deref for UpgradableGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.data
    }
}

/// The future of [`UpgradableGuard::upgrade`].
pub struct Upgrade<'a, T: ?Sized> {
    lock: &'a RawRwLock<T>,
    /// `None` once granted.
    waiting: Option<Waiting<'a, T>>,
}

/// An upgrade waiting for the readers to leave.
struct Waiting<'a, T: ?Sized> {
    /// spin's `UPGRADED`; `None` only if it could not be taken (never, see
    /// the module docs). Dropped before the turn.
    claim: Option<DataUpgrading<'a, T>>,
    /// Counted with `DRAINING`.
    _turn: Turn<'a>,
    listener: Option<EventListener>,
}

impl<'a, T: ?Sized> Waiting<'a, T> {
    /// The write, if no reader is left.
    fn try_write(&mut self, lock: &'a RawRwLock<T>) -> Option<DataWrite<'a, T>> {
        match self.claim.take() {
            Some(claim) => DataUpgrading::try_upgrade(claim).map_err(|c| self.claim = Some(c)).ok(),
            None => lock.data.try_write(),
        }
    }
}

impl<'a, T: ?Sized> Future for Upgrade<'a, T> {
    type Output = WriteGuard<'a, T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let lock = this.lock;
        let Some(waiting) = &mut this.waiting else {
            panic!("`RwLockUpgradeFuture` polled after it completed")
        };
        loop {
            if let Some(data) = waiting.try_write(lock) {
                // Leaving the queue (the turn drops with `waiting`) passes the
                // turn to the next writer, which waits for this one's release.
                this.waiting = None;
                return Poll::Ready(WriteGuard { data, _release: WriteRelease(&lock.signals) });
            }
            match &mut waiting.listener {
                Some(listener) => match Pin::new(listener).poll(cx) {
                    Poll::Ready(()) => waiting.listener = None,
                    Poll::Pending => return Poll::Pending,
                },
                None => {
                    waiting.listener = Some(lock.signals.to_writer.listen());
                    fence(Ordering::SeqCst);
                }
            }
        }
    }
}

impl<T: ?Sized> Drop for Upgrade<'_, T> {
    fn drop(&mut self) {
        if let Some(waiting) = self.waiting.take() {
            // Cancelled: `UPGRADED` and `DRAINING` are cleared and the turn
            // passes on as `waiting` drops; readers held back may go on.
            drop(waiting);
            fence(Ordering::SeqCst);
            self.lock.signals.wake_readers_after_fence();
        }
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
    Queued(TurnLock<'a>),
    /// Holds the turn; waits for a writer that still holds the data.
    InTurn {
        turn: Turn<'a>,
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
                    this.state = UpgradableState::Queued(turn::lock(&signals.turn));
                }
                UpgradableState::Queued(turn) => match Pin::new(turn).poll(cx) {
                    Poll::Ready(turn) => {
                        let turn = Turn::already_counted(signals, turn);
                        this.state =
                            UpgradableState::InTurn { turn, listener: None, parked: false };
                    }
                    Poll::Pending => return Poll::Pending,
                },
                UpgradableState::InTurn { listener, parked, .. } => {
                    if let Some(data) = this.lock.try_read_data() {
                        if core::mem::take(parked) {
                            signals.parked_readers.fetch_sub(1, Ordering::Relaxed);
                        }
                        let UpgradableState::InTurn { turn, .. } =
                            core::mem::replace(&mut this.state, UpgradableState::Done)
                        else {
                            unreachable!("matched above")
                        };
                        return Poll::Ready(UpgradableGuard { data, turn });
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
                // The `Turn` in the state uncounts and passes the turn on.
            }
        }
    }
}

// Plain tests; under loom, the models in tests/*_loom.rs run instead.
#[cfg(all(test, not(lockladder_loom)))]
mod tests {
    use core::task::Poll;

    use super::super::tests::Task;
    use super::{DataUpgrading, RawRwLock, UpgradableGuard};

    /// The instant inside a `try_upgrade` that finds a reader in: a reader
    /// arriving then stands back (and parks); the failed attempt must wake it.
    #[test]
    fn a_failed_try_upgrade_wakes_the_readers_it_held_back() {
        let lock = RawRwLock::new(0u32);
        let UpgradableGuard { data, turn } = lock.try_upgradable_read().expect("free");
        let other = lock.try_read().expect("readers share it");
        let claim = lock.data.try_upgradable_read().expect("only the turn's holder claims");
        drop(data);
        let mut late = Task::new(lock.read());
        assert!(late.poll().is_pending(), "readers stand back while the claim is up");
        let claim = DataUpgrading::try_upgrade(claim).expect_err("the other reader is in");
        let _upgradable = UpgradableGuard::read_on(claim, turn);
        assert!(late.woken(), "the failed attempt woke the reader");
        assert!(matches!(late.poll(), Poll::Ready(_)), "and it reads beside the others");
        drop(other);
    }
}
