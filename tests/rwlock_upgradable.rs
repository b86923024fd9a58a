//! Upgradable reads of the async `RwLock`: exact counts on a multi-thread
//! runtime, no write between the read and the upgrade, and cancellation of
//! each await point (the wait for the turn, the wait for the readers).

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

#[test]
fn upgradable_read_then_upgrade_counts_exactly_on_a_multi_thread_runtime() {
    let registry = Arc::new(RwLock::new(Registry::default()));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_time()
        .build()
        .unwrap();
    runtime.block_on(async {
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
