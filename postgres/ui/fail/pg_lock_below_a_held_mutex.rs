// An advisory lock below the level of a held `Mutex`.
use lockladder::{LockToken, Mutex, lock_level};
use lockladder_postgres::{PgLock, PgSession};

#[lock_level(10)]
enum JobTable {}
#[lock_level(20)]
struct Stats(u64);

async fn inverted(stats: &Mutex<Stats>, session: PgSession) {
    let jobs: PgLock<JobTable> = PgLock::named("jobs");
    let mut token = LockToken::new();
    let (_stats, mut token) = stats.lock(&mut token).await;
    let _jobs = jobs.lock(&mut token, session).await;
}

fn main() {
    let _ = inverted;
}
