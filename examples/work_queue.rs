//! A bounded work queue on a blocking `sync::Mutex` and two `sync::Condvar`s,
//! inside the level hierarchy.
//!
//! `Limits` (10) caps the queue, the `Queue` (20) holds the jobs, `Totals`
//! (30) collects the results. A producer reads the cap, takes the queue and
//! waits for room; a worker waits for a job, then records its result in
//! `Totals` after the queue. Every wait is given the queue's own token: a wait
//! while `Totals` is held through it would not compile, since re-taking the
//! queue under `Totals` inverts the order.
//!
//! Run it with `cargo run --example work_queue`.

use std::collections::VecDeque;
use std::thread;

use lockladder::sync::{Condvar, Mutex, RwLock};
use lockladder::{LockToken, lock_level};

#[lock_level(10)]
struct Limits {
    capacity: usize,
}

#[lock_level(20)]
struct Queue {
    jobs: VecDeque<u64>,
    /// No more jobs will come; workers stop once the queue is empty.
    closed: bool,
}

#[lock_level(30)]
struct Totals {
    done: u64,
    sum: u64,
}

struct WorkQueue {
    limits: RwLock<Limits>,
    queue: Mutex<Queue>,
    totals: Mutex<Totals>,
    not_empty: Condvar,
    not_full: Condvar,
}

const PRODUCERS: u64 = 3;
const WORKERS: usize = 4;
const JOBS_PER_PRODUCER: u64 = 1_000;

impl WorkQueue {
    /// Waits for room, then adds a job.
    fn push(&self, job: u64) {
        let mut token = LockToken::new();
        let (limits, mut at_limits) = self.limits.read(&mut token); // 10
        let (mut queue, mut at_queue) = self.queue.lock(&mut at_limits); // 10 -> 20
        // `Limits` stays read through the wait: it is below the queue.
        self.not_full.wait_while(&self.queue, &mut queue, &mut at_queue, |queue| {
            queue.jobs.len() >= limits.capacity
        });
        queue.jobs.push_back(job);
        self.not_empty.notify_one();
    }

    /// Waits for a job; `None` once the queue is closed and empty.
    fn pop(&self) -> Option<u64> {
        let mut token = LockToken::new();
        let (mut queue, mut at_queue) = self.queue.lock(&mut token);
        self.not_empty.wait_while(&self.queue, &mut queue, &mut at_queue, |queue| {
            queue.jobs.is_empty() && !queue.closed
        });
        let job = queue.jobs.pop_front()?;
        self.not_full.notify_one();
        Some(job)
    }

    /// A worker: runs jobs until the queue closes, adding results to `Totals`.
    fn work(&self) {
        while let Some(job) = self.pop() {
            let result = job * 2;
            let mut token = LockToken::new();
            let (mut totals, _) = self.totals.lock(&mut token);
            totals.done += 1;
            totals.sum += result;
        }
    }

    fn close(&self) {
        let mut token = LockToken::new();
        let (mut queue, _) = self.queue.lock(&mut token);
        queue.closed = true;
        self.not_empty.notify_all();
    }
}

fn main() {
    let work = WorkQueue {
        limits: RwLock::new(Limits { capacity: 8 }),
        queue: Mutex::new(Queue { jobs: VecDeque::new(), closed: false }),
        totals: Mutex::new(Totals { done: 0, sum: 0 }),
        not_empty: Condvar::new(),
        not_full: Condvar::new(),
    };
    thread::scope(|scope| {
        let workers: Vec<_> = (0..WORKERS).map(|_| scope.spawn(|| work.work())).collect();
        let producers: Vec<_> = (0..PRODUCERS)
            .map(|producer| {
                let work = &work;
                scope.spawn(move || {
                    for job in 0..JOBS_PER_PRODUCER {
                        work.push(producer * JOBS_PER_PRODUCER + job);
                    }
                })
            })
            .collect();
        for producer in producers {
            producer.join().expect("a producer panicked");
        }
        work.close();
        for worker in workers {
            worker.join().expect("a worker panicked");
        }
    });

    let totals = work.totals.into_inner();
    let jobs = PRODUCERS * JOBS_PER_PRODUCER;
    assert_eq!(totals.done, jobs, "every job ran exactly once");
    assert_eq!(totals.sum, jobs * (jobs - 1), "and its result was counted once");
    println!(
        "{} jobs through a queue of {} on {WORKERS} workers; sum {}",
        totals.done, 8, totals.sum
    );
}
