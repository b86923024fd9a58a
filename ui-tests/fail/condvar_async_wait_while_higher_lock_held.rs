// An async Condvar wait releases and re-takes the mutex; with a higher lock
// taken through the mutex's token still held, the re-take would invert the order.
use lockladder::{lock_level, Condvar, LockToken, Mutex};

#[lock_level(20)]
struct Jobs {
    queue: Vec<u32>,
}

#[lock_level(30)]
struct Stats {
    waits: u64,
}

async fn wait_for_job(jobs: &Mutex<Jobs>, stats: &Mutex<Stats>, ready: &Condvar) {
    let mut token = LockToken::new();
    let (held, mut at_jobs) = jobs.lock(&mut token).await;
    let (mut stats, _at_stats) = stats.lock(&mut at_jobs).await;
    let _held = ready.wait_while(jobs, held, &mut at_jobs, |jobs| jobs.queue.is_empty()).await;
    stats.waits += 1;
}

fn main() {}
