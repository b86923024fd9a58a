// Dropping the child token does not free the parent while the guard holds
// the lock: the guard borrows the parent token too.
use lockladder::{LockToken, Mutex, lock_level};
use lockladder_postgres::{PgLock, PgSession};

#[lock_level(10)]
struct Cache(u32);
#[lock_level(20)]
enum Jobs {}

async fn sneaky(cache: &Mutex<Cache>, session: PgSession) {
    let jobs: PgLock<Jobs> = PgLock::named("jobs");
    let mut token = LockToken::new();
    let (guard, child) = jobs.lock(&mut token, session).await.unwrap();
    drop(child);
    let (_cache, _token) = cache.lock(&mut token).await;
    drop(guard);
}

fn main() {
    let _ = sneaky;
}
