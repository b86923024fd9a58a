//! `sync::Condvar`: a bounded queue with exact counts across threads, the
//! wake-up of async waiters when a wait releases the mutex, and the refusals.

use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::task::{Context, Poll};
use std::thread;
use std::time::Duration;

use lockladder::sync::{Condvar, Mutex, RwLock};
use lockladder::{LockToken, lock_level};

mod hand_polling;
use hand_polling::channel_waker;

#[lock_level(10)]
struct Config {
    capacity: usize,
}

#[lock_level(20)]
#[derive(Default)]
struct Queue {
    items: VecDeque<u64>,
    closed: bool,
}

const PRODUCERS: u64 = 4;
const CONSUMERS: usize = 4;
const ITEMS_PER_PRODUCER: u64 = 2_000;
/// A watchdog: far beyond any real wait, so a hang fails instead of blocking CI.
const WATCHDOG: Duration = Duration::from_secs(10);

#[test]
fn bounded_queue_delivers_every_item_exactly_once_across_threads() {
    let config = RwLock::new(Config { capacity: 3 });
    let queue = Mutex::new(Queue::default());
    let (not_empty, not_full) = (Condvar::new(), Condvar::new());

    let consumed: Vec<Vec<u64>> = thread::scope(|scope| {
        let producers: Vec<_> = (0..PRODUCERS)
            .map(|producer| {
                let (config, queue, not_empty, not_full) = (&config, &queue, &not_empty, &not_full);
                scope.spawn(move || {
                    for item in 0..ITEMS_PER_PRODUCER {
                        let mut token = LockToken::new();
                        // A lower lock held across the wait is fine: it stays below.
                        let (config, mut at_config) = config.read(&mut token);
                        let (mut held, mut at_queue) = queue.lock(&mut at_config);
                        not_full.wait_while(queue, &mut held, &mut at_queue, |queue| {
                            queue.items.len() >= config.capacity
                        });
                        assert!(held.items.len() < config.capacity, "the bound holds");
                        held.items.push_back(producer * ITEMS_PER_PRODUCER + item);
                        not_empty.notify_one();
                    }
                })
            })
            .collect();
        let consumers: Vec<_> = (0..CONSUMERS)
            .map(|_| {
                let (queue, not_empty, not_full) = (&queue, &not_empty, &not_full);
                scope.spawn(move || {
                    let mut taken = Vec::new();
                    loop {
                        let mut token = LockToken::new();
                        let (mut held, mut at_queue) = queue.lock(&mut token);
                        not_empty.wait_while(queue, &mut held, &mut at_queue, |queue| {
                            queue.items.is_empty() && !queue.closed
                        });
                        match held.items.pop_front() {
                            Some(item) => {
                                taken.push(item);
                                not_full.notify_one();
                            }
                            None => return taken, // closed and drained
                        }
                    }
                })
            })
            .collect();
        for producer in producers {
            producer.join().unwrap();
        }
        let mut token = LockToken::new();
        let (mut held, _) = queue.lock(&mut token);
        held.closed = true;
        not_empty.notify_all();
        drop(held);
        consumers.into_iter().map(|consumer| consumer.join().unwrap()).collect()
    });
    let mut all: Vec<u64> = consumed.into_iter().flatten().collect();
    all.sort_unstable();
    assert_eq!(all, (0..PRODUCERS * ITEMS_PER_PRODUCER).collect::<Vec<_>>());
}

#[test]
fn a_wait_wakes_an_async_lock_all_sleeping_on_the_mutex() {
    let queue = Mutex::new(Queue::default());
    let changed = Condvar::new();
    let (locked_tx, locked) = mpsc::channel();
    let (registered_tx, registered) = mpsc::channel();
    thread::scope(|scope| {
        let (queue_ref, changed_ref) = (&queue, &changed);
        let waiter = scope.spawn(move || {
            let (queue, changed) = (queue_ref, changed_ref);
            let mut token = LockToken::new();
            let (mut held, mut at_queue) = queue.lock(&mut token);
            locked_tx.send(()).unwrap();
            registered.recv().unwrap();
            // Releases the mutex inside the wait; the async task below must
            // learn it, or it sleeps while this thread sleeps for it.
            changed.wait_while(queue, &mut held, &mut at_queue, |queue| !queue.closed);
        });
        locked.recv().unwrap();

        let (waker, woken) = channel_waker(1);
        let mut cx = Context::from_waker(&waker);
        let mut token = LockToken::new();
        let mut lock_all = pin!(token.lock_all((&queue,)));
        assert!(lock_all.as_mut().poll(&mut cx).is_pending(), "the thread holds the mutex");
        registered_tx.send(()).unwrap();

        let (mut held,) = loop {
            if woken.recv_timeout(WATCHDOG).is_err() {
                // Lost wake-up: end the waiting thread before failing, so the
                // test fails instead of hanging in the join.
                let mut elsewhere = LockToken::new();
                queue.lock(&mut elsewhere).0.closed = true;
                changed.notify_all();
                panic!("the wait released the mutex without waking the async task");
            }
            if let Poll::Ready((guards, _)) = lock_all.as_mut().poll(&mut cx) {
                break guards;
            }
        };
        held.closed = true;
        changed.notify_one();
        drop(held);
        waiter.join().unwrap();
    });
}

#[test]
fn a_guard_from_a_same_level_set_cannot_wait_and_keeps_the_lock() {
    let (first, second) = (Mutex::new(Queue::default()), Mutex::new(Queue::default()));
    let changed = Condvar::new();
    let mut token = LockToken::new();
    let (mut guards, mut at_queue) = token.lock_many_blocking([&first, &second]);
    let refused = catch_unwind(AssertUnwindSafe(|| {
        changed.wait_for(&first, &mut guards[0], &mut at_queue, Duration::ZERO)
    }));
    let message = *refused.unwrap_err().downcast::<String>().unwrap();
    assert!(message.contains("taken in a set"), "{message}");
    thread::scope(|scope| {
        scope.spawn(|| {
            let mut elsewhere = LockToken::new();
            assert!(first.try_lock(&mut elsewhere).is_err(), "still held after the refusal");
        });
    });
}

#[test]
fn a_guard_of_another_mutex_cannot_wait() {
    let (first, second) = (Mutex::new(Queue::default()), Mutex::new(Queue::default()));
    let changed = Condvar::new();
    let mut token = LockToken::new();
    let (mut held, mut at_queue) = second.lock(&mut token);
    let refused = catch_unwind(AssertUnwindSafe(|| {
        changed.wait_for(&first, &mut held, &mut at_queue, Duration::ZERO)
    }));
    let message = *refused.unwrap_err().downcast::<String>().unwrap();
    assert!(message.contains("another mutex"), "{message}");
}

#[test]
fn a_timed_wait_times_out_and_holds_the_mutex_again() {
    let queue = Mutex::new(Queue::default());
    let changed = Condvar::new();
    let mut token = LockToken::new();
    let (mut held, mut at_queue) = queue.lock(&mut token);
    let result = changed.wait_for(&queue, &mut held, &mut at_queue, Duration::from_millis(5));
    assert!(result.timed_out());
    held.items.push_back(1);
    thread::scope(|scope| {
        scope.spawn(|| {
            let mut elsewhere = LockToken::new();
            assert!(queue.try_lock(&mut elsewhere).is_err(), "re-taken after the time-out");
        });
    });
    // The token is usable again after the wait: take a higher lock through it.
    let stats = Mutex::<u64, Stats>::with_level(0);
    let (mut count, _) = stats.lock(&mut at_queue);
    *count += 1;
}

#[lock_level(30)]
enum Stats {}

#[test]
fn notify_one_wakes_one_waiter_and_notify_all_the_rest() {
    let queue = Mutex::new(Queue::default());
    let changed = Condvar::new();
    let (ready_tx, ready) = mpsc::channel();
    let (done_tx, done) = mpsc::channel();
    thread::scope(|scope| {
        for _ in 0..3 {
            let (queue, changed, ready_tx, done_tx) =
                (&queue, &changed, ready_tx.clone(), done_tx.clone());
            scope.spawn(move || {
                let mut token = LockToken::new();
                let (mut held, mut at_queue) = queue.lock(&mut token);
                ready_tx.send(()).unwrap();
                changed.wait(queue, &mut held, &mut at_queue);
                done_tx.send(()).unwrap();
            });
        }
        for _ in 0..3 {
            ready.recv().unwrap();
        }
        // Each waiter sent `ready` with the mutex held, and listens before it
        // releases it: once we hold the mutex, all three are listening.
        let mut token = LockToken::new();
        drop(queue.lock(&mut token));
        assert!(changed.notify_one());
        done.recv_timeout(WATCHDOG).expect("one waiter woke");
        assert!(done.recv_timeout(Duration::from_millis(50)).is_err(), "only one woke");
        assert_eq!(changed.notify_all(), 2);
        done.recv_timeout(WATCHDOG).unwrap();
        done.recv_timeout(WATCHDOG).unwrap();
    });
}

#[test]
fn a_notification_that_finds_a_waiter_ends_exactly_one_wait_even_as_waits_time_out() {
    const WAITERS: usize = 4;
    const WAITS_EACH: u64 = 3_000;
    let (queue, changed) = (Mutex::new(Queue::default()), Condvar::new());
    let finished = AtomicUsize::new(0);
    let (woken, delivered) = thread::scope(|scope| {
        let waiters: Vec<_> = (0..WAITERS)
            .map(|_| {
                scope.spawn(|| {
                    let mut woken = 0;
                    let mut token = LockToken::new();
                    let (mut held, mut at_queue) = queue.lock(&mut token);
                    for _ in 0..WAITS_EACH {
                        // Short, so that many time-outs race a notification.
                        let wait = Duration::from_micros(50);
                        if !changed.wait_for(&queue, &mut held, &mut at_queue, wait).timed_out() {
                            woken += 1;
                        }
                    }
                    finished.fetch_add(1, Ordering::SeqCst);
                    woken
                })
            })
            .collect();
        let mut delivered = 0;
        while finished.load(Ordering::SeqCst) < WAITERS {
            delivered += u64::from(changed.notify_one());
            thread::yield_now();
        }
        (waiters.into_iter().map(|waiter| waiter.join().unwrap()).sum::<u64>(), delivered)
    });
    // Each notification that found a waiter ended that wait as notified, and
    // no wait counted as notified without one: none lost, none doubled.
    assert_eq!(woken, delivered);
    assert!(delivered > 0, "the waits and the notifications overlapped");
}
