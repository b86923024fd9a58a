// A Condvar wait releases and re-takes the mutex; with a higher lock taken
// through the mutex's token still held, the re-take would invert the order.
use lockladder::{lock_level, sync::{Condvar, Mutex}, LockToken};

#[lock_level(20)]
struct Jobs {
    queue: Vec<u32>,
}

#[lock_level(30)]
struct Stats {
    waits: u64,
}

fn wait_for_job(jobs: &Mutex<Jobs>, stats: &Mutex<Stats>, ready: &Condvar) {
    let mut token = LockToken::new();
    let (mut held, mut at_jobs) = jobs.lock(&mut token);
    let (mut stats, _at_stats) = stats.lock(&mut at_jobs);
    ready.wait_while(jobs, &mut held, &mut at_jobs, |jobs| jobs.queue.is_empty());
    stats.waits += 1;
}

fn main() {}
