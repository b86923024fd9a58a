//! `token.lock_all_blocking(..)` and `token.lock_many_blocking(..)`: the
//! multi-lock helpers for plain threads over `lockladder::sync` locks.
//!
//! Every thread is its own task with its own root token, as the `lockdep`
//! safety net sees it.

mod set_support;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Barrier;
use std::thread;
use std::time::Duration;

use lockladder::{LockToken, Read, Write, lock_level, sync};
use set_support::{Rng, elsewhere, env_or, hold_elsewhere, multi_thread_runtime, watchdog};

#[lock_level(10)]
#[derive(Debug, Default)]
struct Registry {
    reads: u64,
    writes: u64,
}

#[lock_level(20)]
#[derive(Debug, Default)]
struct Account {
    balance: u64,
    touched: u64,
}

#[lock_level(30)]
#[derive(Debug, Default)]
struct Ledger {
    entries: u64,
}

const THREADS: usize = 6;

/// Free right now, as another thread sees it.
fn is_free(account: &sync::Mutex<Account>) -> bool {
    elsewhere(|| account.try_lock(&mut LockToken::new()).is_ok())
}

#[test]
fn lock_all_blocking_returns_guards_in_argument_order_and_holds_them_all() {
    let registry = sync::RwLock::new(Registry::default());
    let account = sync::Mutex::new(Account::default());
    let ledger = sync::Mutex::new(Ledger::default());
    let mut token = LockToken::new();
    let ((mut ledger_guard, mut account_guard, registry_guard), _token) =
        token.lock_all_blocking((&ledger, &account, Read(&registry)));
    ledger_guard.entries = 1;
    account_guard.balance = 2;
    assert_eq!(registry_guard.reads, 0);
    assert!(!is_free(&account));
    drop((ledger_guard, account_guard, registry_guard));
    assert!(is_free(&account));
    assert_eq!(ledger.into_inner().entries, 1);
    assert_eq!(account.into_inner().balance, 2);
}

#[test]
fn lock_all_blocking_of_one_lock_twice_panics_before_taking_anything() {
    let (a, b) = (sync::Mutex::new(Account::default()), sync::Mutex::new(Account::default()));
    let mut token = LockToken::new();
    let panic = catch_unwind(AssertUnwindSafe(|| {
        let _never = token.lock_all_blocking((&a, &b, &a));
    }))
    .unwrap_err();
    let message = panic.downcast_ref::<String>().unwrap();
    assert!(
        message
            .starts_with("`lock_all_blocking` was given the same lock twice (`Account`, level 20"),
        "{message}"
    );
    assert!(is_free(&a) && is_free(&b), "nothing was taken");
}

#[test]
fn lock_all_blocking_of_read_and_write_of_one_rwlock_panics() {
    let registry = sync::RwLock::new(Registry::default());
    let mut token = LockToken::new();
    let panic = catch_unwind(AssertUnwindSafe(|| {
        let _never = token.lock_all_blocking((Read(&registry), Write(&registry)));
    }));
    assert!(panic.is_err());
    assert!(registry.try_write(&mut LockToken::new()).is_ok(), "nothing was taken");
}

#[test]
fn lock_many_blocking_of_one_lock_twice_panics_before_taking_anything() {
    let accounts: Vec<sync::Mutex<Account>> = (0..3).map(|_| sync::Mutex::default()).collect();
    let mut token = LockToken::new();
    let panic = catch_unwind(AssertUnwindSafe(|| {
        let _never = token.lock_many_blocking([&accounts[0], &accounts[2], &accounts[0]]);
    }))
    .unwrap_err();
    let message = panic.downcast_ref::<String>().unwrap();
    assert!(
        message.starts_with(
            "`lock_many_blocking` was given the same lock twice (`Account`, level 20, at \
             positions 0 and 2)"
        ),
        "{message}"
    );
    assert!(accounts.iter().all(is_free), "nothing was taken");
}

#[test]
fn lock_many_blocking_returns_guards_in_the_callers_order() {
    let accounts: Vec<sync::Mutex<Account>> =
        (0..4).map(|i| sync::Mutex::new(Account { balance: i, touched: 0 })).collect();
    let mut token = LockToken::new();
    let (guards, _token) = token.lock_many_blocking([&accounts[3], &accounts[0], &accounts[2]]);
    let balances: Vec<u64> = guards.iter().map(|guard| guard.balance).collect();
    assert_eq!(balances, [3, 0, 2]);
    assert!(!is_free(&accounts[3]) && is_free(&accounts[1]));
}

#[test]
fn lock_all_blocking_waits_for_a_lock_held_elsewhere() {
    let account = sync::Mutex::new(Account::default());
    let ledger = sync::Mutex::new(Ledger::default());
    thread::scope(|scope| {
        let held = hold_elsewhere(scope, |wait| {
            let mut elsewhere = LockToken::new();
            let (mut held, _elsewhere) = ledger.lock(&mut elsewhere);
            wait();
            held.entries = 7;
        });
        let waiter = scope.spawn(|| {
            let mut token = LockToken::new();
            let ((ledger, _account), _token) = token.lock_all_blocking((&ledger, &account));
            ledger.entries
        });
        held.release();
        assert_eq!(waiter.join().unwrap(), 7, "took the lock after the holder's write");
    });
}

/// Random sets of three levels, in random argument orders, from plain threads
/// with `lock_all_blocking` and `lock_many_blocking`, and from async tasks
/// with `lock_all` and `lock_many` over the same locks: every count is exact
/// and nothing deadlocks.
#[test]
fn blocking_and_async_multi_locks_over_shared_sync_locks_count_exactly() {
    let rounds = env_or("LOCKLADDER_STRESS_ROUNDS", 400);
    // Leaked: the async tasks are `'static`.
    let registry: &'static sync::RwLock<Registry> = Box::leak(Box::default());
    let accounts: &'static [sync::Mutex<Account>] =
        Box::leak((0..4).map(|_| sync::Mutex::default()).collect());
    let ledger: &'static sync::Mutex<Ledger> = Box::leak(Box::default());
    let start = Barrier::new(THREADS + 1);
    let start = &start;

    thread::scope(|scope| {
        for seed in 0..THREADS as u64 {
            scope.spawn(move || {
                let mut rng = Rng::new(seed);
                start.wait();
                for _ in 0..rounds {
                    let mut token = LockToken::new();
                    let [from, to] = rng.distinct(accounts.len(), 2)[..] else { unreachable!() };
                    if rng.below(2) == 0 {
                        let ((mut ledger, mut from, mut registry, mut to), _token) = token
                            .lock_all_blocking((
                                ledger,
                                &accounts[from],
                                Write(registry),
                                &accounts[to],
                            ));
                        registry.writes += 1;
                        transfer(&mut from, &mut to);
                        ledger.entries += 1;
                    } else {
                        let (mut pair, _token) =
                            token.lock_many_blocking([&accounts[to], &accounts[from]]);
                        let [to, from] = &mut pair[..] else { unreachable!() };
                        transfer(from, to);
                    }
                }
            });
        }
        // The async side: tasks on a multi-thread runtime, waiting (asleep)
        // for the same blocking locks while the threads hold them. Local
        // tasks: their guards are not `Send`. Each task is its own task to
        // `lockdep`, with its own root token.
        let runtime = multi_thread_runtime();
        start.wait();
        let tasks = tokio::task::LocalSet::new();
        for seed in 0..4u64 {
            tasks.spawn_local(async move {
                let mut rng = Rng::new(100 + seed);
                for _ in 0..rounds {
                    let mut token = LockToken::new();
                    let [from, to] = rng.distinct(accounts.len(), 2)[..] else { unreachable!() };
                    if rng.below(2) == 0 {
                        let ((registry, mut to, mut from, mut ledger), _token) = token
                            .lock_all((Read(registry), &accounts[to], &accounts[from], ledger))
                            .await;
                        assert_eq!(registry.reads, 0);
                        transfer(&mut from, &mut to);
                        ledger.entries += 1;
                    } else {
                        let (mut pair, _token) =
                            token.lock_many([&accounts[from], &accounts[to]]).await;
                        let [from, to] = &mut pair[..] else { unreachable!() };
                        transfer(from, to);
                    }
                    tokio::task::yield_now().await;
                }
            });
        }
        runtime.block_on(watchdog(Duration::from_secs(120), tasks));
    });

    let touched: u64 = accounts.iter().map(|a| a.lock(&mut LockToken::new()).0.touched).sum();
    let balance: u64 = accounts.iter().map(|a| a.lock(&mut LockToken::new()).0.balance).sum();
    let total_rounds = (THREADS as u64 + 4) * rounds as u64;
    assert_eq!(touched, 2 * total_rounds, "every transfer touched two accounts, once each");
    assert_eq!(balance, total_rounds, "every transfer added one, none was lost");
    let writes = registry.read(&mut LockToken::new()).0.writes;
    let entries = ledger.lock(&mut LockToken::new()).0.entries;
    assert!(writes <= THREADS as u64 * rounds as u64);
    assert!(entries >= writes, "every blocking `lock_all` wrote a ledger entry");
}

/// Moves nothing but counts: a read-modify-write with a yield in between, so a
/// lock that did not exclude would lose updates.
fn transfer(from: &mut Account, to: &mut Account) {
    let (before_from, before_to) = (from.touched, to.balance);
    thread::yield_now();
    from.touched = before_from + 1;
    to.touched += 1;
    to.balance = before_to + 1;
}
