//! `token.lock_many(..)`, `token.try_lock_many(..)` and `LockGroup`.
//!
//! Locks "held elsewhere" are held, and tried, on other threads: to the
//! `lockdep` safety net each thread is its own task with its own root token.

mod set_support;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::thread::Scope;

use lockladder::{LockGroup, LockToken, Mutex, Read, RwLock, lock_level, sync};
use set_support::{Held, elsewhere, hold_elsewhere};

#[lock_level(20)]
#[derive(Debug)]
struct Account {
    balance: u64,
}

fn block_on<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(future)
}

fn poll_once<F: Future>(future: std::pin::Pin<&mut F>) -> Poll<F::Output> {
    future.poll(&mut Context::from_waker(Waker::noop()))
}

fn accounts(count: u64) -> Vec<Mutex<Account>> {
    (0..count).map(|balance| Mutex::new(Account { balance })).collect()
}

/// Holds `account` on another thread (another task, to `lockdep`) until
/// [`Held::release`].
fn held_elsewhere<'scope>(
    scope: &'scope Scope<'scope, '_>,
    account: &'scope Mutex<Account>,
) -> Held<'scope> {
    hold_elsewhere(scope, move |wait| {
        let mut elsewhere = LockToken::new();
        let _held = account.try_lock(&mut elsewhere).unwrap();
        wait();
    })
}

/// Free right now, as another task sees it.
fn is_free(account: &Mutex<Account>) -> bool {
    elsewhere(|| account.try_lock(&mut LockToken::new()).is_ok())
}

#[test]
fn lock_many_returns_guards_in_the_callers_order() {
    let accounts = accounts(4);
    block_on(async {
        let mut token = LockToken::new();
        let (guards, _token) = token.lock_many([&accounts[3], &accounts[0], &accounts[2]]).await;
        let balances: Vec<u64> = guards.iter().map(|account| account.balance).collect();
        assert_eq!(balances, [3, 0, 2]);
    });
}

#[test]
fn lock_many_of_nothing_returns_no_guards() {
    let accounts = accounts(0);
    block_on(async {
        let mut token = LockToken::new();
        let (guards, _token) = token.lock_many(&accounts).await;
        assert!(guards.is_empty());
    });
}

#[test]
fn lock_many_takes_locks_by_ascending_address() {
    let accounts = accounts(3);
    let mut by_address: Vec<&Mutex<Account>> = accounts.iter().collect();
    by_address.sort_by_key(|account| std::ptr::from_ref(*account));
    let (lowest, middle, highest) = (by_address[0], by_address[1], by_address[2]);

    std::thread::scope(|scope| {
        let held = held_elsewhere(scope, middle);
        let mut token = LockToken::new();
        let mut many = pin!(token.lock_many([highest, middle, lowest]));
        assert!(poll_once(many.as_mut()).is_pending());
        assert!(!is_free(lowest), "the lowest address is taken first");
        assert!(is_free(highest), "the highest address waits for the middle one");
        held.release();
        let Poll::Ready((guards, _token)) = poll_once(many.as_mut()) else {
            panic!("every lock is free now");
        };
        assert_eq!(guards.len(), 3);
    });
}

#[test]
fn lock_many_of_one_lock_twice_panics_before_taking_anything() {
    let accounts = accounts(3);
    let panic = catch_unwind(AssertUnwindSafe(|| {
        let mut token = LockToken::new();
        let _never = token.lock_many([&accounts[0], &accounts[2], &accounts[1], &accounts[2]]);
    }))
    .unwrap_err();
    assert_eq!(
        panic.downcast_ref::<String>().unwrap(),
        "`lock_many` was given the same lock twice (`Account`, level 20, at positions 1 and 3): \
         a lock can be taken only once per call, or the task would wait for itself; pass each \
         lock once"
    );
    assert!(accounts.iter().all(is_free));
}

#[test]
#[should_panic(expected = "`try_lock_many` was given the same lock twice (`Account`, level 20")]
fn try_lock_many_of_one_lock_twice_panics() {
    let accounts = accounts(1);
    let mut token = LockToken::new();
    let _never = token.try_lock_many([&accounts[0], &accounts[0]]);
}

#[test]
fn try_lock_many_takes_all_when_all_are_free() {
    let accounts = accounts(3);
    let mut token = LockToken::new();
    let (mut guards, _token) = token.try_lock_many([&accounts[2], &accounts[1]]).unwrap();
    guards[0].balance += 10;
    drop(guards);
    assert_eq!(accounts[2].try_lock(&mut token).unwrap().0.balance, 12);
}

#[test]
fn try_lock_many_takes_none_when_one_is_held() {
    let accounts = accounts(4);
    // Held: whatever the address order, some of the others are tried first.
    std::thread::scope(|scope| {
        let held = held_elsewhere(scope, &accounts[2]);
        let mut token = LockToken::new();
        let error = token.try_lock_many(&accounts).unwrap_err();
        assert_eq!(
            error.to_string(),
            "`Account` (lock level 20) is held elsewhere; `try_lock_many` does not wait for it"
        );
        assert!([0, 1, 3].into_iter().all(|index| is_free(&accounts[index])));
        held.release();
        assert!(token.try_lock_many(&accounts).is_ok());
    });
}

#[test]
fn lock_many_shares_read_locks_with_other_readers() {
    let shards: Vec<RwLock<Account>> =
        (0..3).map(|balance| RwLock::new(Account { balance })).collect();
    std::thread::scope(|scope| {
        let reader = hold_elsewhere(scope, |wait| {
            let mut elsewhere = LockToken::new();
            let _shared = shards[1].try_read(&mut elsewhere).unwrap();
            wait();
        });
        block_on(async {
            let mut token = LockToken::new();
            let (guards, _token) = token.lock_many(shards.iter().map(Read)).await;
            assert_eq!(guards.iter().map(|shard| shard.balance).sum::<u64>(), 3);
        });
        reader.release();
    });
}

#[test]
fn lock_many_takes_blocking_locks() {
    let accounts: Vec<sync::Mutex<Account>> =
        (0..3).map(|balance| sync::Mutex::new(Account { balance })).collect();
    block_on(async {
        let mut token = LockToken::new();
        let (mut guards, _token) = token.lock_many(accounts.iter().rev()).await;
        guards[0].balance -= 2;
        guards[2].balance += 2;
    });
    let balances: Vec<u64> = accounts.into_iter().map(|a| a.into_inner().balance).collect();
    assert_eq!(balances, [2, 1, 0]);
}

#[test]
fn lock_group_takes_its_locks_again_and_again_in_the_given_order() {
    let accounts = accounts(4);
    let mut group = LockGroup::new([&accounts[3], &accounts[0], &accounts[2]]);
    assert_eq!(group.len(), 3);
    block_on(async {
        let mut token = LockToken::new();
        for round in 0..3 {
            let (mut held, _token) = group.lock(&mut token).await;
            let balances: Vec<u64> = held.iter().map(|account| account.balance).collect();
            assert_eq!(balances, [3 + round, 0, 2]);
            held[0].balance += 1;
            assert!(!is_free(&accounts[3]) && is_free(&accounts[1]));
        }
    });
    assert!(accounts.iter().all(is_free), "every take released its locks");
}

#[test]
fn lock_group_takes_locks_by_ascending_address() {
    let accounts = accounts(3);
    let mut by_address: Vec<&Mutex<Account>> = accounts.iter().collect();
    by_address.sort_by_key(|account| std::ptr::from_ref(*account));
    let (lowest, middle, highest) = (by_address[0], by_address[1], by_address[2]);
    let mut group = LockGroup::new([highest, middle, lowest]);
    std::thread::scope(|scope| {
        let held = held_elsewhere(scope, middle);
        let mut token = LockToken::new();
        let mut take = pin!(group.lock(&mut token));
        assert!(poll_once(take.as_mut()).is_pending());
        assert!(!is_free(lowest), "the lowest address is taken first");
        assert!(is_free(highest), "the highest address waits for the middle one");
        held.release();
        let Poll::Ready((held, _token)) = poll_once(take.as_mut()) else {
            panic!("every lock is free now");
        };
        assert_eq!(held.len(), 3);
    });
}

#[test]
fn dropping_a_lock_group_future_releases_what_it_took() {
    let accounts = accounts(2);
    let mut group = LockGroup::new(&accounts);
    std::thread::scope(|scope| {
        // Whichever address is lower, holding both elsewhere and releasing the
        // lower one leaves the take holding one lock and waiting for the other.
        let (lower, higher) = if std::ptr::from_ref(&accounts[0]) < std::ptr::from_ref(&accounts[1])
        {
            (&accounts[0], &accounts[1])
        } else {
            (&accounts[1], &accounts[0])
        };
        let held = held_elsewhere(scope, higher);
        let mut token = LockToken::new();
        let mut take = Box::pin(group.lock(&mut token));
        assert!(poll_once(take.as_mut()).is_pending());
        assert!(!is_free(lower), "taken while waiting for the other");
        drop(take);
        assert!(is_free(lower), "released by the drop");
        held.release();
    });
    let mut token = LockToken::new();
    assert!(group.try_lock(&mut token).is_ok());
}

#[test]
fn lock_group_try_lock_takes_none_when_one_is_held() {
    let accounts = accounts(4);
    let mut group = LockGroup::new(&accounts);
    std::thread::scope(|scope| {
        let held = held_elsewhere(scope, &accounts[2]);
        let mut token = LockToken::new();
        let error = group.try_lock(&mut token).unwrap_err();
        assert_eq!(
            error.to_string(),
            "`Account` (lock level 20) is held elsewhere; `try_lock` does not wait for it"
        );
        assert!([0, 1, 3].into_iter().all(|index| is_free(&accounts[index])));
        held.release();
        assert!(group.try_lock(&mut token).is_ok());
    });
}

#[test]
fn a_forgotten_take_of_a_lock_group_is_released_by_the_next_take() {
    let accounts: Vec<sync::Mutex<Account>> =
        (0..2).map(|balance| sync::Mutex::new(Account { balance })).collect();
    let mut group = LockGroup::new(&accounts);
    let mut token = LockToken::new();
    let (held, _token) = group.lock_blocking(&mut token);
    std::mem::forget(held);
    // The forgotten guards are still in the group: its next take releases them
    // first instead of waiting for itself.
    let (mut held, _token) = group.lock_blocking(&mut token);
    held[1].balance += 1;
    drop(held);
    assert_eq!(accounts[1].try_lock(&mut token).unwrap().0.balance, 2);
}

#[test]
#[should_panic(expected = "`LockGroup::new` was given the same lock twice (`Account`, level 20, \
                           at positions 0 and 2)")]
fn lock_group_of_one_lock_twice_panics() {
    let accounts = accounts(2);
    let _never = LockGroup::new([&accounts[0], &accounts[1], &accounts[0]]);
}

/// Threads each with their own groups over overlapping accounts, given in
/// different orders, and async tasks with `lock_many` over the same accounts:
/// no deadlock, and every count is exact.
#[test]
fn lock_groups_and_lock_many_over_shared_accounts_count_exactly() {
    const THREADS: usize = 4;
    const ROUNDS: u64 = 2_000;
    let accounts: Vec<sync::Mutex<Account>> =
        (0..3).map(|_| sync::Mutex::new(Account { balance: 0 })).collect();
    std::thread::scope(|scope| {
        for thread in 0..THREADS {
            let accounts = &accounts;
            scope.spawn(move || {
                let mut forward = LockGroup::new([&accounts[0], &accounts[1], &accounts[2]]);
                let mut backward = LockGroup::new([&accounts[2], &accounts[0]]);
                for round in 0..ROUNDS {
                    let mut token = LockToken::new();
                    let group = if (round + thread as u64).is_multiple_of(2) {
                        &mut forward
                    } else {
                        &mut backward
                    };
                    let (mut held, _token) = group.lock_blocking(&mut token);
                    for account in held.iter_mut() {
                        let before = account.balance;
                        std::thread::yield_now();
                        account.balance = before + 1;
                    }
                }
            });
        }
        let accounts = &accounts;
        scope.spawn(move || {
            block_on(async {
                for _ in 0..ROUNDS {
                    let mut token = LockToken::new();
                    let (mut held, _token) = token.lock_many([&accounts[1], &accounts[0]]).await;
                    held[0].balance += 1;
                    held[1].balance += 1;
                }
            })
        });
    });
    let total: u64 = accounts.into_iter().map(|account| account.into_inner().balance).sum();
    // Each thread: half its rounds take three accounts, half take two.
    let per_thread = ROUNDS / 2 * 3 + ROUNDS / 2 * 2;
    assert_eq!(total, THREADS as u64 * per_thread + 2 * ROUNDS);
}

/// A group of async locks, and its future, move with a spawned task.
#[test]
fn a_lock_group_of_async_locks_is_taken_in_a_spawned_task() {
    let accounts: std::sync::Arc<Vec<Mutex<Account>>> = std::sync::Arc::new(accounts(3));
    let runtime = set_support::multi_thread_runtime();
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let accounts = accounts.clone();
            runtime.spawn(async move {
                let mut group = LockGroup::new(accounts.iter().rev());
                for _ in 0..100 {
                    let mut token = LockToken::new();
                    let (mut held, _token) = group.lock(&mut token).await;
                    tokio::task::yield_now().await; // held across an await
                    for account in held.iter_mut() {
                        account.balance += 1;
                    }
                }
            })
        })
        .collect();
    runtime.block_on(set_support::watchdog(std::time::Duration::from_secs(60), async {
        for task in tasks {
            task.await.unwrap();
        }
    }));
    let balances: Vec<u64> =
        accounts.iter().map(|a| a.try_lock(&mut LockToken::new()).unwrap().0.balance).collect();
    assert_eq!(balances, [400, 401, 402]);
}
