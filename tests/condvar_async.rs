//! The async `Condvar`: a bounded queue on a multi-thread runtime with exact
//! counts (waits cancelled by time-outs included), and cancellation in each
//! state of a wait.

use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use lockladder::{Condvar, LockToken, Mutex, lock_level};

mod hand_polling;
use hand_polling::{channel_waker, ready};
mod held_elsewhere;
use held_elsewhere::while_held_elsewhere;

#[lock_level(20)]
#[derive(Default)]
struct Queue {
    items: VecDeque<u64>,
    closed: bool,
}

const PRODUCERS: u64 = 4;
const CONSUMERS: usize = 4;
const ITEMS_PER_PRODUCER: u64 = 1_000;
const CAPACITY: usize = 3;
/// A watchdog: far beyond any real wait, so a hang fails instead of blocking CI.
const WATCHDOG: Duration = Duration::from_secs(10);

struct Shared {
    queue: Mutex<Queue>,
    not_empty: Condvar,
    not_full: Condvar,
}

async fn produce(shared: Arc<Shared>, producer: u64) {
    for item in 0..ITEMS_PER_PRODUCER {
        let mut token = LockToken::new();
        let (held, mut at_queue) = shared.queue.lock(&mut token).await;
        let mut held = shared
            .not_full
            .wait_while(&shared.queue, held, &mut at_queue, |queue| queue.items.len() >= CAPACITY)
            .await;
        assert!(held.items.len() < CAPACITY, "the bound holds");
        held.items.push_back(producer * ITEMS_PER_PRODUCER + item);
        shared.not_empty.notify_one();
    }
}

/// Consumes until closed; every other wait is cut short by a time-out (a
/// cancellation at whatever state the wait was in).
async fn consume(shared: Arc<Shared>, seed: u64) -> (Vec<u64>, u64) {
    let (mut taken, mut cancelled, mut rng) = (Vec::new(), 0, seed);
    loop {
        let mut token = LockToken::new();
        let (held, mut at_queue) = shared.queue.lock(&mut token).await;
        rng = rng.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let wait = shared.not_empty.wait_while(&shared.queue, held, &mut at_queue, |queue| {
            queue.items.is_empty() && !queue.closed
        });
        let mut held = if rng >> 63 == 0 {
            match tokio::time::timeout(Duration::from_micros(rng >> 54), wait).await {
                Ok(held) => held,
                Err(_) => {
                    cancelled += 1;
                    continue;
                }
            }
        } else {
            wait.await
        };
        match held.items.pop_front() {
            Some(item) => {
                taken.push(item);
                shared.not_full.notify_one();
            }
            None => return (taken, cancelled),
        }
    }
}

#[test]
fn bounded_queue_delivers_every_item_exactly_once_with_cancelled_waits() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_time()
        .build()
        .unwrap();
    runtime.block_on(async {
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue::default()),
            not_empty: Condvar::new(),
            not_full: Condvar::new(),
        });
        let consumers: Vec<_> = (0..CONSUMERS)
            .map(|seed| tokio::spawn(consume(shared.clone(), seed as u64 + 1)))
            .collect();
        let producers: Vec<_> = (0..PRODUCERS)
            .map(|producer| tokio::spawn(produce(shared.clone(), producer)))
            .collect();
        let all = tokio::time::timeout(WATCHDOG * 3, async {
            for producer in producers {
                producer.await.unwrap();
            }
            let mut token = LockToken::new();
            shared.queue.lock(&mut token).await.0.closed = true;
            shared.not_empty.notify_all();
            let mut all = Vec::new();
            for consumer in consumers {
                all.extend(consumer.await.unwrap().0);
            }
            all
        })
        .await
        .expect("no wait lost its wake-up");
        let mut all = all;
        all.sort_unstable();
        assert_eq!(all, (0..PRODUCERS * ITEMS_PER_PRODUCER).collect::<Vec<_>>());
    });
}

#[test]
fn a_wait_dropped_before_its_first_poll_releases_the_mutex() {
    let (queue, changed) = (Mutex::new(Queue::default()), Condvar::new());
    let mut token = LockToken::new();
    let (held, mut at_queue) = queue.try_lock(&mut token).unwrap();
    drop(changed.wait(&queue, held, &mut at_queue));
    drop(at_queue);
    assert!(queue.try_lock(&mut token).is_ok(), "released");
}

#[test]
fn a_listening_wait_releases_the_mutex_and_a_cancelled_one_passes_its_notification_on() {
    let (queue, changed) = (Mutex::new(Queue::default()), Condvar::new());
    let (first_waker, _first_woken) = channel_waker(16);
    let (second_waker, second_woken) = channel_waker(16);

    let mut first_token = LockToken::new();
    let (held, mut at_queue) = queue.try_lock(&mut first_token).unwrap();
    let mut first = Box::pin(changed.wait(&queue, held, &mut at_queue));
    assert!(ready(first.as_mut(), &first_waker).is_none());

    let mut second_token = LockToken::new();
    let (held, mut at_queue_2) =
        queue.try_lock(&mut second_token).expect("the first wait released it");
    let mut second = pin!(changed.wait(&queue, held, &mut at_queue_2));
    assert!(ready(second.as_mut(), &second_waker).is_none());

    assert!(changed.notify_one()); // reaches the first (longest) waiter
    drop(first); // cancelled before it acted on it
    second_woken.recv_timeout(WATCHDOG).expect("the notification was passed on");
    assert!(ready(second.as_mut(), &second_waker).is_some(), "re-takes the free mutex");
}

#[test]
fn a_notified_wait_cancelled_while_it_waits_for_the_mutex_passes_its_notification_on() {
    let (queue, changed) = (Mutex::new(Queue::default()), Condvar::new());
    let (first_waker, _first_woken) = channel_waker(16);
    let (second_waker, second_woken) = channel_waker(16);

    let mut first_token = LockToken::new();
    let (held, mut at_queue) = queue.try_lock(&mut first_token).unwrap();
    let mut first = Box::pin(changed.wait(&queue, held, &mut at_queue));
    assert!(ready(first.as_mut(), &first_waker).is_none());
    let mut second_token = LockToken::new();
    let (held, mut at_queue_2) = queue.try_lock(&mut second_token).unwrap();
    let mut second = pin!(changed.wait(&queue, held, &mut at_queue_2));
    assert!(ready(second.as_mut(), &second_waker).is_none());

    // Hold the mutex on another thread (another task: with `lockdep`, this
    // one may not re-take a lock it holds), so the notified waiter must queue.
    let hold = |until_released: &mut dyn FnMut()| {
        let mut holder_token = LockToken::new();
        let (_holder, _) = queue.try_lock(&mut holder_token).unwrap();
        until_released();
    };
    while_held_elsewhere(hold, || {
        assert!(changed.notify_one());
        assert!(ready(first.as_mut(), &first_waker).is_none(), "notified, waiting for the mutex");
        assert!(second_woken.try_recv().is_err(), "one notification, one waiter");
        drop(first);
        second_woken.recv_timeout(WATCHDOG).expect("the notification was passed on");
        assert!(ready(second.as_mut(), &second_waker).is_none(), "the mutex is still held");
    });
    second_woken.recv_timeout(WATCHDOG).expect("woken by the release");
    assert!(ready(second.as_mut(), &second_waker).is_some());
}

#[test]
fn a_guard_from_a_set_cannot_wait_and_keeps_the_lock() {
    let (first, second) = (Mutex::new(Queue::default()), Mutex::new(Queue::default()));
    let changed = Condvar::new();
    tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
        let mut token = LockToken::new();
        let (mut guards, mut at_queue) = token.lock_many([&first, &second]).await;
        let guard = guards.remove(0);
        let refused =
            catch_unwind(AssertUnwindSafe(|| drop(changed.wait(&first, guard, &mut at_queue))));
        let message = *refused.unwrap_err().downcast::<String>().unwrap();
        assert!(message.contains("taken in a set"), "{message}");
        // The refused guard was dropped by the unwinding; the other is held.
        std::thread::scope(|scope| {
            scope.spawn(|| {
                let mut elsewhere = LockToken::new(); // another thread, its own root
                assert!(second.try_lock(&mut elsewhere).is_err());
            });
        });
        drop(guards);
    });
}
