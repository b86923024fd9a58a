//! The uncontended path of `lock_all` does not allocate: the acquisition order
//! is a constant (distinct levels) or sorted on the stack (equal levels), and a
//! wait is boxed only when a lock is not free at once.
//!
//! An async lock allocates once, the first time it is released (async-lock
//! sets up its wait list lazily), whoever takes it: each case runs twice and
//! the second run is measured. With `lockdep` too: its bookkeeping allocates
//! only the first time a call site is seen (its record) or a shard grows.

use std::pin::pin;
use std::task::{Context, Poll, Waker};

use lockladder::{LockToken, Mutex, Read, RwLock, Write, lock_level, sync};

/// Allocations made by the current thread while `work` runs.
fn allocations_during(work: impl FnOnce()) -> u64 {
    allocation_counter::measure(work).count_total
}

fn poll_once<F: Future>(future: std::pin::Pin<&mut F>) -> Poll<F::Output> {
    future.poll(&mut Context::from_waker(Waker::noop()))
}

#[lock_level(10)]
struct Registry(u64);

#[lock_level(20)]
struct Account(u64);

#[lock_level(30)]
struct Ledger(u64);

#[test]
fn the_counter_sees_allocations() {
    assert_eq!(allocations_during(|| drop(std::hint::black_box(Box::new(1u64)))), 1);
}

#[test]
fn uncontended_lock_all_does_not_allocate() {
    let registry = RwLock::new(Registry(1));
    let accounts = [Mutex::new(Account(2)), Mutex::new(Account(3))];
    let ledger = sync::Mutex::new(Ledger(4));

    let distinct = || {
        let mut token = LockToken::new();
        let mut all = pin!(token.lock_all((&ledger, Read(&registry), &accounts[0])));
        let Poll::Ready(((ledger, registry, account), _token)) = poll_once(all.as_mut()) else {
            panic!("every lock is free");
        };
        assert_eq!(ledger.0 + registry.0 + account.0, 7);
    };
    distinct();
    assert_eq!(allocations_during(distinct), 0, "distinct levels");

    let with_ties = || {
        let mut token = LockToken::new();
        let mut all = pin!(token.lock_all((&accounts[1], Write(&registry), &accounts[0], &ledger)));
        let Poll::Ready(((second, _registry, first, _ledger), _token)) = poll_once(all.as_mut())
        else {
            panic!("every lock is free");
        };
        assert_eq!(first.0 + second.0, 5);
    };
    with_ties();
    assert_eq!(allocations_during(with_ties), 0, "equal levels");
}
