//! `token.lock_all(..)`: order, guards, tokens, duplicates, blocking members.
//!
//! Locks "held elsewhere" are held, and tried, on other threads: to the
//! `lockdep` safety net each thread is its own task with its own root token.

mod set_support;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use lockladder::{LockToken, Mutex, Read, RwLock, Write, lock_level, sync};
use set_support::{elsewhere, hold_elsewhere};

#[lock_level(10)]
#[derive(Debug)]
struct Registry {
    accounts: Vec<u64>,
}

#[lock_level(20)]
#[derive(Debug)]
struct Account {
    balance: u64,
}

#[lock_level(30)]
#[derive(Debug)]
struct Ledger {
    entries: Vec<&'static str>,
}

fn block_on<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(future)
}

/// Polls once with a waker that does nothing.
fn poll_once<F: Future>(future: std::pin::Pin<&mut F>) -> Poll<F::Output> {
    future.poll(&mut Context::from_waker(Waker::noop()))
}

/// Free right now, as another task sees it.
fn is_free<T: Send, L: lockladder::Level>(lock: &Mutex<T, L>) -> bool
where
    lockladder::Unlocked: lockladder::LockBefore<L>,
{
    elsewhere(|| lock.try_lock(&mut LockToken::new()).is_ok())
}

#[test]
fn lock_all_returns_guards_in_argument_order() {
    let registry = RwLock::new(Registry { accounts: vec![1, 2] });
    let account = Mutex::new(Account { balance: 5 });
    let ledger = Mutex::new(Ledger { entries: vec![] });
    block_on(async {
        let mut token = LockToken::new();
        let ((mut ledger, account, registry), _token) =
            token.lock_all((&ledger, &account, Read(&registry))).await;
        ledger.entries.push("read");
        assert_eq!(account.balance, 5);
        assert_eq!(registry.accounts, [1, 2]);
    });
    assert_eq!(ledger.into_inner().entries, ["read"]);
}

#[test]
fn lock_all_token_is_at_the_highest_level() {
    fn at_ledger(_: &LockToken<'_, Ledger>) {}
    let registry = RwLock::new(Registry { accounts: vec![] });
    let account = Mutex::new(Account { balance: 0 });
    let ledger = Mutex::new(Ledger { entries: vec![] });
    block_on(async {
        let mut token = LockToken::new();
        let (_guards, token) = token.lock_all((&ledger, Write(&registry), &account)).await;
        at_ledger(&token);
    });
}

#[test]
fn lock_all_takes_levels_in_ascending_order_whatever_the_argument_order() {
    let registry = Mutex::new(Registry { accounts: vec![] });
    let account = Mutex::new(Account { balance: 0 });
    let ledger = Mutex::new(Ledger { entries: vec![] });
    // Hold the middle level elsewhere: the lower one must already be taken
    // (ascending order) and the higher one not yet.
    std::thread::scope(|scope| {
        let held = hold_elsewhere(scope, |wait| {
            let mut elsewhere = LockToken::new();
            let _held = account.try_lock(&mut elsewhere).unwrap();
            wait();
        });
        let mut token = LockToken::new();
        let mut all = pin!(token.lock_all((&ledger, &account, &registry)));
        assert!(poll_once(all.as_mut()).is_pending());
        assert!(!is_free(&registry), "the lowest level is taken first");
        assert!(is_free(&ledger), "the highest level waits for the middle one");

        held.release();
        let Poll::Ready(((ledger_guard, account_guard, registry_guard), _token)) =
            poll_once(all.as_mut())
        else {
            panic!("every lock is free now");
        };
        drop((ledger_guard, account_guard, registry_guard));
    });
    assert!(is_free(&registry) && is_free(&account) && is_free(&ledger));
}

#[test]
fn lock_all_takes_equal_levels_by_address_whatever_the_argument_order() {
    let accounts = [Mutex::new(Account { balance: 0 }), Mutex::new(Account { balance: 0 })];
    let (low, high) = if (&raw const accounts[0]) < (&raw const accounts[1]) {
        (&accounts[0], &accounts[1])
    } else {
        (&accounts[1], &accounts[0])
    };
    for high_first in [true, false] {
        std::thread::scope(|scope| {
            let held = hold_elsewhere(scope, |wait| {
                let mut elsewhere = LockToken::new();
                let _held = high.try_lock(&mut elsewhere).unwrap();
                wait();
            });
            let mut token = LockToken::new();
            let mut all = if high_first {
                Box::pin(token.lock_all((high, low)))
            } else {
                Box::pin(token.lock_all((low, high)))
            };
            assert!(poll_once(all.as_mut()).is_pending());
            assert!(!is_free(low), "the lower address is taken first");
            drop(all);
            held.release();
        });
        assert!(is_free(low) && is_free(high));
    }
}

#[test]
fn lock_all_of_one_lock_twice_panics_before_taking_anything() {
    let registry = Mutex::new(Registry { accounts: vec![] });
    let account = Mutex::new(Account { balance: 0 });
    let panic = catch_unwind(AssertUnwindSafe(|| {
        let mut token = LockToken::new();
        let _never = token.lock_all((&registry, &account, &account));
    }))
    .unwrap_err();
    let message = panic.downcast_ref::<String>().unwrap();
    assert_eq!(
        message,
        "`lock_all` was given the same lock twice (`Account`, level 20, at positions 1 and 2): \
         a lock can be taken only once per call, or the task would wait for itself; pass each \
         lock once"
    );
    assert!(is_free(&registry) && is_free(&account));
}

#[test]
#[should_panic(expected = "`lock_all` was given the same lock twice (`Registry`, level 10")]
fn lock_all_of_read_and_write_of_one_rwlock_panics() {
    let registry = RwLock::new(Registry { accounts: vec![] });
    let mut token = LockToken::new();
    let _never = token.lock_all((Read(&registry), Write(&registry)));
}

#[test]
fn lock_all_mixes_blocking_and_async_locks() {
    let registry = sync::RwLock::new(Registry { accounts: vec![3] });
    let account = Mutex::new(Account { balance: 0 });
    let ledger = sync::Mutex::new(Ledger { entries: vec![] });
    block_on(async {
        let mut token = LockToken::new();
        let ((mut ledger, mut account, registry), _token) =
            token.lock_all((&ledger, &account, Read(&registry))).await;
        account.balance += registry.accounts[0];
        ledger.entries.push("paid");
    });
    assert_eq!(account.into_inner().balance, 3);
    assert_eq!(ledger.into_inner().entries, ["paid"]);
}

#[test]
fn lock_all_waits_for_a_blocking_lock_held_elsewhere_without_blocking_the_thread() {
    let account = Mutex::new(Account { balance: 0 });
    let ledger = sync::Mutex::new(Ledger { entries: vec![] });
    std::thread::scope(|scope| {
        let held = hold_elsewhere(scope, |wait| {
            let mut elsewhere = LockToken::new();
            let (mut held, _elsewhere) = ledger.lock(&mut elsewhere);
            wait();
            held.entries.push("first");
        });
        let mut token = LockToken::new();
        let mut all = pin!(token.lock_all((&ledger, &account)));
        // Held elsewhere: each poll returns at once instead of blocking.
        assert!(poll_once(all.as_mut()).is_pending());
        assert!(poll_once(all.as_mut()).is_pending());
        held.release();
        let Poll::Ready(((ledger_guard, _account), _token)) = poll_once(all.as_mut()) else {
            panic!("the blocking lock is free now");
        };
        assert_eq!(ledger_guard.entries, ["first"]);
    });
}
