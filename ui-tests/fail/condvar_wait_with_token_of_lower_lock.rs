// The token a lower lock returned is frozen while the mutex taken through it
// is held, so it cannot stand in for the mutex's own token either.
use lockladder::{lock_level, sync::{Condvar, Mutex, RwLock}, LockToken};

#[lock_level(10)]
struct Config {
    capacity: usize,
}

#[lock_level(20)]
struct Jobs {
    queue: Vec<u32>,
}

fn wait_for_room(config: &RwLock<Config>, jobs: &Mutex<Jobs>, room: &Condvar) {
    let mut token = LockToken::new();
    let (config, mut at_config) = config.read(&mut token);
    let (mut held, _at_jobs) = jobs.lock(&mut at_config);
    room.wait_while(jobs, &mut held, &mut at_config, |jobs| jobs.queue.len() >= config.capacity);
}

fn main() {}
