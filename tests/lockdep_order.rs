//! `lockdep`: what the types cannot see, a second root token in one task, is
//! caught at run time, naming both sites; separate tasks and threads are
//! independent, and released, failed and cancelled acquisitions are forgotten.
#![cfg(feature = "lockdep")]

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::pin;
use std::sync::Arc;
use std::sync::mpsc;
use std::task::{Context, Poll, Waker};

use lockladder::{LockToken, Mutex, RwLock, lock_level};
use tokio::sync::oneshot;

mod lockdep_sites;
use lockdep_sites::panic_message;

#[lock_level(110)]
struct Registry;

#[lock_level(120)]
struct CoinManager;

#[lock_level(130)]
struct Account(u64);

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap()
}

/// How lockdep names the call on the line of this file that ends with
/// `// site: NAME` (the column follows).
fn site(name: &str) -> String {
    lockdep_sites::site(include_str!("lockdep_order.rs"), file!(), name)
}

/// Polls a future once, with a waker that does nothing.
fn poll_once<F: Future>(future: std::pin::Pin<&mut F>) -> Poll<F::Output> {
    future.poll(&mut Context::from_waker(Waker::noop()))
}

#[test]
fn two_root_tokens_in_one_task_inverting_the_order_panic_naming_both_sites() {
    let registry = Arc::new(Mutex::new(Registry));
    let coins = Arc::new(Mutex::new(CoinManager));
    let message = runtime().block_on(async move {
        let task = tokio::spawn(async move {
            let mut token = LockToken::new();
            let (_coins, _token) = coins.lock(&mut token).await; // site: task coins
            let mut second_root = LockToken::new();
            let _ = registry.lock(&mut second_root).await; // site: task registry
        });
        panic_message(task.await.expect_err("the inversion must panic").into_panic())
    });
    assert!(
        message.starts_with(&format!(
            "lock order violation: cannot acquire `Registry` (level 110) at {}",
            site("task registry")
        )),
        "{message}"
    );
    assert!(
        message.contains(&format!(
            "while holding `CoinManager` (level 120), acquired at {}",
            site("task coins")
        )),
        "{message}"
    );
    assert!(message.contains(", in tokio task "), "{message}");
    assert!(message.contains("Create one root `LockToken` per task"), "{message}");
}

#[test]
fn two_root_tokens_in_one_thread_outside_any_task_panic_naming_both_sites() {
    let registry = Mutex::new(Registry);
    let coins = Mutex::new(CoinManager);
    let panic = catch_unwind(AssertUnwindSafe(|| {
        let mut token = LockToken::new();
        let (_coins, _token) = coins.try_lock(&mut token).unwrap(); // site: thread coins
        let mut second_root = LockToken::new();
        let _ = registry.try_lock(&mut second_root); // site: thread registry
    }));
    let message = panic_message(panic.expect_err("the inversion must panic"));
    assert!(
        message.contains(&format!("`Registry` (level 110) at {}", site("thread registry"))),
        "{message}"
    );
    assert!(message.contains(&format!("acquired at {}", site("thread coins"))), "{message}");
    assert!(message.contains(", in thread "), "{message}");
}

#[test]
fn the_same_level_twice_through_two_tokens_panics() {
    let registry = RwLock::new(Registry);
    let panic = catch_unwind(AssertUnwindSafe(|| {
        let mut token = LockToken::new();
        let (_shared, _token) = registry.try_read(&mut token).unwrap();
        let mut second_root = LockToken::new();
        let _ = registry.try_read(&mut second_root);
    }));
    let message = panic_message(panic.expect_err("a second read of one level must panic"));
    assert!(message.contains("cannot acquire `Registry` (level 110) at "), "{message}");
    assert!(message.contains("while holding `Registry` (level 110), acquired at "), "{message}");
}

#[test]
fn the_same_inversion_in_two_tasks_does_not_panic() {
    let registry = Arc::new(Mutex::new(Registry));
    let coins = Arc::new(Mutex::new(CoinManager));
    runtime().block_on(async move {
        let (holding_tx, holding_rx) = oneshot::channel();
        let (done_tx, done_rx) = oneshot::channel::<()>();
        let first = tokio::spawn(async move {
            let mut token = LockToken::new();
            let (_coins, _token) = coins.lock(&mut token).await;
            holding_tx.send(()).unwrap();
            // Hold `CoinManager` until the other task has taken `Registry`.
            done_rx.await.unwrap();
        });
        let second = tokio::spawn(async move {
            holding_rx.await.unwrap();
            let mut token = LockToken::new();
            let (_registry, _token) = registry.lock(&mut token).await;
            done_tx.send(()).unwrap();
        });
        second.await.expect("another task's holds are not this task's");
        first.await.unwrap();
    });
}

#[test]
fn the_same_inversion_in_two_threads_does_not_panic() {
    let registry = Mutex::new(Registry);
    let coins = Mutex::new(CoinManager);
    let (holding_tx, holding_rx) = mpsc::channel();
    let (done_tx, done_rx) = mpsc::channel();
    let holder = &coins;
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let mut token = LockToken::new();
            let (_coins, _token) = holder.try_lock(&mut token).unwrap();
            holding_tx.send(()).unwrap();
            done_rx.recv().unwrap();
        });
        holding_rx.recv().unwrap();
        let mut token = LockToken::new();
        let (_registry, _token) = registry.try_lock(&mut token).unwrap();
        done_tx.send(()).unwrap();
    });
}

#[test]
fn a_released_lock_is_forgotten() {
    let registry = Mutex::new(Registry);
    let coins = Mutex::new(CoinManager);
    let mut token = LockToken::new();
    let (guard, child) = coins.try_lock(&mut token).unwrap();
    drop((guard, child));
    let mut second_root = LockToken::new();
    assert!(registry.try_lock(&mut second_root).is_ok());
}

#[test]
fn a_guard_dropped_on_another_thread_is_forgotten_by_the_thread_that_took_it() {
    let registry = Mutex::new(Registry);
    let coins = Mutex::new(CoinManager);
    let mut token = LockToken::new();
    let (guard, child) = coins.try_lock(&mut token).unwrap();
    drop(child);
    // The async guard is `Send`: another thread ends the hold.
    std::thread::scope(|scope| {
        scope.spawn(move || drop(guard));
    });
    let mut second_root = LockToken::new();
    assert!(registry.try_lock(&mut second_root).is_ok(), "this thread holds nothing any more");
}

#[test]
fn a_leaked_guard_is_named_as_a_possible_cause_of_the_violation() {
    let registry = Mutex::new(Registry);
    let coins = Mutex::new(CoinManager);
    let panic = catch_unwind(AssertUnwindSafe(|| {
        let mut token = LockToken::new();
        let (guard, _token) = coins.try_lock(&mut token).unwrap(); // site: leaked
        std::mem::forget(guard);
        let mut later_root = LockToken::new();
        let _ = registry.try_lock(&mut later_root);
    }));
    let message = panic_message(panic.expect_err("the leaked hold still counts"));
    assert!(
        message.contains(&format!(
            "If only one root is in use, the guard of `CoinManager` acquired at {}",
            site("leaked")
        )),
        "{message}"
    );
    assert!(message.contains("may have been leaked with `mem::forget`"), "{message}");
}

#[test]
fn a_failed_try_lock_is_forgotten() {
    let registry = Mutex::new(Registry);
    let coins = Mutex::new(CoinManager);
    let (holding_tx, holding_rx) = mpsc::channel();
    let (done_tx, done_rx) = mpsc::channel();
    let holder = &coins;
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let mut token = LockToken::new();
            let (_coins, _token) = holder.try_lock(&mut token).unwrap();
            holding_tx.send(()).unwrap();
            done_rx.recv().unwrap();
        });
        holding_rx.recv().unwrap();
        let mut token = LockToken::new();
        assert!(coins.try_lock(&mut token).is_err(), "the other thread holds it");
        let mut second_root = LockToken::new();
        assert!(registry.try_lock(&mut second_root).is_ok());
        done_tx.send(()).unwrap();
    });
}

#[test]
fn a_cancelled_lock_future_is_forgotten() {
    let registry = Mutex::new(Registry);
    let coins = Mutex::new(CoinManager);
    let (holding_tx, holding_rx) = mpsc::channel();
    let (done_tx, done_rx) = mpsc::channel();
    let holder = &coins;
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let mut token = LockToken::new();
            let (_coins, _token) = holder.try_lock(&mut token).unwrap();
            holding_tx.send(()).unwrap();
            done_rx.recv().unwrap();
        });
        holding_rx.recv().unwrap();
        let mut token = LockToken::new();
        {
            let mut waiting = pin!(coins.lock(&mut token));
            assert!(poll_once(waiting.as_mut()).is_pending(), "the other thread holds it");
        }
        // The waiting future is dropped: this thread holds nothing.
        let mut second_root = LockToken::new();
        assert!(registry.try_lock(&mut second_root).is_ok());
        done_tx.send(()).unwrap();
    });
}

#[test]
fn a_lock_granted_below_one_granted_meanwhile_panics_at_the_grant() {
    let registry = Mutex::new(Registry);
    let coins = Mutex::new(CoinManager);
    let (holding_tx, holding_rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel();
    let (released_tx, released_rx) = mpsc::channel();
    let holder = &registry;
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let mut token = LockToken::new();
            let held = holder.try_lock(&mut token).unwrap();
            holding_tx.send(()).unwrap();
            release_rx.recv().unwrap();
            drop(held);
            released_tx.send(()).unwrap();
        });
        holding_rx.recv().unwrap();
        // Two futures of one task, as `join!` polls them: `Registry` waits (it
        // holds nothing yet, so taking `CoinManager` meanwhile is allowed)...
        let mut token = LockToken::new();
        let mut waiting = pin!(registry.lock(&mut token));
        assert!(poll_once(waiting.as_mut()).is_pending(), "the other thread holds it");
        let mut second_root = LockToken::new();
        let (_coins, _token) = coins.try_lock(&mut second_root).unwrap();
        release_tx.send(()).unwrap();
        released_rx.recv().unwrap();
        // ...but being granted `Registry` while holding `CoinManager` is the inversion.
        let panic = catch_unwind(AssertUnwindSafe(|| poll_once(waiting.as_mut()).is_ready()));
        let message = panic_message(panic.expect_err("granted below a held level"));
        assert!(message.contains("cannot acquire `Registry` (level 110)"), "{message}");
        assert!(message.contains("while holding `CoinManager` (level 120)"), "{message}");
    });
}

#[test]
fn same_level_sets_taken_together_are_allowed() {
    let registry = Mutex::new(Registry);
    let accounts = [Mutex::new(Account(1)), Mutex::new(Account(2)), Mutex::new(Account(3))];
    let current_thread = tokio::runtime::Builder::new_current_thread().build().unwrap();
    current_thread.block_on(async {
        let mut token = LockToken::new();
        let (guards, _token) = token.lock_many(&accounts).await;
        assert_eq!(guards.iter().map(|account| account.0).sum::<u64>(), 6);
        drop(guards);

        // Two of one level, in descending argument order, above a lower one.
        let mut token = LockToken::new();
        let ((second, registry, first), _token) =
            token.lock_all((&accounts[1], &registry, &accounts[0])).await;
        assert_eq!(first.0 + second.0, 3);
        drop(registry);
    });
}

#[test]
fn lock_all_below_a_level_held_through_another_token_panics() {
    let registry = Mutex::new(Registry);
    let coins = Mutex::new(CoinManager);
    let account = Mutex::new(Account(0));
    let mut token = LockToken::new();
    let (_coins, _token) = coins.try_lock(&mut token).unwrap();
    let panic = catch_unwind(AssertUnwindSafe(|| {
        let mut second_root = LockToken::new();
        // Checked when called, before any waiting.
        drop(second_root.lock_all((&account, &registry))); // site: lock_all
    }));
    let message = panic_message(panic.expect_err("`Registry` under `CoinManager` must panic"));
    let expected = format!("cannot acquire `Registry` (level 110) at {}", site("lock_all"));
    assert!(message.contains(&expected), "{message}");
    assert!(message.contains("while holding `CoinManager` (level 120)"), "{message}");
}

/// The deadlock of the issue that made `upgrade` checked: this thread holds an
/// upgradable read of `Registry` and, through a second root, `CoinManager`;
/// another thread reads `Registry` and waits for `CoinManager`. The upgrade
/// would wait for that reader forever; it panics instead, before waiting,
/// naming the upgrade's call, and the reader then gets its lock. (The timed
/// upgrade is checked exactly as `upgrade` is, see `lockdep_every_path.rs`.)
#[test]
fn an_upgrade_while_a_second_root_holds_a_higher_lock_is_reported_instead_of_deadlocking() {
    use lockladder::sync::RwLockUpgradableReadGuard;
    use lockladder::sync::{Mutex as BlockingMutex, RwLock as BlockingRwLock};

    let registry = BlockingRwLock::new(Registry);
    let coins = BlockingMutex::new(CoinManager);
    let (reading_tx, reading) = mpsc::channel();
    std::thread::scope(|scope| {
        let mut token = LockToken::new();
        let (checking, mut at_registry) = registry.upgradable_read(&mut token);
        let mut second_root = LockToken::new();
        let (held_coins, _) = coins.lock(&mut second_root);
        let reader = scope.spawn(|| {
            let mut token = LockToken::new();
            let (_reading, mut at_registry) = registry.read(&mut token);
            reading_tx.send(()).unwrap();
            drop(coins.lock(&mut at_registry)); // waits for this thread's `CoinManager`
        });
        reading.recv().unwrap();
        let upgrade = catch_unwind(AssertUnwindSafe(|| {
            // Timed only so that, were it not checked, the test fails
            // instead of hanging: the watchdog is never reached otherwise.
            let watchdog = std::time::Duration::from_secs(10);
            RwLockUpgradableReadGuard::try_upgrade_for(checking, &mut at_registry, watchdog) // site: upgrade
        }));
        let Err(panic) = upgrade else { panic!("the upgrade must be reported") };
        let message = panic_message(panic);
        assert!(
            message.starts_with(&format!(
                "lock order violation: cannot acquire `Registry` (level 110) at {}",
                site("upgrade")
            )),
            "{message}"
        );
        assert!(message.contains("while holding `CoinManager` (level 120)"), "{message}");
        drop(held_coins);
        reader.join().expect("the reader gets `CoinManager` once it is released");
    });
}

/// The same in a tokio task (whose held levels live in the shared shards, not
/// in the thread's storage): the async upgrade is checked when it is called.
#[test]
fn an_async_upgrade_in_a_task_while_a_second_root_holds_a_higher_lock_panics_at_the_call() {
    use lockladder::RwLockUpgradableReadGuard;

    let registry = Arc::new(RwLock::new(Registry));
    let coins = Arc::new(Mutex::new(CoinManager));
    let message = runtime().block_on(async move {
        let task = tokio::spawn(async move {
            let mut token = LockToken::new();
            let (checking, mut at_registry) = registry.upgradable_read(&mut token).await;
            let mut second_root = LockToken::new();
            let (_coins, _) = coins.lock(&mut second_root).await;
            drop(RwLockUpgradableReadGuard::upgrade(checking, &mut at_registry)); // site: task upgrade
        });
        panic_message(task.await.expect_err("the upgrade must panic").into_panic())
    });
    assert!(
        message.starts_with(&format!(
            "lock order violation: cannot acquire `Registry` (level 110) at {}",
            site("task upgrade")
        )),
        "{message}"
    );
}
