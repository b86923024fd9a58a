//! The uncontended path of `lock_all` does not allocate (nor `lock_many` of up
//! to eight locks, nor a `LockGroup` after its first take): the acquisition order
//! is a constant (distinct levels) or sorted on the stack (equal levels), and a
//! wait is boxed only when a lock is not free at once.
//!
//! An async lock allocates once, the first time it is released (async-lock
//! sets up its wait list lazily), whoever takes it: each case runs twice and
//! the second run is measured. With `lockdep` too: its bookkeeping allocates
//! only the first time a call site is seen (its record) or a shard grows.

use std::pin::pin;
use std::task::{Context, Poll, Waker};

use lockladder::{LockGroup, LockToken, Mutex, Read, RwLock, Write, lock_level, sync};

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

/// `lock_many_blocking` and `try_lock_many` do not allocate for up to eight
/// locks: they are ordered on the stack and their guards come back inline in
/// `ManyGuards`. (They allocated once, the buffer of the guards; five times
/// before that.) Nine locks spill onto the heap: the locks to order, the
/// guards, (blocking) the permutation back to the caller's order, and with
/// `lockdep` the begun acquisitions. The async `lock_many` allocates once (its
/// future keeps its locks on the heap, to stay small): the buffer in which the
/// locks are ordered is the one their guards come back in.
#[test]
fn uncontended_lock_many_allocates_nothing_up_to_eight() {
    // With `lockdep`'s bookkeeping in the guards, the buffer of the async
    // `lock_many` is shrunk to fit them, one `realloc` more.
    const ASYNC: u64 = if cfg!(feature = "lockdep") { 2 } else { 1 };
    let accounts: Vec<Mutex<Account>> = (0..9).map(|i| Mutex::new(Account(i))).collect();
    let blocking: Vec<sync::Mutex<Account>> =
        (0..9).map(|i| sync::Mutex::new(Account(i))).collect();
    let spilled = if cfg!(feature = "lockdep") { 4 } else { 3 };
    for (count, most) in [(1, 0), (2, 0), (8, 0), (9, spilled)] {
        let take = || {
            let mut token = LockToken::new();
            let mut many = pin!(token.lock_many(accounts[..count].iter().rev()));
            let Poll::Ready((guards, _token)) = poll_once(many.as_mut()) else {
                panic!("every lock is free");
            };
            assert_eq!(guards.len(), count);
        };
        take();
        assert!(allocations_during(take) <= ASYNC, "lock_many of {count}");

        let take_blocking = || {
            let mut token = LockToken::new();
            let (guards, _token) = token.lock_many_blocking(blocking[..count].iter().rev());
            assert_eq!(guards.len(), count);
        };
        take_blocking();
        assert!(allocations_during(take_blocking) <= most, "lock_many_blocking of {count}");

        let try_take = || {
            let mut token = LockToken::new();
            let (guards, _token) = token.try_lock_many(&blocking[..count]).expect("all free");
            assert_eq!(guards.len(), count);
        };
        try_take();
        assert!(allocations_during(try_take) <= most, "try_lock_many of {count}");
    }
}

/// A `LockGroup` is ordered once; each take after the first allocates nothing.
#[test]
fn taking_a_lock_group_again_does_not_allocate() {
    let accounts: Vec<Mutex<Account>> = (0..8).map(|i| Mutex::new(Account(i))).collect();
    let blocking: Vec<sync::Mutex<Account>> =
        (0..8).map(|i| sync::Mutex::new(Account(i))).collect();
    let mut group = LockGroup::new(accounts.iter().rev());
    let mut blocking_group = LockGroup::new(blocking.iter().rev());
    let mut take = || {
        let mut token = LockToken::new();
        let mut future = pin!(group.lock(&mut token));
        let Poll::Ready((guards, _token)) = poll_once(future.as_mut()) else {
            panic!("every lock is free");
        };
        assert_eq!(guards[0].0, 7);
    };
    take();
    assert_eq!(allocations_during(&mut take), 0, "async");
    let mut take_blocking = || {
        let mut token = LockToken::new();
        let (guards, _token) = blocking_group.lock_blocking(&mut token);
        assert_eq!(guards[7].0, 0);
        drop(guards);
        let (guards, _token) = blocking_group.try_lock(&mut token).expect("all free");
        assert_eq!(guards.len(), 8);
    };
    take_blocking();
    assert_eq!(allocations_during(&mut take_blocking), 0, "blocking");
}
