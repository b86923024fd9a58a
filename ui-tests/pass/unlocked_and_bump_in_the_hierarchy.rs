// Releasing a lock inside its guard with lower locks held below it, then
// taking a higher lock through the same token once the guard holds again.
use lockladder::{lock_level, sync::{Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockUpgradableReadGuard, RwLockWriteGuard}, LockToken};

#[lock_level(10)]
struct Config {
    batch: usize,
}

#[lock_level(20)]
struct Jobs {
    queue: Vec<u32>,
}

#[lock_level(30)]
struct Stats {
    drained: u64,
}

fn drain(config: &RwLock<Config>, jobs: &Mutex<Jobs>, stats: &Mutex<Stats>) {
    let mut token = LockToken::new();
    let (mut config_held, mut at_config) = config.read(&mut token);
    let batch = config_held.batch;
    let (mut held, mut at_jobs) = jobs.lock(&mut at_config);
    let count = batch.min(held.queue.len());
    let taken: Vec<u32> = held.queue.drain(..count).collect();
    let done = MutexGuard::unlocked(&mut held, jobs, &mut at_jobs, || taken.len());
    MutexGuard::unlocked_fair(&mut held, jobs, &mut at_jobs, || ());
    MutexGuard::bump(&mut held, jobs, &mut at_jobs);
    let (mut stats, _) = stats.lock(&mut at_jobs);
    stats.drained += done as u64;
    drop((stats, held));
    RwLockReadGuard::bump(&mut config_held, config, &mut at_config);
}

#[lock_level(40)]
struct Cache {
    entries: Vec<u32>,
}

fn main() {
    let config = RwLock::new(Config { batch: 2 });
    let jobs = Mutex::new(Jobs { queue: vec![1, 2, 3] });
    let stats = Mutex::new(Stats { drained: 0 });
    drain(&config, &jobs, &stats);

    let cache = RwLock::new(Cache { entries: Vec::new() });
    let mut token = LockToken::new();
    let (mut writing, mut at_cache) = cache.write(&mut token);
    RwLockWriteGuard::unlocked(&mut writing, &cache, &mut at_cache, || ());
    let mut checking = RwLockWriteGuard::downgrade_to_upgradable(writing, &cache);
    RwLockUpgradableReadGuard::bump(&mut checking, &mut at_cache);
    RwLockUpgradableReadGuard::unlock_fair(checking);
    let (writing, _) = cache.write(&mut token);
    RwLockWriteGuard::unlock_fair(writing);
}
