//! `sync::RwLock`: `downgrade`, `downgrade_to_upgradable`, `upgradable_read`,
//! `upgrade`, `try_upgrade`, `with_upgraded` across threads, and the wake-up
//! of async waiters by a downgrade.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::pin;
use std::sync::{Barrier, mpsc};
use std::task::{Context, Poll};
use std::thread;
use std::time::{Duration, Instant};

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
    while_another_thread_reads(&registry, |let_the_reader_leave| {
        let mut token = LockToken::new();
        let (checking, mut at_registry) = registry.upgradable_read(&mut token);
        let checking = RwLockUpgradableReadGuard::try_upgrade(checking, &mut at_registry)
            .expect_err("a reader holds the lock");
        assert_eq!(checking.value, 0);
        let_the_reader_leave();
        let mut writing = RwLockUpgradableReadGuard::upgrade(checking, &mut at_registry);
        writing.value = 1;
    });
}

/// Runs `test` while another thread holds a read of `registry`, until `test`
/// calls its argument (or returns, or the watchdog runs out).
fn while_another_thread_reads(registry: &RwLock<Registry>, test: impl FnOnce(&dyn Fn())) {
    let (read_tx, read) = mpsc::channel();
    let (leave_tx, leave) = mpsc::channel::<()>();
    thread::scope(|scope| {
        scope.spawn(move || {
            let mut token = LockToken::new();
            let (_reading, _) = registry.read(&mut token);
            read_tx.send(()).unwrap();
            let _ = leave.recv_timeout(WATCHDOG);
        });
        read.recv().unwrap();
        test(&|| {
            let _ = leave_tx.send(());
        });
        let _ = leave_tx.send(());
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

        let value = read_in_an_async_task_once_woken(&registry, &registered_tx, &read_tx);
        assert_eq!(value, 7);
        read_tx.send(()).unwrap();
        writer.join().unwrap();
    });
}

/// An async `lock_all` reading `registry`, polled by hand on this thread: it
/// must sleep at first (a write holds the lock; `registered` is then sent to
/// the writer), then be woken when readers are let in, and read. `finish`
/// is sent to the writer before failing, so that it lets go of the lock.
fn read_in_an_async_task_once_woken(
    registry: &RwLock<Registry>,
    registered: &mpsc::Sender<()>,
    finish: &mpsc::Sender<()>,
) -> u64 {
    let (waker, woken) = channel_waker(1);
    let mut cx = Context::from_waker(&waker);
    let mut token = LockToken::new();
    let mut lock_all = pin!(token.lock_all((Read(registry),)));
    assert!(lock_all.as_mut().poll(&mut cx).is_pending(), "a write holds the lock");
    registered.send(()).unwrap();
    loop {
        if woken.recv_timeout(WATCHDOG).is_err() {
            let _ = finish.send(());
            panic!("the lock let readers in without waking the async reader");
        }
        if let Poll::Ready(((reading,), _)) = lock_all.as_mut().poll(&mut cx) {
            return reading.value;
        }
    }
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

/// What another thread can take of `registry` right now: (read, upgradable
/// read, write).
fn takeable_elsewhere(registry: &RwLock<Registry>) -> (bool, bool, bool) {
    thread::scope(|scope| {
        let probe = scope.spawn(|| {
            let mut token = LockToken::new(); // its own root token
            let read = registry.try_read(&mut token).is_ok();
            let upgradable = registry.try_upgradable_read(&mut token).is_ok();
            (read, upgradable, registry.try_write(&mut token).is_ok())
        });
        probe.join().unwrap()
    })
}

#[test]
fn with_upgraded_writes_and_keeps_the_upgradable_hold() {
    let registry = RwLock::new(Registry::default());
    let mut token = LockToken::new();
    let (mut checking, mut at_registry) = registry.upgradable_read(&mut token);
    let value = RwLockUpgradableReadGuard::with_upgraded(&mut checking, &mut at_registry, |r| {
        assert_eq!(takeable_elsewhere(&registry), (false, false, false), "a write hold");
        r.value += 1;
        r.value
    });
    assert_eq!((value, checking.value), (1, 1));
    assert_eq!(takeable_elsewhere(&registry), (true, false, false), "upgradable again");
}

#[test]
fn try_with_upgraded_runs_nothing_while_another_thread_reads() {
    const SHORT: Duration = Duration::from_millis(30);
    let registry = RwLock::new(Registry::default());
    while_another_thread_reads(&registry, |let_the_reader_leave| {
        let mut token = LockToken::new();
        let (mut checking, mut at_registry) = registry.upgradable_read(&mut token);
        let write = |r: &mut Registry| {
            r.value += 1;
            r.value
        };
        let now =
            RwLockUpgradableReadGuard::try_with_upgraded(&mut checking, &mut at_registry, write);
        assert_eq!(now, None, "another reader holds the lock");
        let started = Instant::now();
        let timed = RwLockUpgradableReadGuard::try_with_upgraded_for(
            &mut checking,
            &mut at_registry,
            SHORT,
            write,
        );
        assert_eq!(timed, None, "the other reader stayed");
        assert!(started.elapsed() >= SHORT, "gave up before its deadline");
        assert_eq!(checking.value, 0, "`f` did not run");
        let_the_reader_leave();
        let deadline = Instant::now() + WATCHDOG;
        let in_time = RwLockUpgradableReadGuard::try_with_upgraded_until(
            &mut checking,
            &mut at_registry,
            deadline,
            write,
        );
        assert_eq!(in_time, Some(1), "the other reader left in time");
    });
}

#[test]
fn with_upgraded_downgrades_back_before_a_panic_in_the_closure_goes_on() {
    let registry = RwLock::new(Registry::default());
    let mut token = LockToken::new();
    let (mut checking, mut at_registry) = registry.upgradable_read(&mut token);
    let panicked = catch_unwind(AssertUnwindSafe(|| {
        RwLockUpgradableReadGuard::with_upgraded(&mut checking, &mut at_registry, |r| {
            r.value = 1;
            panic!("in the closure");
        })
    }));
    assert_eq!(panicked.unwrap_err().downcast_ref::<&str>(), Some(&"in the closure"));
    assert_eq!(checking.value, 1);
    assert_eq!(takeable_elsewhere(&registry), (true, false, false), "upgradable again");
}

#[test]
fn with_upgraded_wakes_an_async_reader_held_back_by_the_write() {
    let registry = RwLock::new(Registry::default());
    let (upgraded_tx, upgraded) = mpsc::channel();
    let (registered_tx, registered) = mpsc::channel();
    let (read_tx, read) = mpsc::channel::<()>();
    thread::scope(|scope| {
        let registry_ref = &registry;
        let writer = scope.spawn(move || {
            let mut token = LockToken::new();
            let (mut checking, mut at_registry) = registry_ref.upgradable_read(&mut token);
            RwLockUpgradableReadGuard::with_upgraded(&mut checking, &mut at_registry, |r| {
                r.value = 7;
                upgraded_tx.send(()).unwrap();
                let _ = registered.recv_timeout(WATCHDOG);
            });
            // Upgradable again: readers may enter; the async one must learn it.
            let _ = read.recv_timeout(WATCHDOG);
        });
        upgraded.recv().unwrap();

        let value = read_in_an_async_task_once_woken(&registry, &registered_tx, &read_tx);
        assert_eq!(value, 7);
        read_tx.send(()).unwrap();
        writer.join().unwrap();
    });
}

/// While a timed write or upgrade waits for a plain reader to leave,
/// parking_lot holds new readers back; when it gives up they may enter again,
/// and an async reader sleeping on the lock must learn it, though the reader
/// (and the upgradable hold, if any) stay. `give_up` runs on a thread of its
/// own and calls `stay` once it has given up, keeping what it holds.
fn an_async_reader_is_woken_when_a_timed_acquisition_gives_up(
    give_up: impl FnOnce(&RwLock<Registry>, &dyn Fn()) + Send,
) {
    let registry = RwLock::new(Registry { value: 7, upgrades: 0 });
    let (reader_leave_tx, reader_leave) = mpsc::channel::<()>();
    let (giver_leave_tx, giver_leave) = mpsc::channel::<()>();
    let (reading_tx, reading) = mpsc::channel();
    thread::scope(|scope| {
        let registry_ref = &registry;
        scope.spawn(move || {
            let mut token = LockToken::new();
            let _reading = registry_ref.read(&mut token);
            reading_tx.send(()).unwrap();
            // Outlasts the async reader's watchdog: only a wake-up lets it read.
            let _ = reader_leave.recv_timeout(3 * WATCHDOG);
        });
        reading.recv().unwrap();
        scope.spawn(move || {
            give_up(registry_ref, &|| {
                let _ = giver_leave.recv_timeout(3 * WATCHDOG);
            })
        });
        let deadline = Instant::now() + WATCHDOG;
        while takeable_elsewhere(&registry).0 {
            assert!(Instant::now() < deadline, "readers were never held back");
            thread::yield_now();
        }
        let (registered_tx, _registered) = mpsc::channel();
        let value = read_in_an_async_task_once_woken(&registry, &registered_tx, &reader_leave_tx);
        assert_eq!(value, 7);
        let _ = reader_leave_tx.send(());
        let _ = giver_leave_tx.send(());
    });
}

/// Long enough for the test thread to see readers held back and poll once.
const PATIENCE: Duration = Duration::from_secs(1);

#[test]
fn a_timed_out_try_write_for_wakes_an_async_reader() {
    an_async_reader_is_woken_when_a_timed_acquisition_gives_up(|registry, stay| {
        let mut token = LockToken::new();
        assert!(registry.try_write_for(&mut token, PATIENCE).is_err(), "a reader stays");
        stay();
    });
}

#[test]
fn a_timed_out_try_upgrade_for_wakes_an_async_reader() {
    an_async_reader_is_woken_when_a_timed_acquisition_gives_up(|registry, stay| {
        let mut token = LockToken::new();
        let (checking, mut at_registry) = registry.upgradable_read(&mut token);
        let _checking =
            RwLockUpgradableReadGuard::try_upgrade_for(checking, &mut at_registry, PATIENCE)
                .expect_err("a reader stays");
        stay();
    });
}

#[test]
fn a_timed_out_try_with_upgraded_for_wakes_an_async_reader() {
    an_async_reader_is_woken_when_a_timed_acquisition_gives_up(|registry, stay| {
        let mut token = LockToken::new();
        let (mut checking, mut at_registry) = registry.upgradable_read(&mut token);
        let ran = RwLockUpgradableReadGuard::try_with_upgraded_for(
            &mut checking,
            &mut at_registry,
            PATIENCE,
            |_| (),
        );
        assert!(ran.is_none(), "a reader stays");
        stay();
    });
}
