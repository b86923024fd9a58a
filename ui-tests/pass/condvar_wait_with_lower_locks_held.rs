// A Condvar wait with the mutex's own token, while locks below the mutex are
// held (they stay held through the wait), and a higher lock taken after it.
use std::time::Duration;

use lockladder::{lock_level, sync::{Condvar, Mutex, RwLock}, LockToken};

#[lock_level(10)]
struct Config {
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

fn push(config: &RwLock<Config>, jobs: &Mutex<Jobs>, stats: &Mutex<Stats>, room: &Condvar) {
    let mut token = LockToken::new();
    let (config, mut at_config) = config.read(&mut token);
    let (mut held, mut at_jobs) = jobs.lock(&mut at_config);
    room.wait_while(jobs, &mut held, &mut at_jobs, |jobs| jobs.queue.len() >= config.capacity);
    let _ = room.wait_for(jobs, &mut held, &mut at_jobs, Duration::ZERO);
    held.queue.push(1);
    let (mut stats, _) = stats.lock(&mut at_jobs);
    stats.pushed += 1;
}

fn main() {
    let (config, jobs) = (RwLock::new(Config { capacity: 1 }), Mutex::new(Jobs { queue: Vec::new() }));
    let (stats, room) = (Mutex::new(Stats { pushed: 0 }), Condvar::new());
    push(&config, &jobs, &stats, &room);
}
