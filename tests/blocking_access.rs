//! `blocking_lock`, `blocking_read`, `blocking_write`: async locks taken from
//! plain threads, contended by async tasks, with exact counts; refused inside a
//! runtime.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::thread;

use lockladder::{LockToken, Mutex, RwLock, lock_level};

#[lock_level(10)]
struct Registry {
    bumps: u64,
}

#[lock_level(20)]
struct Counter {
    value: u64,
}

const THREADS: u64 = 3;
const TASKS: u64 = 3;
const ROUNDS: u64 = 2_000;

#[test]
fn threads_and_tasks_share_the_async_locks_and_count_exactly() {
    let registry = Arc::new(RwLock::new(Registry { bumps: 0 }));
    let counter = Arc::new(Mutex::new(Counter { value: 0 }));
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap();
    let tasks: Vec<_> = (0..TASKS)
        .map(|_| {
            let (registry, counter) = (registry.clone(), counter.clone());
            runtime.spawn(async move {
                for _ in 0..ROUNDS {
                    let mut token = LockToken::new();
                    let (mut registry, mut token) = registry.write(&mut token).await;
                    let (mut counter, _) = counter.lock(&mut token).await;
                    registry.bumps += 1;
                    let before = counter.value;
                    tokio::task::yield_now().await; // a lost update would show
                    counter.value = before + 1;
                }
            })
        })
        .collect();
    let threads: Vec<_> = (0..THREADS)
        .map(|round| {
            let (registry, counter) = (registry.clone(), counter.clone());
            thread::spawn(move || {
                for _ in 0..ROUNDS {
                    let mut token = LockToken::new();
                    // Alternate read and write of the lower lock.
                    if round % 2 == 0 {
                        let (registry, mut token) = registry.blocking_read(&mut token);
                        let (mut counter, _) = counter.blocking_lock(&mut token);
                        let before = counter.value;
                        thread::yield_now();
                        counter.value = before + 1;
                        drop(registry);
                    } else {
                        let (mut registry, mut token) = registry.blocking_write(&mut token);
                        registry.bumps += 1;
                        let (mut counter, _) = counter.blocking_lock(&mut token);
                        let before = counter.value;
                        thread::yield_now();
                        counter.value = before + 1;
                    }
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    runtime.block_on(async {
        for task in tasks {
            task.await.unwrap();
        }
    });
    let mut token = LockToken::new();
    assert_eq!(counter.blocking_lock(&mut token).0.value, (THREADS + TASKS) * ROUNDS);
    let writers = TASKS + (0..THREADS).filter(|round| round % 2 == 1).count() as u64;
    assert_eq!(registry.blocking_read(&mut token).0.bumps, writers * ROUNDS);
}

fn refused(run: impl FnOnce()) -> String {
    let payload = catch_unwind(AssertUnwindSafe(run)).unwrap_err();
    *payload.downcast::<String>().unwrap()
}

#[test]
fn blocking_access_panics_inside_a_runtime_before_taking_anything() {
    let (registry, counter) =
        (RwLock::new(Registry { bumps: 0 }), Mutex::new(Counter { value: 0 }));
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    runtime.block_on(async {
        let message = refused(|| {
            let mut token = LockToken::new();
            let _ = counter.blocking_lock(&mut token);
        });
        assert!(
            message.contains("`Mutex::blocking_lock` called inside a tokio runtime"),
            "{message}"
        );
        let message = refused(|| {
            let mut token = LockToken::new();
            let _ = registry.blocking_read(&mut token);
        });
        assert!(message.contains("`RwLock::blocking_read`"), "{message}");
        let message = refused(|| {
            let mut token = LockToken::new();
            let _ = registry.blocking_write(&mut token);
        });
        assert!(message.contains("`RwLock::blocking_write`"), "{message}");
        // Nothing was taken.
        let mut token = LockToken::new();
        assert!(counter.try_lock(&mut token).is_ok());
    });
}
