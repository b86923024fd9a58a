// A `Mutex` below the level of a held advisory lock: the cycle with another
// replica (it holds the mutex's data, waits for the key) is a compile error.
use lockladder::{LockToken, Mutex, lock_level};
use lockladder_postgres::{PgLock, PgSession};

#[lock_level(10)]
struct Cache(Vec<i32>);
#[lock_level(20)]
enum JobTable {}

async fn inverted(cache: &Mutex<Cache>, session: PgSession) {
    let jobs: PgLock<JobTable> = PgLock::named("jobs");
    let mut token = LockToken::new();
    let (_jobs, mut token) = jobs.lock(&mut token, session).await.unwrap();
    let (_cache, _token) = cache.lock(&mut token).await;
}

fn main() {
    let _ = inverted;
}
