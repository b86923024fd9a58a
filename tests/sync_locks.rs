//! The blocking `lockladder::sync` locks across threads, and releasing them
//! inside their guards (`unlocked`, `bump`, `unlock_fair`).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Barrier, mpsc};
use std::task::Context;
use std::thread;
use std::time::{Duration, Instant};

use lockladder::sync::{MutexGuard, RwLockReadGuard, RwLockUpgradableReadGuard, RwLockWriteGuard};
use lockladder::{LockToken, lock_level, sync};

mod hand_polling;
use hand_polling::{channel_waker, ready};

#[lock_level(10)]
#[derive(Debug, Default)]
struct Registry {
    accounts: Vec<u64>,
}

#[lock_level(20)]
#[derive(Debug, Default)]
struct Counter {
    value: u64,
}

const THREADS: usize = 8;
const ROUNDS: u64 = 5_000;

#[test]
fn sync_mutex_counts_exactly_across_threads() {
    let registry = Arc::new(sync::RwLock::new(Registry { accounts: vec![1] }));
    let counter = Arc::new(sync::Mutex::new(Counter::default()));
    let start = Arc::new(Barrier::new(THREADS));
    let threads: Vec<_> = (0..THREADS)
        .map(|_| {
            let (registry, counter, start) = (registry.clone(), counter.clone(), start.clone());
            thread::spawn(move || {
                start.wait();
                for _ in 0..ROUNDS {
                    let mut token = LockToken::new();
                    let (registry, mut token) = registry.read(&mut token);
                    let (mut counter, _token) = counter.lock(&mut token);
                    // Read-modify-write with a yield in between: a lost update
                    // would show if the lock did not exclude.
                    let before = counter.value;
                    thread::yield_now();
                    counter.value = before + registry.accounts[0];
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    assert_eq!(counter.lock(&mut LockToken::new()).0.value, THREADS as u64 * ROUNDS);
}

#[test]
fn sync_mutex_is_not_poisoned_by_a_panic() {
    let counter = Arc::new(sync::Mutex::new(Counter::default()));
    let panicked = thread::spawn({
        let counter = counter.clone();
        move || {
            let mut token = LockToken::new();
            let (mut counter, _token) = counter.lock(&mut token);
            counter.value = 41;
            panic!("while holding the lock");
        }
    })
    .join();
    assert!(panicked.is_err());
    let mut token = LockToken::new();
    let (mut counter, _token) = counter.try_lock(&mut token).expect("released by the panic");
    counter.value += 1;
    assert_eq!(counter.value, 42, "the data is as the panicking thread left it");
}

#[test]
fn sync_try_lock_fails_while_another_thread_holds_it() {
    let counter = Arc::new(sync::Mutex::new(Counter::default()));
    let (held_tx, held_rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let holder = thread::spawn({
        let counter = counter.clone();
        move || {
            let mut token = LockToken::new();
            let (_held, _token) = counter.lock(&mut token);
            held_tx.send(()).unwrap();
            release_rx.recv().unwrap();
        }
    });
    held_rx.recv().unwrap();
    let mut token = LockToken::new();
    let error = counter.try_lock(&mut token).unwrap_err();
    assert_eq!(
        error.to_string(),
        "`Counter` (lock level 20) is held elsewhere; `try_lock` does not wait for it"
    );
    assert_eq!(format!("{counter:?}"), "sync::Mutex { level: Counter (20), data: <locked> }");
    release_tx.send(()).unwrap();
    holder.join().unwrap();
    assert!(counter.try_lock(&mut token).is_ok());
}

#[test]
fn sync_rwlock_shares_readers_and_excludes_writers() {
    let registry = sync::RwLock::new(Registry::default());
    let mut reader = LockToken::new();
    let (shared, _reader) = registry.try_read(&mut reader).unwrap();
    // Other threads: other tasks, each with its own root token.
    thread::scope(|scope| {
        scope.spawn(|| assert!(registry.try_read(&mut LockToken::new()).is_ok()));
        scope.spawn(|| {
            assert_eq!(
                registry.try_write(&mut LockToken::new()).unwrap_err().to_string(),
                "`Registry` (lock level 10) is held elsewhere; `try_write` does not wait for it"
            );
        });
    });
    drop(shared);
    let (mut registry_guard, _writer) = registry.write(&mut reader);
    registry_guard.accounts.push(5);
    drop(registry_guard);
    assert_eq!(
        format!("{registry:?}"),
        "sync::RwLock { level: Registry (10), data: Registry { accounts: [5] } }"
    );
}

#[test]
fn sync_locks_give_up_their_data_without_locking() {
    let mut counter: sync::Mutex<Counter> = sync::Mutex::default();
    counter.get_mut().value = 3;
    assert_eq!(counter.into_inner().value, 3);
    let mut registry: sync::RwLock<Registry> = sync::RwLock::default();
    registry.get_mut().accounts.push(9);
    assert_eq!(registry.into_inner().accounts, [9]);
}

/// A watchdog: far beyond any real wait, so a hang fails instead of blocking CI.
const WATCHDOG: Duration = Duration::from_secs(10);

#[test]
fn unlocked_lets_another_thread_take_the_mutex_meanwhile() {
    let counter = sync::Mutex::new(Counter::default());
    let mut token = LockToken::new();
    let (mut held, mut at_counter) = counter.lock(&mut token);
    held.value = 1;
    let seen_by_other = MutexGuard::unlocked(&mut held, &counter, &mut at_counter, || {
        thread::scope(|scope| {
            scope
                .spawn(|| {
                    let mut token = LockToken::new();
                    let (mut other, _) = counter.lock(&mut token); // blocks if still held
                    other.value += 10;
                    other.value
                })
                .join()
                .unwrap()
        })
    });
    assert_eq!(seen_by_other, 11);
    assert_eq!(held.value, 11, "held again, with what the other thread wrote");
    thread::scope(|scope| {
        let excluded = scope.spawn(|| counter.try_lock(&mut LockToken::new()).is_err());
        assert!(excluded.join().unwrap(), "the mutex is held again after `unlocked`");
    });
}

#[test]
fn unlocked_on_every_rwlock_guard_lets_a_writer_in_meanwhile() {
    let registry = sync::RwLock::new(Registry::default());
    // Another thread's write succeeds only while the lock is released.
    let write_elsewhere = || {
        thread::scope(|scope| {
            let writer = scope.spawn(|| {
                let mut token = LockToken::new();
                let (mut writing, _) = registry.try_write(&mut token).ok()?;
                writing.accounts.push(1);
                Some(writing.accounts.len())
            });
            writer.join().unwrap()
        })
    };
    let mut token = LockToken::new();
    {
        let (mut reading, mut at_registry) = registry.read(&mut token);
        let wrote =
            RwLockReadGuard::unlocked(&mut reading, &registry, &mut at_registry, write_elsewhere);
        assert_eq!((wrote, reading.accounts.len()), (Some(1), 1));
    }
    {
        let (mut writing, mut at_registry) = registry.write(&mut token);
        let wrote = RwLockWriteGuard::unlocked_fair(
            &mut writing,
            &registry,
            &mut at_registry,
            write_elsewhere,
        );
        assert_eq!((wrote, writing.accounts.len()), (Some(2), 2));
    }
    {
        let (mut checking, mut at_registry) = registry.upgradable_read(&mut token);
        let wrote =
            RwLockUpgradableReadGuard::unlocked(&mut checking, &mut at_registry, write_elsewhere);
        assert_eq!((wrote, checking.accounts.len()), (Some(3), 3));
        // Held again: an upgradable read excludes writers.
        assert_eq!(write_elsewhere(), None);
    }
}

#[test]
fn unlocked_re_takes_the_mutex_before_a_panic_in_the_closure_goes_on() {
    let counter = sync::Mutex::new(Counter::default());
    let mut token = LockToken::new();
    let (mut held, mut at_counter) = counter.lock(&mut token);
    let panicked = catch_unwind(AssertUnwindSafe(|| {
        MutexGuard::unlocked(&mut held, &counter, &mut at_counter, || panic!("in the closure"))
    }));
    assert_eq!(panicked.unwrap_err().downcast_ref::<&str>(), Some(&"in the closure"));
    held.value = 5; // the guard is usable: the mutex is held again
    thread::scope(|scope| {
        let excluded = scope.spawn(|| counter.try_lock(&mut LockToken::new()).is_err());
        assert!(excluded.join().unwrap(), "the mutex is held again after the panic");
    });
}

#[test]
fn bump_hands_the_mutex_to_a_thread_waiting_for_it() {
    let counter = sync::Mutex::new(Counter::default());
    let (waiting_tx, waiting) = mpsc::channel();
    thread::scope(|scope| {
        let mut token = LockToken::new();
        let (mut held, mut at_counter) = counter.lock(&mut token);
        let counter = &counter;
        scope.spawn(move || {
            let mut token = LockToken::new();
            waiting_tx.send(()).unwrap();
            let (mut other, _) = counter.lock(&mut token);
            other.value += 1;
        });
        waiting.recv().unwrap();
        // Until the other thread parks on the mutex, a bump has nobody to
        // hand it to and keeps it; once it parks, the next bump hands it over.
        let started = Instant::now();
        while held.value == 0 {
            assert!(started.elapsed() < WATCHDOG, "no bump let the waiting thread in");
            MutexGuard::bump(&mut held, counter, &mut at_counter);
            thread::yield_now();
        }
        assert_eq!(held.value, 1);
    });
}

/// An async `lock_all` sleeping on a mutex that this thread holds must be
/// woken when `release` lets the mutex go; `release` calls its argument once
/// the mutex is free (the argument waits for the wake-up and lets the task
/// take and release the mutex).
fn an_async_task_sleeping_on_the_mutex_wakes_when(
    release: impl FnOnce(
        MutexGuard<'_, Counter>,
        &sync::Mutex<Counter>,
        &mut LockToken<'_, Counter>,
        &dyn Fn(),
    ),
) {
    let counter = sync::Mutex::new(Counter::default());
    let (waker, woken) = channel_waker(1);
    let mut task_token = LockToken::new();
    let task = std::cell::RefCell::new(Box::pin(task_token.lock_all((&counter,))));
    let mut token = LockToken::new();
    let (held, mut at_counter) = counter.lock(&mut token);
    let mut cx = Context::from_waker(&waker);
    assert!(task.borrow_mut().as_mut().poll(&mut cx).is_pending(), "the mutex is held");
    let task_takes_the_mutex = || {
        let started = Instant::now();
        loop {
            assert!(
                woken.recv_timeout(WATCHDOG).is_ok(),
                "the release did not wake the async task"
            );
            if let Some(((mut guard,), _)) = ready(task.borrow_mut().as_mut(), &waker) {
                guard.value += 1;
                return;
            }
            assert!(started.elapsed() < WATCHDOG, "the async task never got the mutex");
        }
    };
    release(held, &counter, &mut at_counter, &task_takes_the_mutex);
    drop(task);
    assert_eq!(counter.into_inner().value, 1);
}

#[test]
fn unlocked_wakes_an_async_task_sleeping_on_the_mutex() {
    an_async_task_sleeping_on_the_mutex_wakes_when(|mut held, counter, at_counter, let_task_in| {
        MutexGuard::unlocked(&mut held, counter, at_counter, let_task_in);
    });
}

#[test]
fn unlock_fair_wakes_an_async_task_sleeping_on_the_mutex() {
    an_async_task_sleeping_on_the_mutex_wakes_when(|held, _, _, let_task_in| {
        MutexGuard::unlock_fair(held);
        let_task_in();
    });
}

#[test]
#[should_panic(expected = "MutexGuard::unlocked was given a guard of another lock than `Counter` \
                           (lock level 20)")]
fn unlocked_with_another_mutex_panics() {
    let (counter, other) =
        (sync::Mutex::new(Counter::default()), sync::Mutex::new(Counter::default()));
    let mut token = LockToken::new();
    let (mut held, mut at_counter) = counter.lock(&mut token);
    MutexGuard::unlocked(&mut held, &other, &mut at_counter, || ());
}

#[test]
#[should_panic(
    expected = "RwLockWriteGuard::bump on `Registry` (lock level 10) was given a guard \
                           taken in a set"
)]
fn bump_of_a_set_member_panics() {
    let (first, second) =
        (sync::RwLock::new(Registry::default()), sync::RwLock::new(Registry::default()));
    let mut token = LockToken::new();
    let ((mut writing, _other), mut at_registry) =
        token.lock_all_blocking((lockladder::Write(&first), lockladder::Write(&second)));
    RwLockWriteGuard::bump(&mut writing, &first, &mut at_registry);
}

/// With `lockdep`, the hold of the mutex ends while `unlocked` releases it
/// and starts again once it is re-taken, also when the closure panicked: a
/// lower lock taken after that through a second root token is still caught.
#[cfg(feature = "lockdep")]
#[test]
#[should_panic(expected = "lock order violation: cannot acquire `Registry` (level 10)")]
fn unlocked_restarts_the_lockdep_hold_when_the_closure_panics() {
    let (counter, registry) =
        (sync::Mutex::new(Counter::default()), sync::Mutex::new(Registry::default()));
    let mut token = LockToken::new();
    let (mut held, mut at_counter) = counter.lock(&mut token);
    let panicked = catch_unwind(AssertUnwindSafe(|| {
        MutexGuard::unlocked(&mut held, &counter, &mut at_counter, || panic!("in the closure"))
    }));
    assert!(panicked.is_err());
    let mut second_root = LockToken::new();
    let _registry = registry.lock(&mut second_root); // below the held `Counter`
}

/// With `lockdep`, an `unlocked` or `bump` whose re-take would invert the
/// order (a higher lock held through a second root) panics before it releases
/// anything: the closure never runs and the lock stays held by this thread.
/// Checked after the release, the re-lock could wait forever for a thread that
/// waits for the higher lock.
#[cfg(feature = "lockdep")]
#[test]
fn an_inverted_retake_by_unlocked_or_bump_panics_before_releasing() {
    let (registry, counter) =
        (sync::Mutex::new(Registry::default()), sync::Mutex::new(Counter::default()));
    let mut token = LockToken::new();
    let (mut held, mut at_registry) = registry.lock(&mut token);
    let mut second_root = LockToken::new();
    let _counter = counter.lock(&mut second_root); // above `Registry`, held meanwhile
    let mut ran = false;
    let unlocked = catch_unwind(AssertUnwindSafe(|| {
        MutexGuard::unlocked(&mut held, &registry, &mut at_registry, || ran = true)
    }));
    assert!(unlocked.is_err(), "lockdep reports the inverted re-take");
    assert!(!ran, "the closure ran: the lock was released before the check");
    let bumped =
        catch_unwind(AssertUnwindSafe(|| MutexGuard::bump(&mut held, &registry, &mut at_registry)));
    assert!(bumped.is_err(), "lockdep reports the inverted re-take");
    let still_held = thread::scope(|scope| {
        scope.spawn(|| registry.try_lock(&mut LockToken::new()).is_err()).join().unwrap()
    });
    assert!(still_held, "the mutex was released");
}
