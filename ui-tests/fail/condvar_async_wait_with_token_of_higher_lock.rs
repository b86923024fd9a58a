// Only the token at the mutex's own level may be lent to an async wait.
use lockladder::{lock_level, Condvar, LockToken, Mutex};

#[lock_level(20)]
struct Jobs;

#[lock_level(30)]
struct Stats;

async fn wait_for_job(jobs: &Mutex<Jobs>, stats: &Mutex<Stats>, ready: &Condvar) {
    let mut token = LockToken::new();
    let (held, mut at_jobs) = jobs.lock(&mut token).await;
    let (_stats, mut at_stats) = stats.lock(&mut at_jobs).await;
    let _held = ready.wait(jobs, held, &mut at_stats).await;
}

fn main() {}
