// The guard owns the session for the whole hold: it cannot take a second lock
// (PostgreSQL would grant the same key again, re-entrantly) nor run anything.
use lockladder::{LockToken, lock_level};
use lockladder_postgres::{PgLock, PgSession};

#[lock_level(10)]
enum Jobs {}

async fn twice(session: PgSession) {
    let jobs: PgLock<Jobs> = PgLock::named("jobs");
    let mut token = LockToken::new();
    let (_first, _token) = jobs.lock(&mut token, session).await.unwrap();
    let mut other = LockToken::new();
    let _second = jobs.lock(&mut other, session).await;
}

fn main() {
    let _ = twice;
}
