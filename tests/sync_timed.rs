//! The timed acquisitions of the blocking locks (`try_lock_for`,
//! `try_read_until`, `try_upgrade_for`, ...) against other threads holding
//! the lock: they give up with `LockTimeoutError`, not before their deadline,
//! exactly where the holder excludes them, and succeed when the lock is
//! released in time.

use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use lockladder::sync::{Mutex, RwLock, RwLockUpgradableReadGuard};
use lockladder::{LockTimeoutError, LockToken, lock_level};

#[lock_level(20)]
#[derive(Debug, Default)]
struct Ledger {
    entries: u64,
}

/// A watchdog: far beyond any real wait, so a hang fails instead of blocking CI.
const WATCHDOG: Duration = Duration::from_secs(10);
/// The time a timed acquisition is given when it is meant to run out.
const SHORT: Duration = Duration::from_millis(30);

/// Another thread takes a lock with `hold`, which calls its argument while it
/// holds it; `test` runs on this thread meanwhile, and the holder releases
/// the lock once `test` returns (or after the watchdog).
fn while_another_thread_holds<R>(
    hold: impl FnOnce(&dyn Fn()) + Send,
    test: impl FnOnce() -> R,
) -> R {
    let (held_tx, held) = mpsc::channel();
    let (release_tx, release) = mpsc::channel::<()>();
    thread::scope(|scope| {
        let holder = scope.spawn(move || {
            hold(&|| {
                held_tx.send(()).unwrap();
                let _ = release.recv_timeout(WATCHDOG);
            })
        });
        held.recv().expect("the holder took the lock");
        let result = test();
        let _ = release_tx.send(());
        holder.join().unwrap();
        result
    })
}

/// This thread takes a lock with `hold`, which calls its argument while it
/// holds it and releases the lock after; the call returns once `wait`, on
/// another thread, has started and had time to park in its timed wait (not
/// measured: had it not parked yet, it finds the lock free at its first try).
/// Returns what `wait` returns.
fn released_while_another_thread_waits<R: Send>(
    hold: impl FnOnce(&dyn Fn()),
    wait: impl FnOnce() -> R + Send,
) -> R {
    let (held_tx, held) = mpsc::channel::<()>();
    let (waiting_tx, waiting) = mpsc::channel();
    thread::scope(|scope| {
        let waiter = scope.spawn(move || {
            held.recv().expect("`hold` took the lock");
            waiting_tx.send(()).unwrap();
            wait()
        });
        hold(&|| {
            held_tx.send(()).unwrap();
            waiting.recv().unwrap();
            thread::sleep(SHORT);
        });
        waiter.join().unwrap()
    })
}

/// Asserts that a timed acquisition ran out, not before its deadline, with
/// the error a user should see.
fn assert_timed_out(
    result: Result<(), LockTimeoutError>,
    started: Instant,
    operation: &str,
    waiting: &str,
) {
    let Err(err) = result else { panic!("`{operation}` got the lock while it was held") };
    assert!(started.elapsed() >= SHORT, "`{operation}` gave up before its deadline");
    assert_eq!((err.level_name(), err.level()), ("Ledger", 20));
    assert!(err.timeout() <= SHORT, "{:?} reported, {SHORT:?} allowed", err.timeout());
    let message = err.to_string();
    assert!(
        message.starts_with("`Ledger` (lock level 20) was still held elsewhere after ")
            && message.contains(&format!("`{operation}` waited "))
            && message.ends_with(&format!("use `{waiting}`, which waits until it is free")),
        "{message}"
    );
}

#[test]
fn try_lock_for_gives_up_while_another_thread_holds_the_mutex() {
    let ledger = Mutex::new(Ledger::default());
    let err = while_another_thread_holds(
        |keep| {
            let mut token = LockToken::new();
            let (_held, _) = ledger.lock(&mut token);
            keep();
        },
        || {
            let mut token = LockToken::new();
            let started = Instant::now();
            let result = ledger.try_lock_for(&mut token, SHORT).map(|_| ());
            assert_timed_out(result, started, "try_lock_for", "lock");
            result.unwrap_err()
        },
    );
    assert_eq!(err.timeout(), SHORT, "a `_for` form reports its own timeout");
    assert_eq!(
        err.to_string(),
        "`Ledger` (lock level 20) was still held elsewhere after `try_lock_for` waited 30ms for \
         it; allow a longer wait, or use `lock`, which waits until it is free"
    );
    // Nothing stays held: the lock is free again for anyone.
    let mut token = LockToken::new();
    assert!(ledger.try_lock(&mut token).is_ok());
}

#[test]
fn try_lock_until_gives_up_at_its_deadline() {
    let ledger = Mutex::new(Ledger::default());
    while_another_thread_holds(
        |keep| {
            let mut token = LockToken::new();
            let (_held, _) = ledger.lock(&mut token);
            keep();
        },
        || {
            let mut token = LockToken::new();
            let started = Instant::now();
            let deadline = started + SHORT;
            let result = ledger.try_lock_until(&mut token, deadline).map(|_| ());
            assert!(Instant::now() >= deadline, "gave up before the deadline");
            assert_timed_out(result, started, "try_lock_until", "lock");
            // A deadline already past: one try, and a zero wait in the error.
            let past = ledger.try_lock_until(&mut token, started).map(|_| ()).unwrap_err();
            assert_eq!(past.timeout(), Duration::ZERO);
        },
    );
}

/// How another thread holds the `RwLock`.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Holder {
    Reader,
    UpgradableReader,
    Writer,
}

/// Each timed acquisition of `registry` with the method that waits instead
/// and the holders that exclude it; each takes its own root token (nothing
/// else is held on the thread) and gives up after `SHORT`.
#[allow(clippy::type_complexity)]
fn timed_rwlock_acquisitions(
    registry: &RwLock<Ledger>,
) -> Vec<(
    &'static str,
    &'static str,
    &'static [Holder],
    Box<dyn Fn() -> Result<(), LockTimeoutError> + '_>,
)> {
    use Holder::{UpgradableReader, Writer};
    let fresh = LockToken::new;
    let deadline = || Instant::now() + SHORT;
    vec![
        (
            "try_read_for",
            "read",
            &[Writer],
            Box::new(move || registry.try_read_for(&mut fresh(), SHORT).map(|_| ())),
        ),
        (
            "try_read_until",
            "read",
            &[Writer],
            Box::new(move || registry.try_read_until(&mut fresh(), deadline()).map(|_| ())),
        ),
        (
            "try_write_for",
            "write",
            &[Holder::Reader, UpgradableReader, Writer],
            Box::new(move || registry.try_write_for(&mut fresh(), SHORT).map(|_| ())),
        ),
        (
            "try_write_until",
            "write",
            &[Holder::Reader, UpgradableReader, Writer],
            Box::new(move || registry.try_write_until(&mut fresh(), deadline()).map(|_| ())),
        ),
        (
            "try_upgradable_read_for",
            "upgradable_read",
            &[UpgradableReader, Writer],
            Box::new(move || registry.try_upgradable_read_for(&mut fresh(), SHORT).map(|_| ())),
        ),
        (
            "try_upgradable_read_until",
            "upgradable_read",
            &[UpgradableReader, Writer],
            Box::new(move || {
                registry.try_upgradable_read_until(&mut fresh(), deadline()).map(|_| ())
            }),
        ),
    ]
}

#[test]
fn timed_rwlock_acquisitions_give_up_exactly_where_the_holder_excludes_them() {
    let registry = RwLock::new(Ledger::default());
    for holder in [Holder::Reader, Holder::UpgradableReader, Holder::Writer] {
        while_another_thread_holds(
            |keep| {
                let mut token = LockToken::new();
                match holder {
                    Holder::Reader => {
                        let _held = registry.read(&mut token);
                        keep();
                    }
                    Holder::UpgradableReader => {
                        let _held = registry.upgradable_read(&mut token);
                        keep();
                    }
                    Holder::Writer => {
                        let _held = registry.write(&mut token);
                        keep();
                    }
                }
            },
            || {
                for (operation, waiting, excluded_by, attempt) in
                    timed_rwlock_acquisitions(&registry)
                {
                    let started = Instant::now();
                    let result = attempt();
                    if excluded_by.contains(&holder) {
                        assert_timed_out(result, started, operation, waiting);
                    } else {
                        assert_eq!(result, Ok(()), "`{operation}` beside a {holder:?}");
                    }
                }
            },
        );
    }
}

#[test]
fn try_lock_for_gets_the_mutex_released_in_time() {
    let ledger = Mutex::new(Ledger::default());
    let entries = released_while_another_thread_waits(
        |wait| {
            let mut token = LockToken::new();
            let (mut held, _) = ledger.lock(&mut token);
            wait();
            held.entries = 10;
        },
        || {
            let mut token = LockToken::new();
            let (mut held, _) =
                ledger.try_lock_for(&mut token, WATCHDOG).expect("released in time");
            held.entries += 1;
            held.entries
        },
    );
    assert_eq!(entries, 11);
}

#[test]
fn try_lock_for_beyond_any_deadline_waits_until_the_mutex_is_free() {
    let ledger = Mutex::new(Ledger::default());
    let got = released_while_another_thread_waits(
        |wait| {
            let mut token = LockToken::new();
            let (_held, _) = ledger.lock(&mut token);
            wait();
        },
        || {
            let mut token = LockToken::new();
            // `now + Duration::MAX` is no `Instant`: it waits without a deadline.
            ledger.try_lock_for(&mut token, Duration::MAX).map(|_| ())
        },
    );
    assert_eq!(got, Ok(()));
}

#[test]
fn try_upgradable_read_until_gets_the_lock_released_in_time() {
    let registry = RwLock::new(Ledger::default());
    let entries = released_while_another_thread_waits(
        |wait| {
            let mut token = LockToken::new();
            let (mut writing, _) = registry.write(&mut token);
            wait();
            writing.entries = 4;
        },
        || {
            let mut token = LockToken::new();
            let deadline = Instant::now() + WATCHDOG;
            let (checking, _) =
                registry.try_upgradable_read_until(&mut token, deadline).expect("released in time");
            checking.entries
        },
    );
    assert_eq!(entries, 4);
}

#[test]
fn try_upgrade_for_gives_the_guard_back_while_another_thread_reads() {
    let registry = RwLock::new(Ledger::default());
    while_another_thread_holds(
        |keep| {
            let mut token = LockToken::new();
            let (_reading, _) = registry.read(&mut token);
            keep();
        },
        || {
            let mut token = LockToken::new();
            let (checking, mut at_registry) = registry.upgradable_read(&mut token);
            let started = Instant::now();
            let checking =
                RwLockUpgradableReadGuard::try_upgrade_for(checking, &mut at_registry, SHORT)
                    .expect_err("a reader holds the lock");
            assert!(started.elapsed() >= SHORT, "gave up before its deadline");
            let deadline = Instant::now() + SHORT;
            let checking =
                RwLockUpgradableReadGuard::try_upgrade_until(checking, &mut at_registry, deadline)
                    .expect_err("a reader holds the lock");
            assert!(Instant::now() >= deadline, "gave up before its deadline");
            // The guard came back still holding: no other upgradable reader.
            assert_eq!(checking.entries, 0);
            let excluded = thread::scope(|scope| {
                let elsewhere = scope.spawn(|| {
                    let mut token = LockToken::new(); // another thread, its own root token
                    registry.try_upgradable_read(&mut token).is_err()
                });
                elsewhere.join()
            });
            assert!(excluded.unwrap(), "another upgradable reader got in");
        },
    );
}

#[test]
fn try_upgrade_until_upgrades_once_the_readers_leave_in_time() {
    let registry = RwLock::new(Ledger::default());
    let mut token = LockToken::new();
    let (checking, mut at_registry) = registry.upgradable_read(&mut token);
    let (read_tx, read) = mpsc::channel();
    let (leave_tx, leave) = mpsc::channel::<()>();
    thread::scope(|scope| {
        let registry = &registry;
        scope.spawn(move || {
            let mut token = LockToken::new();
            let (_reading, _) = registry.read(&mut token);
            read_tx.send(()).unwrap();
            let _ = leave.recv_timeout(WATCHDOG);
        });
        read.recv().unwrap();
        scope.spawn(move || {
            thread::sleep(SHORT); // let the upgrade park (not measured)
            leave_tx.send(()).unwrap();
        });
        let deadline = Instant::now() + WATCHDOG;
        let mut writing =
            RwLockUpgradableReadGuard::try_upgrade_until(checking, &mut at_registry, deadline)
                .unwrap_or_else(|_| panic!("the reader left in time"));
        writing.entries = 1;
    });
    assert_eq!(registry.into_inner().entries, 1);
}

#[test]
fn timed_locks_under_contention_count_exactly() {
    const THREADS: u64 = 4;
    const ROUNDS: u64 = 500;
    let ledger = Mutex::new(Ledger::default());
    let registry = RwLock::new(Ledger::default());
    thread::scope(|scope| {
        for thread in 0..THREADS {
            let (ledger, registry) = (&ledger, &registry);
            scope.spawn(move || {
                for round in 0..ROUNDS {
                    let mut token = LockToken::new();
                    let deadline = Instant::now() + WATCHDOG;
                    if (thread + round) % 2 == 0 {
                        let (mut held, _) = ledger.try_lock_for(&mut token, WATCHDOG).unwrap();
                        held.entries += 1;
                    } else {
                        let (mut held, _) = ledger.try_lock_until(&mut token, deadline).unwrap();
                        held.entries += 1;
                    }
                    match round % 3 {
                        0 => {
                            let (mut held, _) =
                                registry.try_write_until(&mut token, deadline).unwrap();
                            held.entries += 1;
                        }
                        1 => {
                            let (checking, mut at_registry) =
                                registry.try_upgradable_read_for(&mut token, WATCHDOG).unwrap();
                            let mut writing = RwLockUpgradableReadGuard::try_upgrade_for(
                                checking,
                                &mut at_registry,
                                WATCHDOG,
                            )
                            .unwrap_or_else(|_| panic!("readers left within the watchdog"));
                            writing.entries += 1;
                        }
                        _ => {
                            let (reading, _) = registry.try_read_for(&mut token, WATCHDOG).unwrap();
                            assert!(reading.entries <= THREADS * ROUNDS);
                        }
                    }
                }
            });
        }
    });
    assert_eq!(ledger.into_inner().entries, THREADS * ROUNDS);
    // Rounds 0 and 1 (mod 3) write once each.
    let writes_per_thread = (0..ROUNDS).filter(|round| round % 3 != 2).count() as u64;
    assert_eq!(registry.into_inner().entries, THREADS * writes_per_thread);
}
