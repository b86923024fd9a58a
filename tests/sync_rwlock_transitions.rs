//! `sync::RwLock`: `downgrade`, `downgrade_to_upgradable`, `upgradable_read`,
//! `upgrade`, `try_upgrade` across threads, and the wake-up of async waiters
//! by a downgrade.

use std::pin::pin;
use std::sync::{Barrier, mpsc};
use std::task::{Context, Poll};
use std::thread;
use std::time::Duration;

use lockladder::sync::{RwLock, RwLockUpgradableReadGuard, RwLockWriteGuard};
use lockladder::{LockToken, Read, Write, lock_level};

mod hand_polling;
use hand_polling::channel_waker;

#[lock_level(10)]
#[derive(Debug, Default)]
struct Registry {
    value: u64,
    upgrades: u64,
}

const THREADS: u64 = 4;
const ROUNDS: u64 = 2_000;
/// A watchdog: far beyond any real wait, so a hang fails instead of blocking CI.
const WATCHDOG: Duration = Duration::from_secs(10);

#[test]
fn upgradable_read_then_upgrade_counts_exactly_across_threads() {
    let registry = RwLock::new(Registry::default());
    let start = Barrier::new(THREADS as usize * 2);
    thread::scope(|scope| {
        for _ in 0..THREADS {
            scope.spawn(|| {
                start.wait();
                for round in 0..ROUNDS {
                    let mut token = LockToken::new();
                    let (checking, mut at_registry) = registry.upgradable_read(&mut token);
                    let seen = checking.value;
                    thread::yield_now(); // a lost update would show
                    let mut writing = if round % 2 == 0 {
                        RwLockUpgradableReadGuard::upgrade(checking, &mut at_registry)
                    } else {
                        match RwLockUpgradableReadGuard::try_upgrade(checking, &mut at_registry) {
                            Ok(writing) => writing,
                            Err(checking) => {
                                RwLockUpgradableReadGuard::upgrade(checking, &mut at_registry)
                            }
                        }
                    };
                    assert_eq!(writing.value, seen, "nobody wrote between the read and the write");
                    writing.value = seen + 1;
                    writing.upgrades += 1;
                    // Downgrade, then check that nobody wrote since.
                    let reading = RwLockWriteGuard::downgrade(writing);
                    assert_eq!(reading.value, seen + 1);
                }
            });
            // Plain readers alongside: they get in beside an upgradable reader.
            scope.spawn(|| {
                start.wait();
                for _ in 0..ROUNDS {
                    let mut token = LockToken::new();
                    let (reading, _) = registry.read(&mut token);
                    assert_eq!(reading.value, reading.upgrades);
                }
            });
        }
    });
    let registry = registry.into_inner();
    assert_eq!((registry.value, registry.upgrades), (THREADS * ROUNDS, THREADS * ROUNDS));
}

#[test]
fn try_upgrade_gives_the_guard_back_while_another_reader_holds_the_lock() {
    let registry = RwLock::new(Registry::default());
    let (read_tx, read) = mpsc::channel();
    let (done_tx, done) = mpsc::channel::<()>();
    thread::scope(|scope| {
        let registry_ref = &registry;
        scope.spawn(move || {
            let mut token = LockToken::new();
            let (_reading, _) = registry_ref.read(&mut token);
            read_tx.send(()).unwrap();
            let _ = done.recv();
        });
        read.recv().unwrap();
        let mut token = LockToken::new();
        let (checking, mut at_registry) = registry.upgradable_read(&mut token);
        let checking = RwLockUpgradableReadGuard::try_upgrade(checking, &mut at_registry)
            .expect_err("a reader holds the lock");
        assert_eq!(checking.value, 0);
        done_tx.send(()).unwrap();
        let mut writing = RwLockUpgradableReadGuard::upgrade(checking, &mut at_registry);
        writing.value = 1;
    });
}

#[test]
fn a_downgrade_wakes_an_async_reader_sleeping_on_the_lock() {
    an_async_reader_sleeping_on_the_lock_wakes_after(|writing, _, read| {
        let _reading = RwLockWriteGuard::downgrade(writing);
        let _ = read.recv_timeout(WATCHDOG);
    });
}

#[test]
fn a_downgrade_to_upgradable_wakes_an_async_reader_sleeping_on_the_lock() {
    an_async_reader_sleeping_on_the_lock_wakes_after(|writing, registry, read| {
        let _checking = RwLockWriteGuard::downgrade_to_upgradable(writing, registry);
        let _ = read.recv_timeout(WATCHDOG);
    });
}

/// A thread writes 7 and, once an async `lock_all` reading the lock sleeps on
/// it, lets readers in with `let_readers_in` (which keeps its hold until told
/// the reader is done): the async reader must be woken and read 7.
fn an_async_reader_sleeping_on_the_lock_wakes_after(
    let_readers_in: impl for<'g> FnOnce(
        RwLockWriteGuard<'g, Registry>,
        &'g RwLock<Registry>,
        &mpsc::Receiver<()>,
    ) + Send,
) {
    let registry = RwLock::new(Registry::default());
    let (written_tx, written) = mpsc::channel();
    let (registered_tx, registered) = mpsc::channel();
    let (read_tx, read) = mpsc::channel::<()>();
    thread::scope(|scope| {
        let registry_ref = &registry;
        let writer = scope.spawn(move || {
            let mut token = LockToken::new();
            let (mut writing, _) = registry_ref.write(&mut token);
            writing.value = 7;
            written_tx.send(()).unwrap();
            registered.recv().unwrap();
            // Readers may enter now; the async one below must learn it.
            let_readers_in(writing, registry_ref, &read);
        });
        written.recv().unwrap();

        let (waker, woken) = channel_waker(1);
        let mut cx = Context::from_waker(&waker);
        let mut token = LockToken::new();
        let mut lock_all = pin!(token.lock_all((Read(&registry),)));
        assert!(lock_all.as_mut().poll(&mut cx).is_pending(), "the writer holds the lock");
        registered_tx.send(()).unwrap();
        let value = loop {
            if woken.recv_timeout(WATCHDOG).is_err() {
                let _ = read_tx.send(()); // let the writer finish before failing
                panic!("the lock let readers in without waking the async reader");
            }
            if let Poll::Ready(((reading,), _)) = lock_all.as_mut().poll(&mut cx) {
                break reading.value;
            }
        };
        assert_eq!(value, 7);
        read_tx.send(()).unwrap();
        writer.join().unwrap();
    });
}

#[test]
fn downgrade_to_upgradable_lets_no_writer_in_before_the_upgrade() {
    let registry = RwLock::new(Registry::default());
    let (queued_tx, queued) = mpsc::channel();
    thread::scope(|scope| {
        let mut token = LockToken::new();
        let (mut writing, mut at_registry) = registry.write(&mut token);
        writing.value = 1;
        let registry_ref = &registry;
        let other_writer = scope.spawn(move || {
            let mut token = LockToken::new();
            queued_tx.send(()).unwrap();
            let (mut writing, _) = registry_ref.write(&mut token);
            let seen = writing.value;
            writing.value = 100;
            seen
        });
        queued.recv().unwrap();
        // Give the other writer time to park on the lock (not measured: had
        // it not parked yet, it would queue behind the upgradable hold).
        thread::sleep(Duration::from_millis(20));
        let checking = RwLockWriteGuard::downgrade_to_upgradable(writing, &registry);
        assert_eq!(checking.value, 1, "no writer got in at the downgrade");
        thread::yield_now();
        let mut writing = RwLockUpgradableReadGuard::upgrade(checking, &mut at_registry);
        assert_eq!(writing.value, 1, "no writer got in before the upgrade");
        writing.value = 2;
        drop(writing);
        assert_eq!(other_writer.join().unwrap(), 2, "the other writer came after the upgrade");
    });
}

#[test]
fn downgrade_to_upgradable_lets_readers_in_while_it_holds() {
    let registry = RwLock::new(Registry::default());
    let (seen_tx, seen) = mpsc::channel();
    thread::scope(|scope| {
        let mut token = LockToken::new();
        let (mut writing, mut at_registry) = registry.write(&mut token);
        writing.value = 5;
        let registry_ref = &registry;
        for _ in 0..2 {
            let seen_tx = seen_tx.clone();
            scope.spawn(move || {
                let mut token = LockToken::new();
                let (reading, _) = registry_ref.read(&mut token);
                seen_tx.send(reading.value).unwrap();
            });
        }
        let checking = RwLockWriteGuard::downgrade_to_upgradable(writing, &registry);
        // Both readers get in while the upgradable hold lasts.
        for _ in 0..2 {
            assert_eq!(seen.recv_timeout(WATCHDOG), Ok(5), "a reader was kept out");
        }
        let mut writing = RwLockUpgradableReadGuard::upgrade(checking, &mut at_registry);
        writing.value = 6;
    });
    assert_eq!(registry.into_inner().value, 6);
}

#[test]
#[should_panic(
    expected = "RwLockWriteGuard::downgrade_to_upgradable was given a guard of another \
                           lock than `Registry` (lock level 10)"
)]
fn downgrade_to_upgradable_with_another_lock_panics() {
    let (registry, other) = (RwLock::new(Registry::default()), RwLock::new(Registry::default()));
    let mut token = LockToken::new();
    let (writing, _) = registry.write(&mut token);
    let _checking = RwLockWriteGuard::downgrade_to_upgradable(writing, &other);
}

#[test]
#[should_panic(
    expected = "RwLockWriteGuard::downgrade_to_upgradable on `Registry` (lock level 10) \
                           was given a guard taken in a set"
)]
fn downgrade_to_upgradable_of_a_set_member_panics() {
    let (first, second) = (RwLock::new(Registry::default()), RwLock::new(Registry::default()));
    let mut token = LockToken::new();
    let ((writing, _other), _) = token.lock_all_blocking((Write(&first), Write(&second)));
    let _checking = RwLockWriteGuard::downgrade_to_upgradable(writing, &first);
}
