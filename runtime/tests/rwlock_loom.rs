//! loom model of the async `RwLock` (src/rwlock/raw.rs, raw/upgradable.rs):
//! readers against the writers' turn and the draining bit, a writer's
//! hand-off, upgrades with no write in between, downgrades, and cancellation.
//!
//! Run with
//! `RUSTFLAGS="--cfg lockladder_loom" CARGO_TARGET_DIR=target/loom cargo test -p lockladder-runtime --test rwlock_loom --release`.
//! Under loom the lock word is a loom atomic with spin's own operations
//! (src/shim/spin_rw_cell.rs), the wake-ups are a stand-in with
//! event-listener's contract (src/shim/event.rs), and the writers' turn is our
//! own async `Mutex` standing in for async-lock's (src/shim/mod.rs). A waiter
//! left asleep shows as a deadlock, which loom reports.
#![cfg(lockladder_loom)]

mod loom_support;

use lockladder::{LockToken, RwLock, RwLockUpgradableReadGuard, RwLockWriteGuard, lock_level};
use loom::future::block_on;
use loom::sync::Arc;
use loom::thread;
use loom_support::{Count, poll_once};

#[lock_level(1)]
enum Shared {}

type Lock = RwLock<Count, Shared>;

/// A lock whose loom objects are made on this thread before it is shared
/// (see src/shim/mod.rs): one write, one read, one upgradable read.
fn new_lock() -> Arc<Lock> {
    let lock = Arc::new(RwLock::with_level(Count::new()));
    drop(lock.try_write(&mut LockToken::new()).unwrap());
    drop(lock.try_read(&mut LockToken::new()).unwrap());
    drop(lock.try_upgradable_read(&mut LockToken::new()).unwrap());
    lock
}

fn spawn_write(lock: &Arc<Lock>) -> thread::JoinHandle<()> {
    let lock = lock.clone();
    thread::spawn(move || {
        let mut token = LockToken::new();
        block_on(lock.write(&mut token)).0.bump();
    })
}

fn spawn_read(lock: &Arc<Lock>) -> thread::JoinHandle<usize> {
    let lock = lock.clone();
    thread::spawn(move || {
        let mut token = LockToken::new();
        block_on(lock.read(&mut token)).0.get()
    })
}

fn count(lock: &Lock) -> usize {
    lock.try_read(&mut LockToken::new()).unwrap().0.get()
}

/// A writer waits for a reader to leave while another reader arrives: the
/// newcomer stands back for the draining writer, the reader's release wakes
/// the writer, the writer's release wakes the newcomer. Catches a head writer
/// that does not set the draining bit (mutant `rwlock_draining`): readers'
/// releases then never wake it.
#[test]
fn a_draining_writer_is_woken_by_the_last_reader() {
    loom::model(|| {
        let lock = new_lock();
        let mut token = LockToken::new();
        let reading = lock.try_read(&mut token).unwrap();
        let writer = spawn_write(&lock);
        let newcomer = spawn_read(&lock);
        drop(reading);
        writer.join().unwrap();
        assert!(newcomer.join().unwrap() <= 1);
        assert_eq!(count(&lock), 1);
    });
}

/// Two writers queue behind a reader: each is handed the lock in turn and
/// sees the other's write.
#[test]
fn queued_writers_are_handed_the_lock_in_turn() {
    loom::model(|| {
        let lock = new_lock();
        let mut token = LockToken::new();
        let reading = lock.try_read(&mut token).unwrap();
        let writers = [spawn_write(&lock), spawn_write(&lock)];
        drop(reading);
        for writer in writers {
            writer.join().unwrap();
        }
        assert_eq!(count(&lock), 2);
    });
}

/// A writer that got the turn (draining) and one queued behind it are both
/// cancelled: the reader held back by the draining bit gets in.
#[test]
fn cancelled_writers_let_held_back_readers_in() {
    loom::model(|| {
        let lock = new_lock();
        let mut token = LockToken::new();
        let reading = lock.try_read(&mut token).unwrap();
        let (mut head_token, mut queued_token) = (LockToken::new(), LockToken::new());
        let mut head = lock.write(&mut head_token);
        assert!(poll_once(&mut head).is_pending(), "draining, the reader still in");
        let mut queued = lock.write(&mut queued_token);
        assert!(poll_once(&mut queued).is_pending(), "queued for the turn");

        let reader = spawn_read(&lock);
        drop(head);
        drop(queued);
        assert_eq!(reader.join().unwrap(), 0);
        drop(reading);
    });
}

/// An upgradable read becomes a write while a writer that read the gate
/// before it queued tries to get in: nobody writes between the read and the
/// write. Catches an upgrade that does not claim spin's `UPGRADED` bit while
/// it still reads (mutant `rwlock_upgraded_claim`).
#[test]
fn an_upgrade_lets_no_write_in_between() {
    loom::model(|| {
        let lock = new_lock();
        let writer = spawn_write(&lock);
        let mut token = LockToken::new();
        let (checking, mut at_lock) = block_on(lock.upgradable_read(&mut token));
        let seen = checking.get();
        let writing = block_on(RwLockUpgradableReadGuard::upgrade(checking, &mut at_lock));
        assert_eq!(writing.get(), seen, "a write got in between");
        writing.bump();
        drop(writing);
        writer.join().unwrap();
        assert_eq!(count(&lock), 2);
    });
}

/// `try_upgrade` beside a reader that may still be in: it either becomes the
/// write with nothing written in between, or gives the upgradable read back.
#[test]
fn try_upgrade_lets_no_write_in_between() {
    loom::model(|| {
        let lock = new_lock();
        let reader = spawn_read(&lock);
        let writer = spawn_write(&lock);
        let mut token = LockToken::new();
        let (checking, mut at_lock) = block_on(lock.upgradable_read(&mut token));
        let seen = checking.get();
        match RwLockUpgradableReadGuard::try_upgrade(checking, &mut at_lock) {
            Ok(writing) => assert_eq!(writing.get(), seen, "a write got in between"),
            Err(checking) => assert_eq!(checking.get(), seen),
        }
        reader.join().unwrap();
        writer.join().unwrap();
    });
}

/// A write downgraded (with `downgrade_map`) to a read while a writer waits:
/// the read sees the write it came from, and the waiting writer gets in after.
#[test]
fn a_downgrade_keeps_the_lock_until_the_read_ends() {
    loom::model(|| {
        let lock = new_lock();
        let mut token = LockToken::new();
        let (writing, _at_lock) = lock.try_write(&mut token).unwrap();
        let writer = spawn_write(&lock);
        writing.bump();
        let reading = RwLockWriteGuard::downgrade_map(writing, |count| count);
        assert_eq!(reading.get(), 1, "a write got in between");
        drop(reading);
        writer.join().unwrap();
        assert_eq!(count(&lock), 2);
    });
}

/// Cancelled at their await points while a reader holds the lock: an upgrade
/// waiting for the reader to leave (draining), an upgradable read queued for
/// the turn, a reader parked behind the draining bit. A reader held back by
/// the upgrade gets in: only the upgrade's cancellation wakes it.
#[test]
fn cancelled_upgrades_and_reads_pass_their_turn_on() {
    loom::model(|| {
        let lock = new_lock();
        let mut token = LockToken::new();
        let reading = lock.try_read(&mut token).unwrap();
        let mut upgrading_token = LockToken::new();
        let (checking, mut at_lock) = lock.try_upgradable_read(&mut upgrading_token).unwrap();
        let mut upgrade = RwLockUpgradableReadGuard::upgrade(checking, &mut at_lock);
        assert!(poll_once(&mut upgrade).is_pending(), "draining, the reader still in");

        let (mut queued_token, mut parked_token) = (LockToken::new(), LockToken::new());
        let mut queued = lock.upgradable_read(&mut queued_token);
        assert!(poll_once(&mut queued).is_pending(), "queued for the turn");
        let mut parked = lock.read(&mut parked_token);
        assert!(poll_once(&mut parked).is_pending(), "behind the draining bit");

        let reader = spawn_read(&lock);
        drop(parked);
        drop(queued);
        drop(upgrade);
        assert_eq!(reader.join().unwrap(), 0);
        drop(reading);
    });
}
