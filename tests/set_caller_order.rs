//! Every same-level set path hands its guards back in the caller's order,
//! whatever that order is: ascending addresses (taken as given), descending
//! (reversed once taken), any other (sorted, then moved back), at every size
//! from none to past the eight kept inline; and a lock given twice is caught
//! in each of those orders.
//!
//! Each lock guards its own index, so a guard in the wrong place is seen; every
//! lock is checked held (from another thread) while the guards live and free
//! after.

mod set_support;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use lockladder::{LockGroup, LockToken, Mutex, TryLockManyError, lock_level, sync};
use set_support::{Rng, elsewhere};

#[lock_level(20)]
#[derive(Debug)]
struct Slot {
    index: usize,
}

/// Up to this many locks: eight are kept inline, more spill to the heap.
const MOST: usize = 12;

/// The orders tried for `len` locks, as indices into a `Vec` (whose elements
/// lie at ascending addresses): ascending, descending, and shuffled ones.
fn orders(len: usize) -> Vec<Vec<usize>> {
    let ascending: Vec<usize> = (0..len).collect();
    let descending: Vec<usize> = (0..len).rev().collect();
    let mut orders = vec![ascending.clone(), descending];
    // A rotation: ascending but for the first, neither monotone order.
    if len > 2 {
        let mut rotated = ascending.clone();
        rotated.rotate_left(1);
        orders.push(rotated);
        // Descending but for one pair.
        let mut almost: Vec<usize> = (0..len).rev().collect();
        almost.swap(0, 1);
        orders.push(almost);
    }
    let mut rng = Rng::new(len as u64);
    for _ in 0..4 {
        orders.push(rng.distinct(len, len));
    }
    orders
}

fn poll_once<F: Future>(future: std::pin::Pin<&mut F>) -> Poll<F::Output> {
    future.poll(&mut Context::from_waker(Waker::noop()))
}

fn blocking_locks(len: usize) -> Vec<sync::Mutex<Slot>> {
    (0..len).map(|index| sync::Mutex::new(Slot { index })).collect()
}

fn async_locks(len: usize) -> Vec<Mutex<Slot>> {
    (0..len).map(|index| Mutex::new(Slot { index })).collect()
}

/// How many of `locks` another thread finds free right now.
fn free_blocking(locks: &[sync::Mutex<Slot>]) -> usize {
    elsewhere(|| {
        let mut token = LockToken::new();
        locks.iter().filter(|lock| lock.try_lock(&mut token).is_ok()).count()
    })
}

fn free_async(locks: &[Mutex<Slot>]) -> usize {
    elsewhere(|| {
        let mut token = LockToken::new();
        locks.iter().filter(|lock| lock.try_lock(&mut token).is_ok()).count()
    })
}

/// The indices the guards hold, in the guards' order.
fn indices<'g, G: std::ops::Deref<Target = Slot> + 'g>(
    guards: impl IntoIterator<Item = &'g G>,
) -> Vec<usize> {
    guards.into_iter().map(|guard| guard.index).collect()
}

#[test]
fn blocking_one_off_sets_hand_guards_back_in_any_callers_order() {
    for len in 0..=MOST {
        let locks = blocking_locks(len);
        for order in orders(len) {
            let given = || order.iter().map(|&i| &locks[i]);
            let mut token = LockToken::new();
            {
                let (guards, _token) = token.lock_many_blocking(given());
                assert_eq!(indices(&guards), order, "lock_many_blocking of {order:?}");
                assert_eq!(free_blocking(&locks), 0, "all held: {order:?}");
            }
            assert_eq!(free_blocking(&locks), len, "all released: {order:?}");
            {
                let (guards, _token) = token.lock_many_blocking_checked(given()).unwrap();
                assert_eq!(indices(&guards), order, "lock_many_blocking_checked of {order:?}");
            }
            {
                let (guards, _token) = token.try_lock_many(given()).unwrap();
                assert_eq!(indices(&guards), order, "try_lock_many of {order:?}");
                assert_eq!(free_blocking(&locks), 0, "all held: {order:?}");
            }
            {
                let (guards, _token) = token.try_lock_many_checked(given()).unwrap();
                assert_eq!(indices(&guards), order, "try_lock_many_checked of {order:?}");
                // Walked one by one, too.
                let walked: Vec<usize> = guards.into_iter().map(|guard| guard.index).collect();
                assert_eq!(walked, order);
            }
            assert_eq!(free_blocking(&locks), len, "all released: {order:?}");
        }
    }
}

#[test]
fn async_one_off_sets_hand_guards_back_in_any_callers_order() {
    for len in 0..=MOST {
        let locks = async_locks(len);
        let blocking = blocking_locks(len);
        for order in orders(len) {
            let mut token = LockToken::new();
            {
                let mut many = pin!(token.lock_many(order.iter().map(|&i| &locks[i])));
                let Poll::Ready((guards, _token)) = poll_once(many.as_mut()) else {
                    panic!("every lock is free");
                };
                assert_eq!(indices(&guards), order, "lock_many of {order:?}");
                assert_eq!(free_async(&locks), 0, "all held: {order:?}");
            }
            assert_eq!(free_async(&locks), len, "all released: {order:?}");
            {
                let mut many =
                    pin!(token.lock_many_checked(order.iter().map(|&i| &blocking[i])).unwrap());
                let Poll::Ready((guards, _token)) = poll_once(many.as_mut()) else {
                    panic!("every lock is free");
                };
                assert_eq!(indices(&guards), order, "lock_many_checked of {order:?}");
                assert_eq!(free_blocking(&blocking), 0, "all held: {order:?}");
            }
            assert_eq!(free_blocking(&blocking), len, "all released: {order:?}");
        }
    }
}

#[test]
fn lock_groups_hand_guards_back_in_any_callers_order_take_after_take() {
    for len in 0..=MOST {
        let locks = blocking_locks(len);
        let async_locks = async_locks(len);
        for order in orders(len) {
            let mut group = LockGroup::new(order.iter().map(|&i| &locks[i]));
            let mut async_group = LockGroup::new(order.iter().map(|&i| &async_locks[i]));
            let mut token = LockToken::new();
            for _ in 0..2 {
                {
                    let (guards, _token) = group.lock_blocking(&mut token);
                    assert_eq!(indices(guards.iter()), order, "lock_blocking of {order:?}");
                    assert_eq!(free_blocking(&locks), 0, "all held: {order:?}");
                }
                assert_eq!(free_blocking(&locks), len, "all released: {order:?}");
                {
                    let (guards, _token) = group.try_lock(&mut token).unwrap();
                    assert_eq!(indices(guards.iter()), order, "try_lock of {order:?}");
                }
                {
                    let mut take = pin!(async_group.lock(&mut token));
                    let Poll::Ready((guards, _token)) = poll_once(take.as_mut()) else {
                        panic!("every lock is free");
                    };
                    assert_eq!(indices(guards.iter()), order, "lock of {order:?}");
                    assert_eq!(free_async(&async_locks), 0, "all held: {order:?}");
                }
                assert_eq!(free_async(&async_locks), len, "all released: {order:?}");
            }
        }
    }
}

#[test]
fn a_lock_given_twice_is_caught_in_any_order() {
    let locks = blocking_locks(MOST);
    // The repeated lock next to its copy, apart, first and last, in ascending,
    // descending and shuffled sets.
    let requests: [&[usize]; 7] = [
        &[0, 0],
        &[1, 2, 2, 3],
        &[3, 2, 2, 1],
        &[5, 4, 3, 2, 1, 0, 5],
        &[0, 1, 2, 3, 4, 5, 6, 7, 8, 0],
        &[9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 10, 11, 4],
        &[3, 7, 1, 7],
    ];
    for request in requests {
        let first = request.iter().position(|i| request.iter().filter(|j| *j == i).count() > 1);
        let first = first.unwrap();
        let second =
            first + 1 + request[first + 1..].iter().position(|i| *i == request[first]).unwrap();
        let given = || request.iter().map(|&i| &locks[i]);
        let mut token = LockToken::new();
        // First the call that cannot block: a duplicate missed would be a
        // busy lock here, where the blocking calls would wait for themselves.
        match token.try_lock_many_checked(given()) {
            Err(TryLockManyError::Duplicate(error)) => {
                assert_eq!(error.positions(), (first, second), "{request:?}");
            }
            other => panic!("{request:?}: not refused as a duplicate: {other:?}"),
        }
        let error = token.lock_many_blocking_checked(given()).unwrap_err();
        assert_eq!(error.positions(), (first, second), "{request:?}");
        let panic = catch_unwind(AssertUnwindSafe(|| {
            let _never = token.lock_many_blocking(given());
        }));
        assert!(panic.is_err(), "lock_many_blocking of {request:?}");
        let panic = catch_unwind(AssertUnwindSafe(|| LockGroup::new(given())));
        assert!(panic.is_err(), "LockGroup::new of {request:?}");
        assert_eq!(free_blocking(&locks), MOST, "nothing taken: {request:?}");
    }
}
