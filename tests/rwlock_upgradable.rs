//! Upgradable reads of the async `RwLock`: exact counts on a multi-thread
//! runtime, no write between the read and the upgrade (waiting or `try_`),
//! and cancellation of each await point (the wait for the turn, the wait for
//! the readers).

use std::sync::Arc;
use std::time::Duration;

use lockladder::{LockToken, RwLock, RwLockUpgradableReadGuard, lock_level};

mod hand_polling;

#[lock_level(10)]
#[derive(Debug, Default)]
struct Registry {
    value: u64,
    upgrades: u64,
}

const TASKS: u64 = 4;
const ROUNDS: u64 = 1_000;
const WATCHDOG: Duration = Duration::from_secs(10);

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(4).enable_time().build().unwrap()
}

#[test]
fn upgradable_read_then_upgrade_counts_exactly_on_a_multi_thread_runtime() {
    let registry = Arc::new(RwLock::new(Registry::default()));
    runtime().block_on(async {
        let mut tasks = Vec::new();
        for task in 0..TASKS {
            let upgrader = registry.clone();
            tasks.push(tokio::spawn(async move {
                let registry = upgrader;
                for round in 0..ROUNDS {
                    let mut token = LockToken::new();
                    let (checking, mut at_registry) = registry.upgradable_read(&mut token).await;
                    let seen = checking.value;
                    tokio::task::yield_now().await;
                    let upgrading = RwLockUpgradableReadGuard::upgrade(checking, &mut at_registry);
                    // Every other upgrade of one task is cut short at random: a
                    // cancelled upgrade must leave the lock usable.
                    if (task + round) % 7 == 0 {
                        let cut =
                            tokio::time::timeout(Duration::from_micros(round % 50), upgrading);
                        let Ok(mut writing) = cut.await else { continue };
                        assert_eq!(writing.value, seen);
                        writing.value = seen + 1;
                        writing.upgrades += 1;
                    } else {
                        let mut writing = upgrading.await;
                        assert_eq!(writing.value, seen, "nobody wrote between read and upgrade");
                        writing.value = seen + 1;
                        writing.upgrades += 1;
                    }
                }
            }));
            let reader = registry.clone();
            tasks.push(tokio::spawn(async move {
                let registry = reader;
                for _ in 0..ROUNDS {
                    let mut token = LockToken::new();
                    let (reading, _) = registry.read(&mut token).await;
                    assert_eq!(reading.value, reading.upgrades);
                }
            }));
        }
        tokio::time::timeout(WATCHDOG * 3, async {
            for task in tasks {
                task.await.unwrap();
            }
        })
        .await
        .expect("no wake-up was lost");
    });
    let registry = Arc::into_inner(registry).unwrap().into_inner();
    assert_eq!(registry.value, registry.upgrades);
    let never_cut =
        (0..TASKS).map(|task| (0..ROUNDS).filter(|round| (task + round) % 7 != 0).count() as u64);
    assert!(registry.upgrades >= never_cut.sum::<u64>(), "{registry:?}");
}

/// `try_upgrade`, falling back to `upgrade` when a reader is in, against
/// readers on other worker threads: every failed attempt must give the hold
/// back and wake the readers it held back for an instant (a lost wake-up hangs
/// into the watchdog), and nobody may write between the read and the write.
#[test]
fn try_upgrade_or_wait_counts_exactly_beside_readers_on_a_multi_thread_runtime() {
    let registry = Arc::new(RwLock::new(Registry::default()));
    let fell_back = runtime().block_on(async {
        let mut upgraders = Vec::new();
        let mut readers = Vec::new();
        for _ in 0..TASKS {
            let upgrader = registry.clone();
            upgraders.push(tokio::spawn(async move {
                let registry = upgrader;
                let mut fell_back = 0;
                for _ in 0..ROUNDS {
                    let mut token = LockToken::new();
                    let (checking, mut at_registry) = registry.upgradable_read(&mut token).await;
                    let seen = checking.value;
                    tokio::task::yield_now().await;
                    let mut writing =
                        match RwLockUpgradableReadGuard::try_upgrade(checking, &mut at_registry) {
                            Ok(writing) => writing,
                            Err(checking) => {
                                fell_back += 1;
                                assert_eq!(checking.value, seen, "the hold came back unchanged");
                                RwLockUpgradableReadGuard::upgrade(checking, &mut at_registry).await
                            }
                        };
                    assert_eq!(writing.value, seen, "nobody wrote between read and upgrade");
                    writing.value = seen + 1;
                    writing.upgrades += 1;
                }
                fell_back
            }));
            let reader = registry.clone();
            readers.push(tokio::spawn(async move {
                let registry = reader;
                for _ in 0..ROUNDS {
                    let mut token = LockToken::new();
                    let (reading, _) = registry.read(&mut token).await;
                    assert_eq!(reading.value, reading.upgrades);
                    tokio::task::yield_now().await;
                }
            }));
        }
        tokio::time::timeout(WATCHDOG * 3, async {
            let mut fell_back = 0;
            for upgrader in upgraders {
                fell_back += upgrader.await.unwrap();
            }
            for reader in readers {
                reader.await.unwrap();
            }
            fell_back
        })
        .await
        .expect("no wake-up was lost")
    });
    let registry = Arc::into_inner(registry).unwrap().into_inner();
    assert_eq!(registry.value, TASKS * ROUNDS);
    assert_eq!(registry.upgrades, TASKS * ROUNDS);
    eprintln!("{fell_back} of {} try_upgrades found a reader in", TASKS * ROUNDS);
}

// These drive several tasks' futures by hand on one thread; lockdep counts a
// thread as one task and would read that as one task taking the lock twice.
#[cfg(not(feature = "lockdep"))]
mod by_hand {
    use std::pin::pin;

    use super::hand_polling::{channel_waker, ready};
    use super::*;

    #[test]
    fn an_upgrade_goes_before_a_writer_queued_meanwhile() {
        let registry = RwLock::new(Registry::default());
        let (waker, woken) = channel_waker(16);
        let mut token = LockToken::new();
        let (checking, mut at_registry) = registry.try_upgradable_read(&mut token).unwrap();

        let mut writer_token = LockToken::new();
        let mut writer = pin!(registry.write(&mut writer_token));
        assert!(ready(writer.as_mut(), &waker).is_none(), "queued behind the upgradable read");
        let mut reader_token = LockToken::new();
        let (reading, _) = registry.try_read(&mut reader_token).expect("readers share it");
        drop(reading);

        let mut upgrade = pin!(RwLockUpgradableReadGuard::upgrade(checking, &mut at_registry));
        let mut writing = ready(upgrade.as_mut(), &waker).expect("no other reader");
        writing.value = 1;
        while woken.try_recv().is_ok() {}
        assert!(ready(writer.as_mut(), &waker).is_none());
        drop(writing);
        woken.recv_timeout(WATCHDOG).expect("the release woke the queued writer");
        let (next, _) = ready(writer.as_mut(), &waker).expect("its turn");
        assert_eq!(next.value, 1);
    }

    #[test]
    fn a_cancelled_upgrade_lets_held_back_readers_in_and_frees_the_lock() {
        let registry = RwLock::new(Registry::default());
        let (waker, woken) = channel_waker(16);
        let mut token = LockToken::new();
        let (checking, mut at_registry) = registry.try_upgradable_read(&mut token).unwrap();
        let mut reader_token = LockToken::new();
        let (reading, _) = registry.try_read(&mut reader_token).unwrap();

        let mut upgrade = Box::pin(RwLockUpgradableReadGuard::upgrade(checking, &mut at_registry));
        assert!(ready(upgrade.as_mut(), &waker).is_none(), "a reader is still in");
        let mut late_token = LockToken::new();
        let mut late = pin!(registry.read(&mut late_token));
        assert!(ready(late.as_mut(), &waker).is_none(), "new readers stand back");
        while woken.try_recv().is_ok() {}
        drop(upgrade); // cancelled while waiting for the readers
        woken.recv_timeout(WATCHDOG).expect("the held-back reader was woken");
        let (late_reading, _) = ready(late.as_mut(), &waker).expect("readers go on");
        drop((late_reading, reading));
        let mut again = LockToken::new();
        assert!(registry.try_write(&mut again).is_ok(), "nothing left held or queued");
    }

    #[test]
    fn try_upgrade_fails_while_another_reader_holds_and_succeeds_after_it_leaves() {
        let registry = RwLock::new(Registry::default());
        let mut token = LockToken::new();
        let (checking, mut at_registry) = registry.try_upgradable_read(&mut token).unwrap();
        let mut reader_token = LockToken::new();
        let (reading, _) = registry.try_read(&mut reader_token).expect("readers share it");

        let checking = RwLockUpgradableReadGuard::try_upgrade(checking, &mut at_registry)
            .expect_err("another reader holds the lock");
        let mut other = LockToken::new();
        assert!(registry.try_upgradable_read(&mut other).is_err(), "the hold came back");
        assert!(registry.try_write(&mut other).is_err(), "no writer gets in");
        drop(registry.try_read(&mut other).expect("readers still share it"));
        drop(reading);

        let mut writing = RwLockUpgradableReadGuard::try_upgrade(checking, &mut at_registry)
            .expect("no other reader now");
        writing.value = 1;
        assert!(registry.try_read(&mut other).is_err(), "write-held");
        drop(writing);
        let (after, _) = registry.try_write(&mut other).expect("nothing left held or queued");
        assert_eq!(after.value, 1);
    }

    #[test]
    fn a_queued_writer_never_writes_between_the_read_and_a_successful_try_upgrade() {
        let registry = RwLock::new(Registry { value: 5, upgrades: 0 });
        let (waker, woken) = channel_waker(16);
        let mut token = LockToken::new();
        let (checking, mut at_registry) = registry.try_upgradable_read(&mut token).unwrap();
        let seen = checking.value;
        let mut reader_token = LockToken::new();
        let (reading, _) = registry.try_read(&mut reader_token).unwrap();

        let mut writer_token = LockToken::new();
        let mut writer = pin!(registry.write(&mut writer_token));
        assert!(ready(writer.as_mut(), &waker).is_none(), "queued behind the upgradable read");
        let checking = RwLockUpgradableReadGuard::try_upgrade(checking, &mut at_registry)
            .expect_err("a reader is in");
        drop(reading);
        while woken.try_recv().is_ok() {}
        assert!(ready(writer.as_mut(), &waker).is_none(), "the upgradable read still holds");

        let mut writing = RwLockUpgradableReadGuard::try_upgrade(checking, &mut at_registry)
            .expect("the last other reader left");
        assert_eq!(writing.value, seen, "nobody wrote in between");
        writing.value = seen * 2;
        assert!(ready(writer.as_mut(), &waker).is_none(), "write-held by the upgrade");
        drop(writing);
        woken.recv_timeout(WATCHDOG).expect("the release woke the queued writer");
        let (next, _) = ready(writer.as_mut(), &waker).expect("its turn");
        assert_eq!(next.value, 10);
    }

    #[test]
    fn a_cancelled_upgradable_read_leaves_the_queue() {
        let registry = RwLock::new(Registry::default());
        let (waker, _woken) = channel_waker(16);
        let mut writer_token = LockToken::new();
        let (writing, _) = registry.try_write(&mut writer_token).unwrap();
        let mut token = LockToken::new();
        let mut waiting = Box::pin(registry.upgradable_read(&mut token));
        assert!(ready(waiting.as_mut(), &waker).is_none(), "the writer holds it");
        drop(waiting);
        drop(writing);
        let mut again = LockToken::new();
        assert!(registry.try_write(&mut again).is_ok(), "the cancelled wait left no count");
    }
}
