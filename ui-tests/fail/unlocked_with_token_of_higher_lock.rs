// Only the token at the mutex's own level proves nothing above it is held:
// the lock argument names that level, and the token must match it.
use lockladder::{lock_level, sync::{Mutex, MutexGuard}, LockToken};

#[lock_level(20)]
struct Jobs;

#[lock_level(30)]
struct Stats;

fn release_above(jobs: &Mutex<Jobs>, stats: &Mutex<Stats>) {
    let mut token = LockToken::new();
    let (mut held, mut at_jobs) = jobs.lock(&mut token);
    let (_stats, mut at_stats) = stats.lock(&mut at_jobs);
    MutexGuard::unlocked(&mut held, jobs, &mut at_stats, || ());
}

fn main() {}
