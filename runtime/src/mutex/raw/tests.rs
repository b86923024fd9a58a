//! The queue's promises, one poll at a time, and a stress run with cancellations.

use core::task::Poll;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::RawMutex;
use crate::rwlock::raw::tests::Task;

#[test]
fn a_newcomer_never_barges_past_a_queued_task() {
    let mutex = RawMutex::new(0u32);
    let holder = mutex.try_lock().expect("free");
    let mut first = Task::new(mutex.lock());
    assert!(first.poll().is_pending());

    drop(holder);
    assert!(first.woken());
    // Free, but `first` is queued: a newcomer must not take it.
    assert!(mutex.try_lock().is_none());
    let mut second = Task::new(mutex.lock());
    assert!(second.poll().is_pending());

    let Poll::Ready(mut guard) = first.poll() else { panic!("the head is granted") };
    *guard += 1;
    drop(guard);
    assert!(second.woken());
    let Poll::Ready(guard) = second.poll() else { panic!("the next task is granted") };
    assert_eq!(*guard, 1);
}

#[test]
fn a_task_cancelled_at_the_head_passes_the_turn_on() {
    let mutex = RawMutex::new(());
    let holder = mutex.try_lock().expect("free");
    let mut head = Task::new(mutex.lock());
    assert!(head.poll().is_pending());
    let mut next = Task::new(mutex.lock());
    assert!(next.poll().is_pending());

    drop(head);
    assert!(next.poll().is_pending(), "still held");
    drop(holder);
    assert!(next.woken());
    assert!(next.poll().is_ready());
}

#[test]
fn a_task_cancelled_in_the_queue_leaves_no_trace() {
    let mutex = RawMutex::new(());
    let holder = mutex.try_lock().expect("free");
    let mut head = Task::new(mutex.lock());
    assert!(head.poll().is_pending());
    let mut queued = Task::new(mutex.lock());
    assert!(queued.poll().is_pending());

    drop(queued);
    drop(holder);
    let Poll::Ready(guard) = head.poll() else { panic!("the head is granted") };
    drop(guard);
    drop(mutex.try_lock().expect("free, nobody queued"));
}

/// Many tasks lock and give up at random points on a multi-thread runtime:
/// every hold is exclusive, the count exact, and the mutex free at the end.
#[test]
fn randomly_cancelled_lockers_keep_the_mutex_consistent() {
    const TASKS: usize = 16;
    const ROUNDS: usize = 400;

    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(4).enable_time().build();
    let runtime = runtime.expect("a runtime");
    let mutex = Arc::new(RawMutex::new((0u64, false)));
    let completed = Arc::new(AtomicUsize::new(0));
    runtime.block_on(async {
        let tasks: Vec<_> = (0..TASKS)
            .map(|task| {
                let (mutex, completed) = (mutex.clone(), completed.clone());
                tokio::spawn(async move {
                    let mut seed = task as u64 * 0x9E37_79B9 + 1;
                    for _ in 0..ROUNDS {
                        seed ^= seed << 13;
                        seed ^= seed >> 7;
                        seed ^= seed << 17;
                        let patience = core::time::Duration::from_micros(seed % 50);
                        if let Ok(mut state) = tokio::time::timeout(patience, mutex.lock()).await {
                            assert!(!state.1, "two holders at once");
                            state.1 = true;
                            tokio::task::yield_now().await;
                            state.0 += 1;
                            state.1 = false;
                            completed.fetch_add(1, Ordering::SeqCst);
                        }
                    }
                })
            })
            .collect();
        let all = async {
            for task in tasks {
                task.await.expect("no assertion failed");
            }
        };
        tokio::time::timeout(core::time::Duration::from_secs(60), all)
            .await
            .expect("watchdog: the mutex hung");
    });
    let state = mutex.try_lock().expect("free and nobody queued at the end");
    assert_eq!(state.0, completed.load(Ordering::SeqCst) as u64);
}
