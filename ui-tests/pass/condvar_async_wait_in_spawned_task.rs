// An async Condvar wait in a task given to `tokio::spawn`, with a lower lock
// held through the wait and a higher one taken after it.
use std::sync::Arc;

use lockladder::{lock_level, Condvar, LockToken, Mutex, RwLock};

#[lock_level(10)]
struct Limits {
    capacity: usize,
}

#[lock_level(20)]
struct Jobs {
    queue: Vec<u32>,
}

#[lock_level(30)]
struct Stats {
    pushed: u64,
}

struct Shared {
    limits: RwLock<Limits>,
    jobs: Mutex<Jobs>,
    stats: Mutex<Stats>,
    room: Condvar,
}

async fn push(shared: &Shared) {
    let mut token = LockToken::new();
    let (limits, mut at_limits) = shared.limits.read(&mut token).await;
    let (held, mut at_jobs) = shared.jobs.lock(&mut at_limits).await;
    let mut held = shared
        .room
        .wait_while(&shared.jobs, held, &mut at_jobs, |jobs| jobs.queue.len() >= limits.capacity)
        .await;
    held.queue.push(1);
    let (mut stats, _) = shared.stats.lock(&mut at_jobs).await;
    stats.pushed += 1;
}

fn main() {
    let shared = Arc::new(Shared {
        limits: RwLock::new(Limits { capacity: 1 }),
        jobs: Mutex::new(Jobs { queue: Vec::new() }),
        stats: Mutex::new(Stats { pushed: 0 }),
        room: Condvar::new(),
    });
    let runtime = tokio::runtime::Builder::new_multi_thread().build().unwrap();
    runtime.block_on(async move {
        tokio::spawn(async move { push(&shared).await }).await.unwrap();
    });
}
