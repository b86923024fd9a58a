// `unlocked` re-takes the mutex when its closure returns: with a higher lock
// taken through the mutex's token still held, that would invert the order,
// so it takes that token mutably, as a `Condvar` wait does.
use lockladder::{lock_level, sync::{Mutex, MutexGuard}, LockToken};

#[lock_level(20)]
struct Jobs {
    queue: Vec<u32>,
}

#[lock_level(30)]
struct Stats {
    waits: u64,
}

fn release_above(jobs: &Mutex<Jobs>, stats: &Mutex<Stats>) {
    let mut token = LockToken::new();
    let (mut held, mut at_jobs) = jobs.lock(&mut token);
    let (mut stats, _at_stats) = stats.lock(&mut at_jobs);
    MutexGuard::unlocked(&mut held, jobs, &mut at_jobs, || ());
    held.queue.push(1);
    stats.waits += 1;
}

fn main() {}
