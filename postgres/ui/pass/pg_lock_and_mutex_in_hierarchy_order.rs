// In-process and advisory locks interleaved in ascending order, in a generic
// helper and in a spawned task (the futures and guards are `Send`).
use lockladder::{LockBefore, LockToken, Mutex, lock_level};
use lockladder_postgres::{PgLock, PgLockError, PgSession};

#[lock_level(10)]
struct Cache(Vec<i32>);
#[lock_level(20)]
enum JobTable {}
#[lock_level(30)]
struct Stats(u64);

static JOBS: PgLock<JobTable> = PgLock::named("jobs");

async fn claim<H: LockBefore<JobTable>>(
    token: &mut LockToken<'_, H>,
    session: PgSession,
    stats: &Mutex<Stats>,
) -> Result<PgSession, PgLockError> {
    let (jobs, mut token) = JOBS.lock(token, session).await?;
    let (mut stats, _token) = stats.lock(&mut token).await;
    stats.0 += 1;
    drop(stats);
    jobs.unlock().await
}

async fn service(cache: &Mutex<Cache>, stats: &Mutex<Stats>, session: PgSession) -> Result<PgSession, PgLockError> {
    let mut token = LockToken::new();
    let (mut cache, mut token) = cache.lock(&mut token).await;
    cache.0.push(1);
    claim(&mut token, session, stats).await
}

fn spawned(session: PgSession) {
    tokio::spawn(async move {
        let cache = Mutex::new(Cache(vec![]));
        let stats = Mutex::new(Stats(0));
        let _ = service(&cache, &stats, session).await;
    });
}

fn main() {
    let _ = spawned;
}
